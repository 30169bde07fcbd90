"""Visits stated by presence: a meeting held in a place, a subject or speaker placed there.

Texts are written for these tests, with entities marked inline as `[text|LABEL]` and
sentences split as the engine splits them.
"""

from __future__ import annotations

import pytest
import spacy

from annotation.nlp.relation_places import countries
from annotation.nlp.relations import RelationSuggester
from annotation.nlp.sentences import split_sentences
from annotation.schema import default_schema
from tests.nlp.test_relations import parse, readable


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("id")


@pytest.fixture(scope="module")
def suggester() -> RelationSuggester:
    return RelationSuggester(default_schema())


def visits(suggester, nlp, marked: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    return {
        r for r in readable(text, entities, suggester.suggest(doc, entities)) if r[1] == "VISITS"
    }


def test_countries_of_places_from_the_library_lists_and_exonyms():
    table = countries()
    assert table["doha"] == "QA"
    assert table["amerikaserikat"] == "US"
    assert table["moskow"] == "RU"
    assert table["jakarta"] == "ID"


def test_the_side_not_at_home_visits_the_meeting_place(suggester, nlp):
    marked = (
        "[Menteri Luar Negeri|ROLE] [Retno Marsudi|PER] bertemu dengan [Emir|ROLE] "
        "[Qatar|GPE] [Tamim|PER] di [Doha|GPE] pada Senin."
    )
    assert visits(suggester, nlp, marked) == {("Retno Marsudi", "VISITS", "Doha")}


def test_a_meeting_where_no_side_is_at_home_states_no_visit_of_an_unknown_side(suggester, nlp):
    marked = "[Retno Marsudi|PER] bertemu dengan [Tamim|PER] di [Jenewa|GPE] pada Senin."
    assert visits(suggester, nlp, marked) == set()


def test_a_foreign_subject_in_a_place_visits_it(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Brasil|GPE] [Lula|PER] membahas perdagangan di [Beijing|GPE]. "
        "[Presiden|ROLE] [Tiongkok|GPE] [Xi Jinping|PER] membahas perdagangan di "
        "[Beijing|GPE]."
    )
    assert visits(suggester, nlp, marked) == {("Lula", "VISITS", "Beijing")}


def test_a_later_mention_by_surname_keeps_the_country(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Brasil|GPE] [Luiz Inacio Lula|PER] menyampaikan pidato. "
        '"Kami siap berdagang," ujar [Lula|PER] saat berada di [Kremlin|LOC].'
    )
    assert visits(suggester, nlp, marked) == {("Lula", "VISITS", "Kremlin")}


def test_a_chain_of_places_is_visited_up_to_the_city(suggester, nlp):
    marked = (
        "[Kanselir|ROLE] [Jerman|GPE] [Olaf Scholz|PER] bertemu [Presiden|ROLE] "
        "[Prancis|GPE] [Emmanuel Macron|PER] di [Istana Elysee|LOC], [Paris|GPE], "
        "[Prancis|GPE]."
    )
    assert visits(suggester, nlp, marked) == {
        ("Olaf Scholz", "VISITS", "Istana Elysee"),
        ("Olaf Scholz", "VISITS", "Paris"),
    }


def test_a_place_far_from_the_subject_or_in_a_relative_clause_is_no_presence(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Brasil|GPE] [Lula|PER] mengecam perang yang terus "
        "berlangsung di [Gaza|GPE]."
    )
    assert visits(suggester, nlp, marked) == set()


def test_the_place_of_an_event_met_at_is_no_visit(suggester, nlp):
    marked = (
        "[Menteri|ROLE] [Jepang|GPE] [Iwaya|PER] bertemu [Menteri|ROLE] [AS|GPE] "
        "[Rubio|PER] di sela-sela [Sidang Majelis Umum PBB|EVENT] di [New York|GPE]."
    )
    assert visits(suggester, nlp, marked) == set()


def test_an_official_named_without_a_country_is_indonesian_abroad(suggester, nlp):
    marked = (
        "[Menteri Luar Negeri|ROLE] [Sugiono|PER] membahas isu itu di [Den Haag|GPE]. "
        "[Perdana Menteri|ROLE] [Kosovo|GPE] [Albin Kurti|PER] berbicara di "
        "[Pristina|GPE]."
    )
    assert visits(suggester, nlp, marked) == {("Sugiono", "VISITS", "Den Haag")}


def participates(suggester, nlp, marked: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    return {
        r
        for r in readable(text, entities, suggester.suggest(doc, entities))
        if r[1] == "PARTICIPATES_IN"
    }


def test_acting_at_an_event_is_taking_part_in_it(suggester, nlp):
    marked = (
        "[Menteri Luar Negeri|ROLE] [Retno Marsudi|PER] menyampaikan pidato dalam "
        "[Sidang Majelis Umum PBB|EVENT] di [New York|GPE]. [Ramaphosa|PER] bertemu "
        "[Lula|PER] di sela-sela [KTT G20|EVENT]."
    )
    assert participates(suggester, nlp, marked) == {
        ("Retno Marsudi", "PARTICIPATES_IN", "Sidang Majelis Umum PBB"),
        ("Ramaphosa", "PARTICIPATES_IN", "KTT G20"),
        ("Lula", "PARTICIPATES_IN", "KTT G20"),
    }


def test_an_event_in_a_relative_clause_is_not_the_subjects(suggester, nlp):
    marked = "[Retno Marsudi|PER] mengecam negara yang absen dalam [KTT G20|EVENT]."
    assert participates(suggester, nlp, marked) == set()
