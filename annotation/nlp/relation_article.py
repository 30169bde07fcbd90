"""One article as the relation rules read it: words, entities, mentions, groups and output.

`ArticleBase` maps a Doc's words (whitespace tokens left out) and the caller's entities to
word positions, flags the grammar words of `relation_words` with one sorted-array search,
joins entities into mentions and groups (`relation_mentions`), and collects the relations
found, one candidate per (label, head, child) with the best score. How triggers are read is
in `relation_clauses`; what the suggester runs, in `relations`.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from annotation.nlp.relation_discourse import Discourse
from annotation.nlp.relation_mentions import (
    Group,
    Span,
    Words,
    build_groups,
    build_mentions,
    event_places,
)
from annotation.nlp.relation_places import Countries
from annotation.nlp.relation_words import (
    ACCORD,
    AT,
    BETW,
    COMMA,
    COPS,
    DASH,
    DI,
    DISP,
    HOSTS,
    OBL,
    PREP,
    PRON,
    PURP,
    QUOTE,
    SAYS,
    SHARE,
    SPEAK,
    STOP_A,
    STOP_B,
    SUBORD,
    WORD_CLASSES,
    YANG,
)
from annotation.nlp.suggestion import Candidate, RelationCandidate, SuggesterError
from annotation.schema import RelationType

COOPERATES = "COOPERATES_WITH"
MEETS = "MEETS"
_DATELINE = 6  # words of a dateline before its dash: "Kuala Lumpur, Kabar Kini - "
_SUBJECT_WITHIN = 5  # words before a clause's subject: "Pada Minggu (3/12/2023), X ..."


class ArticleBase:
    """One Doc's words, entities and groups, and the relations found among them.

    `owner` is the `RelationSuggester`: its schema relations, trigger table and word codes.
    """

    def __init__(self, owner: Any, doc: Any, entities: Sequence[Candidate]):
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE, IS_TITLE, LENGTH, LIKE_NUM, LOWER, SENT_START

        self.o = owner
        self.strings = doc.vocab.strings
        arr = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE, SENT_START, LIKE_NUM, IS_TITLE])
        if len(arr) > 1 and not arr[1:, 4].any():  # doc.has_annotation walks every token
            raise SuggesterError(
                "relations: the Doc has no sentence boundaries; "
                "set them (e.g. with spaCy's sentencizer) first"
            )
        space = arr[:, 3] != 0  # whitespace tokens ("\r\n", "  ") are not words
        keep = ~space
        broken = np.concatenate(([False], space[:-1]))[keep]
        starts = arr[keep, 1]
        self._starts, self._ends, self._lower = starts, starts + arr[keep, 2], arr[keep, 0]
        self.lower = self._lower.tolist()
        self.title = (arr[keep, 6] != 0).tolist()  # capitalised: a headline's bare verb
        self.sent = (arr[:, 4] == 1).cumsum()[keep].tolist()
        self.words = Words(
            self.lower,
            starts.tolist(),
            self._ends.tolist(),
            broken.tolist(),
            (arr[keep, 5] != 0).tolist(),
            self.title,
        )
        self.found: dict[tuple[str, int, int], RelationCandidate] = {}
        self.pairs: dict[int, tuple[int, int]] = {}  # sentence -> its first symmetric pair
        self.meetings: dict[int, set[int]] = {}  # sentence -> the sides of its MEETS
        self.comma = owner._comma
        self._place(entities)
        self.mentions = build_mentions(self.words, self.spans)
        self.after_di = after_di = {i for i, s in enumerate(self.spans) if s.first - 1 in self.di}
        self.groups, self.place_pairs = build_groups(
            self.words, self.spans, self.mentions, owner._place_pairs, after_di
        )
        self.event_places = event_places(self.spans, after_di)
        self.event_place_of = {event for event, _ in self.event_places}
        self.group_firsts = [g.first for g in self.groups]
        self.group_lasts = [g.last for g in self.groups]

    def _place(self, entities: Sequence[Candidate]) -> None:
        """Map entities to words and sentences, in text order, dropping unusable ones."""
        import numpy as np

        n = len(self.lower)
        starts = [e.start for e in entities]
        ends = [e.end for e in entities]
        firsts = np.searchsorted(self._ends, starts, side="right").tolist()
        lasts = np.searchsorted(self._starts, ends, side="left").tolist()
        self.spans: list[Span] = []
        self.index: list[int] = []  # position -> index into the caller's `entities`
        inside = bytearray(n)
        counted = bytearray(b"\x01") * n  # an entity counts as one word in distances
        sent, last_end = self.sent, -1
        for i in sorted(range(len(entities)), key=lambda i: (starts[i], ends[i])):
            first, last = firsts[i], lasts[i]
            if starts[i] < last_end or first >= last or sent[first] != sent[last - 1]:
                continue  # overlapping, between words, or across a sentence boundary
            last_end = ends[i]
            self.spans.append(Span(entities[i].label, first, last, sent[first]))
            self.index.append(i)
            inside[first:last] = b"\x01" * (last - first)
            counted[first + 1 : last] = bytes(last - first - 1)
        self.inside = inside
        self.cum = [0, *accumulate(counted)]
        # The function words present: a sorted-array lookup, cheaper than np.isin here.
        coded = self.o._coded
        at = np.searchsorted(coded, self._lower)
        at[at == len(coded)] = 0
        # The classes of each flagged word, a bit each, split into one list per class.
        found = np.flatnonzero(
            (coded[at] == self._lower) & (np.frombuffer(bytes(inside), dtype=np.uint8) == 0)
        )
        bits = self.o._bits[at[found]]
        by_bit = {bit: found[(bits & bit) != 0].tolist() for bit in WORD_CLASSES}
        (
            self.stop_before,
            self.stop_after,
            self.shared,
            self.purpose,
            self.prepositions,
            self.between,
            self.subordinate,
            self.commas,
            self.dashes,
            self.disputes,
            self.hosts,
            self.copulas,
            self.speech,
            self.according,
            self.at_words,
        ) = (
            by_bit[bit]
            for bit in (
                STOP_B,
                STOP_A,
                SHARE,
                PURP,
                PREP,
                BETW,
                SUBORD,
                COMMA,
                DASH,
                DISP,
                HOSTS,
                COPS,
                SPEAK,
                ACCORD,
                AT,
            )
        )
        self.oblique, self.di, self.yang = (set(by_bit[bit]) for bit in (OBL, DI, YANG))
        self.yang_at = by_bit[YANG]  # sorted, for `_any`: a scan of the set is quadratic
        self.discourse = Discourse(self, *(by_bit[bit] for bit in (PRON, QUOTE, SAYS)))

    @functools.cached_property
    def countries(self) -> Countries:
        """The countries of the article's places and people (built when first asked)."""
        return Countries(self)

    def first_group(self, position: int) -> int | None:
        """The index of the first group that starts at or after word `position`."""
        k = bisect_left(self.group_firsts, position)
        return k if k < len(self.groups) else None

    def clause_start(self, position: int) -> int:
        """Where the main clause of `position`'s sentence starts: past a dateline
        ("Moskow, Lintas Dunia - ") and a fronted clause ("Sebelum bertolak ke Rusia, ").
        """
        start = self.sent_first(position)
        i = bisect_left(self.dashes, start)
        if (
            i < len(self.dashes)
            and self.cum[self.dashes[i]] - self.cum[start] <= _DATELINE
            and self.words.starts[self.dashes[i]] > self.words.ends[self.dashes[i] - 1]
        ):
            start = self.dashes[i] + 1  # a spaced dash: "Kota, Media - "
        if self._any(self.subordinate, start, start + 1):
            i = bisect_left(self.commas, start)
            if i < len(self.commas) and self.sent[self.commas[i]] == self.sent[start]:
                start = self.commas[i] + 1
        return start

    def clause_subject(self, position: int, types: Any) -> tuple[Group, list[int]] | None:
        """The named subject of `position`'s main clause, for a clause that left it out.

        The first group of the main clause within a few words of its start that is no
        adjunct ("di Gaza"), before any clause word.
        """
        start = self.clause_start(position)
        k = self.first_group(start)
        while k is not None and k < len(self.groups):
            group = self.groups[k]
            if (
                group.sent != self.sent[start]
                or self.cum[group.first] - self.cum[start] > _SUBJECT_WITHIN
                or self._any(self.stop_before, start, group.first)
            ):
                return None
            if group.first - 1 not in self.oblique:
                picked = group.pick(types)
                return (group, picked) if picked and group.mentions[0].kind == "actor" else None
            k += 1
        return None

    def sent_first(self, position: int) -> int:
        """The first word of the sentence of word `position`."""
        return bisect_left(self.sent, self.sent[position])

    @staticmethod
    def _any(positions: list[int], start: int, end: int) -> bool:
        """Whether any of the sorted `positions` lies in [start, end)."""
        i = bisect_left(positions, start)
        return i < len(positions) and positions[i] < end

    # -- output ---------------------------------------------------------------------------

    def _cross(
        self,
        heads: list[int],
        children: list[int],
        rel: RelationType,
        score: float,
        span: tuple[int, int],
    ) -> None:
        for head in heads:
            for child in children:
                self._emit(head, child, rel.name, score, span)

    def _joint(self, group: Group, score: float, span: tuple[int, int]) -> None:
        """The members of a subject that calls or stands together cooperate."""
        rel = self.o._relations.get(COOPERATES)
        if rel is not None:
            self._among(group.pick(set(rel.head) | set(rel.child)), rel, score, span)

    def _among(
        self, members: list[int], rel: RelationType, score: float, span: tuple[int, int]
    ) -> None:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                self._emit(a, b, rel.name, score, span)

    def _emit(
        self, head: int, child: int, label: str, score: float, trigger: tuple[int, int] | None
    ) -> None:
        rel = self.o._relations.get(label)
        first, second = self.spans[head].label, self.spans[child].label
        if rel is None or head == child or not rel.allows(first, second):
            return
        if rel.symmetric and trigger is not None:
            self.pairs.setdefault(self.spans[head].sent, (min(head, child), max(head, child)))
            if label == MEETS:
                self.meetings.setdefault(self.spans[head].sent, set()).update((head, child))
        head, child = self.index[head], self.index[child]
        if rel.symmetric:  # one candidate per pair, the lower index as head where types allow
            forward = first in rel.head and second in rel.child
            if second in rel.head and first in rel.child and (child < head or not forward):
                head, child = child, head
            key = (label, min(head, child), max(head, child))
        else:
            key = (label, head, child)
        old = self.found.get(key)
        score = round(score, 3)
        if old is None or score > old.score:
            origin = f"{self.o.name}:{'trigger' if trigger else 'layout'}"
            self.found[key] = RelationCandidate(head, child, label, origin, score, trigger)
