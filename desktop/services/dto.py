"""Plain, immutable records that services hand to views, reports and the command line.

The records of incidents and sources live in :mod:`desktop.records` (the interchange formats
read and write them too, and may not import the services); they are re-exported here with
the table's records and the services' own. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.records import Actor as Actor
from desktop.records import Audit as Audit
from desktop.records import Casualties as Casualties
from desktop.records import Citation as Citation
from desktop.records import IncidentData as IncidentData
from desktop.records import SourceData as SourceData
from desktop.records import When as When
from desktop.records import Where as Where

# The table's records live apart, so the window can show its first rows without the rest.
from desktop.services.listing import SORT_KEYS as SORT_KEYS
from desktop.services.listing import IncidentQuery as IncidentQuery
from desktop.services.listing import IncidentRow as IncidentRow
from desktop.services.listing import Moment as Moment

if TYPE_CHECKING:
    from desktop.domain import Confidence, Status


@dataclass(frozen=True)
class Suggestion:
    """The status and confidence the citations support, and why, in words."""

    status: Status
    confidence: Confidence
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return " ".join(self.reasons)
