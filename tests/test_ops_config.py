"""Configuration: every wrong setting stops start-up with one line naming it; tokens never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SETTINGS, Secret, Settings, load_settings
from bot.errors import ConfigError
from tests.ops_support import clean_env, studybot

# Values shaped like real tokens, so that an echo of one would be seen.
DISCORD = "MTE5ODc2NTQzMjE.GhIjKl.s3cr3t-d1sc0rd-t0k3n-value"
XOXB = "xoxb-1111-2222-s3cr3tb0tt0k3n"
XAPP = "xapp-1-A111-2222-s3cr3tappt0k3n"


def _error(env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    return str(caught.value)


BAD_VALUES = [
    ({"HEALTH_PORT": "99999"}, "HEALTH_PORT='99999' is not valid: expected a TCP port (1-65535)"),
    ({"HEALTH_PORT": "0"}, "HEALTH_PORT='0' is not valid"),
    ({"SLACK_PORT": "http"}, "SLACK_PORT='http' is not valid: expected a TCP port"),
    (
        {"LOG_LEVEL": "LOUD"},
        "LOG_LEVEL='LOUD' is not valid: expected DEBUG, INFO, WARNING or ERROR",
    ),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT='xml' is not valid: expected text or json"),
    ({"DISCORD_GUILD_ID": "my-server"}, "DISCORD_GUILD_ID='my-server' is not valid: expected"),
    ({"STUDYBOT_DAILY_GRACE_HOURS": "48"}, "STUDYBOT_DAILY_GRACE_HOURS='48' is not valid"),
    ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL='slack.com/api' is not valid"),
]


@pytest.mark.parametrize(("env", "message"), BAD_VALUES)
def test_a_bad_value_names_the_setting_and_what_it_expects(
    env: dict[str, str], message: str
) -> None:
    error = _error(env)
    assert error.startswith(message)
    assert "\n" not in error


BAD_TOKENS = [
    ("SLACK_BOT_TOKEN", "xoxp-user-token-s3cr3t", "a bot token starting with xoxb-"),
    ("SLACK_BOT_TOKEN", XAPP, "a bot token starting with xoxb-"),
    ("SLACK_APP_TOKEN", XOXB, "an app-level token starting with xapp-"),
    ("DISCORD_TOKEN", f"Bot {DISCORD}", "three parts separated by dots"),
    ("DISCORD_TOKEN", "0123456789abcdef0123456789abcdef", "three parts separated by dots"),
]


@pytest.mark.parametrize(("var", "token", "expects"), BAD_TOKENS)
def test_a_malformed_token_is_refused_without_being_echoed(
    var: str, token: str, expects: str
) -> None:
    error = _error({var: token})
    assert error.startswith(f"{var} is not valid: expected")
    assert expects in error
    assert token not in error and "s3cr3t" not in error


def test_unknown_key_in_the_yaml_file(tmp_path: Path) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text("STUDYBOT_DB: /data/x.db\ncolour: blue\n")
    error = _error({"STUDYBOT_CONFIG": str(config)})
    assert error.startswith(f"STUDYBOT_CONFIG={config}: unknown setting colour: expected one of")
    assert "DISCORD_TOKEN" in error and "\n" not in error


def test_invalid_yaml_gives_the_position_but_never_the_line(tmp_path: Path) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text(f'LOG_LEVEL: INFO\nDISCORD_TOKEN: "{DISCORD}\n')
    error = _error({"STUDYBOT_CONFIG": str(config)})
    assert error.startswith(f"STUDYBOT_CONFIG={config} is not valid YAML at line")
    assert DISCORD not in error


def test_a_bad_value_in_the_yaml_file_names_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text(f"HEALTH_PORT: 70000\nSLACK_APP_TOKEN: {XOXB}\n")
    error = _error({"STUDYBOT_CONFIG": str(config)})
    assert (
        error
        == "HEALTH_PORT='70000' is not valid: expected a TCP port (1-65535) for /healthz and /metrics"
    )
    config.write_text(f"SLACK_APP_TOKEN: {XOXB}\n")
    error = _error({"STUDYBOT_CONFIG": str(config)})
    assert error.startswith("SLACK_APP_TOKEN is not valid") and XOXB not in error


def test_a_yaml_file_that_is_not_a_mapping_or_missing(tmp_path: Path) -> None:
    config = tmp_path / "studybot.yaml"
    config.write_text("- a\n- list\n")
    assert _error({"STUDYBOT_CONFIG": str(config)}).endswith(
        "must hold a mapping of SETTING: value"
    )
    missing = tmp_path / "nope.yaml"
    assert (
        _error({"STUDYBOT_CONFIG": str(missing)})
        == f"STUDYBOT_CONFIG={missing} cannot be read: No such file or directory"
    )


def test_unreadable_token_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    assert (
        _error({"DISCORD_TOKEN_FILE": str(missing)})
        == f"DISCORD_TOKEN_FILE={missing} cannot be read: No such file or directory"
    )
    assert _error({"SLACK_BOT_TOKEN_FILE": str(tmp_path)}) == (
        f"SLACK_BOT_TOKEN_FILE={tmp_path} cannot be read: Is a directory"
    )
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert _error({"SLACK_APP_TOKEN_FILE": str(empty)}).startswith(
        f"SLACK_APP_TOKEN_FILE={empty} is empty"
    )
    wrong = tmp_path / "wrong"
    wrong.write_text(XAPP + "\n")
    error = _error({"SLACK_BOT_TOKEN_FILE": str(wrong)})
    assert error.startswith("SLACK_BOT_TOKEN is not valid") and XAPP not in error


def test_yaml_env_and_files_combine_with_the_environment_winning(tmp_path: Path) -> None:
    secret = tmp_path / "discord_token"
    secret.write_text(DISCORD + "\n")
    config = tmp_path / "studybot.yaml"
    config.write_text(
        f"STUDYBOT_DB: /from/yaml.db\nlog_level: debug\nHEALTH_PORT: 9100\n"
        f"DISCORD_TOKEN_FILE: {secret}\nSLACK_BOT_TOKEN: {XOXB}\n"
    )
    settings = load_settings(
        {"STUDYBOT_CONFIG": str(config), "STUDYBOT_DB": "/from/env.db", "LOG_FORMAT": "JSON"}
    )
    assert settings.db_path == "/from/env.db"
    assert settings.log_level == "DEBUG" and settings.log_format == "json"
    assert settings.health_port == 9100
    assert settings.discord_token == Secret(DISCORD)
    assert sorted(settings.secret_values()) == sorted([DISCORD, XOXB])
    assert DISCORD not in repr(settings) and XOXB not in repr(settings)
    assert "DISCORD_TOKEN=set" in settings.summary()
    assert "SLACK_APP_TOKEN=not set" in settings.summary()


def test_the_summary_lists_every_setting_once() -> None:
    lines = Settings().summary()
    assert [line.split("=")[0] for line in lines] == [env for env, _ in SETTINGS.values()]


# -- the real command: one line on stderr, exit 2, nothing else ---------------------------------


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"HEALTH_PORT": "99999"}, "studybot: HEALTH_PORT='99999' is not valid"),
        ({"LOG_LEVEL": "verbose"}, "studybot: LOG_LEVEL='verbose' is not valid"),
        ({"SLACK_BOT_TOKEN": XAPP}, "studybot: SLACK_BOT_TOKEN is not valid"),
        ({"DISCORD_TOKEN_FILE": "/nonexistent/token"}, "studybot: DISCORD_TOKEN_FILE="),
    ],
)
def test_config_check_prints_one_line_and_exits_2(env: dict[str, str], line: str) -> None:
    out = studybot("config", "check", env=clean_env(**env))
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(line)
    assert XAPP not in out.stderr


def test_every_command_refuses_to_start_on_a_bad_setting(tmp_path: Path) -> None:
    env = clean_env(HEALTH_PORT="eighty", STUDYBOT_DB=str(tmp_path / "x.db"))
    for args in (["console"], ["discord"], ["slack"], ["db", "backup", str(tmp_path)]):
        out = studybot(*args, env=env, input="")
        assert out.returncode == 2, args
        assert (
            out.stderr
            == "studybot: HEALTH_PORT='eighty' is not valid: expected a TCP port (1-65535) for /healthz and /metrics\n"
        )
    assert not (tmp_path / "x.db").exists()


def test_config_check_names_a_missing_platform_setting() -> None:
    out = studybot("config", "check", "--require", "slack", env=clean_env(SLACK_BOT_TOKEN=XOXB))
    assert out.returncode == 2
    assert out.stderr == (
        "studybot: SLACK_APP_TOKEN is not set: expected an app-level token starting with xapp-\n"
    )


def test_config_check_ok_shows_which_tokens_are_set_never_their_value() -> None:
    env = clean_env(DISCORD_TOKEN=DISCORD, SLACK_BOT_TOKEN=XOXB, LOG_LEVEL="DEBUG")
    out = studybot("config", "check", "--require", "discord", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("config ok\n")
    assert "  DISCORD_TOKEN=set\n" in out.stdout and "  SLACK_APP_TOKEN=not set\n" in out.stdout
    assert DISCORD not in out.stdout + out.stderr and XOXB not in out.stdout + out.stderr


def test_a_database_path_that_cannot_be_used_is_one_line_before_anything_starts(
    tmp_path: Path,
) -> None:
    out = studybot("console", env=clean_env(STUDYBOT_DB=str(tmp_path)), input="")
    assert out.returncode == 2
    assert out.stderr == (
        f"studybot: STUDYBOT_DB={tmp_path} is a directory: expected a path to the SQLite file\n"
    )
    blocker = tmp_path / "file"
    blocker.write_text("")
    db = blocker / "sub" / "studybot.db"
    out = studybot("discord", env=clean_env(STUDYBOT_DB=str(db), DISCORD_TOKEN=DISCORD), input="")
    assert out.returncode == 2
    assert out.stderr == f"studybot: STUDYBOT_DB={db}: cannot create {db.parent}: Not a directory\n"
