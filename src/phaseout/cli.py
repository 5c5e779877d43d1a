"""The `phaseout` operator command: Django's management commands under one name.

`phaseout migrate`, `phaseout import-ledger FILE`, `phaseout demo` … Command names may be
written with hyphens; they map to the management commands' underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phaseout.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "phaseout"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
