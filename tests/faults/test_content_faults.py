"""Hostile or broken content files: one clipped line each, refused fast and in bounded memory."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from tests.test_content import content_dir, edit_question, problems

__all__ = ["content_dir"]  # the fixture, shared with the content tests


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "questions/1.1.yaml: -: file: empty"),
        ("# only a comment\n", "questions/1.1.yaml: -: file: empty"),
        ("a: &x [1]\nb: *x\n", "questions/1.1.yaml: -: yaml: line 1: anchors and aliases"),
        ("x: " + "[" * 40 + "]" * 40 + "\n", "nested deeper than 32 levels"),
        (b"task: \xff\n", "questions/1.1.yaml: -: file: not UTF-8 (byte 6)"),
    ],
)
def test_a_hostile_or_empty_file_gets_one_line(
    content_dir: Path, text: str | bytes, expected: str
) -> None:
    path = content_dir / "questions" / "1.1.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    found = problems(content_dir)
    assert any(expected in p for p in found), found


def test_billion_laughs_is_refused_before_it_is_built(content_dir: Path) -> None:
    # Nine levels of ten aliases would be 10**9 strings once expanded.
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    (content_dir / "lessons" / "lessons.yaml").write_text("\n".join(lines) + "\n")
    assert any("anchors and aliases" in p for p in problems(content_dir))


def test_an_oversized_file_is_refused_by_its_size_before_it_is_read(content_dir: Path) -> None:
    path = content_dir / "questions" / "1.1.yaml"
    with path.open("a") as f:  # 50 MB: the size the attack used
        f.truncate(50_000_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = problems(content_dir)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000  # KiB: not read
    assert "questions/1.1.yaml: -: file: 50,000,000 bytes, over the 2,000,000-byte limit" in found


def test_values_quoted_in_errors_are_clipped(content_dir: Path) -> None:
    edit_question(content_dir, "1.1", 0, {"references": ["x" * 10_000], "id": "y" * 10_000})
    found = problems(content_dir)
    assert found and all(len(p) < 300 for p in found), max(map(len, found))
