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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotation.nlp.relation_clauses import Clauses, Previous
from annotation.nlp.relation_lexicon import TriggerTable, load_triggers, word_hash
from annotation.nlp.relation_lists import listed_members
from annotation.nlp.relation_located import located
from annotation.nlp.relation_mentions import (
    GPE,
    LOCATED_IN,
    ORG,
    PER,
    REPRESENTS,
    SCORE_EVENT_PLACE,
    SCORE_PLACE_PAIR,
    layout_relations,
)
from annotation.nlp.relation_places import event_presence, presence_visits
from annotation.nlp.relation_speech import speakers, told
from annotation.nlp.relation_words import WORD_CLASSES
from annotation.nlp.suggestion import Candidate, RelationCandidate
from annotation.paths import RESOURCES
from annotation.schema import LabelSchema

DEFAULT_LEXICON = RESOURCES / "lexicons" / "relation_triggers.tsv"
# Bump when the rules change how relations are read, so that projects suggest again (the
# lexicon's own changes reach the fingerprint through its digest).
RULES_VERSION = 5
VISITS, PARTICIPATES_IN, MEMBER_OF, MEETS = "VISITS", "PARTICIPATES_IN", "MEMBER_OF", "MEETS"
SCORE_ORIGIN = 0.6  # "Xi Jinping dari Tiongkok": REPRESENTS


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
        self._place_pairs = (
            {(h, c) for h in located.head for c in located.child} if located is not None else set()
        )
        self._codes: dict[int, int] = {}  # word hash -> its WORD_CLASSES bits
        for bit, words in WORD_CLASSES.items():
            for word in words:
                key = word_hash(word)
                self._codes[key] = self._codes.get(key, 0) | bit
        self._coded = _hash_array(self._codes)
        self._bits = _bits_array(self._codes)  # each of `_coded`'s word classes
        self._dari = word_hash("dari")
        self._comma = word_hash(",")
        self._together = {word_hash(w) for w in ("bersama", "bersama-sama")}
        self._kepada = word_hash("kepada")
        # Nouns of actors that head a name though shaped like derived nouns (pe-, -an).
        self._actor_nouns = {
            word_hash(w)
            for w in (
                "pejabat",
                "pemerintah",
                "perusahaan",
                "pasukan",
                "angkatan",
                "pemimpin",
                "penguasa",
                "kementerian",
                "perwakilan",
                "pemberontak",
                "pejuang",
            )
        }
        # Words that may join the plain nouns heading a name (see relation_reach).
        self._phrase_words = {
            word_hash(w)
            for w in (
                "dan",
                "serta",
                "sejumlah",
                "beberapa",
                "para",
                "seluruh",
                "semua",
                "terhadap",
                "kepada",
                "atas",
                "bagi",
            )
        }
        self._recipient = {word_hash(w) for w in ("kepada", "untuk", "bagi", "ke")}
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


def _bits_array(codes: dict[int, int]) -> Any:
    import numpy as np

    return np.array([codes[h] for h in sorted(codes)], dtype=np.int64)


class _Article(Clauses):
    """One Doc's relations: layout first, then every trigger in text order."""

    def suggest(self) -> list[RelationCandidate]:
        for head, child, label, score in layout_relations(self.spans, self.mentions):
            self._emit(head, child, label, score, None)
        for head, child in self.place_pairs:
            self._emit(head, child, LOCATED_IN, SCORE_PLACE_PAIR, None)
        for head, child in self.event_places:
            self._emit(head, child, LOCATED_IN, SCORE_EVENT_PLACE, None)
        for head, child, score in located(self):
            self._emit(head, child, LOCATED_IN, score, None)
        for head, child, score in listed_members(self):
            self._emit(head, child, MEMBER_OF, score, None)
        self.origins = self._origins()
        for head, child in self.origins:
            self._emit(head, child, REPRESENTS, SCORE_ORIGIN, None)
        matches = self.o._table.find(self.lower, self.inside, self.title)
        self.verbs = [s for s, _, t in matches if t.voice != "noun"]
        # Nouns of a bond ("persahabatan A dan B"): the object of praise, not its partners.
        self.bonds = [
            s for s, _, t in matches if t.voice == "noun" and self.o._relations[t.label].symmetric
        ]
        subject: dict[int, Previous] = {}  # sentence -> its latest main-clause trigger
        for first, last, trigger in matches:
            self._trigger(first, last, trigger, subject)
        for head, child, score in presence_visits(self):
            self._emit(head, child, VISITS, score, None)
        for head, child, score in event_presence(self):
            self._emit(head, child, PARTICIPATES_IN, score, None)
        for head, child, score in speakers(self):
            self._emit(head, child, REPRESENTS, score, None)
        for head, child, score in told(self):
            self._emit(head, child, MEETS, score, None)
        return sorted(self.found.values(), key=lambda r: (min(r.head, r.child), r.head, r.label))

    def _origins(self) -> list[tuple[int, int]]:
        """(person, body) written "Xi Jinping dari Tiongkok": the person represents it."""
        spans, lower, dari = self.spans, self.lower, self.o._dari
        return [
            (i, i + 1)
            for i in range(len(spans) - 1)
            if spans[i].label == PER
            and spans[i + 1].label in (GPE, ORG)
            and spans[i + 1].first == spans[i].last + 1
            and lower[spans[i].last] == dari
            and spans[i + 1].sent == spans[i].sent
        ]
