"""How suggestions were used, from a scripted session on a real project file."""

from __future__ import annotations

import json

from annotation import commands as cmd
from annotation.cli import run
from annotation.commands import CommandStack
from annotation.model import EntityStatus
from annotation.store import NewEntity, Store
from annotation.suggestion_stats import suggestion_use

TEXT = "Presiden Joko Widodo bertemu Menlu Retno Marsudi di Istana Bogor, Jakarta, Senin."


def at(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


def test_a_scripted_session_is_counted_per_suggester_and_label(tmp_path, capsys) -> None:
    path = tmp_path / "s.sorot"
    with Store.create(path) as store:
        with store.transaction():
            article = store.add_article(TEXT, title="t")
        suggested = [("Joko Widodo", "PER", "model"), ("Retno", "PER", "model"),
                     ("Istana Bogor", "GPE", "rules:gazetteer"), ("Jakarta", "GPE", "model"),
                     ("Senin", "DATE", "rules:date")]
        store.add_annotations(article, [
            NewEntity(*at(s), label, status=EntityStatus.SUGGESTED, origin=origin)
            for s, label, origin in suggested], [])
        store.db.conn.commit()
        ids = {store.article(article).text[e.start:e.end]: e.id
               for e in store.entities(article)}
        stack = CommandStack(store, "ana")
        stack.do(cmd.AcceptEntity(ids["Joko Widodo"]))                       # accepted
        stack.do(cmd.ResizeEntity(ids["Retno"], *at("Retno Marsudi")))       # resized
        stack.do(cmd.RelabelEntity(ids["Istana Bogor"], "LOC"))              # relabelled
        stack.do(cmd.RejectEntity(ids["Jakarta"]))                           # rejected
        stack.do(cmd.AddEntity(article, *at("Menlu"), "ROLE"))               # added
        stack.do(cmd.AcceptEntity(ids["Senin"]))
        stack.undo()                                                         # undone
        use = suggestion_use(store)
    assert {k: dict(v) for k, v in use.by_source.items()} == {
        ("model", "PER"): {"accepted": 1, "resized": 1},
        ("rules:gazetteer", "GPE"): {"relabelled": 1},
        ("model", "GPE"): {"rejected": 1},
        ("human", "ROLE"): {"added": 1},
    }
    [(day, counts)] = use.by_day.items()
    assert sum(counts.values()) == 5 and len(day) == 10
    assert run(["stats", str(path), "--suggestions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == {"accepted": 1, "resized": 1, "relabelled": 1,
                             "resized+relabelled": 0, "rejected": 1, "added": 1}
    assert run(["stats", str(path), "--suggestions"]) == 0
    assert "1 of 4 decided suggestions kept as suggested (25%)" in capsys.readouterr().out


def test_the_window_shows_the_same_figures(qtbot, tmp_path) -> None:
    from PySide6.QtWidgets import QApplication

    from annotation.settings import Settings
    from gui.main_window import MainWindow
    from gui.suggestion_use import SuggestionUseDialog

    path = tmp_path / "s.sorot"
    with Store.create(path) as store:
        with store.transaction():
            article = store.add_article(TEXT, title="t")
        store.add_annotations(article, [NewEntity(*at("Jakarta"), "GPE",
                                                  status=EntityStatus.SUGGESTED,
                                                  origin="model")], [])
        store.db.conn.commit()
        [entity] = store.entities(article)
        stack = CommandStack(store, "ana")
        stack.do(cmd.RelabelEntity(entity.id, "LOC"))
        stack.do(cmd.AddEntity(article, *at("Senin"), "DATE"))
    window = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(path)
    window.actions.suggestion_use.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, SuggestionUseDialog))
    qtbot.addWidget(dialog)
    cells = [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
             for r in range(dialog.table.rowCount())]
    assert cells == [["human", "DATE", "0", "0", "0", "0", "0", "1"],
                     ["model", "GPE", "0", "0", "1", "0", "0", "0"]]
    assert "0 of 1 decided suggestions kept" in dialog.summary.text()
    assert len(dialog.chart.days) == 1 and sum(dialog.chart.days[0][1].values()) == 2
    assert not dialog.chart.grab().isNull()
    window.close()
