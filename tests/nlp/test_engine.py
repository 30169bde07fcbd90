"""The suggestion engine as the CLI and the app load it: real rules, real pipelines, real files."""

from __future__ import annotations

import json

import pytest

from annotation.nlp.engine import PipelineSource, load_engine
from annotation.nlp.suggestion import SuggesterError
from annotation.project.store import Store
from annotation.schema import default_schema
from cli.main import run

TEXT = (
    "Presiden Prancis Emmanuel Macron bertemu Presiden Joko Widodo di Jakarta, "
    "Senin (4/12/2023).\r\n\t🇫🇷 PBB mendesak Israel menghentikan serangan."
)


@pytest.fixture(scope="module")
def default_engine():
    return load_engine(default_schema())


def spans_of(result, text=TEXT):
    return [(text[c.start : c.end], c.label) for c in result.entities]


def test_default_engine_suggests_entities_and_relations(default_engine):
    result = default_engine.suggest_texts([TEXT])[0]
    found = spans_of(result)
    for expected in [
        ("Presiden", "ROLE"),
        ("Prancis", "GPE"),
        ("Emmanuel Macron", "PER"),
        ("Jakarta", "GPE"),
        ("Senin (4/12/2023)", "DATE"),
        ("PBB", "ORG"),
        ("Israel", "GPE"),
    ]:
        assert expected in found
    assert all(a.end <= b.start for a, b in zip(result.entities, result.entities[1:]))
    ents = result.entities
    relations = {
        (
            TEXT[ents[r.head].start : ents[r.head].end],
            r.label,
            TEXT[ents[r.child].start : ents[r.child].end],
        )
        for r in result.relations
    }
    assert ("PBB", "URGES", "Israel") in relations
    assert ("Emmanuel Macron", "HOLDS_ROLE", "Presiden") in relations or (
        "Presiden",
        "HOLDS_ROLE",
        "Emmanuel Macron",
    ) in relations


def test_a_missing_or_broken_pipeline_is_reported_and_the_rest_keep_working(tmp_path):
    broken = tmp_path / "broken_model"
    broken.mkdir()
    (broken / "config.cfg").write_text("this is not a spaCy config", encoding="utf-8")
    engine = load_engine(
        default_schema(),
        sources=("rules",),
        pipelines=[PipelineSource("no_such_spacy_package_xyz"), PipelineSource(str(broken))],
    )
    assert len(engine.problems) == 2
    assert "no_such_spacy_package_xyz" in engine.problems[0]
    assert "broken_model" in engine.problems[1]
    assert ("Jakarta", "GPE") in spans_of(engine.suggest_texts([TEXT])[0])


def test_unknown_source_names_are_refused():
    with pytest.raises(SuggesterError, match="unknown suggester"):
        load_engine(default_schema(), sources=("rulez",))


def test_import_suggests_and_suggesting_again_changes_nothing(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8", newline="")
    (folder / "b.txt").write_text(
        "Menteri Luar Negeri Retno Marsudi tiba di Tokyo.", encoding="utf-8"
    )
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(folder), "--source", "rules"]) == 0
    assert "suggested" in capsys.readouterr().out
    with Store.open(project) as store:
        rows = store.db.execute("SELECT * FROM entities ORDER BY id").fetchall()
        relations = store.db.execute("SELECT * FROM relations ORDER BY id").fetchall()
        assert rows and relations
        assert {r[5] for r in rows} == {"suggested"}
    assert run(["suggest", str(project), "--source", "rules"]) == 0
    assert "in 0 articles" in capsys.readouterr().out
    assert run(["suggest", str(project), "--source", "rules", "--all"]) == 0
    with Store.open(project) as store:
        assert store.db.execute("SELECT * FROM entities ORDER BY id").fetchall() == rows
        assert store.db.execute("SELECT * FROM relations ORDER BY id").fetchall() == relations


def test_import_without_suggestions(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(folder), "--no-suggest"]) == 0
    with Store.open(project) as store:
        assert store.db.execute("SELECT count(*) FROM entities").fetchone()[0] == 0


def test_evaluate_scores_a_gold_file(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    start = TEXT.index("Jakarta")
    record = {"text": TEXT, "spans": [{"start": start, "end": start + 7, "label": "LOC"}]}
    gold.write_text(json.dumps(record) + '\n{"text": 5}\n', encoding="utf-8")
    code = run(["evaluate", str(gold), "--source", "rules", "--label-map", "GPE=LOC", "--json"])
    assert code == 3  # finished, but a bad record was skipped
    out = json.loads(capsys.readouterr().out)
    assert out["entities"]["tp"] == 1 and out["entities"]["fn"] == 0
    assert out["records"] == 1 and "gold.jsonl:2" in out["problems"][0]
    assert out["ignored_labels"]["ROLE"] >= 2
