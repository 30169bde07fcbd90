"""Train the small Indonesian NER model that Sorot ships (`resources/models/ner_id`).

Run from the repository root (see resources/models/ner_id/TRAINING.md):

    .venv/bin/python -m annotation.nlp.train_base \
        --data ../shared/data --out resources/models/ner_id

Only `*/train.jsonl` is learned from. A fixed, seeded slice of it is held out to pick the best
epoch and to measure each label's precision, which the suggester uses as its score; the
`*/dev.jsonl` files are scored once, after training, for the report and nothing else. Every
source of randomness is seeded, so the same command on the same data gives the same model.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import spacy
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch
from thinc.api import Adam, fix_random_seed

from annotation.nlp.tokens import tokenizer

if TYPE_CHECKING:
    from spacy.language import Language

LABELS = ("PER", "ORG", "LOC")
Record = tuple[str, list[tuple[int, int, str]]]
Sentence = tuple[list[str], list[bool], list[tuple[int, int, str]]]  # words, spaces, token ents


@dataclass
class Settings:
    """Everything that shapes the model; written into its meta.json so a run can be repeated."""

    seed: int = 0
    max_epochs: int = 30
    patience: int = 8  # epochs without a better held-out F1 before stopping
    heldout_fraction: float = 0.1
    width: int = 96
    depth: int = 4
    window: int = 1
    attrs: tuple[str, ...] = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
    rows: tuple[int, ...] = (5000, 1000, 2000, 1000)  # few prefixes and shapes exist
    char_embed: int = 0  # if > 0: CharacterEmbed with this many characters per word, rows[0]
    hidden_width: int = 64
    use_upper: bool = True
    dropout: float = 0.2
    learn_rate: float = 0.001
    # Docs per update: grows from batch_start by 0.1% a batch and restarts every epoch, so with
    # ~200 batches an epoch it stays at 4-5 Docs (12-15 sentences); small batches suit the
    # little data there is.
    batch_start: int = 4
    batch_stop: int = 32
    group: int = 3  # sentences joined into one training Doc, regrouped every epoch
    oversample: dict[str, int] = field(default_factory=dict)  # dataset name -> copies
    refit: bool = True  # retrain on all of train for the chosen number of epochs
    # Train on "Name (ABBR)" as two spans and without enclosing brackets or edge punctuation,
    # as indolem-nerui annotates it (idner-news-2k often keeps them); see normalize_spans.
    normalize: bool = True


# -- data ---------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[Record]:
    """Read `{"text", "spans"}` records as (text, [(start, end, label)])."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                spans = [(s["start"], s["end"], s["label"]) for s in row["spans"]]
                records.append((row["text"], spans))
    return records


_EDGE = "()[],;:?!\"'"
_KEEP_PARENS = {"persero", "perseto", "tbk"}  # "PT PLN (Persero)" stays one company


def normalize_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Split "Long Name (ABBR)" into "Long Name" and "ABBR", and strip edge punctuation.

    "(SBY)" becomes "SBY", "PAN)," becomes "PAN"; a parenthesis inside the name
    ("PT PLN (Persero)") is kept. Only applied to what the model learns from.
    """
    out = []
    for start, end, label in spans:
        piece = text[start:end]
        inner = piece.rstrip(_EDGE + " ")
        opened = piece.rfind("(")
        if (
            opened > 0
            and piece.rstrip(",;:?! ").endswith(")")
            and text[start + opened + 1 : start + len(inner)].strip().lower() not in _KEEP_PARENS
        ):
            parts = [(start, start + opened), (start + opened, end)]
        else:
            parts = [(start, end)]
        for a, b in parts:
            edges = None
            while (a, b) != edges:
                edges = (a, b)
                if a < b - 1 and text[a] == "(" and text[b - 1] == ")":  # "(SBY)" -> "SBY"
                    a, b = a + 1, b - 1
                while a < b and _strippable(text, a, b, a):
                    a += 1
                while b > a and _strippable(text, a, b, b - 1):
                    b -= 1
            if a < b:
                out.append((a, b, label))
    return out


def _strippable(text: str, a: int, b: int, i: int) -> bool:
    """Whether text[i], at an edge of text[a:b], is space or punctuation to drop.

    A bracket that closes or opens one inside the span ("PT PLN (Persero)") is kept.
    """
    char = text[i]
    if char == ")" and text.count("(", a, b) >= text.count(")", a, b):
        return False
    if char == "(" and text.count(")", a, b) >= text.count("(", a, b):
        return False
    return char in _EDGE or char.isspace()


def to_sentence(text: str, spans: list[tuple[int, int, str]], misaligned: Counter[str]) -> Sentence:
    """Tokenize with the project's tokenizer, as at run time, and map spans onto tokens.

    A span that does not fall on token edges is widened to them ("expand"); both that and a
    span that cannot be placed at all (overlapping another) are counted in `misaligned`.
    """
    doc = tokenizer()(text)
    ents: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or (ents and span.start < ents[-1][1]):
            misaligned["dropped"] += 1
            continue
        if (span.start_char, span.end_char) != (start, end):
            misaligned["expanded"] += 1
        ents.append((span.start, span.end, label))
    return [t.text for t in doc], [bool(t.whitespace_) for t in doc], ents


def make_example(nlp: Language, sentences: Sequence[Sentence]) -> Example:
    """One training Example from one or more sentences laid end to end."""
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    for sent_words, sent_spaces, ents in sentences:
        if spaces:
            spaces[-1] = True
        sent_tags = ["O"] * len(sent_words)
        for start, end, label in ents:
            sent_tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        words += sent_words
        spaces += sent_spaces
        tags += sent_tags
    reference = Doc(nlp.vocab, words=words, spaces=spaces, ents=tags)
    return Example(Doc(nlp.vocab, words=words, spaces=spaces), reference)


def split_heldout(
    records: list[Record], fraction: float, seed: int
) -> tuple[list[Record], list[Record]]:
    """A fixed, seeded slice of one dataset's train records for model selection."""
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    cut = int(len(records) * fraction)
    held = set(order[:cut])
    return (
        [r for i, r in enumerate(records) if i not in held],
        [r for i, r in enumerate(records) if i in held],
    )


def epoch_examples(
    nlp: Language, sentences: list[Sentence], settings: Settings, rng: random.Random
) -> list[Example]:
    """Shuffle the sentences and group them into Docs of `settings.group` sentences."""
    order = sentences[:]
    rng.shuffle(order)
    size = max(1, settings.group)
    return [make_example(nlp, order[i : i + size]) for i in range(0, len(order), size)]


# -- model --------------------------------------------------------------------------------


def build_nlp(settings: Settings) -> Language:
    """A blank Indonesian pipeline with one small CNN `ner`, no vectors and no custom code."""
    nlp = spacy.blank("id")
    embed = {
        "@architectures": "spacy.MultiHashEmbed.v2",
        "width": settings.width,
        "attrs": list(settings.attrs),
        "rows": list(settings.rows),
        "include_static_vectors": False,
    }
    if settings.char_embed:
        embed = {
            "@architectures": "spacy.CharacterEmbed.v2",
            "width": settings.width,
            "rows": settings.rows[0],
            "nM": 32,
            "nC": settings.char_embed,
            "include_static_vectors": False,
        }
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": embed,
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": settings.width,
            "depth": settings.depth,
            "window_size": settings.window,
            "maxout_pieces": 3,
        },
    }
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": settings.hidden_width,
        "maxout_pieces": 2,
        "use_upper": settings.use_upper,
        "tok2vec": tok2vec,
    }
    nlp.add_pipe("ner", config={"model": model})
    return nlp


# -- scoring ------------------------------------------------------------------------------


def predict(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Run the pipeline on texts tokenized by the project's tokenizer."""
    docs = (
        Doc(nlp.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d])
        for d in tokenizer().pipe(texts)
    )
    yield from nlp.pipe(docs, batch_size=batch_size)


def score(nlp: Language, records: Sequence[Record]) -> dict[str, dict[str, float]]:
    """Exact-match entity precision, recall and F1 (start, end and label), overall and by label."""
    counts: dict[str, Counter[str]] = {label: Counter() for label in ("ALL", *LABELS)}
    for doc, (_, spans) in zip(predict(nlp, (t for t, _ in records)), records):
        gold = {tuple(s) for s in spans}
        pred = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        for label in LABELS:
            g = {s for s in gold if s[2] == label}
            p = {s for s in pred if s[2] == label}
            counts[label].update(tp=len(g & p), fp=len(p - g), fn=len(g - p))
        counts["ALL"].update(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))
    return {label: _prf(c) for label, c in counts.items()}


def _prf(c: Counter[str]) -> dict[str, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "n": c["tp"] + c["fn"]}


# -- training -----------------------------------------------------------------------------


def train(
    train_sets: dict[str, list[Record]], settings: Settings, log: Callable[[str], None] = print
) -> tuple[Language, dict[str, Any]]:
    """Train on the datasets' train records; return the best pipeline and a run summary."""
    fix_random_seed(settings.seed)
    rng = random.Random(settings.seed)
    nlp = build_nlp(settings)
    misaligned: Counter[str] = Counter()
    learn: list[Sentence] = []
    heldout: list[Record] = []
    for name in sorted(train_sets):
        fit, held = split_heldout(train_sets[name], settings.heldout_fraction, settings.seed)
        heldout += held
        if settings.normalize:
            fit = [(text, normalize_spans(text, spans)) for text, spans in fit]
        sentences = [to_sentence(text, spans, misaligned) for text, spans in fit]
        learn += sentences * settings.oversample.get(name, 1)
    log(f"train sentences {len(learn)}, held out {len(heldout)}, misaligned {dict(misaligned)}")

    first = epoch_examples(nlp, learn, settings, rng)
    nlp.initialize(lambda: first)
    optimizer = Adam(settings.learn_rate, L2=0.01, grad_clip=1.0, use_averages=True)
    ner = cast(EntityRecognizer, nlp.get_pipe("ner"))  # spaCy types pipes as mere callables
    best_f, best_epoch, best_bytes = -1.0, 0, b""
    started = time.perf_counter()
    for epoch in range(1, settings.max_epochs + 1):
        losses: dict[str, float] = {}
        examples = first if epoch == 1 else epoch_examples(nlp, learn, settings, rng)
        sizes = _compounding(settings.batch_start, settings.batch_stop)
        for batch in minibatch(examples, size=sizes):
            nlp.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            # Without a held-out slice (the refit) the last epoch is the one kept.
            held_f = score(nlp, heldout)["ALL"]["f"] if heldout else float(epoch)
            if held_f > best_f:
                best_f, best_epoch, best_bytes = held_f, epoch, ner.to_bytes()
        shown = f"held-out F1 {held_f:.4f}" if heldout else "no held-out slice"
        log(
            f"epoch {epoch:3d}  loss {losses.get('ner', 0.0):9.1f}  {shown}"
            f"  {time.perf_counter() - started:6.0f}s"
        )
        if epoch - best_epoch >= settings.patience:
            break
    ner.from_bytes(best_bytes)
    summary = {
        "seconds": round(time.perf_counter() - started),
        "best_epoch": best_epoch,
        "misaligned_spans": dict(misaligned),
        "train_sentences": len(learn),
        "heldout": score(nlp, heldout) if heldout else {},
    }
    return nlp, summary


def train_and_refit(
    train_sets: dict[str, list[Record]], settings: Settings, log: Callable[[str], None] = print
) -> tuple[Language, dict[str, Any]]:
    """Pick the epoch count on the held-out slice, then, if `refit`, retrain on all of train.

    The held-out slice is a tenth of the little data there is; once it has chosen the epoch
    count and measured each label's precision, it is worth more as training data. The
    precision stays the one measured before the refit, when the slice was still unseen.
    """
    nlp, summary = train(train_sets, settings, log)
    if settings.refit and settings.heldout_fraction > 0:
        log(f"refit on all train sentences for {summary['best_epoch']} epochs")
        again = replace(settings, heldout_fraction=0.0, max_epochs=summary["best_epoch"])
        nlp, refit = train(train_sets, again, log)
        summary["refit"] = {k: refit[k] for k in ("seconds", "train_sentences")}
        summary["seconds"] += refit["seconds"]
    return nlp, summary


def _compounding(start: int, stop: int, rate: float = 1.001) -> Iterator[int]:
    size = float(start)
    while True:
        yield int(size)
        size = min(stop, size * rate)


def save(
    nlp: Language, out: Path, settings: Settings, summary: dict[str, Any], sources: list[str]
) -> None:
    """Write the pipeline with the per-label held-out precision the suggester uses as score."""
    held = summary.get("heldout", {})
    nlp.meta.update(
        {
            "name": "ner_id",
            "version": "1.0.0",
            "description": "Sorot's small CNN NER for Indonesian news (PER, ORG, LOC).",
            "sorot": {
                "precision": {label: held[label]["p"] for label in LABELS if label in held},
                "train_files": sources,
                "settings": asdict(settings),
                **summary,
            },
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    # The vocab holds only strings seen in training, which nothing at run time needs;
    # spacy.load builds a fresh one when the folder has none.
    nlp.to_disk(out, exclude=["vocab"])


def main(argv: Sequence[str] | None = None) -> int:
    """Train from `<data>/*/train.jsonl`, save to `--out`, then score `<data>/*/dev.jsonl`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--settings",
        type=json.loads,
        default={},
        help="JSON overrides of Settings, e.g. '{\"max_epochs\": 2}'",
    )
    args = parser.parse_args(argv)
    settings = Settings(**args.settings)
    train_files = sorted(args.data.glob("*/train.jsonl"))
    if not train_files:
        parser.error(f"no */train.jsonl under {args.data}")
    train_sets = {p.parent.name: read_jsonl(p) for p in train_files}
    nlp, summary = train_and_refit(train_sets, settings, log=lambda m: print(m, flush=True))
    summary["dev"] = report_dev(
        nlp, args.data, set().union(*({t for t, _ in records} for records in train_sets.values()))
    )
    save(nlp, args.out, settings, summary, [f"{p.parent.name}/{p.name}" for p in train_files])
    print(json.dumps({k: summary[k] for k in ("seconds", "best_epoch", "dev")}, indent=1))
    return 0


def report_dev(nlp: Language, data: Path, train_texts: set[str]) -> dict[str, Any]:
    """Score each dev file, overall and on its sentences whose text is in no train file."""
    report = {}
    for path in sorted(data.glob("*/dev.jsonl")):
        records = read_jsonl(path)
        unseen = [r for r in records if r[0] not in train_texts]
        report[path.parent.name] = {
            "all": score(nlp, records),
            "not_in_train": score(nlp, unseen),
            "sentences": [len(records), len(unseen)],
        }
    return report


if __name__ == "__main__":
    sys.exit(main())
