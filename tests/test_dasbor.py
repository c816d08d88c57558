"""The dashboard page in a real headless Chromium (Debian's, driven by Playwright).

One module-scoped consolidation of filled returns writes the page the way `consolidate` does.
One returning unit (HOSTILE_UNIT) typed XSS payloads into every free-text cell, and its name
in the master carries a script-ending payload, so the page is attacked through the real path:
template -> returned file -> checks -> consolidation -> page. Every page is opened with every
request routed and recorded, so a request that would leave the page is seen and refused.
Screenshots are kept under the pytest temp dir (and copied to $RBXL_SHOTS when set).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import plant_text

from rbxl.cli import main
from rbxl.consolidation.figures import PeriodFigures, figures
from rbxl.consolidation.tables import NO_DATA, NOT_RETURNED, TARGET_MET, TARGET_NOT_MET
from rbxl.core.paths import csv_dir, dasbor_path
from rbxl.core.values import format_floor
from rbxl.form.sample import answers_for
from rbxl.form.spec import SHEET_RA_UTAMA, plan
from rbxl.master.load import fingerprint
from rbxl.pipeline import run_consolidation
from rbxl.render.dasbor import (
    render,
    section_tren,
    unit_view_data,
)
from rbxl.render.dasbor.kit import BAR, PALETTE, esc, json_for_script, linkify, num, pct
from rbxl.riwayat.snapshot import load_tables
from rbxl.riwayat.trend import history
from rbxl.store import open_store
from rbxl.template.generate import template_name
from rbxl.template.write import write_template

ROOT = Path(__file__).resolve().parents[1]
TAHUN, PERIODE = 2023, "TW1"
UNITS = ["BAG-ORGANISASI", "INSPEKTORAT", "BPPKAD", "KEC-JATI", "BAG-HUKUM", "DPMPTSP", "BAPPEDA", "DINKES"]
HOSTILE_UNIT = "BPPKAD"
XSS = ["<script>window.__xss = 1</script>",
       '"><img src=x onerror="window.__xss = 2">',
       "</script><script>window.__xss = 4</script>",
       "<!--<script>window.__xss = 5</script>"]
# bukti dukung of the unit's three led rows: links that must stay text, and one real link
BUKTI = ["javascript:window.__xss = 3",
         "data:text/html,<script>window.__xss = 6</script>",
         "https://contoh.go.id/bukti?a=1&b=2 JaVaScRiPt:window.__xss = 7"]
HOSTILE_NAME = "BPPKAD </script><script>window.__xss = 8</script><!-- \"'>"
TEXT_FIELDS = ("output", "kendala", "tindak_lanjut", "keterangan", "sumber_data")


@dataclass
class Page:
    path: Path
    fig: PeriodFigures
    out: Path
    roadmap: object


@pytest.fixture(scope="module")
def period(tmp_path_factory, roadmap) -> Page:
    roadmap = copy.deepcopy(roadmap)
    roadmap.units[HOSTILE_UNIT] = dataclasses.replace(roadmap.units[HOSTILE_UNIT], nama=HOSTILE_NAME)
    roadmap.fingerprint = fingerprint(roadmap)
    base = tmp_path_factory.mktemp("dasbor")
    inbox, out = base / "kiriman", base / "hasil"
    for unit in UNITS:
        spec = plan(roadmap, unit, TAHUN, PERIODE)
        answers = answers_for(spec)
        if unit == HOSTILE_UNIT:
            assert len(plant_text(spec, answers, TEXT_FIELDS, XSS)) > len(XSS)
            led = spec.sheet(SHEET_RA_UTAMA).rows
            assert len(led) == len(BUKTI)
            for row, bukti in zip(led, BUKTI, strict=True):
                answers[(SHEET_RA_UTAMA, row.key, "bukti")] = bukti
        write_template(spec, inbox / template_name(spec), answers)
    outputs = run_consolidation([inbox], roadmap, TAHUN, PERIODE, out, workers=2)
    verdicts = {s.unit: s.verdict for s in outputs.report.submissions}
    assert verdicts == dict.fromkeys(UNITS, "Diterima"), [
        (s.unit, [(f.code, f.sheet, f.cell, f.value) for f in s.findings]) for s in outputs.report.submissions]
    path = dasbor_path(out, TAHUN, PERIODE)
    assert path.is_file()
    return Page(path, figures(outputs.tables, roadmap), out, roadmap)


@dataclass
class Opened:
    page: object
    requests: list[str]
    messages: list[tuple[str, str]]
    dialogs: list[str]


def open_page(browser, path: Path, width: int = 1366, height: int = 768, folded: bool = False) -> Opened:
    """The page with every request recorded; only the page's own file is let through. Its
    disclosures are opened (every table to read), unless `folded`: as a reader first sees it."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    requests: list[str] = []
    messages: list[tuple[str, str]] = []
    dialogs: list[str] = []
    own = path.resolve().as_uri()

    def route(r):
        requests.append(r.request.url)
        if r.request.url == own:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(own)
    page.wait_for_load_state("load")
    if not folded:
        open_all(page)
    return Opened(page, requests, messages, dialogs)


def open_all(page) -> None:
    """Open every disclosure (<details>), as a reader tapping 'Tampilkan rincian' would."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


@pytest.fixture
def opened(browser, period):
    o = open_page(browser, period.path)
    yield o
    o.page.context.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def parse_num(text: str) -> float | None:
    """A number as the page shows it (Indonesian: '1.234,5'); None for '–'."""
    t = text.strip().rstrip("%").strip()
    if t in ("–", ""):
        return None
    return float(t.replace(".", "").replace(",", "."))


def shown_close(text: str, value: object) -> bool:
    """The page shows 1 decimal: the shown number must be the value rounded."""
    got = parse_num(text)
    if value in (None, ""):
        return got is None
    return got is not None and (math.isclose(got, round(float(value), 1), abs_tol=0.051)
                                or text.strip().rstrip("%").strip() == format_floor(float(value), 1))


def table_rows(page, ident: str, visible_only: bool = False) -> list[dict]:
    """Rows of a table as {data attributes..., 'cells': [inner text of each cell]}."""
    return page.evaluate("""([id, vis]) => Array.from(document.querySelectorAll('#' + id + ' tbody tr'))
        .filter(r => !vis || r.offsetParent !== null)
        .map(r => ({...r.dataset, cells: Array.from(r.cells).map(c => c.innerText.trim())}))""",
                         [ident, visible_only])


# --------------------------------------------------------------------------- offline, no errors


def test_page_loads_offline_with_no_request_and_no_console_error(opened, period):
    assert opened.requests == [period.path.resolve().as_uri()]  # nothing but the file itself
    assert [m for m in opened.messages if m[0] in ("error", "warning", "pageerror")] == []
    csp = opened.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "default-src 'none'" in csp and "img-src data:" in csp and "'unsafe-eval'" not in csp
    assert "'unsafe-inline'" not in csp  # script and style are allowed by their hashes only
    # the per-unit view ran (the script passed the CSP) and the filter wrote its count
    assert opened.page.inner_text("#rincian-unit h3")
    assert "unit ditampilkan" in opened.page.inner_text("#jumlah-unit")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_one_small_file_with_nothing_external(period):
    text = period.path.read_text(encoding="utf-8")
    assert period.path.stat().st_size < 1_000_000  # the shipped master's 47 units
    parser = Tags()
    parser.feed(text)
    names = {t for t, _ in parser.tags}
    assert not names & {"link", "iframe", "frame", "object", "embed", "img", "base", "audio", "video", "source",
                        "form"}
    for tag, attrs in parser.tags:
        assert not {"src", "srcset", "action", "style"} & set(attrs), tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("#", "https://", "http://")), attrs
    assert [a for t, a in parser.tags if t == "script"] == [{"type": "application/json", "id": "data-unit"}, {}]
    assert "@import" not in text and "url(" not in text and "@font-face" not in text


def test_a_tampered_script_is_refused_by_the_csp(browser, period, tmp_path):
    """The policy is live: the same page with its script edited runs nothing and says why."""
    text = period.path.read_text(encoding="utf-8").replace('"use strict";', '"use strict"; window.__edited = 1;')
    tampered = tmp_path / "tampered.html"
    tampered.write_text(text, encoding="utf-8")
    o = open_page(browser, tampered)
    try:
        assert o.page.evaluate("window.__edited") is None
        assert any("Content Security Policy" in m[1] for m in o.messages)
    finally:
        o.page.context.close()


# --------------------------------------------------------------------------- the figures shown


def test_headline_and_areas_equal_the_figures_and_the_csv(opened, period):
    fig, h = period.fig, period.fig.headline
    units_csv = read_csv(csv_dir(period.out, TAHUN, PERIODE) / "unit.csv")
    shown = {k: opened.page.inner_text(f'[data-fig="{k}"]') for k in
             ("expected", "returned", "not_returned", "ra_total", "mean_progress", "indikator_met")}
    assert parse_num(shown["expected"]) == h.expected == len(units_csv) == 47
    assert parse_num(shown["returned"]) == h.returned == sum(u["dikumpulkan"] == "Ya" for u in units_csv) == 8
    assert parse_num(shown["not_returned"]) == h.not_returned == 39
    assert parse_num(shown["ra_total"]) == h.rencana_aksi.total == sum(int(u["n_utama"]) for u in units_csv)
    assert shown_close(shown["mean_progress"], h.rencana_aksi.mean_progress)
    assert parse_num(shown["indikator_met"]) == h.indikator_by_state["Tercapai"]
    status = {r["cells"][0].split(" ", 1)[1]: parse_num(r["cells"][1]) for r in table_rows(opened.page, "tabel-status")}
    assert status == {**h.rencana_aksi.by_status, "Belum dilaporkan": h.rencana_aksi.unreported}
    kepatuhan = {r["cells"][0].split(" ", 1)[1]: parse_num(r["cells"][1])
                 for r in table_rows(opened.page, "tabel-kepatuhan")}
    assert kepatuhan == h.kepatuhan and sum(kepatuhan.values()) == h.expected
    areas = {r["area"]: r["cells"] for r in table_rows(opened.page, "tabel-area")}
    assert list(areas) == [a.kode for a in fig.areas]
    for a in fig.areas:
        cells = areas[a.kode]
        assert parse_num(cells[1]) == a.rencana_aksi.total
        assert shown_close(cells[2], a.rencana_aksi.mean_progress), a.kode
        assert parse_num(cells[3]) == a.rencana_aksi.by_status["Selesai"]


def test_unit_table_equals_the_unit_csv(opened, period):
    units_csv = {u["unit"]: u for u in read_csv(csv_dir(period.out, TAHUN, PERIODE) / "unit.csv")}
    rows = table_rows(opened.page, "tabel-unit")
    assert [r["unit"] for r in rows] == list(units_csv)
    for r in rows:
        u, cells = units_csv[r["unit"]], r["cells"]
        assert cells[1].endswith(u["putusan"]) and cells[9] == u["jenis"]
        assert cells[2].endswith(period.fig.unit(r["unit"]).kepatuhan or "–")
        assert parse_num(cells[3]) == int(u["n_utama"]) and parse_num(cells[5]) == int(u["n_selesai"])
        assert shown_close(cells[4], u["progres"] or None), r["unit"]
        assert parse_num(cells[6]) == int(u["n_pendukung"])
        assert parse_num(cells[7]) == int(u["n_err"]) and parse_num(cells[8]) == int(u["n_warn"])


def test_indicators_equal_the_indikator_csv(opened, period):
    ind_csv = read_csv(csv_dir(period.out, TAHUN, PERIODE) / "indikator.csv")
    rows = table_rows(opened.page, "tabel-indikator")
    assert [r["kode"] for r in rows] == [r["kode"] for r in ind_csv]
    for r, c in zip(rows, ind_csv, strict=True):
        assert shown_close(r["cells"][5], c["capaian"] or None), c["kode"]
        assert c["status_capaian"] in r["cells"][6]
    assert any(c["status_capaian"] == "Tercapai" for c in ind_csv)  # something to compare


def test_kegiatan_equal_the_kegiatan_csv(opened, period):
    keg_csv = read_csv(csv_dir(period.out, TAHUN, PERIODE) / "kegiatan_prioritas.csv")
    rows = table_rows(opened.page, "tabel-kegiatan")
    assert len(rows) == len(keg_csv) > 0
    for r, c in zip(rows, keg_csv, strict=True):
        assert r["cells"][0].startswith(c["kode"])
        assert shown_close(r["cells"][4], c["capaian"] or None), c["kode"]
        assert r["cells"][5].endswith(c["status_capaian"])


def test_area_sections_list_the_rows_of_their_pd_utama(opened, period):
    for a in period.fig.areas:
        rows = table_rows(opened.page, f"tabel-ra-{a.kode}")
        want = period.fig.utama_rows(a.kode)
        assert len(rows) == a.rencana_aksi.total == len(want)
        for r, w in zip(rows, want, strict=True):
            assert r["cells"][0] == w["kode"]
            assert r["cells"][3].endswith(w["status"] or "Belum dilaporkan")
            assert shown_close(r["cells"][4], w["progres"])


# --------------------------------------------------------------------------- filter and per-unit view


def test_unit_filter_by_typing_and_by_status(opened, period):
    page = opened.page
    page.focus("#cari-unit")
    page.keyboard.type("kec")
    want = [u.unit for u in period.fig.units if "kec" in (u.nama + " " + u.unit).lower()]
    assert len(want) >= 3  # the kecamatan
    assert [r["unit"] for r in table_rows(page, "tabel-unit", visible_only=True)] == want
    assert page.inner_text("#jumlah-unit") == f"{len(want)} dari 47 unit ditampilkan"
    page.select_option("#saring-status", "Diterima")
    assert [r["unit"] for r in table_rows(page, "tabel-unit", visible_only=True)] == ["KEC-JATI"]
    page.fill("#cari-unit", "")
    shown = [r["unit"] for r in table_rows(page, "tabel-unit", visible_only=True)]
    assert sorted(shown) == sorted(UNITS)
    page.select_option("#saring-status", "")
    page.fill("#cari-unit", "tidak ada unit bernama ini")
    assert table_rows(page, "tabel-unit", visible_only=True) == []
    assert page.inner_text("#jumlah-unit") == "0 dari 47 unit ditampilkan"


def test_filter_is_reached_by_keyboard_with_a_visible_focus(opened):
    page = opened.page
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "cari-unit":
            break
    else:
        pytest.fail("the unit search box is not reachable with Tab")
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth]; })()")
    assert style[0] != "none" and parse_num(style[1].replace("px", "")) >= 2
    page.keyboard.type("inspektorat")
    assert [r["unit"] for r in table_rows(page, "tabel-unit", visible_only=True)] == ["INSPEKTORAT"]


def test_per_unit_view_shows_what_a_unit_leads_supports_and_has_open(opened, period):
    page = opened.page
    for code in ("BAG-ORGANISASI", "SETDA"):  # one that returned, one that did not
        page.select_option("#pilih-unit", code)
        u, rows = period.fig.unit(code), period.fig.rows_by_unit()[code]
        assert page.inner_text("#rincian-unit h3") == u.nama
        heads = page.eval_on_selector_all("#rincian-unit h4", "hs => hs.map(h => h.innerText)")
        assert heads == [f"Dipimpin (PD utama) ({len(rows.utama)})", f"Masih terbuka ({len(rows.terbuka)})",
                         f"Didukung (PD pendukung) ({len(rows.pendukung)})"]
        assert len(rows.utama) == u.utama.total and len(rows.pendukung) == u.n_pendukung
    assert not period.fig.unit("SETDA").dikumpulkan and period.fig.rows_by_unit()["SETDA"].terbuka
    # a unit's name in the status table opens its view, by mouse or by keyboard
    page.click("#tabel-unit a[data-pilih=INSPEKTORAT]")
    assert page.inner_text("#rincian-unit h3") == period.fig.unit("INSPEKTORAT").nama
    page.focus("#tabel-unit a[data-pilih=DINKES]")
    page.keyboard.press("Enter")
    assert page.inner_text("#rincian-unit h3") == period.fig.unit("DINKES").nama
    assert page.input_value("#pilih-unit") == "DINKES"


# --------------------------------------------------------------------------- hostile unit text


def test_planted_xss_never_runs_and_shows_as_text(browser, period):
    for width, height in ((390, 844), (1366, 768)):
        o = open_page(browser, period.path, width, height)
        page = o.page
        try:
            page.select_option("#pilih-unit", HOSTILE_UNIT)
            page.fill("#cari-unit", "bppkad")
            page.wait_for_timeout(200)
            assert page.evaluate("window.__xss") is None
            assert o.dialogs == []
            assert [m for m in o.messages if m[0] in ("error", "pageerror")] == []
            assert page.evaluate("document.images.length") == 0
            assert page.evaluate("document.scripts.length") == 2  # the data block and the page script
            assert page.evaluate("document.querySelectorAll('[onerror],[onload],[onclick]').length") == 0
            body = page.inner_text("body")
            for payload in XSS:
                assert payload in body, payload  # shown as the text the unit typed
            assert page.inner_text("#rincian-unit h3") == HOSTILE_NAME
            assert page.locator("#tabel-unit tr[data-unit=BPPKAD] th").inner_text().startswith(HOSTILE_NAME)
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => [a.getAttribute('href'), a.rel])")
            for href, rel in hrefs:
                if not href.startswith("#"):
                    assert href.startswith("https://") or href.startswith("http://"), href
                    assert rel == "noopener noreferrer"
            assert ["https://contoh.go.id/bukti?a=1&b=2", "noopener noreferrer"] in hrefs
        finally:
            o.page.context.close()


def test_bukti_links_only_for_http_urls():
    assert linkify("javascript:alert(1)") == "javascript:alert(1)"
    assert linkify("data:text/html,<b>x</b>") == "data:text/html,&lt;b&gt;x&lt;/b&gt;"
    assert linkify("vbscript:x") == "vbscript:x" and "<a" not in linkify("file:///etc/passwd")
    assert linkify("SK 5/2023 https://x.go.id/sk.pdf.") == (
        'SK 5/2023 <a href="https://x.go.id/sk.pdf" rel="noopener noreferrer" target="_blank">'
        "https://x.go.id/sk.pdf</a>.")
    assert 'href="https://a.id/?q=&amp;x"' in linkify('https://a.id/?q=&x"onmouseover=alert(1)')
    assert "onmouseover" not in linkify('https://a.id/"onmouseover=alert(1)').split(">")[0]
    assert "<a" not in linkify("javascript://https://x")[: len("javascript://")]


def test_numbers_and_text_as_shown():
    assert [num(v) for v in (47, 0.0, 1234.5, 55.6025, "", None, True)] == ["47", "0", "1.234,5", "55,6", "–", "–", "–"]
    assert pct(100.909) == "100,9%" and pct("") == "–"
    # controls and bidi overrides (which make 'exe.xlsx' read 'xslx.exe') are dropped, newlines kept
    assert esc("a\u202eb\x1bc\r\nd<") == "abc\nd&lt;"


def test_embedded_json_cannot_end_its_script(browser):
    hostile = {"a": "</script><script>window.__xss=9</script>", "b": "<!-- -->", "c": "\u2028\u2029&<>"}
    text = json_for_script(hostile)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    page = browser.new_page()
    try:
        page.set_content(f'<script type="application/json" id="d">{text}</script>')
        assert page.evaluate("JSON.parse(document.getElementById('d').textContent)") == hostile
        assert page.evaluate("window.__xss") is None
    finally:
        page.close()


def test_embedded_unit_data_round_trips(opened, period):
    got = opened.page.evaluate("JSON.parse(document.getElementById('data-unit').textContent)")
    assert got == unit_view_data(period.fig)
    assert got["units"][HOSTILE_UNIT]["nama"] == HOSTILE_NAME


# --------------------------------------------------------------------------- layout, access, print


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_palette_contrast_is_at_least_4_5():
    for name, (fg, bg) in PALETTE.items():
        assert contrast(fg, bg) >= 4.5, name


def test_every_shown_text_meets_the_contrast(opened):
    """What Chromium actually paints: each element's own text colour against the background behind it."""
    pairs = opened.page.evaluate("""(() => {
        const bg = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                            if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; }
                          return 'rgb(255, 255, 255)'; };
        const seen = new Set();
        for (const e of document.querySelectorAll('body *')) {
            if (e.closest('svg') || !e.getClientRects().length) continue;
            if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            seen.add(getComputedStyle(e).color + '|' + bg(e));
        }
        return [...seen]; })()""")
    assert len(pairs) >= 8

    def hex_of(rgb: str) -> str:
        return "#" + "".join(f"{int(x):02x}" for x in re.findall(r"\d+", rgb)[:3])

    for pair in pairs:
        fg, bg = pair.split("|")
        assert contrast(hex_of(fg), hex_of(bg)) >= 4.5, pair


def test_chart_bars_stand_out_from_the_page():
    for name, colour in BAR.items():  # WCAG 1.4.11: graphics at least 3:1
        assert contrast(colour, "#ffffff") >= 3, name


def test_landmarks_headings_and_chart_alternatives(opened):
    page = opened.page
    for sel in ("header", "nav", "main", "footer"):
        assert page.locator(sel).count() == 1, sel
    assert page.locator("h1").count() == 1 and page.locator("h2").count() >= 6
    assert page.evaluate("document.documentElement.lang") == "id"
    charts = page.eval_on_selector_all("svg", """ss => ss.map(s => [s.getAttribute('role'),
        document.getElementById(s.getAttribute('aria-labelledby')).textContent,
        s.closest('figure').nextElementSibling.querySelector('table') !== null])""")
    assert len(charts) == 6  # three in the sections of the period, three in the trend (store present)
    for role, title, has_table in charts:
        assert role == "img" and title and has_table
    for ident in ("cari-unit", "saring-status", "pilih-unit"):
        assert page.locator(f"label[for={ident}]").count() == 1


def test_screenshots_phone_and_desktop_without_page_scroll(browser, period, tmp_path_factory):
    shots = tmp_path_factory.mktemp("shots")
    for width, height in ((390, 844), (1366, 768)):
        o = open_page(browser, period.path, width, height)
        page = o.page
        try:
            sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert sizes[0] <= sizes[1], (width, sizes)
            page.screenshot(path=shots / f"dasbor-{width}x{height}.png")
            page.screenshot(path=shots / f"dasbor-{width}x{height}-penuh.png", full_page=True)
            for ident in ("area", "indikator", "tren", "unit", "rincian", "per-unit"):
                page.locator(f"#{ident}").screenshot(path=shots / f"dasbor-{width}-{ident}.png")
            # the hostile unit's led row: its payloads shown as text, one real https link
            page.locator("tr", has=page.locator("a[href^='https://contoh.go.id']")).screenshot(
                path=shots / f"dasbor-{width}-xss-baris.png")
            if width == 390:  # tables are stacked cards on a phone: nothing scrolls sideways, not even a box
                boxes = page.eval_on_selector_all(".scroll", "bs => bs.map(b => b.scrollWidth > b.clientWidth + 1)")
                assert not any(boxes)
        finally:
            page.context.close()
    assert len(list(shots.glob("*.png"))) == 18
    if os.environ.get("RBXL_SHOTS"):
        shutil.copytree(shots, os.environ["RBXL_SHOTS"], dirs_exist_ok=True)


def test_print_stylesheet(opened, tmp_path):
    page = opened.page
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.filter')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.scroll')).overflowX") == "visible"
    pdf = tmp_path / "dasbor.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- trend across periods


def test_trend_section_shows_both_periods_and_equals_the_trend_view(browser, demo, roadmap, tmp_path_factory):
    """The two-period demo (TW1 then TW2 into one store): TW2's page lays out the trend view."""
    out, result = demo
    with open_store(out / "rbxl.sqlite", create=False) as st:
        trend = history(st, roadmap, TAHUN)
    assert [p.periode for p in trend.periods] == ["TW1", "TW2"]
    fig1, fig2 = figures(load_tables(out, TAHUN, "TW1"), roadmap), figures(result.outputs.tables, roadmap)
    path = dasbor_path(out, TAHUN, "TW2")
    shots = tmp_path_factory.mktemp("shots-tren")
    for width, height in ((390, 844), (1366, 768)):
        o = open_page(browser, path, width, height)
        page = o.page
        try:
            assert o.requests == [path.resolve().as_uri()]
            assert [m for m in o.messages if m[0] in ("error", "warning", "pageerror")] == []
            sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert sizes[0] <= sizes[1], (width, sizes)
            page.locator("#tren").screenshot(path=shots / f"dasbor-{width}-tren.png")
        finally:
            page.context.close()
    if os.environ.get("RBXL_SHOTS"):
        shutil.copytree(shots, os.environ["RBXL_SHOTS"], dirs_exist_ok=True)

    o = open_page(browser, path, 390, 844)
    page = o.page
    try:
        assert page.locator("nav a[href='#tren']").count() == 1
        head = page.eval_on_selector_all("#tabel-tren-progres thead th", "hs => hs.map(h => h.innerText.trim())")
        assert head == ["Pemda / area", "Triwulan I 2023", "Triwulan II 2023"]
        rows = table_rows(page, "tabel-tren-progres")
        assert [r["area"] for r in rows] == ["", *(a.kode for a in trend.areas)]
        shown = [[parse_num(c) for c in r["cells"][1:]] for r in rows]
        for cells, values in zip(rows, [trend.mean_progress, *(a.progres for a in trend.areas)], strict=True):
            assert [shown_close(c, v) for c, v in zip(cells["cells"][1:], values, strict=True)] == [True, True]
        # each period's column is that period's own figure (the trend is not a figure of its own)
        own = [[f.headline.rencana_aksi.mean_progress, *(f.area(a.kode).rencana_aksi.mean_progress
                                                         for a in trend.areas)] for f in (fig1, fig2)]
        assert [[shown_close(r["cells"][1 + j], own[j][i]) for j in (0, 1)]
                for i, r in enumerate(rows)] == [[True, True]] * len(rows)
        assert shown != [[s[0], s[0]] for s in shown]  # the demo's TW2 moved on from TW1

        punct = {r["cells"][0].split(" ", 1)[1]: [parse_num(c) for c in r["cells"][1:]]
                 for r in table_rows(page, "tabel-tren-ketepatan")}
        assert punct == {k: [float(n) for n in v] for k, v in trend.punctuality.items()}
        assert punct[NOT_RETURNED] == [fig1.headline.not_returned, fig2.headline.not_returned]

        years = [y for y in trend.years if y <= TAHUN]
        head = page.eval_on_selector_all("#tabel-tren-indikator thead th", "hs => hs.map(h => h.innerText.trim())")
        assert head[2:] == [f"{w} {y}" for y in years for w in ("Target", "Realisasi", "Capaian")]
        ind = table_rows(page, "tabel-tren-indikator")
        assert [r["kode"] for r in ind] == [i.kode for i in trend.indikator]
        met = set()
        for r, ser in zip(ind, trend.indikator, strict=True):
            for k, y in enumerate(years):
                target, real, cap = r["cells"][2 + 3 * k: 5 + 3 * k]
                assert _same(target, ser.target_value.get(y)), (ser.kode, y, target)
                assert _same(real.split(" (")[0], ser.realisasi.get(y)), (ser.kode, y, real)
                assert real.endswith(f"({ser.sumber[y]})") if y in ser.sumber else "(" not in real
                assert cap.endswith(ser.status[y]), (ser.kode, y, cap)
                if ser.capaian[y] is not None:
                    assert shown_close(cap.split(" ")[0], ser.capaian[y]), (ser.kode, y, cap)
                met.add(ser.status[y])
        assert met == {TARGET_MET, TARGET_NOT_MET, NO_DATA}  # the demo reaches every verdict

        charts = page.eval_on_selector_all("#tren svg", """ss => ss.map(s => [s.getAttribute('role'),
            document.getElementById(s.getAttribute('aria-labelledby')).textContent,
            s.closest('figure').nextElementSibling.querySelector('table').id])""")
        assert charts == [["img", f"Rata-rata progres rencana aksi PD utama per periode {TAHUN} (persen)",
                           "tabel-tren-progres"],
                          ["img", f"Ketepatan pengumpulan per periode {TAHUN} (jumlah unit)", "tabel-tren-ketepatan"],
                          ["img", f"Capaian indikator kinerja terhadap target setiap tahun sampai {TAHUN} (persen)",
                           "tabel-tren-indikator"]]
    finally:
        page.context.close()


def _same(shown: str, value: object) -> bool:
    """A number as shown with 2 decimals, or the text as it is ('–' for blank)."""
    if value in (None, ""):
        return shown == "–"
    if isinstance(value, (int, float)):
        return parse_num(shown) is not None and math.isclose(parse_num(shown), round(float(value), 2), abs_tol=0.006)
    return shown == str(value)


def test_dasbor_without_a_store_has_no_trend_and_with_db_shows_it_up_to_its_period(demo, tmp_path):
    """`rbxl dasbor` on a folder with no riwayat store writes the page without the trend section
    (and creates no store); --db pointing at the demo's store brings it back, up to TW1 only."""
    src, _ = demo
    out = tmp_path / "hasil"
    shutil.copytree(src / f"{TAHUN}-TW1", out / f"{TAHUN}-TW1", ignore=shutil.ignore_patterns("arsip", "templates"))
    page = dasbor_path(out, TAHUN, "TW1")
    page.unlink()
    env = {k: v for k, v in os.environ.items() if k != "RBXL_DB"} | {"PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "rbxl", "dasbor", "--tahun", str(TAHUN), "--periode", "TW1", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = page.read_text(encoding="utf-8")
    assert 'data-fig="expected">47<' in text
    assert 'id="tren"' not in text and 'href="#tren"' not in text and 'id="tabel-tren' not in text
    assert not (out / "rbxl.sqlite").exists()  # looking for a store never creates one

    proc = subprocess.run([*cmd, "--db", str(src / "rbxl.sqlite")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = page.read_text(encoding="utf-8")
    assert 'id="tren"' in text and "Triwulan I 2023</th>" in text and "Triwulan II 2023" not in text


def test_trend_text_from_the_master_is_escaped(demo, roadmap):
    out, _ = demo
    with open_store(out / "rbxl.sqlite", create=False) as st:
        trend = history(st, roadmap, TAHUN)
    trend.areas[0] = dataclasses.replace(trend.areas[0], nama=XSS[0])
    trend.indikator[0] = dataclasses.replace(trend.indikator[0], nama=XSS[1], satuan=XSS[2])
    text = section_tren(trend)
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in text and "&quot;&gt;&lt;img src=x" in text


# --------------------------------------------------------------------------- command line


def test_dasbor_command_rewrites_the_page_from_the_saved_rekap(period, tmp_path):
    out = tmp_path / "hasil"
    shutil.copytree(period.out, out, ignore=shutil.ignore_patterns("arsip", "templates"))
    page = dasbor_path(out, TAHUN, PERIODE)
    page.unlink()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "rbxl", "dasbor", "--tahun", str(TAHUN), "--periode", "tw1",
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert page.is_file() and str(page) in proc.stdout.replace("\n", "")
    assert 'data-fig="expected">47<' in page.read_text(encoding="utf-8")


def test_dasbor_command_on_a_period_never_consolidated(tmp_path):
    result = CliRunner().invoke(main, ["dasbor", "--tahun", "2024", "--periode", "TW2", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "belum direkap" in result.output


CUT = """() => Array.from(document.querySelectorAll('.b')).filter(b => b.offsetParent !== null)
    .filter(b => b.scrollWidth > b.clientWidth + 1 || b.getBoundingClientRect().right > innerWidth + 0.5)
    .map(b => b.textContent)"""


def test_phone_first_screen_answers_status_trend_and_who_is_late(browser, demo, roadmap, tmp_path_factory):
    """The demo's TW2 at 390x844, as a leader first opens it: short, nothing cut, nothing sideways."""
    from rbxl.consolidation.executive import executive
    from rbxl.riwayat.trend import earlier_from, load_history

    out = demo[0]
    path = tmp_path_factory.mktemp("ponsel") / "dasbor.html"
    trend = load_history(out / "rbxl.sqlite", roadmap, TAHUN, upto="TW2")
    fig = figures(load_tables(out, TAHUN, "TW2"), roadmap)
    path.write_text(render(fig, trend=trend), encoding="utf-8")
    ex = executive(fig, earlier_from(trend, "TW2"))
    o = open_page(browser, path, 390, 844, folded=True)
    page = o.page
    try:
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width == [390, 390]
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 15 * 844, height / 844
        assert page.evaluate(CUT) == []
        # the first section: each unit without data and each area that fell, by name, with its numbers
        first = page.locator("#sekilas").inner_text()
        for a in ex.not_returned:
            assert a.nama in first
        assert ex.fell
        for a in ex.fell:
            assert f"{a.nama} {format_floor(a.before, 1)}% → {format_floor(a.mean, 1)}%" in first
        status = page.eval_on_selector_all("#keadaan-area li", "ls => ls.map(l => [l.dataset.area, l.dataset.status])")
        assert status == [[a.kode, a.status] for a in ex.areas]
        # the names who need attention are on the first screens, not 17,000 px down
        top = page.evaluate("document.getElementById('perlu-perhatian').getBoundingClientRect().top + scrollY")
        assert top < 2 * 844
        # opened, every table is stacked cards: still no sideways scroll and no status word cut
        open_all(page)
        assert page.evaluate("document.documentElement.scrollWidth") == 390
        assert page.evaluate(CUT) == []
        shots = Path(os.environ.get("RBXL_SHOTS") or tmp_path_factory.mktemp("ponsel-png"))
        page.screenshot(path=shots / "dasbor-tw2-390-layar-pertama.png")
    finally:
        page.context.close()


def test_a_support_status_that_was_never_asked_is_neutral(period):
    from rbxl.render.dasbor.kit import tones

    tone = tones(period.fig)
    assert tone["Tidak Diminta"][0] == "none" and tone["Tidak Dapat Dilaksanakan"][0] == "bad"
    assert pct(56) == "56,0%" and pct(99.96) == "99,9%"
