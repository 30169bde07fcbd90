"""Headlines and datelines, where a statistical model sees names everywhere.

Indonesian news headlines capitalise every word ("Indonesia Desak Percepatan Kode Etik Laut
China Selatan"). A model trained on running text reads such a line as one long name. But an
entity in a headline is almost always named again in the body, where the model reads it in
ordinary sentence case. So in a headline, a model's candidate is kept only when the model
finds the same string in the body, and it takes the label the model gives it there. The
same holds for title-case lines of five words or more further down, the headlines of
linked stories ("Baca Juga: ...").

The story's first line often opens with a dateline: a place, perhaps the outlet, and a dash
("Jakarta, IDN Times - Presiden ...", "Mataram – Pemerintah ..."). A model trained on
sentences takes the outlet for a person, or runs a name across the dash; there the rules
(the place from the gazetteers, the outlet from the dateline pattern) are trusted alone.

Rules, gazetteers and the memory are not affected: they do not depend on capitalisation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from annotation.nlp.suggestion import Candidate

MAX_HEADLINE = 200  # characters
MIN_BODY = 200
MIN_CAPITALISED = 0.6
MAX_LINES = 3
MIN_LINKED = 5  # words of a linked story's headline; "Editor: Rina Marlina" is a byline
DATELINE_LINES = 8  # lines from the top in which the story's first line is looked for
# A place of one to four words, the first and last capitalised ('Rio de Janeiro'), perhaps
# a comma and the outlet in up to four words, then a dash with spaces round it:
# 'Jakarta, Sorot News - ', 'BEIJING -- '.
_DATELINE = re.compile(
    r"[^\S\n]*(?P<place>[^\W\d_][\w.'’]*(?:[^\S\n]+[\w.'’]+){0,3})"
    r"(?:,[^\S\n]+[^\s,]+(?:[^\S\n]+[^\s,]+){0,3})?[^\S\n]+(?:--|[-–—])[^\S\n]+"
)


def headline_end(text: str) -> int:
    """Where the title-case lines at the top of an article end; 0 if there are none.

    Up to three leading lines count (a dateline or a site's section names often come
    before the headline), each short, without a final full stop, mostly capitalised.
    """
    end = 0
    start = len(text) - len(text.lstrip())
    for _ in range(MAX_LINES):
        stop = text.find("\n", start)
        if stop < 0 or not _title_case(text[start:stop]):
            break
        end = stop
        start = len(text) - len(text[stop + 1 :].lstrip())  # the next line's first word
    return end if end and len(text) - end >= MIN_BODY else 0


def _title_case(line: str) -> bool:
    line = line.strip()
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(line) > MAX_HEADLINE or len(words) < 3 or line.endswith("."):
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= MIN_CAPITALISED


def _statistical(candidate: Candidate) -> bool:
    return not candidate.origin.startswith("rules") and candidate.origin != "memory"


def dateline(text: str) -> tuple[int, int] | None:
    """Where the dateline is, up to and with its dash: the first line below any headline
    that opens with one, among the top lines. None if there is none."""
    start = headline_end(text)
    for _ in range(DATELINE_LINES):
        while start < len(text) and text[start] in "\r\n":
            start += 1
        m = _DATELINE.match(text, start)
        if m:
            place = m.group("place").split()
            if place[0][0].isupper() and place[-1][0].isupper():
                return m.start(), m.end()
        start = text.find("\n", start)
        if start < 0:
            return None
    return None


def check_headline(text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep a statistical candidate in the headline only if the body confirms it, and none
    in the dateline."""
    top = dateline(text)
    if top is not None:
        a, b = top
        candidates = [c for c in candidates if not (_statistical(c) and c.start < b and a < c.end)]
    end = headline_end(text)
    lines = ([(0, end)] if end else []) + _later_headlines(text, end)
    if not lines:
        return list(candidates)

    def in_headline(c: Candidate) -> bool:
        return any(a <= c.start and c.end <= b for a, b in lines)

    body: dict[tuple[str, str], Counter[str]] = {}
    for c in candidates:
        if _statistical(c) and not in_headline(c):
            body.setdefault((c.origin, text[c.start : c.end]), Counter())[c.label] += 1
    kept = []
    for c in candidates:
        if _statistical(c) and in_headline(c):
            labels = body.get((c.origin, text[c.start : c.end]))
            if not labels:
                continue
            c = Candidate(c.start, c.end, labels.most_common(1)[0][0], c.origin, c.score)
        kept.append(c)
    return kept


def _later_headlines(text: str, start: int) -> list[tuple[int, int]]:
    """Title-case lines below the top ones: the headlines of linked stories ("Baca Juga:
    Nikaragua Gugat Jerman ke ICJ"), which a model misreads as the top headline."""
    if len(text) < MIN_BODY:
        return []
    found = []
    for m in re.finditer(r"[^\n]+", text[start:]):
        line = m.group()
        if _title_case(line) and sum(w[:1].isalpha() for w in line.split()) >= MIN_LINKED:
            found.append((start + m.start(), start + m.end()))
    return found
