"""Training in a child process, for the app: the window stays responsive and can cancel.

`serve` is the child's entry point. It reports ("progress", epoch, epochs, loss), then
("done", text, adopted, cancelled) or ("error", message), and stops early, writing nothing,
once `stop` is set.
"""

from __future__ import annotations

from typing import Any


def serve(
    path: str,
    annotator: str,
    base: str,
    epochs: int,
    reports: Any,
    stop: Any,
    relations: bool = True,
) -> None:
    """Train on the project at `path` (opened read-only) and report to the window.

    With `relations`, the relation model is trained after the entity model; "adopted" in
    the report is then true when either model was adopted.
    """
    from annotation.project.db import ProjectError
    from annotation.project.store import Store
    from annotation.suggest.train_errors import TrainError
    from annotation.suggest.training import train_project

    try:
        with Store.open(path, readonly=True) as store:
            report = train_project(
                store,
                annotator,
                base=base,
                epochs=epochs,
                progress=lambda e, n, loss: reports.put(("progress", e, n, float(loss))),
                should_stop=stop.is_set,
                relations=relations,
            )
        adopted = report.adopted or bool(report.relations and report.relations.adopted)
        reports.put(("done", report.format(), adopted, report.cancelled))
    except (TrainError, ProjectError) as exc:
        reports.put(("error", str(exc)))
    except Exception as exc:  # shown to the researcher; the window carries on
        reports.put(("error", f"training failed: {exc}"))
