"""``python -m zeronn ...`` runs the ``zeronn`` command line tool (the same as the ``zeronn`` command)."""

import sys

from zeronn.cli.main import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
