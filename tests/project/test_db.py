"""Opening project files: good ones open; anything else is refused and left untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from annotation.project import db as dbmod
from annotation.project.db import ProjectError
from annotation.project.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_then_open_sets_wal_foreign_keys_and_version(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    Store.create(path).close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        assert store.db.execute("PRAGMA application_id").fetchone()[0] == dbmod.APPLICATION_ID
        assert "PER" in store.schema.entity_labels
    assert not list(tmp_path.glob(".*creating"))


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    path.write_text("keep me")
    with pytest.raises(ProjectError, match="already exists"):
        Store.create(path)
    assert path.read_text() == "keep me"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an SQLite database"),
        (b"hello, this is a text file\n", "not an SQLite database"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not an SQLite database"),
    ],
)
def test_non_projects_are_refused_and_unchanged(tmp_path: Path, content: bytes, message) -> None:
    path = tmp_path / "x.sorot"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        Store.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sorot"]


def test_other_sqlite_database_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(ProjectError, match="another program"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_newer_project_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {dbmod.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(ProjectError, match="made by a newer Sorot"):
        Store.open(path)
    assert digest(path) == before


def test_read_only_project_is_refused_for_writing_but_readable(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    Store.create(path).close()
    before = digest(path)
    os.chmod(path, 0o444)
    try:
        with pytest.raises(ProjectError, match="read-only"):
            Store.open(path)
        with Store.open(path, readonly=True) as store:
            assert store.count_articles() == 0
            with pytest.raises(ProjectError, match="read-only"), store.transaction():
                pass
    finally:
        os.chmod(path, 0o644)
    assert digest(path) == before


def test_corrupt_project_gives_clear_error_and_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    Store.create(path).close()
    data = bytearray(path.read_bytes())
    data[100 : len(data)] = b"\xff" * (len(data) - 100)  # keep the header, wreck every page
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(ProjectError, match="damaged"):
        Store.open(path)
    assert digest(path) == before


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Store.open(tmp_path / "nope.sorot")
    with pytest.raises(ProjectError, match="is a folder"):
        Store.open(tmp_path)


def test_event_log_is_append_only(project: Store) -> None:
    with project.transaction():
        project.log_event("ana", "import", "Import x", [])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.db.execute("UPDATE events SET label = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.db.execute("DELETE FROM events")
