"""/review, /exam and reports through the real slack-bolt over signed HTTP requests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.service import StudyService
from tests.conftest import Clock
from tests.fakes.slack_api import TEAM, FakeSlack, fake_slack, payload_form
from tests.test_slack_http import Bot, db, elements, running_bot, texts, ticked


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        fake.add_user("U0BOB", "Bob", locale="fr-FR")
        yield fake


@pytest.fixture
async def bot(service: StudyService, slack: FakeSlack) -> AsyncIterator[Bot]:
    async with running_bot(service, slack) as running:
        yield running


def question_of(message: dict[str, Any]) -> str:
    value = next(e["value"] for e in elements(message) if e.get("action_id", "").startswith("sb."))
    return str(value.split("|")[1] if value.split("|")[0].isdigit() else value.split("|")[0])


async def test_review_after_a_wrong_answer(
    bot: Bot, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    card = await bot.command("/quiz", "2")
    qid = question_of(card)
    question = service.question(qid)
    wrong = next(x for x in question.letters if x not in question.answer)
    await bot.click(
        f"sb.answer.{wrong}", f"{qid}|{elements(card)[0]['value'].split('|')[1]}|{wrong}|2"
    )
    assert "Report" in [e["text"]["text"] for e in elements(bot.reply())]

    early = await bot.command("/review")
    assert "the next one is due in 10 minutes" in texts(early)
    clock.now += timedelta(minutes=11)
    review = await bot.command("/review")
    assert "🔁 Review · Domain 2" in texts(review)
    button = next(e for e in elements(review) if e["text"]["text"] == sorted(question.answer)[0])
    await bot.click(button["action_id"], button["value"])
    assert "✅ Right!" in texts(bot.reply())
    assert db(tmp_path / "test.db", "SELECT source FROM attempts ORDER BY id") == [
        ("quiz",),
        ("review",),
    ]


async def answer_exam(bot: Bot, service: StudyService, message: dict[str, Any]) -> dict[str, Any]:
    """Answer each question shown (rightly) until the result comes."""
    for _ in range(10):
        if "Mock exam result" in texts(message):
            return message
        controls = elements(message)
        value = next(e["value"] for e in controls if e.get("action_id", "").startswith("sb.exam"))
        question = service.question(value.split("|")[1])
        right = sorted(question.answer)
        if question.choose > 1:
            submit = next(e for e in controls if e.get("action_id") == "sb.exam.submit")
            await bot.click("sb.exam.submit", submit["value"], state=ticked(*right))
        else:
            button = next(e for e in controls if e.get("action_id") == f"sb.exam.answer.{right[0]}")
            await bot.click(button["action_id"], button["value"])
        message = bot.reply()
        assert message["replace_original"] is True
    raise AssertionError("the exam never ended")


async def test_a_short_exam_taken_to_the_end_with_its_result(
    bot: Bot, service: StudyService, tmp_path: Path
) -> None:
    start = await bot.command("/exam", "3")
    assert start["response_type"] == "ephemeral"
    assert "Mock exam — question 1 of 3 · 6 min left" in texts(start)
    assert db(tmp_path / "test.db", "SELECT count(*) FROM attempts") == [(0,)]
    result = await answer_exam(bot, service, start)
    assert "3 right out of 3 · estimated score 1000 / 1000" in texts(result)
    assert db(tmp_path / "test.db", "SELECT source, count(*) FROM attempts GROUP BY 1") == [
        ("exam", 3)
    ]
    assert "3 right out of 3 — pass" in texts(await bot.command("/progress"))


async def test_skip_finish_and_a_report_from_the_result(
    bot: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    start = await bot.command("/exam", "2")
    skip = next(e for e in elements(start) if e["action_id"] == "sb.exam.skip")
    await bot.click("sb.exam.skip", skip["value"])
    finish = next(e for e in elements(bot.reply()) if e["action_id"] == "sb.exam.finish")
    await bot.click("sb.exam.finish", finish["value"])
    assert "2 questions are still unanswered" in texts(bot.reply())
    confirm = next(e for e in elements(bot.reply()) if e["value"].endswith("|1"))
    await bot.click("sb.exam.finish", confirm["value"])
    result = bot.reply()
    assert "0 right out of 2" in texts(result) and "Missed questions (2):" in texts(result)

    picker = next(e for e in elements(result) if e["action_id"] == "sb.report.pick")
    question = picker["options"][0]["value"]
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ANA", "team_id": TEAM},
        "team": {"id": TEAM},
        "trigger_id": "7.7.7",
        "response_url": slack.response_url("pick"),
        "actions": [
            {"action_id": "sb.report.pick", "type": "static_select",
             "selected_option": {"value": question}, "block_id": "sb.exam.after"}
        ],
    }  # fmt: skip
    assert (await bot.post(payload_form(payload))).status == 200
    await slack.wait_for(lambda: bool(slack.called("views.open")))
    (opened,) = slack.called("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert opened["trigger_id"] == "7.7.7" and view["private_metadata"] == question
    await submit_report(bot, view, "outdated", "The limit changed in 2025 & <here>")
    assert db(tmp_path / "test.db", "SELECT question_id, reason, text FROM reports") == [
        (question, "outdated", "The limit changed in 2025 & <here>")
    ]


async def submit_report(bot: Bot, view: dict[str, Any], reason: str, text: str) -> Any:
    submission = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U0ANA", "team_id": TEAM},
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {
                    "reason": {"reason": {"type": "static_select", "selected_option": {"value": reason}}},
                    "text": {"text": {"type": "plain_text_input", "value": text}},
                }
            },
        },
    }  # fmt: skip
    response = await bot.post(payload_form(submission))
    assert response.status == 200
    return json.loads(await response.text() or "{}")


async def test_a_report_beyond_500_characters_is_shown_beside_the_field(
    bot: Bot, slack: FakeSlack, service: StudyService, tmp_path: Path
) -> None:
    card = await bot.command("/quiz", "3")
    button = elements(card)[0]
    await bot.click(button["action_id"], button["value"])
    report = next(e for e in elements(bot.reply()) if e.get("action_id") == "sb.report")
    await bot.click("sb.report", report["value"], reply=False)  # it opens a form instead
    await slack.wait_for(lambda: bool(slack.called("views.open")))
    (opened,) = slack.called("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    answer = await submit_report(bot, view, "other", "x" * 501)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["text"].startswith("A report holds at most 500 characters")
    assert db(tmp_path / "test.db", "SELECT count(*) FROM reports") == [(0,)]
    thanks = await submit_report(bot, view, "typo", "")
    assert thanks["response_action"] == "update"
    assert "Thank you" in json.dumps(thanks["view"])
