CREATE TABLE indicators (
  id text PRIMARY KEY,
  actor_id text,
  kind text NOT NULL CHECK (kind IN ('IPV4', 'DOMAIN', 'SHA256')),
  value text NOT NULL UNIQUE,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL CHECK (last_seen >= first_seen),
  confidence smallint NOT NULL CHECK (confidence BETWEEN 0 AND 100),
  tags text[] NOT NULL DEFAULT '{}',
  classification tearline_level NOT NULL,
  releasable_to text[] NOT NULL
);
CREATE INDEX indicators_actor_idx ON indicators (actor_id, last_seen DESC);
