"""`sorot merge` with a source that cannot be merged, as a real process (issue 14).

Whatever is wrong with a source (not a project, made by a newer Sorot, damaged, locked by
another process, an article's metadata nested past what Sorot keeps) the command exits 1
with a message that names that file as the merge source and its real cause, never the
project merged into; and the project is left byte for byte as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from files_support import damage, digest, make_newer, make_project, quick_check, sorot

from annotation.limits import MAX_JSON_DEPTH
from annotation.project import db as dbmod

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return (
        make_project(tmp_path_factory.mktemp("target")),
        make_project(tmp_path_factory.mktemp("other"), count=3, seed=15, annotator="budi"),
    )


@pytest.fixture
def target(tmp_path: Path, templates: tuple[Path, Path]) -> Path:
    return Path(shutil.copyfile(templates[0], tmp_path / "p.sorot"))


@pytest.fixture
def other(tmp_path: Path, templates: tuple[Path, Path]) -> Path:
    folder = tmp_path / "from"
    folder.mkdir()
    return Path(shutil.copyfile(templates[1], folder / "other.sorot"))


def _older(path: Path) -> Path:
    """The project as an older Sorot's format, which merge upgrades in memory."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {dbmod.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    return path


def _refused(target: Path, source: Path, *cause: str, first: Path | None = None) -> str:
    before = digest(target)
    argv = ["merge", target, *([first] if first else []), source]
    done = sorot(*argv)
    shown = f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert done.returncode == 1, shown
    assert "Traceback" not in done.stderr, shown
    assert f"merge source {source}: " in done.stderr, shown
    for words in cause:
        assert words in done.stderr, shown
    assert f"{target}:" not in done.stderr, shown  # the project merged into is not to blame
    assert "(nothing was merged)" in done.stderr, shown
    assert digest(target) == before, shown
    return done.stderr


def test_a_text_file(target: Path, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("Ini catatan, bukan proyek Sorot.\n" * 40, encoding="utf-8")
    _refused(target, source, "neither a Sorot project nor a Sorot JSONL export")


def test_another_programs_sqlite_file(target: Path, tmp_path: Path) -> None:
    source = tmp_path / "photos.db"
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    _refused(target, source, "not a Sorot project (an SQLite file of another program)")


@pytest.mark.parametrize("how", ["migration", "version"])
def test_a_project_of_a_newer_sorot(target: Path, other: Path, how: str) -> None:
    # Its work in tables and columns this Sorot does not know would be left out unsaid.
    make_newer(other, how)
    _refused(target, other, "made by a newer Sorot", "update Sorot to merge it")


@pytest.mark.parametrize("older", [False, True], ids=["current", "older_format"])
def test_a_damaged_project_is_named_as_the_source(
    target: Path, templates: tuple[Path, Path], tmp_path: Path, older: bool
) -> None:
    source = Path(shutil.copyfile(templates[0], tmp_path / "damaged.sorot"))
    if older:
        _older(source)
    damage(source)
    assert quick_check(source) != ["ok"]
    _refused(target, source, "the project file is damaged", f"sorot recover {source} NEW")


def test_damage_no_query_of_merge_reads_is_found_all_the_same(target: Path, other: Path) -> None:
    # On the 3-article project the overwritten pages are ones merge's queries never read:
    # SQLite's quick_check finds them, and an index that misses rows would go unnoticed.
    damage(other)
    assert quick_check(other) != ["ok"]
    _refused(target, other, "the project file is damaged")


def test_the_failing_one_of_several_sources_is_named(
    target: Path, other: Path, templates: tuple[Path, Path], tmp_path: Path
) -> None:
    source = Path(shutil.copyfile(templates[0], tmp_path / "damaged.sorot"))
    damage(source)
    stderr = _refused(target, source, "damaged", first=other)
    assert str(other) not in stderr


@pytest.fixture
def held() -> Iterator[list[subprocess.Popen[str]]]:
    holders: list[subprocess.Popen[str]] = []
    yield holders
    for holder in holders:
        holder.kill()
        holder.wait()


def _hold_exclusively(path: Path, holders: list[subprocess.Popen[str]]) -> None:
    """Another process that keeps the file locked against readers too (SQLite's exclusive
    locking mode, in the middle of a write)."""
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA locking_mode = EXCLUSIVE')\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "c.execute(\"UPDATE meta SET value = value WHERE key = 'schema'\")\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True
    )
    holders.append(holder)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"


@pytest.mark.parametrize("older", [False, True], ids=["current", "older_format"])
def test_a_source_locked_by_another_process(
    target: Path, other: Path, older: bool, held: list[subprocess.Popen[str]]
) -> None:
    # An older project is copied into memory to be upgraded: a lock on it once made the
    # merge wait for as long as the lock was held, without a word.
    if older:
        _older(other)
    _hold_exclusively(other, held)
    _refused(target, other, f"another process is writing {other}")


@pytest.mark.parametrize(
    ("meta", "why"),
    [
        ('{"a":' * 3000 + "1" + "}" * 3000, f"nests more than {MAX_JSON_DEPTH} levels deep"),
        (
            '{"a":' * (MAX_JSON_DEPTH + 5) + "1" + "}" * (MAX_JSON_DEPTH + 5),
            f"nests more than {MAX_JSON_DEPTH} levels deep",
        ),
        ("{broken", "is not JSON"),
        ("[1, 2]", "is not a JSON object"),
    ],
    ids=["past_recursion", "past_sorots_depth", "broken", "a_list"],
)
def test_an_articles_metadata_that_no_sorot_project_has(
    target: Path, other: Path, meta: str, why: str
) -> None:
    conn = sqlite3.connect(other)
    article_id = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    conn.execute("UPDATE articles SET meta = ? WHERE id = ?", (meta, article_id))
    conn.commit()
    conn.close()
    _refused(target, other, f"article {article_id}: its metadata {why}")


def test_a_whole_source_is_still_merged(target: Path, other: Path) -> None:
    before = digest(other)
    done = sorot("merge", target, other)
    assert done.returncode == 0, done.stderr
    assert "added 3 articles" in done.stdout, done.stdout
    assert digest(other) == before
