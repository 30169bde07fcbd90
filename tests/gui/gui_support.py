"""Shared steps of the window tests: a project of one article with annotations, and the
window opened on it, shown and active so that its keys reach it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotation.io.importer import import_paths
from annotation.model import EntityStatus, NewEntity, NewRelation
from annotation.project.store import Store
from annotation.settings import Settings
from gui.main_window import MainWindow

Span = tuple[int, int, str]  # start, end, label


def one_article_project(
    folder: Path,
    text: str,
    spans: Sequence[Span],
    relations: Sequence[NewRelation] = (),
    status: str = EntityStatus.ACCEPTED,
    annotator: str = "ana",
) -> Path:
    """A project file holding `text` as its one article, with these entities (all of
    `status`) and relations (indexes into `spans`)."""
    (folder / "article.txt").write_text(text, encoding="utf-8")
    path = folder / "project.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [folder / "article.txt"], annotator=annotator).ok
        article_id = store.article_ids()[0]
        decided = status != EntityStatus.SUGGESTED
        store.add_annotations(
            article_id,
            [
                NewEntity(start, end, label, status=status, origin="human" if decided else "rules")
                for start, end, label in spans
            ],
            list(relations),
            annotator=annotator if decided else None,
        )
        store.db.conn.commit()
    return path


def open_window(
    qtbot, path: Path, size: tuple[int, int] | None = None, annotator: str = "ana"
) -> MainWindow:
    """The window on `path`, shown, active and with the article view focused."""
    win = MainWindow(Settings(annotator=annotator), suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(path)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.pane.view.setFocus()
    return win


def spans_of(text: str, marks: Sequence[tuple[str, str, int]]) -> list[Span]:
    """(start, end, label) for each (surface, label, n): the n-th (from 0) time `surface`
    stands in `text`."""
    spans = []
    for surface, label, nth in marks:
        at = -1
        for _ in range(nth + 1):
            at = text.index(surface, at + 1)
        spans.append((at, at + len(surface), label))
    return spans
