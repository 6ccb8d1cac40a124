"""sources -> documents: read, clean, detect language, dedup, and store in batches.

Every leaf input (a file, a record of a record file, a URL, a feed item) ends in
exactly one place: ``documents``, ``rejected``, or skipped because it was already
read with the same fingerprint. Each batch is written in one transaction, so a run
that crashes can simply be run again.

In folders, hidden files and folders (``.name``) and ``README*`` / ``LICENSE*``
files are skipped: they describe a corpus, they are not part of it. Symbolic
links that lead out of the folder are not followed.
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence
from urllib.parse import urlsplit

from corpus import store
from corpus.config import Settings
from corpus.ingest import dedup
from corpus.ingest.clean import candidate_lines, clean_text, count_lines, host_of
from corpus.ingest.feeds import FeedItem, parse_feed
from corpus.ingest.language import detect_language
from corpus.ingest.readers import (GZIP_MAGIC, InputError, ParseError, RawDocument,
                                   gunzip, parse_date, read_document, sniff)
from corpus.ingest.recordfiles import read_records
from corpus.records import Document, Rejection, stable_id
from corpus.store import ingest as ingest_store

INGEST_VERSION = "ingest-1"
log = logging.getLogger(__name__)

# fewer words than this after cleaning is not an article
MIN_DOCUMENT_WORDS = 25
# a feed item whose link cannot be fetched is still used when it carries this many words
MIN_FEED_CONTENT_WORDS = 60
SKIPPED_NAMES = ("readme", "license", "licence")

Progress = Callable[[str, int, int], None]


@dataclass
class IngestSummary:
    """Counts of one ingest run: inputs = documents_added + rejected + skipped_unchanged;
    ``duplicates`` are documents_added that point to a kept document."""

    inputs: int = 0
    documents_added: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped_unchanged: int = 0
    non_english: int = 0
    truncated: int = 0
    boilerplate_lines_removed: int = 0
    notes: list[str] = field(default_factory=list)

    def format(self) -> str:
        lines = [f"ingest: {self.inputs} inputs -> {self.documents_added} documents added "
                 f"({self.duplicates} duplicates, {self.non_english} not in English), "
                 f"{self.rejected} rejected, {self.skipped_unchanged} unchanged and skipped"]
        if self.boilerplate_lines_removed:
            lines.append(f"  {self.boilerplate_lines_removed} boilerplate lines removed")
        if self.truncated:
            lines.append(f"  {self.truncated} documents truncated to the maximum length")
        lines.extend(f"  note: {n}" for n in self.notes[:20])
        if len(self.notes) > 20:
            lines.append(f"  ... and {len(self.notes) - 20} more notes")
        return "\n".join(lines)


@dataclass(slots=True)
class _Seen:
    """A container (record file, feed file) fully read: mark it with its fingerprint."""

    source: str
    fingerprint: str


@dataclass(slots=True)
class _Skipped:
    count: int


Item = RawDocument | Rejection | _Seen | _Skipped


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def _file_fingerprint(path: Path, stat: os.stat_result, data: bytes | None = None) -> str:
    digest = hashlib.blake2b(data if data is not None else path.read_bytes(),
                             digest_size=12).hexdigest()
    return f"{stat.st_size}:{stat.st_mtime_ns}:{digest}"


def _unchanged(stored: str | None, stat: os.stat_result, path: Path) -> tuple[bool, bytes | None]:
    """(unchanged?, the file's bytes when they had to be read to tell)."""
    if stored is None:
        return False, None
    if stored.startswith(f"{stat.st_size}:{stat.st_mtime_ns}:"):
        return True, None
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=12).hexdigest()
    return stored.split("|n=")[0].split(":")[2] == digest, data


def _count_suffix(fingerprint: str | None) -> int:
    """Record and feed files store how many inputs they hold after '|n='."""
    if fingerprint and "|n=" in fingerprint:
        return int(fingerprint.rsplit("|n=", 1)[1])
    return 1


def _walk(folder: Path) -> Iterator[Path | Rejection]:
    """Files under ``folder``, sorted; symbolic links that lead outside it are not followed."""
    top = folder.resolve()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            lower = name.lower()
            if name.startswith(".") or lower.startswith(SKIPPED_NAMES):
                continue
            path = Path(root) / name
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                yield Rejection(str(path), "ingest", "a symbolic link that leads out of the "
                                "folder given: not followed")
                continue
            yield path


class _Reader:
    """Expands the user's sources into items, skipping what was already read."""

    def __init__(self, con: store.Connection, settings: Settings, summary: IngestSummary):
        self.con = con
        self.settings = settings
        self.summary = summary

    # ------------------------------------------------------------ dispatch
    def items(self, sources: Sequence[str]) -> Iterator[Item]:
        for source in sources:
            source = str(source)
            if _is_url(source):
                yield from self._url(source)
                continue
            path = Path(source)
            if path.is_dir():
                for file in _walk(path):
                    if isinstance(file, Rejection):
                        yield file
                    else:
                        yield from self._file(file)
            elif path.is_file():
                yield from self._file(path)
            elif "://" in source:
                yield Rejection(source, "ingest", "unsupported URL scheme (only http and https)")
            else:
                yield Rejection(source, "ingest", "no such file or folder")

    # ------------------------------------------------------------ files
    def _file(self, path: Path) -> Iterator[Item]:
        source = str(path)
        try:
            stat = path.stat()
        except OSError as exc:
            yield Rejection(source, "ingest", f"cannot read the file ({exc.strerror})")
            return
        if stat.st_size > self.settings.max_download_bytes:
            yield Rejection(source, "ingest", f"file larger than the "
                            f"{self.settings.max_download_bytes / 1_000_000:g} MB limit")
            return
        stored = ingest_store.fingerprints_of(self.con, [source]).get(source)
        unchanged, data = _unchanged(stored, stat, path)
        if unchanged:
            yield _Skipped(_count_suffix(stored))
            return
        try:
            data = data if data is not None else path.read_bytes()
        except OSError as exc:
            yield Rejection(source, "ingest", f"cannot read the file ({exc.strerror})")
            return
        fingerprint = _file_fingerprint(path, stat, data)
        for item in self._bytes(data, source=source, url=None, kind="file", name=path.name,
                                fingerprint=fingerprint):
            yield item
            if isinstance(item, Rejection) and item.source == source:
                yield _Seen(source, fingerprint)   # unchanged, it would be rejected again

    def _bytes(self, data: bytes, *, source: str, url: str | None, kind: str, name: str,
               fingerprint: str | None, content_type: str | None = None,
               encoding: str | None = None) -> Iterator[Item]:
        """A file's or a download's bytes: a container of many inputs, or one document."""
        try:
            if data[:2] == GZIP_MAGIC:
                data = gunzip(data, self.settings.max_download_bytes)
                name = name[:-3] if name.lower().endswith(".gz") else name
            form = sniff(data, name, content_type)
        except InputError as exc:
            yield Rejection(source, exc.stage, str(exc))
            return
        if form in ("jsonl", "csv"):
            yield from self._record_file(data, source, form, fingerprint)
        elif form == "feed":
            yield from self._feed(data, source, fingerprint)
        else:
            try:
                doc = read_document(data, source=source, url=url, kind=kind, name=name,
                                    content_type=content_type, encoding=encoding,
                                    max_bytes=self.settings.max_download_bytes)
            except InputError as exc:
                yield Rejection(source, exc.stage, str(exc))
                return
            except RecursionError:
                yield Rejection(source, "parse", "markup nested too deeply to read")
                return
            except Exception as exc:  # a parser's bug on strange input must not stop the run
                log.warning("reading %s failed", source, exc_info=True)
                yield Rejection(source, "parse", f"could not be read ({type(exc).__name__}: "
                                f"{str(exc)[:200]})")
                return
            doc.fingerprint = fingerprint
            yield doc

    # ------------------------------------------------------------ record files
    def _record_file(self, data: bytes, source: str, form: str,
                     fingerprint: str | None) -> Iterator[Item]:
        try:
            records = read_records(data, source, form)
        except InputError as exc:
            yield Rejection(source, exc.stage, str(exc))
            return
        if not records:
            yield Rejection(source, "parse", f"the {form.upper()} file holds no records")
            return
        stored = ingest_store.fingerprints_of(self.con, [r.source for r in records])
        new = [r for r in records if stored.get(r.source) != r.fingerprint]
        yield _Skipped(len(records) - len(new))
        # boilerplate statistics over the whole file, added to what earlier runs saw
        lines = {r.source: candidate_lines(str(r.fields.get("text") or ""))
                 for r in new if r.fields}
        pairs = [(str(r.fields.get("url") or ""), lines[r.source]) for r in new if r.fields]
        file_counts = count_lines(pairs)
        hosts = Counter(host_of(url) for url, _ in pairs)
        stored_lines = ingest_store.host_line_counts(self.con, file_counts.keys())
        stored_hosts = ingest_store.host_doc_counts(self.con, hosts)
        frequent: dict[str, dict[int, int]] = {}
        for (host, line), n in file_counts.items():
            frequent.setdefault(host, {})[line] = n + stored_lines.get((host, line), 0)
        for record in new:
            if record.fields is None:
                yield Rejection(record.source, "parse", record.problem or "unreadable record")
                continue
            fields = record.fields
            text = fields.get("text")
            if not isinstance(text, str) or not text.strip():
                yield Rejection(record.source, "ingest", "the record has no text")
                continue
            url = str(fields.get("url") or "").strip() or None
            host = host_of(url)
            yield RawDocument(
                source=record.source, url=url,
                title=(str(fields["title"]).strip() or None) if fields.get("title") else None,
                published=parse_date(fields.get("published")), text=text, kind="records",
                site=(str(fields.get("source")).strip() or None) if fields.get("source") else None,
                fingerprint=record.fingerprint, frequent_lines=frequent.get(host, {}),
                host_docs=hosts[host] + stored_hosts.get(host, 0),
                line_hashes=lines[record.source])
        if fingerprint:
            yield _Seen(source, f"{fingerprint}|n={len(records)}")

    # ------------------------------------------------------------ feeds
    def _feed(self, data: bytes, source: str, fingerprint: str | None) -> Iterator[Item]:
        try:
            items = parse_feed(data)
        except InputError as exc:
            yield Rejection(source, exc.stage, str(exc))
            return
        if not items:
            yield Rejection(source, "parse", "the feed has no items")
            return
        keys = [item.link or f"{source}#{item.guid or i}" for i, item in enumerate(items, 1)]
        stored = ingest_store.fingerprints_of(self.con, keys)
        for key, item in zip(keys, items):
            if key in stored:
                yield _Skipped(1)
                continue
            yield from self._feed_item(key, item)
        if fingerprint:
            yield _Seen(source, f"{fingerprint}|n={len(items)}")

    def _feed_item(self, key: str, item: FeedItem) -> Iterator[Item]:
        problem = None
        if item.link and _is_url(item.link):
            for result in self._download(item.link):
                if isinstance(result, Rejection):
                    problem = result.reason
                    continue
                if isinstance(result, RawDocument):
                    result.kind = "feed"
                    result.title = result.title or item.title
                    result.published = result.published or item.published
                yield result
            if problem is None:
                return
        elif item.link:
            problem = f"the item's link is not an http(s) URL ({item.link[:80]})"
        else:
            problem = "the item has no link"
        words = len(item.content.split())
        if words >= MIN_FEED_CONTENT_WORDS:
            self.summary.notes.append(f"{key}: used the feed item's own text ({words} words) "
                                      f"because {problem}")
            yield RawDocument(source=key, url=item.link, title=item.title,
                              published=item.published, text=item.content, kind="feed",
                              fingerprint="feed-content",
                              note="text from the feed item, the page was not fetched")
        else:
            yield Rejection(key, "fetch", f"{problem}; the feed item itself carries too "
                            f"little text ({words} words)")

    # ------------------------------------------------------------ URLs
    def _url(self, url: str) -> Iterator[Item]:
        if url in ingest_store.fingerprints_of(self.con, [url]):
            yield _Skipped(1)
            return
        yield from self._download(url)

    def _download(self, url: str) -> Iterator[Item]:
        from corpus.ingest.fetch import FetchError, fetch

        try:
            result = fetch(url, self.settings)
        except FetchError as exc:
            yield Rejection(url, "fetch", exc.reason)
            return
        if result.status >= 400:
            yield Rejection(url, "fetch", f"the server answered HTTP {result.status}")
            return
        name = urlsplit(result.final_url).path
        fingerprint = "url:" + hashlib.blake2b(result.body, digest_size=12).hexdigest()
        for item in self._bytes(result.body, source=url, url=result.final_url, kind="url",
                                name=name, fingerprint=fingerprint,
                                content_type=result.content_type, encoding=result.encoding):
            if isinstance(item, _Seen) and item.source == url:
                continue   # a feed or record URL is read again next time: it changes
            yield item


# ---------------------------------------------------------------- batches

def _truncate(text: str, limit: int) -> str:
    cut = text.rfind("\n\n", 0, limit)
    return text[:cut if cut > limit // 2 else limit].rstrip()


class _Batcher:
    """Cleans, dedups and writes one batch of items in one transaction."""

    def __init__(self, con: store.Connection, settings: Settings, summary: IngestSummary):
        self.con = con
        self.settings = settings
        self.summary = summary
        self.run_hashes: dict[str, str] = {}
        self.index = dedup.NearDuplicateIndex()

    def write(self, items: list[Item]) -> None:
        documents: list[Document] = []
        rejections: list[Rejection] = []
        seen: list[tuple[str, str]] = []
        line_counts: Counter = Counter()
        host_counts: Counter = Counter()
        for item in items:
            if isinstance(item, _Skipped):
                self.summary.skipped_unchanged += item.count
                self.summary.inputs += item.count
            elif isinstance(item, _Seen):
                seen.append((item.source, item.fingerprint))
            elif isinstance(item, Rejection):
                rejections.append(item)
            else:
                outcome = self._document(item)
                if isinstance(outcome, Rejection):
                    rejections.append(outcome)
                else:
                    documents.append(outcome)
                if item.kind == "records":
                    host = host_of(item.url)
                    host_counts[host] += 1
                    hashes = item.line_hashes
                    line_counts.update((host, h) for h in (
                        hashes if hashes is not None else candidate_lines(item.text)))
                if item.fingerprint and (item.kind in ("records", "file")
                                         or isinstance(outcome, Document)):
                    seen.append((item.source, item.fingerprint))
        signatures = self._dedup(documents)
        self.summary.inputs += len(documents) + len(rejections)
        self.summary.documents_added += len(documents)
        self.summary.duplicates += sum(d.duplicate_of is not None for d in documents)
        self.summary.rejected += len(rejections)
        self.summary.non_english += sum(d.language not in (None, "en") for d in documents)
        self.con.execute("BEGIN TRANSACTION")
        try:
            ingest_store.replace_documents(self.con, [d.doc_id for d in documents])
            ingest_store.clear_rejections(self.con, [d.source for d in documents])
            store.write_documents(self.con, documents)
            store.mark_stage_done(self.con, "ingest", INGEST_VERSION, [d.doc_id for d in documents])
            store.write_rejections(self.con, rejections)
            store.mark_sources_seen(self.con, seen)
            ingest_store.add_line_stats(self.con, line_counts, host_counts)
            ingest_store.write_signatures(self.con, signatures)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _document(self, raw: RawDocument) -> Document | Rejection:
        raw_words = len(raw.text.split())
        if not raw.from_html:   # trafilatura already removed a page's boilerplate
            cleaned = clean_text(raw.text, raw.url, raw.frequent_lines, raw.host_docs)
            text = cleaned.text
            self.summary.boilerplate_lines_removed += cleaned.removed_lines
        else:
            text = raw.text.strip()
        words = len(text.split())
        if words < MIN_DOCUMENT_WORDS:
            if raw_words >= MIN_DOCUMENT_WORDS:
                reason = (f"no article text: only site boilerplate (menus, banners, links) "
                          f"in {raw_words} words, {words} words left after cleaning")
            else:
                reason = f"too little text to be an article ({raw_words} words)"
            return Rejection(raw.source, "clean", reason)
        limit = self.settings.max_document_chars
        if len(text) > limit:
            text = _truncate(text, limit)
            self.summary.truncated += 1
            self.summary.notes.append(f"{raw.source}: truncated to {len(text)} characters")
        raw_text = raw.text if len(raw.text) <= 2 * limit else raw.text[:2 * limit]
        return Document(
            doc_id=stable_id("document", raw.source), source=raw.source, url=raw.url,
            title=raw.title, published=raw.published, language=detect_language(text),
            text=text, raw_text=raw_text, content_hash=dedup.content_hash(text),
            author=raw.author, site=raw.site or (host_of(raw.url) or None),
            source_kind=raw.kind)

    def _dedup(self, documents: list[Document]) -> dict[str, tuple]:
        """Sets duplicate_of: exact duplicates by content hash, then near-duplicates by
        MinHash + LSH; gives the (signature, band keys) of the documents kept."""
        owners = ingest_store.exact_hash_owners(self.con, [d.content_hash for d in documents])
        sigs = {d.doc_id: dedup.minhash(d.text) for d in documents}
        keys = {doc_id: dedup.band_keys(sig) for doc_id, sig in sigs.items()}
        stored = ingest_store.lsh_candidates(self.con, [k for ks in keys.values() for k in ks])
        stored_buckets = ingest_store.lsh_buckets_of(self.con, list(stored))
        for bucket, doc_id in stored_buckets:
            if doc_id not in self.index.signatures:
                self.index.buckets.setdefault(bucket, []).append(doc_id)
        for doc_id, sig in stored.items():
            self.index.signatures.setdefault(doc_id, sig)
        kept: dict[str, tuple] = {}
        for doc in documents:
            owner = self.run_hashes.get(doc.content_hash) or owners.get(doc.content_hash)
            if owner and owner != doc.doc_id:
                doc.duplicate_of = owner
                continue
            match = self.index.best_match(sigs[doc.doc_id], keys[doc.doc_id], exclude=doc.doc_id)
            if match:
                doc.duplicate_of = match[0]
                continue
            self.run_hashes[doc.content_hash] = doc.doc_id
            self.index.add(doc.doc_id, sigs[doc.doc_id], keys[doc.doc_id])
            kept[doc.doc_id] = (sigs[doc.doc_id], keys[doc.doc_id])
        return kept


def ingest_sources(con: store.Connection, sources: Sequence[str], settings: Settings, *,
                   progress: Progress | None = None) -> IngestSummary:
    """Read every source into ``documents`` (or ``rejected``), in batches, incrementally."""
    summary = IngestSummary()
    reader = _Reader(con, settings, summary)
    batcher = _Batcher(con, settings, summary)
    batch: list[Item] = []
    pending = 0
    size = max(1, settings.ingest_batch)
    for item in reader.items(sources):
        batch.append(item)
        pending += isinstance(item, (RawDocument, Rejection))
        if pending >= size:
            batcher.write(batch)
            batch, pending = [], 0
            if progress:
                progress("ingest", summary.inputs, 0)
    batcher.write(batch)
    if progress:
        progress("ingest", summary.inputs, summary.inputs)
    log.info(summary.format())
    return summary
