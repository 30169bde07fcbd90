"""Foundation benchmark: spaCy's tokenizer alone vs. import, open + stats, and JSONL export.

    python benchmarks/bench_foundation.py [--count 100000] [--work benchmarks/out]

Generates the articles once (about 3 KB, 20 entities and 5 relations each), then measures
each phase in a fresh subprocess (spaCy's Indonesian tokenizer alone, as spaCy ships it,
first and again last; Sorot's own tokenizer once), so that every
phase's peak memory is its own and "open" means opening from cold Python. All phases run
in the same invocation, so the ratios compare like with like on the same machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _phase_tokenize(data: Path, project: Path, out: Path) -> dict:
    import spacy

    return _tokenize_all(spacy.blank("id").tokenizer, data)


def _phase_sorot_tokenize(data: Path, project: Path, out: Path) -> dict:
    from annotation.nlp.tokens import tokenizer

    return _tokenize_all(tokenizer(), data)


def _tokenize_all(tok, data: Path) -> dict:
    with open(data, encoding="utf-8") as f:
        texts = (json.loads(line)["text"] for line in f)
        start = time.perf_counter()
        n = sum(1 for _ in tok.pipe(texts, batch_size=256))
    return {"articles": n, "seconds": time.perf_counter() - start}


def _phase_import(data: Path, project: Path, out: Path) -> dict:
    from annotation.io.importer import import_paths
    from annotation.project.store import Store

    project.unlink(missing_ok=True)
    start = time.perf_counter()
    with Store.create(project) as store:
        report = import_paths(store, [data], fmt="jsonl", annotator="bench")
    seconds = time.perf_counter() - start
    return {
        "articles": report.imported,
        "rejected": report.rejected,
        "seconds": seconds,
        "file_mb": project.stat().st_size / 1e6,
    }


def _phase_open_stats(data: Path, project: Path, out: Path) -> dict:
    from annotation.project.stats import project_stats
    from annotation.project.store import Store

    start = time.perf_counter()
    with Store.open(project) as store:
        stats = project_stats(store)
    return {
        "articles": stats["articles"]["total"],
        "seconds": time.perf_counter() - start,
        "entities": stats["entities"]["total"],
        "relations": stats["relations"]["total"],
    }


def _phase_export(data: Path, project: Path, out: Path) -> dict:
    from annotation.io.export import export
    from annotation.project.store import Store

    start = time.perf_counter()
    with Store.open(project, readonly=True) as store:
        report = export(store, out, fmt="jsonl")
    return {
        "articles": report.records,
        "seconds": time.perf_counter() - start,
        "file_mb": out.stat().st_size / 1e6,
    }


PHASES = {
    "tokenize": _phase_tokenize,
    "sorot_tokenize": _phase_sorot_tokenize,
    "import": _phase_import,
    "open_stats": _phase_open_stats,
    "export": _phase_export,
}


def run_phase(name: str, data: Path, project: Path, out: Path) -> dict:
    """Run one phase in a fresh interpreter and return its figures plus peak memory."""
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--data",
            str(data),
            "--project",
            str(project),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="template sentences only, even when ../shared/data is there",
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        figures = PHASES[args.phase](args.data, args.project, args.out)
        # Import and export start helper processes: count the largest of them too.
        peaks = [
            resource.getrusage(who).ru_maxrss / 1024
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        figures["peak_rss_mb"] = peaks[0]
        figures["peak_child_rss_mb"] = peaks[1]
        print(json.dumps(figures))
        return

    from benchmarks.generate import real_sentences, write

    args.work.mkdir(parents=True, exist_ok=True)
    real = [] if args.synthetic else real_sentences()
    kind = "news" if real else "synthetic"
    if not real and not args.synthetic:
        print("no ../shared/data: the articles are made of template sentences only", flush=True)
    data = args.work / f"articles-{kind}-{args.count}.jsonl"
    if not data.exists():
        print(f"generating {args.count} articles into {data} ...", flush=True)
        write(data, args.count, real=real)
    project, out = args.work / "bench.sorot", args.work / "export.jsonl"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)

    results = {}
    # The tokenizer runs first and last: this machine's speed drifts over minutes, and the
    # ratios use the mean of the two rates, with both shown.
    for name in [*PHASES, "tokenize"]:
        key = name if name not in results else "tokenize_again"
        print(f"{key} ...", flush=True)
        results[key] = run_phase(name, data, project, out)
    tok_rate = (
        sum(results[k]["articles"] / results[k]["seconds"] for k in ("tokenize", "tokenize_again"))
        / 2
    )
    print(f"\n{args.count} articles, input {data.stat().st_size / 1e6:.0f} MB")
    print(
        f"{'phase':<16}{'articles/s':>12}{'seconds':>10}{'peak MB':>10}{'helper MB':>11}"
        f"{'x tokenizer':>13}"
    )
    for name, r in results.items():
        rate = r["articles"] / r["seconds"] if r["seconds"] else float("inf")
        ratio = (
            ""
            if name in ("tokenize", "tokenize_again", "open_stats")
            else f"{rate / tok_rate:.2f}x"
        )
        print(
            f"{name:<16}{rate:>12.0f}{r['seconds']:>10.2f}{r['peak_rss_mb']:>10.0f}"
            f"{r['peak_child_rss_mb']:>11.0f}{ratio:>13}"
        )
    print(
        f"project file {results['import']['file_mb']:.0f} MB; "
        f"JSONL export {results['export']['file_mb']:.0f} MB; "
        f"open + stats {results['open_stats']['seconds']:.3f} s "
        f"({results['open_stats']['entities']} entities, "
        f"{results['open_stats']['relations']} relations)"
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
