"""TLS without a proxy: with ORICOL_TLS_CERT/KEY the real `oricol start` serves HTTPS and WSS on the
gateway port, the official clients work over it (supabase-py, supabase-js with realtime), and SIGHUP
loads a renewed certificate without a restart. The certificates are made here, self-signed."""
from __future__ import annotations

import datetime as dt
import ipaddress
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from oricol.config import ConfigError
from oricol.config.env import Env
from oricol.config.gateway import GatewayConfig
from tests.support.node import run_node
from tests.support.project import project_in_tmp

pytestmark = pytest.mark.system


def write_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, its common name `name`."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    (folder / f"{name}.crt").write_bytes(cert_path.read_bytes())  # a copy the clients trust
    return cert_path, key_path


def served_common_name(port: int, cafile: Path) -> str:
    context = ssl.create_default_context(cafile=str(cafile))
    with context.wrap_socket(__import__("socket").create_connection(("127.0.0.1", port)),
                             server_hostname="127.0.0.1") as sock:
        cert = x509.load_der_x509_certificate(sock.getpeercert(binary_form=True))
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_https_and_wss_with_the_official_clients_and_reload_on_sighup(monkeypatch):
    with project_in_tmp() as project:
        cert, key = write_certificate(project.root, "first")
        project.env.update(ORICOL_TLS_CERT=str(cert), ORICOL_TLS_KEY=str(key))
        project.cli("init")
        url = f"https://127.0.0.1:{project.port}"
        log = open(project.root / "server.log", "ab")
        project.process = subprocess.Popen([sys.executable, "-m", "oricol", "start"], cwd=project.root,
                                           env=project.env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert project.process.poll() is None, project.server_log()
            try:
                trusted = ssl.create_default_context(cafile=str(project.root / "first.crt"))
                if httpx.get(url + "/health", verify=trusted, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        keys = project.keys()
        assert keys["api_url"] == url  # ORICOL_PUBLIC_URL defaults to https with a certificate
        with pytest.raises(httpx.HTTPError):  # plain HTTP is not served on the TLS port
            httpx.get(f"http://127.0.0.1:{project.port}/health", timeout=2).raise_for_status()

        # supabase-py over HTTPS (httpx trusts SSL_CERT_FILE)
        monkeypatch.setenv("SSL_CERT_FILE", str(project.root / "first.crt"))
        from supabase import create_client
        client = create_client(url, keys["anon_key"])
        assert client.table("tickets").select("id").execute().data == []

        # supabase-js over HTTPS, and realtime over WSS
        live = SimpleNamespace(url=url, anon_key=keys["anon_key"], service_role_key=keys["service_role_key"])
        result = run_node("""
const sb = anon();
const rest = await sb.from('tickets').select('id');
const status = await new Promise((resolve) => {
  const channel = sb.channel('tls-room');
  channel.subscribe((s) => { if (s !== 'CLOSED') resolve(s); });
  setTimeout(() => resolve('timeout'), 15000);
});
await sb.removeAllChannels();
out({ rest: rest.error ? rest.error.message : rest.data, realtime: status });
""", live, env={"NODE_EXTRA_CA_CERTS": str(project.root / "first.crt")})
        assert result == {"rest": [], "realtime": "SUBSCRIBED"}

        # A renewed certificate, then SIGHUP: new handshakes present it; the server did not restart.
        assert served_common_name(project.port, project.root / "first.crt") == "first"
        write_certificate(project.root, "second")
        project.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if served_common_name(project.port, project.root / "second.crt") == "second":
                    break
            except ssl.SSLError:
                time.sleep(0.1)
        assert served_common_name(project.port, project.root / "second.crt") == "second"
        assert project.process.poll() is None
        # A broken file on SIGHUP keeps the current certificate.
        key.write_text("not a key")
        project.process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert served_common_name(project.port, project.root / "second.crt") == "second"
        assert "TLS certificate not reloaded" in project.server_log()
        assert project.stop() == 0


def test_tls_settings_are_validated(tmp_path):
    cert, key = write_certificate(tmp_path, "x")
    config = GatewayConfig.from_env(Env({"ORICOL_TLS_CERT": str(cert), "ORICOL_TLS_KEY": str(key)}), None)
    assert config.tls_cert == cert.resolve() and config.tls_key == key.resolve()
    with pytest.raises(ConfigError, match="go together"):
        GatewayConfig.from_env(Env({"ORICOL_TLS_CERT": str(cert)}), None)
    with pytest.raises(ConfigError, match="ORICOL_TLS_KEY: cannot read"):
        GatewayConfig.from_env(Env({"ORICOL_TLS_CERT": str(cert), "ORICOL_TLS_KEY": str(tmp_path / "none")}), None)
