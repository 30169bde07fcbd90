"""An import holds a bounded amount of text at once (#14): batches end by bytes as well as
by lines, and helper processes (each loads spaCy) start only for text that will be parsed and
tokenized, never for files refused whole or articles over the limit."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from annotation.io.importer import import_paths
from annotation.limits import MAX_ARTICLE_CHARS
from annotation.project.store import Store

SENTENCE = "Presiden Joko Widodo bertemu Menteri Retno Marsudi di Jakarta pada Senin. "

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
two_cores = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="helpers start only with two cores or more"
)


def article(n: int, chars: int) -> dict[str, str]:
    """A JSONL record of about `chars` characters, its number first."""
    head = f"Berita {n}.\n"
    return {"text": head + SENTENCE * max(1, (chars - len(head)) // len(SENTENCE))}


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def children() -> list[int]:
    """This process's children (Linux), found through /proc, but for the resource tracker
    multiprocessing starts once, at the first pool, and keeps until the tests end."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid():
                continue
            if b"resource_tracker" in (stat.parent / "cmdline").read_bytes():
                continue
        except OSError:
            continue
        found.append(int(stat.parent.name))
    return found


def events(store: Store) -> list[str]:
    return [label for (label,) in store.db.execute("SELECT label FROM events ORDER BY id")]


def test_a_batch_ends_once_its_lines_hold_batch_bytes(tmp_path: Path) -> None:
    """Ten lines of about 1 KB in batches of at most 500 lines and 2,500 bytes: the third
    line of each batch passes the bound and ends it, whatever the line count."""
    records = [article(n, 1000) for n in range(10)]
    path = write_jsonl(tmp_path / "a.jsonl", records)
    other = write_jsonl(tmp_path / "b.jsonl", [article(10, 1000)])
    calls: list[tuple[int, int]] = []
    with Store.create(tmp_path / "p.sorot") as store:
        report = import_paths(
            store,
            [path, other],
            annotator="ana",
            batch_bytes=2_500,
            workers=0,
            progress=lambda *c: calls.append(c),
        )
        titles = [store.article(i).title for i in store.article_ids()]
        logged = events(store)
    assert report.ok and report.imported == 11
    assert [(f.name, f.imported, f.done) for f in report.files] == [
        ("a.jsonl", 10, True),
        ("b.jsonl", 1, True),
    ]
    assert titles == [f"Berita {n}." for n in range(11)]
    # One event per file and batch: the lines each batch held, in file order.
    assert logged == [
        "Import a.jsonl (lines 1–3): 3 articles",
        "Import a.jsonl (lines 4–6): 3 articles",
        "Import a.jsonl (lines 7–9): 3 articles",
        "Import a.jsonl (line 10): 1 article",
        "Import b.jsonl: 1 article",
    ]
    size = path.stat().st_size + other.stat().st_size
    assert len(calls) == 4 and calls[-1] == (size, size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_refused_files_between_byte_bound_batches_keep_their_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "1.jsonl", [article(n, 1000) for n in range(4)])
    (folder / "2.txt").write_bytes(b"caf\xe9")  # not UTF-8: refused whole
    write_jsonl(folder / "3.jsonl", [article(n, 1000) for n in range(4, 7)])
    with Store.create(tmp_path / "p.sorot") as store:
        report = import_paths(store, [folder], annotator="ana", batch_bytes=1_500, workers=0)
        logged = events(store)
    assert [(f.name, f.imported, f.refused, f.done) for f in report.files] == [
        ("1.jsonl", 4, False, True),
        ("2.txt", 0, True, False),
        ("3.jsonl", 3, False, True),
    ]
    assert [Path(p.path).name for p in report.problems] == ["2.txt"]
    assert logged == [
        "Import 1.jsonl (lines 1–2): 2 articles",
        "Import 1.jsonl (lines 3–4): 2 articles",
        "Import 3.jsonl (lines 1–2): 2 articles",
        "Import 3.jsonl (line 3): 1 article",
    ]


@linux_only
@two_cores
@pytest.mark.skipif(getattr(sys, "frozen", False), reason="helpers need a Python to run")
def test_refused_input_starts_no_helper_process(tmp_path: Path) -> None:
    """10 MB of input, over PARALLEL_BYTES, of which only one short article is imported: a
    .txt file too long to read and a JSONL line longer than any article. Sorot started a
    helper (which loads spaCy) by the total size; none starts now."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "book.txt").write_text(SENTENCE * (8_100_000 // len(SENTENCE)), encoding="utf-8")
    write_jsonl(folder / "long.jsonl", [article(1, 100), article(2, MAX_ARTICLE_CHARS + 100)])
    seen: list[int] = []
    with Store.create(tmp_path / "p.sorot") as store:
        report = import_paths(
            store, [folder], annotator="ana", progress=lambda *_: seen.extend(children())
        )
    assert report.imported == 1 and len(report.problems) == 2
    assert [(f.name, f.refused) for f in report.files] == [
        ("book.txt", True),
        ("long.jsonl", False),
    ]
    long_line = report.problems[1]
    assert long_line.line == 2 and "longer than the 2,000,000 characters" in long_line.reason
    assert seen == [] and report.helpers == 0


@linux_only
@two_cores
@pytest.mark.skipif(getattr(sys, "frozen", False), reason="helpers need a Python to run")
def test_helpers_start_once_new_text_passes_the_bound(tmp_path: Path) -> None:
    """With the bound lowered to 20,000 characters, 40 articles of 2,000 (80,000 in all)
    start helpers part-way, and import exactly as without them; importing the same file
    again parses it here and starts none, as nothing in it is new."""
    path = write_jsonl(tmp_path / "a.jsonl", [article(n, 2000) for n in range(40)])
    results, helpers = [], []
    for workers in (0, None, None):
        with Store.create(tmp_path / f"p{len(results)}.sorot") as store:
            report = import_paths(
                store, [path], annotator="ana", batch_size=4, workers=workers, parallel_bytes=20_000
            )
            helpers.append(report.helpers)
            if len(results) == 2:
                report = import_paths(
                    store, [path], annotator="ana", batch_size=4, parallel_bytes=20_000
                )
                helpers.append(report.helpers)
                assert report.duplicate == 40 and report.imported == 0
            results.append([(store.article(i).text, store.tokens(i)) for i in store.article_ids()])
    assert results[0] == results[1] == results[2] and len(results[0]) == 40
    assert helpers[0] == 0 and helpers[1] >= 1 and helpers[-1] == 0, helpers
