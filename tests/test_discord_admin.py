"""The /studybot admin group through the real discord.py: daily channels and progress visibility."""

from __future__ import annotations

from typing import Any

from adapters.discord.app import StudyBot
from bot.service import StudyService
from bot.views import UserRef
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, feed

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
DAILY = 5000000000000077

pytest_plugins = ["tests.fakes.discord_fixtures"]


def admin(
    fake: FakeDiscord, sub: str, options: list[dict[str, Any]] | None = None, **kw: Any
) -> dict[str, Any]:
    inner: dict[str, Any] = {"type": 1, "name": sub, "options": options or []}
    kw.setdefault("permissions", MANAGE_GUILD)
    resolved = {
        "channels": {
            str(DAILY): {"id": str(DAILY), "type": 0, "name": "daily", "permissions": "2048"}
        }
    }
    return fake.slash("studybot", [inner], resolved=resolved, **kw)


def channel_option() -> dict[str, Any]:
    return {"name": "channel", "type": 7, "value": str(DAILY)}


async def test_daily_on_configures_the_channel_and_keeps_earlier_choices(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    options = [
        channel_option(),
        {"name": "time", "type": 3, "value": "7:30"},
        {"name": "timezone", "type": 3, "value": "Europe/Paris"},
        {"name": "language", "type": 3, "value": "fr"},
    ]
    body = await feed(discord_bot, fake, admin(fake, "daily-on", options))
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        f"Daily question on in <#{DAILY}>: every day at 07:30 (Europe/Paris)."
    )

    options = [channel_option(), {"name": "reveal-after", "type": 4, "value": 90}]
    body = await feed(discord_bot, fake, admin(fake, "daily-on", options))
    assert body["data"]["content"].endswith("every day at 07:30 (Europe/Paris).")

    (daily,) = await service.daily_channels("discord", str(GUILD_ID))
    assert (daily.channel, daily.post_time, daily.timezone, daily.locale) == (
        str(DAILY),
        "07:30",
        "Europe/Paris",
        "fr",
    )
    assert daily.enabled and daily.reveal_after_minutes == 90

    options = [channel_option(), {"name": "time", "type": 3, "value": "08:00"}]
    await feed(discord_bot, fake, admin(fake, "daily-on", options))
    (daily,) = await service.daily_channels("discord", str(GUILD_ID))
    assert (daily.post_time, daily.reveal_after_minutes) == ("08:00", 90)  # kept
    options = [channel_option(), {"name": "reveal-after", "type": 4, "value": 0}]
    await feed(discord_bot, fake, admin(fake, "daily-on", options))
    (daily,) = await service.daily_channels("discord", str(GUILD_ID))
    assert daily.reveal_after_minutes is None  # back to "with the next question"


async def test_daily_on_refuses_a_bad_time(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    options = [channel_option(), {"name": "time", "type": 3, "value": "25h"}]
    body = await feed(discord_bot, fake, admin(fake, "daily-on", options, locale="fr"))

    assert body["data"]["content"] == (
        "25h n'est pas une heure\u202f: utilisez HH:MM, par exemple 09:00."
    )
    assert await service.daily_channels("discord", str(GUILD_ID)) == []


async def test_daily_off_and_settings(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    await service.configure_daily("discord", str(GUILD_ID), str(DAILY), "08:00", "UTC", "en")
    ana = UserRef("discord", str(GUILD_ID), "101", "Ana")
    await service.report(ana, "d2.1-sample-1", "typo")
    await service.report(UserRef("discord", "another-server", "9", "Zed"), "d3.1-sample-1", "other")

    body = await feed(discord_bot, fake, admin(fake, "settings"))
    assert body["data"]["content"] == (
        "Members' progress is private in this server.\n"
        f"Daily question on in <#{DAILY}>: every day at 08:00 (UTC).\n"
        "Most reported questions in this community:\n"
        "d2.1-sample-1: 1 report"  # another server's reports are not shown here
    )

    body = await feed(discord_bot, fake, admin(fake, "daily-off"))
    assert body["data"]["content"] == "Daily question turned off in 1 channel."
    body = await feed(discord_bot, fake, admin(fake, "settings"))
    assert "No channel of this server gets the daily question yet." in body["data"]["content"]


async def test_progress_public_toggles_the_server_setting(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    on = [{"name": "visible", "type": 5, "value": True}]
    body = await feed(discord_bot, fake, admin(fake, "progress-public", on))
    assert body["data"]["content"] == "Members can see each other's progress in this server."
    assert await service.community_setting("discord", str(GUILD_ID), "progress_public") == "1"

    off = [{"name": "visible", "type": 5, "value": False}]
    await feed(discord_bot, fake, admin(fake, "progress-public", off))
    assert await service.community_setting("discord", str(GUILD_ID), "progress_public") is None


async def test_members_without_manage_server_are_refused(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    on = [{"name": "visible", "type": 5, "value": True}]
    body = await feed(discord_bot, fake, admin(fake, "progress-public", on, permissions=0))

    assert body["data"]["content"] == "Only server or workspace admins can do that."
    assert body["data"]["flags"] & EPHEMERAL
    assert await service.community_setting("discord", str(GUILD_ID), "progress_public") is None


async def test_timezone_autocomplete(discord_bot: StudyBot, fake: FakeDiscord) -> None:
    focused = {"name": "timezone", "type": 3, "value": "paris", "focused": True}
    inner = {"type": 1, "name": "daily-on", "options": [focused]}
    body = await feed(
        discord_bot, fake, fake.autocomplete("studybot", [inner], permissions=MANAGE_GUILD)
    )

    assert body["type"] == 8
    assert body["data"]["choices"] == [{"name": "Europe/Paris", "value": "Europe/Paris"}]


async def test_stats_shows_the_servers_week_to_managers_only(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    ana = UserRef("discord", str(GUILD_ID), "101", "Ana")
    question = service.question("d2.1-sample-1")
    card = service.card(question, "en", service._token())
    wrong = [x for x in question.letters if x not in question.answer][: question.choose]
    await service.answer(ana, question.id, card.token, wrong, "en")

    body = await feed(discord_bot, fake, admin(fake, "stats", permissions=0))
    assert body["data"]["content"] == "Only server or workspace admins can do that."

    body = await feed(discord_bot, fake, admin(fake, "stats"))
    assert body["data"]["flags"] & EPHEMERAL
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "This community's week of 23 November 2026"
    assert embed["description"] == "1 active learner\n1 answer, 0% right"
    assert [f["name"][:2] for f in embed["fields"][:4]] == ["D1", "D2", "D3", "D4"]
    assert "No daily question was posted this week." in embed["fields"][4]["value"]
    assert embed["fields"][5]["name"].startswith("Most missed questions")
    assert embed["fields"][5]["value"].startswith("d2.1-sample-1: 1 wrong out of 1\n> ")
    assert "Ana" not in str(embed)

    options = [{"name": "week", "type": 3, "value": "last"}]
    body = await feed(discord_bot, fake, admin(fake, "stats", options, locale="fr"))
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "La semaine du 16 novembre 2026 dans cette communauté"
    assert embed["description"] == "Personne n'a encore répondu cette semaine."
