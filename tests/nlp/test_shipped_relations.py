"""The relation model Sorot ships, tested as shipped from resources/, and the command that
trains it."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.util import find_spec
from pathlib import Path

import pytest

from annotation.nlp.engine import load_engine
from annotation.nlp.model_folders import METADATA
from annotation.nlp.relation_model import (
    ORIGIN,
    SHIPPED_MODEL,
    LearnedRelations,
    RelationModel,
    is_model,
)
from annotation.nlp.relations import RULES_VERSION, RelationSuggester
from annotation.schema import default_schema
from annotation.settings import Settings
from annotation.suggest.service import engine_from_settings
from annotation.suggest.train_relations import documents
from annotation.suggest.train_relations_base import TRAINING, dev_items, rules_digest
from cli.main import run

schema = default_schema()
DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "gold" / "dev"
RETRAIN = (
    "retrain it: .venv/bin/python -m annotation.suggest.train_relations_base --gold "
    "benchmarks/gold/dev --out resources/models/relations_id (about a minute), and "
    "commit the folder with the rule change"
)
# Our own sentences about made-up events, with the relations a reader would draw.
TEXT = (
    "Jakarta - Presiden Prancis Emmanuel Macron bertemu Kanselir Jerman Olaf Scholz di "
    "Berlin, Senin (3/2/2025). Macron mengecam Rusia atas serangan ke Ukraina."
)


def _installed() -> Path:
    """The model folder where the installed `sorot_resources` package (the checkout's
    resources/) is, wherever tests run from."""
    spec = find_spec("sorot_resources")
    assert spec is not None and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0]) / "models" / "relations_id"


def _shipped_meta() -> dict:
    return json.loads((SHIPPED_MODEL / METADATA).read_text(encoding="utf-8"))


def test_the_shipped_model_is_in_the_installed_resources_and_small() -> None:
    folder = _installed()
    assert folder.resolve() == SHIPPED_MODEL.resolve()
    assert is_model(folder) and (folder / TRAINING).is_file()
    model = RelationModel.from_disk(folder)
    assert model.classes[0] == "none" and set(model.classes[1:]) == {
        r.name for r in schema.relations
    }
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 2_000_000
    assert not list(folder.rglob("*.py")), "resources/ holds no code"


def test_the_shipped_model_was_trained_against_the_current_rules() -> None:
    rules = RelationSuggester(schema)
    meta = _shipped_meta()["rules"]
    training = (SHIPPED_MODEL / TRAINING).read_text(encoding="utf-8")
    stated = re.search(r"`RULES_VERSION`: \*\*(\d+)\*\*", training)
    assert stated is not None, f"{TRAINING} states no RULES_VERSION; {RETRAIN}"
    assert int(stated.group(1)) == meta["version"] == RULES_VERSION, (
        f"the shipped relation model was trained against RULES_VERSION {stated.group(1)}, the "
        f"rules are now at {RULES_VERSION}; {RETRAIN}"
    )
    assert meta["fingerprint"] == rules.fingerprint and rules.fingerprint in training, (
        f"the shipped relation model was trained against the rules {meta['fingerprint']}, "
        f"they are now {rules.fingerprint} (the trigger lexicon changed); {RETRAIN}"
    )


@pytest.mark.skipif(not DEV.is_dir(), reason="benchmarks/gold/dev is absent")
def test_the_rules_still_suggest_what_the_shipped_model_learned_from(tmp_path: Path) -> None:
    # Rule changes that leave RULES_VERSION alone still change the model's rule features.
    items = dev_items(DEV, tmp_path)
    digest = rules_digest(items, documents(items), RelationSuggester(schema))
    assert digest == _shipped_meta()["rules"]["output_digest"], (
        "the rules suggest other relations on the development articles than when the shipped "
        f"relation model was trained; {RETRAIN}"
    )


def test_training_md_records_data_settings_and_scores() -> None:
    training = (SHIPPED_MODEL / TRAINING).read_text(encoding="utf-8")
    meta = _shipped_meta()
    assert "python -m annotation.suggest.train_relations_base" in training
    assert meta["train_files"] == ["benchmarks/gold/dev_c.jsonl", "benchmarks/gold/dev_d.jsonl"]
    assert "our own writing" in training
    for add in ("hold-out", "--no-relation-model", "--gold-entities"):
        assert add in training
    settings = RelationModel.from_disk(SHIPPED_MODEL).settings
    assert meta["settings"]["add_at"] == settings.add_at
    assert f'add_at": {settings.add_at}' in training


def test_the_engine_suggests_with_the_shipped_model_when_asked() -> None:
    engine = load_engine(schema, ["rules"], shipped_relations=True)
    assert isinstance(engine.relations, LearnedRelations)
    assert engine.relations.source == str(SHIPPED_MODEL) and not engine.problems
    result = engine.suggest_texts([TEXT])[0]
    found = {
        (
            TEXT[result.entities[r.head].start : result.entities[r.head].end],
            TEXT[result.entities[r.child].start : result.entities[r.child].end],
            r.label,
        )
        for r in result.relations
    }
    assert ("Emmanuel Macron", "Olaf Scholz", "MEETS") in found, found
    assert ("Emmanuel Macron", "Prancis", "REPRESENTS") in found, found
    for r in result.relations:
        rel = schema.relation(r.label)
        assert rel.allows(result.entities[r.head].label, result.entities[r.child].label)
        assert r.origin == ORIGIN or r.origin.startswith("relation")

    # Off by default: it adds nothing to the rules on the development articles'
    # cross-validation or on the corpus gold (TRAINING.md).
    plain = load_engine(schema, ["rules"])
    assert isinstance(plain.relations, RelationSuggester)
    assert plain.fingerprint != engine.fingerprint  # projects suggest again


def test_the_settings_file_turns_it_on_and_a_flag_off(tmp_path: Path, capsys) -> None:
    assert Settings.load().relation_model is False
    settings = Settings(suggesters=["rules"])
    assert isinstance(engine_from_settings(schema, settings).relations, RelationSuggester)
    settings.relation_model = True
    settings.save()
    assert Settings.load().relation_model is True
    assert isinstance(engine_from_settings(schema, Settings.load()).relations, LearnedRelations)
    assert isinstance(
        engine_from_settings(schema, Settings.load(), learned_relations=False).relations,
        RelationSuggester,
    )
    assert isinstance(
        engine_from_settings(
            schema, Settings(suggesters=["rules"]), learned_relations=True
        ).relations,
        LearnedRelations,
    )

    gold = tmp_path / "gold.jsonl"
    start = TEXT.index("Emmanuel")
    gold.write_text(
        json.dumps({"text": TEXT, "spans": [{"start": start, "end": start + 15, "label": "PER"}]})
        + "\n",
        encoding="utf-8",
    )
    assert run(["evaluate", str(gold), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["relation_suggester"] == str(SHIPPED_MODEL)
    assert run(["evaluate", str(gold), "--json", "--no-relation-model"]) == 0
    assert json.loads(capsys.readouterr().out)["relation_suggester"] == "rules"
    Settings(suggesters=["rules"]).save()
    assert run(["evaluate", str(gold), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["relation_suggester"] == "rules"


# -- the command that trains it ------------------------------------------------------------

ARTICLES = [
    (
        "Menteri Luar Negeri Rusia Sergei Lavrov bertemu Menteri Luar Negeri Iran Abbas Araghchi "
        "di Moskow. Lavrov mengecam Amerika Serikat atas sanksi baru.",
        [
            ("Menteri Luar Negeri", "ROLE"),
            ("Rusia", "GPE"),
            ("Sergei Lavrov", "PER"),
            ("Iran", "GPE"),
            ("Abbas Araghchi", "PER"),
            ("Moskow", "GPE"),
            ("Lavrov", "PER"),
            ("Amerika Serikat", "GPE"),
        ],
        [(2, 4, "MEETS"), (2, 1, "REPRESENTS"), (4, 3, "REPRESENTS"), (6, 7, "OPPOSES")],
    ),
    (
        "Jepang mendukung Filipina dalam sengketa di Laut China Selatan. Tiongkok mengecam Jepang.",
        [
            ("Jepang", "GPE"),
            ("Filipina", "GPE"),
            ("Laut China Selatan", "LOC"),
            ("Tiongkok", "GPE"),
        ],
        [(0, 1, "SUPPORTS"), (3, 0, "OPPOSES")],
    ),
    (
        "Indonesia dan Malaysia sepakat bekerja sama mengawasi perbatasan. Malaysia mendukung "
        "usulan Indonesia.",
        [("Indonesia", "GPE"), ("Malaysia", "GPE")],
        [(0, 1, "COOPERATES_WITH")],
    ),
]


def _gold_folder(root: Path, name: str, prefix: int) -> None:
    """Texts in root/name and their compact gold in root/name_a.jsonl (benchmarks/gold/README)."""
    folder = root / name
    folder.mkdir()
    lines = []
    for i, (text, spans, relations) in enumerate(ARTICLES):
        file = f"{prefix + i}_artikel.txt"
        (folder / file).write_text(text, encoding="utf-8")
        at, out = 0, []
        for surface, label in spans:
            start = text.index(surface, at)
            at = start + len(surface)
            out.append({"start": start, "end": at, "label": label, "text": surface})
        order = sorted(range(len(out)), key=lambda k: out[k]["start"])
        index = {old: new for new, old in enumerate(order)}
        lines.append(
            json.dumps(
                {
                    "file": file,
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "spans": [out[k] for k in order],
                    "relations": [
                        {"head": index[h], "child": index[c], "label": label}
                        for h, c, label in relations
                    ],
                }
            )
        )
    (root / f"{name}_a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_build_step_writes_a_whole_folder_deterministically(tmp_path: Path) -> None:
    from annotation.suggest.train_relations_base import main

    _gold_folder(tmp_path, "dev", 300)
    _gold_folder(tmp_path, "holdout", 100)
    argv = [
        "--gold",
        str(tmp_path / "dev"),
        "--holdout",
        str(tmp_path / "holdout"),
        "--corpus",
        str(tmp_path / "no-corpus"),
        "--folds",
        "3",
        "--settings",
        '{"steps": 40}',
    ]
    assert main([*argv, "--out", str(tmp_path / "m1")]) == 0
    assert main([*argv, "--out", str(tmp_path / "m2")]) == 0
    one, two = (RelationModel.from_disk(tmp_path / m) for m in ("m1", "m2"))
    assert one.fingerprint == two.fingerprint
    meta = json.loads((tmp_path / "m1" / METADATA).read_text(encoding="utf-8"))
    assert meta["articles"] == {"train": 3, "heldout": 0}
    assert meta["rules"]["fingerprint"] == RelationSuggester(schema).fingerprint
    assert meta["settings"]["steps"] == 40 and "corpus" not in meta["scores"]
    assert set(meta["scores"]["hold-out"]) == {"suggested", "gold"}
    training = (tmp_path / "m1" / TRAINING).read_text(encoding="utf-8")
    assert "| hold-out (3) | gold | rules + shipped model |" in training
    assert not list(tmp_path.glob(".m*"))  # nothing half-written left beside it
    assert main([*argv, "--out", str(tmp_path / "m1")]) == 0  # replaced whole


@pytest.mark.parametrize("flag", ["--no-relation-model"])
def test_suggest_and_import_take_the_flag(flag: str, tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Judul\n\n" + TEXT, encoding="utf-8")
    project = tmp_path / "p.sorot"
    assert run(["import", str(project), str(text), "--source", "rules", flag]) == 0
    assert run(["suggest", str(project), "--all", "--source", "rules", flag]) == 0
