"""Planning for the keystroke benchmark, without Qt: the gold, what each suggestion becomes,
which keys a relation takes, and the check of the export against the gold.

Everything here is a pure function of the gold, the entities and relations the window shows
and what the window's own ranking (`annotation.view.relation_picking`) offers, so the driver
(`keystroke_drive`) only has to press what is planned and check that the window agrees.
Keys are named as strings: "L", "T", "Tab", "Return", "Down", "Up", a digit, a lower-case
letter, or "shift+a" (Shift on a hint's last letter takes the first type offered).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from annotation.model import Entity
from annotation.schema import LabelSchema
from annotation.view import relation_picking as picking
from annotation.view.spans import TokenIndex
from cli import main as cli

Span = tuple[int, int, str]
GoldRel = tuple[int, int, str]  # head and child as indexes into the gold spans, label
Prior = dict[tuple[str, str, str], int]
Key = tuple[str, str]  # (the gesture it is counted as, the key: see the module's docstring)
WHO = "researcher"
WIDE = 1_000_000  # the reach Tab gives the picker: the whole article
NEVER = 999


class Gold(NamedTuple):
    text: str
    spans: list[Span]
    relations: list[GoldRel]


class Fate(NamedTuple):
    """An entity suggestion becomes gold span `gold` by resize `steps` and a `relabel`, or
    is rejected (gold None)."""

    gold: int | None
    steps: tuple = ()
    relabel: str | None = None

    @property
    def kind(self) -> str:
        return (
            "rejected" if self.gold is None else "fixed" if self.steps or self.relabel else "right"
        )


class RelFate(NamedTuple):
    """A relation suggestion is gold relation `gold` as it is ("right"), becomes it by T
    ("fixed": the same ends, another type or direction), or is rejected (gold None)."""

    gold: GoldRel | None
    kind: str


def load_gold(path: Path, limit: int | None = None) -> list[Gold]:
    """The gold records (the JSONL `sorot import` reads): spans, relations by their spans."""
    golds = []
    for record in map(json.loads, filter(str.strip, path.read_text("utf-8").splitlines())):
        spans = [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
        at = {(s, e): i for i, (s, e, _) in enumerate(spans)}
        golds.append(
            Gold(
                record["text"],
                spans,
                [
                    (
                        at[r["head_span"]["start"], r["head_span"]["end"]],
                        at[r["child_span"]["start"], r["child_span"]["end"]],
                        r["label"],
                    )
                    for r in record.get("relations", [])
                ],
            )
        )
    return golds[:limit] if limit else golds


# -- entities ---------------------------------------------------------------------------------


def resize_path(
    tokens: TokenIndex, span: tuple[int, int], target: tuple[int, int], most: int
) -> tuple | None:
    """The resize keys (edge, step) that turn `span` into `target`, shrinking first; None
    if that takes more than `most` keys or cannot be done by whole tokens."""
    (s, e), steps = span, ()
    for edge, step in (("start", 1), ("end", -1), ("start", -1), ("end", 1)):
        while (s, e)[edge == "end"] * step < target[edge == "end"] * step:
            if tokens.resize(s, e, edge, step) == (s, e) or len(steps) >= most:
                return None
            (s, e), steps = tokens.resize(s, e, edge, step), (*steps, (edge, step))
    return steps if (s, e) == target else None


def plan_entities(
    suggestions: list, gold: list[Span], tokens: TokenIndex, most: int
) -> dict[int, Fate]:
    """Each suggestion's fate: one with a gold span's offsets becomes it (relabelled if need
    be); then, cheapest first, one that at most `most` resize and label keys turn into an
    overlapping gold span; the rest are rejected."""
    fates, free = {}, set(range(len(gold)))
    for s in suggestions:
        g = next((g for g in sorted(free) if gold[g][:2] == (s.start, s.end)), None)
        if g is not None:
            free.discard(g)
            fates[s.id] = Fate(g, (), None if gold[g][2] == s.label else gold[g][2])
    options = []
    for s in (s for s in suggestions if s.id not in fates):
        for g in (g for g in free if s.start < gold[g][1] and gold[g][0] < s.end):
            steps = resize_path(tokens, (s.start, s.end), gold[g][:2], most)
            if steps is not None and len(steps) + (s.label != gold[g][2]) <= most:
                options.append((len(steps) + (s.label != gold[g][2]), s.start, g, s, steps))
    for _, _, g, s, steps in sorted(options, key=lambda o: o[:3]):
        if s.id not in fates and g in free:
            free.discard(g)
            fates[s.id] = Fate(g, steps, None if s.label == gold[g][2] else gold[g][2])
    return {s.id: fates.get(s.id, Fate(None)) for s in suggestions}


def entity_cost(fates: dict[int, Fate], strategy: str) -> int:
    """Entity actions a strategy needs for the suggestions (drawing the missing is alike)."""
    cost = int(strategy == "accept-all")
    for f in fates.values():
        fix = len(f.steps) + bool(f.relabel)
        cost += 1 + fix if fix else 1 if strategy == "walk" else 2 * (f.gold is None)
    return cost


# -- relations --------------------------------------------------------------------------------


def same_relation(schema: LabelSchema, rel: tuple, other: tuple) -> bool:
    """Equal relations; a symmetric type's direction carries no meaning."""
    t = schema.relation(rel[2])
    return rel == other or (bool(t and t.symmetric) and (rel[1], rel[0], rel[2]) == other)


def index_of(schema: LabelSchema, options: Sequence, want: tuple) -> int | None:
    return next((i for i, o in enumerate(options) if same_relation(schema, o, want)), None)


def plan_relations(
    schema: LabelSchema, relations: list, fates: dict[int, Fate], gold: list[GoldRel]
) -> dict[int, RelFate]:
    """Each relation suggestion's fate: the gold relation it is (ends through the entity
    fates); then, for the rest, a gold relation between the same two ends that T turns it
    into; else rejected. Each gold relation is taken once."""
    ends = {
        r.id: (fates.get(r.head, Fate(None)).gold, fates.get(r.child, Fate(None)).gold)
        for r in relations
    }
    out: dict[int, RelFate] = {}
    taken: set[GoldRel] = set()
    for r in relations:
        if None not in ends[r.id]:
            g = next(
                (
                    g
                    for g in gold
                    if g not in taken and same_relation(schema, g, (*ends[r.id], r.label))
                ),
                None,
            )
            if g is not None:
                taken.add(g)
                out[r.id] = RelFate(g, "right")
    for r in (r for r in relations if r.id not in out):
        if None not in ends[r.id]:
            g = next((g for g in gold if g not in taken and {g[0], g[1]} == set(ends[r.id])), None)
            if g is not None:
                taken.add(g)
                out[r.id] = RelFate(g, "fixed")
                continue
        out[r.id] = RelFate(None, "rejected")
    return out


def relation_cost(
    rel_fates: dict[int, RelFate], relations: list, fates: dict[int, Fate], strategy: str
) -> int:
    """Relation actions a strategy needs for the relation suggestions (an estimate: a T
    takes three keys; an accepted relation is made current by three, G, a hint letter
    and ] from one of its ends). After Ctrl+Alt+A the right ones cost nothing, and one
    whose end is rejected goes with it either way."""
    walk, cost = strategy == "walk", 0
    by_id = {r.id: r for r in relations}
    for rid, rf in rel_fates.items():
        r = by_id[rid]
        gone = None in (fates.get(r.head, Fate(None)).gold, fates.get(r.child, Fate(None)).gold)
        if rf.kind == "right":
            cost += walk
        elif rf.kind == "fixed":
            cost += (1 if walk else 3) + 2
        elif not gone:
            cost += 1 if walk else 4
    return cost


def directions(
    schema: LabelSchema,
    origin: Entity,
    other: Entity,
    text: str,
    prior: Prior | None,
    retyping: str | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """The picker's two lists of types for a pair (its `_directions`): `origin` → `other`,
    and the other way round without the symmetric types; when changing a relation of type
    `retyping`, that type is left out of the first."""
    cues = picking.lexicon_cues()
    forward = picking.type_options(schema, origin, other, text, cues, prior)
    symmetric = {o[2] for o in forward if (t := schema.relation(o[2])) and t.symmetric}
    backward = [
        o
        for o in picking.type_options(schema, other, origin, text, cues, prior)
        if o[2] not in symmetric
    ]
    if retyping is not None:
        forward = [o for o in forward if o[2] != retyping]
    return forward, backward


def choose_type(schema: LabelSchema, options: Sequence, want: tuple) -> list[Key] | None:
    """Keys that take `want` from the type list shown: Enter for the first, the number up to
    the ninth, past it its first letters (as few as tell it from the others)."""
    i = index_of(schema, options, want)
    if i is None:
        return None
    if i < 9:
        return [("type first", "Return") if i == 0 else ("type number", str(i + 1))]
    labels = [o[2] for o in options]
    n = next(n for n in range(1, 40) if sum(x.startswith(want[2][:n]) for x in labels) == 1)
    return [("type letters", ch.lower()) for ch in want[2][:n]]


def type_stage(
    schema: LabelSchema, forward: list, backward: list, want: tuple
) -> tuple[bool, list[Key]] | None:
    """After the other end is picked: (Shift on the hint's last letter, the type keys).
    Shift takes the first type of the list shown first; a pair with one type and
    direction is linked at once."""
    if len(forward) + len(backward) == 1:
        return (False, []) if same_relation(schema, (forward or backward)[0], want) else None
    shown, other = (forward, backward) if forward else (backward, forward)
    if same_relation(schema, shown[0], want):
        return True, []
    if (keys := choose_type(schema, shown, want)) is not None:
        return False, keys
    if (keys := choose_type(schema, other, want)) is not None:
        return False, [("flip", "Tab"), *keys]
    return None


def retype_keys(
    schema: LabelSchema,
    relation,
    head: Entity,
    child: Entity,
    text: str,
    prior: Prior | None,
    want: tuple,
) -> list[Key] | None:
    """T, then Tab to turn it round if need be, then the type."""
    forward, backward = directions(schema, head, child, text, prior, relation.label)
    if (keys := choose_type(schema, forward, want)) is not None:
        return [("T", "T"), *keys]
    if backward and (keys := choose_type(schema, backward, want)) is not None:
        return [("T", "T"), ("flip", "Tab"), *keys]
    return None


def pick_keys(
    schema: LabelSchema,
    origin: Entity,
    other: Entity,
    entities: list[Entity],
    bounds: list[int],
    text: str,
    prior: Prior | None,
    want: tuple,
) -> list[Key] | None:
    """The cheapest keys L offers from `origin` to `other` with type `want`: L, Tab when
    `other` is beyond the neighbouring sentences (only if some entity is within them: with
    none, L does not start), its hint letters, the type. None if L cannot."""
    near = picking.pick_targets(schema, origin, entities, bounds)
    if not near:
        return None
    targets, widen = near, []
    if other.id not in [e.id for e in near]:
        targets = picking.pick_targets(schema, origin, entities, bounds, WIDE)
        widen = [("widen", "Tab")]
    ids = [e.id for e in targets]
    if other.id not in ids:
        return None
    code = picking.hint_codes(len(ids))[ids.index(other.id)]
    stage = type_stage(schema, *directions(schema, origin, other, text, prior), want)
    if stage is None:
        return None
    shift, keys = stage
    last = ("hint+type", f"shift+{code[-1]}") if shift else ("hint", code[-1])
    return [("L", "L"), *widen, *(("hint", ch) for ch in code[:-1]), last, *keys]


def list_search(texts: Sequence[str], current: int, typed: str) -> int:
    """The row a QListWidget makes current when `typed` is typed quickly into it (Qt's
    keyboardSearch: the first letter searches from the row after the current one, later
    letters extend the prefix from the current row; case-blind, wrapping round; a prefix
    that matches nothing leaves the row where it is, so a repeated letter does not step
    on)."""
    for n in range(1, len(typed) + 1):
        start = (current + 1) % len(texts) if n == 1 else current
        current = next(
            (
                row
                for row in ((start + k) % len(texts) for k in range(len(texts)))
                if texts[row].lower().startswith(typed[:n].lower())
            ),
            current,
        )
    return current


def list_keys(texts: Sequence[str], current: int, want: int) -> list[Key]:
    """The fewest keys that make row `want` current in a list: Down or Up, or the first
    letters of its text (which the list jumps to)."""
    arrows = ["Down" if want > current else "Up"] * abs(want - current)
    word = texts[want].split()[0] if texts[want].split() else ""
    tries = [word[:n] for n in range(1, len(word) + 1)]
    typed = [t for t in tries if t and list_search(texts, current, t) == want]
    best = min(typed, key=len) if typed else None
    if best is not None and len(best) < len(arrows):
        return [("list letters", ch.lower()) for ch in best]
    return [("list key", a) for a in arrows]


# -- the export -------------------------------------------------------------------------------


def check_export(project: Path, golds: list[Gold], schema: LabelSchema) -> list[str]:
    """Export with `sorot export`; every article must equal its gold. Returns differences."""
    out = project.with_suffix(".jsonl")
    with contextlib.redirect_stdout(sys.stderr):
        cli.run(["export", str(project), str(out)])
    records = {
        r["text"]: r
        for r in map(json.loads, out.read_text("utf-8").splitlines())
        if r.get("_annotator_id") == WHO
    }

    def norm(h: dict, c: dict, label: str) -> tuple:
        ends = [(h["start"], h["end"]), (c["start"], c["end"])]
        return (*(sorted(ends) if schema.relation(label).symmetric else ends), label)

    problems = []
    for n, gold in enumerate(golds, 1):
        record = records.get(gold.text, {"spans": [], "relations": []})
        as_dict = [{"start": s, "end": e} for s, e, _ in gold.spans]
        for what, want, have in (
            (
                "entities",
                set(gold.spans),
                {(s["start"], s["end"], s["label"]) for s in record["spans"]},
            ),
            (
                "relations",
                {norm(as_dict[h], as_dict[c], lab) for h, c, lab in gold.relations},
                {norm(x["head_span"], x["child_span"], x["label"]) for x in record["relations"]},
            ),
        ):
            if have != want:
                problems.append(
                    f"article {n}: {what} missing {sorted(want - have)}, "
                    f"extra {sorted(have - want)}"
                )
    return problems
