"""Room between the lines of the article for label tags and relation arcs, line by line.

Qt spaces all lines of one paragraph (block) alike, so each line gets its room in two steps.
The paragraph's format holds what Qt can give: the spacing under every line holds that
line's tags, and the top margin holds the room that all of its lines' arcs need together.
Then the lines are moved (`QTextLine.setPosition`): the first one up to just under its own
arcs' room, each later one by the room of the lines from it to the last, so that every line
has just the room its arcs need and the last line stays where Qt put it. (Qt collapses a
paragraph's bottom margin into the next one's top margin, so only top margins add up.)

Qt lays a paragraph out again, its lines in their natural places, when its format changes;
those places do not depend on the margins, and `settle` moves the lines back. The first
paragraph's top margin is ignored by Qt, so the document's own top margin holds its room.

A line without arcs takes only the height of its text and tags. An empty line (between
paragraphs) takes half a line, and the arcs of the line after it rise into it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import (
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)

from gui.article.paint import Metrics

Line = tuple[int, int]  # (block number, line number in the block)
TOP = 4.0  # the document's top margin, over the first paragraph's room


class LineRoom:
    """Keeps each paragraph's format and lines in step with the room its lines need,
    touching only the paragraphs whose room changed (a format change lays one out again)."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """A new text or font: every paragraph gets its format again."""
        self._formats: dict[int, tuple[bool, float]] | None = None  # None: not given yet
        self._rooms: dict[int, dict[int, float]] = {}  # block -> line -> room above it
        self.reflow()

    def reflow(self) -> None:
        """A new width: the paragraphs' lines are new (the next `apply` moves them)."""
        self._moves: dict[int, tuple[float, ...]] = {}  # block -> how far each line moves
        self._natural: dict[int, tuple[float, ...]] = {}  # block -> its lines' Qt y
        self._placed: dict[int, tuple[float, ...]] = {}  # block -> where they were put
        self._moved: dict[int, tuple[float, ...]] = {}  # block -> the moves they were put by
        self.applied = False  # lines have the room asked for, since the last reflow

    def apply(self, doc: QTextDocument, room: dict[Line, float], metrics: Metrics) -> None:
        """Give each line the room (pixels) `room` asks for above it; others get none."""
        wanted: dict[int, dict[int, float]] = {}
        for (block_number, line), pixels in room.items():
            if pixels > 0:
                wanted.setdefault(block_number, {})[line] = pixels
        if wanted:
            doc.documentLayout().documentSize()  # lines are known where text is laid out
        fresh = self._formats is None  # every paragraph is laid out again anyway
        if fresh:
            self._formats = {}
            numbers = list(range(doc.blockCount()))
        elif not self.applied:  # new lines: every paragraph with room moves them again
            numbers = sorted(wanted.keys() | self._rooms.keys())
        else:
            numbers = sorted(
                n for n in wanted.keys() | self._rooms.keys() if wanted.get(n) != self._rooms.get(n)
            )
        cursor = QTextCursor(doc)
        if fresh:
            cursor.beginEditBlock()
        # Else paragraph by paragraph: in one edit block Qt would lay out again every
        # paragraph between the first and the last one changed.
        everything = fresh or not self.applied
        formats = self._formats
        assert formats is not None  # given above when fresh
        for number in numbers:
            block = doc.findBlockByNumber(number)
            if block.isValid():
                margin = self._plan(block, number, wanted.get(number, {}), metrics)
                key = (block.length() > 1, margin if number else 0.0)
                if formats.get(number) != key:
                    cursor.setPosition(block.position())
                    cursor.mergeBlockFormat(_format(metrics, *key))
                    formats[number] = key
                if not number:  # a new document margin lays out every paragraph again
                    everything |= _frame_margins(doc, metrics, TOP + margin)
        if fresh:
            cursor.endEditBlock()
        self._rooms = wanted
        self.applied = True
        if self._moves:
            doc.documentLayout().documentSize()  # every changed paragraph laid out again
        if everything:
            self.settle(doc)
        else:
            for number in numbers:
                if number in self._moves:
                    self._place(doc.findBlockByNumber(number), number)

    def _plan(
        self, block: QTextBlock, number: int, lines: dict[int, float], metrics: Metrics
    ) -> float:
        """The top margin a paragraph needs for the room of its lines, and how far each
        line moves (kept for `settle`)."""
        # After an empty line the first line's arcs rise into it: there is no text there.
        first = max(0.0, lines.get(0, 0.0) - _blank_above(block, metrics))
        count = block.layout().lineCount() if len(lines) > (0 in lines) else 1
        inner = [lines.get(i, 0.0) for i in range(1, count)]
        later = sum(inner)
        if later:
            moves, above = [-later], 0.0
            for pixels in inner:
                above += pixels
                moves.append(above - later)
            self._moves[number] = tuple(moves)
        else:
            for kept in (self._moves, self._natural, self._placed, self._moved):
                kept.pop(number, None)
        return first + later

    def settle(self, doc: QTextDocument, first: int = 0, last: int | None = None) -> bool:
        """Put the lines of paragraphs `first` to `last` (all by default) in their places
        again where Qt laid them out anew. Whether any line moved."""
        if last is None:
            numbers = [n for n in self._moves if n >= first]
        else:
            numbers = [n for n in range(first, last + 1) if n in self._moves]
        moved = False
        for number in numbers:
            moved |= self._place(doc.findBlockByNumber(number), number)
        return moved

    def _place(self, block: QTextBlock, number: int) -> bool:
        moves = self._moves[number]
        layout = block.layout()
        if not block.isValid() or layout.lineCount() != len(moves):
            return False  # laid out anew for another width: the room is planned again
        ys = tuple(layout.lineAt(i).y() for i in range(len(moves)))
        if ys == self._placed.get(number):
            natural = self._natural[number]
            if self._moves.get(number) == self._moved.get(number):
                return False
        else:
            natural = ys
        placed = []
        for i, (y, move) in enumerate(zip(natural, moves)):
            line = layout.lineAt(i)
            if line.y() != y + move:
                line.setPosition(QPointF(line.x(), y + move))
            placed.append(line.y())
        self._natural[number] = natural
        self._placed[number] = tuple(placed)
        self._moved[number] = moves
        return True


def _blank_above(block: QTextBlock, metrics: Metrics) -> float:
    """The height of the empty line before a paragraph (0 if there is none)."""
    before = block.previous()
    return metrics.blank_height if before.isValid() and before.length() <= 1 else 0.0


def _format(metrics: Metrics, text: bool, margin: float) -> QTextBlockFormat:
    block_format = QTextBlockFormat()
    if text:
        block_format.setLineHeight(
            metrics.tag_room, QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value
        )
    else:  # between paragraphs: enough to set them apart, and room for arcs
        block_format.setLineHeight(
            metrics.blank_height, QTextBlockFormat.LineHeightTypes.FixedHeight.value
        )
    block_format.setTopMargin(margin)
    block_format.setBottomMargin(0)
    return block_format


def _frame_margins(doc: QTextDocument, metrics: Metrics, top: float) -> bool:
    """Set the document's margins: the sides, where split arcs leave their lines, and the
    top, over the first paragraph's room. Whether they changed."""
    root = doc.rootFrame().frameFormat()
    margins = (top, metrics.left_edge, metrics.right_edge, 12)
    if (root.topMargin(), root.leftMargin(), root.rightMargin(), root.bottomMargin()) == margins:
        return False
    root.setTopMargin(margins[0])
    root.setLeftMargin(margins[1])
    root.setRightMargin(margins[2])
    root.setBottomMargin(margins[3])
    doc.rootFrame().setFrameFormat(QTextFrameFormat(root))
    return True
