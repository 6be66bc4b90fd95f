"""The pages under docs/ say what the code does: the words, the format and its example."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from desktop import domain
from desktop.formats import json_v1, misp, stix_write
from desktop.reports.sitrep_data import dtg
from desktop.resources import resource_path
from desktop.services import interchange, limits, validation

if TYPE_CHECKING:
    from desktop.store.engine import Database

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def json_example(text: str) -> str:
    """The ```json block under the page's "## Example" heading."""
    section = text.split("\n## Example\n", 1)[1]
    found = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert found is not None, "no ```json block under ## Example"
    return found.group(1)


# ----------------------------------------------------------------------------- grading.md


def test_grading_lists_every_admiralty_grade_with_its_words() -> None:
    text = page("grading.md")
    for grade in (*domain.RELIABILITY.values(), *domain.CREDIBILITY.values()):
        assert f"| {grade.code} | {grade.label} | {grade.meaning} |" in text


def test_grading_lists_every_status_and_confidence_with_its_meaning() -> None:
    text = page("grading.md")
    for status in domain.Status:
        meaning = domain.STATUS_MEANING[status]
        assert f"| `{status.value}` | {status.value.capitalize()} | {meaning} |" in text
    for level in domain.Confidence:
        meaning = domain.CONFIDENCE_MEANING[level]
        assert f"| `{level.value}` | {level.value.capitalize()} confidence | {meaning} |" in text


def test_grading_lists_every_likelihood_and_marking() -> None:
    text = page("grading.md")
    for row in domain.LIKELIHOODS:
        assert f"| {row.term} | {row.alternative} | {row.range_text} |" in text
    for label in domain.TLP_LABELS:
        assert f"| `{label}` | `{domain.TLP_COLOURS[label]}` |" in text
    assert f"up to {domain.MAX_MARKING_LENGTH} characters" in text


def test_grading_lists_nothing_the_domain_does_not_define() -> None:
    """A row in a table of codes is one the domain knows (no stale grade left behind)."""
    text = page("grading.md")
    codes = set(re.findall(r"^\| ([A-F1-6]) \|", text, re.MULTILINE))
    assert codes == set(domain.RELIABILITY) | {str(c) for c in domain.CREDIBILITY}
    values = set(re.findall(r"^\| `([a-z]+)` \|", text, re.MULTILINE))
    assert values == {s.value for s in domain.Status} | {c.value for c in domain.Confidence}
    labels = set(re.findall(r"^\| `(TLP:[A-Z+]+)` \|", text, re.MULTILINE))
    assert labels == set(domain.TLP_LABELS)


# -------------------------------------------------------------------------- interchange.md


def test_interchange_names_every_key_the_reader_knows() -> None:
    text = page("interchange.md")
    keys = {
        *json_v1.TOP_KEYS,
        *json_v1.SOURCE_KEYS,
        *json_v1.INCIDENT_KEYS,
        *json_v1.HISTORY_KEYS,
        *json_v1.WHEN_KEYS,
        *json_v1.WHERE_KEYS,
        *json_v1.ACTOR_KEYS,
        *json_v1.CASUALTY_KEYS,
        *json_v1.CITATION_KEYS,
    }
    missing = sorted(key for key in keys if f"`{key}`" not in text)
    assert not missing
    assert f'`"{json_v1.FORMAT}"`' in text


def test_interchange_lists_every_allowed_value() -> None:
    text = page("interchange.md")
    for choices in (
        domain.SourceKind,
        domain.ActorRole,
        domain.TimePrecision,
        domain.Status,
        domain.Confidence,
    ):
        for choice in choices:
            assert f"`{choice.value}`" in text, choice


@pytest.mark.parametrize(
    "limit",
    [
        limits.TITLE,
        limits.PLACE,
        limits.ADMIN1,
        limits.ACTOR,
        limits.TAG,
        limits.MARKING,
        limits.LANGUAGE,
        limits.SOURCE_NAME,
        limits.SUMMARY,
        limits.NOTES,
        limits.EXCERPT,
        limits.CASUALTY_NOTE,
        limits.SOURCE_NOTES,
        limits.URL,
        validation.MAX_CASUALTIES,
    ],
)
def test_interchange_states_the_limits(limit: int) -> None:
    assert f"at most {limit:,} characters" in page("interchange.md") or (
        f"to {limit:,}" in page("interchange.md")
    )


def test_the_example_imports_and_exports_unchanged(db: Database) -> None:
    example = json_example(page("interchange.md"))
    document = json_v1.read(example.encode("utf-8"), interchange.CHECKS)
    result = interchange.import_document(db, document)
    assert (result.incidents_created, result.sources_created) == (2, 2)
    assert result.warnings == ()
    assert json_v1.document_json(interchange.export_records(db)) == json.loads(example)


def test_the_example_uses_every_key() -> None:
    example = json.loads(json_example(page("interchange.md")))
    assert set(example) == set(json_v1.TOP_KEYS)
    for source in example["sources"]:
        assert set(source) == set(json_v1.SOURCE_KEYS)
    for incident in example["incidents"]:
        assert set(incident) == set(json_v1.INCIDENT_KEYS) - {"history"}


# ------------------------------------------------------------------------------ formats.md


def test_formats_names_every_property_and_tag_the_writers_write() -> None:
    """Each x_incident_desk_ property of our STIX bundles, each label prefix and each
    machine tag of ours in MISP events is described on the page."""
    text = page("formats.md")
    sample = resource_path("sample", "workspace.json").read_bytes()
    document = json_v1.read(sample, interchange.CHECKS)
    written = json.dumps([stix_write.bundle(document), misp.events(document)])
    names = set(re.findall(r"x_incident_desk_[a-z]+", written))
    names |= set(re.findall(r"incident-desk:[a-z-]+=", written))
    assert names
    missing = sorted(name for name in names if f"`{name.rstrip('=')}" not in text)
    assert not missing
    for label in (stix_write.STATUS_LABEL, stix_write.TYPE_LABEL, stix_write.SUB_TYPE_LABEL):
        assert f"`{label}" in text
    for accepted in ("{103}", "{202}", "{302}", "{401}"):
        assert f"`{accepted}`" in text


# ------------------------------------------------------------------------------- sitrep.md


def test_sitrep_date_time_groups_are_the_reports() -> None:
    text = page("sitrep.md")
    assert dtg(datetime(2023, 10, 18, 23, 59, tzinfo=UTC)) == "182359ZOCT23"
    assert "`182359ZOCT23`" in text
    assert dtg(datetime(2023, 10, 31, 23, 59, tzinfo=UTC)) in text


# ------------------------------------------------------------------------------ references


def test_nothing_points_outside_the_repository() -> None:
    """The project's steering notes are not shipped: docs/ is where the references live."""
    needle = "shared" + "/"
    folders = ("desktop", "tests", "docs", "benchmarks", "resources", ".ci")
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "Makefile"]
    for folder in folders:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md", "")]
    pointing = [
        str(p.relative_to(ROOT))
        for p in files
        if p.is_file() and needle in p.read_text(encoding="utf-8", errors="ignore")
    ]
    assert not pointing


def test_the_readme_links_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("interchange.md", "grading.md", "sitrep.md", "performance.md", "formats.md"):
        assert f"docs/{name}" in readme
        assert (DOCS / name).is_file()
