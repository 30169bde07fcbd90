"""The open article: turns the researcher's keys into commands and keeps the view in step.

The current item is an entity or a relation. Tab walks the open suggestions in reading
order; accepting or rejecting one moves on to the next, so a well-suggested article is a
run of Enter presses; ] and [ reach accepted relations too (gui/article/relation_walk.py). Every
change goes through the workspace's command stack; the view redraws when the store reports
the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

from annotation.model import Article, Entity, EntityStatus, Relation
from annotation.nlp.tokens import Tokens
from annotation.project import commands as cmd
from annotation.view.spans import TokenIndex
from gui.article.paint import Shown, ShownRelation
from gui.article.view import ArticleView
from gui.workspace import Workspace

SUGGESTED, ACCEPTED = EntityStatus.SUGGESTED, EntityStatus.ACCEPTED


@dataclass(frozen=True)
class Item:
    kind: str  # "entity" or "relation"
    id: int


class ArticleController(QObject):
    """Holds the open article and the current item; carries out annotation gestures."""

    articleOpened = Signal(int)
    itemsChanged = Signal()  # entities or relations of the open article changed
    currentChanged = Signal()
    relationRequested = Signal(int, int)  # head, child (child -1: ask for it)

    def __init__(self, workspace: Workspace, view: ArticleView) -> None:
        super().__init__(view)
        self.workspace, self.view = workspace, view
        self.article: Article | None = None
        self.tokens = TokenIndex([], [])
        self.entities = []
        self.relations = []
        self.current: Item | None = None
        self.came_from: int | None = None  # the entity last current (gui/article/relation_walk.py)
        workspace.stack.scope = None  # no article shown: undo reaches project-wide steps
        workspace.changed.connect(self._on_changed)
        workspace.schemaChanged.connect(self.reload)
        view.entityClicked.connect(self._on_entity_clicked)
        view.relationClicked.connect(
            lambda relation_id: self.set_current(Item("relation", relation_id))
        )
        view.relationDragged.connect(self.relationRequested)

    # -- opening and reloading ----------------------------------------------------------------

    def open(self, article_id: int) -> None:
        store = self.workspace.store
        self.article = store.article(article_id)
        tokens = (
            Tokens.from_bytes(store.tokens(article_id))
            if store.tokens(article_id)
            else Tokens([], [])
        )
        self.tokens = TokenIndex(tokens.starts, tokens.ends, self.article.text)
        self.current = self.came_from = None
        self.workspace.stack.scope = article_id  # undo and redo act on the article shown
        self.view.show_text(self.article.text, self.tokens)
        self.reload()
        self.articleOpened.emit(article_id)
        self.next_suggestion(1)

    def reload(self) -> None:
        """Read the open article's annotations again and redraw."""
        if self.article is None:
            return
        store, me = self.workspace.store, self.workspace.annotator
        mine = (None, me)
        self.entities = [
            e for e in store.entities(self.article.id, (SUGGESTED, ACCEPTED)) if e.annotator in mine
        ]
        ids = {e.id for e in self.entities}
        self.relations = [
            r
            for r in store.relations(self.article.id, (SUGGESTED, ACCEPTED))
            if r.annotator in mine and r.head in ids and r.child in ids
        ]
        if self.current is not None and self.current.id not in self._ids(self.current.kind):
            self.current = None
        schema = self.workspace.schema
        colours = {t.name: QColor(t.colour) for t in schema.entities}
        shown = [Shown(e.id, e.start, e.end, e.label, e.status) for e in self.entities]
        relations = []
        for r in self.relations:
            rel_type = schema.relation(r.label)
            directed = not (rel_type and rel_type.symmetric)
            relations.append(ShownRelation(r.id, r.head, r.child, r.label, r.status, directed))
        self.view.set_annotations(shown, relations, colours)
        self._show_current(scroll=False)
        self.itemsChanged.emit()

    def _on_changed(self, articles: set[int]) -> None:
        if self.article is not None and self.article.id in articles:
            self.reload()
            if self.current is None:  # suggestions just arrived, or the current item went
                self.next_suggestion(1)

    def _ids(self, kind: str):
        return self._entity_index if kind == "entity" else self._relation_index

    # -- the current item ---------------------------------------------------------------------

    @property
    def entities(self) -> list[Entity]:
        """The entities drawn in the view, in text order."""
        return self._entities

    @entities.setter
    def entities(self, entities: list[Entity]) -> None:
        self._entities = entities
        self._entity_index = {e.id: e for e in entities}

    @property
    def relations(self) -> list[Relation]:
        return self._relations

    @relations.setter
    def relations(self, relations: list[Relation]) -> None:
        self._relations = relations
        self._relation_index = {r.id: r for r in relations}

    def entity(self, entity_id: int) -> Entity | None:
        return self._entity_index.get(entity_id)

    def relation(self, relation_id: int) -> Relation | None:
        return self._relation_index.get(relation_id)

    def current_entity(self) -> Entity | None:
        if self.current and self.current.kind == "entity":
            return self.entity(self.current.id)
        return None

    def current_relation(self) -> Relation | None:
        if self.current and self.current.kind == "relation":
            return self.relation(self.current.id)
        return None

    def came_from_end(self, relation: Relation) -> int:
        """The end of `relation` the researcher came to it from: the entity current last,
        else its head."""
        return (
            self.came_from if self.came_from in (relation.head, relation.child) else relation.head
        )

    def set_current(self, item: Item | None) -> None:
        self.current = item
        self._show_current(scroll=True)

    def _show_current(self, scroll: bool) -> None:
        entity = self.current_entity()
        relation = self.current_relation()
        if entity is not None:
            self.came_from = entity.id
        reveal = None
        if scroll:
            reveal = entity.id if entity else relation.head if relation else None
        self.view.set_current(
            entity.id if entity else None, relation.id if relation else None, reveal
        )
        self.currentChanged.emit()

    def _on_entity_clicked(self, entity_id: int) -> None:
        # What was clicked is in sight: scrolling now would move text under the pointer and
        # a drag begun on this entity would end on another.
        self.current = Item("entity", entity_id)
        self._show_current(scroll=False)

    def open_items(self) -> list[Item]:
        """Open suggestions in reading order: an entity where it starts, a relation where
        its later end starts."""
        starts = {e.id: e.start for e in self.entities}
        keyed = [
            ((e.start, 0, e.end), Item("entity", e.id))
            for e in self.entities
            if e.status == SUGGESTED
        ]
        keyed += [
            ((max(starts[r.head], starts[r.child]), 1, r.id), Item("relation", r.id))
            for r in self.relations
            if r.status == SUGGESTED
        ]
        return [item for _, item in sorted(keyed, key=lambda k: k[0])]

    def next_suggestion(self, step: int) -> bool:
        """Make the next (step 1) or previous (-1) open suggestion current."""
        return self._move(self._reading_position(self.current), step)

    def _move(self, position: tuple, step: int) -> bool:
        items = self.open_items()
        if not items:
            self.set_current(self.current if self.current else None)
            return False
        if step > 0:
            following = [i for i in items if self._reading_position(i) > position]
            item = following[0] if following else items[0]
        else:
            before = [i for i in items if self._reading_position(i) < position]
            item = before[-1] if before else items[-1]
        self.set_current(item)
        return True

    def _reading_position(self, item: Item | None) -> tuple:
        if item is None:
            return (-1, -1, -1)
        if item.kind == "entity":
            e = self.entity(item.id)
            return (e.start, 0, e.end) if e else (-1, -1, -1)
        r = self.relation(item.id)
        if r is not None:
            head, child = self.entity(r.head), self.entity(r.child)
            return (max(head.start if head else 0, child.start if child else 0), 1, r.id)
        return (-1, -1, -1)

    # -- gestures -----------------------------------------------------------------------------

    def _do(self, command: cmd.Command) -> bool:
        """Run a command on the article shown (its first edit marks it in progress: the
        commands' rule, `annotation.project.command_stack.Command`)."""
        if self.article is None:
            return False
        return self.workspace.do(command)

    def accept(self) -> bool:
        """Accept the current suggestion and move on to the next one."""
        return self._decide(cmd.AcceptRelation, cmd.AcceptEntity)

    def reject(self) -> bool:
        """Reject the current suggestion (or accepted item) and move on."""
        return self._decide(cmd.RejectRelation, cmd.RejectEntity)

    def _decide(self, on_relation, on_entity) -> bool:
        relation, entity = self.current_relation(), self.current_entity()
        position = self._reading_position(self.current)
        if relation is not None:
            done = self._do(on_relation(relation.id))
        elif entity is not None:
            done = self._do(on_entity(entity.id))
        else:
            return False
        if done:
            self._move(position, 1)
        return done

    def delete(self) -> bool:
        """Delete the current entity (with its relations) or relation; after a relation, the
        end it was reached from is current, to go on with its other relations."""
        relation, entity = self.current_relation(), self.current_entity()
        if relation is not None:
            end = self.came_from_end(relation)
            done = self._do(cmd.DeleteRelation(relation.id))
            if done and self.entity(end) is not None:
                self.set_current(Item("entity", end))
            return done
        if entity is not None:
            return self._do(cmd.DeleteEntity(entity.id))
        return False

    def apply_label(self, label: str) -> bool:
        """Label the selected text, or relabel the current entity (or relation)."""
        span = self.view.selected_span()
        if span is not None and self.article is not None:
            command = cmd.AddEntity(self.article.id, span[0], span[1], label)
            if self._do(command):
                self.view.clear_selection()
                if command.entity_id is not None:
                    self.reload()
                    self.set_current(Item("entity", command.entity_id))
                return True
            return False
        entity = self.current_entity()
        if entity is not None:
            if entity.label == label and entity.status == ACCEPTED:
                return False
            return self._do(cmd.RelabelEntity(entity.id, label))
        return False

    def relabel_relation(self, label: str) -> bool:
        relation = self.current_relation()
        if relation is None or relation.label == label:
            return False
        return self._do(cmd.RelabelRelation(relation.id, label))

    def resize(self, edge: str, step: int) -> bool:
        """Move the current entity's start or end edge by one token."""
        entity = self.current_entity()
        if entity is None:
            return False
        start, end = self.tokens.resize(entity.start, entity.end, edge, step)
        if (start, end) == (entity.start, entity.end):
            return False
        return self._do(cmd.ResizeEntity(entity.id, start, end))

    def accept_all(self, label: str | None = None) -> int:
        """Accept every open entity suggestion (of one label), as one undo step; without a
        label, then every open relation suggestion whose ends are both accepted."""
        if self.article is None:
            return 0
        todo = [
            e
            for e in self.entities
            if e.status == SUGGESTED and (label is None or e.label == label)
        ]
        relations = [r for r in self.relations if r.status == SUGGESTED] if label is None else []
        if not todo and not relations:
            return 0
        stack = self.workspace.stack
        name = f"Accept all {label}" if label else "Accept all suggestions"
        accepted = 0
        try:
            with stack.group(name):
                for entity in todo:
                    try:
                        stack.do(cmd.AcceptEntity(entity.id))
                        accepted += 1
                    except cmd.CommandError:
                        continue  # overlaps an accepted entity: leave it for the researcher
                store = self.workspace.store
                for relation in relations:
                    ends = (store.entity(relation.head), store.entity(relation.child))
                    if all(e.status == ACCEPTED for e in ends):
                        try:
                            stack.do(cmd.AcceptRelation(relation.id))
                            accepted += 1
                        except cmd.CommandError:
                            continue
        except cmd.CommandError as exc:
            self.workspace.failed.emit(str(exc))
            return 0
        self.next_suggestion(1)
        return accepted

    def add_relation(self, head: int, child: int, label: str) -> bool:
        return self._do(cmd.AddRelation(head, child, label))

    def retype_relation(self, relation_id: int, head: int, child: int, label: str) -> bool:
        """Give a relation another type, or (head and child swapped) the other direction:
        one undo step either way."""
        relation = self.relation(relation_id)
        if relation is None:
            return False
        if (head, child) == (relation.head, relation.child):
            return self._do(cmd.RelabelRelation(relation_id, label))
        stack = self.workspace.stack
        try:
            with stack.group(f"Turn {relation.label} into {label}"):
                stack.do(cmd.DeleteRelation(relation_id))
                stack.do(cmd.AddRelation(head, child, label))
        except cmd.CommandError as exc:
            self.workspace.failed.emit(str(exc))
            return False
        return True

    def set_status(self, status: str) -> bool:
        if self.article is None:
            return False
        return self.workspace.do(cmd.SetArticleStatus(self.article.id, status))

    def finish_deciding(self, status: str, accept: bool) -> int | None:
        """Accept (or reject) every open suggestion, then mark the article `status`: one
        undo step. Return how many were decided (None: refused); a suggestion that cannot
        be accepted (it overlaps an accepted entity) stays open."""
        if self.article is None:
            return None
        stack, store = self.workspace.stack, self.workspace.store
        verb = "Accept" if accept else "Reject"
        decided = 0
        try:
            with stack.group(
                f"{verb} the open suggestions and mark article {status.replace('_', ' ')}"
            ):
                for item in self.open_items():
                    decided += self._decide_open(stack, store, item, accept)
                stack.do(cmd.SetArticleStatus(self.article.id, status))
        except cmd.CommandError as exc:
            self.workspace.failed.emit(str(exc))
            return None
        return decided

    @staticmethod
    def _decide_open(stack: cmd.CommandStack, store, item: Item, accept: bool) -> int:
        if item.kind == "entity":
            command: cmd.Command = (
                cmd.AcceptEntity(item.id) if accept else cmd.RejectEntity(item.id)
            )
        else:
            relation = store.relation(item.id)
            ends = (store.entity(relation.head), store.entity(relation.child))
            # Rejecting an entity rejected its relations; accepting one needs both ends.
            if relation.status != SUGGESTED or (accept and any(e.status != ACCEPTED for e in ends)):
                return 0
            command = cmd.AcceptRelation(item.id) if accept else cmd.RejectRelation(item.id)
        try:
            stack.do(command)
        except cmd.CommandError:
            return 0  # overlaps an accepted entity: left open, and said so
        return 1

    def linkable(self) -> list[Entity]:
        """The entities a relation may link in this view."""
        return list(self.entities)

    def surface(self, entity: Entity) -> str:
        return self.article.text[entity.start : entity.end] if self.article else ""
