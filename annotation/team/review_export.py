"""Exporting the adjudicated (gold) layer, with which annotators agreed on each item.

A gold record is the reviewer's Prodigy-style record of an article, as `sorot export` writes
it, with two additions in the spirit of Prodigy's review recipe, which keeps the `versions`
an answer was made from:
- every span and relation carries `"versions"`: the annotators who made exactly that item
  (same offsets and label; for a relation, the same ends and label);
- the record carries `"_review": {"reviewer": ..., "annotators": [...]}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from annotation.io.export_records import (
    ExportError,
    ExportReport,
    Key,
    Progress,
    iter_records,
    write_atomic,
)
from annotation.model import ArticleStatus, EntityStatus
from annotation.project.store import Store

ACCEPTED = EntityStatus.ACCEPTED


def reviewed_annotators(store: Store, reviewer: str) -> list[str]:
    """Everyone with work in the project except the reviewer."""
    return [a for a in store.annotators() if a != reviewer]


def export_gold(
    store: Store,
    out_path: str | Path,
    reviewer: str,
    annotators: Sequence[str] | None = None,
    statuses: Iterable[str] | None = (ArticleStatus.DONE,),
    progress: Progress | None = None,
) -> ExportReport:
    """Write the reviewer's records (articles the reviewer marked done, by default)."""
    if reviewer not in store.annotators():
        raise ExportError(f"{reviewer!r} has no work in this project; nothing to export as gold")
    annotators = list(annotators or reviewed_annotators(store, reviewer))
    report = ExportReport(path=Path(out_path), fmt="jsonl")
    records = iter_records(store, reviewer, statuses, report=report, progress=progress)

    def write(f: IO[bytes]) -> None:
        for record in records:
            _add_versions(store, record, reviewer, annotators)
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
            f.write(b"\n")

    write_atomic(Path(out_path), write)
    return report


def _add_versions(
    store: Store, record: dict[str, Any], reviewer: str, annotators: list[str]
) -> None:
    article_id = record["meta"]["article_id"]
    by_key: dict[tuple[int, int, str], list[str]] = {}
    ends: dict[int, tuple[int, int, str]] = {}
    for e in store.entities(article_id, (ACCEPTED,)):
        ends[e.id] = (e.start, e.end, e.label)
        if e.annotator in annotators:
            by_key.setdefault((e.start, e.end, e.label), []).append(e.annotator)
    relations: dict[tuple[Key, Key, str], list[str]] = {}
    for r in store.relations(article_id, (ACCEPTED,)):
        if r.annotator in annotators and r.head in ends and r.child in ends:
            relations.setdefault((ends[r.head], ends[r.child], r.label), []).append(r.annotator)
    for span in record["spans"]:
        span["versions"] = sorted(set(by_key.get((span["start"], span["end"], span["label"]), [])))
    schema = store.schema
    for rel in record["relations"]:
        head, child = rel["head_span"], rel["child_span"]
        a = (head["start"], head["end"], head["label"])
        b = (child["start"], child["end"], child["label"])
        agreed = set(relations.get((a, b, rel["label"]), []))
        rel_type = schema.relation(rel["label"])
        if rel_type is not None and rel_type.symmetric:
            agreed |= set(relations.get((b, a, rel["label"]), []))
        rel["versions"] = sorted(agreed)
    record["_review"] = {"reviewer": reviewer, "annotators": annotators}
