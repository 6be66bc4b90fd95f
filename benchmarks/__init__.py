"""``make bench``: synthetic workspaces of 1k, 10k and 100k incidents, timed against targets."""
