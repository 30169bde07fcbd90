"""Import of .txt, Prodigy-style JSONL and doccano JSONL into real project files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from annotation.io.importer import ImportReport, ReadError, import_paths
from annotation.io.readers import Problem
from annotation.model import EntityStatus
from annotation.nlp.tokens import Tokens
from annotation.project.store import Store

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# Every kind of character that an importer could mangle: a ZWJ emoji sequence and a flag
# (non-BMP), a decomposed Vietnamese name (combining marks), CRLF, tabs, NBSP, a BOM
# character inside the text, and right-to-left Arabic and Hebrew names.
TRICKY = (
    "Pertemuan 👩🏽‍🚀 di Jenewa \U0001f1ee\U0001f1e9\r\n"
    "\tPresiden\u00a0Joko Widodo bertemu Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng.\r\n"
    "Putra Mahkota محمد بن سلمان dan בנימין נתניהו hadir\t\t(𝟙𝟚/𝟘𝟙).\r\n"
    "\r\n\u00a0\ufeffAkhir tanpa baris baru"
)
TRICKY_SPANS = [
    ("Jenewa", "GPE"),
    ("Presiden", "ROLE"),
    ("Joko Widodo", "PER"),
    ("Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng", "PER"),
    ("محمد بن سلمان", "PER"),
    ("בנימין נתניהו", "PER"),
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A project file with the default schema."""
    store = Store.create(tmp_path / "project.sorot")
    yield store
    store.close()


def span(text: str, sub: str, label: str, **extra: Any) -> dict[str, Any]:
    start = text.index(sub)
    return {"start": start, "end": start + len(sub), "label": label, "text": sub, **extra}


def rel(head: dict[str, Any], child: dict[str, Any], label: str) -> dict[str, Any]:
    return {
        "head_span": {"start": head["start"], "end": head["end"]},
        "child_span": {"start": child["start"], "end": child["end"]},
        "label": label,
    }


def write_jsonl(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def run(store: Store, *paths: Path, **options: Any) -> ImportReport:
    options.setdefault("annotator", "ana")
    return import_paths(store, list(paths), **options)


def substrings(store: Store, article_id: int) -> list[tuple[str, str]]:
    text = store.article(article_id).text
    return [(text[e.start : e.end], e.label) for e in store.entities(article_id)]


# -- exact text ----------------------------------------------------------------------------


def test_tricky_text_and_spans_round_trip_exactly(store: Store, tmp_path: Path) -> None:
    spans = [span(TRICKY, sub, label) for sub, label in TRICKY_SPANS]
    relations = [rel(spans[2], spans[3], "MEETS"), rel(spans[2], spans[1], "HOLDS_ROLE")]
    record = {"text": TRICKY, "title": "Tricky", "spans": spans, "relations": relations}
    report = run(store, write_jsonl(tmp_path / "tricky.jsonl", [record]))
    assert (report.imported, report.problems) == (1, [])
    article = store.article(1)
    assert article.text == TRICKY
    assert sorted(substrings(store, 1)) == sorted(TRICKY_SPANS)
    ents = {e.id: TRICKY[e.start : e.end] for e in store.entities(1)}
    assert sorted((ents[r.head], ents[r.child], r.label) for r in store.relations(1)) == [
        ("Joko Widodo", "Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng", "MEETS"),
        ("Joko Widodo", "Presiden", "HOLDS_ROLE"),
    ]
    tokens = Tokens.from_bytes(store.tokens(1))
    assert tokens.starts == sorted(tokens.starts) and tokens.ends[-1] <= len(TRICKY)
    assert "Widodo" in [TRICKY[s:e] for s, e in zip(tokens.starts, tokens.ends)]


def test_txt_keeps_every_character(store: Store, tmp_path: Path) -> None:
    (tmp_path / "tricky.txt").write_bytes(TRICKY.encode("utf-8"))
    report = run(store, tmp_path / "tricky.txt")
    assert report.imported == 1
    article = store.article(1)
    assert article.text == TRICKY
    assert article.title == "Pertemuan 👩🏽‍🚀 di Jenewa \U0001f1ee\U0001f1e9"
    assert (article.source, article.meta) == ("tricky.txt", {"file": "tricky.txt"})


def test_leading_bom_is_an_encoding_mark_not_text(store: Store, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "bom.txt").write_bytes(bom + "Judul\r\nIsi \ufeff tetap.".encode())
    text = "Menlu Retno ke Paris."
    record = {"text": text, "spans": [span(text, "Retno", "PER")]}
    (tmp_path / "bom.jsonl").write_bytes(bom + json.dumps(record).encode() + b"\r\n")
    report = run(store, tmp_path / "bom.txt", tmp_path / "bom.jsonl")
    assert (report.imported, report.problems) == (2, [])
    assert store.article(1).text == "Judul\r\nIsi \ufeff tetap."
    assert store.article(1).title == "Judul"
    assert substrings(store, 2) == [("Retno", "PER")]


# -- broken records ------------------------------------------------------------------------

GOOD = "Presiden Joko Widodo menerima Emmanuel Macron di Istana Bogor, Rabu (23/10/2024)."
JOKO, MACRON = span(GOOD, "Joko Widodo", "PER"), span(GOOD, "Emmanuel Macron", "PER")
ROLE, BOGOR = span(GOOD, "Presiden", "ROLE"), span(GOOD, "Istana Bogor", "LOC")


def good(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "text": f"{GOOD} ({n})",
        "spans": [ROLE, JOKO, MACRON, BOGOR],
        "relations": [rel(JOKO, MACRON, "MEETS"), rel(JOKO, ROLE, "HOLDS_ROLE")],
        **extra,
    }


def bad_spans(*spans: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"text": GOOD, "spans": list(spans), **extra}


BROKEN: list[tuple[Any, str | None]] = [
    (good(1, meta={"status": "done", "annotator": "budi", "topic": "diplomasi"}), None),
    ('{"text": "Kalimat", "spans": [}', "invalid JSON: Expecting value (column 31)"),
    ('["text", "Kalimat"]', "not a JSON object but a list"),
    ({"title": "Tanpa teks", "spans": []}, "missing 'text'"),
    ({"text": 42}, "'text' is a number, not a string"),
    ({"text": "  \r\n"}, "'text' is empty"),
    ({"text": GOOD, "spans": {"start": 0}}, "'spans' is an object, not a list"),
    (bad_spans(JOKO, "Macron"), "span #2 is a string, not an object"),
    (bad_spans({**JOKO, "start": "9"}), 'span #1: start "9" is not an integer offset'),
    (bad_spans({**JOKO, "end": 20.0}), "span #1: end 20.0 is not an integer offset"),
    (bad_spans({**JOKO, "start": -1}), "span #1: start -1 is negative"),
    (
        bad_spans({**JOKO, "end": 500, "text": None}),
        f"span #1: end 500 is past the end of the text (length {len(GOOD)})",
    ),
    (
        bad_spans({**JOKO, "end": JOKO["start"]}),
        "span #1: start 9 is not before end 9 (empty span)",
    ),
    (good(2), None),
    (
        bad_spans({**JOKO, "start": 10}),
        "span #1 [10:20]: its text 'Joko Widodo' is off the text, which has 'oko Widodo' there",
    ),
    (
        bad_spans({**JOKO, "label": "PERSON"}),
        "span #1 [9:20]: unknown entity label 'PERSON' (the schema has PER, ROLE, GPE, ORG, LOC, "
        "EVENT, DATE)",
    ),
    (
        bad_spans({k: v for k, v in JOKO.items() if k != "label"}),
        "span #1 [9:20]: the label is missing or not a string",
    ),
    (
        bad_spans(JOKO, MACRON, {**span(GOOD, "Widodo", "PER")}),
        "span #1 [9:20 PER] and span #3 [14:20 PER] overlap, and the schema does not allow "
        "overlapping entities",
    ),
    (bad_spans(JOKO, MACRON, dict(JOKO)), "span #3 [9:20 PER] repeats span #1 [9:20 PER]"),
    (
        {**bad_spans(JOKO, MACRON), "relations": [rel(JOKO, BOGOR, "MEETS")]},
        "relation #1 MEETS: child [49:61] matches no span (dangling relation)",
    ),
    (
        {**bad_spans(JOKO, MACRON), "relations": [rel(JOKO, MACRON, "LIKES")]},
        "relation #1: unknown relation label 'LIKES' (the schema has MEETS, VISITS, "
        "COOPERATES_WITH, SUPPORTS, OPPOSES, SANCTIONS, URGES, ATTACKS, MEMBER_OF, REPRESENTS, "
        "HOLDS_ROLE, LOCATED_IN, PARTICIPATES_IN, THREATENS, MEDIATES)",
    ),
    (
        {**bad_spans(JOKO, BOGOR), "relations": [rel(BOGOR, JOKO, "HOLDS_ROLE")]},
        "relation #1 HOLDS_ROLE from span #2 [49:61 LOC] to span #1 [9:20 PER] is not allowed: "
        "HOLDS_ROLE goes from PER to ROLE",
    ),
    (
        {**bad_spans(JOKO, MACRON), "relations": [rel(JOKO, JOKO, "MEETS")]},
        "relation #1 MEETS: head and child are the same entity, span #1 [9:20 PER]",
    ),
    (
        {
            **bad_spans(JOKO, MACRON),
            "relations": [rel(JOKO, MACRON, "MEETS"), rel(MACRON, JOKO, "MEETS")],
        },
        "relation #2 MEETS from span #2 [30:45 PER] to span #1 [9:20 PER] repeats relation #1",
    ),
    (
        {**bad_spans(JOKO, MACRON), "relations": [{"head": 3, "child": 5, "label": "MEETS"}]},
        "relation #1 MEETS: head is token 3, but the record has no 'tokens'",
    ),
    (
        {**bad_spans(JOKO), "meta": {"status": "finished"}},
        "status 'finished' is not one of todo, in_progress, done, skipped",
    ),
    ({**bad_spans(JOKO), "meta": ["a"]}, "'meta' is a list, not an object"),
    ({**bad_spans(JOKO), "title": 7}, "'title' is a number, not a string"),
    (
        '{"text": "Emoji terpotong \\ud83d di sini"}',
        "a string holds a lone surrogate '\\ud83d', half of an escaped emoji or other "
        "character (invalid Unicode)",
    ),
    ("", None),  # blank lines are no records at all
    (good(3, answer="reject"), None),
    (good(4, answer="ignore"), None),
    (good(5, _annotator_id="news_ner-citra", answer="accept"), None),
]


def test_broken_records_are_reported_and_good_ones_imported(
    store: Store,
    tmp_path: Path,
) -> None:
    path = write_jsonl(tmp_path / "mixed.jsonl", [r for r, _ in BROKEN])
    report = run(store, path)
    expected = [
        Problem(str(path), line, reason)
        for line, (_, reason) in enumerate(BROKEN, 1)
        if reason is not None
    ]
    assert len(expected) >= 25
    assert report.problems == expected
    assert len({p.reason for p in report.problems}) == len(expected)
    assert str(report.problems[0]) == f"{path}:2: invalid JSON: Expecting value (column 31)"
    assert [(s.line, s.reason) for s in report.skipped] == [
        (31, "answer is 'reject': only accepted tasks are imported"),
        (32, "answer is 'ignore': only accepted tasks are imported"),
    ]
    assert (report.imported, report.duplicate, report.rejected) == (3, 0, len(expected))
    assert not report.ok
    assert [store.article(i).text for i in store.article_ids()] == [
        f"{GOOD} (1)",
        f"{GOOD} (2)",
        f"{GOOD} (5)",
    ]
    for article_id, annotator in zip(store.article_ids(), ["budi", "ana", "news_ner-citra"]):
        assert sorted(substrings(store, article_id)) == [
            ("Emmanuel Macron", "PER"),
            ("Istana Bogor", "LOC"),
            ("Joko Widodo", "PER"),
            ("Presiden", "ROLE"),
        ]
        names = {e.id: e for e in store.entities(article_id)}
        assert {e.annotator for e in names.values()} == {annotator}
        assert sorted(
            (GOOD[names[r.head].start : names[r.head].end], r.label)
            for r in store.relations(article_id)
        ) == [("Joko Widodo", "HOLDS_ROLE"), ("Joko Widodo", "MEETS")]
    first = store.article(1)
    assert first.meta == {"topic": "diplomasi"}
    assert first.title == GOOD + " (1)" and first.source == "mixed.jsonl"
    assert store.article_status(1, "budi") == "done"


def test_prodigy_relations_by_last_token(store: Store, tmp_path: Path) -> None:
    text = "Retno Marsudi bertemu Wang Yi di Beijing"
    words = text.split(" ")
    tokens, pos = [], 0
    for i, word in enumerate(words):
        tokens.append({"text": word, "start": pos, "end": pos + len(word), "id": i, "ws": True})
        pos += len(word) + 1
    spans = [
        span(text, "Retno Marsudi", "PER", token_start=0, token_end=1),
        span(text, "Wang Yi", "PER", token_start=3, token_end=4),
        span(text, "Beijing", "GPE", token_start=6, token_end=6),
    ]
    record = {
        "text": text,
        "tokens": tokens,
        "spans": spans,
        "answer": "accept",
        "relations": [
            {"head": 1, "child": 4, "label": "MEETS"},
            {"head": 1, "child": 6, "label": "VISITS"},
        ],
    }
    dangling = {
        **record,
        "text": text + ".",
        "relations": [{"head": 1, "child": 5, "label": "MEETS"}],
    }
    path = write_jsonl(tmp_path / "rel.jsonl", [record, dangling])
    report = run(store, path)
    assert [p.reason for p in report.problems] == [
        "relation #1 MEETS: child token 5 is the last token of no span (dangling relation)"
    ]
    ents = {e.id: text[e.start : e.end] for e in store.entities(1)}
    assert sorted((ents[r.head], ents[r.child], r.label) for r in store.relations(1)) == [
        ("Retno Marsudi", "Beijing", "VISITS"),
        ("Retno Marsudi", "Wang Yi", "MEETS"),
    ]


def test_sorot_export_round_trips_with_suggestions(store: Store, tmp_path: Path) -> None:
    from annotation.io.export import export

    widodo = span(GOOD, "Widodo", "PER", status="suggested", source="spacy", score=0.75)
    record = {
        "text": GOOD,
        "spans": [ROLE, JOKO, MACRON, widodo, {**BOGOR, "status": "suggested", "source": "spacy"}],
        "relations": [
            rel(JOKO, MACRON, "MEETS"),
            {**rel(JOKO, ROLE, "HOLDS_ROLE"), "status": "suggested"},
        ],
        "meta": {"annotator": "budi", "status": "done", "topic": "diplomasi"},
    }
    assert run(store, write_jsonl(tmp_path / "in.jsonl", [record])).problems == []
    export(store, tmp_path / "out.jsonl", include_suggestions=True)
    with Store.create(tmp_path / "again.sorot") as again:
        report = run(again, tmp_path / "out.jsonl")
        assert (report.imported, report.problems) == (1, [])
        for project in (store, again):
            ents = {e.id: e for e in project.entities(1)}
            assert sorted(
                (GOOD[e.start : e.end], e.label, e.status, e.origin, e.score, e.annotator)
                for e in ents.values()
            ) == [
                ("Emmanuel Macron", "PER", "accepted", "human", None, "budi"),
                ("Istana Bogor", "LOC", "suggested", "spacy", None, None),
                ("Joko Widodo", "PER", "accepted", "human", None, "budi"),
                ("Presiden", "ROLE", "accepted", "human", None, "budi"),
                ("Widodo", "PER", "suggested", "spacy", 0.75, None),
            ]
            assert sorted(
                (GOOD[ents[r.child].start : ents[r.child].end], r.label, r.status, r.annotator)
                for r in project.relations(1)
            ) == [
                ("Emmanuel Macron", "MEETS", "accepted", "budi"),
                ("Presiden", "HOLDS_ROLE", "suggested", None),
            ]
            assert project.article_status(1, "budi") == "done"
            assert project.article(1).meta == {"topic": "diplomasi"}
            assert project.article(1).title == GOOD


# -- doccano -------------------------------------------------------------------------------


def test_doccano_with_relations_and_label_form(store: Store, tmp_path: Path) -> None:
    text = "Kremlin menyatakan Rusia mendukung BRICS di Kazan."
    ents = [
        {
            "id": 10 + i,
            "label": label,
            "start_offset": text.index(sub),
            "end_offset": text.index(sub) + len(sub),
        }
        for i, (sub, label) in enumerate(
            [("Kremlin", "ORG"), ("Rusia", "GPE"), ("BRICS", "ORG"), ("Kazan", "GPE")]
        )
    ]
    records = [
        {
            "id": 1,
            "text": text,
            "entities": ents,
            "Comments": [],
            "sumber": "kompas",
            "relations": [
                {"id": 1, "from_id": 11, "to_id": 12, "type": "SUPPORTS"},
                {"from_id": 12, "to_id": 13, "type": "LOCATED_IN"},
            ],
        },
        {
            "id": 2,
            "text": text + " Lagi.",
            "entities": ents,
            "relations": [{"id": 1, "from_id": 11, "to_id": 99, "type": "SUPPORTS"}],
        },
        {
            "id": 3,
            "text": "Sanksi Uni Eropa untuk Iran.",
            "label": [[7, 16, "ORG"], [23, 27, "GPE"]],
        },
        {"id": 4, "text": "Label lama.", "label": ["positif"]},
    ]
    report = run(store, write_jsonl(tmp_path / "doccano.jsonl", records))
    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "relation #1 SUPPORTS: to_id 99 matches no entity (dangling relation)"),
        (4, 'label #1 is "positif", not [start, end, label]'),
    ]
    assert report.files[0].fmt == "doccano" and report.imported == 2
    assert store.article(1).meta == {"Comments": [], "sumber": "kompas"}
    assert substrings(store, 1) == [
        ("Kremlin", "ORG"),
        ("Rusia", "GPE"),
        ("BRICS", "ORG"),
        ("Kazan", "GPE"),
    ]
    names = {e.id: text[e.start : e.end] for e in store.entities(1)}
    assert sorted((names[r.head], names[r.child], r.label) for r in store.relations(1)) == [
        ("BRICS", "Kazan", "LOCATED_IN"),
        ("Rusia", "BRICS", "SUPPORTS"),
    ]
    assert substrings(store, 2) == [("Uni Eropa", "ORG"), ("Iran", "GPE")]


def test_format_can_be_forced(store: Store, tmp_path: Path) -> None:
    text = "Rusia dan Iran."
    path = write_jsonl(tmp_path / "data.ndjson", [{"text": text, "label": [[0, 5, "GPE"]]}])
    report = run(store, path, fmt="doccano")
    assert report.imported == 1 and substrings(store, 1) == [("Rusia", "GPE")]


# -- txt folders, titles, duplicates ---------------------------------------------------------


def test_txt_folder_recursively_with_titles(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    (folder / "asia").mkdir(parents=True)
    (folder / "b.txt").write_bytes(b"\r\n  \n  Judul B  \r\nIsi B.\r\n")
    (folder / "asia" / "a.txt").write_bytes(b"Jepang\tdan Indonesia\nIsi A.")
    (folder / ".hidden.txt").write_bytes(b"\x00\x05binary twin")
    (folder / "catatan.md").write_text("bukan artikel")
    (folder / "kosong.txt").write_bytes(b" \n\t\n")
    report = run(store, folder)
    assert [p.reason for p in report.problems] == ["the file is empty (no text to import)"]
    assert [f.name for f in report.files] == ["asia/a.txt", "b.txt", "kosong.txt"]
    articles = [store.article(i) for i in store.article_ids()]
    assert [(a.title, a.source, a.meta) for a in articles] == [
        ("Jepang\tdan Indonesia", "a.txt", {"file": "asia/a.txt"}),
        ("Judul B", "b.txt", {"file": "b.txt"}),
    ]
    assert articles[1].text == "\r\n  \n  Judul B  \r\nIsi B.\r\n"


def test_titles_from_file_names(store: Store, tmp_path: Path) -> None:
    (tmp_path / "kunjungan-macron.txt").write_text("Paragraf pertama.\nKedua.")
    run(store, tmp_path / "kunjungan-macron.txt", title_from="filename")
    assert store.article(1).title == "kunjungan-macron"


def test_duplicates_and_reimport_add_nothing(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dup.jsonl", [good(1), good(2), good(1)])
    first = run(store, path)
    assert (first.imported, first.duplicate, first.rejected) == (2, 1, 0) and first.ok
    counts = [
        store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "entities", "relations", "events")
    ]
    assert counts == [2, 8, 4, 1]
    again = run(store, path, tmp_path / "dup.jsonl")
    assert (again.imported, again.duplicate, again.rejected) == (0, 6, 0)
    assert [
        store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("articles", "entities", "relations", "events")
    ] == counts
    event = store.db.execute("SELECT annotator, kind, label FROM events").fetchone()
    assert event == ("ana", "import", "Import dup.jsonl: 2 articles")


def test_spans_as_suggestions(store: Store, tmp_path: Path) -> None:
    run(
        store,
        write_jsonl(tmp_path / "s.jsonl", [good(1, meta={"status": "done"})]),
        spans_as="suggested",
    )
    entities, relations = store.entities(1), store.relations(1)
    assert len(entities) == 4 and len(relations) == 2
    assert {(e.status, e.origin, e.annotator) for e in [*entities, *relations]} == {
        (EntityStatus.SUGGESTED, "import", None)
    }
    assert store.annotators() == []


def test_progress_reaches_the_total(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [good(i) for i in range(7)])
    calls: list[tuple[int, int]] = []
    run(store, path, progress=lambda done, total: calls.append((done, total)), batch_size=3)
    size = path.stat().st_size
    assert calls[-1] == (size, size) and len(calls) >= 3
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_helper_processes_give_the_same_result(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "txt").mkdir(parents=True)
    for i in range(4):
        (folder / "txt" / f"{i}.txt").write_bytes(f"Judul {i}\r\nIsi {i % 3}.".encode())
    write_jsonl(folder / "a.jsonl", [r for r, _ in BROKEN] + [good(1), good(6)])
    write_jsonl(
        folder / "b.jsonl",
        [
            {"text": "Rusia.", "label": [[0, 5, "GPE"]]},
            {"text": "Rusia.", "label": [[0, 5, "GPE"]]},
        ],
    )
    (folder / "latin1.txt").write_bytes(b"caf\xe9")
    results = []
    for workers in (0, 1, 2):
        with Store.create(tmp_path / f"w{workers}.sorot") as store:
            report = run(store, folder, batch_size=3, workers=workers)
            articles = [store.article(i) for i in store.article_ids()]
            results.append(
                (
                    report.problems,
                    report.skipped,
                    report.files,
                    [(a.title, a.text, a.source, a.meta) for a in articles],
                    [substrings(store, a.id) for a in articles],
                    [len(store.relations(a.id)) for a in articles],
                    store.db.execute("SELECT label FROM events ORDER BY id").fetchall(),
                )
            )
    assert results[0] == results[1] == results[2]
    assert [(f.name, f.imported, f.duplicate, f.refused) for f in results[0][2]] == [
        ("a.jsonl", 4, 1, False),
        ("b.jsonl", 1, 1, False),
        ("latin1.txt", 0, 0, True),
        ("txt/0.txt", 1, 0, False),
        ("txt/1.txt", 1, 0, False),
        ("txt/2.txt", 1, 0, False),
        ("txt/3.txt", 1, 0, False),
    ]
    # One event per file and batch (three lines here), committed with its articles, so that
    # a killed import's articles are in the log too; a file within one batch has one.
    assert results[0][6] == [
        ("Import a.jsonl (line 1): 1 article",),
        ("Import a.jsonl (line 14): 1 article",),
        ("Import a.jsonl (line 33): 1 article",),
        ("Import a.jsonl (line 35): 1 article",),
        ("Import b.jsonl: 1 article",),
        ("Import txt/0.txt: 1 article",),
        ("Import txt/1.txt: 1 article",),
        ("Import txt/2.txt: 1 article",),
        ("Import txt/3.txt: 1 article",),
    ]


# -- files that are refused ----------------------------------------------------------------


def test_other_encodings_and_binary_files_are_refused(store: Store, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Judul\nSão Tomé dan Príncipe".encode("latin-1"))
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(json.dumps({"text": "Rusia"}).encode("utf-16"))
    binary = tmp_path / "foto.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    late = tmp_path / "late.jsonl"
    late.write_bytes(b'{"text": "Satu"}\n{"text": "Dua"}\n{"text": "Tiga \xe9"}\n')
    ok = write_jsonl(tmp_path / "ok.jsonl", [{"text": "Baik."}])
    report = run(store, latin, utf16, binary, late, ok)
    assert [str(p) for p in report.problems] == [
        f"{latin}:2: not UTF-8: byte 7 (0xe3, line 2, column 2) cannot be decoded; save the "
        "file as UTF-8 (nothing was imported)",
        f"{utf16}:1: UTF-16 text (it starts with a UTF-16 byte-order mark); Sorot reads UTF-8 "
        "only: save it as UTF-8",
        f"{binary}:3: a NUL byte at byte 8: this is a binary file or text not in UTF-8; "
        "nothing was imported",
        f"{late}:3: not UTF-8: byte 48 (0xe9, line 3, column 16) cannot be decoded; save the "
        "file as UTF-8 (nothing was imported)",
    ]
    assert [f.refused for f in report.files] == [True, True, True, True, False]
    assert report.rejected == 4 and report.imported == 1
    assert [store.article(i).text for i in store.article_ids()] == ["Baik."]


def test_missing_path_is_named_and_nothing_is_imported(store: Store, tmp_path: Path) -> None:
    ok = write_jsonl(tmp_path / "ok.jsonl", [{"text": "Baik."}])
    with pytest.raises(ReadError, match=r"tidak-ada\.jsonl: no such file or folder"):
        run(store, ok, tmp_path / "tidak-ada.jsonl")
    assert store.count_articles() == 0


def test_json_array_is_not_json_lines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"text": "A"}, {"text": "B"}], indent=2))
    report = run(store, path)
    assert [p.reason for p in report.problems] == [
        "a JSON array spread over lines, not JSON Lines (one object per line)"
    ]


# -- a killed import -----------------------------------------------------------------------


@pytest.mark.parametrize("workers", [0, 2])
def test_killed_import_leaves_whole_articles(tmp_path: Path, workers: int) -> None:
    n = 4000
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(_numbered_record(i), ensure_ascii=False) + "\n")
    project = tmp_path / "killed.sorot"
    Store.create(project).close()
    code = (
        "import sys; from annotation.project.store import Store; "
        "from annotation.io.importer import import_paths; "
        "import_paths(Store.open(sys.argv[1]), [sys.argv[2]], annotator='ana', "
        "batch_size=50, workers=int(sys.argv[3]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(project), str(path), str(workers)], cwd=REPO
    )
    children: list[int] = []
    helpers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while _committed(project) < 100:
            assert proc.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "no articles committed within two minutes"
            time.sleep(0.02)
        time.sleep(0.1)  # kill at some point in a batch, not just after a commit
        children = _children(proc.pid)
        # multiprocessing's resource tracker is a child too; it ends with the import as well.
        helpers = [pid for pid in children if not _is_resource_tracker(pid)]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    if workers and Path("/proc").is_dir():
        assert len(helpers) == workers
        deadline = time.monotonic() + 20
        while any(Path(f"/proc/{pid}").exists() for pid in children):
            assert time.monotonic() < deadline, "helper processes outlived the import"
            time.sleep(0.05)
    with Store.open(project) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = store.article_ids()
        assert 100 <= len(ids) < n
        for article_id in ids:
            article = store.article(article_id)
            expected = _numbered_record(article.meta["n"])
            assert article.text == expected["text"]
            assert len(store.entities(article_id)) == len(expected["spans"])
            assert len(store.relations(article_id)) == len(expected["relations"])
            assert store.tokens(article_id)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux), found through /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _numbered_record(i: int) -> dict[str, Any]:
    """Article i, with i % 30 + 1 entities and about a third as many relations."""
    parts, spans = [f"Berita nomor {i}. "], []
    for k in range(i % 30 + 1):
        parts.append(f"Pada hari ke-{k} Presiden Joko Widodo bertemu ")
        start = sum(map(len, parts))
        parts.append(f"Tokoh{k}x{i}")
        spans.append({"start": start, "end": start + len(parts[-1]), "label": "PER"})
        parts.append(" di Jakarta. ")
    relations = [rel(spans[k], spans[k + 1], "MEETS") for k in range(0, len(spans) - 1, 3)]
    return {"text": "".join(parts), "spans": spans, "relations": relations, "meta": {"n": i}}


def _committed(project: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


# -- the shared corpus ---------------------------------------------------------------------


def test_shared_corpus_imports_exactly(store: Store) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (it lives beside the repo)")
    files = sorted(CORPUS.glob("*.txt"))
    report = run(store, CORPUS)
    assert (report.imported, report.problems) == (5, [])
    articles = [store.article(i) for i in store.article_ids()]
    assert len(articles) == len(files) == 5
    for article, file in zip(articles, files):
        text = file.read_bytes().decode("utf-8").removeprefix("\ufeff")
        assert article.text == text
        first = next(line.strip() for line in text.splitlines() if line.strip())
        assert article.title == first and article.meta == {"file": file.name}
    assert articles[0].title == "Kuba-Iran Bentuk Aliansi Negara Pendukung Palestina"
