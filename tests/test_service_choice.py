"""What a learner typed, which question comes next, and the weeks answers fall in."""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.errors import InvalidAnswer, NotFound
from bot.service import choose_question, parse_choice, weakest_domain, week_key, weeks_before
from bot.views import DomainProgress
from tests.conftest import FIXTURE_CONTENT

SINGLE = "d2.1-sample-1"  # letters A-D, choose one
DOUBLE = "d1.1-sample-2"  # letters A-E, choose two (A and C)


# -- parse_choice: the error's parameters are what the learner reads -----------------------


@pytest.mark.parametrize(
    ("given", "shown"), [("Z", "Z"), (" xy ", "xy"), (["A", "Z"], "A,Z"), ("b, q", "b, q")]
)
def test_a_letter_not_offered_names_what_was_typed_and_the_letters(
    content: Content, given: str | list[str], shown: str
) -> None:
    with pytest.raises(InvalidAnswer) as err:
        parse_choice(given, content.questions[SINGLE])
    assert err.value.key == "error.bad_letter"
    assert err.value.params == {"given": shown, "letters": "A/B/C/D"}


@pytest.mark.parametrize(
    ("given", "shown"), [("AB", "AB"), (" a c ", "a c"), ("", "?"), (" ,", ",")]
)
def test_one_letter_expected_names_what_was_typed_or_a_question_mark(
    content: Content, given: str, shown: str
) -> None:
    with pytest.raises(InvalidAnswer) as err:
        parse_choice(given, content.questions[SINGLE])
    assert err.value.key == "error.bad_letter"
    assert err.value.params == {"given": shown, "letters": "A/B/C/D"}


@pytest.mark.parametrize("given", ["A", "A,B,C", ""])
def test_choose_two_gives_an_example_of_two_letters(content: Content, given: str) -> None:
    with pytest.raises(InvalidAnswer) as err:
        parse_choice(given, content.questions[DOUBLE])
    assert err.value.key == "error.need_n"
    assert err.value.params == {"n": 2, "example": "A,B"}


# -- choose_question ------------------------------------------------------------------------


def test_nothing_in_scope_is_an_unknown_question(content: Content) -> None:
    with pytest.raises(NotFound) as err:
        choose_question(content, {}, 1, random.Random(1), task="2.1")
    assert err.value.key == "error.unknown_question"


def test_new_questions_come_from_domains_drawn_by_exam_weight(content: Content) -> None:
    # Every domain of the fixture bank holds two questions; the weights are 34, 26, 22 and 18.
    rng = random.Random(3)
    draws = 4000
    domains = Counter(choose_question(content, {}, None, rng).domain for _ in range(draws))
    for d in content.domains:
        assert abs(domains[d.id] / draws - d.weight / 100) < 0.03, (d.id, domains)


def test_all_right_everywhere_the_heaviest_domain_comes_back(content: Content) -> None:
    seen = dict.fromkeys(content.questions, True)
    rng = random.Random(5)
    assert {choose_question(content, seen, None, rng).domain for _ in range(20)} == {1}


@pytest.fixture
def uneven(tmp_path: Path) -> Content:
    """The fixture bank with task 4.1 down to one question."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    path = root / "questions" / "4.1.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("- id: d4.1-sample-2")])
    found = load_content(root)
    assert [q for q in found.questions if q.startswith("d4.1")] == ["d4.1-sample-1"]
    return found


def test_the_weakest_task_is_the_lowest_share_right_whatever_its_size(uneven: Content) -> None:
    # Task 1.1: one of two right (a half); task 4.1: its only question right; the rest all right.
    seen = dict.fromkeys(uneven.questions, True) | {"d1.1-sample-2": False}
    rng = random.Random(2)
    picks = {choose_question(uneven, seen, None, rng).id for _ in range(10)}
    assert picks == {"d1.1-sample-2"}


def test_a_task_with_one_question_can_be_the_weakest(uneven: Content) -> None:
    seen = dict.fromkeys(uneven.questions, True) | {"d4.1-sample-1": False}
    assert choose_question(uneven, seen, None, random.Random(2)).id == "d4.1-sample-1"
    assert choose_question(uneven, seen, 4, random.Random(2)).id == "d4.1-sample-1"


# -- weakest_domain -------------------------------------------------------------------------


def test_equally_weak_domains_name_the_heavier_one() -> None:
    domains = [
        DomainProgress(1, "", 34, 4, 4),
        DomainProgress(2, "", 26, 3, 1),
        DomainProgress(3, "", 22, 3, 1),
        DomainProgress(4, "", 18, 3, 1),
    ]
    found = weakest_domain(domains)
    assert found is not None and found.id == 2
    assert weakest_domain(list(reversed(domains))) == found


# -- weeks are UTC weeks, whatever the machine's timezone --------------------------------------


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process runs 14 hours ahead of UTC (Line Islands), as a host's TZ may say."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_week_key_is_the_utc_week_on_a_host_ahead_of_utc(far_east: None) -> None:
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 13:00 in Kiritimati
    assert week_key(sunday_night) == "2026-W48"
    assert weeks_before(sunday_night, 2) == [
        ("2026-W47", date(2026, 11, 16)),
        ("2026-W48", date(2026, 11, 23)),
    ]
