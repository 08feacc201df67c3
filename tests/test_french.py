"""The French glossary (content/glossary.fr.yaml) holds over every French text a learner reads."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest
import yaml

from bot.content import Content, default_content_dir, load_content
from bot.i18n import FR

Term = tuple[str, re.Pattern[str]]


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    raw = yaml.safe_load((default_content_dir() / "glossary.fr.yaml").read_text())["terms"]
    return [(t["fr"], re.compile(p, re.IGNORECASE)) for t in raw for p in t.get("avoid") or []]


def french_texts(bank: Content) -> Iterator[tuple[str, str]]:
    for q in bank.questions.values():
        yield f"{q.id} stem", q.stem.fr
        for o in q.options:
            yield f"{q.id} {o.letter}", o.text.fr
            yield f"{q.id} {o.letter}.why", o.why.fr
    for lesson in bank.lessons:
        yield lesson.id, f"{lesson.title.fr}\n{lesson.body.fr}"
    for d in bank.domains:
        yield f"domain {d.id}", d.name.fr
        for task in d.tasks:
            yield f"task {task.id}", task.name.fr
    for key, text in FR.items():
        # Placeholders ({query}, {cmd[lesson]}) are names for code, not French.
        yield f"catalog {key}", "".join(lit for lit, *_ in string.Formatter().parse(text))


def slips(texts: Iterator[tuple[str, str]], terms: list[Term]) -> list[str]:
    return [
        f"{where}: {found.group(0)!r} -> {use}"
        for where, text in texts
        for use, pattern in terms
        if (found := pattern.search(text))
    ]


def test_every_french_text_follows_the_glossary(terms: list[Term]) -> None:
    assert slips(french_texts(load_content(default_content_dir())), terms) == []


def test_the_glossary_check_names_the_text_and_the_term(terms: list[Term]) -> None:
    texts = iter([("d1.1-x stem", "Les données curées sont cryptées par le data engineer.")])
    assert slips(texts, terms) == [
        "d1.1-x stem: 'data engineer' -> ingénieur de données",
        "d1.1-x stem: 'curées' -> données préparées / zone des données préparées",
        "d1.1-x stem: 'cryptées' -> chiffrement / chiffrer / déchiffrer",
    ]
