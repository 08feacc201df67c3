"""The rules that are laws, checked over generated inputs (hypothesis): answers' spelling, the
exam estimate, leaderboard order and ties, streaks across timezones and DST, the daily pick."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.content import default_content_dir, load_content
from bot.daily import pick_daily
from bot.errors import InvalidAnswer
from bot.localtime import local_date, to_utc
from bot.ranking import Board, Standing
from bot.service import MIN_ANSWERS, MIN_PER_DOMAIN, estimate_score, parse_choice
from bot.streaks import current_streak, next_streak
from bot.views import DomainProgress
from tests.conftest import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = load_content(FIXTURE_CONTENT)
BANK = load_content(default_content_dir())  # the shipped bank: a realistic size for the pick
SINGLE = FIXTURE.questions["d2.1-sample-1"]  # A-D, one right answer
MULTIPLE = FIXTURE.questions["d1.1-sample-2"]  # A-E, choose two
SEPARATORS = " ,;/+&\t"

# -- parse_choice -------------------------------------------------------------------------


# Any text at all, and text made mostly of letters and separators (what a learner types).
ANSWERS = st.text() | st.text(st.sampled_from("ABCDEFZabcdefz ,;/+&\t\u00a0é1"), max_size=8)


@given(ANSWERS, st.sampled_from([SINGLE, MULTIPLE]))
def test_any_text_is_either_a_valid_choice_or_a_polite_refusal(text: str, question: object) -> None:
    assert question is SINGLE or question is MULTIPLE
    try:
        letters = parse_choice(text, question)
    except InvalidAnswer:
        return
    assert letters == tuple(sorted(set(letters)))  # sorted, no letter twice
    assert len(letters) == question.choose and set(letters) <= set(question.letters)
    assert set(letters) == {c for c in text.upper() if not c.isspace() and c not in ",;/+&"}


@given(st.data(), st.sampled_from([SINGLE, MULTIPLE]))
def test_the_right_number_of_letters_in_any_case_order_and_spacing_is_understood(
    data: st.DataObject, question: object
) -> None:
    assert question is SINGLE or question is MULTIPLE
    chosen = data.draw(
        st.lists(
            st.sampled_from(question.letters),
            min_size=question.choose,
            max_size=question.choose,
            unique=True,
        )
    )
    cased = [data.draw(st.sampled_from([x, x.lower()])) for x in chosen]
    gaps = [data.draw(st.text(SEPARATORS, max_size=3)) for _ in range(len(cased) + 1)]
    text = gaps[0] + "".join(c + g for c, g in zip(cased, gaps[1:], strict=True))
    assert parse_choice(text, question) == tuple(sorted(chosen))


# -- the exam estimate ----------------------------------------------------------------------

WEIGHTS = (34, 26, 22, 18)


@st.composite
def progress(draw: st.DrawFn) -> tuple[DomainProgress, ...]:
    rows = []
    for n, weight in enumerate(WEIGHTS, start=1):
        attempts = draw(st.integers(0, 30))
        rows.append(DomainProgress(n, f"D{n}", weight, attempts, draw(st.integers(0, attempts))))
    return tuple(rows)


def one_more(
    rows: tuple[DomainProgress, ...], domain: int, right: bool
) -> tuple[DomainProgress, ...]:
    return tuple(
        DomainProgress(d.id, d.name, d.weight, d.attempts + 1, d.correct + right)
        if d.id == domain
        else d
        for d in rows
    )


@given(progress())
def test_the_estimate_shows_exactly_from_20_answers_with_3_in_every_domain(
    rows: tuple[DomainProgress, ...],
) -> None:
    estimate, needed = estimate_score(rows)
    total = sum(d.attempts for d in rows)
    short = sum(max(0, MIN_PER_DOMAIN - d.attempts) for d in rows)
    assert needed == max(0, MIN_ANSWERS - total, short)
    assert (estimate is None) is (needed > 0)
    if estimate is not None:
        assert 100 <= estimate <= 1000


@given(progress(), st.sampled_from([1, 2, 3, 4]))
def test_a_right_answer_never_lowers_the_estimate_and_a_wrong_one_never_raises_it(
    rows: tuple[DomainProgress, ...], domain: int
) -> None:
    estimate, needed = estimate_score(rows)
    after_right, needed_right = estimate_score(one_more(rows, domain, True))
    after_wrong, needed_wrong = estimate_score(one_more(rows, domain, False))
    assert needed_right == needed_wrong <= needed  # any answer brings the estimate closer
    if estimate is not None:
        assert after_right is not None and after_wrong is not None
        assert after_wrong <= estimate <= after_right


# -- leaderboards ---------------------------------------------------------------------------

puts = st.lists(
    st.tuples(st.integers(1, 12), st.integers(0, 40), st.integers(0, 40)).map(
        lambda t: (t[0], max(t[1], t[2]), min(t[1], t[2]))  # correct <= attempts
    ),
    max_size=60,
)


@given(puts, st.integers(0, 15))
def test_a_board_ranks_like_sorting_the_latest_totals_and_ties_share_a_rank(
    events: list[tuple[int, int, int]], limit: int
) -> None:
    board = Board()
    latest: dict[int, tuple[int, int]] = {}  # user -> (attempts, correct): the most attempts
    for user, attempts, correct in events:
        board.put(user, attempts, correct)
        if user not in latest or attempts > latest[user][0]:
            latest[user] = (attempts, correct)

    def rank(user: int) -> int:
        return 1 + sum(c > latest[user][1] for _, c in latest.values())

    order = sorted(latest, key=lambda u: (-latest[u][1], latest[u][0], u))
    expected = [Standing(u, rank(u), *latest[u]) for u in order[:limit]]
    assert board.top(limit) == expected
    for user in range(1, 13):
        found = board.standing(user)
        assert found == (Standing(user, rank(user), *latest[user]) if user in latest else None)


# -- streaks across timezones and DST -------------------------------------------------------

ZONES = (
    "UTC", "Europe/Paris", "America/New_York", "Pacific/Auckland", "Australia/Lord_Howe",
    "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago",
    "America/Havana", "Asia/Beirut",
)  # fmt: skip
# Around the 2026 DST changes of those zones: March to April, September to November.
STARTS = st.dates(date(2026, 3, 1), date(2026, 4, 10)) | st.dates(
    date(2026, 9, 20), date(2026, 11, 10)
)
CLOCK = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))


@given(
    st.sampled_from(ZONES),
    STARTS,
    st.lists(st.tuples(st.sampled_from([0, 1, 1, 1, 2, 3]), CLOCK), min_size=1, max_size=12),
)
def test_a_streak_counts_local_days_in_a_row_whatever_the_zone_and_its_dst(
    zone: str, start: date, answers: list[tuple[int, str]]
) -> None:
    """Each answer comes `gap` local days after the previous one, at a local wall-clock time
    (in a DST gap or fold too): the streak grows on the next day, holds on the same day and
    starts again after a missed day; it is shown alive until the end of the next local day."""
    streak, last, expected, day = 0, None, 0, start
    for gap, at in answers:
        day += timedelta(days=gap)
        moment = to_utc(day, at, zone)
        today = local_date(moment, zone)
        assert today == day  # a wall-clock time of a day is on that day, even in a DST gap
        if last is None or gap > 1:
            expected = 1
        elif gap == 1:
            expected += 1
        streak = next_streak(streak, last, today)
        last = today.isoformat()
        assert streak == expected, (day, at, today)
        assert current_streak(streak, last, zone, moment) == streak
    end_of_next_day = to_utc(day + timedelta(days=2), "00:00", zone) - timedelta(seconds=1)
    assert current_streak(streak, last, zone, end_of_next_day) == streak
    assert current_streak(streak, last, zone, end_of_next_day + timedelta(seconds=1)) == 0


# -- the daily pick -------------------------------------------------------------------------

CHANNELS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=24
)
DAYS = st.dates(date(2024, 1, 1), date(2040, 12, 31))


@given(CHANNELS, DAYS, st.lists(st.sampled_from(sorted(BANK.questions)), max_size=40))
def test_the_daily_pick_depends_only_on_channel_date_and_history_and_repeats_nothing_early(
    channel: str, day: date, history: list[str]
) -> None:
    picked = pick_daily(BANK, f"discord:{channel}", day, history)
    assert pick_daily(BANK, f"discord:{channel}", day, list(history)).id == picked.id
    assert picked.id not in history  # 40 posts use up no bank of this size


def test_the_daily_pick_is_the_same_in_another_process_with_another_hash_seed() -> None:
    cases = [(f"slack:C{n}", date(2026, 11, 27) + timedelta(days=n * 37)) for n in range(40)]
    here = [pick_daily(BANK, key, day, []).id for key, day in cases]
    code = (
        "import sys, datetime\n"
        "from bot.content import default_content_dir, load_content\n"
        "from bot.daily import pick_daily\n"
        "bank = load_content(default_content_dir())\n"
        "for line in sys.stdin.read().split():\n"
        "    key, day = line.split('@')\n"
        "    print(pick_daily(bank, key, datetime.date.fromisoformat(day), []).id)\n"
    )
    stdin = "\n".join(f"{key}@{day.isoformat()}" for key, day in cases)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # set and dict orders differ from here
    out = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, env=env,
        cwd=ROOT, check=True,
    )  # fmt: skip
    assert out.stdout.split() == here
