"""Platform-neutral results that the service returns and each adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "PASS_MARK",
    "REPORT_REASONS",
    "CommunityWeek",
    "DailyChannel",
    "DailyPost",
    "DailyReveal",
    "DomainProgress",
    "ExamConfirm",
    "ExamDomain",
    "ExamResult",
    "ExamStep",
    "ExamSummary",
    "Feedback",
    "LeaderRow",
    "Leaderboard",
    "LessonList",
    "LessonSummary",
    "LessonView",
    "MissedQuestion",
    "OptionFeedback",
    "ProgressReport",
    "QuestionCard",
    "ReadinessView",
    "ReviewWait",
    "Scope",
    "UserRef",
    "WeekActivity",
    "bar",
]

PASS_MARK = 720
REPORT_REASONS = ("wrong_answer", "unclear", "outdated", "typo", "other")


@dataclass(frozen=True, slots=True)
class UserRef:
    """Who is acting: users are keyed by (platform, community, user)."""

    platform: str
    community: str
    user: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a learner asked to practise: everything, one exam domain, or one task statement."""

    domain: int | None = None
    task: str | None = None

    def encode(self) -> str:
        """`""`, `"2"` or `"2.3"`: what a button carries to ask for the same scope again."""
        return self.task or (str(self.domain) if self.domain else "")


@dataclass(frozen=True, slots=True)
class QuestionCard:
    question_id: str
    token: str
    locale: str
    domain: int
    domain_name: str
    task: str
    task_name: str
    difficulty: str
    stem: str
    options: tuple[tuple[str, str], ...]
    choose: int
    kind: str = "quiz"  # quiz | review | daily | exam

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)


@dataclass(frozen=True, slots=True)
class OptionFeedback:
    letter: str
    text: str
    why: str
    right: bool
    chosen: bool


@dataclass(frozen=True, slots=True)
class Feedback:
    question_id: str
    locale: str
    correct: bool
    counted: bool
    chosen: tuple[str, ...]
    right: tuple[str, ...]
    stem: str
    options: tuple[OptionFeedback, ...]
    references: tuple[str, ...]
    domain: int
    domain_name: str
    domain_attempts: int
    domain_accuracy: float
    reviews_due: int = 0


@dataclass(frozen=True, slots=True)
class DomainProgress:
    id: int
    name: str
    weight: int
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True, slots=True)
class ReadinessView:
    """The expected exam score and the chance of passing today (an estimate)."""

    expected_score: int
    pass_chance: float


@dataclass(frozen=True, slots=True)
class ExamSummary:
    finished_at: datetime
    correct: int
    total: int
    score: int
    passed: bool


@dataclass(frozen=True, slots=True)
class WeekActivity:
    """One ISO week of a learner's answers (all domains, every source)."""

    week: str  # e.g. 2026-W48
    start: date  # its Monday
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True, slots=True)
class ProgressReport:
    locale: str
    display_name: str
    domains: tuple[DomainProgress, ...]
    estimate: int | None  # None until there is enough evidence (see answers_needed)
    answers_needed: int
    weakest: DomainProgress | None
    streak: int = 0
    pass_mark: int = PASS_MARK
    readiness: ReadinessView | None = None
    reviews_due: int = 0
    exams: tuple[ExamSummary, ...] = field(default_factory=tuple)
    weeks: tuple[WeekActivity, ...] = field(default_factory=tuple)  # oldest first, this week last

    @property
    def attempts(self) -> int:
        return sum(d.attempts for d in self.domains)

    @property
    def correct(self) -> int:
        return sum(d.correct for d in self.domains)


@dataclass(frozen=True, slots=True)
class LeaderRow:
    rank: int
    name: str
    correct: int
    attempts: int
    is_caller: bool = False


@dataclass(frozen=True, slots=True)
class Leaderboard:
    locale: str
    period: str
    domain: int | None
    domain_name: str
    rows: tuple[LeaderRow, ...]
    caller: LeaderRow | None


@dataclass(frozen=True, slots=True)
class LessonSummary:
    id: str
    title: str
    task: str | None


@dataclass(frozen=True, slots=True)
class LessonList:
    locale: str
    lessons: tuple[LessonSummary, ...]


@dataclass(frozen=True, slots=True)
class LessonView:
    id: str
    locale: str
    title: str
    body: str
    task: str | None
    domain: int | None
    references: tuple[str, ...]


def bar(fraction: float, width: int = 10) -> str:
    """A text bar such as `██████░░░░` for a fraction in [0, 1]."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


@dataclass(frozen=True, slots=True)
class DailyChannel:
    """A channel that gets the daily question at its own local time."""

    id: int
    platform: str
    community: str
    channel: str
    post_time: str
    timezone: str
    locale: str
    enabled: bool
    reveal_after_minutes: int | None
    failures: int


@dataclass(frozen=True, slots=True)
class DailyPost:
    """One channel's question for one local date; unique per (channel, date)."""

    id: int
    channel_id: int
    local_date: str
    question_id: str
    status: str
    message_ref: str | None
    posted_at: str | None
    revealed_at: str | None

    @property
    def token(self) -> str:
        return f"p{self.id}"


@dataclass(frozen=True, slots=True)
class DailyReveal:
    """The answer to a daily question and how many members picked each option."""

    post_id: int
    locale: str
    local_date: str
    stem: str
    right: tuple[str, ...]
    options: tuple[OptionFeedback, ...]
    counts: tuple[tuple[str, int], ...]
    answers: int
    references: tuple[str, ...]
    message_ref: str | None = None  # the question's message, to reply under it


@dataclass(frozen=True, slots=True)
class ReviewWait:
    """No review is due: when the next one is (None: no card yet)."""

    locale: str
    next_due: datetime | None
    now: datetime


@dataclass(frozen=True, slots=True)
class ExamStep:
    """One exam question, with where the learner is and the time left; no right or wrong."""

    exam_id: int
    card: QuestionCard
    number: int  # 1-based: answered + 1
    total: int
    answered: int
    seconds_left: int
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class ExamConfirm:
    """ "Finish?" before an exam ends early: how many questions are still unanswered."""

    exam_id: int
    locale: str
    unanswered: int
    seconds_left: int


@dataclass(frozen=True, slots=True)
class ExamDomain:
    id: int
    name: str
    correct: int
    total: int


@dataclass(frozen=True, slots=True)
class ExamResult:
    exam_id: int
    locale: str
    total: int
    correct: int
    score: int  # 100-1000, an estimate: AWS does not publish its scaling
    passed: bool
    domains: tuple[ExamDomain, ...]
    seconds_used: int
    missed: tuple[tuple[str, str], ...]  # (question id, stem) of each wrong or unanswered one
    expired: bool  # the time ran out
    pass_mark: int = PASS_MARK


@dataclass(frozen=True, slots=True)
class MissedQuestion:
    """A question a community got wrong in a week: its id (to report or discuss it) and stem."""

    question_id: str
    stem: str  # "" for a question no longer in the bank
    attempts: int
    correct: int

    @property
    def wrong(self) -> int:
        return self.attempts - self.correct


@dataclass(frozen=True, slots=True)
class CommunityWeek:
    """A community's ISO week for its organisers, from the aggregates (no member named)."""

    locale: str
    week: str  # e.g. 2026-W48
    start: date  # its Monday
    learners: int  # members with at least one answer that week
    attempts: int
    correct: int
    domains: tuple[DomainProgress, ...]  # the group's answers per domain
    daily_posts: int
    daily_answers: int
    daily_members: int  # members who answered at least one daily question that week
    missed: tuple[MissedQuestion, ...]  # the most missed first

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0
