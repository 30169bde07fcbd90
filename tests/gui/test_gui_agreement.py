"""The agreement dashboard shows what annotation.team.agreement measures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.model import ArticleStatus, NewEntity, NewRelation
from annotation.project.commands import CommandStack, SetArticleStatus
from annotation.project.store import Store
from annotation.team.agreement import compute_agreement
from gui.team.agreement_dashboard import AgreementDialog
from gui.workspace import Workspace

TEXTS = [
    "Presiden Joko Widodo bertemu Perdana Menteri Anwar Ibrahim di Bogor pada Senin.",
    "Menteri Luar Negeri Retno Marsudi berkunjung ke Teheran, Iran, pekan lalu.",
    "Sekjen PBB Antonio Guterres menyerukan gencatan senjata di Jalur Gaza.",
]


def spans(text: str, *pairs: tuple[str, str]) -> list[NewEntity]:
    return [NewEntity(text.index(w), text.index(w) + len(w), label) for w, label in pairs]


@pytest.fixture
def workspace(project: Store) -> Workspace:
    with project.transaction():
        ids = [project.add_article(text, title=f"Artikel {n}") for n, text in enumerate(TEXTS)]
    work = {
        "ani": [
            (("Joko Widodo", "PER"), ("Anwar Ibrahim", "PER"), ("Bogor", "GPE")),
            (("Retno Marsudi", "PER"), ("Teheran", "GPE"), ("Iran", "GPE")),
            (("PBB", "ORG"), ("Antonio Guterres", "PER"), ("Jalur Gaza", "GPE")),
        ],
        "budi": [
            (("Joko Widodo", "PER"), ("Anwar Ibrahim", "PER"), ("Bogor", "LOC"), ("Senin", "DATE")),
            (("Retno Marsudi", "PER"), ("Teheran", "GPE"), ("Iran", "GPE")),
            (("PBB", "ORG"), ("Guterres", "PER"), ("Gaza", "LOC")),
        ],
    }
    with project.db.atomic():
        for who, articles in work.items():
            for article_id, text, pairs in zip(ids, TEXTS, articles):
                project.add_annotations(
                    article_id,
                    spans(text, *pairs),
                    [NewRelation(0, 1, "MEETS")] if article_id == ids[0] else [],
                    annotator=who,
                )
    for who in work:
        stack = CommandStack(project, who)
        for article_id in ids:
            stack.do(SetArticleStatus(article_id, ArticleStatus.DONE))
    return Workspace(project, "ani")


@pytest.fixture
def dialog(qtbot, workspace: Workspace) -> AgreementDialog:
    dialog = AgreementDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_figures_match_annotation_agreement(dialog: AgreementDialog, workspace: Workspace) -> None:
    report = compute_agreement(workspace.store, ["ani", "budi"])
    assert dialog.chosen_annotators() == ["ani", "budi"]
    assert dialog.counted.text() == report.counted_line
    assert "3 of 3 articles counted" in dialog.counted.text()
    shown = {name: label.text() for name, label in dialog.overall_values.items()}
    assert shown == {name: f"{value:.3f}" for name, value in report.overall()}
    assert shown["Cohen's kappa, tokens"] == f"{report.kappa:.3f}"


def test_chart_has_one_bar_pair_per_label(dialog: AgreementDialog, workspace: Workspace) -> None:
    report = compute_agreement(workspace.store)
    assert dialog.chart.bars() == [(x.label, x.exact_f1, x.kappa) for x in report.per_label]
    rects = dialog.chart.bar_rects()
    assert len(rects) == len(report.labels) == 5
    for (exact, kappa), x in zip(rects, report.per_label):
        assert exact.right() <= kappa.left()  # side by side, exact F1 first
        assert exact.height() > 0 or x.exact_f1 == 0


def test_heat_map_shows_the_confusion_matrix(dialog: AgreementDialog, workspace: Workspace) -> None:
    confusion = compute_agreement(workspace.store).pairs[0].confusion
    grid = dialog.heat_map.matrix()
    labels = confusion.labels
    assert [row[:-1] for row in grid[:-1]] == confusion.matrix
    assert [row[-1] for row in grid[:-1]] == [confusion.only_a[x] for x in labels]
    assert grid[-1] == [*(confusion.only_b[x] for x in labels), None]
    assert confusion.matrix[labels.index("GPE")][labels.index("LOC")] == 1
    assert dialog.heat_map.names == ("ani", "budi")
    assert not dialog.pair_chooser.isVisible()  # one pair: nothing to choose


def test_double_click_on_the_table_emits_article_chosen(
    qtbot, dialog: AgreementDialog, workspace: Workspace
) -> None:
    ranked = [a.article_id for a in compute_agreement(workspace.store).articles]
    model = dialog.table.model()
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ranked
    index = model.index(0, 1)
    rect = dialog.table.visualRect(index)
    # An item view takes a double click as the second click of a pair, as from a mouse.
    qtbot.mouseClick(dialog.table.viewport(), Qt.LeftButton, pos=rect.center())
    with qtbot.waitSignal(dialog.articleChosen) as signal:
        qtbot.mouseDClick(dialog.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert signal.args == [ranked[0]]


def test_unchecking_an_annotator_shows_a_clear_message(qtbot, dialog: AgreementDialog) -> None:
    dialog.annotator_list.item(1).setCheckState(Qt.Unchecked)
    assert dialog.report is None
    assert "at least two annotators" in dialog.counted.text()
    assert dialog.chart.bars() == [] and dialog.heat_map.matrix() == []
    assert dialog.table.model().rowCount() == 0
    dialog.annotator_list.item(1).setCheckState(Qt.Checked)
    assert dialog.report is not None and dialog.table.model().rowCount() == 3


def test_three_annotators_get_a_pair_chooser(qtbot, workspace: Workspace) -> None:
    store = workspace.store
    ids = store.article_ids()
    with store.db.atomic():
        store.add_annotations(
            ids[0], spans(TEXTS[0], ("Joko Widodo", "PER")), [], annotator="citra"
        )
    stack = CommandStack(store, "citra")
    for article_id in ids:
        stack.do(SetArticleStatus(article_id, ArticleStatus.DONE))
    dialog = AgreementDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    report = compute_agreement(store)
    assert dialog.pair_chooser.count() == 3 and dialog.pair_chooser.isVisible()
    dialog.pair_chooser.setCurrentIndex(2)
    assert dialog.heat_map.names == ("budi", "citra")
    assert [row[:-1] for row in dialog.heat_map.matrix()[:-1]] == report.pairs[2].confusion.matrix
    assert dialog.overall_values["Fleiss' kappa, tokens"].text() == f"{report.kappa:.3f}"


def test_renders_legibly_in_light_and_dark(qtbot, dialog: AgreementDialog, tmp_path: Path) -> None:
    from gui.app import dark_palette

    dialog.resize(1100, 820)
    assert dialog.grab().save(str(tmp_path / "light.png"))
    dialog.setPalette(dark_palette())
    assert dialog.grab().save(str(tmp_path / "dark.png"))


def test_a_large_project_is_measured_off_the_gui_thread(
    qtbot, workspace: Workspace, monkeypatch
) -> None:
    import gui.team.agreement_dashboard as dashboard

    monkeypatch.setattr(dashboard, "MEASURE_IN_BACKGROUND", 0)
    dialog = AgreementDialog(workspace)
    qtbot.addWidget(dialog)
    assert dialog.counted.text() == "Measuring agreement…"
    report = compute_agreement(workspace.store, ["ani", "budi"])
    qtbot.waitUntil(lambda: dialog.counted.text() == report.counted_line, timeout=20_000)
    assert {n: v.text() for n, v in dialog.overall_values.items()} == {
        name: f"{value:.3f}" for name, value in report.overall()
    }
