"""STIX 2.1 bundles (OASIS), as OpenCTI and other threat-intelligence platforms exchange them.

Writing is :mod:`desktop.formats.stix_write`, reading :mod:`desktop.formats.stix_read`;
``docs/formats.md`` gives the mapping both ways and what STIX cannot carry.
"""

from __future__ import annotations

import re

from desktop.formats import jsontext, stix_read, stix_write
from desktop.formats.base import Format

# A bundle's mark: its type among the top object's first members, or its id (which comes
# first when the keys are sorted). Nothing deeper counts: a note may quote a bundle.
_MARK = re.compile(
    r'\A\s*\{(?:\s*"[^"\\]*"\s*:\s*"[^"\\]*"\s*,)*\s*"(?:type"\s*:\s*"bundle"|id"\s*:\s*"bundle--)'
)


def recognises(raw: bytes) -> bool:
    """True when the file's first 64 KiB are the start of a STIX bundle."""
    return _MARK.match(jsontext.head_text(raw)) is not None


STIX = Format(
    name="stix",
    label="STIX 2.1 bundle",
    suffix=".json",
    description="a STIX 2.1 bundle (OpenCTI and other threat-intelligence platforms)",
    read=stix_read.read,
    read_parts=stix_read.read_parts,
    recognises=recognises,
    write=stix_write.write,
    write_batches=stix_write.write_batches,
)
