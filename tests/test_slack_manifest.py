"""The Slack app manifest declares exactly the commands the app handles, and what they need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.slack.commands import COMMANDS

MANIFEST = Path(__file__).parent.parent / "slack-manifest.yaml"


def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def manifest_commands() -> list[str]:
    return [c["command"] for c in manifest()["features"]["slash_commands"]]


def test_the_manifest_declares_every_command_the_app_handles() -> None:
    declared = manifest_commands()
    assert len(declared) == len(set(declared))
    assert set(declared) == set(COMMANDS)


def test_the_manifest_enables_what_the_app_uses() -> None:
    data = manifest()
    settings = data["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes
    for command in data["features"]["slash_commands"]:
        assert len(command["description"]) <= 100 and command["command"].islower()
        # Only /daily-settings takes a #channel: Slack escapes it as <#C…|name> for the parser.
        assert command["should_escape"] is (command["command"] == "/daily-settings")
