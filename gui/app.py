"""Starting the desktop app, and rendering its window to a PNG (`sorot screenshot`)."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from annotation import __version__
from annotation.project.db import ProjectError
from annotation.project.file.connection import writable as can_write
from annotation.project.store import Store
from annotation.settings import Settings
from gui.article.paint import FOCUS_MODES
from gui.first_start import sample_project
from gui.main_window import MainWindow
from gui.platform_check import missing_library
from gui.project_file import failure, is_headless, on_database_error
from gui.window_state import qsettings


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, honouring high-DPI screens and the system palette."""
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication([sys.argv[0], *(argv or [])])
        app.setApplicationName("Sorot")
        app.setApplicationVersion(__version__)
        app.setOrganizationName("Sorot")
        sys.excepthook = _database_errors_said(sys.excepthook)
    assert isinstance(app, QApplication)  # Sorot's windows need a QApplication
    return app


def _database_errors_said(previous):
    """An excepthook that turns a failed read or write of the project inside the window (in
    a model or a slot, where it cannot be caught) into the project closed with the reason."""

    def hook(kind, exc, tb) -> None:
        if not isinstance(exc, sqlite3.DatabaseError):
            previous(kind, exc, tb)
            return
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.workspace is not None
        ]
        if not windows:
            previous(kind, exc, tb)
        for window in windows:
            on_database_error(window, exc)

    return hook


def dark_palette() -> QPalette:
    """A dark palette like the ones desktop themes use (for previews of dark mode)."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2f"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e22"),
        (QPalette.ColorRole.AlternateBase, "#2b2b2f"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#35353a"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7bd9"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, "#35353a"),
        (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def project_to_open(settings: Settings, requested: Path | None) -> Path:
    """The project named on the command line, else the last one used, else the sample
    (built on the first start behind a progress window)."""
    if requested is not None:
        return requested
    for entry in settings.recent_projects:
        if Path(entry).is_file():
            return Path(entry)
    return sample_project(settings.effective_annotator())


def run(argv: list[str]) -> int:
    """`sorot [PROJECT]`: open the window on a project (by default the last or the sample)."""
    parser = argparse.ArgumentParser(prog="sorot", description="Open Sorot's window.")
    parser.add_argument("project", nargs="?", type=Path)
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "sorot: error: no display to open the window on (neither DISPLAY nor "
            "WAYLAND_DISPLAY is set). The command line works without one: see "
            "`sorot --help`; `sorot screenshot` renders the window to a PNG.",
            file=sys.stderr,
        )
        return 1
    missing = missing_library()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    app = application()
    settings = Settings.load()
    window = MainWindow(settings, suggestions=True)
    if not settings.annotator:
        window.ask_annotator(first=True)
    try:
        path = project_to_open(settings, args.project)
    except RuntimeError as exc:
        print(f"sorot: error: {exc}", file=sys.stderr)
        return 1
    if not window.open_project(path):
        box = window.findChild(QMessageBox, "project-failure")
        if box is not None and not is_headless():
            box.finished.connect(app.quit)  # the reason stays on screen until read
            app.exec()
        return 1
    assert window.pane is not None  # open_project showed it
    point_size = qsettings().value("view/point_size")
    if point_size:
        window.pane.view.set_point_size(float(point_size))
    window.show()
    return app.exec()


def screenshot(argv: list[str]) -> int:
    """`sorot screenshot PROJECT OUT.png`: render the window offscreen to a PNG."""
    parser = argparse.ArgumentParser(
        prog="sorot screenshot",
        description="Render the main window on a project to a PNG, "
        "offscreen, with the article's suggestions made first.",
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--article", type=int, help="article id (default: the first to do)")
    parser.add_argument("--size", default="1600x1000", help="window size WxH (default 1600x1000)")
    parser.add_argument(
        "--current",
        type=int,
        metavar="N",
        help="make the N-th open suggestion current (as after N Tabs)",
    )
    parser.add_argument("--point-size", type=float, help="text size in points")
    parser.add_argument(
        "--relations",
        choices=FOCUS_MODES,
        help="which relations are drawn in full (default: as the window was left; else current)",
    )
    parser.add_argument(
        "--palette",
        choices=["system", "light", "dark"],
        default="system",
        help="colour scheme to render with (default: the system's)",
    )
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WxH, like 1600x1000, not {args.size!r}")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A project that cannot be written (a read-only file, folder or disk) is shown as it is,
    # without making suggestions; one that can is checked as the window would before writing.
    readonly = args.project.is_file() and not can_write(args.project)
    try:
        Store.open(args.project, readonly=readonly).close()
    except ProjectError as exc:
        print(f"sorot: error: {exc}", file=sys.stderr)
        return 1
    if readonly:
        print(
            f"sorot: note: {args.project} is read-only: rendered as it is, without making "
            f"suggestions",
            file=sys.stderr,
        )
    app = application()
    if args.palette != "system":
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if args.palette == "dark" else app.style().standardPalette())
    window = MainWindow(Settings.load(), suggestions=False)
    if not window.open_project(args.project, readonly=readonly):
        return 1
    assert window.pane is not None and window.workspace is not None  # open_project showed it
    if args.point_size:
        window.pane.view.set_point_size(args.point_size)
    if args.relations:
        window.pane.view.set_focus_mode(args.relations)
    if args.article is not None:
        if args.article not in window.workspace.store.article_ids():
            print(f"sorot: error: {args.project}: no article {args.article}", file=sys.stderr)
            return 1
        window.pane.open_article(args.article)
    if not readonly:
        service = window.start_suggestions(background=False)
        service.stop(120)  # after suggesting for the open article
        QApplication.processEvents()
    if failure(window):
        return 1
    window.pane.controller.reload()
    window.pane.controller.current = None
    for _ in range(args.current or 0):
        window.pane.controller.next_suggestion(1)
    window.resize(width, height)
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    image = window.grab()
    if failure(window):  # a read failed while drawing: the reason is printed
        return 1
    if not image.save(str(args.out)):
        print(f"sorot: error: {args.out}: cannot write the PNG", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({width}x{height})")
    window.close()
    return 0
