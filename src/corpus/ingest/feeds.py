"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds, parsed safely, into items."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corpus.ingest.readers import ParseError, parse_date
from corpus.ingest.safexml import XMLError, parse_xml

_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "blockquote", "section", "article", "ul", "ol", "table", "pre"}


@dataclass(slots=True)
class FeedItem:
    title: str | None
    link: str | None
    guid: str | None
    published: date | None
    content: str                     # the item's own text (content, or summary)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _children(element, *names: str) -> list:
    return [c for c in element if _local(c.tag) in names]


def _text(element, *names: str) -> str | None:
    for name in names:
        for child in _children(element, name):
            value = "".join(child.itertext()).strip()
            if value:
                return value
    return None


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment from a feed, paragraphs kept apart."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on broken fragments
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK:
            el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


def _atom_link(entry) -> str | None:
    links = _children(entry, "link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href").strip()
    return links[0].get("href").strip() if links and links[0].get("href") else None


def parse_feed(data: bytes) -> list[FeedItem]:
    """The items of an RSS or Atom feed; raises ParseError with a readable reason."""
    try:
        root = parse_xml(data)
    except XMLError as exc:
        raise ParseError(f"the feed does not parse: {exc}") from None
    kind = _local(root.tag)
    if kind == "rss":
        channel = _children(root, "channel")
        entries = _children(channel[0], "item") if channel else []
    elif kind == "rdf":
        entries = [e for e in root.iter() if _local(e.tag) == "item"]
    elif kind == "feed":
        entries = _children(root, "entry")
    else:
        raise ParseError(f"XML whose root is <{kind}>, not an RSS or Atom feed")
    items = []
    for entry in entries:
        if kind == "feed":
            link = _atom_link(entry)
            content = _text(entry, "content", "summary") or ""
            published = parse_date(_text(entry, "published", "updated"))
            guid = _text(entry, "id")
        else:
            link = _text(entry, "link")
            content = _text(entry, "encoded", "description") or ""
            published = parse_date(_text(entry, "pubdate", "date"))
            guid = _text(entry, "guid")
        items.append(FeedItem(title=_text(entry, "title"), link=link, guid=guid,
                              published=published, content=html_fragment_text(content)))
    return items
