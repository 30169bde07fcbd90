"""Suggestion benchmark: the rule layer against the tokenizer, the full set against the model.

    python benchmarks/bench_suggest.py [--count 10000] [--work benchmarks/out] [--rules-only]

On the same generated news articles of about 3 KB (see generate.py), in one run:
- spaCy's blank Indonesian tokenizer alone (`spacy.blank("id")`, as spaCy ships it), and the
  rule layer alone (Sorot's tokenizer, sentence splitting and rules), for the ratio rules /
  tokenizer (target at least 0.8); Sorot's tokenizer alone is timed too, after the rules,
  and so is the rules' own share on Docs already made;
- the shipped statistical model alone (`nlp.pipe` over the texts), and the full default set
  (rules, model, memory, combination and relations), for the ratio full / model (target at
  least 0.8); the model runs first and again last, as this machine's speed drifts;
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


def rate(texts: list[str], run) -> float:
    began = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - began)


def load_seconds() -> float:
    out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    seconds, _, problems = out.stdout.strip().partition(" ")
    if problems != "[]":
        print(f"  problems while loading: {problems}")
    return float(seconds)


def open_latency(data: Path, work: Path, articles: int = 30) -> list[float]:
    """Milliseconds to suggest for an article opened without suggestions, one at a time."""
    from annotation.importer import import_paths
    from annotation.nlp.engine import load_engine
    from annotation.store import Store
    from annotation.suggest import ensure_suggested, load_memory

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
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--rules-only", action="store_true",
                        help="only the tokenizers and the rule layer, not the model")
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
    rules = RuleSuggester(tok.vocab)

    def tokenize_blank(batch):
        for _ in blank.pipe(batch, batch_size=256):
            pass

    def tokenize_sorot(batch):
        for _ in tok.pipe(batch, batch_size=256):
            pass

    def rule_layer(batch):
        for i in range(0, len(batch), 256):
            docs = list(tok.pipe(batch[i:i + 256], batch_size=256))
            for doc in docs:
                split_sentences(doc)
            rules.suggest(docs)

    spent = [0.0]  # seconds in sentences and rules alone

    def rules_on_docs(batch):
        for i in range(0, len(batch), 256):
            docs = list(tok.pipe(batch[i:i + 256], batch_size=256))
            began = time.perf_counter()
            for doc in docs:
                split_sentences(doc)
            rules.suggest(docs)
            spent[0] += time.perf_counter() - began

    steps = [("tokenizer", tokenize_blank), ("rules", rule_layer),
             ("sorot_tokenizer", tokenize_sorot)]
    if not args.rules_only:
        model = spacy.load(DEFAULT_MODEL)
        engine = load_engine(default_schema())

        def model_alone(batch):
            for _ in model.pipe(batch, batch_size=64):
                pass

        def full(batch):
            for i in range(0, len(batch), 64):
                engine.suggest_texts(batch[i:i + 64])

        steps += [("model", model_alone), ("full", full)]
    steps += [("tokenizer_again", tokenize_blank), ("rules_again", rule_layer),
              ("sorot_tokenizer_again", tokenize_sorot)]
    if not args.rules_only:
        steps.append(("model_again", model_alone))
    figures = {}
    for name, run in steps:
        figures[name] = rate(texts, run)
        print(f"  {name:<22}{figures[name]:>10.1f} articles/s", flush=True)
    rules_on_docs(texts)
    tok_rate = (figures["tokenizer"] + figures["tokenizer_again"]) / 2
    rules_rate = (figures["rules"] + figures["rules_again"]) / 2
    sorot_rate = (figures["sorot_tokenizer"] + figures["sorot_tokenizer_again"]) / 2
    print(f"rules / tokenizer: {rules_rate / tok_rate:.2f}x (target 0.8)")
    print(f"Sorot's tokenizer / spaCy's: {sorot_rate / tok_rate:.2f}x; per article: spaCy's "
          f"tokenizer {1e3 / tok_rate:.2f} ms, Sorot's {1e3 / sorot_rate:.2f} ms, sentences "
          f"and rules on Docs made {spent[0] * 1e3 / len(texts):.2f} ms")
    if args.rules_only:
        return
    model_rate = (figures["model"] + figures["model_again"]) / 2
    print(f"full / model:      {figures['full'] / model_rate:.2f}x (target 0.8)")
    print("full set, seconds per part:",
          {k: round(v, 1) for k, v in sorted(engine.timings.items())})
    loads = [load_seconds() for _ in range(3)]
    print(f"load default suggesters, cold: {min(loads):.2f} s best, {max(loads):.2f} s worst "
          "(target 3 s)")
    waits = open_latency(data, args.work)
    print(f"article opened without suggestions: median {statistics.median(waits):.0f} ms, "
          f"worst {max(waits):.0f} ms (target 200 ms)")


if __name__ == "__main__":
    main()
