"""Relations by keyboard, accepted ones too: ] and [ step through the current entity's
relations, Ctrl+] and Ctrl+[ through all the article's.

Tab walks only the open suggestions, so once a relation is accepted (one by one, or all at
once by Ctrl+Alt+A) no key made it current, and fixing a wrong one took a click on its
label. Here each step makes a relation current (ringed in the view), so that T changes its
type, Delete removes it and X rejects it. Both walks go in reading order, the order of the
Relations panel: by the earlier end, then the later. An entity's walk comes back round to
the entity after its last relation; while one of its relations is current, the walk stays
with that entity (the one last current, else the relation's head).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotation.model import Entity, Relation
from gui.actions import Actions
from gui.article.controller import ArticleController, Item


def reading_order(relations: list[Relation], entities: dict[int, Entity]) -> list[Relation]:
    """Relations by their earlier end's start, then their later end's, then id."""

    def position(r: Relation) -> tuple[int, int, int]:
        ends = sorted(e.start for e in (entities.get(r.head), entities.get(r.child)) if e)
        return (ends[0], ends[-1], r.id) if ends else (-1, -1, r.id)

    return sorted(relations, key=position)


class RelationWalk(QObject):
    """The relation steps of one pane's article, by the window's actions."""

    message = Signal(str)  # for the status bar

    def __init__(self, controller: ArticleController, actions: Actions) -> None:
        super().__init__(controller)
        self.controller = controller
        # Bound methods: Qt drops the connections when this pane's controller goes.
        actions.next_relation.triggered.connect(self.next_of_entity)
        actions.previous_relation.triggered.connect(self.previous_of_entity)
        actions.next_article_relation.triggered.connect(self.next_in_article)
        actions.previous_article_relation.triggered.connect(self.previous_in_article)

    def next_of_entity(self) -> bool:
        return self.step_entity(1)

    def previous_of_entity(self) -> bool:
        return self.step_entity(-1)

    def next_in_article(self) -> bool:
        return self.step_article(1)

    def previous_in_article(self) -> bool:
        return self.step_article(-1)

    # -- the walks ----------------------------------------------------------------------------

    def anchor(self) -> Entity | None:
        """The entity whose relations ] and [ step through: the current entity, or while
        a relation is current, the end that was current last (else its head)."""
        c = self.controller
        entity = c.current_entity()
        if entity is not None:
            return entity
        relation = c.current_relation()
        if relation is None:
            return None
        return c.entity(c.came_from_end(relation))

    def of_entity(self, entity: Entity) -> list[Relation]:
        """The entity's relations, accepted and suggested, in reading order."""
        c = self.controller
        mine = [r for r in c.relations if entity.id in (r.head, r.child)]
        return reading_order(mine, {e.id: e for e in c.entities})

    def in_article(self) -> list[Relation]:
        """Every relation shown, accepted and suggested, in reading order."""
        c = self.controller
        return reading_order(list(c.relations), {e.id: e for e in c.entities})

    def step_entity(self, step: int) -> bool:
        """Make the anchor's next (1) or previous (-1) relation current; past its last or
        first, the anchor itself."""
        c = self.controller
        entity = self.anchor()
        if entity is None:
            self.message.emit(
                "Make an entity current first (Tab, G or a click), then press ] "
                "or [ to step through its relations"
            )
            return False
        relations = self.of_entity(entity)
        if not relations:
            self.message.emit(f"“{_short(c.surface(entity))}” has no relations")
            return False
        ring = [Item("entity", entity.id)] + [Item("relation", r.id) for r in relations]
        here = ring.index(c.current) if c.current in ring else 0
        item = ring[(here + step) % len(ring)]
        c.set_current(item)
        if item.kind == "entity":
            self.message.emit(
                f"“{_short(c.surface(entity))}” again ({len(relations)} "
                f"relation{'s' * (len(relations) != 1)})"
            )
        else:
            relation = c.relation(item.id)
            assert relation is not None  # one of the ring's relations
            self.message.emit(
                f"{self._describe(relation)}: relation "
                f"{ring.index(item)} of {len(relations)} of "
                f"“{_short(c.surface(entity))}”"
            )
        return True

    def step_article(self, step: int) -> bool:
        """Make the article's next (1) or previous (-1) relation current, counting from the
        current item (from the current entity's place when an entity is current)."""
        relations = self.in_article()
        if not relations:
            self.message.emit("This article has no relations")
            return False
        at = self.landing(step)
        self.controller.set_current(Item("relation", relations[at].id))
        self.message.emit(f"{self._describe(relations[at])}: relation {at + 1} of {len(relations)}")
        return True

    def landing(self, step: int) -> int:
        """Where in `in_article()` (not empty) a step of the article's walk goes: after or
        before the current relation, round at the ends; from an entity, the first relation
        from its place on, or the last one before it."""
        c = self.controller
        relations = self.in_article()
        ids = [r.id for r in relations]
        relation, entity = c.current_relation(), c.current_entity()
        if relation is not None and relation.id in ids:
            return (ids.index(relation.id) + step) % len(ids)
        if entity is None:
            return 0 if step > 0 else len(ids) - 1
        starts = {e.id: e.start for e in c.entities}
        first_ends = [min(starts.get(r.head, -1), starts.get(r.child, -1)) for r in relations]
        if step > 0:
            return next((i for i, s in enumerate(first_ends) if s >= entity.start), 0)
        return next(
            (i for i in reversed(range(len(ids))) if first_ends[i] < entity.start), len(ids) - 1
        )

    def _describe(self, relation: Relation) -> str:
        c = self.controller
        head, child = c.entity(relation.head), c.entity(relation.child)
        assert head is not None and child is not None  # a relation links the article's entities
        return (
            f"“{_short(c.surface(head))}” → {relation.label} → "
            f"“{_short(c.surface(child))}” ({relation.status})"
        )


def _short(text: str, most: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"
