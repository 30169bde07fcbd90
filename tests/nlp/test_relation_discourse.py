"""Left-out subjects: quote speakers and pronouns, across the project's sentence splitter.

Texts are written for these tests, several sentences long, with entities marked inline as
`[text|LABEL]`; sentences are split by `annotation.nlp.sentences.split_sentences`, as the
engine splits them.
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


def suggest(suggester, nlp, marked: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    rels = [r for r in suggester.suggest(doc, entities) if r.trigger is not None]
    return readable(text, entities, rels)


def test_ia_is_the_person_named_before(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Chile|GPE] [Gabriel Boric|PER] tiba di [Lima|GPE] pada Senin. "
        "Ia juga mendesak [Peru|GPE] membuka perbatasan."
    )
    assert ("Gabriel Boric", "URGES", "Peru") in suggest(suggester, nlp, marked)


def test_keduanya_is_the_pair_that_met(suggester, nlp):
    marked = (
        "[Anwar Ibrahim|PER] bertemu dengan [Prabowo|PER] di [Putrajaya|GPE]. "
        "Keduanya lalu mengecam [Israel|GPE] atas serangan itu."
    )
    found = suggest(suggester, nlp, marked)
    assert {("Anwar Ibrahim", "OPPOSES", "Israel"), ("Prabowo", "OPPOSES", "Israel")} <= found


def test_kedua_negara_is_a_pair_of_states_not_of_people(suggester, nlp):
    marked = (
        "[Jepang|GPE] dan [Korea Selatan|GPE] menggelar latihan. "
        "Kedua negara mengkritik [Korea Utara|GPE] pekan ini."
    )
    found = suggest(suggester, nlp, marked)
    assert {
        ("Jepang", "OPPOSES", "Korea Utara"),
        ("Korea Selatan", "OPPOSES", "Korea Utara"),
    } <= found
    marked = (
        "[Jepang|GPE] dan [Korea Selatan|GPE] menggelar latihan. "
        "Kedua menteri mengkritik [Korea Utara|GPE] pekan ini."
    )
    assert not {r for r in suggest(suggester, nlp, marked) if r[1] == "OPPOSES"}


def test_pihaknya_is_the_one_who_speaks(suggester, nlp):
    marked = "[Wang Yi|PER] mengatakan bahwa pihaknya mendukung [Kamboja|GPE] sepenuhnya."
    assert suggest(suggester, nlp, marked) == {("Wang Yi", "SUPPORTS", "Kamboja")}


def test_kami_in_a_quote_is_its_speaker(suggester, nlp):
    marked = (
        '"Situasinya sulit. Kami mendukung [Ukraina|GPE] sampai akhir," kata '
        "[Olaf Scholz|PER] kepada wartawan."
    )
    assert suggest(suggester, nlp, marked) == {("Olaf Scholz", "SUPPORTS", "Ukraina")}


def test_a_spokesperson_speaks_for_the_body(suggester, nlp):
    marked = (
        '"Kami tengah mengembangkan kerja sama dengan [Mesir|GPE]," ujar '
        "[Juru bicara|ROLE] [Kemlu|ORG] [Lin Jian|PER]."
    )
    # Symmetric: the entity written first is the head.
    assert suggest(suggester, nlp, marked) == {("Mesir", "COOPERATES_WITH", "Kemlu")}


def test_a_quote_verb_without_kami_is_not_the_speakers(suggester, nlp):
    # The subject is a common noun ("semua negara"), not the speaker.
    marked = (
        '"Semua negara bekerja keras untuk meyakinkan [Israel|GPE]," tutur [Retno Marsudi|PER].'
    )
    assert suggest(suggester, nlp, marked) == set()


def test_a_pronoun_needs_an_antecedent_near_enough(suggester, nlp):
    marked = (
        "[Macron|PER] tiba. Cuaca cerah. Hujan turun. Angin kencang. Ia mendukung [Moldova|GPE]."
    )
    assert ("Macron", "SUPPORTS", "Moldova") not in suggest(suggester, nlp, marked)


def test_blacklisting_is_a_sanction(suggester, nlp):
    marked = "[Suriah|GPE] dimasukkan dalam daftar negara sponsor terorisme oleh [AS|GPE]."
    assert suggest(suggester, nlp, marked) == {("AS", "SANCTIONS", "Suriah")}


def test_person_from_a_country_represents_it(suggester, nlp):
    text, entities = parse("Ia bertemu [Lee Hsien Loong|PER] dari [Singapura|GPE] kemarin.")
    doc = nlp(text)
    split_sentences(doc)
    rels = suggester.suggest(doc, entities)
    assert ("Lee Hsien Loong", "REPRESENTS", "Singapura") in readable(text, entities, rels)
