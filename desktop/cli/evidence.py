"""``evidence add|list|get|verify``: the files behind the citations, from a script."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli.common import say, text_arg
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.cli.registry import Registry
    from desktop.services.evidence import EvidenceItem
    from desktop.store.engine import Database

# What ``evidence verify`` exits with when something is damaged, missing or tampered with.
DAMAGE_FOUND = 1


def _citation_number(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("counts from 1 (the first citation as shown)")
    return number


def register(registry: Registry) -> None:
    group = registry.group("evidence", "files kept with the incidents: add, list, get, verify")
    add = group.command("add", "attach files to an incident or one of its citations", _add)
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--incident", required=True, type=text_arg, metavar="ID")
    add.add_argument(
        "--citation",
        type=_citation_number,
        metavar="N",
        help="the incident's Nth citation, as shown (from 1)",
    )
    add.add_argument("--note", type=text_arg, metavar="TEXT", help="what it is, where it came from")
    listing = group.command("list", "list the evidence of every incident, or of one", _list)
    listing.add_argument("--incident", type=text_arg, metavar="ID")
    get = group.command("get", "write a stored file's bytes, exactly", _get)
    get.add_argument("sha256", type=text_arg, metavar="SHA256")
    get.add_argument("--out", type=Path, required=True, help="file to write")
    bundle = registry.export(
        "bundle", "a zip of the interchange JSON, every evidence file and their SHA-256s", _bundle
    )
    bundle.add_argument("--out", type=Path, required=True, help="the .zip file to write")
    group.command(
        "verify",
        "rehash every stored file and check the custody trails (exit 1 on damage)",
        _verify,
    )


def _add(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.evidence import add_evidence

    index = None if args.citation is None else args.citation - 1
    for item in add_evidence(db, args.files, args.incident, index, args.note):
        say(f"{item.sha256}  {item.name}")
    return 0


def _line(item: EvidenceItem) -> str:
    where = "-" if item.citation_index is None else f"citation-{item.citation_index + 1}"
    return f"{item.sha256}  {item.size}  {item.incident_id}  {where}  {item.name}"


def _list(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.evidence import list_evidence

    for item in list_evidence(db, args.incident):
        say(_line(item))
    return 0


def _get(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.evidence import get_evidence

    get_evidence(db, args.sha256, args.out)
    say(f"Wrote {args.sha256.strip().lower()} to {args.out}")
    return 0


def _verify(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.evidence import verify_evidence

    report = verify_evidence(db)
    for problem in report.problems:
        say(problem.line)
    if report.problems:
        return DAMAGE_FOUND
    say(f"{plural(report.items, 'evidence file')} intact ({report.bytes:,} bytes)")
    return 0


def _bundle(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.evidence_transfer import export_bundle, summary

    incidents, files = export_bundle(db, args.out)
    say(f"Exported {summary(incidents, files)} to {args.out}")
    return 0
