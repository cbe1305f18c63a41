-- The journal (issue 14). Every column that holds what a person recorded is one `body`: JSON
-- after a format byte, or (when the person's journal is locked) XChaCha20-Poly1305 ciphertext
-- under that person's data key. Outside the bodies there are only ids, owners, audience flags and
-- key-wrapping data. Ids are random, so they reveal neither order nor counts.

-- A person: the owner of a journal (the web app adds accounts in its own migration).
CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL
);

-- Small settings of this database (for example which person the command-line journal is).
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- The lock: a person's random data key, wrapped by a key from Argon2id(passphrase).
CREATE TABLE person_keys (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    salt BLOB NOT NULL,
    m_cost BIGINT NOT NULL,
    t_cost BIGINT NOT NULL,
    p_cost BIGINT NOT NULL,
    wrapped BLOB NOT NULL
);

-- An optional partner link: one row per direction, removed by either person.
CREATE TABLE partner_links (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    partner_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE
);

-- A named therapist link; only the token's hash is kept. The body holds the name.
CREATE TABLE therapist_links (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX therapist_links_owner ON therapist_links(owner);

-- Entries: one move each, owned and recorded by `owner`; `by` (me or my partner, as my
-- perception), the times, feelings, needs, intensity, way and note are in the body.
CREATE TABLE entries (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL
);
CREATE INDEX entries_owner ON entries(owner);

-- Earlier versions of an edited entry, seen only by its owner.
CREATE TABLE entry_history (
    entry_id TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- What an owner shared, per entry and per audience. The body is the allowlisted projection
-- (DESIGN.md §3.15): never a note, a perception, a time of day or anything outside the list.
CREATE TABLE shares (
    entry_id TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('partner', 'therapist')),
    audience_id TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (entry_id, audience, audience_id)
);
CREATE INDEX shares_audience ON shares(audience, audience_id);

-- Daily check-ins, incident records, assessments and kept screen results: owner-only, never shared.
CREATE TABLE checkins (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL
);
CREATE INDEX checkins_owner ON checkins(owner);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL
);
CREATE INDEX incidents_owner ON incidents(owner);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL
);
CREATE INDEX assessments_owner ON assessments(owner);

CREATE TABLE screen_results (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body BLOB NOT NULL
);
CREATE INDEX screen_results_owner ON screen_results(owner);
