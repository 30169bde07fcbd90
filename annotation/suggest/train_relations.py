"""Train the relation model on a project's own relations, and adopt it only if it does better.

The companion of `train_project` (the same `sorot train` run, the same done articles, the
same seeded held-out split). From each done article of the annotator (or reviewer): their
accepted entities are the entities; the accepted relations among them are positives, the
relation suggestions they rejected are strong negatives, and every other pair the schema
allows is a negative. Held-out articles are scored with the annotator's accepted entities
given, so that relation scores are not confounded by entity errors: the current suggester
(the rules with the adopted relation model, else with the shipped one) against the rules
with the new model, which would replace either. The new model is kept beside the project
(`model_folders`) only if its relation F1 is higher; with `out` it is written there whatever
it scores, and nothing is adopted.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotation.model import ArticleStatus, EntityStatus
from annotation.nlp.relation_model import (
    SHIPPED_MODEL,
    Example,
    RelationModel,
    TrainSettings,
    load_learned,
)
from annotation.nlp.suggestion import Candidate
from annotation.project.store import Store
from annotation.schema import LabelSchema
from annotation.suggest.evaluate import Scores
from annotation.suggest.train_errors import TrainError

REJECTED_WEIGHT = 3.0  # a relation the researcher rejected is a surer negative than silence
Rel = tuple[int, int, str]  # head and child index into the item's entities, and the label


@dataclass
class RelItem:
    """One done article: its accepted entities and the relations decided among them."""

    article_id: int
    hash: str
    text: str
    tokens: bytes | None
    entities: list[Candidate]
    accepted: list[Rel] = field(default_factory=list)
    rejected: list[Rel] = field(default_factory=list)


@dataclass
class RelationReport:
    """What the relation step learned from, how both suggesters scored, and the verdict."""

    train_articles: int = 0
    heldout_articles: int = 0
    relations: int = 0
    rejected: int = 0
    pairs: int = 0
    labels: list[str] = field(default_factory=list)
    current_model: str = "rules"
    current: dict[str, Scores] = field(default_factory=dict)
    new: dict[str, Scores] = field(default_factory=dict)
    loss: float = 0.0
    adopted: bool = False
    out: bool = False
    skipped: str = ""
    reason: str = ""
    cancelled: bool = False
    model_dir: Path | None = None
    data_hash: str = ""
    seconds: float = 0.0

    @property
    def current_f1(self) -> float:
        return self.current["ALL"].f1 if self.current else 0.0

    @property
    def new_f1(self) -> float:
        return self.new["ALL"].f1 if self.new else 0.0

    def format(self) -> str:
        """The relation step's tables and verdict, as `sorot train` prints them."""
        if self.skipped:
            return f"relation model: not trained ({self.skipped})"
        lines = [
            f"relation model: trained on {self.train_articles} articles ({self.relations} "
            f"accepted relations, {self.rejected} rejected, {self.pairs} candidate "
            f"pairs), held out {self.heldout_articles}; scored with the accepted "
            "entities given"
        ]
        tables = (
            (
                (f"current ({self.current_model})", self.current),
                ("rules + new relation model", self.new),
            )
            if self.heldout_articles
            else ()
        )
        for title, scores in tables:
            lines += ["", title, f"{'relation':<16} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}"]
            for label in [*self.labels, "ALL"]:
                s = scores.get(label, Scores())
                lines.append(
                    f"{label:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp + s.fn:5d}"
                )
        lines.append("")
        if self.cancelled:
            lines.append("relation model: cancelled; nothing was written")
        elif self.out:
            lines.append(f"relation model written to {self.model_dir} ({self.reason}); not adopted")
        elif self.adopted:
            lines.append(f"relation model adopted: {self.model_dir} ({self.reason})")
        else:
            lines.append(f"relation model not adopted: {self.reason}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "train_articles": self.train_articles,
            "heldout_articles": self.heldout_articles,
            "relations": self.relations,
            "rejected": self.rejected,
            "pairs": self.pairs,
            "labels": self.labels,
            "current_model": self.current_model,
            "current": {k: v.to_json() for k, v in self.current.items()},
            "new": {k: v.to_json() for k, v in self.new.items()},
            "loss": round(self.loss, 4),
            "adopted": self.adopted,
            "out": self.out,
            "skipped": self.skipped,
            "reason": self.reason,
            "cancelled": self.cancelled,
            "model_dir": str(self.model_dir) if self.model_dir else None,
            "data_hash": self.data_hash,
            "seconds": round(self.seconds, 2),
        }


def split(items: list[Any], share: float, seed: int) -> tuple[list[Any], list[Any]]:
    """A seeded (train, held-out) split; at least one held out and one kept when share > 0."""
    if share == 0:
        return list(items), []
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    held = set(order[: min(len(items) - 1, max(1, round(len(items) * share)))])
    return (
        [x for i, x in enumerate(items) if i not in held],
        [x for i, x in enumerate(items) if i in held],
    )


def collect(store: Store, annotator: str) -> list[RelItem]:
    """The annotator's done articles, in id order, with their entities and decided relations."""
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
        at = {e.id: i for i, e in enumerate(ents)}
        try:
            tokens: bytes | None = store.tokens(article_id)
        except KeyError:
            tokens = None
        item = RelItem(
            article_id,
            article.hash,
            article.text,
            tokens,
            [Candidate(e.start, e.end, e.label, "human") for e in ents],
        )
        for rel in store.relations(article_id, (EntityStatus.ACCEPTED, EntityStatus.REJECTED)):
            if rel.annotator != annotator or rel.head not in at or rel.child not in at:
                continue
            key = (at[rel.head], at[rel.child], rel.label)
            (item.accepted if rel.status == EntityStatus.ACCEPTED else item.rejected).append(key)
        items.append(item)
    return items


def data_hash(items: Sequence[RelItem]) -> str:
    """sha256 of the articles' hashes, entities and decided relations."""
    data = sorted(
        (
            item.hash,
            sorted((e.start, e.end, e.label) for e in item.entities),
            sorted(item.accepted),
            sorted(item.rejected),
        )
        for item in items
    )
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def documents(items: Sequence[RelItem]) -> list[Any]:
    """A Doc with sentence boundaries for each item, as the engine builds them."""
    from annotation.nlp.docs import make_doc
    from annotation.nlp.sentences import split_sentences

    vocab = _vocab()
    docs = []
    for item in items:
        doc = make_doc(vocab, item.text, item.tokens)
        split_sentences(doc)
        docs.append(doc)
    return docs


@lru_cache(maxsize=1)
def _vocab() -> Any:
    import spacy

    from annotation.nlp.pipeline import _NO_RULES_TOKENIZER

    # Docs come from stored tokens (or are tokenized by `make_doc`), so the Indonesian
    # tokenizer's special cases, seconds to build, would be wasted.
    return spacy.blank(
        "id", config={"nlp": {"tokenizer": {"@tokenizers": _NO_RULES_TOKENIZER}}}
    ).vocab


def examples(
    item: RelItem, doc: Any, rules: Any, schema: LabelSchema, window: int
) -> list[Example]:
    """The item's candidate pairs, labelled with its accepted and rejected relations."""
    from annotation.nlp.relation_features import candidate_pairs

    symmetric = {r.name for r in schema.relations if r.symmetric}
    gold: dict[tuple[int, int], set[str]] = {}
    for head, child, label in item.accepted:
        gold.setdefault((head, child), set()).add(label)
        if label in symmetric:
            gold.setdefault((child, head), set()).add(label)
    refused = {(h, c) for h, c, _ in item.rejected}
    refused |= {(c, h) for h, c, label in item.rejected if label in symmetric}
    out = []
    for pair in candidate_pairs(
        doc, item.entities, schema, rules.suggest(doc, item.entities), window
    ):
        labels = gold.get((pair.head, pair.child), set())
        weight = REJECTED_WEIGHT if (pair.head, pair.child) in refused and not labels else 1.0
        out.append(Example(pair, tuple(sorted(labels)), weight))
    return out


def score(
    suggester: Any,
    items: Sequence[RelItem],
    docs: Sequence[Any],
    schema: LabelSchema,
    labels: Sequence[str],
) -> dict[str, Scores]:
    """Relation scores ("ALL" and per label) of a suggester given the items' entities."""
    symmetric = {r.name for r in schema.relations if r.symmetric}
    scores = {label: Scores() for label in ("ALL", *labels)}

    def key(item: RelItem, head: int, child: int, label: str) -> tuple[Any, ...]:
        ends = [(item.entities[i].start, item.entities[i].end) for i in (head, child)]
        return (*sorted(ends), label) if label in symmetric else (*ends, label)

    for item, doc in zip(items, docs):
        gold = {key(item, *rel) for rel in item.accepted}
        found = {key(item, r.head, r.child, r.label) for r in suggester.suggest(doc, item.entities)}
        scores["ALL"].add(gold, found)
        for label in labels:
            scores[label].add(
                {g for g in gold if g[-1] == label}, {f for f in found if f[-1] == label}
            )
    return scores


def train_relations(
    store: Store,
    annotator: str,
    *,
    held_out: float = 0.2,
    seed: int = 0,
    out: Path | None = None,
    settings: TrainSettings | None = None,
    should_stop: Callable[[], bool] | None = None,
    required: bool = False,
) -> RelationReport:
    """Train a relation model on the annotator's done articles; adopt it if it beats the current.

    With `out`, write it there whatever it scores and adopt nothing. Without accepted
    relations there is nothing to learn: the report says so (`skipped`), or, if `required`,
    TrainError is raised. Arguments are checked by the caller (`train_project`).
    """
    from annotation.nlp.model_folders import (
        adopt_relations,
        current_relation_model,
        write_out_relations,
    )
    from annotation.nlp.relations import RelationSuggester

    began = time.perf_counter()
    settings = settings or TrainSettings()
    stop = should_stop or (lambda: False)
    schema = store.schema
    report = RelationReport()
    items = collect(store, annotator)
    if not any(item.accepted for item in items):
        report.skipped = f"{annotator!r} has accepted no relations in the articles marked done"
        if required:
            raise TrainError(report.skipped)
        return report
    report.data_hash = data_hash(items)
    train_items, heldout = split(items, held_out, seed)
    report.train_articles, report.heldout_articles = len(train_items), len(heldout)
    report.relations = sum(len(item.accepted) for item in train_items)
    report.rejected = sum(len(item.rejected) for item in train_items)
    report.labels = sorted({label for item in items for _, _, label in item.accepted})
    rules = RelationSuggester(schema)
    current_path = current_relation_model(store.path) if store.path is not None else None
    current: Any = rules
    # The bar a new model must clear: the adopted model, else the shipped one (which the
    # engine leaves off by default, as it scores about as the rules alone do).
    folder = current_path or SHIPPED_MODEL
    try:
        current = load_learned(schema, folder, rules)
        report.current_model = f"rules + {folder}"
    except Exception:  # an unreadable model: the rules are what suggests then
        pass
    train_docs = documents(train_items)
    data = [
        ex
        for item, doc in zip(train_items, train_docs)
        for ex in examples(item, doc, rules, schema, settings.window)
    ]
    report.pairs = len(data)
    if stop():
        report.cancelled = True
        return report
    model = _fit(data, schema, settings, stop)
    if model is None:
        report.cancelled = True
        return report
    report.loss = model.losses[-1] if model.losses else 0.0
    new = load_learned_model(schema, model, rules)
    if heldout:
        docs = documents(heldout)
        report.current = score(current, heldout, docs, schema, report.labels)
        report.new = score(new, heldout, docs, schema, report.labels)
    figures = (
        f"held-out relation F1 {report.new_f1:.3f} (new) against {report.current_f1:.3f} (current)"
    )
    better = report.new_f1 > report.current_f1
    if out is not None:
        report.out = True
        report.reason = (
            "no articles held out, so no comparison"
            if not heldout
            else f"{figures}: it {'would' if better else 'would not'} have been adopted"
        )
    else:
        report.adopted = better
        report.reason = figures if better else f"{figures}: the new model is not better"
    if stop():
        report.cancelled, report.adopted = True, False
        return report
    if report.adopted or out is not None:
        metadata = {
            "kind": "relations",
            "data_hash": report.data_hash,
            "annotator": annotator,
            "labels": report.labels,
            "project": store.path.name if store.path else "",
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "current_model": report.current_model,
            "settings": {"seed": seed, "held_out": held_out, **settings.to_json()},
            "articles": {"train": len(train_items), "heldout": len(heldout)},
            "written": "out" if out is not None else "adopted",
            "scores": {
                "current": {k: v.to_json() for k, v in report.current.items()},
                "new": {k: v.to_json() for k, v in report.new.items()},
            },
        }
        if out is not None:
            write_out_relations(model, out, metadata)
            report.model_dir = out
        elif store.path is None:  # train_project refuses such a project before training
            raise TrainError("the project has no file to keep models beside")
        else:
            report.model_dir = adopt_relations(store.path, model, metadata)
    report.seconds = time.perf_counter() - began
    return report


def _fit(
    data: list[Example], schema: LabelSchema, settings: TrainSettings, stop: Callable[[], bool]
) -> RelationModel | None:
    from annotation.nlp.relation_model import train

    return train(data, schema, settings, should_stop=stop)


def load_learned_model(schema: LabelSchema, model: RelationModel, rules: Any) -> Any:
    """The rules with a model in memory (not yet saved), as the engine would use it."""
    from annotation.nlp.relation_model import LearnedRelations

    return LearnedRelations(rules, model, schema)


__all__ = [
    "RelItem",
    "RelationReport",
    "collect",
    "documents",
    "examples",
    "load_learned",
    "score",
    "split",
    "train_relations",
]
