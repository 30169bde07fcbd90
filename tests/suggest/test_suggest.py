"""Combining suggestions, the project's memory, and keeping the store in step with them."""

from __future__ import annotations

import re

import pytest
import spacy

from annotation.nlp.combine import Decided, combine, rank
from annotation.nlp.engine import Engine
from annotation.nlp.memory import Memory
from annotation.nlp.suggestion import Candidate
from annotation.nlp.tokens import tokenize
from annotation.project.commands import AcceptEntity, AddEntity, CommandStack, RejectEntity
from annotation.suggest.service import (
    MemorySync,
    articles_containing,
    ensure_suggested,
    load_memory,
    pending,
    refresh,
    suggest_articles,
)


class WordList:
    """A real, tiny suggester: fixed strings found on token boundaries."""

    def __init__(self, name: str, words: dict[str, str], score: float = 0.9) -> None:
        self.name, self.words, self.score = name, words, score

    def suggest(self, docs):
        out = []
        for doc in docs:
            starts = {t.idx for t in doc}
            ends = {t.idx + len(t) for t in doc}
            found = []
            for word, label in self.words.items():
                for m in re.finditer(re.escape(word), doc.text):
                    if m.start() in starts and m.end() in ends:
                        found.append(Candidate(m.start(), m.end(), label, self.name, self.score))
            out.append(found)
        return out


def cand(start, end, label="PER", origin="model", score=0.5):
    return Candidate(start, end, label, origin, score)


# -- combine -------------------------------------------------------------------------------


def test_rank_prefers_the_most_specific_priority_entry():
    priority = ("memory", "rules:gazetteer", "model", "rules")
    assert rank("rules:gazetteer", priority) == 1
    assert rank("rules:date", priority) == 3
    assert rank("model", priority) == 2
    assert rank("en_core_web_sm", priority) == len(priority)


def test_combine_prefers_longer_nested_spans_then_priority_then_score():
    a = cand(0, 10, "GPE", "rules:gazetteer", 0.9)
    b = cand(5, 15, "LOC", "model", 0.99)
    c = cand(20, 30, "PER", "model", 0.4)
    d = cand(20, 25, "PER", "model", 0.4)
    e = cand(40, 45, "ORG", "model", 0.3)
    f = cand(40, 45, "PER", "model", 0.8)
    kept = combine([b, d, f, a, c, e], ("rules:gazetteer", "model"))
    assert kept == [a, c, f]


def test_a_name_the_rules_found_after_a_title_and_see_again_outranks_the_models_reading():
    # 'Presiden Prancis Laurent Marchal ... Marchal bertemu': the model reads the lone
    # surname as ORG; the rules repeat the PER they found after the title
    model = cand(50, 57, "ORG", "model", 0.9)
    repeat = cand(50, 57, "PER", "rules:repeat", 0.6)
    title = cand(60, 68, "ROLE", "rules:title", 0.8)
    model_role = cand(60, 68, "ORG", "model", 0.9)
    assert combine([model, repeat, title, model_role]) == [repeat, model_role]


def test_a_longer_span_beats_the_memory_inside_it_but_a_merge_of_two_entities_loses():
    bank = cand(0, 14, "ORG", "model", 0.8)  # "Bank Indonesia"
    indonesia = cand(5, 14, "GPE", "memory", 0.95)
    assert combine([indonesia, bank]) == [bank]
    merged = cand(20, 43, "ORG", "model", 0.8)  # "Prancis Emmanuel Macron"
    gpe = cand(20, 27, "GPE", "rules:gazetteer", 0.9)
    per = cand(28, 43, "PER", "rules:title", 0.8)
    assert combine([merged, gpe, per]) == [gpe, per]
    # Two pieces from the same source as the long span are no sign of a merge.
    whole = cand(50, 70, "ORG", "rules:gazetteer", 0.9)
    parts = [cand(50, 55, "ORG", "rules:pattern"), cand(60, 70, "GPE", "rules:gazetteer")]
    assert combine([*parts, whole]) == [whole]


def test_combine_never_overlaps_or_repeats_a_human_decision():
    decided = [Decided(0, 5, "PER", accepted=True), Decided(10, 20, "ORG", accepted=False)]
    kept = combine(
        [cand(3, 8), cand(10, 20, "ORG"), cand(10, 20, "GPE"), cand(0, 5)], decided=decided
    )
    assert kept == [cand(10, 20, "GPE")]


def test_combine_handles_many_candidates_and_long_accepted_spans():
    decided = [Decided(0, 1000, "EVENT", accepted=True)]
    cands = [cand(i, i + 3) for i in range(0, 3000, 2)]
    kept = combine(cands, decided=decided)
    assert all(c.start >= 1000 for c in kept)
    assert all(a.end <= b.start for a, b in zip(kept, kept[1:]))
    assert len(kept) == 500


# -- memory --------------------------------------------------------------------------------


@pytest.fixture
def nlp():
    return spacy.blank("id")


def test_memory_suggests_accepted_strings_and_vetoes_rejected_ones(nlp):
    memory = Memory(nlp.vocab)
    assert memory.learn([("Retno Marsudi", "PER", True)]) == {"Retno Marsudi"}
    doc = nlp("Menlu Retno Marsudi bertemu Retno Marsudi lagi.")
    found = memory.suggest([doc])[0]
    assert [(c.start, c.end, c.label, c.origin) for c in found] == [
        (6, 19, "PER", "memory"),
        (28, 41, "PER", "memory"),
    ]
    memory.learn([("Menlu", "PER", False)])
    assert memory.filter(doc, [cand(0, 5, "PER"), cand(0, 5, "ROLE")]) == [cand(0, 5, "ROLE")]
    # Two rejections outweigh one acceptance: the string is no longer suggested.
    memory.learn([("Retno Marsudi", "PER", False), ("Retno Marsudi", "PER", False)])
    assert memory.suggest([doc])[0] == []
    # Taking the rejections back (undo) restores it.
    memory.learn([("Retno Marsudi", "PER", False)] * 2, sign=-1)
    assert len(memory.suggest([doc])[0]) == 2


def test_memory_only_matches_whole_tokens(nlp):
    memory = Memory(nlp.vocab)
    memory.learn([("AS", "GPE", True)])
    doc = nlp("PASUKAN AS tiba, kata MASA.")
    assert [(c.start, c.end) for c in memory.suggest([doc])[0]] == [(8, 10)]


# -- the store -----------------------------------------------------------------------------

TEXTS = [
    "Menteri Retno Marsudi bertemu Antony Blinken di Jakarta 👍\r\n\tpada Senin.",
    "Di Jakarta, Retno Marsudi berbicara tentang PBB.",
    "Tidak ada nama di sini.",
]


@pytest.fixture
def articles(project):
    ids = []
    for text, tokens in zip(TEXTS, tokenize(TEXTS)):
        with project.transaction():
            ids.append(project.add_article(text, tokens=tokens))
    return ids


def make_engine(nlp, **words):
    suggester = WordList(
        "model", {"Retno": "PER", "Antony Blinken": "PER", "Jakarta": "LOC", "PBB": "ORG", **words}
    )
    return Engine(nlp.vocab, [suggester], memory=Memory(nlp.vocab), fingerprint="test@1")


def spans(store, article_id, statuses=("suggested",)):
    return [
        (e.start, e.end, e.label, e.status, e.origin) for e in store.entities(article_id, statuses)
    ]


def test_suggesting_twice_changes_nothing(project, articles, nlp):
    engine = make_engine(nlp)
    assert pending(project, engine) == articles
    report = suggest_articles(project, engine, articles)
    assert report.articles == 3 and report.entities == 6
    text = TEXTS[0]
    assert [text[s:e] for s, e, *_ in spans(project, articles[0])] == [
        "Retno",
        "Antony Blinken",
        "Jakarta",
    ]
    before = project.db.execute("SELECT * FROM entities ORDER BY id").fetchall()
    assert pending(project, engine) == []
    suggest_articles(project, engine, articles)
    assert project.db.execute("SELECT * FROM entities ORDER BY id").fetchall() == before
    assert not ensure_suggested(project, engine, articles[0])


def test_a_new_engine_replaces_undecided_suggestions_only(project, articles, nlp):
    engine = make_engine(nlp)
    suggest_articles(project, engine, articles)
    stack = CommandStack(project, "ani")
    retno = project.entities(articles[0])[0]
    stack.do(AcceptEntity(retno.id))
    blinken = project.entities(articles[0])[1]
    stack.do(RejectEntity(blinken.id))
    other = Engine(
        nlp.vocab,
        [WordList("model", {"Retno Marsudi": "PER", "Jakarta": "GPE", "Antony Blinken": "PER"})],
        fingerprint="test@2",
    )
    assert pending(project, other) == articles
    suggest_articles(project, other, [articles[0]])
    # The accepted "Retno" blocks "Retno Marsudi"; the rejected Blinken is not offered again.
    assert spans(project, articles[0], ("suggested", "accepted", "rejected")) == [
        (8, 13, "PER", "accepted", "model"),
        (30, 44, "PER", "rejected", "model"),
        (48, 55, "GPE", "suggested", "model"),
    ]


def test_an_accepted_string_is_suggested_everywhere_and_undo_takes_it_back(project, articles, nlp):
    engine = make_engine(nlp)
    suggest_articles(project, engine, articles)
    sync = MemorySync(project, engine)
    stack = CommandStack(project, "ani")
    stack.do(AddEntity(articles[0], 8, 21, "PER"))  # "Retno Marsudi", over the suggestion
    touched = sync.take()
    assert touched == {"Retno Marsudi"}
    targets = articles_containing(project, touched)
    assert targets == articles[:2]
    assert refresh(project, engine, targets) == 1
    second = TEXTS[1]
    assert [
        (second[s:e], label, origin) for s, e, label, _, origin in spans(project, articles[1])
    ] == [("Jakarta", "LOC", "model"), ("Retno Marsudi", "PER", "memory"), ("PBB", "ORG", "model")]
    stack.undo()
    assert sync.take() == {"Retno Marsudi"}
    refresh(project, engine, targets)
    assert ("Retno Marsudi", "memory") not in [
        (second[s:e], origin) for s, e, _, _, origin in spans(project, articles[1])
    ]


def test_a_rejected_string_is_no_longer_suggested_with_that_label(project, articles, nlp):
    engine = make_engine(nlp)
    suggest_articles(project, engine, articles)
    sync = MemorySync(project, engine)
    jakarta = next(e for e in project.entities(articles[0]) if e.label == "LOC")
    CommandStack(project, "ani").do(RejectEntity(jakarta.id))
    refresh(project, engine, articles_containing(project, sync.take()))
    assert "LOC" not in [label for *_, label, _, _ in spans(project, articles[1])]
    # A fresh engine learns the same from the project file.
    fresh = make_engine(nlp)
    assert load_memory(project, fresh) == 1
    suggest_articles(project, fresh, [articles[1]])
    assert "LOC" not in [label for *_, label, _, _ in spans(project, articles[1])]


# -- uncertainty ---------------------------------------------------------------------------


def uncertainties(store):
    return {
        row[0]: row[1:]
        for row in store.db.execute(
            "SELECT article_id, engine, score, places, disputed FROM uncertainty"
        )
    }


def test_uncertainty_is_stored_with_the_suggestions_and_replaced_on_resuggest(project):
    from annotation.nlp.engine import load_engine
    from annotation.paths import RESOURCES

    texts = [
        p.read_text(encoding="utf-8") for p in sorted((RESOURCES / "sample").glob("*.txt"))[:3]
    ]
    ids = []
    for text, tokens in zip(texts, tokenize(texts)):
        with project.transaction():
            ids.append(project.add_article(text, tokens=tokens))
    commits = []
    project.subscribe(
        lambda changes: commits.append(
            {
                table: {c.key for c in changes if c.table == table}
                for table in ("suggested", "uncertainty")
            }
        )
    )
    engine = load_engine(project.schema)  # the real rules and the shipped model
    suggest_articles(project, engine, ids)
    stored = uncertainties(project)
    assert sorted(stored) == ids
    for fingerprint, score, places, disputed in stored.values():
        # Real news: the rules and the model disagree on some names, not on most.
        assert fingerprint == engine.fingerprint
        assert 0 < disputed < places and 0 < score < 0.8
    # Each article's uncertainty is committed with its suggestions, never apart from them.
    assert commits and all(c["suggested"] == c["uncertainty"] != set() for c in commits)

    # Deciding does not measure again (the memory's refresh leaves it as the engine said)...
    first = project.entities(ids[0])[0]
    CommandStack(project, "ani").do(AcceptEntity(first.id))
    refresh(project, engine, ids)
    assert uncertainties(project) == stored
    # ...a new engine (here the rules alone: one voter, so no disputes) does.
    rules = load_engine(project.schema, sources=("rules",))
    assert rules.fingerprint != engine.fingerprint and pending(project, rules) == ids
    suggest_articles(project, rules, ids)
    again = uncertainties(project)
    assert sorted(again) == ids
    assert {(f, d) for f, _, _, d in again.values()} == {(rules.fingerprint, 0)}
    assert all(again[i][1] < stored[i][1] for i in ids)


def test_articles_suggested_before_uncertainty_was_measured_are_suggested_again(
    project, articles, nlp
):
    engine = make_engine(nlp)
    suggest_articles(project, engine, articles)
    before = project.db.execute("SELECT * FROM entities ORDER BY id").fetchall()
    measured = uncertainties(project)
    assert sorted(measured) == articles and pending(project, engine) == []
    with project.db.conn:  # as a project suggested by an older Sorot has it
        project.db.execute("DELETE FROM uncertainty WHERE article_id != ?", (articles[0],))
    assert pending(project, engine) == articles[1:]
    suggest_articles(project, engine, pending(project, engine))
    assert uncertainties(project) == measured and pending(project, engine) == []
    assert project.db.execute("SELECT * FROM entities ORDER BY id").fetchall() == before
