"""Everything shown for one open project: article list, article view and side panels."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from annotation.team.review import review_order
from gui.article.controller import ArticleController, Item
from gui.article.list_pane import STATUS_WORDS, ArticleListWidget
from gui.article.panels import EntityTable, LabelPalette, MetadataPanel, RelationTable
from gui.article.relation_picker import RelationPicker
from gui.article.view import ArticleView
from gui.empty_project import EmptyProjectHint
from gui.team.review_controller import ReviewController
from gui.team.review_panel import ReviewPanel
from gui.workspace import Workspace


class ProjectPane(QSplitter):
    """The three columns of the workspace, wired to one Workspace."""

    def __init__(
        self, workspace: Workspace, review: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.workspace = workspace
        self.review = review  # the annotators under review, in review mode
        self.article_list = ArticleListWidget(workspace)
        # The window's View → Find articles (Ctrl+F) reaches the search box from anywhere.
        self.article_list.search_action.setShortcut(QKeySequence())
        self.view = ArticleView()
        if review:
            self.controller: ArticleController = ReviewController(workspace, self.view, review)
        else:
            self.controller = ArticleController(workspace, self.view)
        self.picker = RelationPicker(self.controller, self.view)
        self.empty_hint = EmptyProjectHint(self.view)
        self.palette_panel = LabelPalette()
        self.entity_table = EntityTable()
        self.relation_table = RelationTable()
        self.metadata = MetadataPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.palette_panel, "Labels")
        self.tabs.addTab(self.entity_table, "Entities")
        self.tabs.addTab(self.relation_table, "Relations")
        self.tabs.addTab(self.metadata, "Article")
        if review:
            reviewing = self.controller
            assert isinstance(reviewing, ReviewController)  # made so above
            self.review_panel = ReviewPanel(review)
            self.tabs.insertTab(0, self.review_panel, "Review")
            self.tabs.setCurrentIndex(0)
            self.controller.itemsChanged.connect(
                lambda: self.review_panel.show_review(reviewing.review)
            )
            self.article_list.model.set_order(review_order(workspace.store, review))
            self.article_list.order_box.hide()  # review lists by disagreement
        # Every tab's name stays readable (no scroll arrows hiding "Article"): the side
        # column is never narrower than its tabs.
        self.tabs.setMinimumWidth(self.tabs.tabBar().sizeHint().width() + 4)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.tabs)
        self.addWidget(self.article_list)
        self.addWidget(self.view)
        self.addWidget(side)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 6)
        self.setStretchFactor(2, 3)
        self.setSizes([330, 900, 330])
        self.setChildrenCollapsible(False)

        self.palette_panel.set_schema(workspace.schema)
        self.article_list.articleActivated.connect(self.open_article)
        self.palette_panel.labelChosen.connect(self._on_label_chosen)
        self.controller.itemsChanged.connect(self._on_items_changed)
        self.controller.currentChanged.connect(self._on_current_changed)
        self.entity_table.chosen.connect(
            lambda entity_id: self.controller.set_current(Item("entity", entity_id))
        )
        self.relation_table.chosen.connect(
            lambda relation_id: self.controller.set_current(Item("relation", relation_id))
        )
        workspace.schemaChanged.connect(self._on_schema_changed)
        workspace.changed.connect(self._on_changed)
        self.article_list.model.modelReset.connect(self._on_list_read)
        self.empty_hint.setVisible(not workspace.store.count_articles())
        # What is built by now (modules, Qt wrappers, the schema) lives as long as the window:
        # keep it out of the collector's full scans, which otherwise cost a long article about
        # half of a key press's time (benchmarks/bench_gui.py).
        gc.freeze()

    def open_article(self, article_id: int) -> None:
        if self.controller.article is not None and self.controller.article.id == article_id:
            return
        self.controller.open(article_id)
        self.article_list.select_article(article_id)
        self._show_metadata()

    def _on_list_read(self) -> None:
        """The hint on how to import while there are no articles; once some are imported,
        the first of them."""
        empty = not self.workspace.store.count_articles()
        self.empty_hint.setVisible(empty)
        if not empty and self.controller.article is None:
            self.open_article(self.workspace.store.article_ids()[0])

    def _on_schema_changed(self) -> None:
        # A method, not a lambda: Qt drops the connection when this pane is deleted.
        self.palette_panel.set_schema(self.workspace.schema)

    def _on_label_chosen(self, label: str) -> None:
        self.controller.apply_label(label)
        self.view.setFocus()

    def _show_metadata(self) -> None:
        article = self.controller.article
        status = ""
        if article is not None:
            status = self.workspace.store.article_status(article.id, self.workspace.annotator)
        self.metadata.show_article(article, STATUS_WORDS.get(status, status))

    def _on_changed(self, articles: set[int]) -> None:
        if self.controller.article is not None and self.controller.article.id in articles:
            self._show_metadata()

    def _on_items_changed(self) -> None:
        c = self.controller
        text = c.article.text if c.article else ""
        self.entity_table.show_entities(text, c.entities, self.workspace.schema)
        self.relation_table.show_relations(text, c.relations, {e.id: e for e in c.entities})
        self._on_current_changed()

    def _on_current_changed(self) -> None:
        c = self.controller
        entity, relation = c.current_entity(), c.current_relation()
        self.entity_table.select_id(entity.id if entity else None)
        self.relation_table.select_id(relation.id if relation else None)
        if entity is not None:
            self.palette_panel.show_guideline(entity.label)
