"""Question reports, gathered per question for whoever maintains the bank."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.learning_store import ReportRow

__all__ = ["ReportSummary", "summarize"]


@dataclass(frozen=True, slots=True)
class ReportSummary:
    question_id: str
    count: int
    by_reason: dict[str, int]
    texts: list[str] = field(default_factory=list)  # as typed, empty ones left out
    first: str = ""  # the first report's date (UTC stamp)
    last: str = ""  # the latest report's or change's date


def summarize(rows: Iterable[ReportRow]) -> list[ReportSummary]:
    """Reports grouped by question, the most reported first."""
    grouped: dict[str, list[ReportRow]] = {}
    for row in rows:
        grouped.setdefault(row.question_id, []).append(row)
    found = [
        ReportSummary(
            question_id=qid,
            count=len(reports),
            by_reason=dict(Counter(r.reason for r in reports).most_common()),
            texts=[r.text for r in reports if r.text],
            first=min(r.created_at for r in reports),
            last=max(r.updated_at for r in reports),
        )
        for qid, reports in grouped.items()
    ]
    return sorted(found, key=lambda s: (-s.count, s.question_id))
