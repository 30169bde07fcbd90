"""Learning curve of the relation model: relation F1 as the project's own annotations grow.

    .venv/bin/python benchmarks/relation_learning_curve.py [--points 10 30 all] [--folds 5]

Every gold document available is used: the five corpus articles (built by
`make_corpus_gold.py` from ../shared/corpus; left out, with a message, when that folder is
absent) and the hold-out articles in benchmarks/gold/holdout with their gold files
(holdout_a.jsonl, holdout_b.jsonl, whichever are committed). The documents are shuffled
once (seeded) and cut into folds, so that every document is tested exactly once. For each
fold and point N, the first N documents of the other folds are imported with `sorot import`
into a fresh project (their spans and relations accepted, each article done), the relation
model is trained with `sorot train --relations-only --held-out 0 --out DIR`, and the fold's
documents are scored by `sorot evaluate --gold-entities` (relations among the gold entities)
with the rules alone and with the rules and that model; the "suggested entities" columns
score the whole chain (rules and shipped model for entities) the same two ways. The rules
with the shipped relation model (trained on benchmarks/gold/dev, which is not among these
documents) are scored too, as the starting point a new project has. Scores are summed over
the folds (micro P/R/F1).

The development articles (benchmarks/gold/dev with dev_c.jsonl and dev_d.jsonl) were read
while the rules were written and trained the shipped relation model, so they are never
tested here; they join every fold's training pool (`--no-dev` leaves them out), which lets
the curve reach 30 training documents and more. Each fold's pool is shuffled (seeded).

Everything is written under `--work` (default benchmarks/out/relation-curve/), rebuilt on
each run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold"
CORPUS = ROOT.parent / "shared" / "corpus"
ANNOTATOR = "curve"


def run(*argv: str) -> str:
    """Run a command; return its standard output, or stop with its errors."""
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr}")
    return done.stdout


def sorot(*argv: str) -> str:
    return run(sys.executable, str(ROOT / "main.py"), *argv)


def gold_documents(work: Path, folder: str = "holdout") -> list[dict[str, Any]]:
    """Every gold record available, built into importable JSONL by make_corpus_gold.py: the
    corpus and the hold-out (folder "holdout"), or the development articles ("dev")."""
    make = [sys.executable, str(ROOT / "benchmarks" / "make_corpus_gold.py")]
    if folder == "dev":
        return read_built(work, make, "dev")
    built: list[Path] = []
    if CORPUS.is_dir():
        run(*make, str(CORPUS), "--out", str(work / "corpus.jsonl"))
        built.append(work / "corpus.jsonl")
    else:
        print(
            f"corpus gold left out: {CORPUS} not found (the shared corpus lives in "
            "../shared beside the repository)"
        )
    return read_built(work, make, "holdout", built)


def read_built(
    work: Path, make: list[str], folder: str, built: list[Path] | None = None
) -> list[dict[str, Any]]:
    built = list(built or [])
    for part in sorted(GOLD.glob(f"{folder}_*.jsonl")):
        out = work / f"{part.stem}.jsonl"
        run(*make, str(GOLD / folder), "--gold", str(part), "--out", str(out))
        built.append(out)
    records = []
    for path in built:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def write(records: list[dict[str, Any]], path: Path, done: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            if done:
                record = {**record, "meta": {**record.get("meta", {}), "status": "done"}}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def evaluate(test: Path, model: Path | None, given: bool) -> dict[str, int]:
    """tp/fp/fn of relations on the test file: the rules alone (model None), with the shipped
    relation model ("shipped"), or with a model folder."""
    argv = ["evaluate", str(test), "--json", "--source", "rules"]
    argv += ["--gold-entities"] if given else ["--source", "model"]
    if model is None:
        argv += ["--no-relation-model"]
    else:  # the shipped model is off by default: name its folder
        shipped = ROOT / "resources" / "models" / "relations_id"
        argv += ["--relation-model", str(shipped if str(model) == "shipped" else model)]
    scores = json.loads(sorot(*argv))["relations"]
    return {k: scores[k] for k in ("tp", "fp", "fn")}


def add(total: dict[str, int], part: dict[str, int]) -> None:
    for k, v in part.items():
        total[k] = total.get(k, 0) + v


def prf(s: dict[str, int]) -> tuple[float, float, float]:
    p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
    r = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--points",
        nargs="+",
        default=["10", "30", "all"],
        help="training documents per point: numbers or 'all' (default 10 30 "
        "all; a point above what a fold can train on becomes 'all')",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="shuffles the documents")
    parser.add_argument(
        "--no-dev",
        action="store_true",
        help="leave the development articles out of the training pools",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "relation-curve")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    began = time.perf_counter()
    docs = gold_documents(args.work)
    if len(docs) < 2:
        print("not enough gold documents for a learning curve")
        return
    dev = [] if args.no_dev else gold_documents(args.work, "dev")
    random.Random(args.seed).shuffle(docs)
    folds = min(args.folds, len(docs))
    print(
        f"{len(docs)} gold documents tested, {sum(len(d['relations']) for d in docs)} "
        f"relations, {folds} folds; {len(dev)} development documents only trained on",
        flush=True,
    )
    smallest_pool = len(docs) + len(dev) - -(-len(docs) // folds)  # the largest fold is tested
    points = sorted(
        {min(smallest_pool, len(docs) + len(dev) if p == "all" else int(p)) for p in args.points}
    )
    totals: dict[tuple[str, int], dict[str, int]] = {}
    sizes: dict[int, list[int]] = {}
    for fold in range(folds):
        test = [d for i, d in enumerate(docs) if i % folds == fold]
        pool = [d for i, d in enumerate(docs) if i % folds != fold] + dev
        random.Random(args.seed + 1 + fold).shuffle(pool)
        test_file = write(test, args.work / f"test-{fold}.jsonl")
        for given in (True, False):
            add(
                totals.setdefault((f"rules{'' if given else ' (entities suggested)'}", 0), {}),
                evaluate(test_file, None, given),
            )
            # Trained on the development articles, none of which is tested here.
            add(
                totals.setdefault(
                    (f"rules + shipped model{'' if given else ' (entities suggested)'}", 0), {}
                ),
                evaluate(test_file, Path("shipped"), given),
            )
        for n in points:
            train = pool[:n]
            sizes.setdefault(n, []).append(len(train))
            name = f"f{fold}-n{n}"
            project = args.work / f"{name}.sorot"
            sorot(
                "--annotator",
                ANNOTATOR,
                "import",
                str(project),
                str(write(train, args.work / f"{name}.jsonl", done=True)),
                "--no-suggest",
            )
            model = args.work / f"{name}-model"
            report = json.loads(
                sorot(
                    "--annotator",
                    ANNOTATOR,
                    "train",
                    str(project),
                    "--relations-only",
                    "--held-out",
                    "0",
                    "--out",
                    str(model),
                    "--json",
                )
            )["relations"]
            for given in (True, False):
                key = f"rules + model{'' if given else ' (entities suggested)'}"
                add(totals.setdefault((key, n), {}), evaluate(test_file, model, given))
            print(
                f"fold {fold}, {len(train)} training documents ({report['relations']} "
                f"relations): trained in {report['seconds']:.1f} s",
                flush=True,
            )
    seconds = time.perf_counter() - began
    print(
        f"\n{len(docs)} documents tested (+{len(dev)} development documents in training), "
        f"{folds}-fold cross-validation; relations scored among "
        "the gold entities, and (entities suggested) among the rules' and shipped model's "
        "entities\n"
    )
    print(
        "| relation suggester | training documents per fold | P | R | F1 | F1, entities suggested |"
    )
    print("|---|---|---|---|---|---|")
    for (name, n), scores in totals.items():
        if "(entities suggested)" in name:
            continue
        other = totals[(f"{name} (entities suggested)", n)]
        trained = sizes.get(n, [0])
        count = (
            str(trained[0]) if min(trained) == max(trained) else f"{min(trained)}–{max(trained)}"
        )
        if "shipped" in name:
            count = "0 (24 development articles)"
        p, r, f = prf(scores)
        print(f"| {name} | {count} | {p:.3f} | {r:.3f} | **{f:.3f}** | {prf(other)[2]:.3f} |")
    print(f"\nwhole run: {seconds:.0f} s")
    (args.work / "results.json").write_text(
        json.dumps(
            {
                "documents": len(docs),
                "development_documents": len(dev),
                "folds": folds,
                "seconds": round(seconds, 1),
                "totals": {f"{k[0]} @ {k[1]}": v for k, v in totals.items()},
            },
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
