"""`python -m bot` is the same as the `rete` command."""

from bot.cli import main

raise SystemExit(main())
