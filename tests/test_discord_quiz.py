"""/quiz and its buttons through the real discord.py, against a loopback fake of Discord."""

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
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, buttons, feed, press

EPHEMERAL = 64

pytest_plugins = ["tests.fakes.discord_fixtures"]


def attempts(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "test.db") as db:
        return db.execute(
            "SELECT u.user, u.community, a.question_id, a.choice, a.correct, a.source "
            "FROM attempts a JOIN users u ON u.id = a.user_id ORDER BY a.id"
        ).fetchall()


def question_id(data: dict[str, Any]) -> str:
    return str(buttons(data)[0]["custom_id"].split(":")[3])


async def test_quiz_is_ephemeral_with_one_button_per_letter(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 2}])
    body = await feed(discord_bot, fake, payload)

    assert body["type"] == 4
    data = body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    (embed,) = data["embeds"]
    assert embed["title"].startswith("Domain 2 · Data Store Management — task 2.1")
    assert "**A)** Option A" in embed["description"]
    assert embed["footer"]["text"] == "Answer with a letter (A/B/C/D)."
    assert [b["label"] for b in buttons(data)] == ["A", "B", "C", "D"]
    assert all(len(b["custom_id"]) <= 100 for b in buttons(data))


async def test_an_answer_explains_every_option_and_counts_once(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, tmp_path: Path
) -> None:
    payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 2}])
    data = (await feed(discord_bot, fake, payload))["data"]
    qid = question_id(data)
    right = next(iter(service.question(qid).answer))

    _, body = await press(discord_bot, fake, payload, right)

    assert body["type"] == 7  # the question message becomes its feedback
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "✅ Right!"
    assert f"Right answer: {right}" in embed["description"]
    names = [f["name"] for f in embed["fields"]]
    assert f"✅ {right}) Option {right}" in names
    assert sum(n.startswith("❌") for n in names) == 3
    assert "Why B." in [f["value"] for f in embed["fields"]]
    assert "Learn more: https://docs.aws.amazon.com/" in embed["fields"][-1]["value"]
    assert embed["footer"]["text"] == "Domain 2: 100% right over 1 answer."
    labels = {b["label"]: b for b in buttons(body["data"])}
    assert labels["Next question"]["custom_id"] == "sb:n:2:2t"
    assert labels["AWS documentation"]["url"].startswith("https://docs.aws.amazon.com/")
    assert attempts(tmp_path) == [("101", str(GUILD_ID), qid, right, 1, "quiz")]

    # A double click (the stale message clicked again) is told, and counts once.
    _, again = await press(discord_bot, fake, payload, right)
    assert again["type"] == 4
    assert again["data"]["flags"] & EPHEMERAL
    assert again["data"]["content"] == (
        f"You already answered this question; it counted once.\nRight answer: {right}"
    )
    assert len(attempts(tmp_path)) == 1


async def test_choose_two_toggles_then_submits(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, tmp_path: Path
) -> None:
    for _ in range(20):
        payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 1}])
        data = (await feed(discord_bot, fake, payload))["data"]
        if "Submit" in [b["label"] for b in buttons(data)]:
            break
    else:
        raise AssertionError("no choose-TWO question was served in domain 1")
    assert "Pick 2 options, then Submit." in data["embeds"][0]["footer"]["text"]
    submit = buttons(data)[-1]
    assert submit["disabled"] is True
    qid = question_id(data)
    right = sorted(service.question(qid).answer)

    first, body = await press(discord_bot, fake, payload, right[0])
    assert body["type"] == 7
    picked = {b["label"]: b for b in buttons(body["data"])}
    assert picked[right[0]]["style"] == 3  # success: selected
    assert picked["Submit"]["disabled"] is True
    # Toggling twice deselects: the state lives in the message, not in the bot.
    wrong = next(x for x in "ABCDE" if x not in right)
    second, _ = await press(discord_bot, fake, first, wrong)
    third, _ = await press(discord_bot, fake, second, wrong)
    fourth, body = await press(discord_bot, fake, third, right[1])
    ready = {b["label"]: b for b in buttons(body["data"])}
    assert ready["Submit"]["disabled"] is False
    assert f"Your answer: {right[0]}, {right[1]}" in body["data"]["embeds"][0]["footer"]["text"]

    _, result = await press(discord_bot, fake, fourth, "Submit")
    assert result["type"] == 7
    assert result["data"]["embeds"][0]["title"] == "✅ Right!"
    assert attempts(tmp_path) == [("101", str(GUILD_ID), qid, ",".join(right), 1, "quiz")]


async def test_next_question_keeps_the_domain(discord_bot: StudyBot, fake: FakeDiscord) -> None:
    payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 3}])
    await feed(discord_bot, fake, payload)
    answered, _ = await press(discord_bot, fake, payload, "B")
    _, body = await press(discord_bot, fake, answered, "Next question")

    assert body["type"] == 4
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["embeds"][0]["title"].startswith("Domain 3 ·")
    assert len(buttons(body["data"])) >= 4


async def test_a_button_still_works_after_a_restart(
    fake: FakeDiscord, service: StudyService, tmp_path: Path
) -> None:
    before = build_bot(Services.build(service))
    await before.login("test-token")
    payload = fake.slash("quiz")
    await feed(before, fake, payload)
    await before.close()

    store = await open_store(tmp_path / "test.db")
    after_service = StudyService(service.content, store, clock=service.clock)
    after = build_bot(Services.build(after_service), sync=False)
    try:
        await after.login("test-token")
        _, body = await press(after, fake, payload, "A")
    finally:
        await after.close()
        await store.close()

    assert body["type"] == 7
    assert body["data"]["embeds"][0]["title"] in ("✅ Right!", "❌ Not quite.")
    assert len(attempts(tmp_path)) == 1


async def test_someone_elses_buttons_are_refused(
    discord_bot: StudyBot, fake: FakeDiscord, tmp_path: Path
) -> None:
    payload = fake.slash("quiz")
    await feed(discord_bot, fake, payload)
    _, body = await press(discord_bot, fake, payload, "A", user_id=202, name="Bob")

    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        "These buttons belong to someone else's question. Use /quiz for your own."
    )
    assert attempts(tmp_path) == []


async def test_an_expired_question_is_refused(
    discord_bot: StudyBot, fake: FakeDiscord, clock: Clock, tmp_path: Path
) -> None:
    payload = fake.slash("quiz")
    await feed(discord_bot, fake, payload)
    clock.now += timedelta(hours=25)
    _, body = await press(discord_bot, fake, payload, "A")

    assert body["data"]["content"] == "This question has expired. Type /quiz for a new one."
    assert body["data"]["flags"] & EPHEMERAL
    assert attempts(tmp_path) == []


async def test_an_unknown_question_id_is_refused(
    discord_bot: StudyBot, fake: FakeDiscord, tmp_path: Path
) -> None:
    payload = fake.slash("quiz")
    data = (await feed(discord_bot, fake, payload))["data"]
    message = fake.sent(payload)
    gone = buttons(data)[0]["custom_id"].replace(question_id(data), "d9.9-removed")
    message["components"][0]["components"][0]["custom_id"] = gone
    body = await feed(discord_bot, fake, fake.click(message, gone))

    assert body["data"]["content"] == (
        "This question is no longer available. Type /quiz for a new one."
    )
    assert attempts(tmp_path) == []


async def test_a_french_client_gets_french_questions_and_buttons(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    for _ in range(20):
        payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 1}], locale="fr")
        data = (await feed(discord_bot, fake, payload))["data"]
        if "Valider" in [b["label"] for b in buttons(data)]:
            break
    else:
        raise AssertionError("no choose-TWO question was served in domain 1")
    embed = data["embeds"][0]
    assert embed["title"].startswith("Domaine 1 · Ingestion et transformation des données")
    assert "Cochez 2 options, puis Valider." in embed["footer"]["text"]
    assert "(fr)" in embed["description"]


async def test_quiz_in_a_dm_asks_for_a_server(discord_bot: StudyBot, fake: FakeDiscord) -> None:
    body = await feed(discord_bot, fake, fake.slash("quiz", guild=False))

    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        "This command works in a server channel, not in direct messages."
    )
