"""Settings from the environment (or a YAML file named by STUDYBOT_CONFIG), validated at start-up."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.errors import ConfigError

__all__ = ["SECRETS", "SETTINGS", "Secret", "Settings", "load_settings"]

log = logging.getLogger(__name__)


class Secret:
    """A token that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Every setting studybot reads; the names are the environment variables' names."""

    db_path: str = "./data/studybot.db"
    database_url: Secret | None = field(default=None, repr=False)
    content_dir: str | None = None
    log_level: str | None = None
    log_format: str = "text"
    health_port: int | None = None
    health_host: str = "127.0.0.1"
    daily_grace_hours: float = 6.0
    retention: float = 0.9
    discord_token: Secret | None = field(default=None, repr=False)
    discord_guild_id: int | None = None
    discord_shard_count: int | None = None
    discord_shard_ids: tuple[int, ...] | None = None
    slack_bot_token: Secret | None = field(default=None, repr=False)
    slack_app_token: Secret | None = field(default=None, repr=False)
    slack_signing_secret: Secret | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_port: int = 3000
    slack_host: str = "127.0.0.1"

    def secret_values(self) -> list[str]:
        """The configured tokens themselves, for the log filter that redacts them."""
        found = (getattr(self, name) for name in sorted(SECRETS))
        values = [s.reveal() for s in found if isinstance(s, Secret) and s.reveal()]
        if self.database_url is not None:  # the password alone may show in a driver's message
            values += [p for p in [urlsplit(self.database_url.reveal()).password] if p]
        return values

    def summary(self) -> list[str]:
        """One `SETTING=value` line per setting; a token shows only whether it is set."""
        lines = []
        for name, (env, _) in SETTINGS.items():
            value = getattr(self, name)
            if name in SECRETS:
                shown = "set" if value is not None else "not set"
            else:
                shown = "not set" if value is None else str(value)
            lines.append(f"{env}={shown}")
        return lines

    def require(self, *names: str) -> None:
        """Stop with one line naming the first missing setting that a command needs."""
        for name in names:
            if getattr(self, name) is None:
                env, spec = SETTINGS[name]
                raise ConfigError(f"{env} is not set: expected {spec}")


# attribute -> (environment variable, what it expects)
SETTINGS: dict[str, tuple[str, str]] = {
    "db_path": ("STUDYBOT_DB", "a path to the SQLite file"),
    "database_url": (
        "STUDYBOT_DATABASE_URL",
        "postgresql://user[:password]@host[:port]/database (unset: the SQLite file)",
    ),
    "content_dir": ("STUDYBOT_CONTENT_DIR", "a content directory"),
    "log_level": (
        "LOG_LEVEL",
        "DEBUG, INFO, WARNING or ERROR (default INFO; WARNING in the terminal)",
    ),
    "log_format": ("LOG_FORMAT", "text or json"),
    "health_port": ("HEALTH_PORT", "a TCP port (1-65535) for /healthz and /metrics"),
    "health_host": ("HEALTH_HOST", "the address the health endpoint listens on"),
    "daily_grace_hours": (
        "STUDYBOT_DAILY_GRACE_HOURS",
        "hours (0-24) a missed daily post may be late",
    ),
    "retention": (
        "STUDYBOT_RETENTION",
        "the desired retention of spaced review, a number from 0.70 to 0.99 (default 0.9)",
    ),
    "discord_token": (
        "DISCORD_TOKEN",
        "the bot token from the Discord developer portal (three parts separated by dots)",
    ),
    "discord_guild_id": ("DISCORD_GUILD_ID", "a Discord server id (digits)"),
    "discord_shard_count": ("DISCORD_SHARD_COUNT", "the number of shards, a whole number from 1"),
    "discord_shard_ids": (
        "DISCORD_SHARD_IDS",
        "the shards this process runs, e.g. 0,1 (each below DISCORD_SHARD_COUNT)",
    ),
    "slack_bot_token": ("SLACK_BOT_TOKEN", "a bot token starting with xoxb-"),
    "slack_app_token": ("SLACK_APP_TOKEN", "an app-level token starting with xapp-"),
    "slack_signing_secret": ("SLACK_SIGNING_SECRET", "the app's signing secret"),
    "slack_api_url": ("SLACK_API_URL", "an http(s) URL ending in /api/"),
    "slack_port": ("SLACK_PORT", "a TCP port (1-65535) for HTTP mode"),
    "slack_host": ("SLACK_HOST", "the address HTTP mode listens on (0.0.0.0: every interface)"),
}
SECRETS = {
    "database_url",
    "discord_token",
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _invalid(name: str, raw: str) -> ConfigError:
    env, spec = SETTINGS[name]
    # A token is never echoed, not even a wrong one: it may be a real token pasted in the wrong place.
    shown = env if name in SECRETS else f"{env}={raw!r}"
    return ConfigError(f"{shown} is not valid: expected {spec}")


def _port(name: str, raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise _invalid(name, raw)
    return int(raw)


def _hours(name: str, raw: str) -> float:
    try:
        hours = float(raw)
    except ValueError:
        raise _invalid(name, raw) from None
    if not 0 <= hours <= 24:
        raise _invalid(name, raw)
    return hours


def _retention(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise _invalid(name, raw) from None
    if not 0.70 <= value <= 0.99:
        raise _invalid(name, raw)
    return value


def _database_url(raw: str) -> Secret:
    # Named without the URL itself: it may carry a password.
    env = SETTINGS["database_url"][0]
    try:
        url = urlsplit(raw)
        port = url.port
    except ValueError:
        raise ConfigError(f"{env} has a port that is not a number from 1 to 65535") from None
    if url.scheme not in ("postgresql", "postgres"):
        raise ConfigError(f"{env} must start with postgresql:// (found {url.scheme or 'none'}://)")
    if not url.hostname:
        raise ConfigError(f"{env} names no host: postgresql://user@host:5432/database")
    if port == 0:
        raise ConfigError(f"{env} has a port that is not a number from 1 to 65535")
    if not url.path.strip("/"):
        raise ConfigError(f"{env} names no database: postgresql://user@host:5432/database")
    return Secret(raw)


def _shard_ids(name: str, raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",")]
    if not all(p.isdigit() for p in parts):
        raise _invalid(name, raw)
    return tuple(sorted({int(p) for p in parts}))


def _parse(name: str, raw: str) -> Any:
    if name == "database_url":
        return _database_url(raw)
    if name == "discord_shard_ids":
        return _shard_ids(name, raw)
    if name == "discord_shard_count" and not (raw.isdigit() and int(raw) >= 1):
        raise _invalid(name, raw)
    if name == "discord_shard_count":
        return int(raw)
    if name in ("health_port", "slack_port"):
        return _port(name, raw)
    if name == "retention":
        return _retention(name, raw)
    if name == "daily_grace_hours":
        return _hours(name, raw)
    if name == "discord_guild_id" and not raw.isdigit():
        raise _invalid(name, raw)
    if name == "discord_guild_id":
        return int(raw)
    if name == "log_level" and raw.upper() not in LOG_LEVELS:
        raise _invalid(name, raw)
    if name == "log_level":
        return raw.upper()
    if name == "log_format" and raw.lower() not in ("text", "json"):
        raise _invalid(name, raw)
    if name == "log_format":
        return raw.lower()
    if name == "slack_api_url" and not (
        raw.startswith(("http://", "https://")) and raw.endswith("/")
    ):
        raise _invalid(name, raw)
    return _secret(name, raw) if name in SECRETS else raw


def _secret(name: str, raw: str) -> Secret:
    prefix = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}.get(name)
    if prefix and not raw.startswith(prefix):
        raise _invalid(name, raw)
    # A Discord bot token has three dot-separated parts; the client secret and the public key
    # (the usual wrong pastes) have none, and "Bot ..." is a header, not the token.
    if name == "discord_token" and (len(raw.split(".")) != 3 or any(c.isspace() for c in raw)):
        raise _invalid(name, raw)
    return Secret(raw)


def _raw_values(env: Mapping[str, str]) -> dict[str, str]:
    """Values from the YAML file named by STUDYBOT_CONFIG, overridden by the environment.

    Secrets may also come from a file: DISCORD_TOKEN_FILE=/run/secrets/discord_token.
    """
    raw: dict[str, str] = {}
    path = env.get("STUDYBOT_CONFIG", "").strip()
    if path:
        raw.update(_read_config_file(Path(path)))
    for name, (var, _) in SETTINGS.items():
        if env.get(var, "").strip():
            raw[name] = env[var].strip()
        elif name in SECRETS and env.get(f"{var}_FILE", "").strip():
            raw[name] = _read_secret_file(f"{var}_FILE", Path(env[f"{var}_FILE"].strip()))
    return raw


def _config_keys() -> dict[str, str]:
    """Accepted keys of the YAML file (upper case) -> attribute; `X_FILE` for each token."""
    keys = {var: name for name, (var, _) in SETTINGS.items()}
    keys.update({f"{SETTINGS[name][0]}_FILE": name for name in SECRETS})
    return keys


def _read_config_file(path: Path) -> dict[str, str]:
    where = f"STUDYBOT_CONFIG={path}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{where} cannot be read: {e.strerror or e.__class__.__name__}") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        # Only the position: YAML's own message quotes the line, which may hold a token.
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{where} is not valid YAML{at}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must hold a mapping of SETTING: value")
    return _config_values(where, data)


def _config_values(where: str, data: Mapping[Any, Any]) -> dict[str, str]:
    keys = _config_keys()
    values: dict[str, str] = {}
    for key, value in data.items():
        name = keys.get(str(key).upper())
        if name is None:
            raise ConfigError(
                f"{where}: unknown setting {key!s}: expected one of {', '.join(sorted(keys))}"
            )
        if value is None:
            continue
        if isinstance(value, Mapping | list):
            raise ConfigError(f"{where}: {key!s} must be a single value")
        if str(key).upper().endswith("_FILE"):
            values[name] = _read_secret_file(str(key).upper(), Path(str(value)))
        else:
            values[name] = str(value).strip()
    return values


def _read_secret_file(var: str, path: Path) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(
            f"{var}={path} cannot be read: {e.strerror or e.__class__.__name__}"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{var}={path} cannot be read: not UTF-8 text") from None
    if not value:
        raise ConfigError(f"{var}={path} is empty: expected the token on one line")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise ConfigError with one line naming the bad one."""
    raw = _raw_values(os.environ if env is None else env)
    values = {name: _parse(name, value) for name, value in raw.items()}
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known})
    _check_shards(settings)
    return settings


def _check_shards(settings: Settings) -> None:
    ids, count = settings.discord_shard_ids, settings.discord_shard_count
    if ids is None:
        return
    if count is None:
        raise ConfigError("DISCORD_SHARD_IDS is set without DISCORD_SHARD_COUNT: set both")
    if max(ids) >= count:
        raise ConfigError(
            f"DISCORD_SHARD_IDS={','.join(map(str, ids))} is not valid: each shard id must be "
            f"below DISCORD_SHARD_COUNT={count}"
        )
