"""Reading one trigger of the lexicon: its subject side, its object side, and direction.

Within one sentence, each trigger links the nearest group of entities before it to the
nearest group after it (see `relations` for the whole picture). Active voice makes the
entity before the head, passive ("dikecam oleh") the one after; a noun trigger followed by
its owner ("serangan Israel terhadap Gaza") takes the owner as head and the entity after the
preposition as child. Clause words stop the search; "dan" or "untuk" before a trigger means
the subject was left out and is the one of the sentence's previous trigger.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, NamedTuple

from annotation.nlp.relation_lexicon import Trigger
from annotation.nlp.relation_mentions import Group
from annotation.nlp.relation_reach import Reach
from annotation.nlp.relation_words import BETWEEN, CONTROL, NOT_TRANSITIVE
from annotation.schema import RelationType

DECAY = 0.9  # score kept per word between a trigger and its entity
INHERITED = 0.8  # score kept when the subject comes from the sentence's previous trigger
JOINT = 0.85  # score kept for the partners of a joint call ("A dan B mendesak C": A with B)
# Calls and stands that a coordinated subject makes together: its members cooperate.
_JOINT = ("URGES", "SUPPORTS")
_LEFT_OUT = 2  # words from "setelah", "dan" or a comma to a trigger that left its subject out
_MODIFIERS = 2  # words between a symmetric noun and its owners: "kerja sama trilateral A, B"
_PARTIES = 6  # words from a mediation trigger to "antara" or "konflik"
_PLACE_WORDS = 2  # more words allowed before the place of an attack's target
_HEAD_NOUNS = 2  # more words allowed for plain nouns heading a name ("junta militer X")
MEDIATES, ATTACKS, MEETS, OPPOSES = "MEDIATES", "ATTACKS", "MEETS", "OPPOSES"


class Previous(NamedTuple):
    """A sentence's latest main-clause trigger, whose subject a later trigger may share."""

    end: int  # the word after the trigger
    subject: Group
    controlled: Group | None  # the object of a CONTROL trigger: "mendesak X untuk ..."


class Clauses(Reach):
    """The trigger reading of an article."""

    # Set by the subclass (`relations._Article.suggest`) before it reads the triggers: the
    # first word of each verb trigger, and of each noun of a bond, in text order.
    verbs: list[int]
    bonds: list[int]

    def _trigger(
        self, first: int, last: int, trigger: Trigger, subject: dict[int, Previous]
    ) -> None:
        rel = self.o._relations[trigger.label]
        span = (self.words.starts[first], self.words.ends[last - 1])
        sent = self.sent[first]
        both = set(rel.head) | set(rel.child)
        if trigger.voice == "noun" and self._noun(first, last, trigger, rel, span, both):
            return
        passive = trigger.voice == "passive"
        before_types = both if rel.symmetric else (rel.child if passive else rel.head)
        after_types = both if rel.symmetric else (rel.head if passive else rel.child)
        before = self._before(
            first, trigger, before_types, subject.get(sent), noun=trigger.voice == "noun"
        )
        if passive and (resumed := self._resumed(first, before_types)) is not None:
            before = resumed  # what ", langkah yang dikecam X" sums up: the clause's subject
        after = self._after(
            last,
            trigger.after,
            after_types,
            at_place=rel.name == ATTACKS and not passive,
            to=trigger.voice == "give",
        )
        if (
            after is not None
            and trigger.voice != "noun"
            and not rel.symmetric
            and rel.name != OPPOSES
            and self._any(self.bonds, last, after[0].first)
        ):
            after = None  # "memuji persahabatan A dan B" praises the bond, not A or B
        if (
            before is not None
            and not passive
            and (rel.name in _JOINT or self._together(before[0], first))
            and len(before[0].mentions) > 1
            and not before[3]
            and not self._relative(before[0])
        ):
            self._joint(before[0], trigger.strength * DECAY ** before[2] * JOINT, span)
        if (
            trigger.voice == "noun"
            and after is not None
            and after[2] > 0
            and not self._any(self.prepositions, last, after[0].first)
            and not (before is not None and before[2] == 0)
        ):
            # "mencegat ancaman rudal Iran": a noun's partner takes a preposition, unless
            # the noun is a headline's verb right after its subject ("Iran kritik ... DK").
            after = None
        if (
            before is not None
            and trigger.voice != "noun"
            and not self._relative(before[0])
            and not self._any(self.copulas, before[0].last, first)
        ):
            # A relative clause ("X yang ...") keeps the main clause's subject.
            controlled = after[0] if after is not None and rel.name in CONTROL else None
            subject[sent] = Previous(last, before[0], controlled)
        strength = trigger.strength
        if rel.name == MEDIATES and (parties := self._parties(last, rel.child)) is not None:
            after = None if passive else parties  # "ditengahi AS antara A dan B": AS mediates
            if passive and (head := self._after(last, trigger.after, rel.head)) is not None:
                self._cross(head[1], parties[1], rel, strength * DECAY ** head[2], span)
        if (
            after is not None
            and rel.symmetric
            and (trigger.words[-1] == BETWEEN or self._any(self.between, last, after[0].first))
        ):
            self._among(after[1], rel, strength * DECAY ** after[2], span)
            if (
                before is not None
                and not before[3]
                and self._any(self.hosts, before[0].last, first)
            ):
                self._host(before[1], after[1], strength * DECAY ** before[2], span)
        elif before is not None and after is not None:
            score = strength * DECAY ** (before[2] + after[2]) * (INHERITED if before[3] else 1)
            heads, children = (after[1], before[1]) if passive else (before[1], after[1])
            self._cross(heads, children, rel, score, span)
            if rel.name == MEETS and not passive and len(after[1]) > 1:
                # "A bertemu dengan B dan C": one meeting, where B and C meet too.
                self._among(after[1], rel, score * JOINT, span)
        elif rel.symmetric and before is not None:
            if not before[3]:
                self._among(before[1], rel, strength * DECAY ** before[2], span)
        elif (
            rel.symmetric
            and after is not None
            and trigger.voice == "noun"
            and not self._any(self.prepositions, last, after[0].first)
        ):
            # "kerja sama A dan B"; after a verb or "dengan" the group is partner to a
            # subject left out ("... melalui kerja sama dengan WFP dan PMI").
            self._among(after[1], rel, strength * DECAY ** after[2], span)

    def _parties(self, last: int, types: Any) -> tuple[Group, list[int], int, bool] | None:
        """The parties a mediator stands between: the group after "antara" or "konflik"."""
        # The first dispute word that names two parties: "sengketa bendungan antara A dan B".
        # Indices, not a slice: a slice copies the rest of a long article's list each time.
        for j in range(bisect_left(self.disputes, last), len(self.disputes)):
            word = self.disputes[j]
            if (
                self.sent[word] != self.sent[last - 1]
                or self.cum[word] - self.cum[last] > _PARTIES
                or self._any(self.stop_before, last, word)
            ):
                return None
            found = self._after(word + 1, 1, types)
            if found is not None and len(found[1]) > 1:
                return found
        return None

    def _host(
        self, hosts: list[int], parties: list[int], score: float, span: tuple[int, int]
    ) -> None:
        """Who holds talks between others mediates them: "Mesir menggelar perundingan
        antara Israel dan Hamas"."""
        rel = self.o._relations.get(MEDIATES)
        if rel is not None:
            self._cross(hosts, [p for p in parties if p not in hosts], rel, score, span)

    def _noun(
        self,
        first: int,
        last: int,
        trigger: Trigger,
        rel: RelationType,
        span: tuple[int, int],
        both: set[str],
    ) -> bool:
        """Read "N owner prep child"; False when no owner follows, to read it as active."""
        k = bisect_left(self.group_firsts, last)
        if k == len(self.groups):
            return False
        owner = self.groups[k]
        if owner.sent != self.sent[first]:
            return False
        if owner.first != last:  # the owner follows at once: "kritik ketidakefektifan DK"
            if (
                rel.symmetric
                and len(owner.mentions) > 1
                and self.cum[owner.first] - self.cum[last] <= _MODIFIERS
                and not self._any(self.prepositions, last, owner.first)
                and not self._any(self.stop_after, last, owner.first)
            ):
                # "kerja sama trilateral AS, Jepang, dan Korea Selatan"
                self._among(owner.pick(both), rel, trigger.strength * DECAY, span)
                return True
            return False
        heads = owner.pick(both if rel.symmetric else rel.head)
        if not heads:
            return False
        child_types = both if rel.symmetric else rel.child
        for j in range(k + 1, len(self.groups)):
            group = self.groups[j]
            dist = self.cum[group.first] - self.cum[owner.last]
            at_place = (
                rel.name == ATTACKS and group.first - 1 in self.di and group.first - 1 == owner.last
            )  # "serangan udara Israel di Khiam"
            if (
                group.sent != owner.sent
                or dist > trigger.after
                or (self._any(self.stop_after, owner.last, group.first) and not at_place)
                or self._any(self.verbs, owner.last, group.first)
            ):
                break
            children = group.pick(child_types)
            if children and (at_place or self._any(self.prepositions, owner.last, group.first)):
                self._cross(heads, children, rel, trigger.strength * DECAY**dist, span)
                return True
        if rel.symmetric:
            self._among(heads, rel, trigger.strength, span)
        return True

    def _before(
        self, first: int, trigger: Trigger, types: Any, previous: Previous | None, noun: bool
    ) -> tuple[Group, list[int], int, bool] | None:
        """(group, picked entities, distance, inherited) of the trigger's subject side.

        A pronoun nearer than any name stands for its antecedent, "kami" in a quote for its
        speaker (see `relation_discourse`).
        """
        sent = self.sent[first]
        found = None
        # "A dan B menggelar perundingan": a me- verb right before a noun is its light verb,
        # whose subject the noun shares, even when the verb is a trigger itself.
        light = not noun or (first > 0 and self._me(self.lower[first - 1]))
        verb_end = first - 1 if noun and light else first
        for k in range(bisect_right(self.group_lasts, first) - 1, -1, -1):
            group = self.groups[k]
            dist = self.cum[first] - self.cum[group.last]
            if group.sent != sent or dist > trigger.before:
                break
            if self._any(self.stop_before, group.last, first) or (
                noun and self._any(self.verbs, group.last, verb_end)
            ):
                break
            if (group.first - 1 in self.oblique or self._object(group)) and not self._relative(
                group
            ):
                continue
            picked = group.pick(types)
            if picked:
                found = (group, picked, dist, False)
                break
        pronoun = self.discourse.pronoun(
            first, trigger.before, found[0].last if found is not None else -1
        )
        if (
            pronoun is not None
            and (picked := pronoun[0].pick(types))
            and not (noun and self._any(self.verbs, pronoun[2], verb_end))
        ):
            return pronoun[0], picked, pronoun[1], True
        if found is not None and not self._any(self.shared, found[0].last, first):
            return found
        # "... dan menyatakan dukungan bagi X": a noun after a light me- verb is its object,
        # and the verb's subject may be left out like any verb's.
        if previous is not None and light:
            end, group, controlled = previous
            if controlled is not None and self._any(self.purpose, end, first):
                group = controlled
            picked = group.pick(types)
            if (
                picked
                and group.sent == sent
                and self._any(self.shared, end, first)
                and not self._any(self.stop_before, end, first)
            ):
                return group, picked, 0, True
        if light and (
            self._any(self.subordinate, first - _LEFT_OUT, first)
            or self._any(self.shared, first - _LEFT_OUT, first)
            or self._any(self.commas, first - _LEFT_OUT, first)
        ):
            subject = self.clause_subject(first, types)
            if subject is not None:
                return subject[0], subject[1], 1, True
            found = None  # nor is the group found before the trigger its subject
        if (
            light
            and (speaker := self.discourse.said_by(first)) is not None
            and (picked := speaker.pick(types))
            and not self._any(self.verbs, speaker.last, first)
        ):
            # In a quote's attribution the speaker acts: '"...," kata Blinken setelah
            # pertemuan dengan Netanyahu'.
            return speaker, picked, 1, True
        if not noun and found is None:
            # "Rusia yang memiliki hubungan dengan A, B ... telah mengkritik C": a subject
            # whose relative clause outruns the trigger's reach.
            subject = self.clause_subject(first, types)
            if (
                subject is not None
                and self._relative(subject[0])
                and not self._any(self.verbs, subject[0].last, first)
                and not self._any(self.stop_before, subject[0].last, first)
            ):
                return subject[0], subject[1], 2, True
        return None

    def _after(
        self, last: int, limit: int, types: Any, at_place: bool = False, to: bool = False
    ) -> tuple[Group, list[int], int, bool] | None:
        """(group, picked entities, distance, False) of the trigger's object side.

        With `at_place`, an attack reaches the place where its target is: "membombardir
        sejumlah desa di Lebanon selatan" (a few more words, and "di" right before it).
        With `to`, a verb of giving reaches its recipient, the group right after "kepada",
        "untuk", "bagi" or "ke" ("menjanjikan 3 miliar dolar untuk TFFF").
        """
        for j in range(bisect_left(self.group_firsts, last), len(self.groups)):
            group = self.groups[j]
            dist = self.cum[group.first] - self.cum[last]
            placed = at_place and group.first - 1 in self.di
            extra = _PLACE_WORDS * placed
            if dist > limit + extra and not extra and dist <= limit + _HEAD_NOUNS:
                extra = _HEAD_NOUNS * self._head_nouns(last, group.first)
            if group.sent != self.sent[last - 1] or dist > limit + extra:
                return None
            if self._any(self.stop_after, last, group.first - placed) or self._any(
                self.verbs, last, group.first
            ):
                return None
            if to and self.lower[group.first - 1] not in self.o._recipient:
                continue
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
        found: bool | None = cache.get(word)
        if found is None:
            text = self.strings[word]
            found = cache[word] = (
                len(text) >= 6
                and text[:2] == "me"
                and text[2] in "mnlrwy"
                and text.isalpha()
                and text not in NOT_TRANSITIVE
            )
        return found

    def _me(self, word: int) -> bool:
        """Whether a word has the shape of a me- verb ("menyatakan", "memberikan")."""
        text = self.strings[word]
        return len(text) >= 6 and text[:2] == "me" and text.isalpha()

    def _relative(self, group: Group) -> bool:
        """Whether "yang" follows the group, which heads a relative clause ("X yang ...")."""
        return group.last in self.yang
