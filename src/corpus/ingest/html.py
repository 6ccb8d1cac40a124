"""HTML pages to article text and metadata, through trafilatura (one options object)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# fewer characters of article text than this is "no article" (a menu, a login wall)
MIN_ARTICLE_CHARS = 200
# a page larger than this is refused before parsing: trafilatura needs minutes and
# gigabytes on such pages, and real article pages are far smaller
MAX_HTML_BYTES = 5_000_000
# lines shorter than this are menu items and headings, not prose
PROSE_LINE_WORDS = 6
PROSE_LINE_CHARS = 40    # scripts written without spaces (Japanese, Chinese)


class NoArticleError(ValueError):
    """The page holds no article text that trafilatura can find."""


class PageTooLargeError(ValueError):
    """The page is too large to parse within the time and memory we allow a page."""


@dataclass(slots=True)
class HtmlArticle:
    text: str
    title: str | None
    author: str | None
    site: str | None
    published: date | None


@lru_cache(maxsize=1)
def extractor_options():
    """The one trafilatura options object: plain text, tables kept, metadata on."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", with_metadata=True, comments=False,
                     tables=True, links=False, images=False, formatting=False,
                     recall=True)


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_html(html: str | bytes, url: str | None = None) -> HtmlArticle:
    """Article text and metadata; the date falls back to htmldate when trafilatura has none."""
    from trafilatura import bare_extraction

    size = len(html.encode("utf-8", "replace") if isinstance(html, str) else html)
    if size > MAX_HTML_BYTES:
        raise PageTooLargeError(f"HTML page of {size / 1e6:.1f} MB is larger than the "
                                f"{MAX_HTML_BYTES // 1_000_000} MB that article extraction "
                                "accepts")
    result = bare_extraction(html, url=url, options=extractor_options())
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    prose = sum(len(line) for line in text.splitlines()
                if len(line.split()) >= PROSE_LINE_WORDS or len(line) >= PROSE_LINE_CHARS)
    if prose < MIN_ARTICLE_CHARS:
        raise NoArticleError("no article text found in the HTML page (only "
                             f"{prose} characters of sentences after removing menus and "
                             "boilerplate)")
    published = _parse_date(getattr(result, "date", None))
    if published is None:
        from htmldate import find_date

        try:
            published = _parse_date(find_date(html, url=url, extensive_search=True))
        except Exception:  # htmldate fails on odd markup; a missing date is fine
            published = None
    return HtmlArticle(text=text, title=getattr(result, "title", None) or None,
                       author=getattr(result, "author", None) or None,
                       site=getattr(result, "sitename", None) or None,
                       published=published)
