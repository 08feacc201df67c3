"""JSON Schemas of the question and lesson files, built from the loader's own rules.

The patterns, enums and limits come from bot.content, and the service enum from the loaded
vocabulary, so the schema an editor checks while typing cannot drift from `content check`.
Rules across questions (unique ids, the answer count a stem asks for) stay with `content check`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.content import (
    DIFFICULTIES,
    LESSON_FIELDS,
    LESSON_ID,
    LOCALES,
    MAX_ID,
    QUESTION_FIELDS,
    QUESTION_ID,
    REFERENCE,
    Content,
)

__all__ = ["SCHEMA_FILES", "lesson_file_schema", "question_file_schema", "write_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = ("questions.schema.json", "lessons.schema.json")


def _text(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": list(LOCALES),
        "properties": {loc: {"type": "string", "minLength": 1} for loc in LOCALES},
        "additionalProperties": False,
    }


def _references() -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string", "pattern": REFERENCE.pattern},
        "description": "AWS documentation pages that back every fact",
    }


def _option() -> dict[str, Any]:
    option = _text("the option, then why it is right or wrong")
    option["required"] = [*LOCALES, "why"]
    option["properties"] = {**option["properties"], "why": _text("why it is right or wrong")}
    return option


def _record(specs: dict[str, Any], fields: tuple[str, ...], optional: tuple[str, ...]) -> Any:
    # The loader's own field list decides the properties: a field it accepts has a spec here.
    return {
        "type": "object",
        "required": [f for f in fields if f not in optional],
        "additionalProperties": False,
        "properties": {f: specs[f] for f in fields},
    }


def question_file_schema(content: Content) -> dict[str, Any]:
    """The schema of content/questions/<task>.yaml."""
    tasks = [t.id for d in content.domains for t in d.tasks]
    letter = {"type": "string", "pattern": "^[A-Z]$"}
    specs: dict[str, Any] = {
        "id": {"type": "string", "pattern": QUESTION_ID.pattern, "maxLength": MAX_ID},
        "type": {"enum": ["single", "multiple"]},
        "difficulty": {"enum": list(DIFFICULTIES)},
        "services": {
            "type": "array",
            "minItems": 1,
            "items": {"enum": [s.name for s in content.services]},
        },
        "answer": {"oneOf": [letter, {"type": "array", "minItems": 2, "items": letter}]},
        "stem": _text("the scenario and its question"),
        "options": {
            "type": "object",
            "minProperties": 4,
            "propertyNames": {"pattern": "^[A-Z]$"},
            "additionalProperties": _option(),
        },
        "references": _references(),
        "guide": {"type": "string"},
    }
    question = _record(specs, QUESTION_FIELDS, optional=("guide",))
    return {
        "$schema": DRAFT,
        "title": "studybot question file (one task statement)",
        "type": "object",
        "required": ["task", "questions"],
        "additionalProperties": False,
        "properties": {
            "task": {"enum": tasks},
            "guide": {"type": "string"},
            "questions": {"type": "array", "minItems": 1, "items": question},
        },
    }


def lesson_file_schema(content: Content) -> dict[str, Any]:
    """The schema of content/lessons/*.yaml."""
    specs: dict[str, Any] = {
        "id": {"type": "string", "pattern": LESSON_ID.pattern},
        "task": {"enum": [t.id for d in content.domains for t in d.tasks]},
        "order": {"type": "integer"},
        "title": _text("the lesson's title"),
        "body": _text("light Markdown: **bold**, `code`, '- ' bullets"),
        "references": _references(),
    }
    lesson = _record(specs, LESSON_FIELDS, optional=("task", "order"))
    return {
        "$schema": DRAFT,
        "title": "studybot lesson file",
        "type": "object",
        "required": ["lessons"],
        "additionalProperties": False,
        "properties": {"lessons": {"type": "array", "minItems": 1, "items": lesson}},
    }


def write_schemas(content: Content, directory: Path) -> list[Path]:
    """Write both schemas as stable, pretty JSON; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in zip(
        SCHEMA_FILES, (question_file_schema(content), lesson_file_schema(content)), strict=True
    ):
        path = directory / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
