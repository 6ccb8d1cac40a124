"""sources -> Document records: files, folders, URLs, feeds and record files."""
from corpus.ingest.run import INGEST_VERSION, IngestSummary, ingest_sources

__all__ = ["INGEST_VERSION", "IngestSummary", "ingest_sources"]
