"""The bot token, checked once at start-up, so that no member's request ever waits on it.

Left to itself, bolt calls `auth.test` on the first request: a hanging API then holds every
acknowledgement past Slack's 3 seconds, and a refusal shows members bolt's own English "please
reinstall". Here the process checks the token before it takes any request: a refusal stops it
with one line; a network failure is retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import ConfigError

__all__ = ["REFUSED", "check_token"]

log = logging.getLogger(__name__)

# Slack's answers that mean the token itself is wrong: retrying cannot help.
REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "org_login_required",
        "ekm_access_denied",
    }
)
MAX_DELAY = 30.0

Sleep = Callable[[float], Awaitable[None]]


async def check_token(
    app: AsyncApp, *, sleep: Sleep = asyncio.sleep, first_delay: float = 1.0
) -> str:
    """Check the bot token with `auth.test` until Slack answers; returns the workspace id.

    Raises ConfigError (one line, exit code 2) when Slack refuses the token. Network failures,
    timeouts, rate limits and Slack's own errors are retried with growing delays (up to 30 s).
    """
    delay = first_delay
    while True:
        try:
            result = await app.client.auth_test()
        except SlackApiError as error:
            code = str((error.response or {}).get("error") or "")
            if code in REFUSED:
                raise ConfigError(
                    f"Slack refused SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token "
                    "again from the app's OAuth & Permissions page"
                ) from None
            log.warning("Slack auth.test failed (%s); retrying in %.0f s", code or "error", delay)
        except (TimeoutError, OSError, aiohttp.ClientError) as error:
            reason = error.__class__.__name__
            log.warning("Slack is not reachable (%s); retrying in %.0f s", reason, delay)
        else:
            _remember(app, result)
            team = str(result.get("team_id") or "")
            log.info("Slack token checked: workspace %s, bot %s", team, result.get("user_id"))
            return team
        await sleep(delay)
        delay = min(MAX_DELAY, delay * 2)


def _remember(app: AsyncApp, result: AsyncSlackResponse) -> None:
    # bolt's single-workspace authorization calls auth.test only while it holds no result:
    # giving it ours means no request ever waits on that call.
    for middleware in app._async_middleware_list:
        if isinstance(middleware, AsyncSingleTeamAuthorization):
            middleware.auth_test_result = result
