"""How many characters the database's short texts hold: the models declare their ``String``
columns with these (desktop/store/models.py), and desktop/services/limits.py turns them into
the limits validation and the editor apply.

Standard library only: an import's reading process checks every record against them
without loading SQLAlchemy (desktop.services.reader_process).
"""

from __future__ import annotations

# The incident's short texts by column (the fields of desktop/fields.py whose length is
# their column's).
INCIDENT_TEXTS = {"title": 500, "place_name": 300, "admin1": 200}
MARKING = 120
ACTOR_NAME = 300
TAG = 100
LANGUAGE = 16
SOURCE_SLUG = 80
SOURCE_NAME = 300
