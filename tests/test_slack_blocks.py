"""Block Kit rendering: escaping, catalog texts as mrkdwn, and Slack's size limits on real content."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from adapters.slack.ids import Pick, checked_letters
from adapters.slack.mrkdwn import Raw, chunks, escape, link, markdown, tmd
from adapters.slack.render import card_blocks, lesson_blocks
from bot.content import Content, default_content_dir, load_content
from bot.errors import StudyBotError
from bot.service import StudyService
from bot.views import Scope


def test_escape_and_catalog_texts_never_let_markup_through() -> None:
    assert escape("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"
    assert tmd("en", "lesson.list_hint") == "Open one with /lesson &lt;id or words&gt;."
    assert tmd("en", "error.no_lesson", query="<!channel>") == (
        "No lesson matches &lt;!channel&gt;. Type /lesson for the list."
    )
    url = "https://docs.aws.amazon.com/x?a=1&b=2"
    assert tmd("en", "answer.learn_more", url=link(url)) == (
        "Learn more: <https://docs.aws.amazon.com/x?a=1&amp;b=2>"
    )
    shown = tmd("fr", "progress.readiness", score=Raw("*800*"), pass_mark=720, chance="58 %")
    assert shown.startswith("Score d'examen attendu\u202f: *800* / 1000")


def test_content_markdown_becomes_slack_mrkdwn() -> None:
    text = "**Format**\n- **65 questions**: 50 scored\n  - nested <b>\n# Heading"
    assert (
        markdown(text) == "*Format*\n• *65 questions*: 50 scored\n  • nested &lt;b&gt;\n*Heading*"
    )


def test_long_text_is_split_at_paragraphs_within_a_section() -> None:
    paragraphs = ["x" * 1000, "y" * 1000, "z" * 1500, "w" * 7000]
    pieces = chunks("\n\n".join(paragraphs))
    assert all(len(p) <= 2900 for p in pieces)
    assert pieces[0] == "x" * 1000 + "\n\n" + "y" * 1000
    assert "".join(pieces).replace("\n", "") == "".join(paragraphs)


def test_button_values_round_trip_and_forged_ones_are_refused() -> None:
    pick = Pick("d1.1-kinesis-fanout", "6a0b2c00abcd", "B", "1.1")
    assert Pick.decode(pick.encode()) == pick
    assert Pick.decode("q|6a0b2c00abcd||") == Pick("q", "6a0b2c00abcd", "", "")
    for forged in [
        "",
        "a|b|c",
        "q|tok en|A|",
        "q|tok|AB|",
        "q|tok|A|x",
        "q|tok|A|2.34",
        None,
        42,
        "q|t|A|1|x",
    ]:
        with pytest.raises(StudyBotError):
            Pick.decode(forged)


def test_ticked_letters_come_from_the_message_state() -> None:
    state = {
        "values": {"sb.card": {"sb.pick": {"selected_options": [{"value": "A"}, {"value": "D"}]}}}
    }
    assert checked_letters(state) == ["A", "D"]
    broken_states: list[object] = [None, {}, {"values": []}, {"values": {"b": {"sb.pick": "x"}}}]
    for broken in broken_states:
        assert checked_letters(broken) == []


def limits(blocks: list[dict[str, Any]]) -> None:
    """Slack refuses a message that breaks any of these."""
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            if element["type"] == "button":
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000
            if element["type"] == "checkboxes":
                assert len(element["options"]) <= 10
    assert "<@" not in json.dumps(blocks)


@pytest.fixture(scope="module")
def real_content() -> Content:
    return load_content(default_content_dir())


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_real_question_and_lesson_fits_slacks_limits(
    real_content: Content, locale: str
) -> None:
    service = StudyService(real_content, store=None, rng=random.Random(1))  # type: ignore[arg-type]
    for question in real_content.questions.values():
        card = service.card(question, locale, "6a0b2c00abcd")
        blocks = card_blocks(card, Scope(domain=question.domain))
        limits(blocks)
        assert blocks[-1]["elements"][0]["type"] == (
            "checkboxes" if question.choose > 1 else "button"
        )
    for lesson in real_content.lessons:
        limits(lesson_blocks(service.lesson(lesson.id, locale)))
