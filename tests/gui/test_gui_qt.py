"""Guards against faults in the Qt binding that the app depends on."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painting_keeps_references_to_none(qapp) -> None:
    """PySide6 6.12.0 lost a reference to None on every QPainter.setPen call; on Python 3.11
    that crashes the app once None's count runs out. Sorot paints thousands of pens a minute."""
    image = QImage(64, 64, QImage.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            painter.setPen(QPen(QColor("red"), 1.5, Qt.DashLine))
            painter.setPen(Qt.NoPen)
            painter.setPen(QColor("blue"))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(QRectF(1, 1, 10, 10), 3, 3)
        assert sys.getrefcount(None) - before > -500
    finally:
        painter.end()
