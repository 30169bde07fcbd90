"""Memory benchmark: the peak memory of importing, and suggesting for, one long article.

    python benchmarks/bench_memory.py [--sizes 100k 400k 2m limit 48m] [--code DIR ...]
                                      [--work benchmarks/out] [--cap-gb 12] [--json]

For each size, a one-line .txt article of that many bytes ("limit": as many characters as
`annotation.limits.MAX_ARTICLE_CHARS` allows) is made from generated news sentences (see
generate.py), then, each in a process of its own, as a researcher runs them:

- `sorot import P.sorot ARTICLE.txt --no-suggest`, and
- `sorot suggest P.sorot` (the default suggesters: rules, the shipped model, the memory and
  relations), on the project that import made.

The figure is the peak resident set size of that process (`os.wait4`'s `ru_maxrss`, Linux or
macOS). `--code` runs another copy of Sorot (a checkout, e.g. `git worktree add /tmp/before
REV`), so that before and after are measured in one session; give it several times for
several columns. A process that passes `--cap-gb` of address space fails, and is shown as
over the cap, rather than take the machine's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SIZES = {"100k": 100_000, "400k": 400_000, "2m": 2_000_000, "48m": 48_000_000}


def article_text(size: int, chars: bool = False) -> str:
    """One line of news-like sentences, `size` bytes long (or characters, with `chars`)."""
    from generate import article, real_sentences

    rng, real = random.Random(7), real_sentences()
    parts, total, n = [], 0, 0
    while total < size:
        text = " ".join(article(rng, n, real=real)["text"].split()) + " "
        parts.append(text)
        total += len(text) if chars else len(text.encode("utf-8"))
        n += 1
    text = "".join(parts)
    if chars:
        return text[: size - 1] + "."
    data = text.encode("utf-8")[:size]
    return data.decode("utf-8", "ignore").rstrip() + "."


def write_article(work: Path, name: str) -> Path:
    """The article file for a size name, made once under `work`."""
    from annotation.limits import MAX_ARTICLE_CHARS

    path = work / f"memory-{name}.txt"
    if path.exists():
        return path
    if name == "limit":
        text = article_text(MAX_ARTICLE_CHARS, chars=True)
    elif SIZES[name] > 8_000_000:
        block = article_text(2_000_000)
        text = (block + " ") * (SIZES[name] // (len(block) + 1) + 1)
        text = text[: SIZES[name]].rstrip() + "."
    else:
        text = article_text(SIZES[name])
    path.write_text(text, encoding="utf-8")
    return path


_RUN_ONE = """
import json, os, resource, subprocess, sys, time
argv, cap = json.loads(sys.argv[1]), int(sys.argv[2])
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
began = time.perf_counter()
proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        preexec_fn=limit)
out, err = proc.communicate()
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
print(json.dumps({"code": proc.returncode, "peak_mb": round(peak * scale / 1e6),
                  "seconds": round(time.perf_counter() - began, 1),
                  "stdout": out.decode(errors="replace")[-300:],
                  "stderr": err.decode(errors="replace")[-300:]}))
"""


def run_one(argv: list[str], env: dict[str, str], cap: int) -> dict:
    """Run `argv` under a fresh parent that reports the child's peak RSS (RUSAGE_CHILDREN
    holds the largest child so far, so one child per parent)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_ONE, json.dumps(argv), str(cap)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout)


def bench(code: Path, article: Path, work: Path, cap: int) -> dict:
    """Import then suggest the article with the copy of Sorot at `code`."""
    home = Path(tempfile.mkdtemp(dir=work, prefix="home-"))
    env = {
        **os.environ,
        "SOROT_CONFIG_DIR": str(home / "config"),
        "SOROT_DATA_DIR": str(home / "data"),
        "PYTHONPATH": str(code),
    }
    project = home / "p.sorot"
    sorot = [sys.executable, str(code / "main.py"), "--annotator", "bench"]
    try:
        imported = run_one([*sorot, "import", str(project), str(article), "--no-suggest"], env, cap)
        suggested = None
        if imported["code"] == 0:
            suggested = run_one([*sorot, "suggest", str(project)], env, cap)
        return {"import": imported, "suggest": suggested}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def cell(result: dict | None, cap_gb: float) -> str:
    if result is None:
        return "–"
    if result["code"] != 0:
        if "MemoryError" in result["stderr"] or result["code"] < 0:
            return f"> {cap_gb:g} GB (failed)"
        return f"refused ({result['peak_mb']} MB, {result['seconds']} s)"
    return f"{result['peak_mb']:,} MB ({result['seconds']} s)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["100k", "400k", "2m", "limit", "48m"],
        choices=[*SIZES, "limit"],
    )
    parser.add_argument(
        "--code",
        type=Path,
        action="append",
        help="a copy of Sorot to run (default: this one); repeat to compare",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--cap-gb", type=float, default=12.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    codes = [c.resolve() for c in (args.code or [ROOT])]
    args.work.mkdir(parents=True, exist_ok=True)
    cap = int(args.cap_gb * 1e9)
    results: dict = {}
    for name in args.sizes:
        article = write_article(args.work, name)
        chars = len(article.read_text(encoding="utf-8"))
        for code in codes:
            print(f"{name} ({chars:,} characters) with {code} ...", file=sys.stderr, flush=True)
            results[(name, str(code))] = bench(code, article, args.work, cap) | {"chars": chars}
    if args.json:
        print(json.dumps({f"{n}|{c}": r for (n, c), r in results.items()}, indent=1))
        return
    header = (
        "| article | " + " | ".join(f"import: {c.name} | suggest: {c.name}" for c in codes) + " |"
    )
    print(header)
    print("|---" * (1 + 2 * len(codes)) + "|")
    for name in args.sizes:
        row = []
        for code in codes:
            r = results[(name, str(code))]
            row += [cell(r["import"], args.cap_gb), cell(r["suggest"], args.cap_gb)]
        chars = results[(name, str(codes[0]))]["chars"]
        print(f"| {name} ({chars:,} chars) | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
