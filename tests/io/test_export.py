"""Export: Prodigy-style JSONL, doccano JSONL and DocBin, from real project files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from murmurhash.mrmr import hash as murmur

from annotation.io.export import ExportError, ExportReport, export
from annotation.io.export_records import iter_records, to_doccano
from annotation.model import NewEntity, NewRelation
from annotation.nlp.docbin import SPAN_KEY, read_docbin
from annotation.nlp.tokens import tokenize
from annotation.project.store import Store
from annotation.schema import default_schema


def add(
    store: Store,
    text: str,
    spans: list[tuple[str, str]] = (),
    relations: list[tuple[int, int, str]] = (),
    annotator: str | None = "ana",
    status: str | None = "done",
    title: str = "Judul",
    source: str = "kompas.id",
    meta: dict | None = None,
    suggested: list[tuple[str, str]] = (),
) -> int:
    """Add an article whose entities are given as (label, the first occurrence of a text)."""
    entities = [NewEntity(text.index(s), text.index(s) + len(s), label) for label, s in spans]
    entities += [
        NewEntity(
            text.index(s),
            text.index(s) + len(s),
            label,
            status="suggested",
            origin="model",
            score=0.5,
            annotator=None,
        )
        for label, s in suggested
    ]
    return store.add_article(
        text,
        title=title,
        source=source,
        meta=meta if meta is not None else {"url": "u"},
        tokens=next(tokenize([text])),
        entities=entities,
        relations=[NewRelation(h, c, label) for h, c, label in relations],
        annotator=annotator,
        status=status,
    )


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def reconstruct(record: dict) -> str:
    return "".join(t["text"] + (" " if t["ws"] else "") for t in record["tokens"])


def test_prodigy_record_field_by_field(project: Store, tmp_path: Path) -> None:
    text = "Presiden Jokowi bertemu Emmanuel Macron di Jakarta, Senin."
    article_id = add(
        project,
        text,
        [("PER", "Jokowi"), ("PER", "Emmanuel Macron"), ("GPE", "Jakarta")],
        [(0, 1, "MEETS")],
        meta={"url": "https://x.id/1", "date": "2023-12-04"},
    )
    report = export(project, tmp_path / "out.jsonl")
    assert (report.records, report.articles, report.warnings, report.errors) == (1, 1, [], [])
    [record] = lines(tmp_path / "out.jsonl")
    assert list(record) == [
        "text",
        "meta",
        "_input_hash",
        "_task_hash",
        "tokens",
        "spans",
        "relations",
        "answer",
        "_annotator_id",
        "_project_id",
        "_session_id",
    ]
    assert record["text"] == text
    assert record["meta"] == {
        "url": "https://x.id/1",
        "date": "2023-12-04",
        "article_id": article_id,
        "title": "Judul",
        "source": "kompas.id",
        "annotator": "ana",
        "status": "done",
    }
    words = [
        "Presiden",
        "Jokowi",
        "bertemu",
        "Emmanuel",
        "Macron",
        "di",
        "Jakarta",
        ",",
        "Senin",
        ".",
    ]
    assert [t["text"] for t in record["tokens"]] == words
    assert [t["id"] for t in record["tokens"]] == list(range(10))
    assert [t["ws"] for t in record["tokens"]] == [True] * 6 + [False, True, False, False]
    assert record["tokens"][3] == {"text": "Emmanuel", "start": 24, "end": 32, "id": 3, "ws": True}
    assert all(text[t["start"] : t["end"]] == t["text"] for t in record["tokens"])
    assert record["spans"] == [
        {"start": 9, "end": 15, "token_start": 1, "token_end": 1, "label": "PER", "text": "Jokowi"},
        {
            "start": 24,
            "end": 39,
            "token_start": 3,
            "token_end": 4,
            "label": "PER",
            "text": "Emmanuel Macron",
        },
        {
            "start": 43,
            "end": 50,
            "token_start": 6,
            "token_end": 6,
            "label": "GPE",
            "text": "Jakarta",
        },
    ]
    # head and child are the last token of each span, as in spaCy's relation tutorial.
    assert record["relations"] == [
        {
            "head": 1,
            "child": 4,
            "label": "MEETS",
            "head_span": {"start": 9, "end": 15, "token_start": 1, "token_end": 1, "label": "PER"},
            "child_span": {
                "start": 24,
                "end": 39,
                "token_start": 3,
                "token_end": 4,
                "label": "PER",
            },
        }
    ]
    assert record["answer"] == "accept"
    assert record["_annotator_id"] == "ana" and record["_session_id"] == "sorot-ana"
    assert record["_input_hash"] == murmur(text.encode("utf-8"))
    assert all(-(2**31) <= record[k] < 2**31 for k in ("_input_hash", "_task_hash"))
    # The file's line is exactly json.dumps of what iter_records yields.
    [same] = list(iter_records(project))
    raw = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert raw == json.dumps(same, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_hashes_are_stable_and_tell_tasks_apart(project: Store) -> None:
    text = "Retno Marsudi bertemu Wang Yi."
    add(project, text, [("PER", "Retno Marsudi")])
    add(project, text + " ", [("PER", "Wang Yi")], annotator="budi")
    first, second = list(iter_records(project))
    again = list(iter_records(project))
    assert [r["_task_hash"] for r in again] == [first["_task_hash"], second["_task_hash"]]
    assert first["_input_hash"] != second["_input_hash"]
    assert first["_task_hash"] != second["_task_hash"]


TRICKY = (
    "Menlu 🇮🇩 Retno Marsudi 😀 bertemu José\u0301 Ramos-Horta\r\n"
    "di\tDili;\u00a0juga hadir \u05d1\u05e0\u05d9\u05de\u05d9\u05df "
    "\u05e0\u05ea\u05e0\u05d9\u05d4\u05d5 dan "
    "\u0645\u062d\u0645\u0648\u062f \u0639\u0628\u0627\u0633"
    ' yang berkata "damai" \\ 𝔘𝔫𝔦 %d 100%  selesai.\n\n'
)


def test_tricky_text_spans_and_tokens_reconstruct_it(project: Store, tmp_path: Path) -> None:
    names = [
        ("PER", "Retno Marsudi"),
        ("PER", "José\u0301 Ramos-Horta"),
        ("GPE", "Dili"),
        ("PER", "\u05d1\u05e0\u05d9\u05de\u05d9\u05df \u05e0\u05ea\u05e0\u05d9\u05d4\u05d5"),
        ("PER", "\u0645\u062d\u0645\u0648\u062f \u0639\u0628\u0627\u0633"),
        ("ORG", "𝔘𝔫𝔦"),
        ("GPE", "🇮🇩"),
    ]
    add(project, TRICKY, names, [(0, 1, "MEETS")])
    report = export(project, tmp_path / "out.jsonl")
    assert report.errors == []
    [record] = lines(tmp_path / "out.jsonl")
    assert record["text"] == TRICKY
    assert reconstruct(record) == TRICKY
    for token in record["tokens"]:
        assert TRICKY[token["start"] : token["end"]] == token["text"]
    assert {s["text"] for s in record["spans"]} == {name for _, name in names}
    for span in record["spans"]:
        assert span["text"] == TRICKY[span["start"] : span["end"]]
        assert record["tokens"][span["token_start"]]["start"] == span["start"]
        assert record["tokens"][span["token_end"]]["end"] == span["end"]
    [same] = list(iter_records(project))
    assert same == record


def test_photo_credit_spans_are_split_out_with_a_warning(project: Store, tmp_path: Path) -> None:
    text = "Presiden Rusia Vladimir Putin. Foto: AFP/2022./Alexander Nemenov"
    article_id = add(
        project,
        text,
        [("PER", "Vladimir Putin"), ("ORG", "AFP"), ("DATE", "2022"), ("PER", "Alexander Nemenov")],
    )
    report = export(project, tmp_path / "out.jsonl")
    assert report.errors == []
    assert len(report.warnings) == 2  # AFP and 2022 sit inside the token "AFP/2022."
    assert all(w.startswith(f"article {article_id} (ana):") for w in report.warnings)
    assert any("'2022'" in w for w in report.warnings)
    [record] = lines(tmp_path / "out.jsonl")
    by_label = {(s["label"], s["text"]): s for s in record["spans"]}
    date = by_label["DATE", "2022"]
    assert record["tokens"][date["token_start"]]["text"] == "2022"
    assert date["token_start"] == date["token_end"]
    person = by_label["PER", "Alexander Nemenov"]
    assert [
        t["text"] for t in record["tokens"][person["token_start"] : person["token_end"] + 1]
    ] == ["Alexander", "Nemenov"]
    assert reconstruct(record) == text
    assert len(record["spans"]) == 4


def test_span_on_the_space_between_tokens_is_kept(project: Store, tmp_path: Path) -> None:
    text = "Rapat di Jakarta hari ini."
    start = text.index(" Jakarta")
    project.add_article(
        text,
        tokens=next(tokenize([text])),
        annotator="ana",
        status="done",
        entities=[NewEntity(start, start + len(" Jakarta"), "GPE")],
    )
    report = export(project, tmp_path / "out.jsonl")
    assert report.errors == [] and len(report.warnings) == 1
    [record] = lines(tmp_path / "out.jsonl")
    [span] = record["spans"]
    assert span["text"] == " Jakarta"
    assert [t["text"] for t in record["tokens"][span["token_start"] : span["token_end"] + 1]] == [
        " ",
        "Jakarta",
    ]
    assert reconstruct(record) == text


def test_relation_to_another_annotators_entity(project: Store) -> None:
    text = "Prabowo bertemu Anwar Ibrahim."
    project.add_article(
        text,
        tokens=next(tokenize([text])),
        entities=[
            NewEntity(0, 7, "PER", annotator="ana"),
            NewEntity(16, 29, "PER", annotator="budi"),
        ],
        relations=[NewRelation(0, 1, "MEETS", annotator="ana")],
    )
    report = ExportReport()
    ana, budi = list(iter_records(project, report=report))
    assert [s["text"] for s in ana["spans"]] == ["Prabowo", "Anwar Ibrahim"]
    assert ana["relations"][0]["child"] == 3
    assert [s["text"] for s in budi["spans"]] == ["Anwar Ibrahim"]
    assert budi["relations"] == []
    assert len(report.warnings) == 1 and "'Anwar Ibrahim'" in report.warnings[0]


def test_filters(project: Store) -> None:
    text = "Wang Yi tiba di Doha."
    first = add(project, text, [("PER", "Wang Yi")], annotator="ana", status="done")
    project.add_article(
        text + " Lagi.",
        tokens=next(tokenize([text + " Lagi."])),
        entities=[NewEntity(16, 20, "GPE", annotator="budi")],
    )
    untouched = add(
        project,
        "Tidak ada apa-apa.",
        [],
        annotator=None,
        status=None,
        suggested=[("PER", "apa-apa")],
    )
    add(project, "Sebuah artikel lain.", [], annotator="ana", status="skipped")
    for start, end, label in ((0, 7, "PER"), (16, 20, "GPE")):
        project.db.execute(
            'INSERT INTO entities (article_id, start, "end", label, status, origin, score, '
            "annotator, created, updated) VALUES (?, ?, ?, ?, 'suggested', 'model', NULL, "
            "NULL, '', '')",
            (first, start, end, label),
        )

    def who(**kwargs) -> list[tuple[int, str | None, str]]:
        return [
            (r["meta"]["article_id"], r["_annotator_id"], r["meta"]["status"])
            for r in iter_records(project, **kwargs)
        ]

    assert who() == [(1, "ana", "done"), (2, "budi", "todo"), (4, "ana", "skipped")]
    assert who(annotator="budi") == [(2, "budi", "todo")]
    assert who(statuses=["done"]) == [(1, "ana", "done")]
    assert who(statuses=["todo", "skipped"]) == [(2, "budi", "todo"), (4, "ana", "skipped")]
    assert who(include_suggestions=True) == [
        (1, "ana", "done"),
        (2, "budi", "todo"),
        (untouched, None, "todo"),
        (4, "ana", "skipped"),
    ]
    records = {r["meta"]["article_id"]: r for r in iter_records(project, include_suggestions=True)}
    assert records[untouched]["spans"] == [
        {
            "start": 10,
            "end": 17,
            "token_start": 2,
            "token_end": 2,
            "label": "PER",
            "text": "apa-apa",
            "status": "suggested",
            "source": "model",
            "score": 0.5,
        }
    ]
    # A suggestion identical to an accepted entity is listed once, as the accepted one.
    assert [(s["text"], s.get("status", "accepted")) for s in records[first]["spans"]] == [
        ("Wang Yi", "accepted"),
        ("Doha", "suggested"),
    ]
    assert "score" not in records[first]["spans"][1]
    with pytest.raises(ExportError, match="unknown article status"):
        list(iter_records(project, statuses=["finished"]))


def test_doccano_output(project: Store, tmp_path: Path) -> None:
    text = "Macron mengunjungi Jakarta. Macron bertemu Prabowo."
    article_id = add(
        project,
        text,
        [("PER", "Macron"), ("GPE", "Jakarta"), ("PER", "Prabowo")],
        [(0, 1, "VISITS"), (0, 2, "MEETS")],
        meta={"url": "u", "date": "2024"},
    )
    report = export(project, tmp_path / "out.doccano.jsonl", fmt="doccano")
    assert report.records == 1
    [example] = lines(tmp_path / "out.doccano.jsonl")
    assert example == {
        "id": article_id,
        "text": text,
        "entities": [
            {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 6},
            {"id": 2, "label": "GPE", "start_offset": 19, "end_offset": 26},
            {"id": 3, "label": "PER", "start_offset": 43, "end_offset": 50},
        ],
        # Relations come by the text position of their head, then of their child.
        "relations": [
            {"id": 1, "from_id": 1, "to_id": 2, "type": "VISITS"},
            {"id": 2, "from_id": 1, "to_id": 3, "type": "MEETS"},
        ],
        "url": "u",
        "date": "2024",
        "title": "Judul",
        "source": "kompas.id",
        "annotator": "ana",
        "status": "done",
    }
    assert to_doccano(next(iter_records(project))) == example


def test_docbin_loads_back(tmp_path: Path) -> None:
    schema = default_schema().with_changes(allow_overlap=True)
    with Store.create(tmp_path / "p.sorot", schema) as store:
        text = "Foto: AFP/2022./Alexander Nemenov\nMenteri Luar Negeri AS Antony Blinken tiba."
        add(
            store,
            text,
            [
                ("ORG", "AFP"),
                ("DATE", "2022"),
                ("PER", "Alexander Nemenov"),
                ("ROLE", "Menteri Luar Negeri AS"),
                ("GPE", "AS"),
                ("PER", "Antony Blinken"),
            ],
            [(5, 4, "REPRESENTS")],
        )
        report = export(store, tmp_path / "train.spacy", fmt="spacy")
        [record] = list(iter_records(store))
    assert report.records == 1 and report.errors == []
    [doc] = read_docbin((tmp_path / "train.spacy").read_bytes())
    assert doc.text == text
    assert [t.text for t in doc] == [t["text"] for t in record["tokens"]]
    spans = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    assert {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPAN_KEY]} == spans
    # "AS" sits inside the ROLE span: doc.ents keeps the longer one.
    assert {(e.text, e.label_) for e in doc.ents} == {
        ("AFP", "ORG"),
        ("2022", "DATE"),
        ("Alexander Nemenov", "PER"),
        ("Menteri Luar Negeri AS", "ROLE"),
        ("Antony Blinken", "PER"),
    }
    head = text.index("Antony Blinken")
    assert doc.user_data["relations"] == (
        {
            "head": (head, head + len("Antony Blinken")),
            "child": (text.index(" AS") + 1, text.index(" AS") + 3),
            "label": "REPRESENTS",
        },
    )
    assert doc.user_data["meta"]["annotator"] == "ana"


def test_docbin_without_overlap_has_no_span_group(project: Store, tmp_path: Path) -> None:
    add(project, "Jokowi di Bogor.", [("PER", "Jokowi"), ("GPE", "Bogor")])
    export(project, tmp_path / "train.spacy", fmt="spacy")
    [doc] = read_docbin((tmp_path / "train.spacy").read_bytes())
    assert [(e.text, e.label_) for e in doc.ents] == [("Jokowi", "PER"), ("Bogor", "GPE")]
    assert SPAN_KEY not in doc.spans


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy"])
def test_failed_export_keeps_the_last_good_file(project: Store, tmp_path: Path, fmt: str) -> None:
    filler = "Kedua negara sepakat memperluas kerja sama di bidang energi. " * 80
    for n in range(40):
        add(project, f"Artikel nomor {n} tentang Jakarta. {filler}", [("GPE", "Jakarta")])
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "out"
    export(project, out, fmt=fmt)
    good = out.read_bytes()
    assert len(good) > 1 << 20 or fmt != "jsonl"  # more than the write buffer holds
    # A damaged token blob in the 36th article makes the export fail after 35 are written.
    project.db.execute("UPDATE tokens SET data = x'7a7a' WHERE article_id = 36")
    with pytest.raises(ValueError, match="unknown token encoding"):
        export(project, out, fmt=fmt)
    assert out.read_bytes() == good
    assert [p.name for p in folder.iterdir()] == ["out"]  # and no temporary file left


def test_export_errors_before_writing(project: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export(project, tmp_path / "x", fmt="csv")
    with pytest.raises(ExportError, match="no such folder"):
        export(project, tmp_path / "missing" / "x.jsonl")
    with pytest.raises(ExportError, match="is a folder"):
        export(project, tmp_path)


def test_progress_and_report(project: Store, tmp_path: Path) -> None:
    for n in range(3):
        add(project, f"Berita {n} dari Doha.", [("GPE", "Doha")])
    calls = []
    report = export(project, tmp_path / "out.jsonl", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (3, 3)
    assert report.summary().startswith("exported 3 records from 3 articles to ")


def _round_trip(tmp_path: Path, fmt: str) -> None:
    from annotation.io.importer import import_paths

    with Store.create(tmp_path / "a.sorot") as store:
        add(
            store,
            "Presiden Jokowi bertemu Emmanuel Macron di Jakarta.",
            [
                ("ROLE", "Presiden"),
                ("PER", "Jokowi"),
                ("PER", "Emmanuel Macron"),
                ("GPE", "Jakarta"),
            ],
            [(1, 2, "MEETS"), (2, 3, "VISITS")],
        )
        add(
            store,
            TRICKY,
            [("PER", "Retno Marsudi"), ("ORG", "𝔘𝔫𝔦")],
            annotator="budi",
            status="in_progress",
            meta={"url": "https://x.id/2", "n": 2.5},
        )
        add(store, "Foto: AFP/2022./Alexander Nemenov", [("DATE", "2022")], status=None, meta={})
        first = tmp_path / f"first.{fmt}"
        export(store, first, fmt=fmt)
    with Store.create(tmp_path / "b.sorot") as store:
        report = import_paths(store, [first], fmt=fmt, annotator="someone")
        assert (report.imported, report.rejected) == (3, 0), report.problems
        second = tmp_path / f"second.{fmt}"
        export(store, second, fmt=fmt)
    # Each record names the project its annotator's work was made in (`_project_id`, see
    # annotation.team.merge): the imported copy is another project. All else is identical.
    local = re.compile(rb',"_project_id":"[0-9a-f]{32}"')
    assert local.sub(b"", second.read_bytes()) == local.sub(b"", first.read_bytes())


def test_round_trip_jsonl_is_identical(tmp_path: Path) -> None:
    _round_trip(tmp_path, "jsonl")


def test_round_trip_doccano_is_identical(tmp_path: Path) -> None:
    _round_trip(tmp_path, "doccano")


def test_every_line_is_json_dumps_of_its_record(project: Store, tmp_path: Path) -> None:
    # The JSONL writer makes token JSON without dicts; random texts with every character
    # JSON or %-formatting treats specially must come out as json.dumps would write them.
    import random

    rng = random.Random(7)
    pieces = [
        *'ab "\\\n\t\x02é😀 .,/\u00a0\r%\ue000',
        "  ",
        "AFP/2022./Alex ",
        "(4/12) ",
        "Jakarta, ",
        '"Kami" ',
        "100% ",
    ]
    for n in range(300):
        text = f"{n} " + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        end = rng.randint(1, len(text))
        start = rng.randrange(end)
        project.add_article(
            text,
            tokens=next(tokenize([text])),
            annotator="ana",
            entities=[NewEntity(start, end, "PER")],
        )
    report = export(project, tmp_path / "out.jsonl")
    assert report.errors == [] and report.records == 300
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    records = list(iter_records(project))
    for line, record in zip(written, records, strict=True):
        assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert reconstruct(record) == record["text"]
        [span] = record["spans"]
        assert record["tokens"][span["token_start"]]["start"] == span["start"]
        assert record["tokens"][span["token_end"]]["end"] == span["end"]


@pytest.mark.parametrize("pwrite", [True, False], ids=["pwrite", "seek-and-write"])
def test_parallel_export_matches_single_process(tmp_path: Path, monkeypatch, pwrite) -> None:
    """Workers write their parts in place; the file is the one a single process writes,
    also where there is no os.pwrite (Windows) and each worker seeks and writes."""
    import annotation.io.export as export_module
    import annotation.io.export_parallel as parallel_module

    store = Store.create(tmp_path / "many.sorot")
    with store.transaction():
        for n in range(60):
            text = f"Presiden {n} bertemu Menteri Luar Negeri di Jakarta 😀 pada Senin."
            start = text.index("Jakarta")
            store.add_article(
                text,
                title=f"t{n}",
                tokens=next(tokenize([text])),
                entities=[NewEntity(start, start + 7, "GPE")],
                annotator="ana",
            )
    single, parallel = tmp_path / "single.jsonl", tmp_path / "parallel.jsonl"
    export(store, single, workers=1)
    monkeypatch.setattr(export_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel_module, "CHUNK", 7)  # nine parts, out of order at times
    monkeypatch.setattr(parallel_module, "PWRITE", pwrite and hasattr(os, "pwrite"))
    report = export(store, parallel, workers=2)
    assert report.records == 60
    assert parallel.read_bytes() == single.read_bytes()
    store.close()
