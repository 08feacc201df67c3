"""Readiness: the expected exam score and the chance of passing today, as an estimate.

For each question of the bank, the chance the learner answers it right today:
- never seen: the domain's prior, the learner's first-try accuracy in that domain, smoothed
  towards their first-try accuracy over all domains (`(right + 2 * overall) / (tries + 2)`,
  `overall = (all right + 1) / (all tries + 2)`), since a first try shows skill, not memory;
- seen: `1 - (1 - s) * (1 - R)`, where R is FSRS's retrievability of the learner's card and s the
  skill that question's own first try showed, `(first + 2 * prior) / 3`: they get it right if
  they remember the answer, or else work it out.
A domain's chance is the mean over its questions. The exam's 50 scored questions split by the
domain weights (17, 13, 11, 9); each domain's right answers follow a binomial law, averaged over
what the prior may really be (a normal law around it, as wide as few first tries leave it), and
the score is `100 + 900 * right / 50` (AWS does not publish its scaling). Passing is 720, i.e. 35
right of 50.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.memory import CardState, Memory

__all__ = [
    "PASS_RIGHT",
    "SCORED",
    "Readiness",
    "pass_chance",
    "predict",
    "scaled_score",
    "scored_split",
]

SCORED = 50  # scored questions in the real exam (15 more are unscored)
PASS_RIGHT = 35  # the least right answers of 50 whose score reaches 720
PRIOR_TRIES = 2  # a domain's prior leans on the learner's overall first tries this much
FIRST_WEIGHT = 2  # a question's own first try counts as much as this many tries of its domain


@dataclass(frozen=True, slots=True)
class Readiness:
    expected_score: int  # 100-1000, an estimate
    pass_chance: float  # 0-1: the chance of 720 or more today
    domains: tuple[float, ...]  # the chance of a right answer per domain, in bank order


def scaled_score(right: float, scored: int = SCORED) -> int:
    return round(100 + 900 * right / scored)


def scored_split(weights: Sequence[int], scored: int = SCORED) -> list[int]:
    """How many scored questions each domain gets (largest remainders): 17, 13, 11, 9."""
    total = sum(weights)
    exact = [scored * w / total for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: scored - sum(counts)]:
        counts[i] += 1
    return counts


# Five-point Gauss-Hermite quadrature: nodes and weights for a mean over a normal law.
_NODES = (-2.0201828705, -0.9585724646, 0.0, 0.9585724646, 2.0201828705)
_WEIGHTS = (0.0199532421, 0.3936193232, 0.9453087205, 0.3936193232, 0.0199532421)


def _binomial(n: int, p: float) -> list[float]:
    if p <= 0.0 or p >= 1.0:
        return [float(k == (n if p >= 1.0 else 0)) for k in range(n + 1)]
    law = [(1 - p) ** n]
    ratio = p / (1 - p)
    for k in range(n):
        law.append(law[-1] * (n - k) / (k + 1) * ratio)
    return law


def _convolve(a: Sequence[float], b: Sequence[float]) -> list[float]:
    merged = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for k, y in enumerate(b):
            merged[i + k] += x * y
    return merged


def pass_chance(counts: Sequence[int], chances: Sequence[float], needed: int = PASS_RIGHT) -> float:
    """P(right answers >= needed) when domain i has counts[i] questions right with chances[i]."""
    return _tail([_binomial(n, p) for n, p in zip(counts, chances, strict=True)], needed)


def _tail(domains: Sequence[Sequence[float]], needed: int) -> float:
    dist: list[float] = [1.0]  # dist[k]: the chance of k right answers over the domains so far
    for domain in domains:
        dist = _convolve(dist, domain)
    return min(1.0, max(0.0, sum(dist[needed:])))


@dataclass(frozen=True, slots=True)
class _Domain:
    """A domain's chance of a right answer, `base + slope * prior`, and the prior's law."""

    base: float
    slope: float
    prior: float  # the mean of the learner's first-try accuracy (Laplace-smoothed)
    spread: float  # its standard deviation: how sure that mean is

    def chance(self, prior: float) -> float:
        return min(1.0, max(0.0, self.base + self.slope * min(1.0, max(0.0, prior))))

    def right_answers(self, n: int) -> list[float]:
        """The law of right answers out of n, averaged over what the prior may really be."""
        mixed = [0.0] * (n + 1)
        for node, weight in zip(_NODES, _WEIGHTS, strict=True):
            law = _binomial(n, self.chance(self.prior + math.sqrt(2) * self.spread * node))
            for k, x in enumerate(law):
                mixed[k] += weight / math.sqrt(math.pi) * x
        return mixed


def _domain(
    questions: Sequence[str],
    cards: Mapping[str, CardState],
    firsts: Mapping[str, bool],
    memory: Memory,
    now: datetime,
    overall: float,
) -> _Domain:
    seen = [q for q in questions if q in cards or q in firsts]
    tried = [firsts[q] for q in seen if q in firsts]
    prior = (sum(tried) + PRIOR_TRIES * overall) / (len(tried) + PRIOR_TRIES)
    spread = math.sqrt(prior * (1 - prior) / (len(tried) + PRIOR_TRIES + 1))
    base = 0.0
    slope = float(len(questions) - len(seen))  # unseen questions: the prior itself
    for q in seen:
        if q not in cards:  # answered before spaced review began: its first try only
            slope += 1
            continue
        # Seen: recalled, or else worked out with the skill its first try showed, that is
        # (first + FIRST_WEIGHT * prior) / (1 + FIRST_WEIGHT), or the prior with no first try.
        recall = memory.retrievability(cards[q], now)
        first = firsts.get(q)
        if first is None:
            base, slope = base + recall, slope + (1 - recall)
            continue
        base += recall + (1 - recall) * first / (1 + FIRST_WEIGHT)
        slope += (1 - recall) * FIRST_WEIGHT / (1 + FIRST_WEIGHT)
    size = max(1, len(questions))
    return _Domain(base / size, slope / size, prior, spread)


def predict(
    bank: Mapping[int, Sequence[str]],
    weights: Mapping[int, int],
    cards: Mapping[str, CardState],
    firsts: Mapping[str, bool],
    memory: Memory,
    now: datetime,
) -> Readiness:
    """The learner's readiness from their cards and first tries (see the module's docstring)."""
    order = sorted(bank)
    # A domain's few first tries lean on the learner's first tries everywhere (Laplace-smoothed).
    overall = (sum(firsts.values()) + 1) / (len(firsts) + 2)
    domains = [_domain(bank[d], cards, firsts, memory, now, overall) for d in order]
    counts = scored_split([weights[d] for d in order])
    chances = [d.chance(d.prior) for d in domains]
    expected = sum(n * p for n, p in zip(counts, chances, strict=True))
    laws = [d.right_answers(n) for d, n in zip(domains, counts, strict=True)]
    return Readiness(scaled_score(expected), _tail(laws, PASS_RIGHT), tuple(chances))
