"""The core stays platform-neutral: bot/ never imports a platform or scheduler library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bot

FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "apscheduler", "aiohttp")
CORE = Path(bot.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_files_import_no_platform_library() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in CORE.glob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert CORE.glob("*.py"), "the core package has modules"
    assert offenders == set()


def test_importing_every_core_module_loads_no_platform_library() -> None:
    modules = sorted(p.stem for p in CORE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert "service" in modules and "store" in modules
    code = (
        "import sys\n"
        + "".join(f"import bot.{m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_detector_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import discord\nfrom slack_bolt.async_app import AsyncApp\n")
    assert {"discord", "slack_bolt.async_app"} <= imported_modules(sample)
