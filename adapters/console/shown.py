"""What a terminal command shows: the core's views (or a line of text), and their plain text.

The session returns these values; the face prints them as plain text (a pipe, NO_COLOR) or with
colours (adapters/console/pretty.py, on a terminal). Both read the same views.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.shared.text import (
    render_card,
    render_daily_card,
    render_exam,
    render_feedback,
    render_leaderboard,
    render_lesson,
    render_lessons,
    render_progress,
    render_review_wait,
    render_stats,
)
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

__all__ = ["DailyCard", "Reply", "Said", "Shown", "plain"]


@dataclass(frozen=True, slots=True)
class DailyCard:
    """The question of the day, with the date it is for."""

    card: QuestionCard
    local_date: str


@dataclass(frozen=True, slots=True)
class Said:
    """A line of catalog text; `tone` tells the coloured face how to show it."""

    text: str
    tone: str = ""  # "" | "error" | "done" (a file written, a setting changed)


Shown = (
    Said | QuestionCard | DailyCard | Feedback | ReviewWait | ExamStep | ExamConfirm | ExamResult
    | ProgressReport | Leaderboard | LessonList | LessonView | CommunityWeek
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything one input line shows, in order."""

    items: tuple[Shown, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(plain(item) for item in self.items)


def plain(item: Shown) -> str:
    """An item as plain text: what a pipe gets, with no escape code."""
    if isinstance(item, Said):
        return item.text
    if isinstance(item, QuestionCard):
        return render_card(item)
    if isinstance(item, DailyCard):
        return render_daily_card(item.card, item.local_date)
    if isinstance(item, Feedback):
        return render_feedback(item)
    if isinstance(item, ReviewWait):
        return render_review_wait(item)
    if isinstance(item, ExamStep | ExamConfirm | ExamResult):
        return render_exam(item)
    if isinstance(item, ProgressReport):
        return render_progress(item)
    if isinstance(item, Leaderboard):
        return render_leaderboard(item)
    if isinstance(item, LessonList):
        return render_lessons(item)
    if isinstance(item, LessonView):
        return render_lesson(item)
    return render_stats(item)
