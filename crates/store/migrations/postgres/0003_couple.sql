-- Two people and a therapist's view (issue 15). Keys only: every column here is an id, a hash,
-- a time, a flag or a key sealed under another key; nothing a person recorded.

-- The couple key of a linked person: 32 random bytes sealed under that person's data key (one row
-- per partner, the same key for both). Items shared with the partner are sealed under it.
-- Unlinking deletes both rows, so the shares can no longer be opened by anyone.
CREATE TABLE couple_keys (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    couple_id TEXT NOT NULL,
    wrapped BYTEA NOT NULL
);
CREATE INDEX couple_keys_couple ON couple_keys(couple_id);

-- One open invitation per inviter: only the code's hash is kept. The couple key is made at
-- invitation time, sealed for the inviter and under a key derived from the code, so the inviter
-- need not be present when it is accepted.
CREATE TABLE invitations (
    code_hash BYTEA PRIMARY KEY NOT NULL,
    inviter TEXT NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    couple_id TEXT NOT NULL,
    for_inviter BYTEA NOT NULL,
    for_code BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);

-- A therapist link's key: sealed under the owner's data key, under a key derived from the token
-- and, once a browser has opened the link, under a key from that browser's cookie secret (only
-- its hash is kept). `refused` is set when a second browser tried the token. `frozen` is the
-- link's patterns, computed from its entries only when they were shared, sealed under the key.
CREATE TABLE link_keys (
    link_id TEXT PRIMARY KEY NOT NULL REFERENCES therapist_links(id) ON DELETE CASCADE,
    for_owner BYTEA NOT NULL,
    for_token BYTEA NOT NULL,
    for_browser BYTEA,
    browser_hash BYTEA UNIQUE,
    refused BIGINT NOT NULL DEFAULT 0,
    frozen BYTEA
);
