"""Sorot from a checkout: `python main.py` is the same program as the `sorot` command.

The program itself is `sorot.launch.main` (installed as the `sorot` console script).
"""

from __future__ import annotations

import sys

from sorot.launch import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
