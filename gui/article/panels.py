"""Side panels of the workspace: label palette, entities, relations and article metadata.

All of them show article text as plain text: table items never interpret markup, and every
QLabel that shows data is set to Qt.PlainText.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotation.model import Article, Entity, EntityStatus, Relation
from annotation.project.store import UnreadMeta
from annotation.schema import LabelSchema
from gui.labels import plain_label

_ROOT = QModelIndex()
STATUS_WORDS: dict[str, str] = {  # by stored status (the enums are strings)
    EntityStatus.SUGGESTED: "suggested",
    EntityStatus.ACCEPTED: "accepted",
    EntityStatus.REJECTED: "rejected",
}


@functools.cache
def swatch(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class LabelPalette(QWidget):
    """The schema's entity labels with their keys; a click labels the selection."""

    labelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._list = QListWidget()
        self._list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._guideline = plain_label()
        self._guideline.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._schema = LabelSchema()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._list, 2)
        layout.addWidget(QLabel("Guideline"))
        layout.addWidget(self._guideline, 3)
        self._list.itemClicked.connect(self._on_clicked)
        self._list.currentRowChanged.connect(self._on_row)

    def set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema
        self._list.clear()
        for t in schema.entities:
            key = f"[{t.hotkey}]  " if t.hotkey else ""
            item = QListWidgetItem(swatch(t.colour), f"{key}{t.name}")
            item.setData(Qt.ItemDataRole.UserRole, t.name)
            item.setToolTip(t.guideline)
            self._list.addItem(item)

    def show_guideline(self, label: str) -> None:
        """Show one label's guideline (the current entity's, as the researcher moves)."""
        t = self._schema.entity(label)
        self._guideline.setText(f"{label}: {t.guideline}" if t and t.guideline else "")
        for row in range(self._list.count()):
            if self._list.item(row).data(Qt.ItemDataRole.UserRole) == label:
                self._list.blockSignals(True)
                self._list.setCurrentRow(row)
                self._list.blockSignals(False)

    def _on_row(self, row: int) -> None:
        if row >= 0:
            self.show_guideline(self._list.item(row).data(Qt.ItemDataRole.UserRole))

    def _on_clicked(self, item: QListWidgetItem) -> None:
        self.labelChosen.emit(item.data(Qt.ItemDataRole.UserRole))


class _Rows(QAbstractTableModel):
    """Rows of (id, cells, swatch colour of the second cell), read by the view on demand."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self.headers = headers
        self.rows: list[tuple[int, list[str], str | None]] = []
        self.index_of: dict[int, int] = {}

    def set_rows(self, rows: list[tuple[int, list[str], str | None]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.index_of = {item_id: row for row, (item_id, _, _) in enumerate(rows)}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return len(self.headers)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        item_id, cells, colour = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1 and colour:
            return swatch(colour, 10)
        if role == Qt.ItemDataRole.UserRole:
            return item_id
        return None


class _ItemTable(QTableView):
    """A read-only table whose rows each stand for one item id (a model, so that an
    article with thousands of entities refreshes at once)."""

    chosen = Signal(int)

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = _Rows(headers)
        self.setModel(self._rows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        # Fixed column widths: sizing to contents would read rows on every selection.
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.resizeSection(column, self.fontMetrics().horizontalAdvance("suggested") + 28)
        self.setWordWrap(False)
        self.clicked.connect(lambda index: self.chosen.emit(index.data(Qt.ItemDataRole.UserRole)))
        # Up and Down in the table choose too, as a click does.
        self.selectionModel().currentRowChanged.connect(self._on_row)

    def fill(self, rows: list[tuple[int, list[str], str | None]]) -> None:
        """Rows of (id, cells, colour of the second cell's swatch)."""
        self._rows.set_rows(rows)

    def _on_row(self, current: QModelIndex, _: QModelIndex) -> None:
        if self.hasFocus() and current.isValid():
            self.chosen.emit(current.data(Qt.ItemDataRole.UserRole))

    def select_id(self, item_id: int | None) -> None:
        self.blockSignals(True)
        row = self._rows.index_of.get(item_id) if item_id is not None else None
        if row is not None:
            self.selectRow(row)
            self.scrollTo(self._rows.index(row, 0))
        else:
            self.clearSelection()
        self.blockSignals(False)


def _surface(text: str, entity: Entity | None) -> str:
    if entity is None:
        return "?"
    return text[entity.start : entity.end].replace("\r", " ").replace("\n", " ")


class EntityTable(_ItemTable):
    """The open article's entities; a click makes one current."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(["Text", "Label", "Status"], parent)

    def show_entities(self, text: str, entities: list[Entity], schema: LabelSchema) -> None:
        colours = {t.name: t.colour for t in schema.entities}
        self.fill(
            [
                (
                    e.id,
                    [_surface(text, e), e.label, STATUS_WORDS.get(e.status, e.status)],
                    colours.get(e.label),
                )
                for e in entities
            ]
        )


class RelationTable(_ItemTable):
    """The open article's relations in reading order: head, label, child, status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(["Head", "Relation", "Child", "Status"], parent)
        # Both ends' text share what the label and status columns leave.
        header = self.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

    def show_relations(
        self, text: str, relations: list[Relation], entities: dict[int, Entity]
    ) -> None:
        def position(r: Relation) -> tuple[int, int, int]:
            ends = sorted(e.start for e in (entities.get(r.head), entities.get(r.child)) if e)
            return (ends[0], ends[-1], r.id) if ends else (-1, -1, r.id)

        rows = sorted(relations, key=position)
        self.fill(
            [
                (
                    r.id,
                    [
                        _surface(text, entities.get(r.head)),
                        r.label,
                        _surface(text, entities.get(r.child)),
                        STATUS_WORDS.get(r.status, r.status),
                    ],
                    None,
                )
                for r in rows
            ]
        )
        labels = {r.label for r in rows}
        widest = max((self.fontMetrics().horizontalAdvance(label) for label in labels), default=60)
        self.horizontalHeader().resizeSection(1, widest + 16)


class MetadataPanel(QScrollArea):
    """The open article's title, source and metadata, as plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._form = QFormLayout(self._body)
        self._values: list[tuple[str, QLabel]] = []
        self.setWidget(self._body)

    def show_article(self, article: Article | None, status: str = "") -> None:
        rows = []
        if article is not None:
            rows = [
                ("Title", article.title),
                ("Status", status),
                ("Source", article.source),
                ("Article", str(article.id)),
                ("Length", f"{len(article.text):,} characters"),
            ]
            rows += [(str(k), str(v)) for k, v in sorted(article.meta.items())]
            if isinstance(article.meta, UnreadMeta):  # nested too deeply, by another program
                rows.append(("Metadata", f"({article.meta.unread})"))
            rows.append(("Hash", article.hash))
        if [key for key, _ in rows] == [key for key, _ in self._values]:
            # Every change to the article shown calls this: set the texts, keep the rows.
            for (_, value), (_, label) in zip(rows, self._values):
                if label.text() != value:
                    label.setText(value)
            return
        while self._form.rowCount():
            self._form.removeRow(0)
        self._values = []
        for key, value in rows:
            label = plain_label(value)
            self._form.addRow(plain_label(key), label)
            self._values.append((key, label))
