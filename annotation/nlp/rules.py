"""The Indonesian rule layer: gazetteers, dates and a few patterns, as entity candidates.

`RuleSuggester` runs in stages, each resolving overlaps before the next reads the result:

1. gazetteer entries (one PhraseMatcher over token texts, which also finds the trigger
   words below and the words a date may begin with) and dates (dates.py); but not a name
   that is also an everyday word opening a sentence ('Medan perang', 'Antara lain'), nor
   a title in a street's name ('Jalan Gubernur Suryo');
2. names that start with an organisation or event word ('Kementerian Pertahanan',
   'KTT ASEAN ke-45');
3. titles: 'Presiden Prancis Emmanuel Macron' gives ROLE 'Presiden', GPE 'Prancis' and PER
   'Emmanuel Macron'; 'Wakil', 'mantan' and a body named inside a title join the ROLE; a
   bracketed acronym after a name ('Organisasi Kerja Sama Islam (OKI)') gets its label;
4. names and acronyms found that way are looked for again in the rest of the article.

Overlaps are resolved longest first, then by score; a candidate scoring below 0.5 only
fills a gap that nothing surer covers. Origins tell the rules apart (see ORIGINS), and the
scores say how often each rule is right, from 0.95 for a full date to 0.4 for a bare year.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from annotation.nlp import rule_patterns as rp
from annotation.nlp.dates import DateFinder
from annotation.nlp.docview import Span, View
from annotation.nlp.gazetteer import GAZETTEER_DIR, MERGED, Gazetteer
from annotation.nlp.sentences import split_sentences
from annotation.nlp.suggestion import Candidate
from annotation.nlp.wordlists import DATES_FILE, PATTERNS_FILE, stop_words, words

__all__ = ["ORIGINS", "RuleSuggester", "split_sentences"]

ORIGINS = {
    "rules:gazetteer": "an entry of resources/gazetteers (0.9 as listed, 0.8 in capitals, "
    "0.7 with a lower-case tail, 0.75 when the word before chose the label)",
    "rules:date": "a date form (0.95 full date ... 0.5 relative, 0.4 bare year)",
    "rules:title": "a ROLE widened by 'Wakil'/'mantan'/a body (0.8) or by capitalised words "
    "(0.6), and the PER after a title (0.8; 0.65 after a comma)",
    "rules:pattern": "ORG or EVENT from a head word (0.75; 0.4 in a title-case headline), a "
    "bracketed acronym after a name (0.75), an ORG with an ordinal as EVENT "
    "(0.7), a name in a photo credit or byline (0.6), the outlet in a "
    "dateline (0.7)",
    "rules:repeat": "a PER name or acronym found by a rule above, seen again (0.6; a "
    "first name alone 0.55)",
}
_DATE_START = "date_start"  # the kind of trigger that marks a word a date may begin with
_OPENERS = frozenset("\"“‘'([«")
LOW = 0.5  # candidates scoring less never displace surer ones
_by_position = operator.attrgetter("start", "end")


class RuleSuggester:
    """Suggests entities from gazetteers, date forms and Indonesian title/name patterns."""

    name = "rules"

    def __init__(self, vocab: Any, gazetteer_dir: Path = GAZETTEER_DIR) -> None:
        self.dates = DateFinder()
        triggers = {
            kind: words(PATTERNS_FILE, kind)
            for kind in ("org_head", "event_head", "event_needs_number")
        }
        triggers[_DATE_START] = list(self.dates.starters)  # where a date may begin
        self.vocab = vocab
        self.gazetteer = Gazetteer(vocab, Path(gazetteer_dir) / MERGED, triggers)
        self.words = rp.RuleWords.load(PATTERNS_FILE, stop_words())
        self.fingerprint = f"rules@{_digest(Path(gazetteer_dir) / MERGED)}"

    def suggest(self, docs: Sequence[Any]) -> list[list[Candidate]]:
        """Each Doc's candidates, non-overlapping, in text order."""
        return [self.suggest_doc(doc) for doc in docs]

    def suggest_doc(self, doc: Any) -> list[Candidate]:
        """One Doc's candidates; sets sentence starts first if the Doc has none."""
        view = View.of(doc)
        if not view.n:
            return []
        if not view.split:  # else split_sentences set the Doc's sentences from this View
            _read_sentences(doc, view)
        rw = self.words
        spans, triggers = self._base(doc, view)
        spans = _resolve(spans)
        owner = _owners(spans, view.n)
        found = rp.org_names(view, owner, triggers["org_head"], rw)
        found += rp.event_names(
            view, owner, triggers["event_head"], triggers["event_needs_number"], rw
        )
        found += rp.ordinal_events(view, owner, spans)
        spans = _insert(spans, owner, found)
        titled = rp.titles(view, owner, spans, rw)
        short = rp.acronyms(view, owner, spans)
        spans = _insert(
            spans,
            owner,
            titled + short + rp.credits(view, owner, spans, rw) + rp.outlets(view, owner, spans),
        )
        names = [s for s in titled if s.label == "PER"]
        if names or short:
            spans = _insert(spans, owner, rp.repeats(view, owner, names, short, rw))
        return _to_candidates(spans)

    def _base(self, doc: Any, view: View) -> tuple[list[Span], dict[str, list[tuple[int, int]]]]:
        """Gazetteer and date spans, and the trigger words' token ranges by kind."""
        spans: list[Span] = []
        triggers: dict[str, list[tuple[int, int]]] = {kind: [] for kind in self.gazetteer.kinds}
        rw, words_ = self.words, view.words
        starts, ends, keys = view.starts, view.ends, self.gazetteer.keys
        for key, start, end in self.gazetteer.matcher(doc):
            labels, score, kind = keys[key]
            if kind:
                triggers[kind].append((start, end))
                continue
            label = labels[0]
            if len(labels) > 1:  # 'di Kremlin' is the building, 'Kremlin menyatakan' the body
                after_locative = start > 0 and words_[start - 1].lower() in rw.locative
                others = [x for x in labels if x != "LOC"]
                label = "LOC" if after_locative and "LOC" in labels else others[0]
                score = min(score, rp.CONTEXT)
            elif label == "GPE" and start and words_[start - 1] in rw.gpe_prefixes:
                k = rp.prefix_before(words_, start, rw.gpe_prefixes)  # 'Kota Mataram'
                if not (k and words_[k - 1] in rw.title_with_prefix):  # not 'Wali Kota | Bogor'
                    start = k
            if end - start == 1 and words_[start] in rw.common_words and _common_use(view, start):
                continue
            if label == "ROLE" and rw.after_street(words_, start):
                continue  # 'Jalan Gubernur Suryo' names a street after a person
            spans.append(
                Span(start, end, starts[start], ends[end - 1], label, score, "rules:gazetteer")
            )
        first = view.first_codes()
        anchors = (first >= 48) & (first <= 57)  # a digit, or a word that starts a date:
        anchors[[start for start, _ in triggers.pop(_DATE_START)]] = True
        for start, end, score in self.dates.find(
            view.text, words_, starts, np.flatnonzero(anchors).tolist()
        ):
            spans.append(view.char_span(start, end, "DATE", score, "rules:date"))
        for found in triggers.values():
            found.sort()
        return spans, triggers


# A frozen dataclass's __init__ sets each field through object.__setattr__; filling the new
# instance's dict in one call takes half the time, and an article has dozens of candidates.
_DICT_FILL = not hasattr(Candidate, "__slots__") and not hasattr(Candidate, "__post_init__")


def _to_candidates(spans: list[Span]) -> list[Candidate]:
    """The spans as Candidates, equal to those the constructor makes."""
    if not _DICT_FILL:
        return [Candidate(s.cstart, s.cend, s.label, s.origin, s.score) for s in spans]
    out = []
    new = object.__new__
    for s in spans:
        candidate = new(Candidate)
        candidate.__dict__.update(
            start=s.cstart, end=s.cend, label=s.label, origin=s.origin, score=s.score
        )
        out.append(candidate)
    return out


def _common_use(view: View, i: int) -> bool:
    """Whether token i, a name that is also an everyday word, is that word: first in its
    sentence (after any opening quote), where a capital says nothing, and before a
    lower-case word ('Medan perang', 'Antara lain'; not 'Medan, Sumatera Utara')."""
    words, k = view.words, i
    while k and not view.sentence_start(k) and words[k - 1] in _OPENERS:
        k -= 1
    return view.sentence_start(k) and i + 1 < view.n and words[i + 1][0].islower()


def _read_sentences(doc: Any, view: View) -> None:
    """Take the Doc's sentence starts into the View, or split sentences if it has none."""
    from spacy.attrs import SENT_START

    # doc.has_annotation("SENT_START") walks every token in Python; the array is quicker
    flags = doc.to_array([SENT_START]).astype("int64")
    if (flags[1:] != 0).any():
        view.set_sentences([0, *((flags[1:] == 1).nonzero()[0] + 1).tolist()])
    else:
        split_sentences(doc)


def _resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: sure before unsure, then longest, then best scored.

    Most spans overlap nothing, so the spans are swept in order and only each cluster of
    overlapping ones is sorted by priority.
    """
    spans.sort(key=_by_position)
    kept: list[Span] = []
    cluster: list[Span] = []
    cluster_end = -1
    for span in spans:
        if span.start >= cluster_end:
            if len(cluster) == 1:
                kept.append(cluster[0])
            elif cluster:
                kept.extend(_choose(cluster))
            cluster, cluster_end = [span], span.end
        else:
            cluster.append(span)
            cluster_end = max(cluster_end, span.end)
    if len(cluster) == 1:
        kept.append(cluster[0])
    elif cluster:
        kept.extend(_choose(cluster))
    return kept


def _priority(span: Span) -> tuple[bool, int, float, int, str]:
    """Sorts the span that should win an overlap first."""
    return span.score < LOW, span.cstart - span.cend, -span.score, span.cstart, span.label


def _choose(cluster: list[Span]) -> list[Span]:
    """The best non-overlapping spans of a cluster of overlapping ones, in text order."""
    base = cluster[0].start
    taken = bytearray(max(s.end for s in cluster) - base)
    kept = []
    for span in sorted(cluster, key=_priority):
        a, b = span.start - base, span.end - base
        if taken.find(1, a, b) == -1:
            taken[a:b] = b"\x01" * (b - a)
            kept.append(span)
    kept.sort(key=_by_position)
    return kept


def _insert(kept: list[Span], owner: list[Span | None], new: list[Span]) -> list[Span]:
    """Add `new` spans to the non-overlapping `kept` ones, each only if it beats every span
    it overlaps, which it then displaces; `owner` is updated to match. Sorted like `kept`."""
    if not new:
        return kept
    removed: set[int] = set()
    added = []
    for span in sorted(new, key=_priority) if len(new) > 1 else new:
        a, b = span.start, span.end
        covered = owner[a:b]
        if covered.count(None) != b - a:  # it overlaps something
            rivals = {id(o): o for o in covered if o is not None}
            key = _priority(span)
            if any(_priority(rival) <= key for rival in rivals.values()):
                continue
            for rival in rivals.values():
                removed.add(id(rival))
                owner[rival.start : rival.end] = [None] * (rival.end - rival.start)
        owner[a:b] = [span] * (b - a)
        added.append(span)
    if removed:
        kept = [s for s in kept if id(s) not in removed]
    return sorted(kept + added, key=_by_position) if added else kept


def _owners(spans: list[Span], n: int) -> list[Span | None]:
    """The span that covers each token, if any."""
    owner: list[Span | None] = [None] * n
    for span in spans:
        owner[span.start : span.end] = [span] * (span.end - span.start)
    return owner


@functools.lru_cache(maxsize=4)
def _digest(path: Path) -> str:
    data = b"".join(p.read_bytes() for p in (path, DATES_FILE, PATTERNS_FILE))
    return hashlib.blake2b(data, digest_size=6).hexdigest()
