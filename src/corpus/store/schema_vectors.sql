-- Theme state of the themes stage (corpus.themes): which documents were placed in
-- a theme with confidence and which only went to their nearest theme, so a later
-- run can found a new theme from the weakly placed ones without moving the rest.

-- grain: one row per document with a theme
CREATE TABLE IF NOT EXISTS theme_members (
    doc_id VARCHAR PRIMARY KEY,
    theme_id INTEGER NOT NULL,
    score DOUBLE NOT NULL,
    confident BOOLEAN NOT NULL,
    version VARCHAR NOT NULL,
    assigned_at TIMESTAMP
);
