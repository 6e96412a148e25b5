-- Row labels and retention, enforced by the nation's own database (issue 10).
-- Loaded before the record tables; the policies on each table come after the
-- seed data (subgraphs/shared/records.ts), so that loading it needs none.

-- A record's classification: one of the five levels, nothing else.
CREATE DOMAIN tearline_level AS text
  CHECK (VALUE IN ('UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP_SECRET'));

-- The level's rank, 0 for UNCLASSIFIED; NULL for anything else, which no policy lets through.
-- One CASE and not STRICT, so that the planner inlines it into each policy instead of calling it per row.
CREATE FUNCTION tearline_level_rank(level text) RETURNS int
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE level WHEN 'UNCLASSIFIED' THEN 0 WHEN 'RESTRICTED' THEN 1 WHEN 'CONFIDENTIAL' THEN 2
                          WHEN 'SECRET' THEN 3 WHEN 'TOP_SECRET' THEN 4 END $$;

-- The nation's retention periods, written by its subgraph from its retention file at every start
-- (and by `npm run purge`). `keep` NULL means the file says "forever".
CREATE TABLE tearline_retention (
  record_type text PRIMARY KEY,
  keep interval CHECK (keep > interval '0')
);

-- The oldest time a record of this type may carry and still be served: -infinity when kept
-- forever, NULL (nothing served) when the type has no period at all: fail closed.
CREATE FUNCTION tearline_retained_since(type text) RETURNS timestamptz
  LANGUAGE sql STABLE
  AS $$ SELECT CASE WHEN keep IS NULL THEN '-infinity'::timestamptz ELSE now() - keep END
        FROM tearline_retention WHERE record_type = type $$;

GRANT SELECT ON tearline_retention TO tearline_reader;
