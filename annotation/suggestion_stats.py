"""How the suggestions were used: what researchers kept, changed, rejected and added.

For each decided entity that began as a suggestion, its suggested span and label are read
from the event log (the `before` row of the first change that decided it) and compared with
what the annotator made of it:
- `accepted`: kept as suggested;
- `resized`: the same label over other boundaries;
- `relabelled`: the same span with another label;
- `resized+relabelled`: both;
- `rejected`: decided to be wrong.
Entities an annotator made where no suggestion was are `added`. Figures are kept per
suggester (the suggestion's origin) and per suggested label, and per day of the decision,
so that a team can report how much the pre-annotation shaped the data. Gold items made in
review are left out: they settle annotators' work, not suggestions.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotation.model import HUMAN, EntityStatus
from annotation.store import Store

OUTCOMES = ("accepted", "resized", "relabelled", "resized+relabelled", "rejected", "added")
SUGGESTED = EntityStatus.SUGGESTED


@dataclass
class SuggestionUse:
    """Counts of outcomes by (suggester, label), and by day."""

    by_source: dict[tuple[str, str], Counter] = field(default_factory=dict)
    by_day: dict[str, Counter] = field(default_factory=dict)

    def add(self, source: str, label: str, outcome: str, day: str) -> None:
        self.by_source.setdefault((source, label), Counter())[outcome] += 1
        self.by_day.setdefault(day, Counter())[outcome] += 1

    def totals(self) -> Counter:
        total: Counter = Counter()
        for counts in self.by_source.values():
            total.update(counts)
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "outcomes": list(OUTCOMES),
            "total": {o: self.totals().get(o, 0) for o in OUTCOMES},
            "by_suggester": [
                {"suggester": source, "label": label, **{o: c.get(o, 0) for o in OUTCOMES}}
                for (source, label), c in sorted(self.by_source.items())],
            "by_day": [{"day": day, **{o: c.get(o, 0) for o in OUTCOMES}}
                       for day, c in sorted(self.by_day.items())],
        }

    def format(self) -> str:
        width = max([len(f"{s} {lb}") for s, lb in self.by_source] + [18])
        head = f"{'suggester, label':<{width}}" + "".join(f"{o:>20}" for o in OUTCOMES)
        lines = [head]
        for (source, label), counts in sorted(self.by_source.items()):
            lines.append(f"{source + ' ' + label:<{width}}"
                         + "".join(f"{counts.get(o, 0):>20}" for o in OUTCOMES))
        total = self.totals()
        lines.append(f"{'all':<{width}}" + "".join(f"{total.get(o, 0):>20}" for o in OUTCOMES))
        offered = sum(total.get(o, 0) for o in OUTCOMES if o != "added")
        if offered:
            kept = total.get("accepted", 0)
            lines.append(f"\n{kept:,} of {offered:,} decided suggestions kept as suggested "
                         f"({kept / offered:.0%}); {total.get('added', 0):,} entities added "
                         "where nothing was suggested")
        return "\n".join(lines)


def suggestion_use(store: Store) -> SuggestionUse:
    """Read every decision in the project and classify it (see the module docstring)."""
    first: dict[int, tuple[int, int, str, str]] = {}  # entity id -> suggested span, day
    for time, changes in store.db.execute(
            "SELECT time, changes FROM events WHERE kind = 'do' ORDER BY id"):
        if '"suggested"' not in changes:
            continue
        for change in json.loads(changes):
            before = change["before"]
            if change["table"] == "entities" and before and before["status"] == SUGGESTED \
                    and before["id"] not in first:
                first[before["id"]] = (before["start"], before["end"], before["label"],
                                       time[:10])
    use = SuggestionUse()
    rows = store.db.execute(
        'SELECT id, start, "end", label, status, origin, updated FROM entities '
        "WHERE status != ? AND annotator IS NOT NULL", (SUGGESTED,))
    for entity_id, start, end, label, status, origin, updated in rows:
        if origin.startswith("review:"):
            continue
        if origin == HUMAN:
            use.add(HUMAN, label, "added", updated[:10])
            continue
        s_start, s_end, s_label, day = first.get(entity_id, (start, end, label, updated[:10]))
        use.add(origin, s_label, _outcome(status, (start, end) != (s_start, s_end),
                                          label != s_label), day)
    return use


def _outcome(status: str, moved: bool, relabelled: bool) -> str:
    if status == EntityStatus.REJECTED:
        return "rejected"
    if moved and relabelled:
        return "resized+relabelled"
    return "resized" if moved else "relabelled" if relabelled else "accepted"

