"""Where the shipped resources live, whether Sorot runs from a checkout or a wheel."""

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SAMPLE_DIR = RESOURCES / "sample"
