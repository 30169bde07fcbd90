"""Export output is JSON, whatever the project holds, and temporary files are tidied up.

Real project files in tmp_path; projects made by an older Sorot are built with the store as
it wrote them (NaN and Infinity in metadata and scores, metadata nested deeply).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotation.model import NewEntity, NewRelation
from annotation.nlp.tokens import tokenize
from annotation.project.store import Store
from cli.exit_codes import EXIT_OK, EXIT_REJECTED
from cli.main import run

TEXT = "Presiden Joko Widodo bertemu Perdana Menteri Anwar Ibrahim di Bogor pada Senin."


def strict(line: str) -> dict:
    """Parse as JSON proper: NaN, Infinity and -Infinity are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def _old_project(path: Path, meta: dict, score: float) -> Path:
    """A project as an older Sorot stored it: any float as a score, metadata as given."""
    with Store.create(path) as store, store.transaction():
        ents = [
            NewEntity(*_span("Joko Widodo"), "PER", "suggested", "model", score),
            NewEntity(*_span("Anwar Ibrahim"), "PER", "suggested", "model", -score),
            NewEntity(*_span("Bogor"), "GPE"),
        ]
        store.add_article(
            TEXT,
            title="t",
            meta=meta,
            tokens=next(tokenize([TEXT])),
            entities=ents,
            annotator="ana",
            relations=[NewRelation(0, 1, "MEETS", "suggested", "rules", score)],
        )
    return path


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_nan_and_infinity_are_exported_as_json(tmp_path: Path, value: float, fmt: str) -> None:
    project = _old_project(tmp_path / "old.sorot", {"weight": value, "list": [value, 1.5]}, value)
    out = tmp_path / f"out.{fmt}.jsonl"
    code = run(["export", str(project), str(out), "--format", fmt, "--include-suggestions"])
    assert code == EXIT_OK
    [line] = out.read_text(encoding="utf-8").splitlines()
    record = strict(line)  # raises on NaN or Infinity
    meta = record["meta"] if fmt == "jsonl" else record
    assert meta["weight"] is None and meta["list"] == [None, 1.5]
    if fmt == "jsonl":
        assert all("score" not in s for s in record["spans"])
        assert all("score" not in r for r in record["relations"])


def test_nan_and_infinity_read_as_null_and_round_trip(tmp_path: Path) -> None:
    """Python writes NaN and Infinity into JSON; such a file imports, and exports as JSON."""
    start, end = _span("Joko Widodo")
    line = (
        f'{{"text": {json.dumps(TEXT)}, "meta": {{"w": NaN, "x": [Infinity, -Infinity, '
        f'1e999]}}, "spans": [{{"start": {start}, "end": {end}, "label": "PER", '
        f'"status": "suggested", "score": NaN}}]}}'
    )
    data = tmp_path / "in.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    project, out = tmp_path / "p.sorot", tmp_path / "out.jsonl"
    assert run(["import", str(project), str(data), "--no-suggest"]) == EXIT_OK
    with Store.open(project) as store:
        [article] = [store.article(1)]
        assert article.meta == {"w": None, "x": [None, None, None]}
        [entity] = store.entities(1)
        assert entity.score is None
    assert run(["export", str(project), str(out), "--include-suggestions"]) == EXIT_OK
    strict(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("depth", [200, 5000])
def test_metadata_nested_too_deeply_by_an_older_sorot_is_left_out_and_said(
    tmp_path: Path, capsys, depth: int
) -> None:
    """An older Sorot stored metadata as deep as Python's parser could read (about 1,000
    levels at the top of the stack, fewer further down); a hand edit, deeper still."""
    project = _old_project(tmp_path / "old.sorot", {}, 0.5)
    with Store.open(project) as store, store.transaction():
        store.db.execute(
            "UPDATE articles SET meta = ?",
            ['{"ok": 1, "deep": ' + '{"a": ' * depth + "1" + "}" * depth + "}"],
        )
    out = tmp_path / "out.jsonl"
    assert run(["export", str(project), str(out)]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert "article 1: its metadata nests more than 64 levels deep; exported without it" in err
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert strict(line)["meta"]["article_id"] == 1


def _temp_of(out: Path, pid: int) -> Path:
    from annotation.io.temp_files import temp_name

    return out.with_name(temp_name(out, pid))


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_next_export_removes_temporaries_of_dead_exports_only(tmp_path: Path, capsys) -> None:
    project = _old_project(tmp_path / "p.sorot", {}, 0.5)
    out = tmp_path / "train.jsonl"
    dead = _temp_of(out, _dead_pid())
    dead.write_bytes(b"x" * 1000)
    running = _temp_of(out, os.getpid())  # an export in progress, in another window
    running.write_bytes(b"y")
    other = tmp_path / ".other.jsonl.sorot-1-abcdef-01234567.tmp"  # another file's
    other.write_bytes(b"z")
    legacy_old = tmp_path / ".train.jsonl.0123abcd.tmp"  # named as Sorot did before
    legacy_old.write_bytes(b"old")
    hour_ago = time.time() - 2 * 3600
    os.utime(legacy_old, (hour_ago, hour_ago))
    legacy_new = tmp_path / ".train.jsonl.89abcdef.tmp"
    legacy_new.write_bytes(b"new")
    assert run(["export", str(project), str(out)]) == EXIT_OK
    err = capsys.readouterr().err
    assert not dead.exists() and not legacy_old.exists()
    assert running.exists() and other.exists() and legacy_new.exists()
    assert f"removed {dead} (0.0 MB)" in err
    assert str(legacy_old) in err


def test_parts_are_written_in_place_without_pwrite(tmp_path: Path) -> None:
    """Windows has no os.pwrite: the fallback each worker uses writes at the same places."""
    from annotation.io.export_parallel import seek_and_write, write_at

    target = tmp_path / "parts.bin"
    target.write_bytes(b"")
    parts = [(b"first part\n", 0), (b"third\n", 17), (b"second", 11)]
    fds = [os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0)) for _ in parts]
    try:
        for fd, (data, offset) in zip(fds, parts):
            written = seek_and_write(fd, data, offset)
            assert written == len(data)
        write_at(fds[0], b"\n", 23)
    finally:
        for fd in fds:
            os.close(fd)
    assert target.read_bytes() == b"first part\nsecondthird\n\n"
