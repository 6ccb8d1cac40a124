"""corpus: a queryable map of international police cooperation."""
__version__ = "0.1.0"
