"""Errors every layer may raise and the user may read.

Each carries a message written for an analyst, not a developer: the views and the command
line show ``str(error)`` as it is, so it must say what went wrong and what to do next.
"""

from __future__ import annotations


class DeskError(Exception):
    """Base class for problems the user can understand and act on."""


class ValidationError(DeskError):
    """A value the user gave is not acceptable; ``field`` is a dotted path to it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem

    def under(self, prefix: str) -> ValidationError:
        """The same problem, located inside a larger document (``incidents[2]`` …)."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return ValidationError(field, self.problem)


class NotFoundError(DeskError):
    """The record asked for does not exist (any more)."""


class ConflictError(DeskError):
    """Someone else changed the record since it was opened; nothing was overwritten."""

    def __init__(self, message: str, *, changed_by: str = "", changed_at: str = "") -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class ConcurrentWriteError(ConflictError):
    """Another writer committed between this action's first read and its first write.

    SQLite (in WAL mode) refuses such a write at once rather than let it work from an
    outdated read; callers that know what was being saved say so more precisely.
    """


class StoreError(DeskError):
    """The database cannot be opened or used: locked, corrupt, not ours, unreachable."""
