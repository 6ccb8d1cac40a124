"""Safe fetching against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import gzip
import os
import socket
import threading
import time
import zlib

import pytest

from corpus.config import Settings
from corpus.ingest import fetch as fetch_module
from corpus.ingest.fetch import FetchError, UnsafeURLError, fetch
from hostile.httpserver import LocalServer, send

PAGE = b"<html><head><title>Joint operation</title></head><body><p>Europol and Interpol.</p></body></html>"


def _slow(handler):
    time.sleep(2.0)
    send(handler, 200, b"late")


def _trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(20):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.2)


def _stream_forever(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()          # no Content-Length: read until the cap
    for _ in range(10_000):
        handler.wfile.write(b"y" * 65_536)


@pytest.fixture(scope="module")
def server():
    bomb = gzip.compress(b"\0" * 60_000_000, compresslevel=9)
    random_gz = gzip.compress(os.urandom(200_000))
    srv = LocalServer()
    srv.routes.update({
        "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/page": lambda h: send(h, 200, PAGE),
        "/latin1": lambda h: send(h, 200, "Caf\u00e9".encode("latin-1"), "text/html; charset=ISO-8859-1"),
        "/private/page": lambda h: send(h, 200, PAGE),
        "/gzip": lambda h: send(h, 200, gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}),
        "/deflate": lambda h: send(h, 200, zlib.compress(PAGE), headers={"Content-Encoding": "deflate"}),
        "/raw-deflate": lambda h: send(h, 200, _raw_deflate(PAGE),
                                       headers={"Content-Encoding": "deflate"}),
        "/bomb": lambda h: send(h, 200, bomb, headers={"Content-Encoding": "gzip"}),
        "/truncated-gzip": lambda h: send(h, 200, random_gz[: len(random_gz) // 2],
                                          headers={"Content-Encoding": "gzip"}),
        "/not-gzip": lambda h: send(h, 200, b"plain text, says gzip", headers={"Content-Encoding": "gzip"}),
        "/huge-declared": lambda h: send(h, 200, b"", headers={"Content-Length": "999999999"}),
        "/endless": _stream_forever,
        "/slow": _slow,
        "/trickle": _trickle,
        "/503": lambda h: send(h, 503, b"busy"),
        "/429": lambda h: send(h, 429, b"slow down", headers={"Retry-After": "0"}),
        "/404": lambda h: send(h, 404, b"gone"),
        "/403": lambda h: send(h, 403, b"no"),
        "/redirect": lambda h: send(h, 302, headers={"Location": "/page"}),
        "/redirect-chain": lambda h: send(h, 301, headers={"Location": "/redirect"}),
        "/loop": lambda h: send(h, 302, headers={"Location": "/loop"}),
        "/to-metadata": lambda h: send(h, 302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/to-file": lambda h: send(h, 302, headers={"Location": "file:///etc/passwd"}),
        "/to-private-ip": lambda h: send(h, 302, headers={"Location": "http://10.1.2.3/"}),
        "/to-javascript": lambda h: send(h, 301, headers={"Location": "javascript:x"}),
        "/to-garbage": lambda h: send(h, 302, headers={"Location": "http://[::1"}),
    })
    srv.start()
    yield srv
    srv.stop()


def _raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(wbits=-15)
    return obj.compress(data) + obj.flush()


@pytest.fixture
def allow():
    """Settings for the local server: private network allowed, no politeness delay."""
    fetch_module.clear_caches()
    return Settings(allow_private_network=True, per_host_delay=0.0, fetch_timeout=5.0,
                    max_download_bytes=1_000_000, fetch_retries=2,
                    extra={"retry_backoff": 0.01})


def test_fetches_a_page_with_a_polite_user_agent(server, allow):
    result = fetch(server.url("/page"), allow)
    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html"
    assert result.encoding == "utf-8"
    assert result.final_url == server.url("/page")
    seen = server.headers["/page"]
    assert seen["user-agent"] == allow.user_agent
    assert seen["host"] == f"127.0.0.1:{server.port}"


def test_reports_the_servers_charset(server, allow):
    result = fetch(server.url("/latin1"), allow)
    assert result.encoding == "iso-8859-1"
    assert result.body.decode(result.encoding) == "Caf\u00e9"


def test_loopback_is_refused_by_default(server):
    fetch_module.clear_caches()
    before = server.hits.get("/page", 0)
    with pytest.raises(UnsafeURLError) as info:
        fetch(server.url("/page"), Settings(per_host_delay=0))
    assert info.value.reason == ("refused: 127.0.0.1 is a loopback address "
                                 "(use --allow-private-network)")
    assert server.hits.get("/page", 0) == before  # no request left the process


@pytest.mark.parametrize("url, why", [
    ("http://localhost/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://0x7f.1/", "loopback"),           # 127.0.0.1 spelled as inet_aton allows
    ("http://2130706433/", "loopback"),
    ("http://10.0.0.8/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://224.0.0.1/", "multicast"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://100.64.0.1/", "non-public"),
])
def test_local_addresses_are_refused(url, why):
    with pytest.raises(UnsafeURLError) as info:
        fetch(url, Settings(per_host_delay=0, fetch_timeout=1))
    assert why in info.value.reason
    assert "--allow-private-network" in info.value.reason


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::ffff:169.254.169.254]/",
])
def test_cloud_metadata_is_refused_even_when_private_network_is_allowed(url, allow):
    with pytest.raises(UnsafeURLError) as info:
        fetch(url, allow)
    assert "metadata" in info.value.reason


@pytest.mark.parametrize("url, scheme", [
    ("file:///etc/passwd", "file"), ("ftp://example.org/x", "ftp"),
    ("gopher://example.org/", "gopher"), ("javascript:alert(1)", "javascript"),
])
def test_only_http_and_https(url, scheme, allow):
    with pytest.raises(UnsafeURLError) as info:
        fetch(url, allow)
    assert info.value.reason == f"refused: only http and https URLs are fetched, not {scheme}"


def test_every_redirect_hop_is_checked(server, allow):
    with pytest.raises(UnsafeURLError, match="cloud metadata address"):
        fetch(server.url("/to-metadata"), allow)
    with pytest.raises(UnsafeURLError, match="not file"):
        fetch(server.url("/to-file"), allow)
    with pytest.raises(UnsafeURLError, match="redirected to an invalid URL|not javascript"):
        fetch(server.url("/to-javascript"), allow)
    with pytest.raises(UnsafeURLError, match="invalid URL"):
        fetch(server.url("/to-garbage"), allow)
    # a public page redirecting to a private address: the hop is refused by default


def test_a_redirect_to_a_private_address_is_refused(server, monkeypatch):
    """Pretend 127.0.0.1 is public, so only the redirect's target is judged."""
    real = fetch_module._describe
    monkeypatch.setattr(fetch_module, "_describe",
                        lambda ip: None if str(ip) == "127.0.0.1" else real(ip))
    fetch_module.clear_caches()
    with pytest.raises(UnsafeURLError) as info:
        fetch(server.url("/to-private-ip"), Settings(per_host_delay=0, fetch_timeout=1))
    assert info.value.reason == "refused: 10.1.2.3 is a private address (use --allow-private-network)"
    assert server.hits["/to-private-ip"] >= 1


def test_redirects_are_followed_up_to_five(server, allow):
    result = fetch(server.url("/redirect-chain"), allow)
    assert result.body == PAGE
    assert result.final_url == server.url("/page")
    assert result.redirects == [server.url("/redirect"), server.url("/page")]
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetch(server.url("/loop"), allow)


def test_connection_is_pinned_to_the_checked_address(server, allow, monkeypatch):
    """The name is resolved once, checked, and the connection goes to that address."""
    real = socket.getaddrinfo
    calls = []

    def fake(host, port, *args, **kwargs):
        calls.append(host)
        if host == "rebind.test":
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    result = fetch(f"http://rebind.test:{server.port}/page", allow)
    assert result.body == PAGE
    assert server.headers["/page"]["host"] == f"rebind.test:{server.port}"
    # robots.txt and the page: one resolution each, none by the HTTP library
    assert calls.count("rebind.test") == 2


def test_a_name_with_any_private_answer_is_refused(monkeypatch):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(UnsafeURLError) as info:
        fetch("http://split-horizon.test/", Settings(per_host_delay=0))
    assert info.value.reason == ("refused: split-horizon.test (10.0.0.7) is a private address "
                                 "(use --allow-private-network)")


def test_unknown_host_is_a_readable_error(allow):
    with pytest.raises(FetchError, match="could not resolve host no-such-host.invalid"):
        fetch("http://no-such-host.invalid/", allow)


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_responses_are_decoded(server, allow, path):
    assert fetch(server.url(path), allow).body == PAGE


def test_decompression_bomb_is_capped(server, allow):
    with pytest.raises(FetchError) as info:
        fetch(server.url("/bomb"), allow)
    assert info.value.reason == "response larger than 1 MB after decompression"


def test_corrupt_and_truncated_compression(server, allow):
    with pytest.raises(FetchError, match="truncated"):
        fetch(server.url("/truncated-gzip"), allow.replace(max_download_bytes=10_000_000))
    with pytest.raises(FetchError, match="compressed response is corrupt"):
        fetch(server.url("/not-gzip"), allow)


def test_size_cap_before_and_while_streaming(server, allow):
    with pytest.raises(FetchError) as info:
        fetch(server.url("/huge-declared"), allow)
    assert info.value.reason == "response larger than 1 MB (server announced 1000 MB)"
    with pytest.raises(FetchError) as info:
        fetch(server.url("/endless"), allow)
    assert info.value.reason == "response larger than 1 MB"


def test_timeouts_are_retried_then_reported(server, allow):
    # robots.txt off: on a loaded CI machine its own fetch could time out first
    settings = allow.replace(fetch_timeout=0.5, fetch_retries=1, respect_robots=False)
    before = server.hits.get("/slow", 0)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(server.url("/slow"), settings)
    assert info.value.reason == "timed out after 0.5 s (after 2 attempts)"
    assert server.hits["/slow"] - before == 2
    assert time.monotonic() - started < 6


def test_total_time_is_bounded_for_a_trickling_server(server, allow):
    settings = allow.replace(fetch_timeout=1.0, fetch_retries=0, respect_robots=False)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 1 s"):
        fetch(server.url("/trickle"), settings)
    assert time.monotonic() - started < 3.5      # the trickle alone would take 4 s


def test_5xx_and_429_are_retried_4xx_are_not(server, allow):
    for path, reason in [("/503", "HTTP 503 Service Unavailable (after 3 attempts)"),
                         ("/429", "HTTP 429 Too Many Requests (after 3 attempts)")]:
        before = server.hits.get(path, 0)
        with pytest.raises(FetchError) as info:
            fetch(server.url(path), allow)
        assert info.value.reason == reason
        assert server.hits[path] - before == 3
    for path, reason in [("/404", "HTTP 404 Not Found"), ("/403", "HTTP 403 Forbidden")]:
        before = server.hits.get(path, 0)
        with pytest.raises(FetchError) as info:
            fetch(server.url(path), allow)
        assert info.value.reason == reason
        assert info.value.status == int(path[1:])
        assert server.hits[path] - before == 1


def test_robots_txt_is_respected_and_cached(server, allow):
    before = server.hits.get("/robots.txt", 0)
    with pytest.raises(UnsafeURLError) as info:
        fetch(server.url("/private/page"), allow)
    assert info.value.reason == "refused: robots.txt of 127.0.0.1 disallows /private/page"
    fetch(server.url("/page"), allow)
    fetch(server.url("/gzip"), allow)
    assert server.hits["/robots.txt"] - before == 1
    assert fetch(server.url("/private/page"), allow.replace(respect_robots=False)).body == PAGE


def test_missing_robots_txt_allows_everything(allow):
    srv = LocalServer(routes={"/page": lambda h: send(h, 200, PAGE)}).start()
    try:
        assert fetch(srv.url("/page"), allow).body == PAGE
        assert srv.hits["/robots.txt"] == 1
    finally:
        srv.stop()


def test_per_host_delay_holds_across_threads(server, allow):
    settings = allow.replace(per_host_delay=0.25)
    fetch(server.url("/page"), settings)          # robots.txt fetched and cached
    started = time.monotonic()
    threads = [threading.Thread(target=fetch, args=(server.url("/page"), settings))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # four requests to one host, 0.25 s apart: the last starts >= 0.75 s after the first
    assert time.monotonic() - started >= 0.7


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 whose certificate names secure.test, signed by a test CA."""
    crypto = pytest.importorskip("cryptography")  # noqa: F841
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    now = datetime.datetime.now(datetime.timezone.utc)

    def cert(subject, issuer, key, signer, *, ca):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("secure.test")]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "corpus test CA")])
    ca_cert = cert(ca_name, ca_name, ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure.test")]), ca_name,
                key, ca_key, ca=False)
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    srv = LocalServer(routes={"/page": lambda h: send(h, 200, PAGE)}).start()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf.pem", folder / "leaf.key")
    srv._server.socket = context.wrap_socket(srv._server.socket, server_side=True)
    yield srv, str(folder / "ca.pem")
    srv.stop()


def test_https_is_pinned_and_still_verifies_the_certificate_name(tls_server, allow, monkeypatch):
    srv, ca = tls_server
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: real(
        "127.0.0.1" if host in ("secure.test", "other.test") else host, port, *a, **k))
    settings = allow.replace(respect_robots=False, extra={**allow.extra, "ca_bundle": ca})
    result = fetch(f"https://secure.test:{srv.port}/page", settings)
    assert result.body == PAGE
    assert srv.headers["/page"]["host"] == f"secure.test:{srv.port}"
    # the same address under a name the certificate does not carry is refused
    with pytest.raises(FetchError, match="certificate verify failed"):
        fetch(f"https://other.test:{srv.port}/page", settings)
    # and without the test CA, the certificate is not trusted at all
    with pytest.raises(FetchError, match="certificate verify failed"):
        fetch(f"https://secure.test:{srv.port}/page", allow.replace(respect_robots=False))
