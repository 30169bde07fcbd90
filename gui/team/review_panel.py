"""The side panel of review mode: who is compared, their keys, and what is left to settle."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotation.team.review import ArticleReview
from gui.labels import plain_label


class ReviewPanel(QWidget):
    """Annotators with their keys, and the open differences of the article."""

    def __init__(self, annotators: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Comparing</b>"))
        for number, name in enumerate(annotators, 1):
            layout.addWidget(plain_label(f"{number}  {name}   (Alt+{number} takes this version)"))
        layout.addWidget(
            plain_label(
                "Versions are outlined with dots and tagged “number label · kind”: "
                "label = same span, other label; span = other boundaries; "
                "only = some annotators marked nothing there."
            )
        )
        keys = (
            "Tab / Shift+Tab   next / previous version of an open difference\n"
            "Enter   take the current version\n"
            "X   nothing here (reject every version)\n"
            "1 … 7   the current version's span, with that label\n"
            "Select text + label key   edit the gold directly\n"
            "Ctrl+Enter   article done, next most disagreeing"
        )
        layout.addWidget(plain_label(keys))
        self._status = plain_label()
        layout.addWidget(self._status)
        layout.addStretch(1)

    def show_review(self, review: ArticleReview) -> None:
        total = len(review.differences)
        left = len(review.open)
        kinds: dict[str, int] = {}
        for d in review.open:
            kinds[d.kind] = kinds.get(d.kind, 0) + 1
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        self._status.setText(
            f"{len(review.agreed)} agreed (in gold); {total - left} of {total} differences "
            f"settled" + (f"; open: {detail}" if detail else "")
        )
