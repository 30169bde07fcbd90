"""Suggestions in the background with the real engine: the open article first, then the
rest, and what the researcher decides spreads to other articles through the memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from annotation.io.importer import import_paths
from annotation.model import EntityStatus
from annotation.project.store import Store
from annotation.settings import Settings
from gui.app import screenshot
from gui.main_window import MainWindow

TEXTS = [
    "Menlu Bertemu\n\nMenteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri "
    "Tiongkok Wang Yi di Beijing, Senin (4/12/2023). Keduanya membahas Festival Zorblax.",
    "Festival Zorblax Dibuka\n\nFestival Zorblax dibuka di Jakarta pada 20 November 2023 "
    "oleh Presiden Joko Widodo.",
]


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(TEXTS):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, sorted(folder.iterdir()), annotator="ana").ok
    return path


def suggested(path: Path, article_id: int) -> dict[str, tuple[str, str]]:
    with Store.open(path, readonly=True) as store:
        text = store.article(article_id).text
        return {
            text[e.start : e.end]: (e.label, e.origin)
            for e in store.entities(article_id, (EntityStatus.SUGGESTED,))
        }


def test_the_open_article_then_the_rest_are_suggested_and_decisions_spread(
    qtbot, project_path
) -> None:
    window = MainWindow(Settings(annotator="ana"), suggestions=True)
    qtbot.addWidget(window)
    assert window.open_project(project_path)
    first, second = window.workspace.store.article_ids()
    c = window.pane.controller
    assert c.article.id == first and c.entities == []  # opened at once, suggestions follow
    qtbot.waitUntil(lambda: len(c.entities) > 3, timeout=60_000)
    surfaces = {c.surface(e): e.label for e in c.entities}
    assert surfaces["Retno Marsudi"] == "PER" and surfaces["Beijing"] == "GPE"
    qtbot.waitUntil(lambda: "Joko Widodo" in suggested(project_path, second), timeout=60_000)

    # Labelling a string the suggesters do not know teaches the memory, which suggests it
    # in the other article without the researcher going there.
    text = c.article.text
    start = text.index("Festival Zorblax")
    window.pane.view.select_span(start, start + len("Festival Zorblax"))
    assert c.apply_label("ORG")
    qtbot.waitUntil(
        lambda: suggested(project_path, second).get("Festival Zorblax", ("",))[0] == "ORG",
        timeout=30_000,
    )
    assert suggested(project_path, second)["Festival Zorblax"][1] == "memory"
    window.close()


def test_screenshot_renders_the_window_with_suggestions(project_path, tmp_path, qapp) -> None:
    out = tmp_path / "shot.png"
    assert screenshot([str(project_path), str(out), "--size", "1200x800", "--current", "2"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert suggested(project_path, 1)  # the article shown was suggested first
    # Not a blank picture: many distinct colours from text, highlights and tags.
    colours = {image.pixel(x, y) for x in range(0, 1200, 7) for y in range(0, 800, 7)}
    assert len(colours) > 20


def test_screenshot_reports_a_file_that_is_not_a_project(tmp_path, capsys, qapp) -> None:
    bogus = tmp_path / "notes.sorot"
    bogus.write_text("not a project", encoding="utf-8")
    assert screenshot([str(bogus), str(tmp_path / "x.png")]) == 1
    assert "not a Sorot project" in capsys.readouterr().err
    assert bogus.read_text(encoding="utf-8") == "not a project"
