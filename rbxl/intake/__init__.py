"""Intake: find returned files (folders, zips, e-mails), guard against hostile ones, read cells.

Files are only ever read. `collect(paths)` (collect.py) yields Received items (bytes in memory,
bounded by one budget per input) and findings for what was skipped; `read_workbook(item)`
(read.py) refuses encrypted files, zip bombs and absurd sheets (guard.py) before calamine sees
them, and returns the cell grids of every sheet.
"""

from rbxl.intake.collect import collect, collect_received, safe_name
from rbxl.intake.guard import (
    CONTAINER_EXT,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED,
    SPREADSHEET_EXT,
    Budget,
    sniff,
)
from rbxl.intake.model import RawWorkbook, Received, Rejected
from rbxl.intake.read import read_workbook

__all__ = ["CONTAINER_EXT", "MAX_FILE_BYTES", "MAX_UNCOMPRESSED", "SPREADSHEET_EXT", "Budget", "RawWorkbook", "Received",
           "Rejected", "collect", "collect_received", "read_workbook", "safe_name", "sniff"]
