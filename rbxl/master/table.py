"""One master sheet read into records by its header names, each value with its cell."""

from __future__ import annotations

from rbxl.core.findings import Finding, finding
from rbxl.core.xlsx import cell_name
from rbxl.master import schema as S


class Table:
    """One master sheet read into records keyed by schema field names, remembering cells."""

    def __init__(self, sheet: S.Sheet, grid: list[list], years: tuple[int, ...], file: str,
                 findings: list[Finding]):
        self.sheet = sheet
        self.years = years
        self.records: list[dict] = []
        self.cells: list[dict[str, str]] = []  # field -> A1 address, per record
        self.rows: list[int] = []  # 1-based sheet row per record
        header = grid[0] if grid else []
        index = {S.norm_header(h): i for i, h in enumerate(header) if not S.is_blank_header(h)}
        positions: dict[str, int] = {}
        for col, year in sheet.expanded(years):
            name = S.header_of(col, year)
            pos = index.get(S.norm_header(name))
            if pos is None:
                if year is not None:
                    findings.append(finding("MASTER_YEAR_COLUMN_MISSING", file=file, sheet=sheet.name,
                                            cell="1", column=name, tahun=year))
                elif col.required:
                    findings.append(finding("MASTER_COLUMN_MISSING", file=file, sheet=sheet.name,
                                            cell="1", column=name))
                continue
            positions[S.field_of(col, year)] = pos
        for r, row in enumerate(grid[1:], start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            rec, cells = {}, {}
            for key, pos in positions.items():
                v = row[pos] if pos < len(row) else None
                if isinstance(v, str):
                    v = v.strip().replace("\r\n", "\n")
                    v = v or None
                rec[key] = v
                cells[key] = cell_name(r, pos)
            self.records.append(rec)
            self.cells.append(cells)
            self.rows.append(r + 1)


def split_list(v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    return tuple(p.strip() for p in str(v).replace("\n", ";").replace(",", ";").split(";") if p.strip())
