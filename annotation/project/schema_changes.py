"""Commands that change the label schema: add, edit, rename, merge and remove labels.

A change that would leave annotations with a label the schema no longer has, or relations
between entity labels it no longer allows, is refused with counts; renaming and merging
carry the annotations along explicitly, as one undoable step. Each command works on the
schema as it is when the command runs, so a stale dialog cannot undo someone's edit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from annotation.project.commands import Command, CommandError
from annotation.project.store import ChangeSet, Store, now
from annotation.schema import EntityType, LabelSchema, RelationType, SchemaError

ENTITY, RELATION = "entity", "relation"
_HOTKEY = re.compile(r"[0-9A-Za-z]?")  # matched whole: `$` lets "1\n" through
# Okabe-Ito first (the default schema's colours), then a few more that stay readable.
# The default labels' colours first (Paul Tol's, chosen to stay apart for colour-blind
# readers in light and dark themes: see annotation/view/colours.py), then more for new labels.
PALETTE = (
    "#33BBEE",
    "#EEDD88",
    "#CC3311",
    "#332288",
    "#FFAABB",
    "#AA3377",
    "#EE7733",
    "#44AA99",
    "#999933",
    "#4477AA",
    "#117733",
    "#CC6677",
    "#882255",
    "#009988",
)


def label_counts(store: Store, kind: str) -> Counter[str]:
    """How many entities (or relations) carry each label, whatever their status."""
    table = _table(kind)
    return Counter(dict(store.db.execute(f"SELECT label, count(*) FROM {table} GROUP BY label")))


@dataclass(frozen=True)
class Impact:
    """How many entities or relations, in how many articles, a change would touch."""

    kind: str
    annotations: int
    articles: int

    def __bool__(self) -> bool:
        return self.annotations > 0

    def __str__(self) -> str:
        if not self.annotations:
            return f"no {_PLURAL[self.kind]}"
        return f"{_count(self.annotations, self.kind)} in {_count(self.articles, 'article')}"


def impact(store: Store, kind: str, labels: list[str]) -> Impact:
    """How many entities (or relations) carry any of `labels`, whatever their status."""
    if not labels:
        return Impact(kind, 0, 0)
    marks = ", ".join("?" * len(labels))
    count, articles = store.db.execute(
        f"SELECT count(*), count(DISTINCT article_id) FROM {_table(kind)} WHERE label IN ({marks})",
        list(labels),
    ).fetchone()
    return Impact(kind, count, articles)


def orphans(store: Store, schema: LabelSchema) -> list[str]:
    """What `schema` would leave without a home in this project, one line each."""
    problems = []
    for kind, known in ((ENTITY, schema.entity_labels), (RELATION, schema.relation_labels)):
        for label, n in sorted(label_counts(store, kind).items()):
            if label not in known:
                problems.append(f"{_count(n, kind)} labelled {label}")
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


def checked(schema: LabelSchema) -> LabelSchema:
    """Validate everything `LabelSchema.from_dict` would (names, colours, hotkeys, ends)."""
    return LabelSchema.from_dict(schema.to_dict())


def check_hotkey(schema: LabelSchema, label: str, hotkey: str) -> None:
    """Refuse a hotkey that is not one digit or letter, or that another label has already."""
    if not _HOTKEY.fullmatch(hotkey):
        raise SchemaError(f"hotkey {hotkey!r}: use one digit (0-9) or letter")
    for other in schema.entities:
        if hotkey and other.name != label and other.hotkey.lower() == hotkey.lower():
            raise SchemaError(f"hotkey {hotkey} is already used by {other.name}")


def free_colour(schema: LabelSchema) -> str:
    """The first palette colour no entity label uses yet."""
    used = {e.colour.upper() for e in schema.entities}
    return next((c for c in PALETTE if c.upper() not in used), "#999999")


def free_hotkey(schema: LabelSchema) -> str:
    """The first digit (1-9, then 0) no entity label uses yet, or '' when all are taken."""
    used = {e.hotkey.lower() for e in schema.entities}
    return next((k for k in "1234567890" if k not in used), "")


_PLURAL = {ENTITY: "entities", RELATION: "relations", "article": "articles"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else _PLURAL[noun]}"


def _table(kind: str) -> str:
    if kind not in (ENTITY, RELATION):
        raise CommandError(f"kind must be {ENTITY!r} or {RELATION!r}")
    return "entities" if kind == ENTITY else "relations"


def _write_schema(tx: ChangeSet, schema: LabelSchema) -> None:
    tx.update("meta", ("schema",), value=schema.to_json())


def _known(schema: LabelSchema, kind: str) -> list[str]:
    return schema.entity_labels if kind == ENTITY else schema.relation_labels


def _check_exists(schema: LabelSchema, kind: str, name: str) -> None:
    if name not in _known(schema, kind):
        article = "an" if kind == ENTITY else "a"
        raise CommandError(f"{name!r} is not {article} {kind} label of this project")


def _check_new(schema: LabelSchema, kind: str, name: str) -> None:
    if name in _known(schema, kind):
        raise CommandError(f"{name} is already {'an' if kind == ENTITY else 'a'} {kind} label")


class _SchemaEdit(Command):
    """A command that computes a new schema from the current one and stores it.

    The new schema is validated in full and refused if it would orphan annotations.
    """

    def edit(self, schema: LabelSchema) -> LabelSchema:
        """The schema this command stores, given the project's current one."""
        raise NotImplementedError

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        try:
            schema = checked(self.edit(store.schema))
        except SchemaError as exc:
            raise CommandError(str(exc)) from None
        problems = orphans(store, schema)
        if problems:
            raise CommandError(self.orphan_message(problems))
        if schema != store.schema:
            _write_schema(tx, schema)

    def orphan_message(self, problems: list[str]) -> str:
        return (
            "the new schema would orphan "
            + "; ".join(problems)
            + ". Rename or merge those labels instead (sorot schema --rename / --merge)"
        )


class SetSchema(_SchemaEdit):
    """Replace the schema; refused if annotations would be orphaned."""

    def __init__(self, schema: LabelSchema, label: str = "Change schema") -> None:
        self.schema, self.label = schema, label

    def edit(self, schema: LabelSchema) -> LabelSchema:
        return self.schema


class AddEntityLabel(_SchemaEdit):
    """Add an entity label; colour and hotkey default to free ones."""

    def __init__(
        self, name: str, colour: str = "", hotkey: str | None = None, guideline: str = ""
    ) -> None:
        self.name, self.colour, self.hotkey, self.guideline = name, colour, hotkey, guideline
        self.label = f"Add entity label {name}"

    def edit(self, schema: LabelSchema) -> LabelSchema:
        _check_new(schema, ENTITY, self.name)
        hotkey = free_hotkey(schema) if self.hotkey is None else self.hotkey
        check_hotkey(schema, self.name, hotkey)
        new = EntityType(self.name, self.colour or free_colour(schema), hotkey, self.guideline)
        return schema.with_changes(entities=(*schema.entities, new))


class AddRelationLabel(_SchemaEdit):
    """Add a relation label with the entity labels it allows at its head and child."""

    def __init__(
        self,
        name: str,
        head: tuple[str, ...] = (),
        child: tuple[str, ...] = (),
        symmetric: bool = False,
        guideline: str = "",
    ) -> None:
        self.new = RelationType(name, guideline, tuple(head), tuple(child), symmetric)
        self.label = f"Add relation label {name}"

    def edit(self, schema: LabelSchema) -> LabelSchema:
        _check_new(schema, RELATION, self.new.name)
        return schema.with_changes(relations=(*schema.relations, self.new))


class EditEntityLabel(_SchemaEdit):
    """Change an entity label's colour, hotkey or guideline (None leaves a field as it is)."""

    def __init__(
        self,
        name: str,
        *,
        colour: str | None = None,
        hotkey: str | None = None,
        guideline: str | None = None,
    ) -> None:
        self.name = name
        self.changes = {
            k: v
            for k, v in (("colour", colour), ("hotkey", hotkey), ("guideline", guideline))
            if v is not None
        }
        what = {"colour": "Recolour", "hotkey": "Set hotkey of", "guideline": "Edit guideline of"}
        self.label = f"{_verb(what, self.changes)} {name}"

    def edit(self, schema: LabelSchema) -> LabelSchema:
        _check_exists(schema, ENTITY, self.name)
        if "hotkey" in self.changes:
            check_hotkey(schema, self.name, self.changes["hotkey"])
        return schema.with_changes(
            entities=tuple(
                replace(e, **self.changes) if e.name == self.name else e for e in schema.entities
            )
        )


class EditRelationLabel(_SchemaEdit):
    """Change a relation label's allowed head and child labels, symmetry or guideline.

    Narrowing what a relation label allows is refused while relations would fall outside it.
    """

    def __init__(
        self,
        name: str,
        *,
        head: tuple[str, ...] | None = None,
        child: tuple[str, ...] | None = None,
        symmetric: bool | None = None,
        guideline: str | None = None,
    ) -> None:
        self.name = name
        # Field name -> new value, as `dataclasses.replace` takes them.
        self.changes: dict[str, Any] = {
            k: (tuple(v) if isinstance(v, (list, tuple)) else v)
            for k, v in (
                ("head", head),
                ("child", child),
                ("symmetric", symmetric),
                ("guideline", guideline),
            )
            if v is not None
        }
        what = {
            "head": "Set head labels of",
            "child": "Set child labels of",
            "symmetric": "Set symmetry of",
            "guideline": "Edit guideline of",
        }
        self.label = f"{_verb(what, self.changes)} {name}"

    def edit(self, schema: LabelSchema) -> LabelSchema:
        _check_exists(schema, RELATION, self.name)
        return schema.with_changes(
            relations=tuple(
                replace(r, **self.changes) if r.name == self.name else r for r in schema.relations
            )
        )

    def orphan_message(self, problems: list[str]) -> str:
        return (
            f"{self.name} would no longer allow "
            + "; ".join(problems)
            + ". Relabel or delete those relations first"
        )


class RemoveLabel(_SchemaEdit):
    """Remove a label no entity (or relation) carries; a used label is refused with counts.

    Removing an entity label also takes it off every relation label's head and child lists.
    """

    def __init__(self, kind: str, name: str) -> None:
        _table(kind)
        self.kind, self.name = kind, name
        self.label = f"Remove {kind} label {name}"

    def impact(self, store: Store) -> Impact:
        """The entities (or relations) that carry the label and so block its removal."""
        return impact(store, self.kind, [self.name])

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        _check_exists(store.schema, self.kind, self.name)
        used = self.impact(store)
        if used:
            verb = "uses" if used.annotations == 1 else "use"
            raise CommandError(
                f"cannot remove {self.name}: {used} {verb} it. Merge it into another label instead"
            )
        super().apply(tx, store, annotator)

    def edit(self, schema: LabelSchema) -> LabelSchema:
        if self.kind == RELATION:
            return schema.with_changes(
                relations=tuple(r for r in schema.relations if r.name != self.name)
            )

        def drop(labels: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(x for x in labels if x != self.name)

        return schema.with_changes(
            entities=tuple(e for e in schema.entities if e.name != self.name),
            relations=tuple(
                replace(r, head=drop(r.head), child=drop(r.child)) for r in schema.relations
            ),
        )


class MergeLabels(Command):
    """Relabel every annotation of the `sources` labels as `target` and drop the sources.

    `target` may be a new name, which makes a one-label merge a rename. Relation labels that
    allowed a source entity label allow the target instead.
    """

    def __init__(self, kind: str, sources: list[str], target: str) -> None:
        _table(kind)
        self.kind, self.sources, self.target = kind, list(dict.fromkeys(sources)), target
        verb = "Rename" if len(self.sources) == 1 else "Merge"
        self.label = f"{verb} {', '.join(self.sources)} → {target}"

    def impact(self, store: Store) -> Impact:
        """The entities (or relations) whose label this command would rewrite."""
        return impact(store, self.kind, self.sources)

    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        schema = store.schema
        for source in self.sources:
            _check_exists(schema, self.kind, source)
        if self.target in self.sources:
            raise CommandError(f"{self.target!r} cannot be merged into itself")
        self.check(schema)
        try:
            new_schema = checked(self._new_schema(schema))
        except SchemaError as exc:
            raise CommandError(str(exc)) from None
        _write_schema(tx, new_schema)
        table = _table(self.kind)
        marks = ", ".join("?" * len(self.sources))
        ids = [
            r[0]
            for r in store.db.execute(
                f"SELECT id FROM {table} WHERE label IN ({marks}) ORDER BY id", self.sources
            )
        ]
        time = now()
        for row_id in ids:
            tx.update(table, (row_id,), label=self.target, updated=time)

    def check(self, schema: LabelSchema) -> None:
        """Further preconditions of subclasses."""

    def _new_schema(self, schema: LabelSchema) -> LabelSchema:
        if self.kind == ENTITY:
            return schema.with_changes(
                entities=_merge_types(schema.entities, self.sources, self.target),
                relations=tuple(
                    RelationType(
                        r.name, r.guideline, self._swap(r.head), self._swap(r.child), r.symmetric
                    )
                    for r in schema.relations
                ),
            )
        # The merged type must still allow every relation it takes over.
        merged = [r for r in schema.relations if r.name in self.sources or r.name == self.target]
        relations = tuple(
            RelationType(
                r.name,
                r.guideline,
                tuple(dict.fromkeys(x for m in merged for x in m.head)),
                tuple(dict.fromkeys(x for m in merged for x in m.child)),
                r.symmetric,
            )
            if r.name == self.target
            else r
            for r in _merge_types(schema.relations, self.sources, self.target)
        )
        return schema.with_changes(relations=relations)

    def _swap(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.target if x in self.sources else x for x in labels))


class RenameLabel(MergeLabels):
    """Rename a label and every entity (or relation) that carries it.

    Renaming an entity label also renames it in every relation label's head and child
    lists. Unlike a one-label merge, a name that is taken already is refused.
    """

    def __init__(self, kind: str, old: str, new: str) -> None:
        super().__init__(kind, [old], new)

    def check(self, schema: LabelSchema) -> None:
        if self.target in _known(schema, self.kind):
            raise CommandError(
                f"{self.target} is already {'an' if self.kind == ENTITY else 'a'} "
                f"{self.kind} label; merge {self.sources[0]} into it instead"
            )


def _verb(verbs: dict[str, str], changes: Mapping[str, object]) -> str:
    return verbs[next(iter(changes))] if len(changes) == 1 else "Edit"


_Type = TypeVar("_Type", EntityType, RelationType)


def _merge_types(types: tuple[_Type, ...], sources: list[str], target: str) -> tuple[_Type, ...]:
    """Drop the source types; the first one becomes the target if it does not exist yet."""
    by_name = {t.name: t for t in types}
    result: list[_Type] = []
    for t in types:
        if t.name in sources:
            if target not in by_name:
                renamed = replace(t, name=target)
                by_name[target] = renamed
                result.append(renamed)
            continue
        result.append(t)
    return tuple(result)
