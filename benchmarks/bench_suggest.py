"""Suggestion benchmark: the rule layer against the tokenizer, the full set against the model.

    python benchmarks/bench_suggest.py [--count 10000] [--work benchmarks/out] [--rules-only]

On the same generated news articles of about 3 KB (see generate.py), in one run:
- spaCy's blank Indonesian tokenizer alone (`spacy.blank("id")`, as spaCy ships it), and the
  rule layer alone (Sorot's tokenizer, sentence splitting and rules), for the ratio rules /
  tokenizer (target at least 0.8); Sorot's tokenizer alone (another instance) is timed too,
  and so is the rules' own share of the rule layer; two passes, the caches cold and warm;
- the shipped statistical model alone (`nlp.pipe` over the texts), and the full default set
  (rules, model, memory, combination and relations), for the ratio full / model (target at
  least 0.8);
- in each pair, the two sides take turns on every chunk of 256 (64) articles, so that this
  machine's drift over minutes weighs on both alike;
- loading the default suggesters from a cold interpreter (target under 3 s);
- how long an article opened without suggestions waits for them (target under 200 ms).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOAD = """
import time
began = time.perf_counter()
from annotation.nlp.engine import load_engine
from annotation.schema import default_schema
engine = load_engine(default_schema())
print(time.perf_counter() - began, engine.problems)
"""


def texts_of(data: Path, count: int) -> list[str]:
    with open(data, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line, _ in zip(f, range(count))]


def interleaved(texts: list[str], runs: dict, chunk: int) -> dict[str, float]:
    """Articles per second of each run, the runs taking turns on each chunk of the texts, so
    that this machine's drift over minutes (and other processes) weighs on all alike."""
    spent = dict.fromkeys(runs, 0.0)
    for i in range(0, len(texts), chunk):
        part = texts[i : i + chunk]
        for name, run in runs.items():
            began = time.perf_counter()
            run(part)
            spent[name] += time.perf_counter() - began
    return {name: len(texts) / seconds for name, seconds in spent.items()}


def load_seconds() -> float:
    out = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, check=True, cwd=ROOT
    )
    seconds, _, problems = out.stdout.strip().partition(" ")
    if problems != "[]":
        print(f"  problems while loading: {problems}")
    return float(seconds)


def open_latency(data: Path, work: Path, articles: int = 30) -> list[float]:
    """Milliseconds to suggest for an article opened without suggestions, one at a time."""
    from annotation.io.importer import import_paths
    from annotation.nlp.engine import load_engine
    from annotation.project.store import Store
    from annotation.suggest.service import ensure_suggested, load_memory

    project = work / "latency.sorot"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)
    sample = work / "latency.jsonl"
    with open(data, encoding="utf-8") as f, open(sample, "w", encoding="utf-8") as out:
        for line, _ in zip(f, range(articles)):
            record = json.loads(line)
            out.write(json.dumps({"text": record["text"]}, ensure_ascii=False) + "\n")
    with Store.create(project) as store:
        import_paths(store, [sample], fmt="jsonl", annotator="bench")
        engine = load_engine(store.schema)
        load_memory(store, engine)
        waits = []
        for article_id in store.article_ids():
            began = time.perf_counter()
            ensure_suggested(store, engine, article_id)
            waits.append((time.perf_counter() - began) * 1000)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="only the tokenizers and the rule layer, not the model",
    )
    args = parser.parse_args()

    import spacy

    from annotation.nlp.engine import load_engine
    from annotation.nlp.pipeline import DEFAULT_MODEL
    from annotation.nlp.rules import RuleSuggester, split_sentences
    from annotation.nlp.tokens import tokenizer
    from annotation.schema import default_schema
    from benchmarks.generate import real_sentences, write

    args.work.mkdir(parents=True, exist_ok=True)
    real = real_sentences()
    data = args.work / f"articles-{'news' if real else 'synthetic'}-{args.count}.jsonl"
    if not data.exists():
        write(data, args.count, real=real)
    texts = texts_of(data, args.count)
    print(f"{len(texts)} articles, mean {statistics.mean(map(len, texts)):.0f} characters")

    blank = spacy.blank("id").tokenizer
    tok = tokenizer()
    alone = tokenizer.__wrapped__()  # its own cache: the rule layer's does not warm it
    rules = RuleSuggester(tok.vocab)
    spent = [0.0]  # seconds in sentences and rules alone

    def rule_layer(batch):
        docs = list(tok.pipe(batch))
        began = time.perf_counter()
        for doc in docs:
            split_sentences(doc)
        rules.suggest(docs)
        spent[0] += time.perf_counter() - began

    def tokenize(tokenizer_):
        def run(batch):
            for _ in tokenizer_.pipe(batch):
                pass

        return run

    sides = {
        "spaCy tokenizer": tokenize(blank),
        "rule layer": rule_layer,
        "Sorot tokenizer": tokenize(alone),
    }
    for cache in ("cold", "warm"):
        spent[0] = 0.0
        rates = interleaved(texts, sides, 256)
        print(
            f"  {cache} caches: "
            + ", ".join(f"{k} {v:,.0f}" for k, v in rates.items())
            + " articles/s"
        )
        print(
            f"    rules / tokenizer: {rates['rule layer'] / rates['spaCy tokenizer']:.2f}x "
            f"(target 0.8); per article: spaCy's tokenizer "
            f"{1e3 / rates['spaCy tokenizer']:.2f} ms, Sorot's "
            f"{1e3 / rates['Sorot tokenizer']:.2f} ms, sentences and rules "
            f"{spent[0] * 1e3 / len(texts):.2f} ms",
            flush=True,
        )
    if args.rules_only:
        return

    model = spacy.load(DEFAULT_MODEL)
    engine = load_engine(default_schema())

    def model_alone(batch):
        for _ in model.pipe(batch, batch_size=64):
            pass

    def full(batch):
        engine.suggest_texts(batch)

    rates = interleaved(texts, {"model": model_alone, "full": full}, 64)
    print(
        f"  model alone {rates['model']:.1f}, full default set {rates['full']:.1f} "
        f"articles/s: full / model {rates['full'] / rates['model']:.2f}x (target 0.8)"
    )
    print(
        "  full set, seconds per part:", {k: round(v, 1) for k, v in sorted(engine.timings.items())}
    )
    loads = [load_seconds() for _ in range(3)]
    print(
        f"load default suggesters, cold: {min(loads):.2f} s best, {max(loads):.2f} s worst "
        "(target 3 s)"
    )
    waits = open_latency(data, args.work)
    print(
        f"article opened without suggestions: median {statistics.median(waits):.0f} ms, "
        f"worst {max(waits):.0f} ms (target 200 ms)"
    )


if __name__ == "__main__":
    main()
