"""Room between the lines of the article for label tags and relation arcs.

Qt spaces all lines of one paragraph (block) alike, so room is given per paragraph: its top
margin holds its first line's arcs, and the spacing under each of its lines holds that
line's tags and the arcs of the line after it. A paragraph without arcs takes only the
height of its text and tags; an empty one takes no room at all.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument, QTextFrameFormat

from gui.article_paint import Metrics


class LineRoom:
    """Keeps each paragraph's format in step with the arc levels its lines need, touching
    only the paragraphs whose room changed (a format change lays the paragraph out again)."""

    def __init__(self) -> None:
        self._rooms: dict[int, tuple[int, int]] = {}  # block -> (first line, other lines)

    def forget(self) -> None:
        """A new text or font: every paragraph gets its format again."""
        self._rooms = {}

    def apply(self, doc: QTextDocument, levels: dict[Hashable, int], metrics: Metrics) -> None:
        """Give each paragraph room for `levels` ((block, line) -> highest arc level)."""
        _margins(doc, metrics)
        wanted: dict[int, tuple[int, int]] = {}
        for (block, line), level in levels.items():  # type: ignore[misc]
            first, inner = wanted.get(block, (0, 0))
            wanted[block] = (max(first, level), inner) if line == 0 else \
                (first, max(inner, level))
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        block = doc.begin()
        rooms = {}
        while block.isValid():
            number = block.blockNumber()
            room = rooms[number] = wanted.get(number, (0, 0))
            if self._rooms.get(number) != room:
                cursor.setPosition(block.position())
                cursor.mergeBlockFormat(_format(metrics, block.length() > 1, *room))
            block = block.next()
        cursor.endEditBlock()
        self._rooms = rooms


def _format(metrics: Metrics, text: bool, first: int, inner: int) -> QTextBlockFormat:
    block_format = QTextBlockFormat()
    spacing = metrics.tag_room + metrics.arc_room(inner) if text else 0
    block_format.setLineHeight(spacing, QTextBlockFormat.LineDistanceHeight.value)
    block_format.setTopMargin(metrics.arc_room(first))
    # Under its last line a paragraph needs only the tags: the next paragraph's top margin
    # holds that one's arcs.
    block_format.setBottomMargin(-metrics.arc_room(inner))
    return block_format


def _margins(doc: QTextDocument, metrics: Metrics) -> None:
    root = doc.rootFrame().frameFormat()
    margins = (4, metrics.left_edge, metrics.right_edge, 12)
    if (root.topMargin(), root.leftMargin(), root.rightMargin(),
            root.bottomMargin()) != margins:
        root.setTopMargin(margins[0])
        root.setLeftMargin(margins[1])
        root.setRightMargin(margins[2])
        root.setBottomMargin(margins[3])
        doc.rootFrame().setFrameFormat(QTextFrameFormat(root))
