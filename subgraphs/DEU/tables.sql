CREATE TABLE sightings (
  id text PRIMARY KEY,
  actor_id text NOT NULL,
  observed_at timestamptz NOT NULL,
  country char(3) NOT NULL,
  sector text NOT NULL,
  description text NOT NULL,
  source_ref text NOT NULL,
  classification tearline_level NOT NULL,
  releasable_to text[] NOT NULL
);
CREATE INDEX sightings_actor_idx ON sightings (actor_id, observed_at DESC);
