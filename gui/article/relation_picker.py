"""Relations and jumps by hint keys: L links the current entity, G goes to any entity in sight.

While a hint mode is on, the article view hands every plain key press to the picker
(`ArticleView.key_handler`), so the window's one-letter shortcuts (A, X, R, the label
numbers) do not fire. Stages: "pick" (hint codes drawn on the entities that can be linked;
typing one picks it), "type" (the allowed relation types for the pair, numbered, most likely
first; Tab flips the direction), "go" (hint codes on every entity in sight), "idle".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from annotation.model import Entity
from annotation.project.stats import relation_type_counts
from annotation.view.relation_picking import (
    Choice,
    hint_codes,
    lexicon_cues,
    match_code,
    pick_targets,
    sentence_bounds,
    type_options,
)
from gui.article.controller import ArticleController, Item
from gui.article.view import ArticleView

IDLE, PICK, TYPE, GO = "idle", "pick", "type", "go"
WHOLE = 1_000_000  # sentences: the whole article


class TypeChooser(QFrame):
    """The numbered relation types for a picked pair, shown over the article."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.ToolTipBase)
        self.setForegroundRole(self.palette().ColorRole.ToolTipText)
        self._text = QLabel()
        self._text.setTextFormat(Qt.TextFormat.PlainText)  # entity text is never markup
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self._text)
        self.hide()

    def show_options(self, lines: list[str], at: QPoint) -> None:
        self._text.setText("\n".join(lines))
        self.adjustSize()
        parent = self.parentWidget()
        assert parent is not None  # made over the article view
        room = parent.rect()
        x = max(0, min(at.x(), room.width() - self.width()))
        y = at.y() if at.y() + self.height() <= room.height() else at.y() - self.height() - 40
        self.move(x, max(0, y))
        self.show()
        self.raise_()

    @property
    def text(self) -> str:
        return self._text.text()


class RelationPicker(QObject):
    """The hint-key modes of one project pane."""

    stageChanged = Signal(str)
    message = Signal(str)  # for the status bar

    def __init__(self, controller: ArticleController, view: ArticleView) -> None:
        super().__init__(view)
        self.controller, self.view = controller, view
        self.stage = IDLE
        self.hints: dict[str, int] = {}  # the codes still open: code -> entity id
        self.options: list[Choice] = []  # the types offered, in the order numbered
        self._typed = ""
        self._origin: Entity | None = None
        self._other: Entity | None = None
        self._flipped = False
        self._bounds: tuple[int, list[int]] | None = None  # (article id, sentence starts)
        self._prior: dict[tuple[str, str, str], int] | None = None  # types accepted so far
        self._retype: int | None = None  # the relation whose type is being changed
        self._reach = 1  # sentences either side offered when linking
        self.chooser = TypeChooser(view.viewport())
        controller.articleOpened.connect(self._on_article_opened)
        view.pressed.connect(self.cancel)

    # -- starting -----------------------------------------------------------------------------

    def _on_article_opened(self, _: int) -> None:
        self.cancel()
        self._prior = None  # the project's habits are read again, once an article

    def start_link(self, reach: int = 1) -> bool:
        """Hint codes on the entities the current one may be linked to, within `reach`
        sentences of it."""
        c = self.controller
        entity = c.current_entity()
        if entity is None or c.article is None:
            self.message.emit("Make an entity current first (Tab, G or a click), then press L")
            return False
        targets = pick_targets(c.workspace.schema, entity, c.linkable(), self._sentences(), reach)
        if not targets and reach < WHOLE:  # nothing near: offer the whole article at once
            reach = WHOLE
            targets = pick_targets(
                c.workspace.schema, entity, c.linkable(), self._sentences(), reach
            )
        if not targets:
            self.message.emit(f"No entity of this article can be linked to “{c.surface(entity)}”")
            return False
        self._origin, self._reach = entity, reach
        self._begin(PICK, [e.id for e in targets])
        return True

    def prior(self) -> dict[tuple[str, str, str], int]:
        """How often the annotator accepted each type between two labels, read once an
        article (types are offered in this order after what the text says)."""
        if self._prior is None:
            c = self.controller
            self._prior = relation_type_counts(c.workspace.store, c.workspace.annotator)
        return self._prior

    def start_retype(self) -> bool:
        """The type chooser for the current relation: a new type, or Tab for the other
        direction."""
        c = self.controller
        relation = c.current_relation()
        if relation is None:
            self.message.emit(
                "Make a relation current first (] or [ from one of its ends, "
                "Ctrl+] in the article, Tab, or a click on its label), then "
                "press T"
            )
            return False
        self._origin, self._other = c.entity(relation.head), c.entity(relation.child)
        if self._origin is None or self._other is None:
            return False
        self._retype, self._flipped, self._typed = relation.id, False, ""
        self._set_stage(TYPE)
        self._show_types()
        return True

    def start_go(self) -> bool:
        """Hint codes on every entity in sight, in reading order."""
        in_sight = self.view.visible_entities()
        if not in_sight:
            return False
        self._begin(GO, [e.id for e in in_sight])
        return True

    def _begin(self, stage: str, ids: list[int]) -> None:
        self.hints = dict(zip(hint_codes(len(ids)), ids))
        self._typed = ""
        self._set_stage(stage)
        self._show_hints()

    def _sentences(self) -> list[int]:
        article = self.controller.article
        assert article is not None  # the picker starts only on an open article
        if self._bounds is None or self._bounds[0] != article.id:
            tokens = self.controller.tokens
            self._bounds = (article.id, sentence_bounds(article.text, tokens.starts, tokens.ends))
        return self._bounds[1]

    # -- keys ---------------------------------------------------------------------------------

    def key(self, event: QKeyEvent) -> bool:
        """Take one key press while a mode is on; True when it was used."""
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancel()
            self.message.emit("Cancelled")
            return True
        if self.stage == TYPE:
            return self._type_key(key, event.text())
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.stage == PICK:
            origin = self._origin
            assert origin is not None  # set while picking
            self.cancel()  # offer the whole article: every entity the schema allows
            self.controller.set_current(Item("entity", origin.id))
            self.start_link(reach=WHOLE)
            return True
        if key == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1]
            self._show_hints()
            return True
        letter = event.text().lower()
        if len(letter) != 1 or not letter.isalpha():
            return True  # swallowed: a stray key must not act on the article meanwhile
        found, still_open = match_code(self._open_codes(), self._typed + letter)
        if found is not None:
            # Shift on the last letter takes the first type offered as well: one key less.
            self._chosen(
                found, first_type=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            )
        elif still_open:
            self._typed += letter
            self._show_hints()
        return True

    def _open_codes(self) -> dict[str, int]:
        return {code: i for code, i in self.hints.items() if code.startswith(self._typed)}

    def _chosen(self, entity_id: int, first_type: bool = False) -> None:
        if self.stage == GO:
            self.cancel()
            self.controller.set_current(Item("entity", entity_id))
            return
        self._other = self.controller.entity(entity_id)
        self.view.set_hints({}, "")
        forward, backward = self._directions()
        if len(forward) + len(backward) == 1 or (first_type and (forward or backward)):
            self._add((forward or backward)[0])
            return
        self._flipped = not forward
        self._typed = ""
        self._set_stage(TYPE)
        self._show_types()

    def _directions(self) -> tuple[list[Choice], list[Choice]]:
        c, origin, other = self.controller, self._origin, self._other
        assert origin is not None and other is not None and c.article is not None  # typing
        # A copy typed as the functions take it (the lexicon's own dict is shared, cached).
        cues: dict[str, Sequence[str]] = dict(lexicon_cues())
        schema, text = c.workspace.schema, c.article.text
        prior = self.prior()
        forward = type_options(schema, origin, other, text, cues, prior)
        symmetric = {
            label
            for _, _, label in forward
            if (t := schema.relation(label)) is not None and t.symmetric
        }
        backward = [
            o
            for o in type_options(schema, other, origin, text, cues, prior)
            if o[2] not in symmetric
        ]
        if self._retype is not None:  # its own type is no change
            now = c.relation(self._retype)
            forward = [o for o in forward if now is None or o[2] != now.label]
        return forward, backward

    def _type_key(self, key: int, text: str) -> bool:
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            forward, backward = self._directions()
            if backward if not self._flipped else forward:
                self._flipped = not self._flipped
                self._typed = ""
                self._show_types()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.options:
                self._add(self.options[0])
            return True
        if key == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1]
            self._show_types()
            return True
        if text.isdigit() and text != "0":
            number = int(text)
            if number <= len(self.options):
                self._add(self.options[number - 1])
            return True
        if len(text) == 1 and (text.isalpha() or text == "_"):
            typed = self._typed + text.upper()
            matching = [o for o in self._all_options() if o[2].startswith(typed)]
            if len(matching) == 1:
                self._add(matching[0])
            elif matching:
                self._typed = typed
                self._show_types()
        return True

    def _all_options(self) -> list[Choice]:
        forward, backward = self._directions()
        return backward if self._flipped else forward

    # -- ending -------------------------------------------------------------------------------

    def _add(self, choice: Choice) -> None:
        retype = self._retype
        self.cancel()
        c = self.controller
        head, child, label = choice

        def surface(entity_id: int) -> str:
            entity = c.entity(entity_id)
            assert entity is not None  # just linked, so in the article
            return c.surface(entity)

        if retype is not None:
            if c.retype_relation(retype, head, child, label):
                self.message.emit(f"Changed to “{surface(head)}” → {label} → “{surface(child)}”")
            return
        if c.add_relation(head, child, label):
            self.message.emit(f"Added “{surface(head)}” → {label} → “{surface(child)}”")

    def cancel(self) -> None:
        """Leave any mode; nothing is changed."""
        if self.stage == IDLE:
            return
        self.hints, self.options, self._typed = {}, [], ""
        self._origin = self._other = None
        self._retype = None
        self.chooser.hide()
        self.view.set_hints({}, "")
        self._set_stage(IDLE)

    def _set_stage(self, stage: str) -> None:
        self.stage = stage
        self.view.key_handler = self.key if stage != IDLE else None
        self.stageChanged.emit(stage)

    # -- showing ------------------------------------------------------------------------------

    def _show_hints(self) -> None:
        self.view.set_hints({i: code for code, i in self._open_codes().items()}, self._typed)

    def _show_types(self) -> None:
        self.options = [o for o in self._all_options() if o[2].startswith(self._typed)]
        c, origin, other = self.controller, self._origin, self._other
        assert origin is not None and other is not None  # both chosen before the types
        first, second = (other, origin) if self._flipped else (origin, other)
        lines = [f"“{_short(c.surface(first))}” → ? → “{_short(c.surface(second))}”"]
        lines += [f"{n}  {label}" for n, (_, _, label) in enumerate(self.options[:9], 1)]
        lines += [f"   {label}" for _, _, label in self.options[9:]]
        hint = "number or first letters: add · Enter: 1 · Esc: cancel"
        forward, backward = self._directions()
        if forward and backward:
            hint += " · Tab: other direction"
        lines.append(hint)
        self.chooser.show_options(lines, self.view.below(other))


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"
