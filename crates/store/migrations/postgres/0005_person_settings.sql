-- A person's own settings for the web app (issue 15): for now whether safety mode is on. One row
-- per person at most; the setting itself is inside the body, sealed under the person's data key
-- like every other owned body, so a dump shows only that a person has settings, never which.
-- Owner-only: no share, no partner or therapist query ever reads this table.
CREATE TABLE person_settings (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BYTEA NOT NULL
);
CREATE INDEX person_settings_owner ON person_settings(owner);
