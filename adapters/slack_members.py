"""Who is acting in Slack: the member's name, language and admin rights from `users.info`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import StudyBotError
from bot.service import StudyService
from bot.views import UserRef

__all__ = ["PLATFORM", "Member", "fetch_member", "member_session"]

log = logging.getLogger(__name__)

PLATFORM = "slack"


@dataclass(frozen=True, slots=True)
class Member:
    """A workspace member as this request sees them."""

    ref: UserRef
    locale: str
    is_admin: bool


async def _users_info(client: AsyncWebClient, user: str) -> dict[str, Any]:
    try:
        response = await client.users_info(user=user, include_locale=True)
    except (TimeoutError, SlackClientError, aiohttp.ClientError) as e:
        # Without the profile the member still gets served: default name and language, no admin.
        log.warning("users.info failed for %s: %s", user, e.__class__.__name__)
        return {}
    found = response.get("user")
    return found if isinstance(found, dict) else {}


def _name(info: dict[str, Any], fallback: str) -> str:
    found = info.get("profile")
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        info.get("real_name"),
        info.get("name"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return fallback


async def fetch_member(
    service: StudyService, client: AsyncWebClient, team: str, user: str, fallback_name: str = ""
) -> Member:
    """Look the member up; their own language choice wins over their Slack locale."""
    info = await _users_info(client, user)
    ref = UserRef(PLATFORM, team, user, _name(info, fallback_name))
    slack_locale = info.get("locale") if isinstance(info.get("locale"), str) else None
    admin = any(info.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return Member(ref, await service.locale(ref, slack_locale), admin)


async def member_session(
    service: StudyService, client: AsyncWebClient, context: Any, fallback_name: str = ""
) -> Member:
    """The member behind a request; records their language in the context for the error handler."""
    team, user = context.get("team_id"), context.get("user_id")
    if not isinstance(team, str) or not isinstance(user, str):
        raise StudyBotError("slack.bad_request")
    member = await fetch_member(service, client, team, user, fallback_name)
    context["locale"] = member.locale
    return member
