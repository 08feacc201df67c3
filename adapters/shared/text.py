"""Plain-text rendering of the core's views: the terminal's face, and any text fallback.

What each reply says comes from `bot.present`; this module only lays the lines out as text.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import present
from bot.i18n import COMMANDS, t
from bot.present import Line
from bot.views import (
    CommunityWeek,
    ExamConfirm,
    ExamResult,
    ExamStep,
    Feedback,
    Leaderboard,
    LessonList,
    LessonView,
    ProgressReport,
    QuestionCard,
    ReviewWait,
    bar,
)

__all__ = [
    "clip",
    "render_card",
    "render_daily_card",
    "render_exam",
    "render_feedback",
    "render_leaderboard",
    "render_lesson",
    "render_lessons",
    "render_progress",
    "render_review_wait",
    "render_stats",
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
    if parts.due is not None:
        lines.append(say(loc, parts.due))
    lines.append(t(loc, "answer.next_hint", cmd=COMMANDS))
    return "\n".join(lines)


def render_review_wait(view: ReviewWait) -> str:
    return say(view.locale, present.review_wait(view))


def render_exam(view: ExamStep | ExamConfirm | ExamResult) -> str:
    """An exam's step, its "finish?" question, or its result."""
    if isinstance(view, ExamStep):
        return _exam_step(view)
    if isinstance(view, ExamConfirm):
        loc = view.locale
        return f"{say(loc, present.exam_confirm_line(view))}\n{t(loc, 'exam.console_confirm')}"
    return _exam_result(view)


def _exam_step(step: ExamStep) -> str:
    loc = step.card.locale
    parts = present.exam_step_parts(step)
    head = [say(loc, parts.title), *(say(loc, x) for x in parts.notes)]
    return "\n".join([*head, "", render_card(step.card), t(loc, "exam.console_hint")])


def _exam_result(result: ExamResult) -> str:
    loc = result.locale
    parts = present.exam_result_parts(result)
    lines = [say(loc, parts.title), "", *(say(loc, x) for x in parts.summary), ""]
    lines.extend(f"  {say(loc, x)}" for x in parts.domains)
    if parts.missed_title is not None:
        lines.extend(["", say(loc, parts.missed_title)])
        lines.extend(f"  {qid}: {stem}" for qid, stem in parts.missed)
    if parts.review_hint is not None:
        lines.extend(["", say(loc, parts.review_hint)])
    return "\n".join(lines)


def render_progress(report: ProgressReport) -> str:
    loc = report.locale
    parts = present.progress_parts(report)
    lines = [say(loc, parts.title), ""]
    for row in parts.domains:
        lines.append(f"{say(loc, row.head)}\n  {bar(row.fraction)}  {say(loc, row.stats)}")
    lines.append("")
    lines.extend(say(loc, x) for x in parts.summary)
    if parts.exams:
        lines.extend(["", say(loc, parts.exams[0]), *(f"  {say(loc, x)}" for x in parts.exams[1:])])
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


def render_stats(week: CommunityWeek) -> str:
    """A community's week for its organisers: no member is named, only totals and question ids."""
    loc = week.locale
    parts = present.stats_parts(week)
    lines = [say(loc, parts.title), "", *(say(loc, x) for x in parts.summary)]
    if parts.domains_title is not None:
        lines.extend(["", say(loc, parts.domains_title)])
        for row in parts.domains:
            lines.append(f"{say(loc, row.head)}\n  {bar(row.fraction)}  {say(loc, row.stats)}")
    lines.extend(["", *(say(loc, x) for x in parts.daily), "", say(loc, parts.missed_title)])
    for m in parts.missed:
        lines.append(f"  {say(loc, m.line)}")
        if m.stem:
            lines.append(f"    {clip(m.stem, 110)}")
    return "\n".join(lines)


def clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters, an ellipsis where it was cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
