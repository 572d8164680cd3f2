"""The subtree test has one home (core/scope.py): no other module writes it again.

A copy (`path__startswith=...`, `.path.startswith(...)`) is how an endpoint once got scope
wrong; going through `subtree_q`, `Unit.objects.subtree_of` or `unit.contains` keeps every
caller on the same rule.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "core" / "scope.py"
COPY = re.compile(r"path__startswith|\.path\.startswith\(")
SEARCHED = (
    "core",
    "config",
    "training",
    "sessions",
    "quizzes",
    "certificates",
    "reports",
    "benchmarks",
)


def test_no_module_writes_the_subtree_test_again():
    copies = []
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == HOME or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if COPY.search(line):
                    copies.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not copies, (
        "use core.scope (subtree_q / Unit.objects.subtree_of / unit.contains):\n"
        + "\n".join(copies)
    )


def test_the_home_still_holds_the_rule():
    # The search above must keep looking for what the home writes.
    assert COPY.search(HOME.read_text(encoding="utf-8"))
