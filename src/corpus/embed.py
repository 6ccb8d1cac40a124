"""Passages → vectors: split documents into passages of a few sentences and embed them.

Passages carry exact character offsets into ``documents.text`` so a search hit can
be shown in context. The split is a cheap rule (sentence punctuation and line
breaks), not a parse: embedding needs passages of a sensible size, not syntax.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

from corpus.config import Settings
from corpus.nlp import load_embedder
from corpus.records import Chunk, stable_id

EMBED_VERSION = "embed-1"
STAGE = "embed"

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before
# whitespace and an upper-case letter, digit or opening quote; a line break always ends one.
_SENTENCE_END = re.compile(r"""(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+""")
_WORD = re.compile(r"\w+")
# A period after these does not end a sentence ("U.S. Embassy", "Mr. Smith", "No. 5").
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|Jr|Sr|Gen|Col|Lt|Sgt|Capt|Gov|Sen|"
    r"Rep|Inc|Co|Corp|Ltd|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Art|Sec)\.)$")
# Segments with fewer words than this (menu items, headings, bylines) ride along with
# their neighbours instead of counting as one of a passage's sentences.
_MIN_SENTENCE_WORDS = 5


class EmbeddingError(RuntimeError):
    """The embedding model could not encode a batch of passages."""


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        if "\n" not in match.group() and _ABBREVIATION.search(text, max(0, match.start() - 12),
                                                              match.start()):
            continue
        _append_trimmed(text, pos, match.start(), spans)
        pos = match.end()
    _append_trimmed(text, pos, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``max_chars`` at whitespace (or hard, when there is none)."""
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def make_chunks(doc_id: str, text: str, settings: Settings) -> list[Chunk]:
    """Passages of up to ``chunk_sentences`` sentences and ``chunk_max_chars`` characters."""
    max_chars = settings.chunk_max_chars
    spans: list[tuple[int, int]] = []
    for start, end in split_sentences(text or ""):
        spans.extend(_cut_long(text, start, end, max_chars))
    chunks: list[Chunk] = []
    group_start = group_end = None
    n_sentences = 0
    for start, end in spans:
        if group_start is not None and end - group_start > max_chars:
            chunks.append(_chunk(doc_id, text, group_start, group_end))
            group_start, n_sentences = None, 0
        if group_start is None:
            group_start = start
        group_end = end
        if len(_WORD.findall(text[start:end])) >= _MIN_SENTENCE_WORDS:
            n_sentences += 1
        if n_sentences >= settings.chunk_sentences:
            chunks.append(_chunk(doc_id, text, group_start, group_end))
            group_start, n_sentences = None, 0
    if group_start is not None:
        chunks.append(_chunk(doc_id, text, group_start, group_end))
    return [c for c in chunks if _WORD.search(c.text)]


def _chunk(doc_id: str, text: str, start: int, end: int) -> Chunk:
    return Chunk(chunk_id=stable_id(doc_id, start, end), doc_id=doc_id,
                 start_char=start, end_char=end, text=text[start:end])


def encode_texts(texts: Sequence[str], settings: Settings) -> np.ndarray:
    """Unit-length float32 vectors of ``texts``, one row each (the model is loaded once)."""
    if not texts:
        return np.zeros((0, settings.embedding_dim), dtype=np.float32)
    model = load_embedder(settings)
    try:
        vectors = model.encode(list(texts), batch_size=settings.embed_batch,
                               normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
    except (RuntimeError, ValueError) as exc:
        raise EmbeddingError(f"the embedding model failed on a batch of {len(texts)} "
                             f"passages: {exc}") from exc
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.shape[1] != settings.embedding_dim:
        raise EmbeddingError(f"the model {settings.embedding_model} gives {vectors.shape[1]}-"
                             f"dimensional vectors, settings say {settings.embedding_dim}")
    return vectors


def embed_batch(docs: Sequence[dict[str, Any]], settings: Settings) -> list[Chunk]:
    """Chunk and embed a batch of documents (dicts as ``store.pending_documents`` gives)."""
    chunks = [c for d in docs for c in make_chunks(d["doc_id"], d.get("text") or "", settings)]
    vectors = encode_texts([c.text for c in chunks], settings)
    for chunk, vector in zip(chunks, vectors):
        chunk.embedding = vector
    return chunks


def embed_pending(con: Any, settings: Settings,
                  progress: Callable[[str, int, int], None] | None = None) -> int:
    """Embed every document not yet embedded at EMBED_VERSION; returns how many."""
    from corpus import store
    from corpus.store import vectors

    vectors.forget_other_model(con, settings.embedding_model)
    total = store.count_pending(con, STAGE, EMBED_VERSION)
    done = 0
    while True:
        docs = store.pending_documents(con, STAGE, EMBED_VERSION, limit=settings.stage_batch)
        if not docs:
            break
        chunks = embed_batch(docs, settings)
        vectors.store_embedded(con, [d["doc_id"] for d in docs], chunks, EMBED_VERSION)
        done += len(docs)
        if progress:
            progress(STAGE, done, total)
    return done
