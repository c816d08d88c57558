"""One run's outputs become visible together: written into a staging folder, then moved into place.

A validation or consolidation run writes its findings workbook, feedback notes, perbaikan files,
monitoring workbook, csv/, rekap and dasbor into <period>/.~rbxl-baru/<tahun>-<periode>/ (the
same layout as the period folder, so every writer takes it as its `out`). Only when all of them
are written does `Stage.publish` move each one over its namesake in the period folder (a file
by one rename, a folder by two), a few milliseconds in all. A run stopped before that (Ctrl+C, a
full disk, a crash) leaves the period's previous outputs as they were, all from one run; its
staging folder is removed on the way out, or by the next run of the period.

Not staged: the archive (arsip/ and log.csv, written first: a received file is never lost, and
the next run reads it back) and the riwayat store (its own transaction, replaced by the next
consolidation of the period).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from rbxl.core.atomic import TEMP_PREFIX, explain, place
from rbxl.core.errors import OutputError
from rbxl.core.paths import monitoring_path, period_dir, stage_dir

# What an earlier run wrote into a folder rbxl replaces, and this run no longer writes: removed with
# the old folder (a unit that no longer needs feedback has no note). Anything else found there is
# not rbxl's (a clerk's own notes or analysis) and is carried into the new folder, never deleted.
STALE = {"umpan-balik": re.compile(r"^[A-Z0-9][A-Z0-9-]*\.txt$"),
         "perbaikan": re.compile(r"_perbaikan\.xlsx$")}


class Stage:
    """The staging folder of one run (the caller holds the period lock)."""

    def __init__(self, out: str | Path, tahun: int, periode: str):
        self.final = period_dir(out, tahun, periode)
        self.root = stage_dir(out, tahun, periode)  # the `out` the writers get
        self.folder = period_dir(self.root, tahun, periode)
        self.notes: list[str] = []
        self.kept: list[str] = []  # files not rbxl's found in a folder it replaced: carried over, said
        self.aside: dict[str, Path] = {}  # file name -> where it went because its namesake was open
        self.monitoring = monitoring_path(out, tahun, periode).name
        self.discard()  # what an earlier, interrupted run left
        try:
            self.folder.mkdir(parents=True)
        except OSError as err:
            raise OutputError(explain(err, self.folder)) from err

    def final_path(self, staged: Path) -> Path:
        """Where a staged file will be once published."""
        return self.final / Path(staged).relative_to(self.folder)

    def _keep_theirs(self, old: Path, new: Path) -> None:
        stale = STALE.get(old.name)
        for item in sorted(old.iterdir()):
            if (new / item.name).exists() or item.name.startswith(TEMP_PREFIX) or (stale and stale.search(item.name)):
                continue
            os.replace(item, new / item.name)
            self.kept.append(f"{item} bukan buatan rbxl; dibiarkan di tempatnya. Simpan berkas sendiri di luar "
                             "folder hasil rbxl.")

    def landed(self, target: Path) -> Path:
        """Where a published output is: at `target`, or beside it as '(baru)' when its namesake was open."""
        return self.aside.get(target.name, target)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def publish(self) -> list[str]:
        """Move every staged output over its namesake; returns notes (e.g. the monitoring workbook
        was open, the new one is saved as '... (baru).xlsx')."""
        try:
            for entry in sorted(self.folder.iterdir()):
                self._move(entry, self.final / entry.name)
        except OSError as err:
            raise OutputError(explain(err, self.final)) from err
        finally:
            self.discard()
        return self.notes

    def _move(self, entry: Path, target: Path) -> None:
        if entry.is_dir():
            old = self.root / (entry.name + ".lama")
            if target.is_dir():
                self._keep_theirs(target, entry)
            if target.exists():
                os.replace(target, old)
            os.replace(entry, target)
            return
        try:
            place(entry, target)
        except OutputError as err:  # Windows: the old workbook is open in Excel
            # place() saved the new file beside it as '... (baru).xlsx': the run's other outputs
            # are still published, so they never disagree with each other; the note says which
            alt = target.with_name(f"{target.stem} (baru){target.suffix}")
            if not alt.exists():
                raise
            self.aside[target.name] = alt
            self.notes.append(str(err))
