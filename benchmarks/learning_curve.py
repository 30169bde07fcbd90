"""Learning curve: how F1 on idner-news-2k dev grows with the sentences a blank model learns from.

    .venv/bin/python benchmarks/learning_curve.py [--points 100 300 all] [--epochs 20]
        [--seeds 0 1 2]

For each point N, the first N records of `../shared/data/idner-news-2k/train.jsonl` are
imported with `sorot import` into a fresh project (their spans as the annotator's accepted
entities, each article marked done through the record's `meta.status`), a model is trained
from nothing with `sorot train --base blank --held-out 0 --out DIR` (every done article is
learned from; nothing is adopted), and `sorot evaluate` scores it on the dev split, with the
rule layer and alone. The zero point (the rule layer alone) and the shipped model (trained on
both shared train splits, idner's among them) are scored the same way. Every evaluation maps
the rules' GPE to LOC, as idner marks countries and cities alike as LOC (`--label-map
GPE=LOC`); the projects carry idner's own labels, PER, ORG and LOC. Labels the dev file never
uses (ROLE, DATE, EVENT) are left out of the scores by `sorot evaluate` itself. Each point is
trained once per seed (`--seeds`): the table gives the mean and, for F1, the range.

A trained folder is suggested under its path, so in the combination it ranks after the rules
where spans cross or coincide, whereas the shipped model as `model` ranks before the pattern
rules; the row "rules + shipped model (as a folder)" treats the shipped model as the trained
ones are treated, for a like-for-like comparison.

Everything is written under `--work` (default benchmarks/out/learning-curve/), which is
rebuilt on each run. Without ../shared the benchmark says so and stops.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "idner-news-2k"
SHIPPED = ROOT / "resources" / "models" / "ner_id"
ANNOTATOR = "curve"
LABEL_MAP = ["--label-map", "GPE=LOC"]


def sorot(*argv: str) -> str:
    """Run the `sorot` command line; return its standard output, or stop with its errors."""
    command = [sys.executable, str(ROOT / "main.py"), *argv]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr}")
    return done.stdout


def evaluate(dev: Path, sources: list[str]) -> dict[str, Any]:
    """`sorot evaluate` on the dev split with these sources; its JSON report."""
    argv = ["evaluate", str(dev), "--no-relations", "--json", *LABEL_MAP]
    for source in sources:
        argv += ["--source", source]
    return json.loads(sorot(*argv))


def import_point(records: list[str], n: int, work: Path) -> Path:
    """A fresh project of the first n records, their spans accepted, every article done."""
    data = work / f"train-{n}.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for line in records[:n]:
            record = json.loads(line)
            record["meta"] = {**record.get("meta", {}), "status": "done"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    project = work / f"train-{n}.sorot"
    sorot("--annotator", ANNOTATOR, "import", str(project), str(data), "--no-suggest")
    return project


def train_point(
    project: Path, n: int, work: Path, epochs: int, seed: int
) -> tuple[Path, dict[str, Any]]:
    """Train a blank model on every done article of the project, into a folder of its own."""
    model = work / f"model-{n}-seed{seed}"
    report = json.loads(
        sorot(
            "--annotator",
            ANNOTATOR,
            "train",
            str(project),
            "--base",
            "blank",
            "--epochs",
            str(epochs),
            "--held-out",
            "0",
            "--seed",
            str(seed),
            "--out",
            str(model),
            "--json",
        )
    )
    if Path(report["model_dir"]) != model.resolve() or report["adopted"]:
        sys.exit(f"train wrote {report['model_dir']}, adopted {report['adopted']}")
    return model, report


def row(
    name: str, n: str, results: list[dict[str, Any]], seconds: list[float] | None = None
) -> dict[str, Any]:
    """One line of the table: the mean of the runs' scores (one run per seed)."""

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    f1s = [r["entities"]["f1"] for r in results]
    return {
        "suggesters": name,
        "train": n,
        "f1": mean(f1s),
        "f1_min": min(f1s),
        "f1_max": max(f1s),
        "f1_runs": f1s,
        "precision": mean([r["entities"]["precision"] for r in results]),
        "recall": mean([r["entities"]["recall"] for r in results]),
        "per_label_f1": {
            k: mean([r["per_label"].get(k, {"f1": 0.0})["f1"] for r in results])
            for k in ("PER", "ORG", "LOC")
        },
        "train_seconds": mean(seconds) if seconds else None,
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| suggesters | train records (articles) | P | R | F1 (range over seeds) | PER | "
        "ORG | LOC | train s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        per = r["per_label_f1"]
        secs = f"{r['train_seconds']:.0f}" if r["train_seconds"] is not None else ""
        spread = f" ({r['f1_min']:.3f}–{r['f1_max']:.3f})" if len(r["f1_runs"]) > 1 else ""
        lines.append(
            f"| {r['suggesters']} | {r['train']} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | **{r['f1']:.3f}**{spread} | "
            + " | ".join(f"{per[k]:.3f}" for k in ("PER", "ORG", "LOC"))
            + f" | {secs} |"
        )
    return "\n".join(lines)


def code_version() -> str:
    """The commit the run used, and whether the code had changes not yet committed."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [
        line
        for line in git("status", "--porcelain", "--", "annotation", "resources").splitlines()
        if line
    ]
    return head + (
        f" plus {len(changed)} changed files under annotation/ and resources/" if changed else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="folder with train.jsonl and dev.jsonl (default: ../shared/data/idner-news-2k)",
    )
    parser.add_argument(
        "--points",
        nargs="+",
        default=["100", "300", "all"],
        help="train records per point: numbers, or 'all' (default 100 300 all)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=20,
        help="passes over the data at every point (default 20; fixed in "
        "advance, never chosen on dev)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0, 1, 2],
        help="train every point once per seed (default 0 1 2)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "learning-curve")
    args = parser.parse_args()
    train, dev = args.data / "train.jsonl", args.data / "dev.jsonl"
    if not (train.is_file() and dev.is_file()):
        print(
            f"skipped: {train} or {dev} not found (the shared data sets live in "
            "../shared/data beside the repository)"
        )
        return
    records = [line for line in train.read_text(encoding="utf-8").splitlines() if line.strip()]
    points = [len(records) if p == "all" else min(int(p), len(records)) for p in args.points]
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    began, version = time.perf_counter(), code_version()

    rows = [row("rules", "0", [evaluate(dev, ["rules"])])]
    print(f"rules alone: F1 {rows[-1]['f1']:.3f}", flush=True)
    for n in points:
        project = import_point(records, n, args.work)
        with_rules, alone, seconds = [], [], []
        for seed in args.seeds:
            model, report = train_point(project, n, args.work, args.epochs, seed)
            with_rules.append(evaluate(dev, ["rules", str(model)]))
            alone.append(evaluate(dev, [str(model)]))
            seconds.append(report["seconds"])
            print(
                f"{n} records ({report['train_articles']} articles, {report['entities']} "
                f"entities), seed {seed}: trained in {report['seconds']:.0f} s; F1 "
                f"{with_rules[-1]['entities']['f1']:.3f} with rules, "
                f"{alone[-1]['entities']['f1']:.3f} alone",
                flush=True,
            )
        label = f"{n} ({report['train_articles']})"
        rows.append(row("rules + trained", label, with_rules, seconds))
        rows.append(row("trained alone", label, alone, seconds))
    shipped = "shipped (idner + indolem train)"
    rows.append(row("rules + shipped model", shipped, [evaluate(dev, ["rules", "model"])]))
    rows.append(
        row(
            "rules + shipped model (as a folder)", shipped, [evaluate(dev, ["rules", str(SHIPPED)])]
        )
    )
    rows.append(row("shipped model alone", shipped, [evaluate(dev, ["model"])]))
    seconds_all = time.perf_counter() - began

    seeds = " ".join(map(str, args.seeds))
    print(
        f"\n{dev}: {args.epochs} epochs from blank, held-out 0, seeds {seeds}, "
        f"--label-map GPE=LOC, entities only; code {version}\n"
    )
    print(table(rows))
    print(f"\nwhole run: {seconds_all:.0f} s ({seconds_all / 60:.1f} min)")
    (args.work / "results.json").write_text(
        json.dumps(
            {
                "epochs": args.epochs,
                "seeds": args.seeds,
                "code": version,
                "seconds": round(seconds_all, 1),
                "rows": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
