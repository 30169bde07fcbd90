"""Relation suggestions from Indonesian trigger words and from how names are written.

Within one sentence, each trigger of the lexicon (`resources/lexicons/relation_triggers.tsv`)
links the nearest group of entities before it to the nearest group after it:

- Entities first join into mentions ("Presiden Iran Ebrahim Raisi" stands for Raisi) and
  mentions into coordinated groups ("Rusia dan Iran"), so that "A dan B mendukung C" gives
  A -> C and B -> C. Each side takes the nearest group with an entity the relation allows
  there, within the trigger's word limit, skipping others (a date between subject and verb).
- Active voice makes the entity before the head, passive ("dikecam oleh") the one after.
  A noun trigger followed by its owner ("serangan Israel terhadap Gaza") takes the owner as
  head and the entity after the preposition as child.
- Clause words stop the search ("bahwa", "setelah", quotes); before a trigger, "dan" or
  "untuk" means the subject was left out, so the subject of the sentence's previous
  trigger is taken ("X menyambut baik ... dan mendesak Y": X urges Y).
- A left-out subject may be named elsewhere: "ia", "keduanya", "pihaknya" and a quote's
  "kami" stand for their antecedent or speaker (`relation_discourse`); a name right after a
  me- verb that is no trigger is that verb's object, not the next verb's subject.
- A coordinated subject that urges or supports together also cooperates ("Rusia dan Iran
  mendesak ..."), as the gold guidelines count joint calls.
- A symmetric relation with a group on one side only ("Kuba dan Iran sepakat", "pertemuan
  antara A dan B") links the group's members to each other, once per pair.

The score is the trigger's strength times 0.9 for each word between it and its entities.
Layout alone states HOLDS_ROLE, REPRESENTS and LOCATED_IN (see `relation_mentions`).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from annotation.nlp.relation_discourse import Discourse
from annotation.nlp.relation_lexicon import Trigger, TriggerTable, load_triggers, word_hash
from annotation.nlp.relation_mentions import (
    GPE,
    LOCATED_IN,
    ORG,
    PER,
    REPRESENTS,
    SCORE_EVENT_PLACE,
    SCORE_PLACE_PAIR,
    Group,
    Span,
    Words,
    build_groups,
    build_mentions,
    event_places,
    layout_relations,
)
from annotation.nlp.relation_words import (
    BETW,
    BETWEEN,
    CONTROL,
    DI,
    NOT_TRANSITIVE,
    OBL,
    PREP,
    PRON,
    PURP,
    QUOTE,
    SAYS,
    SHARE,
    STOP_A,
    STOP_B,
    WORD_CLASSES,
    YANG,
)
from annotation.nlp.suggestion import Candidate, RelationCandidate, SuggesterError
from annotation.paths import RESOURCES
from annotation.schema import LabelSchema, RelationType

DEFAULT_LEXICON = RESOURCES / "lexicons" / "relation_triggers.tsv"
# Bump when the rules change how relations are read, so that projects suggest again (the
# lexicon's own changes reach the fingerprint through its digest).
RULES_VERSION = 3
DECAY = 0.9  # score kept per word between a trigger and its entity
INHERITED = 0.8  # score kept when the subject comes from the sentence's previous trigger
SCORE_ORIGIN = 0.6  # "Xi Jinping dari Tiongkok": REPRESENTS
JOINT = 0.85  # score kept for the partners of a joint call ("A dan B mendesak C": A with B)
COOPERATES = "COOPERATES_WITH"
# Calls and stands that a coordinated subject makes together: its members cooperate.
_JOINT = ("URGES", "SUPPORTS")



class _Previous(NamedTuple):
    """A sentence's latest main-clause trigger, whose subject a later trigger may share."""

    end: int  # the word after the trigger
    subject: Group
    controlled: Group | None  # the object of a CONTROL trigger: "mendesak X untuk ..."


class RelationSuggester:
    """Suggest relations among an article's entities from triggers and name layout."""

    name = "relations"

    def __init__(self, schema: LabelSchema, lexicon_path: Path = DEFAULT_LEXICON) -> None:
        self.schema = schema
        triggers = load_triggers(lexicon_path)
        # A project schema may lack some labels of the shipped lexicon; those are left out.
        self.triggers = [t for t in triggers if schema.relation(t.label) is not None]
        self._table = TriggerTable(self.triggers)
        self._relations = {r.name: r for r in schema.relations}
        located = schema.relation(LOCATED_IN)
        self._place_pairs = {(h, c) for h in located.head for c in located.child} \
            if located is not None else set()
        self._codes: dict[int, int] = {}  # word hash -> its WORD_CLASSES bits
        for bit, words in WORD_CLASSES.items():
            for word in words:
                key = word_hash(word)
                self._codes[key] = self._codes.get(key, 0) | bit
        self._coded = _hash_array(self._codes)
        self._dari = word_hash("dari")
        self._transitive: dict[int, bool] = {}  # word hash -> a me- verb with an object
        digest = hashlib.blake2b(Path(lexicon_path).read_bytes(), digest_size=4).hexdigest()
        self.fingerprint = f"{self.name}@{RULES_VERSION}.{digest}"

    def suggest(self, doc: Any, entities: Sequence[Candidate]) -> list[RelationCandidate]:
        """Relation candidates among `entities` (indexes into it), each within one sentence.

        `doc` has sentence boundaries; `entities` are Candidates with character offsets into
        `doc.text`, in any order; an entity overlapping an earlier one is left out.
        """
        if len(entities) < 2 or len(doc) == 0:
            return []
        return _Article(self, doc, entities).suggest()


def _hash_array(codes: dict[int, int]) -> Any:
    import numpy as np

    return np.array(sorted(codes), dtype=np.uint64)


class _Article:
    """One Doc's words, entities and groups, and the relations found among them."""

    def __init__(self, owner: RelationSuggester, doc: Any, entities: Sequence[Candidate]):
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE, LENGTH, LIKE_NUM, LOWER, SENT_START

        self.o = owner
        self.strings = doc.vocab.strings
        arr = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE, SENT_START, LIKE_NUM])
        if len(arr) > 1 and not arr[1:, 4].any():  # doc.has_annotation walks every token
            raise SuggesterError("relations: the Doc has no sentence boundaries; "
                                 "set them (e.g. with spaCy's sentencizer) first")
        space = arr[:, 3] != 0  # whitespace tokens ("\r\n", "  ") are not words
        keep = ~space
        broken = np.concatenate(([False], space[:-1]))[keep]
        starts = arr[keep, 1]
        self._starts, self._ends, self._lower = starts, starts + arr[keep, 2], arr[keep, 0]
        self.lower = self._lower.tolist()
        self.sent = (arr[:, 4] == 1).cumsum()[keep].tolist()
        self.words = Words(self.lower, starts.tolist(), self._ends.tolist(), broken.tolist(),
                           (arr[keep, 5] != 0).tolist())
        self.found: dict[tuple[str, int, int], RelationCandidate] = {}
        self.pairs: dict[int, tuple[int, int]] = {}  # sentence -> its first symmetric pair
        self._place(entities)
        self.mentions = build_mentions(self.words, self.spans)
        after_di = {i for i, s in enumerate(self.spans) if s.first - 1 in self.di}
        self.groups, self.place_pairs = build_groups(
            self.words, self.spans, self.mentions, owner._place_pairs, after_di)
        self.event_places = event_places(self.spans, after_di)
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
            counted[first + 1:last] = bytes(last - first - 1)
        self.inside = inside
        self.cum = [0, *accumulate(counted)]
        # The function words present: a sorted-array lookup, cheaper than np.isin here.
        coded = self.o._coded
        at = np.searchsorted(coded, self._lower)
        at[at == len(coded)] = 0
        codes, lower = self.o._codes, self.lower
        flagged = [(i, codes[lower[i]]) for i in
                   np.flatnonzero(coded[at] == self._lower).tolist() if not inside[i]]
        self.stop_before, self.stop_after, self.shared, self.purpose, self.prepositions, \
            self.between = ([i for i, c in flagged if c & bit]
                            for bit in (STOP_B, STOP_A, SHARE, PURP, PREP, BETW))
        self.oblique, self.di, self.yang = (
            {i for i, c in flagged if c & bit} for bit in (OBL, DI, YANG))
        self.discourse = Discourse(self, *([i for i, c in flagged if c & bit]
                                           for bit in (PRON, QUOTE, SAYS)))

    def sent_first(self, position: int) -> int:
        """The first word of the sentence of word `position`."""
        return bisect_left(self.sent, self.sent[position])

    def suggest(self) -> list[RelationCandidate]:
        for head, child, label, score in layout_relations(self.spans, self.mentions):
            self._emit(head, child, label, score, None)
        for head, child in self.place_pairs:
            self._emit(head, child, LOCATED_IN, SCORE_PLACE_PAIR, None)
        for head, child in self.event_places:
            self._emit(head, child, LOCATED_IN, SCORE_EVENT_PLACE, None)
        for head, child in self._origins():
            self._emit(head, child, REPRESENTS, SCORE_ORIGIN, None)
        matches = self.o._table.find(self.lower, self.inside)
        self.verbs = [s for s, _, t in matches if t.voice != "noun"]
        subject: dict[int, _Previous] = {}  # sentence -> its latest main-clause trigger
        for first, last, trigger in matches:
            self._trigger(first, last, trigger, subject)
        return sorted(self.found.values(), key=lambda r: (min(r.head, r.child), r.head, r.label))

    def _origins(self) -> list[tuple[int, int]]:
        """(person, body) written "Xi Jinping dari Tiongkok": the person represents it."""
        spans, lower, dari = self.spans, self.lower, self.o._dari
        return [(i, i + 1) for i in range(len(spans) - 1)
                if spans[i].label == PER and spans[i + 1].label in (GPE, ORG)
                and spans[i + 1].first == spans[i].last + 1 and lower[spans[i].last] == dari
                and spans[i + 1].sent == spans[i].sent]

    # -- one trigger ----------------------------------------------------------------------

    def _trigger(self, first: int, last: int, trigger: Trigger,
                 subject: dict[int, _Previous]) -> None:
        rel = self.o._relations[trigger.label]
        span = (self.words.starts[first], self.words.ends[last - 1])
        sent = self.sent[first]
        both = set(rel.head) | set(rel.child)
        if trigger.voice == "noun" and self._noun(first, last, trigger, rel, span, both):
            return
        passive = trigger.voice == "passive"
        before_types = both if rel.symmetric else (rel.child if passive else rel.head)
        after_types = both if rel.symmetric else (rel.head if passive else rel.child)
        before = self._before(first, trigger, before_types, subject.get(sent),
                              noun=trigger.voice == "noun")
        after = self._after(last, trigger.after, after_types)
        if (before is not None and not passive and rel.name in _JOINT
                and len(before[0].mentions) > 1 and not before[3]
                and not self._relative(before[0])):
            self._joint(before[0], trigger.strength * DECAY ** before[2] * JOINT, span)
        if (trigger.voice == "noun" and after is not None and after[2] > 0
                and not self._any(self.prepositions, last, after[0].first)):
            after = None  # "mencegat ancaman rudal Iran": a noun's partner takes a preposition
        if before is not None and trigger.voice != "noun" and not self._relative(before[0]):
            # A relative clause ("X yang ...") keeps the main clause's subject.
            controlled = after[0] if after is not None and rel.name in CONTROL else None
            subject[sent] = _Previous(last, before[0], controlled)
        strength = trigger.strength
        if after is not None and rel.symmetric and (
                trigger.words[-1] == BETWEEN or self._any(self.between, last, after[0].first)):
            self._among(after[1], rel, strength * DECAY ** after[2], span)
        elif before is not None and after is not None:
            score = strength * DECAY ** (before[2] + after[2]) * (INHERITED if before[3] else 1)
            heads, children = (after[1], before[1]) if passive else (before[1], after[1])
            self._cross(heads, children, rel, score, span)
        elif rel.symmetric and (before or after):
            side = before or after
            if not side[3]:
                self._among(side[1], rel, strength * DECAY ** side[2], span)

    def _noun(self, first: int, last: int, trigger: Trigger, rel: RelationType,
              span: tuple[int, int], both: set[str]) -> bool:
        """Read "N owner prep child"; False when no owner follows, to read it as active."""
        k = bisect_left(self.group_firsts, last)
        if k == len(self.groups):
            return False
        owner = self.groups[k]
        if owner.first != last or owner.sent != self.sent[first]:
            return False  # the owner follows at once: "kritik ketidakefektifan DK" is a verb
        heads = owner.pick(both if rel.symmetric else rel.head)
        if not heads:
            return False
        child_types = both if rel.symmetric else rel.child
        for group in self.groups[k + 1:]:
            dist = self.cum[group.first] - self.cum[owner.last]
            if (group.sent != owner.sent or dist > trigger.after
                    or self._any(self.stop_after, owner.last, group.first)
                    or self._any(self.verbs, owner.last, group.first)):
                break
            children = group.pick(child_types)
            if children and self._any(self.prepositions, owner.last, group.first):
                self._cross(heads, children, rel, trigger.strength * DECAY ** dist, span)
                return True
        if rel.symmetric:
            self._among(heads, rel, trigger.strength, span)
        return True

    def _before(self, first: int, trigger: Trigger, types: Any,
                previous: _Previous | None, noun: bool
                ) -> tuple[Group, list[int], int, bool] | None:
        """(group, picked entities, distance, inherited) of the trigger's subject side.

        A pronoun nearer than any name stands for its antecedent, "kami" in a quote for its
        speaker (see `relation_discourse`).
        """
        sent = self.sent[first]
        found = None
        for k in range(bisect_right(self.group_lasts, first) - 1, -1, -1):
            group = self.groups[k]
            dist = self.cum[first] - self.cum[group.last]
            if group.sent != sent or dist > trigger.before:
                break
            if self._any(self.stop_before, group.last, first) or (
                    noun and self._any(self.verbs, group.last, first)):
                break
            if (group.first - 1 in self.oblique or self._object(group)) \
                    and not self._relative(group):
                continue
            picked = group.pick(types)
            if picked:
                found = (group, picked, dist, False)
                break
        pronoun = self.discourse.pronoun(first, trigger.before,
                                         found[0].last if found is not None else -1)
        if pronoun is not None and (picked := pronoun[0].pick(types)) and not (
                noun and self._any(self.verbs, pronoun[2], first)):
            return pronoun[0], picked, pronoun[1], True
        if found is not None and not self._any(self.shared, found[0].last, first):
            return found
        if previous is not None and not noun:
            end, group, controlled = previous
            if controlled is not None and self._any(self.purpose, end, first):
                group = controlled
            picked = group.pick(types)
            if (picked and group.sent == sent and self._any(self.shared, end, first)
                    and not self._any(self.stop_before, end, first)):
                return group, picked, 0, True
        return None

    def _after(self, last: int, limit: int, types: Any
               ) -> tuple[Group, list[int], int, bool] | None:
        for group in self.groups[bisect_left(self.group_firsts, last):]:
            dist = self.cum[group.first] - self.cum[last]
            if group.sent != self.sent[last - 1] or dist > limit:
                return None
            if (self._any(self.stop_after, last, group.first)
                    or self._any(self.verbs, last, group.first)):
                return None
            picked = group.pick(types)
            if picked:
                return group, picked, dist, False
        return None

    def _object(self, group: Group) -> bool:
        """Whether a me- verb that is no trigger comes right before the group, its object.

        "Pezeshkian meninggalkan Teheran menuju Rusia": Teheran is what is left, so the
        subject of "menuju" lies further back. A trigger's own object is its `_after`.
        """
        i = group.first - 1
        if i < 0 or self.sent[i] != group.sent or self._any(self.verbs, i, i + 1):
            return False
        cache = self.o._transitive
        word = self.lower[i]
        found = cache.get(word)
        if found is None:
            text = self.strings[word]
            found = cache[word] = (len(text) >= 6 and text[:2] == "me" and text[2] in "mnlrwy"
                                   and text.isalpha() and text not in NOT_TRANSITIVE)
        return found

    def _relative(self, group: Group) -> bool:
        """Whether "yang" follows the group, which heads a relative clause ("X yang ...")."""
        return group.last in self.yang

    @staticmethod
    def _any(positions: list[int], start: int, end: int) -> bool:
        """Whether any of the sorted `positions` lies in [start, end)."""
        i = bisect_left(positions, start)
        return i < len(positions) and positions[i] < end

    # -- output ---------------------------------------------------------------------------

    def _cross(self, heads: list[int], children: list[int], rel: RelationType,
               score: float, span: tuple[int, int]) -> None:
        for head in heads:
            for child in children:
                self._emit(head, child, rel.name, score, span)

    def _joint(self, group: Group, score: float, span: tuple[int, int]) -> None:
        """The members of a subject that calls or stands together cooperate."""
        rel = self.o._relations.get(COOPERATES)
        if rel is not None:
            self._among(group.pick(set(rel.head) | set(rel.child)), rel, score, span)

    def _among(self, members: list[int], rel: RelationType, score: float,
               span: tuple[int, int]) -> None:
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                self._emit(a, b, rel.name, score, span)

    def _emit(self, head: int, child: int, label: str, score: float,
              trigger: tuple[int, int] | None) -> None:
        rel = self.o._relations.get(label)
        first, second = self.spans[head].label, self.spans[child].label
        if rel is None or head == child or not rel.allows(first, second):
            return
        if rel.symmetric and trigger is not None:
            self.pairs.setdefault(self.spans[head].sent, (min(head, child), max(head, child)))
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
