"""Suggestions in the project: run the engine on articles and keep the store in step.

Suggested entities and relations are rows with status "suggested" and no annotator. Running
suggestions again replaces an article's undecided suggestions with the engine's new ones and
never touches a decision: a suggestion that repeats a rejected one is not offered again, and
none overlaps an accepted entity. The `suggested` table records which engine suggested each
article, so that bulk runs resume where they stopped and an article opened without
suggestions gets them on the spot (`ensure_suggested`). With the suggestions, in the same
transaction, goes the article's uncertainty (`annotation.nlp.uncertainty`) and the engine
that measured it; `refresh` (the memory only) leaves it as the full run measured it.

The researcher (or another process) may decide, delete or add while the engine runs, which
takes a while: the article's decisions are read again inside the transaction that stores its
suggestions, and what became stale is dropped there (a suggestion that now overlaps an
accepted entity or repeats a rejected one, a relation to an entity deleted meanwhile, the
whole article if it was deleted), so the invariants hold whatever happened meanwhile.
A run that cannot go on after some batches were committed (another process kept the write
lock, the disk filled up) returns its report with `stopped` saying why. An article longer
than `limits.MAX_ARTICLE_CHARS` (from an older Sorot, or a project made by hand) is never
given to the engine, which would take many gigabytes for it: it is skipped, and named.

The memory learns from every decision in the project and, through `MemorySync`, follows
each new decision (and each undo) as it is committed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.limits import MAX_ARTICLE_CHARS
from annotation.model import EntityStatus
from annotation.nlp.combine import Decided, combine
from annotation.nlp.engine import Engine, Result
from annotation.nlp.suggestion import Candidate
from annotation.project.db import ProjectError
from annotation.project.file.causes import explain
from annotation.project.store import Change, ChangeSet, Store, entity_row, now, relation_row
from annotation.schema import LabelSchema
from annotation.settings import Settings

SUGGESTED, ACCEPTED, REJECTED = EntityStatus.SUGGESTED, EntityStatus.ACCEPTED, EntityStatus.REJECTED
BATCH = 64

# Every decision with its surface string. A suggestion rejected because an accepted entity
# now covers it (the researcher drew the right span over it) says nothing against its
# string, so the memory leaves such rejections out.
_DECISIONS_SQL = """
    SELECT substr(a.text, e.start + 1, e."end" - e.start), e.label, e.status = 'accepted'
    FROM entities e JOIN articles a ON a.id = e.article_id
    WHERE e.status != 'suggested' {where} AND NOT (e.status = 'rejected' AND EXISTS (
        SELECT 1 FROM entities x WHERE x.article_id = e.article_id AND x.status = 'accepted'
        AND x.start < e."end" AND e.start < x."end"))
"""
_SURFACE_WHERE = (
    'AND e."end" - e.start = length(:surface) AND substr(a.text, e.start + 1, '
    'e."end" - e.start) = :surface'
)


@dataclass(frozen=True)
class TooLong:
    """An article not suggested for, as it is longer than Sorot takes."""

    article_id: int
    title: str
    chars: int
    limit: int = MAX_ARTICLE_CHARS

    def message(self) -> str:
        title = self.title if len(self.title) <= 60 else self.title[:59] + "…"
        name = f"article {self.article_id}" + (f" ({title})" if title else "")
        return f"{name}: {self.chars:,} characters, over the limit of {self.limit:,}; not suggested"


@dataclass
class SuggestReport:
    articles: int = 0
    entities: int = 0
    relations: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    stale: int = 0  # suggestions dropped because the article changed while they were made
    gone: int = 0  # articles deleted while their suggestions were made
    stopped: str | None = None  # why the run stopped before the end, if it did
    left: int = 0  # articles not suggested because it stopped
    too_long: list[TooLong] = field(default_factory=list)  # skipped: over the limit

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        text = (
            f"suggested {self.entities} entities and {self.relations} relations in "
            f"{self.articles} articles ({rate:,.1f} articles/s)"
        )
        if self.stale:
            text += (
                f"; {self.stale} left out, as the articles were changed meanwhile "
                "(an entity accepted, deleted or rejected there)"
            )
        if self.gone:
            text += f"; {self.gone} articles were deleted meanwhile"
        if self.too_long:
            text += (
                f"; {len(self.too_long)} articles over the limit of "
                f"{self.too_long[0].limit:,} characters not suggested"
            )
        if self.stopped:
            text += (
                f"; stopped with {self.left} articles to go: {self.stopped}. What was "
                "suggested is committed; run `sorot suggest` again to go on"
            )
        return text


def engine_from_settings(
    schema: LabelSchema,
    settings: Settings,
    names: Sequence[str] | None = None,
    label_map: dict[str, str | None] | None = None,
    *,
    relations: bool = True,
    project: Path | None = None,
    relation_model: Path | None = None,
    learned_relations: bool | None = None,
) -> Engine:
    """Load the suggesters named (default: the settings' list), with their label maps.

    Names other than "rules" and "model" are installed spaCy pipelines; `label_map`
    applies to all of them, else each uses its map from the settings. "model" is the
    project's own trained model when `sorot train` adopted one, else the shipped model;
    likewise relations come from the rules with the project's adopted relation model, else,
    when the settings' `relation_model` is true (it is false by default), the shipped one.
    `relation_model` (a folder) overrides both; `learned_relations` True asks for the shipped
    model whatever the settings, False leaves the rules alone.
    """
    from annotation.nlp.engine import SOURCES, PipelineSource, load_engine
    from annotation.nlp.model_folders import current_model, current_relation_model

    names = list(names or settings.suggesters)
    pipelines = [
        PipelineSource(n, label_map or settings.pipeline_label_maps.get(n, {}))
        for n in names
        if n not in SOURCES
    ]
    shipped = settings.relation_model if learned_relations is None else learned_relations
    if relation_model is None and learned_relations is not False and project is not None:
        relation_model = current_relation_model(project)
    return load_engine(
        schema,
        [n for n in names if n in SOURCES],
        pipelines,
        relations=relations,
        model_path=current_model(project) if project is not None else None,
        relation_model=relation_model,
        shipped_relations=shipped,
    )


def load_memory(store: Store, engine: Engine) -> int:
    """Teach the engine's memory every decision in the project; return how many."""
    if engine.memory is None:
        return 0
    rows = store.db.execute(_DECISIONS_SQL.format(where="")).fetchall()
    engine.memory.learn((surface, label, bool(accepted)) for surface, label, accepted in rows)
    return len(rows)


def relearn(store: Store, engine: Engine, surfaces: Iterable[str]) -> set[str]:
    """Count these strings' decisions afresh; return those whose suggestion changed."""
    memory = engine.memory
    changed = set()
    for surface in surfaces:
        rows = store.db.execute(
            _DECISIONS_SQL.format(where=_SURFACE_WHERE), {"surface": surface}
        ).fetchall()
        if memory.reset(surface, [(s, label, bool(acc)) for s, label, acc in rows]):
            changed.add(surface)
    return changed


def pending(
    store: Store,
    engine: Engine,
    article_ids: Iterable[int] | None = None,
    *,
    too_long: list[TooLong] | None = None,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> list[int]:
    """Articles that this engine has not suggested for yet, or has not measured.

    An article suggested before uncertainty was measured (a project from an older Sorot)
    counts as not suggested: measuring needs the suggesters' candidates, which are not kept.
    Articles longer than `max_chars` are left out, and added to `too_long` if it is given.
    """
    rows = store.db.execute(
        "SELECT a.id FROM articles a LEFT JOIN suggested s ON s.article_id = a.id "
        "WHERE s.engine IS NULL OR s.engine != ? OR NOT EXISTS "
        "(SELECT 1 FROM uncertainty u WHERE u.article_id = a.id) ORDER BY a.id",
        (engine.fingerprint,),
    )
    ids = [r[0] for r in rows]
    if article_ids is not None:
        wanted = set(article_ids)
        ids = [i for i in ids if i in wanted]
    over = _too_long(store, ids, max_chars)
    if too_long is not None:
        too_long.extend(over)
    skip = {t.article_id for t in over}
    return [i for i in ids if i not in skip]


def _too_long(store: Store, article_ids: Sequence[int], max_chars: int) -> list[TooLong]:
    """Those of these articles longer than `max_chars`, in order."""
    found: list[TooLong] = []
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.extend(
            TooLong(i, title, chars, max_chars)
            for i, title, chars in store.db.execute(
                f"SELECT id, title, length(text) FROM articles WHERE id IN ({marks}) AND "
                "length(text) > ? ORDER BY id",
                (*chunk, max_chars),
            )
        )
    return found


def suggest_articles(
    store: Store,
    engine: Engine,
    article_ids: Sequence[int],
    *,
    batch_size: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> SuggestReport:
    """Suggest for these articles in batches, committing after each batch.

    Articles longer than `max_chars` are skipped and listed in the report's `too_long`.

    A run of more than one batch lists this process as the project's writer (`Store.bulk`).
    """
    report = SuggestReport()
    began = time.perf_counter()
    many = len(article_ids) > batch_size
    with store.bulk("suggest") if many else contextlib.nullcontext():
        for i in range(0, len(article_ids), batch_size):
            try:
                _suggest_batch(store, engine, article_ids[i : i + batch_size], report, max_chars)
            except (ProjectError, sqlite3.Error) as exc:
                if not report.articles:
                    raise  # nothing was committed: the error stands for the whole run
                report.stopped, report.left = explain(store.path, exc), len(article_ids) - i
                break
            if progress:
                progress(min(i + batch_size, len(article_ids)), len(article_ids))
    report.seconds = time.perf_counter() - began
    report.timings = dict(engine.timings)
    return report


def _suggest_batch(
    store: Store,
    engine: Engine,
    batch: Sequence[int],
    report: SuggestReport,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> None:
    items, found = [], []
    for article_id in batch:
        try:  # an article deleted since it was listed is skipped
            article = store.article(article_id)
            if len(article.text) > max_chars:
                report.too_long.append(
                    TooLong(article_id, article.title, len(article.text), max_chars)
                )
                continue
            items.append((article.text, store.tokens(article_id)))
        except KeyError:
            report.gone += 1
            continue
        found.append(article_id)
    decided = [_decided(store, a) for a in found]
    results = engine.run(engine.docs(items), [[d for d, _ in ds] for ds in decided])
    counts = [0, 0, 0, 0]
    with store.transaction() as tx:
        for article_id, result, ds in zip(found, results, decided):
            stored = _sync(tx, store, article_id, result, ds, engine.fingerprint)
            if stored is None:
                counts[3] += 1
                continue
            for n, value in enumerate(stored):
                counts[n] += value
    report.entities += counts[0]
    report.relations += counts[1]
    report.stale += counts[2]
    report.gone += counts[3]
    report.articles += len(found) - counts[3]


def ensure_suggested(store: Store, engine: Engine, article_id: int) -> bool:
    """Suggest for an article unless this engine already has; return whether it ran."""
    if not pending(store, engine, [article_id]):
        return False
    suggest_articles(store, engine, [article_id])
    return True


def refresh(store: Store, engine: Engine, article_ids: Sequence[int]) -> int:
    """Re-combine articles' stored suggestions with the memory, without re-running models.

    After a decision the memory knows new strings; this brings them to other articles in a
    few milliseconds each, keeping the other suggesters' stored candidates as they are.
    Return how many articles changed.
    """
    return len(refresh_ids(store, engine, article_ids))


def refresh_ids(store: Store, engine: Engine, article_ids: Sequence[int]) -> set[int]:
    """`refresh`, returning the ids of the articles whose suggestions changed."""
    changed: set[int] = set()
    if engine.memory is None:
        return changed
    for article_id in article_ids:
        try:
            article = store.article(article_id)
        except KeyError:  # deleted meanwhile
            continue
        doc = engine.docs([(article.text, store.tokens(article_id))])[0]
        memory = engine.memory
        stored = [
            Candidate(e.start, e.end, e.label, e.origin, e.score or 0.0)
            for e in store.entities(article_id, (SUGGESTED,))
        ]
        # What the memory suggested before and no longer does (an undo) goes.
        still = [
            c
            for c in stored
            if c.origin != memory.name
            or memory.label_for(article.text[c.start : c.end].strip()) == c.label
        ]
        found = memory.filter(doc, still + memory.suggest([doc])[0])
        decided = _decided(store, article_id)
        kept = combine(found, engine.priority, [d for d, _ in decided])
        if {(c.start, c.end, c.label) for c in kept} == {(c.start, c.end, c.label) for c in stored}:
            continue
        relations = []
        if engine.relations is not None:
            accepted = [
                Candidate(d.start, d.end, d.label, "human") for d, _ in decided if d.accepted
            ]
            relations = engine.relations.suggest(doc, kept + accepted)
        with store.transaction() as tx:
            written = _sync(tx, store, article_id, Result(kept, relations), decided, None)
        if written is not None:
            changed.add(article_id)
    return changed


def articles_containing(store: Store, surfaces: Iterable[str]) -> list[int]:
    """Articles whose text contains any of these strings."""
    ids: set[int] = set()
    for surface in surfaces:
        rows = store.db.execute("SELECT id FROM articles WHERE instr(text, ?) > 0", (surface,))
        ids.update(r[0] for r in rows)
    return sorted(ids)


class MemorySync:
    """Keeps an engine's memory in step with the decisions committed to the store.

    Subscribe it to the store; after each commit `touched` holds the strings whose
    suggestion or veto changed, for the caller to `refresh` (at once for the open article,
    in the background for the rest of the project). Each string's decisions are counted
    afresh from the project, so undo and redo need no bookkeeping of their own.
    """

    def __init__(self, store: Store, engine: Engine) -> None:
        self.store, self.engine = store, engine
        self.touched: set[str] = set()
        store.subscribe(self)

    def __call__(self, changes: list[Change]) -> None:
        if self.engine.memory is None:
            return
        surfaces = set()
        for change in changes:
            if change.table != "entities":
                continue
            for row in (change.before, change.after):
                if row is not None and row["status"] != SUGGESTED:
                    text = self.store.article(row["article_id"]).text
                    surfaces.add(text[row["start"] : row["end"]].strip())
        self.touched |= relearn(self.store, self.engine, surfaces - {""})

    def take(self) -> set[str]:
        touched, self.touched = self.touched, set()
        return touched


def _decided(store: Store, article_id: int) -> list[tuple[Decided, int]]:
    """The article's human decisions, each with its entity id."""
    return [
        (Decided(e.start, e.end, e.label, e.status == ACCEPTED), e.id)
        for e in store.entities(article_id, (ACCEPTED, REJECTED))
    ]


def _sync(
    tx: ChangeSet,
    store: Store,
    article_id: int,
    result: Result,
    decided: list[tuple[Decided, int]],
    fingerprint: str | None,
) -> tuple[int, int, int] | None:
    """Make the article's undecided suggestions exactly `result`, leaving decisions alone.

    `decided` are the decisions the engine was given; they are read again here, inside the
    transaction, and what became stale since is dropped (see the module docstring). Return
    the entities and relations stored and the stale ones dropped, or None when the article
    itself was deleted meanwhile.
    """
    if store.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        return None
    time_ = now()
    now_decided = _decided(store, article_id)
    accepted = [d for d, _ in now_decided if d.accepted]
    vetoed = {(d.start, d.end, d.label) for d, _ in now_decided if not d.accepted}
    existing = {(e.start, e.end, e.label): e for e in store.entities(article_id, (SUGGESTED,))}
    ids: list[int | None] = []  # as the result's relations index them; None: left out
    stale = 0
    for cand in result.entities:
        if (cand.start, cand.end, cand.label) in vetoed or any(
            cand.start < d.end and d.start < cand.end for d in accepted
        ):
            ids.append(None)
            stale += 1
            continue
        old = existing.pop((cand.start, cand.end, cand.label), None)
        if old is None:
            ids.append(
                tx.insert(
                    "entities",
                    entity_row(
                        article_id,
                        cand.start,
                        cand.end,
                        cand.label,
                        SUGGESTED,
                        cand.origin,
                        None,
                        score=cand.score,
                        time=time_,
                    ),
                )
            )
            continue
        if (old.origin, old.score) != (cand.origin, cand.score):
            tx.update("entities", (old.id,), origin=cand.origin, score=cand.score, updated=time_)
        ids.append(old.id)
    still = {entity_id for d, entity_id in now_decided if d.accepted}
    ids += [entity_id if entity_id in still else None for d, entity_id in decided if d.accepted]
    stale_entities = {e.id for e in existing.values()}
    dropped = _sync_relations(tx, store, article_id, result, ids, stale_entities, time_)
    for entity_id in stale_entities:
        tx.delete("entities", (entity_id,))
    if fingerprint is not None:
        tx.upsert("suggested", {"article_id": article_id, "engine": fingerprint, "updated": time_})
        if result.uncertainty is not None:
            u = result.uncertainty
            tx.upsert(
                "uncertainty",
                {
                    "article_id": article_id,
                    "engine": fingerprint,
                    "score": u.score,
                    "places": u.places,
                    "disputed": u.disputed,
                    "updated": time_,
                },
            )
    return len(result.entities) - stale, len(result.relations) - dropped, stale + dropped


def _sync_relations(
    tx: ChangeSet,
    store: Store,
    article_id: int,
    result: Result,
    ids: list[int | None],
    stale_entities: set[int],
    time_: str,
) -> int:
    """Make the article's undecided relations the result's; return how many were left out
    because an end was left out or deleted meanwhile."""
    schema = store.schema
    relations = store.relations(article_id)
    decided = set()
    suggested: dict[tuple[int, int, str], Any] = {}
    for rel in relations:
        if rel.status == SUGGESTED:
            suggested[(rel.head, rel.child, rel.label)] = rel
        else:
            decided.add((rel.head, rel.child, rel.label))
    dropped = 0
    for cand in result.relations:
        head, child = ids[cand.head], ids[cand.child]
        if head is None or child is None:
            dropped += 1
            continue
        key = (head, child, cand.label)
        rel_type = schema.relation(cand.label)
        symmetric = rel_type is not None and rel_type.symmetric
        if key in decided or (symmetric and (child, head, cand.label) in decided):
            continue
        old = suggested.pop(key, None) or (
            suggested.pop((child, head, cand.label), None) if symmetric else None
        )
        if old is None:
            tx.insert(
                "relations",
                relation_row(
                    article_id,
                    head,
                    child,
                    cand.label,
                    SUGGESTED,
                    cand.origin,
                    None,
                    score=cand.score,
                    time=time_,
                ),
            )
        elif (old.origin, old.score) != (cand.origin, cand.score):
            tx.update("relations", (old.id,), origin=cand.origin, score=cand.score, updated=time_)
    for rel in suggested.values():
        tx.delete("relations", (rel.id,))
    for rel in relations:
        if rel.status != SUGGESTED and (rel.head in stale_entities or rel.child in stale_entities):
            # A decided relation keeps its ends: never delete what it stands on.
            stale_entities.discard(rel.head)
            stale_entities.discard(rel.child)
    return dropped
