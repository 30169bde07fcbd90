"""Undo and redo scoped to one article: each article keeps its own history, and the
project-wide steps (schema edits) are reached from every article, in order."""

from __future__ import annotations

import pytest

from annotation.model import EntityStatus, NewEntity
from annotation.project.commands import (
    ALL_ARTICLES,
    AcceptEntity,
    CommandError,
    CommandStack,
    RejectEntity,
)
from annotation.project.schema_changes import AddEntityLabel
from annotation.project.store import Store

TEXTS = ("Prabowo Subianto tiba di Tokyo.", "Sugiono bertemu Wang Yi di Beijing.")


@pytest.fixture
def two(project: Store) -> tuple[int, int, int, int]:
    """Two articles with one suggestion each: (article a, its entity, article b, its entity)."""
    ids = []
    with project.transaction():
        for text in TEXTS:
            name = text.split(" ")[0]
            article = project.add_article(
                text,
                title=name,
                entities=[NewEntity(0, len(name), "PER", EntityStatus.SUGGESTED, "rules", 0.9)],
            )
            ids += [article, project.entities(article)[0].id]
    return tuple(ids)


def status(store: Store, entity_id: int) -> str:
    return store.entity(entity_id).status


def test_each_article_keeps_its_own_undo_and_redo(project: Store, two) -> None:
    a, ea, b, eb = two
    stack = CommandStack(project, "ana")
    stack.scope = a
    stack.do(AcceptEntity(ea))
    stack.undo()
    stack.scope = b
    assert not stack.can_redo() and not stack.can_undo()
    assert stack.redo() == "" and stack.undo() == ""
    stack.do(RejectEntity(eb))  # clears b's redo, not a's
    stack.scope = a
    assert stack.redo_label == "Accept PER “Prabowo”"
    assert stack.redo() and status(project, ea) == "accepted"
    stack.scope = b
    assert stack.undo() and status(project, eb) == "suggested"
    assert status(project, ea) == "accepted"


def test_a_schema_edit_is_reached_from_every_article_while_it_is_the_last_step(
    project: Store, two
) -> None:
    a, ea, b, eb = two
    stack = CommandStack(project, "ana")
    stack.scope = a
    stack.do(AddEntityLabel("PARTY"))
    stack.scope = b
    assert stack.undo_label == "Add entity label PARTY"
    assert stack.undo() and project.schema.entity("PARTY") is None
    assert stack.redo() and project.schema.entity("PARTY") is not None
    stack.do(RejectEntity(eb))
    stack.scope = a
    assert stack.undo_label == "Add entity label PARTY"
    with pytest.raises(CommandError, match="worked in other articles since"):
        stack.undo()
    assert project.schema.entity("PARTY") is not None
    stack.scope = None  # no article shown: only the schema edit is in reach
    assert stack.undo_label == "Add entity label PARTY"
    stack.scope = b
    assert stack.undo() and stack.undo() == "Add entity label PARTY"


def test_a_schema_edit_clears_every_redo(project: Store, two) -> None:
    a, ea, b, eb = two
    stack = CommandStack(project, "ana")
    stack.scope = a
    stack.do(AcceptEntity(ea))
    stack.undo()
    stack.scope = b
    stack.do(AddEntityLabel("PARTY"))
    stack.scope = a
    assert not stack.can_redo()


def test_scripts_see_every_step_in_order(project: Store, two) -> None:
    a, ea, b, eb = two
    stack = CommandStack(project, "ana")
    assert stack.scope == ALL_ARTICLES
    stack.do(AcceptEntity(ea))
    stack.do(RejectEntity(eb))
    assert stack.undo() == "Reject PER “Sugiono”"
    assert stack.undo() == "Accept PER “Prabowo”"
