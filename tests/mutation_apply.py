"""Put one mutant into the working tree, to watch a new test fail on it (then `git checkout` the file).

`mutmut apply` patches the first function of that name in the file, which in bot/store.py and
bot/daily_store.py is the Protocol's declaration, not the implementation the mutant changed. This
finds the function in its own class and changes only the lines the mutant changed.

    python -m tests.mutation_apply NAME        (from the repository, after `mutmut run`)
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from tests.mutation_report import source_path


def _def_line(lines: list[str], name: str) -> int:
    """Index of the mutated function's `def` line in the file, inside its class for a method."""
    function = name.rsplit("__mutmut_", 1)[0].rsplit("ǁ", 1)[-1].split(".x_", 1)[-1]
    start, indent = 0, ""
    if "ǁ" in name:
        cls = name.split("ǁ")[1]
        start = next(i for i, line in enumerate(lines) if re.match(rf"class {cls}\b", line))
        indent = "    "
    pattern = re.compile(rf"{indent}(async )?def {re.escape(function)}\(")
    return next(i for i in range(start, len(lines)) if pattern.match(lines[i]))


def main(name: str) -> int:
    import libcst as cst  # mutmut's own dependency: only `make mutate` installs it
    from mutmut.mutation.diff_apply import read_functions_from_index

    path = Path(source_path(name))
    functions = read_functions_from_index(name, path)
    if functions is None:
        print(f"{name}: not in mutants/ (run `mutmut run` first)")
        return 2
    original, mutant = (cst.Module([f]).code.strip("\n").split("\n") for f in functions)
    lines = path.read_text(encoding="utf-8").split("\n")
    indent = "    " if "ǁ" in name else ""
    offset = _def_line(lines, name) - next(i for i, ln in enumerate(original) if "def " in ln)
    edits = difflib.SequenceMatcher(a=original, b=mutant, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(edits):
        if tag == "equal":
            continue
        if [line.strip() for line in lines[offset + i1 : offset + i2]] != [
            line.strip() for line in original[i1:i2]
        ]:
            print(f"{name}: {path} no longer holds the lines mutmut changed (edited since?)")
            return 2
        lines[offset + i1 : offset + i2] = [
            indent + line if line else line for line in mutant[j1:j2]
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{name} applied to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
