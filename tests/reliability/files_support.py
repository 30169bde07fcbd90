"""Shared steps of the project file tests: `sorot` as a process, a small real project, and the
ways researchers' files go wrong (a few bytes overwritten, a file with only Sorot's mark)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.io.importer import import_paths
from annotation.project import db as dbmod
from annotation.project.store import Store

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 12


def sorot(
    *args: object,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    as_other_user: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `sorot ARGS` as its own process, as a researcher types it.

    `as_other_user`: as someone for whom a file's and folder's permissions count. Root's
    writes ignore them, so root runs it without its capabilities (setpriv); anyone else
    runs it as themselves.
    """
    argv = [sys.executable, str(ROOT / "main.py"), *map(str, args)]
    if as_other_user and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("as root, without setpriv(1) permissions cannot be made to count")
        argv = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--", *argv]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ if env is None else env),
        cwd=ROOT,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quick_check(path: Path) -> list[str]:
    """SQLite's own verdict on the file (read-only, nothing written beside it)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def count_rows(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def make_project(
    folder: Path, count: int = ARTICLES, seed: int = 14, annotator: str = "ana"
) -> Path:
    """A project of `count` generated news articles with entities, relations, an annotator's
    statuses and the event log, written by Sorot's own import."""
    jsonl = folder / "articles.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--count",
            str(count),
            "--seed",
            str(seed),
            str(jsonl),
        ],
        check=True,
        capture_output=True,
    )
    path = folder / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [jsonl], fmt="jsonl", annotator=annotator).ok
        with store.transaction() as changes:
            for article_id in store.article_ids()[: count // 2]:
                changes.upsert(
                    "article_status",
                    {
                        "article_id": article_id,
                        "annotator": annotator,
                        "status": "done",
                        "updated": "2024-01-01T00:00:00Z",
                    },
                )
            store.log_event(annotator, "status", "Done", changes.changes)
    return path


def crash_after_writing(path: Path, titles: list[str]) -> None:
    """A process that commits articles and dies without closing the project: its
    committed steps stay in the -wal beside the file."""
    code = (
        "import os, sys\n"
        "from annotation.project.store import Store\n"
        "store = Store.open(sys.argv[1])\n"
        "for title in sys.argv[2:]:\n"
        "    with store.transaction():\n"
        "        store.add_article(f'{title}\\nIsi artikel {title}.', title=title)\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path), *titles], check=True, cwd=ROOT)


def damage(path: Path, seed: int = 14) -> None:
    """Overwrite a few bytes at the start of three pages in the middle of the file, as a bad
    sector or a half-copied file does."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    rng = random.Random(seed)
    for page in (pages // 2, pages // 2 + 2, pages * 2 // 3):
        at = page * page_size
        data[at : at + 12] = bytes(rng.randrange(256) for _ in range(12))
    path.write_bytes(bytes(data))


def with_application_id_only(path: Path) -> Path:
    """An SQLite file that carries Sorot's application id and no tables (an interrupted
    creation, or another tool's file)."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    conn.commit()
    conn.close()
    return path


def make_newer(path: Path, how: str) -> None:
    """Make `path` look written by a newer Sorot: an unknown migration row ("migration") or a
    higher format version (any other `how`)."""
    conn = sqlite3.connect(path)
    if how == "migration":
        conn.execute("CREATE TABLE future (x)")
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('sorot', 'm099_future', '2031-01-01 00:00:00')"
        )
    else:
        conn.execute(f"PRAGMA user_version = {dbmod.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
