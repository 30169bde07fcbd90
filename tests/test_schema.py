"""The label schema: the shipped default, validation, and changes that never orphan labels."""

from __future__ import annotations

import json

import pytest

from annotation.commands import AddEntity, AddRelation, CommandError, CommandStack
from annotation.schema import LabelSchema, SchemaError, default_schema
from annotation.schema_changes import ENTITY, RELATION, MergeLabels, SetSchema
from annotation.store import Store

TEXT = "Menteri Luar Negeri Sugiono bertemu Wang Yi di Beijing."


def test_default_schema_is_complete_and_consistent() -> None:
    schema = default_schema()
    assert schema.entity_labels[:7] == ["PER", "ROLE", "GPE", "ORG", "LOC", "EVENT", "DATE"]
    for name in ["MEETS", "VISITS", "COOPERATES_WITH", "SUPPORTS", "OPPOSES", "SANCTIONS",
                 "URGES", "ATTACKS", "MEMBER_OF", "REPRESENTS", "HOLDS_ROLE", "LOCATED_IN",
                 "PARTICIPATES_IN"]:
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
        ({"entities": [{"name": "A", "hotkey": "1"}, {"name": "B", "hotkey": "1"}]},
         "hotkey '1' appears twice"),
        ({"entities": [{"name": "A"}], "relations": [{"name": "R", "head": ["A"],
                                                      "child": ["B"]}]},
         "child type 'B' is not an entity label"),
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
        relations=tuple(r.__class__(r.name, r.guideline,
                                    tuple(x for x in r.head if x != "GPE"),
                                    tuple(x for x in r.child if x != "GPE"), r.symmetric)
                        for r in schema.relations))
    with pytest.raises(CommandError, match="would orphan 1 entity labelled GPE"):
        stack.do(SetSchema(fewer))
    no_meets = schema.with_changes(relations=tuple(r for r in schema.relations
                                                   if r.name != "MEETS"))
    with pytest.raises(CommandError, match="1 relation labelled MEETS"):
        stack.do(SetSchema(no_meets))
    assert store.schema == schema


def test_narrowing_relation_types_is_refused(annotated) -> None:
    store, stack, _ = annotated
    schema = store.schema
    narrowed = schema.with_changes(relations=tuple(
        r.__class__(r.name, r.guideline, ("GPE",), ("GPE",), r.symmetric)
        if r.name == "MEETS" else r for r in schema.relations))
    with pytest.raises(CommandError, match="1 MEETS relation\\(s\\) from PER to PER"):
        stack.do(SetSchema(narrowed))


def test_harmless_change_is_applied_and_undoable(annotated) -> None:
    store, stack, _ = annotated
    schema = store.schema
    recoloured = schema.with_changes(entities=tuple(
        e.__class__(e.name, "#000000", e.hotkey, e.guideline) if e.name == "PER" else e
        for e in schema.entities))
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
