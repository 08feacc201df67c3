"""What each reply says, decided once: the core's views in, catalog lines out.

The terminal, Discord and Slack renderers only lay these parts out (text, embeds, Block Kit):
which lines a reply has, in which order, and when a line is shown are decided here, and tested
here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.i18n import format_date, pct
from bot.views import (
    DailyReveal,
    Feedback,
    Leaderboard,
    LessonView,
    OptionFeedback,
    ProgressReport,
    QuestionCard,
)

__all__ = [
    "BoardRow",
    "DomainRow",
    "FeedbackParts",
    "LeaderboardParts",
    "Line",
    "Name",
    "ProgressParts",
    "RevealParts",
    "RevealRow",
    "Said",
    "card_header",
    "daily_title",
    "feedback_parts",
    "leaderboard_parts",
    "lesson_hint",
    "progress_parts",
    "resolve",
    "reveal_parts",
]


class Name(str):
    """A value a member typed (a display name): every face shows it exactly as typed."""

    __slots__ = ()


class Said(str):
    """A nested line already said by the face: inserted as it is, never escaped again."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Line:
    """One catalog text: its key and the values that fill it (values may be Lines themselves)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def resolve(line: Line, say: Callable[[str, Mapping[str, object]], str]) -> str:
    """`say(key, params)` with every nested Line in `params` said first (innermost first)."""
    params = {
        k: (Said(resolve(v, say)) if isinstance(v, Line) else v) for k, v in line.params.items()
    }
    return say(line.key, params)


def card_header(card: QuestionCard) -> Line:
    return Line(
        "quiz.header",
        {"domain": card.domain, "domain_name": card.domain_name, "task": card.task},
    )


# -- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedbackParts:
    """An answer's feedback: the verdict, notes under it, every option explained, then the rest.

    `already` tells a repeat (the first answer counted, this one did not); `short` is what a face
    shows when it only acknowledges a repeat.
    """

    verdict: Line
    already: Line | None
    notes: tuple[Line, ...]
    options: tuple[OptionFeedback, ...]
    references: tuple[Line, ...]
    score: Line
    short: tuple[Line, ...]


def feedback_parts(fb: Feedback) -> FeedbackParts:
    already = Line("answer.already")
    right = Line("answer.right_options", {"letters": ", ".join(fb.right)})
    notes = (Line("answer.your_choice", {"letters": ", ".join(fb.chosen)}), right)
    score = Line(
        "answer.domain_score",
        {
            "domain": fb.domain,
            "accuracy": pct(fb.locale, fb.domain_accuracy),
            "count": fb.domain_attempts,
        },
    )
    return FeedbackParts(
        verdict=Line("answer.right" if fb.correct else "answer.wrong"),
        already=None if fb.counted else already,
        notes=notes,
        options=fb.options,
        references=tuple(Line("answer.learn_more", {"url": url}) for url in fb.references),
        score=score,
        short=(already, right),
    )


# -- progress -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DomainRow:
    head: Line
    fraction: float  # for the bar
    stats: Line


@dataclass(frozen=True, slots=True)
class ProgressParts:
    title: Line
    domains: tuple[DomainRow, ...]
    summary: tuple[Line, ...]  # overall, the estimate or what it still needs, weakest, streak


def progress_parts(report: ProgressReport) -> ProgressParts:
    loc = report.locale
    rows = tuple(
        DomainRow(
            Line("progress.domain_line", {"id": d.id, "name": d.name, "weight": d.weight}),
            d.accuracy,
            Line("progress.domain_stats", {"count": d.attempts, "accuracy": pct(loc, d.accuracy)})
            if d.attempts
            else Line("progress.no_answers"),
        )
        for d in report.domains
    )
    summary = [Line("progress.total", {"correct": report.correct, "attempts": report.attempts})]
    if report.estimate is None:
        summary.append(
            Line(
                "progress.too_few",
                {"count": report.answers_needed, "pass_mark": report.pass_mark},
            )
        )
    else:
        summary.append(
            Line("progress.estimate", {"estimate": report.estimate, "pass_mark": report.pass_mark})
        )
    if report.weakest is not None:
        summary.append(
            Line("progress.weakest", {"id": report.weakest.id, "name": report.weakest.name})
        )
    if report.streak:
        summary.append(Line("progress.streak", {"count": report.streak}))
    return ProgressParts(
        title=Line("progress.title", {"name": Name(report.display_name)}),
        domains=rows,
        summary=tuple(summary),
    )


# -- leaderboard --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardRow:
    line: Line
    is_caller: bool


@dataclass(frozen=True, slots=True)
class LeaderboardParts:
    title: Line
    rows: tuple[BoardRow, ...]
    empty: Line | None  # shown instead of rows when nobody has answered
    you: Line  # the caller's own rank, even outside the top rows


def leaderboard_parts(board: Leaderboard) -> LeaderboardParts:
    scope = (
        Line("leaderboard.scope_domain", {"id": board.domain, "name": board.domain_name})
        if board.domain
        else Line("leaderboard.all_domains")
    )
    title = Line(
        "leaderboard.title", {"scope": scope, "period": Line(f"leaderboard.period_{board.period}")}
    )
    rows = tuple(
        BoardRow(
            Line(
                "leaderboard.row",
                {"rank": r.rank, "name": Name(r.name), "count": r.correct, "attempts": r.attempts},
            ),
            r.is_caller,
        )
        for r in board.rows
    )
    me = board.caller
    you = (
        Line("leaderboard.you", {"rank": me.rank, "count": me.correct, "attempts": me.attempts})
        if me
        else Line("leaderboard.you_none")
    )
    return LeaderboardParts(title, rows, None if rows else Line("leaderboard.empty"), you)


# -- lessons and the daily question -------------------------------------------------------------


def lesson_hint(lesson: LessonView) -> Line | None:
    """How to practise what a task lesson teaches; None for a lesson with no task."""
    if lesson.task is None:
        return None
    return Line("lesson.quiz_hint", {"task": lesson.task})


@dataclass(frozen=True, slots=True)
class RevealRow:
    option: OptionFeedback
    fraction: float  # of the members who answered, for the bar
    count: Line


@dataclass(frozen=True, slots=True)
class RevealParts:
    title: Line
    right: Line
    total: Line
    rows: tuple[RevealRow, ...]
    references: tuple[Line, ...]


def daily_title(locale: str, local_date: str) -> Line:
    return Line("daily.title", {"date": format_date(locale, local_date)})


def reveal_parts(reveal: DailyReveal) -> RevealParts:
    loc = reveal.locale
    counts = dict(reveal.counts)
    rows = []
    for o in reveal.options:
        n = counts.get(o.letter, 0)
        fraction = n / reveal.answers if reveal.answers else 0.0
        line = Line(
            "daily.reveal_count", {"letter": o.letter, "count": n, "share": pct(loc, fraction)}
        )
        rows.append(RevealRow(o, fraction, line))
    return RevealParts(
        title=Line("daily.reveal_title", {"date": format_date(loc, reveal.local_date)}),
        right=Line("answer.right_options", {"letters": ", ".join(reveal.right)}),
        total=Line("daily.reveal_total", {"count": reveal.answers}),
        rows=tuple(rows),
        references=tuple(Line("answer.learn_more", {"url": url}) for url in reveal.references),
    )
