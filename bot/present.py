"""What each reply says, decided once: the core's views in, catalog lines out.

The terminal, Discord and Slack renderers only lay these parts out (text, embeds, Block Kit):
which lines a reply has, in which order, and when a line is shown are decided here, and tested
here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import format_date, format_duration, format_short_date, pct
from bot.reports import ReportSummary
from bot.views import (
    PASS_MARK,
    CommunityWeek,
    DailyReveal,
    DomainProgress,
    ExamConfirm,
    ExamResult,
    ExamStep,
    Feedback,
    Leaderboard,
    LessonView,
    OptionFeedback,
    ProgressReport,
    QuestionCard,
    ReviewWait,
)

__all__ = [
    "BoardRow",
    "DomainRow",
    "ExamResultParts",
    "ExamStepParts",
    "FeedbackParts",
    "LeaderboardParts",
    "Line",
    "MissedRow",
    "Name",
    "PictureDomain",
    "PictureParts",
    "PictureWeek",
    "ProgressParts",
    "RevealParts",
    "RevealRow",
    "Said",
    "StatsParts",
    "card_header",
    "daily_title",
    "exam_confirm_line",
    "exam_result_parts",
    "exam_step_parts",
    "feedback_parts",
    "leaderboard_parts",
    "lesson_hint",
    "pass_fraction",
    "picture_parts",
    "progress_parts",
    "relative_time",
    "report_thanks",
    "reported_lines",
    "resolve",
    "reveal_parts",
    "review_wait",
    "stats_parts",
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
    """The question's domain and task; a spaced review says it is one."""
    key = "quiz.header_review" if card.kind == "review" else "quiz.header"
    return Line(key, {"domain": card.domain, "domain_name": card.domain_name, "task": card.task})


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
    due: Line | None  # how many reviews are due, when some are


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
        due=Line("answer.reviews_due", {"count": fb.reviews_due}) if fb.reviews_due else None,
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
    # overall, readiness or what it still needs, weakest, reviews due, streak
    summary: tuple[Line, ...]
    exams: tuple[Line, ...]  # the last mock exams, under a heading; empty when none


def domain_rows(domains: Sequence[DomainProgress], loc: str) -> tuple[DomainRow, ...]:
    """One row per domain: name and weight, then its answers and accuracy (or none yet)."""
    return tuple(
        DomainRow(
            Line("progress.domain_line", {"id": d.id, "name": d.name, "weight": d.weight}),
            d.accuracy,
            Line("progress.domain_stats", {"count": d.attempts, "accuracy": pct(loc, d.accuracy)})
            if d.attempts
            else Line("progress.no_answers"),
        )
        for d in domains
    )


def progress_parts(report: ProgressReport) -> ProgressParts:
    loc = report.locale
    rows = domain_rows(report.domains, loc)
    summary = [Line("progress.total", {"correct": report.correct, "attempts": report.attempts})]
    summary.append(_readiness(report))
    if report.weakest is not None:
        summary.append(
            Line("progress.weakest", {"id": report.weakest.id, "name": report.weakest.name})
        )
    if report.reviews_due:
        summary.append(Line("progress.reviews_due", {"count": report.reviews_due}))
    if report.streak:
        summary.append(Line("progress.streak", {"count": report.streak}))
    exams = [Line("progress.exams")] if report.exams else []
    exams += [
        Line(
            "progress.exam",
            {
                "date": format_date(loc, e.finished_at.date()),
                "score": e.score,
                "correct": e.correct,
                "total": e.total,
                "verdict": Line("exam.pass" if e.passed else "exam.fail"),
            },
        )
        for e in report.exams
    ]
    return ProgressParts(
        title=Line("progress.title", {"name": Name(report.display_name)}),
        domains=rows,
        summary=tuple(summary),
        exams=tuple(exams),
    )


def _readiness(report: ProgressReport) -> Line:
    """The expected score and the chance of passing, or how many answers are still needed."""
    if report.readiness is None:
        return Line(
            "progress.too_few", {"count": report.answers_needed, "pass_mark": report.pass_mark}
        )
    return Line(
        "progress.readiness",
        {
            "score": report.readiness.expected_score,
            "pass_mark": report.pass_mark,
            "chance": pct(report.locale, report.readiness.pass_chance),
        },
    )


# -- the progress picture -----------------------------------------------------------------------


def pass_fraction(pass_mark: int = PASS_MARK) -> float:
    """The share of right answers that scores the pass mark on the 100-1000 scale (0.689)."""
    return (pass_mark - 100) / 900


@dataclass(frozen=True, slots=True)
class PictureDomain:
    label: Line
    weight: Line
    fraction: float  # right answers, for the bar
    answered: bool
    stats: Line


@dataclass(frozen=True, slots=True)
class PictureWeek:
    label: str  # its Monday, short: `23 Nov`, `23 nov.`
    attempts: int
    accuracy: float | None  # None: no answer that week
    accuracy_label: str


@dataclass(frozen=True, slots=True)
class PictureParts:
    """What the progress picture shows; the drawing (adapters/shared/picture.py) lays it out."""

    title: Line
    subtitle: Line
    domains_title: Line
    domains: tuple[PictureDomain, ...]
    pass_line: Line  # what the mark on the domain bars means
    pass_fraction: float
    score_title: Line
    score: int | None  # the expected score on 100-1000, None until there is enough evidence
    score_line: Line  # the score, or how many answers an estimate still needs
    chance: Line | None
    pass_mark: int
    pass_label: Line
    note: Line
    totals: Line
    streak: Line
    activity_title: Line
    answers_label: Line
    accuracy_label: Line
    weeks: tuple[PictureWeek, ...]
    quiet: Line | None  # said over the weeks when none of them has an answer


def picture_parts(report: ProgressReport) -> PictureParts:
    loc = report.locale
    domains = tuple(
        PictureDomain(
            Line("picture.domain", {"id": d.id, "name": d.name}),
            Line("picture.weight", {"weight": d.weight}),
            d.accuracy,
            d.attempts > 0,
            Line("progress.domain_stats", {"count": d.attempts, "accuracy": pct(loc, d.accuracy)})
            if d.attempts
            else Line("progress.no_answers"),
        )
        for d in report.domains
    )
    readiness = report.readiness
    score = readiness.expected_score if readiness is not None else report.estimate
    if score is None:
        score_line = Line("picture.too_few", {"count": report.answers_needed})
    else:
        score_line = Line("picture.score", {"score": score})
    weeks = tuple(
        PictureWeek(
            format_short_date(loc, w.start),
            w.attempts,
            w.accuracy if w.attempts else None,
            pct(loc, w.accuracy) if w.attempts else "–",
        )
        for w in report.weeks
    )
    return PictureParts(
        title=Line("progress.title", {"name": Name(report.display_name)}),
        subtitle=Line("picture.subtitle"),
        domains_title=Line("picture.domains"),
        domains=domains,
        pass_line=Line("picture.pass_line", {"pass_mark": report.pass_mark}),
        pass_fraction=pass_fraction(report.pass_mark),
        score_title=Line("picture.score_title"),
        score=score,
        score_line=score_line,
        chance=Line("picture.chance", {"chance": pct(loc, readiness.pass_chance)})
        if readiness is not None
        else None,
        pass_mark=report.pass_mark,
        pass_label=Line("picture.pass_mark", {"pass_mark": report.pass_mark}),
        note=Line("picture.estimate"),
        totals=Line("progress.total", {"correct": report.correct, "attempts": report.attempts}),
        streak=Line("progress.streak", {"count": report.streak}),
        activity_title=Line("picture.activity", {"count": len(report.weeks)}),
        answers_label=Line("picture.answers"),
        accuracy_label=Line("picture.accuracy"),
        weeks=weeks,
        quiet=None if any(w.attempts for w in weeks) else Line("picture.no_activity"),
    )


# -- a community's week, for its organisers ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissedRow:
    line: Line
    question_id: str
    stem: str  # "" for a question no longer in the bank


@dataclass(frozen=True, slots=True)
class StatsParts:
    title: Line
    summary: tuple[Line, ...]  # active learners and answers, or that nobody answered
    domains_title: Line | None  # None (and no rows) when nobody answered
    domains: tuple[DomainRow, ...]
    daily: tuple[Line, ...]
    missed_title: Line  # the heading, or that nothing was missed
    missed: tuple[MissedRow, ...]


def stats_parts(week: CommunityWeek) -> StatsParts:
    loc = week.locale
    title = Line("stats.title", {"date": format_date(loc, week.start)})
    if not week.learners:
        summary: tuple[Line, ...] = (Line("stats.empty"),)
    else:
        summary = (
            Line("stats.learners", {"count": week.learners}),
            Line("stats.answers", {"count": week.attempts, "accuracy": pct(loc, week.accuracy)}),
        )
    rows = domain_rows(week.domains, loc)
    daily = [Line("stats.daily_posts", {"count": week.daily_posts})]
    if week.daily_posts:
        share = week.daily_members / week.learners if week.learners else 0.0
        daily.append(
            Line(
                "stats.daily_members",
                {
                    "count": week.daily_members,
                    "share": pct(loc, share),
                    "answers": week.daily_answers,
                },
            )
        )
    missed = tuple(
        MissedRow(
            Line(
                "stats.missed_line",
                {"question": m.question_id, "count": m.wrong, "attempts": m.attempts},
            ),
            m.question_id,
            m.stem,
        )
        for m in week.missed
    )
    return StatsParts(
        title=title,
        summary=summary,
        domains_title=Line("stats.domains") if week.learners else None,
        domains=rows if week.learners else (),
        daily=tuple(daily),
        missed_title=Line("stats.missed" if missed else "stats.missed_none"),
        missed=missed,
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


# -- review, exam, reports ------------------------------------------------------------------


def relative_time(now: datetime, then: datetime) -> Line:
    """`in 3 hours`: minutes under two hours, hours under two days, then days (rounded up)."""
    minutes = max(1, -(-int((then - now).total_seconds()) // 60))
    if minutes < 120:
        return Line("time.minutes", {"count": minutes})
    hours = -(-minutes // 60)
    if hours < 48:
        return Line("time.hours", {"count": hours})
    return Line("time.days", {"count": -(-hours // 24)})


def review_wait(view: ReviewWait) -> Line:
    """Nothing due now: when the next review is, and what to do meanwhile."""
    if view.next_due is None:
        return Line("review.none_yet")
    return Line("review.wait", {"when": relative_time(view.now, view.next_due)})


@dataclass(frozen=True, slots=True)
class ExamStepParts:
    title: Line  # question n of N, time left
    notes: tuple[Line, ...]  # "goes on where you left it" after a resume; answered so far


def exam_step_parts(step: ExamStep) -> ExamStepParts:
    title = Line(
        "exam.question",
        # Whole minutes, rounded up: "10 min left" for a fresh 5-question exam, not "9 min".
        {
            "number": step.number,
            "total": step.total,
            "time": format_duration(-(-step.seconds_left // 60) * 60),
        },
    )
    notes = (Line("exam.resumed"), Line("exam.answered", {"count": step.answered}))
    return ExamStepParts(title, notes if step.resumed else ())


def exam_confirm_line(confirm: ExamConfirm) -> Line:
    return Line("exam.confirm", {"count": confirm.unanswered})


@dataclass(frozen=True, slots=True)
class ExamResultParts:
    title: Line
    summary: tuple[Line, ...]  # score and verdict, the estimate's caveat, time used, expiry
    domains: tuple[Line, ...]
    missed_title: Line | None
    missed: tuple[tuple[str, str], ...]  # (question id, stem)
    review_hint: Line | None


def exam_result_parts(result: ExamResult) -> ExamResultParts:
    loc = result.locale
    verdict = Line("exam.pass" if result.passed else "exam.fail")
    summary = [
        Line(
            "exam.result_score",
            {
                "correct": result.correct,
                "total": result.total,
                "score": result.score,
                "pass_mark": result.pass_mark,
                "verdict": verdict,
            },
        ),
        Line("exam.result_note"),
        Line("exam.time_used", {"time": format_duration(result.seconds_used)}),
    ]
    if result.expired:
        summary.append(Line("exam.expired"))
    domains = tuple(
        Line(
            "exam.result_domain",
            {
                "id": d.id,
                "name": d.name,
                "percent": pct(loc, d.correct / d.total if d.total else 0.0),
                "correct": d.correct,
                "total": d.total,
            },
        )
        for d in result.domains
    )
    missed = bool(result.missed)
    return ExamResultParts(
        title=Line("exam.result_title"),
        summary=tuple(summary),
        domains=domains,
        missed_title=Line("exam.missed", {"count": len(result.missed)}) if missed else None,
        missed=result.missed,
        review_hint=Line("exam.review_hint") if missed else None,
    )


def report_thanks(question_id: str) -> Line:
    return Line("report.thanks", {"question": question_id})


def reported_lines(summaries: Sequence[ReportSummary]) -> tuple[Line, ...]:
    """For a community's admins: its most reported questions, or that there are none."""
    if not summaries:
        return (Line("admin.no_reports"),)
    rows = (
        Line("admin.report_line", {"question": s.question_id, "count": s.count}) for s in summaries
    )
    return (Line("admin.reports"), *rows)
