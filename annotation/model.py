"""The domain's plain records: Article, Entity, Relation and their statuses, and the
NewEntity and NewRelation that a reader or an import hands to the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

HUMAN = "human"


class EntityStatus:
    """Where an entity stands: offered by a suggester, or decided by an annotator."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ALL = (SUGGESTED, ACCEPTED, REJECTED)


class ArticleStatus:
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    ALL = (TODO, IN_PROGRESS, DONE, SKIPPED)


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
