"""Event changes and side files nested too deeply to read back (issue 14, item 9): another
program, a hand edit or a damaged disk can leave them. Undo says why it cannot, the other
readers skip or pass on the text; none ends in a RecursionError."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from files_support import sorot

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus
from annotation.project import writers
from annotation.project.commands import CommandError, CommandStack, SetArticleStatus
from annotation.project.file import places
from annotation.project.store import Store
from annotation.suggest.usage import suggestion_use

# a change list as Sorot writes it, with a value nested 5,000 deep inside
DEEP = '[{"table": "entities", "before": {"status": "suggested", "x": %s}}]' % (
    "[" * 5_000 + "]" * 5_000
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one article whose status step's stored changes nest 5,000 deep."""
    (tmp_path / "a.txt").write_text("Kunjungan\n\nJoko Widodo bertemu Macron.", encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [tmp_path / "a.txt"], annotator="ana").ok
        CommandStack(store, "ana").do(SetArticleStatus(1, ArticleStatus.DONE))
    conn = sqlite3.connect(path)
    with conn:  # as another program would: round the log's append-only trigger
        (trigger,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'events_no_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "UPDATE events SET changes = ? WHERE id = (SELECT MAX(id) FROM events)", (DEEP,)
        )
        conn.execute(trigger)
    conn.close()
    return path


def test_undo_of_a_step_too_deep_to_read_says_so_and_changes_nothing(project: Path) -> None:
    with Store.open(project) as store:
        stack = CommandStack(store, "ana")
        assert stack.can_undo()
        with pytest.raises(CommandError, match="cannot undo: the step .* more than 64 levels"):
            stack.undo()
        assert store.article_status(1, "ana") == ArticleStatus.DONE


def test_suggestion_use_skips_a_step_too_deep_to_read(project: Path) -> None:
    with Store.open(project, readonly=True) as store:
        use = suggestion_use(store)
    assert use.totals() == {} and use.relations.totals() == {}


def test_log_json_prints_the_stored_text_of_changes_too_deep_to_read(project: Path) -> None:
    result = sorot("log", project, "--json", "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["changes"] == DEEP


def test_a_writers_file_too_deep_to_read_lists_nobody(tmp_path: Path) -> None:
    project = tmp_path / "p.sorot"
    writers.path_for(project).write_text('{"writers": ' + DEEP + "}", encoding="utf-8")
    assert writers.current(project) == []


def test_a_warned_places_record_too_deep_to_read_warns_again(tmp_path: Path) -> None:
    record = tmp_path / "warned.json"
    record.write_text(DEEP, encoding="utf-8")
    synced = tmp_path / "Dropbox" / "p.sorot"
    assert "Dropbox" in places.warn_once(synced, record, mounts="")
    assert json.loads(record.read_text(encoding="utf-8")) == [str(synced)]


def test_window_refuses_a_project_whose_schema_is_too_deep_and_says_why(
    qtbot, project: Path
) -> None:
    from annotation.settings import Settings
    from gui.main_window import MainWindow

    conn = sqlite3.connect(project)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (DEEP,))
    conn.close()
    before = project.read_bytes()
    win = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(win)
    assert not win.open_project(project)
    assert win.workspace is None
    assert "label schema nests lists or objects more than 64" in win.property("project_failure")
    win.close()
    assert project.read_bytes() == before
    shot = sorot("screenshot", project, project.with_suffix(".png"))
    assert shot.returncode == 1 and "Traceback" not in shot.stderr, shot.stderr
    assert "label schema" in shot.stderr
