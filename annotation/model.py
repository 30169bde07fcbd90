"""The domain's plain records: Article, Entity, Relation and their statuses, and the
NewEntity and NewRelation that a reader or an import hands to the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

HUMAN = "human"


class StrEnum(str, Enum):
    """Python 3.11's `enum.StrEnum` for 3.10: each member is the string it stands for.

    A member equals, hashes, formats (f-strings, `str.join`), serialises (`json.dumps`) and
    binds as an SQLite parameter exactly as its value does, so the stored strings ('accepted',
    'todo', ...) and the members are interchangeable; only `repr` tells them apart.
    """

    def __str__(self) -> str:
        return str(self.value)


class EntityStatus(StrEnum):
    """Where an entity (or a relation) stands: offered by a suggester, or decided by an
    annotator."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    # Every status's plain string, in the order above (set below the class: an enum's body
    # makes members of what it assigns). Plain strings so messages that repr them (argparse's
    # choices, for one) show 'accepted' rather than the member's repr.
    ALL: ClassVar[tuple[str, ...]]


class ArticleStatus(StrEnum):
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"

    ALL: ClassVar[tuple[str, ...]]  # as EntityStatus.ALL


EntityStatus.ALL = tuple(status.value for status in EntityStatus)
ArticleStatus.ALL = tuple(status.value for status in ArticleStatus)


def content_hash(text: str) -> str:
    """Return the hash that identifies an article by its exact text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    text: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    hash: str = ""


@dataclass(frozen=True)
class Entity:
    """A labelled span of an article's text; `end` is exclusive, as in Python slicing."""

    id: int
    article_id: int
    start: int
    end: int
    label: str
    status: str = EntityStatus.ACCEPTED
    origin: str = HUMAN
    score: float | None = None
    annotator: str | None = None
    created: str = ""
    updated: str = ""

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Relation:
    """A labelled, usually directed link from a head entity to a child entity."""

    id: int
    article_id: int
    head: int
    child: int
    label: str
    status: str = EntityStatus.ACCEPTED
    origin: str = HUMAN
    score: float | None = None
    annotator: str | None = None
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class NewEntity:
    """An entity to add with a new article (see `annotation.project.store.Store.add_article`)."""

    start: int
    end: int
    label: str
    status: str = EntityStatus.ACCEPTED
    origin: str = HUMAN
    score: float | None = None
    annotator: str | None = None


@dataclass(frozen=True)
class NewRelation:
    """A relation to add with a new article; `head` and `child` index its NewEntity list."""

    head: int
    child: int
    label: str
    status: str = EntityStatus.ACCEPTED
    origin: str = HUMAN
    score: float | None = None
    annotator: str | None = None
