"""Plain-text rendering of the core's views: the terminal's face, and any text fallback.

What each reply says comes from `bot.present`; this module only lays the lines out as text.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import present
from bot.i18n import COMMANDS, t
from bot.present import Line
from bot.views import (
    Feedback,
    Leaderboard,
    LessonList,
    LessonView,
    ProgressReport,
    QuestionCard,
    bar,
)

__all__ = [
    "render_card",
    "render_daily_card",
    "render_feedback",
    "render_leaderboard",
    "render_lesson",
    "render_lessons",
    "render_progress",
    "say",
]


def say(locale: str, line: Line, cmd: Mapping[str, str] = COMMANDS) -> str:
    """A catalog line as plain text, member-typed values as they are."""
    return present.resolve(line, lambda key, params: t(locale, key, cmd=cmd, **params))


def render_card(card: QuestionCard) -> str:
    loc = card.locale
    lines = [
        say(loc, present.card_header(card)),
        "",
        card.stem,
        "",
        *(f"  {letter}) {text}" for letter, text in card.options),
        "",
    ]
    if card.choose > 1:
        example = ",".join(card.letters[: card.choose])
        lines.append(t(loc, "quiz.prompt_multiple", n=card.choose, example=example))
    else:
        lines.append(t(loc, "quiz.prompt_single", letters="/".join(card.letters)))
    return "\n".join(lines)


def render_daily_card(card: QuestionCard, local_date: str) -> str:
    loc = card.locale
    title = say(loc, present.daily_title(loc, local_date))
    return f"{title}\n\n{render_card(card)}\n{t(loc, 'daily.console_hint')}"


def render_feedback(fb: Feedback) -> str:
    loc = fb.locale
    parts = present.feedback_parts(fb)
    notes = (parts.already, *parts.notes) if parts.already else parts.notes
    lines = [say(loc, parts.verdict), *(say(loc, x) for x in notes), ""]
    for o in parts.options:
        mark = "✔" if o.right else "✘"
        lines.append(f"{mark} {o.letter}) {o.text}\n     {o.why}")
    lines.append("")
    lines.extend(say(loc, x) for x in parts.references)
    lines.append(say(loc, parts.score))
    lines.append(t(loc, "answer.next_hint", cmd=COMMANDS))
    return "\n".join(lines)


def render_progress(report: ProgressReport) -> str:
    loc = report.locale
    parts = present.progress_parts(report)
    lines = [say(loc, parts.title), ""]
    for row in parts.domains:
        lines.append(f"{say(loc, row.head)}\n  {bar(row.fraction)}  {say(loc, row.stats)}")
    lines.append("")
    lines.extend(say(loc, x) for x in parts.summary)
    return "\n".join(lines)


def render_leaderboard(board: Leaderboard) -> str:
    loc = board.locale
    parts = present.leaderboard_parts(board)
    lines = [say(loc, parts.title), ""]
    if parts.empty is not None:
        lines.append(say(loc, parts.empty))
    lines.extend(f"{say(loc, r.line)}{'  ←' if r.is_caller else ''}" for r in parts.rows)
    lines.extend(["", say(loc, parts.you)])
    return "\n".join(lines)


def render_lessons(lessons: LessonList) -> str:
    loc = lessons.locale
    lines = [t(loc, "lesson.list_title"), ""]
    lines.extend(f"  {x.id:<22} {x.title}" for x in lessons.lessons)
    lines.extend(["", t(loc, "lesson.list_hint", cmd=COMMANDS)])
    return "\n".join(lines)


def render_lesson(lesson: LessonView) -> str:
    loc = lesson.locale
    lines = [lesson.title, "=" * len(lesson.title), "", lesson.body.strip(), ""]
    lines.append(t(loc, "lesson.references"))
    lines.extend(f"  {url}" for url in lesson.references)
    hint = present.lesson_hint(lesson)
    if hint is not None:
        lines.append(say(loc, hint))
    return "\n".join(lines)
