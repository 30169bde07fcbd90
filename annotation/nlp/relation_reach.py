"""How far a trigger reaches beyond its nearest words: plain head nouns before a name, a
subject that acts together, and the clause that ", langkah yang dikecam X" sums up.

Helpers of `relation_clauses.Clauses`, kept apart to keep each module small.
"""

from __future__ import annotations

from typing import Any

from annotation.nlp.relation_article import ArticleBase
from annotation.nlp.relation_mentions import Group


class Reach(ArticleBase):
    """Reach tests on an article's words (see `relation_clauses`)."""

    def _head_nouns(self, start: int, end: int) -> bool:
        """Whether words [start, end) are plain lowercase words, the head nouns of a name's
        phrase ("mendesak junta militer Myanmar", "otoritas Singapura"), perhaps after a
        preposition and with quantifiers and "dan" ("terhadap sejumlah perusahaan dan pejabat
        Korea Utara"): no other grammar word,
        number, verb of the me-/di-/ber-/ter- shape or derived noun (pe-, ke-, -an) between."""
        codes, strings, joins = self.o._codes, self.strings, self.o._phrase_words
        for i in range(start, end):
            word = self.lower[i]
            if (word in joins or word in self.o._actor_nouns) and not self.inside[i]:
                continue  # "terhadap sejumlah perusahaan dan pejabat Korea Utara"
            if self.inside[i] or self.title[i] or word in codes:
                return False
            text = strings[word]
            if (
                not text.isalpha()
                or text[:2] in ("me", "di", "be", "te", "pe", "ke")
                or text.endswith("an")
            ):
                return False  # a verb, or an abstract noun ("gencatan senjata Hamas-Israel")
        return True

    def _together(self, group: Group, first: int) -> bool:
        """Whether a coordinated subject acts together: joined by "bersama" ("Korea Selatan
        bersama AS mengecam ...") or followed by "bersama-sama" before the trigger."""
        together = self.o._together
        words = range(group.mentions[0].last, first)
        return any(self.lower[i] in together for i in words if not self.inside[i])

    def _resumed(self, first: int, types: Any) -> tuple[Group, list[int], int, bool] | None:
        """The subject of the clause that ", langkah yang dikecam X" sums up: "AS melintasi
        Selat Taiwan, langkah yang dikecam keras oleh Beijing" (AS is what Beijing opposes).
        """
        yang = next((i for i in (first - 1, first - 2) if i in self.yang), None)
        if (
            yang is None
            or yang < 2
            or self.lower[yang - 2] != self.comma
            or not self._head_nouns(yang - 1, yang)
        ):
            return None
        found = self.clause_subject(yang - 2, types)
        return (found[0], found[1], 1, True) if found is not None else None
