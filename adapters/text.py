"""Plain-text rendering of the core's views, shared by the terminal and chat fallbacks."""

from __future__ import annotations

from bot.i18n import pct, t
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
    "leaderboard_title",
    "render_card",
    "render_feedback",
    "render_leaderboard",
    "render_lesson",
    "render_lessons",
    "render_progress",
]


def render_card(card: QuestionCard) -> str:
    loc = card.locale
    lines = [
        t(loc, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task),
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


def render_feedback(fb: Feedback) -> str:
    loc = fb.locale
    lines = [t(loc, "answer.right" if fb.correct else "answer.wrong")]
    if not fb.counted:
        lines.append(t(loc, "answer.already"))
    lines.append(t(loc, "answer.your_choice", letters=", ".join(fb.chosen)))
    lines.append(t(loc, "answer.right_options", letters=", ".join(fb.right)))
    lines.append("")
    for o in fb.options:
        mark = "✔" if o.right else "✘"
        lines.append(f"{mark} {o.letter}) {o.text}\n     {o.why}")
    lines.append("")
    lines.extend(t(loc, "answer.learn_more", url=url) for url in fb.references)
    lines.append(
        t(
            loc,
            "answer.domain_score",
            domain=fb.domain,
            accuracy=pct(loc, fb.domain_accuracy),
            count=fb.domain_attempts,
        )
    )
    lines.append(t(loc, "answer.next_hint"))
    return "\n".join(lines)


def render_progress(report: ProgressReport) -> str:
    loc = report.locale
    lines = [t(loc, "progress.title", name=report.display_name), ""]
    for d in report.domains:
        stats = (
            t(loc, "progress.domain_stats", count=d.attempts, accuracy=pct(loc, d.accuracy))
            if d.attempts
            else t(loc, "progress.no_answers")
        )
        head = t(loc, "progress.domain_line", id=d.id, name=d.name, weight=d.weight)
        lines.append(f"{head}\n  {bar(d.accuracy)}  {stats}")
    lines.append("")
    lines.append(t(loc, "progress.total", correct=report.correct, attempts=report.attempts))
    if report.estimate is None:
        lines.append(
            t(loc, "progress.too_few", n=report.answers_needed, pass_mark=report.pass_mark)
        )
    else:
        lines.append(
            t(loc, "progress.estimate", estimate=report.estimate, pass_mark=report.pass_mark)
        )
    if report.weakest is not None:
        lines.append(t(loc, "progress.weakest", id=report.weakest.id, name=report.weakest.name))
    if report.streak:
        lines.append(t(loc, "progress.streak", n=report.streak))
    return "\n".join(lines)


def leaderboard_title(board: Leaderboard) -> str:
    loc = board.locale
    scope = (
        f"D{board.domain} {board.domain_name}"
        if board.domain
        else t(loc, "leaderboard.all_domains")
    )
    return t(
        loc, "leaderboard.title", scope=scope, period=t(loc, f"leaderboard.period_{board.period}")
    )


def render_leaderboard(board: Leaderboard) -> str:
    loc = board.locale
    lines = [leaderboard_title(board), ""]
    if not board.rows:
        lines.append(t(loc, "leaderboard.empty"))
    for r in board.rows:
        row = t(
            loc, "leaderboard.row", rank=r.rank, name=r.name, correct=r.correct, attempts=r.attempts
        )
        lines.append(f"{row}{'  ←' if r.is_caller else ''}")
    lines.append("")
    me = board.caller
    lines.append(
        t(loc, "leaderboard.you", rank=me.rank, correct=me.correct, attempts=me.attempts)
        if me
        else t(loc, "leaderboard.you_none")
    )
    return "\n".join(lines)


def render_lessons(lessons: LessonList) -> str:
    loc = lessons.locale
    lines = [t(loc, "lesson.list_title"), ""]
    lines.extend(f"  {x.id:<22} {x.title}" for x in lessons.lessons)
    lines.extend(["", t(loc, "lesson.list_hint")])
    return "\n".join(lines)


def render_lesson(lesson: LessonView) -> str:
    loc = lesson.locale
    lines = [lesson.title, "=" * len(lesson.title), "", lesson.body.strip(), ""]
    lines.append(t(loc, "lesson.references"))
    lines.extend(f"  {url}" for url in lesson.references)
    if lesson.domain is not None:
        lines.append(t(loc, "lesson.quiz_hint", domain=lesson.domain))
    return "\n".join(lines)
