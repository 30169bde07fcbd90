"""An official's statement names the country the official speaks for.

Texts are written for these tests, with entities marked inline as `[text|LABEL]`.
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


def speaks_for(suggester, nlp, marked: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    return {
        r
        for r in readable(text, entities, suggester.suggest(doc, entities))
        if r[1] == "REPRESENTS"
    }


def test_a_speech_verb_with_the_speakers_own_country(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Chile|GPE] [Gabriel Boric|PER] tiba pagi ini. "
        "[Boric|PER] mengatakan [Chile|GPE] siap membantu."
    )
    assert ("Boric", "REPRESENTS", "Chile") in speaks_for(suggester, nlp, marked)


def test_a_quote_that_opens_with_another_country_is_not_spoken_for(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Argentina|GPE] [Javier Milei|PER] tiba pagi ini. "
        '"[Chile|GPE] harus membuka perbatasan," kata [Milei|PER].'
    )
    assert ("Milei", "REPRESENTS", "Chile") not in speaks_for(suggester, nlp, marked)


def test_menurut_and_a_capital(suggester, nlp):
    marked = (
        "[Menteri Luar Negeri|ROLE] [Malaysia|GPE] [Mohamad Hasan|PER] hadir. "
        "Menurut [Mohamad Hasan|PER], [Kuala Lumpur|GPE] menyambut baik usulan itu."
    )
    assert ("Mohamad Hasan", "REPRESENTS", "Kuala Lumpur") in speaks_for(suggester, nlp, marked)


def test_an_official_named_without_a_country_speaks_for_indonesia(suggester, nlp):
    marked = (
        '"Posisi [Indonesia|GPE] tidak berubah," kata [Juru Bicara|ROLE] [Rina|PER]. '
        '"[Jepang|GPE] harus menahan diri," kata [Rina|PER].'
    )
    assert speaks_for(suggester, nlp, marked) == {("Rina", "REPRESENTS", "Indonesia")}


def test_a_person_without_an_office_speaks_for_nobody(suggester, nlp):
    marked = "Pengamat [Rina Wulandari|PER] mengatakan [Indonesia|GPE] harus tegas."
    assert speaks_for(suggester, nlp, marked) == set()
