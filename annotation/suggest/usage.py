"""How the suggestions were used: what researchers kept, changed, rejected and added.

Entities: for each decided entity that began as a suggestion, its suggested span and label
are read from the event log (the `before` row of the first change that decided it) and
compared with what the annotator made of it:
- `accepted`: kept as suggested;
- `resized`: the same label over other boundaries;
- `relabelled`: the same span with another label;
- `resized+relabelled`: both;
- `rejected`: decided to be wrong.
Entities an annotator made where no suggestion was are `added`.

Relations, the same way:
- `accepted`: kept as suggested;
- `retyped`: the same head and child with another type;
- `turned round`: head and child swapped (the window deletes the suggestion and adds the
  turned relation in one step; the two are paired through that step's changes);
- `turned+retyped`: both;
- `rejected`: decided to be wrong, or deleted (with one of its entities, too);
- `added`: made by hand where no suggestion was (a relation the suggesters missed).

Figures are kept per suggester (the suggestion's origin) and per suggested label, and per
day of the decision, so that a team can report how much the pre-annotation shaped the data.
Gold items made in review are left out: they settle annotators' work, not suggestions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from annotation.limits import loads_bounded
from annotation.model import HUMAN, EntityStatus
from annotation.project.store import Store

OUTCOMES = ("accepted", "resized", "relabelled", "resized+relabelled", "rejected", "added")
RELATION_OUTCOMES = ("accepted", "retyped", "turned round", "turned+retyped", "rejected", "added")
SUGGESTED = EntityStatus.SUGGESTED


@dataclass
class Tally:
    """Counts of outcomes by (suggester, label), and by day."""

    outcomes: tuple[str, ...] = OUTCOMES
    by_source: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    by_day: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, source: str, label: str, outcome: str, day: str) -> None:
        self.by_source.setdefault((source, label), Counter())[outcome] += 1
        self.by_day.setdefault(day, Counter())[outcome] += 1

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.by_source.values():
            total.update(counts)
        return total

    def offered_kept(self) -> tuple[int, int]:
        """(decided suggestions, of them kept as suggested)."""
        total = self.totals()
        return sum(total.get(o, 0) for o in self.outcomes if o != "added"), total["accepted"]

    def to_json(self) -> dict[str, Any]:
        outcomes = self.outcomes
        return {
            "outcomes": list(outcomes),
            "total": {o: self.totals().get(o, 0) for o in outcomes},
            "by_suggester": [
                {"suggester": source, "label": label, **{o: c.get(o, 0) for o in outcomes}}
                for (source, label), c in sorted(self.by_source.items())
            ],
            "by_day": [
                {"day": day, **{o: c.get(o, 0) for o in outcomes}}
                for day, c in sorted(self.by_day.items())
            ],
        }

    def format(self, noun: str = "entities") -> str:
        outcomes = self.outcomes
        width = max([len(f"{s} {lb}") for s, lb in self.by_source] + [18])
        head = f"{'suggester, label':<{width}}" + "".join(f"{o:>20}" for o in outcomes)
        lines = [head]
        for (source, label), counts in sorted(self.by_source.items()):
            lines.append(
                f"{source + ' ' + label:<{width}}"
                + "".join(f"{counts.get(o, 0):>20}" for o in outcomes)
            )
        total = self.totals()
        lines.append(f"{'all':<{width}}" + "".join(f"{total.get(o, 0):>20}" for o in outcomes))
        offered, kept = self.offered_kept()
        if offered:
            lines.append(
                f"\n{kept:,} of {offered:,} decided suggestions kept as suggested "
                f"({kept / offered:.0%}); {total.get('added', 0):,} {noun} added "
                "where nothing was suggested"
            )
        return "\n".join(lines)


@dataclass
class SuggestionUse(Tally):
    """Entity outcomes (the fields of Tally) and relation outcomes (`relations`)."""

    relations: Tally = field(default_factory=lambda: Tally(RELATION_OUTCOMES))

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "relations": self.relations.to_json()}

    def format(self, noun: str = "entities") -> str:
        return (
            f"Entities\n{super().format(noun)}\n\nRelations\n{self.relations.format('relations')}"
        )


def suggestion_use(store: Store) -> SuggestionUse:
    """Read every decision in the project and classify it (see the module docstring)."""
    first: dict[int, tuple[int, int, str, str]] = {}  # entity id -> suggested span, day
    relation_first: dict[int, tuple[dict[str, Any], str]] = {}  # relation id -> suggested row, day
    # relation id -> (the suggestion, day, relations added in the same step) at its last
    # deletion: an undone deletion may be followed by another
    removed: dict[int, tuple[dict[str, Any], str, list[dict[str, Any]]]] = {}
    for time, changes in store.db.execute(
        "SELECT time, changes FROM events WHERE kind = 'do' ORDER BY id"
    ):
        if '"suggested"' not in changes:
            continue
        try:
            changes = loads_bounded(changes, "an event's changes")
        except ValueError:
            continue  # written by another program: not a decision Sorot can classify
        added = [
            c["after"]
            for c in changes
            if c["table"] == "relations" and c["after"] and c["before"] is None
        ]
        for change in changes:
            before = change["before"]
            if not before or before.get("status") != SUGGESTED:
                continue
            if change["table"] == "entities" and before["id"] not in first:
                first[before["id"]] = (before["start"], before["end"], before["label"], time[:10])
            elif change["table"] == "relations":
                relation_first.setdefault(before["id"], (before, time[:10]))
                if change["after"] is None:
                    removed[before["id"]] = (before, time[:10], added)
    use = SuggestionUse()
    rows = store.db.execute(
        'SELECT id, start, "end", label, status, origin, updated FROM entities '
        "WHERE status != ? AND annotator IS NOT NULL",
        (SUGGESTED,),
    )
    for entity_id, start, end, label, status, origin, updated in rows:
        if origin.startswith("review:"):
            continue
        if origin == HUMAN:
            use.add(HUMAN, label, "added", updated[:10])
            continue
        s_start, s_end, s_label, day = first.get(entity_id, (start, end, label, updated[:10]))
        use.add(
            origin,
            s_label,
            _outcome(status, (start, end) != (s_start, s_end), label != s_label),
            day,
        )
    _relations(store, use.relations, relation_first, removed)
    return use


def _relations(
    store: Store,
    tally: Tally,
    first: dict[int, tuple[dict[str, Any], str]],
    removed: dict[int, tuple[dict[str, Any], str, list[dict[str, Any]]]],
) -> None:
    live = {
        row[0]: row
        for row in store.db.execute(
            "SELECT id, head, child, label, status, origin, annotator, updated FROM relations"
        )
    }
    replacing: set[int] = set()  # hand-made relations that fixed a suggestion
    for before, day, added in removed.values():
        if before["id"] in live:  # the deletion was undone
            continue
        ends = {before["head"], before["child"]}
        fix = next(
            (
                a
                for a in added
                if {a["head"], a["child"]} == ends and a["id"] in live and a["id"] not in replacing
            ),
            None,
        )
        if fix is None:
            tally.add(before["origin"], before["label"], "rejected", day)
            continue
        replacing.add(fix["id"])
        turned = (fix["head"], fix["child"]) != (before["head"], before["child"])
        tally.add(
            before["origin"],
            before["label"],
            _relation_outcome(live[fix["id"]][4], turned, live[fix["id"]][3] != before["label"]),
            day,
        )
    for rel_id, _, _, label, status, origin, annotator, updated in live.values():
        if (
            status == SUGGESTED
            or annotator is None
            or origin.startswith("review:")
            or rel_id in replacing
        ):
            continue
        if origin == HUMAN:
            tally.add(HUMAN, label, "added", updated[:10])
            continue
        suggested, day = first.get(rel_id, ({"label": label}, updated[:10]))
        tally.add(
            origin,
            suggested["label"],
            _relation_outcome(status, False, label != suggested["label"]),
            day,
        )


def _outcome(status: str, moved: bool, relabelled: bool) -> str:
    if status == EntityStatus.REJECTED:
        return "rejected"
    if moved and relabelled:
        return "resized+relabelled"
    return "resized" if moved else "relabelled" if relabelled else "accepted"


def _relation_outcome(status: str, turned: bool, retyped: bool) -> str:
    if status == EntityStatus.REJECTED:
        return "rejected"
    if turned and retyped:
        return "turned+retyped"
    return "turned round" if turned else "retyped" if retyped else "accepted"
