"""Finding a lesson by the words a learner types."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import load_content
from bot.errors import NotFound
from bot.memory import Memory
from bot.service import StudyService
from bot.store import Store
from tests.conftest import FIXTURE_CONTENT


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("firehose", "task-1.1"),  # a word of the lesson's body only
        ("Firehose   Kinesis", "task-1.1"),  # words in another order, any spacing and case
        ("streams, kinesis!", "task-1.1"),
        ("65", "intro-exam"),  # two characters are a word
        ("ingestion", "task-1.1"),
    ],
)
def test_a_lesson_is_found_by_words_of_its_title_or_body(
    service: StudyService, query: str, found: str
) -> None:
    assert service.lesson(query, "en").id == found


@pytest.mark.parametrize("query", ["x", "a b", "unknownword", "?!"])
def test_single_letters_or_unknown_words_find_no_lesson(service: StudyService, query: str) -> None:
    with pytest.raises(NotFound) as err:
        service.lesson(query, "en")
    assert err.value.key == "error.no_lesson"


async def test_a_bank_without_lessons_finds_none(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    shutil.rmtree(root / "lessons")
    content = load_content(root)
    assert content.lessons == ()
    service = StudyService(content, store, memory=Memory(fuzz=False))
    with pytest.raises(NotFound) as err:
        service.lesson("exam", "en")
    assert err.value.params == {"query": "exam"}
