"""The five real articles in ../shared/corpus: imported, annotated and exported faithfully."""

from __future__ import annotations

import json
from pathlib import Path

from annotation.io.export import export
from annotation.io.export_records import iter_records
from annotation.io.importer import import_paths
from annotation.nlp.docbin import read_docbin
from annotation.project.commands import AddEntity, CommandStack
from annotation.project.store import Store


def test_corpus_round_trip_with_photo_credit(tmp_path: Path, corpus_files) -> None:
    files = corpus_files
    store = Store.create(tmp_path / "corpus.sorot")
    report = import_paths(store, files, fmt="txt", annotator="ana")
    assert (report.imported, report.rejected) == (5, 0)
    texts = {store.article(i).text: i for i in store.article_ids()}
    assert set(texts) == {f.read_text(encoding="utf-8") for f in files}

    stack = CommandStack(store, "ana")
    credit = "21 Februari 2022./Alexander Nemenov / REUTERS"
    wanted = {
        "21 Februari 2022": "DATE",
        "Alexander Nemenov": "PER",
        "REUTERS": "ORG",
        "Sergei Lavrov": "PER",
        "Moskow": "GPE",
    }
    [(text, article)] = [(t, i) for t, i in texts.items() if credit in t]
    base = text.index(credit)
    for needle, label in wanted.items():
        start = text.index(needle, base) if needle in credit else text.index(needle)
        stack.do(AddEntity(article, start, start + len(needle), label))

    records = list(iter_records(store))
    [record] = records
    assert record["text"] == text
    got = {s["text"]: s["label"] for s in record["spans"]}
    assert got == wanted
    tokens = record["tokens"]
    for span in record["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in tokens)
    assert rebuilt == text

    out = tmp_path / "corpus.jsonl"
    written = export(store, out)
    assert written.records == 1
    assert any("2022" in w for w in written.warnings)  # "2022." was split, and said so
    assert json.loads(out.read_text(encoding="utf-8")) == record

    doccano = tmp_path / "corpus.doccano.jsonl"
    export(store, doccano, fmt="doccano")
    line = json.loads(doccano.read_text(encoding="utf-8"))
    assert {text[e["start_offset"] : e["end_offset"]] for e in line["entities"]} == set(wanted)

    spacy_file = tmp_path / "corpus.spacy"
    export(store, spacy_file, fmt="spacy")
    [doc] = read_docbin(spacy_file.read_bytes())
    assert doc.text == text
    assert {(e.text, e.label_) for e in doc.ents} == set(wanted.items())
    store.close()
