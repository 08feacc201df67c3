"""Daily streak arithmetic, in the channel's timezone: one missed day breaks a streak."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.localtime import local_date

__all__ = ["current_streak", "next_streak"]


def next_streak(streak: int, last: str | None, today: date) -> int:
    """After a daily answer today: +1 after yesterday's, unchanged twice a day, else back to 1."""
    if last == today.isoformat():
        return max(streak, 1)
    if last == (today - timedelta(days=1)).isoformat():
        return streak + 1
    return 1


def current_streak(streak: int, last: str | None, tz: str | None, now: datetime) -> int:
    """The streak still alive now: last answered today or yesterday in that timezone."""
    if not last or not tz:
        return 0
    today = local_date(now, tz)
    alive = {today.isoformat(), (today - timedelta(days=1)).isoformat()}
    return streak if last in alive else 0
