"""`studybot` entry point: the one place where things are wired together."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path

from bot.content import Content, default_content_dir, load_content
from bot.errors import ContentError, StudyBotError

__all__ = ["main"]

log = logging.getLogger(__name__)

DEFAULT_DB = "./data/studybot.db"


def _content_dir(args: argparse.Namespace) -> Path:
    raw = getattr(args, "content_dir", None) or os.environ.get("STUDYBOT_CONTENT_DIR")
    return Path(raw) if raw else default_content_dir()


def _load(args: argparse.Namespace) -> Content:
    return load_content(_content_dir(args))


def _cmd_content_check(args: argparse.Namespace) -> int:
    try:
        content = _load(args)
    except ContentError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        print(f"content check: {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"content ok: {len(content.questions)} questions, {len(content.lessons)} lessons")
    return 0


def _cmd_content_stats(args: argparse.Namespace) -> int:
    from bot.stats import content_stats

    stats = content_stats(_load(args))
    if args.json:
        print(json.dumps(stats, sort_keys=True))
        return 0
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


def _cmd_console(args: argparse.Namespace) -> int:
    from adapters.console import run_console

    db = args.db or os.environ.get("STUDYBOT_DB") or DEFAULT_DB
    code: int = asyncio.run(
        run_console(content=_load(args), db_path=db, user=args.user, locale=args.lang)
    )
    return code


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
    csub = content.add_subparsers(dest="content_command", required=True)
    csub.add_parser(
        "check", parents=[common], help="validate content/; exit 1 with one line per problem"
    )
    stats = csub.add_parser("stats", parents=[common], help="count questions and lessons")
    stats.add_argument("--json", action="store_true", help="print one JSON object")

    console = sub.add_parser("console", parents=[common], help="chat with the bot in this terminal")
    console.add_argument("--db", help=f"SQLite file (env STUDYBOT_DB, default {DEFAULT_DB})")
    console.add_argument("--user", default=os.environ.get("USER") or "learner", help="your name")
    console.add_argument(
        "--lang", choices=("en", "fr"), help="language (default: your last choice, else en)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the `studybot` command line; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handlers = {
        ("content", "check"): _cmd_content_check,
        ("content", "stats"): _cmd_content_stats,
        ("console", None): _cmd_console,
    }
    handler = handlers[(args.command, getattr(args, "content_command", None))]
    try:
        return handler(args)
    except StudyBotError as e:
        print(f"studybot: {e}", file=sys.stderr)
        return 1
