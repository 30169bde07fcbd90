"""What the main window's mixins (ArticleFlow, TeamMenu, RelationMenu) and project_file use
of the window, written down for the type checker.

At run time nothing imports this module: the mixins are plain classes whose base is
`object`, and MainWindow provides all of this. Under TYPE_CHECKING they take WindowParts as
their base, so that mypy checks their use of the window against these declarations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

if TYPE_CHECKING:
    from annotation.settings import Settings
    from gui.actions import Actions
    from gui.project_pane import ProjectPane
    from gui.workspace import Workspace


class WindowParts(QMainWindow):
    """The main window, as its mixins see it."""

    settings: Settings
    workspace: Workspace | None
    pane: ProjectPane | None
    # The window's named actions; it shadows QWidget.actions(), which no Python code calls
    # on the main window (Qt's own C++ calls are not affected).
    actions: Actions  # type: ignore[assignment]
    menus: dict[str, QMenu]
    _review_actions: list[QAction]

    def open_project(self, path: Path, readonly: bool = False) -> bool:
        raise NotImplementedError

    def close_project(self) -> None: ...

    def _show_pane(self, review: list[str] | None) -> None: ...

    def _update_status(self, *_: object) -> None: ...
