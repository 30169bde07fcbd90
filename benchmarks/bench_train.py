"""Training on the project: how long `sorot train` takes on 1,000 articles of about 3 KB.

    .venv/bin/python benchmarks/bench_train.py [--count 1000] [--epochs 10] [--base shipped]

Builds (once, under benchmarks/out/) a project of generated news-like articles whose spans
are one annotator's accepted entities on articles marked done, then times `train_project`
with the given settings and prints both score tables.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotation.io.importer import import_paths  # noqa: E402
from annotation.project.store import Store  # noqa: E402
from annotation.suggest.training import train_project  # noqa: E402
from benchmarks.generate import cached  # noqa: E402

ANNOTATOR = "bench"


def build(data: Path, project: Path) -> None:
    with Store.create(project) as store:
        import_paths(store, [data], annotator=ANNOTATOR)
        store.db.execute(
            "INSERT INTO article_status (article_id, annotator, status, updated) "
            "SELECT id, ?, 'done', '2026-11-22T00:00:00.000+00:00' FROM articles",
            (ANNOTATOR,),
        )
        store.db.conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--base", choices=["shipped", "blank"], default="shipped")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    project = args.work / f"train-{args.count}.sorot"
    if not project.exists():
        build(cached(args.work, args.count), project)
    began = time.perf_counter()

    def progress(epoch: int, epochs: int, loss: float) -> None:
        print(
            f"epoch {epoch}/{epochs}  loss {loss:.1f}  {time.perf_counter() - began:.0f} s",
            flush=True,
        )

    with Store.open(project, readonly=True) as store:
        report = train_project(
            store, ANNOTATOR, base=args.base, epochs=args.epochs, progress=progress
        )
    seconds = time.perf_counter() - began
    print(report.format())
    print(
        f"\n{args.count} articles, {args.epochs} epochs from the {args.base} model: "
        f"{seconds:.0f} s ({seconds / 60:.1f} min; target under 10 min)"
    )


if __name__ == "__main__":
    main()
