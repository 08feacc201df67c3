"""`studybot discord` against a loopback fake of Discord, in a process of its own.

    python -m tests.discord_process http://127.0.0.1:PORT [studybot discord options]

The same entry point as the installed `studybot` command (`studybot.cli.main`: settings from the
environment, logging with token redaction, the database lock, the runtime and its signal
handlers); only discord.py's two base URLs, REST and gateway, are first pointed at the fake.
"""

from __future__ import annotations

import sys

import discord
import yarl

from studybot.cli import main


def point_at(base: str) -> None:
    discord.http.Route.BASE = f"{base}/api/v10"
    gateway = yarl.URL(base).with_scheme("ws").with_path("/gateway")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


if __name__ == "__main__":
    point_at(sys.argv[1])
    sys.exit(main(["discord", *sys.argv[2:]]))
