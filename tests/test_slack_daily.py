"""`/daily-settings` over the real bolt app: admins and owners only, stored through the service."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack.admin import parse_channel
from adapters.slack.replies import error_text
from bot.errors import InvalidAnswer, StudyBotError
from bot.service import StudyService
from tests.fakes.slack_api import TEAM, fake_slack
from tests.test_slack_http import Bot, running_bot, texts


@pytest.fixture
async def bot(service: StudyService) -> AsyncIterator[Bot]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        fake.add_user("U0ADA", "Ada", is_admin=True)
        fake.add_user("U0OWN", "Olga", locale="fr-FR", is_owner=True)
        async with running_bot(service, fake) as running:
            yield running


async def channels(service: StudyService) -> list[tuple[str, str, str, bool]]:
    found = await service.daily_channels("slack", TEAM)
    return [(c.channel, c.post_time, c.timezone, c.enabled) for c in found]


async def test_members_who_are_not_admins_are_refused(bot: Bot, service: StudyService) -> None:
    reply = await bot.command("/daily-settings", "channel", user="U0ANA")
    assert texts(reply) == "Only server or workspace admins can do that."
    assert await channels(service) == []


async def test_admin_sets_channel_time_and_timezone_then_turns_it_off(
    bot: Bot, service: StudyService
) -> None:
    reply = await bot.command("/daily-settings", "channel", user="U0ADA")
    assert texts(reply) == "Daily question on in <#C0GENERAL> at 09:00 (UTC)."
    await bot.command("/daily-settings", "time 7:30 <#C0DAILY|daily>", user="U0ADA")
    await bot.command("/daily-settings", "timezone Europe/Paris <#C0DAILY|daily>", user="U0ADA")
    assert await channels(service) == [
        ("C0GENERAL", "09:00", "UTC", True),
        ("C0DAILY", "07:30", "Europe/Paris", True),
    ]
    status = texts(await bot.command("/daily-settings", "", user="U0ADA"))
    assert "<#C0DAILY>: every day at 07:30 (Europe/Paris)" in status

    off = await bot.command("/daily-settings", "off", user="U0OWN")  # an owner, in French
    assert texts(off) == "Question du jour arrêtée dans 1 canal."
    assert (await channels(service))[0] == ("C0GENERAL", "09:00", "UTC", False)
    await bot.command("/daily-settings", "off all", user="U0ADA")
    assert [c[3] for c in await channels(service)] == [False, False]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("time 25:00", InvalidAnswer("daily.bad_time", given="25:00")),
        ("timezone Mars/Olympus", InvalidAnswer("daily.bad_timezone", given="Mars/Olympus")),
        ("channel #general", StudyBotError("slack.bad_channel", given="#general")),
        ("sometimes", StudyBotError("slack.daily_usage")),
    ],
)
async def test_bad_settings_get_one_line_and_change_nothing(
    bot: Bot, service: StudyService, text: str, error: StudyBotError
) -> None:
    reply = await bot.command("/daily-settings", text, user="U0ADA")
    assert texts(reply) == error_text("en", error) != error_text("en", StudyBotError())
    assert reply["replace_original"] is False and await channels(service) == []


def test_channel_references() -> None:
    assert parse_channel("<#C0123ABC|general>", None) == "C0123ABC"
    assert parse_channel("<#C0123ABC>", "C0OTHER") == "C0123ABC"
    assert parse_channel(None, "C0HERE") == "C0HERE"
    for raw, here in [(None, "D0DIRECT"), ("<@U0ANA>", None), ("general", None)]:
        with pytest.raises(StudyBotError):
            parse_channel(raw, here)


async def test_a_change_by_an_admin_of_another_language_keeps_the_channels_language(
    bot: Bot, service: StudyService
) -> None:
    await bot.command("/daily-settings", "channel <#C0DAILY|daily>", user="U0ADA")  # English
    await bot.command("/daily-settings", "time 8:00 <#C0DAILY|daily>", user="U0OWN")  # French
    (channel,) = await service.daily_channels("slack", TEAM)
    assert (channel.post_time, channel.locale) == ("08:00", "en")


async def test_a_misspelt_leaderboard_period_is_named(bot: Bot) -> None:
    reply = await bot.command("/leaderboard", "weekly", user="U0ANA")
    assert texts(reply) == "Period must be week or all."


async def test_admins_read_the_workspaces_week_and_members_are_refused(
    bot: Bot, service: StudyService
) -> None:
    from bot.views import UserRef

    learner = UserRef("slack", TEAM, "U0ANA", "Ana")
    question = service.question("d1.1-sample-1")
    card = service.card(question, "en", service._token())
    wrong = [x for x in question.letters if x not in question.answer][: question.choose]
    await service.answer(learner, question.id, card.token, wrong, "en")

    refused = await bot.command("/daily-settings", "stats", user="U0ANA")
    assert texts(refused) == "Only server or workspace admins can do that."
    week = texts(await bot.command("/daily-settings", "stats", user="U0ADA"))
    assert "This community's week of 23 November 2026" in week
    assert "1 active learner" in week and "1 answer, 0% right" in week
    assert "d1.1-sample-1: 1 wrong out of 1" in week
    assert "No daily question was posted this week." in week
    assert "Ana" not in week  # no member is named
    before = texts(await bot.command("/daily-settings", "stats last", user="U0OWN"))
    assert "La semaine du 16 novembre 2026" in before
    assert "Personne n'a encore répondu cette semaine." in before
    usage = texts(await bot.command("/daily-settings", "stats soon", user="U0ADA"))
    assert usage.startswith("Usage: /daily-settings") and "stats [last]" in usage
