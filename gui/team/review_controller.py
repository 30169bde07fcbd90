"""Review mode: the annotators' versions side by side, settled into the reviewer's gold.

The view shows the gold layer (the reviewer's entities, filled) and, for each difference
not yet settled, every annotator's version, outlined with dots and tagged with the
annotator's number and name ("1 ana: PER"). What the annotators agree on goes into gold when
an article is opened (one undo step). Tab walks the versions of open differences; Enter
takes the current version, Alt+N takes annotator N's, X says "nothing here", a number key
puts the current version's span into gold with that label, and selecting text edits gold
directly, as in annotation.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from annotation.model import Entity, EntityStatus
from annotation.project.commands import CommandError
from annotation.team import review
from gui.article.controller import ArticleController, Item
from gui.article.paint import VERSION, Shown, ShownRelation
from gui.article.view import ArticleView
from gui.workspace import Workspace

ACCEPTED = EntityStatus.ACCEPTED
KIND_WORDS = {"label": "label", "boundary": "span", "boundary+label": "span+label", "only": "only"}


class ReviewController(ArticleController):
    """An ArticleController whose items are annotators' versions and whose edits go to gold."""

    def __init__(self, workspace: Workspace, view: ArticleView, annotators: list[str]) -> None:
        self.annotators = list(annotators)
        self.review = review.ArticleReview([], [])
        self._positions: dict[Item, tuple] = {}
        self.relation_versions: dict[int, review.RelationVersion] = {}
        super().__init__(workspace, view)
        view.set_tag_rows(min(3, len(self.annotators)))

    @property
    def reviewer(self) -> str:
        return self.workspace.annotator

    def open(self, article_id: int) -> None:
        try:
            review.accept_agreed(
                self.workspace.stack, self.workspace.store, article_id, self.annotators
            )
        except CommandError as exc:
            self.workspace.failed.emit(str(exc))
        super().open(article_id)

    def reload(self) -> None:
        if self.article is None:
            return
        store = self.workspace.store
        self.review = review.article_review(store, self.article.id, self.reviewer, self.annotators)
        gold = [
            e for e in store.entities(self.article.id, (ACCEPTED,)) if e.annotator == self.reviewer
        ]
        versions = [e for d in self.review.open for v in d.versions.values() for e in v]
        self.entities = sorted(gold + versions, key=lambda e: (e.start, e.end))
        ids = {e.id for e in gold}
        gold_relations = [
            r
            for r in store.relations(self.article.id, (ACCEPTED,))
            if r.annotator == self.reviewer and r.head in ids and r.child in ids
        ]
        self.relation_versions = {
            v.relation.id: v
            for v in review.relation_versions(
                store, self.article.id, self.reviewer, self.annotators
            )
        }
        self.relations = gold_relations + [v.relation for v in self.relation_versions.values()]
        if self.current is not None and self.current.id not in self._ids(self.current.kind):
            self.current = None
        schema = self.workspace.schema
        colours = {t.name: QColor(t.colour) for t in schema.entities}
        kinds = {e.id: d.kind for d in self.review.open for v in d.versions.values() for e in v}

        def start_of(item: Item) -> int:
            if item.kind != "entity":
                return 10**9
            difference = self.difference_of(item.id)
            assert difference is not None  # every open entity is part of a difference
            return difference.start

        self._positions = {item: (start_of(item), i, 0) for i, item in enumerate(self.open_items())}
        shown = []
        for e in self.entities:
            if e.annotator == self.reviewer:
                shown.append(Shown(e.id, e.start, e.end, e.label, e.status))
            else:
                assert e.annotator is not None  # a version: an annotator's
                number = self.annotators.index(e.annotator) + 1
                tag = f"{number} {e.label} · {KIND_WORDS[kinds[e.id]]}"
                shown.append(Shown(e.id, e.start, e.end, e.label, VERSION, tag=tag))
        relations = []
        for r in self.relations:
            rel_type = schema.relation(r.label)
            directed = not (rel_type and rel_type.symmetric)
            version = self.relation_versions.get(r.id)
            if version is None:
                relations.append(ShownRelation(r.id, r.head, r.child, r.label, r.status, directed))
            else:  # drawn between the gold entities it would link
                who = "+".join(str(self.annotators.index(a) + 1) for a in version.annotators)
                relations.append(
                    ShownRelation(
                        r.id, version.head, version.child, f"{who} {r.label}", VERSION, directed
                    )
                )
        self.view.set_annotations(shown, relations, colours)
        self._show_current(scroll=False)
        self.itemsChanged.emit()

    # -- what is current ----------------------------------------------------------------------

    def open_items(self) -> list[Item]:
        """The versions of open differences, in reading order, annotator by annotator."""
        order = []
        for d in self.review.open:
            for annotator in self.annotators:
                order += [Item("entity", e.id) for e in d.versions[annotator]]
        return order + [Item("relation", r) for r in self.relation_versions]

    def _reading_position(self, item: Item | None) -> tuple:
        if item is None:
            return (-1, -1, -1)
        if item in self._positions:
            return self._positions[item]
        entity = self.entity(item.id)
        return (entity.start, -1, 0) if entity else (-1, -1, -1)

    def difference_of(self, entity_id: int) -> review.Difference | None:
        for d in self.review.differences:
            if any(e.id == entity_id for v in d.versions.values() for e in v):
                return d
        return None

    def current_difference(self) -> review.Difference | None:
        entity = self.current_entity()
        return self.difference_of(entity.id) if entity else None

    # -- settling -----------------------------------------------------------------------------

    def _settle(self, settle) -> bool:
        d = self.current_difference()
        if d is None:
            return False
        stack, store = self.workspace.stack, self.workspace.store
        # Then on from past every version of this difference.
        return self._then_next((d.start, 10**9, 0), lambda: settle(stack, store, d))

    def _then_next(self, position: tuple, settle) -> bool:
        """Settle something, then make the next open item after `position` current."""
        try:
            settle()
        except CommandError as exc:
            self.workspace.failed.emit(str(exc))
            return False
        self.reload()
        self._move(position, 1)
        return True

    def take(self, annotator: str | None = None) -> bool:
        """Take an annotator's version (by default the current version's annotator)."""
        entity = self.current_entity()
        if entity is None or entity.annotator == self.reviewer:
            return False
        who = annotator or entity.annotator
        assert who is not None  # a version not the reviewer's is an annotator's
        return self._settle(lambda stack, store, d: review.take_version(stack, store, d, who))

    def take_number(self, number: int) -> bool:
        if 1 <= number <= len(self.annotators):
            return self.take(self.annotators[number - 1])
        return False

    def accept(self) -> bool:
        version = self._relation_version()
        if version is not None:
            return self._settle_relation(review.take_relation, version)
        return self.take()

    def reject(self) -> bool:
        """Nothing here: settle the current difference with a rejected gold entity (or
        relation)."""
        version = self._relation_version()
        if version is not None:
            return self._settle_relation(review.reject_relation, version)
        return self._settle(review.settle_as_nothing)

    def _relation_version(self) -> review.RelationVersion | None:
        relation = self.current_relation()
        return self.relation_versions.get(relation.id) if relation else None

    def _settle_relation(self, settle, version: review.RelationVersion) -> bool:
        return self._then_next(
            self._reading_position(self.current), lambda: settle(self.workspace.stack, version)
        )

    def apply_label(self, label: str) -> bool:
        entity = self.current_entity()
        if (
            self.view.selected_span() is None
            and entity is not None
            and entity.annotator != self.reviewer
        ):
            span = (entity.start, entity.end)
            return self._settle(
                lambda stack, store, d: review.settle_with(stack, store, d, *span, label)
            )
        return super().apply_label(label)

    def is_version(self, entity: Entity | None) -> bool:
        return entity is not None and entity.annotator != self.reviewer

    # An annotator's version is theirs: gold edits never touch it.

    def resize(self, edge: str, step: int) -> bool:
        return False if self.is_version(self.current_entity()) else super().resize(edge, step)

    def delete(self) -> bool:
        if self.is_version(self.current_entity()) or self._relation_version() is not None:
            return False
        return super().delete()

    def relabel_relation(self, label: str) -> bool:
        return False if self._relation_version() is not None else super().relabel_relation(label)

    def linkable(self) -> list[Entity]:
        return [e for e in self.entities if not self.is_version(e)]
