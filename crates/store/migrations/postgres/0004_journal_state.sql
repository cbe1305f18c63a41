-- Per-person journal state for the web app (issue 15): a data version that changes on every write
-- of that person (a random token, so it reveals no count), and the counter that gives each new
-- entry its place in insertion order. The place itself is kept inside the entry's sealed body, so
-- a dump shows no order of entries; the counter shows only how many entries were ever written,
-- which the number of rows per owner already shows.
CREATE TABLE journal_state (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    seq BIGINT NOT NULL
);
