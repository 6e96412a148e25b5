CREATE TABLE assessments (
  actor_id text PRIMARY KEY,
  threat_level text NOT NULL,
  confidence text NOT NULL,
  judgement text NOT NULL,
  assessed_at timestamptz NOT NULL,
  sectors_targeted text[] NOT NULL DEFAULT '{}',
  classification tearline_level NOT NULL,
  releasable_to text[] NOT NULL
);
