"""The main window's evidence: Add evidence…, files dropped on the detail pane, the pane's
evidence list, and the daily check of the stored evidence in the background.

A part of :class:`~desktop.views.main_window.MainWindow` (a mixin). The controllers
(:class:`~desktop.views.partials.evidence_intake.EvidenceIntake`,
:class:`~desktop.views.partials.evidence_view.EvidenceViewer`) are made when the first
workspace is attached, not before the first paint: they import the services.

The check: once a workspace is shown (and the window has painted its rows), the services
say whether a verification is due (at most once a day, desktop.services.evidence); if so it
runs in a worker without a dialog. Damage is shown in a banner above the table naming the
items, with Details…, and in the status bar. The workspace remembers what the last check found
(desktop.services.evidence_verify.last_problems), so the banner returns on every open until
a check finds everything intact, whatever was dismissed; Edit ▸ Damaged evidence… lists it
at any time, and Edit ▸ Check evidence now checks without waiting for the day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from desktop.phrases import exact_text
from desktop.views.partials.evidence_banner import DamageBanner, damaged_names
from desktop.wording import plural

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QVBoxLayout

    # Imported at run time by load_services(), once the first rows are painted.
    from desktop.services import evidence  # noqa: TC004
    from desktop.services.evidence import EvidenceProblem, VerifyReport
    from desktop.views.main_parts import WindowParts as _Base
    from desktop.views.partials.evidence_intake import EvidenceIntake
    from desktop.views.partials.evidence_view import EvidenceViewer
    from desktop.views.partials.task_runner import TaskHandle
else:
    _Base = object

# The check starts this long after a workspace is shown: its first rows come first.
VERIFY_AFTER_MS = 2000


def load_services() -> None:
    global evidence
    from desktop.services import evidence


class EvidencePart(_Base):
    damage_banner: DamageBanner
    evidence_intake: EvidenceIntake | None
    evidence_viewer: EvidenceViewer | None
    verify_handle: TaskHandle | None

    def _build_evidence(self, layout: QVBoxLayout) -> None:
        """The damage banner, at the top of ``layout`` (the table's column)."""
        self.damage_banner = DamageBanner(self)
        self.damage_banner.details_requested.connect(self.show_evidence_damage)
        layout.insertWidget(0, self.damage_banner)
        self.evidence_intake = None
        self.evidence_viewer = None
        self.verify_handle = None

    def _attach_evidence(self) -> None:
        """On each workspace shown: the controllers (once), then the check, a little later."""
        if self.evidence_viewer is None:
            from desktop.views.partials.evidence_intake import EvidenceIntake, FileDrops
            from desktop.views.partials.evidence_view import EvidenceViewer

            self.evidence_intake = EvidenceIntake(
                lambda: self._db, lambda: self.dialogs, self, self._say
            )
            self.evidence_intake.attached.connect(lambda _items: self._refresh_evidence())
            self.evidence_viewer = EvidenceViewer(
                lambda: self._db, lambda: self.dialogs, self.detail.evidence, self, self._say
            )
            self.detail.incident_shown.connect(self.evidence_viewer.show)
            self.detail.evidence.add_requested.connect(self.add_evidence)
            FileDrops(self.detail.viewport(), self._drop_accepted, self._dropped_on_detail)
        self._start_check_later()

    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def _refresh_detail(self) -> None:
        """Read the incident shown again (its evidence changed)."""
        self._show_incident(self.table.currentIndex())

    def _refresh_evidence(self) -> None:
        """After an intake only the evidence list changed: re-list it, not the whole incident,
        whose re-showing would also redraw the map and the timeline just as the window
        catches up with the intake's commit."""
        shown = self.detail.shown
        if shown is not None and shown.id is not None and self.evidence_viewer is not None:
            self.evidence_viewer.show(shown)

    # --- attaching -------------------------------------------------------------------

    def add_evidence(self, paths: list[Path] | None = None) -> TaskHandle | None:
        """Attach files (asked for when not given) to the selected incident."""
        from desktop.views.partials.evidence_intake import Target

        row = self.current_row()
        if row is None or self.evidence_intake is None:
            return None
        if paths is None:
            paths = self.dialogs.open_paths("Add evidence", "All files (*)")
            if not paths:
                return None
        return self.evidence_intake.attach(paths, Target(row.id, row.title))

    def _drop_accepted(self, _position: QPoint) -> bool:
        return self.attached and self.detail.incident_id is not None

    def _dropped_on_detail(self, paths: list[Path], _position: QPoint) -> None:
        shown = self.detail.shown
        if shown is None or shown.id is None or self.evidence_intake is None:
            return
        from desktop.views.partials.evidence_intake import Target

        self.evidence_intake.attach(paths, Target(shown.id, shown.title))

    # --- the daily check -------------------------------------------------------------

    def _start_check_later(self) -> None:
        if self.verify_handle is not None:
            self.verify_handle.abandon()  # the workspace it checked is no longer shown
            self.verify_handle = None
        self.damage_banner.show_problems(())
        db = self._db
        QTimer.singleShot(VERIFY_AFTER_MS, self, lambda: self.check_evidence(db))

    def check_evidence(self, db: object = None, *, due_only: bool = True) -> TaskHandle | None:
        """Verify the workspace's evidence in the background (if due, unless told not to
        wait for the day); the outcome is shown when it is still the workspace shown."""
        from desktop.views.partials.task_runner import run_task

        if db is not None and db is not self._db:
            return None  # another workspace was opened meanwhile
        db = self._db

        def work(progress: object) -> tuple[VerifyReport | None, tuple[EvidenceProblem, ...]]:
            if due_only and not evidence.verification_due(self._db):
                return None, evidence.last_problems(self._db)  # what the last check found
            report = evidence.verify_evidence(self._db, progress)  # type: ignore[arg-type]
            return report, report.problems

        def done(outcome: tuple[VerifyReport | None, tuple[EvidenceProblem, ...]]) -> None:
            report, problems = outcome
            if db is not self._db:
                return
            self.damage_banner.show_problems(problems)
            if problems:
                names = damaged_names(problems)
                self._say(f"Evidence damaged or missing: {names}. Details above the table.")
            elif report is not None:
                self._say(f"Evidence checked: {plural(report.items, 'item')} intact.")

        self.verify_handle = run_task(
            self,
            "Checking evidence",
            work,
            on_done=done,
            on_error=lambda error: self._say(f"The evidence could not be checked: {error}"),
            show_after_ms=None,
        )
        return self.verify_handle

    def show_evidence_damage(self) -> None:
        """Edit ▸ Damaged evidence… and the banner's Details…: what the last check found
        (the banner comes back if it was dismissed)."""
        if self.damage_banner.problems:
            self.damage_banner.show_problems(self.damage_banner.problems)
            self.dialogs.warning("Evidence damaged or missing", self.damage_banner.details())
            return
        last = evidence.last_verified(self._db)
        if last is None:
            said = "The evidence of this workspace has not been checked yet."
        else:
            said = f"The last check, {exact_text(last)}, found every item intact."
        self.dialogs.information(
            "No damaged evidence", f"{said} Edit ▸ Check evidence now checks it again."
        )

    def check_evidence_now(self) -> TaskHandle | None:
        """Edit ▸ Check evidence now: every item rehashed, whatever the day."""
        self._say("Checking the evidence…")
        return self.check_evidence(due_only=False)

    def _close_evidence(self) -> None:
        """At close: previews finished, viewing copies removed (tasks are joined apart)."""
        if self.evidence_viewer is not None:
            self.evidence_viewer.forget()
            self.evidence_viewer.wait()
            evidence.remove_viewing_copies()
