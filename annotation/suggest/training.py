"""Train the NER on a project's own annotations, and adopt the result only if it does better.

The training data is one annotator's accepted entities on the articles that annotator marked
done (for the gold layer: the reviewer's). A fixed, seeded share of those articles is held
out; the current model (the project's adopted one, else the shipped one) and the new model
are both scored on it, and the new one is saved beside the project (in `<project
stem>.models/`, see `model_folders`) only when its micro F1 is higher.

With `out`, the new model is written to that folder whatever the comparison says, and the
project's models and pointer are left alone: for experiments (learning curves, ablations)
that score the model elsewhere, e.g. with `sorot evaluate --source DIR`. Only then may the
held-out share be 0 (train on every done article, compare with nothing).

A companion step then trains the relation model on the same articles with the same split
(`train_relations`), with its own verdict; with `out` it goes to `out/relations`, or to
`out` itself when only relations are trained.

The project file itself is only read.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from annotation.model import ArticleStatus, EntityStatus
from annotation.nlp.docs import make_doc
from annotation.nlp.model_folders import adopt, check_out, current_model, write_out
from annotation.project.store import Store
from annotation.suggest.evaluate import Scores
from annotation.suggest.train_errors import TrainError
from annotation.suggest.train_relations import RelationReport, split

if TYPE_CHECKING:  # spaCy is loaded only when a model is trained
    from spacy.pipeline import EntityRecognizer
    from spacy.tokens import Span as DocSpan

BASES = ("shipped", "blank")
DROPOUT = 0.2
BATCH_SIZE = 8  # articles per update, at most
MIN_UPDATES = 8  # per epoch: a small project gets smaller batches, down to one article
Span = tuple[int, int, str]


@dataclass
class _Item:
    article_id: int
    hash: str
    text: str
    tokens: bytes | None
    spans: list[Span]  # kept: no overlaps, labels wanted
    others: list[Span]  # the annotator's entities of labels left out (not taught as "O")


@dataclass
class TrainReport:
    """What a training run learned from, how both models scored and what became of the new one.

    `current` and `new` map each label (and "ALL", the micro average) to held-out Scores.
    """

    annotator: str
    base: str
    epochs: int
    labels: list[str] = field(default_factory=list)
    train_articles: int = 0
    heldout_articles: int = 0
    entities: int = 0
    overlapping: int = 0  # entities left out because they overlap one kept
    expanded: int = 0  # entities not on token edges, widened to them for training
    current_model: str = ""
    current: dict[str, Scores] = field(default_factory=dict)
    new: dict[str, Scores] = field(default_factory=dict)
    losses: list[float] = field(default_factory=list)
    adopted: bool = False
    reason: str = ""
    model_dir: Path | None = None
    out: bool = False  # written to a folder of the caller's choosing, never adopted
    data_hash: str = ""
    cancelled: bool = False
    seconds: float = 0.0
    ner: bool = True  # False: only the relation model was trained
    relations: RelationReport | None = None

    @property
    def current_f1(self) -> float:
        return self.current["ALL"].f1 if self.current else 0.0

    @property
    def new_f1(self) -> float:
        return self.new["ALL"].f1 if self.new else 0.0

    def format(self) -> str:
        """Both score tables and the verdict, as the CLI prints them (then the relations')."""
        if not self.ner:
            return self.relations.format() if self.relations is not None else ""
        lines = [
            f"trained on {self.train_articles} articles of {self.annotator} "
            f"({self.entities} entities; base {self.base}, {self.epochs} epochs), "
            f"held out {self.heldout_articles}"
        ]
        if self.overlapping:
            lines.append(f"left out {self.overlapping} overlapping entities")
        if self.expanded:
            lines.append(f"widened {self.expanded} entities to token edges")
        if not self.heldout_articles:
            lines += ["", "no articles held out: nothing scored here"]
        for title, scores in (
            ((f"current model ({self.current_model})", self.current), ("new model", self.new))
            if self.heldout_articles
            else ()
        ):
            lines += ["", title, f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}"]
            for label in [*self.labels, "ALL"]:
                s = scores.get(label, Scores())
                lines.append(
                    f"{label:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp + s.fn:5d}"
                )
        lines.append("")
        if self.cancelled:
            lines.append("cancelled; nothing was written")
        elif self.out:
            lines.append(
                f"written to {self.model_dir} ({self.reason}); not adopted: the "
                "project's model is unchanged"
            )
        elif self.adopted:
            lines.append(f"adopted: {self.model_dir} ({self.reason})")
        else:
            lines.append(f"not adopted: {self.reason}")
        if self.relations is not None:
            lines += ["", self.relations.format()]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "base": self.base,
            "epochs": self.epochs,
            "labels": self.labels,
            "train_articles": self.train_articles,
            "heldout_articles": self.heldout_articles,
            "entities": self.entities,
            "overlapping": self.overlapping,
            "expanded": self.expanded,
            "current_model": self.current_model,
            "current": {k: v.to_json() for k, v in self.current.items()},
            "new": {k: v.to_json() for k, v in self.new.items()},
            "losses": [round(x, 4) for x in self.losses],
            "adopted": self.adopted,
            "reason": self.reason,
            "data_hash": self.data_hash,
            "out": self.out,
            "model_dir": str(self.model_dir) if self.model_dir else None,
            "seconds": round(self.seconds, 2),
            "ner": self.ner,
            "relations": self.relations.to_json() if self.relations else None,
        }


# -- training data --------------------------------------------------------------------------


def _collect(
    store: Store, annotator: str, labels: set[str] | None, report: TrainReport
) -> list[_Item]:
    rows = store.db.execute(
        "SELECT article_id FROM article_status WHERE annotator = ? AND status = ? "
        "ORDER BY article_id",
        (annotator, ArticleStatus.DONE),
    ).fetchall()
    items = []
    for (article_id,) in rows:
        article = store.article(article_id)
        ents = [
            e
            for e in store.entities(article_id, (EntityStatus.ACCEPTED,))
            if e.annotator == annotator
        ]
        kept: list[Span] = []
        others: list[Span] = []
        for e in sorted(ents, key=lambda e: (e.start, -e.end)):
            if labels is not None and e.label not in labels:
                others.append((e.start, e.end, e.label))
            elif kept and e.start < kept[-1][1]:
                report.overlapping += 1
            else:
                kept.append((e.start, e.end, e.label))
        try:
            tokens: bytes | None = store.tokens(article_id)
        except KeyError:
            tokens = None
        items.append(_Item(article_id, article.hash, article.text, tokens, kept, others))
    return items


def data_hash(items: Sequence[_Item]) -> str:
    """sha256 of the sorted (article hash, spans) list: the same data gives the same hash."""
    data = sorted((item.hash, sorted(item.spans)) for item in items)
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _split(items: list[_Item], share: float, seed: int) -> tuple[list[_Item], list[_Item]]:
    return split(items, share, seed)  # the relation step holds out the same articles


def _example(nlp: Any, item: _Item, report: TrainReport | None) -> Any:
    from spacy.training import Example

    predicted = make_doc(nlp.vocab, item.text, item.tokens)
    reference = make_doc(nlp.vocab, item.text, item.tokens)
    ents: list[DocSpan] = []
    missing: list[DocSpan] = []
    for start, end, label in item.spans:
        span = reference.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or (ents and span.start < ents[-1].end):
            if report is not None:
                report.overlapping += 1
            continue
        if report is not None and (span.start_char, span.end_char) != (start, end):
            report.expanded += 1
        ents.append(span)
    for start, end, _ in item.others:
        span = reference.char_span(start, end, alignment_mode="expand")
        if span is not None and not any(s.start < span.end and span.start < s.end for s in ents):
            missing.append(span)
    reference.set_ents(ents, missing=missing, default="outside")
    return Example(predicted, reference)


# -- models ---------------------------------------------------------------------------------


def _base_nlp(base: str, labels: Sequence[str]) -> Any:
    import spacy

    from annotation.nlp.pipeline import _NO_RULES_TOKENIZER, DEFAULT_MODEL, load_pipeline

    if base == "shipped":
        nlp = load_pipeline(DEFAULT_MODEL)
    else:
        # Sorot's Docs come from stored tokens, so building the Indonesian tokenizer's
        # special cases (seconds) would be wasted; `_save` puts the standard one back.
        nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": _NO_RULES_TOKENIZER}}})
        nlp.add_pipe("ner")  # spaCy's default CNN, about the size of the shipped one
    ner = cast("EntityRecognizer", nlp.get_pipe("ner"))  # spaCy types pipes as callables
    for label in labels:
        ner.add_label(label)  # a label the shipped model lacks grows its output layer
    return nlp


def _score(nlp: Any, items: Sequence[_Item], labels: Sequence[str]) -> dict[str, Scores]:
    scores = {label: Scores() for label in ("ALL", *labels)}
    docs = [make_doc(nlp.vocab, item.text, item.tokens) for item in items]
    for doc, item in zip(nlp.pipe(docs, batch_size=BATCH_SIZE), items):
        predicted = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        for label in labels:
            scores[label].add(
                {s for s in item.spans if s[2] == label}, {p for p in predicted if p[2] == label}
            )
        scores["ALL"].add(set(item.spans), {p for p in predicted if p[2] in scores})
    return scores


# -- the run --------------------------------------------------------------------------------


def train_project(
    store: Store,
    annotator: str,
    *,
    labels: Sequence[str] | None = None,
    base: str = "shipped",
    epochs: int = 10,
    held_out: float = 0.2,
    seed: int = 0,
    out: Path | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    relations: bool = True,
    ner: bool = True,
) -> TrainReport:
    """Train a model on the annotator's done articles; adopt it if it beats the current one.

    With `out`, write it to that folder instead, whatever it scores, and adopt nothing
    (`held_out` may then be 0). `progress(epoch, epochs, loss)` is called after each epoch;
    `should_stop()` returning True stops the run before anything is written
    (`report.cancelled`). With `relations`, the relation model is then trained too, when
    the annotator accepted relations (`report.relations`); `ner=False` trains only it.
    Raise TrainError when there is nothing to train on or an argument is wrong.
    """
    from spacy.util import minibatch
    from thinc.api import fix_random_seed

    from annotation.nlp.pipeline import DEFAULT_MODEL, load_pipeline
    from annotation.nlp.suggestion import SuggesterError

    began = time.perf_counter()
    if base not in BASES:
        raise TrainError(f"unknown base {base!r}; choose from {', '.join(BASES)}")
    if store.path is None:
        raise TrainError("the project has no file to keep models beside")
    if epochs < 0:
        raise TrainError("epochs must be 0 or more")
    if not (0 <= held_out < 1 if out is not None else 0 < held_out < 1):
        raise TrainError(
            "the held-out share must be between 0 and 1 (0 only with --out, "
            "which adopts nothing and so needs no comparison)"
        )
    try:
        target = check_out(store.path, out) if out is not None else None
    except ValueError as exc:
        raise TrainError(str(exc)) from None
    wanted = set(labels) if labels else None
    unknown = sorted((wanted or set()) - set(store.schema.entity_labels))
    if unknown:
        raise TrainError(f"no label {', '.join(unknown)} in the project's schema")
    stop = should_stop or (lambda: False)
    report = TrainReport(annotator, base, epochs)
    if not ner:
        report.ner = False
        report.relations = _relations(store, annotator, held_out, seed, target, stop, True)
        report.cancelled = report.relations.cancelled
        report.seconds = time.perf_counter() - began
        return report
    items = _collect(store, annotator, wanted, report)
    if held_out == 0 and not items:
        raise TrainError(f"{annotator!r} has marked no articles done; there is nothing to train on")
    if held_out > 0 and len(items) < 2:
        raise TrainError(
            f"{annotator!r} has marked {len(items)} articles done; training "
            "needs at least 2 (one to learn from, one to test on)"
        )
    report.labels = sorted(wanted or {s[2] for item in items for s in item.spans})
    if not any(item.spans for item in items):
        which = f" labelled {', '.join(report.labels)}" if wanted else ""
        raise TrainError(
            f"{annotator!r} has no accepted entities{which} in the articles marked done"
        )
    report.data_hash = data_hash(items)
    train, heldout = _split(items, held_out, seed)
    report.train_articles, report.heldout_articles = len(train), len(heldout)
    report.entities = sum(len(item.spans) for item in items)

    current_path = current_model(store.path) or DEFAULT_MODEL
    report.current_model = str(current_path)
    try:
        if heldout:
            report.current = _score(load_pipeline(current_path), heldout, report.labels)
    except SuggesterError as exc:
        raise TrainError(f"the current model cannot be scored: {exc}") from exc
    if stop():
        report.cancelled = True
        return report

    fix_random_seed(seed)
    nlp = _base_nlp(base, report.labels)
    examples = [_example(nlp, item, report) for item in train]
    optimizer = nlp.resume_training() if base == "shipped" else nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    batch_size = max(1, min(BATCH_SIZE, len(examples) // MIN_UPDATES))
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=batch_size):
            if stop():
                report.cancelled = True
                return report
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
        report.losses.append(float(losses.get("ner", 0.0)))
        if progress is not None:
            progress(epoch + 1, epochs, report.losses[-1])
    if heldout:
        report.new = _score(nlp, heldout, report.labels)
    if stop():
        report.cancelled = True
        return report

    figures = (
        f"held-out micro F1 {report.new_f1:.3f} (new) against {report.current_f1:.3f} (current)"
    )
    better = report.new_f1 > report.current_f1
    if target is not None:
        report.out = True
        report.reason = (
            "no articles held out, so no comparison"
            if not heldout
            else f"{figures}: it {'would' if better else 'would not'} have been adopted"
        )
    else:
        report.adopted = better
        report.reason = figures if better else f"{figures}: the new model is not better"
    if report.adopted or target is not None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        metadata = {
            "data_hash": report.data_hash,
            "annotator": annotator,
            "labels": report.labels,
            "epochs": epochs,
            "base": base,
            "time": stamp,
            "project": store.path.name,
            "current_model": report.current_model,
            "settings": {
                "seed": seed,
                "held_out": held_out,
                "dropout": DROPOUT,
                "batch_size": batch_size,
            },
            "articles": {"train": len(train), "heldout": len(heldout)},
            "written": "out" if target is not None else "adopted",
            "scores": {
                "current": {k: v.to_json() for k, v in report.current.items()},
                "new": {k: v.to_json() for k, v in report.new.items()},
            },
        }
        if target is not None:
            write_out(nlp, target, metadata)
            report.model_dir = target
        else:
            report.model_dir = adopt(store.path, nlp, metadata)
    if relations:
        report.relations = _relations(
            store,
            annotator,
            held_out,
            seed,
            target / "relations" if target is not None else None,
            stop,
            False,
        )
        report.cancelled = report.relations.cancelled
    report.seconds = time.perf_counter() - began
    return report


def _relations(
    store: Store,
    annotator: str,
    held_out: float,
    seed: int,
    out: Path | None,
    stop: Callable[[], bool],
    required: bool,
) -> RelationReport:
    from annotation.suggest.train_relations import train_relations

    if required and held_out > 0:
        done = store.db.execute(
            "SELECT count(*) FROM article_status WHERE annotator = ? AND status = ?",
            (annotator, ArticleStatus.DONE),
        ).fetchone()[0]
        if done < 2:
            raise TrainError(
                f"{annotator!r} has marked {done} articles done; training needs "
                "at least 2 (one to learn from, one to test on)"
            )
    return train_relations(
        store, annotator, held_out=held_out, seed=seed, out=out, should_stop=stop, required=required
    )
