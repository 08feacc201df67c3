"""Turning a channel's daily question on: the defaults and the limits named to the organiser."""

from __future__ import annotations

import pytest

from bot.errors import InvalidAnswer
from bot.service import StudyService


async def test_a_daily_question_is_at_nine_utc_in_english_by_default(
    service: StudyService,
) -> None:
    channel = await service.configure_daily("discord", "guild", "general")
    assert (channel.post_time, channel.timezone, channel.locale) == ("09:00", "UTC", "en")
    assert channel.enabled and channel.reveal_after_minutes is None
    assert await service.daily_channels("discord", "guild") == [channel]


@pytest.mark.parametrize("locale", ["de", "EN", ""])
async def test_a_language_not_offered_is_refused(service: StudyService, locale: str) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.configure_daily("discord", "guild", "general", locale=locale)
    assert err.value.key == "lang.usage"
    assert await service.daily_channels("discord", "guild") == []


@pytest.mark.parametrize("minutes", [1, 2, 24 * 60 - 1, 24 * 60])
async def test_a_reveal_from_one_minute_to_one_day_is_kept(
    service: StudyService, minutes: int
) -> None:
    channel = await service.configure_daily(
        "slack", "team", "C1", "18:30", "Europe/Paris", "fr", reveal_after_minutes=minutes
    )
    assert channel.reveal_after_minutes == minutes
    assert (channel.post_time, channel.timezone, channel.locale) == ("18:30", "Europe/Paris", "fr")


@pytest.mark.parametrize("minutes", [-1, 0, 24 * 60 + 1, 25 * 60])
async def test_a_reveal_outside_one_minute_to_one_day_is_refused(
    service: StudyService, minutes: int
) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.configure_daily("slack", "team", "C1", reveal_after_minutes=minutes)
    assert err.value.key == "daily.bad_delay"
    assert await service.daily_channels("slack", "team") == []
