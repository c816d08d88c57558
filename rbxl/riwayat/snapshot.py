"""The consolidated tables of a period, saved beside its outputs so later renderings can read them.

`rbxl laporan` and `rbxl dasbor` render a period that was consolidated earlier, possibly in
another process or on another day: they load this snapshot instead of re-reading 47 files.
It holds the tables exactly as consolidation built them (numbers stay numbers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from rbxl.consolidation.tables import Tables
from rbxl.core.atomic import write_text
from rbxl.core.enums import YES
from rbxl.core.errors import UsageError
from rbxl.core.messages import message
from rbxl.core.paths import snapshot_path

FORMAT = 1


def _default(v: object) -> str:
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    return str(v)


def save_tables(tables: Tables, out: str | Path) -> Path:
    # the tables are lists of flat dicts: json needs no deep copy (dataclasses.asdict took seconds)
    data = {"format": FORMAT, **{f.name: getattr(tables, f.name) for f in dataclasses.fields(tables)}}
    return write_text(snapshot_path(out, tables.tahun, tables.periode),
                      json.dumps(data, ensure_ascii=False, default=_default))


def load_tables(out: str | Path, tahun: int, periode: str) -> Tables:
    """The tables of a consolidated period; a clear message when it was never consolidated."""
    path = snapshot_path(out, tahun, periode)
    if not path.is_file():
        raise UsageError(message("SNAPSHOT_MISSING", periode=periode, tahun=tahun, out=out, path=path,
                                 out_option=f" --out {out}" if str(out) != "output" else ""))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) != FORMAT:
            raise ValueError(message("SNAPSHOT_FORMAT_UNKNOWN"))
        tables = Tables(**data)
        for u in tables.unit:  # snapshots before 0.2 wrote the yes/no facts as words
            for key in ("dikumpulkan", "data_dipakai"):
                if isinstance(u.get(key), str):
                    u[key] = u[key] == YES
        return tables
    except (ValueError, TypeError) as err:
        raise UsageError(message("SNAPSHOT_BROKEN", path=path, detail=err)) from err
