-- Web accounts and sessions (issue 15). A web account is a locked person: `person_keys` holds
-- the data key wrapped by the passphrase. Nothing here is personal content: hashes, ids, times
-- and wrapped keys only.

-- A generated username, stored only as its SHA-256 (the name itself is not kept).
CREATE TABLE accounts (
    username_hash BYTEA PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE
);

-- An open session. `id_hash` is SHA-256 of the session id in the cookie; `sealed_key` is the
-- person's data key sealed under a key derived from the session secret, which lives only in the
-- cookie (so any instance can open it for a request, and a dump alone cannot).
CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    sealed_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    csrf TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

-- Optional recovery codes: a lookup hash of each code and the data key wrapped by a key
-- derived from it. Used once.
CREATE TABLE recovery_codes (
    code_hash BYTEA PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    wrapped BYTEA NOT NULL
);
CREATE INDEX recovery_codes_person ON recovery_codes(person_id);
