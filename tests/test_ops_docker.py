"""The image and compose files: hadolint, and the promises the README makes about them.

No Docker engine runs here, so the image itself is not built in the tests; these check the files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from bot.config import SECRETS, SETTINGS, load_settings

ROOT = Path(__file__).parent.parent
HADOLINT = str(Path(sys.executable).parent / "hadolint")


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HADOLINT, "--no-color", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), " ".join(rest.split())))
    return pairs


def test_hadolint_passes_on_the_dockerfile() -> None:
    out = _hadolint(ROOT / "Dockerfile")
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout) == []


def test_hadolint_does_catch_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get update && apt-get install -y curl\nCMD python x.py\n")
    out = _hadolint(bad)
    assert out.returncode == 1
    codes = {finding["code"] for finding in json.loads(out.stdout)}
    assert {"DL3006", "DL3008", "DL3025"} <= codes


def test_the_image_is_multi_stage_slim_non_root_with_data_volume_and_healthcheck() -> None:
    steps = _instructions((ROOT / "Dockerfile").read_text())
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) == 2
    assert all(re.fullmatch(r"python:3\.1[12]-slim(-\w+)?( AS build)?", f) for f in froms)
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    build = steps[: len(steps) - len(final)]
    assert (
        "RUN",
        "/opt/studybot/bin/python -m pip install . && /opt/studybot/bin/studybot content check",
    ) in build
    assert ("COPY", "--from=build /opt/studybot /opt/studybot") in final
    assert not any(word == "RUN" and "pip" in args for word, args in final)
    env = " ".join(args for word, args in final if word == "ENV")
    assert "STUDYBOT_DB=/data/studybot.db" in env and "HEALTH_PORT=8080" in env
    assert "HEALTH_HOST=0.0.0.0" in env
    assert ("VOLUME", '["/data"]') in final
    users = [args for word, args in final if word == "USER"]
    assert users == ["10001:10001"]
    assert any(word == "RUN" and "--uid 10001" in args for word, args in final)
    health = next(args for word, args in final if word == "HEALTHCHECK")
    assert health.endswith('CMD ["studybot", "healthcheck", "--timeout", "8"]')
    assert ("ENTRYPOINT", '["studybot"]') in final
    assert ("CMD", '["discord"]') in final


def test_the_build_context_lets_in_what_the_package_needs_and_no_secret() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [r for r in ignore if r and not r.startswith("#")]
    assert rules[0] == "*", "an allow-list: everything is out unless named"
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    tool = project["tool"]["setuptools"]
    tops = {p.split(".")[0] for p in tool["packages"]}
    needed = {tool["package-dir"].get(top, top) for top in tops}
    needed |= {"pyproject.toml", project["project"]["readme"]}
    assert needed <= allowed
    assert not allowed & {".env", ".venv", ".git", "data", "tests", ".helpers"}
    assert {"**/*.db", "**/__pycache__"} <= set(rules)


def test_compose_runs_both_bots_on_one_database_of_either_kind_and_restarts_them() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    bots = {"sqlite": ("discord", "slack"), "postgres": ("discord-pg", "slack-pg")}
    assert set(services) == {*bots["sqlite"], *bots["postgres"], "postgres"}
    for profile, names in bots.items():
        for name in names:
            service = services[name]
            assert service["profiles"] == [profile]
            assert service["command"] == [name.removesuffix("-pg")]
            assert service["restart"] == "unless-stopped"
            assert service["env_file"] == ".env"
            assert service["volumes"] == ["studybot-data:/data"]
            assert service["build"] == "."
    for name in bots["postgres"]:
        url = load_settings(services[name]["environment"]).database_url
        assert url is not None and "@postgres:5432/studybot" in url.reveal()
        assert services[name]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    db = services["postgres"]
    assert db["image"].startswith("postgres:") and db["profiles"] == ["postgres"]
    assert db["volumes"] == ["studybot-postgres:/var/lib/postgresql/data"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert list(compose["volumes"]) == ["studybot-data", "studybot-postgres"]


def test_env_example_documents_every_setting_and_holds_no_value_that_overrides_the_image() -> None:
    text = (ROOT / ".env.example").read_text()
    names = [env for env, _ in SETTINGS.values()]
    names += [f"{SETTINGS[s][0]}_FILE" for s in SECRETS] + ["STUDYBOT_CONFIG"]
    for name in names:
        assert re.search(rf"\b{name}\b", text), name
    assigned = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    # Only the tokens are live lines, and they are empty: no real value, no override of the image.
    assert assigned == {
        "DISCORD_TOKEN": "",
        "SLACK_BOT_TOKEN": "",
        "SLACK_APP_TOKEN": "",
        "SLACK_SIGNING_SECRET": "",
    }
    settings = load_settings(assigned)
    assert settings.secret_values() == []
    # Every commented example value is itself valid.
    examples = re.findall(r"^# ([A-Z_]+)=(\S+)$", text, flags=re.MULTILINE)
    assert len(examples) >= 8
    for name, value in examples:
        if not name.endswith("_FILE"):
            load_settings({name: value})
