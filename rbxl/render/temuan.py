"""The findings workbook and one plain-text feedback note per unit, in Bahasa Indonesia."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rbxl.checks.values import dates_read
from rbxl.core.atomic import atomic_path, write_text
from rbxl.core.enums import Verdict
from rbxl.core.findings import ERROR, SEVERITY_ID, WARNING
from rbxl.core.paths import feedback_dir, findings_path
from rbxl.core.text import clean_text, safe_filename
from rbxl.core.xlsx import header_format, print_a4
from rbxl.form.spec import plan
from rbxl.master.model import Roadmap
from rbxl.template.write import WB_OPTIONS, fit_height


def write_feedback(report, roadmap: Roadmap, out: Path) -> Path:
    import xlsxwriter

    path = findings_path(out, report.tahun, report.periode)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WB_OPTIONS)
        # dated by the last file the period received: the same inputs give the same bytes on a re-run
        received = [s.item.received for s in report.submissions if getattr(s.item, "received", None)]
        if received:
            wb.set_properties({"created": max(received).astimezone(dt.UTC).replace(tzinfo=None)})
        head = header_format(wb, valign="top")
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        red = wb.add_format({"bg_color": "#F8CBAD"})
        yellow = wb.add_format({"bg_color": "#FFE699"})

        def table(name, headers, rows, widths):
            ws = wb.add_worksheet(name)
            for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
                ws.write_string(0, c, h, head)
                ws.set_column(c, c, w, wrap)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row):
                    if isinstance(v, (int, float)):
                        ws.write_number(r, c, v, wrap)
                    else:
                        ws.write_string(r, c, "" if v is None else str(v), wrap)
                ws.set_row(r, fit_height(zip(row, widths, strict=False)))
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            print_a4(ws, repeat_row=0)
            return ws

        files = [[s.item.source, s.unit, roadmap.units[s.unit].nama if s.unit in roadmap.units else "", s.verdict,
                  sum(f.severity == ERROR for f in s.findings), sum(f.severity == WARNING for f in s.findings),
                  s.saved_at.isoformat(sep=" ") if s.saved_at else "", s.item.sha256]
                 for s in report.submissions]
        ws = table("Berkas", ["Berkas", "Unit", "Nama Unit", "Putusan", "Kesalahan", "Peringatan",
                              "Disimpan (di dalam berkas)", "SHA-256"], files, [50, 16, 36, 20, 10, 10, 20, 30])
        n = max(len(files), 1)
        ws.conditional_format(1, 3, n, 3, {"type": "text", "criteria": "containing", "value": Verdict.REJECTED.value,
                                           "format": red})
        ws.conditional_format(1, 3, n, 3, {"type": "text", "criteria": "containing", "value": "Perlu",
                                           "format": yellow})
        # each finding with its file's verdict, so a superseded file's findings read as such
        placed = [(f, "") for f in report.findings] + [(f, s.verdict) for s in report.submissions for f in s.findings]
        rows = [[SEVERITY_ID.get(f.severity, f.severity), f.code, f.unit, f.file, verdict, f.sheet, f.cell, f.value,
                 f.message] for f, verdict in placed]
        ws = table("Temuan", ["Tingkat", "Kode", "Unit", "Berkas", "Putusan Berkas", "Sheet", "Sel",
                              "Nilai Ditemukan", "Pesan"], rows, [11, 22, 16, 40, 16, 22, 7, 24, 70])
        ws.conditional_format(1, 0, max(len(rows), 1), 0, {"type": "cell", "criteria": "==", "value": '"Kesalahan"',
                                                           "format": red})
        missing = [[u, roadmap.units[u].nama, roadmap.units[u].email or "(belum ada e-mail di master)"]
                   for u in report.missing]
        table("Belum Mengumpulkan", ["Unit", "Nama Unit", "E-mail"], missing, [18, 50, 36])
        wb.close()
    report.findings_file = path

    notes = feedback_dir(out, report.tahun, report.periode)
    for unit, text in unit_notes(report, roadmap).items():
        write_text(notes / safe_filename(f"{unit}.txt"), text)
    return path


def unit_notes(report, roadmap: Roadmap) -> dict[str, str]:
    """What each unit must fix, cell by cell, ready to paste into a reply e-mail.

    The file whose values are used comes first; any other file of the unit that was rejected
    or needs fixing follows, so the unit hears about every problem that still matters.
    """
    by_unit: dict[str, list] = {}
    for s in report.submissions:
        if s.unit in roadmap.units and s.verdict not in (Verdict.SUPERSEDED, Verdict.DUPLICATE):
            by_unit.setdefault(s.unit, []).append(s)
    out: dict[str, str] = {}
    for unit, subs in by_unit.items():
        chosen = report.chosen.get(unit)
        subs.sort(key=lambda s: s is not chosen)
        u = roadmap.units[unit]
        lines = [f"Umpan balik monitoring RB {report.periode} {report.tahun}", f"Unit: {u.nama} ({u.kode})", ""]
        for s in subs:
            used = " (isi berkas ini yang dipakai)" if s is chosen else ""
            lines += [f"Berkas: {clean_text(s.item.name)}{used}", f"Putusan: {s.verdict}"]
            problems = [f for f in s.findings if f.severity in (ERROR, WARNING)]
            if not problems:
                lines.append("Tidak ada yang perlu diperbaiki. Terima kasih.")
            # every date read from the file, spelled out ('4 Mei 2024'): a swapped day and month shows
            echoed = dates_read(plan(roadmap, unit, report.tahun, report.periode), s.values) if s.values else []
            echoed = [f for f in echoed if (f.code, f.sheet, f.cell) not in {(g.code, g.sheet, g.cell) for g in problems}]
            for f in problems + echoed:
                if f.sheet and f.cell:
                    where = f"Sheet '{f.sheet}' sel {f.cell}: "
                else:
                    where = f"Sheet '{f.sheet}': " if f.sheet else ""
                lines.append(clean_text(f"- [{SEVERITY_ID[f.severity]}] {where}{f.message}"))  # one line each
            lines.append("")
        out[unit] = "\n".join(lines)
    return out
