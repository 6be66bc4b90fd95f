"""Workspace housekeeping: the sample, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli.common import db_option, say

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.store.engine import Database


def register(registry: Registry) -> None:
    registry.command("sample", "load the sample workspace (safe to repeat)", _sample)
    # Neither opens (nor upgrades) the workspace: a restore is for one that cannot be opened.
    backup = registry.plain_command(
        "backup", "copy a workspace file consistently (also while the app has it open)", _backup
    )
    db_option(backup)
    backup.add_argument("--out", type=Path, required=True, help="backup file to write")
    restore = registry.plain_command(
        "restore",
        "replace a workspace file with a backup (the replaced file is kept beside it)",
        _restore,
    )
    restore.add_argument("file", type=Path, help="the backup file")
    db_option(restore)


def _backup(args: argparse.Namespace) -> int:
    from desktop.store.backup import backup_database

    out = backup_database(args.db, args.out)
    say(f"Backed up to {out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.store.backup import restore_database

    result = restore_database(args.file, args.db)
    kept = f"; the replaced workspace was kept as {result.kept}" if result.kept else ""
    say(f"Restored {result.target} from {args.file}{kept}")
    return 0


def _sample(db: Database, _args: argparse.Namespace) -> int:
    from desktop.services.sample import load_sample

    result = load_sample(db)
    say(f"Sample workspace loaded into {db.location}: {result.summary}")
    return 0
