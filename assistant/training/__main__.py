"""`python -m assistant.training`: the same as `assistant train` (cli_train.py)."""

from assistant.cli_train import main

raise SystemExit(main())
