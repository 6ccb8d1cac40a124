"""Language identification (py3langid) on the prose lines of a text.

The identifier is our own instance, restricted to widely written languages: on
short, capitalised or link-heavy English text the full 97-language model guesses
rarities such as Bikol or Nigerian Pidgin.
"""
from __future__ import annotations

import re
from functools import lru_cache

SAMPLE_CHARS = 2000
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "ru", "uk", "pl", "ro", "tr", "ar",
             "zh", "ja", "ko", "vi", "id", "ms", "th", "fa", "hi", "ur", "bn", "sw", "sv",
             "no", "da", "fi", "cs", "sk", "hu", "bg", "sr", "hr", "sl", "el", "he", "lt",
             "lv", "et", "ka", "hy", "az", "kk", "sq", "mk", "ca", "tl", "af")
_LINKS = re.compile(r"\[([^\]]*)\]\([^)]*\)|https?://\S+|\S+@\S+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def _sample(text: str) -> str:
    """The longest lines first (prose, not menus), links removed, capitals lowered."""
    lines = sorted((_LINKS.sub(r"\1", line).strip() for line in text[:200_000].splitlines()
                    if "](" not in line), key=len, reverse=True)
    sample, size = [], 0
    for line in lines:
        if not line or size >= SAMPLE_CHARS:
            break
        sample.append(line)
        size += len(line)
    joined = " ".join(sample)
    return joined.lower() if sum(c.isupper() for c in joined) > 0.5 * sum(c.isalpha() for c in joined) else joined


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for too little text to tell."""
    sample = _sample(text)
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    language, _ = _identifier().classify(sample)
    return language
