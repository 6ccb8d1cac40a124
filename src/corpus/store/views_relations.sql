-- Views of the relate stage (issue 4). Replayed after views.sql, so these definitions win.

-- grain: one row per asserted relation, its ends in a canonical order (an undirected
-- tie reads the same whichever actor the sentence named first)
CREATE OR REPLACE VIEW relation_edges AS
SELECT
    r.relation_id,
    r.doc_id,
    r.story_id,
    r.seen_on,
    CASE WHEN r.directed OR r.source_id <= r.target_id THEN r.source_id ELSE r.target_id END
        AS source_id,
    CASE WHEN r.directed OR r.source_id <= r.target_id THEN r.target_id ELSE r.source_id END
        AS target_id,
    r.type,
    r.directed,
    r.confidence,
    r.critical,
    r.evidence
FROM asserted_relations r
WHERE r.source_id <> r.target_id;

-- grain: one row per entity: the entity a unit rolls up to (its parent when the parent
-- is known, else itself)
CREATE OR REPLACE VIEW entity_rollup AS
SELECT e.entity_id, coalesce(p.entity_id, e.entity_id) AS rollup_id
FROM entities e
LEFT JOIN entities p ON p.entity_id = e.parent_id;

-- grain: one row per asserted relation at two levels: as stated ('entity') and with units
-- rolled up to their parent agency at both ends ('rollup'; Europol's EC3 counts as
-- Europol, and a tie between a unit and its own parent vanishes)
CREATE OR REPLACE VIEW tie_edges AS
SELECT 'entity' AS level, r.story_id, r.seen_on, r.type, r.directed, r.confidence, r.critical,
       r.source_id, r.target_id
FROM relation_edges r
UNION ALL
SELECT
    'rollup' AS level,
    r.story_id,
    r.seen_on,
    r.type,
    r.directed,
    r.confidence,
    r.critical,
    CASE WHEN r.directed OR a.rollup_id <= b.rollup_id THEN a.rollup_id ELSE b.rollup_id END
        AS source_id,
    CASE WHEN r.directed OR a.rollup_id <= b.rollup_id THEN b.rollup_id ELSE a.rollup_id END
        AS target_id
FROM relation_edges r
JOIN entity_rollup a ON a.entity_id = r.source_id
JOIN entity_rollup b ON b.entity_id = r.target_id
WHERE a.rollup_id <> b.rollup_id;

-- grain: one row per (level, source, target, type, directed) tie, counted over independent
-- documents (a near-duplicate counts with the document it duplicates); only asserted
-- relations (planned, proposed, refused, denied and negated ones are left out)
CREATE OR REPLACE VIEW tie_map AS
SELECT
    r.level,
    r.source_id,
    s.name AS source_name,
    r.target_id,
    t.name AS target_name,
    r.type,
    count(DISTINCT r.story_id) AS n_documents,
    min(r.seen_on) AS first_seen,
    max(r.seen_on) AS last_seen,
    r.directed,
    count(*) AS n_relations,
    s.kind AS source_kind,
    t.kind AS target_kind,
    s.country AS source_country,
    t.country AS target_country,
    count(DISTINCT r.story_id) FILTER (WHERE r.critical) AS n_critical_documents,
    round(avg(r.confidence), 3) AS mean_confidence
FROM tie_edges r
JOIN entities s ON s.entity_id = r.source_id
JOIN entities t ON t.entity_id = r.target_id
GROUP BY r.level, r.source_id, s.name, r.target_id, t.name, r.type, r.directed,
         s.kind, t.kind, s.country, t.country;

-- grain: one row per tie between entities as the documents name them
CREATE OR REPLACE VIEW cooperation_map AS
SELECT * EXCLUDE (level) FROM tie_map WHERE level = 'entity';

-- grain: one row per tie after rolling units up to their parent agency at both ends
CREATE OR REPLACE VIEW cooperation_map_rollup AS
SELECT * EXCLUDE (level) FROM tie_map WHERE level = 'rollup';

-- grain: one row per cooperation_map tie that crosses a border: the two ends belong to
-- different countries, or one end is an international body the knowledge base knows
-- (INTERPOL, Europol, UNODC ...: an agency with no country of its own)
CREATE OR REPLACE VIEW cooperation_map_international AS
SELECT m.*
FROM cooperation_map m
JOIN entities s ON s.entity_id = m.source_id
JOIN entities t ON t.entity_id = m.target_id
WHERE (m.source_country IS NOT NULL AND m.target_country IS NOT NULL
       AND m.source_country <> m.target_country)
   OR (s.kind = 'agency' AND s.country IS NULL AND s.kb_id IS NOT NULL)
   OR (t.kind = 'agency' AND t.country IS NULL AND t.kb_id IS NOT NULL);
