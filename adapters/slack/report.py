"""Reporting a question in Slack: the Report button (or an exam result's menu) opens a form.

The form is a modal (`views.open`, within 3 seconds of the click); its submission is stored,
then the modal turns into a thank-you, or shows what is wrong next to the field.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.members import member_session
from adapters.slack.render import REPORT, REPORT_FORM, REPORT_PICK, report_form, report_thanks_view
from adapters.slack.replies import Click, Reply, on_click
from bot.errors import StudyBotError
from bot.i18n import t
from bot.service import StudyService

__all__ = ["register_report"]

log = logging.getLogger(__name__)


def _form_values(view: Any) -> tuple[str, str]:
    """The reason and the text typed in a submitted report form ("" when missing)."""
    values = view.get("state", {}).get("values", {}) if isinstance(view, dict) else {}
    reason = ((values.get("reason") or {}).get("reason") or {}).get("selected_option") or {}
    text = ((values.get("text") or {}).get("text") or {}).get("value")
    return str(reason.get("value") or ""), str(text or "")


def register_report(app: AsyncApp, study: StudyService) -> None:
    """Attach the Report button, the exam result's menu and the form's submission."""

    async def open_form(click: Click) -> Reply | None:
        m = await member_session(study, click.client, click.context)
        picked = click.action.get("selected_option") or {}
        question = str(picked.get("value") or click.action.get("value") or "")
        study.question(question)  # an unknown question: one line, and no form
        trigger = click.body.get("trigger_id")
        if not isinstance(trigger, str):
            raise StudyBotError("slack.bad_request")
        await click.client.views_open(trigger_id=trigger, view=report_form(m.locale, question))
        return None

    async def submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        view = body.get("view")
        question = str((view.get("private_metadata") if isinstance(view, dict) else "") or "")
        locale = "en"
        try:
            m = await member_session(study, client, context)
            locale = m.locale
            await study.report(m.ref, question, *_form_values(view))
        except StudyBotError as error:
            block = "text" if error.key == "report.too_long" else "reason"
            await ack(
                response_action="errors", errors={block: t(locale, error.key, **error.params)}
            )
            return
        except Exception:  # the member sees one line beside the form, the log the cause
            log.exception("storing a report on %s failed", question[:60])
            await ack(response_action="errors", errors={"reason": t(locale, "error.generic")})
            return
        await ack(response_action="update", view=report_thanks_view(locale, question))

    app.action(REPORT)(on_click(study.events, open_form))
    app.action(REPORT_PICK)(on_click(study.events, open_form))
    app.view(REPORT_FORM)(submitted)
