"""A small learned relation model, and the suggester that joins it to the rules.

`RelationModel` is a multinomial logistic regression over the candidate pairs of
`relation_features`: for each ordered pair it gives a probability to "none" and to each
relation type the schema allows for the pair's labels (the others are masked out). It is
trained by full-batch Adam with L2 on the features seen in training, starting from zero
weights, so the same data always gives the same model. numpy is all it needs; an article's
pairs are scored in a few milliseconds.

`LearnedRelations` wraps the rule `RelationSuggester`: the rules' candidates go in as
features, a rule candidate the model gives less than `drop_below` is dropped, and a pair and
type the model gives at least `add_at` that the rules missed is added, with origin
"relation-model" and the probability as its score. A symmetric type's probability is the
mean over both orders of the pair.

A saved model is a folder: `relation-model.npz` (weights), `relation-model.json` (feature
names, classes, settings) and the `sorot-model.json` that every trained model has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.nlp.relation_features import Pair, candidate_pairs
from annotation.nlp.suggestion import Candidate, RelationCandidate, SuggesterError
from annotation.paths import RESOURCES
from annotation.schema import LabelSchema

# Trained on the development gold by `python -m annotation.suggest.train_relations_base`; the
# engine uses it when a project has no relation model of its own.
SHIPPED_MODEL = RESOURCES / "models" / "relations_id"
NONE = "none"
ORIGIN = "relation-model"
WEIGHTS, SETTINGS = "relation-model.npz", "relation-model.json"
FORMAT = 1
SHARED = 7  # rule features whose weight all relation types share (see `_shared`)
CHUNK = 200_000  # feature occurrences per block, so memory stays flat on large projects


@dataclass
class Example:
    """A candidate pair with its gold types (an empty tuple: none) and its weight."""

    pair: Pair
    gold: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass
class TrainSettings:
    steps: int = 300
    learning_rate: float = 0.1
    l2: float = 1e-3  # per example, on the mean loss
    min_count: int = 1  # features seen fewer times in training are left out
    window: int = 0  # sentences apart a pair may be: 0 same sentence, 1 neighbouring too
    add_at: float = 0.4  # chosen by 5-fold cross-validation on the 25 gold articles
    drop_below: float = 0.15

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RelationModel:
    """Weights per (feature, class); classes are "none" and the relation types."""

    classes: list[str]
    features: dict[str, int]
    weights: Any  # numpy float32, (len(features), len(classes) + 1): the last is "any type"
    shared: Any  # numpy float32, (SHARED,): weights of the rule features shared by all types
    settings: TrainSettings = field(default_factory=TrainSettings)
    losses: list[float] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        digest = hashlib.blake2b(self.weights.tobytes() + self.shared.tobytes(), digest_size=6)
        digest.update(json.dumps(sorted(self.features.items())).encode())
        digest.update(json.dumps(self.settings.to_json(), sort_keys=True).encode())
        return digest.hexdigest()

    def probabilities(self, pairs: Sequence[Pair]) -> Any:
        """(len(pairs), len(classes)) probabilities; disallowed types get 0."""
        rows, cols = _encode(pairs, self.features)
        z = _logits(self.weights, rows, cols, len(pairs))
        shared = _shared(pairs, self.classes)
        return _softmax(_combine(z, shared, self.shared), _mask(pairs, self.classes))

    # -- saving -----------------------------------------------------------------------------

    def to_disk(self, folder: Path) -> None:
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(self.features, key=self.features.__getitem__)
        with open(folder / WEIGHTS, "wb") as f:
            np.savez_compressed(f, weights=self.weights, shared=self.shared)
        (folder / SETTINGS).write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "classes": self.classes,
                    "settings": self.settings.to_json(),
                    "features": names,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )

    @classmethod
    def from_disk(cls, folder: Path) -> RelationModel:
        """Load a saved model; raise SuggesterError if the folder holds none."""
        import numpy as np

        try:
            data = json.loads((Path(folder) / SETTINGS).read_text(encoding="utf-8"))
            with np.load(Path(folder) / WEIGHTS) as npz:
                weights = npz["weights"].astype(np.float32)
                shared = npz["shared"].astype(np.float32)
        except (OSError, ValueError, KeyError, RecursionError) as exc:
            raise SuggesterError(f"relation model {folder}: cannot be read ({exc})") from None
        if (
            data.get("format") != FORMAT
            or shared.shape != (SHARED,)
            or weights.shape != (len(data["features"]), len(data["classes"]) + 1)
        ):
            raise SuggesterError(f"relation model {folder}: not a model this Sorot can read")
        settings = TrainSettings(
            **{k: v for k, v in data["settings"].items() if k in TrainSettings.__dataclass_fields__}
        )
        return cls(
            data["classes"],
            {name: i for i, name in enumerate(data["features"])},
            weights,
            shared,
            settings,
        )


def is_model(folder: Path) -> bool:
    """Whether `folder` holds a saved relation model."""
    return (Path(folder) / SETTINGS).is_file() and (Path(folder) / WEIGHTS).is_file()


def find_model(folder: Path) -> Path | None:
    """The relation model in `folder`, or in its `relations/` (a `sorot train --out` folder)."""
    for candidate in (Path(folder), Path(folder) / "relations"):
        if is_model(candidate):
            return candidate
    return None


# -- training -------------------------------------------------------------------------------


def train(
    examples: Sequence[Example],
    schema: LabelSchema,
    settings: TrainSettings | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RelationModel | None:
    """Fit the model to the examples; None if `should_stop()` turned True on the way."""
    import numpy as np

    settings = settings or TrainSettings()
    classes = [NONE, *(r.name for r in schema.relations)]
    counts: dict[str, int] = {}
    for ex in examples:
        for feat in ex.pair.features:
            counts[feat] = counts.get(feat, 0) + 1
    names = sorted(f for f, n in counts.items() if n >= settings.min_count)
    features = {name: i for i, name in enumerate(names)}
    pairs = [ex.pair for ex in examples]
    n, k = len(pairs), len(classes)
    weights = np.zeros((len(features), k + 1), dtype=np.float32)
    shared_w = np.zeros(SHARED, dtype=np.float32)
    model = RelationModel(classes, features, weights, shared_w, settings)
    if not n or not features:
        return model
    rows, cols = _encode(pairs, features)
    mask = _mask(pairs, classes)
    shared = _shared(pairs, classes)
    target = np.zeros((n, k), dtype=np.float32)
    index = {c: i for i, c in enumerate(classes)}
    for r, ex in enumerate(examples):
        gold = [g for g in ex.gold if g in index and mask[r, index[g]]]
        for g in gold:
            target[r, index[g]] = 1.0 / len(gold)
        if not gold:
            target[r, 0] = 1.0
    scale = np.array([ex.weight for ex in examples], dtype=np.float32)
    scale /= scale.sum()
    by_col = np.argsort(cols, kind="stable")
    used, col_starts = np.unique(cols[by_col], return_index=True)
    rows_by_col = rows[by_col]
    params = [weights, shared_w]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    stop = should_stop or (lambda: False)
    for step in range(1, settings.steps + 1):
        if step % 20 == 0 and stop():
            return None
        probs = _softmax(_combine(_logits(weights, rows, cols, n), shared, shared_w), mask)
        loss = -(scale * np.log(np.maximum((probs * target).sum(1), 1e-12))).sum()
        d = (probs - target) * scale[:, None]
        d_z = np.concatenate((d, d[:, 1:].sum(1, keepdims=True)), axis=1)
        grad_w = settings.l2 * weights
        grad_w[used] += _sum_blocks(d_z, rows_by_col, col_starts)
        grad_s = np.einsum("nkg,nk->g", shared, d) + settings.l2 * shared_w
        for p, g, (m, v) in zip(params, (grad_w, grad_s), moments):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= (
                settings.learning_rate
                * (m / (1 - beta1**step))
                / (np.sqrt(v / (1 - beta2**step)) + eps)
            )
        model.losses.append(float(loss))
    return model


def _shared(pairs: Sequence[Pair], classes: Sequence[str]) -> Any:
    """(pairs, classes, SHARED) rule features that mean the same for every relation type.

    For a type: the rules proposed it for this pair; their score; by a trigger; by layout;
    they proposed another type; they proposed it the other way round only. For "none":
    the rules proposed anything at all. Shared, they let what the rules are worth be
    learned from every type's examples at once, which a small project needs.
    """
    import numpy as np

    out = np.zeros((len(pairs), len(classes), SHARED), dtype=np.float32)
    for r, pair in enumerate(pairs):
        if not pair.rules and not pair.reverse:
            continue
        if pair.rules:
            out[r, 0, 6] = 1.0
        for y, label in enumerate(classes[1:], 1):
            hit = pair.rules.get(label)
            if hit is not None:
                out[r, y, 0] = 1.0
                out[r, y, 1] = hit[0]
                out[r, y, 2 if hit[1].endswith("trigger") else 3] = 1.0
            elif pair.rules:
                out[r, y, 4] = 1.0
            if label in pair.reverse:
                out[r, y, 5] = 1.0
    return out


def _combine(z: Any, shared: Any, shared_w: Any) -> Any:
    """Logits per class: its own weights, the "any type" column, the shared rule features."""
    logits = z[:, :-1].copy()
    logits[:, 1:] += z[:, -1:]
    logits += shared @ shared_w
    return logits


def _encode(pairs: Sequence[Pair], features: dict[str, int]) -> tuple[Any, Any]:
    """Row and column indexes of the pairs' known features, row-major."""
    import numpy as np

    rows, cols = [], []
    for r, pair in enumerate(pairs):
        found = {features[f] for f in pair.features if f in features}
        cols.extend(sorted(found))
        rows.extend([r] * len(found))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def _logits(weights: Any, rows: Any, cols: Any, n: int) -> Any:
    """Each row's summed weights; `rows` is sorted (row-major), so blocks of it are summed."""
    import numpy as np

    out = np.zeros((n, weights.shape[1]), dtype=np.float32)
    counts = np.bincount(rows, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    step = max(1, CHUNK // max(1, len(rows) // max(n, 1)))
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        full = counts[r0:r1] > 0
        if not full.any():
            continue
        s0, s1 = int(starts[r0]), int(starts[r1 - 1] + counts[r1 - 1])
        sums = np.add.reduceat(weights[cols[s0:s1]], starts[r0:r1][full] - s0, axis=0)
        out[r0:r1][full] = sums
    return out


def _sum_blocks(values: Any, rows: Any, starts: Any) -> Any:
    """For each block of `rows` (one per feature), the sum of `values` over its rows."""
    import numpy as np

    out = np.zeros((len(starts), values.shape[1]), dtype=np.float32)
    bounds = list(range(0, len(rows), CHUNK)) + [len(rows)]
    for begin, end in zip(bounds, bounds[1:]):
        # The features whose blocks start in [begin, end); a block may run past `end`.
        first = int(np.searchsorted(starts, begin))
        last = int(np.searchsorted(starts, end))
        if first == last:
            continue
        stop = int(starts[last]) if last < len(starts) else len(rows)
        chunk = values[rows[int(starts[first]) : stop]]
        out[first:last] += np.add.reduceat(chunk, starts[first:last] - starts[first], axis=0)
    return out


def _mask(pairs: Sequence[Pair], classes: Sequence[str]) -> Any:
    import numpy as np

    index = {c: i for i, c in enumerate(classes)}
    mask = np.zeros((len(pairs), len(classes)), dtype=bool)
    mask[:, 0] = True
    for r, pair in enumerate(pairs):
        for t in pair.allowed:
            if t in index:
                mask[r, index[t]] = True
    return mask


def _softmax(logits: Any, mask: Any) -> Any:
    import numpy as np

    z = np.where(mask, logits, -np.inf)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# -- suggesting -----------------------------------------------------------------------------


class LearnedRelations:
    """The rule relation suggester, corrected and extended by a trained RelationModel."""

    name = "relations"

    def __init__(
        self, rules: Any, model: RelationModel, schema: LabelSchema, source: str = ""
    ) -> None:
        self.rules, self.model, self.schema = rules, model, schema
        self.source = source
        self._symmetric = {r.name for r in schema.relations if r.symmetric}
        rule_print = getattr(rules, "fingerprint", rules.name)
        self.fingerprint = f"{rule_print}+{ORIGIN}@{model.fingerprint}"

    def suggest(self, doc: Any, entities: Sequence[Candidate]) -> list[RelationCandidate]:
        """The rules' candidates the model does not reject, and the likely pairs they missed."""
        found = self.rules.suggest(doc, entities)
        pairs = candidate_pairs(doc, entities, self.schema, found, self.model.settings.window)
        if not pairs:
            return list(found)
        probs = self.model.probabilities(pairs)
        index = {c: i for i, c in enumerate(self.model.classes)}
        chance: dict[tuple[int, int, str], float] = {}
        for r, pair in enumerate(pairs):
            for t in pair.allowed:
                if t in index:
                    chance[(pair.head, pair.child, t)] = float(probs[r, index[t]])
        for (head, child, t), p in list(chance.items()):
            if t in self._symmetric and head < child:
                mean = (p + chance.get((child, head, t), p)) / 2
                chance[(head, child, t)] = chance[(child, head, t)] = mean
        settings = self.model.settings
        kept, seen = [], set()
        for rc in found:
            given = chance.get((rc.head, rc.child, rc.label))
            if given is not None and given < settings.drop_below:
                continue
            kept.append(rc)
            seen.add((rc.head, rc.child, rc.label))
            if rc.label in self._symmetric:
                seen.add((rc.child, rc.head, rc.label))
        added = []
        for (head, child, t), p in chance.items():
            if p >= settings.add_at and (head, child, t) not in seen:
                seen.add((head, child, t))
                if t in self._symmetric:
                    if (child, head, t) in seen:
                        continue
                    seen.add((child, head, t))
                    head, child = _symmetric_order(self.schema, entities, t, head, child)
                added.append(RelationCandidate(head, child, t, ORIGIN, round(p, 3)))
        return sorted(kept + added, key=lambda r: (min(r.head, r.child), r.head, r.label))


def _symmetric_order(
    schema: LabelSchema, entities: Sequence[Candidate], label: str, head: int, child: int
) -> tuple[int, int]:
    """The lower index as head where the type allows it, as the rules write symmetric ones."""
    rel = schema.relation(label)
    a, b = min(head, child), max(head, child)
    if (
        rel is not None
        and rel.allows(entities[a].label, entities[b].label)
        and (entities[a].label in rel.head and entities[b].label in rel.child)
    ):
        return a, b
    return (b, a) if rel is not None and entities[b].label in rel.head else (head, child)


def load_learned(schema: LabelSchema, folder: Path, rules: Any = None) -> LearnedRelations:
    """The rules plus the relation model saved in `folder`; raise SuggesterError if unreadable."""
    if rules is None:
        from annotation.nlp.relations import RelationSuggester

        rules = RelationSuggester(schema)
    return LearnedRelations(rules, RelationModel.from_disk(folder), schema, str(folder))
