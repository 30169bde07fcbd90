"""Browsing articles: full-text search, status and label filters, list rows, next to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotation.model import ArticleStatus, EntityStatus, NewEntity
from annotation.project import browse
from annotation.project import db as dbmod
from annotation.project.browse import (
    ArticleQuery,
    article_ids,
    fts_query,
    next_article,
    progress,
    rows,
)
from annotation.project.commands import AcceptEntity, CommandStack, RejectEntity, SetArticleStatus
from annotation.project.store import Store

ME, OTHER = "ani", "budi"
TEXTS = [
    ("Menlu Tiongkok tiba", "Wang Yi bertemu Retno Marsudi di Jakarta."),
    ("Timur Tengah memanas", "Situasi di Timur Tengah memburuk pekan lalu."),
    ("", "Presiden Recep Tayyip Erdoğan berbicara soal café dan kopi."),
    ("Kutipan", 'Ia berkata "gencatan senjata (segera)" kepada wartawan* AND NOT OR.'),
    ("Laporan ekonomi", "Nilai perdagangan naik 12,5 persen."),
]


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def store(project: Store) -> Store:
    with project.transaction():
        for title, text in TEXTS:
            project.add_article(text, title=title)
    return project


def ids(store: Store, **query) -> list[int]:
    return article_ids(store, ArticleQuery(annotator=ME, **query))


def test_empty_query_lists_every_article_in_corpus_order(store: Store) -> None:
    assert ids(store) == [1, 2, 3, 4, 5]
    assert ids(store, search="   ") == [1, 2, 3, 4, 5]
    assert ArticleQuery().unfiltered
    assert ArticleQuery(statuses=ArticleStatus.ALL).unfiltered
    assert not ArticleQuery(search="x").unfiltered


def test_search_matches_title_and_text_whole_words_and_last_word_as_prefix(
    store: Store,
) -> None:
    assert ids(store, search="Tiongkok") == [1]
    assert ids(store, search="Ti") == [1, 2]  # Tiongkok and Timur, as you type
    assert ids(store, search="Tio") == [1]
    assert ids(store, search="timur tengah") == [2]
    assert ids(store, search="Tengah Timur") == [2]  # words, not a phrase
    assert ids(store, search="Tim Teng") == []  # only the last word is a prefix
    assert ids(store, search="T") == []  # a single letter is a word, not a prefix
    assert ids(store, search="jakarta") == [1]  # text, any case
    assert ids(store, search="ekonomi") == [5]  # title only
    assert ids(store, search="Surabaya") == []


def test_search_folds_diacritics_both_ways(store: Store) -> None:
    assert ids(store, search="Erdogan") == [3]
    assert ids(store, search="Erdoğan") == [3]
    assert ids(store, search="cafe") == [3]
    assert ids(store, search="café") == [3]


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '""',
        '"gencatan',
        'gencatan"',
        "(segera)",
        "(segera",
        "segera)",
        "wartawan*",
        "*",
        "AND",
        "NOT",
        "OR",
        "NEAR(gencatan senjata)",
        "title:gencatan",
        "-gencatan",
        "^gencatan",
        "gencatan +",
        "kepada 'wartawan'",
        "{title text}: x",
        "a\u00a0b",
        "\\",
    ],
)
def test_anything_typed_searches_without_syntax_errors(store: Store, typed: str) -> None:
    ids(store, search=typed)  # no sqlite3.OperationalError


def test_punctuation_and_operators_are_plain_words(store: Store) -> None:
    assert ids(store, search='"gencatan senjata (segera)"') == [4]
    assert ids(store, search="wartawan*") == [4]
    assert ids(store, search="AND NOT OR") == [4]
    assert ids(store, search='( ) * "') == [1, 2, 3, 4, 5]  # nothing to search for
    assert ids(store, search="12,5") == [5]


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("") == ""
    assert fts_query(" - * ") == ""
    assert fts_query('say "hi"') == '"say" """hi"""*'
    assert fts_query("Timur Teng") == '"Timur" "Teng"*'
    assert fts_query("Timur T") == '"Timur" "T"'  # one letter: a word, not a prefix


def test_new_articles_are_searchable_at_once(store: Store) -> None:
    with store.transaction():
        new = store.add_article("Kunjungan ke Kuba berlangsung lancar.", title="Kuba")
    assert ids(store, search="kuba") == [new]


def test_duplicate_article_leaves_the_index_as_it_was(store: Store) -> None:
    with store.transaction():
        assert store.add_article(TEXTS[0][1], title="other title") is None
    assert ids(store, search="other") == []
    assert ids(store, search="Tiongkok") == [1]
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_index_follows_deleted_and_retitled_articles(store: Store) -> None:
    with store.db.atomic():
        store.db.execute("DELETE FROM articles WHERE id = 1")
        store.db.execute("UPDATE articles SET title = 'Kabar Kuba' WHERE id = 2")
    assert ids(store, search="Tiongkok") == []
    assert ids(store, search="memanas") == []
    assert ids(store, search="kuba") == [2]
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_status_filter_uses_the_annotators_status_and_todo_for_no_row(store: Store) -> None:
    mine, theirs = CommandStack(store, ME), CommandStack(store, OTHER)
    mine.do(SetArticleStatus(1, ArticleStatus.DONE))
    mine.do(SetArticleStatus(2, ArticleStatus.IN_PROGRESS))
    mine.do(SetArticleStatus(3, ArticleStatus.SKIPPED))
    mine.do(SetArticleStatus(4, ArticleStatus.TODO))  # a stored todo is todo too
    theirs.do(SetArticleStatus(5, ArticleStatus.DONE))
    assert ids(store, statuses=(ArticleStatus.TODO,)) == [4, 5]
    assert ids(store, statuses=(ArticleStatus.DONE,)) == [1]
    assert ids(store, statuses=(ArticleStatus.TODO, ArticleStatus.IN_PROGRESS)) == [2, 4, 5]
    assert ids(store, statuses=(ArticleStatus.DONE, ArticleStatus.SKIPPED)) == [1, 3]
    assert ids(store, statuses=ArticleStatus.ALL) == [1, 2, 3, 4, 5]
    assert article_ids(store, ArticleQuery(statuses=(ArticleStatus.DONE,), annotator=OTHER)) == [5]
    with pytest.raises(ValueError, match="unknown article status"):
        ArticleQuery(statuses=("finished",))


def test_label_filter_keeps_articles_with_a_live_entity_of_that_label(store: Store) -> None:
    text = TEXTS[0][1]
    with store.transaction():
        store.add_annotations(1, [NewEntity(*span(text, "Jakarta"), "GPE")], [], ME)
        store.add_annotations(2, [NewEntity(0, 8, "GPE", EntityStatus.SUGGESTED, "rules")], [])
        store.add_annotations(
            3,
            [
                NewEntity(0, 8, "GPE", EntityStatus.REJECTED, "rules"),
                NewEntity(9, 14, "PER", annotator=ME),
            ],
            [],
            ME,
        )
    assert ids(store, label="GPE") == [1, 2]
    assert ids(store, label="PER") == [3]
    assert ids(store, label="EVENT") == []
    assert ids(store, label="GPE", search="timur") == [2]
    CommandStack(store, ME).do(SetArticleStatus(1, ArticleStatus.DONE))
    assert ids(store, label="GPE", statuses=(ArticleStatus.TODO,)) == [2]


def plan(query: ArticleQuery) -> str:
    sql, params = browse._select_ids(query)
    with Store.memory() as store:
        return " | ".join(r[3] for r in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_filters_are_answered_from_indexes() -> None:
    done, todo = (ArticleStatus.DONE,), (ArticleStatus.TODO,)
    assert plan(ArticleQuery()) == "SCAN articles USING COVERING INDEX articles_id"
    assert "entities_live_label" in plan(ArticleQuery(label="GPE"))
    for statuses in (done, todo):
        assert "article_status USING INDEX sqlite_autoindex_article_status_1" in plan(
            ArticleQuery(statuses=statuses, annotator=ME)
        )
    combined = plan(ArticleQuery(search="x", label="GPE", statuses=todo, annotator=ME))
    # A list subquery on the FTS table's rowid would run the search once per candidate.
    assert "LIST SUBQUERY" not in combined and "TEMP B-TREE" not in combined
    assert "SCAN articles_fts" in combined and "entities_live_label" in combined


def test_rows_give_title_status_and_counts_in_the_order_asked(store: Store) -> None:
    text = TEXTS[0][1]
    with store.transaction():
        store.add_annotations(
            1,
            [
                NewEntity(*span(text, "Wang Yi"), "PER", EntityStatus.SUGGESTED, "rules"),
                NewEntity(*span(text, "Retno Marsudi"), "PER", EntityStatus.SUGGESTED, "rules"),
                NewEntity(*span(text, "Jakarta"), "GPE", EntityStatus.SUGGESTED, "rules"),
            ],
            [],
        )
    stack = CommandStack(store, ME)
    stack.do(AcceptEntity(1))
    stack.do(RejectEntity(2))
    stack.do(SetArticleStatus(1, ArticleStatus.IN_PROGRESS))
    CommandStack(store, OTHER).do(AcceptEntity(3))  # another annotator's decision
    got = rows(store, [3, 1, 99, 2], ME)
    assert [r.id for r in got] == [3, 1, 2]
    first = got[1]
    assert (first.title, first.status, first.suggestions, first.accepted) == (
        "Menlu Tiongkok tiba",
        ArticleStatus.IN_PROGRESS,
        0,
        1,
    )
    assert got[0].display_title == "Article 3"
    assert (got[2].status, got[2].suggestions, got[2].accepted) == (ArticleStatus.TODO, 0, 0)
    assert rows(store, [1], OTHER)[0].accepted == 1
    assert rows(store, [], ME) == []


def test_rows_take_one_query_per_table_for_a_page(store: Store) -> None:
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        rows(store, [1, 2, 3, 4, 5], ME)
    finally:
        store.db.conn.set_trace_callback(None)
    assert len(seen) == 3


def test_rows_of_more_ids_than_sqlite_takes_parameters(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(browse, "_CHUNK", 2)
    assert [r.id for r in rows(store, [5, 4, 3, 2, 1], ME)] == [5, 4, 3, 2, 1]


def test_next_article_skips_finished_ones_and_wraps_around(store: Store) -> None:
    stack = CommandStack(store, ME)
    assert next_article(store, ME, None) == 1
    assert next_article(store, ME, 2) == 3
    stack.do(SetArticleStatus(3, ArticleStatus.DONE))
    stack.do(SetArticleStatus(4, ArticleStatus.SKIPPED))
    stack.do(SetArticleStatus(5, ArticleStatus.IN_PROGRESS))
    assert next_article(store, ME, 2) == 5
    assert next_article(store, ME, 5) == 1  # wrapped
    for article in (1, 2, 5):
        stack.do(SetArticleStatus(article, ArticleStatus.DONE))
    assert next_article(store, ME, 2) is None
    stack.do(SetArticleStatus(2, ArticleStatus.TODO))
    assert next_article(store, ME, 2) == 2  # the last one left is the current one
    assert next_article(store, ME, 3, statuses=(ArticleStatus.SKIPPED,)) == 4
    assert next_article(store, OTHER, 5) == 1


def test_progress_counts_the_annotators_done_articles(store: Store) -> None:
    assert progress(store, ME) == (0, 5)
    CommandStack(store, ME).do(SetArticleStatus(2, ArticleStatus.DONE))
    CommandStack(store, OTHER).do(SetArticleStatus(3, ArticleStatus.DONE))
    assert progress(store, ME) == (1, 5)


def test_migration_indexes_articles_of_an_older_project(tmp_path: Path) -> None:
    path = tmp_path / "old.sorot"
    db = dbmod.Database(path)
    db.execute(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")
    dbmod.migrations.apply(db, stop_before="m003_article_search")
    db.execute("PRAGMA user_version = 2")
    with db.atomic():
        db["meta"].insert({"key": "schema", "value": Store.memory().schema.to_json()})
        db.execute(
            "INSERT INTO articles (hash, title, text, created) "
            "VALUES ('h1', 'Kabar Tiongkok', 'Isi berita.', 'now')"
        )
        db.execute(
            "INSERT INTO articles (hash, title, text, created) "
            "VALUES ('h2', 'Lain', 'Kabar dari Kuba.', 'now')"
        )
    assert "articles_fts" not in db.table_names()
    db.close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == dbmod.SCHEMA_VERSION
        assert ids(store, search="kabar") == [1, 2]
        assert ids(store, search="kuba") == [2]
        store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_readonly_search_of_a_migrated_project(store: Store) -> None:
    path = store.path
    store.close()
    with Store.open(path, readonly=True) as readonly:
        assert ids(readonly, search="tiongkok") == [1]
        with pytest.raises(sqlite3.OperationalError):
            readonly.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


# -- uncertain first -----------------------------------------------------------------------


class Words:
    """A real, tiny suggester: fixed words, found where they stand as whole words."""

    def __init__(self, name: str, words: dict[str, str], labels=None) -> None:
        self.name, self.words, self.labels = name, words, labels

    def suggest(self, docs):
        import re

        from annotation.nlp.suggestion import Candidate

        return [
            [
                Candidate(m.start(), m.end(), label, self.name, 0.9)
                for word, label in self.words.items()
                for m in re.finditer(rf"\b{re.escape(word)}\b", doc.text)
            ]
            for doc in docs
        ]


def suggest_disputes(store: Store, article_ids: list[int]) -> None:
    """Suggest with two suggesters that disagree on some names, and measure uncertainty."""
    import spacy

    from annotation.nlp.engine import Engine
    from annotation.suggest.service import suggest_articles

    rules = Words(
        "rules",
        {
            "Retno Marsudi": "PER",
            "Jakarta": "GPE",
            "Timur Tengah": "LOC",
            "Erdoğan": "PER",
            "Ia": "PER",
        },
    )
    model = Words(
        "model",
        {"Retno Marsudi": "ORG", "Jakarta": "LOC", "Timur Tengah": "LOC", "Wang Yi": "PER"},
        labels=("PER", "ORG", "LOC"),
    )
    engine = Engine(spacy.blank("id").vocab, [rules, model], fingerprint="test@1")
    suggest_articles(store, engine, article_ids)


def test_uncertain_first_then_ties_and_the_unmeasured_in_corpus_order(store: Store) -> None:
    # Article 1: two disputes of three names; 3 and 4: one of one (a tie); 2: agreement;
    # 5 never suggested.
    suggest_disputes(store, [1, 2, 3, 4])
    scores = dict(store.db.execute("SELECT article_id, score FROM uncertainty"))
    assert scores[1] > scores[3] == scores[4] > scores[2] > 0 and 5 not in scores
    assert ids(store, order=browse.UNCERTAIN) == [1, 3, 4, 2, 5]
    assert ids(store) == [1, 2, 3, 4, 5]  # the corpus order is still there
    listed = rows(store, [1, 4, 5], ME)
    assert [(r.places, r.disputed) for r in listed] == [(3, 2), (1, 1), (None, None)]
    # With search and filters: the order applies to what they keep.
    assert ids(store, order=browse.UNCERTAIN, label="PER") == [1, 3, 4]
    assert ids(store, order=browse.UNCERTAIN, search="timur") == [2]
    assert ids(store, order=browse.UNCERTAIN, search="Laporan ekonomi") == [5]
    CommandStack(store, ME).do(SetArticleStatus(1, ArticleStatus.DONE))
    todo = (ArticleStatus.TODO,)
    assert ids(store, order=browse.UNCERTAIN, statuses=todo) == [3, 4, 2, 5]
    assert ids(store, order=browse.UNCERTAIN, statuses=todo, label="PER") == [3, 4]
    with pytest.raises(ValueError, match="unknown order"):
        ArticleQuery(order="random")


def test_next_article_in_uncertain_order_skips_finished_ones_and_wraps(store: Store) -> None:
    suggest_disputes(store, [1, 2, 3, 4])

    def following(after):
        return next_article(store, ME, after, order=browse.UNCERTAIN)

    # 1, 3, 4, 2, then 5 (never measured), then round again.
    assert [following(a) for a in (None, 1, 3, 4, 2, 5)] == [1, 3, 4, 2, 5, 1]
    stack = CommandStack(store, ME)
    stack.do(SetArticleStatus(3, ArticleStatus.DONE))
    stack.do(SetArticleStatus(4, ArticleStatus.SKIPPED))
    assert following(1) == 2
    for article in (1, 2):
        stack.do(SetArticleStatus(article, ArticleStatus.DONE))
    assert following(None) == 5 and following(5) == 5  # the last one left
    stack.do(SetArticleStatus(5, ArticleStatus.DONE))
    stack.do(SetArticleStatus(4, ArticleStatus.TODO))
    assert following(5) == 4  # from the unmeasured end round to the measured ones
    assert following(2) == 4
    assert next_article(store, OTHER, 2, order=browse.UNCERTAIN) == 5


def test_most_uncertain_lists_measured_articles_still_to_do(store: Store) -> None:
    suggest_disputes(store, [1, 2, 3, 4])
    CommandStack(store, ME).do(SetArticleStatus(3, ArticleStatus.IN_PROGRESS))
    CommandStack(store, ME).do(SetArticleStatus(1, ArticleStatus.DONE))
    top = browse.most_uncertain(store, ME, 2)
    assert [(a.id, a.status, a.places, a.disputed, a.engine) for a in top] == [
        (3, ArticleStatus.IN_PROGRESS, 1, 1, "test@1"),
        (4, ArticleStatus.TODO, 1, 1, "test@1"),
    ]
    assert [a.id for a in browse.most_uncertain(store, ME, 10)] == [3, 4, 2]


def test_uncertain_next_article_is_answered_from_the_index(store: Store) -> None:
    condition, params = browse._status_condition((ArticleStatus.TODO,), ME, "u.article_id")
    sql = (
        f"EXPLAIN QUERY PLAN SELECT u.article_id FROM uncertainty u WHERE u.score < 1 "
        f"AND {condition} ORDER BY u.score DESC, u.article_id LIMIT 1"
    )
    found = " | ".join(r[3] for r in store.db.execute(sql, params))
    assert "uncertainty_order" in found and "TEMP B-TREE" not in found
