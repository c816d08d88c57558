"""A period's tidy tables and the state words their rows carry, defined once for consolidation and every reader."""

from __future__ import annotations

from dataclasses import dataclass, field

from rbxl.core.enums import Capaian, Collection

NOT_RETURNED, REJECTED_FILE = Collection.NOT_RETURNED, Collection.REJECTED_FILE

TARGET_MET, TARGET_NOT_MET, NO_DATA = Capaian.MET, Capaian.NOT_MET, Capaian.NO_DATA


@dataclass
class Tables:
    """A period's tidy tables: one dict per unit x item, keyed by the monitoring.*_COLS keys.

    Units with no usable file keep their rows with blank values and 'Belum mengumpulkan' or
    'Berkas ditolak' in `pengumpulan`, so nothing is averaged as zero.
    """

    tahun: int
    periode: str
    rencana_aksi: list[dict] = field(default_factory=list)
    indikator: list[dict] = field(default_factory=list)
    kegiatan: list[dict] = field(default_factory=list)
    unit: list[dict] = field(default_factory=list)
    identitas: list[dict] = field(default_factory=list)
    berkas: list[dict] = field(default_factory=list)
    temuan: list[dict] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    instrumen: list[dict] = field(default_factory=list)  # unit x question (rbxl.consolidation.instrumen)
    instrumen_nilai: list[dict] = field(default_factory=list)  # unit x component: nilai mandiri / verifikasi


def status_capaian(value: float | None) -> str:
    if value is None or value == "":
        return NO_DATA
    return TARGET_MET if value >= 100 else TARGET_NOT_MET
