"""``python -m zeronn ...`` runs the ``zeronn`` command line tool."""

import sys

from zeronn.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
