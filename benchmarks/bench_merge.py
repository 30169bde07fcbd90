"""Merge benchmark: merging a project, against importing the same articles, per article.

    python benchmarks/bench_merge.py [--count 500] [--work benchmarks/out] [--repeat 3]
                                     [--compare DIR]

Generates the articles once (about 3 KB, 20 entities and 5 relations each), imports them
into a source project as "ana" (timed: the import figure), adds "budi"'s and "cici"'s work
on the same articles (an export of each imported back), then times three merges of that
source project, each in a fresh interpreter with the tokenizer loaded before the clock
starts (as it is for the import):

- merge_new: into an empty project, which must add and tokenize every article, as an
  import does;
- merge_team: into a project that has the articles with "dina"'s work, as a reviewer
  merges the annotators' copies;
- merge_again: the same merge once more, which adds nothing.

For each it also measures how long the target's write lock was held: a thread with its own
connection tries to take it every 20 ms. Issue 15 asks merge to take at most twice import's
time per article. merge_new writes three annotators' rows where the import writes one's, so
the table also gives the time per row written (entities and relations).

Each phase runs `--repeat` times (merge_team each time into the same copy of the review
project) and the fastest run counts: other work on the machine only ever adds time.
`--compare DIR` runs every phase also with the code in DIR (a checkout of another commit,
e.g. `git archive <commit> | tar -x -C DIR`), in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("import", "team", "merge_new", "merge_team", "merge_again")


class _LockProbe:
    """Measures how long another connection holds a project's write lock."""

    STEP = 0.02

    def __init__(self, path: Path) -> None:
        self.path, self.held, self._stop = path, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _LockProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        while not self._stop.wait(self.STEP):
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                self.held += self.STEP
        conn.close()


def _phase(name: str, data: Path, work: Path) -> dict:
    from annotation.io.importer import import_paths
    from annotation.nlp.tokens import tokenize
    from annotation.project.store import Store

    list(tokenize(["Pemanasan."]))  # load the tokenizer before any clock starts
    source, team = work / "source.sorot", work / "team.sorot"
    pristine = work / "team-pristine.sorot"
    if name == "import":
        _remove(source)
        start = time.perf_counter()
        with Store.create(source) as store:
            report = import_paths(store, [data], fmt="jsonl", annotator="ana")
        seconds = time.perf_counter() - start
        with Store.open(source, readonly=True) as store:
            rows = sum(
                store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("entities", "relations")
            )
        return {"articles": report.imported, "seconds": seconds, "rows": rows}
    if name == "team":
        # budi's and cici's work on the same articles, and a review project with dina's.
        start = time.perf_counter()
        with Store.open(source) as store:
            for who in ("budi", "cici"):
                import_paths(store, [data], fmt="jsonl", annotator=who)
        _remove(team)
        with Store.create(team) as store:
            import_paths(store, [data], fmt="jsonl", annotator="dina")
        _remove(pristine)
        shutil.copyfile(team, pristine)  # closed: its -wal is in it
        with Store.open(source, readonly=True) as store:
            counts = {
                t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "entities", "relations")
            }
        return {**counts, "seconds": time.perf_counter() - start}
    from annotation.team.merge import merge

    target = work / "merged.sorot" if name in ("merge_new", "merge_again") else team
    if name == "merge_new":
        _remove(target)
        Store.create(target).close()
    if name == "merge_team":  # each run into the review project as the team phase left it
        _remove(target)
        shutil.copyfile(pristine, target)
    with Store.open(target) as store, _LockProbe(target) as probe:
        start = time.perf_counter()
        report = merge(store, [source], annotator="bench")
        seconds = time.perf_counter() - start
    part = report.sources[0]
    with Store.open(source, readonly=True) as store:
        articles = store.count_articles()
    return {
        "articles": articles,
        "seconds": seconds,
        "lock_seconds": probe.held,
        "added_articles": part.articles,
        "added_entities": part.entities,
        "added_relations": part.relations,
        "rows": part.entities + part.relations,
    }


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-writer"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _run(tree: Path, name: str, data: Path, work: Path) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--data",
            str(data),
            "--work",
            str(work),
            "--tree",
            str(tree),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"phase {name} with {tree} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def _table(label: str, results: dict[str, dict]) -> None:
    per = {
        name: r["seconds"] / r["articles"] * 1000 for name, r in results.items() if name != "team"
    }
    print(f"\n{label}")
    print(
        f"{'phase':<14}{'articles':>9}{'seconds':>9}{'ms/article':>12}{'x import':>10}"
        f"{'rows':>8}{'us/row':>8}{'lock s':>8}"
    )
    for name, r in results.items():
        if name == "team":
            continue
        lock = f"{r['lock_seconds']:.2f}" if "lock_seconds" in r else ""
        rows = r.get("rows", 0)
        per_row = f"{r['seconds'] / rows * 1e6:.0f}" if rows else ""
        print(
            f"{name:<14}{r['articles']:>9}{r['seconds']:>9.2f}{per[name]:>12.2f}"
            f"{per[name] / per['import']:>10.2f}{rows:>8}{per_row:>8}{lock:>8}"
        )
    team = results["team"]
    print(
        f"source project: {team['articles']} articles, {team['entities']} entities, "
        f"{team['relations']} relations (ana, budi, cici)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each phase; the fastest counts"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also run every phase with the code in DIR, in the same run",
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        sys.path.insert(0, str(args.tree))
        print(json.dumps(_phase(args.phase, args.data, args.work)))
        return

    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import cached

    args.work.mkdir(parents=True, exist_ok=True)
    data = cached(args.work, args.count)
    trees = [("this code", ROOT)] + (
        [(f"code in {args.compare}", args.compare)] if args.compare else []
    )
    everything = {}
    for label, tree in trees:
        work = args.work / f"merge-{len(everything)}"
        work.mkdir(exist_ok=True)
        results = {}
        for name in PHASES:
            print(f"{label}: {name} ...", flush=True)
            repeat = 1 if name == "team" else max(1, args.repeat)
            results[name] = _best([_run(tree, name, data, work) for _ in range(repeat)])
        everything[label] = results
    for label, results in everything.items():
        _table(f"{args.count} articles, {label}", results)
    print(json.dumps(everything))


if __name__ == "__main__":
    main()
