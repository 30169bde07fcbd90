"""An import that is killed, or stopped by another writer, part-way; and paths an import
cannot read (#14, "Smaller" and "More, from the same run"): the log names every article
committed, exit code 1 ("nothing was changed") is never given after a commit, and nothing
is skipped or refused without a word."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from concurrency_support import (
    HOLDER,
    ROOT,
    count,
    finish,
    healthy,
    import_events,
    sorot,
    start,
    text,
    wait_for,
    write_jsonl,
)

# A writer that waits as long as it takes for the lock (another writer's batch to end),
# then keeps it for a long time, as a slow merge would.
PATIENT_HOLDER = "import annotation.project.db as d; d.BUSY_TIMEOUT_S = 60\n" + HOLDER


def committed(path: Path) -> int:
    try:
        return count(path, "articles")
    except Exception:  # noqa: BLE001 - not created yet
        return 0


@pytest.mark.slow
def test_the_articles_of_a_killed_import_are_in_the_log(tmp_path: Path) -> None:
    project = tmp_path / "p.sorot"
    data = write_jsonl(tmp_path / "big.jsonl", 0, 2000)
    importing = start("import", project, data, "--no-suggest", "--annotator", "ana")
    assert wait_for(lambda: committed(project) >= 500, timeout=60)
    importing.send_signal(signal.SIGKILL)
    importing.wait()
    stored = count(project, "articles")
    assert 500 <= stored < 2000
    assert import_events(project) == stored
    log = sorot("log", project, "--limit", "100")
    assert log.returncode == 0
    assert "Import big.jsonl (lines 1–500): 500 articles" in log.stdout
    healthy(project)


@pytest.mark.slow
def test_an_import_stopped_by_another_writer_says_what_it_committed(tmp_path: Path) -> None:
    project = tmp_path / "p.sorot"
    data = write_jsonl(tmp_path / "big.jsonl", 0, 2000)
    importing = start("import", project, data, "--no-suggest", "--annotator", "ana")
    assert wait_for(lambda: committed(project) >= 500, timeout=60)
    holder = subprocess.Popen(
        [sys.executable, "-c", PATIENT_HOLDER, str(project), "60", "merge"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        code, out, err = finish(importing)
    finally:
        holder.kill()
        holder.wait()
    stored = count(project, "articles")
    assert stored < 2000
    assert code == 3, (out, err)  # finished, but some input was not imported
    assert f"{stored} imported" in out
    assert "stopped before the end of big.jsonl" in out
    assert f"another Sorot process (PID {holder.pid}, sorot merge" in out + err
    assert f"The {stored} articles imported are committed" in out
    assert "damaged" not in out + err
    assert import_events(project) == stored
    healthy(project)


def test_a_named_pipe_is_refused_with_a_message(tmp_path: Path) -> None:
    fifo = tmp_path / "articles.txt"
    os.mkfifo(fifo)
    done = sorot("import", tmp_path / "p.sorot", fifo, "--no-suggest")
    assert done.returncode == 1
    assert "named pipe (FIFO), neither a file nor a folder" in done.stderr
    assert "Traceback" not in done.stderr


def as_other_user() -> list[str]:
    """Root's reads ignore permissions: run without its capabilities (setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, without setpriv(1) permissions cannot be made to count")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]


def test_unreadable_folders_are_errors_not_silence(tmp_path: Path) -> None:
    prefix = as_other_user()
    folder = tmp_path / "in"
    hidden = folder / "2024" / "locked"
    hidden.mkdir(parents=True)
    (folder / "a.txt").write_text(text(1), encoding="utf-8")
    (hidden / "b.txt").write_text(text(2), encoding="utf-8")
    project = tmp_path / "p.sorot"
    hidden.chmod(0)
    try:
        done = subprocess.run(
            [
                *prefix,
                sys.executable,
                str(ROOT / "main.py"),
                "import",
                str(project),
                str(folder),
                "--no-suggest",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 3, done.stderr  # a.txt imported, the folder reported
        assert f"{hidden}:0: cannot read the folder (Permission denied)" in done.stderr
        assert "1 imported" in done.stdout and "1 path unreadable" in done.stdout
        assert count(project, "articles") == 1
        folder.chmod(0)
        done = subprocess.run(
            [
                *prefix,
                sys.executable,
                str(ROOT / "main.py"),
                "import",
                str(project),
                str(folder),
                "--no-suggest",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 1
        assert f"{folder}: cannot read the folder (Permission denied)" in done.stderr
        assert "0 imported" not in done.stdout and "Traceback" not in done.stderr
    finally:
        folder.chmod(0o755)
        hidden.chmod(0o755)
