"""How long the researcher waits in the window (offscreen): opening, switching, suggestions.

    .venv/bin/python benchmarks/bench_gui.py [--articles 200] [--long-kb 100]

Builds a project of generated news-like articles (no suggestions yet) plus one long article,
then measures, with the real window and the real suggestion engine on its worker thread:
- opening the project until the window has painted;
- switching to an article and painting it (normal and long articles);
- for an article opened without suggestions, the time until they are drawn;
- a keypress (accept) until the change is saved and drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotation.io.importer import import_paths  # noqa: E402
from annotation.project.store import Store  # noqa: E402
from annotation.settings import Settings  # noqa: E402
from benchmarks.generate import write  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402


def wait_until(app: QApplication, condition, timeout: float = 30.0) -> float:
    began = time.perf_counter()
    while not condition():
        app.processEvents()
        if time.perf_counter() - began > timeout:
            raise TimeoutError("condition not met")
        time.sleep(0.001)
    return time.perf_counter() - began


def paint(app: QApplication, window: MainWindow) -> None:
    """Deliver pending events, then paint the article view as the screen would."""
    app.processEvents()
    window.pane.view.viewport().grab()  # offscreen, grab() is what forces a paint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--long-kb", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sorot-bench-gui-"))
    os.environ["SOROT_CONFIG_DIR"] = str(work / "config")
    data = work / "articles.jsonl"
    write(data, args.articles, seed=7)
    long_text = "\n\n".join(_long_text(data, args.long_kb * 1024))
    (work / "long.txt").write_text("Artikel Panjang\n\n" + long_text, encoding="utf-8")
    path = work / "bench.sorot"
    with Store.create(path) as store:
        import_paths(store, [data], annotator="bench", spans_as="suggested")
        store.db.execute("DELETE FROM relations")
        store.db.execute("DELETE FROM entities")  # the engine is to suggest, not the data
        store.db.conn.commit()
        import_paths(store, [work / "long.txt"], annotator="bench")
        ids = store.article_ids()
    app = QApplication.instance() or QApplication([])
    rows = []
    began = time.perf_counter()
    window = MainWindow(Settings(annotator="bench"), suggestions=True)
    window.open_project(path)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    window.grab()  # the whole window, painted once
    rows.append(("open project, window painted", (time.perf_counter() - began) * 1000, ""))
    wait_until(app, lambda: window.service.is_ready, 60)
    rows.append(
        ("suggestion engine loaded (worker process)", (time.perf_counter() - began) * 1000, "")
    )
    waits, switches = [], []
    c = window.pane.controller
    for article_id in ids[1:41]:
        t0 = time.perf_counter()
        window.pane.open_article(article_id)
        paint(app, window)
        switches.append(time.perf_counter() - t0)
        waits.append(time.perf_counter() - t0 + wait_until(app, lambda: len(c.entities) > 0))
        paint(app, window)
    rows.append(
        (
            "switch article + paint its view, median / max",
            statistics.median(switches) * 1000,
            f"max {max(switches) * 1000:.0f} ms",
        )
    )
    rows.append(
        (
            "article without suggestions until drawn, median / max",
            statistics.median(waits) * 1000,
            f"max {max(waits) * 1000:.0f} ms",
        )
    )
    rows.append(keys_row(app, window, "Enter (accept) in a 3 KB article"))
    t0 = time.perf_counter()
    window.pane.open_article(ids[-1])
    paint(app, window)
    rows.append(
        (
            f"open the {len(c.article.text) // 1024} KB article + paint its view",
            (time.perf_counter() - t0) * 1000,
            "",
        )
    )
    wait_until(app, lambda: len(c.entities) > 0, 60)
    rows.append(keys_row(app, window, "Enter (accept) in the long article"))
    window.close()
    print(f"{'step':<58} {'ms':>8}")
    for name, ms, note in rows:
        print(f"{name:<58} {ms:>8.1f}  {note}")


def keys_row(app: QApplication, window: MainWindow, name: str) -> tuple[str, float, str]:
    """Press Enter on up to 20 suggestions: each saved, and the view redrawn."""
    c = window.pane.controller
    window.pane.view.setFocus()
    keys = []
    for _ in range(20):
        if c.current_entity() is None:
            break
        t0 = time.perf_counter()
        QTest.keyClick(window.pane.view, Qt.Key_Return)
        paint(app, window)
        keys.append(time.perf_counter() - t0)
    if not keys:
        return (name + ": no suggestions", 0.0, "")
    return (
        name + ", saved + redrawn, median",
        statistics.median(keys) * 1000,
        f"max {max(keys) * 1000:.0f} ms",
    )


def _long_text(data: Path, size: int) -> list[str]:
    import json

    texts, total = [], 0
    for line in data.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        texts.append(text)
        total += len(text)
        if total >= size:
            break
    return texts


if __name__ == "__main__":
    main()
