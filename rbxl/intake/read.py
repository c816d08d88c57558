"""Read a guarded workbook's cells with python-calamine, lazily, sheet by sheet.

Any failure of the reader, including a Rust panic (pyo3's PanicException derives from
BaseException, not Exception), becomes a Rejected finding for this file.
"""

from __future__ import annotations

import io
from pathlib import Path

from rbxl.core.findings import finding
from rbxl.intake.guard import (
    MAX_COLS,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    guard_package,
    ole_saved_time,
    open_ole,
    short,
    sniff,
)
from rbxl.intake.model import PERCENT_KEY, RawWorkbook, Received, Rejected


def read_workbook(item: Received) -> RawWorkbook:
    """Cell grids of every sheet; raises Rejected with the finding for unusable files."""
    kind = sniff(item.data)
    if kind == "empty":
        raise Rejected(finding("FILE_EMPTY", file=item.source))
    data = item.data
    saved_at = None
    formulas: dict[str, dict[str, str]] = {}
    fmt = item.ext.lstrip(".")
    if kind == "ole":
        data, fmt = open_ole(item)
        saved_at = ole_saved_time(data)
    elif kind == "zip":
        saved_at, fmt, formulas = guard_package(item)
    else:
        raise Rejected(finding("FILE_UNREADABLE", file=item.source, detail="bukan format xlsx, xls atau ods"))
    data, formulas, fix = _other_apps(data, fmt, formulas)
    try:
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as err:
            if "detect file format" not in str(err):
                raise
            wb = _from_named_file(data, fmt)  # calamine sniffs some valid ods only by their extension
        visibility = {m.name: str(m.visible).rsplit(".", 1)[-1].lower() for m in wb.sheets_metadata}
        sheets = _Sheets(wb, item, fix)
    except BaseException as err:  # calamine: CalamineError, XmlError, ZipError, PasswordError, a panic...
        raise _calamine_rejection(item, err) from err
    percent: dict[str, set[str]] = {}
    for ref in formulas.pop(PERCENT_KEY, {}):
        name, _, cell = ref.rpartition("!")
        percent.setdefault(name, set()).add(cell)
    return RawWorkbook(sheets, visibility, saved_at, fmt, formulas, percent, macros=macro_parts(item.data if kind == "zip" else data, kind))


def macro_parts(data: bytes, kind: str) -> str:
    """What in the file holds macros ('' when nothing does), whatever its name says: a VBA project
    (xlsm, xlsb, or an xlsx that carries one all the same), Excel 4 macro sheets, LibreOffice Basic or
    scripts in an ods, the VBA storage of an xls. Only names are read; nothing is ever run."""
    found: list[str] = []
    try:
        if kind == "zip":
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
            low = [n.lower() for n in names]
            found += [n for n, lo in zip(names, low, strict=True) if lo.endswith("vbaproject.bin")]
            if any(lo.startswith("xl/macrosheets/") for lo in low):
                found.append("xl/macrosheets/ (makro Excel 4)")
            if any(lo.startswith(("basic/", "scripts/")) and not lo.endswith("/") for lo in low):
                found.append("Basic/Scripts (makro LibreOffice)")
        elif kind == "ole":
            import olefile

            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                streams = ["/".join(e) for e in ole.listdir(streams=True, storages=True)]
            found += sorted({s.split("/")[0] for s in streams if s.split("/")[0].lower() in ("_vba_project_cur", "macros")})
    except Exception:  # names unreadable here: the package was already read; no claim either way
        return ""
    return ", ".join(found[:5])


def _other_apps(data: bytes, fmt: str, formulas: dict[str, dict[str, str]]):
    """Bytes calamine reads right, formula cells, and a fix for grids (see quirks.py)."""
    from rbxl.intake import quirks

    if fmt == "ods":
        data, found = quirks.read_ods(data, MAX_UNCOMPRESSED)
        return data, found, None
    if fmt == "xls":
        cells = quirks.xls_cells(data)
        return data, cells.formulas, cells.fix
    return data, formulas, None


def _from_named_file(data: bytes, fmt: str):
    """Open bytes through a temporary file named by their format (read fully, then removed)."""
    import tempfile

    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory(prefix="rbxl-") as tmp:
        path = Path(tmp) / f"berkas.{fmt if fmt in ('ods', 'xls', 'xlsx', 'xlsb') else 'xlsx'}"
        path.write_bytes(data)
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:  # calamine reads the file lazily: touch every sheet while it exists
            wb.get_sheet_by_name(name)
        return _Loaded(wb)


class _Loaded:
    """A calamine workbook whose sheets were already read (its file is gone)."""

    def __init__(self, wb):
        self.sheet_names = list(wb.sheet_names)
        self.sheets_metadata = list(wb.sheets_metadata)
        self._sheets = {n: wb.get_sheet_by_name(n) for n in self.sheet_names}

    def get_sheet_by_name(self, name: str):
        return self._sheets[name]


def _calamine_rejection(item: Received, err: BaseException) -> Rejected:
    if isinstance(err, (KeyboardInterrupt, SystemExit)):
        raise err
    if isinstance(err, Rejected):
        return err
    if isinstance(err, MemoryError):
        return Rejected(finding("FILE_TOO_LARGE", file=item.source, detail="butuh memori berlebihan"))
    if not isinstance(err, Exception):  # a panic inside the reader
        return Rejected(finding("FILE_UNREADABLE", file=item.source, detail=f"pembaca berkas gagal: {short(err)}"))
    if "password" in str(err).lower() or "encrypt" in str(err).lower():
        return Rejected(finding("FILE_ENCRYPTED", file=item.source))
    if "cell limit" in str(err).lower():
        return Rejected(finding("FILE_TOO_LARGE", file=item.source, detail="dimensi lembar kerja tidak wajar"))
    return Rejected(finding("FILE_UNREADABLE", file=item.source, detail=short(err)))


class _Sheets(dict):
    """Sheet name -> cell grid, read from the workbook only when first asked for.

    The checks read the sheets the FormSpec names and the metadata sheet; the guide and
    list sheets are never parsed.
    """

    def __init__(self, wb, item: Received, fix=None):
        super().__init__()
        self._wb, self._item, self._fix = wb, item, fix
        self._names = list(wb.sheet_names)

    def _load(self, name: str) -> list[list]:
        if not dict.__contains__(self, name):
            try:
                sheet = self._wb.get_sheet_by_name(name)
                if sheet.height > MAX_ROWS or sheet.width > MAX_COLS:
                    raise Rejected(finding("FILE_TOO_LARGE", file=self._item.source, sheet=name,
                                           detail=f"dimensi lembar kerja tidak wajar ({sheet.height} baris x "
                                                  f"{sheet.width} kolom)"))
                grid = sheet.to_python(skip_empty_area=False)
                if self._fix:
                    self._fix(name, grid)
                dict.__setitem__(self, name, grid)
            except BaseException as err:
                raise _calamine_rejection(self._item, err) from err
        return dict.__getitem__(self, name)

    def __getitem__(self, name: str) -> list[list]:
        if name not in self._names:
            raise KeyError(name)
        return self._load(name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def get(self, name: str, default=None):
        return self._load(name) if name in self._names else default

    def keys(self):
        return list(self._names)

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def items(self):
        return [(n, self._load(n)) for n in self._names]

    def values(self):
        return [self._load(n) for n in self._names]


