"""Every edit a researcher makes, as a command with do/undo, run through a CommandStack.

A command checks its preconditions and writes through a `ChangeSet`, which records each
row's before and after values. The stack (`annotation.project.command_stack`, whose names this
module also gives) writes those records to the event log, so undo and redo work on any
command, across restarts, and every label's history can be audited.
"""

from __future__ import annotations

from typing import Any

from annotation.model import HUMAN, ArticleStatus, Entity, EntityStatus, Relation
from annotation.project.command_stack import (
    ALL_ARTICLES,
    Command,
    CommandError,
    CommandStack,
    Waiting,
)
from annotation.project.store import ChangeSet, Store, entity_row, now, relation_row

__all__ = [
    "ALL_ARTICLES",
    "AcceptEntity",
    "AcceptRelation",
    "AddEntity",
    "AddRelation",
    "Command",
    "CommandError",
    "CommandStack",
    "DeleteEntity",
    "DeleteRelation",
    "RejectEntity",
    "RejectRelation",
    "RelabelEntity",
    "RelabelRelation",
    "ResizeEntity",
    "SetArticleStatus",
    "Waiting",
]

ACCEPTED, SUGGESTED, REJECTED = EntityStatus.ACCEPTED, EntityStatus.SUGGESTED, EntityStatus.REJECTED
LIVE = (SUGGESTED, ACCEPTED)


# -- entities ------------------------------------------------------------------------------


def _quote(store: Store, entity: Entity) -> str:
    text = store.article(entity.article_id).text[entity.start : entity.end]
    text = " ".join(text.split())
    return f"“{text[:30]}…”" if len(text) > 30 else f"“{text}”"


def _check_label(store: Store, label: str) -> None:
    if store.schema.entity(label) is None:
        raise CommandError(f"{label!r} is not an entity label of this project")


def _check_span(store: Store, article_id: int, start: int, end: int) -> None:
    length = len(store.article(article_id).text)
    if not (0 <= start < end <= length):
        raise CommandError(f"span {start}-{end} is not within the article (0-{length})")


def _check_overlap(
    store: Store,
    article_id: int,
    start: int,
    end: int,
    annotator: str,
    ignore: int | None,
) -> None:
    if store.schema.allow_overlap:
        return
    for other in store.entities(article_id, (ACCEPTED,)):
        if other.id != ignore and other.annotator == annotator and other.overlaps(start, end):
            raise CommandError(
                f"overlaps {other.label} {_quote(store, other)}; "
                "this project's schema does not allow overlapping entities"
            )


def _decide(tx: ChangeSet, entity: Entity, annotator: str, **values: Any) -> None:
    tx.update(
        "entities", (entity.id,), status=ACCEPTED, annotator=annotator, updated=now(), **values
    )


def _reject_suggestions_under(
    tx: ChangeSet,
    store: Store,
    article_id: int,
    start: int,
    end: int,
    annotator: str,
    keep: int | None = None,
) -> None:
    # A span the researcher draws replaces the suggestions it covers: they were wrong.
    for other in store.entities(article_id, (SUGGESTED,)):
        if other.id != keep and other.overlaps(start, end):
            _set_entity_rejected(tx, store, other, annotator)


def _set_entity_rejected(tx: ChangeSet, store: Store, entity: Entity, annotator: str) -> None:
    time = now()
    tx.update("entities", (entity.id,), status=REJECTED, annotator=annotator, updated=time)
    for rel in store.relations_of(entity.id):
        if rel.status != REJECTED:
            tx.update("relations", (rel.id,), status=REJECTED, annotator=annotator, updated=time)


def _check_relations_still_allowed(store: Store, entity: Entity, new_label: str) -> None:
    for rel in store.relations_of(entity.id):
        if rel.status == REJECTED:
            continue
        head = new_label if rel.head == entity.id else store.entity(rel.head).label
        child = new_label if rel.child == entity.id else store.entity(rel.child).label
        rel_type = store.schema.relation(rel.label)
        if rel_type is not None and not rel_type.allows(head, child):
            raise CommandError(
                f"{rel.label} does not allow {head} → {child}; change or delete that relation first"
            )


class AddEntity(Command):
    """Label a span of text; the suggestions it covers are rejected."""

    article_id: int  # always on one article

    def __init__(
        self, article_id: int, start: int, end: int, label: str, origin: str = HUMAN
    ) -> None:
        self.article_id, self.start, self.end, self.entity_label = article_id, start, end, label
        self.origin = origin  # "human", or where a reviewer took it from ("review:ana")
        self.label = f"Add {label}"
        self.entity_id: int | None = None

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        _check_label(store, self.entity_label)
        _check_span(store, self.article_id, self.start, self.end)
        for other in store.entities(self.article_id, (ACCEPTED,)):
            same = (other.start, other.end, other.label) == (
                self.start,
                self.end,
                self.entity_label,
            )
            if same and other.annotator == annotator:
                raise CommandError(f"{self.entity_label} {_quote(store, other)} already exists")
        _check_overlap(store, self.article_id, self.start, self.end, annotator, None)
        _reject_suggestions_under(tx, store, self.article_id, self.start, self.end, annotator)
        self.entity_id = tx.insert(
            "entities",
            entity_row(
                self.article_id,
                self.start,
                self.end,
                self.entity_label,
                ACCEPTED,
                self.origin,
                annotator,
            ),
        )


class _EntityCommand(Command):
    verb = ""

    def __init__(self, entity_id: int) -> None:
        self.entity_id = entity_id
        self.label = self.verb

    def _entity(self, store: Store) -> Entity:
        try:
            entity = store.entity(self.entity_id)
        except KeyError:
            raise CommandError(f"entity {self.entity_id} no longer exists") from None
        self.article_id = entity.article_id
        self.label = f"{self.verb} {entity.label} {_quote(store, entity)}"
        return entity


class AcceptEntity(_EntityCommand):
    verb = "Accept"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        entity = self._entity(store)
        if entity.status == ACCEPTED and entity.annotator == annotator:
            return
        _check_overlap(store, entity.article_id, entity.start, entity.end, annotator, entity.id)
        _decide(tx, entity, annotator)


class RejectEntity(_EntityCommand):
    verb = "Reject"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        entity = self._entity(store)
        if entity.status != REJECTED:
            _set_entity_rejected(tx, store, entity, annotator)


class RelabelEntity(_EntityCommand):
    verb = "Relabel"

    def __init__(self, entity_id: int, label: str) -> None:
        super().__init__(entity_id)
        self.new_label = label

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        entity = self._entity(store)
        self.label = f"Relabel {_quote(store, entity)} {entity.label} → {self.new_label}"
        _check_label(store, self.new_label)
        _check_relations_still_allowed(store, entity, self.new_label)
        if entity.status != ACCEPTED:
            _check_overlap(store, entity.article_id, entity.start, entity.end, annotator, entity.id)
        _decide(tx, entity, annotator, label=self.new_label)


class ResizeEntity(_EntityCommand):
    verb = "Resize"

    def __init__(self, entity_id: int, start: int, end: int) -> None:
        super().__init__(entity_id)
        self.start, self.end = start, end

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        entity = self._entity(store)
        _check_span(store, entity.article_id, self.start, self.end)
        _check_overlap(store, entity.article_id, self.start, self.end, annotator, entity.id)
        _reject_suggestions_under(
            tx, store, entity.article_id, self.start, self.end, annotator, keep=entity.id
        )
        _decide(tx, entity, annotator, start=self.start, end=self.end)


class DeleteEntity(_EntityCommand):
    """Delete an entity and its relations (undo restores both)."""

    verb = "Delete"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        entity = self._entity(store)
        for rel in store.relations_of(entity.id):
            tx.delete("relations", (rel.id,))
        tx.delete("entities", (entity.id,))


# -- relations -----------------------------------------------------------------------------


class AddRelation(Command):
    """Link two entities; suggested entities it links are accepted with it."""

    def __init__(self, head: int, child: int, label: str, origin: str = HUMAN) -> None:
        self.head, self.child, self.relation_label = head, child, label
        self.origin = origin
        self.label = f"Add {label}"
        self.relation_id: int | None = None

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        try:
            head, child = store.entity(self.head), store.entity(self.child)
        except KeyError as exc:
            raise CommandError(f"cannot link: {exc.args[0]}") from None
        if head.id == child.id:
            raise CommandError("an entity cannot be related to itself")
        if head.article_id != child.article_id:
            raise CommandError("related entities must be in the same article")
        if REJECTED in (head.status, child.status):
            raise CommandError("cannot link a rejected entity")
        rel_type = store.schema.relation(self.relation_label)
        if rel_type is None:
            raise CommandError(f"{self.relation_label!r} is not a relation label of this project")
        if not rel_type.allows(head.label, child.label):
            raise CommandError(f"{self.relation_label} does not allow {head.label} → {child.label}")
        self.article_id = head.article_id
        pair = (head.id, child.id)
        for rel in store.relations(head.article_id, LIVE):
            same = pair == (rel.head, rel.child)
            reversed_ = rel_type.symmetric and pair == (rel.child, rel.head)
            if rel.label == self.relation_label and (same or reversed_):
                raise CommandError(f"{self.relation_label} already links these entities")
        for entity in (head, child):
            if entity.status == SUGGESTED:
                _check_overlap(
                    store, entity.article_id, entity.start, entity.end, annotator, entity.id
                )
                _decide(tx, entity, annotator)
        self.relation_id = tx.insert(
            "relations",
            relation_row(
                head.article_id,
                head.id,
                child.id,
                self.relation_label,
                ACCEPTED,
                self.origin,
                annotator,
            ),
        )


class _RelationCommand(Command):
    verb = ""

    def __init__(self, relation_id: int) -> None:
        self.relation_id = relation_id
        self.label = self.verb

    def _relation(self, store: Store) -> Relation:
        try:
            rel = store.relation(self.relation_id)
        except KeyError:
            raise CommandError(f"relation {self.relation_id} no longer exists") from None
        self.article_id = rel.article_id
        self.label = f"{self.verb} {rel.label}"
        return rel


class AcceptRelation(_RelationCommand):
    verb = "Accept"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        rel = self._relation(store)
        for entity_id in (rel.head, rel.child):
            entity = store.entity(entity_id)
            if entity.status == REJECTED:
                raise CommandError(f"{entity.label} {_quote(store, entity)} was rejected")
            if entity.status == SUGGESTED:
                _decide(tx, entity, annotator)
        if rel.status != ACCEPTED or rel.annotator != annotator:
            tx.update("relations", (rel.id,), status=ACCEPTED, annotator=annotator, updated=now())


class RejectRelation(_RelationCommand):
    verb = "Reject"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        rel = self._relation(store)
        if rel.status != REJECTED:
            tx.update("relations", (rel.id,), status=REJECTED, annotator=annotator, updated=now())


class RelabelRelation(_RelationCommand):
    verb = "Relabel"

    def __init__(self, relation_id: int, label: str) -> None:
        super().__init__(relation_id)
        self.new_label = label

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        rel = self._relation(store)
        self.label = f"Relabel {rel.label} → {self.new_label}"
        rel_type = store.schema.relation(self.new_label)
        if rel_type is None:
            raise CommandError(f"{self.new_label!r} is not a relation label of this project")
        head, child = store.entity(rel.head), store.entity(rel.child)
        if not rel_type.allows(head.label, child.label):
            raise CommandError(f"{self.new_label} does not allow {head.label} → {child.label}")
        for entity in (head, child):  # a relation decided decides its ends, as Accept does
            if entity.status == REJECTED:
                raise CommandError(f"{entity.label} {_quote(store, entity)} was rejected")
            if entity.status == SUGGESTED:
                _decide(tx, entity, annotator)
        tx.update(
            "relations",
            (rel.id,),
            label=self.new_label,
            status=ACCEPTED,
            annotator=annotator,
            updated=now(),
        )


class DeleteRelation(_RelationCommand):
    verb = "Delete"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        tx.delete("relations", (self._relation(store).id,))


# -- articles ------------------------------------------------------------------------------


class SetArticleStatus(Command):
    """Mark an article to do, in progress, done or skipped, for the current annotator."""

    marks_progress = False  # the status set is the one asked for
    article_id: int  # always on one article

    def __init__(self, article_id: int, status: str) -> None:
        if status not in ArticleStatus.ALL:
            raise CommandError(f"{status!r} is not an article status")
        self.article_id, self.status = article_id, status
        self.label = f"Mark article {status.replace('_', ' ')}"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        store.article(self.article_id)
        if store.article_status(self.article_id, annotator) != self.status:
            tx.upsert(
                "article_status",
                {
                    "article_id": self.article_id,
                    "annotator": annotator,
                    "status": self.status,
                    "updated": now(),
                },
            )
