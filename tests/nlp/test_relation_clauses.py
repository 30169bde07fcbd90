"""Clauses that leave their subject out, symmetric nouns with their owners, and mediation.

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


def suggest(suggester, nlp, marked: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    rels = [r for r in suggester.suggest(doc, entities) if r.trigger is not None]
    return readable(text, entities, rels)


# -- a subject left out ----------------------------------------------------------------------


def test_a_clause_after_setelah_takes_the_sentence_subject(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Turki|GPE] [Erdogan|PER] menyetujui protokol itu setelah "
        "bertemu [Kristersson|PER] pada Senin."
    )
    assert ("Erdogan", "MEETS", "Kristersson") in suggest(suggester, nlp, marked)


def test_a_fronted_clause_takes_the_subject_after_its_comma(suggester, nlp):
    marked = "Sebelum bertolak ke [Jepang|GPE], [Anwar|PER] singgah sebentar di bandara."
    assert suggest(suggester, nlp, marked) == {("Anwar", "VISITS", "Jepang")}


def test_a_dateline_is_no_subject(suggester, nlp):
    marked = (
        "[Manila|GPE], [Warta Kita|ORG] - [Marcos|PER] menyebut laporan itu keliru dan "
        "mengecam [Tiongkok|GPE] pada Senin."
    )
    assert suggest(suggester, nlp, marked) == {("Marcos", "OPPOSES", "Tiongkok")}


def test_an_apposition_between_subject_and_verb_is_skipped(suggester, nlp):
    marked = (
        "[Norwegia|GPE], salah satu donor terbesar bagi lembaga pengungsi itu, "
        "mengecam serangan [Israel|GPE]."
    )
    assert ("Norwegia", "OPPOSES", "Israel") in suggest(suggester, nlp, marked)


def test_dan_after_a_verb_that_is_no_trigger_keeps_the_sentence_subject(suggester, nlp):
    marked = (
        "[Macron|PER] menyebut [Jerman|GPE] sebagai tetangga dekat dan mendukung [Ukraina|GPE]."
    )
    assert suggest(suggester, nlp, marked) == {("Macron", "SUPPORTS", "Ukraina")}


# -- symmetric relations with one side written -----------------------------------------------


def test_a_symmetric_noun_links_its_owners_past_modifiers(suggester, nlp):
    marked = (
        "Latihan itu memperkuat kerja sama trilateral [AS|GPE], [Jepang|GPE], dan [Filipina|GPE]."
    )
    assert suggest(suggester, nlp, marked) == {
        ("AS", "COOPERATES_WITH", "Jepang"),
        ("AS", "COOPERATES_WITH", "Filipina"),
        ("Jepang", "COOPERATES_WITH", "Filipina"),
    }


def test_partners_after_dengan_are_not_partners_of_each_other(suggester, nlp):
    marked = "Bantuan disalurkan melalui kerja sama dengan [WFP|ORG] dan [UNICEF|ORG]."
    assert suggest(suggester, nlp, marked) == set()


def test_the_objects_of_a_meeting_verb_did_not_meet_each_other(suggester, nlp):
    marked = "Pekan depan dijadwalkan bertemu [Lawrence Wong|PER] dan [Albanese|PER]."
    assert suggest(suggester, nlp, marked) == set()


# -- mediation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marked",
    [
        "[Qatar|GPE] menengahi sengketa panjang antara [Israel|GPE] dan [Hamas|ORG].",
        "Gencatan senjata itu ditengahi [Qatar|GPE] antara [Israel|GPE] dan [Hamas|ORG].",
        "[Qatar|GPE] menjadi mediator utama dalam menyelesaikan konflik [Israel|GPE]-[Hamas|ORG].",
    ],
)
def test_a_mediator_stands_between_the_parties_named_after_it(suggester, nlp, marked):
    assert suggest(suggester, nlp, marked) >= {
        ("Qatar", "MEDIATES", "Israel"),
        ("Qatar", "MEDIATES", "Hamas"),
    }


def test_the_host_of_talks_between_two_parties_mediates(suggester, nlp):
    marked = "[Uni Afrika|ORG] menggelar perundingan antara [Mesir|GPE] dan [Etiopia|GPE]."
    assert suggest(suggester, nlp, marked) == {
        ("Uni Afrika", "MEDIATES", "Mesir"),
        ("Uni Afrika", "MEDIATES", "Etiopia"),
        ("Mesir", "MEETS", "Etiopia"),
    }


def test_a_nominal_predicate_lends_no_subject_to_a_later_dan(suggester, nlp):
    marked = (
        "[Macron|PER] menyebut [Jerman|GPE] sebagai mitra terdekat [Prancis|GPE] dan "
        "menyambut baik rencana [Berlin|GPE]."
    )
    found = suggest(suggester, nlp, marked)
    assert ("Macron", "SUPPORTS", "Berlin") in found
    assert ("Jerman", "SUPPORTS", "Berlin") not in found


# -- headlines -------------------------------------------------------------------------------


def test_bare_stems_undo_the_nasal_prefix():
    from annotation.nlp.relation_lexicon import bare_stems

    assert bare_stems("mendesak") == ["desak"]
    assert bare_stems("menolak")[0] == "tolak"
    assert "kecam" in bare_stems("mengecam") and "ancam" in bare_stems("mengancam")
    assert bare_stems("memblokir") == ["blokir"]
    assert bare_stems("menyerang") == ["serang"]
    assert bare_stems("memperingatkan") == ["peringatkan"]


def test_a_headline_verb_without_its_prefix_is_a_trigger_only_capitalised(suggester, nlp):
    assert suggest(suggester, nlp, "[Hongaria|GPE] Blokir Paket Bantuan [Uni Eropa|ORG]") == {
        ("Hongaria", "OPPOSES", "Uni Eropa")
    }
    assert suggest(suggester, nlp, "[Hongaria|GPE] akan blokir paket [Uni Eropa|ORG].") == set()


def test_a_noun_right_after_its_subject_is_a_headline_verb(suggester, nlp):
    assert suggest(suggester, nlp, "[Iran|GPE] kritik ketidakefektifan [PBB|ORG]") == {
        ("Iran", "OPPOSES", "PBB")
    }
    assert suggest(
        suggester, nlp, "Kritik [Berlin|GPE] terhadap [Pretoria|GPE] memicu protes."
    ) == {("Berlin", "OPPOSES", "Pretoria")}


def test_a_noun_after_a_light_verb_shares_the_left_out_subject(suggester, nlp):
    marked = "[Kanada|GPE] mendesak [Rusia|GPE] mundur dan menyatakan dukungan bagi [Ukraina|GPE]."
    assert ("Kanada", "SUPPORTS", "Ukraina") in suggest(suggester, nlp, marked)


def test_an_attack_by_its_owner_at_a_place(suggester, nlp):
    marked = "Asap mengepul setelah serangan udara [Israel|GPE] di [Khiam|GPE] pagi itu."
    assert suggest(suggester, nlp, marked) == {("Israel", "ATTACKS", "Khiam")}
