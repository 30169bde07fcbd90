"""What the article area shows while the project holds no articles: how to bring some in."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

HINT = (
    "This project has no articles yet.\n\n"
    "Bring them in with File → Import files… (Ctrl+I), or drop .txt or .jsonl files, "
    "or a folder of them, on this window."
)


class EmptyProjectHint(QWidget):
    """A hint laid over the article view, covering it, with a button that starts an import."""

    importRequested = Signal()

    def __init__(self, over: QWidget) -> None:
        super().__init__(over)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the article area's own background
        self.text = QLabel(HINT)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A fixed size: a layout gives a wrapped label aligned in it too little height.
        self.text.setFixedWidth(440)
        self.text.setFixedHeight(self.text.heightForWidth(440))
        self.button = QPushButton("Import articles…")
        self.button.clicked.connect(self.importRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        over.installEventFilter(self)
        self.setGeometry(over.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False
