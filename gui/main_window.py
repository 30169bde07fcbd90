"""The main window: menus, toolbar and status bar around the open project's pane."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from annotation.model import ArticleStatus
from annotation.project import browse
from annotation.project.browse import CORPUS, UNCERTAIN
from annotation.project.db import PROJECT_SUFFIX, ProjectError
from annotation.project.store import Store
from annotation.settings import Settings
from gui import dialogs, project_file
from gui.actions import build_actions
from gui.article.caret import CaretKeys
from gui.article.flow import ArticleFlow
from gui.article.paint import FOCUS_MODES
from gui.article.relation_menu import RelationMenu
from gui.article.relation_walk import RelationWalk
from gui.article.view import DEFAULT_POINT_SIZE
from gui.key_help import show_keys
from gui.project_pane import ProjectPane
from gui.suggestions import SuggestionService
from gui.team.menu import TeamMenu
from gui.window_state import qsettings
from gui.workspace import Workspace

MAX_RECENT = 8
PROJECT_FILTER = f"Sorot projects (*{PROJECT_SUFFIX})"


class MainWindow(ArticleFlow, TeamMenu, RelationMenu, QMainWindow):
    """One window, one open project at a time."""

    def __init__(
        self, settings: Settings, suggestions: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self._suggest = suggestions
        self.service: SuggestionService | None = None
        self.workspace: Workspace | None = None
        self.pane: ProjectPane | None = None
        self.actions, self.menus = build_actions(self)
        self.actions.uncertain_first.setCheckable(True)
        self.actions.uncertain_first.setEnabled(False)  # until a project is open
        self._build_done_question()
        self._recent_menu = self.menus["&File"].addMenu("Open &recent")
        self.menus["&File"].insertMenu(self.actions.import_files, self._recent_menu)
        self._label_menu = QMenu("&Label", self)
        self.menuBar().insertMenu(self.menus["&View"].menuAction(), self._label_menu)
        self._label_actions: list[QAction] = []
        self._review_actions: list[QAction] = []
        self._annotator = QLabel()
        self._progress = QLabel()
        self._path = QLabel()
        self._backlog = QLabel()
        for label in (self._backlog, self._annotator, self._progress, self._path):
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addPermanentWidget(label)
        self._build_toolbar()
        self.setAcceptDrops(True)
        self.resize(1360, 860)
        self._connect()
        project_file.install(self)
        self._update_recent()
        state = qsettings()
        geometry = state.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    # -- projects -----------------------------------------------------------------------------

    def open_project(self, path: Path, readonly: bool = False) -> bool:
        """Open a project file in this window; say why (without blocking) if it cannot be
        opened. `readonly`: to look at it only (no suggestions are made)."""
        store = project_file.open_store(self, path, readonly)
        if store is None:
            return False
        self._close_project()
        self.workspace = Workspace(store, self.settings.effective_annotator(), self)
        self.workspace.changed.connect(self._update_status)
        self.workspace.changed.connect(self._update_undo)
        self.workspace.schemaChanged.connect(self._build_label_actions)
        self.workspace.failed.connect(self._on_failed)
        self.setWindowTitle(f"{path.name}{' (read-only)' if readonly else ''} — Sorot")
        self._remember(path)
        try:  # the first reads of every table: a damaged file may fail here
            self._build_label_actions()
            self._update_status()
            self._update_undo()
            self._show_pane(None)
        except sqlite3.DatabaseError as exc:
            project_file.on_database_error(self, exc)
            return False
        project_file.guard(self, store)
        if self._suggest and not readonly:
            self.start_suggestions()
        return True

    def close_project(self) -> None:
        """Close the open project; the window stays, empty."""
        self._close_project()
        self.setCentralWidget(QWidget())
        self.setWindowTitle("Sorot")
        for label in (self._annotator, self._progress, self._path, self._backlog):
            label.clear()

    def _show_pane(self, review: list[str] | None) -> None:
        """Show the project for annotation, or (with annotators) for review."""
        workspace = self.workspace
        assert workspace is not None  # shown only with a project open
        self.pane = ProjectPane(workspace, review)
        self.setCentralWidget(self.pane)  # deletes the pane shown before
        self.caret = CaretKeys(self.pane, self.actions)
        self.relation_walk = RelationWalk(self.pane.controller, self.actions)
        self.relation_walk.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.pane.view.relationDragged.connect(self._ask_relation)
        self.pane.picker.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.pane.empty_hint.importRequested.connect(self.actions.import_files.trigger)
        self.pane.controller.articleOpened.connect(self._on_article_opened)
        self.pane.controller.articleOpened.connect(self._update_undo)
        self.pane.article_list.orderChanged.connect(self._show_order)
        self._show_order(self.pane.article_list.order())
        self._build_review_actions()
        mode = qsettings().value("view/relations")
        self._show_relations(mode if mode in FOCUS_MODES else FOCUS_MODES[0])
        first = self._next_article(None)
        if first is None and workspace.store.count_articles():
            first = workspace.store.article_ids()[0]
        if first is not None:
            self.pane.open_article(first)
        self.pane.view.setFocus()

    def _show_order(self, order: str) -> None:
        # The review list has an order of its own (by disagreement).
        action = self.actions.uncertain_first
        action.setEnabled(self.pane is not None and not self.pane.review)
        action.blockSignals(True)
        action.setChecked(order == UNCERTAIN and action.isEnabled())
        action.blockSignals(False)

    def _on_uncertain_toggled(self, on: bool) -> None:
        if self.pane is not None and not self.pane.review:
            self.pane.article_list.set_order(UNCERTAIN if on else CORPUS)

    def _on_article_opened(self, article_id: int) -> None:
        if self.service is not None:
            self.service.open(article_id)

    def start_suggestions(self, background: bool = True) -> SuggestionService:
        """Suggest on a worker thread: the open article first, the memory, then the rest."""
        workspace, pane = self.workspace, self.pane
        assert workspace is not None and pane is not None  # with a project open
        assert workspace.store.path is not None  # a project file, not a store in memory
        service = SuggestionService(workspace.store.path, self.settings, background, self)
        workspace.store.subscribe(service.decided)
        service.suggested.connect(workspace.changed.emit)
        service.problem.connect(lambda message: self.statusBar().showMessage(message, 15000))
        service.backlog.connect(self._show_backlog)
        if pane.controller.article is not None:
            service.open(pane.controller.article.id)
        self.service = service
        return service

    def _show_backlog(self, count: int) -> None:
        self._backlog.setText(f"Suggesting: {count:,} articles to go" if count else "")

    def _close_project(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service.deleteLater()
            self.service = None
        if self.pane is not None:
            self.pane.deleteLater()
            self.pane = None
        if self.workspace is not None:
            self.workspace.store.close()
            self.workspace.deleteLater()
            self.workspace = None

    def _remember(self, path: Path) -> None:
        entry = str(path.resolve())
        recent = [p for p in self.settings.recent_projects if p != entry]
        self.settings.recent_projects = [entry, *recent][:MAX_RECENT]
        self.settings.save()
        self._update_recent()

    def _update_recent(self) -> None:
        self._recent_menu.clear()
        for entry in self.settings.recent_projects:
            action = self._recent_menu.addAction(entry)
            action.triggered.connect(lambda _=False, p=entry: self.open_project(Path(p)))
        self._recent_menu.setEnabled(bool(self.settings.recent_projects))

    def _new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New project", "", PROJECT_FILTER)
        if not name:
            return
        path = Path(name)
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_suffix(PROJECT_SUFFIX)
        try:
            Store.create(path).close()
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot create project", str(exc))
            return
        self.open_project(path)

    def _open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", PROJECT_FILTER + ";;All files (*)"
        )
        if name:
            self.open_project(Path(name))

    # -- wiring -------------------------------------------------------------------------------

    def _connect(self) -> None:
        a = self.actions
        a.new_project.triggered.connect(self._new_project)
        a.open_project.triggered.connect(self._open_dialog)
        a.import_files.triggered.connect(lambda: self._import(None))
        a.export.triggered.connect(self._export)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(lambda: self._step("undo"))
        a.redo.triggered.connect(lambda: self._step("redo"))
        a.edit_schema.triggered.connect(self._edit_schema)
        a.set_annotator.triggered.connect(self.ask_annotator)
        self._on(a.accept, lambda c: c.accept())
        self._on(a.reject, lambda c: c.reject())
        self._on(a.next_item, lambda c: c.next_suggestion(1))
        self._on(a.previous_item, lambda c: c.next_suggestion(-1))
        self._on(a.delete, lambda c: c.delete())
        self._on(a.widen_end, lambda c: c.resize("end", 1))
        self._on(a.shrink_end, lambda c: c.resize("end", -1))
        self._on(a.widen_start, lambda c: c.resize("start", -1))
        self._on(a.shrink_start, lambda c: c.resize("start", 1))
        self._on(a.accept_all, lambda c: c.accept_all())
        self._on(
            a.accept_label, lambda c: c.current_entity() and c.accept_all(c.current_entity().label)
        )
        a.link.triggered.connect(lambda: self.pane and self.pane.picker.start_link())
        a.go_to.triggered.connect(lambda: self.pane and self.pane.picker.start_go())
        a.retype.triggered.connect(lambda: self.pane and self.pane.picker.start_retype())
        a.add_relation.triggered.connect(lambda: self._ask_relation(None, None))
        a.done_next.triggered.connect(lambda: self._finish(ArticleStatus.DONE))
        a.skip_next.triggered.connect(lambda: self._finish(ArticleStatus.SKIPPED))
        a.find.triggered.connect(self._focus_search)
        a.uncertain_first.toggled.connect(self._on_uncertain_toggled)
        a.relations_shown.triggered.connect(self._cycle_relations)
        a.zoom_in.triggered.connect(lambda: self._zoom(1))
        a.zoom_out.triggered.connect(lambda: self._zoom(-1))
        a.zoom_reset.triggered.connect(lambda: self._zoom(None))
        a.help_keys.triggered.connect(
            lambda: show_keys(
                self,
                self.workspace.schema if self.workspace is not None else None,
                self._review_actions,
            )
        )
        a.start_review.triggered.connect(self._start_review)
        a.merge.triggered.connect(self._merge)
        a.agreement.triggered.connect(self._agreement)
        a.suggestion_use.triggered.connect(self._suggestion_use)
        a.train.triggered.connect(self._train)
        a.leave_review.triggered.connect(self._leave_review)

    def _focus_search(self) -> None:
        if self.pane is not None:
            self.pane.article_list.focus_search()

    def _leave_review(self) -> None:
        if self.workspace is not None:
            self._show_pane(None)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setMovable(False)
        a = self.actions
        # Undo and Redo stay in the Edit menu, where their text names the action.
        for group in (
            (a.open_project, a.import_files, a.export),
            (a.accept, a.reject, a.add_relation, a.accept_all),
            (a.done_next, a.skip_next),
            (a.zoom_out, a.zoom_in, a.help_keys),
        ):
            for action in group:
                bar.addAction(action)
            bar.addSeparator()

    def _on(self, action: QAction, gesture) -> None:
        action.triggered.connect(lambda: self.pane and gesture(self.pane.controller))

    def _build_label_actions(self) -> None:
        for action in self._label_actions:
            self.removeAction(action)
            action.deleteLater()
        self._label_menu.clear()
        self._label_actions = []
        if self.workspace is None:
            return
        for t in self.workspace.schema.entities:
            action = QAction(f"{t.name}", self)
            if t.hotkey:
                action.setShortcut(QKeySequence(t.hotkey))
            action.setStatusTip(f"Label the selection, or relabel the current entity, {t.name}")
            action.triggered.connect(lambda _=False, name=t.name: self._apply_label(name))
            self.addAction(action)
            self._label_menu.addAction(action)
            self._label_actions.append(action)

    def _apply_label(self, label: str) -> None:
        if self.pane is not None:
            self.pane.controller.apply_label(label)

    # -- gestures that need a dialog ----------------------------------------------------------

    def _step(self, which: str) -> None:
        if self.workspace is None:
            return
        label = self.workspace.undo() if which == "undo" else self.workspace.redo()
        if label:
            self.statusBar().showMessage(f"{which.capitalize()}: {label}", 4000)
        self._update_undo()

    def _edit_schema(self) -> None:
        if self.workspace is None:
            return
        from gui.schema.editor import SchemaEditorDialog

        SchemaEditorDialog(self.workspace, self).exec()

    def ask_annotator(self, first: bool = False) -> None:
        """Ask for the annotator's name; every decision is stored with it."""
        question = "Your name, as it is stored with every decision you make:"
        if first:
            question = "Welcome to Sorot. " + question + "\n(You can change it later in Edit.)"
        name, ok = QInputDialog.getText(
            self,
            "Annotator",
            question,
            text=self.settings.annotator or self.settings.effective_annotator(),
        )
        if ok and name.strip():
            self.settings.annotator = name.strip()
            self.settings.save()
            if self.workspace is not None and self.workspace.store.path is not None:
                self.open_project(self.workspace.store.path)

    def _import(self, paths: list[Path] | None) -> None:
        if self.workspace is not None:
            dialogs.import_files(self, self.workspace, paths)
            assert self.pane is not None  # shown whenever a project is open
            self.pane.article_list.refresh()
            self._update_status()

    def _export(self) -> None:
        if self.workspace is not None:
            dialogs.ExportDialog(self.workspace, self).exec()

    def _zoom(self, steps: int | None) -> None:
        if self.pane is None:
            return
        view = self.pane.view
        if steps is None:
            view.set_point_size(DEFAULT_POINT_SIZE)
        else:
            view.zoom(steps)
        qsettings().setValue("view/point_size", view.point_size)

    # -- status -------------------------------------------------------------------------------

    def _on_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def _update_status(self, *_: object) -> None:
        if self.workspace is None:
            return
        done, total = browse.progress(self.workspace.store, self.workspace.annotator)
        self._annotator.setText(f"Annotator: {self.workspace.annotator}")
        self._progress.setText(f"Done {done:,} / {total:,}")
        self._path.setText(str(self.workspace.store.path))

    def _update_undo(self, *_: object) -> None:
        if self.workspace is None:
            return
        stack = self.workspace.stack
        for action, word, can, label in (
            (self.actions.undo, "Undo", stack.can_undo(), stack.undo_label),
            (self.actions.redo, "Redo", stack.can_redo(), stack.redo_label),
        ):
            action.setEnabled(can)
            action.setText(f"&{word} {label}" if label else f"&{word}")

    # -- drops and closing --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and paths[0].suffix == PROJECT_SUFFIX:
            self.open_project(paths[0])
        elif paths:
            self._import(paths)
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        qsettings().setValue("window/geometry", self.saveGeometry())
        self._close_project()
        super().closeEvent(event)
