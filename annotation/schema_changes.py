"""Commands that change the label schema: replace it, rename a label, merge labels.

A change that would leave annotations with a label the schema no longer has, or relations
between entity types it no longer allows, is refused with counts; renaming and merging
carry the annotations along explicitly, as one undoable step.
"""

from __future__ import annotations

from collections import Counter

from annotation.commands import Command, CommandError
from annotation.schema import EntityType, LabelSchema, RelationType, SchemaError
from annotation.store import ChangeSet, Store, now

ENTITY, RELATION = "entity", "relation"


def label_counts(store: Store, kind: str) -> Counter[str]:
    """How many entities (or relations) carry each label, whatever their status."""
    table = "entities" if kind == ENTITY else "relations"
    return Counter(dict(store.db.execute(f"SELECT label, count(*) FROM {table} GROUP BY label")))


def orphans(store: Store, schema: LabelSchema) -> list[str]:
    """What `schema` would leave without a home in this project, one line each."""
    problems = []
    for kind, known in ((ENTITY, schema.entity_labels), (RELATION, schema.relation_labels)):
        for label, n in sorted(label_counts(store, kind).items()):
            if label not in known:
                problems.append(f"{n} {kind if n == 1 else kind + 's'} labelled {label}")
    combos = store.db.execute(
        "SELECT r.label, h.label, c.label, count(*) FROM relations r "
        "JOIN entities h ON h.id = r.head JOIN entities c ON c.id = r.child "
        "GROUP BY r.label, h.label, c.label"
    )
    for rel_label, head, child, n in combos:
        rel_type = schema.relation(rel_label)
        if rel_type is not None and not rel_type.allows(head, child):
            problems.append(f"{n} {rel_label} relation(s) from {head} to {child}")
    return problems


def _write_schema(tx: ChangeSet, schema: LabelSchema) -> None:
    tx.update("meta", ("schema",), value=schema.to_json())


class SetSchema(Command):
    """Replace the schema; refused if annotations would be orphaned."""

    label = "Change schema"

    def __init__(self, schema: LabelSchema) -> None:
        self.schema = schema

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        problems = orphans(store, self.schema)
        if problems:
            raise CommandError(
                "the new schema would orphan " + "; ".join(problems)
                + ". Rename or merge those labels instead (sorot schema --rename / --merge)"
            )
        if self.schema != store.schema:
            _write_schema(tx, self.schema)


class MergeLabels(Command):
    """Relabel every annotation of the `sources` labels as `target` and drop the sources.

    `target` may be a new name, which makes a one-label merge a rename. Relation types that
    allowed a source entity type allow the target instead.
    """

    def __init__(self, kind: str, sources: list[str], target: str) -> None:
        if kind not in (ENTITY, RELATION):
            raise CommandError(f"kind must be {ENTITY!r} or {RELATION!r}")
        self.kind, self.sources, self.target = kind, list(dict.fromkeys(sources)), target
        verb = "Rename" if len(self.sources) == 1 else "Merge"
        self.label = f"{verb} {', '.join(self.sources)} → {target}"

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        schema = store.schema
        known = schema.entity_labels if self.kind == ENTITY else schema.relation_labels
        missing = [s for s in self.sources if s not in known]
        if missing:
            article = "an" if self.kind == ENTITY else "a"
            raise CommandError(f"{missing[0]!r} is not {article} {self.kind} label of this project")
        if self.target in self.sources:
            raise CommandError(f"{self.target!r} cannot be merged into itself")
        try:
            new_schema = self._new_schema(schema)
        except SchemaError as exc:
            raise CommandError(str(exc)) from None
        _write_schema(tx, new_schema)
        table = "entities" if self.kind == ENTITY else "relations"
        marks = ", ".join("?" * len(self.sources))
        ids = [r[0] for r in store.db.execute(
            f"SELECT id FROM {table} WHERE label IN ({marks}) ORDER BY id", self.sources)]
        time = now()
        for row_id in ids:
            tx.update(table, (row_id,), label=self.target, updated=time)

    def _new_schema(self, schema: LabelSchema) -> LabelSchema:
        if self.kind == ENTITY:
            return schema.with_changes(
                entities=_merge_types(schema.entities, self.sources, self.target),
                relations=tuple(
                    RelationType(r.name, r.guideline, self._swap(r.head), self._swap(r.child),
                                 r.symmetric)
                    for r in schema.relations
                ),
            )
        # The merged type must still allow every relation it takes over.
        merged = [r for r in schema.relations if r.name in self.sources or r.name == self.target]
        relations = tuple(
            RelationType(r.name, r.guideline,
                         tuple(dict.fromkeys(x for m in merged for x in m.head)),
                         tuple(dict.fromkeys(x for m in merged for x in m.child)),
                         r.symmetric) if r.name == self.target else r
            for r in _merge_types(schema.relations, self.sources, self.target)
        )
        return schema.with_changes(relations=relations)

    def _swap(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.target if x in self.sources else x for x in labels))


def _merge_types(types: tuple, sources: list[str], target: str) -> tuple:
    """Drop the source types; the first one becomes the target if it does not exist yet."""
    by_name = {t.name: t for t in types}
    result = []
    for t in types:
        if t.name in sources:
            if target not in by_name:
                renamed = _renamed(t, target)
                by_name[target] = renamed
                result.append(renamed)
            continue
        result.append(t)
    return tuple(result)


def _renamed(t: EntityType | RelationType, name: str) -> EntityType | RelationType:
    if isinstance(t, EntityType):
        return EntityType(name, t.colour, t.hotkey, t.guideline)
    return RelationType(name, t.guideline, t.head, t.child, t.symmetric)
