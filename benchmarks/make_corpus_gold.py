"""Build the gold JSONL for the five real articles in ../shared/corpus.

The gold annotations (benchmarks/gold/corpus_gold.jsonl) hold only offsets, labels, the
entities' surface strings and a sha256 of each article, never the article text, which
belongs to its publisher. This script joins them with the corpus files, checks everything
(the file hashes, every span's text, the spans and relations against the schema) and writes
one Prodigy-style record per article, the JSONL that `sorot import` reads:

    .venv/bin/python benchmarks/make_corpus_gold.py [CORPUS] [--out FILE] [--check]

Each record has `text`, `tokens`, `spans`, `relations` and `meta.source`. Relations follow
../shared/FORMATS.md: `head` and `child` are the index of the last token of each span, and
`head_span` and `child_span` repeat the spans, which is what `sorot import` matches on.
The tokens come from a simple word/punctuation split (split again at every span boundary),
not from Sorot's tokenizer; they only make `head` and `child` resolvable on their own.

Standard library only. Exit code 0 on success, 1 with a message naming the file when the
corpus is missing, a file differs from the one annotated, or the gold breaks a rule.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOLD = HERE / "gold" / "corpus_gold.jsonl"
OUT = HERE / "out" / "corpus_gold.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus"
SCHEMA = ROOT / "resources" / "schema" / "default.json"
_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")


class GoldError(Exception):
    """A problem that stops the build; the message names the file."""


def read_text(path: Path) -> str:
    """The article exactly as annotated: UTF-8, newlines untouched (CRLF kept)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def load_gold(path: Path) -> list[dict]:
    if not path.is_file():
        raise GoldError(f"{path}: gold file not found")
    records = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise GoldError(f"{path}:{number}: invalid JSON ({e})") from None
    return records


def load_schema(path: Path) -> tuple[set[str], dict[str, dict]]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return {e["name"] for e in schema["entities"]}, {r["name"]: r for r in schema["relations"]}


def check_record(record: dict, text: str, schema: tuple[set[str], dict[str, dict]]) -> list[str]:
    """Every rule the gold must keep; returns the problems (empty when all is well)."""
    entity_labels, relation_types = schema
    problems: list[str] = []
    spans, relations = record["spans"], record["relations"]
    for i, s in enumerate(spans):
        start, end, label = s["start"], s["end"], s["label"]
        name = f"span #{i} [{start}:{end} {label}]"
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            problems.append(f"{name}: offsets out of range (text length {len(text)})")
            continue
        if text[start:end] != s["text"]:
            problems.append(f"{name}: text is {text[start:end]!r}, gold says {s['text']!r}")
        if text[start:end] != text[start:end].strip():
            problems.append(f"{name}: starts or ends with whitespace")
        if label not in entity_labels:
            problems.append(f"{name}: label {label!r} is not in the schema")
    ordered = sorted(range(len(spans)), key=lambda i: (spans[i]["start"], spans[i]["end"]))
    for a, b in zip(ordered, ordered[1:]):
        if spans[b]["start"] < spans[a]["end"]:
            problems.append(f"spans #{a} and #{b} overlap (the schema has allow_overlap false)")
    seen: dict[tuple, int] = {}
    for i, r in enumerate(relations):
        head, child, label = r["head"], r["child"], r["label"]
        name = f"relation #{i} {label} {head}->{child}"
        rtype = relation_types.get(label)
        if rtype is None:
            problems.append(f"{name}: label is not in the schema")
            continue
        if not all(type(x) is int and 0 <= x < len(spans) for x in (head, child)):
            problems.append(f"{name}: head or child is not a span index")
            continue
        if head == child:
            problems.append(f"{name}: head and child are the same span")
        h, c = spans[head]["label"], spans[child]["label"]
        if h not in rtype["head"] or c not in rtype["child"]:
            problems.append(
                f"{name}: {h} -> {c} not allowed; {label} goes from "
                f"{'/'.join(rtype['head'])} to {'/'.join(rtype['child'])}"
            )
        ends = tuple(sorted((head, child))) if rtype["symmetric"] else (head, child)
        key = (label, *ends)
        if key in seen:
            problems.append(f"{name}: repeats relation #{seen[key]}")
        seen.setdefault(key, i)
    return problems


def tokens_for(text: str, boundaries: set[int]) -> list[dict]:
    """Prodigy tokens: words and punctuation, split again at span boundaries; whitespace
    other than one space after a token is a token of its own, as in spaCy."""
    pieces: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        cuts = [m.start(), *sorted(b for b in boundaries if m.start() < b < m.end()), m.end()]
        pieces += zip(cuts, cuts[1:])
    tokens: list[dict] = []
    i = 0
    while i < len(pieces):
        start, end = pieces[i]
        if (
            text[start:end].isspace()
            and tokens
            and tokens[-1]["end"] == start
            and text[start] == " "
            and not tokens[-1]["ws"]
        ):
            tokens[-1]["ws"] = True  # one space after a token belongs to it
            start += 1
            if start == end:
                i += 1
                continue
        tokens.append(
            {"text": text[start:end], "start": start, "end": end, "id": len(tokens), "ws": False}
        )
        i += 1
    return tokens


def build_record(gold: dict, text: str) -> dict:
    spans = gold["spans"]
    tokens = tokens_for(text, {b for s in spans for b in (s["start"], s["end"])})
    first = {t["start"]: t["id"] for t in tokens}
    last = {t["end"]: t["id"] for t in tokens}

    def ref(s: dict) -> dict:
        return {
            "start": s["start"],
            "end": s["end"],
            "token_start": first[s["start"]],
            "token_end": last[s["end"]],
            "label": s["label"],
        }

    return {
        "text": text,
        "tokens": tokens,
        "spans": [{**ref(s), "text": s["text"]} for s in spans],
        "relations": [
            {
                "head": last[spans[r["head"]]["end"]],
                "child": last[spans[r["child"]]["end"]],
                "head_span": ref(spans[r["head"]]),
                "child_span": ref(spans[r["child"]]),
                "label": r["label"],
            }
            for r in gold["relations"]
        ],
        "meta": {"source": f"shared/corpus/{gold['file']}"},
    }


def build(corpus: Path, gold_path: Path, schema_path: Path) -> list[dict]:
    if not corpus.is_dir():
        raise GoldError(
            f"{corpus}: corpus folder not found (the five articles of "
            "../shared/corpus); pass its path as the first argument"
        )
    schema = load_schema(schema_path)
    records = []
    for number, gold in enumerate(load_gold(gold_path), 1):
        if not (
            isinstance(gold, dict)
            and isinstance(gold.get("file"), str)
            and isinstance(gold.get("spans"), list)
            and isinstance(gold.get("relations"), list)
            and all(
                isinstance(s, dict) and {"start", "end", "label", "text"} <= s.keys()
                for s in gold["spans"]
            )
            and all(
                isinstance(r, dict) and {"head", "child", "label"} <= r.keys()
                for r in gold["relations"]
            )
        ):
            raise GoldError(
                f"{gold_path}: record {number} is not a gold record "
                "(file, sha256, spans, relations)"
            )
        path = corpus / gold["file"]
        if not path.is_file():
            raise GoldError(f"{path}: corpus file not found")
        text = read_text(path)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != gold["sha256"]:
            raise GoldError(
                f"{path}: sha256 is {digest}, the gold was made for "
                f"{gold['sha256']}; the file changed, so its offsets cannot be trusted"
            )
        problems = check_record(gold, text, schema)
        if problems:
            raise GoldError(
                f"{path}: the gold breaks {len(problems)} rule(s):\n  " + "\n  ".join(problems)
            )
        records.append(build_record(gold, text))
    return records


def write_jsonl(records: list[dict], out: Path) -> None:
    """Write to a temporary file and replace the target, so a failure keeps the old file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        default=CORPUS,
        help="folder of the corpus .txt files (default: ../shared/corpus)",
    )
    parser.add_argument(
        "--gold", type=Path, default=GOLD, help="gold offsets (default: %(default)s)"
    )
    parser.add_argument("--schema", type=Path, default=SCHEMA, help="schema (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="output JSONL (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    args = parser.parse_args(argv)
    try:
        records = build(args.corpus, args.gold, args.schema)
    except GoldError as e:
        print(f"make_corpus_gold: {e}", file=sys.stderr)
        return 1
    spans = sum(len(r["spans"]) for r in records)
    relations = sum(len(r["relations"]) for r in records)
    summary = f"{len(records)} articles, {spans} spans, {relations} relations"
    if args.check:
        print(f"ok: {summary}")
        return 0
    write_jsonl(records, args.out)
    print(f"wrote {args.out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
