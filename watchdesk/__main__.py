"""`python -m watchdesk`: the same entry point as the `watchdesk` command."""

import sys

from watchdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
