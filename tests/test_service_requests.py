"""What StudyService makes of a learner's words: scopes, leaderboard arguments, languages and
reports, and the one-line error (its catalog key and parameters) for each thing it refuses."""

from __future__ import annotations

import pytest

from bot.errors import InvalidAnswer
from bot.service import StudyService
from bot.views import Scope, UserRef

ANA = UserRef("console", "local", "ana", "Ana")


@pytest.mark.parametrize(
    ("raw", "scope"),
    [
        ("d2", Scope(domain=2)),
        (" D3 ", Scope(domain=3)),
        ("2.1", Scope(domain=2, task="2.1")),
        ("task-2.1", Scope(domain=2, task="2.1")),
        ("Task-4.3", Scope(domain=4, task="4.3")),
        ("", Scope()),
        (None, Scope()),
    ],
)
def test_scope_spellings(service: StudyService, raw: str | None, scope: Scope) -> None:
    assert service.parse_scope(raw) == scope


def test_a_bad_scope_is_quoted_back_cut_to_40_characters(service: StudyService) -> None:
    given = "x" * 50
    with pytest.raises(InvalidAnswer) as err:
        service.parse_scope(f"  {given} ")
    assert err.value.key == "error.bad_scope"
    assert err.value.params == {"given": "x" * 40}


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        ([], (None, "all")),
        (["week"], (None, "week")),
        (["d2"], (2, "all")),
        (["WEEK", "D3"], (3, "week")),
        (["4", "all"], (4, "all")),
    ],
)
def test_leaderboard_arguments(
    service: StudyService, args: list[str], parsed: tuple[int | None, str]
) -> None:
    assert service.parse_board_args(args) == parsed


@pytest.mark.parametrize(
    ("args", "key"), [(["weekly"], "error.bad_period"), (["d9"], "error.bad_domain")]
)
def test_leaderboard_arguments_refused(service: StudyService, args: list[str], key: str) -> None:
    with pytest.raises(InvalidAnswer) as err:
        service.parse_board_args(args)
    assert err.value.key == key


async def test_an_unknown_language_gets_the_usage_line(service: StudyService) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.set_locale(ANA, "de")
    assert err.value.key == "lang.usage"
    assert await service.set_locale(ANA, "fr") == "fr"
    assert await service.locale(ANA) == "fr"


async def test_quiz_in_an_unknown_domain_is_refused(service: StudyService) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.next_question(ANA, "en", domain=9)
    assert err.value.key == "error.bad_domain"


async def test_quiz_on_an_unknown_task_names_the_scope_error(service: StudyService) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.next_question(ANA, "en", task="9.9")
    assert err.value.key == "error.bad_scope"
    assert err.value.params == {"given": "9.9"}


@pytest.mark.parametrize(
    ("domain", "period", "key"),
    [(None, "month", "error.bad_period"), (9, "all", "error.bad_domain")],
)
async def test_leaderboard_refuses_unknown_period_or_domain(
    service: StudyService, domain: int | None, period: str, key: str
) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.leaderboard(ANA, "en", domain, period)
    assert err.value.key == key


async def test_a_report_without_a_known_reason_lists_the_reasons(service: StudyService) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.report(ANA, "d2.1-sample-1", "boring")
    assert err.value.key == "report.bad_reason"
    assert err.value.params == {"reasons": "wrong_answer, unclear, outdated, typo, other"}


async def test_a_report_too_long_says_its_length(service: StudyService) -> None:
    with pytest.raises(InvalidAnswer) as err:
        await service.report(ANA, "d2.1-sample-1", "typo", "y" * 503)
    assert err.value.key == "report.too_long"
    assert err.value.params == {"limit": 500, "length": 503}
