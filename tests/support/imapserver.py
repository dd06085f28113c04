"""A real IMAP server for the tests: Debian's dovecot (``dovecot-imapd``), started in the foreground
on 127.0.0.1 with a configuration of its own in a temporary folder: implicit TLS on a free port
(``port``) and plain IMAP with STARTTLS on another (``plain_port``; dovecot counts loopback as
secure, so it takes a login in clear there too: ``logins()`` tells a TLS login from one in clear),
with a self-signed certificate (made with ``cryptography``), one account from a passwd file, Maildir
storage. Plaintext authentication is allowed (inside TLS, on loopback). Messages are appended over
IMAP, as a mail server's delivery would leave them.

The test process is root on the CI machine: mail is stored as ``nobody`` in a world-writable folder,
and dovecot's own users (``dovecot``, ``dovenull``) come with the package.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imap_tools import MailBox
from imap_tools.errors import MailboxLoginError

from tests.support.crawling import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "hotline", "mat-khau-hop-thu-1"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Dovecot:
    """``with Dovecot() as server:`` a running dovecot; ``stop()`` / ``start()`` take it down and back
    up on the same port with the same mail."""

    def __init__(self) -> None:
        # A short base path: dovecot's unix sockets live under it (108-byte limit).
        self.folder = Path(tempfile.mkdtemp(prefix="pw-imap-", dir="/tmp"))
        self.folder.chmod(0o755)  # dovecot's auth worker runs as the dovecot user and reads the passwd file
        self.port = free_port()
        self.plain_port = free_port()
        self.cert, key = self_signed(self.folder)
        for sub in ("run", "state"):
            (self.folder / sub).mkdir()
        mail = self.folder / "mail"
        mail.mkdir()
        mail.chmod(0o777)
        (self.folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
        (self.folder / "passwd").chmod(0o644)
        (self.folder / "dovecot.conf").write_text(f"""
base_dir = {self.folder}/run
state_dir = {self.folder}/state
log_path = {self.folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 100
mail_location = maildir:{mail}/%u
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {self.plain_port}
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
""", encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.folder / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                with self.mailbox():
                    return
            except (OSError, ssl.SSLError, MailboxLoginError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    log = (self.folder / "dovecot.log")
                    raise RuntimeError("dovecot did not start: " + (log.read_text() if log.exists() else "")) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None

    def logins(self, at_least: int = 0) -> list[str]:
        """The login lines of the log, waiting a little until there are ``at_least`` (each says ``TLS``
        for a login over TLS, ``secured`` for one in clear on loopback)."""
        deadline = time.monotonic() + 5
        while True:
            log = self.folder / "dovecot.log"
            lines = [line for line in (log.read_text(encoding="utf-8") if log.exists() else "").splitlines()
                     if "imap-login: Info: Login:" in line]
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def mailbox(self) -> MailBox:
        box = MailBox("127.0.0.1", self.port, ssl_context=self.context(), timeout=10)
        try:
            return box.login(USER, PASSWORD)
        except MailboxLoginError:
            box.client.shutdown()
            raise

    def append(self, *messages: bytes) -> None:
        with self.mailbox() as box:
            for message in messages:
                box.append(message, "INBOX")

    def __enter__(self) -> Dovecot:
        try:
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
