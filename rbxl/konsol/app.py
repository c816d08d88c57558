"""The console's pages and buttons (Starlette): every page reads what the CLI writes (rbxl.konsol.state),
every button starts the library call the CLI makes (rbxl.konsol.actions); no step is computed here."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from rbxl.core.enums import Period
from rbxl.core.errors import RbxlError
from rbxl.konsol import state
from rbxl.konsol.actions import (
    ACTIONS,
    BY_KEY,
    Uploaded,
    UploadResult,
    run_action,
    stored_name,
    upload_folder,
    validate_uploads,
)
from rbxl.konsol.jobs import Busy, Jobs
from rbxl.konsol.security import (
    REFUSED_CSRF,
    Guard,
    GuardMiddleware,
    Limits,
    _drain,
)
from rbxl.master.model import Roadmap


@dataclass
class Konsol:
    """What the console serves: one output folder, one master, one riwayat store."""

    out: Path
    master: Path
    guard: Guard
    db: Path | None = None
    limits: Limits = field(default_factory=Limits)
    jobs: Jobs = field(default_factory=Jobs)
    _roadmap: tuple[float, Roadmap] | None = None

    def roadmap(self) -> Roadmap:
        """The master as `read_master` gives it to every CLI command; read again when the file changed."""
        from rbxl.master.load import read_master

        stamp = self.master.stat().st_mtime if self.master.is_file() else 0.0
        if self._roadmap is None or self._roadmap[0] != stamp:
            roadmap, _ = read_master(self.master)
            self._roadmap = (stamp, roadmap)
        return self._roadmap[1]


ENV = Environment(loader=PackageLoader("rbxl.konsol", "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters["angka"] = lambda v: "–" if v is None else f"{v:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
VERDICT_CLASS = {"Diterima": "ok", "Diterima dengan catatan": "catatan", "Perlu perbaikan": "perbaiki",
                 "Ditolak": "tolak", "Belum mengumpulkan": "belum", "Digantikan": "lama", "Duplikat": "lama",
                 "Tidak diterima": "tolak", "Tidak diperiksa": "tolak"}
ENV.globals["verdict_class"] = lambda v: VERDICT_CLASS.get(str(v), "")


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    k: Konsol = request.app.state.konsol
    sid = request.scope.get("state", {}).get("sid")
    html = ENV.get_template(name).render(csrf=k.guard.sessions.get(sid or "", ""), request=request,
                                         periods=[p.value for p in Period], **context)
    return HTMLResponse(html, status_code=status)


def message(request: Request, text: str, status: int = 400, **context) -> HTMLResponse:
    return page(request, "pesan.html", status=status, text=text, **context)


def _period(request: Request) -> tuple[Konsol, Roadmap, int, str]:
    k: Konsol = request.app.state.konsol
    roadmap = k.roadmap()
    tahun, periode = int(request.path_params["tahun"]), str(request.path_params["periode"]).upper()
    if periode not in {p.value for p in Period}:
        from rbxl.core.errors import UsageError

        raise UsageError(f"Periode '{periode}' tidak dikenal: pakai TW1-TW4, S1, S2 atau TAHUNAN.")
    roadmap.check_period(tahun, periode)
    return k, roadmap, tahun, periode


async def beranda(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    roadmap = k.roadmap()
    return page(request, "beranda.html", summaries=state.periods(roadmap, k.out, k.db), years=roadmap.years,
                out=k.out.resolve())


async def buka(request: Request) -> Response:
    try:
        tahun, periode = int(request.query_params.get("tahun", "")), request.query_params.get("periode", "").upper()
    except ValueError:
        return message(request, "Tahun harus berupa angka, misal 2024.")
    return RedirectResponse(f"/periode/{tahun}/{periode}", status_code=303)


def _filtered(rows: list[state.UnitRow], q: str, keadaan: str, kelompok: str) -> list[state.UnitRow]:
    q = q.casefold().strip()
    return [r for r in rows if (not q or q in r.unit.casefold() or q in r.nama.casefold())
            and (not keadaan or r.verdict == keadaan or (keadaan == "Terlambat" and r.late))
            and (not kelompok or r.kelompok == kelompok)]


async def papan(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    b = state.board(roadmap, k.out, tahun, periode)
    qp = request.query_params
    rows = _filtered(b.rows, qp.get("q", ""), qp.get("keadaan", ""), qp.get("kelompok", ""))
    from rbxl.master.model import UNIT_GROUPS

    return page(request, "papan.html", b=b, rows=rows, q=qp.get("q", ""), keadaan=qp.get("keadaan", ""),
                kelompok=qp.get("kelompok", ""), groups=UNIT_GROUPS, verdicts=[str(v) for v in state.VERDICTS],
                job=k.jobs.running(k.out, tahun, periode))


async def unit(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    code = request.path_params["unit"]
    if code not in roadmap.units:
        return message(request, "Unit itu tidak ada di master.", 404)
    d = state.unit_detail(roadmap, k.out, tahun, periode, code, k.db)
    return page(request, "unit.html", d=d, u=roadmap.units[code], b=state.board(roadmap, k.out, tahun, periode))


def _attachment(path: Path) -> Response:
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


async def perbaikan(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    code = request.path_params["unit"]
    if code not in roadmap.units:
        return message(request, "Unit itu tidak ada di master.", 404)
    d = state.unit_detail(roadmap, k.out, tahun, periode, code, k.db)
    if d.perbaikan is None:
        return message(request, "Unit ini tidak punya berkas perbaikan untuk periode ini.", 404)
    return _attachment(d.perbaikan)


def outputs(out: Path, tahun: int, periode: str) -> dict[str, tuple[str, Path]]:
    """What the period's page offers to download: a fixed list, never a name taken from the URL."""
    from rbxl.core import paths

    laporan = paths.laporan_path(out, tahun, periode)
    return {"monitoring": ("Workbook monitoring", paths.monitoring_path(out, tahun, periode)),
            "temuan": ("Workbook temuan", paths.findings_path(out, tahun, periode)),
            "laporan": ("Laporan (Word)", laporan), "laporan-pdf": ("Laporan (PDF)", laporan.with_suffix(".pdf")),
            "dasbor": ("Dasbor (HTML)", paths.dasbor_path(out, tahun, periode))}


async def unduh(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    got = outputs(k.out, tahun, periode).get(request.path_params["berkas"])
    if got is None or not got[1].is_file():
        return message(request, "Berkas itu belum dibuat untuk periode ini.", 404)
    if request.path_params["berkas"] == "dasbor" and request.query_params.get("lihat"):
        text = got[1].read_text(encoding="utf-8")
        m = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        # the page's own policy (hashes of its inline script and style), never ours
        return HTMLResponse(text, headers={"content-security-policy": m.group(1) if m else "default-src 'none'"})
    return _attachment(got[1])


async def tindakan(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    b = state.board(roadmap, k.out, tahun, periode)
    files = [(key, label) for key, (label, path) in outputs(k.out, tahun, periode).items() if path.is_file()]
    return page(request, "tindakan.html", b=b, actions=ACTIONS, files=files, job=k.jobs.running(k.out, tahun, periode),
                recent=[j for j in reversed(list(k.jobs.jobs.values())) if (j.tahun, j.periode) == (tahun, periode)][:8])


async def _form(request: Request):
    form = await request.form(max_files=0, max_fields=20)
    return form


def _csrf(request: Request, given: object) -> bool:
    k: Konsol = request.app.state.konsol
    return k.guard.csrf_ok(request.scope.get("state", {}).get("sid"), given if isinstance(given, str) else None)


async def tindakan_post(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    form = await _form(request)
    if not _csrf(request, form.get("csrf")):
        return message(request, REFUSED_CSRF, 403)
    action = BY_KEY.get(request.path_params["aksi"])
    if action is None:
        return message(request, "Tindakan itu tidak dikenal.", 404)
    if action.confirm and form.get("yakin") != "ya":
        return message(request, f"{action.confirm} Centang 'Ya' pada tombolnya untuk melanjutkan.", 400,
                       back=f"/periode/{tahun}/{periode}/tindakan")
    try:
        job = k.jobs.start(action.key, action.label, k.out, tahun, periode, run_action(action.key, roadmap, k.out, k.db))
    except Busy as err:
        return message(request, str(err), 409, back=f"/periode/{tahun}/{periode}/tindakan")
    return RedirectResponse(f"/tugas/{job.id}", status_code=303)


async def unggah(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    return page(request, "unggah.html", b=state.board(roadmap, k.out, tahun, periode), limits=k.limits)


class _TooLarge(Exception):
    pass


async def unggah_post(request: Request) -> Response:
    k, roadmap, tahun, periode = _period(request)
    wants_json = "application/json" in request.headers.get("accept", "")

    def refuse(text: str, status: int) -> Response:
        if wants_json:
            return JSONResponse({"pesan": text}, status_code=status)
        return message(request, text, status, back=f"/periode/{tahun}/{periode}/unggah")

    limit = k.limits.request_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        await _drain(request.receive)
        return refuse(k.limits.too_large(), 413)
    seen = 0

    async def counted():
        nonlocal seen
        m = await request.receive()
        seen += len(m.get("body", b""))
        if seen > limit:
            raise _TooLarge
        return m

    from starlette.formparsers import MultiPartException

    try:
        form = await Request(request.scope, counted).form(max_files=k.limits.max_files, max_fields=20)
    except _TooLarge:
        await _drain(request.receive)
        return refuse(k.limits.too_large(), 413)
    except MultiPartException as err:
        return refuse(f"Unggahan tidak dapat dibaca ({err.message}). Coba lagi dengan lebih sedikit berkas.", 400)
    try:
        header = request.headers.get("x-rbxl-csrf")
        if not (_csrf(request, header) or _csrf(request, form.get("csrf"))):
            return refuse(REFUSED_CSRF, 403)
        files = [f for f in form.getlist("berkas") if isinstance(f, UploadFile)]
        if not files:
            return refuse("Belum ada berkas yang dipilih.", 400)
        folder = upload_folder(k.out, tahun, periode)
        got = UploadResult([])
        for i, f in enumerate(files, start=1):
            original = str(f.filename or f"berkas {i}")
            target = folder / stored_name(i, original)
            size = f.size or 0
            if size > k.limits.file_bytes:
                got.files.append(Uploaded(original, target, size, k.limits.file_too_large(original)))
                continue
            with open(target, "xb") as fh:
                await f.seek(0)
                while chunk := await f.read(1 << 20):
                    fh.write(chunk)
            got.files.append(Uploaded(original, target, size))
    finally:
        await form.close()
    try:
        job = k.jobs.start("unggah", f"Periksa {len(files)} berkas unggahan", k.out, tahun, periode,
                           validate_uploads(roadmap, k.out, k.db, got, folder), upload=got)
    except Busy as err:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        return refuse(str(err), 409)
    if wants_json:
        return JSONResponse({"tugas": f"/tugas/{job.id}"})
    return RedirectResponse(f"/tugas/{job.id}", status_code=303)


async def tugas(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    job = k.jobs.jobs.get(request.path_params["id"])
    if job is None:
        return message(request, "Tugas itu tidak ada (konsol mungkin sudah dimulai ulang).", 404)
    return page(request, "tugas.html", job=job, upload=job.upload)


async def tugas_json(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    job = k.jobs.jobs.get(request.path_params["id"])
    if job is None:
        return JSONResponse({"pesan": "Tugas itu tidak ada."}, status_code=404)
    return JSONResponse(job.as_dict())


async def tugas_batal(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    form = await _form(request)
    if not _csrf(request, form.get("csrf")):
        return message(request, REFUSED_CSRF, 403)
    job = k.jobs.jobs.get(request.path_params["id"])
    if job is None:
        return message(request, "Tugas itu tidak ada.", 404)
    job.cancel.set()
    return RedirectResponse(f"/tugas/{job.id}", status_code=303)


async def master(request: Request) -> Response:
    """`rbxl master periksa`: the same checks, shown as a table."""
    k: Konsol = request.app.state.konsol
    from rbxl.core.findings import ERROR, WARNING, count
    from rbxl.master.load import load_master

    roadmap, findings = load_master(k.master)
    if roadmap is not None:
        from rbxl.mail.kirim import cut_texts, load_smtp_settings, sending_problems

        try:
            smtp = load_smtp_settings()
        except RbxlError:
            smtp = None
        findings = [*findings, *sending_problems(roadmap, smtp, file=str(k.master)), *cut_texts(roadmap, str(k.master))]
    return page(request, "master.html", roadmap=roadmap, findings=findings, path=k.master,
                n_err=count(findings, ERROR), n_warn=count(findings, WARNING))


async def riwayat(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    from rbxl.riwayat.trend import load_history
    from rbxl.store import open_store, store_path

    roadmap = k.roadmap()
    path = store_path(k.db, k.out)
    stored, trends = [], []
    if path.is_file():
        store = open_store(path, create=False)
        try:
            stored = store.periods()
        finally:
            store.close()
        for tahun in sorted({p.tahun for p in stored}, reverse=True):
            h = load_history(path, roadmap, tahun)
            if h is not None and h.periods:
                trends.append(h)
    return page(request, "riwayat.html", stored=stored, trends=trends, path=path)


async def masuk(request: Request) -> Response:
    k: Konsol = request.app.state.konsol
    if request.method == "POST":
        import asyncio

        form = await _form(request)
        if k.guard.check_password(str(form.get("sandi", ""))):
            sid = k.guard.new_session()
            response = RedirectResponse("/", status_code=303)
            response.headers.append("set-cookie", k.guard.set_cookie(sid).decode())
            return response
        await asyncio.sleep(1)  # a guessed password costs a second
        return page(request, "masuk.html", status=403, wrong=True, enabled=bool(k.guard.password))
    return page(request, "masuk.html", wrong=False, enabled=bool(k.guard.password))


async def on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, RbxlError):
        return message(request, str(exc), 400)
    raise exc


def build_app(konsol: Konsol) -> Starlette:
    p = "/periode/{tahun:int}/{periode}"
    routes = [
        Route("/", beranda), Route("/buka", buka), Route("/masuk", masuk, methods=["GET", "POST"]),
        Route(p, papan), Route(p + "/unit/{unit}", unit), Route(p + "/unit/{unit}/perbaikan", perbaikan),
        Route(p + "/unduh/{berkas}", unduh), Route(p + "/tindakan", tindakan),
        Route(p + "/tindakan/{aksi}", tindakan_post, methods=["POST"]),
        Route(p + "/unggah", unggah), Route(p + "/unggah", unggah_post, methods=["POST"]),
        Route("/tugas/{id}.json", tugas_json), Route("/tugas/{id}", tugas),
        Route("/tugas/{id}/batal", tugas_batal, methods=["POST"]),
        Route("/master", master), Route("/riwayat", riwayat),
        Mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        konsol.jobs.stop_all()

    app = Starlette(routes=routes, exception_handlers={RbxlError: on_error}, lifespan=lifespan)
    app.state.konsol = konsol
    app.add_middleware(GuardMiddleware, guard=konsol.guard)
    return app
