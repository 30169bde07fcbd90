"""What `sorot` tells the shell it ran into: one set of exit codes for every command.

- `EXIT_OK` (0): the command did what was asked.
- `EXIT_ERROR` (1): an error stopped the command and nothing was changed.
- `EXIT_USAGE` (2): the command line was wrong (argparse exits with 2 too).
- `EXIT_REJECTED` (3): the command finished but rejected some input (each rejection is
  printed, as `file:line: reason` where it has a place), or an import or suggestion run
  stopped part-way: its report says what was committed, and running the same command again
  adds the rest.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
