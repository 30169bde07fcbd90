"""Run the reliability suite (tests/reliability, slow tests included) and print its table.

    .venv/bin/python benchmarks/reliability.py [extra pytest arguments]

pytest runs in this process with a small plugin that records each test's outcome. Each test
(each parametrised case) is one case, counted in its area, named by its file:
`test_files*.py` -> files, `test_concurrency*.py` -> concurrency, `test_inputs*.py` -> inputs,
`test_export*.py` -> export, `test_matrix.py` -> matrix (anything else -> other).

Columns, each case counted in exactly one of passed / failed / xfail / skipped:
- tried: cases run.
- passed: the case held: a clear error, or the right behaviour.
- failed: the case did not hold (including a strict xfail that now passes, and errors in
  fixtures or teardown). Two columns then say what kind of failure it was (a case may be in both):
  - tracebacks: the failure's report or captured output contains "Traceback", that is a
    `sorot` process (or the code under test) showed the researcher a Python traceback;
  - data lost: the failure is in a test about keeping data: its name contains one of
    DATA_WORDS (lost, count, integrity, kept, whole, every_step, ...), or its report says
    "the file was modified" (the matrix's check that a file that must not change did not).
    This is a heuristic by name, deliberately broad: a failure it counts may be a lesser
    harm, but a test about keeping data cannot fail without being counted.
- xfail: known gaps, marked xfail(strict=True) with their reason (listed under the table).
- skipped: cases this machine cannot run (for example no /proc, no setpriv).

The exit code is 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "reliability"
AREAS = ["files", "concurrency", "inputs", "export", "matrix"]
DATA_WORDS = re.compile(
    r"lost|loss|count|integrity|kept|keep|whole|holds|every_step|"
    r"round_trip|unchanged|never_modified|leaves_nothing"
)


def area_of(nodeid: str) -> str:
    name = Path(nodeid.split("::")[0]).stem.removeprefix("test_")
    return next((area for area in AREAS if name == area or name.startswith(area + "_")), "other")


class Recorder:
    """Keeps each test's worst outcome over setup, call and teardown."""

    def __init__(self) -> None:
        self.outcome: dict[str, str] = {}
        self.text: dict[str, str] = defaultdict(str)
        self.reason: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        nodeid = report.nodeid
        if hasattr(report, "wasxfail"):
            # Passed: a non-strict xfail that passes (a strict one is reported as failed).
            outcome = "passed" if report.passed else "xfail"
            self.reason[nodeid] = report.wasxfail
        elif report.failed:
            outcome = "failed"
        elif report.skipped:
            outcome = "skipped"
        else:
            outcome = "passed"
        if report.failed:
            self.text[nodeid] += report.longreprtext + report.capstdout + report.capstderr
        rank = ["passed", "skipped", "xfail", "failed"]
        previous = self.outcome.get(nodeid, "passed")
        self.outcome[nodeid] = max(previous, outcome, key=rank.index)


def table(recorder: Recorder) -> list[str]:
    columns = ["tried", "passed", "tracebacks", "data lost", "failed", "xfail", "skipped"]
    rows: dict[str, dict[str, int]] = {
        area: dict.fromkeys(columns, 0) for area in [*AREAS, "other"]
    }
    for nodeid, outcome in recorder.outcome.items():
        row = rows[area_of(nodeid)]
        row["tried"] += outcome != "skipped"
        row[outcome] += 1
        if outcome == "failed":
            text = recorder.text[nodeid]
            row["tracebacks"] += "Traceback" in text
            name = nodeid.split("::")[-1]
            row["data lost"] += bool(DATA_WORDS.search(name)) or "the file was modified" in text
    if not any(rows["other"].values()):
        del rows["other"]
    rows["total"] = {column: sum(row[column] for row in rows.values()) for column in columns}
    lines = ["| area | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    lines += [
        f"| {area} | " + " | ".join(str(row[c]) for c in columns) + " |"
        for area, row in rows.items()
    ]
    return lines


def main(argv: list[str]) -> int:
    recorder = Recorder()
    os.chdir(ROOT)  # the tests run `sorot` from the repository, as the README says
    pytest.main(
        [str(SUITE), "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-rfEX", *argv],
        plugins=[recorder],
    )
    print()
    print("\n".join(table(recorder)))
    gaps = {
        nodeid: reason
        for nodeid, reason in recorder.reason.items()
        if recorder.outcome[nodeid] == "xfail"
    }
    if gaps:
        print("\nKnown gaps (xfail):")
        for nodeid, reason in sorted(gaps.items()):
            print(f"- {nodeid.split('::')[-1]}: {reason}")
    return int(any(outcome == "failed" for outcome in recorder.outcome.values()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
