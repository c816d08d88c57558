"""The FormSpec: the one definition of what a unit's workbook holds for a year and period.

`plan(roadmap, unit, tahun, periode)` decides the sheets, rows (with stable keys), locked
cells with their expected content, and input cells with their rules. The template writer
renders it and the checker reads returned files against it, so no cell address is ever
typed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rbxl.core.enums import Period, StatusRole
from rbxl.core.values import NO_VALUE, format_number, parse_graded
from rbxl.form.instrumen import guide_lines, instrument_sheets
from rbxl.form.meta import LAYOUT_VERSION, PREFILL_META, Meta  # noqa: F401  (PREFILL_META: re-exported for callers)
from rbxl.form.sheet import (  # noqa: F401  (defined there so rbxl.form.instrumen can build sheets; re-exported)
    DATE_FORMAT,
    DATE_HINT,
    DECIMAL_HINT,
    HEADER_ROW,
    PASTE_HINT,
    PASTE_SHORT,
    DataSheet,
    Field,
    Row,
    Rule,
)
from rbxl.master.model import Indikator, RencanaAksi, Roadmap, number_of
from rbxl.master.schema import BASELINE_YEAR, LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN

META_SHEET = "_rbxl"
LIST_SHEET = "Daftar"
GUIDE_SHEET = "Petunjuk"
PERBAIKAN_SHEET = "Perbaikan"  # first sheet of a perbaikan file: rbxl's own, never read as data

SHEET_IDENTITAS = "Identitas"
SHEET_RA_UTAMA = "Rencana Aksi Utama"
SHEET_RA_PENDUKUNG = "Rencana Aksi Pendukung"
SHEET_INDIKATOR = "Indikator"
SHEET_KEGIATAN = "Kegiatan Prioritas"

PERIODE_LABEL = {p.value: p.label for p in Period}  # period code -> 'Triwulan I' (defined in enums)
PERIODE_END = {p.value: p.end for p in Period}  # period code -> '31 Maret'

Answers = dict[tuple[str, str, str], object]  # (sheet, row key, field key) -> value typed by a unit



BASELINE_HEADER = f"Baseline {BASELINE_YEAR}"


def periode_label(tahun: int, periode: str) -> str:
    """'Triwulan I 2023': how a period is named on every sheet and message."""
    return f"{PERIODE_LABEL[periode]} {tahun}"


# Identitas labels the reader also looks for when the hidden sheet is lost
LABEL_KODE_UNIT = "Kode Unit"
LABEL_PERIODE = "Periode Pelaporan"


def list_name(daftar: str) -> str:
    """The workbook-level defined name of a list: 'Daftar_STATUS_AKSI'."""
    return f"Daftar_{daftar}"


@dataclass
class FormSpec:
    """What one unit's workbook holds for a year and period: sheets, rows, locked and input cells.

    The template writer renders it and the checker reads a returned file against it.
    """

    unit_kode: str
    unit_nama: str
    unit_singkatan: str
    tahun: int
    periode: str
    fingerprint: str
    sheets: list[DataSheet]
    lists: dict[str, list[str]]  # list name -> values, for the hidden list sheet
    guide: list[str]
    settings: dict[str, str]
    status_roles: dict[str, dict[str, StatusRole]] = field(default_factory=dict)  # from the master
    prefill: str = ""  # period code the inputs were prefilled from (rbxl.template.prefill), '' for a blank template

    def status_role(self, value: object, daftar: str = LIST_STATUS_AKSI) -> StatusRole | None:
        """What a status typed in this workbook means (None: blank or not in the list)."""
        return self.status_roles.get(daftar, {}).get(value) if isinstance(value, str) else None

    def status_named(self, role: StatusRole, daftar: str = LIST_STATUS_AKSI) -> str:
        """The master's name for a meaning, e.g. DONE -> 'Selesai'."""
        return next(v for v, r in self.status_roles.get(daftar, {}).items() if r == role)

    @property
    def periode_label(self) -> str:
        return periode_label(self.tahun, self.periode)

    def sheet(self, name: str) -> DataSheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def meta(self) -> dict[str, str]:
        """Identification written into the hidden sheet and document properties."""
        return Meta(self.unit_kode, str(self.tahun), self.periode, self.fingerprint, prefill=self.prefill,
                    rows={s.name: ";".join(r.key for r in s.rows) for s in self.sheets}).to_dict()

    def row_count(self) -> dict[str, int]:
        return {s.name: len(s.rows) for s in self.sheets if s.kind != "identitas"}


# --- rules ------------------------------------------------------------------------------

def _text(label: str, max_len: int, prompt: str = "", required: bool = False) -> Rule:
    return Rule("text", label, max_len=max_len, prompt=prompt, required=required)


STATUS = Rule("list", "Status", daftar=LIST_STATUS_AKSI,
              prompt=f"Pilih status pelaksanaan rencana aksi sampai akhir periode. {PASTE_SHORT}")
PROGRES = Rule("decimal", "Progres (%)", low=0, high=100,
               prompt=f"Persentase kemajuan 0-100 sampai akhir periode (kumulatif); rencana aksi yang sudah selesai = 100. {DECIMAL_HINT}")
STATUS_DUKUNGAN = Rule("list", "Status Dukungan", daftar=LIST_STATUS_DUKUNGAN,
                       prompt=f"Pilih status dukungan unit Anda untuk rencana aksi ini. {PASTE_SHORT}")
REALISASI_KEGIATAN = Rule("decimal", "Realisasi", low=0, high=1e9,
                          prompt="Angka realisasi kumulatif sampai akhir periode, satuan sama dengan target. "
                                 + DECIMAL_HINT)
OUTPUT = _text("Output/Hasil", 1000, "Hasil nyata yang sudah dicapai (dokumen, kegiatan, jumlah).")
BUKTI = _text("Bukti Dukung", 500, "Nama dokumen, nomor SK, atau tautan (link) bukti dukung.")
KENDALA = _text("Kendala", 1000, "Hambatan yang dihadapi, bila ada.")
TINDAK = _text("Tindak Lanjut", 1000, "Rencana tindak lanjut periode berikutnya.")
KETERANGAN = _text("Keterangan", 1000, "Catatan tambahan, bila perlu.")
SUMBER = _text("Sumber Data", 300, "Dokumen atau sistem asal angka realisasi.")


def realisasi_rule(ind: Indikator, roadmap: Roadmap) -> Rule:
    if ind.is_kategori:
        return Rule("list", "Realisasi", daftar=ind.daftar_kategori,
                    prompt=f"{PASTE_SHORT} Pilih dari daftar: {', '.join(roadmap.choices(ind.daftar_kategori))}.")
    low = ind.nilai_min if ind.nilai_min is not None else 0.0
    high = ind.nilai_maks if ind.nilai_maks is not None else 1e9
    what = "persen 0-100" if ind.jenis_nilai == "persen" else f"angka {format_number(low)}-{format_number(high)}"
    if high >= 1e9:
        what = f"angka minimal {format_number(low)}"
    return Rule("decimal", "Realisasi", low=low, high=high,
                prompt=f"Isi {what}, kumulatif sampai akhir periode. {DECIMAL_HINT}")


# --- plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    """What every sheet builder needs to know about the workbook being planned."""

    roadmap: Roadmap
    unit_kode: str
    tahun: int
    periode: str
    sub: str  # the subtitle under each sheet's title
    note_cum: str  # '' for a yearly report, else how cumulative values are read
    real_head: str  # the Realisasi column header
    roles: dict[str, set[str]]  # what the unit leads, supports, reports (Roadmap.roles)


def plan(roadmap: Roadmap, unit_kode: str, tahun: int, periode: str) -> FormSpec:
    """Everything the unit's workbook for (tahun, periode) holds, from the master alone."""
    roadmap.check_period(tahun, periode)
    unit = roadmap.unit(unit_kode)
    label = periode_label(tahun, periode)
    cumulative = periode != "TAHUNAN"
    p = _Plan(roadmap, unit_kode, tahun, periode, sub=f"{unit.nama} ({unit.kode}) - {label}",
              note_cum=("Realisasi diisi kumulatif sejak 1 Januari sampai akhir periode dan dibandingkan dengan "
                        "target tahunan. " if cumulative else ""),
              real_head=f"Realisasi s.d. {PERIODE_END[periode]} {tahun}" + (" (kumulatif)" if cumulative else ""),
              roles=roadmap.roles(unit_kode))
    sheets: list[DataSheet] = [_identitas(roadmap, unit_kode, tahun, periode, p.sub)]
    sheets += [sheet for build in SHEET_BUILDERS if (sheet := build(p)) is not None]
    used_lists = {LIST_STATUS_AKSI, LIST_STATUS_DUKUNGAN}
    used_lists |= {r.calc["daftar"] for s in sheets for r in s.rows if r.calc.get("daftar")}
    lists = {name: roadmap.choices(name) for name in sorted(used_lists)}
    extra, scale_lists = instrument_sheets(roadmap, unit_kode, tahun, periode, p.sub)
    sheets += extra
    lists |= dict(sorted(scale_lists.items()))
    return FormSpec(unit.kode, unit.nama, unit.singkatan, tahun, periode, roadmap.fingerprint, sheets, lists,
                    _guide(roadmap, unit_kode, tahun, periode, sheets), dict(roadmap.settings),
                    {name: dict(roles) for name, roles in roadmap.status_roles.items()})


def _actions(p: _Plan, role: str, unless: str = "") -> list[tuple[RencanaAksi, str, str, str]]:
    """(rencana aksi, area name, kegiatan text, this year's aksi) of the rows the unit has in `role`
    (and not in `unless`)."""
    out = []
    for ra in p.roadmap.rencana_aksi:
        aksi = ra.aksi_for(p.tahun)
        if aksi is None or ra.kode not in p.roles[role] or (unless and ra.kode in p.roles[unless]):
            continue
        area = p.roadmap.areas[ra.area_kode].nama if ra.area_kode in p.roadmap.areas else ra.area_kode
        out.append((ra, area, f"{ra.kelompok} - {ra.kegiatan}" if ra.kelompok else ra.kegiatan, aksi))
    return out


def _ra_utama_sheet(p: _Plan) -> DataSheet | None:
    rows = [Row(ra.kode, {"no": i, "kode": ra.kode, "area": area, "kegiatan": kegiatan, "aksi": aksi,
                          "pendukung": p.roadmap.describe_refs(ra.pd_pendukung)})
            for i, (ra, area, kegiatan, aksi) in enumerate(_actions(p, "lead"), start=1)]
    if not rows:
        return None
    return DataSheet(
        SHEET_RA_UTAMA, f"RENCANA AKSI YANG DIPIMPIN (PD UTAMA) - TAHUN {p.tahun}", p.sub,
        "Isi kolom berwarna kuning untuk setiap baris. " + p.note_cum.replace("Realisasi", "Progres"),
        [Field("no", "No", 5), Field("kode", "Kode", 8), Field("area", "Area Perubahan", 18),
         Field("kegiatan", "Kegiatan / Sub Kegiatan", 32), Field("aksi", f"Rencana Aksi {p.tahun}", 40),
         Field("pendukung", "PD Pendukung", 18),
         Field("status", "Status Pelaksanaan", 18, True, STATUS),
         Field("progres", f"Progres s.d. {PERIODE_END[p.periode]} (%)", 12, True, PROGRES, num_format="0.##"),
         Field("output", "Output / Hasil yang Dicapai", 32, True, OUTPUT),
         Field("bukti", "Bukti Dukung (dokumen/tautan)", 28, True, BUKTI),
         Field("kendala", "Kendala", 26, True, KENDALA),
         Field("tindak_lanjut", "Tindak Lanjut", 26, True, TINDAK)],
        rows, "ra_utama")


def _ra_pendukung_sheet(p: _Plan) -> DataSheet | None:
    rows = [Row(ra.kode, {"no": i, "kode": ra.kode, "area": area, "kegiatan": kegiatan, "aksi": aksi,
                          "utama": p.roadmap.describe_refs(ra.pd_utama)})
            # a unit that leads a row reports it on the Utama sheet only
            for i, (ra, area, kegiatan, aksi) in enumerate(_actions(p, "support", unless="lead"), start=1)]
    if not rows:
        return None
    return DataSheet(
        SHEET_RA_PENDUKUNG, f"RENCANA AKSI YANG DIDUKUNG (PD PENDUKUNG) - TAHUN {p.tahun}", p.sub,
        "Laporkan dukungan unit Anda kepada PD utama. Isi kolom berwarna kuning.",
        [Field("no", "No", 5), Field("kode", "Kode", 8), Field("area", "Area Perubahan", 18),
         Field("kegiatan", "Kegiatan / Sub Kegiatan", 32), Field("aksi", f"Rencana Aksi {p.tahun}", 40),
         Field("utama", "PD Utama", 18),
         Field("status", "Status Dukungan", 18, True, STATUS_DUKUNGAN),
         Field("keterangan", "Keterangan Dukungan", 36, True, KETERANGAN),
         Field("bukti", "Bukti Dukung (dokumen/tautan)", 28, True, BUKTI)],
        rows, "ra_pendukung")


def _indikator_row(p: _Plan, ind: Indikator, no: int) -> Row:
    target_raw = ind.targets.get(p.tahun)
    ket = []
    target_cell: object
    if ind.jenis_nilai == "angka_predikat":
        _, grade = parse_graded(target_raw) if isinstance(target_raw, str) else (None, None)
        target_cell = number_of(target_raw)
        if grade:
            ket.append(f"Target predikat {grade}.")
    elif ind.is_kategori:
        target_cell = ind.target_text(p.tahun)
    else:
        target_cell = number_of(target_raw)
        if target_cell is None and isinstance(target_raw, str):
            target_cell = target_raw
    if target_raw is None:
        ket.append("Target tahun ini tidak tercantum di Perbup.")
    if ind.sama_dengan:
        ket.append(f"Indikator sama dengan {ind.sama_dengan}.")
    return Row(
        ind.kode,
        {"no": no, "kode": ind.kode, "indikator": ind.nama, "satuan": ind.satuan,
         "baseline": _cell(ind.baseline), "target": _cell(target_cell), "ket_target": " ".join(ket)},
        rules={"realisasi": realisasi_rule(ind, p.roadmap)},
        calc={"arah": ind.arah, "daftar": ind.daftar_kategori if ind.is_kategori else "",
              "urutan": p.roadmap.choices(ind.daftar_kategori) if ind.is_kategori else []})


def _indikator_sheet(p: _Plan) -> DataSheet | None:
    mine = [ind for ind in p.roadmap.indikator if ind.kode in p.roles["indikator"]]
    rows = [_indikator_row(p, ind, i) for i, ind in enumerate(mine, start=1)]
    if not rows:
        return None
    return DataSheet(
        SHEET_INDIKATOR, f"INDIKATOR KINERJA - TAHUN {p.tahun}", p.sub,
        p.note_cum + "Capaian dihitung otomatis sesuai arah indikator.",
        [Field("no", "No", 5), Field("kode", "Kode", 12), Field("indikator", "Indikator Kinerja", 36),
         Field("satuan", "Satuan", 11), Field("baseline", BASELINE_HEADER, 10),
         Field("target", f"Target {p.tahun}", 10), Field("ket_target", "Keterangan Target", 22),
         Field("realisasi", p.real_head, 14, True, None),
         Field("capaian", "Capaian (%)", 10, formula="capaian", num_format="0.0"),
         Field("sumber_data", "Sumber Data", 24, True, SUMBER),
         Field("keterangan", "Keterangan", 28, True, KETERANGAN)],
        rows, "indikator")


def _kegiatan_sheet(p: _Plan) -> DataSheet | None:
    rows: list[Row] = []
    for keg in p.roadmap.kegiatan:
        if keg.kode not in p.roles["kegiatan"]:
            continue
        target_raw = keg.targets.get(p.tahun)
        if isinstance(target_raw, str) and target_raw.strip() in NO_VALUE:
            continue  # the Perbup sets no target for this year ("-")
        area = p.roadmap.areas[keg.area_kode].nama if keg.area_kode in p.roadmap.areas else keg.area_kode
        rows.append(Row(
            keg.kode, {"no": len(rows) + 1, "kode": keg.kode, "area": area, "kegiatan": keg.nama,
                       "satuan": keg.satuan, "baseline": _cell(keg.baseline), "target": _cell(target_raw)},
            calc={"arah": "naik", "daftar": ""}))
    if not rows:
        return None
    return DataSheet(
        SHEET_KEGIATAN, f"KEGIATAN PRIORITAS - TAHUN {p.tahun}", p.sub,
        p.note_cum + "Capaian = realisasi / target x 100.",
        [Field("no", "No", 5), Field("kode", "Kode", 12), Field("area", "Area Perubahan", 18),
         Field("kegiatan", "Kegiatan Prioritas", 40), Field("satuan", "Satuan", 12),
         Field("baseline", BASELINE_HEADER, 10), Field("target", f"Target {p.tahun}", 10),
         Field("realisasi", p.real_head, 14, True, REALISASI_KEGIATAN, num_format="#,##0.##"),
         Field("capaian", "Capaian (%)", 10, formula="capaian", num_format="0.0"),
         Field("keterangan", "Keterangan", 30, True, KETERANGAN)],
        rows, "kegiatan")


# The data sheets after Identitas, in workbook order: one builder per sheet.
SHEET_BUILDERS: tuple[Callable[[_Plan], DataSheet | None], ...] = (
    _ra_utama_sheet, _ra_pendukung_sheet, _indikator_sheet, _kegiatan_sheet)


def _cell(raw: object) -> object:
    """A master value as the template shows it: numbers as numbers, '-' and text as written."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        n = parse_graded(raw)
        return n[0] if n[0] is not None and n[1] is None else raw
    return raw


IDENTITAS_INPUTS = [
    ("nama", "Nama Pengisi", _text("Nama Pengisi", 100, "Nama lengkap petugas yang mengisi.", True)),
    ("nip", "NIP", Rule("nip", "NIP", max_len=18, required=True,
                        prompt="18 digit angka tanpa spasi. Ketik sebagai teks, misal '198001012005011001.")),
    ("jabatan", "Jabatan", _text("Jabatan", 150, "Jabatan pengisi.", True)),
    ("telepon", "Nomor Telepon/HP", _text("Nomor Telepon/HP", 30, "Nomor yang dapat dihubungi.", True)),
    ("email", "E-mail", _text("E-mail", 100, "Alamat e-mail untuk umpan balik.")),
    ("tanggal", "Tanggal Pengisian", Rule("date", "Tanggal Pengisian", required=True,
                                          prompt="Tanggal pengisian. " + DATE_HINT)),
]


def _identitas(roadmap: Roadmap, unit_kode: str, tahun: int, periode: str, sub: str) -> DataSheet:
    unit = roadmap.units[unit_kode]
    rows = [Row("unit_nama", {"label": "Unit Kerja", "nilai": unit.nama}),
            Row("unit_kode", {"label": LABEL_KODE_UNIT, "nilai": unit.kode}),
            Row("periode", {"label": LABEL_PERIODE, "nilai": periode_label(tahun, periode)})]
    rows += [Row(key, {"label": label}, rules={"nilai": rule}) for key, label, rule in IDENTITAS_INPUTS]
    return DataSheet(SHEET_IDENTITAS, "IDENTITAS PENGISI", sub,
                     "Isi kolom berwarna kuning. Data ini dipakai untuk konfirmasi bila ada pertanyaan.",
                     [Field("label", "Uraian", 26), Field("nilai", "Isian", 50, True, None)], rows, "identitas")


def _guide(roadmap: Roadmap, unit_kode: str, tahun: int, periode: str, sheets: list[DataSheet]) -> list[str]:
    s = roadmap.settings
    unit = roadmap.units[unit_kode]
    deadline = roadmap.jadwal.get((tahun, periode))
    lines = [
        f"PETUNJUK PENGISIAN MONITORING ROAD MAP REFORMASI BIROKRASI {s.get('nama_pemda', '').upper()}".strip(),
        f"Dasar: {s.get('dasar_hukum', '')}",
        f"Unit: {unit.nama} ({unit.kode})",
        f"Periode: {PERIODE_LABEL[periode]} {tahun} (keadaan sampai {PERIODE_END[periode]} {tahun})",
    ]
    if deadline:
        lines.append(f"Batas pengembalian: {deadline.day:02d}/{deadline.month:02d}/{deadline.year}")
    lines.append("")
    lines.append("YANG HARUS DIISI")
    names = {SHEET_IDENTITAS: "nama, NIP (18 digit), jabatan, telepon dan tanggal pengisian",
             SHEET_RA_UTAMA: "status, progres (%), output, bukti dukung, kendala dan tindak lanjut setiap "
                             "rencana aksi yang unit Anda pimpin",
             SHEET_RA_PENDUKUNG: "status dan keterangan dukungan unit Anda untuk rencana aksi unit lain",
             SHEET_INDIKATOR: "realisasi indikator kinerja yang menjadi tanggung jawab unit Anda",
             SHEET_KEGIATAN: "realisasi kegiatan prioritas yang unit Anda ampu"}
    for i, sh in enumerate(sheets, start=1):
        extra = f" ({len(sh.rows)} baris)" if sh.kind != "identitas" else ""
        what = names.get(sh.name) or f"jawaban pertanyaan '{sh.title.split(' - TAHUN')[0].title()}' dan bukti dukungnya"
        lines.append(f"{i}. Sheet '{sh.name}'{extra}: {what}.")
    lines += ["", "ATURAN",
              "- Isi hanya sel berwarna kuning. Sel lain terkunci dan diperiksa kembali saat berkas diterima.",
              "- Jangan menambah, menghapus, menyalin atau mengurutkan ulang baris, dan jangan mengganti nama sheet.",
              "- Angka desimal: pemisahnya mengikuti bahasa komputer Anda. Bila Excel/LibreOffice berbahasa "
              "Indonesia, pakai koma (75,5); bila berbahasa Inggris, pakai titik (75.5). Angka yang benar tampil "
              "rata kanan; bila rata kiri atau ditolak, ganti pemisahnya. Persentase diisi 0-100 tanpa tanda %.",
              "- Tanggal: " + DATE_HINT + " Jangan mengetik 05/04/2023: komputer berbahasa Inggris membacanya "
              "4 Mei (May).",
              "- Pilih status dan kategori dari daftar pilihan (klik sel, lalu panah di sebelah kanan).",
              "- " + PASTE_HINT,
              "- Jangan mengetik rumus di sel isian; ketik nilainya."]
    if periode != "TAHUNAN":
        lines.append("- Realisasi dan progres diisi kumulatif sejak 1 Januari sampai akhir periode, "
                     "dibandingkan dengan target tahunan.")
    lines += guide_lines(sheets)
    for title, name in (("ARTI STATUS PELAKSANAAN", LIST_STATUS_AKSI), ("ARTI STATUS DUKUNGAN", LIST_STATUS_DUKUNGAN)):
        meaning = roadmap.pilihan_keterangan.get(name, {})
        lines += ["", title]
        lines += [f"- {v}: {meaning[v]}" if meaning.get(v) else f"- {v}" for v in roadmap.choices(name)]
    lines += ["", "PENGEMBALIAN", return_instruction(s)]
    contact = [(s.get(k) or "").strip() for k in ("kontak_nama", "kontak_telepon", "kontak_email")]
    if any(contact):
        lines.append("Kontak: " + " | ".join(c for c in contact if c))
    return lines


def return_instruction(s: Mapping[str, str]) -> str:
    """The master's 'cara_pengembalian' with the contact address it refers to spelled out; without
    an address in the master, a plain instruction instead of a reference to one never given."""
    text = (s.get("cara_pengembalian") or "").strip()
    email = (s.get("kontak_email") or "").strip()
    if email:
        return f"{text} Alamat kontak: {email}".strip()
    nama = (s.get("kontak_nama") or "").strip() or "Bagian Organisasi"
    return (f"{text} Alamat e-mail kontak belum tercantum: bila template ini Anda terima lewat e-mail, "
            f"kirim berkasnya sebagai balasan e-mail itu; bila tidak, serahkan kepada {nama}.").strip()
