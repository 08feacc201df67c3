"""/review, /exam and reports through the real discord.py, against a loopback fake of Discord."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.discord.app import StudyBot, build_bot
from bot.service import StudyService
from bot.services import Services
from bot.store import open_store
from tests.conftest import Clock
from tests.fakes.discord_api import FakeDiscord, buttons, feed, press

EPHEMERAL = 64
MODAL = 9

pytest_plugins = ["tests.fakes.discord_fixtures"]


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def components(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every component of a message: buttons and select menus."""
    return [c for row in data.get("components", []) for c in row.get("components", [])]


def qid_of(data: dict[str, Any]) -> str:
    return str(buttons(data)[0]["custom_id"].split(":")[3])


async def test_review_after_a_wrong_answer(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    quiz = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 2}])
    qid = qid_of((await feed(discord_bot, fake, quiz))["data"])
    wrong = next(x for x in service.question(qid).letters if x not in service.question(qid).answer)
    _, answered = await press(discord_bot, fake, quiz, wrong)
    assert "1 review due" not in answered["data"]["embeds"][0]["footer"]["text"]  # in 10 minutes

    early = await feed(discord_bot, fake, fake.slash("review"))
    assert early["data"]["flags"] & EPHEMERAL
    assert "the next one is due in 10 minutes" in early["data"]["content"]

    clock.now += timedelta(minutes=11)
    review = fake.slash("review")
    body = await feed(discord_bot, fake, review)
    (embed,) = body["data"]["embeds"]
    assert embed["title"].startswith("🔁 Review · Domain 2")
    right = next(iter(service.question(qid).answer))
    _, fed_back = await press(discord_bot, fake, review, right)
    assert fed_back["data"]["embeds"][0]["title"] == "✅ Right!"
    assert rows(tmp_path / "test.db", "SELECT source FROM attempts ORDER BY id") == [
        ("quiz",),
        ("review",),
    ]


async def click_through(
    bot: StudyBot, fake: FakeDiscord, service: StudyService, source: dict[str, Any]
) -> dict[str, Any]:
    """Answer every question of the exam shown for `source` (right ones), until the result."""
    body: dict[str, Any] = {}
    for _ in range(10):
        message = fake.sent(source)
        if not message["embeds"] or message["embeds"][0]["title"] == "Mock exam result":
            return message
        qid = str(buttons(message)[0]["custom_id"].split(":")[3])
        question = service.question(qid)
        letters = sorted(question.answer)
        if question.choose > 1:
            for letter in letters:
                message = fake.sent(source)
                toggle = next(b for b in buttons(message) if b.get("label") == letter)
                click = fake.click(message, toggle["custom_id"])
                await feed(bot, fake, click)
                source = click
            _, body = await press(bot, fake, source, "Submit")
        else:
            source, body = await press(bot, fake, source, letters[0])
        assert body["type"] == 7  # the exam message moves on
    raise AssertionError(f"the exam never ended: {body}")


async def test_a_short_exam_taken_to_the_end_with_its_result(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, tmp_path: Path
) -> None:
    start = fake.slash("exam", [{"name": "size", "type": 4, "value": 3}])
    body = await feed(discord_bot, fake, start)
    assert body["data"]["flags"] & EPHEMERAL
    (embed,) = body["data"]["embeds"]
    assert embed["author"]["name"].startswith("Mock exam — question 1 of 3 · 6 min left")
    labels = [b["label"] for b in buttons(body["data"])]
    assert labels[-2:] == ["Skip", "Finish"]
    assert rows(tmp_path / "test.db", "SELECT count(*) FROM attempts") == [(0,)]

    result = await click_through(discord_bot, fake, service, start)
    (shown,) = result["embeds"]
    assert shown["description"].startswith("3 right out of 3 · estimated score 1000 / 1000")
    assert rows(tmp_path / "test.db", "SELECT source, count(*) FROM attempts GROUP BY 1") == [
        ("exam", 3)
    ]
    progress = await feed(discord_bot, fake, fake.slash("progress"))
    fields = {f["name"]: f["value"] for f in progress["data"]["embeds"][0]["fields"]}
    assert "3 right out of 3 — pass" in fields["Last mock exams:"]


async def test_finish_asks_first_and_unanswered_questions_count_wrong(
    discord_bot: StudyBot, fake: FakeDiscord, tmp_path: Path
) -> None:
    start = fake.slash("exam", [{"name": "size", "type": 4, "value": 2}])
    await feed(discord_bot, fake, start)
    ask, body = await press(discord_bot, fake, start, "Finish")
    assert body["data"]["content"].startswith("2 questions are still unanswered")
    _, body = await press(discord_bot, fake, ask, "Finish")
    (embed,) = body["data"]["embeds"]
    assert embed["description"].startswith("0 right out of 2")
    assert embed["fields"][-1]["name"] == "Missed questions (2):"
    picker = next(c for c in components(body["data"]) if c["type"] == 3)
    assert len(picker["options"]) == 2  # report one of them from here
    assert rows(tmp_path / "test.db", "SELECT count(*) FROM attempts") == [(0,)]


async def test_an_exam_resumes_after_a_restart_and_its_buttons_still_work(
    fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    before = build_bot(Services.build(service))
    await before.login("test-token")
    start = fake.slash("exam", [{"name": "size", "type": 4, "value": 4}])
    await feed(before, fake, start)
    await press(before, fake, start, "Skip")
    await before.close()

    store = await open_store(tmp_path / "test.db")
    after = build_bot(Services.build(StudyService(service.content, store, clock=clock)))
    try:
        await after.login("test-token")
        again = await feed(after, fake, fake.slash("exam"))
        (embed,) = again["data"]["embeds"]
        assert embed["author"]["name"].startswith("Mock exam — question 1 of 4")
        assert "goes on where you left it" in embed["description"]
        # The message shown before the restart still answers, on the new process.
        message = fake.sent(start)
        first = next(b for b in buttons(message) if b["label"] in "ABCD")
        body = await feed(after, fake, fake.click(message, first["custom_id"]))
        assert body["type"] == 7
    finally:
        await after.close()
        await store.close()
    assert rows(tmp_path / "test.db", "SELECT count(*) FROM exam_items WHERE choice IS NOT NULL")


async def test_report_a_question_through_the_form(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, tmp_path: Path
) -> None:
    quiz = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 3}])
    qid = qid_of((await feed(discord_bot, fake, quiz))["data"])
    answered, _ = await press(discord_bot, fake, quiz, "B")
    _, form = await press(discord_bot, fake, answered, "Report")
    assert form["type"] == MODAL
    assert form["data"]["title"] == "Report this question"
    reason = form["data"]["components"][0]["component"]
    assert [o["value"] for o in reason["options"]] == [
        "wrong_answer", "unclear", "outdated", "typo", "other",
    ]  # fmt: skip
    submit = fake.modal_submit(form["data"], {0: ["typo"], 1: "**Option** <@1> misspelt"})
    thanks = await feed(discord_bot, fake, submit)
    assert thanks["data"]["flags"] & EPHEMERAL
    assert thanks["data"]["content"].startswith(f"Thank you: your report on {qid}")
    assert rows(tmp_path / "test.db", "SELECT question_id, reason, text FROM reports") == [
        (qid, "typo", "**Option** <@1> misspelt")  # stored as typed
    ]
