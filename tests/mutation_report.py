"""What the last `mutmut run` found (`make mutate` prints it): mutants tried, killed, survived and
the rest, then every mutant no test killed, each marked when it is explained as equivalent. Exit
status 1 while one is left unexplained, or while an entry of the file names no survivor.

A survivor is explained in one of two ways:
- by name, in tests/MUTATION-SURVIVORS.md, with the reason a reader checked by hand;
- by rule, when its whole change is the letter case of SQL text: the keywords and unquoted names
  of a statement, never a quoted SQL value (`'claimed'`). SQLite and PostgreSQL read both cases
  alike, so such a mutant cannot change behaviour. The rule reads the mutant's diff, so it holds
  whatever number mutmut gives the mutant after an edit to its function.

    python -m tests.mutation_report                 (from the repository, after `mutmut run`)
    python -m tests.mutation_report --diffs FILE    also writes every unexplained survivor's diff
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

MUTMUT = str(Path(sys.executable).parent / "mutmut")
EXPLAINED = Path(__file__).with_name("MUTATION-SURVIVORS.md")
# mutmut's names: bot.service.x_estimate_score__mutmut_3, bot.store.xǁSqliteStoreǁuser__mutmut_1
NAME = re.compile(r"`([^`\s]+__mutmut_\d+)`")
PYTHON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
SQL_VALUE = re.compile(r"'(?:[^']|'')*'")
SQL_WORD = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|VALUES|SET|JOIN|ORDER BY|GROUP BY|CREATE|"
    r"PRAGMA|ON CONFLICT|RETURNING|AND|OR|LIMIT|COUNT|SUM|COALESCE|CASE WHEN)\b"
)


def explained() -> set[str]:
    return set(NAME.findall(EXPLAINED.read_text(encoding="utf-8"))) if EXPLAINED.exists() else set()


def _sql_case_only(before: str, after: str, in_triple_quotes: bool, continues_sql: bool) -> bool:
    """One changed line: only the case of SQL text changed, no quoted SQL value did."""
    if before.lower() != after.lower():
        return False
    if in_triple_quotes and '"' not in before:  # a line inside a multi-line SQL string
        pieces = [(before, after)]
    else:
        old, new = PYTHON_STRING.findall(before), PYTHON_STRING.findall(after)
        if len(old) != len(new) or PYTHON_STRING.sub('""', before) != PYTHON_STRING.sub(
            '""', after
        ):
            return False
        pieces = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    # A line that is nothing but a string, in a statement beside SQL, continues that SQL text.
    continued = continues_sql and PYTHON_STRING.fullmatch(before.strip()) is not None
    return bool(pieces) and all(
        (SQL_WORD.search(a) or continued) and SQL_VALUE.findall(a) == SQL_VALUE.findall(b)
        for a, b in pieces
    )


def sql_case_only(diff: str) -> bool:
    """True when every line the mutant changes differs from the original only in SQL text's case."""
    lines = diff.splitlines()[2:]  # past the --- and +++ headers
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = [line[1:] for line in lines if line.startswith("+")]
    triple = '"""' in diff
    if len(removed) != len(added):
        return False
    changed = [(a, b) for a, b in zip(removed, added, strict=True) if a != b]
    unchanged = [line[1:] for line in lines if line.startswith(" ")]
    beside_sql = any(SQL_WORD.search(s) for line in unchanged for s in PYTHON_STRING.findall(line))
    return bool(changed) and all(_sql_case_only(a, b, triple, beside_sql) for a, b in changed)


def source_path(name: str) -> str:
    module = name.split(".x_")[0].split(".xǁ")[0]
    return module.replace(".", "/") + ".py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diffs", type=Path, help="write each unexplained survivor's diff here")
    args = parser.parse_args()
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # only `make mutate` installs it

    subprocess.run([MUTMUT, "export-cicd-stats"], check=True, capture_output=True)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    listing = subprocess.run([MUTMUT, "results"], check=True, capture_output=True, text=True)
    left = {}
    for line in listing.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name and status in ("survived", "no tests"):
            left[name] = status
    print(
        f"mutants tried {stats['total']}: killed {stats['killed']}, survived {stats['survived']}, "
        f"no test reached {stats['no_tests']}, timed out (a hang: caught) {stats['timeout']}, "
        f"suspicious {stats['suspicious']}, skipped {stats['skipped']}"
    )
    by_hand = explained()
    marks: dict[str, str] = {}
    diffs: dict[str, str] = {}
    for name in sorted(left):
        diffs[name] = get_diff_for_mutant(name, path=source_path(name))
        if name in by_hand:
            marks[name] = "explained"
        elif sql_case_only(diffs[name]):
            marks[name] = "SQL case"
        else:
            marks[name] = "NOT EXPLAINED"
    for name, mark in marks.items():
        print(f"  {left[name]:<9} {mark:<13} {name}")
    unexplained = [name for name, mark in marks.items() if mark == "NOT EXPLAINED"]
    counts = {m: sum(1 for v in marks.values() if v == m) for m in ("explained", "SQL case")}
    print(
        f"survivors: {counts['explained']} explained by hand in MUTATION-SURVIVORS.md, "
        f"{counts['SQL case']} only change the case of SQL text, {len(unexplained)} unexplained"
    )
    # An entry whose mutant no longer survives was renumbered by an edit or is killed now: its
    # reason may describe another change, so the file must be brought up to date.
    stale = sorted(by_hand - set(left))
    for name in stale:
        print(f"  stale entry in MUTATION-SURVIVORS.md (killed, or renumbered by an edit): {name}")
    if args.diffs:
        args.diffs.write_text("\n\n".join(diffs[n] and f"# {n}\n{diffs[n]}" for n in unexplained))
    if stale:
        print(f"{len(stale)} entry(ies) of MUTATION-SURVIVORS.md name no survivor: check each.")
    if unexplained:
        print(
            f"{len(unexplained)} mutant(s) left that no test kills and nothing explains: "
            "`mutmut show NAME` shows one; kill it with a test, or explain it in "
            "tests/MUTATION-SURVIVORS.md."
        )
        return 1
    if stale:
        return 1
    print("every mutant is killed or explained as equivalent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
