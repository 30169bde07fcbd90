"""Planning relation arcs over a laid-out document: which line each end is on, and levels.

The levels come from `annotation.arcs` (pure); this module only reads the Qt document for
where each entity's first line is and how wide the labels are. A relation whose ends sit on
two lines becomes two parts: from the earlier end to the right margin, and from the left
margin to the later end.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from PySide6.QtGui import QFontMetricsF, QTextDocument

from annotation.arcs import Segment, assign_levels, line_levels
from annotation.spans import Utf16Map
from gui.article_paint import SUGGESTED, Metrics, Shown, ShownRelation, span_rects

Line = tuple[int, int]  # (block number, line number in the block)


@dataclass(frozen=True)
class ArcPart:
    """One drawn segment of a relation's arc."""

    line: Line
    level: int
    head_first: bool  # the left entity of the pair is the head
    left_end: bool  # the segment starts at an entity (else at the left margin)
    right_end: bool  # it ends at an entity (else at the right margin)
    child_end: bool  # it reaches the child, where the arrowhead goes


@dataclass
class ArcPlan:
    parts: dict[int, list[ArcPart]] = field(default_factory=dict)  # relation id -> parts
    room: dict[Hashable, int] = field(default_factory=dict)  # line -> its highest level


Anchors = dict[tuple[int, int, int], "tuple[float, Line] | None"]  # (id, start, end) ->


def plan_arcs(doc: QTextDocument, offsets: Utf16Map, entities: dict[int, Shown],
              relations: list[ShownRelation], metrics: Metrics,
              anchors: Anchors | None = None) -> ArcPlan:
    """Levels for every relation's arc parts, so that no two labels on a line collide.

    `anchors` caches where each entity's arcs attach; it stays valid while the text, its
    width and its font do (line spacing does not move anything sideways).
    """
    label_metrics = QFontMetricsF(metrics.tag_font)
    anchors = {} if anchors is None else anchors
    laid_out = False

    def anchor(entity: Shown) -> tuple[float, Line] | None:
        nonlocal laid_out
        key = (entity.id, entity.start, entity.end)
        if key not in anchors:
            if not laid_out:  # lines are known only where the text is laid out
                doc.documentLayout().documentSize()
                laid_out = True
            anchors[key] = _anchor(doc, offsets, entity)
        return anchors[key]

    right_margin = doc.textWidth() - metrics.right_edge
    pending: list[tuple[int, dict]] = []
    segments: list[Segment] = []
    for relation in relations:
        head, child = entities.get(relation.head), entities.get(relation.child)
        a = anchor(head) if head is not None else None
        b = anchor(child) if child is not None else None
        if a is None or b is None:
            continue
        text = relation.label + ("?" if relation.status == SUGGESTED else "")
        width = label_metrics.horizontalAdvance(text) + 12
        if a[1] == b[1]:
            left, right = sorted((a[0], b[0]))
            middle = (left + right) / 2
            segments.append(Segment(a[1], min(left, middle - width / 2),
                                    max(right, middle + width / 2)))
            pending.append((relation.id, dict(line=a[1], head_first=a[0] <= b[0],
                                              left_end=True, right_end=True,
                                              child_end=True)))
            continue
        (first, first_is_head), (second, _) = sorted(((a, True), (b, False)),
                                                     key=lambda end: end[0][1])
        for line, left, right, left_end, child_end in (
                (first[1], first[0], right_margin, True, not first_is_head),
                (second[1], metrics.left_edge, second[0], False, first_is_head)):
            segments.append(Segment(line, left, max(right, left + width)))
            pending.append((relation.id, dict(line=line, head_first=first_is_head,
                                              left_end=left_end, right_end=not left_end,
                                              child_end=child_end)))
    levels = assign_levels(segments)
    plan = ArcPlan(room=line_levels(segments, levels))
    for (relation_id, part), level in zip(pending, levels):
        plan.parts.setdefault(relation_id, []).append(ArcPart(level=level, **part))
    return plan


def _anchor(doc: QTextDocument, offsets: Utf16Map, entity: Shown
            ) -> tuple[float, Line] | None:
    """The x (document coordinates) where an entity's arcs attach, and its first line."""
    start, end = offsets.to_qt(entity.start), offsets.to_qt(entity.end)
    rects = span_rects(doc, start, end)
    if not rects:
        return None
    block = doc.findBlock(start)
    line = block.layout().lineForTextPosition(start - block.position())
    if not line.isValid():
        return None
    return rects[0].center().x(), (block.blockNumber(), line.lineNumber())
