"""`serve --web-port --tls-cert --tls-key`: https with the teacher's certificate, and a sentence
naming the file when one is missing or unusable; and the browser door's other refusals."""

from __future__ import annotations

import datetime
import ssl

import aiohttp
import pytest
from web_helpers import CODE

from convquest.classroom.server import ClassroomServer, ServeError, ServerConfig


def self_signed(folder):
    """A certificate for 127.0.0.1 and its key, as PEM files (made with asyncssh's cryptography)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def config(tmp_path, **overrides) -> ServerConfig:
    values = dict(data_dir=tmp_path / "data", port=0, web_port=0, class_code=CODE)
    values.update(overrides)
    return ServerConfig(**values)


@pytest.mark.slow
async def test_the_door_serves_https_and_a_secure_cookie(tmp_path):
    cert, key = self_signed(tmp_path)
    server = ClassroomServer(config(tmp_path, tls_cert=cert, tls_key=key))
    await server.start()
    try:
        assert server.web is not None
        trust = ssl.create_default_context(cafile=str(cert))
        url = f"https://127.0.0.1:{server.web.port}"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as client:
            async with client.get(url + "/") as response:
                assert response.status == 200 and 'name="student"' in await response.text()
            data = {"student": "alice", "password": CODE}
            async with client.post(url + "/login", data=data, allow_redirects=False) as response:
                assert response.status == 303
                assert "Secure" in response.headers["Set-Cookie"]
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("which", "said"),
    [("missing cert", "the TLS certificate"), ("missing key", "the TLS private key"), ("wrong file", "cannot use")],
)
def test_a_bad_tls_file_is_named(tmp_path, which, said):
    cert, key = self_signed(tmp_path)
    if which == "missing cert":
        cert = tmp_path / "nope.pem"
    elif which == "missing key":
        key = tmp_path / "nope.pem"
    else:
        key = cert  # a certificate where the key should be
    with pytest.raises(ServeError, match=said) as refused:
        ClassroomServer(config(tmp_path, tls_cert=cert, tls_key=key))
    assert str(cert if which == "missing cert" else key) in str(refused.value)


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("cert without key", "give both --tls-cert and --tls-key"),
        ("tls without the door", "add --web-port"),
        ("keys only", "a browser cannot log in with an SSH key"),
        ("open on the network", "refusing to serve the browser door on 0.0.0.0"),
    ],
)
def test_the_door_refuses_what_it_cannot_serve_safely(tmp_path, case, said):
    keys = tmp_path / "keys"
    keys.mkdir()
    overrides = {
        "cert without key": dict(tls_cert=tmp_path / "cert.pem"),
        "tls without the door": dict(web_port=None, tls_cert=tmp_path / "cert.pem", tls_key=tmp_path / "key.pem"),
        "keys only": dict(class_code=None, authorized_keys=keys),
        "open on the network": dict(class_code=None, web_host="0.0.0.0"),
    }[case]
    with pytest.raises(ServeError, match=said):
        ClassroomServer(config(tmp_path, **overrides))
