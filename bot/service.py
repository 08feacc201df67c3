"""The use cases: quiz, answer, progress, leaderboard, lessons. Returns views; never sends."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from bot.content import LOCALES, Content, Lesson, Question
from bot.errors import InvalidAnswer, NotFound, StudyBotError
from bot.events import Events, NullEvents
from bot.i18n import locale_from
from bot.learning_store import Snapshot
from bot.localtime import parse_post_time, parse_stamp, parse_timezone, stamp
from bot.memory import Memory
from bot.readiness import predict
from bot.reports import ReportSummary, summarize
from bot.store import AttemptRecord, DomainScore, GroupScore, Store
from bot.streaks import current_streak
from bot.views import (
    PASS_MARK,
    REPORT_REASONS,
    CommunityWeek,
    DailyChannel,
    DomainProgress,
    ExamSummary,
    Feedback,
    Leaderboard,
    LeaderRow,
    LessonList,
    LessonSummary,
    LessonView,
    MissedQuestion,
    OptionFeedback,
    ProgressReport,
    QuestionCard,
    ReadinessView,
    ReviewWait,
    Scope,
    UserRef,
    WeekActivity,
)

__all__ = [
    "ACTIVITY_WEEKS",
    "MIN_ANSWERS",
    "MIN_PER_DOMAIN",
    "StudyService",
    "attempt_nonce",
    "choose_question",
    "estimate_score",
    "parse_choice",
    "weakest_domain",
    "week_key",
    "weeks_before",
]

log = logging.getLogger(__name__)

MIN_ANSWERS = 20
MIN_PER_DOMAIN = 3
TOKEN_TTL = timedelta(hours=24)
TOKEN_AHEAD = timedelta(minutes=5)  # clocks of several processes may differ a little
PERIODS = ("all", "week")
MAX_REPORT = 500  # characters of a report's text
REVIEW = "r"  # a token for a question served as a spaced review starts with it
RECENT_EXAMS = 3
READINESS_HELD = 4096  # readiness results kept, one per learner, answers and day
ACTIVITY_WEEKS = 8  # weeks of answers shown on the progress picture
MOST_MISSED = 5  # questions listed for a community's organisers
DUE_READ = 200  # due cards read at first when looking for a review in a scope


def week_key(moment: datetime) -> str:
    """The ISO week a moment falls in, e.g. `2026-W48` (UTC)."""
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_before(moment: datetime, count: int) -> list[tuple[str, date]]:
    """The `count` ISO weeks up to the one `moment` falls in, oldest first: (key, Monday)."""
    found = []
    for back in range(count - 1, -1, -1):
        year, week, _ = (moment.astimezone(UTC) - timedelta(weeks=back)).isocalendar()
        found.append((f"{year}-W{week:02d}", date.fromisocalendar(year, week, 1)))
    return found


def attempt_nonce(source: str, question_id: str, token: str) -> str:
    """What makes an answer count once: the same learner, source, question and token."""
    return f"{source}:{question_id}:{token}"


def parse_choice(raw: str | Sequence[str], question: Question) -> tuple[str, ...]:
    """Turn `B`, `a, d`, `AD` or `["A", "D"]` into sorted letters, or raise InvalidAnswer."""
    text = raw if isinstance(raw, str) else ",".join(raw)
    letters = list(re.sub(r"[\s,;/+&]", "", text.upper()))
    example = ",".join(question.letters[: question.choose])
    for letter in letters:
        if letter not in question.letters:  # then `text` holds that letter: never blank
            raise InvalidAnswer(
                "error.bad_letter", given=text.strip(), letters="/".join(question.letters)
            )
    if len(set(letters)) != question.choose or len(letters) != question.choose:
        if question.choose == 1:
            raise InvalidAnswer(
                "error.bad_letter", given=text.strip() or "?", letters="/".join(question.letters)
            )
        raise InvalidAnswer("error.need_n", n=question.choose, example=example)
    return tuple(sorted(letters))


def choose_question(
    content: Content,
    seen: Mapping[str, bool],
    domain: int | None,
    rng: random.Random,
    task: str | None = None,
) -> Question:
    """Pick what to ask next: unseen questions first (domains drawn by exam weight), then the
    weakest task statement (its missed questions first), then any question."""
    domains = [d for d in content.domains if domain in (None, d.id)]
    ids = [
        q
        for d in domains
        for q in content.question_ids(d.id)
        if task in (None, content.questions[q].task)
    ]
    if not ids:
        raise NotFound("error.unknown_question")
    unseen = [(d.weight, [q for q in content.question_ids(d.id) if q in ids and q not in seen])
              for d in domains]  # fmt: skip
    pools = [(w, p) for w, p in unseen if p]
    if pools:
        (pool,) = rng.choices([p for _, p in pools], weights=[w for w, _ in pools])
        return content.questions[rng.choice(pool)]
    weakest = _weakest_task(content, seen, ids)
    missed = [q for q in weakest if seen.get(q) is False]
    return content.questions[rng.choice(missed or weakest)]


def _weakest_task(content: Content, seen: Mapping[str, bool], ids: Sequence[str]) -> list[str]:
    """The questions of the task statement with the lowest share of last answers right."""
    by_task: dict[str, list[str]] = {}
    for q in ids:
        by_task.setdefault(content.questions[q].task, []).append(q)

    def rank(t: str) -> tuple[float, int, str]:
        qs = by_task[t]
        weight = content.domain(content.questions[qs[0]].domain).weight
        return sum(seen[q] for q in qs) / len(qs), -weight, t  # all seen: no new one was left

    return by_task[min(by_task, key=rank)]


def estimate_score(domains: Sequence[DomainProgress]) -> tuple[int | None, int]:
    """The exam-weighted estimate on 100-1000, or None and how many more answers it needs."""
    total = sum(d.attempts for d in domains)
    short = sum(max(0, MIN_PER_DOMAIN - d.attempts) for d in domains)
    needed = max(MIN_ANSWERS - total, short)
    if needed > 0:
        return None, needed
    weighted = sum(d.weight * d.accuracy for d in domains) / sum(d.weight for d in domains)
    return round(100 + 900 * weighted), 0


def weakest_domain(domains: Sequence[DomainProgress]) -> DomainProgress | None:
    """The domain to work on, once there is something to compare.

    Only domains with at least MIN_PER_DOMAIN answers take part, at least two of them must, and
    the weakest must be behind the best: one right answer in one domain names no weakest.
    """
    tried = [d for d in domains if d.attempts >= MIN_PER_DOMAIN]
    if len(tried) < 2:
        return None
    weakest = min(tried, key=lambda d: (d.accuracy, -d.weight))
    return weakest if weakest.accuracy < max(d.accuracy for d in tried) else None


class StudyService:
    """The study use cases over one content bank and one store."""

    def __init__(
        self,
        content: Content,
        store: Store,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
        events: Events | None = None,
        memory: Memory | None = None,
    ) -> None:
        self.content = content
        self.store = store
        self.rng = rng or random.Random()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.events: Events = events or NullEvents()
        self.memory = memory or Memory()
        # Per learner: was the last question /quiz served a review? Reviews go every other one.
        self._served_review: dict[int, bool] = {}
        self._readiness_held: dict[tuple[int, int, date], ReadinessView] = {}
        self.accepting = True
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- stopping ---------------------------------------------------------------------------

    def stop_taking_work(self) -> None:
        """From now on every use case answers "restarting"; work already started goes on."""
        self.accepting = False

    async def drain(self, timeout: float) -> bool:
        """Wait until the answers being recorded are committed; False if `timeout` ran out."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d answer(s) still in flight when stopping", self._in_flight)
            return False
        return True

    def check_open(self) -> None:
        """Refuse new work once stopping (a one-line \"restarting\" for the learner)."""
        if not self.accepting:
            raise StudyBotError("error.restarting")

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        """Count the answers being recorded, so that a stop waits for them (see `drain`)."""
        self.check_open()
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    # -- language ---------------------------------------------------------------------------

    async def locale(self, ref: UserRef, platform_locale: str | None = None) -> str:
        """The learner's chosen language, else the one their platform reports."""
        self.check_open()
        user = await self.store.user(ref)
        return user.locale or locale_from(platform_locale)

    async def set_locale(self, ref: UserRef, locale: str) -> str:
        if locale not in LOCALES:
            raise InvalidAnswer("lang.usage")
        await self.store.set_locale(await self.store.user(ref), locale)
        return locale

    # -- quiz -------------------------------------------------------------------------------

    def _token(self, review: bool = False) -> str:
        # Issue time in hex, then randomness: answers carry it back, so expiry needs no lookup
        # and the (user, token) pair makes a double click count once. A review's token says so,
        # so that its answer is recorded as a review wherever it is clicked.
        prefix = REVIEW if review else ""
        return f"{prefix}{int(self.clock().timestamp()):08x}{self.rng.getrandbits(16):04x}"

    def _check_token(self, token: str) -> None:
        try:
            issued = datetime.fromtimestamp(int(token.removeprefix(REVIEW)[:8], 16), UTC)
        except (ValueError, OverflowError, OSError):
            raise StudyBotError("error.expired") from None
        if self.clock() - issued > TOKEN_TTL:
            raise StudyBotError("error.expired")
        if issued - self.clock() > TOKEN_AHEAD:  # no server issues it: forged or tampered
            raise StudyBotError("error.bad_token")

    def card(self, question: Question, locale: str, token: str, kind: str = "quiz") -> QuestionCard:
        """Render-ready view of one question in one language."""
        domain = self.content.domain(question.domain)
        return QuestionCard(
            question_id=question.id,
            token=token,
            locale=locale,
            domain=question.domain,
            domain_name=domain.name.get(locale),
            task=question.task,
            task_name=self.content.task(question.task).name.get(locale),
            difficulty=question.difficulty,
            stem=question.stem.get(locale),
            options=tuple((o.letter, o.text.get(locale)) for o in question.options),
            choose=question.choose,
            kind=kind,
        )

    def parse_scope(self, raw: str | None) -> Scope:
        """`""` (anything), a domain (`2`, `d2`) or a task statement (`2.3`), or a one-line error."""
        given = (raw or "").strip()
        text = given.lower().removeprefix("task-").removeprefix("d")
        if not text:
            return Scope()
        if text.isdigit() and int(text) in {d.id for d in self.content.domains}:
            return Scope(domain=int(text))
        if text in {t.id for d in self.content.domains for t in d.tasks}:
            return Scope(domain=self.content.task(text).domain, task=text)
        raise InvalidAnswer("error.bad_scope", given=given[:40])

    async def next_question(
        self, ref: UserRef, locale: str, domain: int | None = None, *, task: str | None = None
    ) -> QuestionCard:
        """A question for this learner, optionally from one domain or one task statement."""
        self.check_open()
        if domain is not None and domain not in {d.id for d in self.content.domains}:
            raise InvalidAnswer("error.bad_domain")
        if task is not None:
            domain = self.parse_scope(task).domain
        user = await self.store.user(ref)
        if not self._served_review.get(user.id):
            due = await self._due(user.id, domain, task)
            if due is not None:
                self._served_review[user.id] = True
                await self.store.prefetch_card(user.id, due.id)
                return self.card(due, locale, self._token(review=True), "review")
        self._served_review[user.id] = False
        seen = await self.store.seen(user.id)
        question = choose_question(self.content, seen, domain, self.rng, task)
        await self.store.prefetch_card(user.id, question.id)
        return self.card(question, locale, self._token())

    async def next_review(
        self, ref: UserRef, locale: str, domain: int | None = None, *, task: str | None = None
    ) -> QuestionCard | ReviewWait:
        """The most overdue review, or when the next one is due."""
        self.check_open()
        user = await self.store.user(ref)
        due = await self._due(user.id, domain, task)
        if due is not None:
            self._served_review[user.id] = True
            await self.store.prefetch_card(user.id, due.id)
            return self.card(due, locale, self._token(review=True), "review")
        scope = [
            q.id
            for q in self.content.questions.values()
            if domain in (None, q.domain) and task in (None, q.task)
        ]
        found = await self.store.learning.next_due(user.id, scope)
        return ReviewWait(locale, parse_stamp(found) if found else None, self.clock())

    async def _due(self, user_id: int, domain: int | None, task: str | None) -> Question | None:
        """The learner's most overdue card in the scope, among questions still in the bank.

        The most overdue cards are read first, a few hundred at a time: hundreds of cards due
        outside the scope (or of questions no longer in the bank) must not hide one inside it.
        """
        now, limit = stamp(self.clock()), DUE_READ
        while True:
            due = await self.store.learning.due(user_id, now, limit=limit)
            for question_id in due:
                q = self.content.questions.get(question_id)
                if q is not None and domain in (None, q.domain) and task in (None, q.task):
                    return q
            if len(due) < limit:  # every card due was read
                return None
            limit *= 4

    def question(self, question_id: str) -> Question:
        question = self.content.questions.get(question_id)
        if question is None:
            raise NotFound("error.unknown_question")
        return question

    async def answer(
        self,
        ref: UserRef,
        question_id: str,
        token: str,
        choice: str | Sequence[str],
        locale: str,
        source: str = "quiz",
    ) -> Feedback:
        """Record an answer once per (learner, token) and explain every option."""
        async with self.working():
            return await self._answer(ref, question_id, token, choice, locale, source)

    async def _answer(
        self,
        ref: UserRef,
        question_id: str,
        token: str,
        choice: str | Sequence[str],
        locale: str,
        source: str,
    ) -> Feedback:
        started = time.perf_counter()
        question = self.question(question_id)
        letters = parse_choice(choice, question)
        if source == "quiz":
            self._check_token(token)
            source = "review" if token.startswith(REVIEW) else source
        user = await self.store.user(ref)
        now = self.clock()
        correct = set(letters) == question.answer
        recorded = await self.store.record(
            self.attempt(user.id, user.community, question, letters, source, token, now)
        )
        if not recorded.counted:  # a repeat: show the answer that counted, not this click's
            letters = tuple(recorded.choice.split(","))
            correct = set(letters) == question.answer
        self.events.answered(source, correct, recorded.counted, time.perf_counter() - started)
        fb = self._feedback(question, letters, correct, recorded.counted, recorded.score, locale)
        return dataclasses.replace(fb, reviews_due=recorded.due)

    def attempt(
        self,
        user_id: int,
        community: str,
        question: Question,
        letters: Sequence[str],
        source: str,
        token: str,
        now: datetime,
    ) -> AttemptRecord:
        """An answer to record, with the learner's card after it (every counted answer is an
        FSRS review: wrong is Again, right is Good)."""
        correct = set(letters) == question.answer
        return AttemptRecord(
            user_id=user_id,
            community=community,
            question_id=question.id,
            domain=question.domain,
            choice=",".join(letters),
            correct=correct,
            source=source,
            nonce=attempt_nonce(source, question.id, token),
            week=week_key(now),
            answered_at=stamp(now),
            reviewer=functools.partial(self.memory.review, correct=correct, now=now),
        )

    def feedback_options(
        self, q: Question, chosen: Sequence[str], locale: str
    ) -> tuple[OptionFeedback, ...]:
        """Every option with why it is right or wrong, marking the learner's choice."""
        return tuple(
            OptionFeedback(
                o.letter, o.text.get(locale), o.why.get(locale), o.letter in q.answer,
                o.letter in chosen,
            )
            for o in q.options
        )  # fmt: skip

    def _feedback(
        self,
        q: Question,
        letters: tuple[str, ...],
        correct: bool,
        counted: bool,
        score: DomainScore,
        locale: str,
    ) -> Feedback:
        return Feedback(
            question_id=q.id,
            locale=locale,
            correct=correct,
            counted=counted,
            chosen=letters,
            right=tuple(sorted(q.answer)),
            stem=q.stem.get(locale),
            options=self.feedback_options(q, letters, locale),
            references=q.references,
            domain=q.domain,
            domain_name=self.content.domain(q.domain).name.get(locale),
            domain_attempts=score.attempts,
            domain_accuracy=score.correct / score.attempts if score.attempts else 0.0,
        )

    # -- progress and leaderboard -------------------------------------------------------------

    def _domain_progress(
        self, scores: Mapping[int, DomainScore | GroupScore], locale: str
    ) -> tuple[DomainProgress, ...]:
        """Every domain of the exam with the answers counted in it (none: zero)."""
        counts = {domain: (s.attempts, s.correct) for domain, s in scores.items()}
        return tuple(
            DomainProgress(d.id, d.name.get(locale), d.weight, *counts.get(d.id, (0, 0)))
            for d in self.content.domains
        )

    async def progress(self, ref: UserRef, locale: str) -> ProgressReport:
        """Per-domain scores, the weakest domain and the exam-weighted estimate."""
        self.check_open()
        user = await self.store.user(ref)
        scores = {s.domain: s for s in await self.store.scores(user.id)}
        domains = self._domain_progress(scores, locale)
        estimate, needed = estimate_score(domains)
        streak, last, tz = await self.store.daily.streak(user.id)
        now = self.clock()
        known = await self.store.learning.snapshot(user.id, RECENT_EXAMS)
        cards = known.cards
        readiness = None if needed else self._readiness(user.id, known, domains)
        weeks = weeks_before(now, ACTIVITY_WEEKS)
        found = {w.period: w for w in await self.store.weekly(user.id, [k for k, _ in weeks])}
        activity = tuple(
            WeekActivity(
                key,
                monday,
                found[key].attempts if key in found else 0,
                found[key].correct if key in found else 0,
            )
            for key, monday in weeks
        )
        return ProgressReport(
            locale=locale,
            display_name=user.display_name or ref.user,
            domains=domains,
            estimate=estimate,
            answers_needed=needed,
            weakest=weakest_domain(domains),
            streak=current_streak(streak, last, tz, self.clock()),
            readiness=readiness,
            reviews_due=sum(card.due <= now for card in cards.values()),
            exams=tuple(
                ExamSummary(
                    parse_stamp(e.finished_at or e.started_at),
                    e.correct or 0,
                    e.size,
                    e.score or 0,
                    (e.score or 0) >= PASS_MARK,
                )
                for e in known.exams
            ),
            weeks=activity,
        )

    def _readiness(
        self, user_id: int, known: Snapshot, domains: Sequence[DomainProgress]
    ) -> ReadinessView:
        # Recomputed when the learner has answered again or a day has passed (FSRS counts whole
        # days): /progress asked twice in a row reads the bank once.
        key = (user_id, sum(d.attempts for d in domains), self.clock().date())
        held = self._readiness_held.get(key)
        if held is not None:
            return held
        bank = {d.id: self.content.question_ids(d.id) for d in self.content.domains}
        weights = {d.id: d.weight for d in self.content.domains}
        found = predict(bank, weights, known.cards, known.firsts, self.memory, self.clock())
        view = ReadinessView(found.expected_score, found.pass_chance)
        if len(self._readiness_held) >= READINESS_HELD:
            self._readiness_held.clear()
        self._readiness_held[key] = view
        return view

    # -- a community's week, for its organisers -------------------------------------------------

    async def community_week(
        self, platform: str, community: str, locale: str, weeks_ago: int = 0
    ) -> CommunityWeek:
        """A community's ISO week (this one, or `weeks_ago` before): active learners, answers,
        accuracy per domain, daily-question participation and the most missed questions.

        Read from the aggregates the answers keep (`scores`, `question_stats`) and the index of
        daily answers: the cost follows the community's learners and questions, not its attempts.
        """
        self.check_open()
        (week, monday), *_ = weeks_before(self.clock() - timedelta(weeks=weeks_ago), 1)
        key = f"{platform}:{community}"
        totals = {g.domain: g for g in await self.store.group_scores(key, week)}
        domains = self._domain_progress(totals, locale)
        daily = self.store.daily
        sunday = monday + timedelta(days=6)
        posts = await daily.posted_between(
            platform, community, monday.isoformat(), sunday.isoformat()
        )
        nonces = [attempt_nonce("daily", p.question_id, p.token) for p in posts]
        answers, members = await daily.participation(nonces)
        missed = tuple(
            MissedQuestion(
                t.question_id,
                q.stem.get(locale) if (q := self.content.questions.get(t.question_id)) else "",
                t.attempts,
                t.correct,
            )
            for t in await self.store.most_missed(key, week, MOST_MISSED)
        )
        overall = totals.get(0)
        return CommunityWeek(
            locale=locale,
            week=week,
            start=monday,
            learners=overall.learners if overall else 0,
            attempts=overall.attempts if overall else 0,
            correct=overall.correct if overall else 0,
            domains=domains,
            daily_posts=len(posts),
            daily_answers=answers,
            daily_members=members,
            missed=missed,
        )

    # -- reports ------------------------------------------------------------------------------

    async def top_reported(
        self, platform: str, community: str, limit: int = 5
    ) -> list[ReportSummary]:
        """A community's most reported questions (for its admins)."""
        rows = await self.store.learning.reports(f"{platform}:{community}")
        return summarize(rows)[:limit]

    async def report(self, ref: UserRef, question_id: str, reason: str, text: str = "") -> None:
        """Store a learner's report on a question; a second one replaces the first."""
        self.check_open()
        self.question(question_id)
        if reason not in REPORT_REASONS:
            raise InvalidAnswer("report.bad_reason", reasons=", ".join(REPORT_REASONS))
        if len(text) > MAX_REPORT:
            raise InvalidAnswer("report.too_long", limit=MAX_REPORT, length=len(text))
        user = await self.store.user(ref)
        await self.store.learning.put_report(
            user.id, question_id, reason, text, stamp(self.clock())
        )

    def parse_board_args(self, args: Sequence[str]) -> tuple[int | None, str]:
        """`/leaderboard [1-4] [week|all]`, in any order: the domain (None: all) and the period."""
        words = [a.lower() for a in args]
        period = next((w for w in words if w in PERIODS), "all")
        others = [w for w in words if w not in PERIODS]
        if any(not w.removeprefix("d").isdigit() for w in others):
            raise InvalidAnswer("error.bad_period")  # `/leaderboard weekly`: a period, misspelt
        if others and int(others[0].removeprefix("d")) not in {d.id for d in self.content.domains}:
            raise InvalidAnswer("error.bad_domain")
        return (int(others[0].removeprefix("d")) if others else None), period

    async def leaderboard(
        self,
        ref: UserRef,
        locale: str,
        domain: int | None = None,
        period: str = "all",
        limit: int = 10,
    ) -> Leaderboard:
        """The community's top learners and the caller's own rank."""
        self.check_open()
        if period not in PERIODS:
            raise InvalidAnswer("error.bad_period")
        if domain is not None and domain not in {d.id for d in self.content.domains}:
            raise InvalidAnswer("error.bad_domain")
        user = await self.store.user(ref)
        key = "all" if period == "all" else week_key(self.clock())
        top, mine = await self.store.leaderboard(user.community, user.id, key, domain or 0, limit)
        rows = tuple(
            LeaderRow(r.rank, r.display_name, r.correct, r.attempts, r.user_id == user.id)
            for r in top
        )
        caller = None
        if mine is not None:
            caller = LeaderRow(mine.rank, mine.display_name, mine.correct, mine.attempts, True)
        return Leaderboard(
            locale=locale,
            period=period,
            domain=domain,
            domain_name=self.content.domain(domain).name.get(locale) if domain else "",
            rows=rows,
            caller=caller,
        )

    # -- lessons ----------------------------------------------------------------------------

    def lessons(self, locale: str) -> LessonList:
        return LessonList(
            locale,
            tuple(LessonSummary(x.id, x.title.get(locale), x.task) for x in self.content.lessons),
        )

    def lesson(self, query: str, locale: str) -> LessonView:
        """A lesson by id, task number (`2.3`) or words from its title."""
        found = self._find_lesson(query.strip())
        if found is None:
            raise NotFound("error.no_lesson", query=query.strip())
        return LessonView(
            id=found.id,
            locale=locale,
            title=found.title.get(locale),
            body=found.body.get(locale),
            task=found.task,
            domain=int(found.task[0]) if found.task else None,
            references=found.references,
        )

    def _find_lesson(self, query: str) -> Lesson | None:
        q = query.lower()
        for lesson in self.content.lessons:
            if q in (lesson.id, lesson.task, f"task-{lesson.task}"):
                return lesson
        words = [w for w in re.split(r"\W+", q) if len(w) > 1]
        if not words:
            return None

        def score(lesson: Lesson) -> tuple[int, int]:
            title = f"{lesson.title.en} {lesson.title.fr} {lesson.id}".lower()
            body = f"{lesson.body.en} {lesson.body.fr}".lower()
            return sum(w in title for w in words), sum(w in body for w in words)

        best = max(self.content.lessons, key=score, default=None)
        return best if best is not None and score(best) != (0, 0) else None

    # -- community settings and daily channels --------------------------------------------

    async def community_setting(self, platform: str, community: str, key: str) -> str | None:
        return await self.store.daily.community_setting(platform, community, key)

    async def set_community_setting(
        self, platform: str, community: str, key: str, value: str | None
    ) -> None:
        await self.store.daily.set_community_setting(platform, community, key, value)

    async def configure_daily(
        self,
        platform: str,
        community: str,
        channel: str,
        post_time: str = "09:00",
        timezone: str = "UTC",
        locale: str = "en",
        reveal_after_minutes: int | None = None,
    ) -> DailyChannel:
        """Turn on (or change) a channel's daily question; errors name the bad value."""
        if locale not in LOCALES:
            raise InvalidAnswer("lang.usage")
        if reveal_after_minutes is not None and not 1 <= reveal_after_minutes <= 24 * 60:
            raise InvalidAnswer("daily.bad_delay")
        return await self.store.daily.upsert_channel(
            platform, community, channel, parse_post_time(post_time), parse_timezone(timezone),
            locale, reveal_after_minutes,
        )  # fmt: skip

    async def disable_daily(self, platform: str, community: str, channel: str | None = None) -> int:
        """Turn the daily question off in one channel, or in all of a community's channels."""
        return await self.store.daily.disable(platform, community, channel)

    async def daily_channels(self, platform: str, community: str) -> list[DailyChannel]:
        return await self.store.daily.channels(platform, community)
