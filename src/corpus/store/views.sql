-- Views analysts query. Replayed (CREATE OR REPLACE) on every connect for writing.

-- grain: one row per document that is not a duplicate of another
CREATE OR REPLACE VIEW kept_documents AS
SELECT * FROM documents WHERE duplicate_of IS NULL;

-- grain: one row per relation that states cooperation which happened
-- (planned, proposed, refused or denied cooperation is left out)
CREATE OR REPLACE VIEW asserted_relations AS
SELECT r.*, coalesce(d.duplicate_of, d.doc_id) AS story_id, coalesce(r.event_date, d.published) AS seen_on
FROM relations r JOIN documents d USING (doc_id)
WHERE r.modality = 'asserted';

-- grain: one row per (source, target, type) tie, counted over independent documents
CREATE OR REPLACE VIEW cooperation_map AS
SELECT
    r.source_id,
    s.name AS source_name,
    r.target_id,
    t.name AS target_name,
    r.type,
    count(DISTINCT r.story_id) AS n_documents,
    min(r.seen_on) AS first_seen,
    max(r.seen_on) AS last_seen,
    bool_or(r.directed) AS directed,
    count(*) AS n_relations,
    s.kind AS source_kind,
    t.kind AS target_kind,
    s.country AS source_country,
    t.country AS target_country
FROM asserted_relations r
JOIN entities s ON s.entity_id = r.source_id
JOIN entities t ON t.entity_id = r.target_id
GROUP BY ALL;

-- grain: one row per (theme, month)
CREATE OR REPLACE VIEW theme_trends AS
SELECT dt.theme_id, th.label, date_trunc('month', d.published)::DATE AS month,
       count(*) AS n_documents
FROM document_themes dt
JOIN documents d USING (doc_id)
JOIN themes th USING (theme_id)
WHERE d.published IS NOT NULL AND d.duplicate_of IS NULL
GROUP BY ALL;
