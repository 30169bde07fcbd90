"""Long articles in sentence windows, so that a statistical model's memory stays bounded.

A spaCy pipeline holds its layers' activations for every token of the Docs in a batch: about
13 KB a token for the shipped NER, 1.2 GB for one article of 400 KB. An article longer than
`LONG_TOKENS` is therefore run as windows of whole sentences of at most `WINDOW_TOKENS`
tokens each (a sentence longer than that is cut), a few windows at a time, and the
candidates are moved back to the article's offsets. The model reads a few words either side
of each token, and sentences are where names end, so windows cost it almost nothing;
articles of normal length (a news article has some 300 to 2,000 tokens) are never split.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported when a Doc is split, not with this module
    from spacy.tokens import Doc

LONG_TOKENS = 5_000  # an article with more tokens is run in windows
WINDOW_TOKENS = 1_000
BATCH_TOKENS = 8_000  # tokens of windows run together


def is_long(doc: Doc) -> bool:
    """Whether `doc` is run in windows."""
    return len(doc) > LONG_TOKENS


def windows(doc: Doc, size: int = WINDOW_TOKENS) -> Iterator[tuple[int, Doc]]:
    """(character offset, Doc) of consecutive windows covering `doc`, each of whole
    sentences (when `doc` has sentence starts) and at most `size` tokens."""
    from spacy.tokens import Doc

    from annotation.nlp.docview import View

    view = View.of(doc)  # the words once: Span.as_doc reads the whole Doc each time
    starts = sentence_starts(doc)
    first = set(starts)
    for start, end in bounds(starts, len(doc), size):
        yield (
            view.starts[start],
            Doc(
                doc.vocab,
                words=view.words[start:end],
                spaces=view.spaces[start:end],
                sent_starts=[i in first for i in range(start, end)],
            ),
        )


def bounds(starts: list[int], n: int, size: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) that cover 0..n, each as many whole sentences (beginning at
    `starts`, ascending) as fit in `size` tokens; a sentence longer than that is cut."""
    marks = sorted({*starts, n})
    ranges = []
    begin = 0
    while begin < n:
        limit = begin + size
        if limit >= n:
            cut = n
        else:
            i = bisect.bisect_right(marks, limit) - 1
            cut = marks[i] if marks[i] > begin else limit
        ranges.append((begin, cut))
        begin = cut
    return ranges


def sentence_starts(doc: Doc) -> list[int]:
    """The tokens that begin a sentence, from 0; [0] if the Doc has no sentence starts."""
    from spacy.attrs import SENT_START

    flags = doc.to_array([SENT_START]).astype("int64")
    return [0, *((flags[1:] == 1).nonzero()[0] + 1).tolist()]
