"""Why training cannot start, for both training steps: the entity model's
(`annotation.suggest.training`) and the relation model's (`annotation.suggest.train_relations`),
which the first calls."""

from __future__ import annotations


class TrainError(Exception):
    """Training cannot start: no done articles, an unknown label or base, no project file."""
