"""Local times and dates for daily posts: validation, DST-correct scheduling, UTC stamps."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import InvalidAnswer

__all__ = ["local_date", "parse_post_time", "parse_stamp", "parse_timezone", "stamp", "to_utc"]

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_post_time(raw: str) -> str:
    """`9:05` -> `09:05`; raise a learner-facing error for anything else."""
    m = TIME.match(raw.strip())
    if not m:
        raise InvalidAnswer("daily.bad_time", given=raw.strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_timezone(raw: str) -> str:
    """An IANA timezone name such as `Europe/Paris`."""
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidAnswer("daily.bad_timezone", given=name) from None
    return name


def local_date(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def to_utc(day: date, hhmm: str, tz: str) -> datetime:
    """The UTC moment of a local wall-clock time on a given day (DST-correct)."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), ZoneInfo(tz)).astimezone(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str) -> datetime:
    """A UTC stamp such as `2026-11-27T12:00:00Z` (fromisoformat: strptime is ten times slower,
    and a learner's progress reads hundreds of them)."""
    found = datetime.fromisoformat(value)
    return found if found.tzinfo is UTC else found.astimezone(UTC)
