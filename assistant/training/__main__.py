"""`python -m assistant.training ...`: the same as `assistant train ...`."""

import sys

from assistant.cli import main

raise SystemExit(main(["train", *sys.argv[1:]]))
