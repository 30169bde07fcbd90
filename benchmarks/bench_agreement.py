"""Agreement benchmark: three annotators over N articles, in-process and end to end.

    python benchmarks/bench_agreement.py [--count 10000] [--work benchmarks/out]

Builds the project once and reuses it (`agreement-<count>.sorot` under the work folder):
the generated articles of `generate.py` (about 3 KB each) are imported with their spans as
suggestions, which count for nobody, and become the base set. Three annotators then each
get a copy with controlled disagreement (seeded): 5% of spans dropped, 5% relabelled and
5% with a boundary moved by a word (each independently), the base relations whose two
ends survive, and every article marked done. Then it times `compute_agreement` in this
process (best of --repeat, after one cold run) and `sorot agreement --json` end to end in
a fresh Python, and prints the figures with the time each took.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANNOTATORS = ["ani", "budi", "citra"]
DROP, RELABEL, SHIFT = 0.05, 0.05, 0.05
LABELS = ["PER", "ROLE", "GPE", "ORG", "LOC", "EVENT", "DATE"]


def perturb(rng: random.Random, text: str, base: list[tuple[int, int, str]]):
    """One annotator's copy of the base spans: which survive (by index), and how."""
    kept: dict[int, tuple[int, int, str]] = {}
    for i, (start, end, label) in enumerate(base):
        if rng.random() < DROP:
            continue
        if rng.random() < RELABEL:
            label = rng.choice([x for x in LABELS if x != label])
        if rng.random() < SHIFT:
            space = text.find(" ", start, end)
            if space > start:
                start = space + 1  # drop the first word
            elif end < len(text) and (nxt := text.find(" ", end + 1)) > 0 and nxt - end < 20:
                end = nxt  # take in the next word
        kept[i] = (start, end, label)
    # A moved boundary must not run into the next span (the schema forbids overlap).
    ordered = sorted(kept.items(), key=lambda kv: kv[1][0])
    for (i, (s, e, label)), (_, (s2, _, _)) in zip(ordered, ordered[1:]):
        if e > s2:
            kept[i] = (s, max(s + 1, min(e, s2)), label)
    return kept


def build(data: Path, project: Path) -> None:
    from annotation.io.importer import import_paths
    from annotation.model import ArticleStatus, EntityStatus, NewEntity, NewRelation
    from annotation.project.store import Store, now

    tmp = project.with_name(project.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    rng = random.Random(17)
    began = time.perf_counter()
    with Store.create(tmp) as store:
        report = import_paths(
            store, [data], fmt="jsonl", annotator="importer", spans_as="suggested"
        )
        imported = time.perf_counter() - began
        ids = store.article_ids()
        with store.db.atomic():
            for article_id in ids:
                text = store.article(article_id).text
                base = store.entities(article_id, (EntityStatus.SUGGESTED,))
                index = {e.id: i for i, e in enumerate(base)}
                spans = [(e.start, e.end, e.label) for e in base]
                links = [
                    (index[r.head], index[r.child], r.label)
                    for r in store.relations(article_id, (EntityStatus.SUGGESTED,))
                    if r.head in index and r.child in index
                ]
                for who in ANNOTATORS:
                    kept = perturb(rng, text, spans)
                    order = sorted(kept)
                    at = {i: n for n, i in enumerate(order)}
                    store.add_annotations(
                        article_id,
                        [NewEntity(*kept[i]) for i in order],
                        [
                            NewRelation(at[h], at[c], label)
                            for h, c, label in links
                            if h in at and c in at
                        ],
                        annotator=who,
                    )
            time_ = now()
            store.db.conn.executemany(
                "INSERT INTO article_status (article_id, annotator, status, updated) "
                "VALUES (?, ?, ?, ?)",
                [(i, who, ArticleStatus.DONE, time_) for i in ids for who in ANNOTATORS],
            )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tmp, project)
    print(
        f"imported {report.imported} articles in {imported:.1f} s; annotators added in "
        f"{time.perf_counter() - began - imported:.1f} s; project file "
        f"{project.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )


def cli_command(project: Path) -> list[str]:
    """`sorot agreement` if the main command line has it, else the module on its own."""
    try:
        from cli.main import build_parser

        commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    except ImportError:  # the main command line is mid-change; time the module alone
        commands = {}
    if "agreement" in commands:
        return [sys.executable, str(ROOT / "main.py"), "agreement", str(project), "--json"]
    return [sys.executable, "-m", "cli.agreement", str(project), "--json"]


def measure(project: Path, repeat: int) -> None:
    from annotation.project.store import Store
    from annotation.team.agreement import compute_agreement, resolve_annotators
    from annotation.team.agreement_tokens import load_corpus

    rows = []
    Store.open(project).close()  # brings a project built by an older Sorot up to date
    with Store.open(project, readonly=True) as store:
        began = time.perf_counter()
        report = compute_agreement(store)
        rows.append(("compute_agreement, first run", time.perf_counter() - began))
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            compute_agreement(store)
            times.append(time.perf_counter() - began)
        rows.append((f"compute_agreement, best of {repeat}", min(times)))
        names = resolve_annotators(store)
        began = time.perf_counter()
        load_corpus(store, names, None)
        rows.append(("  of which reading + tagging", time.perf_counter() - began))
    rows.append(("review list: open + order + first page", review_list(project, names)))
    command = cli_command(project)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=ROOT)
    rows.append((f"CLI end to end (exit {done.returncode})", time.perf_counter() - began))
    print(f"\n{project.name}: {report.counted_line}")
    print(f"entities per annotator: {report.entities}")
    print(
        f"perturbation per annotator: drop {DROP:.0%}, relabel {RELABEL:.0%}, shift {SHIFT:.0%}\n"
    )
    for name, value in report.overall():
        print(f"{name:<36}{value:>10.4f}")
    print(f"\n{'step':<36}{'seconds':>10}")
    for name, seconds in rows:
        print(f"{name:<36}{seconds:>10.2f}")
    print(f"\nCLI: {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(command))}")


def review_list(project: Path, names: list[str]) -> float:
    """Seconds to open the project and show its review list, most disagreement first."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotation.project.store import Store
    from annotation.team.review import review_order
    from gui.article.list_pane import ArticleListModel
    from gui.workspace import Workspace

    app = QApplication.instance() or QApplication([])
    began = time.perf_counter()
    store = Store.open(project)
    model = ArticleListModel(Workspace(store, "reviewer"))
    model.set_order(review_order(store, names))
    model.article_row(0)
    app.processEvents()
    seconds = time.perf_counter() - began
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the project again")
    args = parser.parse_args()

    from benchmarks.generate import cached

    args.work.mkdir(parents=True, exist_ok=True)
    project = args.work / f"agreement-{args.count}.sorot"
    if args.rebuild or not project.exists():
        data = cached(args.work, args.count)
        print(f"building {project} ...", flush=True)
        build(data, project)
    measure(project, args.repeat)


if __name__ == "__main__":
    main()
