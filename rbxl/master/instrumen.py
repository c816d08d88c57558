"""Instruments defined as rows of the master (sheets Instrumen, Pertanyaan, Skala): the model,
the loader and its checks.

An instrument is data: its questions, their answer types, scales, weights and evidence rules
are read here, and the form planner, the checks, consolidation and the verifier's workbook
work from these objects only. A broken instrument row never stops the roadmap: every problem
is a warning with its sheet and cell, and the row (or the instrument) is left out until fixed.

Weights (one rule, documented in the master's Petunjuk and the README): the stated weights of
siblings (the sub-components and questions directly under one component) add up to their
parent's stated weight, or to 100 where the parent states none (the top level always). Where
no sibling states a weight, they share the parent equally. A question's effective weight is
its share of the whole instrument (100); only scored types (ya_tidak, skala, persen, angka
with Min and Maks) carry weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rbxl.core.enums import NO, YES, Period
from rbxl.core.findings import Finding, finding
from rbxl.core.values import as_text, format_number, parse_number
from rbxl.master import schema as S
from rbxl.master.table import Table, split_list

SCORED = ("ya_tidak", "skala", "persen", "angka")
YA_TIDAK = "YA_TIDAK"  # the scale a ya_tidak question uses when it names none
DEFAULT_YA_TIDAK = {YES: 1.0, NO: 0.0}
TRUE_WORDS = {"ya", "y", "wajib", "true", "1", "benar"}
FALSE_WORDS = {"tidak", "t", "n", "no", "false", "0", "-"}
KODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")
SEP = " > "


@dataclass(frozen=True)
class Pertanyaan:
    kode: str
    komponen: tuple[str, ...]  # the grouping path, top first ("Pengungkit", "Pemenuhan")
    teks: str
    jenis: str  # one of schema.JENIS_JAWABAN
    skala: str = ""  # scale name (ya_tidak, skala)
    bobot: float | None = None  # as stated in the master
    wajib: bool = False
    bukti: bool = False  # a positive answer needs its evidence
    min: float | None = None
    maks: float | None = None
    penjelasan: str = ""
    sumber: str = ""

    @property
    def scored(self) -> bool:
        return self.jenis in ("ya_tidak", "skala", "persen") or (
            self.jenis == "angka" and self.min is not None and self.maks is not None and self.maks > self.min)

    @property
    def path(self) -> str:
        return SEP.join(self.komponen)


@dataclass(frozen=True)
class Instrumen:
    kode: str
    nama: str
    dasar: str
    pengisi: tuple[str, ...]  # unit or group codes, resolved by Roadmap.resolve
    periode: tuple[str, ...]
    tahun_mulai: int | None
    tahun_selesai: int | None
    verifikator: str
    catatan: str = ""
    pertanyaan: tuple[Pertanyaan, ...] = ()
    weights: dict[str, float] = field(default_factory=dict, compare=False)  # question kode -> share of 100
    component_weights: dict[tuple[str, ...], float] = field(default_factory=dict, compare=False)
    component_codes: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False)  # path -> 'K1.2'

    def asked(self, tahun: int, periode: str) -> bool:
        """Whether the instrument is asked in (tahun, periode) and has a question to ask."""
        return (bool(self.pertanyaan) and periode in self.periode
                and (self.tahun_mulai is None or tahun >= self.tahun_mulai)
                and (self.tahun_selesai is None or tahun <= self.tahun_selesai))

    @property
    def sheet_name(self) -> str:
        return f"Instrumen {self.kode}"[:31]

    @property
    def depth(self) -> int:
        return max((len(q.komponen) for q in self.pertanyaan), default=0)

    def components(self) -> list[tuple[str, ...]]:
        """Every component path that holds a question, parents before children, in master order."""
        return list(self.component_codes)


def fingerprint_content(ins: Instrumen) -> dict:
    """What of an instrument decides a workbook's content, JSON-ready (paths as text)."""
    return {"kode": ins.kode, "nama": ins.nama, "pengisi": ins.pengisi, "periode": ins.periode,
            "tahun": [ins.tahun_mulai, ins.tahun_selesai],
            "pertanyaan": [[q.kode, q.path, q.teks, q.jenis, q.skala, q.wajib, q.bukti, q.min, q.maks, q.penjelasan]
                           for q in ins.pertanyaan], "bobot": ins.weights}


def answer_value(q: Pertanyaan, answer: object, scales: dict[str, dict[str, float]]) -> float | None:
    """The value (0-1) an answer scores, or None (not scored, or no answer). A scale's values are
    divided by its highest value, so a scale of 0-4 scores like one of 0-1."""
    if answer is None or answer == "" or not q.scored:
        return None
    if q.jenis in ("ya_tidak", "skala"):
        scale = scales.get(q.skala, {})
        top = max(scale.values(), default=0.0)
        raw = scale.get(str(answer))
        if raw is None or top <= 0:
            return None
        return raw / top
    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return None
    if q.jenis == "persen":
        return min(max(float(answer) / 100.0, 0.0), 1.0)
    assert q.min is not None and q.maks is not None
    return min(max((float(answer) - q.min) / (q.maks - q.min), 0.0), 1.0)


def is_positive(q: Pertanyaan, answer: object, scales: dict[str, dict[str, float]]) -> bool:
    """A positive answer (it claims something exists): the one that needs its evidence."""
    if answer is None or answer == "":
        return False
    if q.jenis in ("ya_tidak", "skala"):
        return (scales.get(q.skala, {}).get(str(answer)) or 0) > 0
    if q.jenis in ("persen", "angka"):
        return isinstance(answer, (int, float)) and float(answer) > (q.min if q.jenis == "angka" and q.min else 0)
    return True


# --- loading ------------------------------------------------------------------------------------

class _Loader:
    def __init__(self, file: str, findings: list[Finding], units: set[str], groups: set[str]):
        self.file, self.findings, self.units, self.groups = file, findings, units, groups

    def add(self, code: str, sheet: str, cell: str, **kw) -> None:
        self.findings.append(finding(code, file=self.file, sheet=sheet, cell=cell, **kw))

    def columns(self, t: Table, needed: tuple[str, ...]) -> bool:
        have = set(t.cells[0]) if t.cells else None
        ok = True
        for key in needed:
            col = next(c for c in t.sheet.columns if c.key == key)
            if have is not None and key not in have:
                self.add("MASTER_INSTR_COLUMN", t.sheet.name, "1", column=col.header)
                ok = False
        return ok

    def number(self, sheet: str, rec: dict, cells: dict, key: str, header: str) -> float | None:
        v = rec.get(key)
        if v is None:
            return None
        n = parse_number(v)
        if n is None:
            self.add("MASTER_INSTR_NOT_NUMBER", sheet, cells.get(key, ""), column=header, value=v)
        return n

    def flag(self, sheet: str, rec: dict, cells: dict, key: str, header: str) -> bool:
        text = as_text(rec.get(key)).casefold()
        if not text or text in FALSE_WORDS:
            return False
        if text in TRUE_WORDS:
            return True
        self.add("MASTER_INSTR_BAD_FLAG", sheet, cells.get(key, ""), column=header, value=rec.get(key))
        return False


def load_skala(t: Table, lo: _Loader) -> dict[str, dict[str, float]]:
    sheet = S.SKALA.name
    scales: dict[str, dict[str, float]] = {}
    for rec, cells in zip(t.records, t.cells, strict=True):
        name, jawaban = as_text(rec.get("skala")), as_text(rec.get("jawaban"))
        if not name or not jawaban:
            lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("skala" if not name else "jawaban", ""),
                   column="Skala" if not name else "Jawaban", detail="baris skala ini dilewati")
            continue
        nilai = lo.number(sheet, rec, cells, "nilai", "Nilai")
        if nilai is None:
            if rec.get("nilai") is None:
                lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("nilai", ""), column="Nilai",
                       detail="baris skala ini dilewati")
            continue
        scale = scales.setdefault(name, {})
        if jawaban in scale:
            lo.add("MASTER_INSTR_DUPLICATE", sheet, cells.get("jawaban", ""), value=jawaban, label=f"skala {name}")
            continue
        scale[jawaban] = nilai
    return scales


def load_instruments(tables: dict[str, Table], file: str, findings: list[Finding], units: set[str],
                     groups: set[str]) -> tuple[dict[str, Instrumen], dict[str, dict[str, float]]]:
    """The master's instruments and scales; problems are warnings and leave the row out."""
    lo = _Loader(file, findings, units, groups)
    t_ins, t_q, t_s = (tables[s.name] for s in S.INSTRUMENT_SHEETS)
    ok = lo.columns(t_s, ("skala", "jawaban", "nilai"))
    scales = load_skala(t_s, lo) if ok else {}
    ok = lo.columns(t_ins, ("kode", "nama", "pengisi", "periode")) and ok
    ok = lo.columns(t_q, ("instrumen", "kode", "komponen", "pertanyaan", "jenis")) and ok
    if not ok:
        return {}, scales
    heads: dict[str, dict] = {}
    for rec, cells in zip(t_ins.records, t_ins.cells, strict=True):
        head = _instrument_row(rec, cells, lo, heads)
        if head is not None:
            heads[head["kode"]] = head
    questions: dict[str, list[tuple[Pertanyaan, str]]] = {k: [] for k in heads}
    stated: dict[str, dict[tuple[str, ...], tuple[float | None, str]]] = {k: {} for k in heads}
    for rec, cells in zip(t_q.records, t_q.cells, strict=True):
        _question_row(rec, cells, lo, heads, scales, questions, stated)
    out = {}
    for kode, head in heads.items():
        qs = questions[kode]
        if not qs:
            lo.add("MASTER_INSTR_EMPTY", S.INSTRUMEN.name, head["cell"], value=kode)
        weights, comp_weights = _weights(kode, qs, stated[kode], lo)
        codes = _component_codes([q for q, _ in qs])
        out[kode] = Instrumen(pertanyaan=tuple(q for q, _ in _by_component(qs, codes)), weights=weights,
                              component_weights=comp_weights, component_codes=codes,
                              **{k: v for k, v in head.items() if k != "cell"})
    if any(q.skala == YA_TIDAK for i in out.values() for q in i.pertanyaan) and YA_TIDAK not in scales:
        scales[YA_TIDAK] = dict(DEFAULT_YA_TIDAK)
    return out, scales


def _instrument_row(rec: dict, cells: dict, lo: _Loader, seen: dict) -> dict | None:
    sheet = S.INSTRUMEN.name
    kode = as_text(rec.get("kode"))
    if not kode:
        lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("kode", ""), column="Kode", detail="baris ini dilewati")
        return None
    if not KODE_RE.fullmatch(kode):
        lo.add("MASTER_INSTR_BAD_CODE", sheet, cells.get("kode", ""), value=kode)
        return None
    if kode in seen:
        lo.add("MASTER_INSTR_DUPLICATE", sheet, cells.get("kode", ""), value=kode, label="sheet Instrumen")
        return None
    for key, header in (("nama", "Nama"), ("pengisi", "Pengisi"), ("periode", "Periode")):
        if rec.get(key) is None:
            lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get(key, ""), column=header,
                   detail=f"instrumen {kode} tidak dipakai sampai diisi")
            return None
    pengisi = []
    for ref in split_list(rec.get("pengisi")):
        if ref in lo.units or ref in lo.groups:
            pengisi.append(ref)
        else:
            lo.add("MASTER_INSTR_UNKNOWN_REF", sheet, cells.get("pengisi", ""), value=ref, column="Pengisi")
    periods = []
    for p in split_list(rec.get("periode")):
        if p.upper() in Period.__members__:
            periods.append(p.upper())
        else:
            lo.add("MASTER_INSTR_BAD_PERIOD", sheet, cells.get("periode", ""), value=p,
                   choices=", ".join(x.value for x in Period))
    verifikator = as_text(rec.get("verifikator"))
    if verifikator and verifikator not in lo.units:
        lo.add("MASTER_INSTR_UNKNOWN_REF", sheet, cells.get("verifikator", ""), value=verifikator,
               column="Verifikator")
        verifikator = ""
    first = lo.number(sheet, rec, cells, "tahun_mulai", "Tahun Mulai")
    last = lo.number(sheet, rec, cells, "tahun_selesai", "Tahun Selesai")
    return {"kode": kode, "nama": as_text(rec.get("nama")), "dasar": as_text(rec.get("dasar")),
            "pengisi": tuple(pengisi), "periode": tuple(periods),
            "tahun_mulai": int(first) if first is not None else None,
            "tahun_selesai": int(last) if last is not None else None, "verifikator": verifikator,
            "catatan": as_text(rec.get("catatan")), "cell": cells.get("kode", "")}


def _question_row(rec: dict, cells: dict, lo: _Loader, heads: dict, scales: dict,
                  questions: dict, stated: dict) -> None:
    sheet = S.PERTANYAAN.name
    ins = as_text(rec.get("instrumen"))
    kode, teks, jenis = as_text(rec.get("kode")), as_text(rec.get("pertanyaan")), as_text(rec.get("jenis")).lower()
    path = tuple(p.strip() for p in as_text(rec.get("komponen")).split(">") if p.strip())
    if ins not in heads:
        lo.add("MASTER_INSTR_UNKNOWN", sheet, cells.get("instrumen", ""), value=ins or "kosong")
        return
    bobot = lo.number(sheet, rec, cells, "bobot", "Bobot")
    if not teks and not jenis:  # a component row: it states the weight of its component
        if not path:
            lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("komponen", ""), column="Komponen",
                   detail="baris tanpa pertanyaan menyatakan bobot sebuah komponen")
        elif path in stated[ins]:
            lo.add("MASTER_INSTR_DUPLICATE", sheet, cells.get("komponen", ""), value=SEP.join(path),
                   label=f"komponen instrumen {ins}")
        else:
            stated[ins][path] = (bobot, cells.get("bobot") or cells.get("komponen", ""))
        return
    if not kode:
        lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("kode", ""), column="Kode", detail="pertanyaan ini dilewati")
        return
    if not KODE_RE.fullmatch(kode):
        lo.add("MASTER_INSTR_BAD_CODE", sheet, cells.get("kode", ""), value=kode)
        return
    if any(q.kode == kode for q, _ in questions[ins]):
        lo.add("MASTER_INSTR_DUPLICATE", sheet, cells.get("kode", ""), value=kode, label=f"instrumen {ins}")
        return
    label = f"{ins} {kode}"
    if not teks:
        lo.add("MASTER_INSTR_REQUIRED", sheet, cells.get("pertanyaan", ""), column="Pertanyaan",
               detail="pertanyaan ini dilewati")
        return
    if not jenis:
        lo.add("MASTER_INSTR_NO_TYPE", sheet, cells.get("jenis", ""), label=label, choices=", ".join(S.JENIS_JAWABAN))
        return
    if jenis not in S.JENIS_JAWABAN:
        lo.add("MASTER_INSTR_BAD_TYPE", sheet, cells.get("jenis", ""), value=jenis, label=label,
               choices=", ".join(S.JENIS_JAWABAN))
        return
    skala = as_text(rec.get("skala")) or (YA_TIDAK if jenis == "ya_tidak" else "")
    if jenis in ("ya_tidak", "skala") and skala not in scales and not (skala == YA_TIDAK and jenis == "ya_tidak"):
        lo.add("MASTER_INSTR_UNKNOWN_SCALE", sheet, cells.get("skala", "") or cells.get("jenis", ""),
               value=skala or "kosong", label=label)
        return
    low = lo.number(sheet, rec, cells, "min", "Min")
    high = lo.number(sheet, rec, cells, "maks", "Maks")
    if low is not None and high is not None and low > high:
        lo.add("MASTER_INSTR_MINMAX", sheet, cells.get("min", ""), label=label, low=format_number(low),
               high=format_number(high))
        return
    if jenis == "persen" and ((low is not None and low < 0) or (high is not None and high > 100)):
        lo.add("MASTER_INSTR_MINMAX", sheet, cells.get("maks", ""), label=label, low=format_number(low or 0),
               high=format_number(high if high is not None else 100))
        return
    q = Pertanyaan(kode=kode, komponen=path, teks=teks, jenis=jenis, skala=skala if jenis in ("ya_tidak", "skala") else "",
                   bobot=bobot, wajib=lo.flag(sheet, rec, cells, "wajib", "Wajib"),
                   bukti=lo.flag(sheet, rec, cells, "bukti_dukung", "Bukti Dukung"), min=low, maks=high,
                   penjelasan=as_text(rec.get("penjelasan")), sumber=as_text(rec.get("sumber")))
    if bobot is not None and not q.scored:
        lo.add("MASTER_INSTR_UNSCORED_WEIGHT", sheet, cells.get("bobot", ""), label=label, value=jenis)
    questions[ins].append((q, cells.get("bobot") or cells.get("kode", "")))


def _component_codes(qs: list[Pertanyaan]) -> dict[tuple[str, ...], str]:
    """'K1', 'K1.2', ... for every component path (and its parents), in order of first appearance:
    plain text codes a SUMIFS criterion cannot read as a number, an operator or a wildcard."""
    codes: dict[tuple[str, ...], str] = {}
    count: dict[tuple[str, ...], int] = {}
    for q in qs:
        for d in range(1, len(q.komponen) + 1):
            path = q.komponen[:d]
            if path not in codes:
                parent = path[:-1]
                count[parent] = count.get(parent, 0) + 1
                codes[path] = (codes[parent] + "." if parent else "K") + str(count[parent])
    return codes


def _by_component(qs: list[tuple[Pertanyaan, str]], codes: dict) -> list[tuple[Pertanyaan, str]]:
    """Questions grouped by component (components in order of first appearance), master order within."""
    order = {path: i for i, path in enumerate(codes)}
    return sorted(qs, key=lambda qc: [order.get(qc[0].komponen[:d], -1) for d in range(1, len(qc[0].komponen) + 1)])


def _weights(ins: str, qs: list[tuple[Pertanyaan, str]], stated: dict, lo: _Loader
             ) -> tuple[dict[str, float], dict[tuple[str, ...], float]]:
    """Each scored question's and component's share of 100 (see the module docstring)."""
    sheet = S.PERTANYAAN.name
    scored = [(q, c) for q, c in qs if q.scored]
    weights: dict[str, float] = {}
    comp: dict[tuple[str, ...], float] = {}

    def children(path: tuple[str, ...]) -> list[tuple[str, object, float | None, str]]:
        """(kind, key, stated weight, cell) of the scored children of a component path."""
        subs: dict[tuple[str, ...], None] = {}
        out: list[tuple[str, object, float | None, str]] = []
        for q, cell in scored:
            if q.komponen == path:
                out.append(("q", q.kode, q.bobot, cell))
            elif q.komponen[:len(path)] == path and len(q.komponen) > len(path):
                subs.setdefault(q.komponen[:len(path) + 1])
        for sub in subs:
            w, cell = stated.get(sub, (None, ""))
            out.append(("k", sub, w, cell))
        return out

    def walk(path: tuple[str, ...], total: float) -> None:
        kids = children(path)
        if not kids:
            return
        given = [w for _, _, w, _ in kids if w is not None]
        if given and len(given) < len(kids):
            missing = next(cell for _, _, w, cell in kids if w is None)
            lo.add("MASTER_INSTR_WEIGHT_MISSING", sheet, missing, label=SEP.join(path) or f"instrumen {ins}")
        if given and sum(given) > 0:
            shares = [(w or 0.0) / sum(given) for _, _, w, _ in kids]
        else:
            shares = [1.0 / len(kids)] * len(kids)
        for (kind, key, _w, _c), share in zip(kids, shares, strict=True):
            if kind == "q":
                weights[str(key)] = total * share
            else:
                sub = key  # a component path
                assert isinstance(sub, tuple)
                comp[sub] = total * share
                walk(sub, total * share)

    _sums(ins, qs, stated, lo)
    walk((), 100.0)
    if qs:
        for path, (_w, cell) in stated.items():
            if path not in comp:
                lo.add("MASTER_INSTR_COMPONENT_UNUSED", sheet, cell, value=SEP.join(path), label=ins)
    return weights, comp


def _sums(ins: str, qs: list[tuple[Pertanyaan, str]], stated: dict, lo: _Loader) -> None:
    """The stated weights of siblings against their parent's stated weight (or 100): checked on the
    rows as written, so an instrument of components only (a skeleton) is checked too."""
    groups: dict[tuple[str, ...], list[tuple[float, str]]] = {}
    for path, (w, cell) in stated.items():
        if w is not None:
            groups.setdefault(path[:-1], []).append((w, cell))
    for q, cell in qs:
        if q.scored and q.bobot is not None:
            groups.setdefault(q.komponen, []).append((q.bobot, cell))
    for parent, members in groups.items():
        total = sum(w for w, _ in members)
        own = stated.get(parent, (None, ""))[0] if parent else None
        expected = own if own is not None else 100.0
        if abs(total - expected) > 1e-6:
            rule = (f"bobot komponen '{SEP.join(parent)}'" if own is not None
                    else "100 (tingkat teratas, atau komponen yang tidak menyatakan bobot)")
            lo.add("MASTER_INSTR_WEIGHT_SUM", S.PERTANYAAN.name, members[0][1],
                   label=SEP.join(parent) or f"instrumen {ins} (tingkat teratas)", total=format_number(total),
                   stated=format_number(expected), detail=rule)
