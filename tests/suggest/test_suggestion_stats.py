"""How suggestions were used, from a scripted session on a real project file."""

from __future__ import annotations

import json

from annotation.model import EntityStatus, NewEntity, NewRelation
from annotation.project import commands as cmd
from annotation.project.commands import CommandStack
from annotation.project.store import Store
from annotation.suggest.usage import suggestion_use
from cli.main import run

TEXT = "Presiden Joko Widodo bertemu Menlu Retno Marsudi di Istana Bogor, Jakarta, Senin."


def at(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


def test_a_scripted_session_is_counted_per_suggester_and_label(tmp_path, capsys) -> None:
    path = tmp_path / "s.sorot"
    with Store.create(path) as store:
        with store.transaction():
            article = store.add_article(TEXT, title="t")
        suggested = [
            ("Joko Widodo", "PER", "model"),
            ("Retno", "PER", "model"),
            ("Istana Bogor", "GPE", "rules:gazetteer"),
            ("Jakarta", "GPE", "model"),
            ("Senin", "DATE", "rules:date"),
        ]
        store.add_annotations(
            article,
            [
                NewEntity(*at(s), label, status=EntityStatus.SUGGESTED, origin=origin)
                for s, label, origin in suggested
            ],
            [],
        )
        store.db.conn.commit()
        ids = {store.article(article).text[e.start : e.end]: e.id for e in store.entities(article)}
        stack = CommandStack(store, "ana")
        stack.do(cmd.AcceptEntity(ids["Joko Widodo"]))  # accepted
        stack.do(cmd.ResizeEntity(ids["Retno"], *at("Retno Marsudi")))  # resized
        stack.do(cmd.RelabelEntity(ids["Istana Bogor"], "LOC"))  # relabelled
        stack.do(cmd.RejectEntity(ids["Jakarta"]))  # rejected
        stack.do(cmd.AddEntity(article, *at("Menlu"), "ROLE"))  # added
        stack.do(cmd.AcceptEntity(ids["Senin"]))
        stack.undo()  # undone
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
    assert data["total"] == {
        "accepted": 1,
        "resized": 1,
        "relabelled": 1,
        "resized+relabelled": 0,
        "rejected": 1,
        "added": 1,
    }
    assert run(["stats", str(path), "--suggestions"]) == 0
    assert "1 of 4 decided suggestions kept as suggested (25%)" in capsys.readouterr().out


def test_the_window_shows_the_same_figures(qtbot, tmp_path) -> None:
    from PySide6.QtWidgets import QApplication

    from annotation.settings import Settings
    from gui.main_window import MainWindow
    from gui.team.suggestion_use import SuggestionUseDialog

    path = tmp_path / "s.sorot"
    with Store.create(path) as store:
        with store.transaction():
            article = store.add_article(TEXT, title="t")
        store.add_annotations(
            article,
            [NewEntity(*at("Jakarta"), "GPE", status=EntityStatus.SUGGESTED, origin="model")],
            [],
        )
        store.db.conn.commit()
        [entity] = store.entities(article)
        stack = CommandStack(store, "ana")
        stack.do(cmd.RelabelEntity(entity.id, "LOC"))
        stack.do(cmd.AddEntity(article, *at("Senin"), "DATE"))
    window = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(path)
    window.actions.suggestion_use.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SuggestionUseDialog))
    qtbot.addWidget(dialog)
    cells = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]
    assert cells == [
        ["human", "DATE", "0", "0", "0", "0", "0", "1"],
        ["model", "GPE", "0", "0", "1", "0", "0", "0"],
    ]
    assert "0 of 1 decided suggestions kept" in dialog.summary.text()
    assert len(dialog.chart.days) == 1 and sum(dialog.chart.days[0][1].values()) == 2
    assert not dialog.chart.grab().isNull()
    window.close()


RELATIONS_TEXT = (
    "Indonesia mendukung Palestina dan mengecam Israel, kata Menlu Retno Marsudi di Jakarta, Senin."
)


def relations_project(path) -> tuple[Store, dict[str, int], dict[tuple[str, str, str], int]]:
    """A project whose one article has accepted entities and suggested relations between
    them; returns the store, entity ids by surface and relation ids by (head, label, child)."""

    def span(surface: str) -> tuple[int, int]:
        start = RELATIONS_TEXT.index(surface)
        return start, start + len(surface)

    surfaces = [
        ("Indonesia", "GPE"),
        ("Palestina", "GPE"),
        ("Israel", "GPE"),
        ("Menlu", "ROLE"),
        ("Retno Marsudi", "PER"),
        ("Jakarta", "GPE"),
    ]
    index = {s: i for i, (s, _) in enumerate(surfaces)}
    suggested = [
        ("Indonesia", "SUPPORTS", "Palestina", "rules"),
        ("Indonesia", "SUPPORTS", "Israel", "rules"),
        ("Palestina", "URGES", "Indonesia", "relation-model"),
        ("Israel", "OPPOSES", "Palestina", "rules"),
        ("Israel", "SANCTIONS", "Indonesia", "rules"),
        ("Retno Marsudi", "VISITS", "Jakarta", "rules"),
        ("Retno Marsudi", "MEETS", "Israel", "rules"),
    ]
    store = Store.create(path)
    with store.transaction():
        article = store.add_article(RELATIONS_TEXT, title="t")
    store.add_annotations(
        article,
        [
            NewEntity(*span(s), label, status=EntityStatus.ACCEPTED, origin="human")
            for s, label in surfaces
        ],
        [
            NewRelation(index[h], index[c], label, status=EntityStatus.SUGGESTED, origin=origin)
            for h, label, c, origin in suggested
        ],
        annotator="ana",
    )
    store.db.conn.commit()
    text = store.article(article).text
    entities = {text[e.start : e.end]: e.id for e in store.entities(article)}
    names = {e: s for s, e in entities.items()}
    relations = {(names[r.head], r.label, names[r.child]): r.id for r in store.relations(article)}
    return store, entities, relations


def test_relations_accepted_fixed_rejected_and_added_per_type(tmp_path, capsys) -> None:
    path = tmp_path / "r.sorot"
    store, e, r = relations_project(path)
    with store:
        stack = CommandStack(store, "ana")
        stack.do(cmd.AcceptRelation(r["Indonesia", "SUPPORTS", "Palestina"]))  # accepted
        stack.do(cmd.RelabelRelation(r["Indonesia", "SUPPORTS", "Israel"], "OPPOSES"))  # retyped
        with stack.group("Turn URGES into URGES"):  # turned round
            stack.do(cmd.DeleteRelation(r["Palestina", "URGES", "Indonesia"]))
            stack.do(cmd.AddRelation(e["Indonesia"], e["Palestina"], "URGES"))
        with stack.group("Turn OPPOSES into SANCTIONS"):  # turned+retyped
            stack.do(cmd.DeleteRelation(r["Israel", "OPPOSES", "Palestina"]))
            stack.do(cmd.AddRelation(e["Palestina"], e["Israel"], "SANCTIONS"))
        stack.do(cmd.RejectRelation(r["Israel", "SANCTIONS", "Indonesia"]))  # rejected
        stack.do(cmd.DeleteRelation(r["Retno Marsudi", "VISITS", "Jakarta"]))  # rejected
        stack.do(cmd.AddRelation(e["Retno Marsudi"], e["Menlu"], "HOLDS_ROLE"))  # added
        stack.do(cmd.AcceptRelation(r["Retno Marsudi", "MEETS", "Israel"]))
        stack.undo()  # undone
        use = suggestion_use(store)
    assert {k: dict(v) for k, v in use.relations.by_source.items()} == {
        ("rules", "SUPPORTS"): {"accepted": 1, "retyped": 1},
        ("relation-model", "URGES"): {"turned round": 1},
        ("rules", "OPPOSES"): {"turned+retyped": 1},
        ("rules", "SANCTIONS"): {"rejected": 1},
        ("rules", "VISITS"): {"rejected": 1},
        ("human", "HOLDS_ROLE"): {"added": 1},
    }
    [(_, counts)] = use.relations.by_day.items()
    assert sum(counts.values()) == 7
    # The entities drawn by hand are counted as before, apart from the relations.
    assert use.totals() == {"added": 6}
    assert run(["stats", str(path), "--suggestions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["relations"]["total"] == {
        "accepted": 1,
        "retyped": 1,
        "turned round": 1,
        "turned+retyped": 1,
        "rejected": 2,
        "added": 1,
    }
    assert run(["stats", str(path), "--suggestions"]) == 0
    out = capsys.readouterr().out
    assert "1 of 6 decided suggestions kept as suggested (17%); 1 relations added" in out


def test_the_window_shows_relations_beside_entities(qtbot, tmp_path) -> None:
    from annotation.settings import Settings
    from gui.main_window import MainWindow
    from gui.team.suggestion_use import SuggestionUseDialog

    path = tmp_path / "r.sorot"
    store, e, r = relations_project(path)
    store.close()
    window = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(path)
    controller = window.pane.controller
    # Turned round as the window does it (the relation picker's retype, Tab for direction).
    assert controller.retype_relation(
        r["Palestina", "URGES", "Indonesia"], e["Indonesia"], e["Palestina"], "URGES"
    )
    assert controller.retype_relation(
        r["Indonesia", "SUPPORTS", "Israel"], e["Indonesia"], e["Israel"], "OPPOSES"
    )
    window.actions.suggestion_use.trigger()
    dialog = window.findChild(SuggestionUseDialog)
    qtbot.addWidget(dialog)
    table = dialog.relation_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    cells = [
        dict(zip(headers, (table.item(row, c).text() for c in range(len(headers)))))
        for row in range(table.rowCount())
    ]
    assert [(c["Suggester"], c["Label"], c["turned round"], c["retyped"]) for c in cells] == [
        ("relation-model", "URGES", "1", "0"),
        ("rules", "SUPPORTS", "0", "1"),
    ]
    assert "Relations: 0 of 2 decided suggestions kept" in dialog.relation_summary.text()
    assert dialog.table.isVisible() == dialog.relation_table.isVisible()
    assert len(dialog.relation_chart.days) == 1
    assert not dialog.grab().isNull()
    window.close()
