"""Deeply nested JSON stored in a project or the settings file (issue 14, item 9): import
refuses it, but another tool, a hand edit or an older Sorot can leave it there. The project
still opens, reads, exports and shows the article; the settings are read without that value;
nothing ends in a RecursionError."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from files_support import sorot
from PySide6.QtWidgets import QLabel

from annotation import settings as settings_mod
from annotation.io.importer import import_paths
from annotation.limits import MAX_JSON_DEPTH, NestedTooDeeply, loads_bounded
from annotation.model import NewEntity
from annotation.project.store import Store
from annotation.schema import SchemaError
from annotation.settings import Settings
from gui.main_window import MainWindow

DEPTH = 5_000
TEXTS = {
    "a.txt": "Kunjungan\n\nPresiden Joko Widodo bertemu Emmanuel Macron di Paris.",
    "b.txt": "Banjir\n\nBanjir melanda Jakarta pada hari Senin.",
}
MAPS = '{"annotator": "ana", "pipeline_label_maps": {"x": DEEP}}'


def deep(levels: int, around: str = "DEEP") -> str:
    """A JSON list nested `levels` deep, put in place of DEEP in `around`."""
    return around.replace("DEEP", "[" * levels + "]" * levels)


def write_meta(path: Path, article_id: int, meta_json: str) -> None:
    """Store `meta_json` as the article's metadata, as another program would."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE articles SET meta = ? WHERE id = ?", (meta_json, article_id))
    conn.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A two-article project whose first article's metadata nests 5,000 levels deep."""
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, sorted(tmp_path.glob("*.txt")), annotator="ana").ok
        for article_id in store.article_ids():  # each with an entity of ana's, to export
            store.add_annotations(
                article_id,
                [NewEntity(0, 6, "PER", annotator="ana")],
                [],
                annotator="ana",
                status="done",
            )
        store.db.conn.commit()
        first = store.article_ids()[0]
    write_meta(path, first, deep(DEPTH, '{"url": "https://example.org", "deep": DEEP}'))
    return path


def test_loads_bounded_names_what_and_the_limit() -> None:
    assert loads_bounded(deep(MAX_JSON_DEPTH), "x") == json.loads(deep(MAX_JSON_DEPTH))
    assert loads_bounded(b'{"a": "[[[[ not nested ]]]]"}', "x") == {"a": "[[[[ not nested ]]]]"}
    for levels in (MAX_JSON_DEPTH + 1, DEPTH):  # read by the parser, and beyond it
        with pytest.raises(NestedTooDeeply, match=f"article 7's metadata.*{MAX_JSON_DEPTH}"):
            loads_bounded(deep(levels), "article 7's metadata")
    with pytest.raises(ValueError):
        loads_bounded("{not json", "x")


def test_store_reads_the_article_without_its_metadata(project: Path) -> None:
    with Store.open(project, readonly=True) as store:
        first, second = store.article_ids()
        article = store.article(first)
        assert article.title == "Kunjungan" and "Joko Widodo" in article.text
        assert dict(article.meta) == {}
        assert f"over {MAX_JSON_DEPTH} levels" in article.meta.unread
        assert store.article(second).meta == {"file": "b.txt"}  # as imported
        assert not getattr(store.article(second).meta, "unread", "")


def test_metadata_under_the_parser_limit_but_too_deep_is_not_read(project: Path) -> None:
    with Store.open(project) as store:
        for article_id in store.article_ids():  # each with an entity of ana's, to export
            store.add_annotations(
                article_id,
                [NewEntity(0, 6, "PER", annotator="ana")],
                [],
                annotator="ana",
                status="done",
            )
        store.db.conn.commit()
        first = store.article_ids()[0]
    write_meta(project, first, deep(500, '{"deep": DEEP}'))
    with Store.open(project, readonly=True) as store:
        assert store.article(first).meta.unread


def test_a_deep_schema_is_a_schema_error(project: Path) -> None:
    conn = sqlite3.connect(project)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (deep(DEPTH),))
    conn.close()
    with (
        Store.open(project, readonly=True) as store,
        pytest.raises(SchemaError, match="label schema"),
    ):
        store.schema  # noqa: B018
    done = sorot("schema", project)
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert done.returncode == 1 and "label schema" in done.stderr, done.stderr


def test_export_and_stats_run_to_the_end(project: Path) -> None:
    out = project.parent / "out.jsonl"
    done = sorot("export", project, out)
    assert "Traceback" not in done.stderr, done.stderr
    assert "its metadata nests more than" in done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    assert "deep" not in records[0]["meta"] and records[0]["meta"]["title"] == "Kunjungan"
    done = sorot("stats", project, "--json")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["articles"]["total"] == 2


def test_a_deep_settings_file_gives_the_defaults_with_a_warning(capsys) -> None:
    path = Settings().path
    path.parent.mkdir(parents=True)
    for levels in (500, DEPTH):  # read by the parser, and beyond it
        path.write_text(deep(levels, MAPS), encoding="utf-8")
        assert Settings.load() == Settings()
        err = capsys.readouterr().err
        assert err.startswith(f"sorot: warning: {path}: ") and "default settings" in err
    path.write_text(deep(MAX_JSON_DEPTH - 2, MAPS), encoding="utf-8")
    assert Settings.load().annotator == "ana" and not capsys.readouterr().err


def test_cli_starts_with_a_deep_settings_file(project: Path) -> None:
    path = settings_mod.config_dir() / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(deep(DEPTH, '{"annotator": DEEP}'), encoding="utf-8")
    done = sorot("stats", project)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "sorot: warning:" in done.stderr


def test_window_shows_the_article_and_says_why_its_metadata_is_missing(
    qtbot, project: Path
) -> None:
    win = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    first = win.workspace.store.article_ids()[0]
    win.pane.open_article(first)
    assert "Joko Widodo" in win.pane.view.toPlainText()
    texts = [label.text() for label in win.pane.metadata.widget().findChildren(QLabel)]
    rows = dict(zip(texts[::2], texts[1::2]))
    assert rows["Title"] == "Kunjungan"
    assert rows["Metadata"] == (
        f"(metadata nested too deeply to show: over {MAX_JSON_DEPTH} levels)"
    )
    win.pane.metadata.grab()  # painted
    win.close()
