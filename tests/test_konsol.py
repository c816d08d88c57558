"""`rbxl konsol` in a real headless Chromium (Debian's, driven by Playwright) against the real server.

The module starts `python -m rbxl konsol --tanpa-browser` itself (uvicorn on a free port of 127.0.0.1)
and runs one period through it as a clerk would: templates made from the Tindakan page, returns
uploaded from the Unggah page (a good one, one with an error, one whose unit typed XSS payloads, one
of another period, a zip bomb, an encrypted file, a file whose name is a path and markup), each
verdict shown, a finding's cell shown, the perbaikan file downloaded with its red cell, the rekap and
the laporan made. Every request of the browser is recorded and anything not for the console is
refused. The attacks a local web page invites are made with plain HTTP: no token, a cross-origin
POST, a POST without the CSRF token, an oversized upload. A second console shows the period lock
shared with the CLI. Screenshots (1366x768, 390x844) are kept under the pytest temp dir, and in
$RBXL_SHOTS when set.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import plant_text
from hostile import encrypted_xlsx, zip_bomb_xlsx

from rbxl.core.paths import findings_path, laporan_path, monitoring_path, period_dir, templates_dir
from rbxl.core.signing import ensure_key
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.konsol.server import free_port
from rbxl.template.generate import template_name
from rbxl.template.write import MARK_FILL, write_template

ROOT = Path(__file__).resolve().parents[1]
TAHUN, PERIODE = 2023, "TW1"
P = f"/periode/{TAHUN}/{PERIODE}"
GOOD, FIX, HOSTILE, OTHER_PERIOD = "INSPEKTORAT", "BAPPEDA", "BPPKAD", "DINKES"
XSS = ["<script>window.__xss = 1</script>", '"><img src=x onerror="window.__xss = 2">',
       "</textarea><svg onload=\"window.__xss = 3\">"]
BAD_NAME = "../../../tmp/jahat<img src=x onerror=\"window.__xss = 4\">.xlsx"
SMTP_SECRET = "sandi-smtp-rahasia-42"
FILE_MB, REQUEST_MB = 2, 6


@dataclass
class Server:
    proc: subprocess.Popen
    url: str  # with the token
    base: str
    out: Path
    log: list[str] = field(default_factory=list)


def start(out: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "rbxl", "konsol", "--out", str(out), "--tanpa-browser", "--port", str(port),
           "--batas-berkas-mb", str(FILE_MB), "--batas-unggah-mb", str(REQUEST_MB), *args]
    full = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "RBXL_SMTP_PASSWORD": SMTP_SECRET, **(env or {})}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full,
                            cwd=out.parent, stdin=subprocess.DEVNULL)
    log: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        log.append(line)
        m = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=\S+", line)
        if m:
            return Server(proc, m.group(0), m.group(1), out, log)
    proc.kill()
    raise AssertionError("konsol did not start: " + "".join(log))


def stop(s: Server) -> int:
    s.proc.send_signal(signal.SIGINT)  # Ctrl+C
    try:
        rest, _ = s.proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        raise
    s.log.append(rest or "")
    return s.proc.returncode


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("konsol") / "hasil"
    s = start(out)
    yield s
    assert stop(s) == 0, "".join(s.log)  # Ctrl+C stops it cleanly
    text = "".join(s.log)
    assert "Konsol dihentikan." in text and "Traceback" not in text, text
    assert SMTP_SECRET not in text


@dataclass
class Seen:
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(scope="module")
def seen() -> Seen:
    return Seen()


def context(browser, server: Server, seen: Seen, width: int = 1366, height: int = 768):
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)

    def route(r):
        url = r.request.url
        seen.requests.append(url)
        if url.startswith(server.base + "/"):
            r.continue_()
        else:
            seen.refused.append(url)
            r.abort()

    ctx.route("**/*", route)
    ctx.on("console", lambda m: seen.messages.append((m.type, m.text)))
    ctx.on("weberror", lambda e: seen.messages.append(("pageerror", str(e.error))))
    return ctx


@pytest.fixture(scope="module")
def page(browser, server, seen):
    ctx = context(browser, server, seen)
    p = ctx.new_page()
    p.goto(server.url)
    yield p
    ctx.close()


def shoot(page, name: str, tmp_path_factory) -> None:
    folder = Path(os.environ.get("RBXL_SHOTS") or tmp_path_factory.getbasetemp() / "konsol-shots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def wait_job(page, timeout: float = 240) -> str:
    """On a job page: wait until the job ends (the page reloads itself), return its state."""
    page.wait_for_selector('#tugas:not([data-keadaan="berjalan"])', timeout=timeout * 1000)
    return page.inner_text("#keadaan")


def click_action(page, key: str) -> str:
    """From the Tindakan page: press the button, wait for its job to end."""
    page.goto(re.match(r"http://[^/]+", page.url).group(0) + P + "/tindakan")
    page.click(f"#aksi-{key}")
    page.wait_for_url(re.compile(r"/tugas/"))
    return wait_job(page)


def req(server: Server, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", int(server.base.rsplit(":", 1)[1]), timeout=60)
    conn.request(method, path, body=body or None, headers=headers or {})
    r = conn.getresponse()
    data = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, data, r


def cookie_of(page, server: Server) -> str:
    cookies = page.context.cookies(server.base)
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies)


def csrf_of(page) -> str:
    return page.get_attribute("input[name=csrf]", "value")


# --------------------------------------------------------------------------- the token


def test_no_token_no_page(server):
    for path in ("/", P, P + "/unit/INSPEKTORAT", "/master", "/riwayat", "/?token=salah"):
        status, body, _ = req(server, "GET", path)
        assert status == 403, path
        assert "Akses ditolak" in body and "rbxl konsol" in body
    status, body, _ = req(server, "POST", P + "/tindakan/rekap", b"csrf=x",
                           {"Origin": server.base, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403


def test_token_becomes_a_session_cookie(page, server):
    assert page.url == server.base + "/"  # the token left the address at once
    cookies = page.context.cookies(server.base)
    assert len(cookies) == 1
    c = cookies[0]
    assert c["httpOnly"] and c["sameSite"] == "Strict" and c["value"] not in server.url
    assert page.inner_text("h1") == "Beranda"
    _, _, r = req(server, "GET", "/", headers={"Cookie": cookie_of(page, server)})
    assert "default-src 'none'" in r.getheader("content-security-policy")
    assert r.getheader("referrer-policy") == "same-origin"


def test_another_host_name_is_refused(server, page):
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    status, body, _ = req(server, "GET", "/", headers={"Host": "evil.example", "Cookie": cookie_of(page, server)})
    assert status == 400 and "tidak dikenal" in body


# --------------------------------------------------------------------------- a whole period


def returns(out: Path, roadmap, folder: Path) -> list[dict]:
    """The files the units send back, as Playwright file payloads (name, mimeType, buffer)."""
    key = ensure_key(out)  # the key the console's templates were signed with
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for unit, periode in ((GOOD, PERIODE), (FIX, PERIODE), (HOSTILE, PERIODE), (OTHER_PERIOD, "TW2")):
        spec = plan(roadmap, unit, TAHUN, periode)
        answers = answers_for(spec)
        if unit == FIX:
            row = next(r for r in spec.sheet(SHEET_RA_UTAMA).rows)
            answers[(SHEET_RA_UTAMA, row.key, "progres")] = 150
        if unit == HOSTILE:
            assert plant_text(spec, answers, ("kendala", "tindak_lanjut"), XSS)
        path = write_template(spec, folder / template_name(spec), answers, key=key)
        files.append({"name": path.name, "mimeType": "application/octet-stream", "buffer": path.read_bytes()})
    files[0]["name"] = BAD_NAME  # the name is a path and markup: shown as text, never used
    bomb = zip_bomb_xlsx(folder, inflated_mb=300)
    locked = encrypted_xlsx(folder)
    files += [{"name": p.name, "mimeType": "application/octet-stream", "buffer": p.read_bytes()} for p in (bomb, locked)]
    return files


def test_a_period_through_the_console(page, server, roadmap, tmp_path_factory, tmp_path):
    # Beranda: open the period
    page.select_option("select[name=tahun]", str(TAHUN))
    page.select_option("select[name=periode]", PERIODE)
    page.click("text=Buka periode")
    page.wait_for_url(server.base + P)
    assert "Buat template" in page.inner_text("#langkah")
    # Tindakan: templates
    page.click("nav >> text=Tindakan")
    assert click_action(page, "template") == "selesai", page.inner_text("main")
    made = list(templates_dir(server.out, TAHUN, PERIODE).glob("*.xlsx"))
    assert len(made) == len(roadmap.reporting_units())
    # a dry-run send: the shipped master has no addresses, and the page says so in words
    state = click_action(page, "kirim-uji")
    assert state == "gagal" and "Tidak ada e-mail yang dapat dikirim" in page.inner_text("#pesan")
    # Unggah: every kind of return at once
    files = returns(server.out, roadmap, tmp_path / "kiriman")
    page.goto(server.base + P + "/unggah")
    page.set_input_files("#berkas", files)
    assert "jahat" in page.inner_text("#daftar")
    shoot(page, "unggah-1366", tmp_path_factory)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tugas/"))
    assert wait_job(page) == "selesai", page.inner_text("main")
    rows = page.eval_on_selector_all("#hasil-unggah tbody tr", "rs => rs.map(r => Array.from(r.cells).map(c => c.innerText))")
    by_unit = {r[1]: r for r in rows if r[1] != "–"}
    assert by_unit[GOOD][2] in ("Diterima", "Diterima dengan catatan"), rows
    assert by_unit[GOOD][0] == BAD_NAME.replace("\"", "%22")  # the name as the browser sent it (HTML: " as %22), as text
    assert by_unit[FIX][2] == "Perlu perbaikan", rows
    wrong = [r for r in rows if r[0].startswith(template_name(plan(roadmap, OTHER_PERIOD, TAHUN, "TW2")))]
    assert wrong and wrong[0][2] == "Ditolak" and "TW2" in wrong[0][3] + wrong[0][0], rows
    for name in ("bom.xlsx", "terkunci.xlsx"):
        got = [r for r in rows if r[0] == name]
        assert got and got[0][2] in ("Ditolak", "Tidak diperiksa"), (name, rows)
    assert page.evaluate("window.__xss") is None
    shoot(page, "hasil-unggah-1366", tmp_path_factory)
    # nothing outside the period's own folders, no upload folder left
    assert not list(Path("/tmp").glob("jahat*"))
    assert not [p for p in period_dir(server.out, TAHUN, PERIODE).iterdir() if p.name.startswith(".~rbxl-unggah")]
    # the board
    page.goto(server.base + P)
    board = {r.get_attribute("data-unit"): r.get_attribute("data-putusan") for r in page.query_selector_all("#papan tbody tr")}
    assert board[FIX] == "Perlu perbaikan" and board[OTHER_PERIOD] == "Ditolak"
    assert "Belum mengumpulkan" in board.values()
    assert len(board) == len(roadmap.reporting_units())
    assert "Perlu perbaikan" in page.inner_text("#hitungan")
    shoot(page, "papan-1366", tmp_path_factory)
    page.select_option("select[name=keadaan]", "Perlu perbaikan")
    page.click("text=Saring")
    shown = [r.get_attribute("data-unit") for r in page.query_selector_all("#papan tbody tr")]
    assert FIX in shown and GOOD not in shown
    # the unit page: the finding with its cell and value, and the perbaikan file
    page.click(f"#papan >> text={FIX}")
    finding = page.query_selector('#temuan tr[data-kode="VALUE_OUT_OF_RANGE"]')
    assert finding is not None, page.inner_text("main")
    cell = finding.get_attribute("data-sel")
    assert re.fullmatch(r"[A-Z]+\d+", cell) and finding.query_selector(".nilai").inner_text() == "150"
    assert SHEET_RA_UTAMA in finding.inner_text()
    with page.expect_download() as d:
        page.click("#unduh-perbaikan")
    saved = tmp_path / "perbaikan.xlsx"
    d.value.save_as(saved)
    import openpyxl

    ws = openpyxl.load_workbook(saved)[SHEET_RA_UTAMA]
    assert ws[cell].fill.fgColor.rgb.upper().endswith(MARK_FILL.lstrip("#").upper())
    shoot(page, "unit-1366", tmp_path_factory)
    # rekap, then the laporan
    page.goto(server.base + P + "/tindakan")
    assert click_action(page, "rekap") == "selesai", page.inner_text("main")
    assert monitoring_path(server.out, TAHUN, PERIODE).is_file() and findings_path(server.out, TAHUN, PERIODE).is_file()
    page.goto(server.base + P + "/tindakan")
    assert click_action(page, "pokja") == "selesai", page.inner_text("main")
    page.goto(server.base + P + "/tindakan")
    with page.expect_download() as d:
        page.click("#unduh-monitoring")
    assert zipfile.is_zipfile(io.BytesIO(Path(d.value.path()).read_bytes()))
    shoot(page, "tindakan-1366", tmp_path_factory)


def test_laporan_downloaded(page, server, tmp_path):
    page.goto(server.base + P + "/tindakan")
    state = click_action(page, "laporan")
    assert state == "selesai", page.inner_text("main")
    assert laporan_path(server.out, TAHUN, PERIODE).is_file()
    page.goto(server.base + P + "/tindakan")
    with page.expect_download() as d:
        page.click("#unduh-laporan")
    data = Path(d.value.path()).read_bytes()
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_unit_text_is_shown_as_text(page, server, tmp_path_factory):
    page.goto(server.base + P + f"/unit/{HOSTILE}")
    text = page.inner_text("#isian")
    for payload in XSS:
        assert payload in text
    assert page.evaluate("window.__xss") is None
    assert page.query_selector("#isian img, #isian svg, #isian script") is None
    shoot(page, "unit-xss-1366", tmp_path_factory)


def test_small_screen(browser, server, seen, tmp_path_factory):
    ctx = context(browser, server, seen, 390, 844)
    p = ctx.new_page()
    p.goto(server.url)
    for path, name in ((P, "papan-390"), (P + f"/unit/{FIX}", "unit-390"), (P + "/tindakan", "tindakan-390"),
                       ("/", "beranda-390")):
        p.goto(server.base + path)
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # wide tables scroll inside their own box, not the page
        shoot(p, name, tmp_path_factory)
    ctx.close()


def test_master_and_riwayat_pages(page, server):
    page.goto(server.base + "/master")
    assert "Master dapat dipakai" in page.inner_text("#putusan-master")
    page.goto(server.base + "/riwayat")
    assert "TW1" in page.inner_text("#riwayat")
    page.goto(server.base + "/")
    assert page.query_selector(f'#periode tr[data-periode="{TAHUN}-{PERIODE}"]') is not None
    for path in ("/", "/master", "/riwayat", P + "/tindakan"):
        page.goto(server.base + path)
        assert SMTP_SECRET not in page.content()


# --------------------------------------------------------------------------- attacks by plain HTTP


def test_cross_origin_post_is_refused(page, server):
    page.goto(server.base + P + "/tindakan")
    base = {"Cookie": cookie_of(page, server), "Content-Type": "application/x-www-form-urlencoded"}
    body = f"csrf={csrf_of(page)}".encode()
    for extra in ({"Origin": "http://evil.example"}, {"Origin": server.base, "Sec-Fetch-Site": "cross-site"},
                  {"Origin": "null"}, {}):
        status, text, _ = req(server, "POST", P + "/tindakan/periksa", body, {**base, **extra})
        assert status == 403 and "Permintaan ditolak" in text, extra
    assert not any(p.name.startswith("temuan") and p.stat().st_mtime > time.time() - 2
                   for p in period_dir(server.out, TAHUN, PERIODE).iterdir())


def test_post_without_csrf_is_refused(page, server):
    page.goto(server.base + P + "/tindakan")
    headers = {"Cookie": cookie_of(page, server), "Origin": server.base, "Sec-Fetch-Site": "same-origin",
               "Content-Type": "application/x-www-form-urlencoded"}
    for body in (b"", b"csrf=salah"):
        status, text, _ = req(server, "POST", P + "/tindakan/periksa", body, headers)
        assert status == 403 and "token CSRF" in text
    # the same from the console's own page, by script: same origin, but no token
    status = page.evaluate(f"""fetch('{P}/tindakan/periksa', {{method: 'POST', body: new URLSearchParams({{a: '1'}})}})
                               .then(r => r.status)""")
    assert status == 403


def test_oversized_upload_is_refused_and_the_server_keeps_serving(page, server):
    page.goto(server.base + P + "/unggah")
    token = csrf_of(page)
    headers = {"Cookie": cookie_of(page, server), "Origin": server.base, "Sec-Fetch-Site": "same-origin",
               "X-Rbxl-CSRF": token}
    big = b"x" * ((REQUEST_MB + 1) * 2**20)
    boundary = "rbxlbatas"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"besar.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + big + f"\r\n--{boundary}--\r\n".encode()
    status, text, _ = req(server, "POST", P + "/unggah", body,
                           {**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 413 and "Unggahan ditolak" in text and f"{REQUEST_MB} MB" in text
    # the same without Content-Length (chunked): counted while it arrives
    conn = http.client.HTTPConnection("127.0.0.1", int(server.base.rsplit(":", 1)[1]), timeout=60)
    conn.request("POST", P + "/unggah", body=iter([body[i:i + 2**20] for i in range(0, len(body), 2**20)]),
                 headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
                 encode_chunked=True)
    r = conn.getresponse()
    assert r.status == 413 and "Unggahan ditolak" in r.read().decode()
    conn.close()
    # one file over the per-file limit inside an allowed upload: that file alone is refused, by name
    page.set_input_files("#berkas", [{"name": "terlalu-besar.xlsx", "mimeType": "application/octet-stream",
                                      "buffer": b"PK" + b"\0" * ((FILE_MB * 2**20) + 10)}])
    assert "terlalu besar" in page.inner_text("#daftar")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tugas/"))
    wait_job(page)
    assert "tidak diterima" in page.inner_text("main")
    # the browser refuses a too-large selection itself, and says why
    page.goto(server.base + P + "/unggah")
    page.set_input_files("#berkas", [{"name": f"b{i}.xlsx", "mimeType": "application/octet-stream",
                                      "buffer": b"\0" * (FILE_MB * 2**20 - 100)} for i in range(REQUEST_MB // FILE_MB + 1)])
    page.click("button[type=submit]")
    assert "Unggahan ditolak" in page.inner_text("#status")
    status, _, _ = req(server, "GET", "/", headers={"Cookie": cookie_of(page, server)})
    assert status == 200


def test_no_request_left_the_console_and_no_console_error(page, seen, server):
    assert seen.requests and seen.refused == []
    assert all(u.startswith(server.base + "/") for u in seen.requests)
    bad = [m for m in seen.messages if m[0] in ("error", "pageerror")
           and "403" not in m[1] and "Forbidden" not in m[1]]  # the refused fetch of the CSRF test logs its 403
    assert bad == []


# --------------------------------------------------------------------------- the period lock, shared with the CLI


def cli(out: Path, *args: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
    full = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "RBXL_LOCK_WAIT": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "rbxl", *args, "--tahun", str(TAHUN), "--periode", PERIODE,
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full, **kw)


def wait_for(path: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


def test_the_period_lock_between_console_and_cli(browser, seen, tmp_path, tmp_path_factory):
    out = tmp_path / "hasil"
    out.mkdir()
    empty = tmp_path / "kosong"
    empty.mkdir()
    # a CLI rekap holds the period: the console's button says so in words
    paused = tmp_path / "cli-paused"
    run = cli(out, "rekap", str(empty), env={"RBXL_TEST_PAUSE": f"consolidate:{paused}"})
    pause = tmp_path / "konsol-paused"
    s = start(out, env={"RBXL_TEST_PAUSE": f"consolidate:{pause}", "RBXL_LOCK_WAIT": "1"})
    ctx = context(browser, s, seen)
    try:
        wait_for(paused)
        p = ctx.new_page()
        p.goto(s.url)
        p.goto(s.base + P + "/tindakan")
        assert click_action(p, "periksa") == "gagal"
        assert "sedang dipakai proses rbxl lain" in p.inner_text("#pesan")
        shoot(p, "kunci-1366", tmp_path_factory)
        run.kill()
        run.wait()
        # a console rekap holds it: the CLI stops with the lock message (exit 4)
        p.goto(s.base + P + "/tindakan")
        p.click("#aksi-rekap")
        p.wait_for_url(re.compile(r"/tugas/"))
        wait_for(pause)
        done = cli(out, "periksa", str(empty))
        _, err = done.communicate(timeout=60)
        assert done.returncode == 4 and "sedang dipakai" in err, err
        # and a second console job on the same period is refused while it runs
        p.goto(s.base + P + "/tindakan")
        assert "Sedang berjalan" in p.inner_text("main")
        p.click("#aksi-periksa")
        assert "sedang dipakai tugas konsol lain" in p.inner_text("#pesan")
        # SIGKILL mid-rekap: nothing half-written under a real name
        s.proc.kill()
        s.proc.wait()
        folder = period_dir(out, TAHUN, PERIODE)
        real = [f for f in folder.rglob("*") if f.is_file() and not any(x.startswith(".~rbxl") for x in f.relative_to(folder).parts)
                and f.name != ".rbxl.lock"]
        assert not monitoring_path(out, TAHUN, PERIODE).exists()
        for f in real:
            if f.suffix == ".xlsx":
                assert zipfile.is_zipfile(f), f
    finally:
        ctx.close()
        if s.proc.poll() is None:
            s.proc.kill()
        if run.poll() is None:
            run.kill()
        shutil.rmtree(out, ignore_errors=True)
