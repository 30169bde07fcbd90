"""Headlines, where a statistical model sees names everywhere.

Indonesian news headlines capitalise every word ("Indonesia Desak Percepatan Kode Etik Laut
China Selatan"). A model trained on running text reads such a line as one long name. But an
entity in a headline is almost always named again in the body, where the model reads it in
ordinary sentence case. So in a headline, a model's candidate is kept only when the model
finds the same string in the body, and it takes the label the model gives it there. Rules,
gazetteers and the memory are not affected: they do not depend on capitalisation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from annotation.nlp.suggestion import Candidate

MAX_HEADLINE = 200  # characters
MIN_BODY = 200
MIN_CAPITALISED = 0.6


def headline_end(text: str) -> int:
    """Where a title-case headline at the top of an article ends; 0 if there is none."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end < 0 or end - start > MAX_HEADLINE or len(text) - end < MIN_BODY:
        return 0
    line = text[start:end].strip()
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < 3 or line.endswith("."):
        return 0
    capitalised = sum(w[0].isupper() for w in words)
    return end if capitalised / len(words) >= MIN_CAPITALISED else 0


def _statistical(candidate: Candidate) -> bool:
    return not candidate.origin.startswith("rules") and candidate.origin != "memory"


def check_headline(text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep a statistical candidate in the headline only if the body confirms it."""
    end = headline_end(text)
    if not end:
        return list(candidates)
    body: dict[tuple[str, str], Counter[str]] = {}
    for c in candidates:
        if c.start >= end and _statistical(c):
            body.setdefault((c.origin, text[c.start:c.end]), Counter())[c.label] += 1
    kept = []
    for c in candidates:
        if c.end <= end and _statistical(c):
            labels = body.get((c.origin, text[c.start:c.end]))
            if not labels:
                continue
            c = Candidate(c.start, c.end, labels.most_common(1)[0][0], c.origin, c.score)
        kept.append(c)
    return kept
