"""A fast sentence splitter for Indonesian news, working on the tokens the tokenizer made.

A sentence ends at a line break, or at '.', '!', '?' or '...' (with any closing quotes or
brackets glued to it) when whitespace and then a capital, a digit or an opening quote
follow. The tokenizer keeps abbreviations such as 'Dr.' and 'No.' whole and decimals such as
'1.206' whole, so a full stop inside them is never a token of its own; a word token that
ends in a full stop ends a sentence unless it is a listed abbreviation or an initial ('H.').
Only the tokens that end in a stop mark or hold a line break, found from the text's code
points with numpy, are looked at; the abbreviations are in resources/rules/patterns.tsv.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from annotation.nlp.docview import View
from annotation.nlp.wordlists import PATTERNS_FILE, words

_TERMINALS = frozenset({".", "!", "?", "...", "…", "?!", "!?", "!!", "??"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]", "»"})
_OPENERS = frozenset("\"“‘'([«")
_MARKS = frozenset(".!?…")


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(words(PATTERNS_FILE, "abbreviation"))


def _ends_sentence(word: str, abbreviations: frozenset[str]) -> bool:
    if word in _TERMINALS:
        return True
    if len(word) < 2 or word[-1] != ".":
        return False
    stem = word[:-1]
    if stem in abbreviations or "." in stem or (len(stem) == 1 and stem.isalpha()):
        return False
    return stem[-1].isalnum()


def _abbreviated(word: str, abbreviations: frozenset[str]) -> bool:
    return word in abbreviations or (len(word) == 1 and word.isupper())


def _starts_sentence(word: str) -> bool:
    first = word[0]
    return first.isupper() or first.isdigit() or first in _OPENERS


def sentence_starts(
    words_: Sequence[str], spaces: Sequence[bool], candidates: Sequence[int] | None = None
) -> list[int]:
    """Indices of the tokens that start a sentence, given each token's text and whether a
    single space follows it.

    `candidates`, if given, are the tokens holding a stop mark or a line break (ascending);
    only those can end a sentence, and finding them in the text is quicker.
    """
    abbreviations = _abbreviations()
    n = len(words_)
    starts = [0] if n else []
    done = 0
    if candidates is None:
        candidates = [
            i for i, w in enumerate(words_) if w[-1] in _MARKS or (w[0].isspace() and "\n" in w)
        ]
    for i in candidates:
        if i < done:
            continue
        word = words_[i]
        if word == ".":  # most often: a full stop of its own
            if i and not spaces[i - 1] and _abbreviated(words_[i - 1], abbreviations):
                continue  # 'Jl' '.' when the tokenizer did not keep the abbreviation whole
        elif word.isspace():
            j = i + 1
            while j < n and words_[j].isspace():
                j += 1
            if j < n and j != starts[-1]:
                starts.append(j)
            done = j
            continue
        elif not _ends_sentence(word, abbreviations):
            continue
        j = i + 1
        gap = spaces[i]
        while not gap and j < n and words_[j] in _CLOSERS:
            gap = spaces[j]
            j += 1
        while j < n and words_[j].isspace() and "\n" not in words_[j]:
            gap = True
            j += 1
        if gap and j < n and not words_[j].isspace() and _starts_sentence(words_[j]):
            starts.append(j)
        done = j
    return starts


def _candidates(view: View) -> list[int]:
    """The tokens that end in a stop mark or hold a line break, from the code points of
    the text: quicker than any loop over the tokens."""
    import numpy as np

    last = view.last_codes()
    marks = (last == 46) | (last == 33) | (last == 63) | (last == 0x2026)  # . ! ? …
    marks[view.tokens_holding("\n")] = True
    found: list[int] = np.flatnonzero(marks).tolist()
    return found


def split_sentences(doc: Any) -> None:
    """Set `is_sent_start` on every token of `doc` (a spaCy Doc), in place."""
    import numpy as np
    from spacy.attrs import SENT_START

    n = len(doc)
    if n == 0:
        return
    view = View.of(doc)  # kept for the suggesters that read this Doc next
    starts = sentence_starts(view.words, view.spaces, _candidates(view))
    view.set_sentences(starts)
    view.split = True
    flags = np.full(n, -1, dtype=np.int64)
    flags[starts] = 1
    doc.from_array([SENT_START], flags.astype(np.uint64))
