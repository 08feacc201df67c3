"""Load and validate content/ (domains, questions, lessons) into frozen dataclasses."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError
from bot.typography import french_spacing

__all__ = [
    "LOCALES",
    "Content",
    "Domain",
    "Lesson",
    "Option",
    "Question",
    "Service",
    "Task",
    "Text",
    "default_content_dir",
    "load_content",
]

log = logging.getLogger(__name__)

LOCALES = ("en", "fr")
DIFFICULTIES = ("easy", "medium", "hard")
QUESTION_ID = re.compile(r"^d(\d\.\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids travel in button ids (Discord allows 100 characters, with the token, letters and owner).
MAX_ID = 48
LESSON_ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
REFERENCE = re.compile(r"^https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/\S*$")
CHOOSE_EN = {"TWO": 2, "THREE": 3}
CHOOSE_FR = {2: "(Choisissez DEUX réponses.)", 3: "(Choisissez TROIS réponses.)"}
SCOPES = ("guide", "guide-1.1", "outside")
QUESTION_FIELDS = (
    "id",
    "type",
    "difficulty",
    "services",
    "answer",
    "stem",
    "options",
    "references",
    "guide",
)
LESSON_FIELDS = ("id", "task", "order", "title", "body", "references")
# A content file is a few hundred kilobytes; anything far larger is a mistake or an attack.
MAX_FILE_BYTES = 2_000_000
CLIP = 60


@dataclass(frozen=True, slots=True)
class Text:
    """A learner-facing text in every locale."""

    en: str
    fr: str

    def get(self, locale: str) -> str:
        return french_spacing(self.fr) if locale == "fr" else self.en


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    domain: int
    name: Text


@dataclass(frozen=True, slots=True)
class Domain:
    id: int
    weight: int
    name: Text
    tasks: tuple[Task, ...]


@dataclass(frozen=True, slots=True)
class Option:
    letter: str
    text: Text
    why: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    task: str
    domain: int
    type: str
    difficulty: str
    services: tuple[str, ...]
    answer: frozenset[str]
    stem: Text
    options: tuple[Option, ...]
    references: tuple[str, ...]
    guide: str
    source: str

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(o.letter for o in self.options)

    @property
    def choose(self) -> int:
        return len(self.answer)


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: Text
    body: Text
    task: str | None
    order: int
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Service:
    """One entry of the tag vocabulary (content/services.yaml)."""

    name: str
    aws: str
    scope: str
    part_of: str | None = None
    left_out: str | None = None


@dataclass(frozen=True)
class Content:
    """All content, indexed for the service's look-ups."""

    domains: tuple[Domain, ...]
    questions: Mapping[str, Question]
    lessons: tuple[Lesson, ...]
    guide: str
    services: tuple[Service, ...] = ()
    _by_domain: dict[int, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_domain: dict[int, list[str]] = {d.id: [] for d in self.domains}
        for q in self.questions.values():
            by_domain[q.domain].append(q.id)
        object.__setattr__(self, "_by_domain", {k: tuple(v) for k, v in by_domain.items()})

    def domain(self, domain_id: int) -> Domain:
        return next(d for d in self.domains if d.id == domain_id)

    def task(self, task_id: str) -> Task:
        return next(t for d in self.domains for t in d.tasks if t.id == task_id)

    def question_ids(self, domain: int | None = None) -> tuple[str, ...]:
        """Question ids in a stable order, for one domain or all."""
        if domain is None:
            return tuple(self.questions)
        return self._by_domain.get(domain, ())


def default_content_dir() -> Path:
    """The content shipped with the installed package."""
    return Path(str(resources.files("studybot_content")))


class _Map(dict[str, Any]):
    line = 0


# libyaml's loader when PyYAML has it (several times faster), with the same safe semantics.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader whose mappings remember the line they start on."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    m = _Map({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    m.line = node.start_mark.line + 1
    return m


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class _Problems:
    """Collects one line per problem: `file:line: id: field: problem`."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, node: Any, item: str, fld: str, problem: str) -> None:
        line = getattr(node, "line", 0)
        where = f"{file}:{line}" if line else file
        self.lines.append(f"{where}: {item[:CLIP]}: {fld[:CLIP]}: {problem}")


def _clip(value: object) -> str:
    """A value quoted in a one-line error, cut short: a hostile file must not flood the log."""
    text = repr(value)
    return text if len(text) <= CLIP else text[: CLIP - 1] + "…"


MAX_DEPTH = 32


def _refuse_structure(text: str) -> str | None:
    """Why the YAML cannot be content (anchors, aliases, absurd nesting), before it is built.

    Aliases are refused outright: no content file needs them, and they are how a small file asks
    for an exponential amount of work (the "billion laughs").
    """
    depth = 0
    for event in yaml.parse(text, Loader=_SafeBase):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return f"line {line}: anchors and aliases (& and *) are not allowed"
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return f"line {line}: nested deeper than {MAX_DEPTH} levels"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _read_yaml(path: Path, root: Path, problems: _Problems) -> Any:
    name = str(path.relative_to(root))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.lines.append(
                f"{name}: -: file: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"
            )
            return None
        text = path.read_bytes().decode("utf-8")
        refused = _refuse_structure(text)
        if refused:
            problems.lines.append(f"{name}: -: yaml: {refused}")
            return None
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        problems.lines.append(f"{name}{line}: -: yaml: {e.problem or e}")
        return None
    except UnicodeDecodeError as e:
        problems.lines.append(f"{name}: -: file: not UTF-8 (byte {e.start})")
        return None
    except (yaml.YAMLError, OSError) as e:
        problems.lines.append(f"{name}: -: yaml: {_clip(str(e))}")
        return None
    if data is None:
        problems.lines.append(f"{name}: -: file: empty (no content, only comments or blanks)")
    return data


def _text(
    raw: Any, file: str, item: str, fld: str, problems: _Problems, parent: Any = None
) -> Text:
    if not isinstance(raw, Mapping):
        problems.add(file, parent, item, fld, "missing or not a mapping of en/fr texts")
        return Text("", "")
    for loc in LOCALES:
        value = raw.get(loc)
        if not isinstance(value, str) or not value.strip():
            problems.add(file, raw, item, f"{fld}.{loc}", "missing or empty text")
    return Text(str(raw.get("en") or "").strip(), str(raw.get("fr") or "").strip())


def _references(raw: Any, file: str, item: str, node: Any, problems: _Problems) -> tuple[str, ...]:
    refs = raw if isinstance(raw, list) else []
    if not refs:
        problems.add(file, node, item, "references", "needs at least one AWS documentation URL")
    for ref in refs:
        if not isinstance(ref, str) or not REFERENCE.match(ref):
            problems.add(
                file, node, item, "references", f"not an AWS documentation URL: {_clip(ref)}"
            )
    return tuple(str(r) for r in refs)


def _domain(raw: Any, file: str, problems: _Problems) -> Domain | None:
    if not isinstance(raw, Mapping):
        problems.add(file, None, "-", "domains", "each domain must be a mapping")
        return None
    item = f"domain {raw.get('id')}"
    did, weight = raw.get("id"), raw.get("weight")
    if not isinstance(did, int) or not isinstance(weight, int):
        problems.add(file, raw, item, "id/weight", "id and weight must be whole numbers")
        return None
    tasks = []
    for t in raw.get("tasks") or []:
        if not isinstance(t, Mapping) or not isinstance(t.get("id"), str):
            problems.add(file, raw, item, "tasks", 'each task needs an id such as "1.1"')
            continue
        tasks.append(Task(t["id"], did, _text(t.get("name"), file, item, "name", problems, t)))
    name = _text(raw.get("name"), file, item, "name", problems, raw)
    return Domain(did, weight, name, tuple(tasks))


def _load_domains(root: Path, problems: _Problems) -> tuple[tuple[Domain, ...], str]:
    file = "domains.yaml"
    raw = _read_yaml(root / file, root, problems)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("domains"), list):
        problems.add(file, raw, "-", "domains", "missing list of domains")
        return (), ""
    found = (_domain(d, file, problems) for d in raw["domains"])
    domains = tuple(d for d in found if d is not None)
    if sum(d.weight for d in domains) != 100:
        problems.add(file, raw, "-", "weight", "domain weights must add up to 100")
    return domains, str(raw.get("guide", ""))


def _service(raw: Any, file: str, problems: _Problems) -> Service | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        problems.add(file, raw, "-", "services", "each service needs a name")
        return None
    name = raw["name"]
    if raw.get("scope") not in SCOPES:
        problems.add(file, raw, name, "scope", f"must be one of {', '.join(SCOPES)}")
    if not isinstance(raw.get("aws"), str):
        problems.add(file, raw, name, "aws", "needs the service's current AWS name")
    return Service(
        name=name,
        aws=str(raw.get("aws")),
        scope=str(raw.get("scope")),
        part_of=raw.get("part_of"),
        left_out=raw.get("left_out"),
    )


def _load_services(root: Path, problems: _Problems) -> tuple[tuple[Service, ...], dict[str, str]]:
    """The vocabulary, and every accepted spelling mapped to its tag (aliases included)."""
    file = "services.yaml"
    raw = _read_yaml(root / file, root, problems) if (root / file).is_file() else None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("services"), list):
        problems.add(file, raw, "-", "services", "missing list of services (the tag vocabulary)")
        return (), {}
    services: list[Service] = []
    tags: dict[str, str] = {}
    for item in raw["services"]:
        service = _service(item, file, problems)
        if service is None:
            continue
        services.append(service)
        tags.update({str(alias): service.name for alias in item.get("aliases") or []})
    tags.update({s.name: s.name for s in services})
    for s in services:
        if s.part_of is not None and s.part_of not in tags:
            problems.add(file, None, s.name, "part_of", f"unknown service {_clip(s.part_of)}")
    return tuple(services), tags


def _stem_choose(stem_en: str) -> int:
    m = re.search(r"\(Choose (TWO|THREE)\.\)", stem_en)
    return CHOOSE_EN[m.group(1)] if m else 1


def _check_answer(q: Question, file: str, node: Any, problems: _Problems) -> None:
    letters = q.letters
    expected = tuple("ABCDEFGH"[: len(letters)])
    if letters != expected:
        problems.add(
            file, node, q.id, "options", f"letters must run from A: got {','.join(letters)}"
        )
    for letter in sorted(q.answer - set(letters)):
        problems.add(file, node, q.id, "answer", f"{letter} is not one of the options")
    if q.type == "single":
        if len(letters) != 4:
            problems.add(
                file, node, q.id, "options", f"single needs exactly 4 options, has {len(letters)}"
            )
        if len(q.answer) != 1:
            problems.add(file, node, q.id, "answer", "single needs exactly one right answer")
        return
    asked = _stem_choose(q.stem.en)
    if asked < 2:
        problems.add(
            file, node, q.id, "stem.en", "multiple must say (Choose TWO.) or (Choose THREE.)"
        )
    elif len(q.answer) != asked:
        problems.add(
            file, node, q.id, "answer", f"stem asks for {asked}, answer has {len(q.answer)}"
        )
    elif CHOOSE_FR[asked] not in q.stem.fr:
        problems.add(file, node, q.id, "stem.fr", f"must say {CHOOSE_FR[asked]}")
    if len(letters) < 5:
        problems.add(file, node, q.id, "options", "multiple needs at least 5 options")


def _check_fields(
    raw: Mapping[str, Any], known: tuple[str, ...], file: str, item: str, problems: _Problems
) -> None:
    for key in raw:
        if key not in known:
            problems.add(file, raw, item, _clip(key), "unknown field (a typo?)")


def _check_tags(
    services: list[Any],
    tags: Mapping[str, str],
    file: str,
    node: Any,
    qid: str,
    problems: _Problems,
) -> None:
    for tag in services:
        name = tags.get(str(tag))
        if name is None:
            problems.add(
                file, node, qid, "services", f"unknown service {_clip(tag)} (see services.yaml)"
            )
        elif name != tag:
            problems.add(file, node, qid, "services", f"write {name!r}, not {_clip(tag)}")


def _question(
    raw: Any, task: Task, guide: str, file: str, tags: Mapping[str, str], problems: _Problems
) -> Question | None:
    if not isinstance(raw, Mapping):
        problems.add(file, None, "-", "questions", "each question must be a mapping")
        return None
    qid = str(raw.get("id", "")) or "-"
    m = QUESTION_ID.match(qid)
    if not m:
        problems.add(file, raw, qid, "id", "must look like d1.1-short-slug")
    elif len(qid) > MAX_ID:
        problems.add(file, raw, qid, "id", f"longer than {MAX_ID} characters")
    elif m.group(1) != task.id:
        problems.add(file, raw, qid, "id", f"prefix must be d{task.id}- in this file")
    _check_fields(raw, QUESTION_FIELDS, file, qid, problems)
    qtype = raw.get("type")
    if qtype not in ("single", "multiple"):
        problems.add(file, raw, qid, "type", "must be single or multiple")
    if raw.get("difficulty") not in DIFFICULTIES:
        problems.add(file, raw, qid, "difficulty", "must be easy, medium or hard")
    services = raw.get("services")
    if not isinstance(services, list) or not services:
        problems.add(file, raw, qid, "services", "needs a non-empty list of service names")
        services = []
    _check_tags(services, tags, file, raw, qid, problems)
    answer = raw.get("answer")
    answers = [answer] if isinstance(answer, str) else answer
    if not isinstance(answers, list) or not answers:
        problems.add(file, raw, qid, "answer", "missing: one letter, or a list for multiple")
        answers = []
    opts = raw.get("options")
    if not isinstance(opts, Mapping) or not opts:
        problems.add(file, raw, qid, "options", "missing mapping of lettered options")
        opts = {}
    options = tuple(
        Option(
            str(letter),
            _text(o, file, qid, f"options.{letter}", problems, raw),
            _text(
                o.get("why") if isinstance(o, Mapping) else None,
                file,
                qid,
                f"options.{letter}.why",
                problems,
                o,
            ),
        )
        for letter, o in opts.items()
    )
    q = Question(
        id=qid,
        task=task.id,
        domain=task.domain,
        type=str(qtype),
        difficulty=str(raw.get("difficulty")),
        services=tuple(str(s) for s in services),
        answer=frozenset(str(a) for a in answers),
        stem=_text(raw.get("stem"), file, qid, "stem", problems, raw),
        options=options,
        references=_references(raw.get("references"), file, qid, raw, problems),
        guide=str(raw.get("guide", guide)),
        source=file,
    )
    _check_answer(q, file, raw, problems)
    return q


def _load_questions(
    root: Path, tasks: dict[str, Task], tags: Mapping[str, str], problems: _Problems
) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for path in sorted((root / "questions").glob("*.yaml")):
        file = str(path.relative_to(root))
        raw = _read_yaml(path, root, problems)
        if raw is None:
            continue
        task = tasks.get(str(raw.get("task")) if isinstance(raw, Mapping) else "")
        if task is None or not isinstance(raw.get("questions"), list):
            problems.add(
                file, raw, "-", "task", "needs a known task (1.1 ... 4.5) and a questions list"
            )
            continue
        for item in raw["questions"]:
            q = _question(item, task, str(raw.get("guide", "")), file, tags, problems)
            if q is None:
                continue
            if q.id in questions:
                problems.add(
                    file, item, q.id, "id", f"duplicate id, also in {questions[q.id].source}"
                )
                continue
            questions[q.id] = q
    return questions


def _lesson(raw: Any, tasks: dict[str, Task], file: str, problems: _Problems) -> Lesson:
    lid = str(raw.get("id", "")) if isinstance(raw, Mapping) else ""
    if not isinstance(raw, Mapping):
        raw = _Map()
    if not LESSON_ID.match(lid):
        problems.add(
            file, raw, lid or "-", "id", "must be lowercase letters, digits, dots and dashes"
        )
    _check_fields(raw, LESSON_FIELDS, file, lid or "-", problems)
    task = raw.get("task")
    if task is not None and str(task) not in tasks:
        problems.add(file, raw, lid, "task", f"unknown task {_clip(task)}")
    order = raw.get("order", 1000)
    if not isinstance(order, int):
        problems.add(file, raw, lid, "order", "must be an integer")
        order = 1000
    return Lesson(
        id=lid,
        title=_text(raw.get("title"), file, lid, "title", problems, raw),
        body=_text(raw.get("body"), file, lid, "body", problems, raw),
        task=None if task is None else str(task),
        order=order,
        references=_references(raw.get("references"), file, lid, raw, problems),
    )


def _load_lessons(root: Path, tasks: dict[str, Task], problems: _Problems) -> tuple[Lesson, ...]:
    lessons: dict[str, Lesson] = {}
    for path in sorted((root / "lessons").glob("*.yaml")):
        file = str(path.relative_to(root))
        raw = _read_yaml(path, root, problems)
        if raw is None:
            continue
        if not isinstance(raw, Mapping) or not isinstance(raw.get("lessons"), list):
            problems.add(file, raw, "-", "lessons", "needs a lessons list")
            continue
        for item in raw["lessons"]:
            lesson = _lesson(item, tasks, file, problems)
            if lesson.id in lessons:
                problems.add(file, item, lesson.id, "id", "duplicate lesson id")
            lessons[lesson.id] = lesson
    return tuple(sorted(lessons.values(), key=lambda x: (x.order, x.id)))


def load_content(root: Path | None = None) -> Content:
    """Load every content file under `root`; raise ContentError listing every problem."""
    root = root or default_content_dir()
    problems = _Problems()
    if not (root / "domains.yaml").is_file():
        raise ContentError([f"{root}: -: domains.yaml: not found (is this a content directory?)"])
    domains, guide = _load_domains(root, problems)
    tasks = {t.id: t for d in domains for t in d.tasks}
    services, tags = _load_services(root, problems)
    questions = _load_questions(root, tasks, tags, problems)
    lessons = _load_lessons(root, tasks, problems)
    if not questions and not problems.lines:
        problems.lines.append(f"{root}: -: questions: no questions found")
    if problems.lines:
        raise ContentError(problems.lines)
    log.info("content loaded: %d questions, %d lessons", len(questions), len(lessons))
    return Content(
        domains=domains, questions=questions, lessons=lessons, guide=guide, services=services
    )
