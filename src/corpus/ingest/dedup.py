"""Exact and near-duplicate detection: content hashes, MinHash signatures and LSH bands.

MinHash estimates the Jaccard similarity of two documents' sets of word shingles;
LSH buckets signatures by bands so only documents that share a band are compared.
Hashes are built from ``zlib.crc32`` and fixed permutation seeds, so signatures are
identical across processes and runs and can be stored.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

import numpy as np

NUM_PERM = 128
BANDS = 32                      # 32 bands x 4 rows: candidates from about 0.42 Jaccard
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
NEAR_DUPLICATE_JACCARD = 0.75   # syndicated copies with different headers score 0.75-0.95

# h(x) = (a*x + b) mod p with p the largest prime below 2**32: a, b, x < 2**32, so
# a*x + b fits in uint64 and the modulo really wraps (a proper universal hash)
_PRIME = np.uint64(4294967291)
_rng = np.random.default_rng(20240611)
_A = _rng.integers(1, int(_PRIME), size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, int(_PRIME), size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing do not make a document different."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    return hashlib.blake2b(normalise_text(text).encode("utf-8"), digest_size=16).hexdigest()


def minhash(text: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of a text's word 5-shingles."""
    words = normalise_text(text).split()
    if len(words) <= SHINGLE_WORDS:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS])
                    for i in range(len(words) - SHINGLE_WORDS + 1)}
    values = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles),
                         dtype=np.uint64, count=len(shingles))
    hashed = (np.outer(_A, values) + _B[:, None]) % _PRIME
    return hashed.min(axis=1).astype(np.uint32)


def band_keys(signature: np.ndarray) -> list[int]:
    """One 63-bit bucket key per band (the band number is part of the key)."""
    rows = signature.reshape(BANDS, ROWS)
    keys = []
    for band, row in enumerate(rows):
        digest = hashlib.blake2b(row.tobytes(), digest_size=8, person=b"lsh%03d" % band).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


@dataclass
class NearDuplicateIndex:
    """The signatures of kept documents, bucketed by LSH band; grows as documents arrive."""

    buckets: dict[int, list[str]] = field(default_factory=dict)
    signatures: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, doc_id: str, signature: np.ndarray, keys: list[int] | None = None) -> None:
        self.signatures[doc_id] = signature
        for key in keys if keys is not None else band_keys(signature):
            self.buckets.setdefault(key, []).append(doc_id)

    def candidates(self, keys: list[int]) -> set[str]:
        found: set[str] = set()
        for key in keys:
            found.update(self.buckets.get(key, ()))
        return found

    def best_match(self, signature: np.ndarray, keys: list[int], *,
                   exclude: str | None = None) -> tuple[str, float] | None:
        """The most similar kept document at or above the near-duplicate threshold."""
        best: tuple[str, float] | None = None
        for doc_id in sorted(self.candidates(keys) - {exclude}):
            score = jaccard(signature, self.signatures[doc_id])
            if score >= NEAR_DUPLICATE_JACCARD and (best is None or score > best[1]):
                best = (doc_id, score)
        return best
