"""What the last `mutmut run` found (`make mutate` prints it): mutants tried, killed, survived and
the rest, then every mutant no test killed, each marked when tests/MUTATION-SURVIVORS.md explains
why it cannot change behaviour. Exit status 1 while one is left unexplained.

    python -m tests.mutation_report        (from the repository, after `mutmut run`)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

MUTMUT = str(Path(sys.executable).parent / "mutmut")
EXPLAINED = Path(__file__).with_name("MUTATION-SURVIVORS.md")
# mutmut's names: bot.service.x_estimate_score__mutmut_3, bot.store.xǁSqliteStoreǁuser__mutmut_1
NAME = re.compile(r"`([^`\s]+__mutmut_\d+)`")


def explained() -> set[str]:
    return set(NAME.findall(EXPLAINED.read_text(encoding="utf-8"))) if EXPLAINED.exists() else set()


def main() -> int:
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
    known = explained()
    unexplained = sorted(set(left) - known)
    for name in sorted(left):
        mark = "explained" if name in known else "NOT EXPLAINED"
        print(f"  {left[name]:<9} {mark:<13} {name}")
    if unexplained:
        print(
            f"{len(unexplained)} mutant(s) left that no test kills and MUTATION-SURVIVORS.md does "
            "not explain: `mutmut show NAME` shows one; kill it with a test, or explain it there."
        )
        return 1
    print("every mutant is killed or explained as equivalent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
