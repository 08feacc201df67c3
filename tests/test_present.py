"""What a reply says, decided once in bot.present, and how each face shows the same lines."""

from __future__ import annotations

from adapters.discord.render import say as discord_say
from adapters.shared.text import say as text_say
from adapters.slack.render import say as slack_say
from bot.present import (
    Line,
    Name,
    feedback_parts,
    leaderboard_parts,
    lesson_hint,
    progress_parts,
    reveal_parts,
)
from bot.service import estimate_score, weakest_domain
from bot.views import (
    DailyReveal,
    DomainProgress,
    Feedback,
    Leaderboard,
    LeaderRow,
    LessonView,
    OptionFeedback,
    ProgressReport,
    ReadinessView,
)

WEIGHTS = (34, 26, 22, 18)


def domains(*scores: tuple[int, int]) -> tuple[DomainProgress, ...]:
    return tuple(
        DomainProgress(i + 1, f"D{i + 1}", WEIGHTS[i], attempts, correct)
        for i, (attempts, correct) in enumerate(scores)
    )


def report(rows: tuple[DomainProgress, ...], streak: int = 0, locale: str = "en") -> ProgressReport:
    estimate, needed = estimate_score(rows)
    readiness = None if needed else ReadinessView(742, 0.58)
    return ProgressReport(
        locale, "Ana", rows, estimate, needed, weakest_domain(rows), streak, readiness=readiness
    )


def keys(lines: tuple[Line, ...]) -> list[str]:
    return [line.key for line in lines]


def test_the_estimate_comes_at_twenty_answers_with_three_in_every_domain() -> None:
    nineteen = domains((7, 5), (4, 3), (4, 2), (4, 4))
    assert estimate_score(nineteen) == (None, 1)
    parts = progress_parts(report(nineteen))
    assert keys(parts.summary)[:2] == ["progress.total", "progress.too_few"]
    assert text_say("en", parts.summary[1]).startswith("Estimated score: answer 1 more question ")
    twenty = domains((8, 6), (4, 3), (4, 2), (4, 4))
    assert estimate_score(twenty)[0] is not None
    ready = progress_parts(report(twenty)).summary[1]
    assert ready.key == "progress.readiness"
    assert text_say("en", ready).startswith(
        "Expected exam score: 742 / 1000 (pass mark 720); chance of passing today: 58%."
    )
    short = domains((17, 17), (1, 1), (1, 1), (1, 1))  # 20 answers, but 2 short in three domains
    assert estimate_score(short) == (None, 6)


def test_no_weakest_domain_until_two_domains_can_be_compared() -> None:
    assert weakest_domain(domains((1, 1), (0, 0), (0, 0), (0, 0))) is None  # one right answer
    assert weakest_domain(domains((5, 5), (2, 0), (0, 0), (0, 0))) is None  # two answers only
    assert weakest_domain(domains((3, 3), (3, 3), (0, 0), (0, 0))) is None  # a tie: none weaker
    found = weakest_domain(domains((3, 3), (3, 1), (3, 2), (0, 0)))
    assert found is not None and found.id == 2
    summary = progress_parts(report(domains((3, 3), (3, 1), (0, 0), (0, 0)), streak=2)).summary
    assert keys(summary) == [
        "progress.total",
        "progress.too_few",
        "progress.weakest",
        "progress.streak",
    ]
    assert "progress.weakest" not in keys(
        progress_parts(report(domains((1, 1), (0, 0), (0, 0), (0, 0)))).summary
    )


def test_streak_and_answers_take_their_plural_forms() -> None:
    summary = progress_parts(report(domains((1, 1), (0, 0), (0, 0), (0, 0)), streak=1)).summary
    assert text_say("en", summary[-1]) == "Daily streak: 1 day."
    assert text_say("fr", summary[-1]) == "Série quotidienne\u202f: 1 jour."
    scores = domains((1, 1), (2, 1), (0, 0), (0, 0))
    rows = progress_parts(report(scores)).domains
    assert text_say("en", rows[0].stats) == "1 answer · 100% right"
    assert text_say("en", rows[2].stats) == "no answers yet"
    french = progress_parts(report(scores, locale="fr")).domains
    assert text_say("fr", french[1].stats) == "2 réponses · 50\u202f% de bonnes"


def board(rows: tuple[LeaderRow, ...], caller: LeaderRow | None, locale: str = "en") -> Leaderboard:
    return Leaderboard(locale, "week", 2, "Data Store Management", rows, caller)


def test_leaderboard_rows_the_callers_own_row_and_the_empty_board() -> None:
    zed = LeaderRow(1, "*Zed* @everyone", 1, 1)
    ana = LeaderRow(2, "Ana", 0, 1, is_caller=True)
    parts = leaderboard_parts(board((zed, ana), ana, "fr"))
    assert [r.is_caller for r in parts.rows] == [False, True] and parts.empty is None
    assert text_say("fr", parts.rows[0].line) == "1. *Zed* @everyone — 1 bonne réponse sur 1"
    assert text_say("fr", parts.you) == "Vous\u202f: rang 2 — 0 bonne réponse sur 1"
    assert text_say("fr", parts.title) == "Classement — D2 Data Store Management, cette semaine"
    empty = leaderboard_parts(board((), None))
    assert empty.rows == () and empty.empty is not None
    assert text_say("en", empty.you) == "You have no answers here yet: try /quiz."


def test_each_face_escapes_what_a_member_typed_and_nothing_twice() -> None:
    line = Line(
        "leaderboard.row",
        {"rank": 1, "name": Name("*Zed* <@1> & @everyone"), "count": 2, "attempts": 3},
    )
    assert text_say("en", line) == "1. *Zed* <@1> & @everyone — 2 right / 3"
    assert discord_say("en", line) == "1. \\*Zed\\* <@1> & @\u200beveryone — 2 right / 3"
    assert slack_say("en", line) == "1. *Zed* &lt;@1&gt; &amp; @everyone — 2 right / 3"
    # A nested line (the title's scope and period) is said once, not escaped again.
    title = leaderboard_parts(board((), None)).title
    assert slack_say("en", title) == "Leaderboard — D2 Data Store Management, this week"


def test_commands_in_hints_are_named_as_each_face_shows_them() -> None:
    hint = lesson_hint(LessonView("task-2.3", "fr", "Cycle de vie", "…", "2.3", 2, ()))
    assert hint is not None
    assert text_say("fr", hint) == "Entraînez-vous sur cette tâche\u202f: /quiz 2.3"
    assert discord_say("fr", Line("lesson.list_hint")) == "Ouvrez-en une avec /leçon <id ou mots>."
    assert lesson_hint(LessonView("intro-exam", "en", "The exam", "…", None, None, ())) is None


def feedback(counted: bool) -> Feedback:
    options = (
        OptionFeedback("A", "Right", "Why A.", True, True),
        OptionFeedback("B", "Wrong", "Why B.", False, False),
    )
    return Feedback(
        "q", "en", True, counted, ("A",), ("A",), "Stem", options, ("https://x",), 1, "D1", 1, 1.0
    )


def test_a_repeat_says_so_and_its_short_form_gives_the_right_answer() -> None:
    first, again = feedback_parts(feedback(True)), feedback_parts(feedback(False))
    assert first.already is None and again.already is not None
    assert keys(first.notes) == ["answer.your_choice", "answer.right_options"]
    assert [text_say("en", x) for x in again.short] == [
        "You already answered this question; it counted once.",
        "Right answer: A",
    ]
    assert text_say("en", first.score) == "Domain 1: 100% right over 1 answer."


def test_a_reveal_with_no_answers_divides_nothing_and_says_so() -> None:
    options = (
        OptionFeedback("A", "a", "why", True, False),
        OptionFeedback("B", "b", "why", False, False),
    )
    reveal = DailyReveal(
        1, "fr", "2026-03-01", "Stem", ("A",), options, (("A", 0), ("B", 0)), 0, ()
    )
    parts = reveal_parts(reveal)
    assert [r.fraction for r in parts.rows] == [0.0, 0.0]
    assert text_say("fr", parts.total) == "Aucun membre n'a répondu."
    assert text_say("fr", parts.title) == "Réponse à la question du 1er mars 2026"
    assert text_say("fr", parts.rows[0].count) == "A\u202f: 0 (0\u202f%)"
