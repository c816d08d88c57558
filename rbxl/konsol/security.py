"""Who may use the console: the start token, the session cookie, the origin and CSRF checks, the
upload limits, and the headers every answer carries.

The console serves government data on the operator's own machine. As Jupyter and marimo do, a
random token is made at each start and given in the URL the command prints and opens; the first
request that carries it gets a session cookie (HttpOnly, SameSite=Strict) and is sent on without
the token in its address. Every request that changes anything must come from the console's own
origin (Origin / Sec-Fetch-Site) and carry the session's CSRF token. The Host header must name
the console itself, so a page on another site cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

MB = 2**20
DEFAULT_FILE_MB = 50  # the same as intake's limit per file (README, Pengaman berkas)
DEFAULT_REQUEST_MB = 200  # the same as intake's limit for everything one run reads
MAX_FILES = 500  # files in one upload
DRAIN_LIMIT = 4 * DEFAULT_REQUEST_MB * MB  # an oversized body is read and dropped up to this, so the browser sees the answer
OPEN_PATHS = ("/static/", "/masuk")  # no session needed: the package's own CSS/JS, the password form

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# same-origin, not no-referrer: with no-referrer a browser sends 'Origin: null' on a form POST, and the
# console's own forms would be refused; no address (token-free anyway) goes to another site.
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"x-frame-options", b"DENY"), (b"cache-control", b"no-store"),
           (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin")]

REFUSED_TOKEN = ("Akses ditolak: halaman konsol rbxl hanya dapat dibuka dari alamat yang dicetak oleh perintah "
                 "'rbxl konsol' (dengan token). Buka alamat itu lagi, atau jalankan ulang 'rbxl konsol'.")
REFUSED_ORIGIN = ("Permintaan ditolak: perubahan hanya boleh dikirim dari halaman konsol ini sendiri, bukan dari situs "
                  "atau halaman lain.")
REFUSED_CSRF = ("Permintaan ditolak: formulir ini tidak membawa tanda pengaman (token CSRF) yang benar. Muat ulang "
                "halaman konsol lalu coba lagi.")
REFUSED_HOST = "Permintaan ditolak: alamat server tidak dikenal oleh konsol ini."


@dataclass
class Limits:
    file_mb: float = DEFAULT_FILE_MB
    request_mb: float = DEFAULT_REQUEST_MB
    max_files: int = MAX_FILES

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)

    @property
    def request_bytes(self) -> int:
        return int(self.request_mb * MB)

    def too_large(self) -> str:
        return (f"Unggahan ditolak: lebih dari {self.request_mb:g} MB dalam satu kali unggah (batas per berkas "
                f"{self.file_mb:g} MB). Unggah berkasnya sedikit demi sedikit. Tidak ada yang disimpan.")

    def file_too_large(self, name: str) -> str:
        return f"Berkas '{name}' lebih dari {self.file_mb:g} MB: tidak diterima dan tidak diperiksa."


@dataclass
class Guard:
    """The console's secrets, made at each start and never written anywhere."""

    port: int
    host: str = "127.0.0.1"
    password: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> its CSRF token

    @property
    def cookie(self) -> str:
        return f"rbxl_konsol_{self.port}"  # cookies ignore the port: two consoles must not share one

    @property
    def hosts(self) -> set[str]:
        names = {"127.0.0.1", "localhost", self.host}
        return {f"{h}:{self.port}" for h in names}

    def url(self, path: str = "/") -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}{path}?token={self.token}"

    def new_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = secrets.token_urlsafe(32)
        return sid

    def session_of(self, headers: dict[str, str]) -> str | None:
        raw = headers.get("cookie", "")
        if not raw:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:
            return None
        morsel = jar.get(self.cookie)
        sid = morsel.value if morsel else ""
        return sid if sid and any(hmac.compare_digest(sid, s) for s in self.sessions) else None

    def csrf_ok(self, sid: str | None, given: str | None) -> bool:
        return bool(sid and given and hmac.compare_digest(self.sessions.get(sid, ""), given))

    def check_password(self, given: str) -> bool:
        return bool(self.password) and hmac.compare_digest(given.encode(), (self.password or "").encode())

    def same_origin(self, headers: dict[str, str]) -> bool:
        """A state-changing request from the console's own page: Sec-Fetch-Site says so when the
        browser sends it, and Origin (always sent with a POST by today's browsers) names this console."""
        site = headers.get("sec-fetch-site")
        if site is not None and site != "same-origin":
            return False
        origin = headers.get("origin")
        if not origin:
            return False
        return origin in {f"http://{h}" for h in self.hosts} and origin == f"http://{headers.get('host', '')}"

    def set_cookie(self, sid: str) -> bytes:
        return f"{self.cookie}={sid}; Path=/; HttpOnly; SameSite=Strict".encode()


def _page(status: int, text: str) -> tuple[int, bytes]:
    from html import escape

    body = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Konsol rbxl</title>"
            "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/konsol.css\"></head><body><main class=\"sempit\">"
            f"<h1>Konsol rbxl</h1><p class=\"pesan gagal\">{escape(text)}</p></main></body></html>")
    return status, body.encode()


class GuardMiddleware:
    """Refuses, before any route runs, a request without a session, from another origin, to another host."""

    def __init__(self, app, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        g = self.guard
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                if b"content-security-policy" not in present and not scope.get("rbxl_own_csp"):
                    extra.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if headers.get("host", "") not in g.hosts:
            return await self._answer(send_with_headers, *_page(400, REFUSED_HOST))
        if scope["method"] not in ("GET", "HEAD") and not g.same_origin(headers):
            await _drain(receive)
            return await self._answer(send_with_headers, *_page(403, REFUSED_ORIGIN))
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        token = query.pop("token", None)
        if token is not None and scope["method"] == "GET" and hmac.compare_digest(token, g.token):
            target = "/" + path.lstrip("/") + (f"?{urlencode(query)}" if query else "")  # never '//other.site'
            return await _redirect(send_with_headers, target, g.set_cookie(g.new_session()))
        sid = g.session_of(headers)
        if sid is None and not path.startswith(OPEN_PATHS):
            if g.password and scope["method"] == "GET":
                return await _redirect(send_with_headers, "/masuk")
            await _drain(receive)
            return await self._answer(send_with_headers, *_page(403, REFUSED_TOKEN))
        scope.setdefault("state", {})["sid"] = sid
        return await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _answer(send, status: int, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str, cookie: bytes | None = None) -> None:
    headers = [(b"location", location.encode("latin-1", "replace")), (b"content-length", b"0")]
    if cookie:
        headers.append((b"set-cookie", cookie))
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _drain(receive, limit: int = DRAIN_LIMIT) -> None:
    """Read and drop a refused request's body (up to `limit`), so the browser is not cut off
    while it is still sending and sees the answer instead of a broken connection."""
    seen = 0
    while seen <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body"):
            return
