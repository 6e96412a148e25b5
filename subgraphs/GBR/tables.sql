CREATE TABLE threat_actors (
  id text PRIMARY KEY,
  name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  motivation text NOT NULL,
  attributed_state text,
  classification tearline_level NOT NULL,
  releasable_to text[] NOT NULL
);
