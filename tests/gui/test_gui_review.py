"""Review mode driven by keyboard to a finished gold layer, which is then exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QListWidget

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus
from annotation.project import commands as cmd
from annotation.project.commands import CommandStack
from annotation.project.store import Store
from annotation.settings import Settings
from cli.main import run
from gui.main_window import MainWindow

TEXTS = {
    "calm.txt": "Menlu Retno Marsudi bertemu Menlu Wang Yi di Beijing pada Senin (4/12/2023).",
    "stormy.txt": "Presiden Joko Widodo menerima Presiden Prancis Emmanuel Macron di Istana "
    "Bogor pada Rabu (13/3/2024).",
}
WORK = {  # file: annotator: [(surface, label)]
    "calm.txt": {
        "ana": [("Retno Marsudi", "PER"), ("Wang Yi", "PER"), ("Beijing", "GPE")],
        "budi": [("Retno Marsudi", "PER"), ("Wang Yi", "PER"), ("Beijing", "LOC")],
    },
    "stormy.txt": {
        "ana": [
            ("Joko Widodo", "PER"),
            ("Prancis", "GPE"),
            ("Emmanuel Macron", "PER"),
            ("Istana Bogor", "LOC"),
            ("Rabu (13/3/2024)", "DATE"),
        ],
        "budi": [("Joko Widodo", "PER"), ("Prancis", "LOC"), ("Istana Bogor", "GPE")],
    },
}


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path / "review.sorot"
    with Store.create(path) as store:
        assert import_paths(
            store, sorted(folder.iterdir()), annotator="ana", title_from="filename"
        ).ok
        for article_id in store.article_ids():
            article = store.article(article_id)
            name = article.title + ".txt"
            for annotator, items in WORK[name].items():
                stack = CommandStack(store, annotator)
                for surface, label in items:
                    start = article.text.index(surface)
                    stack.do(cmd.AddEntity(article_id, start, start + len(surface), label))
                stack.do(cmd.SetArticleStatus(article_id, ArticleStatus.DONE))
    return path


def gold(path: Path, article_id: int) -> dict[str, tuple[str, str]]:
    with Store.open(path, readonly=True) as store:
        text = store.article(article_id).text
        return {
            text[e.start : e.end]: (e.label, e.status)
            for e in store.entities(article_id)
            if e.annotator == "rev"
        }


def test_review_from_start_to_an_exported_gold_layer(qtbot, project_path, tmp_path) -> None:
    window = MainWindow(Settings(annotator="rev"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(project_path)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        names = dialog.findChild(QListWidget)
        assert [names.item(i).text() for i in range(names.count())] == ["ana", "budi"]
        dialog.accept()

    QTimer.singleShot(0, choose)
    window.actions.start_review.trigger()
    pane = window.pane
    assert pane.review == ["ana", "budi"]
    # Review has its own order, by disagreement: the list's order box and the menu step aside.
    assert pane.article_list.order_box.isHidden()
    assert not window.actions.uncertain_first.isEnabled()
    c = pane.controller
    stormy = c.article.id
    assert c.article.title == "stormy"  # the most disagreeing article comes first
    # What both agree on is already gold.
    assert gold(project_path, stormy) == {"Joko Widodo": ("PER", "accepted")}
    view = pane.view
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view.setFocus()
    # The first open difference, "Prancis": ana's version is current; Enter takes it.
    assert c.surface(c.current_entity()) == "Prancis" and c.current_entity().annotator == "ana"
    qtbot.keyClick(view, Qt.Key_Return)
    assert gold(project_path, stormy)["Prancis"] == ("GPE", "accepted")
    # Next: "Emmanuel Macron", which only ana marked; Alt+2 takes budi's version: nothing.
    assert c.surface(c.current_entity()) == "Emmanuel Macron"
    qtbot.keyClick(view, Qt.Key_2, Qt.AltModifier)
    assert gold(project_path, stormy)["Emmanuel Macron"] == ("PER", "rejected")
    # "Istana Bogor": neither label; a label key puts the span into gold as the reviewer says.
    assert c.surface(c.current_entity()) == "Istana Bogor"
    qtbot.keyClick(view, Qt.Key_5)
    assert gold(project_path, stormy)["Istana Bogor"] == ("LOC", "accepted")
    # The date only ana marked: X says nothing is there; undo, then take ana's with Enter.
    assert c.surface(c.current_entity()) == "Rabu (13/3/2024)"
    qtbot.keyClick(view, Qt.Key_X)
    assert gold(project_path, stormy)["Rabu (13/3/2024)"] == ("DATE", "rejected")
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert "Rabu (13/3/2024)" not in gold(project_path, stormy)
    qtbot.waitUntil(lambda: c.current_entity() is not None)
    assert c.surface(c.current_entity()) == "Rabu (13/3/2024)"
    qtbot.keyClick(view, Qt.Key_Return)
    assert c.review.open == []
    assert "4 of 4 differences settled" in pane.review_panel._status.text()
    # Done: the next article to review opens, with its agreed items in gold.
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    calm = c.article.id
    assert calm != stormy
    assert set(gold(project_path, calm)) == {"Retno Marsudi", "Wang Yi"}
    qtbot.keyClick(view, Qt.Key_Return)  # ana's GPE for Beijing
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    window.actions.leave_review.trigger()  # back to annotating: the order is offered again
    assert not window.pane.review and not window.pane.article_list.order_box.isHidden()
    assert window.actions.uncertain_first.isEnabled()
    window.close()

    out = tmp_path / "gold.jsonl"
    assert run(["export", str(project_path), str(out), "--gold", "--reviewer", "rev"]) == 0
    records = {r["meta"]["title"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(records) == {"stormy", "calm"}
    spans = {s["text"]: (s["label"], s["versions"]) for s in records["stormy"]["spans"]}
    assert spans == {
        "Joko Widodo": ("PER", ["ana", "budi"]),
        "Prancis": ("GPE", ["ana"]),
        "Istana Bogor": ("LOC", ["ana"]),
        "Rabu (13/3/2024)": ("DATE", ["ana"]),
    }


def test_relations_the_annotators_differ_on_are_offered_and_settled(qtbot, tmp_path) -> None:
    text = "Presiden Joko Widodo bertemu Presiden Emmanuel Macron di Bogor."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "rel.sorot"
    with Store.create(path) as store:
        import_paths(store, [tmp_path / "a.txt"], annotator="ana", title_from="filename")
        article = store.article_ids()[0]
        for annotator, relation in (("ana", "MEETS"), ("budi", None)):
            stack = CommandStack(store, annotator)
            ids = []
            for surface in ("Joko Widodo", "Emmanuel Macron"):
                command = cmd.AddEntity(
                    article, text.index(surface), text.index(surface) + len(surface), "PER"
                )
                stack.do(command)
                ids.append(command.entity_id)
            if relation:
                stack.do(cmd.AddRelation(ids[0], ids[1], relation))
            stack.do(cmd.SetArticleStatus(article, ArticleStatus.DONE))
    window = MainWindow(Settings(annotator="rev"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(path)
    window._show_pane(["ana", "budi"])
    c = window.pane.controller
    # Both people agree on the entities, which are gold now; only ana linked them.
    [version] = c.relation_versions.values()
    assert c.current_relation() == version.relation
    assert c.accept()
    with Store.open(path, readonly=True) as store:
        [gold] = [r for r in store.relations(article) if r.annotator == "rev"]
        assert (gold.label, gold.status, gold.origin) == ("MEETS", "accepted", "review:ana")
    assert c.relation_versions == {}
    window.workspace.undo()
    assert len(c.relation_versions) == 1
    c.set_current(next(i for i in c.open_items() if i.kind == "relation"))
    assert c.reject()
    with Store.open(path, readonly=True) as store:
        [gold] = [r for r in store.relations(article) if r.annotator == "rev"]
        assert gold.status == "rejected"
    window.close()


def test_merge_from_the_window(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    text = "Menlu Retno Marsudi bertemu Menlu Wang Yi di Beijing."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    sources = []
    for name in ("ana", "budi"):
        path = tmp_path / f"{name}.sorot"
        with Store.create(path) as store:
            import_paths(store, [tmp_path / "a.txt"], annotator=name, title_from="filename")
            article = store.article_ids()[0]
            stack = CommandStack(store, name)
            stack.do(cmd.AddEntity(article, 6, 19, "PER"))
            stack.do(cmd.SetArticleStatus(article, ArticleStatus.DONE))
        sources.append(str(path))
    review_path = tmp_path / "review.sorot"
    Store.create(review_path).close()
    window = MainWindow(Settings(annotator="rev"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(review_path)
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (sources, ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    window.actions.merge.trigger()
    assert "ana.sorot: added 1 article" in shown[-1]
    assert window.pane.article_list.model.rowCount() == 1
    with Store.open(review_path, readonly=True) as store:
        assert store.annotators() == ["ana", "budi"]
    window.close()
