"""`python -m specmock`: the same as the `specmock` command."""

import sys

from specmock.cli import main

sys.exit(main())
