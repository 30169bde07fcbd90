"""The main window's relation gestures that need the window: the relation list dialog (R,
or a drag) and which relations are drawn (V).

A mixin of MainWindow, kept apart so that the window's module stays small; it uses the
window's `workspace`, `pane`, `actions` and status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gui.article.paint import FOCUS_MODES
from gui.article.relation_dialog import RelationDialog, relation_rows
from gui.window_state import qsettings

FOCUS_WORDS = {
    "current": "the current entity's in full, the others thin",
    "all": "all in full",
    "none": "none",
}


if TYPE_CHECKING:
    from gui.window_parts import WindowParts as _Window
else:
    _Window = object


class RelationMenu(_Window):
    """Adding a relation from a list, and the relations drawn."""

    def _ask_relation(self, head: int | None, child: int | None) -> None:
        if self.pane is None:
            return
        c = self.pane.controller
        entity = c.entity(head) if head is not None else c.current_entity()
        if entity not in c.linkable() or c.article is None:
            self.statusBar().showMessage(
                "Make an entity current first (click it or press Tab)", 5000
            )
            return
        others = [e for e in c.linkable() if e.id != entity.id]
        if child is not None:
            others = [e for e in others if e.id == child]
        prior = self.pane.picker.prior()  # the same order as the hint keys offer
        assert self.workspace is not None  # the pane is shown only with a project open
        dialog = RelationDialog(
            relation_rows(self.workspace.schema, entity, others, c.article.text, prior),
            self,
            c.surface(entity),
        )
        if dialog.exec() and (choice := dialog.choice()) is not None:
            c.add_relation(*choice)

    def _cycle_relations(self) -> None:
        if self.pane is None:
            return
        modes = FOCUS_MODES
        mode = modes[(modes.index(self.pane.view.focus_mode) + 1) % len(modes)]
        self._show_relations(mode)
        qsettings().setValue("view/relations", mode)
        self.statusBar().showMessage(f"Relations drawn: {FOCUS_WORDS[mode]}", 4000)

    def _show_relations(self, mode: str) -> None:
        assert self.pane is not None  # called with the pane shown
        self.pane.view.set_focus_mode(mode)
        self.actions.relations_shown.setText(f"&Relations drawn: {mode}")
