"""Every bad project file against every command, each a real `sorot` process (issue 14).

Files: a damaged project (a few bytes overwritten in pages past the header), another
program's SQLite file, a file with Sorot's application id and no tables, a project from a
newer Sorot (an unknown migration row; a future `PRAGMA user_version`), a read-only project
(chmod 444, run without root's power to ignore it), a folder, an empty file and a text file.

Each case asserts: no traceback; the expected outcome (`ok`: the command works, as reading a
read-only project should; `refused`: exit 1 with a message naming the file and its cause;
`either`: one of the two, where both are honest); and the file's sha256 unchanged, since
none of these files is a healthy writable project. All cases are run at once by a pool
(each process spends most of its time importing), then checked one by one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from files_support import (
    damage,
    make_newer,
    make_project,
    quick_check,
    sorot,
    with_application_id_only,
)

pytestmark = pytest.mark.slow

READS = ["stats", "export", "log", "agreement", "backup", "screenshot"]
WRITES = ["import", "suggest", "merge", "schema"]
COMMANDS = [*READS, *WRITES, "recover"]
FILES = [
    "damaged",
    "foreign",
    "id_only",
    "newer_migration",
    "newer_version",
    "read_only",
    "folder",
    "empty",
    "text",
]

# The words of the cause each refusal must say, beside the file's path.
CAUSES = {
    "damaged": "damaged",
    "foreign": "another program",
    "id_only": "not a complete Sorot project",
    "newer_migration": "made by a newer Sorot (migration m099_future)",
    "newer_version": "made by a newer Sorot (project format",
    "read_only": "read-only",
    "folder": "folder",
    "empty": "not a Sorot project",
    "text": "not a Sorot project",
}

# Combinations that fail today: real findings, kept strict so a fix turns them green.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def expected(kind: str, command: str) -> str:
    """'ok', 'refused' or 'either' for this file and command."""
    if kind in ("foreign", "folder", "empty", "text"):
        return "refused"
    if kind == "id_only":
        return "either" if command == "recover" else "refused"
    if kind == "damaged":
        # SQLite finds the damage only on the pages a query touches, so a read may succeed;
        # recover exists for exactly this file.
        return {"recover": "ok"}.get(command, "refused" if command in WRITES else "either")
    if kind.startswith("newer"):
        if command in WRITES or command == "recover":
            return "refused"
        return "either" if command == "screenshot" else "ok"
    assert kind == "read_only"
    return "refused" if command in WRITES else "ok"


@dataclass
class Outcome:
    returncode: int | None  # None: it did not end within the timeout
    stdout: str
    stderr: str
    before: str
    after: str
    path: Path


def tree_digest(path: Path) -> str:
    """sha256 of a file, or of a folder's names and contents (nothing added inside it)."""
    h = hashlib.sha256()
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            h.update(str(item.relative_to(path)).encode() + b"\0")
            if item.is_file():
                h.update(item.read_bytes())
    elif path.exists():
        h.update(path.read_bytes())
    else:
        h.update(b"<missing>")
    return h.hexdigest()


def _make_bad(kind: str, folder: Path, template: Path) -> Path:
    path = folder / "p.sorot"
    if kind in ("damaged", "newer_migration", "newer_version", "read_only"):
        shutil.copyfile(template, path)
    if kind == "damaged":
        damage(path)
        assert quick_check(path) != ["ok"]
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO photos (name) VALUES ('pantai.jpg')")
        conn.commit()
        conn.close()
    elif kind == "id_only":
        with_application_id_only(path)
    elif kind in ("newer_migration", "newer_version"):
        make_newer(path, "migration" if kind == "newer_migration" else "version")
    elif kind == "read_only":
        os.chmod(path, 0o444)
    elif kind == "folder":
        path.mkdir()
        (path / "notes.txt").write_text("bukan proyek\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("Ini catatan, bukan proyek Sorot.\n" * 40)
    return path


def _argv(command: str, path: Path, folder: Path, other: Path) -> list[object]:
    out = folder / "out"
    return {
        "stats": ["stats", path],
        "export": ["export", path, out / "train.jsonl"],
        "log": ["log", path],
        "agreement": ["agreement", path],
        "backup": ["backup", path, out / "copy.sorot"],
        "screenshot": ["screenshot", path, out / "shot.png"],
        "import": ["import", path, folder / "new.txt", "--no-suggest"],
        "suggest": ["suggest", path, "--no-relation-model"],
        "merge": ["merge", path, other],
        "schema": ["schema", path, "--rename", "PER", "PERSON"],
        "recover": ["recover", path, out / "new.sorot"],
    }[command]


def _run_case(
    kind: str, command: str, root: Path, template: Path, other_template: Path, env: dict[str, str]
) -> Outcome:
    folder = root / f"{kind}-{command}"
    (folder / "out").mkdir(parents=True)
    (folder / "new.txt").write_text("Judul\nIsi artikel baru tentang Jakarta.\n")
    other = Path(shutil.copyfile(other_template, folder / "other.sorot"))
    path = _make_bad(kind, folder, template)
    before = tree_digest(path)
    try:
        done = sorot(
            *_argv(command, path, folder, other),
            timeout=90,
            env=env,
            as_other_user=kind == "read_only",
        )
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, stdout, stderr = None, str(exc.stdout or ""), str(exc.stderr or "")
    return Outcome(code, stdout, stderr, before, tree_digest(path), path)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Outcome]:
    root = tmp_path_factory.mktemp("matrix")
    template = make_project(tmp_path_factory.mktemp("template"))
    other_template = make_project(
        tmp_path_factory.mktemp("other"), count=3, seed=15, annotator="budi"
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SOROT_CONFIG_DIR=str(root / "config"),
        SOROT_DATA_DIR=str(root / "data"),
    )
    cases = [(kind, command) for kind in FILES for command in COMMANDS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            case: pool.submit(_run_case, *case, root, template, other_template, env)
            for case in cases
        }
        return {case: future.result() for case, future in futures.items()}


def _params() -> list[object]:
    params = []
    for kind in FILES:
        for command in COMMANDS:
            marks = []
            if (kind, command) in KNOWN_GAPS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[kind, command]))
            params.append(pytest.param(kind, command, marks=marks, id=f"{kind}-{command}"))
    return params


def _worked(command: str, done: Outcome) -> bool:
    """Did the command do its job (which for some is an honest answer with exit 1 or 3)?"""
    if command == "agreement":  # one annotator: the honest answer after reading the file
        return done.returncode == 1 and "at least two annotators" in done.stderr
    if command == "recover":  # 3: recovered, and says what was lost
        return done.returncode in (0, 3) and (done.path.parent / "out" / "new.sorot").exists()
    return done.returncode == 0


@pytest.mark.parametrize(("kind", "command"), _params())
def test_bad_file_against_command(
    outcomes: dict[tuple[str, str], Outcome], kind: str, command: str
) -> None:
    done = outcomes[kind, command]
    shown = f"exit {done.returncode}\nstdout: {done.stdout[-800:]}\nstderr: {done.stderr[-1500:]}"
    assert done.returncode is not None, f"did not end within 90 s\n{shown}"
    assert "Traceback" not in done.stderr, shown
    want = expected(kind, command)
    if want == "ok" or (want == "either" and _worked(command, done)):
        assert _worked(command, done), shown
    else:
        assert done.returncode == 1, shown
        assert str(done.path) in done.stderr, f"the message does not name the file\n{shown}"
        assert CAUSES[kind] in done.stderr, f"the message does not say {CAUSES[kind]!r}\n{shown}"
    assert done.after == done.before, f"the file was modified\n{shown}"
