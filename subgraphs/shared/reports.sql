-- Every nation keeps its finished reports in the same shape. Like every record table, each row
-- carries its own labels (row-security.sql), and the database serves it only to callers they allow.
CREATE TABLE reports (
  id text PRIMARY KEY,
  actor_id text,
  title text NOT NULL,
  summary text NOT NULL,
  body text NOT NULL,
  reliability char(1) NOT NULL CHECK (reliability BETWEEN 'A' AND 'F'),
  credibility smallint NOT NULL CHECK (credibility BETWEEN 1 AND 6),
  collected_at timestamptz NOT NULL,
  classification tearline_level NOT NULL,
  releasable_to text[] NOT NULL
);
CREATE INDEX reports_actor_idx ON reports (actor_id, collected_at DESC);
