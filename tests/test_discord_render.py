"""Custom ids and embeds stay within Discord's limits, whatever the content holds."""

from __future__ import annotations

import functools

import pytest

from adapters.discord.buttons import feedback_view, quiz_view
from adapters.discord.ids import ANSWER_TEMPLATE, NEXT_TEMPLATE, PICK_TEMPLATE, NextKey, QuizKey
from adapters.discord.render import card_embed, feedback_embed, progress_embed
from bot.content import Content, default_content_dir, load_content
from bot.service import StudyService
from bot.store import SqliteStore
from bot.views import DomainProgress, Feedback, OptionFeedback, ProgressReport

BIGGEST_SNOWFLAKE = 2**64 - 1


@functools.cache
def real_content() -> Content:
    return load_content(default_content_dir())


def test_custom_ids_round_trip_and_fit_with_the_longest_real_question_id() -> None:
    real = real_content()
    longest = max(real.questions, key=len)
    key = QuizKey("4.5", longest, "6b0970c0ffff", "ABCDEFGH", BIGGEST_SNOWFLAKE)
    for kind, template in (("a", ANSWER_TEMPLATE), ("p", PICK_TEMPLATE)):
        custom_id = key.custom_id(kind)
        assert len(custom_id) <= 100
        match = template.fullmatch(custom_id)
        assert match is not None
        assert QuizKey.parse(match) == key
    empty = QuizKey("0", "d1.1-x", "00000000abcd", "", 7)
    parsed = PICK_TEMPLATE.fullmatch(empty.custom_id("p"))
    assert parsed is not None and QuizKey.parse(parsed) == empty
    next_id = NextKey("3", BIGGEST_SNOWFLAKE).custom_id()
    match = NEXT_TEMPLATE.fullmatch(next_id)
    assert match is not None and NextKey.parse(match) == NextKey("3", BIGGEST_SNOWFLAKE)


def test_a_question_id_too_long_for_discord_is_refused_loudly() -> None:
    with pytest.raises(ValueError, match="longer than 100"):
        QuizKey("1", "d1.1-" + "x" * 80, "6b0970c0ffff", "A", BIGGEST_SNOWFLAKE).custom_id("a")


def huge_feedback(n: int = 8) -> Feedback:
    options = tuple(
        OptionFeedback(chr(65 + i), "option text " * 40, "why " * 600, i == 0, i == 1)
        for i in range(n)
    )
    return Feedback(
        question_id="d1.1-x",
        locale="fr",
        correct=False,
        counted=True,
        chosen=("B",),
        right=("A",),
        stem="stem " * 1500,
        options=options,
        references=tuple(f"https://docs.aws.amazon.com/{'p' * 200}/{i}" for i in range(6)),
        domain=1,
        domain_name="Ingestion",
        domain_attempts=3,
        domain_accuracy=1 / 3,
    )


def test_feedback_for_huge_content_stays_within_embed_limits() -> None:
    embed = feedback_embed(huge_feedback())

    assert len(embed) <= 6000
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) == 9
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert embed.title == "❌ Mauvaise réponse."
    view = feedback_view(huge_feedback(), 0, 1)
    assert [type(i).__name__ for i in view.children] == ["NextButton", "ReportButton", "Button"]


async def test_every_real_question_renders_within_limits(
    store: SqliteStore,
) -> None:
    real = real_content()
    service = StudyService(real, store)
    for question in real.questions.values():
        for locale in ("en", "fr"):
            card = service.card(question, locale, "6b0970c0ffff")
            embed = card_embed(card, "AB")
            assert len(embed) <= 6000 and len(embed.description or "") <= 4096, question.id
            view = quiz_view(card, 0, BIGGEST_SNOWFLAKE)
            assert len(view.children) == len(card.letters) + (card.choose > 1)
            assert all(len(getattr(i, "custom_id", "")) <= 100 for i in view.children)


def test_display_names_are_escaped() -> None:
    domains = tuple(DomainProgress(i, f"D{i}", 25, 0, 0) for i in range(1, 5))
    name = "__Eve__ <@123456789012345678> @here"
    report = ProgressReport("en", name, domains, None, 20, None)
    title = progress_embed(report).title or ""

    assert title == "Progress of \\_\\_Eve\\_\\_ <@\u200b123456789012345678> @\u200bhere"
