"""Planning relation arcs over a laid-out document: which line each end is on, and levels.

The levels come from `annotation.view.arcs` (pure); this module only reads the Qt document for
where each entity's first line is and how wide the labels are. A relation whose ends sit on
two lines becomes two parts: from the earlier end to the right margin, and from the left
margin to the later end.

Arcs come in two kinds. A labelled arc's level is a label's height above the one under it,
and its segment is widened to its label. A thin arc (unlabelled: the relations out of focus)
only needs its run apart from the others', so thin levels pack a few pixels apart in a band
just above the text, under the labelled ones, and need far less room.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QFontMetricsF, QTextDocument

from annotation.view.arcs import Segment, assign_levels, line_levels
from annotation.view.spans import Utf16Map
from gui.article.paint import (
    SUGGESTED,
    Metrics,
    Shown,
    ShownRelation,
    attach_x,
    span_rects,
)

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
    label_left: float = 0.0  # where its label box starts (document x; labelled arcs only)


@dataclass
class ArcPlan:
    parts: dict[int, list[ArcPart]] = field(default_factory=dict)  # labelled: id -> parts
    room: dict[Line, int] = field(default_factory=dict)  # line -> its highest label level
    thin: dict[int, list[ArcPart]] = field(default_factory=dict)  # thin arcs: id -> parts
    thin_room: dict[Line, int] = field(default_factory=dict)  # line -> highest thin level
    # line -> (relation id, level) of each thin part on it
    thin_lines: dict[Line, list[tuple[int, int]]] = field(default_factory=dict)

    def with_thin(self, thin: ArcPlan) -> ArcPlan:
        """This plan's labelled arcs with `thin`'s thin ones (drawn for the relations this
        plan does not label). A line's band of thin arcs is as high as those drawn need."""
        thin_room = dict(thin.thin_room)
        for line in {part.line for parts in self.parts.values() for part in parts}:
            levels = [
                level
                for relation_id, level in thin.thin_lines.get(line, ())
                if relation_id not in self.parts
            ]
            if levels:
                thin_room[line] = max(levels)
            else:
                thin_room.pop(line, None)
        return ArcPlan(self.parts, self.room, thin.thin, thin_room, thin.thin_lines)

    def line_room(self, metrics: Metrics) -> dict[Line, float]:
        """The room (pixels) above each line that has arcs."""
        return {
            line: metrics.room(self.room.get(line, 0), self.thin_room.get(line, 0))
            for line in self.room.keys() | self.thin_room.keys()
        }


# Where an entity's arcs attach, by (id, start, end): x for arcs to its left and to its
# right (document coordinates), and its first line.
Anchor = tuple[float, float, Line]
Anchors = dict[tuple[int, int, int], "Anchor | None"]


def plan_arcs(
    doc: QTextDocument,
    offsets: Utf16Map,
    entities: dict[int, Shown],
    relations: list[ShownRelation],
    metrics: Metrics,
    anchors: Anchors | None = None,
    thin: bool = False,
) -> ArcPlan:
    """Levels for the arc parts of `relations`, so that no two labels on a line collide:
    labelled arcs, or with `thin` thin ones (`ArcPlan.thin`).

    `anchors` caches where each entity's arcs attach; it stays valid while the text, its
    width and its font do (line spacing does not move anything sideways).
    """
    anchors = {} if anchors is None else anchors
    laid_out = False

    def anchor(entity: Shown) -> Anchor | None:
        nonlocal laid_out
        key = (entity.id, entity.start, entity.end)
        if key not in anchors:
            if not laid_out:  # lines are known only where the text is laid out
                doc.documentLayout().documentSize()
                laid_out = True
            anchors[key] = _anchor(doc, offsets, entity)
        return anchors[key]

    ends = []
    for relation in relations:
        head, child = entities.get(relation.head), entities.get(relation.child)
        a = anchor(head) if head is not None else None
        b = anchor(child) if child is not None else None
        if a is not None and b is not None:
            ends.append((relation, a, b))
    margins = (metrics.left_edge, doc.textWidth() - metrics.right_edge)
    if thin:
        parts, room = _levels(ends, margins, None, metrics.thin_levels)
        lines: dict[Line, list[tuple[int, int]]] = {}
        for relation_id, relation_parts in parts.items():
            for part in relation_parts:
                lines.setdefault(part.line, []).append((relation_id, part.level))
        return ArcPlan(thin=parts, thin_room=room, thin_lines=lines)
    parts, room = _levels(ends, margins, QFontMetricsF(metrics.tag_font))
    return ArcPlan(parts=parts, room=room)


def _levels(
    ends: list,
    margins: tuple[float, float],
    label_metrics: QFontMetricsF | None,
    most: int | None = None,
) -> tuple[dict[int, list[ArcPart]], dict[Line, int]]:
    """Parts and per-line room for relations with these ends; labelled when `label_metrics`
    measures the labels, thin (levels capped at `most`) when it is None."""
    pending: list[tuple[int, dict]] = []
    segments: list[Segment] = []
    for relation, a, b in ends:
        width = 0.0
        if label_metrics is not None:
            text = relation.label + ("?" if relation.status == SUGGESTED else "")
            width = label_metrics.horizontalAdvance(text) + 8
        if a[2] == b[2]:
            head_first = a[0] + a[1] <= b[0] + b[1]
            left, right = sorted((a[1], b[0]) if head_first else (b[1], a[0]))
            box = _box((left + right) / 2 - width / 2, width, margins)
            segments.append(Segment(a[2], min(left, box), max(right, box + width)))
            pending.append(
                (
                    relation.id,
                    dict(
                        line=a[2],
                        head_first=head_first,
                        left_end=True,
                        right_end=True,
                        child_end=True,
                        label_left=box,
                    ),
                )
            )
            continue
        (first, first_is_head), (second, _) = sorted(
            ((a, True), (b, False)), key=lambda end: end[0][2]
        )
        # The first part runs from its entity to the right margin, the second from the left
        # margin to its entity; each label starts at its entity or margin, kept inside.
        for line, x, left_end, child_end in (
            (first[2], first[1], True, not first_is_head),
            (second[2], second[0], False, first_is_head),
        ):
            start = x if left_end else margins[0]
            box = _box(start, width, margins)
            left, right = (
                (min(x, box), margins[1]) if left_end else (margins[0], max(x, box + width))
            )
            segments.append(Segment(line, left, right))
            pending.append(
                (
                    relation.id,
                    dict(
                        line=line,
                        head_first=first_is_head,
                        left_end=left_end,
                        right_end=not left_end,
                        child_end=child_end,
                        label_left=box,
                    ),
                )
            )
    gap = 4.0 if label_metrics is not None else 2.0
    levels = assign_levels(segments, gap)
    if most is not None:
        levels = [min(level, most) for level in levels]
    parts: dict[int, list[ArcPart]] = {}
    for (relation_id, part), level in zip(pending, levels):
        parts.setdefault(relation_id, []).append(ArcPart(level=level, **part))
    return parts, line_levels(segments, levels)  # type: ignore[return-value]


def _box(left: float, width: float, margins: tuple[float, float]) -> float:
    """Where a label box of `width` that would start at `left` starts inside the margins."""
    return max(margins[0] - 8, min(left, margins[1] + 8 - width))


def _anchor(doc: QTextDocument, offsets: Utf16Map, entity: Shown) -> Anchor | None:
    """Where an entity's arcs attach (see `attach_x`), and its first line."""
    start, end = offsets.to_qt(entity.start), offsets.to_qt(entity.end)
    rects = span_rects(doc, start, end)
    if not rects:
        return None
    block = doc.findBlock(start)
    line = block.layout().lineForTextPosition(start - block.position())
    if not line.isValid():
        return None
    return (
        attach_x(rects[0], False),
        attach_x(rects[0], True),
        (block.blockNumber(), line.lineNumber()),
    )
