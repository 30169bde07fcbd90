"""Shared steps of the concurrency tests: `sorot` as processes that compete for one project,
a process that keeps the project's write lock as a long merge does, and what to check after.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NAMES = [
    "Joko Widodo",
    "Emmanuel Macron",
    "Retno Marsudi",
    "Wang Yi",
    "Antony Blinken",
    "Sergey Lavrov",
    "Anwar Ibrahim",
    "Fumio Kishida",
]
PLACES = ["Jakarta", "Beijing", "Paris", "Moskow", "Tokyo", "Kuala Lumpur", "Bogor"]

# Keeps the project's write lock as a long merge does (Store.bulk lists it as the writer),
# says "holding" once it has it, and lets go after the seconds given or when stdin closes.
HOLDER = """
import sys, time
from pathlib import Path
from annotation.project.store import Store
path, seconds, what = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
with Store.open(path) as store, store.bulk(what), store.transaction():
    print("holding", flush=True)
    time.sleep(seconds)
print("released", flush=True)
"""


def sorot(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `sorot ARGS` as its own process, as a researcher types it, and wait for it."""
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def start(*args: object) -> subprocess.Popen[str]:
    """Start `sorot ARGS` as its own process, without waiting for it."""
    return subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )


def command(*args: object) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *map(str, args)]


def hold_lock(path: Path, seconds: float, what: str = "merge") -> subprocess.Popen[str]:
    """A Sorot process that has taken the project's write lock (returned once it has)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds), what],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def text(i: int, sentences: int = 6) -> str:
    """A news-like article, different for every `i`, with names the rules find."""
    lines = [f"Berita nomor {i}: pertemuan di {PLACES[i % len(PLACES)]}"]
    for k in range(sentences):
        a, b = NAMES[(i + k) % len(NAMES)], NAMES[(i + 3 * k + 1) % len(NAMES)]
        place = PLACES[(i + k) % len(PLACES)]
        lines.append(
            f"Menteri {a} bertemu dengan {b} di {place} pada hari ke-{i * 7 + k}. "
            f"Keduanya membahas kerja sama ekonomi, iklim dan keamanan kawasan "
            f"selama {k + 2} jam, kata juru bicara {a} kepada wartawan."
        )
    return "\n".join(lines)


def write_jsonl(path: Path, first: int, count: int, **record: object) -> Path:
    """`count` articles numbered from `first`, one JSONL record each (with `record` added)."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(first, first + count):
            body = text(i)
            name = NAMES[i % len(NAMES)]
            at = body.index(name)
            f.write(
                json.dumps(
                    {
                        "text": body,
                        "spans": [{"start": at, "end": at + len(name), "label": "PER"}],
                        **record,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return path


def connect(path: Path) -> sqlite3.Connection:
    """Another program's connection to the project, read-only."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def count(path: Path, table: str) -> int:
    with connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def healthy(path: Path) -> None:
    """The project is whole: SQLite's integrity check and every foreign key hold."""
    conn = connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def import_events(path: Path) -> int:
    """Articles the event log says were imported (the sum of the import events' counts)."""
    conn = connect(path)
    try:
        labels = [r[0] for r in conn.execute("SELECT label FROM events WHERE kind = 'import'")]
    finally:
        conn.close()
    return sum(int(label.rsplit(": ", 1)[1].split()[0]) for label in labels)


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    """Whether `condition()` came true within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
