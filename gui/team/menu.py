"""The main window's Review menu: merging, agreement, suggestion use, and review mode.

A mixin of MainWindow, kept apart so that the window's module stays small; it uses the
window's `workspace`, `pane`, `actions`, `menus` and `_show_pane`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from gui import dialogs
from gui.team.review_controller import ReviewController


def menu_path(bar: QMenuBar, action: QAction) -> str:
    """Where `action` stands in the menus, as the researcher reads it ("Review → Merge…");
    empty when no menu holds it. Built from the menus themselves, so it cannot drift."""

    def plain(text: str) -> str:
        return text.replace("&&", "\0").replace("&", "").replace("\0", "&")

    def find(menu: QMenu, path: list[str]) -> list[str] | None:
        for item in menu.actions():
            if item is action:
                return [*path, plain(item.text())]
            sub = item.menu()
            if isinstance(sub, QMenu):
                found = find(sub, [*path, plain(item.text())])
                if found:
                    return found
        return None

    for top in bar.actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            found = find(sub, [plain(top.text())])
            if found:
                return " → ".join(found)
    return ""


if TYPE_CHECKING:
    from gui.window_parts import WindowParts as _Window
else:
    _Window = object


class TeamMenu(_Window):
    """Work with several annotators: merge, measure agreement, review into gold."""

    def _build_review_actions(self) -> None:
        for action in self._review_actions:
            self.removeAction(action)
            self.menus["&Review"].removeAction(action)
            action.deleteLater()
        self._review_actions = []
        review = self.pane.review if self.pane is not None else None
        self.actions.leave_review.setEnabled(bool(review))
        for number, name in enumerate(review or [], 1):
            if number > 9:
                break
            action = QAction(f"Take {name}'s version", self)
            action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.triggered.connect(lambda _=False, n=number: self._take_number(n))
            self.addAction(action)
            self.menus["&Review"].addAction(action)
            self._review_actions.append(action)

    def _take_number(self, number: int) -> None:
        controller = self.pane.controller if self.pane is not None else None
        if isinstance(controller, ReviewController):  # review actions exist only in review
            controller.take_number(number)

    def _merge(self) -> None:
        if self.workspace is not None and dialogs.merge_files(self, self.workspace):
            assert self.pane is not None  # shown whenever a project is open
            self.pane.article_list.refresh()
            self._update_status()

    def _agreement(self) -> None:
        if self.workspace is None:
            return
        from gui.team.agreement_dashboard import AgreementDialog

        assert self.pane is not None  # shown whenever a project is open
        dialog = AgreementDialog(self.workspace, self)
        dialog.articleChosen.connect(self.pane.open_article)
        dialog.show()

    def _suggestion_use(self) -> None:
        if self.workspace is not None:
            from gui.team.suggestion_use import SuggestionUseDialog

            SuggestionUseDialog(self.workspace, self).show()

    def _start_review(self) -> None:
        if self.workspace is None:
            return
        annotators = dialogs.choose_annotators(
            self,
            self.workspace.store,
            self.workspace.annotator,
            menu_path(self.menuBar(), self.actions.merge),
        )
        if annotators:
            self._show_pane(annotators)

    def _train(self) -> None:
        if self.workspace is not None:
            from gui.training import TrainDialog

            TrainDialog(self.workspace, self).show()
