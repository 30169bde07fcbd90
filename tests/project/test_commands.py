"""Commands and the command stack: every edit undoable, grouped, and kept across restarts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.model import EntityStatus, NewEntity, NewRelation
from annotation.project.commands import (
    AcceptEntity,
    AcceptRelation,
    AddEntity,
    AddRelation,
    CommandError,
    CommandStack,
    DeleteEntity,
    DeleteRelation,
    RejectEntity,
    RejectRelation,
    RelabelEntity,
    RelabelRelation,
    ResizeEntity,
    SetArticleStatus,
)
from annotation.project.store import Store

TEXT = "Presiden Prabowo Subianto bertemu Presiden Prancis Emmanuel Macron di Jakarta."
#       0         1         2         3         4         5         6         7


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def add_article(store: Store, text: str = TEXT, entities=(), relations=()) -> int:
    with store.transaction():
        return store.add_article(
            text, title="t", entities=list(entities), relations=list(relations)
        )


def snapshot(store: Store) -> tuple:
    """Everything a command may change, to compare states."""
    rows = []
    for table in ("entities", "relations", "article_status", "meta"):
        rows.append(store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall())
    return tuple(rows)


@pytest.fixture
def article(project: Store) -> int:
    return add_article(
        project,
        entities=[
            NewEntity(*span(TEXT, "Prabowo Subianto"), "PER", EntityStatus.SUGGESTED, "rules", 0.9),
            NewEntity(*span(TEXT, "Emmanuel Macron"), "PER", EntityStatus.SUGGESTED, "rules", 0.8),
            NewEntity(*span(TEXT, "Jakarta"), "GPE", EntityStatus.SUGGESTED, "rules", 0.7),
        ],
        relations=[NewRelation(0, 1, "MEETS", EntityStatus.SUGGESTED, "rules", 0.5)],
    )


def ids(store: Store, article_id: int) -> dict[str, int]:
    return {TEXT[e.start : e.end]: e.id for e in store.entities(article_id)}


def test_accept_reject_relabel_resize_and_undo_each(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    steps = [
        AcceptEntity(e["Prabowo Subianto"]),
        RejectEntity(e["Jakarta"]),
        RelabelEntity(e["Emmanuel Macron"], "ROLE"),
        ResizeEntity(e["Prabowo Subianto"], *span(TEXT, "Prabowo")),
        SetArticleStatus(article, "done"),
    ]
    states = [snapshot(project)]
    for command in steps[:2]:
        stack.do(command)
        states.append(snapshot(project))
    # ROLE is not allowed in MEETS: relabelling the linked entity is refused, nothing changes.
    with pytest.raises(CommandError, match="MEETS does not allow"):
        stack.do(steps[2])
    assert snapshot(project) == states[-1]
    for command in steps[3:]:
        stack.do(command)
        states.append(snapshot(project))

    prabowo = project.entity(e["Prabowo Subianto"])
    assert (prabowo.start, prabowo.end, prabowo.status, prabowo.annotator) == (
        *span(TEXT, "Prabowo"),
        "accepted",
        "ana",
    )
    assert prabowo.origin == "rules"  # provenance survives the decision
    assert project.entity(e["Jakarta"]).status == "rejected"
    assert project.article_status(article, "ana") == "done"
    assert stack.undo_label == "Mark article done"

    for expected in reversed(states[:-1]):
        assert stack.undo()
        assert snapshot(project) == expected
    assert not stack.can_undo() and stack.undo() == ""
    for expected in states[1:]:
        assert stack.redo()
        assert snapshot(project) == expected
    assert not stack.can_redo()


def test_reject_entity_rejects_its_relations(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    stack.do(RejectEntity(e["Emmanuel Macron"]))
    [rel] = project.relations(article)
    assert rel.status == "rejected"
    stack.undo()
    assert project.relations(article)[0].status == "suggested"


def test_delete_entity_deletes_relations_and_undo_restores_both(project: Store, article) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    before = snapshot(project)
    stack.do(DeleteEntity(e["Prabowo Subianto"]))
    assert project.relations(article) == []
    assert "Prabowo Subianto" not in ids(project, article)
    stack.undo()
    assert snapshot(project) == before
    stack.redo()
    assert project.relations(article) == []


def test_add_entity_replaces_suggestions_it_covers(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    start, end = span(TEXT, "Presiden Prancis Emmanuel Macron")
    command = stack.do(AddEntity(article, start, end, "PER"))
    assert project.entity(e["Emmanuel Macron"]).status == "rejected"
    added = project.entity(command.entity_id)
    assert (added.start, added.end, added.label, added.origin) == (start, end, "PER", "human")
    with pytest.raises(CommandError, match="overlaps PER"):
        stack.do(AddEntity(article, *span(TEXT, "Prancis"), "GPE"))
    with pytest.raises(CommandError, match="already exists"):
        stack.do(AddEntity(article, start, end, "PER"))
    stack.undo()
    assert project.entity(e["Emmanuel Macron"]).status == "suggested"
    with pytest.raises(KeyError):
        project.entity(command.entity_id)


def test_overlap_allowed_when_schema_says_so(tmp_path: Path) -> None:
    from annotation.schema import default_schema

    store = Store.create(tmp_path / "o.sorot", default_schema().with_changes(allow_overlap=True))
    article_id = add_article(store)
    stack = CommandStack(store, "ana")
    stack.do(AddEntity(article_id, *span(TEXT, "Presiden Prancis Emmanuel Macron"), "PER"))
    stack.do(AddEntity(article_id, *span(TEXT, "Prancis"), "GPE"))
    assert [e.label for e in store.entities(article_id, ("accepted",))] == ["PER", "GPE"]
    store.close()


def test_entity_validation(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    with pytest.raises(CommandError, match="not an entity label"):
        stack.do(AddEntity(article, 0, 8, "NOPE"))
    with pytest.raises(CommandError, match="not within the article"):
        stack.do(AddEntity(article, 70, 500, "GPE"))
    with pytest.raises(CommandError, match="not within the article"):
        stack.do(AddEntity(article, 5, 5, "GPE"))
    with pytest.raises(CommandError, match="no longer exists"):
        stack.do(AcceptEntity(99999))
    assert not stack.can_undo()


def test_relations_only_allowed_types(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    with pytest.raises(CommandError, match="HOLDS_ROLE does not allow PER → GPE"):
        stack.do(AddRelation(e["Prabowo Subianto"], e["Jakarta"], "HOLDS_ROLE"))
    with pytest.raises(CommandError, match="already links"):
        # MEETS is symmetric: the reversed pair is the same relation
        stack.do(AddRelation(e["Emmanuel Macron"], e["Prabowo Subianto"], "MEETS"))
    command = stack.do(AddRelation(e["Emmanuel Macron"], e["Jakarta"], "VISITS"))
    rel = project.relation(command.relation_id)
    assert (rel.label, rel.status, rel.annotator) == ("VISITS", "accepted", "ana")
    # linking suggested entities accepts them in the same step
    assert project.entity(e["Jakarta"]).status == "accepted"
    stack.undo()
    assert project.entity(e["Jakarta"]).status == "suggested"
    with pytest.raises(KeyError):
        project.relation(command.relation_id)


def test_relation_accept_reject_relabel_delete(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    [rel] = project.relations(article)
    start = snapshot(project)
    stack.do(AcceptRelation(rel.id))
    assert project.relation(rel.id).status == "accepted"
    assert {e.status for e in project.entities(article)} >= {"accepted"}
    stack.do(RelabelRelation(rel.id, "COOPERATES_WITH"))
    assert project.relation(rel.id).label == "COOPERATES_WITH"
    with pytest.raises(CommandError, match="not a relation label"):
        stack.do(RelabelRelation(rel.id, "LIKES"))
    stack.do(RejectRelation(rel.id))
    assert project.relation(rel.id).status == "rejected"
    stack.do(DeleteRelation(rel.id))
    assert project.relations(article) == []
    for _ in range(4):
        stack.undo()
    assert snapshot(project) == start


def test_relabelling_a_suggested_relation_decides_its_ends(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    [rel] = project.relations(article)
    assert {project.entity(i).status for i in (rel.head, rel.child)} == {"suggested"}
    stack.do(RelabelRelation(rel.id, "COOPERATES_WITH"))
    assert {project.entity(i).status for i in (rel.head, rel.child)} == {"accepted"}
    stack.undo()
    assert {project.entity(i).status for i in (rel.head, rel.child)} == {"suggested"}
    assert project.relation(rel.id).status == "suggested"


def test_group_is_one_transaction_and_one_undo_step(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    before = snapshot(project)
    with stack.group("Accept all suggestions"):
        for entity in project.entities(article, ("suggested",)):
            stack.do(AcceptEntity(entity.id))
        stack.do(AcceptRelation(project.relations(article)[0].id))
    assert {e.status for e in project.entities(article)} == {"accepted"}
    assert stack.undo_label == "Accept all suggestions"
    assert stack.undo() == "Accept all suggestions"
    assert snapshot(project) == before
    assert not stack.can_undo()


def test_failing_group_changes_nothing(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    before = snapshot(project)
    e = ids(project, article)
    with pytest.raises(CommandError), stack.group("Half"):
        stack.do(AcceptEntity(e["Jakarta"]))
        stack.do(AddEntity(article, 0, 3, "NOPE"))
    assert snapshot(project) == before
    assert not stack.can_undo()


def test_new_command_clears_redo(project: Store, article: int) -> None:
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    stack.do(AcceptEntity(e["Jakarta"]))
    stack.undo()
    assert stack.can_redo()
    stack.do(RejectEntity(e["Jakarta"]))
    assert not stack.can_redo()


def test_undo_redo_survive_restart_and_are_logged(tmp_path: Path) -> None:
    path = tmp_path / "p.sorot"
    store = Store.create(path)
    article_id = add_article(store)
    stack = CommandStack(store, "ana")
    added = stack.do(AddEntity(article_id, *span(TEXT, "Jakarta"), "GPE")).entity_id
    stack.do(SetArticleStatus(article_id, "done"))
    stack.undo()
    store.close()

    store = Store.open(path)
    stack = CommandStack(store, "ana")
    assert stack.redo_label == "Mark article done"
    assert stack.undo_label == "Add GPE"
    assert CommandStack(store, "budi").can_undo() is False  # undo is per annotator
    stack.redo()
    assert store.article_status(article_id, "ana") == "done"
    stack.undo()
    stack.undo()
    with pytest.raises(KeyError):
        store.entity(added)

    events = store.db.execute(
        "SELECT kind, label, annotator, changes, ref FROM events ORDER BY id"
    ).fetchall()
    assert [(k, label) for k, label, *_ in events] == [
        ("do", "Add GPE"),
        ("do", "Mark article done"),
        ("undo", "Mark article done"),
        ("redo", "Mark article done"),
        ("undo", "Mark article done"),
        ("undo", "Add GPE"),
    ]
    first_changes = json.loads(events[0][3])
    assert first_changes[0]["table"] == "entities"
    assert first_changes[0]["before"] is None
    assert first_changes[0]["after"]["label"] == "GPE"
    assert events[5][4] == 1  # the undo names the event it reverses
    store.close()


def test_undo_refuses_when_row_changed_since(project: Store, article: int) -> None:
    ana, budi = CommandStack(project, "ana"), CommandStack(project, "budi")
    e = ids(project, article)
    ana.do(AcceptEntity(e["Jakarta"]))
    budi.do(RelabelEntity(e["Jakarta"], "LOC"))
    before = snapshot(project)
    with pytest.raises(CommandError, match="cannot undo .*changed since"):
        ana.undo()
    assert snapshot(project) == before
    assert ana.can_undo()


def test_listeners_hear_committed_changes_once(project: Store, article: int) -> None:
    heard = []
    project.subscribe(lambda changes: heard.append([c.table for c in changes]))
    stack = CommandStack(project, "ana")
    e = ids(project, article)
    with stack.group("two"):
        stack.do(AcceptEntity(e["Jakarta"]))
        stack.do(RejectEntity(e["Emmanuel Macron"]))
    # The first edit also marks the article in progress (see the test below).
    assert heard == [["entities", "article_status", "entities", "relations"]]
    stack.undo()
    assert len(heard) == 2


def test_annotator_is_required(project: Store) -> None:
    with pytest.raises(CommandError, match="annotator"):
        CommandStack(project, "")


def test_a_change_waits_for_another_connection_instead_of_failing(tmp_path) -> None:
    """The app's suggestion worker writes to the project file beside the window. A change
    that read the project before the worker committed must still go through."""
    import threading

    from annotation.project.commands import AddEntity, CommandStack

    path = tmp_path / "shared.sorot"
    window = Store.create(path)
    with window.transaction():
        article = window.add_article("Retno Marsudi bertemu Wang Yi.", title="t")
    committed = threading.Event()
    errors: list[Exception] = []

    def write_from_the_worker() -> None:
        try:
            with Store.open(path) as worker:  # its own connection, as the worker has
                CommandStack(worker, "worker").do(AddEntity(article, 22, 29, "PER"))
            committed.set()
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    stack = CommandStack(window, "ana")
    with stack.group("read, then write"):
        window.entities(article)  # a read inside the transaction
        thread = threading.Thread(target=write_from_the_worker)
        thread.start()
        committed.wait(0.5)  # the worker commits now, or waits for this transaction
        stack.do(AddEntity(article, 0, 13, "PER"))
    thread.join(10)
    assert errors == []
    assert {(e.start, e.annotator) for e in window.entities(article)} == {
        (0, "ana"),
        (22, "worker"),
    }
    window.close()


def test_first_edit_marks_the_article_in_progress_without_the_window(
    project: Store, article: int
) -> None:
    # The rule is the commands', not the window's: a script, the command line or a review
    # running commands on the project file gets it too, in the same undo step.
    path = project.path
    project.close()
    with Store.open(path) as store:
        stack = CommandStack(store, "ana")
        e = ids(store, article)
        assert store.article_status(article, "ana") == "todo"
        stack.do(AcceptEntity(e["Prabowo Subianto"]))
        assert store.article_status(article, "ana") == "in_progress"
        assert store.article_status(article, "budi") == "todo"  # only the one who edited
        assert stack.undo_label == "Accept PER “Prabowo Subianto”"
        stack.do(RejectEntity(e["Jakarta"]))  # a later edit leaves the status as it is
        assert stack.undo() and store.article_status(article, "ana") == "in_progress"
        assert stack.undo() == "Accept PER “Prabowo Subianto”"
        # Undoing the first edit makes the article to do again; redoing it, in progress.
        assert store.article_status(article, "ana") == "todo"
        assert store.entity(e["Prabowo Subianto"]).status == "suggested"
        stack.redo()
        assert store.article_status(article, "ana") == "in_progress"
    with Store.open(path) as store:
        assert store.article_status(article, "ana") == "in_progress"
        stack = CommandStack(store, "ana")
        stack.do(SetArticleStatus(article, "done"))
        stack.do(RejectEntity(ids(store, article)["Emmanuel Macron"]))
        assert store.article_status(article, "ana") == "done"  # a decided status stays
        with pytest.raises(CommandError):
            stack.do(AcceptEntity(10_000))  # refused: nothing is written, no status either
        assert store.article_status(article, "budi") == "todo"
