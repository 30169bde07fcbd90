"""Training the NER on a project's own annotations (`annotation.suggest.training`)."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pytest

from annotation.io.importer import import_paths
from annotation.nlp.model_folders import METADATA, current_model, models_dir
from annotation.project.commands import AddEntity, CommandStack, SetArticleStatus
from annotation.project.store import Store, entity_row
from annotation.suggest.train_errors import TrainError
from annotation.suggest.training import train_project
from cli import train as cli_train

ANA = "ana"
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Semarang"]
TEXTS = [
    "Festival Zorblax {n} digelar di {place} pada hari Minggu. Ribuan warga datang.",
    "Panitia menyebut Festival Zorblax {n} akan dibuka besok di {place}.",
    "Warga {place} menyambut Festival Zorblax {n} dengan gembira.",
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A project of 12 short articles; ana marked 10 done, each with one EVENT."""
    texts = tmp_path / "texts"
    texts.mkdir()
    for i in range(12):
        body = TEXTS[i % 3].format(n=i + 1, place=PLACES[i % len(PLACES)])
        (texts / f"a{i:02d}.txt").write_text(f"Berita {i + 1}\n\n{body}\n", encoding="utf-8")
    path = tmp_path / "proj.sorot"
    with Store.create(path) as store:
        import_paths(store, [texts], fmt="txt", annotator=ANA, workers=0)
        stack = CommandStack(store, ANA)
        for article_id in store.article_ids()[:10]:
            text = store.article(article_id).text
            start = text.index("Festival Zorblax")
            end = start + len("Festival Zorblax ") + len(text[start:].split()[2])
            stack.do(AddEntity(article_id, start, end, "EVENT"))
            stack.do(SetArticleStatus(article_id, "done"))
    return path


def test_adopted_model_is_saved_with_pointer_and_metadata(project_path: Path) -> None:
    before = _sha(project_path)
    seen = []
    with Store.open(project_path) as store:
        report = train_project(
            store, ANA, base="blank", epochs=12, progress=lambda e, n, loss: seen.append((e, n))
        )
    assert seen[-1] == (12, 12)
    assert report.labels == ["EVENT"]
    assert set(report.current) == set(report.new) == {"EVENT", "ALL"}
    assert (report.train_articles, report.heldout_articles) == (8, 2)
    assert report.new_f1 > report.current_f1, report.format()
    assert report.adopted
    assert current_model(project_path) == report.model_dir
    assert report.model_dir.parent == models_dir(project_path)
    assert models_dir(project_path).name == "proj.models"
    meta = json.loads((report.model_dir / METADATA).read_text(encoding="utf-8"))
    assert meta["annotator"] == ANA and meta["base"] == "blank" and meta["epochs"] == 12
    assert meta["labels"] == ["EVENT"] and len(meta["data_hash"]) == 64
    assert meta["scores"]["new"]["ALL"]["f1"] > meta["scores"]["current"]["ALL"]["f1"]
    assert _sha(project_path) == before  # the project file is only read

    # The adopted model is now the current one, and suggests the new label.
    from annotation.nlp.pipeline import PipelineSuggester

    assert "EVENT" in PipelineSuggester(report.model_dir).labels
    with Store.open(project_path) as store:
        again = train_project(store, ANA, base="blank", epochs=0)
    assert again.current_model == str(report.model_dir)
    assert not again.adopted


def test_shipped_base_gains_the_label_it_lacked(project_path: Path) -> None:
    from annotation.nlp.pipeline import PipelineSuggester

    with Store.open(project_path) as store:
        report = train_project(store, ANA, base="shipped", epochs=5)
    assert report.adopted, report.format()
    assert report.current["EVENT"].f1 == 0.0 and report.new["EVENT"].f1 > 0.0
    assert {"PER", "ORG", "LOC", "EVENT"} <= set(PipelineSuggester(report.model_dir).labels)


def test_labels_restrict_what_is_learned(project_path: Path) -> None:
    with Store.open(project_path) as store:
        article_id = store.article_ids()[0]
        text = store.article(article_id).text
        start = text.index(" di ") + 4
        CommandStack(store, ANA).do(AddEntity(article_id, start, text.index(" pada"), "LOC"))
        both = train_project(store, ANA, base="blank", epochs=0)
        only = train_project(store, ANA, labels=["EVENT"], base="blank", epochs=0)
    assert both.labels == ["EVENT", "LOC"] and both.entities == 11
    assert only.labels == ["EVENT"] and only.entities == 10
    assert set(only.new) == {"EVENT", "ALL"}
    assert only.data_hash != both.data_hash


def test_a_model_that_is_not_better_leaves_nothing(project_path: Path) -> None:
    with Store.open(project_path) as store:
        report = train_project(store, ANA, base="blank", epochs=0)
    assert not report.adopted and report.model_dir is None
    assert "not better" in report.reason and "0.000" in report.reason
    assert not models_dir(project_path).exists()
    assert current_model(project_path) is None


def test_should_stop_cancels_before_anything_is_written(project_path: Path) -> None:
    before = _sha(project_path)
    with Store.open(project_path) as store:
        report = train_project(store, ANA, base="blank", epochs=3, should_stop=lambda: True)
    assert report.cancelled and not report.adopted
    assert not models_dir(project_path).exists()
    assert _sha(project_path) == before


def test_no_done_articles_is_a_clear_error(project_path: Path) -> None:
    with Store.open(project_path) as store, pytest.raises(TrainError, match="done"):
        train_project(store, "budi", base="blank", epochs=1)


def test_unknown_or_unused_label_is_an_error(project_path: Path) -> None:
    with Store.open(project_path) as store:
        with pytest.raises(TrainError, match="NOPE"):
            train_project(store, ANA, labels=["NOPE"], base="blank", epochs=1)
        with pytest.raises(TrainError, match="no accepted entities labelled PER"):
            train_project(store, ANA, labels=["PER"], base="blank", epochs=1)


def test_overlapping_entities_are_counted_and_left_out(project_path: Path) -> None:
    with Store.open(project_path) as store:
        article_id = store.article_ids()[0]
        start = store.article(article_id).text.index("Zorblax")
        with store.transaction() as tx:  # as a merge may leave them: commands refuse
            tx.insert(
                "entities",
                entity_row(article_id, start, start + 7, "EVENT", "accepted", "human", ANA),
            )
        report = train_project(store, ANA, base="blank", epochs=0)
    assert report.overlapping == 1
    assert report.entities == 10


def test_cli_train_prints_both_tables(project_path: Path, capsys) -> None:
    parser = argparse.ArgumentParser()
    cli_train.add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["train", str(project_path), "--base", "blank", "--epochs", "0"])
    assert cli_train.train(args, ANA) == 0
    out = capsys.readouterr().out
    assert "current model" in out and "new model" in out and "not adopted" in out
    # No relations were accepted: the relation step says so and writes nothing.
    assert "relation model: not trained ('ana' has accepted no relations" in out
    args = parser.parse_args(["train", str(project_path), "--gold", "budi"])
    assert cli_train.train(args, ANA) == 1
    assert "done" in capsys.readouterr().err


def test_the_adopted_model_suggests_in_the_project(project_path: Path) -> None:
    from annotation.settings import Settings
    from annotation.suggest.service import engine_from_settings, pending, suggest_articles

    with Store.open(project_path) as store:
        shipped = engine_from_settings(
            store.schema, Settings(suggesters=["model"]), relations=False, project=store.path
        )
        suggest_articles(store, shipped, pending(store, shipped))
        report = train_project(store, ANA, base="blank", epochs=12)
        assert report.adopted
        trained = engine_from_settings(
            store.schema, Settings(suggesters=["model"]), relations=False, project=store.path
        )
        assert trained.fingerprint != shipped.fingerprint
        # Articles suggested by the shipped model count as not suggested by the new one.
        unmarked = store.article_ids()[10:]
        assert set(unmarked) <= set(pending(store, trained))
        suggest_articles(store, trained, unmarked)
        labels = {e.label for a in unmarked for e in store.entities(a, ("suggested",))}
        assert "EVENT" in labels


def test_training_from_the_window_runs_in_a_process_and_can_be_cancelled(
    qtbot, project_path: Path
) -> None:
    from annotation.settings import Settings
    from gui.main_window import MainWindow
    from gui.training import TrainDialog

    window = MainWindow(Settings(annotator=ANA), suggestions=False)
    qtbot.addWidget(window)
    assert window.open_project(project_path)
    before = _sha(project_path)
    dialog = TrainDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.base.setCurrentText("blank")
    dialog.epochs.setValue(200)
    dialog.start()
    assert dialog.isEnabled()  # the window is not blocked while the process trains
    qtbot.waitUntil(lambda: dialog.bar.value() >= 1, timeout=60_000)
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=60_000)
    assert dialog.outcome[0] == "done" and dialog.outcome[3] is True  # cancelled
    assert "cancelled; nothing was written" in dialog.output.toPlainText()
    assert current_model(project_path) is None and not models_dir(project_path).exists()
    assert _sha(project_path) == before

    dialog.epochs.setValue(12)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=120_000)
    assert dialog.outcome[0] == "done" and dialog.outcome[2] is True  # adopted
    assert "EVENT" in dialog.output.toPlainText()
    assert current_model(project_path) is not None
    assert _sha(project_path) == before
    window.close()


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its hash: to show that nothing in it changed."""
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_keeps_a_worse_model_and_leaves_the_project_model_alone(
    project_path: Path, tmp_path: Path
) -> None:
    with Store.open(project_path) as store:
        adopted = train_project(store, ANA, base="blank", epochs=12)
    assert adopted.adopted and adopted.new_f1 > 0, adopted.format()
    models, project_hash = _tree(models_dir(project_path)), _sha(project_path)
    out = tmp_path / "runs" / "untrained"

    with Store.open(project_path) as store:
        report = train_project(store, ANA, base="blank", epochs=0, out=out)
    # Untrained, it finds nothing: worse than the adopted model, and kept all the same.
    assert report.new_f1 < report.current_f1 == adopted.new_f1, report.format()
    assert report.current_model == str(adopted.model_dir)
    assert report.out and not report.adopted and report.model_dir == out
    assert "would not have been adopted" in report.reason
    assert f"written to {out}" in report.format()
    assert "the project's model is unchanged" in report.format()
    assert (out / "config.cfg").is_file() and (out / "ner" / "model").is_file()
    meta = json.loads((out / METADATA).read_text(encoding="utf-8"))
    assert meta["data_hash"] == report.data_hash == adopted.data_hash
    assert meta["written"] == "out" and meta["epochs"] == 0 and meta["base"] == "blank"
    assert meta["settings"]["held_out"] == 0.2 and meta["settings"]["seed"] == 0
    assert meta["scores"]["new"]["ALL"]["f1"] < meta["scores"]["current"]["ALL"]["f1"]
    assert _tree(models_dir(project_path)) == models  # pointer and adopted model untouched
    assert current_model(project_path) == adopted.model_dir
    assert _sha(project_path) == project_hash
    assert not list(out.parent.glob(".*"))  # no partial folder left behind


def test_out_with_nothing_held_out_trains_on_every_done_article(
    project_path: Path, tmp_path: Path, capsys
) -> None:
    from cli.main import run

    out = tmp_path / "all"
    before = _sha(project_path)
    assert (
        run(
            [
                "--annotator",
                ANA,
                "train",
                str(project_path),
                "--base",
                "blank",
                "--epochs",
                "12",
                "--held-out",
                "0",
                "--out",
                str(out),
                "--json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["out"] and not report["adopted"] and report["model_dir"] == str(out)
    assert (report["train_articles"], report["heldout_articles"]) == (10, 0)
    assert report["current"] == report["new"] == {}
    assert "no comparison" in report["reason"]
    assert not models_dir(project_path).exists() and _sha(project_path) == before

    # The written folder is a suggester like any installed pipeline.
    gold = tmp_path / "gold.jsonl"
    with Store.open(project_path) as store, gold.open("w", encoding="utf-8") as f:
        for article_id in store.article_ids()[10:]:  # the two articles it never saw
            text = store.article(article_id).text
            start = text.index("Festival Zorblax")
            end = start + len("Festival Zorblax ") + len(text[start:].split()[2])
            f.write(
                json.dumps(
                    {"text": text, "spans": [{"start": start, "end": end, "label": "EVENT"}]}
                )
                + "\n"
            )
    assert run(["evaluate", str(gold), "--source", str(out), "--no-relations", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert str(out) in scores["sources"] and scores["records"] == 2
    assert scores["per_label"]["EVENT"]["tp"] >= 1, scores


def test_out_refuses_the_models_folder_and_a_folder_of_other_things(
    project_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "papers"
    other.mkdir()
    (other / "draft.txt").write_text("keep me", encoding="utf-8")
    with Store.open(project_path) as store:
        with pytest.raises(TrainError, match="other than a model"):
            train_project(store, ANA, base="blank", epochs=0, out=other)
        with pytest.raises(TrainError, match="adopted models"):
            train_project(store, ANA, base="blank", epochs=0, out=models_dir(project_path) / "mine")
        with pytest.raises(TrainError, match="0 only with --out"):
            train_project(store, ANA, base="blank", epochs=0, held_out=0)
    assert (other / "draft.txt").read_text(encoding="utf-8") == "keep me"
    assert not models_dir(project_path).exists()


def test_out_replaces_an_earlier_out_model(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    with Store.open(project_path) as store:
        first = train_project(store, ANA, base="blank", epochs=0, out=out)
        second = train_project(
            store, ANA, labels=["EVENT"], base="blank", epochs=1, seed=3, out=out
        )
    assert first.model_dir == second.model_dir == out
    meta = json.loads((out / METADATA).read_text(encoding="utf-8"))
    assert meta["epochs"] == 1 and meta["settings"]["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
