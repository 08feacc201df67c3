"""The layers of ARCHITECTURE.md, enforced: who may import whom.

core (bot/)            imports no platform library, no adapter, no scheduler, no runtime
scheduler/             imports no adapter and no runtime
adapters/shared/       imports no platform package, no scheduler, no runtime
adapters/<platform>/   imports no other platform package, no scheduler, no runtime
studybot/ (runtime)    the one place that wires them together
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = ("discord", "slack_bolt", "slack_sdk", "apscheduler", "aiohttp")
PLATFORMS = ("adapters.discord", "adapters.slack", "adapters.console")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (inside functions and TYPE_CHECKING too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules_of(package: str) -> list[Path]:
    files = sorted((ROOT / package.replace(".", "/")).rglob("*.py"))
    assert files, f"{package} has no modules"
    return files


def offenders(package: str, forbidden: tuple[str, ...]) -> set[str]:
    """`file: module` for each import under `package` of a forbidden module or package."""
    found = set()
    for path in modules_of(package):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.add(f"{path.relative_to(ROOT)}: {name}")
    return found


def test_the_core_imports_no_platform_library_adapter_scheduler_or_runtime() -> None:
    forbidden = (*PLATFORM_LIBRARIES, "adapters", "scheduler", "studybot")
    assert offenders("bot", forbidden) == set()


def test_the_scheduler_imports_no_adapter_and_no_runtime() -> None:
    assert offenders("scheduler", ("adapters", "studybot")) == set()


def test_shared_adapter_code_imports_no_platform_package() -> None:
    assert offenders("adapters.shared", (*PLATFORMS, "scheduler", "studybot")) == set()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_platform_package_imports_no_other_platform_the_scheduler_or_the_runtime(
    platform: str,
) -> None:
    others = tuple(p for p in PLATFORMS if p != platform)
    assert offenders(platform, (*others, "scheduler", "studybot")) == set()


def test_adapters_holds_packages_not_prefixed_files() -> None:
    files = [p.name for p in (ROOT / "adapters").glob("*.py")]
    assert files == ["__init__.py"]
    packages = {p.name for p in (ROOT / "adapters").iterdir() if (p / "__init__.py").is_file()}
    assert packages == {"console", "discord", "shared", "slack"}


def test_importing_every_core_module_loads_no_platform_library() -> None:
    modules = sorted(p.stem for p in modules_of("bot") if p.stem != "__init__")
    assert "service" in modules and "store" in modules
    code = (
        "import sys\n"
        + "".join(f"import bot.{m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {PLATFORM_LIBRARIES!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_detector_sees_forbidden_imports_at_any_depth(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "import discord\n"
        "from slack_bolt.async_app import AsyncApp\n"
        "def later():\n"
        "    from scheduler.daily import DailyScheduler\n"
    )
    assert {"discord", "slack_bolt.async_app", "scheduler.daily"} <= imported_modules(sample)


def _always_true(test: ast.expr) -> bool:
    """Whether an assertion's condition holds whatever the code does: a generator or lambda
    (always truthy objects), a non-empty literal, a true constant, or an `and`/`or` with such a
    part (`assert real == 1 and (x for x in xs)` checks nothing beside `real`)."""
    if isinstance(test, ast.GeneratorExp | ast.Lambda):
        return True
    if isinstance(test, ast.Tuple | ast.List | ast.Set):
        return bool(test.elts)
    if isinstance(test, ast.Dict):
        return bool(test.keys)
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.BoolOp):
        return any(_always_true(v) for v in test.values)
    return False


def always_true_assertions(path: Path) -> list[str]:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [
        f"{shown}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert) and _always_true(node.test)
    ]


def test_no_test_asserts_something_that_is_always_true() -> None:
    found = [hit for path in modules_of("tests") for hit in always_true_assertions(path)]
    assert found == []


def test_the_always_true_detector_sees_a_generator_beside_a_real_check(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "assert ok == 1 and (x for x in xs)\n"
        "assert (ok, 'why')\n"
        "assert all(x for x in xs)\n"
        "assert ok, (x for x in xs)\n"
    )
    assert [hit.split(":")[1] for hit in always_true_assertions(sample)] == ["1", "2"]
