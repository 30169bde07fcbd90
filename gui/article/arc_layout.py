"""What an article view's arcs need, kept in step with what it shows: the arc plan and the
room its lines get for it.

The relations drawn with labels follow the focus mode: all of them, none, or ("current")
those of the current entity and the current relation, with every other relation a thin arc.
The thin arcs are planned once for what is shown; a new current item plans only its own
labelled arcs again. Lines that get or lose room move, so the view is scrolled to keep the
current item (else the top line) where it was on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextEdit

from annotation.view.spans import Utf16Map
from gui.article.arc_plan import Anchors, ArcPlan, plan_arcs
from gui.article.line_room import LineRoom
from gui.article.paint import Metrics, Shown, ShownRelation


class ArcLayout:
    """The arc plan of one view and its lines' room."""

    def __init__(self) -> None:
        self.plan = ArcPlan()
        self.room = LineRoom()
        self._thin = ArcPlan()  # every relation's thin arc, in focus mode "current"
        self._anchors: Anchors = {}  # where entities' arcs attach, while text and width hold
        self._drawn: tuple | bool | None = None  # what the arcs were last planned for
        self._labelled: frozenset[int] | None = None  # the relations planned with labels
        self.most_room = 0.0  # the most room a line has for its arcs

    def forget(self) -> None:
        """A new text or font: plan everything again."""
        self._anchors, self._drawn = {}, None
        self.room.forget()

    def reflow(self) -> None:
        """A new width: the lines wrap anew, and so do the arcs."""
        self._anchors, self._drawn = {}, None
        self.room.reflow()

    def update(
        self,
        doc: QTextDocument,
        offsets: Utf16Map,
        entities: dict[int, Shown],
        relations: list[ShownRelation],
        metrics: Metrics,
        drawn: tuple | bool,
        labelled: frozenset[int],
        still: Callable[[], AbstractContextManager[None]],
    ) -> bool:
        """Plan again what changed and give the lines room for it, inside `still()`.

        `drawn` stands for what the arcs show (False: nothing), `labelled` for the relations
        drawn with labels; the others are thin when `drawn` says the focus mode is current.
        Whether the lines got new room (and may have moved).
        """
        if drawn != self._drawn:  # else an entity was decided or the current item moved
            self._drawn, self._labelled = drawn, None
            current_mode = bool(drawn) and drawn[0] == "current"  # type: ignore[index]
            self._thin = (
                plan_arcs(doc, offsets, entities, relations, metrics, self._anchors, thin=True)
                if current_mode
                else ArcPlan()
            )
        if labelled == self._labelled:
            return False
        self._labelled = labelled
        chosen = [r for r in relations if r.id in labelled]
        plan = (
            plan_arcs(doc, offsets, entities, chosen, metrics, self._anchors)
            if chosen
            else ArcPlan()
        )
        self.plan = plan.with_thin(self._thin)
        room = self.plan.line_room(metrics)
        self.most_room = max(room.values(), default=0.0)
        with still():
            self.room.apply(doc, room, metrics)
        return True


def labelled(
    focus: str,
    relations: Sequence[ShownRelation],
    current: int | None,
    current_relation: int | None,
) -> frozenset[int]:
    """The relations drawn with labels in a focus mode: all, none, or those of the current
    entity and the current relation."""
    if focus == "none":
        return frozenset()
    return frozenset(
        r.id
        for r in relations
        if focus == "all" or r.id == current_relation or current in (r.head, r.child)
    )


@contextmanager
def keeping_still(view: QTextEdit, positions: Sequence[int], applied: bool) -> Iterator[None]:
    """Scroll `view` so that the line of the first of `positions` (document positions) in
    sight, else of the top line, is where it was on screen after the body. Nothing to keep
    unless the lines were `applied` (seen where they are) before."""
    bar, height = view.verticalScrollBar(), view.viewport().height()
    doc = view.document()
    position = None
    if applied:
        position = next(
            (
                p
                for p in positions
                if (top := line_top(doc, p)) is not None and 0 <= top - bar.value() < height
            ),
            None,
        )
        if position is None and bar.value():
            position = view.cursorForPosition(QPoint(0, 0)).position()
    before = line_top(doc, position) if position is not None else None
    yield
    if before is None:
        return
    assert position is not None  # `before` is measured from it
    doc.documentLayout().documentSize()
    moved = (line_top(doc, position) or before) - before
    if moved:
        bar.setValue(bar.value() + round(moved))


def line_top(doc: QTextDocument, position: int) -> float | None:
    """The document y of the top of the line holding a document position."""
    block = doc.findBlock(position)
    layout = block.layout()
    line = layout.lineForTextPosition(position - block.position()) if layout else None
    if line is None or not line.isValid():
        return None
    return layout.position().y() + line.y()
