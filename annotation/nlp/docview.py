"""A Doc's tokens as plain Python lists, which the rule code reads many times over.

spaCy's Token objects are made afresh on each access and Doc.text joins them all, so the
rules take the token texts and offsets once, from one array, and keep them in a `View`.
Each Doc's View is kept for as long as the Doc lives, so that splitting sentences and
suggesting (often for a whole batch in between) share one. A View also answers, with numpy
over the ORTH column and the text's code points, which tokens are given words or begin or
end with given characters: quicker than any Python loop over the tokens.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np

_ENDS = frozenset('.!?"”')
_AFTER = np.array(["", " "], dtype=object)  # by SPACY: what follows a token


class _Texts(dict[int, str]):
    """Token texts by ORTH hash, shared by all Docs: a hash names the same string in every
    vocab, and a dict lookup is several times quicker than the StringStore's."""

    strings: Any = None

    def __missing__(self, orth: int) -> str:
        if len(self) > 200_000:
            self.clear()
        text: str = self.strings[orth]
        self[orth] = text
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


def word_ids(words: Iterable[str]) -> Any:
    """The ORTH values of `words`, sorted (numpy uint64), for `View.positions`.

    A string's hash is the same in every vocab, so no vocab is needed.
    """
    from spacy.strings import get_string_id

    ids = np.fromiter(map(get_string_id, words), np.uint64)
    ids.sort()
    return ids


class Span:
    """A candidate inside the rules: token range, character range, label, score, origin."""

    __slots__ = ("start", "end", "cstart", "cend", "label", "score", "origin")

    def __init__(
        self, start: int, end: int, cstart: int, cend: int, label: str, score: float, origin: str
    ) -> None:
        self.start, self.end, self.cstart, self.cend = start, end, cstart, cend
        self.label, self.score, self.origin = label, score, origin

    def __repr__(self) -> str:
        return f"Span({self.cstart}, {self.cend}, {self.label}, {self.score}, {self.origin})"


class View:
    """A Doc's tokens as plain lists, and its sentences, for fast rule code."""

    def __init__(
        self, text: str, words: list[str], starts: list[int], ends: list[int], spaces: list[bool]
    ) -> None:
        self.text, self.words = text, words  # no reference to the Doc: it keys the cache
        self.starts, self.ends, self.spaces = starts, ends, spaces
        self.n = len(words)
        self.orths: Any = None  # the ORTH column (numpy uint64), made from `words` if not given
        self._starts: Any = None  # `starts` and `ends` as numpy arrays
        self._ends: Any = None
        self._codes: Any = None
        self.sent_starts: list[int] = [0]
        self.split = False  # whether split_sentences set the Doc's sentences from this View
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
        spaces = array[:, 1].astype(np.intp)
        # Words and what follows them, interleaved and joined: no Python loop over tokens.
        parts = [""] * (2 * len(words))
        parts[::2] = words
        parts[1::2] = _AFTER[spaces].tolist()
        starts = array[:, 2].astype(np.intp)
        ends = starts + array[:, 3].astype(np.intp)
        view = cls(
            "".join(parts), words, starts.tolist(), ends.tolist(), spaces.astype(bool).tolist()
        )
        view.orths, view._starts, view._ends = array[:, 0], starts, ends
        return view

    def positions(self, ids: Any) -> list[int]:
        """The tokens whose ORTH value is one of the sorted `ids` (see `word_ids`), ascending.

        A sorted-array lookup over the ORTH column: much quicker than testing each word.
        """
        if not len(ids) or not self.n:
            return []
        if self.orths is None:
            from spacy.strings import get_string_id

            self.orths = np.fromiter(map(get_string_id, self.words), np.uint64)
        k = np.searchsorted(ids, self.orths)
        k[k == len(ids)] = 0
        found: list[int] = np.flatnonzero(ids[k] == self.orths).tolist()
        return found

    def first_codes(self) -> Any:
        """Each token's first character, as a code point (numpy uint32)."""
        self._arrays()
        return self._codes[self._starts]

    def last_codes(self) -> Any:
        """Each token's last character, as a code point (numpy uint32)."""
        self._arrays()
        return self._codes[self._ends - 1]

    def tokens_holding(self, char: str) -> Any:
        """The tokens in which `char` occurs, ascending, once for each time (numpy)."""
        self._arrays()
        at = np.flatnonzero(self._codes == ord(char))
        return np.searchsorted(self._starts, at, "right") - 1  # repeats allowed

    def _arrays(self) -> None:
        if self._codes is None:
            self._codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), np.uint32)
        if self._starts is None:
            self._starts = np.array(self.starts, dtype=np.intp)
            self._ends = np.array(self.ends, dtype=np.intp)

    def span(self, start: int, end: int, label: str, score: float, origin: str) -> Span:
        """A span over tokens [start, end)."""
        return Span(start, end, self.starts[start], self.ends[end - 1], label, score, origin)

    def char_span(self, cstart: int, cend: int, label: str, score: float, origin: str) -> Span:
        """A span over characters [cstart, cend), on the tokens it touches."""
        start = max(bisect.bisect_right(self.starts, cstart) - 1, 0)
        end = max(bisect.bisect_left(self.starts, cend), start + 1)
        return Span(start, end, cstart, cend, label, score, origin)

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
        return (
            0 < i < self.n - 1
            and self.starts[i] == self.ends[i - 1]
            and self.ends[i] == self.starts[i + 1]
        )

    def headline(self, i: int) -> bool:
        """Whether token i is in a title-case headline: short, capitalised, unpunctuated."""
        k = bisect.bisect_right(self.sent_starts, i) - 1
        cached = self._headlines.get(k)
        if cached is None:
            end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else self.n
            words = self.words[self.sent_starts[k] : end]
            cached = False
            if len(words) <= 32:  # longer is no headline: most sentences stop here
                firsts = [w[0] for w in words]
                caps = sum(map(str.isupper, firsts))
                lower = sum(map(str.isalpha, firsts)) - caps
                last = next((w for w in reversed(words) if not w.isspace()), "")
                cached = (
                    caps >= 3
                    and lower <= 0.4 * caps
                    and caps + lower <= 16
                    and last[-1:] not in _ENDS
                )
            self._headlines[k] = cached
        return cached
