"""Readiness is checked, not asserted: simulated learners of known ability study, then sit exams.

Each simulated learner has a skill per domain; each question a difficulty. The chance of getting
a question right from skill alone is `sigmoid(skill - difficulty)`. Once a question has been
answered (and its explanation read), the learner also remembers its answer, with a memory whose
stability is FSRS's own estimate times a learner-specific factor (people forget faster or slower
than the model thinks): `P(right) = 1 - (1 - skill) * (1 - memory)`. Learners study for 2 to 30
days, 2 to 20 questions a day (due reviews every other question, as /quiz does), then sit a
50-question exam drawn by domain weight some days later; 35 right is a pass (720).

The prediction (bot.readiness.predict) must be calibrated: in every bin of predictions with at
least 50 learners, the observed pass rate is within 12 points of the mean prediction; and its
Brier score must beat the accuracy-only estimate this project showed before (a pass when the
exam-weighted accuracy maps to 720 or more).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.memory import CardState, Memory
from bot.readiness import PASS_RIGHT, pass_chance, predict, scored_split
from bot.service import estimate_score
from bot.views import DomainProgress

WEIGHTS = {1: 34, 2: 26, 3: 22, 4: 18}
SIZES = {1: 170, 2: 130, 3: 110, 4: 90}  # a bank shaped like the shipped one
LEARNERS = 1200
BINS = 5
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class Learner:
    skill: dict[int, float]
    forgetting: float  # true stability = FSRS's estimate times this


class World:
    """The bank, the questions' difficulties and the true memory curve."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bank = {d: [f"q{d}-{i}" for i in range(n)] for d, n in SIZES.items()}
        self.domain = {q: d for d, qs in self.bank.items() for q in qs}
        self.difficulty = {q: rng.gauss(0, 1.0) for q in self.domain}
        self.memory = Memory(fuzz=False)
        scheduler = self.memory.scheduler
        self.decay = -scheduler.parameters[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    def chance(
        self, who: Learner, truth: dict[str, tuple[datetime, float]], q: str, now: datetime
    ) -> float:
        skill = sigmoid(who.skill[self.domain[q]] - self.difficulty[q])
        if q not in truth:
            return skill
        last, stability = truth[q]
        days = max(0.0, (now - last).total_seconds() / 86400)
        recall = (1 + self.factor * days / stability) ** self.decay
        return 1 - (1 - skill) * (1 - recall)

    def learner(self) -> Learner:
        overall = self.rng.gauss(0.4, 1.1)
        skill = {d: overall + self.rng.gauss(0, 0.5) for d in WEIGHTS}
        return Learner(skill, math.exp(self.rng.gauss(0, 0.35)))

    def study_then_sit(self, who: Learner) -> tuple[float, float, bool] | None:
        """(predicted pass chance, accuracy-only 0/1, passed) or None below minimum evidence."""
        rng = self.rng
        cards: dict[str, CardState] = {}
        firsts: dict[str, bool] = {}
        truth: dict[str, tuple[datetime, float]] = {}
        tally = {d: [0, 0] for d in WEIGHTS}
        unseen = list(self.domain)
        rng.shuffle(unseen)
        days = rng.randint(2, 30)
        for day in range(days):
            now = START + timedelta(days=day)
            for turn in range(rng.randint(2, 20)):
                now += timedelta(minutes=3)
                due = [q for q, c in cards.items() if c.due <= now]
                if due and turn % 2 == 0:
                    q = min(due, key=lambda x: cards[x].due)
                elif unseen:
                    q = unseen.pop()
                else:
                    continue
                right = rng.random() < self.chance(who, truth, q, now)
                firsts.setdefault(q, right)
                tally[self.domain[q]][0] += 1
                tally[self.domain[q]][1] += right
                cards[q] = self.memory.review(cards.get(q), right, now)
                truth[q] = (now, max(0.05, (cards[q].stability or 0.1) * who.forgetting))
        progress = tuple(DomainProgress(d, "", WEIGHTS[d], *tally[d]) for d in sorted(WEIGHTS))
        accuracy_only, _ = estimate_score(progress)
        if accuracy_only is None:
            return None
        exam_day = START + timedelta(days=days + rng.randint(0, 7))
        predicted = predict(self.bank, WEIGHTS, cards, firsts, self.memory, exam_day)
        counts = scored_split([WEIGHTS[d] for d in sorted(WEIGHTS)])
        right = sum(
            rng.random() < self.chance(who, truth, q, exam_day)
            for d, n in zip(sorted(WEIGHTS), counts, strict=True)
            for q in rng.sample(self.bank[d], n)
        )
        return predicted.pass_chance, float(accuracy_only >= 720), right >= PASS_RIGHT


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[float, float, bool]]:
    world = World(random.Random(2026))
    found = (world.study_then_sit(world.learner()) for _ in range(LEARNERS))
    return [o for o in found if o is not None]


def test_the_pass_chance_is_calibrated_and_beats_accuracy_alone(
    outcomes: list[tuple[float, float, bool]], capsys: pytest.CaptureFixture[str]
) -> None:
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for chance, _, passed in outcomes:
        bins[min(BINS - 1, int(chance * BINS))].append((chance, passed))
    table = ["predicted pass chance | learners | mean prediction | observed pass rate"]
    checked = 0
    for i, members in enumerate(bins):
        if not members:
            continue
        mean = sum(c for c, _ in members) / len(members)
        observed = sum(p for _, p in members) / len(members)
        table.append(
            f"{i * 100 // BINS:>3}-{(i + 1) * 100 // BINS:<3} %            | {len(members):>8} "
            f"| {mean:>15.1%} | {observed:>18.1%}"
        )
        if len(members) >= 50:
            checked += 1
            assert abs(observed - mean) <= 0.12, table
    ours = sum((c - p) ** 2 for c, _, p in outcomes) / len(outcomes)
    before = sum((b - p) ** 2 for _, b, p in outcomes) / len(outcomes)
    table.append(f"Brier score: {ours:.3f} (accuracy-only estimate: {before:.3f})")
    with capsys.disabled():
        print("\n" + "\n".join(table))
    assert checked >= 4  # the simulation spreads learners over the bins
    assert ours < before


def test_the_pass_chance_follows_the_binomial_law() -> None:
    counts = scored_split([34, 26, 22, 18])
    assert counts == [17, 13, 11, 9]
    assert pass_chance(counts, [1.0] * 4) == pytest.approx(1.0)
    assert pass_chance(counts, [0.0] * 4) == pytest.approx(0.0)
    # Everyone at exactly 70 %: 35 of 50 is the median, so about a coin flip (a little above).
    assert 0.5 < pass_chance(counts, [0.7] * 4) < 0.65
    low, high = pass_chance(counts, [0.6] * 4), pass_chance(counts, [0.8] * 4)
    assert low < 0.1 < 0.9 < high
