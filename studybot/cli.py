"""`studybot` entry point: the one place where things are wired together."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import sqlite3
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.backup import hold_database
from bot.config import Settings, load_settings
from bot.content import Content, default_content_dir, load_content
from bot.errors import ConfigError, ContentError, StudyBotError

if TYPE_CHECKING:
    from studybot.runtime import FaceFactory

__all__ = ["main"]

log = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    overrides = {
        "db_path": getattr(args, "db", None),
        "content_dir": getattr(args, "content_dir", None),
    }
    values = {k: v for k, v in overrides.items() if v}
    return dataclasses.replace(settings, **values) if values else settings


def _load(settings: Settings) -> Content:
    return load_content(
        Path(settings.content_dir) if settings.content_dir else default_content_dir()
    )


def _configure_logging(settings: Settings, command: str) -> None:
    from bot.logs import configure_logging

    # The terminal bot shares the screen with the learner, and the one-shot commands print
    # their own result: only warnings there unless LOG_LEVEL asks for more.
    quiet = command in ("console", "content", "config", "db", "healthcheck")
    configure_logging(
        settings.log_level or ("WARNING" if quiet else "INFO"),
        settings.log_format,
        secrets=settings.secret_values(),
    )


def _cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content = _load(settings)
    except ContentError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        print(f"content check: {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"content ok: {len(content.questions)} questions, {len(content.lessons)} lessons")
    return 0


def _cmd_content_stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.stats import content_stats

    stats = content_stats(_load(settings))
    if args.json:
        print(json.dumps(stats, sort_keys=True))
        return 0
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


def _cmd_content_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content_schema import write_schemas

    content = _load(settings)
    out = Path(args.out or Path(settings.content_dir or "content") / "schema")
    for path in write_schemas(content, out):
        print(f"wrote {path}")
    return 0


def _cmd_content_reports(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reports import summarize
    from studybot.runtime import open_configured_store

    async def read() -> list[Any]:
        store = await open_configured_store(settings, background=False)
        try:
            return summarize(await store.learning.reports())
        finally:
            await store.close()

    found = asyncio.run(read())
    if args.json:
        print(json.dumps([dataclasses.asdict(s) for s in found], ensure_ascii=False))
        return 0
    if not found:
        print("no question has been reported")
    for s in found:
        reasons = ", ".join(f"{reason} {n}" for reason, n in s.by_reason.items())
        print(f"{s.question_id}: {s.count} report(s) ({reasons}), {s.first} to {s.last}")
        for text in s.texts:
            print(f"    {text!r}")
    return 0


def _cmd_config_check(args: argparse.Namespace, settings: Settings) -> int:
    for name in args.require or ():
        settings.require(*_REQUIRED[name])
    _load(settings)
    if args.connect:
        print(asyncio.run(_reach_database(settings)))
    print("config ok")
    for line in settings.summary():
        print(f"  {line}")
    return 0


async def _reach_database(settings: Settings) -> str:
    """Connect without changing anything: the server answers, at which schema version."""
    if settings.database_url is None:
        _database_ready(settings)
        return f"database: the SQLite file {settings.db_path} can be written"
    from bot.pg_store import connect_pool, where

    url = settings.database_url.reveal()
    pool = await connect_pool(url, size=1)
    try:
        version = 0
        if await pool.fetchval("SELECT to_regclass('studybot_schema')") is not None:
            version = await pool.fetchval("SELECT coalesce(max(version), 0) FROM studybot_schema")
    finally:
        await pool.close()
    return f"database: {where(url)} answers (schema version {version})"


def _open_target(target: str) -> Any:
    """A store on a postgresql:// URL or a SQLite file, created and migrated if needed."""
    if target.startswith(("postgresql://", "postgres://")):
        from bot.config import load_settings
        from bot.pg_store import open_pg_store

        # Validated as the setting is, so a bad URL gets the setting's one-line error.
        url = load_settings({"STUDYBOT_DATABASE_URL": target}).database_url
        assert url is not None
        return open_pg_store(url.reveal())
    from bot.store import open_store

    return open_store(target, background_checkpoints=False)


def _cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from studybot.runtime import open_configured_store

    async def run() -> None:
        store = await open_configured_store(settings, background=False)
        await store.close()

    asyncio.run(run())
    shown = "STUDYBOT_DATABASE_URL" if settings.database_url else settings.db_path
    print(f"database schema up to date ({shown})")
    return 0


def _cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db_copy import copy_database
    from studybot.runtime import open_configured_store

    async def run() -> Any:
        source = await (
            _open_target(args.source) if args.source else open_configured_store(settings, False)
        )
        try:
            target = await _open_target(args.to)
            try:
                return await copy_database(source, target, replace=args.replace)
            finally:
                await target.close()
        finally:
            await source.close()

    copied = asyncio.run(run())
    counts = ", ".join(f"{n} {table}" for table, n in copied.counts.items())
    print(f"copied and checked: {counts}")
    return 0


def _sqlite_only(settings: Settings, command: str) -> None:
    if settings.database_url is not None:
        raise ConfigError(
            f"db {command} works on the SQLite file, and STUDYBOT_DATABASE_URL is set: use "
            "PostgreSQL's own tools (pg_dump, pg_restore), or studybot db copy --to <file.db>"
        )


def _cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.backup import backup

    _sqlite_only(settings, "backup")
    copied = asyncio.run(backup(settings.db_path, args.path))
    print(f"backup written: {copied.path} ({copied.size} bytes, {copied.answers} answer(s))")
    return 0


def _cmd_db_restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.backup import restore

    _sqlite_only(settings, "restore")
    copied = asyncio.run(restore(args.path, settings.db_path))
    print(f"restored {args.path} into {copied.path} ({copied.answers} answer(s))")
    if copied.previous is not None:
        print(f"the database it replaced is kept as {copied.previous}")
    return 0


def _cmd_healthcheck(args: argparse.Namespace, settings: Settings) -> int:
    if settings.health_port is None:
        print("healthcheck: the health endpoint is off (HEALTH_PORT is not set)", file=sys.stderr)
        return 1
    # A server listening on every address is reached on loopback from inside the container.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(
        settings.health_host, settings.health_host
    )
    host = f"[{host}]" if ":" in host else host
    url = f"http://{host}:{settings.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            print(response.read().decode("utf-8", "replace"))
            return 0
    except urllib.error.HTTPError as e:
        print(e.read().decode("utf-8", "replace"), file=sys.stderr)
    except (OSError, ValueError) as e:
        print(f"healthcheck: {url} did not answer: {e}", file=sys.stderr)
    return 1


def _database_ready(settings: Settings) -> None:
    """Stop with one line saying what is wrong if the database cannot be created or written,
    instead of a SQLite traceback once the bot is half started."""
    path = Path(settings.db_path)
    where = f"STUDYBOT_DB={settings.db_path}"
    if path.is_dir():
        raise ConfigError(f"{where} is a directory: expected a path to the SQLite file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{where}: cannot create {path.parent}: {e.strerror}") from None
    if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
        raise ConfigError(
            f"{where}: {path.parent} is on a read-only filesystem: mount it read-write"
        )
    uid = os.getuid()
    if path.exists() and not os.access(path, os.W_OK):
        raise ConfigError(
            f"{where}: the file is read-only for this user (uid {uid}): make it writable "
            "(chmod u+w) or give it to that user"
        )
    if not os.access(path.parent, os.W_OK):
        raise ConfigError(
            f"{where}: {path.parent} is not writable by this user (uid {uid}), and SQLite keeps "
            "its journal beside the file: give the directory to that user "
            "(Docker image: chown 10001:10001)"
        )


# Every bot command holds the database's shared lock while it runs, so that `db restore`
# refuses to replace the database under a running bot.


def _run_bot(settings: Settings, make_face: FaceFactory) -> int:
    """Build the runtime around a face and run it until it stops; the exit code."""
    if settings.database_url is not None:  # PostgreSQL: no file to check or to lock
        return _serve(settings, _load(settings), make_face)
    _database_ready(settings)
    content = _load(settings)
    with hold_database(settings.db_path):
        return _serve(settings, content, make_face)


def _serve(settings: Settings, content: Content, make_face: FaceFactory) -> int:
    from studybot.runtime import Runtime

    try:
        return asyncio.run(Runtime(settings, content).run(make_face))
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        return 0


def _cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.app import ConsoleFace

    return _run_bot(settings, lambda s: ConsoleFace(s, args.user, args.lang))


def _cmd_discord(args: argparse.Namespace, settings: Settings) -> int:
    settings.require(*_REQUIRED["discord"])
    from adapters.discord.app import DiscordFace

    return _run_bot(settings, lambda s: DiscordFace(s, settings))


def _cmd_slack(args: argparse.Namespace, settings: Settings) -> int:
    settings.require(*_REQUIRED["slack-http" if args.http else "slack"])
    from adapters.slack.app import SlackFace

    port = args.port or settings.slack_port
    host = args.host or settings.slack_host
    return _run_bot(
        settings, lambda s: SlackFace(s, settings, http=args.http, port=port, host=host)
    )


_REQUIRED: dict[str, tuple[str, ...]] = {
    "discord": ("discord_token",),
    "slack": ("slack_bot_token", "slack_app_token"),
    "slack-http": ("slack_bot_token", "slack_signing_secret"),
}


def _parser() -> argparse.ArgumentParser:
    # --content-dir is accepted before or after the sub-command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content-dir",
        default=argparse.SUPPRESS,
        help="content directory (env STUDYBOT_CONTENT_DIR, default: the packaged content)",
    )
    p = argparse.ArgumentParser(prog="studybot", description=__doc__, parents=[common])
    sub = p.add_subparsers(dest="command", required=True)

    content = sub.add_parser("content", help="check or count the content")
    csub = content.add_subparsers(dest="subcommand", required=True)
    csub.add_parser("check", parents=[common], help="validate content; exit 1 listing each problem")
    stats = csub.add_parser("stats", parents=[common], help="count questions and lessons")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    schema = csub.add_parser(
        "schema", parents=[common], help="write the JSON Schemas of question and lesson files"
    )
    schema.add_argument(
        "--out", help="directory (default: <content dir>/schema, or content/schema)"
    )
    reports = csub.add_parser(
        "reports", parents=[common], help="learners' reports on questions, by question"
    )
    reports.add_argument("--json", action="store_true", help="print one JSON array")
    reports.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")

    config = sub.add_parser("config", help="validate the configuration without connecting")
    cfsub = config.add_subparsers(dest="subcommand", required=True)
    check = cfsub.add_parser("check", parents=[common], help="exit 1 naming a bad setting")
    check.add_argument(
        "--require", action="append", choices=sorted(_REQUIRED), help="also require a platform"
    )
    check.add_argument(
        "--connect", action="store_true", help="also check that the database answers"
    )

    db = sub.add_parser("db", help="migrate, copy, back up or restore the database")
    dbsub = db.add_subparsers(dest="subcommand", required=True)
    migrate = dbsub.add_parser(
        "migrate", parents=[common], help="bring the database's schema up to date, then exit"
    )
    migrate.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")
    copy = dbsub.add_parser(
        "copy", parents=[common], help="copy the whole database to PostgreSQL or a SQLite file"
    )
    copy.add_argument("--to", required=True, help="postgresql://user@host/db, or a SQLite file")
    copy.add_argument(
        "--from", dest="source", help="what to copy (default: the configured database)"
    )
    copy.add_argument("--replace", action="store_true", help="empty a non-empty target first")
    copy.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")
    backup = dbsub.add_parser("backup", help="copy the database, safely while the bot runs")
    backup.add_argument("path", help="the backup file, or a directory for a dated file")
    backup.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")
    restore = dbsub.add_parser(
        "restore", help="replace the database with a checked backup (stop the bot first)"
    )
    restore.add_argument("path", help="the backup file to restore")
    restore.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")

    health = sub.add_parser(
        "healthcheck", help="ask the running bot's /healthz; exit 0 if healthy (Docker uses it)"
    )
    health.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")

    console = sub.add_parser("console", parents=[common], help="chat with the bot in this terminal")
    console.add_argument("--db", help="SQLite file (env STUDYBOT_DB, default ./data/studybot.db)")
    console.add_argument("--user", default="learner", help="your name (default: learner)")
    console.add_argument(
        "--lang", choices=("en", "fr"), help="language (default: your last choice, else en)"
    )

    discord = sub.add_parser("discord", parents=[common], help="run the Discord bot")
    discord.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")

    slack = sub.add_parser("slack", parents=[common], help="run the Slack bot (Socket Mode)")
    slack.add_argument("--db", help="SQLite file (env STUDYBOT_DB)")
    slack.add_argument("--http", action="store_true", help="HTTP mode with request signing")
    slack.add_argument("--port", type=int, help="HTTP port (env SLACK_PORT, default 3000)")
    slack.add_argument(
        "--host", help="HTTP address (env SLACK_HOST, default 127.0.0.1; 0.0.0.0: every interface)"
    )
    return p


_COMMANDS = {
    ("content", "check"): _cmd_content_check,
    ("content", "stats"): _cmd_content_stats,
    ("content", "schema"): _cmd_content_schema,
    ("content", "reports"): _cmd_content_reports,
    ("config", "check"): _cmd_config_check,
    ("db", "migrate"): _cmd_db_migrate,
    ("db", "copy"): _cmd_db_copy,
    ("db", "backup"): _cmd_db_backup,
    ("db", "restore"): _cmd_db_restore,
    ("healthcheck", None): _cmd_healthcheck,
    ("console", None): _cmd_console,
    ("discord", None): _cmd_discord,
    ("slack", None): _cmd_slack,
}


def main(argv: list[str] | None = None) -> int:
    """Run the `studybot` command line; returns the exit code."""
    args = _parser().parse_args(argv)
    handler = _COMMANDS[(args.command, getattr(args, "subcommand", None))]
    try:
        settings = _settings(args)
        _configure_logging(settings, args.command)
        return handler(args, settings)
    except ContentError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        print(f"studybot: refusing to start: {len(e.problems)} content problem(s)", file=sys.stderr)
        return 1
    except ConfigError as e:
        print(f"studybot: {e}", file=sys.stderr)
        return 2
    except StudyBotError as e:
        print(f"studybot: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C while stopping: stop now
        return 130
    except sqlite3.DatabaseError as e:
        print(f"studybot: the database (STUDYBOT_DB) cannot be used: {e}", file=sys.stderr)
        return 1
    except Exception:
        # Through logging, so the redaction filter keeps tokens out of the traceback.
        log.exception("studybot stopped on an unexpected error")
        return 1
