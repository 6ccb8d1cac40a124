"""Safe XML parsing of hostile feeds and safe joining of names from inputs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.ingest.safexml import UnsafePathError, UnsafeXMLError, XMLError, parse_xml, safe_join

HOSTILE = Path(__file__).parent / "hostile" / "files"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Press</title>
<item><title>Extradition to the United States &amp; Mexico</title><link>https://example.org/a</link></item>
</channel></rss>"""


def test_parses_an_ordinary_feed():
    root = parse_xml(RSS)
    assert root.tag == "rss"
    assert root.findtext("channel/item/title") == "Extradition to the United States & Mexico"


def test_old_rss_doctype_without_entities_is_read_without_network():
    data = (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss><channel><title>T</title></channel></rss>')
    assert parse_xml(data).findtext("channel/title") == "T"


@pytest.mark.parametrize("name", ["xxe-feed.xml", "billion-laughs-feed.xml", "xxe-parameter-entity.xml",
                                  "xxe-utf16-feed.xml"])
def test_entity_declarations_are_refused(name):
    with pytest.raises(UnsafeXMLError) as info:
        parse_xml((HOSTILE / name).read_bytes())
    assert str(info.value) == ("refused: the XML declares entities (<!ENTITY>), which can read "
                               "local files or expand without bound")


def test_a_feed_quoting_an_entity_declaration_in_its_text_is_read():
    data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Security news</title><item>'
            b'<title>XXE explained</title><description><![CDATA[Attackers write '
            b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]> to read files.]]>'
            b'</description></item></channel></rss>')
    root = parse_xml(data)
    assert "<!ENTITY xxe" in root.findtext("channel/item/description")


def test_entity_declarations_after_a_leading_comment_are_refused():
    data = (b'<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE r [\n <!-- pad -->\n'
            b' <!ENTITY  x SYSTEM "file:///etc/hostname">]><r>&x;</r>')
    with pytest.raises(UnsafeXMLError):
        parse_xml(data)


def test_the_parsed_dtd_is_checked_too_when_the_prolog_scan_is_fooled():
    """A comment holding markup hides the DOCTYPE from the quick scan; the parse still catches it."""
    data = b'<!-- <a> --><!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>'
    from corpus.ingest.safexml import _declares_entities
    assert not _declares_entities(data)
    with pytest.raises(UnsafeXMLError):
        parse_xml(data)


def test_external_entity_is_never_resolved_even_if_declaration_check_were_bypassed():
    """The parser itself is built not to resolve entities or touch the network."""
    from corpus.ingest.safexml import _parser
    from lxml import etree

    secret = HOSTILE / "xxe-feed.xml"
    data = (f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret.resolve()}">]><r>&x;</r>').encode()
    root = etree.fromstring(data, parser=_parser(recover=False))
    assert "ENTITY" not in "".join(root.itertext())


def test_deep_nesting_is_refused_not_recursed():
    depth = 100_000
    data = b"<a>" * depth + b"</a>" * depth
    with pytest.raises(XMLError, match="Excessive depth"):
        parse_xml(data)


@pytest.mark.parametrize("data, message", [
    (b"", "empty document"),
    (b"   \n", "empty document"),
    (b"<rss><channel>", "not well-formed XML"),
    (os.urandom(64).replace(b"<", b"") + b"\x00", "not well-formed XML"),
])
def test_unreadable_xml_raises_a_readable_error(data, message):
    with pytest.raises(XMLError, match=message):
        parse_xml(data)


def test_recover_mode_repairs_harmless_breakage():
    root = parse_xml(b"<rss><channel><title>A&nbsp;B</title><item>x</channel></rss>", recover=True)
    title = root.find("channel/title")
    assert title.text == "A\u00a0B"       # HTML's &nbsp;, not fetched from any DTD
    assert root.find("channel/item").text == "x"


def test_unknown_entity_in_recover_mode_is_dropped():
    root = parse_xml(b"<r><t>a&nosuch;b<i/>c&hellip;</t></r>", recover=True)
    assert "".join(root.find("t").itertext()) == "abc\u2026"


def test_size_cap():
    with pytest.raises(XMLError, match="larger than 0.001 MB"):
        parse_xml(b"<a>" + b"x" * 2000 + b"</a>", max_bytes=1000)


def test_rejects_text_instead_of_bytes():
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["../escape.txt", "a/../../escape.txt", "/etc/passwd",
                                  "C:\\Windows\\win.ini", "..\\..\\x", "a\x00b", "", ".", "./"])
def test_safe_join_refuses_names_that_leave_the_folder(tmp_path, name):
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, name)


def test_safe_join_keeps_names_inside(tmp_path):
    assert safe_join(tmp_path, "feeds/item 1.html") == tmp_path.resolve() / "feeds" / "item 1.html"
    assert safe_join(tmp_path, "./a/./b.txt") == tmp_path.resolve() / "a" / "b.txt"


def test_safe_join_refuses_a_symlink_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    (base / "link").symlink_to(outside)
    with pytest.raises(UnsafePathError, match="leads outside"):
        safe_join(base, "link/file.txt")
