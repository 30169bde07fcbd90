"""Where the shipped resources live, whether Sorot runs from a checkout or a wheel.

The repository keeps them in its top-level folder resources/ (data only, no code). The wheel
installs that folder as the package `sorot_resources` (pyproject.toml maps the one to the
other), and an editable install (`pip install -e .`) points that package back at the
checkout's folder. Either way the folder is found through the import system, never beside
this file; only when `sorot_resources` cannot be imported at all (a checkout that was never
installed) is the checkout's folder used directly.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

PACKAGE = "sorot_resources"
CHECKOUT_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def installed_resources(package: str = PACKAGE) -> Path | None:
    """The folder of the installed resources package, or None if it is not installed.

    The package is a namespace package (the folder holds no code, not even __init__.py), so
    it is located by its spec: `importlib.resources.files()` would make a MultiplexedPath of
    its search locations, which fails under an editable install (one of them is the editable
    finder's placeholder, not a folder), and spaCy and the readers need a real folder anyway.
    """
    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (spec and spec.submodule_search_locations) or []:
        folder = Path(location)
        if (folder / "schema").is_dir():
            return folder.resolve()
    return None


RESOURCES = installed_resources() or CHECKOUT_RESOURCES
SAMPLE_DIR = RESOURCES / "sample"
