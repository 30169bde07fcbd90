"""The researcher's preferences and default locations: the one module that uses appdirs.

`SOROT_CONFIG_DIR` and `SOROT_DATA_DIR` override the platform folders (tests, portable use).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import appdirs

from annotation.limits import NestedTooDeeply, loads_bounded

APP_NAME = "sorot"
DEFAULT_PROJECT_NAME = "sample.sorot"
# What Done does with an article's open suggestions: ask, or the answer given once for all.
ASK, ACCEPT_REST, REJECT_REST, LEAVE_OPEN = "ask", "accept", "reject", "leave"
DONE_WITH_OPEN = (ASK, ACCEPT_REST, REJECT_REST, LEAVE_OPEN)


def config_dir() -> Path:
    return Path(os.environ.get("SOROT_CONFIG_DIR") or appdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("SOROT_DATA_DIR") or appdirs.user_data_dir(APP_NAME))


def default_project_path() -> Path:
    """Where the built-in sample project lives."""
    return data_dir() / DEFAULT_PROJECT_NAME


@dataclass
class Settings:
    annotator: str = ""
    recent_projects: list[str] = field(default_factory=list)
    # Suggesters by name: "rules", "model", or an installed spaCy pipeline (name or path),
    # each such pipeline with an optional label map {"PERSON": "PER", "MISC": null}.
    suggesters: list[str] = field(default_factory=lambda: ["rules", "model"])
    pipeline_label_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)
    # Relations come from the rules, corrected by the project's adopted relation model if it
    # has one; true: by the shipped one (resources/models/relations_id) when it has none. Off
    # by default: on the development articles' cross-validation and the corpus gold the
    # shipped model adds nothing to the rules (see its TRAINING.md).
    relation_model: bool = False
    # Done on an article with open suggestions: one of DONE_WITH_OPEN.
    done_with_open: str = ASK

    @property
    def path(self) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        """Read the settings file; a missing or unreadable one gives the defaults, and so does
        one nesting too deeply (with a warning on stderr, at the start of a command or the
        window)."""
        settings = cls()
        try:
            data = loads_bounded(settings.path.read_text(encoding="utf-8"), "it")
        except NestedTooDeeply as exc:  # written by hand or by another program
            print(
                f"sorot: warning: {settings.path}: {exc}; using the default settings",
                file=sys.stderr,
            )
            return settings
        except (OSError, ValueError):
            return settings
        if isinstance(data, dict):
            settings.annotator = str(data.get("annotator", ""))
            recent = data.get("recent_projects", [])
            settings.recent_projects = [str(p) for p in recent if isinstance(p, str)]
            names = data.get("suggesters")
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                settings.suggesters = names
            if data.get("done_with_open") in DONE_WITH_OPEN:
                settings.done_with_open = data["done_with_open"]
            if isinstance(data.get("relation_model"), bool):
                settings.relation_model = data["relation_model"]
            maps = data.get("pipeline_label_maps")
            if isinstance(maps, dict):
                settings.pipeline_label_maps = {
                    str(name): {str(k): (str(v) if v else None) for k, v in m.items()}
                    for name, m in maps.items()
                    if isinstance(m, dict)
                }
        return settings

    def save(self) -> None:
        """Write the settings atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)

    def effective_annotator(self) -> str:
        """The annotator's chosen name, else the login name."""
        if self.annotator:
            return self.annotator
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "annotator"
