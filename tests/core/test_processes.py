"""annotation.processes: Sorot's one way to run work in other processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from annotation.processes import Pool

REPO = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _square_later(n: int) -> int:
    time.sleep(0.05 * (n % 3))  # later tasks often finish first
    return n * n


def _fail(n: int) -> int:
    raise ValueError(f"no {n}")


def _die(n: int) -> int:
    os._exit(3)


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


_setup: list[str] = []


def _remember(value: str) -> None:
    _setup.append(value)


def _setup_value(_: int) -> str:
    return _setup[0]


def test_results_come_back_in_order_with_a_bounded_number_in_flight() -> None:
    with Pool[int](2) as pool:
        assert pool.size == 4
        assert list(pool.map(_square_later, range(12))) == [n * n for n in range(12)]
        for n in range(4):
            pool.put(_square_later, n)
        assert pool.full
        with pytest.raises(RuntimeError, match="4 tasks in flight"):
            pool.put(_square_later, 5)
        assert [pool.take() for _ in range(4)] == [0, 1, 4, 9]
        assert 1 <= pool.started <= 2


def test_the_initializer_runs_in_each_worker() -> None:
    with Pool[str](1, _remember, ("ready",)) as pool:
        assert list(pool.map(_setup_value, range(3))) == ["ready"] * 3


def test_a_task_error_is_raised_by_take_and_a_dead_worker_breaks_the_pool() -> None:
    with Pool[int](1) as pool:
        pool.put(_fail, 7)
        with pytest.raises(ValueError, match="no 7"):
            pool.take()
        pool.put(_die, 0)
        with pytest.raises(BrokenProcessPool):
            pool.take()


def test_cancel_kills_workers_still_busy_after_the_grace(monkeypatch) -> None:
    import annotation.processes as processes

    monkeypatch.setattr(processes, "GRACE_S", 0.5)
    pool = Pool[int](1)
    pool.put(_sleep, 0.01)
    pid = pool.take()
    pool.put(_sleep, 60)
    started = time.monotonic()
    pool.close(cancel=True)
    assert time.monotonic() - started < 10
    with pytest.raises(OSError):
        os.kill(pid, 0)  # gone


@linux_only
@pytest.mark.parametrize("kind", ["pool", "process"])
def test_workers_end_when_their_parent_is_killed(kind: str) -> None:
    code = (
        "import sys, time\n"
        "from annotation.processes import Pool, start_process\n"
        "from tests.core.test_processes import _sleep\n"
        "if sys.argv[1] == 'pool':\n"
        "    pool = Pool(2)\n"
        "    pool.put(_sleep, 600)\n"
        "    pool.put(_sleep, 600)\n"
        "    time.sleep(600)\n"
        "else:\n"
        "    start_process(_sleep, (600,), 'sorot-test')\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code, kind], cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < (2 if kind == "pool" else 1):
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
            workers = [pid for pid in _children(parent.pid) if not _is_resource_tracker(pid)]
        time.sleep(0.5)  # the workers watch their parent once started
        os.kill(parent.pid, signal.SIGKILL)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their parent by 10 s"
        time.sleep(0.05)


@linux_only
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="helpers start with two cores or more")
def test_an_import_whose_helper_dies_goes_on_here(tmp_path: Path) -> None:
    """A helper killed mid-import (out of memory, say): the importer parses the batches it
    and the others held itself, in order, and imports everything, as without helpers."""
    from annotation.io.importer import import_paths
    from annotation.project.store import Store

    path = tmp_path / "a.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for n in range(60):
            f.write(json.dumps({"text": f"Berita {n}. Presiden bertemu Menteri di Jakarta."}))
            f.write("\n")
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if not killed:
            helpers = [p for p in _children(os.getpid()) if not _is_resource_tracker(p)]
            for pid in helpers[:1]:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    texts = []
    for workers in (0, 2):
        with Store.create(tmp_path / f"p{workers}.sorot") as store:
            report = import_paths(
                store, [path], annotator="ana", batch_size=3, workers=workers, progress=progress
            )
            assert report.imported == 60 and report.problems == []
            texts.append([(store.article(i).text, store.tokens(i)) for i in store.article_ids()])
    assert killed and report.helpers == 2
    assert texts[0] == texts[1]


def _children(pid: int) -> list[int]:
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
