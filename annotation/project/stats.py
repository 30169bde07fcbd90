"""Project statistics: articles by status, entities and relations by label and status."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from annotation.model import ArticleStatus, EntityStatus
from annotation.project.store import Store


def project_stats(store: Store) -> dict[str, Any]:
    """Counts a researcher reports: a few grouped scans over covering indexes."""
    db = store.db
    total = store.count_articles()
    by_annotator: dict[str, dict[str, int]] = defaultdict(dict)
    for annotator, status, n in db.execute(
        "SELECT annotator, status, count(*) FROM article_status GROUP BY annotator, status"
    ):
        by_annotator[annotator][status] = n
    for counts in by_annotator.values():
        counts[ArticleStatus.TODO] = total - sum(
            n for s, n in counts.items() if s != ArticleStatus.TODO
        )
    result: dict[str, Any] = {
        "project": str(store.path) if store.path else ":memory:",
        "schema": store.schema.name,
        "articles": {
            "total": total,
            "by_annotator": {
                a: {s: c.get(s, 0) for s in ArticleStatus.ALL}
                for a, c in sorted(by_annotator.items())
            },
        },
    }
    annotators: dict[str, dict[str, int]] = defaultdict(lambda: {"entities": 0, "relations": 0})
    for table in ("entities", "relations"):
        by_label: dict[str, dict[str, int]] = {}
        for label, status, annotator, n in db.execute(
            f"SELECT label, status, annotator, count(*) FROM {table} "
            "GROUP BY label, status, annotator"
        ):
            counts = by_label.setdefault(label, dict.fromkeys(EntityStatus.ALL, 0))
            counts[status] += n
            if annotator is not None:
                annotators[annotator][table] += n
        result[table] = {
            "total": sum(sum(c.values()) for c in by_label.values()),
            "by_label": dict(sorted(by_label.items())),
        }
    for name in by_annotator:  # someone who only marked articles is an annotator too
        annotators.setdefault(name, {"entities": 0, "relations": 0})
    result["annotators"] = dict(sorted(annotators.items()))
    return result


def format_stats(stats: dict[str, Any]) -> str:
    """The statistics as aligned plain-text tables."""
    lines = [
        f"Project: {stats['project']}",
        f"Schema:  {stats['schema']}",
        f"Articles: {stats['articles']['total']}",
    ]
    for annotator, counts in stats["articles"]["by_annotator"].items():
        shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        lines.append(f"  {annotator}: {shown}")
    for table in ("entities", "relations"):
        block = stats[table]
        lines.append("")
        lines.append(f"{table.capitalize()}: {block['total']}")
        if block["by_label"]:
            lines.append(f"  {'label':<18}{'suggested':>10}{'accepted':>10}{'rejected':>10}")
        for label, c in block["by_label"].items():
            lines.append(f"  {label:<18}{c['suggested']:>10}{c['accepted']:>10}{c['rejected']:>10}")
    lines.append("")
    lines.append(f"Annotators: {len(stats['annotators'])}")
    for name, c in stats["annotators"].items():
        lines.append(f"  {name}: {c['entities']} entities, {c['relations']} relations decided")
    return "\n".join(lines)


def relation_type_counts(store: Store, annotator: str) -> dict[tuple[str, str, str], int]:
    """How often `annotator` accepted each relation type between two entity labels:
    (head label, child label, type) -> count, for ranking the types offered by hand."""
    rows = store.db.execute(
        "SELECT h.label, c.label, r.label, count(*) FROM relations r "
        "JOIN entities h ON h.id = r.head JOIN entities c ON c.id = r.child "
        "WHERE r.status = ? AND r.annotator = ? GROUP BY h.label, c.label, r.label",
        [EntityStatus.ACCEPTED, annotator],
    )
    return {(head, child, label): n for head, child, label, n in rows}
