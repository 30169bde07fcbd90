"""Relation rules added for recall (issue 12): places written without a verb, and more.

Sentences are written for these tests, with entities marked inline as `[text|LABEL]`.
"""

from __future__ import annotations

import pytest
import spacy

from annotation.nlp.relations import RelationSuggester
from annotation.nlp.sentences import split_sentences
from annotation.schema import default_schema
from tests.test_relations import parse, readable


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("id")


@pytest.fixture(scope="module")
def suggester() -> RelationSuggester:
    return RelationSuggester(default_schema())


def found(suggester, nlp, marked: str, label: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    return {r for r in readable(text, entities, suggester.suggest(doc, entities))
            if r[1] == label}


# -- LOCATED_IN without a verb ---------------------------------------------------------------

@pytest.mark.parametrize(("marked", "expected"), [
    ("Massa berkumpul di depan [Kedutaan Besar Jepang|ORG] di [Manila|GPE] pada Senin.",
     {("Kedutaan Besar Jepang", "Manila")}),
    ("Sidang digelar di [Mahkamah Agung|ORG] ([MA|ORG]) di [Jakarta|GPE] kemarin.",
     {("Mahkamah Agung", "Jakarta")}),
    ("Bantuan dibagikan di kamp [Kutupalong|LOC], [Cox's Bazar|GPE], [Bangladesh|GPE].",
     {("Kutupalong", "Cox's Bazar"), ("Cox's Bazar", "Bangladesh")}),
    ("Pertempuran terjadi di [Goma|GPE], ibu kota [Kivu Utara|GPE], pekan lalu.",
     {("Goma", "Kivu Utara")}),
])
def test_places_written_side_by_side(suggester, nlp, marked, expected):
    got = found(suggester, nlp, marked, "LOCATED_IN")
    assert {(h, c) for h, _, c in got} == expected


def test_a_fronted_place_before_a_coordinated_subject_is_no_chain(suggester, nlp):
    marked = "Di [Bangkok|GPE], [Thailand|GPE] dan [Kamboja|GPE] sepakat berdamai."
    assert found(suggester, nlp, marked, "LOCATED_IN") == set()
