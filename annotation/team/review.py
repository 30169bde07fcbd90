"""Adjudication: several annotators' entities side by side, settled into a gold layer.

The gold layer is the reviewer's own work: entities and relations with the reviewer as
annotator. Each gold item's `origin` names the annotators whose version it came from
("review:ana+budi"), the link from gold back to the versions. An annotator's entities
group into clusters of overlapping spans; a cluster where every annotator made exactly the
same entities is agreed and goes into gold unasked (`accept_agreed`). Any other cluster is a
Difference, of one kind:
- "label": the same spans with different labels;
- "boundary": the same label over different spans;
- "boundary+label": both;
- "only": some annotators marked nothing there.
A Difference is settled once the gold layer has a decision over it: the version taken, the
reviewer's own entity, or a rejected gold entity that says "nothing here".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotation.model import Entity, EntityStatus, Relation
from annotation.project import commands as cmd
from annotation.project.commands import CommandStack
from annotation.project.store import Store

ACCEPTED, REJECTED = EntityStatus.ACCEPTED, EntityStatus.REJECTED
REVIEW = "review"


def review_origin(annotators: Iterable[str]) -> str:
    """The origin of a gold item that these annotators' versions agree on."""
    return f"{REVIEW}:{'+'.join(sorted(annotators))}"


@dataclass(frozen=True)
class Difference:
    """One cluster of overlapping entities on which the annotators do not agree."""

    start: int
    end: int
    kind: str
    versions: dict[str, tuple[Entity, ...]]  # per annotator, possibly empty
    gold: tuple[Entity, ...] = field(default=())  # the reviewer's decisions over it

    @property
    def settled(self) -> bool:
        return bool(self.gold)

    def same_as(self, annotator: str) -> list[str]:
        """Annotators whose version equals this annotator's (it included)."""
        mine = _shape(self.versions[annotator])
        return [a for a, v in self.versions.items() if _shape(v) == mine]


@dataclass(frozen=True)
class ArticleReview:
    """An article's agreed clusters and its differences."""

    agreed: list[tuple[Entity, ...]]  # one annotator's copy of each agreed cluster
    differences: list[Difference]

    @property
    def open(self) -> list[Difference]:
        return [d for d in self.differences if not d.settled]


def _shape(entities: Sequence[Entity]) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted((e.start, e.end, e.label) for e in entities))


def _kind(versions: dict[str, tuple[Entity, ...]]) -> str:
    if any(not v for v in versions.values()):
        return "only"
    spans = {tuple(sorted((e.start, e.end) for e in v)) for v in versions.values()}
    labels = {tuple(sorted(e.label for e in v)) for v in versions.values()}
    if len(spans) == 1:
        return "label"
    return "boundary" if len(labels) == 1 else "boundary+label"


def clusters(entities: Sequence[Entity]) -> list[list[Entity]]:
    """Group entities into clusters of (transitively) overlapping spans, in text order."""
    groups: list[list[Entity]] = []
    end = -1
    for entity in sorted(entities, key=lambda e: (e.start, e.end)):
        if groups and entity.start < end:
            groups[-1].append(entity)
            end = max(end, entity.end)
        else:
            groups.append([entity])
            end = entity.end
    return groups


def compare(
    entities: Sequence[Entity], annotators: Sequence[str], gold: Sequence[Entity] = ()
) -> ArticleReview:
    """Split an article's entities (of these annotators) into agreed and differing clusters."""
    agreed, differences = [], []
    gold = sorted(gold, key=lambda e: e.start)
    for group in clusters([e for e in entities if e.annotator in annotators]):
        versions = {a: tuple(e for e in group if e.annotator == a) for a in annotators}
        start, end = min(e.start for e in group), max(e.end for e in group)
        if len({_shape(v) for v in versions.values()}) == 1:
            agreed.append(versions[annotators[0]])
            continue
        over = tuple(g for g in gold if g.start < end and start < g.end)
        differences.append(Difference(start, end, _kind(versions), versions, over))
    return ArticleReview(agreed, differences)


def article_review(
    store: Store, article_id: int, reviewer: str, annotators: Sequence[str]
) -> ArticleReview:
    """Compare the annotators' accepted entities in an article, with the reviewer's gold."""
    entities = store.entities(article_id, (ACCEPTED,))
    gold = [e for e in store.entities(article_id, (ACCEPTED, REJECTED)) if e.annotator == reviewer]
    return compare(entities, list(annotators), gold)


# -- settling, through the command stack -----------------------------------------------------


def accept_agreed(
    stack: CommandStack, store: Store, article_id: int, annotators: Sequence[str]
) -> int:
    """Put every agreed entity and relation not yet in gold into it, as one undo step."""
    review = article_review(store, article_id, stack.annotator, annotators)
    gold = {
        (e.start, e.end, e.label): e
        for e in store.entities(article_id, (ACCEPTED,))
        if e.annotator == stack.annotator
    }
    todo = [
        e
        for group in review.agreed
        for e in group
        if (e.start, e.end, e.label) not in gold
        and not any(g.start < e.end and e.start < g.end for g in gold.values())
    ]
    relations = _agreed_relations(store, article_id, annotators)
    if not todo and not relations:
        return 0
    added = 0
    with stack.group("Accept what the annotators agree on"):
        for e in todo:
            command = cmd.AddEntity(
                article_id, e.start, e.end, e.label, origin=review_origin(annotators)
            )
            stack.do(command)
            assert command.entity_id is not None, "doing an AddEntity sets its entity_id"
            gold[(e.start, e.end, e.label)] = store.entity(command.entity_id)
            added += 1
        for head, child, label in relations:
            if (
                head in gold
                and child in gold
                and not _has_relation(store, gold[head].id, gold[child].id, label)
            ):
                stack.do(
                    cmd.AddRelation(
                        gold[head].id, gold[child].id, label, origin=review_origin(annotators)
                    )
                )
                added += 1
    return added


Key = tuple[int, int, str]


def _relation_keys(
    store: Store, relations: Sequence[Relation]
) -> dict[str | None, set[tuple[Key, Key, str]]]:
    keys: dict[str | None, set[tuple[Key, Key, str]]] = {}
    for r in relations:
        head, child = store.entity(r.head), store.entity(r.child)
        keys.setdefault(r.annotator, set()).add(
            ((head.start, head.end, head.label), (child.start, child.end, child.label), r.label)
        )
    return keys


def _agreed_relations(
    store: Store, article_id: int, annotators: Sequence[str]
) -> list[tuple[Key, Key, str]]:
    rels = [r for r in store.relations(article_id, (ACCEPTED,)) if r.annotator in annotators]
    keys = _relation_keys(store, rels)
    common = set.intersection(*(keys.get(a, set()) for a in annotators)) if annotators else set()
    return sorted(common)


def _has_relation(store: Store, head: int, child: int, label: str) -> bool:
    return any(
        r.label == label and {r.head, r.child} == {head, child}
        for r in store.relations_of(head)
        if r.status == ACCEPTED
    )


def _article_of(difference: Difference) -> int:
    return next(e for v in difference.versions.values() for e in v).article_id


def take_version(stack: CommandStack, store: Store, difference: Difference, annotator: str) -> None:
    """Settle a difference with one annotator's version, replacing what gold had there.

    Taking the version of an annotator who marked nothing settles it as "nothing here".
    """
    version = difference.versions[annotator]
    if not version:
        settle_as_nothing(stack, store, difference, f"Take {annotator}'s version (nothing)")
        return
    origin = review_origin(difference.same_as(annotator))
    with stack.group(f"Take {annotator}'s version"):
        _clear(stack, difference)
        for e in version:
            stack.do(cmd.AddEntity(e.article_id, e.start, e.end, e.label, origin=origin))


def settle_with(
    stack: CommandStack, store: Store, difference: Difference, start: int, end: int, label: str
) -> None:
    """Settle a difference with the reviewer's own span and label."""
    agreeing = [a for a, v in difference.versions.items() if _shape(v) == ((start, end, label),)]
    with stack.group(f"Settle as {label}"):
        _clear(stack, difference)
        stack.do(
            cmd.AddEntity(
                _article_of(difference),
                start,
                end,
                label,
                origin=review_origin(agreeing) if agreeing else "human",
            )
        )


def settle_as_nothing(
    stack: CommandStack, store: Store, difference: Difference, name: str = "Nothing here"
) -> None:
    """Settle a difference as "no entity here": a rejected gold entity over the cluster."""
    nobody = [a for a, v in difference.versions.items() if not v]
    label = next(e for v in difference.versions.values() for e in v).label
    with stack.group(name):
        _clear(stack, difference)
        add = cmd.AddEntity(
            _article_of(difference),
            difference.start,
            difference.end,
            label,
            origin=review_origin(nobody) if nobody else "human",
        )
        stack.do(add)
        assert add.entity_id is not None, "doing an AddEntity sets its entity_id"
        stack.do(cmd.RejectEntity(add.entity_id))


def _clear(stack: CommandStack, difference: Difference) -> None:
    for g in difference.gold:
        stack.do(cmd.DeleteEntity(g.id))


# -- relations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationVersion:
    """An annotator's relation between entities that gold has, not yet settled in gold."""

    relation: Relation
    head: int  # the gold entities it would link
    child: int
    annotators: tuple[str, ...]  # everyone who made this relation


def relation_versions(
    store: Store, article_id: int, reviewer: str, annotators: Sequence[str]
) -> list[RelationVersion]:
    """Annotators' relations whose ends are in gold but which gold has not settled."""
    entities = {e.id: e for e in store.entities(article_id, (ACCEPTED, REJECTED))}
    gold = {
        (e.start, e.end, e.label): e.id
        for e in entities.values()
        if e.annotator == reviewer and e.status == ACCEPTED
    }
    settled = set()
    for r in store.relations(article_id, (ACCEPTED, REJECTED)):
        if r.annotator == reviewer:
            settled.add((r.head, r.child, r.label))
            settled.add((r.child, r.head, r.label))  # either direction settles it
    found: dict[tuple[int, int, str], list[Relation]] = {}
    for r in store.relations(article_id, (ACCEPTED,)):
        if r.annotator not in annotators or r.head not in entities or r.child not in entities:
            continue
        h, c = entities[r.head], entities[r.child]
        head, child = gold.get((h.start, h.end, h.label)), gold.get((c.start, c.end, c.label))
        if head is None or child is None or (head, child, r.label) in settled:
            continue
        found.setdefault((head, child, r.label), []).append(r)
    return [
        RelationVersion(
            rels[0],
            head,
            child,
            tuple(sorted({r.annotator for r in rels if r.annotator is not None})),
        )
        for (head, child, _), rels in sorted(found.items())
    ]


def take_relation(stack: CommandStack, version: RelationVersion) -> None:
    """Put an annotator's relation into gold, between the gold entities it links."""
    stack.do(
        cmd.AddRelation(
            version.head,
            version.child,
            version.relation.label,
            origin=review_origin(version.annotators),
        )
    )


def reject_relation(stack: CommandStack, version: RelationVersion) -> None:
    """Settle an annotator's relation as wrong: a rejected gold relation."""
    with stack.group(f"Reject {version.relation.label}"):
        add = cmd.AddRelation(
            version.head,
            version.child,
            version.relation.label,
            origin=review_origin(version.annotators),
        )
        stack.do(add)
        assert add.relation_id is not None, "doing an AddRelation sets its relation_id"
        stack.do(cmd.RejectRelation(add.relation_id))


# -- the order of review -----------------------------------------------------------------------


def review_order(store: Store, annotators: Sequence[str]) -> list[int]:
    """Articles every annotator marked done, most disagreement first.

    Disagreement is the number of entities (offsets and label) that not every annotator
    made: a count SQLite takes in one pass, so that the review list of a large project
    opens at once. `sorot agreement` gives the finer per-article figures.
    """
    names = list(annotators)
    marks = ", ".join("?" * len(names))
    done = (
        f"SELECT article_id FROM article_status WHERE status = 'done' "
        f"AND annotator IN ({marks}) GROUP BY article_id "
        f"HAVING count(DISTINCT annotator) = {len(names)}"
    )
    counted = [r[0] for r in store.db.execute(done, names)]
    # One scan of the table (faster here than walking an index to every row); an annotator
    # never holds the same accepted entity twice, so count(*) counts annotators.
    differing = dict(
        store.db.execute(
            f"""SELECT article_id, count(*) FROM (
                SELECT article_id, count(*) AS makers FROM entities NOT INDEXED
                WHERE status = 'accepted' AND annotator IN ({marks})
                GROUP BY article_id, start, "end", label)
            WHERE makers < {len(names)} GROUP BY article_id""",
            names,
        )
    )
    return sorted(counted, key=lambda a: (-differing.get(a, 0), a))
