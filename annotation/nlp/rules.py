"""The Indonesian rule layer: gazetteers, dates and a few patterns, as entity candidates.

`RuleSuggester` runs in stages, each resolving overlaps before the next reads the result:

1. gazetteer entries (PhraseMatcher over token texts) and dates (dates.py);
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
                     "(0.7), a name in a photo credit or byline (0.6)",
    "rules:repeat": "a PER name or acronym found by a rule above, seen again (0.6; a "
                    "first name alone 0.55)",
}
LOW = 0.5  # candidates scoring less never displace surer ones
_by_position = operator.attrgetter("start", "end")


class RuleSuggester:
    """Suggests entities from gazetteers, date forms and Indonesian title/name patterns."""

    name = "rules"

    def __init__(self, vocab: Any, gazetteer_dir: Path = GAZETTEER_DIR) -> None:
        triggers = {kind: words(PATTERNS_FILE, kind)
                    for kind in ("org_head", "event_head", "event_needs_number")}
        self.vocab = vocab
        self.gazetteer = Gazetteer(vocab, Path(gazetteer_dir) / MERGED, triggers)
        self.dates = DateFinder()
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
        from spacy.attrs import SENT_START

        # doc.has_annotation("SENT_START") walks every token in Python; the array is quicker
        flags = doc.to_array([SENT_START]).astype("int64")
        if (flags[1:] != 0).any():
            view.set_sentences([0, *((flags[1:] == 1).nonzero()[0] + 1).tolist()])
        else:
            split_sentences(doc)
        rw = self.words
        spans, triggers = self._base(doc, view)
        spans = _resolve(spans)
        owner = _owners(spans, view.n)
        found = rp.org_names(view, owner, triggers.get("org_head", []), rw)
        found += rp.event_names(view, owner, triggers.get("event_head", []),
                                triggers.get("event_needs_number", []), rw)
        found += rp.ordinal_events(view, owner, spans)
        spans = _insert(spans, owner, found)
        titled = rp.titles(view, owner, spans, rw)
        short = rp.acronyms(view, owner, spans)
        spans = _insert(spans, owner, titled + short + rp.credits(view, owner, spans, rw))
        names = [s for s in titled if s.label == "PER"]
        if names or short:
            spans = _insert(spans, owner, rp.repeats(view, owner, names, short, rw))
        return [Candidate(s.cstart, s.cend, s.label, s.origin, s.score) for s in spans]

    def _base(self, doc: Any, view: View) -> tuple[list[Span], dict[str, list[tuple[int, int]]]]:
        """Gazetteer and date spans, and the trigger words' token ranges by kind."""
        spans: list[Span] = []
        triggers: dict[str, list[tuple[int, int]]] = {}
        words_, locative, gpe_prefixes = view.words, self.words.locative, self.words.gpe_prefixes
        for start, end, labels, score in self.gazetteer(doc):
            label = labels[0]
            if label[0] == "@":
                triggers.setdefault(label[1:], []).append((start, end))
                continue
            if len(labels) > 1:  # 'di Kremlin' is the building, 'Kremlin menyatakan' the body
                after_locative = start > 0 and words_[start - 1].lower() in locative
                others = [x for x in labels if x != "LOC"]
                label = "LOC" if after_locative and "LOC" in labels else others[0]
                score = min(score, rp.CONTEXT)
            elif label == "GPE" and start and words_[start - 1] in gpe_prefixes:
                start = rp.prefix_before(words_, start, gpe_prefixes)  # 'Kota Mataram'
            spans.append(view.span(start, end, label, score, "rules:gazetteer"))
        for start, end, score in self.dates.find(view.text, words_, view.starts):
            spans.append(view.char_span(start, end, "DATE", score, "rules:date"))
        for found in triggers.values():
            found.sort()
        return spans, triggers


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
    for span in sorted(new, key=_priority):
        rivals = {id(o): o for o in owner[span.start:span.end] if o is not None}
        key = _priority(span)
        if any(_priority(rival) <= key for rival in rivals.values()):
            continue
        for rival in rivals.values():
            removed.add(id(rival))
            owner[rival.start:rival.end] = [None] * (rival.end - rival.start)
        owner[span.start:span.end] = [span] * (span.end - span.start)
        added.append(span)
    if removed:
        kept = [s for s in kept if id(s) not in removed]
    return sorted(kept + added, key=_by_position) if added else kept


def _owners(spans: list[Span], n: int) -> list[Span | None]:
    """The span that covers each token, if any."""
    owner: list[Span | None] = [None] * n
    for span in spans:
        owner[span.start:span.end] = [span] * (span.end - span.start)
    return owner


@functools.lru_cache(maxsize=4)
def _digest(path: Path) -> str:
    data = b"".join(p.read_bytes() for p in (path, DATES_FILE, PATTERNS_FILE))
    return hashlib.blake2b(data, digest_size=6).hexdigest()
