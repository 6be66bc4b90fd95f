"""What can happen to an incident as a whole, as its history records it (desktop.services.history).

Standard library only: an import's reading process writes each new incident's first entry
(desktop.services.new_rows) without loading SQLAlchemy.
"""

from __future__ import annotations

# What happened to the incident as a whole; "updated" entries name a field.
CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"
RESTORED = "restored"
PURGED = "purged"
IMPORTED = "imported"

ACTION_WORDS = {
    CREATED: "created the incident",
    UPDATED: "changed",
    DELETED: "moved it to the trash",
    RESTORED: "restored it from the trash",
    PURGED: "deleted it for good",
    IMPORTED: "imported it",
}
