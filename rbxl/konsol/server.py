"""Starting the console: one uvicorn process on 127.0.0.1, the token URL printed and opened."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from rbxl.core.errors import UsageError
from rbxl.konsol.security import Guard, Limits

PASSWORD_ENV = "RBXL_KONSOL_SANDI"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve(out: Path, master: Path, db: Path | None = None, port: int = 0, host: str = "127.0.0.1",
          password: str | None = None, browser: bool = True, limits: Limits | None = None,
          echo=print) -> None:
    """Run the console until Ctrl+C. Another address than the loopback needs a password."""
    import uvicorn

    from rbxl.konsol.actions import clean_uploads
    from rbxl.konsol.app import Konsol, build_app

    password = password or os.environ.get(PASSWORD_ENV) or None
    if host not in LOOPBACK and not password:
        raise UsageError(f"--host {host} membuka konsol untuk komputer lain di jaringan: wajib ada kata sandi. Isi "
                         f"variabel lingkungan {PASSWORD_ENV} (atau pilihan --sandi), lalu jalankan lagi.")
    port = port or free_port("127.0.0.1" if host in LOOPBACK else host)
    guard = Guard(port=port, host=host, password=password)
    konsol = Konsol(Path(out), Path(master), guard, db=db, limits=limits or Limits())
    konsol.roadmap()  # a master that cannot be used stops here, with the CLI's message and exit code
    Path(out).mkdir(parents=True, exist_ok=True)
    clean_uploads(Path(out))
    app = build_app(konsol)
    url = guard.url()
    if host not in LOOPBACK:
        echo(f"PERINGATAN: konsol terbuka untuk komputer lain di jaringan ({host}:{port}). Siapa pun yang tahu kata "
             "sandinya dapat membaca dan mengirim data periode. Pakai hanya di jaringan kantor yang tepercaya.")

    def started() -> None:  # printed once the port listens, so the address works when it is seen
        echo(f"Konsol rbxl berjalan di: {url}")
        echo(f"Folder hasil: {Path(out).resolve()}; master: {master}")
        echo("Hentikan dengan Ctrl+C di jendela ini.")
        sys.stdout.flush()
        if browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            lifespan="on", server_header=False, date_header=False)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops gracefully on Ctrl+C, then raises it again
        _Server(config, started).run()
    echo("Konsol dihentikan.")


def _server_class():
    import uvicorn

    class Announcing(uvicorn.Server):
        def __init__(self, config, on_started) -> None:
            super().__init__(config)
            self.on_started = on_started

        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if self.started:
                self.on_started()

    return Announcing


def _Server(config, on_started):  # noqa: N802 - uvicorn is imported on first use, not with rbxl.cli
    return _server_class()(config, on_started)
