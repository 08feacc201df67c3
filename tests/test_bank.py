"""Bank-level rules over every shipped content file, so a later edit cannot silently break them."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.content import Content, default_content_dir, load_content
from bot.content_schema import lesson_file_schema, question_file_schema, write_schemas
from bot.stats import content_stats

WEIGHTS = {1: 34, 2: 26, 3: 22, 4: 18}


@pytest.fixture(scope="module")
def bank() -> Content:
    return load_content(default_content_dir())


def test_every_shipped_file_is_loaded(bank: Content) -> None:
    root = default_content_dir()
    reference = {"domains.yaml", "services.yaml", "glossary.fr.yaml"}
    files = {str(p.relative_to(root)) for p in root.rglob("*.yaml")} - reference
    sources = {q.source for q in bank.questions.values()}
    lesson_files = {str(p.relative_to(root)) for p in (root / "lessons").glob("*.yaml")}
    assert files == sources | lesson_files
    assert len(sources) == 17  # one question file per task statement
    for path in lesson_files:
        ids = {item["id"] for item in yaml.safe_load((root / path).read_text())["lessons"]}
        assert ids <= {lesson.id for lesson in bank.lessons}


def test_size_and_domain_shares_follow_the_exam(bank: Content) -> None:
    total = len(bank.questions)
    assert total >= 500  # seven distinct 65-question mock exams
    by_domain = Counter(q.domain for q in bank.questions.values())
    for domain, weight in WEIGHTS.items():
        share = 100 * by_domain[domain] / total
        assert abs(share - weight) <= 3, (domain, round(share, 1))


def test_every_task_statement_has_at_least_twenty_questions(bank: Content) -> None:
    by_task = Counter(q.task for q in bank.questions.values())
    tasks = [t.id for d in bank.domains for t in d.tasks]
    assert len(tasks) == 17
    assert {t: by_task[t] for t in tasks if by_task[t] < 20} == {}


def test_at_least_thirty_percent_hard(bank: Content) -> None:
    hard = sum(q.difficulty == "hard" for q in bank.questions.values())
    assert hard / len(bank.questions) >= 0.30, hard


def test_every_in_scope_service_is_asked_or_left_out_with_a_reason(bank: Content) -> None:
    coverage = content_stats(bank)
    assert coverage["services_missing"] == []
    assert all(reason.strip() for reason in coverage["left_out"].values())
    # The tags are the vocabulary's names (the loader refuses aliases and unknown names).
    names = {s.name for s in bank.services}
    assert {tag for q in bank.questions.values() for tag in q.services} <= names


def test_multiple_response_share_and_shape(bank: Content) -> None:
    questions = list(bank.questions.values())
    multiple = [q for q in questions if q.type == "multiple"]
    assert len(multiple) / len(questions) >= 0.15
    assert all(len(q.options) >= 5 and q.choose >= 2 for q in multiple)
    assert all(len(q.options) == 4 and q.choose == 1 for q in questions if q.type == "single")


def test_right_letters_are_spread_evenly(bank: Content) -> None:
    singles = [q for q in bank.questions.values() if q.type == "single"]
    letters = Counter(next(iter(q.answer)) for q in singles)
    assert set(letters) == {"A", "B", "C", "D"}
    assert max(letters.values()) / len(singles) <= 0.30, letters


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.sub(r"\W+", " ", text.lower()).split()
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def test_no_two_stems_are_the_same_or_nearly(bank: Content) -> None:
    # Word 3-gram Jaccard similarity: reworded copies share most of their phrases.
    stems = {q.id: _shingles(q.stem.en) for q in bank.questions.values()}
    close = [
        (a, b)
        for (a, sa), (b, sb) in combinations(stems.items(), 2)
        if len(sa & sb) / len(sa | sb) > 0.5
    ]
    assert close == []


def test_the_near_duplicate_measure_catches_a_reworded_copy() -> None:
    a = _shingles(
        "A company ingests clickstream events into Amazon Kinesis Data Streams every day."
    )
    b = _shingles("A company ingests clickstream events into Amazon Kinesis Data Streams each day.")
    assert len(a & b) / len(a | b) > 0.5


def test_both_languages_everywhere_and_every_option_explained(bank: Content) -> None:
    for q in bank.questions.values():
        texts = [q.stem] + [o.text for o in q.options] + [o.why for o in q.options]
        assert all(t.en and t.fr for t in texts), q.id
        assert q.stem.en != q.stem.fr, q.id
        assert q.references and q.guide and q.services and q.difficulty
    for lesson in bank.lessons:
        assert lesson.title.en and lesson.title.fr and lesson.body.en and lesson.body.fr


def test_todays_service_names(bank: Content) -> None:
    old = re.compile(r"Kinesis Data Firehose|Kinesis Data Analytics")
    for q in bank.questions.values():
        texts = (
            [q.stem.en, q.stem.fr] + [o.text.en for o in q.options] + [o.text.fr for o in q.options]
        )
        assert not any(old.search(t) for t in texts), q.id


def test_one_lesson_per_task_statement_and_the_seed_section(bank: Content) -> None:
    tasks = {lesson.task for lesson in bank.lessons if lesson.task}
    assert tasks == {t.id for d in bank.domains for t in d.tasks}
    ids = {lesson.id for lesson in bank.lessons}
    assert {
        "intro-exam",
        "intro-data-engineer",
        "intro-five-vs",
        "intro-pipeline",
        "intro-s3-cli",
    } <= ids
    exam = next(x for x in bank.lessons if x.id == "intro-exam")
    assert "65" in exam.body.en and "130" in exam.body.en and "85" in exam.body.en
    assert "65" in exam.body.fr and "130" in exam.body.fr


def test_content_dir_is_the_installed_package() -> None:
    # `pip install .` (not only editable) must carry the content: it sits beside the package.
    assert (default_content_dir() / "domains.yaml").is_file()
    assert Path(default_content_dir()).name in ("content", "studybot_content")


def test_the_editor_schemas_are_generated_from_the_loader(bank: Content, tmp_path: Path) -> None:
    # `make schema` writes them; a rule changed in the loader without it fails here.
    for path in write_schemas(bank, tmp_path):
        shipped = default_content_dir() / "schema" / path.name
        assert json.loads(shipped.read_text()) == json.loads(path.read_text()), path.name


def test_every_shipped_file_passes_its_editor_schema(bank: Content) -> None:
    root = default_content_dir()
    for kind, schema in (
        ("questions", question_file_schema(bank)),
        ("lessons", lesson_file_schema(bank)),
    ):
        validator = jsonschema.Draft202012Validator(schema)
        for path in sorted((root / kind).glob("*.yaml")):
            assert path.read_text().startswith(
                f"# yaml-language-server: $schema=../schema/{kind}.schema.json\n"
            ), path.name
            errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
            assert errors == [], (path.name, errors[:3])


def test_the_schema_refuses_what_the_loader_refuses(bank: Content) -> None:
    validator = jsonschema.Draft202012Validator(question_file_schema(bank))
    good = yaml.safe_load((default_content_dir() / "questions" / "1.1.yaml").read_text())
    for change in (
        {"services": ["Amazon S3"]},
        {"difficulty": "trivial"},
        {"id": "q-1"},
        {"references": ["https://example.com/x"]},
        {"answers": "A"},
    ):
        broken = {**good, "questions": [{**good["questions"][0], **change}]}
        assert not validator.is_valid(broken), change
