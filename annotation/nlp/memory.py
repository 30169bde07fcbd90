"""The project's memory: what the researcher decided about a string is suggested everywhere.

Each accepted (or drawn) entity teaches the memory that its surface string is that label;
each rejected one, that it is not. A string is suggested with the label it was accepted as
more often than rejected, and any suggester's candidate with a label the string was rejected
as more often than accepted is vetoed. Counts, not a last-decision-wins rule, so that one
slip does not undo twenty decisions; undoing a decision takes its count back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from annotation.nlp.docview import View
from annotation.nlp.suggestion import Candidate

ORIGIN = "memory"


class Memory:
    """Counts of decisions per (surface string, label), and a matcher for the strings."""

    name = ORIGIN

    def __init__(self, vocab: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.vocab = vocab
        self.accepted: Counter[tuple[str, str]] = Counter()
        self.rejected: Counter[tuple[str, str]] = Counter()
        self._seen: dict[str, set[str]] = {}  # surface → labels it has decisions for
        self._matcher = PhraseMatcher(vocab, attr="ORTH")
        self._labels: dict[str, str] = {}  # surface → the label it is suggested with

    def __len__(self) -> int:
        return len(self._labels)

    def learn(self, decisions: Iterable[tuple[str, str, bool]], sign: int = 1) -> set[str]:
        """Count (surface, label, accepted) decisions (sign -1 takes them back).

        Return the surfaces whose suggestion or veto changed, so callers can refresh the
        articles that contain them.
        """
        touched: dict[str, tuple[Any, ...]] = {}
        for surface, label, accepted in decisions:
            surface = surface.strip()
            if not surface:
                continue
            if surface not in touched:
                touched[surface] = self._state(surface)
            counter = self.accepted if accepted else self.rejected
            counter[(surface, label)] += sign
            if counter[(surface, label)] <= 0:
                del counter[(surface, label)]
            labels = self._seen.setdefault(surface, set())
            if (surface, label) in self.accepted or (surface, label) in self.rejected:
                labels.add(label)
            else:
                labels.discard(label)
        for surface in touched:
            self._refresh(surface)
        return {s for s, before in touched.items() if self._state(s) != before}

    def reset(self, surface: str, decisions: Iterable[tuple[str, str, bool]]) -> bool:
        """Replace everything known of one string by these decisions; return if it changed."""
        surface = surface.strip()
        before = self._state(surface)
        for label in list(self._seen.get(surface, ())):
            self.accepted.pop((surface, label), None)
            self.rejected.pop((surface, label), None)
        self._seen.pop(surface, None)
        self.learn(decisions)
        self._refresh(surface)
        return self._state(surface) != before

    def label_for(self, surface: str) -> str | None:
        """The label this string is suggested with, if any."""
        return self._labels.get(surface)

    def vetoes(self, surface: str, label: str) -> bool:
        """Whether the researcher has rejected this string as this label (on balance)."""
        key = (surface, label)
        return self.rejected[key] > self.accepted[key]

    def score(self, surface: str, label: str) -> float:
        key = (surface, label)
        accepted, rejected = self.accepted[key], self.rejected[key]
        return round(accepted / (accepted + rejected + 0.05), 3)

    def suggest(self, docs: Sequence[Any]) -> list[list[Candidate]]:
        """Each Doc's occurrences of remembered strings, on token boundaries."""
        if not self._labels:
            return [[] for _ in docs]
        results = []
        strings = self.vocab.strings
        for doc in docs:
            found = []
            for match_id, start, end in self._matcher(doc):
                surface = strings[match_id]
                label = self._labels.get(surface)
                if label is None:
                    continue
                span = doc[start:end]
                found.append(
                    Candidate(
                        span.start_char, span.end_char, label, ORIGIN, self.score(surface, label)
                    )
                )
            results.append(found)
        return results

    def filter(self, doc: Any, candidates: Iterable[Candidate]) -> list[Candidate]:
        """Drop candidates whose string the researcher rejected with that label."""
        if not self.rejected:
            return list(candidates)
        text = View.of(doc).text  # Doc.text joins every token anew
        return [c for c in candidates if not self.vetoes(text[c.start : c.end].strip(), c.label)]

    def _state(self, surface: str) -> tuple[Any, ...]:
        vetoed = sorted(
            label for label in self._seen.get(surface, ()) if self.vetoes(surface, label)
        )
        return self._labels.get(surface), vetoed

    def _refresh(self, surface: str) -> bool:
        """Recompute the string's suggested label; return whether it changed."""
        labels = self._seen.get(surface, ())
        net = {
            label: self.accepted[(surface, label)] - self.rejected[(surface, label)]
            for label in labels
        }
        best = max(sorted(net), key=lambda label: net[label], default=None)
        label = best if best is not None and net[best] > 0 else None
        old = self._labels.get(surface)
        if label == old:
            return False
        if label is None:
            del self._labels[surface]
            self._matcher.remove(surface)
        else:
            if old is None:
                self._matcher.add(surface, [self._pattern(surface)])
            self._labels[surface] = label
        return True

    def _pattern(self, surface: str) -> Any:
        from spacy.tokens import Doc

        from annotation.nlp.tokens import tokenizer

        words = [t.text for t in tokenizer()(surface)]
        return Doc(self.vocab, words=words)
