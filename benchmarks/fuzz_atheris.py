"""Coverage-guided fuzzing (atheris / libFuzzer) of the input parsers ingest relies on.

Not part of the test suite: a longer hunt for crashes that hypothesis's bounded
runs may miss. Every input goes through the XML parser, the feed parser, the
record-file reader and the document reader; only their documented errors
(InputError, XMLError) may come out, anything else is a crash libFuzzer reports
with the input that caused it.

    pip install atheris
    python3 benchmarks/fuzz_atheris.py -max_total_time=60 tests/hostile/files

libFuzzer prints the number of runs and executions per second at the end.
"""
from __future__ import annotations

import sys

try:
    import atheris
except ImportError:  # pragma: no cover - optional tool
    sys.exit("atheris is not installed: pip install atheris")

with atheris.instrument_imports(include=["corpus"]):
    from corpus.ingest.feeds import parse_feed
    from corpus.ingest.readers import InputError, read_document
    from corpus.ingest.recordfiles import read_records
    from corpus.ingest.safexml import XMLError, parse_xml, safe_join

NAMES = ["page.html", "note.txt", "note.md", "paper.pdf", "feed.xml", "x.gz", "records.jsonl",
         "records.csv", ""]


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    body = data[1:]
    try:
        parse_xml(body, recover=bool(data[0] & 0x80))
    except XMLError:
        pass
    try:
        parse_feed(body)
    except InputError:
        pass
    for form in ("jsonl", "csv"):
        try:
            read_records(body, "fuzz", form)
        except InputError:
            pass
    try:
        read_document(body, source="fuzz", url=None, kind="file", name=name,
                      max_bytes=5_000_000)
    except InputError:
        pass
    try:
        safe_join("/tmp/fuzz-base", body.decode("utf-8", "replace"))
    except ValueError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
