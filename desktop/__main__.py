"""``python -m desktop`` is the same as the ``incident-desk`` command."""

from desktop.cli import main

raise SystemExit(main())
