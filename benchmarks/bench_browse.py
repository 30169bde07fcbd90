"""Article list benchmark: open, search and filter a large project, scroll to its end.

    python benchmarks/bench_browse.py [--count 100000] [--work benchmarks/out]

Builds the project once (the generated articles of `bench_foundation.py`, imported with
their spans as suggestions, and a status for one article in four), caches it as
`browse-<count>.sorot` under the work folder, and reuses it on later runs; importing
100,000 articles takes a few minutes. Each step then runs through the article list's Qt
model, on an offscreen QApplication, as the main window would: the query, the first page
of rows and, for scrolling, the last page. Every figure is the best of `--repeat` runs.

For uncertain first, nine articles in ten get an uncertainty (seeded random scores with
three decimals, so many tie, as suggesting would store them) the first time this runs on
a project without any; the rest stay unmeasured.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANNOTATOR = "bench"
VISIBLE = 40  # rows on screen


def build(data: Path, project: Path) -> None:
    """Import the articles as suggestions and give some of them a status."""
    from annotation.io.importer import import_paths
    from annotation.model import ArticleStatus
    from annotation.project.store import Store, now

    tmp = project.with_name(project.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    with Store.create(tmp) as store:
        report = import_paths(store, [data], fmt="jsonl", annotator=ANNOTATOR, spans_as="suggested")
        seconds = time.perf_counter() - start
        cycle = [
            ArticleStatus.DONE,
            None,
            ArticleStatus.IN_PROGRESS,
            None,
            ArticleStatus.SKIPPED,
            None,
            None,
            None,
        ]
        time_ = now()
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO article_status (article_id, annotator, status, updated) "
                "VALUES (?, ?, ?, ?)",
                [
                    (i, ANNOTATOR, cycle[i % len(cycle)], time_)
                    for i in store.article_ids()
                    if cycle[i % len(cycle)]
                ],
            )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tmp, project)
    print(
        f"imported {report.imported} articles in {seconds:.1f} s "
        f"({report.imported / seconds:.0f} articles/s); "
        f"project file {project.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )


def measure_uncertainty(project: Path) -> None:
    """Give nine articles in ten an uncertainty, once, as suggesting them would."""
    import random

    from annotation.project.store import Store, now

    with Store.open(project) as store:
        if store.db.execute("SELECT count(*) FROM uncertainty").fetchone()[0]:
            return
        rng, time_ = random.Random(7), now()
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO uncertainty (article_id, engine, score, places, disputed, "
                "updated) VALUES (?, 'bench', ?, 40, ?, ?)",
                [
                    (i, round(rng.random() * 0.6, 3), rng.randrange(20), time_)
                    for i in store.article_ids()
                    if i % 10
                ],
            )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def best(repeat: int, step: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def least_uncertain(store) -> int:
    return store.db.execute(
        "SELECT article_id FROM uncertainty ORDER BY score, article_id DESC LIMIT 1"
    ).fetchone()[0]


def measure(project: Path, repeat: int, migration: bool) -> list[tuple[str, float, int]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotation.model import ArticleStatus
    from annotation.project.browse import UNCERTAIN, ArticleQuery, next_article, progress
    from annotation.project.store import Store
    from gui.article.list_pane import ArticleListModel
    from gui.workspace import Workspace

    app = QApplication.instance() or QApplication([])
    results: list[tuple[str, float, int]] = []

    def page(model: ArticleListModel, first: int) -> int:
        for row in range(first, min(first + VISIBLE, model.rowCount())):
            for column in range(model.columnCount()):
                model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
        return model.rowCount()

    def open_list() -> tuple[Store, ArticleListModel]:
        store = Store.open(project)
        model = ArticleListModel(Workspace(store, ANNOTATOR))
        page(model, 0)
        return store, model

    def open_uncertain() -> tuple[Store, ArticleListModel]:
        store = Store.open(project)
        model = ArticleListModel(Workspace(store, ANNOTATOR), order=UNCERTAIN)
        page(model, 0)
        return store, model

    stores = []
    seconds, (store, model) = best(1, open_list)
    stores.append(store)
    results.append(("open + unfiltered list + first page", seconds, model.rowCount()))
    seconds, (other, uncertain) = best(1, open_uncertain)
    stores.append(other)
    results.append(("open, uncertain first + first page", seconds, uncertain.rowCount()))

    def query(q: ArticleQuery) -> Callable[[], int]:
        def step() -> int:
            model.set_query(q)
            return page(model, 0)

        return step

    def scroll_to_end() -> int:
        model.set_query(ArticleQuery(annotator=ANNOTATOR))  # a cold cache of pages
        return page(model, model.rowCount() - VISIBLE)

    steps = [
        ("search 'Tiongkok'", query(ArticleQuery(search="Tiongkok", annotator=ANNOTATOR))),
        ("search 'Ti' (prefix, as typed)", query(ArticleQuery(search="Ti", annotator=ANNOTATOR))),
        ("search 'k' (one letter)", query(ArticleQuery(search="k", annotator=ANNOTATOR))),
        (
            "search 'Retno Marsudi Jakarta'",
            query(ArticleQuery(search="Retno Marsudi Jakarta", annotator=ANNOTATOR)),
        ),
        ("status: to do", query(ArticleQuery(statuses=(ArticleStatus.TODO,), annotator=ANNOTATOR))),
        ("status: done", query(ArticleQuery(statuses=(ArticleStatus.DONE,), annotator=ANNOTATOR))),
        ("label: EVENT", query(ArticleQuery(label="EVENT", annotator=ANNOTATOR))),
        ("label: PER", query(ArticleQuery(label="PER", annotator=ANNOTATOR))),
        (
            "search + status + label",
            query(
                ArticleQuery(
                    search="Tiongkok",
                    statuses=(ArticleStatus.TODO,),
                    label="EVENT",
                    annotator=ANNOTATOR,
                )
            ),
        ),
        ("unfiltered, scroll to the end", scroll_to_end),
        ("uncertain first", query(ArticleQuery(annotator=ANNOTATOR, order=UNCERTAIN))),
        (
            "uncertain first + status: to do",
            query(
                ArticleQuery(statuses=(ArticleStatus.TODO,), annotator=ANNOTATOR, order=UNCERTAIN)
            ),
        ),
        (
            "uncertain first + label: PER",
            query(ArticleQuery(label="PER", annotator=ANNOTATOR, order=UNCERTAIN)),
        ),
        (
            "uncertain first + search 'Ti' + to do",
            query(
                ArticleQuery(
                    search="Ti",
                    statuses=(ArticleStatus.TODO,),
                    annotator=ANNOTATOR,
                    order=UNCERTAIN,
                )
            ),
        ),
        (
            "next article to do (from the end)",
            lambda: int(next_article(store, ANNOTATOR, store.count_articles()) is not None),
        ),
        (
            "next article to do, uncertain first (from the least uncertain)",
            lambda: int(
                next_article(store, ANNOTATOR, least_uncertain(store), order=UNCERTAIN) is not None
            ),
        ),
        (
            "next article to do, uncertain first (from an unmeasured one)",
            lambda: int(next_article(store, ANNOTATOR, 99_990, order=UNCERTAIN) is not None),
        ),
        ("progress", lambda: progress(store, ANNOTATOR)[0]),
    ]
    for name, step in steps:
        seconds, rows = best(repeat, step)
        results.append((name, seconds, rows if isinstance(rows, int) else 0))
    if migration:

        def rebuild() -> int:
            with store.db.atomic():
                store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
            return store.count_articles()

        seconds, rows = best(1, rebuild)
        results.append(("migration m003: index existing articles", seconds, rows))
    for s in stores:
        s.close()
    del app
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the project again")
    parser.add_argument(
        "--migration",
        action="store_true",
        help="also time indexing every article, as migration m003 does",
    )
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()

    from benchmarks.generate import cached

    args.work.mkdir(parents=True, exist_ok=True)
    project = args.work / f"browse-{args.count}.sorot"
    if args.rebuild or not project.exists():
        data = cached(args.work, args.count)
        print(f"building {project} ...", flush=True)
        build(data, project)
    if args.build_only:
        return
    measure_uncertainty(project)
    results = measure(project, args.repeat, args.migration)
    print(f"\n{project.name}: best of {args.repeat}, first page = {VISIBLE} rows")
    print(f"{'step':<64}{'ms':>10}{'rows':>10}")
    for name, seconds, rows in results:
        print(f"{name:<64}{seconds * 1000:>10.1f}{rows:>10}")


if __name__ == "__main__":
    main()
