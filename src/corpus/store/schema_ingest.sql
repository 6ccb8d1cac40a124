-- Tables the ingest stage keeps for itself: boilerplate statistics and near-duplicate
-- signatures, so cleaning and dedup work incrementally across runs and batches.

-- grain: one row per site (host without www.) whose records were cleaned
CREATE TABLE IF NOT EXISTS ingest_host_stats (
    host VARCHAR PRIMARY KEY,
    n_docs INTEGER NOT NULL
);

-- grain: one row per site and distinct (normalised) line: how many documents carry it
CREATE TABLE IF NOT EXISTS ingest_line_stats (
    host VARCHAR NOT NULL,
    line_hash BIGINT NOT NULL,
    n_docs INTEGER NOT NULL,
    PRIMARY KEY (host, line_hash)
);

-- grain: one row per kept (non-duplicate) document: its MinHash signature
CREATE TABLE IF NOT EXISTS ingest_minhash (
    doc_id VARCHAR PRIMARY KEY,
    signature UINTEGER[] NOT NULL
);

-- grain: one row per kept document and LSH band: the band's bucket key
CREATE TABLE IF NOT EXISTS ingest_lsh (
    bucket BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    PRIMARY KEY (bucket, doc_id)
);
