"""Relation rules added for recall (issue 12): places written without a verb, and more.

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


def found(suggester, nlp, marked: str, label: str) -> set[tuple[str, str, str]]:
    text, entities = parse(marked)
    doc = nlp(text)
    split_sentences(doc)
    return {r for r in readable(text, entities, suggester.suggest(doc, entities)) if r[1] == label}


# -- LOCATED_IN without a verb ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            "Massa berkumpul di depan [Kedutaan Besar Jepang|ORG] di [Manila|GPE] pada Senin.",
            {("Kedutaan Besar Jepang", "Manila")},
        ),
        (
            "Sidang digelar di [Mahkamah Agung|ORG] ([MA|ORG]) di [Jakarta|GPE] kemarin.",
            {("Mahkamah Agung", "Jakarta")},
        ),
        (
            "Bantuan dibagikan di kamp [Kutupalong|LOC], [Cox's Bazar|GPE], [Bangladesh|GPE].",
            {("Kutupalong", "Cox's Bazar"), ("Cox's Bazar", "Bangladesh")},
        ),
        (
            "Pertempuran terjadi di [Goma|GPE], ibu kota [Kivu Utara|GPE], pekan lalu.",
            {("Goma", "Kivu Utara")},
        ),
    ],
)
def test_places_written_side_by_side(suggester, nlp, marked, expected):
    got = found(suggester, nlp, marked, "LOCATED_IN")
    assert {(h, c) for h, _, c in got} == expected


def test_a_fronted_place_before_a_coordinated_subject_is_no_chain(suggester, nlp):
    marked = "Di [Bangkok|GPE], [Thailand|GPE] dan [Kamboja|GPE] sepakat berdamai."
    assert found(suggester, nlp, marked, "LOCATED_IN") == set()


# -- members listed after an organisation -----------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            "Usulan itu datang dari kelompok [G7|ORG], yakni [Kanada|GPE], [Italia|GPE], dan "
            "[Jerman|GPE].",
            {("Kanada", "G7"), ("Italia", "G7"), ("Jerman", "G7")},
        ),
        (
            "Negara anggota [NATO|ORG] seperti [Norwegia|GPE] dan [Denmark|GPE] menolak.",
            {("Norwegia", "NATO"), ("Denmark", "NATO")},
        ),
        (
            "[BRICS|ORG] beranggotakan [Brasil|GPE], [India|GPE], dan [Tiongkok|GPE].",
            {("Brasil", "BRICS"), ("India", "BRICS"), ("Tiongkok", "BRICS")},
        ),
    ],
)
def test_members_listed_after_an_organisation(suggester, nlp, marked, expected):
    got = found(suggester, nlp, marked, "MEMBER_OF")
    assert {(h, c) for h, _, c in got} == expected


def test_people_listed_after_an_organisation_are_no_members(suggester, nlp):
    marked = "Ia bertemu pejabat [PBB|ORG], termasuk [Amina Mohammed|PER], di sana."
    assert found(suggester, nlp, marked, "MEMBER_OF") == set()


# -- triggers that reach further ---------------------------------------------------------------


def test_an_attack_reaches_the_place_of_its_target(suggester, nlp):
    marked = "Pesawat [Rusia|GPE] kembali menyerang sejumlah desa di [Kharkiv|GPE] semalam."
    assert found(suggester, nlp, marked, "ATTACKS") == {("Rusia", "ATTACKS", "Kharkiv")}


def test_a_place_after_di_is_no_target_of_other_verbs(suggester, nlp):
    marked = "[Rusia|GPE] mengecam sejumlah pejabat di [Kharkiv|GPE] semalam."
    assert found(suggester, nlp, marked, "OPPOSES") == set()


def test_those_met_together_meet_each_other(suggester, nlp):
    marked = "[Anwar|PER] bertemu dengan [Marcos|PER] dan [Widodo|PER] di sela KTT."
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "MEETS")} == {
        frozenset(p) for p in (("Anwar", "Marcos"), ("Anwar", "Widodo"), ("Marcos", "Widodo"))
    }


def test_a_mediator_between_parties_named_after_the_dispute(suggester, nlp):
    marked = "[Qatar|GPE] menengahi sengketa perbatasan antara [Sudan|GPE] dan [Sudan Selatan|GPE]."
    assert found(suggester, nlp, marked, "MEDIATES") == {
        ("Qatar", "MEDIATES", "Sudan"),
        ("Qatar", "MEDIATES", "Sudan Selatan"),
    }


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ("[Guterres|PER] memuji [Kenya|GPE] atas misi itu.", ("Guterres", "SUPPORTS", "Kenya")),
        (
            "[Kanada|GPE] akan selalu berdiri bersama [Ukraina|GPE].",
            ("Kanada", "SUPPORTS", "Ukraina"),
        ),
        (
            "[Nikaragua|GPE] memaparkan gugatannya terhadap [Jerman|GPE] di sidang.",
            ("Nikaragua", "OPPOSES", "Jerman"),
        ),
        (
            "Kota [Bakhmut|GPE] yang diserbu pasukan [Rusia|GPE] hancur.",
            ("Rusia", "ATTACKS", "Bakhmut"),
        ),
        (
            "[Lula|PER] membuka [KTT Amazon|EVENT] di Belem.",
            ("Lula", "PARTICIPATES_IN", "KTT Amazon"),
        ),
        (
            "Perundingan [Armenia|GPE]-[Azerbaijan|GPE] yang difasilitasi [Uni Eropa|ORG] "
            "berlanjut.",
            ("Uni Eropa", "MEDIATES", "Armenia"),
        ),
    ],
)
def test_more_trigger_words(suggester, nlp, marked, expected):
    assert expected in found(suggester, nlp, marked, expected[1])


def test_a_coordinated_subject_holding_talks_meets(suggester, nlp):
    marked = "[Iran|GPE] dan [Arab Saudi|GPE] kembali menggelar perundingan di Baghdad."
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "MEETS")} == {
        frozenset(("Iran", "Arab Saudi"))
    }


def test_plain_nouns_heading_a_name_are_crossed(suggester, nlp):
    marked = "[Kanada|GPE] mendesak junta militer [Myanmar|GPE] membebaskan tahanan."
    assert found(suggester, nlp, marked, "URGES") == {("Kanada", "URGES", "Myanmar")}


def test_an_abstract_noun_before_a_name_is_not_crossed(suggester, nlp):
    marked = "[Kanada|GPE] mendesak gencatan senjata [Armenia|GPE]-[Azerbaijan|GPE] segera."
    assert found(suggester, nlp, marked, "URGES") == set()


def test_sides_of_talks_on_neutral_ground_visit_it(suggester, nlp):
    marked = "[Iran|GPE] dan [Amerika Serikat|GPE] menggelar perundingan di [Doha|GPE] kemarin."
    assert found(suggester, nlp, marked, "VISITS") == {
        ("Iran", "VISITS", "Doha"),
        ("Amerika Serikat", "VISITS", "Doha"),
    }


def test_a_subject_joined_by_bersama_acts_together(suggester, nlp):
    marked = "[Korea Selatan|GPE] bersama [Jepang|GPE] mengecam keras [Korea Utara|GPE]."
    assert found(suggester, nlp, marked, "COOPERATES_WITH") == {
        ("Korea Selatan", "COOPERATES_WITH", "Jepang")
    }
    marked = "[Korea Selatan|GPE] dan [Jepang|GPE] mengecam keras [Korea Utara|GPE]."
    assert found(suggester, nlp, marked, "COOPERATES_WITH") == set()


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            "[Jepang|GPE] menjanjikan 2 miliar dolar untuk [UNRWA|ORG] tahun ini.",
            {("Jepang", "SUPPORTS", "UNRWA")},
        ),
        (
            "[Turki|GPE] siap mengirim tenda dan obat-obatan ke [Suriah|GPE].",
            {("Turki", "SUPPORTS", "Suriah")},
        ),
        ("[Turki|GPE] mengirim utusan [Suriah|GPE] pulang.", set()),
    ],
)
def test_a_verb_of_giving_supports_its_recipient(suggester, nlp, marked, expected):
    assert found(suggester, nlp, marked, "SUPPORTS") == expected


def test_the_clause_a_passive_sums_up_gives_its_child(suggester, nlp):
    marked = (
        "[Vanuatu|GPE] kerap mengangkat isu [Papua|GPE] di forum itu, langkah yang "
        "selalu ditentang [Jakarta|GPE]."
    )
    assert found(suggester, nlp, marked, "OPPOSES") == {("Jakarta", "OPPOSES", "Vanuatu")}


def test_a_subject_with_a_long_relative_clause(suggester, nlp):
    marked = (
        "[Turki|GPE] yang memiliki hubungan dekat dengan [Azerbaijan|GPE], "
        "[Georgia|GPE], dan berbagai pihak di kawasan itu telah mengkritik [Armenia|GPE]."
    )
    assert found(suggester, nlp, marked, "OPPOSES") == {("Turki", "OPPOSES", "Armenia")}


def test_a_military_exercise_and_an_accord_of_two_sides(suggester, nlp):
    marked = "[Tiongkok|GPE] mengecam latihan militer [Filipina|GPE]-[Jepang|GPE] pekan ini."
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "COOPERATES_WITH")} == {
        frozenset(("Filipina", "Jepang"))
    }
    marked = "[Kanada|GPE] mendesak [Israel|GPE] menghormati kesepakatan damai dengan [Hamas|ORG]."
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "COOPERATES_WITH")} == {
        frozenset(("Israel", "Hamas"))
    }


# -- entity errors that cost relations -----------------------------------------------------


def test_a_linked_storys_headline_is_checked_like_the_top_one():
    from annotation.nlp.headline import check_headline
    from annotation.nlp.suggestion import Candidate

    body = (
        "Presiden Kenya William Ruto menerima Perdana Menteri India Narendra Modi di "
        "Nairobi pada Senin. Kedua pemimpin membahas perdagangan dan keamanan maritim "
        "di Samudra Hindia selama dua jam di istana kepresidenan.\n\n"
    )
    linked = "Baca Juga: Nepal Gugat Bhutan ke Mahkamah Internasional soal Pengungsi\n\n"
    byline = "Editor: Rina Marlina\n"
    text = body + linked + byline

    def at(surface: str, label: str, origin: str = "model") -> Candidate:
        start = text.index(surface)
        return Candidate(start, start + len(surface), label, origin, 0.8)

    kept = check_headline(
        text,
        [
            at("William Ruto", "PER"),
            at("Nepal Gugat Bhutan", "ORG"),
            at("Nepal", "GPE", "rules:gazetteer"),
            at("Bhutan", "GPE", "rules:gazetteer"),
            at("Rina Marlina", "PER"),
        ],
    )
    assert {text[c.start : c.end] for c in kept} == {
        "William Ruto",
        "Nepal",
        "Bhutan",
        "Rina Marlina",
    }


# -- quotes and their attributions -------------------------------------------------------------


def test_the_speaker_acts_in_the_attribution(suggester, nlp):
    marked = (
        '"Kami akan terus membantu," kata [Blinken|PER] saat meninggalkan [Kairo|GPE], '
        "setelah pertemuan dengan [El-Sisi|PER]."
    )
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "MEETS")} == {
        frozenset(("Blinken", "El-Sisi"))
    }


def test_the_speaker_meets_whom_he_speaks_to(suggester, nlp):
    marked = '"Kami menentang embargo itu," ucap [Lula|PER] kepada [Petro|PER] di Brasilia.'
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "MEETS")} == {
        frozenset(("Lula", "Petro"))
    }
    marked = '"Kami menentang embargo itu," ucap [Lula|PER] kepada wartawan di Brasilia.'
    assert found(suggester, nlp, marked, "MEETS") == set()


def test_those_named_after_in_that_meeting_meet(suggester, nlp):
    marked = (
        "Dalam pertemuan itu, [Presiden|ROLE] [Lula|PER] dan [Petro|PER] menyerukan "
        "gencatan senjata."
    )
    assert {frozenset((h, c)) for h, _, c in found(suggester, nlp, marked, "MEETS")} == {
        frozenset(("Lula", "Petro"))
    }


def test_a_phrase_of_quantified_nouns_heading_names(suggester, nlp):
    marked = (
        "[Inggris|GPE] menjatuhkan sanksi baru terhadap sejumlah perusahaan dan pejabat "
        "[Iran|GPE] dan [Suriah|GPE] pekan ini."
    )
    assert found(suggester, nlp, marked, "SANCTIONS") == {
        ("Inggris", "SANCTIONS", "Iran"),
        ("Inggris", "SANCTIONS", "Suriah"),
    }


def test_indonesian_exonyms_of_capitals_have_their_country():
    from annotation.nlp.relation_places import countries

    table = countries()
    assert (table["muskat"], table["beograd"], table["wina"]) == ("OM", "RS", "AT")
