"""Browsing a project's articles: search, filters, list rows, progress and "next to do".

The article list of the main window asks for the ids that match a query (in corpus order,
which is id order, or uncertain first) and then for rows one page at a time, so that a
project of 100,000 articles never loads more than what is on screen. All of its SQL lives
here.

Uncertain first lists the articles the suggesters were least sure about first (the
`uncertainty` table, filled as articles are suggested: `annotation.nlp.uncertainty`), ties
and the articles never measured in corpus order, the latter after all measured ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotation.model import ArticleStatus, EntityStatus
from annotation.project.store import Store

TODO = ArticleStatus.TODO
CORPUS, UNCERTAIN = "corpus", "uncertain"  # the orders of the list
ORDERS = (CORPUS, UNCERTAIN)
# SQLite allows 32,766 parameters; a page is far smaller, but callers may pass any list.
_CHUNK = 10_000
_UNSEARCHABLE = re.compile("[\0\ud800-\udfff]")


@dataclass(frozen=True)
class ArticleQuery:
    """Which articles to list.

    `search` is what the annotator typed (empty: all articles); `statuses` are Article
    Statuses of `annotator` (empty: any); `label` keeps articles with a suggested or
    accepted Entity of that Label (None: any); `order` is CORPUS or UNCERTAIN.
    """

    search: str = ""
    statuses: tuple[str, ...] = ()
    label: str | None = None
    annotator: str = ""
    order: str = CORPUS

    def __post_init__(self) -> None:
        unknown = set(self.statuses) - set(ArticleStatus.ALL)
        if unknown:
            raise ValueError(f"unknown article status {', '.join(sorted(unknown))}")
        if self.order not in ORDERS:
            raise ValueError(f"unknown order {self.order!r}; choose from {', '.join(ORDERS)}")

    @property
    def unfiltered(self) -> bool:
        """Whether the query lists every article."""
        return (
            not fts_query(self.search)
            and self.label is None
            and set(self.statuses) in (set(), set(ArticleStatus.ALL))
        )


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    id: int
    title: str
    status: str
    suggestions: int  # open Suggestions: entities with the Status `suggested`
    accepted: int  # entities the annotator accepted
    places: int | None = None  # of the uncertainty: None when never measured
    disputed: int | None = None

    @property
    def display_title(self) -> str:
        """The title, or "Article N" for an article without one."""
        title = " ".join(self.title.split())
        return title or f"Article {self.id}"


def fts_query(search: str) -> str:
    """Turn what the annotator typed into an FTS5 query that can never be a syntax error.

    Each word becomes an FTS5 string (inner quotes doubled), so operators, parentheses,
    asterisks and column names are plain text; the last word matches as a prefix, for
    search as you type, unless it has a single letter or digit (every article has a word
    that starts with one). Words without a letter or digit are dropped: the tokenizer
    would find nothing in them. Return "" when nothing is left to search for.
    """
    # A NUL ends an FTS5 string early ("unterminated string"), and a lone surrogate cannot
    # be sent to SQLite at all: both separate words here.
    words = [w for w in _UNSEARCHABLE.sub(" ", search).split() if any(c.isalnum() for c in w)]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if sum(c.isalnum() for c in words[-1]) > 1:
        quoted[-1] += "*"
    return " ".join(quoted)


def _status_condition(
    statuses: Iterable[str],
    annotator: str,
    key: str,
) -> tuple[str, list[Any]]:
    """SQL for "the annotator's status of article `key` is one of these" (no row: todo).

    Correlated, so that it costs one primary-key probe per candidate and a LIMIT stops it.
    """
    wanted = set(statuses)
    if not wanted or wanted >= set(ArticleStatus.ALL):
        return "", []
    if TODO in wanted:
        # Every article but those with a stored status outside the wanted ones.
        negate, chosen = "NOT ", [s for s in ArticleStatus.ALL if s not in wanted]
    else:
        negate, chosen = "", [s for s in ArticleStatus.ALL if s in wanted]
    marks = ", ".join("?" * len(chosen))
    return (
        f"{negate}EXISTS (SELECT 1 FROM article_status WHERE article_id = {key} "
        f"AND annotator = ? AND status IN ({marks}))",
        [annotator, *chosen],
    )


def article_ids(store: Store, query: ArticleQuery) -> list[int]:
    """The ids of the articles that match `query`, in its order."""
    sql, params = _select_ids(query)
    if query.order == UNCERTAIN:
        return _uncertain_first(store, query, sql, params)
    return [r[0] for r in store.db.execute(sql, params)]


def _uncertain_first(
    store: Store,
    query: ArticleQuery,
    sql: str,
    params: list[Any],
) -> list[int]:
    db = store.db
    ranked = "SELECT article_id FROM uncertainty ORDER BY score DESC, article_id"
    if query.unfiltered:
        # The index gives the measured articles in order; the others are those it lacks.
        head = db.execute(ranked).fetchall()
        tail = db.execute(
            "SELECT id FROM articles WHERE id NOT IN "
            "(SELECT article_id FROM uncertainty) ORDER BY id"
        ).fetchall()
        return [r[0] for r in head] + [r[0] for r in tail]
    # The filter's matches (in id order) and the measured order, merged as arrays: SQLite's
    # own join and sort of 100,000 rows takes half as long again, and driving the filter
    # from the uncertainty index probes it in random order, which is slower still.
    import numpy as np

    ids = np.fromiter((r[0] for r in db.execute(sql, params)), dtype=np.int64)
    order = np.fromiter((r[0] for r in db.execute(ranked)), dtype=np.int64)
    measured = order[np.isin(order, ids, assume_unique=True)]
    unmeasured = ids[~np.isin(ids, order, assume_unique=True)]
    merged: list[int] = np.concatenate([measured, unmeasured]).tolist()
    return merged


def _select_ids(query: ArticleQuery) -> tuple[str, list[Any]]:
    # The narrowest source drives: the full-text index, else the live entities of the label
    # (index entities_live_label, whose WHERE `status != 'rejected'` must be written the
    # same here), else the index articles_id, which is far smaller than the articles.
    # Other conditions are correlated EXISTS probes: `rowid IN (subquery)` on the FTS table
    # would run the full-text query once per candidate.
    match = fts_query(query.search)
    conditions: list[str] = []
    params: list[Any] = []
    if match:
        source, key = "SELECT rowid AS id FROM articles_fts", "articles_fts.rowid"
        conditions.append("articles_fts MATCH ?")
        params.append(match)
    elif query.label is not None:
        # A derived table, so that the status probe runs per article, not per entity.
        source = (
            "SELECT article_id AS id FROM (SELECT DISTINCT article_id FROM entities "
            "WHERE label = ? AND status != 'rejected') AS live"
        )
        key = "live.article_id"
        params.append(query.label)
    else:
        source, key = "SELECT id FROM articles", "articles.id"
    if match and query.label is not None:
        conditions.append(
            f"EXISTS (SELECT 1 FROM entities e WHERE e.label = ? "
            f"AND e.status != 'rejected' AND e.article_id = {key})"
        )
        params.append(query.label)
    condition, values = _status_condition(query.statuses, query.annotator, key)
    if condition:
        conditions.append(condition)
        params.extend(values)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"{source}{where} ORDER BY {key}", params


def rows(store: Store, ids: Sequence[int], annotator: str) -> list[ArticleRow]:
    """The list rows of these articles, in the order of `ids` (unknown ids are left out).

    One query for titles (with the uncertainty), one for the annotator's statuses and one
    GROUP BY for the counts (per 10,000 ids).
    """
    titles: dict[int, str] = {}
    measured: dict[int, tuple[int, int]] = {}
    statuses: dict[int, str] = {}
    counts: dict[int, tuple[int, int]] = {}
    db = store.db
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        for article_id, title, places, disputed in db.execute(
            f"SELECT a.id, a.title, u.places, u.disputed FROM articles a LEFT JOIN "
            f"uncertainty u ON u.article_id = a.id WHERE a.id IN ({marks})",
            chunk,
        ):
            titles[article_id] = title
            if places is not None:
                measured[article_id] = (places, disputed)
        statuses.update(
            db.execute(
                f"SELECT article_id, status FROM article_status "
                f"WHERE annotator = ? AND article_id IN ({marks})",
                [annotator, *chunk],
            ).fetchall()
        )
        for article_id, suggested, accepted in db.execute(
            f"SELECT article_id, sum(status = ?), sum(status = ? AND annotator = ?) "
            f"FROM entities WHERE article_id IN ({marks}) GROUP BY article_id",
            [EntityStatus.SUGGESTED, EntityStatus.ACCEPTED, annotator, *chunk],
        ):
            counts[article_id] = (suggested, accepted)
    return [
        ArticleRow(
            i,
            titles[i],
            statuses.get(i, TODO),
            *counts.get(i, (0, 0)),
            *measured.get(i, (None, None)),
        )
        for i in ids
        if i in titles
    ]


def next_article(
    store: Store,
    annotator: str,
    after_id: int | None,
    statuses: tuple[str, ...] = (ArticleStatus.TODO, ArticleStatus.IN_PROGRESS),
    order: str = CORPUS,
) -> int | None:
    """The first article after `after_id`, in `order`, whose status is one of these.

    The search wraps around to the first article and ends with `after_id` itself, so it
    comes back only when it is the last one left. None: no article has those statuses.
    `after_id` None starts at the first article. The order is read afresh, so uncertain
    first follows the uncertainties measured since the list was last read.
    """
    after = -1 if after_id is None else after_id
    if order == UNCERTAIN:
        return _next_uncertain(store, annotator, after_id, statuses)
    condition, params = _status_condition(statuses, annotator, "articles.id")
    condition = f" AND {condition}" if condition else ""
    for bound, value in ((" id > ?", after), (" id <= ?", after)):
        row = store.db.execute(
            f"SELECT id FROM articles WHERE{bound}{condition} ORDER BY id LIMIT 1",
            [value, *params],
        ).fetchone()
        if row is not None:
            article_id: int = row[0]
            return article_id
    return None


def _next_uncertain(
    store: Store, annotator: str, after: int | None, statuses: tuple[str, ...]
) -> int | None:
    # The order is the measured articles (score DESC, id), then the others by id: probe the
    # part after `after`, then the part ahead of it, wrapping, one LIMIT 1 query each.
    condition, params = _status_condition(statuses, annotator, "u.article_id")
    condition = f" AND {condition}" if condition else ""
    measured = (
        "SELECT u.article_id FROM uncertainty u WHERE {bound}"
        + condition
        + " ORDER BY u.score DESC, u.article_id LIMIT 1"
    )
    condition, _ = _status_condition(statuses, annotator, "articles.id")
    condition = f" AND {condition}" if condition else ""
    others = (
        "SELECT id FROM articles WHERE {bound} AND NOT EXISTS (SELECT 1 FROM "
        "uncertainty u WHERE u.article_id = articles.id)" + condition + " ORDER BY id LIMIT 1"
    )
    row = store.db.execute(
        "SELECT score FROM uncertainty WHERE article_id = ?", (after,)
    ).fetchone()
    probes: list[tuple[str, str, list[Any]]]  # (query, its {bound}, the bound's values)
    if after is None:
        probes = [(measured, "1", []), (others, "1", [])]
    elif row is not None:
        score = row[0]
        probes = [
            (
                measured,
                "(u.score < ? OR (u.score = ? AND u.article_id > ?))",
                [score, score, after],
            ),
            (others, "1", []),
            (
                measured,
                "(u.score > ? OR (u.score = ? AND u.article_id <= ?))",
                [score, score, after],
            ),
        ]
    else:
        probes = [(others, "id > ?", [after]), (measured, "1", []), (others, "id <= ?", [after])]
    for sql, bound, values in probes:
        found = store.db.execute(sql.format(bound=bound), [*values, *params]).fetchone()
        if found is not None:
            article_id: int = found[0]
            return article_id
    return None


@dataclass(frozen=True)
class UncertainArticle:
    """An article with its uncertainty, as `most_uncertain` lists it."""

    id: int
    title: str
    status: str
    score: float
    places: int
    disputed: int
    engine: str


def most_uncertain(
    store: Store,
    annotator: str,
    limit: int,
    statuses: tuple[str, ...] = (ArticleStatus.TODO, ArticleStatus.IN_PROGRESS),
) -> list[UncertainArticle]:
    """The `limit` measured articles with these statuses that the suggesters were least sure of."""
    condition, params = _status_condition(statuses, annotator, "u.article_id")
    where = f"WHERE {condition}" if condition else ""
    found = store.db.execute(
        f"SELECT u.article_id, a.title, u.score, u.places, u.disputed, u.engine "
        f"FROM uncertainty u JOIN articles a ON a.id = u.article_id {where} "
        f"ORDER BY u.score DESC, u.article_id LIMIT ?",
        [*params, limit],
    ).fetchall()
    status = (
        dict(
            store.db.execute(
                f"SELECT article_id, status FROM article_status WHERE annotator = ? "
                f"AND article_id IN ({', '.join('?' * len(found))})",
                [annotator, *(r[0] for r in found)],
            ).fetchall()
        )
        if found
        else {}
    )
    return [
        UncertainArticle(i, title, status.get(i, TODO), score, places, disputed, engine)
        for i, title, score, places, disputed, engine in found
    ]


def unmeasured(store: Store) -> int:
    """How many articles have no uncertainty yet (never suggested since it was measured)."""
    count: int = store.db.execute(
        "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM uncertainty)"
    ).fetchone()[0]
    return count


def progress(store: Store, annotator: str) -> tuple[int, int]:
    """How many articles the annotator has marked done, and how many there are in all."""
    done = store.db.execute(
        "SELECT count(*) FROM article_status WHERE annotator = ? AND status = ?",
        (annotator, ArticleStatus.DONE),
    ).fetchone()[0]
    return done, store.count_articles()
