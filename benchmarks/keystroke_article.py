"""The keystroke benchmark's plan for one open article, carried out in reading order.

The planner knows the gold and reads what the window shows; each gesture's keys come from
keystroke_plan, and after the keys the window must hold what was planned, or the run
stops with what went wrong.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotation.project.stats import relation_type_counts
from annotation.view import relation_picking as picking
from benchmarks import keystroke_plan as plan
from benchmarks.keystroke_drive import NEVER, RESIZE, Peek, Researcher, qt_key
from benchmarks.keystroke_plan import Fate, Gold, GoldRel, RelFate, Span
from gui.article.controller import Item

SUGGESTED, ACCEPTED = "suggested", "accepted"
R_GUESS = 6  # keys R's list is taken to need, where L cannot start


class Article:
    """The plan for the open article, carried out in reading order."""

    def __init__(self, r: Researcher, gold: Gold, strategy: str) -> None:
        self.r, self.c, self.gold, self.schema = r, r.c, gold, r.window.workspace.schema
        suggested = [e for e in self.c.entities if e.status == SUGGESTED]
        relations = [x for x in self.c.relations if x.status == SUGGESTED]
        # A fix costs a Tab (walk) or a click (accept-all) besides its keys.
        fates = {
            s: plan.plan_entities(suggested, gold.spans, self.c.tokens, 2 if s == "walk" else 3)
            for s in ("walk", "accept-all")
        }
        rel_fates = {
            s: plan.plan_relations(self.schema, relations, fates[s], gold.relations) for s in fates
        }
        if strategy == "cheapest":
            strategy = min(
                fates,
                key=lambda s: (
                    plan.entity_cost(fates[s], s)
                    + plan.relation_cost(rel_fates[s], relations, fates[s], s)
                ),
            )
        self.strategy, self.fates, self.rel_plan = strategy, fates[strategy], rel_fates[strategy]
        r.strategies[strategy] += 1
        r.outcome.update(("entity", f.kind) for f in self.fates.values())
        r.outcome["entity", "missing"] += len(gold.spans) - len(
            [f for f in self.fates.values() if f.gold is not None]
        )
        r.outcome.update(("relation", f.kind) for f in self.rel_plan.values())
        r.outcome["relation", "missing"] += len(gold.relations) - len(
            [f for f in self.rel_plan.values() if f.gold is not None]
        )

    def gold_entity(self, g: int):
        """The entity shown with gold span `g`'s offsets and label (suggested or not)."""
        return next(
            (e for e in self.c.entities if (e.start, e.end, e.label) == self.gold.spans[g]), None
        )

    def is_gold(self, relation, g: GoldRel | None) -> bool:
        h, ch = (self.gold_entity(g[0]), self.gold_entity(g[1])) if g else (None, None)
        return bool(h and ch) and plan.same_relation(
            self.schema, (h.id, ch.id, g[2]), (relation.head, relation.child, relation.label)
        )

    def present(self, g: GoldRel) -> bool:
        return any(x.status == ACCEPTED and self.is_gold(x, g) for x in self.c.relations)

    def pending(self, relation) -> bool:
        """A suggested relation still to decide, or one Ctrl+Alt+A accepted that is wrong."""
        fate = self.rel_plan.get(relation.id)
        if fate is None:
            return False  # added here
        return relation.status == SUGGESTED or (
            fate.kind != "right" and not self.is_gold(relation, fate.gold)
        )

    def needed(self, entity=None) -> list[GoldRel]:
        """Gold relations (of `entity`) to add by hand now: both ends shown with their gold
        span and label, and no relation shown that is to become it."""
        coming = {self.rel_plan[x.id].gold for x in self.c.relations if self.pending(x)}
        out = []
        for g in (g for g in self.gold.relations if g not in coming and not self.present(g)):
            ends = {e.id for e in (self.gold_entity(g[0]), self.gold_entity(g[1])) if e}
            if len(ends) == 2 and (entity is None or entity.id in ends):
                out.append(g)
        return out

    def missing(self) -> list[Span]:
        """Gold spans that no entity shown is, or is planned to become: to be drawn."""
        coming = {self.fates[e.id].gold for e in self.c.entities if e.id in self.fates}
        return [
            s
            for i, s in enumerate(self.gold.spans)
            if i not in coming and self.gold_entity(i) is None
        ]

    def run(self) -> None:
        if self.strategy == "accept-all" and (self.fates or self.rel_plan):
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
        a relation to decide or fix, a relation to add (at its later end)."""
        tasks, missing = [], self.missing()
        for e in self.c.entities:
            fate = self.fates.get(e.id)
            if fate is None or (
                e.status == ACCEPTED
                and fate.gold is not None
                and (e.start, e.end, e.label) == self.gold.spans[fate.gold]
            ):
                continue
            if (
                e.status == SUGGESTED
                and fate.gold is None
                and any(s < e.end and e.start < t for s, t, _ in missing)
            ):
                continue  # drawing the gold span over it rejects it
            tasks.append(((e.start, 0, e.end), "entity", e))
        tasks += [((g[0], 0, g[1]), "draw", g) for g in missing]
        tasks += [
            ((max(self.gold.spans[g[0]][0], self.gold.spans[g[1]][0]), 1, -1), "link", g)
            for g in self.needed()
        ]
        starts = {e.id: e.start for e in self.c.entities}
        tasks += [
            ((max(starts[x.head], starts[x.child]), 1, x.id), "relation", x)
            for x in self.c.relations
            if self.pending(x)
        ]
        return min(tasks, key=lambda t: t[0])[1:] if tasks else None

    def do(self, what: str, thing) -> None:
        r, c = self.r, self.c
        if what == "relation":
            self.decide(thing)
        elif what == "link":
            self.add_relation(thing)
        elif what == "draw":
            self.clear_way(thing[:2], None)
            r.keyboard_select(thing[0], thing[1])
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
            if (
                c.entity(thing.id).start,
                c.entity(thing.id).end,
                c.entity(thing.id).label,
            ) != target:
                raise RuntimeError(f"fixing {thing} did not reach {target}")
            self.link_all(c.entity(thing.id))

    def decide(self, relation) -> None:
        """Enter a right suggestion, X a wrong one, T one with the right ends."""
        r, fate = self.r, self.rel_plan[relation.id]
        r.make_current("relation", Item("relation", relation.id))
        if fate.kind == "right" and relation.status == SUGGESTED:
            r.key("relation", "accept", Qt.Key_Return)
            return
        if fate.kind == "fixed":
            g = fate.gold
            want = (self.gold_entity(g[0]).id, self.gold_entity(g[1]).id, g[2])
            head, child = self.c.entity(relation.head), self.c.entity(relation.child)
            keys = plan.retype_keys(
                self.schema,
                relation,
                head,
                child,
                self.c.article.text,
                Peek.picker_prior(r.window),
                want,
            )
            if keys is not None:
                r.keys("relation", keys)
                if not self.present(g):
                    raise RuntimeError(f"T {keys} did not turn {relation} into {want}")
                return
            r.notes["T does not offer the gold type: rejected, added by hand"] += 1
        r.key("relation", "reject", Qt.Key_X)

    def clear_way(self, span: tuple[int, int], keep: int | None) -> None:
        """Settle first what overlaps a span about to be drawn or resized into: accepted
        entities wrong there, and suggestions planned to become other gold spans (the draw
        or resize rejects the rest itself)."""
        while blocking := [
            e
            for e in self.c.entities
            if e.id != keep
            and e.id in self.fates
            and e.start < span[1]
            and span[0] < e.end
            and (e.status == ACCEPTED or self.fates[e.id].gold is not None)
        ]:
            self.do("entity", blocking[0])

    def unblock_relabel(self, e, label: str) -> None:
        """A relation the new label does not allow blocks relabelling: reject it (make it
        current, X), come back and press the label again; a gold relation it was to become
        is then added by hand."""
        self.r.notes["relabel blocked by a relation of the old label"] += 1
        for x in [x for x in self.c.relations if e.id in (x.head, x.child)]:
            ends = [label if i == e.id else self.c.entity(i).label for i in (x.head, x.child)]
            if not self.schema.relation(x.label).allows(*ends):
                self.r.make_current("entity", Item("relation", x.id))
                self.r.key("entity", "reject", Qt.Key_X)
        self.r.make_current("entity", Item("entity", e.id))
        self.r.label_key(label)

    # -- adding relations -------------------------------------------------------------------

    def link_all(self, entity) -> None:
        for g in self.needed(entity):
            self.add_relation(g)

    def add_relation(self, g: GoldRel) -> None:
        """The cheapest way to add `g`: L from either end (Tab for the whole article, Shift
        on the last letter for the first type), a drag between two ends in sight (with
        --mouse), or R's list where L cannot start."""
        r, c, h, ch = self.r, self.c, self.gold_entity(g[0]), self.gold_entity(g[1])
        want = (h.id, ch.id, g[2])
        ways = []
        for a, b in ((h, ch), (ch, h)):
            here = 2 * (c.current != Item("entity", a.id))  # G and a hint letter
            keys = plan.pick_keys(
                self.schema,
                a,
                b,
                c.linkable(),
                self.bounds(),
                c.article.text,
                Peek.picker_prior(r.window),
                want,
            )
            ways.append((here + len(keys) if keys else NEVER, "L", a, b, keys))
            ways.append((here + 1 + R_GUESS, "R", a, b, None))
            if (
                r.mouse
                and r.in_sight(a)
                and r.in_sight(b)
                and (typing := self.dialog_type_keys(a, b, want)) is not None
            ):
                ways.append((1 + len(typing), "drag", a, b, None))
        # At equal cost the keys win: the hands stay on the keyboard.
        _, how, a, b, keys = min(ways, key=lambda w: (w[0], w[1] != "L"))
        if how == "drag":
            self.through_dialog(
                lambda: r.drag("link", "drag", r.inside(a), r.inside(b)), want, dragged=True
            )
        else:
            r.make_current("link", Item("entity", a.id))
            if how == "L":
                self.pick(b, keys)
            else:
                r.notes["L cannot start (nothing near to link): R's list"] += 1
                self.through_dialog(lambda: r.key("link", "R", Qt.Key_R), want)
        if not self.present(g):
            raise RuntimeError(f"{g} not added by {how}: {r.window.statusBar().currentMessage()}")

    def bounds(self) -> list[int]:
        c = self.c
        return picking.sentence_bounds(c.article.text, c.tokens.starts, c.tokens.ends)

    def pick(self, other, keys: list) -> None:
        """Press the planned L keys; the hints drawn must be the ones planned."""
        r, picker = self.r, self.r.picker
        letters = [k for k in keys if k[0] in ("hint", "hint+type")]
        before = keys[: keys.index(letters[0])]
        r.keys("link", before)
        code = "".join(name[-1] for _, name in letters)
        if picker.hints.get(code) != other.id:
            raise RuntimeError(f"planned hint {code!r} for {other}, shown {picker.hints}")
        r.keys("link", keys[len(before) :])
        if picker.stage != "idle":
            raise RuntimeError(f"the picker is still at {picker.stage}: {picker.options}")

    def dialog_type_keys(self, a, b, want: tuple) -> list | None:
        """A drag's dialog: the keys to the type in its list, then Enter."""
        ws = self.r.window.workspace
        rows = picking.candidate_rows(
            self.schema,
            a,
            [b],
            self.c.article.text,
            picking.lexicon_cues(),
            relation_type_counts(ws.store, ws.annotator),
        )
        at = plan.index_of(self.schema, rows[0][1], want) if rows else None
        if at is None:
            return None
        return [*plan.list_keys([t[2] for t in rows[0][1]], 0, at), ("list key", "Return")]

    def through_dialog(self, opener, want: tuple, dragged: bool = False) -> None:
        """Open the relation dialog (R, or a drag) and take `want` with the fewest keys: a
        filter (tried by setting its text, without events), Down or Up, Enter, then the
        type by Down or its first letters, Enter. A drag's dialog starts in the type list."""
        r, failed, schema = self.r, [], self.schema
        names = " ".join(self.c.surface(self.c.entity(i)).lower() for i in want[:2])
        tries = {w[:n] for w in names.split() for n in range(1, len(w) + 1)} | {""}
        tries |= {f"{t} {want[2][:n].lower()}".strip() for t in tries for n in range(1, 5)}

        def keys(dialog, typed: str) -> list:
            box, entities, types, rows_of = Peek.dialog_parts(dialog)
            out = []
            if not dragged:
                box.setText(typed)
                rows = [i for i in range(entities.count()) if not entities.item(i).isHidden()]
                here, row = (
                    entities.currentRow(),
                    next(
                        (
                            i
                            for i in rows
                            if plan.index_of(schema, [o for _, o in rows_of[i][1]], want)
                            is not None
                        ),
                        None,
                    ),
                )
                if row is None or here not in rows:
                    return [None] * NEVER
                out = (
                    [(box, ("filter", ch)) for ch in typed]
                    + [(box, ("list key", "Down" if row > here else "Up"))]
                    * abs(rows.index(row) - rows.index(here))
                    + [(box, ("list key", "Return"))]
                )
                entities.setCurrentRow(row)
            elif typed:
                return [None] * NEVER
            shown = [types.item(i).data(Qt.UserRole) for i in range(types.count())]
            at = plan.index_of(schema, shown, want)
            if at is None:
                return [None] * NEVER
            if types.count() == 1 and not dragged:
                return out
            texts = [types.item(i).text() for i in range(types.count())]
            return (
                out
                + [(types, k) for k in plan.list_keys(texts, 0, at)]
                + [(types, ("list key", "Return"))]
            )

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            try:
                best = min((keys(dialog, t) for t in sorted(tries)), key=len)
                box, _, types, _ = Peek.dialog_parts(dialog)
                box.setText("")
                for widget, (gesture, name) in best:
                    if (
                        widget is types
                        and name == "Return"
                        and plan.index_of(schema, [types.currentItem().data(Qt.UserRole)], want)
                        is None
                    ):
                        raise RuntimeError(f"the type list stands at {types.currentRow()}")
                    if len(name) == 1:
                        QTest.keyClicks(widget, name)
                    else:
                        QTest.keyClick(widget, *qt_key(name))
                    r.actions["link", gesture] += 1
            except Exception as exc:  # noqa: BLE001 (raised once the dialog is gone)
                failed.append(exc)
                if dialog is not None:
                    dialog.reject()

        QTimer.singleShot(0, answer)
        opener()
        r.activate()
        if failed:
            raise RuntimeError(f"the relation dialog does not offer {want}") from failed[0]


__all__ = ["Article", "Fate", "RelFate"]
