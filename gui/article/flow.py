"""The main window's way from article to article: Done and Skip, and what Done does with
the suggestions still open.

A mixin of MainWindow, kept apart so that the window's module stays small; it uses the
window's `workspace`, `pane`, `settings`, `menus` and status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from annotation.model import ArticleStatus
from annotation.project import browse
from annotation.project.browse import CORPUS, UNCERTAIN
from annotation.settings import ACCEPT_REST, ASK, LEAVE_OPEN
from gui import dialogs

if TYPE_CHECKING:
    from gui.window_parts import WindowParts as _Window
else:
    _Window = object


class ArticleFlow(_Window):
    """Done / Skip and the next article to do."""

    def _build_done_question(self) -> None:
        self._ask_on_done = QAction("As&k about open suggestions on Done", self)
        self._ask_on_done.setCheckable(True)
        self._ask_on_done.setChecked(self.settings.done_with_open == ASK)
        self._ask_on_done.setStatusTip(
            "On Done with suggestions still open, ask whether to "
            "accept or reject them; off: leave them open"
        )
        self._ask_on_done.toggled.connect(self._on_ask_on_done)
        self.menus["&Edit"].addAction(self._ask_on_done)

    def _next_article(self, after: int | None) -> int | None:
        """The next article still to do: in the list's order, or in review by disagreement."""
        workspace = self.workspace
        assert workspace is not None  # asked only with a project open
        store, me = workspace.store, workspace.annotator
        if self.pane is None or not self.pane.review:
            order = self.pane.article_list.order() if self.pane is not None else CORPUS
            return browse.next_article(store, me, after, order=order)
        ranked = self.pane.article_list.model.ranked or []
        start = ranked.index(after) + 1 if after in ranked else 0
        for article_id in ranked[start:] + ranked[:start]:
            if store.article_status(article_id, me) in (
                ArticleStatus.TODO,
                ArticleStatus.IN_PROGRESS,
            ):
                return article_id
        return None

    def _finish(self, status: str) -> None:
        if self.pane is None or self.pane.controller.article is None:
            return
        controller = self.pane.controller
        current = self.pane.controller.article.id
        said = self._finish_open(status) if status == ArticleStatus.DONE else ""
        if said is None or (not said and not controller.set_status(status)):
            return
        if not self.pane.review and self.pane.article_list.order() == UNCERTAIN:
            # Uncertainties measured since the list was read take their place now, between
            # articles, rather than under the researcher's eyes.
            self.pane.article_list.refresh()
        following = self._next_article(current)
        if following is None or following == current:
            self.statusBar().showMessage(f"{said} Every article is done or skipped.".strip(), 8000)
            return
        self.pane.open_article(following)
        self.pane.view.setFocus()
        if said:
            self.statusBar().showMessage(said, 12000)

    def _finish_open(self, status: str) -> str | None:
        """Mark done an article with open suggestions as the researcher says; return what
        was done, '' when none were open, None when they went back to them."""
        pane = self.pane
        assert pane is not None and pane.controller.article is not None  # see _finish
        controller = pane.controller
        open_items = controller.open_items() if not pane.review else []
        if not open_items:
            return ""
        article = pane.controller.article
        title = article.title or f"article {article.id}"
        answer = dialogs.ask_done_with_open(self, self.settings, len(open_items), title)
        self._ask_on_done.setChecked(self.settings.done_with_open == ASK)
        if answer is None:
            controller.set_current(open_items[0])
            self.statusBar().showMessage(
                f"{len(open_items)} open suggestions; Tab walks them.", 8000
            )
            return None
        if answer == LEAVE_OPEN:
            if not controller.set_status(status):
                return None
        elif controller.finish_deciding(status, answer == ACCEPT_REST) is None:
            return None
        # Counted after the fact: rejecting an entity rejected its relations with it.
        still_open = len(controller.open_items())
        return dialogs.done_message(answer, len(open_items) - still_open, still_open, title)

    def _on_ask_on_done(self, on: bool) -> None:
        if on == (self.settings.done_with_open == ASK):
            return  # already so: the menu follows an answer given with "Don't ask again"
        self.settings.done_with_open = ASK if on else LEAVE_OPEN
        self.settings.save()
