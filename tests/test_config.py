from pathlib import Path

import pytest

from corpus.config import load_settings


def test_file_environment_and_overrides_in_order(tmp_path, monkeypatch):
    cfg = tmp_path / "corpus.toml"
    cfg.write_text('[corpus]\nnlp_batch = 8\nspacy_models = ["xx_custom"]\nfetch_timeout = 3\n')
    monkeypatch.setenv("CORPUS_NLP_BATCH", "16")
    s = load_settings(cfg, db=tmp_path / "x.duckdb")
    assert s.nlp_batch == 16                 # environment beats the file
    assert s.spacy_models == ("xx_custom",)  # from the file
    assert s.fetch_timeout == 3.0
    assert s.db == tmp_path / "x.duckdb"     # overrides beat everything


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        load_settings(tmp_path / "nope.toml")


def test_defaults_point_at_the_sample_database():
    assert load_settings().db == Path("data/processed/corpus.duckdb")
