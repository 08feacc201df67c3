"""Who is acting in Slack: the member's name, language and admin rights from `users.info`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import StudyBotError
from bot.service import StudyService
from bot.views import UserRef

__all__ = ["PLATFORM", "Member", "MemberDirectory", "fetch_member", "member_session"]

log = logging.getLogger(__name__)

PLATFORM = "slack"
MEMBER_TTL = 300.0  # seconds a users.info answer is reused


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


class MemberDirectory:
    """`users.info` answers, reused for `ttl` seconds per (workspace, member).

    Slack allows an app about a hundred users.info calls a minute per workspace; one per click
    would run out in a busy quiz. Failed lookups are not kept, so the next request tries again.
    """

    def __init__(
        self, ttl: float = MEMBER_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._known: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._asking: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}

    async def info(self, client: AsyncWebClient, team: str, user: str) -> dict[str, Any]:
        now = self.clock()
        known = self._known.get((team, user))
        if known is not None and now - known[0] < self.ttl:
            return known[1]
        # One lookup in flight per member: fifty simultaneous clicks make one call, not fifty.
        lookup = self._asking.get((team, user))
        if lookup is None:
            lookup = asyncio.ensure_future(self._lookup(client, team, user))
            self._asking[team, user] = lookup
            lookup.add_done_callback(lambda _: self._asking.pop((team, user), None))
        return await asyncio.shield(lookup)

    async def _lookup(self, client: AsyncWebClient, team: str, user: str) -> dict[str, Any]:
        info = await _users_info(client, user)
        if info:
            now = self.clock()
            self._forget_expired(now)
            self._known[team, user] = (now, info)
        return info

    def _forget_expired(self, now: float) -> None:
        if len(self._known) >= 1000:
            self._known = {k: v for k, v in self._known.items() if now - v[0] < self.ttl}


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
    service: StudyService,
    directory: MemberDirectory,
    client: AsyncWebClient,
    team: str,
    user: str,
    fallback_name: str = "",
) -> Member:
    """Look the member up; their own language choice wins over their Slack locale."""
    info = await directory.info(client, team, user)
    ref = UserRef(PLATFORM, team, user, _name(info, fallback_name))
    slack_locale = info.get("locale") if isinstance(info.get("locale"), str) else None
    admin = any(info.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return Member(ref, await service.locale(ref, slack_locale), admin)


async def member_session(
    service: StudyService, client: AsyncWebClient, context: Any, fallback_name: str = ""
) -> Member:
    """The member behind a request; records their language in the context for the error handler.

    The app's `MemberDirectory` is in the context under "members" (see adapters.slack.app.build_app).
    """
    team, user = context.get("team_id"), context.get("user_id")
    if not isinstance(team, str) or not isinstance(user, str):
        raise StudyBotError("slack.bad_request")
    directory = context.get("members")
    if not isinstance(directory, MemberDirectory):
        raise TypeError(
            "the app has no MemberDirectory: build it with adapters.slack.app.build_app"
        )
    member = await fetch_member(service, directory, client, team, user, fallback_name)
    context["locale"] = member.locale
    return member
