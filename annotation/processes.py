"""Work in other processes: a pool for batches of work, and one long-lived worker process.

Every Sorot child process starts the same way: with multiprocessing's "spawn" (a fresh
interpreter, as on Windows and macOS; never a fork of a process that holds an open database
or a GUI toolkit), and ends when its parent ends, however that ends (kill -9 included): a
thread in the child waits on its parent's sentinel, a pipe that closes when the parent dies,
on every platform.

`Pool` runs tasks in worker processes and gives their results back in the order they were
put in, with a bounded number of tasks in flight, so that a caller holding large batches
keeps only a few in memory. `start_process` starts one long-lived worker (a request and
response service, such as the window's suggestions), whose queues come from `SPAWN`.

A spawned child imports the parent's main script again (as `__mp_main__`): a script that
starts Sorot work at top level needs an `if __name__ == "__main__":` guard, as multiprocessing
asks. `sorot`, `python -m ...` and `python -c ...` need none.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

__all__ = ["SPAWN", "Pool", "start_process", "watch_parent"]

SPAWN: SpawnContext = multiprocessing.get_context("spawn")
GRACE_S = 5.0  # how long cancelled workers may take to finish their task before they are killed

T = TypeVar("T")


def watch_parent() -> None:
    """In a child process: end it (at once, exit code 1) when its parent ends."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent"
        ).start()


def _exit_with(parent: BaseProcess) -> None:
    # Waiting on the parent's sentinel returns when the parent ends, even by kill -9,
    # which gives it no chance to stop its children.
    parent.join()
    os._exit(1)


def start_process(target: Callable[..., object], args: tuple[Any, ...], name: str) -> SpawnProcess:
    """Start `target(*args)` in a Sorot worker process (spawned, ending with this one).

    Queues and events shared with it come from `SPAWN`. The process is a daemon: it is
    also stopped when this process exits normally.
    """
    process = SPAWN.Process(target=_run, args=(target, args), name=name, daemon=True)
    process.start()
    return process


def _run(target: Callable[..., object], args: tuple[Any, ...]) -> None:
    watch_parent()
    target(*args)


class Pool(Generic[T]):
    """Up to `workers` processes that run tasks and give their results back in order.

    `initializer(*initargs)` runs once in each worker as it starts (workers start as tasks
    come, up to `workers`). At most `in_flight` tasks (default two per worker, so that no
    worker waits for its next one) are put in and not yet taken back: `put` refuses more.
    Workers ignore Ctrl-C (the parent handles it, and cancels) and, with `background`, run
    at a lower priority, so that the parent never waits for a core.
    """

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        *,
        in_flight: int | None = None,
        background: bool = False,
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs one worker or more")
        self.size = in_flight or 2 * workers
        self._executor = ProcessPoolExecutor(
            workers,
            mp_context=SPAWN,
            initializer=_start_worker,
            initargs=(initializer, initargs, background),
        )
        self._pending: deque[Future[T]] = deque()
        self._started = 0

    @property
    def full(self) -> bool:
        """Whether as many tasks are in flight as the pool takes."""
        return len(self._pending) >= self.size

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    @property
    def started(self) -> int:
        """How many worker processes have started so far."""
        return max(self._started, len(self._processes()))

    def put(self, task: Callable[..., T], *args: Any) -> None:
        """Send `task(*args)` to a worker; its result comes back from `take`, in turn."""
        if self.full:
            raise RuntimeError(f"the pool holds {self.size} tasks in flight already")
        self._pending.append(self._executor.submit(task, *args))
        self._started = max(self._started, len(self._processes()))  # workers start on submit

    def take(self) -> T:
        """The result of the oldest task in flight (waiting for it), or the error it raised.

        A worker that died (killed, out of memory) raises BrokenProcessPool, here and for
        every task still in flight.
        """
        return self._pending.popleft().result()

    def map(self, task: Callable[[Any], T], items: Iterable[Any]) -> Iterator[T]:
        """`task(item)` for each item, in order, with at most `size` in flight."""
        for item in items:
            if self.full:
                yield self.take()
            self.put(task, item)
        while self._pending:
            yield self.take()

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: once their tasks are done, or, with `cancel`, dropping the tasks
        not yet started and killing workers still busy after `GRACE_S` seconds."""
        processes = list(self._processes().values())
        self._started = max(self._started, len(processes))
        if not cancel:
            self._executor.shutdown(wait=True)
            return
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + GRACE_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()

    def _processes(self) -> dict[int, BaseProcess]:
        # The executor's own record of its workers (None once it is shut down).
        found: dict[int, BaseProcess] | None = getattr(self._executor, "_processes", None)
        return found or {}

    def __enter__(self) -> Pool[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(cancel=kind is not None or bool(self._pending))


def _start_worker(
    initializer: Callable[..., object] | None, initargs: tuple[Any, ...], background: bool
) -> None:
    watch_parent()
    # Ctrl-C reaches the whole process group; the parent, not its workers, handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if background:
        with contextlib.suppress(AttributeError, OSError):
            os.nice(5)
    if initializer is not None:
        initializer(*initargs)
