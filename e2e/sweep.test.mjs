// The canary sweep after the browser journeys (issue 15, "must show"); runs LAST in .ci/run.
// Every canary typed during the journeys (random per run, recorded by lib.mjs's `canary`) must be
// absent from every database file the servers wrote (the database, its -wal and -shm, kept in
// their folders and copied while the server still ran), from every backup taken mid-run with
// `sqlite3 DB ".backup FILE"`, and from every log the servers wrote (normal logging, not quiet).
// The sweep first shows it can find a canary where one is, and that the journeys left what it
// needs: canaries typed at sign-up, in a note, in soften, in a private record (/note) and in a
// check-in note (/day), at least one database with its WAL, one backup with content, and logs.
//
//   CLOSER_BIN=../target/debug/closer node --test --test-concurrency=1 \
//     accounts.test.mjs journal.test.mjs together.test.mjs profile.test.mjs sweep.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SWEEP, CANARIES, canaries, holds, filesUnder } from "./lib.mjs";

const REQUIRED = ["signup", "note", "soften", "incident", "checkin"];

test("the sweep can see a canary where one is (UTF-8, UTF-16LE, inside a SQLite page)", () => {
  const c = "Smewcanary0123456789ab";
  assert.ok(holds(Buffer.from(`xx ${c} yy`), c));
  assert.ok(holds(Buffer.from(`xx ${c} yy`, "utf16le"), c));
  assert.ok(!holds(Buffer.from("xx Smewcanary0123456789a yy"), c));
  fs.mkdirSync(SWEEP, { recursive: true });
  const dir = fs.mkdtempSync(path.join(SWEEP, "control-"));
  try {
    const db = path.join(dir, "control.db");
    execFileSync("sqlite3", [db, `PRAGMA journal_mode=WAL; CREATE TABLE t (b BLOB); INSERT INTO t VALUES ('${c}');`]);
    assert.ok(filesUnder(dir).some((f) => holds(fs.readFileSync(f), c)), "a canary in a database is found");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("no canary typed during the journeys is in a database file, a WAL, a backup or a log", () => {
  const typed = canaries();
  const kinds = new Set(typed.map((t) => t.kind));
  for (const k of REQUIRED) {
    assert.ok(kinds.has(k), `no canary of kind ${k} was typed (run the journeys first): ${[...kinds]}`);
  }
  const files = filesUnder(SWEEP).filter((f) => f !== CANARIES);
  const base = (f) => path.basename(f);
  const dbs = files.filter((f) => base(f).endsWith(".db") && !base(f).startsWith("backup-"));
  const wals = files.filter((f) => base(f).endsWith(".db-wal"));
  const shms = files.filter((f) => base(f).endsWith(".db-shm"));
  const backups = files.filter((f) => base(f).startsWith("backup-"));
  const logs = files.filter((f) => base(f).endsWith(".log"));
  const summary = `${typed.length} canaries; ${dbs.length} databases, ${wals.length} WAL, ${shms.length} shm, ` +
    `${backups.length} backups, ${logs.length} logs (${SWEEP})`;
  console.log(`sweep: ${summary}`);
  assert.ok(dbs.length >= 1 && wals.length >= 1 && shms.length >= 1, `database files to sweep: ${summary}`);
  assert.ok(backups.length >= 1, `a backup taken mid-run: ${summary}`);
  for (const b of backups) {
    const n = Number(execFileSync("sqlite3", [b, "SELECT COUNT(*) FROM entries"], { encoding: "utf8" }).trim());
    assert.ok(n >= 1, `${base(b)} is a backup with entries in it (${n})`);
  }
  assert.ok(logs.length >= 1, `server logs: ${summary}`);
  const logText = logs.map((f) => fs.readFileSync(f, "utf8")).join("");
  assert.match(logText, /^POST \/journal\/new \d{3} /m, "the servers logged requests (normal logging, not quiet)");

  const hits = [];
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    for (const { canary, kind, file } of typed) {
      if (holds(bytes, canary)) { hits.push(`${kind} canary (typed in ${file}) in ${path.relative(SWEEP, f)}`); }
    }
  }
  assert.deepEqual(hits, [], "canaries at rest or in a log");
  // Everything swept is removed: it is this run's and nobody else's.
  fs.rmSync(SWEEP, { recursive: true, force: true });
});
