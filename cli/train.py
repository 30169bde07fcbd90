"""The command line's `sorot train`: train the NER on the project's own annotations."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from annotation.project.store import Store
from cli.exit_codes import EXIT_ERROR, EXIT_OK


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train the suggestion model on this project's annotations",
        description="Train the entity model on one annotator's accepted entities in the "
        "articles they marked done (or, with --gold, the reviewer's). A fixed share of those "
        "articles is held out; the current model (the project's adopted one, else the shipped "
        "one) and the new one are scored on it, and the new model is kept beside the project "
        "(PROJECT.models/) only if its micro F1 is higher. The project file is only read. "
        "For experiments, --out DIR keeps the model in DIR whatever it scores and adopts "
        "nothing. Then, on the same articles and split, the relation model is trained on the "
        "accepted relations (rejected suggestions as strong negatives) and adopted only if "
        "its relation F1 on the held-out articles (their accepted entities given) beats the "
        "current relation suggester's (the rules with the adopted relation model, else with the "
        "shipped one).",
        epilog="Example (a learning-curve point): sorot train p.sorot --base blank --held-out 0 "
        "--out runs/p-100 && sorot evaluate dev.jsonl --source rules --source runs/p-100. "
        "Exit codes: 0 trained (adopted, written to --out, or neither: see the report); "
        "1 error.",
    )
    p.add_argument("project", type=Path)
    p.add_argument(
        "--gold",
        metavar="REVIEWER",
        help="train on this reviewer's work (the adjudicated layer) instead of --annotator's",
    )
    p.add_argument(
        "--labels",
        nargs="+",
        metavar="LABEL",
        help="only these labels (default: every label in the training data)",
    )
    p.add_argument(
        "--base",
        choices=["shipped", "blank"],
        default="shipped",
        help="start from the shipped model (default) or from nothing",
    )
    p.add_argument("--epochs", type=int, default=10, help="passes over the data (default 10)")
    p.add_argument(
        "--held-out",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="share of the done articles to score on (default 0.2, at least one); "
        "with --out it may be 0: train on every done article, score nothing",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write the trained model (with sorot-model.json: data hash, settings, "
        "held-out scores) to DIR whatever the comparison says, and leave the "
        "project's adopted model and its pointer alone; DIR must be new, empty, or "
        "an earlier --out model, which is replaced. Score it with `sorot evaluate "
        "--source DIR`",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--no-relations", action="store_true", help="train the entity model only")
    which.add_argument(
        "--relations-only",
        action="store_true",
        help="train the relation model only (with --out, DIR is the relation "
        "model; otherwise it goes to DIR/relations)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def train(args: argparse.Namespace, annotator: str) -> int:
    """Run `sorot train`; errors are printed here, as `sorot: error: ...`."""
    from annotation.project.db import ProjectError
    from annotation.suggest.train_errors import TrainError
    from annotation.suggest.training import train_project

    if args.gold and getattr(args, "annotator", None):
        return _error("give --annotator or --gold, not both")
    who = args.gold or annotator

    def progress(epoch: int, epochs: int, loss: float) -> None:
        print(f"epoch {epoch}/{epochs}  loss {loss:.2f}", file=sys.stderr, flush=True)

    try:
        with Store.open(args.project, readonly=True) as store:
            report = train_project(
                store,
                who,
                labels=args.labels,
                base=args.base,
                epochs=args.epochs,
                held_out=args.held_out,
                seed=args.seed,
                out=args.out,
                progress=progress,
                relations=not args.no_relations,
                ner=not args.relations_only,
            )
    except (TrainError, ProjectError) as exc:
        return _error(str(exc))
    print(json.dumps(report.to_json(), indent=1) if args.json else report.format())
    return EXIT_OK


def _error(message: str) -> int:
    print(f"sorot: error: {message}", file=sys.stderr)
    return EXIT_ERROR
