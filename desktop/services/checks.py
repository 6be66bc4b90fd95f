"""What every reader checks each record against: the workspace's rules
(desktop.services.validation) in the shape the formats take them (desktop.formats.base.Checks).

A module of its own: the formats' registry comes with it, which validation's other users (the
editor, the merge) do not need.
"""

from __future__ import annotations

from functools import partial

from desktop.formats.base import Checks
from desktop.services.validation import check_incident, check_source

CHECKS = Checks(
    incident=check_incident,
    source=check_source,
    incident_plain_text=partial(check_incident, plain_text=True),
)
