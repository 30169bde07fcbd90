"""Offices written around a name: ranks, an office's post, and who leads a delegation.

Sentences are written for these tests, with entities marked inline as `[text|LABEL]`.
"""

from __future__ import annotations

import pytest
import spacy

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


def suggest(suggester, nlp, marked: str, label: str | None = None) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    found = readable(text, entities, suggester.suggest(doc, entities))
    return {r for r in found if label is None or r[1] == label}


def test_a_rank_between_office_and_name_keeps_both_offices(suggester, nlp):
    marked = (
        "[Kepala Staf|ROLE] [Angkatan Darat Thailand|ORG] [Jenderal|ROLE] "
        "[Prapas Sornchaidee|PER] menolak tuduhan itu."
    )
    assert suggest(suggester, nlp, marked) == {
        ("Prapas Sornchaidee", "HOLDS_ROLE", "Kepala Staf"),
        ("Prapas Sornchaidee", "HOLDS_ROLE", "Jenderal"),
        ("Prapas Sornchaidee", "REPRESENTS", "Angkatan Darat Thailand"),
    }


def test_an_unmarked_rank_word_between_office_and_name(suggester, nlp):
    marked = "[Panglima|ROLE] [Angkatan Darat|ORG] Jenderal [Prapas|PER] menolak tuduhan itu."
    assert suggest(suggester, nlp, marked) == {
        ("Prapas", "HOLDS_ROLE", "Panglima"),
        ("Prapas", "REPRESENTS", "Angkatan Darat"),
    }


def test_an_office_with_its_post_before_the_name(suggester, nlp):
    marked = (
        '"Kami siap membantu," ujar [Kepala Perwakilan|ROLE] [UNICEF|ORG] di '
        "[Filipina|GPE], [Ana Santos|PER]."
    )
    found = suggest(suggester, nlp, marked)
    assert {
        ("Ana Santos", "HOLDS_ROLE", "Kepala Perwakilan"),
        ("Ana Santos", "REPRESENTS", "UNICEF"),
    } <= found
    assert ("Kepala Perwakilan", "REPRESENTS", "UNICEF") not in found


def test_who_leads_a_delegation_represents_its_country(suggester, nlp):
    marked = (
        "Delegasi [Chile|GPE] dipimpin [Menteri Luar Negeri|ROLE] [Alberto van Klaveren|PER],"
        " sedangkan delegasi [Peru|GPE] dipimpin oleh [Duta Besar|ROLE] [Ana Cecilia|PER]."
    )
    assert suggest(suggester, nlp, marked, "REPRESENTS") == {
        ("Alberto van Klaveren", "REPRESENTS", "Chile"),
        ("Ana Cecilia", "REPRESENTS", "Peru"),
    }
