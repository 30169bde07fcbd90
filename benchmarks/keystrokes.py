"""Keystroke benchmark: the keys and clicks an efficient researcher needs to reach a gold file.

    .venv/bin/python benchmarks/keystrokes.py GOLD.jsonl [--limit N] [--json]
        [--strategy cheapest|walk|accept-all]

The gold texts go without their annotations into a fresh project in a temporary folder by
`sorot import`, which suggests for them before the window opens, so a run is deterministic.
The real window is then driven offscreen, article by article, with real key and mouse events
until it holds the gold exactly. A key press, click, drag (Alt-drag too) or scroll is one
action, charged to entities or relations (making an end current counts for the relation).
`sorot export` then writes the project, and every article must equal its gold, or the
differences are listed and the exit code is 1. Strategies: "walk" Tab-walks the suggestions,
one key each; "accept-all" presses Ctrl+Alt+A and fixes the wrong ones; "cheapest" (default)
takes, per article, the one with fewer entity actions. The planner knows the gold and reads
what the window shows (hint letters, type order, the relation dialog's rows); the project is
only ever changed by the window's gestures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor, QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotation import cli  # noqa: E402
from annotation import relation_picking as picking  # noqa: E402
from annotation.settings import Settings  # noqa: E402
from annotation.spans import TokenIndex  # noqa: E402
from gui.article_controller import Item  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

Span = tuple[int, int, str]
GoldRel = tuple[int, int, str]  # head and child as indexes into the gold spans, label
RESIZE = {("end", 1): (Qt.Key_Right, Qt.ShiftModifier),
          ("end", -1): (Qt.Key_Left, Qt.ShiftModifier),
          ("start", -1): (Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier),
          ("start", 1): (Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)}
SUGGESTED, ACCEPTED, NEVER, WHO = "suggested", "accepted", 999, "researcher"


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
        return "rejected" if self.gold is None else "fixed" if self.steps or self.relabel \
            else "right"


def load_gold(path: Path, limit: int | None = None) -> list[Gold]:
    """The gold records (the JSONL `sorot import` reads): spans, relations by their spans."""
    golds = []
    for record in map(json.loads, filter(str.strip, path.read_text("utf-8").splitlines())):
        spans = [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
        at = {(s, e): i for i, (s, e, _) in enumerate(spans)}
        golds.append(Gold(record["text"], spans, [(
            at[r["head_span"]["start"], r["head_span"]["end"]],
            at[r["child_span"]["start"], r["child_span"]["end"]], r["label"])
            for r in record.get("relations", [])]))
    return golds[:limit] if limit else golds


def resize_path(tokens: TokenIndex, span: tuple[int, int], target: tuple[int, int],
                most: int) -> tuple | None:
    """The resize keys (edge, step) that turn `span` into `target`, shrinking first; None
    if that takes more than `most` keys or cannot be done by whole tokens."""
    (s, e), steps = span, ()
    for edge, step in (("start", 1), ("end", -1), ("start", -1), ("end", 1)):
        while (s, e)[edge == "end"] * step < target[edge == "end"] * step:
            if tokens.resize(s, e, edge, step) == (s, e) or len(steps) >= most:
                return None
            (s, e), steps = tokens.resize(s, e, edge, step), (*steps, (edge, step))
    return steps if (s, e) == target else None


def plan_entities(suggestions: list, gold: list[Span], tokens: TokenIndex,
                  most: int) -> dict[int, Fate]:
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


def same_relation(schema, rel: tuple, other: tuple) -> bool:
    """Equal relations; a symmetric type's direction carries no meaning."""
    t = schema.relation(rel[2])
    return rel == other or (bool(t and t.symmetric) and (rel[1], rel[0], rel[2]) == other)


def index_of(schema, options: list, want: tuple) -> int | None:
    return next((i for i, o in enumerate(options) if same_relation(schema, o, want)), None)


class Researcher:
    """Drives the window with real events and counts every action by what it served."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self.app, self.window = app, window
        self.actions: Counter = Counter()  # (entity|relation|link|article, gesture) -> n
        self.outcome: Counter = Counter()  # (entity|relation, right|fixed|...) -> n
        self.strategies: Counter = Counter()
        self.notes: Counter = Counter()  # moments the window made awkward

    c = property(lambda self: self.window.pane.controller)
    view = property(lambda self: self.window.pane.view)

    def activate(self) -> None:
        """Focus the window, as a window manager does (offscreen, also after a dialog)."""
        self.window.activateWindow()
        deadline = time.perf_counter() + 10
        while QApplication.activeWindow() is not self.window and time.perf_counter() < deadline:
            self.app.processEvents()
        self.view.setFocus()

    def key(self, kind: str, gesture: str, key, mods=Qt.NoModifier) -> None:
        QTest.keyClick(self.view, key, mods)
        self.app.processEvents()
        self.actions[kind, gesture] += 1

    def letters(self, kind: str, gesture: str, text: str) -> None:
        for ch in text:
            self.key(kind, gesture, getattr(Qt, f"Key_{ch.upper()}"))

    def label_key(self, label: str) -> None:
        hotkey = self.window.workspace.schema.entity(label).hotkey
        self.key("entity", "label", getattr(Qt, f"Key_{hotkey}"))

    def caret(self, offset: int):
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self.view.offsets.to_qt(offset))
        return self.view.cursorRect(cursor)

    def reveal(self, kind: str, start: int, end: int) -> None:
        """Turn the wheel until [start, end) is in sight: one gesture, one action."""
        bar, viewport = self.view.verticalScrollBar(), self.view.viewport()
        first = bar.value()
        for _ in range(200):
            top, bottom, before = self.caret(start).top(), self.caret(end).bottom(), bar.value()
            if top >= 0 and bottom <= viewport.height():
                break
            at = QPointF(viewport.rect().center())
            QApplication.sendEvent(viewport, QWheelEvent(
                at, viewport.mapToGlobal(at), QPoint(), QPoint(0, 120 - 240 * (top >= 0)),
                Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))
            self.app.processEvents()
            if bar.value() == before:
                break
        if bar.value() != first:
            self.actions[kind, "scroll"] += 1

    def inside(self, entity) -> QPoint:
        """A viewport point on the entity's first character."""
        a, b = self.caret(entity.start).center(), self.caret(entity.start + 1).center()
        at = QPoint((a.x() + b.x()) // 2, a.y()) if a.y() == b.y() else a + QPoint(2, 0)
        if self.view.entity_at(at) != entity.id:
            raise RuntimeError(f"cannot point at entity {entity.id} at {at}")
        return at

    def in_sight(self, entity) -> bool:
        """Well in sight: away from the edges, where pressing on it could scroll the view
        (unless the view is scrolled as far as it goes that way)."""
        rect, height = self.caret(entity.start), self.view.viewport().height()
        bar, margin = self.view.verticalScrollBar(), height // 5
        return rect.top() >= 0 and rect.bottom() <= height and \
            (rect.top() >= margin or bar.value() == 0) and \
            (rect.bottom() + margin <= height or bar.value() == bar.maximum())

    def click(self, kind: str, entity) -> None:
        self.reveal(kind, entity.start, entity.end)
        QTest.mouseClick(self.view.viewport(), Qt.LeftButton, Qt.NoModifier, self.inside(entity))
        self.app.processEvents()
        self.actions[kind, "click"] += 1

    def drag(self, kind: str, gesture: str, press: QPoint, release: QPoint, mods=Qt.NoModifier):
        viewport = self.view.viewport()
        QTest.mousePress(viewport, Qt.LeftButton, mods, press)
        QTest.mouseMove(viewport, release)
        QTest.mouseRelease(viewport, Qt.LeftButton, mods, release)
        self.app.processEvents()
        self.actions[kind, gesture] += 1

    def select(self, start: int, end: int) -> None:
        """Select [start, end) with one drag: by tokens, or with Alt by character where the
        span is not whole tokens or the press would land on an entity."""
        self.reveal("entity", start, end)
        press = self.caret(start).center() + QPoint(1, 0)
        tokens = self.c.tokens.snap(start, end) == (start, end) and \
            self.view.entity_at(press) is None
        self.drag("entity", "drag" if tokens else "alt-drag", press,
                  self.caret(end).center() - QPoint(1, 0),
                  Qt.NoModifier if tokens else Qt.AltModifier)
        if self.view.selected_span() != (start, end):
            raise RuntimeError(f"drag selected {self.view.selected_span()}, not {(start, end)}")

    def make_current(self, kind: str, item: Item) -> None:
        """Tab when the item is next in the walk (as often as need be for a relation),
        else a click on the entity."""
        c = self.c
        if c.current == item:
            return
        items, here = c.open_items(), c._reading_position(c.current)
        ahead = [i for i in items if c._reading_position(i) > here]
        tabs = (ahead + [i for i in items if i not in ahead]).index(item) + 1 \
            if item in items else NEVER
        if tabs == 1 or (item.kind == "relation" and tabs < NEVER):
            for _ in range(tabs):
                self.key(kind, "tab", Qt.Key_Tab)
        else:
            self.click(kind, c.entity(item.id))
        assert c.current == item, (c.current, item)


class Article:
    """The plan for the open article, carried out in reading order."""

    def __init__(self, r: Researcher, gold: Gold, strategy: str) -> None:
        self.r, self.c, self.gold, self.schema = r, r.c, gold, r.window.workspace.schema
        suggested = [e for e in self.c.entities if e.status == SUGGESTED]
        # A fix costs a Tab (walk) or a click (accept-all) besides its keys.
        fates = {s: plan_entities(suggested, gold.spans, self.c.tokens, 2 if s == "walk" else 3)
                 for s in ("walk", "accept-all")}
        if strategy == "cheapest":
            strategy = min(fates, key=lambda s: entity_cost(fates[s], s))
        self.strategy, self.fates = strategy, fates[strategy]
        r.strategies[strategy] += 1
        r.outcome.update(("entity", f.kind) for f in self.fates.values())
        r.outcome["entity", "missing"] += len(gold.spans) - len(
            [f for f in self.fates.values() if f.gold is not None])
        self.rel_plan: dict[int, GoldRel | None] = {}  # relation suggestion -> gold
        for rel in self.c.relations:
            h, ch = self.fates.get(rel.head, Fate(None)), self.fates.get(rel.child, Fate(None))
            self.rel_plan[rel.id] = None if None in (h.gold, ch.gold) else next((
                g for g in gold.relations if g not in self.rel_plan.values()
                and same_relation(self.schema, g, (h.gold, ch.gold, rel.label))), None)
            r.outcome["relation", "right" if self.rel_plan[rel.id] else "rejected"] += 1
        r.outcome["relation", "missing"] += len(gold.relations) - len(
            [m for m in self.rel_plan.values() if m])

    def gold_entity(self, g: int):
        """The entity shown with gold span `g`'s offsets and label (suggested or not)."""
        return next((e for e in self.c.entities
                     if (e.start, e.end, e.label) == self.gold.spans[g]), None)

    def present(self, g: GoldRel) -> bool:
        h, ch = self.gold_entity(g[0]), self.gold_entity(g[1])
        return bool(h and ch) and any(r.status == ACCEPTED and same_relation(
            self.schema, (h.id, ch.id, g[2]), (r.head, r.child, r.label)) for r in self.c.relations)

    def needed(self, entity=None) -> list[GoldRel]:
        """Gold relations (of `entity`) to add by hand now: both ends shown with their gold
        span and label, and no open suggestion that is this relation."""
        coming = {self.rel_plan.get(r.id) for r in self.c.relations if r.status == SUGGESTED}
        out = []
        for g in (g for g in self.gold.relations if g not in coming and not self.present(g)):
            ends = {e.id for e in (self.gold_entity(g[0]), self.gold_entity(g[1])) if e}
            if len(ends) == 2 and (entity is None or entity.id in ends):
                out.append(g)
        return out

    def missing(self) -> list[Span]:
        """Gold spans that no entity shown is, or is planned to become: to be drawn."""
        coming = {self.fates[e.id].gold for e in self.c.entities if e.id in self.fates}
        return [s for i, s in enumerate(self.gold.spans)
                if i not in coming and self.gold_entity(i) is None]

    def run(self) -> None:
        if self.strategy == "accept-all" and self.fates:
            self.r.key("entity", "accept all", Qt.Key_A, Qt.ControlModifier | Qt.AltModifier)
        seen: Counter = Counter()
        while (task := self.next_task()) is not None:
            seen[task[0], getattr(task[1], "id", task[1])] += 1
            if max(seen.values()) > 3:
                raise RuntimeError(f"stuck on {task}")
            self.do(*task)
        if self.c.open_items() or self.needed():
            raise RuntimeError(f"left open: {self.c.open_items()}, {self.needed()}")

    def next_task(self) -> tuple | None:
        """The next thing in reading order: an entity suggestion to settle, a span to draw,
        a relation suggestion to decide, a relation to add (at its later end)."""
        tasks, missing = [], self.missing()
        for e in self.c.entities:
            fate = self.fates.get(e.id)
            if fate is None or (e.status == ACCEPTED and fate.gold is not None and (
                    e.start, e.end, e.label) == self.gold.spans[fate.gold]):
                continue
            if e.status == SUGGESTED and fate.gold is None and any(
                    s < e.end and e.start < t for s, t, _ in missing):
                continue  # drawing the gold span over it rejects it
            tasks.append(((e.start, 0, e.end), "entity", e))
        tasks += [((g[0], 0, g[1]), "draw", g) for g in missing]
        tasks += [((max(self.gold.spans[g[0]][0], self.gold.spans[g[1]][0]), 1, -1), "link", g)
                  for g in self.needed()]
        starts = {e.id: e.start for e in self.c.entities}
        tasks += [((max(starts[r.head], starts[r.child]), 1, r.id), "relation", r)
                  for r in self.c.relations if r.status == SUGGESTED]
        return min(tasks, key=lambda t: t[0])[1:] if tasks else None

    def do(self, what: str, thing) -> None:
        r, c = self.r, self.c
        if what == "relation":
            r.make_current("relation", Item("relation", thing.id))
            right = self.rel_plan.get(thing.id) is not None
            r.key("relation", "accept" if right else "reject", Qt.Key_Return if right else Qt.Key_X)
        elif what == "link":
            self.add_relation(thing)
        elif what == "draw":
            self.clear_way(thing[:2], None)
            r.select(thing[0], thing[1])
            r.label_key(thing[2])
            entity = c.current_entity()
            assert entity and (entity.start, entity.end, entity.label) == thing, entity
            self.link_all(entity)
        elif (fate := self.fates[thing.id]).gold is None:
            r.make_current("entity", Item("entity", thing.id))
            r.key("entity", "reject", Qt.Key_X)
        elif fate.kind == "right":
            r.make_current("entity", Item("entity", thing.id))
            if self.needed(thing):
                self.link_all(thing)  # linking accepts it
            else:
                r.key("entity", "accept", Qt.Key_Return)
        else:
            target = self.gold.spans[fate.gold]
            self.clear_way(target[:2], thing.id)
            r.make_current("entity", Item("entity", thing.id))
            for step in fate.steps:
                r.key("entity", "resize", *RESIZE[step])
            if fate.relabel:
                r.label_key(fate.relabel)
                if c.entity(thing.id).label != fate.relabel:
                    self.unblock_relabel(thing, fate.relabel)
            if (c.entity(thing.id).start, c.entity(thing.id).end, c.entity(thing.id).label) \
                    != target:
                raise RuntimeError(f"fixing {thing} did not reach {target}")
            self.link_all(c.entity(thing.id))

    def clear_way(self, span: tuple[int, int], keep: int | None) -> None:
        """Settle first what overlaps a span about to be drawn or resized into: accepted
        entities wrong there, and suggestions planned to become other gold spans (the draw
        or resize rejects the rest itself)."""
        while blocking := [e for e in self.c.entities if e.id != keep and e.id in self.fates
                           and e.start < span[1] and span[0] < e.end
                           and (e.status == ACCEPTED or self.fates[e.id].gold is not None)]:
            self.do("entity", blocking[0])

    def unblock_relabel(self, e, label: str) -> None:
        """A relation suggestion the new label does not allow blocks relabelling: reject it
        (Tab to it, X), come back and press the label again."""
        self.r.notes["relabel blocked by a relation suggestion of the old label"] += 1
        for rel in [x for x in self.c.relations if x.status == SUGGESTED
                    and e.id in (x.head, x.child)]:
            ends = [label if i == e.id else self.c.entity(i).label for i in (rel.head, rel.child)]
            if not self.schema.relation(rel.label).allows(*ends):
                self.r.make_current("entity", Item("relation", rel.id))
                self.r.key("entity", "reject", Qt.Key_X)
        self.r.make_current("entity", Item("entity", e.id))
        self.r.label_key(label)

    # -- adding relations -------------------------------------------------------------------

    def link_all(self, entity) -> None:
        for g in self.needed(entity):
            self.add_relation(g)

    def add_relation(self, g: GoldRel) -> None:
        """The cheapest way to add `g`: L from either end, a drag between two ends in sight,
        or R's list when the other end is out of L's reach."""
        r, h, ch = self.r, self.gold_entity(g[0]), self.gold_entity(g[1])
        want = (h.id, ch.id, g[2])
        ways = [(cost(a, b, want), how, a, b) for a, b in ((h, ch), (ch, h))
                for how, cost in (("L", self.link_cost), ("drag", self.drag_cost))]
        _, how, a, b = min(ways, key=lambda w: w[0])
        if how == "drag":
            self.through_dialog(lambda: r.drag("link", "drag", r.inside(a), r.inside(b)),
                                want, dragged=True)
        elif b.id in {e.id for e in self.reach(a)}:
            r.make_current("link", Item("entity", a.id))
            self.pick(b, want)
        else:
            r.make_current("link", Item("entity", a.id))
            r.notes["relation end out of L's reach: R's list"] += 1
            self.through_dialog(lambda: r.key("link", "R", Qt.Key_R), want)
        if not self.present(g):
            raise RuntimeError(f"{g} not added by {how}: {r.window.statusBar().currentMessage()}")

    def reach(self, entity) -> list:
        """The entities L offers from `entity`, nearest first (as the picker finds them)."""
        c = self.c
        bounds = picking.sentence_bounds(c.article.text, c.tokens.starts, c.tokens.ends)
        return picking.pick_targets(self.schema, c.entity(entity.id), c.linkable(), bounds)

    def link_cost(self, a, b, want: tuple) -> int:
        """Make `a` current, L, `b`'s letters, the type (in the picker's order); R's list,
        when `b` is out of reach, is taken as 6."""
        cost, reach = int(self.c.current != Item("entity", a.id)), [e.id for e in self.reach(a)]
        if b.id not in reach:
            return cost + 6
        cost += 1 + len(picking.hint_codes(len(reach))[reach.index(b.id)])
        text, cues = self.c.article.text, picking.lexicon_cues()
        forward = picking.type_options(self.schema, a, b, text, cues)
        symmetric = {o[2] for o in forward if self.schema.relation(o[2]).symmetric}
        backward = [o for o in picking.type_options(self.schema, b, a, text, cues)
                    if o[2] not in symmetric]
        if len(forward) + len(backward) == 1:
            return cost
        for flips, options in enumerate((forward, backward) if forward else (backward,)):
            if (at := index_of(self.schema, options, want)) is not None:
                return cost + flips + (1 if at < 9 else 3)
        return cost + 6

    def drag_cost(self, a, b, want: tuple) -> int:
        """A drag from `a` to `b`, Down to the type, Enter; only with both well in sight."""
        if not (self.r.in_sight(a) and self.r.in_sight(b)):
            return NEVER
        [(_, types)] = picking.candidate_rows(self.schema, a, [b], self.c.article.text)
        return 2 + index_of(self.schema, types, want)

    def pick(self, other, want: tuple) -> None:
        """L, the other end's letters, then the type: Enter for the first, else its number
        (Tab first to flip the direction), its first letters past the ninth."""
        r, picker = self.r, self.r.window.pane.picker
        r.key("link", "L", Qt.Key_L)
        code = next((k for k, i in picker.hints.items() if i == other.id), None)
        if code is None:
            raise RuntimeError(f"no hint on {other} (stage {picker.stage})")
        r.letters("link", "hint", code)
        if picker.stage != "type":
            return  # one type and direction only: added at once
        if index_of(self.schema, picker.options, want) is None:
            r.key("link", "flip", Qt.Key_Tab)
        if (i := index_of(self.schema, picker.options, want)) is None:
            raise RuntimeError(f"the picker does not offer {want}: {picker.options}")
        if i < 9:
            r.key("link", "type first" if i == 0 else "type number",
                  Qt.Key_Return if i == 0 else getattr(Qt, f"Key_{i + 1}"))
        else:
            labels = [o[2] for o in picker.options]
            r.letters("link", "type letters", want[2][:next(
                n for n in range(1, 30) if sum(x.startswith(want[2][:n]) for x in labels) == 1)])

    def through_dialog(self, opener, want: tuple, dragged: bool = False) -> None:
        """Open the relation dialog (R, or a drag) and take `want` with the fewest keys: a
        filter (tried by setting its text, without events), Down or Up, Enter, Down to the
        type, Enter. A drag's dialog starts in the type list."""
        r, failed, schema = self.r, [], self.schema
        names = " ".join(self.c.surface(self.c.entity(i)).lower() for i in want[:2])
        tries = {w[:n] for w in names.split() for n in range(1, len(w) + 1)} | {""}
        tries |= {f"{t} {want[2][:n].lower()}".strip() for t in tries for n in range(1, 5)}

        def keys(dialog, typed: str) -> list:
            out, types = [], dialog._types
            if not dragged:
                dialog._filter.setText(typed)
                rows = [i for i in range(dialog._entities.count())
                        if not dialog._entities.item(i).isHidden()]
                here, row = dialog._entities.currentRow(), next((i for i in rows if index_of(
                    schema, [o for _, o in dialog._rows[i][1]], want) is not None), None)
                if row is None or here not in rows:
                    return [None] * NEVER
                out = [(dialog._filter, None, ch) for ch in typed] + [
                    (dialog._filter, Qt.Key_Down if row > here else Qt.Key_Up, "")] * abs(
                    rows.index(row) - rows.index(here)) + [(dialog._filter, Qt.Key_Return, "")]
                dialog._entities.setCurrentRow(row)
            elif typed:
                return [None] * NEVER
            at = index_of(schema, [types.item(i).data(Qt.UserRole)
                                   for i in range(types.count())], want)
            if at is None:
                return [None] * NEVER
            return out + ([(types, Qt.Key_Down, "")] * at + [(types, Qt.Key_Return, "")]
                          if types.count() > 1 or dragged else [])

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            try:
                best = min((keys(dialog, t) for t in sorted(tries)), key=len)
                dialog._filter.setText("")
                for widget, key, text in best:
                    QTest.keyClick(widget, key) if not text else QTest.keyClicks(widget, text)
                    r.actions["link", "filter" if text else "list key"] += 1
            except Exception as exc:  # noqa: BLE001 (raised once the dialog is gone)
                failed.append(exc)
                if dialog is not None:
                    dialog.reject()

        QTimer.singleShot(0, answer)
        opener()
        r.activate()
        if failed:
            raise RuntimeError(f"the relation dialog does not offer {want}") from failed[0]


def check_export(project: Path, golds: list[Gold], schema) -> list[str]:
    """Export with `sorot export`; every article must equal its gold. Returns differences."""
    out = project.with_suffix(".jsonl")
    with contextlib.redirect_stdout(sys.stderr):
        cli.run(["export", str(project), str(out)])
    records = {r["text"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())
               if r.get("_annotator_id") == WHO}

    def norm(h: dict, c: dict, label: str) -> tuple:
        ends = [(h["start"], h["end"]), (c["start"], c["end"])]
        return (*(sorted(ends) if schema.relation(label).symmetric else ends), label)
    problems = []
    for n, gold in enumerate(golds, 1):
        record = records.get(gold.text, {"spans": [], "relations": []})
        as_dict = [{"start": s, "end": e} for s, e, _ in gold.spans]
        for what, want, have in (
                ("entities", set(gold.spans),
                 {(s["start"], s["end"], s["label"]) for s in record["spans"]}),
                ("relations", {norm(as_dict[h], as_dict[c], lab) for h, c, lab in gold.relations},
                 {norm(x["head_span"], x["child_span"], x["label"])
                  for x in record["relations"]})):
            if have != want:
                problems.append(f"article {n}: {what} missing {sorted(want - have)}, "
                                f"extra {sorted(have - want)}")
    return problems


def run(gold_path: Path, limit: int | None = None, strategy: str = "cheapest") -> dict:
    """Run the benchmark and return its figures; SystemExit lists any difference."""
    began, golds = time.perf_counter(), load_gold(gold_path, limit)
    if len({g.text for g in golds}) != len(golds):
        raise SystemExit(f"{gold_path}: two records have the same text")
    work = Path(tempfile.mkdtemp(prefix="sorot-keystrokes-"))
    os.environ["SOROT_CONFIG_DIR"] = os.environ["SOROT_DATA_DIR"] = str(work)
    texts, project = work / "texts.jsonl", work / "bench.sorot"
    texts.write_text("".join(json.dumps({"text": g.text}, ensure_ascii=False) + "\n"
                             for g in golds), encoding="utf-8")
    with contextlib.redirect_stdout(sys.stderr):  # `sorot import` suggests as well
        if cli.run(["import", str(project), str(texts), "--annotator", "importer"]):
            raise SystemExit("sorot import failed")
    app = QApplication.instance() or QApplication([])
    window = MainWindow(Settings(annotator=WHO), suggestions=False)
    window.open_project(project)
    window.resize(1600, 1000)
    window.show()
    schema = window.workspace.schema
    unknown = {lab for g in golds for *_, lab in g.spans if schema.entity(lab) is None} | {
        lab for g in golds for *_, lab in g.relations if schema.relation(lab) is None}
    if unknown:
        raise SystemExit(f"labels not in the project's schema: {', '.join(sorted(unknown))}")
    r = Researcher(app, window)
    r.activate()
    by_text = {g.text: g for g in golds}
    for _ in golds:
        Article(r, by_text[r.c.article.text], strategy).run()
        r.key("article", "done", Qt.Key_Return, Qt.ControlModifier)
    window.close()
    if problems := check_export(project, golds, schema):
        raise SystemExit(f"the project ({project}) does not equal the gold:\n"
                         + "\n".join(problems))
    shutil.rmtree(work, ignore_errors=True)
    spent = Counter()
    for (kind, _), n in r.actions.items():
        spent[{"link": "relation"}.get(kind, kind)] += n
    ents, rels = sum(len(g.spans) for g in golds), sum(len(g.relations) for g in golds)
    added = sum(n for (k, _), n in r.actions.items() if k == "link")
    return {
        "articles": len(golds), "gold_entities": ents, "gold_relations": rels,
        "actions": {"entities": spent["entity"], "relations": spent["relation"],
                    "done": spent["article"], "total": sum(spent.values())},
        "per_gold_entity": round(spent["entity"] / max(ents, 1), 3),
        "per_gold_relation": round(spent["relation"] / max(rels, 1), 3),
        "per_relation_added": round(added / max(r.outcome["relation", "missing"], 1), 3),
        "per_gold_item": round(sum(spent.values()) / max(ents + rels, 1), 3),
        **{f"{kind}_suggestions": {k: r.outcome[kind, k]
                                   for k in ("right", "fixed", "rejected", "missing")}
           for kind in ("entity", "relation")},
        "gestures": {f"{kind} {g}": n for (kind, g), n in sorted(r.actions.items())},
        "strategies": dict(r.strategies), "notes": dict(r.notes),
        "seconds": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--strategy", choices=["cheapest", "walk", "accept-all"],
                        default="cheapest")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    f = run(args.gold, args.limit, args.strategy)
    if args.json:
        print(json.dumps(f, ensure_ascii=False, indent=2))
        return
    a = f["actions"]
    print(f"{f['articles']} articles, {f['gold_entities']} gold entities, "
          f"{f['gold_relations']} gold relations ({f['seconds']} s)\n"
          f"actions: entities {a['entities']} ({f['per_gold_entity']} per gold entity), "
          f"relations {a['relations']} ({f['per_gold_relation']} per gold relation; "
          f"{f['per_relation_added']} per relation added by hand), Ctrl+Enter {a['done']}; "
          f"total {a['total']} ({f['per_gold_item']} per gold entity or relation)")
    for kind in ("entity", "relation"):
        s = f[f"{kind}_suggestions"]
        print(f"{kind} suggestions: {s['right']} right as shown, {s['fixed']} fixed, "
              f"{s['rejected']} rejected; {s['missing']} missing (added by hand)")
    for name in ("strategies", "gestures", "notes"):
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in f[name].items()))


if __name__ == "__main__":
    main()
