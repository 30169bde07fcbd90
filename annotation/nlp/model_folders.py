"""Where a project's trained models live, and writing a model folder whole.

    <project stem>.models/ner-<time>/      an adopted pipeline, with sorot-model.json
    <project stem>.models/current          the name of the adopted folder
    <project stem>.models/relations-<time>/  an adopted relation model (`relation_model`)
    <project stem>.models/current-relations  the name of the adopted relation model folder

A model written with `sorot train --out DIR` goes to DIR instead, never into the models
folder. Every folder is written under a hidden `.NAME.partial` name first and renamed when
whole, so a failed or interrupted write never leaves half a model where one is looked for.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MODELS_SUFFIX = ".models"
POINTER = "current"
RELATION_POINTER = "current-relations"
METADATA = "sorot-model.json"


def models_dir(project_path: str | Path) -> Path:
    """The folder beside the project that holds its trained models."""
    path = Path(project_path)
    return path.with_name(path.stem + MODELS_SUFFIX)


def current_model(project_path: str | Path) -> Path | None:
    """The project's adopted model folder, or None when it has none (or it has gone)."""
    folder = models_dir(project_path)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    target = folder / name
    if not name or "/" in name or "\\" in name or not (target / "config.cfg").is_file():
        return None
    return target


def current_relation_model(project_path: str | Path) -> Path | None:
    """The project's adopted relation model folder, or None when it has none (or it has gone)."""
    from annotation.nlp.relation_model import is_model

    folder = models_dir(project_path)
    try:
        name = (folder / RELATION_POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    target = folder / name
    if not name or "/" in name or "\\" in name or not is_model(target):
        return None
    return target


def save(nlp: Any, folder: Path, metadata: dict[str, Any]) -> None:
    from spacy.util import load_config

    from annotation.nlp.pipeline import DEFAULT_MODEL

    held = metadata["scores"]["new"]
    nlp.meta.update(
        {
            "name": "ner_project",
            "sorot": {
                "precision": {k: v["precision"] for k, v in held.items() if k != "ALL"},
                "trained": metadata["time"],
                "data_hash": metadata["data_hash"],
            },
        }
    )
    nlp.to_disk(folder, exclude=["vocab", "tokenizer"])
    # The standard Indonesian tokenizer, as the shipped model has it, so that plain
    # `spacy.load` works on this folder as on the shipped one.
    shutil.copy(DEFAULT_MODEL / "tokenizer", folder / "tokenizer")
    config = load_config(folder / "config.cfg", interpolate=False)
    config["nlp"]["tokenizer"] = {"@tokenizers": "spacy.Tokenizer.v1"}
    config.to_disk(folder / "config.cfg")
    (folder / METADATA).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def check_out(project_path: Path, out: Path) -> Path:
    """The folder `out` names, if a model may be written there; else raise ValueError."""
    target = out.resolve()
    models = models_dir(project_path).resolve()
    if target == models or models in target.parents:
        raise ValueError(
            f"--out {out} is inside {models_dir(project_path)}, which holds the "
            "project's adopted models; choose a folder elsewhere"
        )
    if target.exists() and not target.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / METADATA).is_file():
        raise ValueError(
            f"--out {out} is a folder that holds something other than a model "
            "Sorot trained; give a new or empty folder (an earlier --out model "
            "is replaced)"
        )
    return target


def write_out(nlp: Any, target: Path, metadata: dict[str, Any]) -> None:
    """Write the model to `target`, replacing an earlier one only once the new one is whole."""
    _write_whole(target, lambda folder: save(nlp, folder, metadata))


def write_out_relations(
    model: Any, target: Path, metadata: dict[str, Any], extra: dict[str, str] | None = None
) -> None:
    """Write a relation model to `target` whole, as `write_out` does a pipeline.

    `extra` maps file names to texts written into the folder with it (a TRAINING.md).
    """
    _write_whole(target, lambda folder: _save_relations(model, folder, metadata, extra))


def adopt(project_path: Path, nlp: Any, metadata: dict[str, Any]) -> Path:
    """Keep the pipeline beside the project and point `current` at it."""
    return _adopt(project_path, "ner", POINTER, lambda folder: save(nlp, folder, metadata))


def adopt_relations(project_path: Path, model: Any, metadata: dict[str, Any]) -> Path:
    """Keep the relation model beside the project and point `current-relations` at it."""
    return _adopt(
        project_path,
        "relations",
        RELATION_POINTER,
        lambda folder: _save_relations(model, folder, metadata),
    )


def _save_relations(
    model: Any, folder: Path, metadata: dict[str, Any], extra: dict[str, str] | None = None
) -> None:
    model.to_disk(folder)
    (folder / METADATA).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")


def _write_whole(target: Path, writer: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        writer(partial)
        if target.exists():
            os.replace(target, old)
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _adopt(
    project_path: Path, prefix: str, pointer_name: str, writer: Callable[[Path], None]
) -> Path:
    folder = models_dir(project_path)
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    name, n = f"{prefix}-{stamp}", 1
    while (folder / name).exists():
        n += 1
        name = f"{prefix}-{stamp}-{n}"
    partial = folder / f".{name}.partial"
    try:
        writer(partial)
        os.replace(partial, folder / name)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    pointer = folder / f".{pointer_name}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, folder / pointer_name)
    return folder / name
