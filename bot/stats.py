"""Counts over the content bank, for `studybot content stats` and the bank-level tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.content import LOCALES, Content

__all__ = ["content_stats"]


def content_stats(content: Content) -> dict[str, Any]:
    """Counts by domain, task, type and right-answer position."""
    questions = list(content.questions.values())
    by_domain = Counter(str(q.domain) for q in questions)
    by_task = Counter(q.task for q in questions)
    positions = Counter(letter for q in questions if q.type == "single" for letter in q.answer)
    return {
        "questions": len(questions),
        "lessons": len(content.lessons),
        "by_domain": {str(d.id): by_domain.get(str(d.id), 0) for d in content.domains},
        "by_task": {t.id: by_task.get(t.id, 0) for d in content.domains for t in d.tasks},
        "multiple_response": sum(q.type == "multiple" for q in questions),
        "correct_positions": {k: positions.get(k, 0) for k in "ABCD"},
        "by_difficulty": dict(sorted(Counter(q.difficulty for q in questions).items())),
        **_service_coverage(content),
        "locales": list(LOCALES),
        "guide": content.guide,
    }


def _service_coverage(content: Content) -> dict[str, Any]:
    """Which services of the vocabulary the questions cover; a part covers its whole."""
    parent = {s.name: s.part_of for s in content.services}
    covered: set[str] = set()
    for tag in {tag for q in content.questions.values() for tag in q.services}:
        covered.add(tag)
        if parent.get(tag):
            covered.add(str(parent[tag]))
    in_scope = [s for s in content.services if s.scope != "outside"]
    return {
        "services_covered": sorted(covered),
        "services_missing": sorted(
            s.name for s in in_scope if s.name not in covered and not s.left_out
        ),
        "left_out": {s.name: s.left_out for s in in_scope if s.left_out and s.name not in covered},
    }
