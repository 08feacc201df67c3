"""Logging: one line per event, LOG_LEVEL, JSON lines, and configured tokens always redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import REDACTED, configure_logging
from tests.ops_support import clean_env, studybot

TOKEN = "MTE5ODc2NTQzMjE.GhIjKl.s3cr3t-d1sc0rd-t0k3n-value"
XOXB = "xoxb-1111-2222-s3cr3tb0tt0k3n"


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, given back exactly as pytest had it."""
    logger = logging.getLogger()
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(level)
    logging.captureWarnings(False)


def _events(log: logging.Logger) -> None:
    log.debug("not shown at INFO")
    log.info("connecting with token %s", TOKEN)
    log.warning("url https://slack.com/api/auth.test?token=%s failed", XOXB)
    try:
        raise RuntimeError(f"login refused for {TOKEN}")
    except RuntimeError:
        log.exception("login failed\nsecond line of the message")


def test_json_lines_one_per_event_with_tokens_redacted(root: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", secrets=[TOKEN, XOXB], stream=stream)
    _events(logging.getLogger("studybot.test"))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    entries = [json.loads(line) for line in lines]
    assert [e["level"] for e in entries] == ["INFO", "WARNING", "ERROR"]
    assert {e["logger"] for e in entries} == {"studybot.test"}
    assert entries[0]["message"] == f"connecting with token {REDACTED}"
    assert entries[1]["message"] == f"url https://slack.com/api/auth.test?token={REDACTED} failed"
    assert entries[2]["message"] == "login failed\nsecond line of the message"
    assert "RuntimeError: login refused for [redacted]" in entries[2]["exception"]
    assert entries[0]["time"].endswith("Z") and "T" in entries[0]["time"]
    assert TOKEN not in stream.getvalue() and XOXB not in stream.getvalue()


def test_text_lines_one_per_event_with_tokens_redacted(root: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", "text", secrets=[TOKEN, XOXB], stream=stream)
    _events(logging.getLogger("studybot.test"))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[0].endswith(" DEBUG studybot.test: not shown at INFO")
    assert lines[1].endswith(f" INFO studybot.test: connecting with token {REDACTED}")
    assert " ERROR studybot.test: login failed\\nsecond line of the message | Traceback" in lines[3]
    assert "RuntimeError: login refused for [redacted]" in lines[3]
    assert TOKEN not in stream.getvalue() and XOXB not in stream.getvalue()


def test_without_secrets_nothing_is_rewritten_and_reconfiguring_does_not_double(
    root: logging.Logger,
) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("WARNING", "text", stream=first)
    configure_logging("WARNING", "json", secrets=["abc"], stream=second)  # too short to redact
    logging.getLogger("x").warning("value %s and abc", 42)
    assert first.getvalue() == ""
    assert json.loads(second.getvalue())["message"] == "value 42 and abc"


def test_a_real_process_logs_json_lines_and_never_a_token(tmp_path: Path) -> None:
    """The log line of a backup names its path; a path holding the token comes out redacted."""
    db = tmp_path / "studybot.db"
    assert (
        studybot("console", env=clean_env(STUDYBOT_DB=str(db)), input="/quiz 2\nB\n").returncode
        == 0
    )
    target = tmp_path / f"backups-{XOXB}" / "b.db"
    env = clean_env(
        STUDYBOT_DB=str(db),
        LOG_LEVEL="info",
        LOG_FORMAT="json",
        SLACK_BOT_TOKEN=XOXB,
        DISCORD_TOKEN=TOKEN,
    )
    out = studybot("db", "backup", str(target), env=env)
    assert out.returncode == 0, out.stderr
    entries = [json.loads(line) for line in out.stderr.splitlines()]
    assert [e["logger"] for e in entries] == ["bot.backup"]
    assert entries[0]["level"] == "INFO"
    assert f"backups-{REDACTED}" in entries[0]["message"] and "(1 answers)" in entries[0]["message"]
    assert XOXB not in out.stderr and TOKEN not in out.stderr
