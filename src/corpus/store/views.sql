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

-- cooperation_map and cooperation_map_rollup: see views_relations.sql

-- grain: one row per (theme, month)
CREATE OR REPLACE VIEW theme_trends AS
SELECT dt.theme_id, th.label, date_trunc('month', d.published)::DATE AS month,
       count(*) AS n_documents
FROM document_themes dt
JOIN documents d USING (doc_id)
JOIN themes th USING (theme_id)
WHERE d.published IS NOT NULL AND d.duplicate_of IS NULL
GROUP BY ALL;
