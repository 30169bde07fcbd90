"""The suggestion engine: every suggester behind one call, for the app and the CLI alike.

An Engine turns articles (text plus stored tokens) into Docs in one shared vocabulary,
splits sentences, asks each suggester for candidates, lets the project's memory veto and
add, combines everything into one non-overlapping set that respects human decisions, and
proposes relations among the result and the accepted entities.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotation.limits import MAX_ARTICLE_CHARS, describe_size
from annotation.nlp.combine import DEFAULT_PRIORITY, Decided, combine
from annotation.nlp.docs import make_doc
from annotation.nlp.docview import View
from annotation.nlp.headline import check_headline
from annotation.nlp.suggestion import Candidate, RelationCandidate, Suggester, SuggesterError
from annotation.nlp.uncertainty import Uncertainty, measure
from annotation.schema import LabelSchema

if TYPE_CHECKING:  # the relation suggesters are loaded only when relations are asked for
    from annotation.nlp.relation_model import LearnedRelations
    from annotation.nlp.relations import RelationSuggester

SOURCES = ("rules", "model")  # the default suggesters, by name
# Raise when how candidates are combined changes, so projects suggest again with the new way.
COMBINATION_VERSION = 4
HUMAN_ORIGIN = "human"


@dataclass(frozen=True)
class PipelineSource:
    """A spaCy pipeline the researcher installed: a package name or a path, and label map."""

    name: str
    label_map: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Result:
    """One article's combined suggestions.

    `relations` index into `entities + accepted`, where `accepted` are the human
    decisions passed in, so a relation may link a suggestion to an accepted entity.
    `uncertainty` is how unsure the suggesters were before combination (`uncertainty.py`).
    """

    entities: list[Candidate]
    relations: list[RelationCandidate]
    uncertainty: Uncertainty | None = None


class Engine:
    """Suggesters, the memory and the relation suggester, run together on batches of Docs."""

    def __init__(
        self,
        vocab: Any,
        suggesters: Sequence[Suggester],
        *,
        memory: Any = None,
        relations: Any = None,
        priority: Sequence[str] = DEFAULT_PRIORITY,
        problems: Sequence[str] = (),
        fingerprint: str = "",
        split: Callable[[Any], None] | None = None,
    ) -> None:
        self.vocab = vocab
        self.split = split  # sets sentence starts on a Doc
        self.suggesters = list(suggesters)
        # Each suggester with the labels it can give (None: any), for the uncertainty.
        self.voters = {s.name: getattr(s, "labels", None) for s in self.suggesters}
        self.memory = memory
        self.relations = relations
        self.priority = tuple(priority)
        self.problems = list(problems)  # suggesters that could not be loaded, and why
        self.fingerprint = fingerprint or "+".join(s.name for s in self.suggesters)
        self.timings: dict[str, float] = {}

    @property
    def names(self) -> list[str]:
        names = [s.name for s in self.suggesters]
        return names + (["memory"] if self.memory is not None else [])

    def docs(self, items: Sequence[tuple[str, bytes | None]]) -> list[Any]:
        """Docs with sentence boundaries, from (text, stored tokens or None) pairs.

        Raise SuggesterError for a text longer than `limits.MAX_ARTICLE_CHARS` (which import
        refuses, but an older Sorot took): its Doc alone would take gigabytes.
        """
        docs = []
        for text, tokens in items:
            if len(text) > MAX_ARTICLE_CHARS:
                raise SuggesterError(
                    f"an article of {describe_size(len(text))} is longer than the "
                    f"{MAX_ARTICLE_CHARS:,} characters Sorot suggests for (an older Sorot "
                    "imported it); split it into articles and import them again"
                )
            doc = make_doc(self.vocab, text, tokens or None)
            if self.split is not None:
                self.split(doc)
            docs.append(doc)
        return docs

    def run(
        self,
        docs: Sequence[Any],
        decided: Sequence[Sequence[Decided]] | None = None,
    ) -> list[Result]:
        """Suggest for each Doc, given each one's human decisions."""
        decided = decided if decided is not None else [[] for _ in docs]
        per_doc: list[list[Candidate]] = [[] for _ in docs]
        for suggester in self._all():
            began = time.perf_counter()
            for found, cands in zip(per_doc, suggester.suggest(docs)):
                found.extend(cands)
            self._time(suggester.name, began)
        began = time.perf_counter()
        results = []
        for doc, found, decisions in zip(docs, per_doc, decided):
            # The View's text is the Doc's, joined once: Doc.text joins every token anew.
            found = check_headline(View.of(doc).text, found)
            if self.memory is not None:
                found = self.memory.filter(doc, found)
            kept = combine(found, self.priority, decisions)
            results.append(Result(kept, [], measure(found, self.voters, decisions)))
        self._time("combine", began)
        if self.relations is not None:
            began = time.perf_counter()
            for doc, result, decisions in zip(docs, results, decided):
                accepted = [
                    Candidate(d.start, d.end, d.label, HUMAN_ORIGIN)
                    for d in decisions
                    if d.accepted
                ]
                result.relations = self.relations.suggest(doc, result.entities + accepted)
            self._time("relations", began)
        return results

    def suggest_texts(self, texts: Sequence[str]) -> list[Result]:
        """Suggest for plain texts with no decisions (evaluation, quick checks)."""
        return self.run(self.docs([(t, None) for t in texts]))

    def _all(self) -> list[Suggester]:
        return self.suggesters + ([self.memory] if self.memory is not None else [])

    def _time(self, name: str, began: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - began


def load_engine(
    schema: LabelSchema,
    sources: Sequence[str] = SOURCES,
    pipelines: Sequence[PipelineSource] = (),
    *,
    priority: Sequence[str] | None = None,
    memory: bool = True,
    relations: bool = True,
    model_path: Path | None = None,
    relation_model: Path | None = None,
    shipped_relations: bool = False,
) -> Engine:
    """Load the named suggesters; any that fail are reported in `problems`, not raised.

    `sources` are "rules" and "model" (the shipped model); `pipelines` are other spaCy
    pipelines, each suggesting under its own name. Relations come from the rules corrected
    and extended by a relation model (`relation_model.LearnedRelations`): `relation_model`
    (a folder that `sorot train` wrote), else, with `shipped_relations` (off by default: it
    adds nothing to the rules on the development or corpus gold), the shipped one.
    A model that cannot be read is reported and the rules suggest alone.
    """
    import spacy

    from annotation.nlp.pipeline import DEFAULT_MODEL, PipelineSuggester

    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise SuggesterError(
            f"unknown suggester {', '.join(unknown)}; "
            f"choose from {', '.join(SOURCES)} or give a pipeline"
        )
    problems: list[str] = []
    suggesters: list[Suggester] = []
    model = None
    if "model" in sources:
        try:
            model = PipelineSuggester(model_path or DEFAULT_MODEL, origin="model")
        except SuggesterError as exc:
            problems.append(str(exc))
    vocab = model.vocab if model is not None else spacy.blank("id").vocab
    if "rules" in sources:
        from annotation.nlp.rules import RuleSuggester

        suggesters.append(RuleSuggester(vocab))
    if model is not None:
        suggesters.append(model)
    for source in pipelines:
        try:
            suggesters.append(
                PipelineSuggester(source.name, label_map=source.label_map, origin=source.name)
            )
        except SuggesterError as exc:
            problems.append(str(exc))
    relation_suggester: RelationSuggester | LearnedRelations | None = None
    if relations:
        from annotation.nlp.relation_model import SHIPPED_MODEL, load_learned
        from annotation.nlp.relations import RelationSuggester

        relation_suggester = RelationSuggester(schema)
        folder = relation_model or (SHIPPED_MODEL if shipped_relations else None)
        if folder is not None:
            try:
                relation_suggester = load_learned(schema, folder, relation_suggester)
            except SuggesterError as exc:
                problems.append(str(exc))
    default_priority = [*DEFAULT_PRIORITY, *(p.name for p in pipelines)]
    fingerprint = _fingerprint(suggesters, memory, relation_suggester, priority or default_priority)
    if memory:
        from annotation.nlp.memory import Memory

        memory_suggester = Memory(vocab)
    from annotation.nlp.rules import split_sentences

    return Engine(
        vocab,
        suggesters,
        split=split_sentences,
        memory=memory_suggester if memory else None,
        relations=relation_suggester,
        priority=priority or default_priority,
        problems=problems,
        fingerprint=fingerprint,
    )


def _fingerprint(
    suggesters: Sequence[Suggester], memory: bool, relations: Any, priority: Sequence[str]
) -> str:
    """A short name for this combination, stored with each article's suggestions.

    It changes when a suggester's data changes (a retrained model, an edited gazetteer or
    lexicon), so that such articles count as not yet suggested by the new engine.
    """
    parts = [getattr(s, "fingerprint", s.name) for s in suggesters]
    if relations is not None:
        parts.append(getattr(relations, "fingerprint", relations.name))
    data = json.dumps([parts, memory, list(priority), COMBINATION_VERSION])
    digest = hashlib.blake2b(data.encode(), digest_size=6).hexdigest()
    return f"{'+'.join(s.name for s in suggesters)}@{digest}"
