"""Content loading and validation: every problem is one line naming file, item and field."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import default_content_dir, load_content
from bot.errors import ContentError
from tests.conftest import FIXTURE_CONTENT


def studybot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from studybot.cli import main; raise SystemExit(main())", *args],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def edit_question(content_dir: Path, task: str, index: int, change: dict[str, object]) -> Path:
    path = content_dir / "questions" / f"{task}.yaml"
    data = yaml.safe_load(path.read_text())
    question = data["questions"][index]
    for key, value in change.items():
        if value is None:
            question.pop(key, None)
        else:
            question[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def problems(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(content_dir)
    return err.value.problems


def test_fixture_content_loads(content_dir: Path) -> None:
    content = load_content(content_dir)
    assert len(content.questions) == 8
    q = content.questions["d1.1-sample-2"]
    assert q.type == "multiple" and q.answer == frozenset({"A", "C"}) and q.domain == 1
    assert q.options[0].why.fr == "Pourquoi A."


def test_packaged_content_is_found_and_valid() -> None:
    content = load_content(default_content_dir())
    assert content.questions and content.lessons


def test_yaml_syntax_error_names_file_and_line(content_dir: Path) -> None:
    (content_dir / "questions" / "2.1.yaml").write_text("task: '2.1'\nquestions:\n  - id: [oops\n")
    (line,) = problems(content_dir)
    assert line.startswith("questions/2.1.yaml:") and "yaml" in line


def test_missing_field_names_file_line_id_and_field(content_dir: Path) -> None:
    edit_question(content_dir, "3.1", 0, {"difficulty": None})
    (line,) = problems(content_dir)
    assert line.startswith("questions/3.1.yaml:")
    assert ": d3.1-sample-1: difficulty:" in line
    assert line.split(":")[1].isdigit()


def test_duplicate_id(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 1, {"id": "d1.1-sample-1"})
    assert any("d1.1-sample-1: id: duplicate id" in p for p in problems(content_dir))


def test_answer_that_is_not_an_option(content_dir: Path) -> None:
    edit_question(content_dir, "4.1", 0, {"answer": "F"})
    assert any(
        "d4.1-sample-1: answer: F is not one of the options" in p for p in problems(content_dir)
    )


def test_choose_two_with_wrong_number_of_answers(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 1, {"answer": ["A", "B", "C"]})
    assert any(
        "d1.1-sample-2: answer: stem asks for 2, answer has 3" in p for p in problems(content_dir)
    )


def test_missing_french_text(content_dir: Path) -> None:
    edit_question(content_dir, "2.1", 1, {"stem": {"en": "Only English?"}})
    assert any("d2.1-sample-2: stem.fr: missing or empty text" in p for p in problems(content_dir))


def test_missing_option_explanation(content_dir: Path) -> None:
    path = content_dir / "questions" / "2.1.yaml"
    data = yaml.safe_load(path.read_text())
    del data["questions"][0]["options"]["B"]["why"]["fr"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert any("d2.1-sample-1: options.B.why.fr:" in p for p in problems(content_dir))


def test_unknown_task_and_domain(content_dir: Path) -> None:
    path = content_dir / "questions" / "9.9.yaml"
    path.write_text("task: '9.9'\nquestions: []\n")
    assert any(p.startswith("questions/9.9.yaml") and "task" in p for p in problems(content_dir))


def test_question_id_must_match_its_task(content_dir: Path) -> None:
    edit_question(content_dir, "3.1", 1, {"id": "d2.2-misplaced"})
    assert any("d2.2-misplaced: id: prefix must be d3.1-" in p for p in problems(content_dir))


def test_single_answer_needs_four_options(content_dir: Path) -> None:
    path = content_dir / "questions" / "4.1.yaml"
    data = yaml.safe_load(path.read_text())
    del data["questions"][1]["options"]["D"]
    data["questions"][1]["answer"] = "A"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert any("single needs exactly 4 options" in p for p in problems(content_dir))


def test_reference_must_be_aws_documentation(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 0, {"references": ["https://example.com/dump"]})
    assert any("references: not an AWS documentation URL" in p for p in problems(content_dir))


def test_every_problem_is_reported_at_once(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 0, {"difficulty": "trivial"})
    edit_question(content_dir, "4.1", 0, {"services": []})
    assert len(problems(content_dir)) == 2


def test_check_command_exit_codes(content_dir: Path) -> None:
    ok = studybot("content", "check", "--content-dir", str(content_dir))
    assert ok.returncode == 0, ok.stderr
    edit_question(content_dir, "2.1", 0, {"answer": "Z"})
    bad = studybot("content", "check", "--content-dir", str(content_dir))
    assert bad.returncode == 1
    assert "questions/2.1.yaml:" in bad.stderr and "Traceback" not in bad.stderr


def test_stats_json_is_one_object(content_dir: Path) -> None:
    out = studybot("content", "stats", "--json", "--content-dir", str(content_dir))
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert stats["questions"] == 8 and stats["lessons"] == 2
    assert stats["by_domain"] == {"1": 2, "2": 2, "3": 2, "4": 2}
    assert stats["by_task"]["1.1"] == 2 and stats["by_task"]["4.5"] == 0
    assert stats["multiple_response"] == 1
    assert sum(stats["correct_positions"].values()) == 7
    assert stats["locales"] == ["en", "fr"]
    assert stats["services_covered"] == ["S3"]
    assert stats["services_missing"] == ["Glue"]
    assert stats["left_out"] == {"Shield": "No data pipeline decision."}


def test_question_ids_fit_in_button_ids(content_dir: Path) -> None:
    long_id = "d1.1-" + "x" * 44
    edit_question(content_dir, "1.1", 0, {"id": long_id})
    assert any(f"{long_id}: id: longer than 48 characters" in p for p in problems(content_dir))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["domains"][0].update(weight="heavy"), "domain 1: id/weight: id and weight"),
        (lambda d: d["domains"].append("oops"), "domains: each domain must be a mapping"),
        (lambda d: d["domains"][1]["tasks"].append(7), "domain 2: tasks: each task needs an id"),
    ],
)
def test_a_broken_domains_file_gets_a_line_not_a_traceback(
    content_dir: Path, edit: Any, expected: str
) -> None:
    path = content_dir / "domains.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert any(expected in p for p in problems(content_dir))


def test_a_service_tag_must_be_in_the_vocabulary(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 0, {"services": ["Amazon S3", "Glu"]})
    found = problems(content_dir)
    assert any("d1.1-sample-1: services: write 'S3', not 'Amazon S3'" in p for p in found)
    assert any("d1.1-sample-1: services: unknown service 'Glu'" in p for p in found)
