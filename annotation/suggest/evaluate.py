"""Measure suggestions against gold annotations: precision, recall and F1, and throughput.

Entities match when span and label are exactly equal; relations when both ends' spans and
the label are equal (either direction for a symmetric relation). Suggested labels can be
mapped onto the gold file's labels (GPE=LOC), and labels the gold file never uses are left
out of the scores, with a count of what was left out.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.io.readers import Problem, Record, Refused, Source, read
from annotation.nlp.engine import Engine, Result
from annotation.nlp.suggestion import Candidate
from annotation.schema import LabelSchema

Span = tuple[int, int, str]


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: set[Any], predicted: set[Any]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Evaluation:
    path: str
    sources: list[str]
    records: int = 0
    chars: int = 0
    seconds: float = 0.0
    load_seconds: float = 0.0
    entities: Scores = field(default_factory=Scores)
    per_label: dict[str, Scores] = field(default_factory=dict)
    relations: Scores | None = None
    per_relation: dict[str, Scores] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    gold_entities: bool = False  # relations were suggested among the gold entities
    relation_suggester: str = ""

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "gold": self.path,
            "sources": self.sources,
            "records": self.records,
            "seconds": round(self.seconds, 3),
            "load_seconds": round(self.load_seconds, 3),
            "records_per_second": round(self.rate, 1),
            "chars_per_second": round(self.chars / self.seconds if self.seconds else 0.0),
            "entities": self.entities.to_json(),
            "per_label": {k: v.to_json() for k, v in sorted(self.per_label.items())},
            "relations": self.relations.to_json() if self.relations else None,
            "per_relation": {k: v.to_json() for k, v in sorted(self.per_relation.items())},
            "ignored_labels": dict(self.ignored),
            "gold_entities": self.gold_entities,
            "relation_suggester": self.relation_suggester,
            "problems": [str(p) for p in self.problems],
        }

    def format(self) -> str:
        lines = [f"{self.path}: {self.records} records, suggesters: {', '.join(self.sources)}"]
        if self.relation_suggester:
            lines.append(f"relations from {self.relation_suggester}")
        if self.gold_entities:
            lines.append("relations suggested among the gold entities (entities not scored)")
        lines.append(f"{'':18}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
        rows = (
            []
            if self.gold_entities
            else [("entities", self.entities), *sorted(self.per_label.items())]
        )
        if self.relations is not None:
            rows += [("relations", self.relations), *sorted(self.per_relation.items())]
        for name, s in rows:
            indent = "" if name in ("entities", "relations") else "  "
            lines.append(
                f"{indent + name:18}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp + s.fn:7d}"
            )
        if self.ignored:
            left = ", ".join(f"{k} {v}" for k, v in sorted(self.ignored.items()))
            lines.append(f"left out (labels not in the gold file): {left}")
        lines.append(
            f"throughput: {self.rate:,.1f} records/s "
            f"({self.chars / max(self.seconds, 1e-9):,.0f} characters/s); "
            f"suggesters loaded in {self.load_seconds:.2f} s"
        )
        lines += [f"skipped {p}" for p in self.problems]
        return "\n".join(lines)


def read_gold(path: Path, schema: LabelSchema) -> tuple[list[Record], list[Problem]]:
    """The gold file's records (as `sorot import` reads them) and its bad lines."""
    try:
        reader = read(Source(path, str(path), "jsonl"), schema)
    except Refused as exc:
        return [], [exc.problem]
    records: list[Record] = []
    problems: list[Problem] = []
    for item in reader:
        if isinstance(item, Record):
            records.append(item)
        else:
            problems.append(item)
    return records, problems


def evaluate(
    path: Path,
    engine: Engine,
    schema: LabelSchema,
    *,
    label_map: dict[str, str | None] | None = None,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
    load_seconds: float = 0.0,
    learn: bool = False,
    gold_entities: bool = False,
) -> Evaluation:
    """Suggest for every gold record's text and compare with its spans and relations.

    With `learn`, the engine's memory is taught each batch's gold answers after it is
    scored, as if a researcher had corrected the suggestions in file order: the figures then
    show what the memory adds over a labelling session, not the suggesters' first guess.
    With `gold_entities`, only relations are suggested, among each record's gold entities,
    so that their scores are not confounded by entity errors.
    """
    records, problems = read_gold(path, schema)
    label_map = label_map or {}
    result = Evaluation(
        str(path),
        engine.names,
        problems=problems,
        load_seconds=load_seconds,
        gold_entities=gold_entities,
    )
    if engine.relations is not None:
        result.relation_suggester = getattr(engine.relations, "source", "") or "rules"
    gold_labels = {e.label for r in records for e in r.entities}
    symmetric = {r.name for r in schema.relations if r.symmetric}
    has_relations = any(r.relations for r in records)
    if has_relations:
        result.relations = Scores()
    began = time.perf_counter()
    for i in range(0, len(records), batch_size):
        batch = records[i : i + batch_size]
        suggestions = (
            _given_entities(engine, batch)
            if gold_entities
            else engine.suggest_texts([r.text for r in batch])
        )
        for record, suggested in zip(batch, suggestions):
            _score(result, record, suggested, label_map, gold_labels, symmetric)
            if learn and engine.memory is not None:
                engine.memory.learn(_corrections(record, suggested))
        result.records += len(batch)
        result.chars += sum(len(r.text) for r in batch)
        if progress:
            progress(result.records, len(records))
    result.seconds = time.perf_counter() - began
    return result


def _score(
    result: Evaluation,
    record: Record,
    suggested: Any,
    label_map: dict[str, str | None],
    gold_labels: set[str],
    symmetric: set[str],
) -> None:
    gold = {(e.start, e.end, e.label) for e in record.entities}
    predicted: list[Span | None] = []
    for c in suggested.entities:
        label = label_map.get(c.label, c.label)
        if label is None or label not in gold_labels:
            result.ignored[c.label] += 1
            predicted.append(None)
        else:
            predicted.append((c.start, c.end, label))
    found = {p for p in predicted if p is not None}
    result.entities.add(gold, found)
    for label in gold_labels:
        result.per_label.setdefault(label, Scores()).add(
            {g for g in gold if g[2] == label}, {p for p in found if p[2] == label}
        )
    if result.relations is None:
        return
    ends = [(e.start, e.end, e.label) for e in record.entities]
    gold_rel = {
        _relation_key(ends[r.head], ends[r.child], r.label, symmetric) for r in record.relations
    }
    pred_rel = set()
    for r in suggested.relations:
        if r.head < len(predicted) and r.child < len(predicted):
            head, child = predicted[r.head], predicted[r.child]
            if head is not None and child is not None:
                pred_rel.add(_relation_key(head, child, r.label, symmetric))
    result.relations.add(gold_rel, pred_rel)
    for label in {k[2] for k in gold_rel | pred_rel}:
        result.per_relation.setdefault(label, Scores()).add(
            {k for k in gold_rel if k[2] == label}, {k for k in pred_rel if k[2] == label}
        )


def _given_entities(engine: Engine, records: Sequence[Record]) -> list[Result]:
    """Each record's gold entities as the suggestions, with relations suggested among them."""
    results = []
    for record, doc in zip(records, engine.docs([(r.text, None) for r in records])):
        entities = [Candidate(e.start, e.end, e.label, "gold") for e in record.entities]
        relations = engine.relations.suggest(doc, entities) if engine.relations else []
        results.append(Result(entities, relations))
    return results


def _corrections(record: Record, suggested: Any) -> list[tuple[str, str, bool]]:
    """What a researcher would decide: gold spans accepted, other suggestions rejected."""
    text = record.text
    gold = {(e.start, e.end, e.label) for e in record.entities}
    decisions = [(text[s:e], label, True) for s, e, label in gold]
    covered = sorted((s, e) for s, e, _ in gold)
    for c in suggested.entities:
        if (c.start, c.end, c.label) in gold:
            continue
        # Like the app: a suggestion under a drawn span was replaced, not judged wrong.
        if not any(s < c.end and c.start < e for s, e in covered):
            decisions.append((text[c.start : c.end], c.label, False))
    return decisions


def _relation_key(head: Span, child: Span, label: str, symmetric: set[str]) -> tuple[Any, ...]:
    # Direction is kept; symmetric relations are compared as unordered pairs by sorting.
    return (*sorted((head, child)), label) if label in symmetric else (head, child, label)


def parse_label_map(items: Sequence[str]) -> dict[str, str | None]:
    """Read FROM=TO items ("FROM=" leaves the label out)."""
    mapping: dict[str, str | None] = {}
    for item in items:
        source, eq, target = item.partition("=")
        if not eq or not source.strip():
            raise ValueError(f"a label mapping is FROM=TO (or FROM= to leave it out), not {item!r}")
        mapping[source.strip()] = target.strip() or None
    return mapping
