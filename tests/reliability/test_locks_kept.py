"""Opening a project a second time in one process keeps SQLite's locks of the first.

Closing any descriptor of a file drops every POSIX lock the process holds on it. The window
opens its project again on worker threads (import, merge dialogs): if the header check closed
a descriptor, another process closing the project would take itself for the last user and
delete the -wal under the window.
"""

from __future__ import annotations

from pathlib import Path

from concurrency_support import sorot, text

from annotation.io.importer import import_paths
from annotation.project.store import Store


def test_a_second_open_in_the_window_keeps_its_wal(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(text(0), encoding="utf-8")
    (tmp_path / "b.txt").write_text(text(1), encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [tmp_path / "a.txt"], annotator="ana").ok
    window = Store.open(path)
    try:
        assert len(window.article_ids()) == 1
        Store.open(path, readonly=True).close()  # the header read again, in this process
        done = sorot("import", path, tmp_path / "b.txt", "--no-suggest")
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "p.sorot-wal").exists()  # the window still holds the project
        assert len(window.article_ids()) == 2
    finally:
        window.close()
