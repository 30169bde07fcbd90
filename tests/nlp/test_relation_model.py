"""The learned relation model: features, training, adoption and suggesting with it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import spacy

from annotation.io.importer import import_paths
from annotation.nlp.model_folders import (
    METADATA,
    RELATION_POINTER,
    current_relation_model,
    models_dir,
)
from annotation.nlp.relation_features import candidate_pairs
from annotation.nlp.relation_model import (
    ORIGIN,
    SHIPPED_MODEL,
    Example,
    LearnedRelations,
    RelationModel,
    TrainSettings,
    load_learned,
    train,
)
from annotation.nlp.relations import RelationSuggester
from annotation.nlp.sentences import split_sentences
from annotation.nlp.suggestion import Candidate
from annotation.project.store import Store
from annotation.schema import default_schema
from annotation.suggest.training import train_project
from cli.main import run

ANA = "ana"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"
COUNTRIES = [
    "Rusia",
    "Iran",
    "Jepang",
    "Kuba",
    "Chile",
    "Mesir",
    "Turki",
    "Brasil",
    "Kenya",
    "Peru",
    "Yaman",
    "Oman",
    "Laos",
    "Nepal",
    "Fiji",
    "Ghana",
]
# "membrolok" is made up, so no lexicon the rules may gain can know it: only learning can.
SENTENCES = [
    "{a} membrolok {b} dalam sidang di Jenewa.",
    "Pemerintah {a} kembali membrolok {b} pekan ini.",
    "{a} membrolok {b}, menurut para pengamat.",
]
schema = default_schema()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _record(i: int, done: bool = True) -> dict:
    """An article where country a opposes country b with the made-up verb; c only looks on."""
    a, b = COUNTRIES[i % len(COUNTRIES)], COUNTRIES[(i * 5 + 3) % len(COUNTRIES)]
    if a == b:
        b = COUNTRIES[(i + 1) % len(COUNTRIES)]
    c = "Jenewa"
    body = SENTENCES[i % len(SENTENCES)].format(a=a, b=b)
    text = f"Berita {i}\n\n{body} Warga {c} tenang."
    spans = []
    for name in (a, b):
        start = text.index(name, text.index("\n\n"))
        spans.append({"start": start, "end": start + len(name), "label": "GPE"})
    if "Jenewa" in body:
        start = text.index("Jenewa")
        spans.append({"start": start, "end": start + 6, "label": "GPE"})
    last = text.rindex(c)
    spans.append({"start": last, "end": last + len(c), "label": "GPE"})
    spans.sort(key=lambda s: s["start"])
    head = next(s for s in spans if text[s["start"] : s["end"]] == a)
    child = next(s for s in spans if text[s["start"] : s["end"]] == b)
    record = {
        "text": text,
        "spans": spans,
        "relations": [{"head_span": head, "child_span": child, "label": "OPPOSES"}],
    }
    if done:
        record["meta"] = {"status": "done"}
    return record


def _undecided(i: int) -> dict:
    """An article like `_record`'s whose entities are accepted but no relation decided yet."""
    return {**_record(i, done=False), "relations": []}


def _project(tmp_path: Path, n: int = 16, name: str = "proj") -> Path:
    data = tmp_path / f"{name}.jsonl"
    records = [_record(i) for i in range(n)] + [_undecided(n + i) for i in range(2)]
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / f"{name}.sorot"
    with Store.create(path) as store:
        import_paths(store, [data], fmt="jsonl", annotator=ANA, workers=0)
    return path


def _doc(text: str):
    doc = spacy.blank("id")(text)
    split_sentences(doc)
    return doc


def _entities(text: str, names: list[str]) -> list[Candidate]:
    out = []
    for name in names:
        start = text.index(name)
        out.append(Candidate(start, start + len(name), "GPE", "human"))
    return out


# -- features ------------------------------------------------------------------------------


def test_pairs_are_ordered_allowed_and_within_the_sentence() -> None:
    text = "Presiden Rusia Vladimir Putin bertemu Xi Jinping di Beijing. Iran diam."
    doc = _doc(text)
    ents = [
        Candidate(text.index("Presiden"), text.index("Presiden") + 8, "ROLE", "h"),
        *_entities(text, ["Rusia"]),
        Candidate(text.index("Vladimir"), text.index(" bertemu"), "PER", "h"),
        Candidate(text.index("Xi"), text.index(" di"), "PER", "h"),
        *_entities(text, ["Beijing", "Iran"]),
    ]
    rules = RelationSuggester(schema).suggest(doc, ents)
    pairs = candidate_pairs(doc, ents, schema, rules)
    by = {(p.head, p.child): p for p in pairs}
    assert all(5 not in (p.head, p.child) for p in pairs)  # Iran: the next sentence
    assert (
        set(by[(2, 3)].allowed) >= {"MEETS", "SUPPORTS"} and "HOLDS_ROLE" not in by[(2, 3)].allowed
    )
    assert by[(2, 0)].allowed == ("HOLDS_ROLE",)
    assert (0, 2) not in by  # ROLE -> PER: no type allows it
    meets = by[(2, 3)]
    assert {"B=bertemu", "Bf=bertemu", "L=PER>PER", "O=f|PER>PER", "ADJ|f"} & set(
        meets.features
    ) >= {"B=bertemu", "Bf=bertemu", "L=PER>PER", "O=f|PER>PER"}
    assert "RULE" in meets.features and "MEETS" in meets.rules
    assert "RT=bertemu|MEETS" in meets.features
    assert by[(3, 2)].rules == meets.rules  # symmetric: both orders carry the rule
    assert "O=b|PER>PER" in by[(3, 2)].features
    across = candidate_pairs(doc, ents, schema, rules, window=1)
    assert any(5 in (p.head, p.child) and "S=1|f" in p.features for p in across)


def test_an_entity_between_counts_as_one_word_under_its_label() -> None:
    text = "Jepang dan Amerika Serikat mengecam Korea Utara."
    doc = _doc(text)
    ents = _entities(text, ["Jepang", "Amerika Serikat", "Korea Utara"])
    pair = next(p for p in candidate_pairs(doc, ents, schema) if (p.head, p.child) == (0, 2))
    between = [f for f in pair.features if f.startswith("B=")]
    assert between == ["B=dan", "B=<GPE>", "B=mengecam"]
    assert "D=3|f" in pair.features and "E=1" in pair.features


# -- training ------------------------------------------------------------------------------


def _examples(records: list[dict]) -> list[Example]:
    from annotation.suggest.train_relations import RelItem, documents, examples

    items = []
    for r in records:
        ents = [Candidate(s["start"], s["end"], s["label"], "human") for s in r["spans"]]
        at = {(e.start, e.end): i for i, e in enumerate(ents)}
        rels = [
            (
                at[(x["head_span"]["start"], x["head_span"]["end"])],
                at[(x["child_span"]["start"], x["child_span"]["end"])],
                x["label"],
            )
            for x in r["relations"]
        ]
        items.append(RelItem(0, "", r["text"], None, ents, rels))
    rules = RelationSuggester(schema)
    return [
        ex
        for item, doc in zip(items, documents(items))
        for ex in examples(item, doc, rules, schema, 0)
    ]


def test_the_model_learns_a_trigger_the_rules_lack_and_is_deterministic(tmp_path: Path) -> None:
    data = _examples([_record(i) for i in range(12)])
    model = train(data, schema, TrainSettings(steps=150))
    again = train(data, schema, TrainSettings(steps=150))
    assert (model.weights == again.weights).all() and model.fingerprint == again.fingerprint
    assert model.losses[-1] < model.losses[0] / 5

    text = "Sementara itu, Bhutan membrolok Bolivia di forum tersebut."
    doc = _doc(text)
    ents = _entities(text, ["Bhutan", "Bolivia"])
    rules = RelationSuggester(schema)
    assert not [r for r in rules.suggest(doc, ents) if r.label == "OPPOSES"]
    learned = LearnedRelations(rules, model, schema)
    found = learned.suggest(doc, ents)
    assert [(r.head, r.child, r.label, r.origin) for r in found] == [(0, 1, "OPPOSES", ORIGIN)]
    assert 0.5 <= found[0].score <= 1.0

    model.to_disk(tmp_path / "m")
    loaded = RelationModel.from_disk(tmp_path / "m")
    assert loaded.fingerprint == model.fingerprint
    pairs = candidate_pairs(doc, ents, schema)
    assert (loaded.probabilities(pairs) == model.probabilities(pairs)).all()


def test_a_rule_candidate_the_model_rejects_is_dropped() -> None:
    # The rules read "bertemu" as MEETS; in this project "bertemu ... secara daring" never is.
    records = []
    for i in range(10):
        a, b = COUNTRIES[i], COUNTRIES[i + 4]
        text = f"Berita {i}\n\n{a} bertemu {b} secara daring."
        spans = [
            {"start": text.index(x, 8), "end": text.index(x, 8) + len(x), "label": "GPE"}
            for x in (a, b)
        ]
        records.append({"text": text, "spans": spans, "relations": []})
    model = train(_examples(records), schema, TrainSettings(steps=150))
    text = "Fiji bertemu Ghana secara daring."
    doc = _doc(text)
    ents = _entities(text, ["Fiji", "Ghana"])
    rules = RelationSuggester(schema)
    assert [r.label for r in rules.suggest(doc, ents)] == ["MEETS"]
    assert LearnedRelations(rules, model, schema).suggest(doc, ents) == []


# -- the project ---------------------------------------------------------------------------


def test_sorot_train_adopts_a_better_model_and_refuses_one_that_is_not(
    tmp_path: Path, capsys
) -> None:
    path = _project(tmp_path)
    before = _sha(path)
    assert run(["--annotator", ANA, "train", str(path), "--relations-only", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["relations"]
    assert report["adopted"], report
    assert report["new"]["ALL"]["f1"] > report["current"]["ALL"]["f1"]
    # Compared with what suggests now: the rules with the shipped model.
    assert report["current_model"] == f"rules + {SHIPPED_MODEL}"
    assert (report["train_articles"], report["heldout_articles"]) == (13, 3)
    adopted = current_relation_model(path)
    assert adopted is not None and str(adopted) == report["model_dir"]
    assert adopted.parent == models_dir(path) and adopted.name.startswith("relations-")
    assert (models_dir(path) / RELATION_POINTER).read_text().strip() == adopted.name
    meta = json.loads((adopted / METADATA).read_text(encoding="utf-8"))
    assert meta["kind"] == "relations" and meta["annotator"] == ANA
    assert meta["data_hash"] == report["data_hash"] and meta["labels"] == ["OPPOSES"]
    assert _sha(path) == before  # the project file is only read

    # The same data again gives the same model, which is not better than itself.
    models = _tree(models_dir(path))
    assert run(["--annotator", ANA, "train", str(path), "--relations-only"]) == 0
    out = capsys.readouterr().out
    assert f"current (rules + {adopted})" in out
    assert "relation model not adopted" in out and "not better" in out
    assert _tree(models_dir(path)) == models and _sha(path) == before


def test_train_project_runs_the_relation_step_after_the_entities(tmp_path: Path) -> None:
    path = _project(tmp_path)
    with Store.open(path, readonly=True) as store:
        report = train_project(store, ANA, base="blank", epochs=0)
        only_ner = train_project(store, ANA, base="blank", epochs=0, relations=False)
    assert report.relations is not None and report.relations.adopted
    assert "relation model adopted" in report.format()
    assert report.to_json()["relations"]["adopted"] is True
    assert only_ner.relations is None and "relation model" not in only_ner.format()


def test_out_writes_the_relation_model_and_evaluate_scores_it(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path)
    out = tmp_path / "runs" / "rel"
    assert (
        run(
            [
                "--annotator",
                ANA,
                "train",
                str(path),
                "--relations-only",
                "--held-out",
                "0",
                "--out",
                str(out),
                "--json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)["relations"]
    assert report["out"] and not report["adopted"] and report["model_dir"] == str(out)
    assert current_relation_model(path) is None and not models_dir(path).exists()
    assert not list(out.parent.glob(".*"))

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps(_record(100 + i, done=False)) + "\n" for i in range(3)), encoding="utf-8"
    )
    base = ["evaluate", str(gold), "--source", "rules", "--gold-entities", "--json"]
    assert run([*base, "--no-relation-model"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert rules["relation_suggester"] == "rules"
    assert run([*base, "--relation-model", str(out)]) == 0
    learned = json.loads(capsys.readouterr().out)
    assert learned["gold_entities"] and learned["relation_suggester"] == str(out)
    assert rules["relations"]["tp"] == 0 and learned["relations"]["tp"] == 3
    assert run([*base, "--relation-model", str(tmp_path)]) == 1
    assert "no relation model" in capsys.readouterr().err
    assert run([*base, "--relation-model", str(out), "--no-relation-model"]) == 1
    assert "choose one" in capsys.readouterr().err

    # Both steps with --out: the entity model in DIR, the relation model in DIR/relations.
    both = tmp_path / "both"
    with Store.open(path, readonly=True) as store:
        full = train_project(store, ANA, base="blank", epochs=0, held_out=0, out=both)
    assert full.relations.model_dir == both / "relations"
    assert (both / "config.cfg").is_file() and (both / "relations" / METADATA).is_file()
    assert run([*base, "--relation-model", str(both)]) == 0
    assert json.loads(capsys.readouterr().out)["relations"]["tp"] == 3


def test_the_engine_suggests_with_the_adopted_model(tmp_path: Path) -> None:
    from annotation.settings import Settings
    from annotation.suggest.service import engine_from_settings, pending, suggest_articles

    path = _project(tmp_path)
    settings = Settings(suggesters=["rules"])
    with Store.open(path) as store:
        plain = engine_from_settings(store.schema, settings, project=store.path)
        # The rules alone until the project has its own (the shipped model is off by default).
        assert not isinstance(plain.relations, LearnedRelations)
        settings.relation_model = True
        shipped = engine_from_settings(store.schema, settings, project=store.path)
        assert shipped.relations.source == str(SHIPPED_MODEL)
        settings.relation_model = False
        suggest_articles(store, plain, pending(store, plain))
        report = train_project(store, ANA, ner=False)
        assert report.relations.adopted
        learned = engine_from_settings(store.schema, settings, project=store.path)
        assert isinstance(learned.relations, LearnedRelations)
        assert learned.relations.source == report.relations.model_dir.as_posix()
        assert learned.fingerprint != plain.fingerprint
        undone = store.article_ids()[-2:]
        assert set(undone) <= set(pending(store, learned))  # suggested again, with the model
        suggest_articles(store, learned, undone)
        for article_id in undone:
            rels = store.relations(article_id, ("suggested",))
            assert [(r.label, r.origin) for r in rels] == [("OPPOSES", ORIGIN)]


def test_the_window_s_training_process_reports_the_relation_verdict(tmp_path: Path) -> None:
    import queue
    import threading

    from annotation.suggest.train_worker import serve

    path = _project(tmp_path)
    reports: queue.Queue = queue.Queue()
    serve(str(path), ANA, "blank", 1, reports, threading.Event(), True)
    *_, done = [reports.get_nowait() for _ in range(reports.qsize())]
    assert done[0] == "done" and done[2] is True, done  # the relation model was adopted
    assert "relation model adopted" in done[1]
    assert current_relation_model(path) is not None


def test_an_unreadable_relation_model_is_reported_and_the_rules_suggest(tmp_path: Path) -> None:
    from annotation.nlp.engine import load_engine

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "relation-model.json").write_text("{", encoding="utf-8")
    engine = load_engine(schema, ["rules"], relation_model=broken)
    assert isinstance(engine.relations, RelationSuggester)  # neither it nor the shipped one
    assert any("relation model" in p for p in engine.problems)
    with pytest.raises(Exception, match="cannot be read"):
        load_learned(schema, broken)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpus (../shared/corpus) is absent")
def test_the_corpus_gold_trains_a_model_that_keeps_the_rules_precision(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    gold = tmp_path / "gold.jsonl"
    subprocess.run(
        [sys.executable, str(root / "benchmarks" / "make_corpus_gold.py"), "--out", str(gold)],
        check=True,
        capture_output=True,
    )
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    data = _examples(records[:4])
    model = train(data, schema)
    from annotation.suggest.train_relations import RelItem, documents, score

    last = records[4]
    ents = [Candidate(s["start"], s["end"], s["label"], "h") for s in last["spans"]]
    at = {(e.start, e.end): i for i, e in enumerate(ents)}
    item = RelItem(
        0,
        "",
        last["text"],
        None,
        ents,
        [
            (
                at[(r["head_span"]["start"], r["head_span"]["end"])],
                at[(r["child_span"]["start"], r["child_span"]["end"])],
                r["label"],
            )
            for r in last["relations"]
        ],
    )
    docs = documents([item])
    rules = RelationSuggester(schema)
    learned = score(LearnedRelations(rules, model, schema), [item], docs, schema, [])["ALL"]
    assert learned.precision >= 0.8 and learned.recall > 0.3
