"""/progress, /leaderboard, /lesson, /language and the error handler, through the real discord.py."""

from __future__ import annotations

import io
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from adapters.discord.app import StudyBot
from adapters.shared.health import PrometheusEvents
from bot.service import StudyService
from bot.store import SqliteStore
from bot.views import UserRef
from tests.fakes.discord_api import (
    GUILD_ID,
    FakeDiscord,
    buttons,
    feed,
    feed_request,
    member,
    user,
)
from tests.ops_support import counted_errors

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5

pytest_plugins = ["tests.fakes.discord_fixtures"]


def ref(user_id: int, name: str) -> UserRef:
    return UserRef("discord", str(GUILD_ID), str(user_id), name)


async def answer_some(service: StudyService, who: UserRef, n: int, right: bool) -> None:
    for _ in range(n):
        card = await service.next_question(who, "en")
        question = service.question(card.question_id)
        wrong = [x for x in question.letters if x not in question.answer][: question.choose]
        choice = sorted(question.answer) if right else wrong
        await service.answer(who, card.question_id, card.token, choice, "en")


def resolved_member(user_id: int, name: str) -> dict[str, Any]:
    data = member(user_id, name)
    data.pop("user")
    return {"users": {str(user_id): user(user_id, name)}, "members": {str(user_id): data}}


async def test_progress_shows_every_domain_in_an_ephemeral_embed(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    await answer_some(service, ref(101, "Ana"), 3, right=True)
    body = await feed(discord_bot, fake, fake.slash("progress"))

    data = body["data"]
    assert data["flags"] & EPHEMERAL and data["allowed_mentions"] == {"parse": []}
    (embed,) = data["embeds"]
    assert embed["title"] == "Progress of Ana"
    assert [f["name"][:2] for f in embed["fields"]] == ["D1", "D2", "D3", "D4"]
    assert "██████████" in "".join(f["value"] for f in embed["fields"])
    assert "Overall: 3 right out of 3." in embed["description"]
    assert "answer 17 more questions" in embed["description"]
    assert "Pass mark: 720 / 1000." in embed["description"]


async def test_progress_attaches_the_png_card_as_the_embeds_image(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    await answer_some(service, ref(101, "Ana"), 2, right=True)
    sent = await feed_request(discord_bot, fake, fake.slash("progress", locale="fr"))

    # discord.py sent multipart/form-data: the JSON in payload_json, the PNG in files[0].
    assert sent.headers["Content-Type"].startswith("multipart/form-data")
    (upload,) = sent.files
    assert (upload.field, upload.filename) == ("files[0]", "progress.png")
    card = Image.open(io.BytesIO(upload.data))
    assert card.format == "PNG" and card.size == (1200, 980) and len(upload.data) < 200_000
    data = sent.body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["attachments"] == [{"id": 0, "filename": "progress.png"}]
    (embed,) = data["embeds"]
    assert embed["title"] == "Progression de Ana"  # the text stays, for every reader
    assert embed["image"] == {"url": "attachment://progress.png"}
    stored = fake.sent(fake.interactions[next(reversed(fake.interactions))])
    assert [a["filename"] for a in stored["attachments"]] == ["progress.png"]

    # Asked again with nothing new: the same card, from the cache, not drawn again.
    again = await feed_request(discord_bot, fake, fake.slash("progress", locale="fr"))
    assert again.files[0].data == upload.data and discord_bot.pictures.drawn == 1


async def test_another_members_progress_needs_the_server_setting(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    await answer_some(service, ref(202, "Bob"), 2, right=False)
    option = [{"name": "member", "type": 6, "value": "202"}]
    asked = fake.slash("progress", option, resolved=resolved_member(202, "Bob"))
    refused = await feed_request(discord_bot, fake, asked)
    body = refused.body
    assert body["data"]["content"] == "Members' progress is private in this server."
    assert body["data"]["flags"] & EPHEMERAL
    assert refused.files == []  # no picture of another member either

    await service.set_community_setting("discord", str(GUILD_ID), "progress_public", "1")
    asked = fake.slash("progress", option, resolved=resolved_member(202, "Bob"))
    body = await feed(discord_bot, fake, asked)
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "Progress of Bob"
    assert "Overall: 0 right out of 2." in embed["description"]


async def test_leaderboard_ranks_the_server_and_escapes_names(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService
) -> None:
    await answer_some(service, ref(301, "**Zed** @everyone"), 3, right=True)
    await answer_some(service, ref(101, "Ana"), 2, right=True)
    await answer_some(service, UserRef("discord", "999", "401", "Elsewhere"), 5, right=True)
    body = await feed(
        discord_bot,
        fake,
        fake.slash("leaderboard", [{"name": "period", "type": 3, "value": "week"}]),
    )

    data = body["data"]
    assert data["flags"] & EPHEMERAL and data["allowed_mentions"] == {"parse": []}
    (embed,) = data["embeds"]
    assert embed["title"] == "Leaderboard — all domains, this week"
    lines = embed["description"].splitlines()
    assert lines[0] == "1. \\*\\*Zed\\*\\* @\u200beveryone — 3 right / 3"
    assert lines[1] == "**2. Ana — 2 right / 2**"
    assert "Elsewhere" not in embed["description"]
    assert lines[-1] == "You: #2 — 2 right / 2"


async def test_leaderboard_for_one_domain_in_french(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    options = [{"name": "domain", "type": 4, "value": 4}]
    body = await feed(discord_bot, fake, fake.slash("leaderboard", options, locale="fr"))

    (embed,) = body["data"]["embeds"]
    assert embed["title"].startswith("Classement — D4 ")
    assert embed["title"].endswith(", depuis le début")
    assert "Aucune réponse pour l'instant." in embed["description"]


async def test_lesson_autocomplete_offers_matching_titles(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    options = [{"name": "topic", "type": 3, "value": "ingest", "focused": True}]
    body = await feed(discord_bot, fake, fake.autocomplete("lesson", options))

    assert body["type"] == 8
    assert body["data"]["choices"] == [{"name": "Perform data ingestion", "value": "task-1.1"}]

    options = [{"name": "topic", "type": 3, "value": "", "focused": True}]
    body = await feed(discord_bot, fake, fake.autocomplete("lesson", options, locale="fr"))
    names = [c["name"] for c in body["data"]["choices"]]
    assert "L'examen" in names and 1 < len(names) <= 25


async def test_lesson_shows_one_lesson_with_a_quiz_button(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    options = [{"name": "topic", "type": 3, "value": "task-1.1"}]
    body = await feed(discord_bot, fake, fake.slash("lesson", options))

    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "Perform data ingestion"
    assert embed["description"] == "Kinesis Data Streams and Amazon Data Firehose."
    assert embed["fields"][0]["value"].startswith("https://docs.aws.amazon.com/")
    (button,) = buttons(body["data"])
    assert button["label"] == "Quiz me on task 1.1" and button["custom_id"] == "sb:n:1.1:2t"


async def test_lesson_lists_lessons_and_works_in_a_dm(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    body = await feed(discord_bot, fake, fake.slash("lesson", guild=False, locale="fr"))

    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "Leçons"
    assert "`intro-exam` — L'examen" in embed["description"]

    options = [{"name": "topic", "type": 3, "value": "quantum"}]
    body = await feed(discord_bot, fake, fake.slash("lesson", options))
    assert body["data"]["content"] == "No lesson matches quantum. Type /lesson for the list."
    assert body["data"]["flags"] & EPHEMERAL

    typed = "*quantum* @everyone " + "z" * 300  # echoed literally, and short
    options = [{"name": "topic", "type": 3, "value": typed}]
    body = await feed(discord_bot, fake, fake.slash("lesson", options))
    content = body["data"]["content"]
    assert content.startswith("No lesson matches \\*quantum\\* @\u200beveryone zzz")
    assert "z…. Type /lesson" in content and len(content) < 200


async def test_language_overrides_the_discord_locale(
    discord_bot: StudyBot, fake: FakeDiscord, tmp_path: Path
) -> None:
    body = await feed(discord_bot, fake, fake.slash("progress", locale="fr"))
    assert body["data"]["embeds"][0]["title"] == "Progression de Ana"

    options = [{"name": "language", "type": 3, "value": "en"}]
    body = await feed(discord_bot, fake, fake.slash("language", options, locale="fr"))
    assert body["data"]["content"] == "Language set to English."
    body = await feed(discord_bot, fake, fake.slash("progress", locale="fr"))
    assert body["data"]["embeds"][0]["title"] == "Progress of Ana"

    with sqlite3.connect(tmp_path / "test.db") as db:
        rows = db.execute("SELECT platform, community, user, locale FROM users").fetchall()
    assert rows == [("discord", str(GUILD_ID), "101", "en")]


@pytest.mark.parametrize("command", ["progress", "leaderboard", "language"])
async def test_server_commands_in_a_dm_ask_for_a_server(
    discord_bot: StudyBot, fake: FakeDiscord, command: str
) -> None:
    options = [{"name": "language", "type": 3, "value": "fr"}] if command == "language" else None
    body = await feed(discord_bot, fake, fake.slash(command, options, guild=False, locale="fr"))

    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        "Cette commande s'utilise dans un salon de serveur, pas en message privé."
    )


async def test_a_failure_is_logged_and_told_in_one_line(
    discord_bot: StudyBot,
    fake: FakeDiscord,
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await store.reader.close()  # the database goes away under the bot
    with caplog.at_level(logging.ERROR, logger="adapters.discord.common"):
        body = await feed(discord_bot, fake, fake.slash("leaderboard"))

    assert body["data"]["content"] == "Something went wrong on our side; please try again."
    assert body["data"]["flags"] & EPHEMERAL
    assert any(r.exc_info for r in caplog.records)


async def test_a_real_failure_counts_once_in_studybot_errors_total(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, store: SqliteStore
) -> None:
    service.events = events = PrometheusEvents()  # what the runtime gives a bot with metrics on
    await store.reader.close()  # the database goes away under the bot
    body = await feed(discord_bot, fake, fake.slash("leaderboard"))

    assert body["data"]["content"] == "Something went wrong on our side; please try again."
    ((platform, _), count), *others = counted_errors(events).items()
    assert (platform, count, others) == ("discord", 1.0, [])


async def test_an_unknown_command_gets_a_hint(discord_bot: StudyBot, fake: FakeDiscord) -> None:
    body = await feed(discord_bot, fake, fake.slash("retired-command"))

    assert body["data"]["content"] == (
        "This command has just changed; please try again in a minute."
    )
