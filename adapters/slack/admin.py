"""`/daily-settings`: where and when the daily question is posted. Workspace admins and owners only.

/daily-settings                           list the channels and their times
/daily-settings channel [#channel]        turn it on here (or in #channel)
/daily-settings time HH:MM [#channel]     post time, in the channel's timezone
/daily-settings timezone Area/City [#channel]
/daily-settings off [#channel|all]
/daily-settings stats [last]              the workspace's week (or the week before)
"""

from __future__ import annotations

import logging
import re
from typing import Any

from adapters.slack.members import PLATFORM, Member
from adapters.slack.mrkdwn import Raw, section, tmd
from adapters.slack.render import daily_blocks, say, stats_blocks
from adapters.slack.replies import Reply
from bot.daily import DailyService
from bot.errors import StudyBotError
from bot.present import reported_lines, stats_parts
from bot.services import Services
from bot.views import DailyChannel

__all__ = ["daily_settings", "parse_channel"]

log = logging.getLogger(__name__)

# With `should_escape: true` in the manifest, Slack sends a picked channel as <#C0123|name>.
CHANNEL_REF = re.compile(r"^<#([CG][A-Z0-9]{2,30})(\|[^>]*)?>$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")


def parse_channel(raw: str | None, here: str | None) -> str:
    """A channel id from `<#C0123|name>`, a bare id, or the channel the command was typed in."""
    if raw is None:
        if here and CHANNEL_ID.match(here):
            return here
        raise StudyBotError("slack.bad_channel", given="?")
    found = CHANNEL_REF.match(raw)
    if found:
        return found.group(1)
    if CHANNEL_ID.match(raw):
        return raw
    raise StudyBotError("slack.bad_channel", given=raw[:80])


def _mention(channel: str) -> Raw:
    return Raw(f"<#{channel}>")


def _confirm(locale: str, daily: DailyChannel) -> Reply:
    text = tmd(
        locale, "slack.daily_set", channel=_mention(daily.channel), time=daily.post_time,
        timezone=daily.timezone,
    )  # fmt: skip
    return Reply(tmd(locale, "slack.daily_title"), [section(text)])


async def _status(daily: DailyService, m: Member) -> Reply:
    channels = await daily.study.daily_channels(PLATFORM, m.ref.community)
    reported = await daily.study.top_reported(PLATFORM, m.ref.community)
    blocks = daily_blocks(channels, m.locale)
    blocks.append(section("\n".join(say(m.locale, x) for x in reported_lines(reported))))
    return Reply(tmd(m.locale, "slack.daily_title"), blocks)


async def _off(daily: DailyService, m: Member, target: str | None, here: str | None) -> Reply:
    channel = None if target and target.lower() == "all" else parse_channel(target, here)
    count = await daily.study.disable_daily(PLATFORM, m.ref.community, channel)
    return Reply(
        tmd(m.locale, "slack.daily_title"), [section(tmd(m.locale, "slack.daily_off", count=count))]
    )


async def daily_settings(
    services: Services, m: Member, args: list[str], command: dict[str, Any]
) -> Reply:
    """Run one `/daily-settings` sub-command for an admin; anyone else gets a polite refusal."""
    if not m.is_admin:
        raise StudyBotError("error.not_allowed")
    daily = services.daily
    here = command.get("channel_id") if isinstance(command.get("channel_id"), str) else None
    sub, rest = (args[0].lower(), args[1:]) if args else ("", [])
    if sub in ("", "status", "list"):
        return await _status(daily, m)
    if sub == "off":
        return await _off(daily, m, rest[0] if rest else None, here)
    if sub == "stats" and [w.lower() for w in rest] in ([], ["this"], ["last"]):
        last = [w.lower() for w in rest] == ["last"]
        week = await daily.study.community_week(PLATFORM, m.ref.community, m.locale, int(last))
        return Reply(say(m.locale, stats_parts(week).title), stats_blocks(week))
    if sub == "channel" and len(rest) <= 1:
        channel = parse_channel(rest[0] if rest else None, here)
        return _confirm(m.locale, await _configure(daily, m, channel))
    if sub in ("time", "timezone") and len(rest) in (1, 2):
        channel = parse_channel(rest[1] if len(rest) == 2 else None, here)
        given = {"post_time" if sub == "time" else "timezone": rest[0]}
        return _confirm(m.locale, await _configure(daily, m, channel, **given))
    raise StudyBotError("slack.daily_usage")


async def _configure(
    daily: DailyService, m: Member, channel: str, *, post_time: str = "", timezone: str = ""
) -> DailyChannel:
    # A new channel gets the admin's language; an existing one keeps its own.
    return await daily.configure(
        PLATFORM,
        m.ref.community,
        channel,
        post_time=post_time or None,
        timezone=timezone or None,
        default_locale=m.locale,
    )
