"""One write path: import and merge write through the Store (`Store.bulk`, `transaction`,
`ChangeSet.insert_rows`), so a read-only Store refuses them with its read-only error and
writes nothing, and listeners on the Store hear what they stored, batch by batch."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotation.io.importer import import_paths
from annotation.model import content_hash
from annotation.project.db import ProjectError
from annotation.project.store import Change, Store
from annotation.team.merge import merge

TEXTS = [
    "Presiden Joko Widodo bertemu Emmanuel Macron di Jakarta.",
    "Menteri Retno Marsudi terbang ke Jenewa pada hari Senin.",
    "Gubernur Anies Baswedan meresmikan stasiun di Bandung.",
]


def records(texts: list[str]) -> list[dict]:
    """One record per text, its second and third words a PER entity."""
    out = []
    for text in texts:
        words = text.split()
        start = len(words[0]) + 1
        end = start + len(words[1]) + 1 + len(words[2])
        out.append({"text": text, "spans": [{"start": start, "end": end, "label": "PER"}]})
    return out


def write_jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(texts)), "utf-8"
    )
    return path


def fingerprint(path: Path) -> tuple[str, int, bool]:
    """The project file's bytes, how many bytes of changes its -wal holds (opening a project
    in WAL mode, even read-only, may leave an empty one) and whether a writer is listed."""
    wal = Path(f"{path}-wal")
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        wal.stat().st_size if wal.exists() else 0,
        Path(f"{path}-writer").exists(),
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one article of its own, closed."""
    path = tmp_path / "project.sorot"
    with Store.create(path) as store:
        import_paths(store, [write_jsonl(tmp_path / "own.jsonl", TEXTS[:1])], annotator="ana")
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Another annotator's project of every text, to merge."""
    path = tmp_path / "budi.sorot"
    with Store.create(path) as store:
        import_paths(store, [write_jsonl(tmp_path / "budi.jsonl", TEXTS)], annotator="budi")
    return path


def test_a_read_only_store_refuses_import_with_its_read_only_error(
    project: Path, tmp_path: Path
) -> None:
    data = write_jsonl(tmp_path / "more.jsonl", TEXTS)
    before = fingerprint(project)
    with Store.open(project, readonly=True) as store:
        with pytest.raises(ProjectError, match="opened read-only; cannot import into it"):
            import_paths(store, [data], annotator="ana")
        # The very error the Store gives any write.
        with pytest.raises(ProjectError, match="opened read-only; cannot import into it"):
            store.check_writable("import")
        with pytest.raises(ProjectError, match="opened read-only$"), store.transaction():
            pass
    assert fingerprint(project) == before
    with Store.open(project, readonly=True) as store:
        assert store.count_articles() == 1


def test_a_read_only_store_refuses_merge_with_its_read_only_error(
    project: Path, source: Path
) -> None:
    before, source_before = fingerprint(project), fingerprint(source)
    with (
        Store.open(project, readonly=True) as store,
        pytest.raises(ProjectError, match="opened read-only; cannot merge into it"),
    ):
        merge(store, [source])
    assert fingerprint(project) == before
    assert fingerprint(source) == source_before


def test_listeners_hear_each_import_batch_once_it_is_committed(
    project: Path, tmp_path: Path
) -> None:
    data = write_jsonl(tmp_path / "more.jsonl", TEXTS)
    heard: list[list[Change]] = []
    with Store.open(project) as store:
        store.subscribe(heard.append)
        # Each listener call comes after its batch is committed: another connection sees it.
        committed: list[int] = []

        def count_elsewhere(changes: list[Change]) -> None:
            with Store.open(project, readonly=True) as other:
                committed.append(other.count_articles())

        store.subscribe(count_elsewhere)
        report = import_paths(store, [data], annotator="ana", batch_size=1)
        assert report.imported == 2 and report.duplicate == 1
        ids = [store.article_id_for_hash(content_hash(t)) for t in TEXTS]
        events = store.db.execute(
            "SELECT label FROM events WHERE kind = 'import' ORDER BY id"
        ).fetchall()
    # The first text is the project's already: its batch stores nothing and says nothing.
    assert [[(c.table, c.key) for c in changes] for changes in heard] == [
        [("articles", (ids[1],))],
        [("articles", (ids[2],))],
    ]
    assert committed == [2, 3]
    assert len(events) == 3  # the fixture's import, and one per batch that stored articles


def test_listeners_hear_a_merge_once_with_every_article_it_changed(
    project: Path, source: Path
) -> None:
    heard: list[list[Change]] = []
    with Store.open(project) as store:
        store.subscribe(heard.append)
        report = merge(store, [source], annotator="ana")
        ids = sorted(store.article_id_for_hash(content_hash(t)) for t in TEXTS)
        merged = store.db.execute("SELECT label FROM events WHERE kind = 'merge'").fetchall()
        budi = store.db.execute(
            "SELECT count(*) FROM entities WHERE annotator = 'budi'"
        ).fetchone()[0]
    assert report.sources[0].articles == 2 and report.sources[0].entities == 3
    assert budi == 3
    assert len(heard) == 1  # one transaction, heard once it is committed
    assert sorted(c.key[0] for c in heard[0] if c.table == "articles") == ids
    assert len(merged) == 1


def test_rows_in_bulk_are_written_only_inside_a_transaction(project: Path) -> None:
    with Store.open(project) as store:
        article = store.article_ids()[0]
        with store.transaction() as tx:
            changes = tx
        with pytest.raises(RuntimeError, match="outside Store.transaction"):
            changes.insert_rows("meta", ("key", "value"), [("x", "1")])
        assert store.row("meta", ("x",)) is None
        heard: list[list[Change]] = []
        store.subscribe(heard.append)
        with store.transaction() as tx:
            tx.insert_rows("meta", ("key", "value"), [("x", "1"), ("y", "2")])
            tx.touch(article)
        assert store.row("meta", ("y",)) == {"key": "y", "value": "2"}
        assert [(c.table, c.key) for c in heard[0]] == [("articles", (article,))]
