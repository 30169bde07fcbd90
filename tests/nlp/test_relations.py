"""Relation suggestions: triggers, direction, schema rules, sentences, groups and offsets.

Sentences are written for these tests. Entities are marked inline as `[text|LABEL]` and
handed to the suggester as Candidates, as the entity suggesters would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from annotation.nlp.relation_lexicon import LexiconError, load_triggers
from annotation.nlp.relations import DEFAULT_LEXICON, RelationSuggester
from annotation.nlp.suggestion import Candidate, RelationCandidate, SuggesterError
from annotation.schema import LabelSchema, default_schema

MARK = re.compile(r"\[([^\]|]+)\|([A-Z]+)\]")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("id")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture(scope="module")
def suggester() -> RelationSuggester:
    return RelationSuggester(default_schema())


def parse(marked: str) -> tuple[str, list[Candidate]]:
    """Text and entity Candidates from a sentence with `[text|LABEL]` marks."""
    text, entities, pos = "", [], 0
    for m in MARK.finditer(marked):
        text += marked[pos : m.start()]
        entities.append(Candidate(len(text), len(text) + len(m.group(1)), m.group(2), "test"))
        text += m.group(1)
        pos = m.end()
    return text + marked[pos:], entities


def readable(
    text: str, entities: list[Candidate], rels: list[RelationCandidate]
) -> set[tuple[str, str, str]]:
    def name(i: int) -> str:
        return text[entities[i].start : entities[i].end]

    return {(name(r.head), r.label, name(r.child)) for r in rels}


def suggest(suggester, nlp, marked: str, layout: bool = False) -> set[tuple[str, str, str]]:
    """(head, label, child) texts suggested for a marked text; trigger-based only by default."""
    text, entities = parse(marked)
    rels = suggester.suggest(nlp(text), entities)
    if not layout:
        rels = [r for r in rels if r.trigger is not None]
    return readable(text, entities, rels)


# -- each trigger type, with its direction ---------------------------------------------------


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (
            "[Retno|PER] bertemu dengan [Wang Yi|PER] di [Beijing|GPE].",
            {("Retno", "MEETS", "Wang Yi")},
        ),
        (
            "[Sultan Haitham|PER] menerima kunjungan [Anwar Ibrahim|PER] kemarin.",
            {("Sultan Haitham", "MEETS", "Anwar Ibrahim")},
        ),
        (
            "[Macron|PER] berbicara melalui telepon dengan [Erdogan|PER] pada malam itu.",
            {("Macron", "MEETS", "Erdogan")},
        ),
        (
            "[Erdogan|PER] disambut oleh [Raja Salman|PER] di [Riyadh|GPE].",
            {("Erdogan", "MEETS", "Raja Salman")},
        ),
        (
            "[Albanese|PER] dijadwalkan berkunjung ke [Vietnam|GPE] bulan depan.",
            {("Albanese", "VISITS", "Vietnam")},
        ),
        (
            "Delegasi [Sudan|GPE] tiba di [Jeddah|GPE] untuk perundingan.",
            {("Sudan", "VISITS", "Jeddah")},
        ),
        (
            "[Filipina|GPE] bekerja sama dengan [Jepang|GPE] dalam patroli laut.",
            {("Filipina", "COOPERATES_WITH", "Jepang")},
        ),
        (
            "[Norwegia|GPE] mendukung [Palestina|GPE] di forum itu.",
            {("Norwegia", "SUPPORTS", "Palestina")},
        ),
        (
            "[Menlu Brasil|PER] mengkritik [Bank Dunia|ORG] secara terbuka.",
            {("Menlu Brasil", "OPPOSES", "Bank Dunia")},
        ),
        (
            "[Afrika Selatan|GPE] mengecam keras [Israel|GPE].",
            {("Afrika Selatan", "OPPOSES", "Israel")},
        ),
        (
            "[Kanada|GPE] menjatuhkan sanksi terhadap [Myanmar|GPE] pekan ini.",
            {("Kanada", "SANCTIONS", "Myanmar")},
        ),
        (
            "[Sekjen|ROLE] [Guterres|PER] mendesak [Dewan Keamanan|ORG] bertindak.",
            {("Guterres", "URGES", "Dewan Keamanan")},
        ),
        (
            "[Yordania|GPE] menyerukan kepada [PBB|ORG] agar segera bertindak.",
            {("Yordania", "URGES", "PBB")},
        ),
        (
            "Pasukan [Azerbaijan|GPE] menyerang [Nagorno-Karabakh|GPE] pada dini hari.",
            {("Azerbaijan", "ATTACKS", "Nagorno-Karabakh")},
        ),
        (
            "[Timor Leste|GPE] resmi menjadi anggota [ASEAN|ORG] tahun ini.",
            {("Timor Leste", "MEMBER_OF", "ASEAN")},
        ),
        (
            "[Lula|PER] menghadiri [KTT G20|EVENT] di [New Delhi|GPE].",
            {("Lula", "PARTICIPATES_IN", "KTT G20")},
        ),
        (
            "[Korea Utara|GPE] mengancam akan menyerang [Korea Selatan|GPE] "
            "jika latihan berlanjut.",
            {("Korea Utara", "THREATENS", "Korea Selatan")},
        ),
        (
            "[Mesir|GPE] menengahi [Israel|GPE] dan [Hamas|ORG] sejak awal.",
            {("Mesir", "MEDIATES", "Israel"), ("Mesir", "MEDIATES", "Hamas")},
        ),
        (
            "[Forum Ekonomi|EVENT] itu digelar di [Davos|GPE] setiap tahun.",
            {("Forum Ekonomi", "LOCATED_IN", "Davos")},
        ),
        # nouns and clauses that state a relation
        (
            "[Bolivia|GPE] dikenal sebagai pendukung [Venezuela|GPE] di kawasan.",
            {("Bolivia", "SUPPORTS", "Venezuela")},
        ),
        (
            "[Malaysia|GPE] berjanji melindungi hak-hak rakyat [Rohingya|GPE].",
            {("Malaysia", "SUPPORTS", "Rohingya")},
        ),
        (
            "[Brunei|GPE] selalu berada di barisan [Filipina|GPE] dalam sengketa itu.",
            {("Brunei", "SUPPORTS", "Filipina")},
        ),
        (
            "[Ghana|GPE] memuji persahabatan [Kenya|GPE] dan [Nigeria|GPE] yang lama terjalin.",
            {("Kenya", "COOPERATES_WITH", "Nigeria")},
        ),
        (
            "[Armenia|GPE] terlibat perseteruan dengan [Azerbaijan|GPE] sejak lama.",
            {("Armenia", "OPPOSES", "Azerbaijan")},
        ),
        (
            "[Vietnam|GPE] melakukan tekanan kepada [Myanmar|GPE] soal pengungsi.",
            {("Vietnam", "OPPOSES", "Myanmar")},
        ),
        (
            "Puluhan warga [Lebanon|GPE] terbunuh oleh serangan [Israel|GPE] kemarin.",
            {("Israel", "ATTACKS", "Lebanon")},
        ),
        (
            "[Erdogan|PER] kembali ke tanah air dari [Jerman|GPE] pada Jumat.",
            {("Erdogan", "VISITS", "Jerman")},
        ),
        ("[Modi|PER] telah bertolak menuju [Jepang|GPE] pagi ini.", {("Modi", "VISITS", "Jepang")}),
        (
            "[Norwegia|GPE] siap menengahi konflik [Kolombia|GPE] dan [ELN|ORG].",
            {("Norwegia", "MEDIATES", "Kolombia"), ("Norwegia", "MEDIATES", "ELN")},
        ),
    ],
)
def test_each_trigger_type_gives_its_relation_and_direction(suggester, nlp, marked, expected):
    assert suggest(suggester, nlp, marked) == expected


@pytest.mark.parametrize(
    "marked",
    [
        "[Rusia|GPE] menyerang [Ukraina|GPE] lagi.",
        "[Ukraina|GPE] diserang oleh [Rusia|GPE] lagi.",
        "[Ukraina|GPE] kembali diserang [Rusia|GPE].",
        "Serangan [Rusia|GPE] terhadap [Ukraina|GPE] berlanjut.",
    ],
)
def test_active_passive_and_noun_voice_give_the_same_direction(suggester, nlp, marked):
    assert suggest(suggester, nlp, marked) == {("Rusia", "ATTACKS", "Ukraina")}


def test_passive_criticism_flips_direction(suggester, nlp):
    assert suggest(suggester, nlp, "[Jepang|GPE] dikecam [Tiongkok|GPE] atas rencana itu.") == {
        ("Tiongkok", "OPPOSES", "Jepang")
    }
    assert suggest(suggester, nlp, "[Jepang|GPE] mengecam [Tiongkok|GPE] atas rencana itu.") == {
        ("Jepang", "OPPOSES", "Tiongkok")
    }


def test_noun_trigger_without_owner_reads_as_active(suggester, nlp):
    marked = "[Turki|GPE] memberikan dukungan kepada [Azerbaijan|GPE] dalam sengketa itu."
    assert suggest(suggester, nlp, marked) == {("Turki", "SUPPORTS", "Azerbaijan")}


def test_noun_owner_without_child_gives_nothing_for_the_noun(suggester, nlp):
    # "dukungan Tiongkok": Tiongkok owns the support, and no one is named as receiving it.
    assert suggest(suggester, nlp, "[Iran|GPE] meminta dukungan [Tiongkok|GPE].") == {
        ("Iran", "URGES", "Tiongkok")
    }


def test_noun_partner_needs_a_preposition(suggester, nlp):
    marked = "Senjata itu membantu [Israel|GPE] mencegat ancaman rudal [Iran|GPE]."
    assert ("Israel", "THREATENS", "Iran") not in suggest(suggester, nlp, marked)
    marked = "[Iran|GPE] melontarkan ancaman terhadap [Israel|GPE]."
    assert suggest(suggester, nlp, marked) == {("Iran", "THREATENS", "Israel")}


def test_headline_verb(suggester, nlp):
    marked = "[Iran|GPE] Kritik Kelambanan [Dewan Keamanan PBB|ORG]\n"
    assert suggest(suggester, nlp, marked) == {("Iran", "OPPOSES", "Dewan Keamanan PBB")}


def test_threat_phrase_is_not_read_as_an_attack(suggester, nlp):
    found = suggest(suggester, nlp, "[Iran|GPE] mengancam akan menyerang [Israel|GPE].")
    assert found == {("Iran", "THREATENS", "Israel")}


def test_object_belongs_to_the_nearest_verb(suggester, nlp):
    # "sepakat" does not reach past "melawan" to NATO: the two agree, and both oppose NATO.
    marked = "[Belarus|GPE] dan [Rusia|GPE] sepakat bersatu melawan [NATO|ORG]"
    found = suggest(suggester, nlp, marked)
    assert found == {
        ("Belarus", "COOPERATES_WITH", "Rusia"),
        ("Belarus", "OPPOSES", "NATO"),
        ("Rusia", "OPPOSES", "NATO"),
    }


def test_left_out_subject_is_taken_from_the_previous_trigger(suggester, nlp):
    marked = "[Swiss|GPE] menyambut baik langkah itu dan mendesak [Serbia|GPE] menarik pasukannya."
    found = suggest(suggester, nlp, marked)
    assert ("Swiss", "URGES", "Serbia") in found


def test_who_is_urged_does_what_follows_untuk(suggester, nlp):
    marked = "[Jerman|GPE] meminta [Hungaria|GPE] untuk mendukung [Ukraina|GPE]."
    assert suggest(suggester, nlp, marked) == {
        ("Jerman", "URGES", "Hungaria"),
        ("Hungaria", "SUPPORTS", "Ukraina"),
    }
    marked = "[Jerman|GPE] meminta [Hungaria|GPE] mundur dan mendukung [Ukraina|GPE]."
    assert ("Jerman", "SUPPORTS", "Ukraina") in suggest(suggester, nlp, marked)


def test_purpose_clause_keeps_the_subject(suggester, nlp):
    marked = "[Lula|PER] bertandang ke [Roma|GPE] untuk bertemu [Meloni|PER]."
    assert suggest(suggester, nlp, marked) == {
        ("Lula", "VISITS", "Roma"),
        ("Lula", "MEETS", "Meloni"),
    }


def test_entity_after_a_preposition_is_not_a_subject(suggester, nlp):
    # "hubungan dengan Kuba": Kuba is no subject; the subject is too far away to suggest.
    marked = (
        "[Venezuela|GPE] yang lama menjalin hubungan erat dengan [Kuba|GPE] kembali "
        "mengkritik [Amerika Serikat|GPE]."
    )
    assert ("Kuba", "OPPOSES", "Amerika Serikat") not in suggest(suggester, nlp, marked)


def test_relative_clause_subject(suggester, nlp):
    marked = "[Putin|PER] memuji sikap [Havana|GPE] yang mendukung [Moskow|GPE]."
    assert ("Havana", "SUPPORTS", "Moskow") in suggest(suggester, nlp, marked)


def test_trigger_words_inside_an_entity_do_not_trigger(suggester, nlp):
    marked = "[Organisasi Kerja Sama Islam|ORG] mendukung [Palestina|GPE]."
    assert suggest(suggester, nlp, marked) == {
        ("Organisasi Kerja Sama Islam", "SUPPORTS", "Palestina")
    }


# -- the schema decides which label pairs are allowed -------------------------------------


@pytest.mark.parametrize(
    "marked",
    [
        "[KTT ASEAN|EVENT] mendukung [Jakarta|GPE].",  # SUPPORTS: no EVENT head
        "[Retno|PER] menghadiri [Jakarta|GPE].",  # PARTICIPATES_IN: the child must be an EVENT
        "[Senin|DATE] bertemu dengan [Wang Yi|PER].",  # MEETS: no DATE
        "[Filipina|GPE] menjadi anggota [Asia Tenggara|LOC].",  # MEMBER_OF: the child is an ORG
    ],
)
def test_label_pairs_the_schema_disallows_give_nothing(suggester, nlp, marked):
    assert suggest(suggester, nlp, marked, layout=True) == set()


def test_a_project_schema_limits_suggestions(nlp):
    data = default_schema().to_dict()
    for rel in data["relations"]:
        if rel["name"] == "SUPPORTS":
            rel["head"], rel["child"] = ["PER"], ["PER"]
    data["relations"] = [r for r in data["relations"] if r["name"] != "ATTACKS"]
    narrow = RelationSuggester(LabelSchema.from_dict(data))
    assert suggest(narrow, nlp, "[Norwegia|GPE] mendukung [Palestina|GPE].") == set()
    assert suggest(narrow, nlp, "[Rusia|GPE] menyerang [Ukraina|GPE].") == set()
    assert suggest(narrow, nlp, "[Lula|PER] mendukung [Petro|PER].") == {
        ("Lula", "SUPPORTS", "Petro")
    }
    assert not any(t.label == "ATTACKS" for t in narrow.triggers)


# -- sentences --------------------------------------------------------------------------


def test_pairs_across_sentences_give_nothing(suggester, nlp):
    together = "[Kanada|GPE] bersikap tegas mendukung [Meksiko|GPE] dalam perundingan."
    apart = "[Kanada|GPE] bersikap tegas. Mendukung [Meksiko|GPE] adalah pilihannya."
    assert suggest(suggester, nlp, together) == {("Kanada", "SUPPORTS", "Meksiko")}
    assert suggest(suggester, nlp, apart) == set()


def test_sentence_boundaries_come_from_the_doc(suggester, nlp):
    words = ["Kanada", "bersikap", "tegas", "mendukung", "Meksiko"]
    ents = [Candidate(0, 6, "GPE", "test"), Candidate(32, 39, "GPE", "test")]
    no, yes = False, True
    for starts, expected in (([yes, no, no, no, no], 1), ([yes, no, no, yes, no], 0)):
        doc = Doc(nlp.vocab, words=words, sent_starts=starts)
        assert doc.text[32:39] == "Meksiko"
        assert len(suggester.suggest(doc, ents)) == expected


def test_doc_without_sentences_is_refused(suggester, nlp):
    text, entities = parse("[Rusia|GPE] mendukung [Suriah|GPE].")
    with pytest.raises(SuggesterError, match="sentence"):
        suggester.suggest(nlp.make_doc(text), entities)


# -- groups and duplicates --------------------------------------------------------------


def test_coordinated_subjects_each_get_the_relation(suggester, nlp):
    # Backing someone together also makes the two partners (a joint stance).
    assert suggest(suggester, nlp, "[Rusia|GPE] dan [Iran|GPE] mendukung [Suriah|GPE].") == {
        ("Rusia", "SUPPORTS", "Suriah"),
        ("Iran", "SUPPORTS", "Suriah"),
        ("Rusia", "COOPERATES_WITH", "Iran"),
    }
    marked = "[Chile|GPE], [Peru|GPE], dan [Bolivia|GPE] mengecam [Israel|GPE]."
    assert suggest(suggester, nlp, marked) == {
        (c, "OPPOSES", "Israel") for c in ("Chile", "Peru", "Bolivia")
    }


def test_coordinated_objects_each_get_the_relation(suggester, nlp):
    marked = "[Qatar|GPE] mendesak [Israel|GPE] dan [Hamas|ORG] menahan diri."
    assert suggest(suggester, nlp, marked) == {
        ("Qatar", "URGES", "Israel"),
        ("Qatar", "URGES", "Hamas"),
    }


def test_roles_and_persons_in_a_group(suggester, nlp):
    marked = (
        "[Presiden|ROLE] [Lula|PER] bersama [Presiden|ROLE] [Argentina|GPE] "
        "[Milei|PER] mengkritik [IMF|ORG]."
    )
    # "bersama" makes them act together: they also cooperate (see test_relation_recall).
    assert suggest(suggester, nlp, marked) == {
        ("Lula", "OPPOSES", "IMF"),
        ("Milei", "OPPOSES", "IMF"),
        ("Lula", "COOPERATES_WITH", "Milei"),
    }


def test_a_bare_comma_does_not_join_a_group(suggester, nlp):
    # A headline: the comma ends one clause, so Iran is not Israel's partner in asking.
    marked = "[Iran|GPE] mendekat ke [Rusia|GPE], [Israel|GPE] minta bantuan [AS|GPE]"
    assert suggest(suggester, nlp, marked) == {("Israel", "URGES", "AS")}


def test_symmetric_relation_within_a_group_appears_once(suggester, nlp):
    # "sepakat" and "bekerja sama" both link the pair; one suggestion remains.
    text, entities = parse("[Jepang|GPE] dan [Korea Selatan|GPE] sepakat bekerja sama.")
    rels = suggester.suggest(nlp(text), entities)
    assert [(r.head, r.child, r.label) for r in rels] == [(0, 1, "COOPERATES_WITH")]
    # The stronger reading is kept: "bekerja sama" (0.8, one word away) over "sepakat" (0.7).
    assert rels[0].score == pytest.approx(0.72)
    assert text[slice(*rels[0].trigger)] == "bekerja sama"


def test_symmetric_relation_has_one_orientation_whatever_the_entity_order(suggester, nlp):
    text, entities = parse("[Retno|PER] bertemu dengan [Wang Yi|PER].")
    for given in (entities, entities[::-1]):
        rels = [r for r in suggester.suggest(nlp(text), given) if r.label == "MEETS"]
        assert len(rels) == 1
        assert {given[rels[0].head].start, given[rels[0].child].start} == {0, 21}
        assert rels[0].head < rels[0].child


def test_between_gives_a_pair_within_the_group(suggester, nlp):
    marked = "Pertemuan antara [Xi Jinping|PER] dan [Biden|PER] berlangsung tertutup."
    assert suggest(suggester, nlp, marked) == {("Xi Jinping", "MEETS", "Biden")}


# -- relations stated by how names are written -------------------------------------------


def test_role_country_and_person_written_together(suggester, nlp):
    marked = "[Presiden|ROLE] [Prancis|GPE] [Emmanuel Macron|PER] tiba di [Jakarta|GPE]."
    assert suggest(suggester, nlp, marked, layout=True) == {
        ("Emmanuel Macron", "HOLDS_ROLE", "Presiden"),
        ("Emmanuel Macron", "REPRESENTS", "Prancis"),
        ("Emmanuel Macron", "VISITS", "Jakarta"),
    }


def test_role_without_a_name_represents_its_country(suggester, nlp):
    marked = "[Juru Bicara Kementerian Luar Negeri|ROLE] [Tiongkok|GPE] menolak tuduhan itu."
    assert suggest(suggester, nlp, marked, layout=True) == {
        ("Juru Bicara Kementerian Luar Negeri", "REPRESENTS", "Tiongkok")
    }


def test_apposition_after_the_name(suggester, nlp):
    marked = "[Penny Wong|PER], [Menteri Luar Negeri|ROLE] [Australia|GPE], berbicara."
    assert suggest(suggester, nlp, marked, layout=True) == {
        ("Penny Wong", "HOLDS_ROLE", "Menteri Luar Negeri"),
        ("Penny Wong", "REPRESENTS", "Australia"),
    }


def test_bracketed_alias_is_not_a_second_partner(suggester, nlp):
    marked = "[Inggris|GPE] mengkritik [Amerika Serikat|GPE] ([AS|GPE]) hari ini."
    assert suggest(suggester, nlp, marked) == {("Inggris", "OPPOSES", "Amerika Serikat")}


def test_event_and_its_venue(suggester, nlp):
    marked = "[Albanese|PER] menghadiri [KTT APEC|EVENT] di [Lima|GPE]."
    assert suggest(suggester, nlp, marked, layout=True) == {
        ("Albanese", "PARTICIPATES_IN", "KTT APEC"),
        ("KTT APEC", "LOCATED_IN", "Lima"),
    }
    # An organisation written right before "di" and a place is there too (see
    # test_relation_recall); a person is not.
    assert suggest(suggester, nlp, "[OKI|ORG] di [Jeddah|GPE] berbicara.", layout=True) == {
        ("OKI", "LOCATED_IN", "Jeddah")
    }
    assert suggest(suggester, nlp, "[Lavrov|PER] di [Jeddah|GPE] berbicara.", layout=True) == set()


def test_place_and_its_country(suggester, nlp):
    assert suggest(
        suggester, nlp, "Forum itu berlangsung di [Istanbul|GPE], [Turki|GPE].", layout=True
    ) == {("Istanbul", "LOCATED_IN", "Turki")}
    assert (
        suggest(suggester, nlp, "[Iran|GPE] ke [Rusia|GPE], [Israel|GPE] ke [AS|GPE]", layout=True)
        == set()
    )


# -- offsets ----------------------------------------------------------------------------


def test_offsets_survive_emoji_and_crlf(suggester, nlp):
    marked = "🇮🇩😀 Kabar\r\n\r\n[Indonesia|GPE]  mendukung\r\n[Palestina|GPE] 🙏.\r\n"
    text, entities = parse(marked)
    rels = suggester.suggest(nlp(text), entities)
    assert [(r.head, r.child, r.label) for r in rels] == [(0, 1, "SUPPORTS")]
    start, end = rels[0].trigger
    assert text[start:end] == "mendukung"
    assert readable(text, entities, rels) == {("Indonesia", "SUPPORTS", "Palestina")}


def test_entities_given_in_any_order_are_indexed_as_given(suggester, nlp):
    text, entities = parse("[Rusia|GPE] dan [Iran|GPE] mendukung [Suriah|GPE].")
    given = [entities[2], entities[0], entities[1]]
    rels = suggester.suggest(nlp(text), given)
    assert {(r.head, r.child) for r in rels if r.label == "SUPPORTS"} == {(1, 0), (2, 0)}


def test_overlapping_and_misaligned_entities_do_not_break_it(suggester, nlp):
    text, entities = parse("[Rusia|GPE] mendukung [Suriah|GPE].")
    extra = [Candidate(1, 4, "ORG", "test"), Candidate(0, 0, "GPE", "test")]
    rels = suggester.suggest(nlp(text), [*entities, *extra])
    assert [(r.head, r.child, r.label) for r in rels] == [(0, 1, "SUPPORTS")]


# -- the lexicon ------------------------------------------------------------------------


def test_every_lexicon_label_is_in_the_default_schema() -> None:
    labels = {t.label for t in load_triggers(DEFAULT_LEXICON)}
    schema_labels = set(default_schema().relation_labels)
    assert labels <= schema_labels, labels - schema_labels
    assert schema_labels <= labels, "every relation type has at least one trigger"


def test_the_shipped_lexicon_loads_whole(suggester) -> None:
    triggers = load_triggers(DEFAULT_LEXICON)
    assert len(suggester.triggers) == len(triggers) > 200
    assert {t.voice for t in triggers} == {"active", "passive", "noun", "give"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("bertemu\tMEETS\tactive\t0.9\t6", "expected 6 tab-separated columns"),
        ("bertemu\tMEETS\tsideways\t0.9\t6\t2", "voice 'sideways'"),
        ("bertemu\tMEETS\tactive\t1.5\t6\t2", "strength 1.5"),
        ("bertemu\tMEETS\tactive\tkuat\t6\t2", "strength 'kuat'"),
        ("bertemu\tMEETS\tactive\t0.9\t-1\t2", "before '-1'"),
        ("Bertemu\tMEETS\tactive\t0.9\t6\t2", "lowercase"),
        ("bertemu, dengan\tMEETS\tactive\t0.9\t6\t2", "words of letters"),
        ("mendukung\tSUPPORTS\tactive\t0.9\t6\t2", "already appears on line 2"),
    ],
)
def test_malformed_lexicon_line_names_file_and_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / "triggers.tsv"
    path.write_text(
        "# trigger\tlabel\tvoice\tstrength\tbefore\tafter\n"
        "mendukung\tSUPPORTS\tactive\t0.9\t6\t2\n"
        f"{line}\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=re.escape(message)) as caught:
        RelationSuggester(default_schema(), path)
    assert f"{path}, line 3" in str(caught.value)


def test_unreadable_lexicon_names_the_file(tmp_path: Path):
    with pytest.raises(LexiconError, match="missing.tsv"):
        RelationSuggester(default_schema(), tmp_path / "missing.tsv")


def test_custom_lexicon_with_hyphenated_trigger(tmp_path: Path, nlp):
    path = tmp_path / "triggers.tsv"
    path.write_text("sanksi-sanksi\tSANCTIONS\tnoun\t0.7\t4\t3\n", encoding="utf-8")
    custom = RelationSuggester(default_schema(), path)
    marked = "Sanksi-sanksi [Uni Eropa|ORG] terhadap [Belarus|GPE] diperpanjang."
    assert suggest(custom, nlp, marked) == {("Uni Eropa", "SANCTIONS", "Belarus")}


def test_a_name_after_a_verb_is_its_object_not_the_next_subject(suggester, nlp):
    marked = (
        "[Lula|PER] meninggalkan [Brasilia|GPE] menuju [Roma|GPE] untuk menghadiri [KTT|EVENT]."
    )
    assert suggest(suggester, nlp, marked) == {
        ("Lula", "VISITS", "Roma"),
        ("Lula", "PARTICIPATES_IN", "KTT"),
    }


def test_speech_verbs_leave_the_subject_of_what_is_said(suggester, nlp):
    marked = "[Lula|PER] menegaskan [Brasil|GPE] mendukung [Palestina|GPE]."
    assert suggest(suggester, nlp, marked) == {("Brasil", "SUPPORTS", "Palestina")}


def test_collective_nouns_inside_a_coordination(suggester, nlp):
    marked = "[Malaysia|GPE] dan anggota [ASEAN|ORG] mendesak [Myanmar|GPE] berdialog."
    found = suggest(suggester, nlp, marked)
    assert {("Malaysia", "URGES", "Myanmar"), ("ASEAN", "URGES", "Myanmar")} <= found
    marked = "[Jepang|GPE] bersama 27 negara [Uni Eropa|ORG] mendukung [Ukraina|GPE]."
    found = suggest(suggester, nlp, marked)
    assert {("Jepang", "SUPPORTS", "Ukraina"), ("Uni Eropa", "SUPPORTS", "Ukraina")} <= found
    # Other words between are no coordination: "negara pro Palestina" is not Palestina.
    marked = "[Turki|GPE] bersama negara pro [Palestina|GPE] mendesak [PBB|ORG] bertindak."
    assert ("Palestina", "URGES", "PBB") not in suggest(suggester, nlp, marked)


def test_a_joint_call_makes_its_callers_partners(suggester, nlp):
    marked = "[Mesir|GPE] dan [Yordania|GPE] mendesak [Israel|GPE] menghentikan serangan."
    assert suggest(suggester, nlp, marked) == {
        ("Mesir", "URGES", "Israel"),
        ("Yordania", "URGES", "Israel"),
        ("Mesir", "COOPERATES_WITH", "Yordania"),
    }
    # A joint conflict is no partnership, and a relative clause ("yang pro") is no call.
    marked = "[Eritrea|GPE] dan [Sudan|GPE] terlibat perseteruan dengan [Etiopia|GPE]."
    assert ("Eritrea", "COOPERATES_WITH", "Sudan") not in suggest(suggester, nlp, marked)
    marked = "Ada perundingan dengan [Chile|GPE] dan [Peru|GPE] yang pro [Bolivia|GPE]."
    assert ("Chile", "COOPERATES_WITH", "Peru") not in suggest(suggester, nlp, marked)
