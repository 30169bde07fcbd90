"""Train the relation model that Sorot ships (`resources/models/relations_id`).

Run from the repository root:

    .venv/bin/python -m annotation.suggest.train_relations_base \
        --gold benchmarks/gold/dev --out resources/models/relations_id

The development gold (`benchmarks/gold/dev/*.txt`, our own writing, with `dev_*.jsonl` beside
the folder) is imported into a temporary project, every article done with its entities and
relations accepted, and the relation model learns from all of it, as `sorot train
--relations-only --held-out 0` would. The thresholds at which the model adds and drops
relations are chosen by cross-validation on the same articles, and nothing else. The corpus
gold (`../shared/corpus`, the publishers' text) and the hold-out (`benchmarks/gold/holdout`)
are then scored, never learned from: rules alone against rules with the new model, with
entities suggested and with the gold entities given. The folder, with `TRAINING.md` and
`sorot-model.json` saying all this, is written whole. Training is seeded and full-batch, so
the same rules and data give the same weights.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotation.nlp.relation_model import LearnedRelations, RelationModel, TrainSettings, train
from annotation.schema import LabelSchema, default_schema
from annotation.suggest.evaluate import Scores
from annotation.suggest.train_relations import (
    RelItem,
    collect,
    data_hash,
    documents,
    examples,
    score,
)

ROOT = Path(__file__).resolve().parents[2]
MAKE_GOLD = ROOT / "benchmarks" / "make_corpus_gold.py"
CORPUS = ROOT.parent / "shared" / "corpus"
HOLDOUT = ROOT / "benchmarks" / "gold" / "holdout"
ANNOTATOR = "gold"
TRAINING = "TRAINING.md"
SEED = 0
FOLDS = 6
L2 = (1e-3, 3e-4, 1e-4)
ADD_AT = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
DROP_BELOW = (0.05, 0.1, 0.15, 0.2, 0.3)


@dataclass
class GoldSet:
    """A gold folder and its compact gold files, built into importable JSONL by make_corpus_gold."""

    name: str
    folder: Path
    gold: list[Path]
    jsonl: Path | None = None
    articles: int = 0
    relations: int = 0
    entities: int = 0


def build_gold(gold_set: GoldSet, work: Path) -> GoldSet:
    """Join texts and gold offsets (checked: hashes, spans, schema) into one JSONL file."""
    records = []
    for part in gold_set.gold:
        out = work / f"{gold_set.name}-{part.stem}.jsonl"
        argv = [sys.executable, str(MAKE_GOLD), str(gold_set.folder), "--out", str(out)]
        argv += ["--gold", str(part)]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"make_corpus_gold failed on {part}:\n{done.stderr}")
        records += [
            json.loads(line)
            for line in out.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    path = work / f"{gold_set.name}.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return replace(
        gold_set,
        jsonl=path,
        articles=len(records),
        relations=sum(len(r["relations"]) for r in records),
        entities=sum(len(r["spans"]) for r in records),
    )


def gold_items(jsonl: Path, work: Path) -> list[RelItem]:
    """The records as done articles of a temporary project, read back as training items."""
    from annotation.io.importer import import_paths
    from annotation.project.store import Store

    done = work / f"{jsonl.stem}-done.jsonl"
    lines = []
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["meta"] = {**record.get("meta", {}), "status": "done"}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    done.write_text("".join(lines), encoding="utf-8")
    with Store.create(work / f"{jsonl.stem}.sorot") as store:
        report = import_paths(store, [done], fmt="jsonl", annotator=ANNOTATOR, workers=0)
        if report.rejected:
            raise SystemExit(f"{jsonl}: {report.rejected} records refused on import")
        return collect(store, ANNOTATOR)


def rules_digest(items: Sequence[RelItem], docs: Sequence[Any], rules: Any) -> str:
    """A digest of what the rules suggest among the items' entities: the model's rule features.

    It changes with any change of the rules' behaviour on these articles, whether or not
    `RULES_VERSION` was raised, so a test can tell that the shipped model needs retraining.
    """
    import hashlib

    found = [
        [
            item.hash,
            sorted(
                (r.head, r.child, r.label, r.origin, round(r.score, 3))
                for r in rules.suggest(doc, item.entities)
            ),
        ]
        for item, doc in zip(items, docs)
    ]
    return hashlib.sha256(json.dumps(sorted(found)).encode()).hexdigest()[:16]


def dev_items(gold: Path, work: Path) -> list[RelItem]:
    """The development gold as training items (a temporary project's done articles)."""
    files = sorted(gold.parent.glob(f"{gold.name}_*.jsonl"))
    if not files:
        raise SystemExit(f"no {gold.name}_*.jsonl beside {gold}")
    built = build_gold(GoldSet(gold.name, gold, files), work)
    assert built.jsonl is not None
    return gold_items(built.jsonl, work)


def fit(
    items: Sequence[RelItem],
    docs: Sequence[Any],
    rules: Any,
    schema: LabelSchema,
    settings: TrainSettings,
) -> RelationModel:
    data = [
        ex
        for item, doc in zip(items, docs)
        for ex in examples(item, doc, rules, schema, settings.window)
    ]
    model = train(data, schema, settings)
    assert model is not None
    return model


def cross_validate(
    items: Sequence[RelItem],
    docs: Sequence[Any],
    rules: Any,
    schema: LabelSchema,
    settings: TrainSettings,
    folds: int = FOLDS,
) -> dict[tuple[float, float], Scores]:
    """Relation scores (gold entities given) summed over the folds, per (add_at, drop_below)."""
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    totals: dict[tuple[float, float], Scores] = {}
    for fold in range(folds):
        test = [i for n, i in enumerate(order) if n % folds == fold]
        rest = [i for n, i in enumerate(order) if n % folds != fold]
        model = fit([items[i] for i in rest], [docs[i] for i in rest], rules, schema, settings)
        for add_at in ADD_AT:
            for drop_below in DROP_BELOW:
                model.settings = replace(settings, add_at=add_at, drop_below=drop_below)
                got = score(
                    LearnedRelations(rules, model, schema),
                    [items[i] for i in test],
                    [docs[i] for i in test],
                    schema,
                    [],
                )["ALL"]
                total = totals.setdefault((add_at, drop_below), Scores())
                total.tp, total.fp, total.fn = (
                    total.tp + got.tp,
                    total.fp + got.fp,
                    total.fn + got.fn,
                )
        print(f"fold {fold + 1}/{folds} done", flush=True)
    rules_only = Scores()
    for item, doc in zip(items, docs):
        got = score(rules, [item], [doc], schema, [])["ALL"]
        rules_only.tp, rules_only.fp, rules_only.fn = (
            rules_only.tp + got.tp,
            rules_only.fp + got.fp,
            rules_only.fn + got.fn,
        )
    totals[(-1.0, -1.0)] = rules_only
    return totals


def best(totals: dict[tuple[float, float], Scores], default: TrainSettings) -> tuple[float, float]:
    """The thresholds with the highest F1; ties go to those nearest the defaults."""
    grid = {k: v for k, v in totals.items() if k[0] >= 0}
    return max(
        grid,
        key=lambda k: (
            round(grid[k].f1, 4),
            -abs(k[0] - default.add_at) - abs(k[1] - default.drop_below),
        ),
    )


def evaluate_sets(
    sets: Sequence[GoldSet], relations: dict[str, Any], schema: LabelSchema
) -> dict[str, dict[str, dict[str, Scores]]]:
    """Relation scores per set, entity mode ("suggested", "gold") and relation suggester."""
    from annotation.nlp.engine import load_engine
    from annotation.suggest.evaluate import evaluate

    engine = load_engine(schema, relation_model=None, shipped_relations=False)
    out: dict[str, dict[str, dict[str, Scores]]] = {}
    for gold_set in sets:
        assert gold_set.jsonl is not None
        for mode in ("suggested", "gold"):
            for name, suggester in relations.items():
                engine.relations = suggester
                result = evaluate(gold_set.jsonl, engine, schema, gold_entities=mode == "gold")
                assert result.relations is not None
                out.setdefault(gold_set.name, {}).setdefault(mode, {})[name] = result.relations
    return out


def training_md(
    *,
    dev: GoldSet,
    scored: Sequence[GoldSet],
    items: Sequence[RelItem],
    pairs: int,
    settings: TrainSettings,
    cv: dict[tuple[float, float], Scores],
    by_l2: dict[float, dict[tuple[float, float], Scores]],
    scores: dict[str, dict[str, dict[str, Scores]]],
    metadata: dict[str, Any],
    model: RelationModel,
    train_seconds: float,
    folds: int,
    grid: tuple[Sequence[float], Sequence[float]],
) -> str:
    """The folder's TRAINING.md: command, rules, data, settings, and the scores."""
    rules = metadata["rules"]
    positives = sum(len(item.accepted) for item in items)
    files = ", ".join(f"`{Path(f).name}`" for f in metadata["train_files"])
    lines = [
        "# relations_id: Sorot's shipped relation model",
        "",
        "A multinomial logistic regression over candidate entity pairs "
        "(`annotation/nlp/relation_model.py`, features in `relation_features.py`), numpy only. "
        "It corrects and extends the rule relation suggester (`LearnedRelations`): a rule "
        f"candidate it gives less than {settings.drop_below} is dropped, a pair and type it "
        f"gives {settings.add_at} or more is added with origin `relation-model`. It is off "
        "by default, since it adds nothing to the rules in the cross-validation below or on the "
        'corpus gold; `"relation_model": true` in the settings file makes the engine use it '
        "whenever a project has adopted no relation model of its own, and `--no-relation-model` "
        "leaves the rules alone.",
        "",
        "## Command",
        "",
        "From the repository root (`../shared/corpus` beside it is scored if present):",
        "",
        "    .venv/bin/python -m annotation.suggest.train_relations_base \\",
        "        --gold benchmarks/gold/dev --out resources/models/relations_id",
        "",
        "Training is full-batch and starts from zero weights; the cross-validation folds are "
        f"seeded ({SEED}). The same rules and data give the same weights.",
        "",
        "## The rules it was trained against",
        "",
        f"- `RULES_VERSION`: **{rules['version']}** (`annotation/nlp/relations.py`)",
        f"- relation suggester fingerprint: `{rules['fingerprint']}` (the version and the "
        "trigger lexicon's digest)",
        f"- what the rules suggest among the gold entities of the development articles, "
        f"digested: `{rules['output_digest']}`",
        "",
        "The model reads the rules' candidates as features, so a change of the rules needs a "
        "retrain with the command above; `tests/nlp/test_shipped_relations.py` fails until then.",
        "",
        "## Data",
        "",
        "| gold files | texts | articles | entities | relations | licence |",
        "|---|---|---:|---:|---:|---|",
        f"| {files} | `{_rel(dev.folder)}/*.txt` | {dev.articles} | {dev.entities} | "
        f"{dev.relations} | our own writing (the project's development articles) |",
        "",
        f"Imported as one project, every article done and its spans and relations accepted; "
        f"the model learned from all {len(items)} articles: {positives} relations, {pairs} "
        "candidate pairs (ordered pairs of entities in one sentence that the schema allows). "
        "The corpus gold (real articles; their text belongs to the publishers) and the "
        "hold-out are only scored below, never learned from, and no setting was chosen by "
        "their scores.",
        "",
        "## Settings",
        "",
        "    " + json.dumps(metadata["settings"], sort_keys=True),
        "",
        f"`l2` and the thresholds were chosen by {folds}-fold cross-validation on the "
        "development articles (every article tested once, relations among the gold entities, "
        f"micro F1 over the folds; the rules alone: F1 {cv[(-1.0, -1.0)].f1:.3f}), the best "
        "thresholds for each `l2`: "
        + "; ".join(
            f"{l2:g}: F1 {grid_l2[best(grid_l2, settings)].f1:.3f}" for l2, grid_l2 in by_l2.items()
        )
        + f". For `l2` {settings.l2:g}, rows: add at; columns: drop below.",
        "",
        "| add at | " + " | ".join(f"{d:g}" for d in grid[1]) + " |",
        "|---|" + "---:|" * len(grid[1]),
    ]
    for add_at in grid[0]:
        cells = []
        for drop in grid[1]:
            f1 = f"{cv[(add_at, drop)].f1:.3f}"
            chosen = (add_at, drop) == (settings.add_at, settings.drop_below)
            cells.append(f"**{f1}**" if chosen else f1)
        lines.append(f"| {add_at:g} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Trained in {train_seconds:.1f} s ({len(model.features)} features, "
        f"{len(model.classes) - 1} relation types) on a 2-core machine.",
        "",
        "## Scores",
        "",
        "Relation precision, recall and F1 (both ends and the label; either direction for "
        "symmetric types), with the entities suggested by the default suggesters (rules and "
        "the shipped NER model) and with the gold entities given (`--gold-entities`):",
        "",
        "| gold | entities | relation suggester | P | R | F1 | gold relations |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for gold_set in scored:
        for mode in ("suggested", "gold"):
            for name, s in scores[gold_set.name][mode].items():
                lines.append(
                    f"| {gold_set.name} ({gold_set.articles}) | {mode} | {name} | "
                    f"{s.precision:.3f} | {s.recall:.3f} | **{s.f1:.3f}** | "
                    f"{s.tp + s.fn} |"
                )
    lines += [
        "",
        "The same figures from the command line:",
        "",
        "    .venv/bin/python benchmarks/make_corpus_gold.py "
        "--out benchmarks/out/corpus_gold.jsonl",
        "    for part in a b; do .venv/bin/python benchmarks/make_corpus_gold.py "
        "benchmarks/gold/holdout --gold benchmarks/gold/holdout_$part.jsonl --out "
        "benchmarks/out/holdout_$part.jsonl; done",
        "    cat benchmarks/out/holdout_a.jsonl benchmarks/out/holdout_b.jsonl > "
        "benchmarks/out/holdout_gold.jsonl",
        "    .venv/bin/sorot evaluate benchmarks/out/holdout_gold.jsonl --no-relation-model"
        "                 # rules",
        "    .venv/bin/sorot evaluate benchmarks/out/holdout_gold.jsonl "
        "--relation-model resources/models/relations_id   # rules + shipped model",
        "    .venv/bin/sorot evaluate benchmarks/out/holdout_gold.jsonl --gold-entities "
        "[--no-relation-model | --relation-model resources/models/relations_id]",
        "",
        "and likewise `benchmarks/out/corpus_gold.jsonl`.",
        "",
    ]
    return "\n".join(lines)


def _rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the gold, choose thresholds, train on all of it, score, write the folder."""
    from annotation.nlp.model_folders import write_out_relations
    from annotation.nlp.relations import RULES_VERSION, RelationSuggester

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold",
        type=Path,
        required=True,
        help="the development texts; their gold files are FOLDER_*.jsonl beside",
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="the shared corpus, scored only (default: ../shared/corpus)",
    )
    parser.add_argument(
        "--holdout",
        type=Path,
        default=HOLDOUT,
        help="the hold-out texts, scored only (default: %(default)s)",
    )
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument(
        "--settings",
        type=json.loads,
        default={},
        help="JSON overrides of TrainSettings, e.g. '{\"steps\": 100}'",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    schema = default_schema()
    rules = RelationSuggester(schema)
    dev_files = sorted(args.gold.parent.glob(f"{args.gold.name}_*.jsonl"))
    if not dev_files:
        parser.error(f"no {args.gold.name}_*.jsonl beside {args.gold}")
    with tempfile.TemporaryDirectory(prefix="sorot-relations-") as tmp:
        work = Path(tmp)
        dev = build_gold(GoldSet("dev", args.gold, dev_files), work)
        scored = [
            build_gold(
                GoldSet(
                    "hold-out", args.holdout, sorted(args.holdout.parent.glob("holdout_*.jsonl"))
                ),
                work,
            )
        ]
        if args.corpus.is_dir():
            corpus_gold = MAKE_GOLD.parent / "gold" / "corpus_gold.jsonl"
            scored.insert(0, build_gold(GoldSet("corpus", args.corpus, [corpus_gold]), work))
        else:
            print(f"corpus gold not scored: {args.corpus} not found", flush=True)
        assert dev.jsonl is not None
        items = gold_items(dev.jsonl, work)
        docs = documents(items)
        settings = TrainSettings(**args.settings)
        by_l2 = {}
        for l2 in [settings.l2] if "l2" in args.settings else L2:
            by_l2[l2] = cross_validate(
                items, docs, rules, schema, replace(settings, l2=l2), args.folds
            )
        settings.l2 = max(by_l2, key=lambda l2: round(by_l2[l2][best(by_l2[l2], settings)].f1, 4))
        cv = by_l2[settings.l2]
        settings.add_at, settings.drop_below = best(cv, settings)
        print(
            f"l2 {settings.l2}, thresholds: add at {settings.add_at}, drop below "
            f"{settings.drop_below}",
            flush=True,
        )
        trained = time.perf_counter()
        model = fit(items, docs, rules, schema, settings)
        train_seconds = time.perf_counter() - trained
        learned = LearnedRelations(rules, model, schema)
        scores = evaluate_sets(scored, {"rules": rules, "rules + shipped model": learned}, schema)
    pairs = sum(
        len(examples(item, doc, rules, schema, settings.window)) for item, doc in zip(items, docs)
    )
    metadata = {
        "kind": "relations",
        "name": "relations_id",
        "annotator": ANNOTATOR,
        "data_hash": data_hash(items),
        "labels": sorted({label for item in items for *_, label in item.accepted}),
        "rules": {
            "version": RULES_VERSION,
            "fingerprint": rules.fingerprint,
            "output_digest": rules_digest(items, docs, rules),
        },
        "settings": {"seed": SEED, "held_out": 0, **settings.to_json()},
        "articles": {"train": len(items), "heldout": 0},
        "train_files": [_rel(p) for p in dev_files],
        "written": "shipped",
        "scores": {
            name: {mode: {k: v.to_json() for k, v in by.items()} for mode, by in modes.items()}
            for name, modes in scores.items()
        },
    }
    text = training_md(
        dev=dev,
        scored=scored,
        items=items,
        pairs=pairs,
        settings=settings,
        cv=cv,
        by_l2=by_l2,
        scores=scores,
        metadata=metadata,
        model=model,
        train_seconds=train_seconds,
        folds=args.folds,
        grid=(ADD_AT, DROP_BELOW),
    )
    write_out_relations(model, args.out, metadata, extra={TRAINING: text})
    print(text)
    print(f"written to {args.out} in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
