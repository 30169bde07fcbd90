"""A Doc's tokens as plain Python lists, which the rule code reads many times over.

spaCy's Token objects are made afresh on each access and Doc.text joins them all, so the
rules take the token texts and offsets once, from one array, and keep them in a `View`.
Each Doc's View is kept for as long as the Doc lives, so that splitting sentences and
suggesting (often for a whole batch in between) share one.
"""

from __future__ import annotations

import bisect
import re
import weakref
from typing import Any

_ENDS = frozenset('.!?"”')


class _Texts(dict):
    """Token texts by ORTH hash, shared by all Docs: a hash names the same string in every
    vocab, and a dict lookup is several times quicker than the StringStore's."""

    strings: Any = None

    def __missing__(self, orth: int) -> str:
        if len(self) > 200_000:
            self.clear()
        text = self[orth] = self.strings[orth]
        return text


_TEXTS = _Texts()
_VIEWS: weakref.WeakKeyDictionary[Any, View] = weakref.WeakKeyDictionary()


def token_texts(doc: Any, orths: list[int]) -> list[str]:
    """The texts of a Doc's tokens, given their ORTH values (`doc.to_array([ORTH])`)."""
    _TEXTS.strings = doc.vocab.strings
    try:
        return list(map(_TEXTS.__getitem__, orths))
    except KeyError:  # another thread's Doc swapped the StringStore in between
        strings = doc.vocab.strings
        return [strings[orth] for orth in orths]


class Span:
    """A candidate inside the rules: token range, character range, label, score, origin."""

    __slots__ = ("start", "end", "cstart", "cend", "label", "score", "origin")

    def __init__(self, start: int, end: int, cstart: int, cend: int, label: str,
                 score: float, origin: str) -> None:
        self.start, self.end, self.cstart, self.cend = start, end, cstart, cend
        self.label, self.score, self.origin = label, score, origin

    def __repr__(self) -> str:
        return f"Span({self.cstart}, {self.cend}, {self.label}, {self.score}, {self.origin})"


class View:
    """A Doc's tokens as plain lists, and its sentences, for fast rule code."""

    def __init__(self, text: str, words: list[str], starts: list[int],
                 ends: list[int], spaces: list[bool]) -> None:
        self.text, self.words = text, words  # no reference to the Doc: it keys the cache
        self.starts, self.ends, self.spaces = starts, ends, spaces
        self.n = len(words)
        self.sent_starts: list[int] = [0]
        self._sent_set: frozenset[int] = frozenset((0,))
        self._headlines: dict[int, bool] = {}

    @classmethod
    def of(cls, doc: Any) -> View:
        """The View of `doc`, made once per Doc (again if its tokens changed)."""
        try:
            view = _VIEWS.get(doc)
        except TypeError:  # not weakly referenceable: no cache
            return cls._make(doc)
        if view is None or view.n != len(doc):
            view = _VIEWS[doc] = cls._make(doc)
        return view

    @classmethod
    def _make(cls, doc: Any) -> View:
        from spacy.attrs import IDX, LENGTH, ORTH, SPACY

        if len(doc) == 0:
            return cls("", [], [], [], [])
        array = doc.to_array([ORTH, SPACY, IDX, LENGTH])  # uint64: ORTH uses all 64 bits
        words = token_texts(doc, array[:, 0].tolist())
        spaces = array[:, 1].astype(bool).tolist()
        text = "".join([w + " " if space else w for w, space in zip(words, spaces)])
        starts = array[:, 2]
        return cls(text, words, starts.tolist(), (starts + array[:, 3]).tolist(), spaces)

    def span(self, start: int, end: int, label: str, score: float, origin: str) -> Span:
        """A span over tokens [start, end)."""
        return Span(start, end, self.starts[start], self.ends[end - 1], label, score, origin)

    def char_span(self, cstart: int, cend: int, label: str, score: float, origin: str) -> Span:
        """A span over characters [cstart, cend), on the tokens it touches."""
        start = max(bisect.bisect_right(self.starts, cstart) - 1, 0)
        end = max(bisect.bisect_left(self.starts, cend), start + 1)
        return Span(start, end, cstart, cend, label, score, origin)

    def tokens_matching(self, pattern: re.Pattern[str], at_start: bool = False) -> list[int]:
        """The tokens in which a match of `pattern` begins (or, with `at_start`, which begin
        with one), ascending and without repeats: a regular expression over the text is much
        quicker than a test of every token."""
        starts, found, last = self.starts, [], -1
        for m in pattern.finditer(self.text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i != last and (not at_start or starts[i] == m.start()):
                found.append(i)
                last = i
        return found

    def set_sentences(self, starts: list[int]) -> None:
        """Record the sentence starts (token indices, ascending, from 0)."""
        if starts != self.sent_starts:
            self.sent_starts = starts
            self._sent_set = frozenset(starts)
            self._headlines.clear()

    def sentence_start(self, i: int) -> bool:
        return i in self._sent_set

    def glued(self, i: int) -> bool:
        """Whether token i touches both neighbours with no space between."""
        return (0 < i < self.n - 1 and self.starts[i] == self.ends[i - 1]
                and self.ends[i] == self.starts[i + 1])

    def headline(self, i: int) -> bool:
        """Whether token i is in a title-case headline: short, capitalised, unpunctuated."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        cached = self._headlines.get(k)
        if cached is None:
            end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else self.n
            words = self.words[self.sent_starts[k]:end]
            cached = False
            if len(words) <= 32:  # longer is no headline: most sentences stop here
                firsts = [w[0] for w in words]
                caps = sum(map(str.isupper, firsts))
                lower = sum(map(str.isalpha, firsts)) - caps
                last = next((w for w in reversed(words) if not w.isspace()), "")
                cached = (caps >= 3 and lower <= 0.4 * caps and caps + lower <= 16
                          and last[-1:] not in _ENDS)
            self._headlines[k] = cached
        return cached
