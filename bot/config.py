"""Settings from the environment (or a YAML file named by STUDYBOT_CONFIG), validated at start-up."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

__all__ = ["SETTINGS", "Secret", "Settings", "load_settings"]

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
    content_dir: str | None = None
    log_level: str | None = None
    log_format: str = "text"
    health_port: int | None = None
    health_host: str = "127.0.0.1"
    daily_grace_hours: float = 6.0
    discord_token: Secret | None = field(default=None, repr=False)
    discord_guild_id: int | None = None
    slack_bot_token: Secret | None = field(default=None, repr=False)
    slack_app_token: Secret | None = field(default=None, repr=False)
    slack_signing_secret: Secret | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_port: int = 3000

    def require(self, *names: str) -> None:
        """Stop with one line naming the first missing setting that a command needs."""
        for name in names:
            if getattr(self, name) is None:
                env, spec = SETTINGS[name]
                raise ConfigError(f"{env} is not set: expected {spec}")


# attribute -> (environment variable, what it expects)
SETTINGS: dict[str, tuple[str, str]] = {
    "db_path": ("STUDYBOT_DB", "a path to the SQLite file"),
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
    "discord_token": ("DISCORD_TOKEN", "the bot token from the Discord developer portal"),
    "discord_guild_id": ("DISCORD_GUILD_ID", "a Discord server id (digits)"),
    "slack_bot_token": ("SLACK_BOT_TOKEN", "a bot token starting with xoxb-"),
    "slack_app_token": ("SLACK_APP_TOKEN", "an app-level token starting with xapp-"),
    "slack_signing_secret": ("SLACK_SIGNING_SECRET", "the app's signing secret"),
    "slack_api_url": ("SLACK_API_URL", "an http(s) URL ending in /api/"),
    "slack_port": ("SLACK_PORT", "a TCP port (1-65535) for HTTP mode"),
}
SECRETS = {"discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret"}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _port(env: str, raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{env}={raw!r} is not valid: expected {SETTINGS_BY_ENV[env]}")
    return int(raw)


def _parse(name: str, raw: str) -> Any:
    env, spec = SETTINGS[name]
    bad = ConfigError(f"{env} is not valid: expected {spec}")
    if name in ("health_port", "slack_port"):
        return _port(env, raw)
    if name == "discord_guild_id":
        if not raw.isdigit():
            raise bad
        return int(raw)
    if name == "daily_grace_hours":
        try:
            hours = float(raw)
        except ValueError:
            raise bad from None
        if not 0 <= hours <= 24:
            raise bad
        return hours
    if name == "log_level":
        if raw.upper() not in LOG_LEVELS:
            raise bad
        return raw.upper()
    if name == "log_format" and raw not in ("text", "json"):
        raise bad
    if name == "slack_api_url" and not (
        raw.startswith(("http://", "https://")) and raw.endswith("/")
    ):
        raise bad
    return _secret(name, raw) if name in SECRETS else raw


def _secret(name: str, raw: str) -> Secret:
    env, spec = SETTINGS[name]
    prefix = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}.get(name)
    if prefix and not raw.startswith(prefix):
        raise ConfigError(f"{env} is not valid: expected {spec}")  # the value is never echoed
    return Secret(raw)


SETTINGS_BY_ENV = {env: spec for env, spec in SETTINGS.values()}


def _raw_values(env: Mapping[str, str]) -> dict[str, str]:
    """Values from the YAML file named by STUDYBOT_CONFIG, overridden by the environment.

    Secrets may also come from a file: DISCORD_TOKEN_FILE=/run/secrets/discord_token.
    """
    raw: dict[str, str] = {}
    path = env.get("STUDYBOT_CONFIG")
    if path:
        raw.update(_read_config_file(Path(path)))
    for name, (var, _) in SETTINGS.items():
        if env.get(var, "").strip():
            raw[name] = env[var].strip()
        elif name in SECRETS and env.get(f"{var}_FILE"):
            raw[name] = _read_secret_file(f"{var}_FILE", Path(env[f"{var}_FILE"]))
    return raw


def _read_config_file(path: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(
            f"STUDYBOT_CONFIG={path} cannot be read: {e.__class__.__name__}"
        ) from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"STUDYBOT_CONFIG={path} must hold a mapping of SETTING: value")
    by_env = {var: name for name, (var, _) in SETTINGS.items()}
    unknown = sorted(str(k) for k in data if str(k).upper() not in by_env)
    if unknown:
        raise ConfigError(f"STUDYBOT_CONFIG={path}: unknown setting {unknown[0]}")
    return {by_env[str(k).upper()]: str(v) for k, v in data.items() if v is not None}


def _read_secret_file(var: str, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{var}={path} cannot be read: {e.strerror}") from None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise ConfigError with one line naming the bad one."""
    raw = _raw_values(os.environ if env is None else env)
    values = {name: _parse(name, value) for name, value in raw.items()}
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known})
