"""An export killed with kill -9: its workers end with it, and the next export tidies up.

Real `sorot export` processes on a real project large enough for worker processes (4,000
articles, `annotation.io.export.PARALLEL_MIN`); the export is killed while its workers run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotation.model import NewEntity
from annotation.nlp.tokens import tokenize
from annotation.project.store import Store

ROOT = Path(__file__).resolve().parents[2]
BODY = (
    "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Malaysia di Jakarta "
    "pada Senin untuk membahas perundingan batas maritim kedua negara. "
) * 6
ARTICLES = 4000  # annotation.io.export.PARALLEL_MIN: the least that an export uses workers for

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)"
)


def _project(path: Path) -> Path:
    texts = [f"Artikel {n:05d}. {BODY}" for n in range(ARTICLES)]
    start = texts[0].index("Jakarta")
    with Store.create(path) as store, store.transaction():
        for text, tokens in zip(texts, tokenize(texts)):
            store.add_article(
                text,
                title=text[:13],
                tokens=tokens,
                annotator="ana",
                entities=[NewEntity(start, start + 7, "GPE")],
            )
    return path


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("export") / "big.sorot")


def _sorot(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (dead, waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".train.jsonl.*.tmp"))


@pytest.mark.slow
def test_killed_export_leaves_no_workers_and_the_next_export_removes_its_temp(
    big_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "train.jsonl"
    out.write_text("the last good export\n", encoding="utf-8")
    export = subprocess.Popen(
        _sorot("export", str(big_project), str(out)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    # Kill once the workers have started and the temporary file exists: mid-export.
    while time.monotonic() < deadline and export.poll() is None:
        workers |= _children(export.pid)
        if len([w for w in workers if _running(w)]) >= 2 and _temporaries(tmp_path):
            break
        time.sleep(0.05)
    assert export.poll() is None, "the export ended before it could be killed"
    os.kill(export.pid, signal.SIGKILL)
    export.wait()
    assert workers, "the export started no worker processes"

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(w) for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if _running(w)]
    for pid in alive:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert alive == [], f"workers {alive} outlived the killed export by 10 s"
    assert out.read_text(encoding="utf-8") == "the last good export\n"
    left = _temporaries(tmp_path)
    assert left, "the killed export left no temporary file to clean up"

    done = subprocess.run(
        _sorot("export", str(big_project), str(out)), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert _temporaries(tmp_path) == []
    assert str(left[0]) in done.stderr  # the researcher is told what was removed
    assert len(out.read_text(encoding="utf-8").splitlines()) == ARTICLES
