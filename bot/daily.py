"""The daily channel question: which question, once per (channel, local date), answers, reveal, streaks."""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final, Literal

from bot.content import Content, Question
from bot.errors import NotFound, StudyBotError
from bot.localtime import local_date, parse_stamp, stamp, to_utc
from bot.service import StudyService, attempt_nonce
from bot.streaks import next_streak
from bot.views import DailyChannel, DailyPost, DailyReveal, Feedback, QuestionCard, UserRef

__all__ = [
    "CLEAR",
    "FAILURES_BEFORE_DISABLE",
    "DailyService",
    "pick_daily",
    "scheduled_at",
]

log = logging.getLogger(__name__)

FAILURES_BEFORE_DISABLE = 3
STALE_CLAIM = timedelta(minutes=5)
DEFAULT_TIME = "09:00"
DEFAULT_TIMEZONE = "UTC"
# The reveal delay's "clear": reveal with the next question again (None keeps the delay as it is).
CLEAR: Final = "clear"


def scheduled_at(channel: DailyChannel, day: date) -> datetime:
    """The UTC moment a channel's post for `day` is due (DST-correct)."""
    return to_utc(day, channel.post_time, channel.timezone)


def _current_cycle(bank: Sequence[str], history: Sequence[str]) -> set[str]:
    """Questions already posted in this channel since the bank was last used up."""
    ids, used = set(bank), set()
    for qid in history:
        if qid in ids:
            used.add(qid)
            if used == ids:
                used = set()
    return used


def pick_daily(content: Content, channel_key: str, day: date, history: Sequence[str]) -> Question:
    """The same question for the same (channel, date, history): restarts never change it.

    Domains follow the exam weights over time: the domain furthest below its share of this
    cycle's posts goes next; no question repeats in a channel until the bank is used up.
    """
    seed = hashlib.sha256(f"{channel_key}:{day.isoformat()}".encode()).digest()
    rng = random.Random(seed)
    used = _current_cycle(list(content.questions), history)
    counts = {d.id: sum(content.questions[q].domain == d.id for q in used) for d in content.domains}
    total = sum(counts.values()) + 1
    ranked = sorted(
        content.domains,
        key=lambda d: (counts[d.id] - d.weight * total / 100, rng.random()),
    )
    for domain in ranked:
        left = [q for q in content.question_ids(domain.id) if q not in used]
        if left:
            return content.questions[rng.choice(left)]
    raise NotFound("error.unknown_question")


class DailyService:
    """Daily posts for the scheduler and the adapters; returns values, never sends."""

    def __init__(self, study: StudyService) -> None:
        self.study = study
        self.store = study.store.daily

    def _now(self) -> datetime:
        return self.study.clock()

    async def prepare(self, channel: DailyChannel, day: date) -> DailyPost | None:
        """Claim today's post for a channel; None if it is already claimed or posted."""
        history = await self.store.history(channel.id)
        question = pick_daily(
            self.study.content, f"{channel.platform}:{channel.channel}", day, history
        )
        now = self._now()
        return await self.store.claim(
            channel.id, day.isoformat(), question.id, stamp(now), stamp(now - STALE_CLAIM)
        )

    async def configure(
        self,
        platform: str,
        community: str,
        channel: str,
        *,
        post_time: str | None = None,
        timezone: str | None = None,
        locale: str | None = None,
        reveal_after: int | Literal["clear"] | None = None,
        default_locale: str = "en",
    ) -> DailyChannel:
        """Turn a channel's daily question on, changing only the settings given.

        A new channel starts at 09:00 UTC in `default_locale`, revealing with the next question;
        an existing one keeps every setting not given (its language too: an admin who reads
        French changing the time must not switch an English channel to French).
        """
        found = await self.study.daily_channels(platform, community)
        old = next((c for c in found if c.channel == channel), None)
        if reveal_after == CLEAR:
            delay = None
        elif reveal_after is None:
            delay = old.reveal_after_minutes if old else None
        else:
            delay = reveal_after
        return await self.study.configure_daily(
            platform,
            community,
            channel,
            post_time=post_time or (old.post_time if old else DEFAULT_TIME),
            timezone=timezone or (old.timezone if old else DEFAULT_TIMEZONE),
            locale=locale or (old.locale if old else default_locale),
            reveal_after_minutes=delay,
        )

    def card(self, post: DailyPost, locale: str) -> QuestionCard:
        return self.study.card(self.study.question(post.question_id), locale, post.token)

    async def posted(
        self, post: DailyPost, message_ref: str, channel: DailyChannel | None = None
    ) -> None:
        await self.store.mark_posted(post.id, message_ref, stamp(self._now()))
        if channel is not None and channel.failures:
            await self.store.reset_failures(channel.id)

    async def retry_later(self, post: DailyPost) -> None:
        """A passing failure (network, platform error): free the date for a later attempt."""
        await self.store.release(post.id)

    async def failed(self, post: DailyPost, channel: DailyChannel, reason: str) -> bool:
        """Count a failed post; disable the channel after repeated failures. True if disabled."""
        failures = await self.store.mark_failed(post.id)
        log.warning(
            "daily post to %s:%s failed (%d in a row): %s",
            channel.platform,
            channel.channel,
            failures,
            reason,
        )
        if failures < FAILURES_BEFORE_DISABLE:
            return False
        await self.store.disable(channel.platform, channel.community, channel.channel)
        log.error(
            "daily channel %s:%s disabled after %d failures",
            channel.platform,
            channel.channel,
            failures,
        )
        return True

    async def answer(
        self, ref: UserRef, post_id: int, choice: str | Sequence[str], locale: str
    ) -> Feedback:
        """A member's answer to a daily post: counts once, and keeps their daily streak."""
        post = await self.store.post(post_id)
        if post is None or post.status != "posted":
            raise NotFound("error.unknown_question")
        if post.revealed_at is not None:
            raise StudyBotError("daily.closed")
        feedback = await self.study.answer(
            ref, post.question_id, post.token, choice, locale, source="daily"
        )
        # Also on a repeat: the streak write follows the answer's commit, and a retry after a
        # crash between the two must still extend it (extending twice a day changes nothing).
        await self._extend_streak(ref, post)
        return feedback

    async def _extend_streak(self, ref: UserRef, post: DailyPost) -> None:
        channel = await self.store.channel(post.channel_id)
        if (
            channel is None
            or post.local_date != local_date(self._now(), channel.timezone).isoformat()
        ):
            return  # only answering on the day itself keeps a streak going
        user = await self.study.store.user(ref)
        streak, last, _ = await self.store.streak(user.id)
        if last is not None and last > post.local_date:
            return  # a channel further west is still on an earlier date: keep the newer day
        day = date.fromisoformat(post.local_date)
        await self.store.set_streak(
            user.id, next_streak(streak, last, day), post.local_date, channel.timezone
        )

    async def reveal(self, post: DailyPost, locale: str) -> DailyReveal | None:
        """The reveal of a post, once: None if it was already revealed."""
        if not await self.store.mark_revealed(post.id, stamp(self._now())):
            return None
        return await self.reveal_view(post, locale)

    async def reveal_failed(self, post: DailyPost) -> None:
        """The reveal could not be posted: make it due again, for the next round."""
        await self.store.unmark_revealed(post.id)

    async def reveal_view(self, post: DailyPost, locale: str) -> DailyReveal:
        question = self.study.question(post.question_id)
        counts = await self.store.counts(attempt_nonce("daily", question.id, post.token))
        per_letter = {letter: 0 for letter in question.letters}
        for choice, n in counts.items():
            for letter in choice.split(","):
                per_letter[letter] = per_letter.get(letter, 0) + n
        feedback = self.study.feedback_options(question, (), locale)
        return DailyReveal(
            post_id=post.id,
            locale=locale,
            local_date=post.local_date,
            stem=question.stem.get(locale),
            right=tuple(sorted(question.answer)),
            options=feedback,
            counts=tuple(per_letter.items()),
            answers=sum(counts.values()),
            references=question.references,
            message_ref=post.message_ref,
        )

    async def due_reveals(self, channel: DailyChannel, now: datetime) -> list[DailyPost]:
        """Posts whose reveal is due: once a newer post exists, or after the channel's delay."""
        posts = await self.store.unrevealed(channel.id)
        if channel.reveal_after_minutes is None:
            latest = max((p.local_date for p in posts), default="")
            return [p for p in posts if p.local_date < latest]
        delay = timedelta(minutes=channel.reveal_after_minutes)
        return [p for p in posts if p.posted_at and parse_stamp(p.posted_at) + delay <= now]

    async def today(self, channel: DailyChannel) -> DailyPost:
        """Today's post where the reader pulls it (the terminal): made on first ask."""
        day = local_date(self._now(), channel.timezone)
        post = await self.prepare(channel, day)
        if post is not None:
            await self.posted(post, "pulled")
        found = await self.store.post_for(channel.id, day.isoformat())
        assert found is not None
        return found
