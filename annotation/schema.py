"""The label schema: entity types, relation types and the rules between them."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from annotation.paths import RESOURCES

DEFAULT_SCHEMA_PATH = RESOURCES / "schema" / "default.json"
# Matched whole (fullmatch): `$` would also match before a final newline ("PER\n").
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class SchemaError(ValueError):
    """A schema that is malformed, or a change to one that would orphan annotations."""


@dataclass(frozen=True)
class EntityType:
    name: str
    colour: str = "#999999"
    hotkey: str = ""
    guideline: str = ""


@dataclass(frozen=True)
class RelationType:
    name: str
    guideline: str = ""
    head: tuple[str, ...] = ()
    child: tuple[str, ...] = ()
    symmetric: bool = False

    def allows(self, head_label: str, child_label: str) -> bool:
        """Whether this relation may link entities of these two labels, in this order."""
        if head_label in self.head and child_label in self.child:
            return True
        return self.symmetric and child_label in self.head and head_label in self.child


@dataclass(frozen=True)
class LabelSchema:
    name: str = "untitled"
    version: int = 1
    allow_overlap: bool = False
    entities: tuple[EntityType, ...] = ()
    relations: tuple[RelationType, ...] = ()
    _by_name: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({e.name: e for e in self.entities})
        self._by_name.update({"rel:" + r.name: r for r in self.relations})

    @property
    def entity_labels(self) -> list[str]:
        return [e.name for e in self.entities]

    @property
    def relation_labels(self) -> list[str]:
        return [r.name for r in self.relations]

    def entity(self, name: str) -> EntityType | None:
        return self._by_name.get(name)

    def relation(self, name: str) -> RelationType | None:
        return self._by_name.get("rel:" + name)

    def allowed_relations(self, head_label: str, child_label: str) -> list[str]:
        """Relation labels the schema allows from a `head_label` to a `child_label` entity."""
        return [r.name for r in self.relations if r.allows(head_label, child_label)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "allow_overlap": self.allow_overlap,
            "entities": [asdict(e) for e in self.entities],
            "relations": [
                {**asdict(r), "head": list(r.head), "child": list(r.child)} for r in self.relations
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> LabelSchema:
        """Build and validate a schema; raise SchemaError naming the first problem."""
        if not isinstance(data, dict):
            raise SchemaError("a schema must be a JSON object")
        for key in ("entities", "relations"):
            if not isinstance(data.get(key, []), list):
                raise SchemaError(f"'{key}' must be a list")
        try:
            version = int(data.get("version", 1))
        except (TypeError, ValueError, OverflowError):
            raise SchemaError(f"version {data.get('version')!r} is not a whole number") from None
        entities = tuple(_entity_type(i, e) for i, e in enumerate(data.get("entities", [])))
        relations = tuple(_relation_type(i, r) for i, r in enumerate(data.get("relations", [])))
        schema = cls(
            name=str(data.get("name", "untitled")),
            version=version,
            allow_overlap=bool(data.get("allow_overlap", False)),
            entities=entities,
            relations=relations,
        )
        schema.validate()
        return schema

    @classmethod
    def load(cls, path: str | Path) -> LabelSchema:
        """Read a schema file, naming the file in any error."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaError(f"{path}: cannot read: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from exc
        except RecursionError:
            raise SchemaError(
                f"{path}: invalid JSON: lists or objects nested too deeply to read"
            ) from None
        try:
            return cls.from_dict(data)
        except SchemaError as exc:
            raise SchemaError(f"{path}: {exc}") from exc

    def validate(self) -> None:
        names = self.entity_labels
        _unique("entity label", names)
        _unique("relation label", self.relation_labels)
        _unique("hotkey", [e.hotkey for e in self.entities if e.hotkey])
        for rel in self.relations:
            for end in ("head", "child"):
                unknown = [t for t in getattr(rel, end) if t not in names]
                if unknown:
                    raise SchemaError(
                        f"relation {rel.name}: {end} type {unknown[0]!r} is not an entity label"
                    )

    def with_changes(self, **changes: Any) -> LabelSchema:
        """Return a copy with some fields replaced (and validated)."""
        schema = replace(self, _by_name={}, **changes)
        schema.validate()
        return schema


def default_schema() -> LabelSchema:
    """The schema shipped for Indonesian international-politics news."""
    return LabelSchema.load(DEFAULT_SCHEMA_PATH)


def _entity_type(index: int, data: Any) -> EntityType:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise SchemaError(f"entity type #{index + 1} needs a name")
    name = data["name"]
    if not _NAME.fullmatch(name):
        raise SchemaError(f"entity label {name!r}: use letters, digits, '_' or '-'")
    colour = str(data.get("colour", "#999999"))
    if not _COLOUR.fullmatch(colour):
        raise SchemaError(f"entity label {name}: colour {colour!r} is not #RRGGBB")
    hotkey = str(data.get("hotkey", ""))
    if len(hotkey) > 1 or (hotkey and (hotkey.isspace() or not hotkey.isprintable())):
        raise SchemaError(f"entity label {name}: hotkey {hotkey!r} must be one key")
    return EntityType(name, colour, hotkey, str(data.get("guideline", "")))


def _relation_type(index: int, data: Any) -> RelationType:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise SchemaError(f"relation type #{index + 1} needs a name")
    name = data["name"]
    if not _NAME.fullmatch(name):
        raise SchemaError(f"relation label {name!r}: use letters, digits, '_' or '-'")
    ends = {}
    for end in ("head", "child"):
        value = data.get(end, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SchemaError(f"relation {name}: {end} must be a list of entity labels")
        ends[end] = tuple(value)
    return RelationType(
        name,
        str(data.get("guideline", "")),
        ends["head"],
        ends["child"],
        bool(data.get("symmetric", False)),
    )


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise SchemaError(f"{what} {value!r} appears twice")
        seen.add(value)
