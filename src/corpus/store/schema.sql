-- The corpus database. Base tables are filled by the pipeline's stages; views
-- on top are what analysts query. Every statement is idempotent so the file can
-- be replayed on an existing database; migrations live in corpus.store.migrate.
-- {dim} is the embedding dimension of the configured model.

-- grain: one row per setting of this database (schema version, model names)
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- grain: one row per usable input document
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    url VARCHAR,
    title VARCHAR,
    published DATE,
    language VARCHAR,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    duplicate_of VARCHAR,
    ingested_at TIMESTAMP,
    raw_text VARCHAR,
    author VARCHAR,
    site VARCHAR,
    source_kind VARCHAR,
    n_words INTEGER
);

-- grain: one row per input (or input and stage) that could not be used
CREATE TABLE IF NOT EXISTS rejected (
    source VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    rejected_at TIMESTAMP,
    PRIMARY KEY (source, stage)
);

-- grain: one row per input source already read, so a re-run skips it
CREATE TABLE IF NOT EXISTS sources_seen (
    source VARCHAR PRIMARY KEY,
    fingerprint VARCHAR,
    seen_at TIMESTAMP
);

-- grain: one row per document and stage done, with the version that did it
CREATE TABLE IF NOT EXISTS stage_done (
    doc_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    done_at TIMESTAMP,
    PRIMARY KEY (doc_id, stage)
);

-- grain: one row per canonical entity
CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    country VARCHAR,
    aliases VARCHAR[],
    parent_id VARCHAR,
    kb_id VARCHAR
);

-- grain: one row per place an entity is named in a document
CREATE TABLE IF NOT EXISTS mentions (
    doc_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL
);

-- grain: one row per date stated in a document
CREATE TABLE IF NOT EXISTS date_mentions (
    doc_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    value DATE NOT NULL,
    granularity VARCHAR NOT NULL
);

-- grain: one row per cooperation relation stated in a document
CREATE TABLE IF NOT EXISTS relations (
    relation_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    directed BOOLEAN NOT NULL,
    evidence VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    event_date DATE,
    confidence DOUBLE NOT NULL,
    modality VARCHAR NOT NULL DEFAULT 'asserted',
    critical BOOLEAN NOT NULL DEFAULT false,
    trigger VARCHAR
);

-- grain: one row per passage of a document, with its embedding
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    embedding FLOAT[{dim}]
);

-- grain: one row per theme
CREATE TABLE IF NOT EXISTS themes (
    theme_id INTEGER PRIMARY KEY,
    label VARCHAR NOT NULL,
    terms VARCHAR[],
    size INTEGER NOT NULL,
    centroid FLOAT[{dim}],
    created_at TIMESTAMP
);

-- grain: one row per document and its theme
CREATE TABLE IF NOT EXISTS document_themes (
    doc_id VARCHAR NOT NULL,
    theme_id INTEGER NOT NULL,
    score DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, theme_id)
);
