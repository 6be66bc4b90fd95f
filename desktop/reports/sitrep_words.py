"""The SITREP's fixed sentences and headings, one definition for both renderers.

The PDF (``sitrep_pdf`` with ``sitrep_summary`` and ``sitrep_sections``) and the DOCX
(``sitrep_docx``) print the same words in the same places; what depends on the report is
computed from its ``SitrepData`` here, plain text, escaped by each renderer as it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.reports.sitrep_data import IncidentEntry, SitrepData

NO_KEY_POINTS = "No key points were given."
NO_INCIDENTS = "No incidents match this report's filter."
NONE_MEET_RULE = "No incident meets the rule: every incident is listed in Annex A."
NO_ASSESSMENT = "No assessment was written for this report."
NO_CITATIONS = "No sources cited."
NO_SOURCES = "No sources are cited."
NOTHING_CHANGED = "Nothing changed."
ANNEX_A = "Annex A — all incidents"
ANNEX_B = "Annex B — sources"
KEY = "Key to grades and words"
GRADES_INTRO = (
    "Grades follow the Admiralty (NATO AJP-2.1) system: a letter for the source's "
    "reliability and a digit for the credibility of the information, e.g. B2."
)
LIKELIHOOD_SCALE = "Estimative language (ICD 203), the whole scale"
JUDGEMENT_HEADS = (
    "Key judgement",
    "Likelihood",
    "Analytic confidence",
    "Basis",
    "Key assumption",
    "Indicator to watch",
)
# The key judgements table's columns, as shares of the text width (both renderers).
JUDGEMENT_WIDTHS = (0.26, 0.12, 0.13, 0.13, 0.18, 0.18)
JUDGEMENTS_NOTE = (
    "Likelihood in ICD 203 words with their range (the whole scale is in the key); "
    "analytic confidence is how well the judgement is founded, apart from how likely it "
    "is. Basis: the incidents it rests on, with their best grade."
)
ANNEX_A_HEADS = ("No.", "Date", "Place", "Type", "Status · confidence", "K / I", "Grade", "Mark")
ANNEX_B_HEADS = ("Source", "Reliability", "Kind", "Cited")


def significant_title(d: SitrepData) -> str:
    """ "Significant incidents" when a rule chose them, else "Incidents" (all in full)."""
    return "Significant incidents" if d.significance_text else "Incidents"


def annex_note(d: SitrepData, links: bool) -> str:
    """The line under Annex A's heading; ``links``: the renderer links numbers to entries."""
    linked = " Numbers in blue link to the incident's full entry." if links and d.incidents else ""
    return (
        f"{len(d.annex):,} incidents, one line each, in chronological order (the numbers of "
        "the map and the full entries). K / I: killed / injured, ? when not known. Grade: "
        f"the best among the incident's citations.{linked}"
    )


def sources_note(d: SitrepData) -> str:
    return (
        f"{len(d.sources):,} sources cited, most reliable first, with how many citations of "
        "them the report holds."
    )


def assessment_note(d: SitrepData) -> str:
    words = [f"{c} confidence" for c in d.assessment_confidences]
    note = "Estimative words follow ICD 203; analytic confidence as defined in the key"
    return note + (f" (stated here: {', '.join(words)})." if words else ".")


def changes_pointer(d: SitrepData) -> str:
    """Page 1's line on what changed since the report compared with, or ""."""
    if d.changes is None or not d.changes.summary:
        return ""
    return d.changes.summary + " Details after the map."


def entry_heading(e: IncidentEntry) -> str:
    """``4. Drone attack on al-Asad [NEW]``."""
    return f"{e.number}. {e.title}" + (f" [{e.mark}]" if e.mark else "")


def entry_place(e: IncidentEntry) -> str:
    place = e.place + (f" ({e.place_precision.lower()})" if e.place_precision else "")
    return place if e.located else place + " — not on the map"


def entry_status(e: IncidentEntry) -> str:
    judgement = f"{e.status} · {e.confidence}"
    judgement += f" · assessed {e.likelihood}" if e.likelihood else ""
    return judgement + (f" · {e.evidence_mark}" if e.evidence_mark else "")
