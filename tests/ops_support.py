"""Helpers for the operations tests: the real `studybot` command, a clean environment, ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from adapters.shared.health import PrometheusEvents
from bot.config import SECRETS, SETTINGS
from tests.conftest import FIXTURE_CONTENT

__all__ = ["STUDYBOT", "clean_env", "counted_errors", "free_port", "read_until", "studybot"]

STUDYBOT = str(Path(sys.executable).parent / "studybot")


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any studybot setting, plus `settings`.

    A developer's own DISCORD_TOKEN or LOG_LEVEL must not change what a test sees.
    """
    names = {env for env, _ in SETTINGS.values()} | {"STUDYBOT_CONFIG"}
    names |= {f"{SETTINGS[name][0]}_FILE" for name in SECRETS}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env["STUDYBOT_CONTENT_DIR"] = str(FIXTURE_CONTENT)
    env.update(settings)
    return env


def studybot(
    *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [STUDYBOT, *args],
        input=input,
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(),
        timeout=60,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_until(proc: subprocess.Popen[str], marker: str) -> str:
    """Lines of the process's stdout up to the first holding `marker` (fails at end of output)."""
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never came: {''.join(seen)}")


def counted_errors(events: PrometheusEvents) -> dict[tuple[str, str], float]:
    """studybot_errors_total by (platform, kind), as /metrics shows it."""
    return {
        (sample.labels["platform"], sample.labels["kind"]): sample.value
        for metric in events.registry.collect()
        if metric.name == "studybot_errors"
        for sample in metric.samples
        if sample.name == "studybot_errors_total"
    }
