"""The label schema: the shipped default, validation, and changes that never orphan labels."""

from __future__ import annotations

import json

import pytest

from annotation.project.commands import AddEntity, AddRelation, CommandError, CommandStack
from annotation.project.schema_changes import (
    ENTITY,
    RELATION,
    AddEntityLabel,
    AddRelationLabel,
    EditEntityLabel,
    EditRelationLabel,
    Impact,
    MergeLabels,
    RemoveLabel,
    RenameLabel,
    SetSchema,
    impact,
)
from annotation.project.store import Store
from annotation.schema import LabelSchema, SchemaError, default_schema

TEXT = "Menteri Luar Negeri Sugiono bertemu Wang Yi di Beijing."


def test_default_schema_is_complete_and_consistent() -> None:
    schema = default_schema()
    assert schema.entity_labels[:7] == ["PER", "ROLE", "GPE", "ORG", "LOC", "EVENT", "DATE"]
    for name in [
        "MEETS",
        "VISITS",
        "COOPERATES_WITH",
        "SUPPORTS",
        "OPPOSES",
        "SANCTIONS",
        "URGES",
        "ATTACKS",
        "MEMBER_OF",
        "REPRESENTS",
        "HOLDS_ROLE",
        "LOCATED_IN",
        "PARTICIPATES_IN",
    ]:
        assert schema.relation(name) is not None, name
    hotkeys = [e.hotkey for e in schema.entities]
    assert len(set(hotkeys)) == len(hotkeys) and all(hotkeys)
    assert all(e.guideline and r.guideline for e in schema.entities for r in schema.relations)
    assert schema.relation("MEETS").symmetric and not schema.relation("URGES").symmetric
    assert schema.allowed_relations("PER", "ROLE") == ["HOLDS_ROLE"]
    assert "MEETS" in schema.allowed_relations("PER", "PER")


def test_round_trip_through_json() -> None:
    schema = default_schema()
    assert LabelSchema.from_dict(json.loads(schema.to_json())) == schema


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entities": [{"name": "A"}, {"name": "A"}]}, "entity label 'A' appears twice"),
        ({"entities": [{"name": "A", "colour": "red"}]}, "not #RRGGBB"),
        ({"entities": [{"name": "A b"}]}, "use letters"),
        (
            {"entities": [{"name": "A", "hotkey": "1"}, {"name": "B", "hotkey": "1"}]},
            "hotkey '1' appears twice",
        ),
        (
            {
                "entities": [{"name": "A"}],
                "relations": [{"name": "R", "head": ["A"], "child": ["B"]}],
            },
            "child type 'B' is not an entity label",
        ),
        ([], "must be a JSON object"),
    ],
)
def test_bad_schemas_are_refused(data, message) -> None:
    with pytest.raises(SchemaError, match=message):
        LabelSchema.from_dict(data)


def test_schema_file_errors_name_file_and_line(tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{\n "entities": [\n  {"name": }\n]}')
    with pytest.raises(SchemaError, match=r"s.json: line 3: invalid JSON"):
        LabelSchema.load(path)


@pytest.fixture
def annotated(project: Store) -> tuple[Store, CommandStack, int]:
    with project.transaction():
        article = project.add_article(TEXT)
    stack = CommandStack(project, "ana")
    sugiono = stack.do(AddEntity(article, 20, 27, "PER")).entity_id
    wang = stack.do(AddEntity(article, 36, 43, "PER")).entity_id
    stack.do(AddEntity(article, 47, 54, "GPE"))
    stack.do(AddEntity(article, 0, 19, "ROLE"))
    stack.do(AddRelation(sugiono, wang, "MEETS"))
    return project, stack, article


def test_removing_a_used_label_is_refused(annotated) -> None:
    store, stack, _ = annotated
    schema = store.schema
    fewer = schema.with_changes(
        entities=tuple(e for e in schema.entities if e.name != "GPE"),
        relations=tuple(
            r.__class__(
                r.name,
                r.guideline,
                tuple(x for x in r.head if x != "GPE"),
                tuple(x for x in r.child if x != "GPE"),
                r.symmetric,
            )
            for r in schema.relations
        ),
    )
    with pytest.raises(CommandError, match="would orphan 1 entity labelled GPE"):
        stack.do(SetSchema(fewer))
    no_meets = schema.with_changes(
        relations=tuple(r for r in schema.relations if r.name != "MEETS")
    )
    with pytest.raises(CommandError, match="1 relation labelled MEETS"):
        stack.do(SetSchema(no_meets))
    assert store.schema == schema


def test_narrowing_relation_types_is_refused(annotated) -> None:
    store, stack, _ = annotated
    schema = store.schema
    narrowed = schema.with_changes(
        relations=tuple(
            r.__class__(r.name, r.guideline, ("GPE",), ("GPE",), r.symmetric)
            if r.name == "MEETS"
            else r
            for r in schema.relations
        )
    )
    with pytest.raises(CommandError, match="1 MEETS relation\\(s\\) from PER to PER"):
        stack.do(SetSchema(narrowed))


def test_harmless_change_is_applied_and_undoable(annotated) -> None:
    store, stack, _ = annotated
    schema = store.schema
    recoloured = schema.with_changes(
        entities=tuple(
            e.__class__(e.name, "#000000", e.hotkey, e.guideline) if e.name == "PER" else e
            for e in schema.entities
        )
    )
    stack.do(SetSchema(recoloured))
    assert store.schema.entity("PER").colour == "#000000"
    stack.undo()
    assert store.schema == schema


def test_rename_entity_label_carries_annotations_and_relation_types(annotated) -> None:
    store, stack, article = annotated
    stack.do(MergeLabels(ENTITY, ["PER"], "PERSON"))
    assert "PER" not in store.schema.entity_labels
    assert store.schema.entity("PERSON").hotkey == "1"
    assert sorted(e.label for e in store.entities(article)) == ["GPE", "PERSON", "PERSON", "ROLE"]
    assert "PERSON" in store.schema.relation("MEETS").head
    assert stack.undo_label == "Rename PER → PERSON"
    stack.undo()
    assert sorted(e.label for e in store.entities(article)) == ["GPE", "PER", "PER", "ROLE"]
    assert store.schema.entity("PER") is not None


def test_merge_entity_labels(annotated) -> None:
    store, stack, article = annotated
    stack.do(MergeLabels(ENTITY, ["GPE", "LOC"], "PLACE"))
    assert "GPE" not in store.schema.entity_labels and "LOC" not in store.schema.entity_labels
    assert [e.label for e in store.entities(article) if e.start == 47] == ["PLACE"]
    stack.do(MergeLabels(ENTITY, ["ROLE"], "PER"))  # into an existing label
    assert sorted(e.label for e in store.entities(article)) == ["PER", "PER", "PER", "PLACE"]


def test_merge_relation_labels_keeps_every_relation_allowed(annotated) -> None:
    store, stack, article = annotated
    stack.do(MergeLabels(RELATION, ["MEETS"], "HOLDS_ROLE"))
    assert [r.label for r in store.relations(article)] == ["HOLDS_ROLE"]
    assert store.schema.relation("HOLDS_ROLE").allows("PER", "PER")


def test_merge_refuses_unknown_labels(annotated) -> None:
    _, stack, _ = annotated
    with pytest.raises(CommandError, match="'XYZ' is not an entity label"):
        stack.do(MergeLabels(ENTITY, ["XYZ"], "PER"))


# -- schema editing commands (the schema editor's domain) ----------------------------------


def _events(store: Store) -> int:
    return store.db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_rename_entity_label_undo_and_redo_across_entities_and_relation_types(annotated) -> None:
    store, stack, article = annotated
    before_events = _events(store)
    command = RenameLabel(ENTITY, "PER", "PERSON")
    assert command.impact(store) == Impact(ENTITY, 2, 1)
    assert str(command.impact(store)) == "2 entities in 1 article"
    stack.do(command)
    assert _events(store) == before_events + 1  # one transaction, one undo step
    with Store.open(store.path) as reopened:
        assert sorted(e.label for e in reopened.entities(article)) == [
            "GPE",
            "PERSON",
            "PERSON",
            "ROLE",
        ]
        assert reopened.schema.relation("MEETS").head == ("PERSON", "GPE", "ORG")
        assert reopened.schema.relation("HOLDS_ROLE").head == ("PERSON",)
        assert "PER" not in reopened.schema.entity_labels
        assert reopened.schema.entity("PERSON").colour == "#33BBEE"
    [meets] = store.relations(article)
    assert (store.entity(meets.head).label, store.entity(meets.child).label) == ("PERSON", "PERSON")
    assert stack.undo() == "Rename PER → PERSON"
    assert sorted(e.label for e in store.entities(article)) == ["GPE", "PER", "PER", "ROLE"]
    assert store.schema == default_schema()
    stack.redo()
    assert store.schema.relation("MEETS").child == ("PERSON", "GPE", "ORG")
    assert sorted(e.label for e in store.entities(article)) == ["GPE", "PERSON", "PERSON", "ROLE"]


def test_rename_relation_label_rewrites_relations(annotated) -> None:
    store, stack, article = annotated
    stack.do(RenameLabel(RELATION, "MEETS", "TALKS_WITH"))
    assert [r.label for r in store.relations(article)] == ["TALKS_WITH"]
    assert store.schema.relation("TALKS_WITH").symmetric
    assert store.schema.relation("MEETS") is None
    stack.undo()
    assert [r.label for r in store.relations(article)] == ["MEETS"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (RenameLabel(ENTITY, "PER", "GPE"), "GPE is already an entity label; merge PER into it"),
        (RenameLabel(ENTITY, "PER", "two words"), "use letters"),
        (RenameLabel(RELATION, "NOPE", "X"), "'NOPE' is not a relation label"),
        (AddEntityLabel("PER"), "PER is already an entity label"),
        (AddEntityLabel("9lives"), "use letters"),
        (AddEntityLabel("NORP", hotkey="1"), "hotkey 1 is already used by PER"),
        (AddRelationLabel("MEETS"), "MEETS is already a relation label"),
        (AddRelationLabel("FUNDS", head=("PER",), child=("BANK",)), "'BANK' is not an entity"),
        (EditEntityLabel("GPE", hotkey="1"), "hotkey 1 is already used by PER"),
        (EditEntityLabel("GPE", hotkey="!"), "use one digit"),
        (EditEntityLabel("GPE", colour="orange"), "not #RRGGBB"),
        (EditEntityLabel("XYZ", colour="#000000"), "'XYZ' is not an entity label"),
    ],
)
def test_invalid_schema_edits_are_refused(annotated, command, message) -> None:
    store, stack, _ = annotated
    before = _events(store)
    with pytest.raises(CommandError, match=message):
        stack.do(command)
    assert store.schema == default_schema() and _events(store) == before


def test_hotkeys_are_unique_whatever_their_case(project: Store) -> None:
    stack = CommandStack(project, "ana")
    stack.do(EditEntityLabel("PER", hotkey="q"))
    with pytest.raises(CommandError, match="hotkey Q is already used by PER"):
        stack.do(EditEntityLabel("GPE", hotkey="Q"))


def test_add_edit_and_remove_an_entity_label(project: Store) -> None:
    stack = CommandStack(project, "ana")
    stack.do(AddEntityLabel("NORP"))
    norp = project.schema.entity("NORP")
    assert norp.hotkey == "8" and norp.colour not in {e.colour for e in default_schema().entities}
    stack.do(EditEntityLabel("NORP", colour="#123456"))
    assert stack.undo_label == "Recolour NORP"
    stack.do(EditEntityLabel("NORP", guideline="Nationalities and religious groups."))
    assert stack.undo_label == "Edit guideline of NORP"
    stack.do(EditEntityLabel("NORP", hotkey=""))
    with Store.open(project.path) as reopened:
        assert reopened.schema.entity("NORP") == norp.__class__(
            "NORP", "#123456", "", "Nationalities and religious groups."
        )
    stack.undo()
    assert project.schema.entity("NORP").hotkey == "8"
    stack.do(RemoveLabel(ENTITY, "NORP"))
    assert project.schema.entity("NORP") is None


def test_removing_an_unused_entity_label_takes_it_off_relation_labels(project: Store) -> None:
    stack = CommandStack(project, "ana")
    stack.do(RemoveLabel(ENTITY, "LOC"))
    assert "LOC" not in project.schema.entity_labels
    assert project.schema.relation("VISITS").child == ("GPE", "ORG")
    stack.undo()
    assert project.schema == default_schema()


def test_removing_a_used_label_names_how_many_use_it(annotated) -> None:
    store, stack, _ = annotated
    with pytest.raises(CommandError, match="cannot remove PER: 2 entities in 1 article use it"):
        stack.do(RemoveLabel(ENTITY, "PER"))
    with pytest.raises(CommandError, match="cannot remove MEETS: 1 relation in 1 article uses"):
        stack.do(RemoveLabel(RELATION, "MEETS"))
    stack.do(RemoveLabel(RELATION, "URGES"))
    assert store.schema.relation("URGES") is None


def test_narrowing_a_relation_label_says_how_many_relations_it_would_orphan(annotated) -> None:
    store, stack, _ = annotated
    with pytest.raises(
        CommandError,
        match=r"MEETS would no longer allow 1 MEETS relation\(s\) "
        "from PER to PER. Relabel or delete",
    ):
        stack.do(EditRelationLabel("MEETS", head=("GPE", "ORG")))
    stack.do(EditRelationLabel("URGES", head=("PER",)))  # no URGES relation: allowed
    assert store.schema.relation("URGES").head == ("PER",)
    stack.do(EditRelationLabel("MEETS", head=("PER", "GPE", "ORG", "ROLE")))
    assert stack.undo_label == "Set head labels of MEETS"
    assert "ROLE" in store.schema.relation("MEETS").head
    stack.undo()
    assert store.schema.relation("MEETS") == default_schema().relation("MEETS")


def test_turning_symmetry_off_is_refused_when_a_relation_relies_on_it(annotated) -> None:
    store, stack, article = annotated
    gpe = next(e for e in store.entities(article) if e.label == "GPE")
    per = next(e for e in store.entities(article) if e.label == "PER")
    stack.do(AddEntityLabel("NORP", hotkey=""))
    stack.do(AddRelationLabel("ALLIES", head=("GPE",), child=("PER",), symmetric=True))
    stack.do(AddRelation(per.id, gpe.id, "ALLIES"))  # PER → GPE only through symmetry
    with pytest.raises(CommandError, match="1 ALLIES relation\\(s\\) from PER to GPE"):
        stack.do(EditRelationLabel("ALLIES", symmetric=False))
    stack.do(EditRelationLabel("ALLIES", guideline="Formal alliances."))
    assert store.schema.relation("ALLIES").guideline == "Formal alliances."


def test_impact_counts_annotations_and_articles(annotated) -> None:
    store, stack, _ = annotated
    with store.transaction():
        other = store.add_article("Presiden Prabowo menerima PM Albanese di Jakarta.")
    stack.do(AddEntity(other, 9, 16, "PER"))
    assert impact(store, ENTITY, ["PER"]) == Impact(ENTITY, 3, 2)
    assert str(impact(store, ENTITY, ["PER", "GPE"])) == "4 entities in 2 articles"
    assert str(impact(store, RELATION, ["URGES"])) == "no relations"
    assert not impact(store, RELATION, [])
