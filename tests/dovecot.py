"""A real Dovecot IMAP server for tests and benchmarks, started as its own foreground process.

Everything lives in one temporary folder T: the config (T/dovecot.conf), a passwd-file user,
the maildir, run/state folders, the log and, for IMAPS/STARTTLS, a self-signed certificate made
here with the `cryptography` package. The server listens on 127.0.0.1 only, on free ports, and
is stopped by its own PID. Facts measured for running it this way: shared/reference/real-servers.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

USER, PASSWORD = "organisasi", "rahasia-uji"
MAIL_UID = 65534  # userdb uid: Dovecot refuses uid 0


def binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (cert.pem, key.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Dovecot:
    """`with Dovecot() as d:` a running server; d.port (plain/STARTTLS), d.ssl_port (IMAPS), d.cert.

    Its folder is made here under /tmp with mode 0755: Dovecot's auth and imap processes run as
    other users and need to traverse it (pytest's tmp_path parents are 0700).
    """

    def __init__(self, root: Path | None = None):
        import tempfile

        self.own = root is None
        self.root = Path(tempfile.mkdtemp(prefix="rbxl-dovecot-")) if root is None else Path(root)
        self.root.chmod(0o755)
        self.port = _free_port()
        self.ssl_port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.cert: Path | None = None

    def write_config(self) -> Path:
        t = self.root
        for sub in ("run", "state", "mail"):
            (t / sub).mkdir(parents=True, exist_ok=True)
        self.cert, key = make_certificate(t)
        (t / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::::\n")
        conf = f"""protocols = imap
listen = 127.0.0.1
base_dir = {t}/run
state_dir = {t}/state
log_path = {t}/dovecot.log
info_log_path = {t}/dovecot.log
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{t}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {t}/passwd
}}
userdb {{
  driver = static
  args = uid={MAIL_UID} gid={MAIL_UID} home={t}/mail/%u
}}
first_valid_uid = 1
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = {self.ssl_port}
  }}
}}
service anvil {{
  chroot =
}}
"""
        path = t / "dovecot.conf"
        path.write_text(conf)
        os.chown(t / "mail", MAIL_UID, MAIL_UID)
        return path

    def start(self) -> Dovecot:
        exe = binary()
        if exe is None:
            raise RuntimeError("dovecot not installed")
        conf = self.root / "dovecot.conf"
        if not conf.exists():
            self.write_config()
        self.proc = subprocess.Popen([exe, "-c", str(conf), "-F"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.proc.stderr.read().decode(errors='replace')}\n"
                                   f"{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on 127.0.0.1:{self.port}\n{self.log()}")

    def stop(self) -> None:
        """SIGTERM to the master: it ends its imap processes too, so open sessions drop."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        # its children (imap, imap-login) share the session: make sure none keeps serving
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, messages: list[bytes], folder: str = "INBOX",
               when: dt.datetime | None = None) -> None:
        """Fill the mailbox the way a mail server would: IMAP APPEND of whole messages."""
        conn = self.client()
        try:
            if folder != "INBOX":
                conn.create(folder)
            stamp = imaplib.Time2Internaldate((when or dt.datetime.now(dt.UTC)).timestamp())
            for raw in messages:
                typ, data = conn.append(folder, None, stamp, raw)
                assert typ == "OK", data
        finally:
            conn.logout()

    def settings(self, security: str = "none", **kw):
        from rbxl.mail.config import ImapSettings

        port = self.ssl_port if security == "ssl" else self.port
        return ImapSettings(host="127.0.0.1", port=port, security=security, user=USER, password=PASSWORD,
                            cafile=str(self.cert) if security != "none" else "", timeout=10, **kw)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.own:
            shutil.rmtree(self.root, ignore_errors=True)
