"""Language identification (py3langid), on a prefix of the text for speed."""
from __future__ import annotations

from functools import lru_cache

SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _identifier():
    import py3langid

    py3langid.classify("warm up")   # loads the model once
    return py3langid


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for too little text to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    language, _ = _identifier().classify(sample)
    return language
