"""Safe fetching of web pages and feeds.

Every download goes through :func:`fetch`, which only speaks http(s), refuses
addresses on the local network or a cloud's metadata service (checked after DNS
resolution and again on every redirect hop, with the connection pinned to the
checked address so a second DNS answer cannot point it elsewhere), caps the
size before and after decompression, bounds the time, retries transient
failures with backoff, waits politely between requests to one host and honours
robots.txt.
"""
from __future__ import annotations

import email.utils
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterator
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from corpus.config import Settings

FETCH_VERSION = "1"

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512_000
REDIRECT_CODES = {301, 302, 303, 307, 308}
RETRY_CODES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 30.0

# Cloud metadata services: refused even when the private network is allowed,
# because no crawl has a reason to read instance credentials.
METADATA_HOSTS = frozenset({
    "metadata.google.internal", "metadata.goog", "metadata", "instance-data",
    "instance-data.ec2.internal", "metadata.azure.internal", "metadata.packet.net",
})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",      # AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2",        # AWS ECS task metadata
    "169.254.169.123",      # AWS time sync
    "fd00:ec2::254",        # AWS IPv6 metadata
    "100.100.100.200",      # Alibaba Cloud
    "192.0.0.192",          # Oracle Cloud
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A download that failed; ``reason`` says why in words a person understands."""

    def __init__(self, reason: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retryable = retryable


class UnsafeURLError(FetchError):
    """The URL points somewhere corpus refuses to go (scheme, address, robots.txt)."""


@dataclass(slots=True)
class FetchResult:
    url: str                          # the URL as asked for
    final_url: str                    # after redirects
    status: int
    content_type: str | None
    headers: dict[str, str]
    body: bytes
    encoding: str | None              # charset named by the server, if any
    redirects: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ addresses

def _describe(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public one, or None when it is."""
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            why = _describe(embedded)
            if why:
                return why
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a non-public address"
    return None


def _is_metadata(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip in METADATA_ADDRESSES:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped in METADATA_ADDRESSES
    return False


def resolve_safe(host: str, port: int, settings: Settings) -> str:
    """Resolve ``host`` and return the address to connect to, or refuse it.

    Every address the name resolves to must pass, so a name that answers with
    one public and one private address is refused.
    """
    name = host.rstrip(".").lower()
    if name in METADATA_HOSTS:
        raise UnsafeURLError(f"refused: {host} is a cloud metadata host")
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"could not resolve host {host}: {getattr(exc, 'strerror', None) or exc}",
                         retryable=False) from None
    addresses: list[str] = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise FetchError(f"could not resolve host {host}: no address")
    for text in addresses:
        ip = ipaddress.ip_address(text)
        if _is_metadata(ip):
            raise UnsafeURLError(f"refused: {text} is a cloud metadata address")
        why = _describe(ip)
        if why and not settings.allow_private_network:
            shown = text if text == name else f"{host} ({text})"
            raise UnsafeURLError(f"refused: {shown} is {why} (use --allow-private-network)")
    return addresses[0]


def check_url(url: str) -> httpx.URL:
    """Parse a URL and refuse anything but absolute http(s) URLs."""
    try:
        parsed = httpx.URL(url)
    except Exception as exc:  # httpx.InvalidURL and friends
        raise UnsafeURLError(f"refused: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "no scheme"
        raise UnsafeURLError(f"refused: only http and https URLs are fetched, not {shown}")
    if not parsed.host:
        raise UnsafeURLError("refused: URL has no host")
    return parsed


# ------------------------------------------------------------- politeness

class _HostPacer:
    """Keeps at least ``delay`` seconds between the starts of requests to one host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> None:
        if delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + delay
        if start > now:
            time.sleep(start - now)


_PACER = _HostPacer()
_ROBOTS: dict[tuple[str, str, str], RobotFileParser | str] = {}
_ROBOTS_LOCK = threading.Lock()


def clear_caches() -> None:
    """Forget robots.txt answers and pacing (tests, long-running services)."""
    with _ROBOTS_LOCK:
        _ROBOTS.clear()
    with _PACER._lock:
        _PACER._next.clear()


def _robots_allows(url: httpx.URL, settings: Settings, deadline: float) -> None:
    if not settings.respect_robots:
        return
    key = (url.scheme, url.host, str(url.port or ""), )
    with _ROBOTS_LOCK:
        rules = _ROBOTS.get(key)
    if rules is None:
        robots_url = str(url.copy_with(path="/robots.txt", query=None, fragment=None))
        try:
            result = _fetch_once(robots_url, settings, deadline=min(deadline, time.monotonic()
                                                                     + settings.fetch_timeout),
                                 max_bytes=ROBOTS_MAX_BYTES, check_robots=False)
        except UnsafeURLError:
            raise
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                rules = "allow"           # no robots.txt: everything is allowed
            else:
                rules = f"robots.txt could not be read ({exc.reason})"
        else:
            parser = RobotFileParser()
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
            rules = parser
        with _ROBOTS_LOCK:
            _ROBOTS[key] = rules
    if isinstance(rules, str):
        if rules == "allow":
            return
        raise UnsafeURLError(f"refused: {rules}, so the site is treated as closed to crawlers")
    if not rules.can_fetch(_agent_token(settings.user_agent), str(url)):
        raise UnsafeURLError(f"refused: robots.txt of {url.host} disallows {url.path}")


def _agent_token(user_agent: str) -> str:
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


# ------------------------------------------------------------- decompression

class _Decoder:
    """Incremental Content-Encoding decoder that never yields more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        self.total = 0
        self.codings = [c.strip().lower() for c in encoding.split(",")
                        if c.strip() and c.strip().lower() != "identity"]
        for coding in self.codings:
            if coding not in ("gzip", "x-gzip", "deflate", "br"):
                raise FetchError(f"unsupported content encoding {coding!r}")
            if coding == "br" and not _has_brotli():
                raise FetchError("response is brotli-compressed and brotli is not installed")
        self.codings.reverse()     # listed in the order they were applied
        self._objs: list[object | None] = [None] * len(self.codings)

    def _obj(self, i: int, first: bytes) -> object:
        if self._objs[i] is None:
            coding = self.codings[i]
            if coding == "br":
                import brotli  # type: ignore[import-not-found]
                self._objs[i] = brotli.Decompressor()
            elif coding == "deflate":     # servers send zlib-wrapped or raw deflate
                wrapped = bool(first[:1]) and (first[0] & 0x0F) == 8
                self._objs[i] = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            else:
                self._objs[i] = zlib.decompressobj(zlib.MAX_WBITS | 16)
        return self._objs[i]

    def feed(self, data: bytes) -> bytes:
        cap = self.limit - self.total + 1
        for i in range(len(self.codings)):
            if not data:
                break
            obj = self._obj(i, data)
            try:
                if self.codings[i] == "br":
                    data = obj.process(data, output_buffer_limit=cap)  # type: ignore[attr-defined]
                else:
                    tail = obj.unconsumed_tail  # type: ignore[attr-defined]
                    data = obj.decompress(tail + data if tail else data, cap)  # type: ignore[attr-defined]
            except (zlib.error, Exception) as exc:
                if isinstance(exc, FetchError):
                    raise
                raise FetchError(f"compressed response is corrupt ({_short(exc)})") from None
        self.total += len(data)
        if self.total > self.limit:
            raise FetchError(f"response larger than {_size(self.limit)} after decompression")
        return data

    def finish(self) -> None:
        for coding, obj in zip(self.codings, self._objs):
            if obj is None:       # an empty body is empty, whatever its encoding
                continue
            if coding != "br" and not obj.eof:  # type: ignore[attr-defined]
                raise FetchError(f"compressed response is truncated ({coding})")


def _has_brotli() -> bool:
    try:
        import brotli  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"


# ------------------------------------------------------------------ the fetch

@lru_cache(maxsize=64)
def _client(connect: float, read: float, ca_bundle: str | None = None,
            tls_host: str = "") -> httpx.Client:
    """A pooled client. Connections are pooled by address, so HTTPS gets one client per
    host name: a connection verified for one name is never reused for another."""
    timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
    verify: ssl.SSLContext | bool = True
    if ca_bundle:   # extra certificate authorities (a company proxy, a test CA)
        verify = ssl.create_default_context(cafile=ca_bundle)
    # trust_env=False: a proxy from the environment would resolve names itself
    # and bypass the address checks.
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=verify,
                        limits=httpx.Limits(max_connections=32, max_keepalive_connections=8))


def _timeout_reason(settings: Settings) -> str:
    return f"timed out after {settings.fetch_timeout:g} s"


def _fetch_once(url: str, settings: Settings, *, deadline: float,
                max_bytes: int | None = None, check_robots: bool = True,
                pace: bool = True) -> FetchResult:
    """One attempt: follows redirects itself, checking every hop."""
    limit = max_bytes if max_bytes is not None else settings.max_download_bytes
    current = url
    redirects: list[str] = []
    for _hop in range(MAX_REDIRECTS + 1):
        parsed = check_url(current)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        address = resolve_safe(parsed.host, port, settings)
        if check_robots:
            _robots_allows(parsed, settings, deadline)
        if pace:
            _PACER.wait(parsed.host, settings.per_host_delay)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(_timeout_reason(settings), retryable=True)
        pinned = parsed.copy_with(host=address)
        host_header = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
        if ":" in parsed.host and parsed.port is None:
            host_header = f"[{parsed.host}]"
        elif ":" in parsed.host:
            host_header = f"[{parsed.host}]:{parsed.port}"
        headers = {
            "Host": host_header,
            "User-Agent": settings.user_agent,
            "Accept-Encoding": _accept_encoding(),
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
                      "application/rss+xml,application/atom+xml,text/plain;q=0.8,*/*;q=0.5",
        }
        extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
        connect = max(0.1, min(10.0, settings.fetch_timeout, remaining))
        read = max(0.1, min(settings.fetch_timeout, remaining))
        client = _client(round(connect, 1), round(read, 1), settings.extra.get("ca_bundle"),
                         parsed.host if parsed.scheme == "https" else "")
        try:
            request = client.build_request("GET", pinned, headers=headers, extensions=extensions)
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError(_timeout_reason(settings), retryable=True) from None
        except httpx.HTTPError as exc:
            if "location header" in str(exc).lower():
                raise UnsafeURLError(f"refused: the server redirected to an invalid URL "
                                     f"({_short(exc)})") from None
            raise FetchError(f"could not connect to {parsed.host}: {_short(exc)}",
                             retryable=True) from None
        except httpx.InvalidURL as exc:
            # httpx parses a redirect's Location even when it does not follow it
            raise UnsafeURLError(f"refused: the server redirected to an invalid URL "
                                 f"({_short(exc)})") from None
        except Exception as exc:   # a hostile server must never crash the caller
            raise FetchError(f"the server's answer could not be read "
                             f"({type(exc).__name__}: {_short(exc)})") from None
        try:
            status = response.status_code
            if status in REDIRECT_CODES and response.headers.get("location"):
                location = urljoin(current, response.headers["location"])
                redirects.append(location)
                current = location
                continue
            if status >= 400:
                # the standard phrase, not the server's: a hostile server could send anything
                phrase = httpx.codes.get_reason_phrase(status) or "error"
                error = FetchError(f"HTTP {status} {phrase}".strip(), status=status,
                                   retryable=status in RETRY_CODES)
                error.retry_after = _retry_after(response.headers.get("retry-after"))  # type: ignore[attr-defined]
                raise error
            body = _read_body(response, limit, deadline, settings)
            content_type = response.headers.get("content-type")
            return FetchResult(
                url=url, final_url=current, status=status,
                content_type=content_type.split(";", 1)[0].strip().lower() if content_type else None,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=body, encoding=response.charset_encoding, redirects=redirects)
        finally:
            response.close()
    raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")


def _read_body(response: httpx.Response, limit: int, deadline: float,
               settings: Settings) -> bytes:
    declared = response.headers.get("content-length")
    encoding = response.headers.get("content-encoding", "identity")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise FetchError(f"response larger than {_size(limit)} "
                         f"(server announced {_size(int(declared))})")
    decoder = _Decoder(encoding, limit)
    parts: list[bytes] = []
    raw_total = 0
    try:
        for chunk in _raw_chunks(response):
            raw_total += len(chunk)
            if raw_total > limit:
                raise FetchError(f"response larger than {_size(limit)}")
            if time.monotonic() > deadline:
                raise FetchError(_timeout_reason(settings), retryable=True)
            parts.append(decoder.feed(chunk))
        decoder.finish()
    except httpx.TimeoutException:
        raise FetchError(_timeout_reason(settings), retryable=True) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"download interrupted: {_short(exc)}", retryable=True) from None
    except (httpx.StreamError, ValueError, EOFError) as exc:
        raise FetchError(f"download could not be read ({type(exc).__name__}: {_short(exc)})") from None
    return b"".join(parts)


def _raw_chunks(response: httpx.Response) -> Iterator[bytes]:
    yield from response.iter_raw()   # as the bytes arrive, so the deadline is checked often


def _accept_encoding() -> str:
    return "gzip, deflate, br" if _has_brotli() else "gzip, deflate"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _short(exc: Exception) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:200]


def fetch(url: str, settings: Settings) -> FetchResult:
    """Download ``url`` safely; raises :class:`FetchError` with a readable reason.

    Timeouts, connection failures, 429 and 5xx answers are retried
    ``settings.fetch_retries`` times with exponential backoff; other 4xx are not.
    """
    backoff = float(settings.extra.get("retry_backoff", 1.0))
    attempts = max(0, settings.fetch_retries) + 1
    for attempt in range(attempts):
        deadline = time.monotonic() + settings.fetch_timeout
        try:
            return _fetch_once(url, settings, deadline=deadline)
        except UnsafeURLError:
            raise
        except FetchError as exc:
            if not exc.retryable or attempt == attempts - 1:
                if attempt:
                    exc.reason = f"{exc.reason} (after {attempt + 1} attempts)"
                    exc.args = (exc.reason,)
                raise
            wait = backoff * (2 ** attempt)
            hinted = getattr(exc, "retry_after", None)
            if hinted is not None:
                wait = max(wait, min(hinted, MAX_RETRY_AFTER))
            time.sleep(wait)
    raise AssertionError("unreachable")
