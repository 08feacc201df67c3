"""The terminal face in colour: the same views as the plain text, laid out with rich.

Used only when standard output is a terminal and NO_COLOR is not set (see `wants_colour`); a
pipe gets the plain text of adapters/shared/text.py, byte for byte as before. What each reply
says still comes from `bot.present`: only the layout differs (bold, colours for right and
wrong, coloured bars, lessons' Markdown rendered).
"""

from __future__ import annotations

import logging
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from adapters.console.shown import DailyCard, Reply, Said, Shown
from adapters.shared.text import say
from bot import present
from bot.i18n import COMMANDS, t
from bot.present import pass_fraction
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
)

__all__ = ["Pretty", "render"]

log = logging.getLogger(__name__)

TONES = {"error": "bold red", "done": "green", "": ""}
BAR_WIDTH = 20


class Pretty:
    """Prints replies on a terminal with rich."""

    def __init__(self, stdout: TextIO, width: int | None = None) -> None:
        # markup off: a question, a lesson or a member's name is never read as rich markup.
        self.console = Console(
            file=stdout, highlight=False, markup=False, emoji=False, width=width, soft_wrap=False
        )

    def show(self, reply: Reply) -> None:
        for item in reply.items:
            self.console.print(render(item))
        self.console.print()


def _colour(fraction: float) -> str:
    target = pass_fraction()
    if fraction >= target:
        return "green"
    return "yellow" if fraction >= target - 0.15 else "red"


def _bar(fraction: float, answered: bool = True) -> Text:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    bar = Text("█" * filled, style=_colour(fraction) if answered else "dim")
    bar.append("░" * (BAR_WIDTH - filled), style="bright_black")
    return bar


def _lines(locale: str, lines: tuple[present.Line, ...], style: str = "") -> list[Text]:
    return [Text(say(locale, x), style=style) for x in lines]


def render(item: Shown) -> RenderableType:
    """One item of a reply as a rich renderable."""
    if isinstance(item, Said):
        return Text(item.text, style=TONES.get(item.tone, ""))
    if isinstance(item, QuestionCard):
        return _card(item)
    if isinstance(item, DailyCard):
        title = say(item.card.locale, present.daily_title(item.card.locale, item.local_date))
        hint = Text(t(item.card.locale, "daily.console_hint"), style="dim")
        return Group(Text(title, style="bold magenta"), Text(), _card(item.card), hint)
    if isinstance(item, Feedback):
        return _feedback(item)
    if isinstance(item, ReviewWait):
        return Text(say(item.locale, present.review_wait(item)), style="cyan")
    if isinstance(item, ExamStep):
        return _exam_step(item)
    if isinstance(item, ExamConfirm):
        loc = item.locale
        return Group(
            Text(say(loc, present.exam_confirm_line(item)), style="bold yellow"),
            Text(t(loc, "exam.console_confirm"), style="dim"),
        )
    if isinstance(item, ExamResult):
        return _exam_result(item)
    if isinstance(item, ProgressReport):
        return _progress(item)
    if isinstance(item, Leaderboard):
        return _leaderboard(item)
    if isinstance(item, LessonList):
        return _lessons(item)
    if isinstance(item, LessonView):
        return _lesson(item)
    return _stats(item)


def _card(card: QuestionCard) -> RenderableType:
    loc = card.locale
    head = Text(say(loc, present.card_header(card)), style="bold cyan")
    options = Table.grid(padding=(0, 1))
    options.add_column(style="bold", no_wrap=True)
    options.add_column()
    for letter, text in card.options:
        options.add_row(f"  {letter})", Text(text))
    if card.choose > 1:
        example = ",".join(card.letters[: card.choose])
        prompt = t(loc, "quiz.prompt_multiple", n=card.choose, example=example)
    else:
        prompt = t(loc, "quiz.prompt_single", letters="/".join(card.letters))
    return Group(head, Text(), Text(card.stem, style="bold"), Text(), options, Text(),
                 Text(prompt, style="dim italic"))  # fmt: skip


def _feedback(fb: Feedback) -> RenderableType:
    loc = fb.locale
    parts = present.feedback_parts(fb)
    verdict = Text(say(loc, parts.verdict), style="bold green" if fb.correct else "bold red")
    rows: list[RenderableType] = [verdict]
    if parts.already is not None:
        rows.append(Text(say(loc, parts.already), style="yellow"))
    rows.extend(_lines(loc, parts.notes))
    rows.append(Text())
    for o in parts.options:
        mark = Text("✔ " if o.right else "✘ ", style="bold green" if o.right else "bold red")
        line = mark + Text(f"{o.letter}) ", style="bold") + Text(o.text)
        if o.chosen:
            line.stylize("underline", 2)
        rows.append(line)
        rows.append(Padding(Text(o.why, style="dim"), (0, 0, 0, 5)))
    rows.append(Text())
    rows.extend(_lines(loc, parts.references, "blue"))
    rows.append(Text(say(loc, parts.score)))
    if parts.due is not None:
        rows.append(Text(say(loc, parts.due), style="cyan"))
    rows.append(Text(t(loc, "answer.next_hint", cmd=COMMANDS), style="dim"))
    return Group(*rows)


def _exam_step(step: ExamStep) -> RenderableType:
    loc = step.card.locale
    parts = present.exam_step_parts(step)
    head = [Text(say(loc, parts.title), style="bold yellow"), *_lines(loc, parts.notes, "dim")]
    hint = Text(t(loc, "exam.console_hint"), style="dim")
    return Group(*head, Text(), _card(step.card), hint)


def _exam_result(result: ExamResult) -> RenderableType:
    loc = result.locale
    parts = present.exam_result_parts(result)
    rows: list[RenderableType] = [Text(say(loc, parts.title), style="bold"), Text()]
    summary = _lines(loc, parts.summary)
    summary[0].stylize("bold green" if result.passed else "bold red")
    rows.extend(summary)
    rows.append(Text())
    for line, d in zip(parts.domains, result.domains, strict=True):
        fraction = d.correct / d.total if d.total else 0.0
        rows.append(Text("  ") + _bar(fraction, d.total > 0) + Text(f"  {say(loc, line)}"))
    if parts.missed_title is not None:
        rows.extend([Text(), Text(say(loc, parts.missed_title), style="bold")])
        for qid, stem in parts.missed:
            rows.append(Text(f"  {qid}: ", style="cyan") + Text(stem))
    if parts.review_hint is not None:
        rows.extend([Text(), Text(say(loc, parts.review_hint), style="dim")])
    return Group(*rows)


def _progress(report: ProgressReport) -> RenderableType:
    loc = report.locale
    parts = present.progress_parts(report)
    rows: list[RenderableType] = [Text(say(loc, parts.title), style="bold"), Text()]
    for row, d in zip(parts.domains, report.domains, strict=True):
        rows.append(Text(say(loc, row.head), style="bold"))
        rows.append(
            Text("  ") + _bar(row.fraction, d.attempts > 0) + Text(f"  {say(loc, row.stats)}")
        )
    rows.append(Text())
    rows.extend(_lines(loc, parts.summary))
    if parts.exams:
        rows.extend([Text(), Text(say(loc, parts.exams[0]), style="bold")])
        rows.extend(Text(f"  {say(loc, x)}") for x in parts.exams[1:])
    return Group(*rows)


def _leaderboard(board: Leaderboard) -> RenderableType:
    loc = board.locale
    parts = present.leaderboard_parts(board)
    rows: list[RenderableType] = [Text(say(loc, parts.title), style="bold"), Text()]
    if parts.empty is not None:
        rows.append(Text(say(loc, parts.empty), style="dim"))
    for r in parts.rows:
        rows.append(Text(say(loc, r.line) + ("  ←" if r.is_caller else ""),
                         style="bold cyan" if r.is_caller else ""))  # fmt: skip
    rows.extend([Text(), Text(say(loc, parts.you), style="cyan")])
    return Group(*rows)


def _lessons(lessons: LessonList) -> RenderableType:
    loc = lessons.locale
    table = Table.grid(padding=(0, 2))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column()
    for x in lessons.lessons:
        table.add_row(f"  {x.id}", Text(x.title))
    return Group(Text(t(loc, "lesson.list_title"), style="bold"), Text(), table, Text(),
                 Text(t(loc, "lesson.list_hint", cmd=COMMANDS), style="dim"))  # fmt: skip


def _lesson(lesson: LessonView) -> RenderableType:
    loc = lesson.locale
    rows: list[RenderableType] = [
        Rule(Text(lesson.title, style="bold"), align="left", style="cyan"),
        Markdown(lesson.body.strip()),
        Text(),
        Text(t(loc, "lesson.references"), style="bold"),
        *(Text(f"  {url}", style="blue") for url in lesson.references),
    ]
    hint = present.lesson_hint(lesson)
    if hint is not None:
        rows.append(Text(say(loc, hint), style="dim"))
    return Group(*rows)


def _stats(week: CommunityWeek) -> RenderableType:
    loc = week.locale
    parts = present.stats_parts(week)
    rows: list[RenderableType] = [Text(say(loc, parts.title), style="bold"), Text()]
    rows.extend(_lines(loc, parts.summary))
    if parts.domains_title is not None:
        rows.extend([Text(), Text(say(loc, parts.domains_title), style="bold")])
        for row, d in zip(parts.domains, week.domains, strict=True):
            rows.append(Text(say(loc, row.head)))
            rows.append(
                Text("  ") + _bar(row.fraction, d.attempts > 0) + Text(f"  {say(loc, row.stats)}")
            )
    rows.append(Text())
    rows.extend(_lines(loc, parts.daily))
    rows.extend([Text(), Text(say(loc, parts.missed_title), style="bold")])
    for m in parts.missed:
        rows.append(Text(f"  {say(loc, m.line)}", style="yellow"))
        if m.stem:
            rows.append(Padding(Text(m.stem, style="dim"), (0, 0, 0, 4)))
    return Group(*rows)
