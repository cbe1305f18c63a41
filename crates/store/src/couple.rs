//! Two people and a therapist's view (issue 15; DESIGN.md §3 invariants 4–6, 15, 16).
//!
//! - **The couple key.** When two people link, a random key is sealed under each one's data key
//!   (`couple_keys`). What one shares with the partner is the allowlisted [`SharedEntry`] sealed
//!   under it, so a locked partner can read it with their own key and nobody else can.
//!   Unlinking (or deleting an account) deletes both key rows and every partner share.
//! - **Invitations.** A single-use code of 130 random bits, shown once, typed by the partner,
//!   valid for [`INVITATION_TTL_SECS`]. The couple key is made when the invitation is made, sealed
//!   for the inviter and under a key derived from the code; only the code's hash is stored, so
//!   the inviter need not be present when it is accepted. One offer: a new invitation replaces the
//!   open one; nothing reminds anyone.
//! - **Therapist links.** Named, one per therapist; a token of 160 random bits (only its hash is
//!   stored); a link key sealed under the owner's data key and under a key derived from the token.
//!   An entry shared with a link is a snapshot sealed under the link key; the link's patterns are
//!   computed by the caller from those entries only and frozen with [`Store::freeze_link`]. At
//!   most [`LINK_MAX_DAYS`] days, never renewed. The first browser exchanges the token for a
//!   cookie secret ([`Store::open_link`]); a second browser is refused and the owner sees it.
//!   Revoked, expired, deleted and unknown links all answer [`Error::NotFound`].
//!
//! Who may see what is decided in the queries: every read joins the audience (the current
//! partner link, the link's browser) in SQL, so an answer never depends on rows the reader may
//! not see.

use crate::crypto::{self, random_bytes};
use crate::{DataKey, Error, Result, SharedEntry, Store, aad, on_db, random_id};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// How long an invitation code can be accepted.
pub const INVITATION_TTL_SECS: i64 = 24 * 3600;
/// The longest a therapist link lives.
pub const LINK_MAX_DAYS: i64 = 14;

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed is not misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// An invitation just made: the code is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub code: String,
    pub expires_at: i64,
}

/// A therapist link just made: the token is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub id: String,
    pub token: String,
    pub expires_at: i64,
}

/// What a therapist link shows: the entries tagged for it and its frozen patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    pub entries: Vec<SharedEntry>,
    pub frozen: Option<serde_json::Value>,
}

fn hash(domain: &str, secret: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(domain.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    h.finalize().to_vec()
}

/// A key from a high-entropy secret (≥ 128 random bits, so no slow derivation is needed).
fn key_from(domain: &str, secret: &str) -> DataKey {
    let mut k = [0u8; 32];
    k.copy_from_slice(&hash(&format!("{domain} key"), secret));
    DataKey(k)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new invitation code: 26 base-32 digits (130 bits) in groups of five for typing.
fn new_code() -> String {
    let bytes: [u8; 17] = random_bytes();
    let mut digits = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 && digits.len() < 26 {
            bits -= 5;
            digits.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    let groups: Vec<String> = digits
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    groups.join("-")
}

/// One page of a list of shares (or of my own moves), newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct SharePage<T> {
    pub items: Vec<T>,
    /// The page shown, from 1 (0 is the first; past the end is the last).
    pub page: usize,
    /// How many pages there are (at least 1, even when the list is empty).
    pub pages: usize,
}

/// How many shares (or my own moves) one page of the partner page lists.
pub const SHARES_PER_PAGE: usize = 20;

/// Page `page` (from 1) of a list kept oldest first, newest first, `per_page` (at least 1) to
/// a page. Counts nothing but the list given: the caller passes only what the viewer may see.
pub fn share_page<T: Clone>(oldest_first: &[T], page: usize, per_page: usize) -> SharePage<T> {
    let per_page = per_page.max(1);
    let pages = oldest_first.len().div_ceil(per_page).max(1);
    let page = page.clamp(1, pages);
    let items = oldest_first
        .iter()
        .rev()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    SharePage { items, page, pages }
}

/// My own moves (never my perceptions of my partner's) from my entries in order: what the
/// partner page's share controls list, a page at a time, newest first.
pub fn own_moves_page(
    entries: &[crate::Entry],
    page: usize,
    per_page: usize,
) -> SharePage<crate::Entry> {
    let own: Vec<crate::Entry> = entries
        .iter()
        .filter(|e| e.data.by == crate::Actor::Me)
        .cloned()
        .collect();
    share_page(&own, page, per_page)
}

/// The code as typed, in its one canonical form: case, spaces and dashes do not matter, and the
/// letters people confuse with digits read as those digits. `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut out = String::new();
    for c in typed.chars() {
        let c = c.to_ascii_lowercase();
        let c = match c {
            ' ' | '-' | '\t' => continue,
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
    }
    (out.len() == 26).then_some(out)
}

fn decode_key(plain: Vec<u8>) -> Result<DataKey> {
    if plain.len() != 32 {
        return Err(Error::Corrupt("a wrapped key has the wrong length".into()));
    }
    let mut k = [0u8; 32];
    k.copy_from_slice(&plain);
    Ok(DataKey(k))
}

fn partner_aad(owner: &str, couple: &str) -> String {
    aad("shares", &format!("{owner}|couple|{couple}"))
}

fn link_aad(owner: &str, link: &str) -> String {
    aad("shares", &format!("{owner}|link|{link}"))
}

impl Store {
    // ------------------------------------------------------------ the couple key

    /// Seals a couple key for one person under their data key (plain framing when their journal
    /// is not locked, like all their other bodies).
    pub(crate) async fn wrap_for(&self, person: &str, table: &str, k: &DataKey) -> Result<Vec<u8>> {
        let key = self.key_for(person).await?;
        Ok(crypto::seal(key.as_ref(), &aad(table, person), &k.0))
    }

    /// The person's couple id and key, when they are linked.
    pub(crate) async fn couple_key(&self, person: &str) -> Result<Option<(String, DataKey)>> {
        let r: Option<(String, Vec<u8>)> = on_db!(self, p => sqlx::query_as("SELECT k.couple_id, k.wrapped FROM couple_keys k JOIN partner_links l ON l.person_id = k.person_id WHERE k.person_id = $1")
            .bind(person)
            .fetch_optional(p)
            .await)?;
        let Some((couple, wrapped)) = r else {
            return Ok(None);
        };
        let key = self.key_for(person).await?;
        let plain = crypto::open(key.as_ref(), &aad("couple_keys", person), &wrapped)?;
        Ok(Some((couple, decode_key(plain)?)))
    }

    /// The body of a partner share of `e`, sealed under the owner's couple key (`None` when the
    /// owner is not linked).
    pub(crate) async fn partner_share_body(
        &self,
        owner: &str,
        e: &SharedEntry,
    ) -> Result<Option<Vec<u8>>> {
        Ok(self.couple_key(owner).await?.map(|(couple, k)| {
            let json = serde_json::to_vec(e).expect("a shared entry serialises");
            crypto::seal(Some(&k), &partner_aad(owner, &couple), &json)
        }))
    }

    /// Links two people directly, both present with their keys open (the web app links through
    /// [`Store::accept_invitation`]): a new couple key is sealed for each.
    pub async fn link_partners(&self, a: &str, b: &str) -> Result<()> {
        if a == b {
            return Err(Error::Refused(
                "a person cannot be their own partner".into(),
            ));
        }
        let k = DataKey::generate();
        let couple = random_id();
        let wa = self.wrap_for(a, "couple_keys", &k).await?;
        let wb = self.wrap_for(b, "couple_keys", &k).await?;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            for (x, y, w) in [(a, b, &wa), (b, a, &wb)] {
                let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM partner_links WHERE person_id = $1")
                    .bind(x)
                    .fetch_one(&mut *tx)
                    .await?;
                if n.0 > 0 {
                    return Err(Error::Refused("one of them is already linked to a partner".into()));
                }
                sqlx::query("INSERT INTO partner_links (person_id, partner_id) VALUES ($1, $2)")
                    .bind(x)
                    .bind(y)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM couple_keys WHERE person_id = $1").bind(x).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO couple_keys (person_id, couple_id, wrapped) VALUES ($1, $2, $3)")
                    .bind(x)
                    .bind(&couple)
                    .bind(w)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM invitations WHERE inviter = $1 OR inviter = $2").bind(a).bind(b).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a partner link: both couple-key rows and every partner share between them (both
    /// directions) are deleted in one transaction. Afterwards each one's view is that of someone
    /// never linked.
    pub async fn unlink_partner(&self, person: &str) -> Result<()> {
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            let partner: Option<(String,)> = sqlx::query_as("SELECT partner_id FROM partner_links WHERE person_id = $1")
                .bind(person)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some((other,)) = partner {
                for x in [person, other.as_str()] {
                    sqlx::query("DELETE FROM shares WHERE audience = 'partner' AND entry_id IN (SELECT id FROM entries WHERE owner = $1)")
                        .bind(x)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM couple_keys WHERE person_id = $1").bind(x).execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM partner_links WHERE person_id = $1 OR person_id = $2")
                    .bind(person)
                    .bind(&other)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        self.scrub().await?;
        Ok(())
    }

    /// After [`Store::lock`]: the person's couple key, open invitation and link keys were
    /// framed plain (like every body of an unlocked journal); they are sealed under the new data
    /// key. Shares themselves are under the couple or link key and do not change.
    pub(crate) async fn seal_keys_after_lock(&self, person: &str, key: &DataKey) -> Result<()> {
        for (select, update, table) in [
            (
                "SELECT person_id, wrapped FROM couple_keys WHERE person_id = $1",
                "UPDATE couple_keys SET wrapped = $1 WHERE person_id = $2",
                "couple_keys",
            ),
            (
                "SELECT inviter, for_inviter FROM invitations WHERE inviter = $1",
                "UPDATE invitations SET for_inviter = $1 WHERE inviter = $2",
                "couple_keys",
            ),
            (
                "SELECT k.link_id, k.for_owner FROM link_keys k JOIN therapist_links t ON t.id = k.link_id WHERE t.owner = $1",
                "UPDATE link_keys SET for_owner = $1 WHERE link_id = $2",
                "link_keys",
            ),
        ] {
            let rows: Vec<(String, Vec<u8>)> =
                on_db!(self, p => sqlx::query_as(select).bind(person).fetch_all(p).await)?;
            let aad = aad(table, person);
            for (id, body) in rows {
                let plain = crypto::open(None, &aad, &body)?;
                let sealed = crypto::seal(Some(key), &aad, &plain);
                on_db!(self, p => sqlx::query(update).bind(sealed).bind(&id).execute(p).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }

    /// Before a person's rows go (account deletion, `forget`): the couple key (both partners'
    /// rows, so the former partner holds nothing of it), an open invitation and the person's
    /// link keys.
    pub(crate) async fn delete_couple_keys_of(&self, person: &str) -> Result<()> {
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM couple_keys WHERE couple_id IN (SELECT couple_id FROM couple_keys WHERE person_id = $1)").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM invitations WHERE inviter = $1").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM link_keys WHERE link_id IN (SELECT id FROM therapist_links WHERE owner = $1)").bind(person).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    // ------------------------------------------------------------ invitations

    /// Makes an invitation (the caller has checked the inviter's passphrase): a new code valid
    /// for 24 hours, replacing any open one. Refused when the inviter is already linked.
    pub async fn create_invitation(&self, inviter: &str, now: i64) -> Result<Invitation> {
        if self.partner_of(inviter).await?.is_some() {
            return Err(Error::Refused("you are already linked to someone".into()));
        }
        let k = DataKey::generate();
        let couple = random_id();
        let code = new_code();
        let canon = normalize_code(&code).expect("a new code is canonical");
        let code_hash = hash("closer invitation", &canon);
        // Sealed as it will sit in `couple_keys`, so acceptance can move it without the inviter.
        let for_inviter = self.wrap_for(inviter, "couple_keys", &k).await?;
        let for_code = crypto::seal(
            Some(&key_from("closer invitation", &canon)),
            &aad("invitations", &hex(&code_hash)),
            &k.0,
        );
        let expires_at = now + INVITATION_TTL_SECS;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM invitations WHERE inviter = $1 OR expires_at <= $2")
                .bind(inviter)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO invitations (code_hash, inviter, couple_id, for_inviter, for_code, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&code_hash)
                .bind(inviter)
                .bind(&couple)
                .bind(&for_inviter)
                .bind(&for_code)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(Invitation { code, expires_at })
    }

    /// When the inviter's open invitation expires, if one is open.
    pub async fn open_invitation(&self, inviter: &str, now: i64) -> Result<Option<i64>> {
        let r: Option<(i64,)> = on_db!(self, p => sqlx::query_as("SELECT expires_at FROM invitations WHERE inviter = $1 AND expires_at > $2")
            .bind(inviter)
            .bind(now)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0))
    }

    /// Withdraws the inviter's open invitation (nothing happens when there is none).
    pub async fn cancel_invitation(&self, inviter: &str) -> Result<()> {
        on_db!(self, p => sqlx::query("DELETE FROM invitations WHERE inviter = $1")
            .bind(inviter)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Accepts an invitation (the caller has checked the accepter's passphrase). An unknown,
    /// used or expired code is [`Error::NotFound`], all alike; one's own code, or either person
    /// being linked already, is refused. The code works once.
    pub async fn accept_invitation(&self, accepter: &str, typed: &str, now: i64) -> Result<()> {
        let canon = normalize_code(typed).ok_or(Error::NotFound("invitation"))?;
        let code_hash = hash("closer invitation", &canon);
        #[derive(sqlx::FromRow)]
        struct I {
            inviter: String,
            couple_id: String,
            for_inviter: Vec<u8>,
            for_code: Vec<u8>,
        }
        let row: Option<I> = on_db!(self, p => sqlx::query_as("SELECT inviter, couple_id, for_inviter, for_code FROM invitations WHERE code_hash = $1 AND expires_at > $2")
            .bind(&code_hash)
            .bind(now)
            .fetch_optional(p)
            .await)?;
        let row = row.ok_or(Error::NotFound("invitation"))?;
        if row.inviter == accepter {
            return Err(Error::Refused(
                "this code is your own invitation: it is for the other person to type".into(),
            ));
        }
        if self.partner_of(accepter).await?.is_some() {
            return Err(Error::Refused("you are already linked to someone".into()));
        }
        let plain = crypto::open(
            Some(&key_from("closer invitation", &canon)),
            &aad("invitations", &hex(&code_hash)),
            &row.for_code,
        )?;
        let k = decode_key(plain)?;
        let for_accepter = self.wrap_for(accepter, "couple_keys", &k).await?;
        // The inviter's copy is moved as it is: their key is not needed here.
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            let used = sqlx::query("DELETE FROM invitations WHERE code_hash = $1 AND expires_at > $2")
                .bind(&code_hash)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if used != 1 {
                return Err(Error::NotFound("invitation"));
            }
            let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM partner_links WHERE person_id = $1 OR person_id = $2")
                .bind(&row.inviter)
                .bind(accepter)
                .fetch_one(&mut *tx)
                .await?;
            if n.0 > 0 {
                return Err(Error::Refused("one of you is already linked to someone".into()));
            }
            for (x, y) in [(row.inviter.as_str(), accepter), (accepter, row.inviter.as_str())] {
                sqlx::query("INSERT INTO partner_links (person_id, partner_id) VALUES ($1, $2)")
                    .bind(x)
                    .bind(y)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM couple_keys WHERE person_id = $1 OR person_id = $2")
                .bind(&row.inviter)
                .bind(accepter)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO couple_keys (person_id, couple_id, wrapped) VALUES ($1, $2, $3)")
                .bind(&row.inviter)
                .bind(&row.couple_id)
                .bind(&row.for_inviter)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO couple_keys (person_id, couple_id, wrapped) VALUES ($1, $2, $3)")
                .bind(accepter)
                .bind(&row.couple_id)
                .bind(&for_accepter)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM invitations WHERE inviter = $1").bind(accepter).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    // ------------------------------------------------------------ partner shares

    /// What the viewer's linked partner shared with them (the allowlist only), in day order.
    /// The audience filter is in the query: only shares of entries owned by the person currently
    /// linked to the viewer, opened with the couple key.
    pub async fn shared_with_me(&self, viewer: &str) -> Result<Vec<SharedEntry>> {
        let Some((couple, k)) = self.couple_key(viewer).await? else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, Vec<u8>)> = on_db!(self, p => sqlx::query_as("SELECT e.owner, s.body FROM shares s JOIN entries e ON e.id = s.entry_id JOIN partner_links l ON l.person_id = $1 AND l.partner_id = e.owner WHERE s.audience = 'partner' AND s.audience_id = $1")
            .bind(viewer)
            .fetch_all(p)
            .await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (owner, body) in rows {
            let json = crypto::open(Some(&k), &partner_aad(&owner, &couple), &body)?;
            out.push(
                serde_json::from_slice::<SharedEntry>(&json)
                    .map_err(|e| Error::Corrupt(format!("shares: {e}")))?,
            );
        }
        out.sort_by(|a, b| (&a.day, &a.id).cmp(&(&b.day, &b.id)));
        Ok(out)
    }

    /// One page of what the viewer's partner shared with them ([`Store::shared_with_me`]),
    /// newest day first.
    pub async fn shared_with_me_page(
        &self,
        viewer: &str,
        page: usize,
        per_page: usize,
    ) -> Result<SharePage<SharedEntry>> {
        Ok(share_page(
            &self.shared_with_me(viewer).await?,
            page,
            per_page,
        ))
    }

    /// The ids of the owner's entries currently shared with the partner (for the owner's own
    /// share/withdraw controls).
    pub async fn shared_ids(&self, owner: &str, audience: &crate::Audience) -> Result<Vec<String>> {
        let (kind, aid) = match audience {
            crate::Audience::Partner => ("partner", None),
            crate::Audience::Therapist(l) => ("therapist", Some(l.clone())),
        };
        let rows: Vec<(String,)> = on_db!(self, p => sqlx::query_as("SELECT s.entry_id FROM shares s JOIN entries e ON e.id = s.entry_id WHERE e.owner = $1 AND s.audience = $2 AND ($3 IS NULL OR s.audience_id = $3) ORDER BY s.entry_id")
            .bind(owner)
            .bind(kind)
            .bind(aid)
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Withdraws every partner share of the owner at once (a stop, not a "share all": new
    /// entries were never shared automatically).
    pub async fn unshare_all_partner(&self, owner: &str) -> Result<()> {
        on_db!(self, p => sqlx::query("DELETE FROM shares WHERE audience = 'partner' AND entry_id IN (SELECT id FROM entries WHERE owner = $1)")
            .bind(owner)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    // ------------------------------------------------------------ therapist links

    /// Makes a named therapist link valid for `days` (1 to 14) from `now`; the token is returned
    /// once and only its hash is kept. The caller has checked the owner's passphrase.
    pub async fn create_link(
        &self,
        owner: &str,
        name: &str,
        now: i64,
        days: i64,
    ) -> Result<NewLink> {
        if !(1..=LINK_MAX_DAYS).contains(&days) {
            return Err(Error::Invalid(format!(
                "days: expected 1 to {LINK_MAX_DAYS}"
            )));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::Invalid("name: expected 1 to 80 characters".into()));
        }
        let key = self.key_for(owner).await?;
        let id = random_id();
        let token_bytes: [u8; 20] = random_bytes();
        let token = hex(&token_bytes);
        let token_hash = hash("closer link", &token);
        let k = DataKey::generate();
        let for_owner = crypto::seal(key.as_ref(), &aad("link_keys", owner), &k.0);
        let for_token = crypto::seal(
            Some(&key_from("closer link", &token)),
            &aad("link_keys", &id),
            &k.0,
        );
        let body = crypto::seal(
            key.as_ref(),
            &aad("therapist_links", owner),
            &serde_json::to_vec(&name).expect("a name serialises"),
        );
        let expires_at = now + days * 86_400;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO therapist_links (id, owner, body, token_hash, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, 0)")
                .bind(&id)
                .bind(owner)
                .bind(&body)
                .bind(&token_hash)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO link_keys (link_id, for_owner, for_token) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(&for_owner)
                .bind(&for_token)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(NewLink {
            id,
            token,
            expires_at,
        })
    }

    /// The owner's key of one of their live links.
    async fn link_key(&self, owner: &str, link: &str) -> Result<DataKey> {
        let r: Option<(Vec<u8>,)> = on_db!(self, p => sqlx::query_as("SELECT k.for_owner FROM link_keys k JOIN therapist_links t ON t.id = k.link_id WHERE t.id = $1 AND t.owner = $2 AND t.revoked = 0")
            .bind(link)
            .bind(owner)
            .fetch_optional(p)
            .await)?;
        let (w,) = r.ok_or(Error::NotFound("therapist link"))?;
        let key = self.key_for(owner).await?;
        decode_key(crypto::open(key.as_ref(), &aad("link_keys", owner), &w)?)
    }

    /// The body of a snapshot of `e` for one of the owner's live links.
    pub(crate) async fn link_share_body(
        &self,
        owner: &str,
        link: &str,
        e: &SharedEntry,
    ) -> Result<Vec<u8>> {
        let k = self.link_key(owner, link).await?;
        let json = serde_json::to_vec(e).expect("a shared entry serialises");
        Ok(crypto::seal(Some(&k), &link_aad(owner, link), &json))
    }

    /// Freezes a link's patterns (computed by the caller from the link's entries only, at the
    /// time they were shared), sealed under the link key.
    pub async fn freeze_link<T: Serialize>(&self, owner: &str, link: &str, v: &T) -> Result<()> {
        let k = self.link_key(owner, link).await?;
        let json = serde_json::to_vec(v).expect("patterns serialise");
        let body = crypto::seal(Some(&k), &aad("link_frozen", link), &json);
        on_db!(self, p => sqlx::query("UPDATE link_keys SET frozen = $1 WHERE link_id = $2")
            .bind(&body)
            .bind(link)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// What is frozen in one of the owner's live links (`None` before anything was frozen), so
    /// the owner can change one part of it (its entries' patterns, its measures) and keep the
    /// other.
    pub async fn link_frozen(&self, owner: &str, link: &str) -> Result<Option<serde_json::Value>> {
        let k = self.link_key(owner, link).await?;
        let r: Option<(Option<Vec<u8>>,)> = on_db!(self, p => sqlx::query_as("SELECT frozen FROM link_keys WHERE link_id = $1")
            .bind(link)
            .fetch_optional(p)
            .await)?;
        match r.and_then(|r| r.0) {
            Some(b) => Ok(Some(open_json(&k, &aad("link_frozen", link), &b)?)),
            None => Ok(None),
        }
    }

    /// The owner's therapist links, with whether a second browser was refused.
    pub async fn therapist_links(&self, owner: &str) -> Result<Vec<crate::TherapistLink>> {
        let key = self.key_for(owner).await?;
        #[derive(sqlx::FromRow)]
        struct L {
            id: String,
            body: Vec<u8>,
            expires_at: i64,
            revoked: i64,
            opened: i64,
            refused: i64,
        }
        let rows: Vec<L> = on_db!(self, p => sqlx::query_as("SELECT t.id, t.body, t.expires_at, t.revoked, CAST(CASE WHEN k.browser_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS opened, CAST(COALESCE(k.refused, 0) AS BIGINT) AS refused FROM therapist_links t LEFT JOIN link_keys k ON k.link_id = t.id WHERE t.owner = $1 ORDER BY t.id")
            .bind(owner)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|l| {
                let json = crypto::open(key.as_ref(), &aad("therapist_links", owner), &l.body)?;
                Ok(crate::TherapistLink {
                    name: serde_json::from_slice(&json)
                        .map_err(|e| Error::Corrupt(format!("therapist_links: {e}")))?,
                    id: l.id,
                    expires_at: l.expires_at,
                    revoked: l.revoked != 0,
                    opened: l.opened != 0,
                    refused_elsewhere: l.refused != 0,
                })
            })
            .collect()
    }

    /// Revokes a link: its key, its snapshots and its frozen patterns are deleted, so nothing
    /// of it can be opened again. The row stays (named, marked revoked) for its owner.
    pub async fn revoke_therapist_link(&self, owner: &str, link: &str) -> Result<()> {
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE therapist_links SET revoked = 1 WHERE id = $1 AND owner = $2")
                .bind(link)
                .bind(owner)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::NotFound("therapist link"));
            }
            sqlx::query("DELETE FROM shares WHERE audience = 'therapist' AND audience_id = $1")
                .bind(link)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM link_keys WHERE link_id = $1").bind(link).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.scrub().await?;
        Ok(())
    }

    /// Deletes a link from the owner's list (revoking it first).
    pub async fn delete_therapist_link(&self, owner: &str, link: &str) -> Result<()> {
        self.revoke_therapist_link(owner, link).await?;
        on_db!(self, p => sqlx::query("DELETE FROM therapist_links WHERE id = $1 AND owner = $2")
            .bind(link)
            .bind(owner)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The first visit of a link: exchanges the token for a browser secret (returned once; only
    /// its hash is kept) under which the link key is sealed. A token already exchanged is refused
    /// and the refusal is noted for the owner; unknown, revoked, expired and deleted links are
    /// all [`Error::NotFound`], as is the refusal, so the answers cannot be told apart.
    pub async fn open_link(&self, token: &str, now: i64) -> Result<String> {
        let token_hash = hash("closer link", token);
        #[derive(sqlx::FromRow)]
        struct TokenRow {
            id: String,
            for_token: Vec<u8>,
            bound: i64,
        }
        let r: Option<TokenRow> = on_db!(self, p => sqlx::query_as("SELECT t.id, k.for_token, CAST(CASE WHEN k.browser_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS bound FROM therapist_links t JOIN link_keys k ON k.link_id = t.id WHERE t.token_hash = $1 AND t.revoked = 0 AND t.expires_at > $2")
            .bind(&token_hash)
            .bind(now)
            .fetch_optional(p)
            .await)?;
        let r = r.ok_or(Error::NotFound("therapist link"))?;
        if r.bound != 0 {
            on_db!(self, p => sqlx::query("UPDATE link_keys SET refused = 1 WHERE link_id = $1")
                .bind(&r.id)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
            return Err(Error::NotFound("therapist link"));
        }
        let k = decode_key(crypto::open(
            Some(&key_from("closer link", token)),
            &aad("link_keys", &r.id),
            &r.for_token,
        )?)?;
        let secret_bytes: [u8; 20] = random_bytes();
        let secret = hex(&secret_bytes);
        let for_browser = crypto::seal(
            Some(&key_from("closer browser", &secret)),
            &aad("link_keys", &r.id),
            &k.0,
        );
        let n = on_db!(self, p => sqlx::query("UPDATE link_keys SET browser_hash = $1, for_browser = $2 WHERE link_id = $3 AND browser_hash IS NULL")
            .bind(hash("closer browser", &secret))
            .bind(&for_browser)
            .bind(&r.id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n != 1 {
            return Err(Error::NotFound("therapist link"));
        }
        Ok(secret)
    }

    /// What a link shows to the browser holding `secret`, while the link is live at `now`:
    /// its snapshots and frozen patterns, nothing else. Otherwise [`Error::NotFound`].
    pub async fn link_view(&self, secret: &str, now: i64) -> Result<LinkView> {
        #[derive(sqlx::FromRow)]
        struct ViewRow {
            id: String,
            owner: String,
            for_browser: Vec<u8>,
            frozen: Option<Vec<u8>>,
        }
        let r: Option<ViewRow> = on_db!(self, p => sqlx::query_as("SELECT t.id, t.owner, k.for_browser, k.frozen FROM link_keys k JOIN therapist_links t ON t.id = k.link_id WHERE k.browser_hash = $1 AND t.revoked = 0 AND t.expires_at > $2")
            .bind(hash("closer browser", secret))
            .bind(now)
            .fetch_optional(p)
            .await)?;
        let r = r.ok_or(Error::NotFound("therapist link"))?;
        let k = decode_key(crypto::open(
            Some(&key_from("closer browser", secret)),
            &aad("link_keys", &r.id),
            &r.for_browser,
        )?)?;
        let rows: Vec<(Vec<u8>,)> = on_db!(self, p => sqlx::query_as("SELECT s.body FROM shares s JOIN entries e ON e.id = s.entry_id WHERE s.audience = 'therapist' AND s.audience_id = $1 AND e.owner = $2")
            .bind(&r.id)
            .bind(&r.owner)
            .fetch_all(p)
            .await)?;
        let mut entries = rows
            .into_iter()
            .map(|(body,)| open_json::<SharedEntry>(&k, &link_aad(&r.owner, &r.id), &body))
            .collect::<Result<Vec<_>>>()?;
        entries.sort_by(|a, b| (&a.day, &a.id).cmp(&(&b.day, &b.id)));
        let frozen = match r.frozen {
            Some(b) => Some(open_json(&k, &aad("link_frozen", &r.id), &b)?),
            None => None,
        };
        Ok(LinkView { entries, frozen })
    }
}

fn open_json<T: DeserializeOwned>(k: &DataKey, aad: &str, body: &[u8]) -> Result<T> {
    let json = crypto::open(Some(k), aad, body)?;
    serde_json::from_slice(&json).map_err(|e| Error::Corrupt(format!("shares: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_pages_are_newest_first_clamped_and_cover_every_item_once() {
        let v: Vec<u32> = (1..=45).collect();
        let p1 = share_page(&v, 1, 20);
        assert_eq!((p1.page, p1.pages), (1, 3));
        assert_eq!(p1.items.first(), Some(&45));
        assert_eq!(p1.items.len(), 20);
        let p3 = share_page(&v, 3, 20);
        assert_eq!(p3.items, vec![5, 4, 3, 2, 1]);
        assert_eq!(share_page(&v, 0, 20).page, 1);
        assert_eq!(share_page(&v, 99, 20).items, p3.items);
        let mut all: Vec<u32> = (1..=3).flat_map(|p| share_page(&v, p, 20).items).collect();
        all.sort();
        assert_eq!(all, v);
        let empty: Vec<u32> = Vec::new();
        let e = share_page(&empty, 2, 20);
        assert_eq!((e.items.len(), e.page, e.pages), (0, 1, 1));
    }

    #[test]
    fn codes_have_130_bits_and_read_back_however_they_are_typed() {
        let c = new_code();
        assert_eq!(c.len(), 26 + 5);
        let canon = normalize_code(&c).unwrap();
        assert_eq!(canon.len(), 26);
        assert_eq!(normalize_code(&c.to_uppercase()), Some(canon.clone()));
        assert_eq!(
            normalize_code(&format!("  {}  ", canon.replace('0', "O"))),
            Some(canon.clone())
        );
        assert_eq!(normalize_code("short"), None);
        assert_eq!(normalize_code(&format!("{}u", &canon[..25])), None);
        assert_ne!(new_code(), c, "codes are random");
        // Every digit of the alphabet turns up over many codes (no stuck bits).
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.extend(normalize_code(&new_code()).unwrap().chars());
        }
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn keys_from_secrets_depend_on_domain_and_secret() {
        assert_ne!(key_from("a", "s").0, key_from("b", "s").0);
        assert_ne!(key_from("a", "s").0, key_from("a", "t").0);
        assert_eq!(key_from("a", "s").0, key_from("a", "s").0);
    }
}
