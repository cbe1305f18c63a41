//! The lock: a random per-person data key, wrapped by a key derived from the passphrase with
//! Argon2id; record bodies sealed with XChaCha20-Poly1305 under the data key.
//!
//! A body is one format byte then either JSON (`PLAIN`) or a 24-byte nonce and the ciphertext
//! (`SEALED`). The associated data binds a body to its table and owner, so a sealed body moved to
//! another table or person does not open.

use crate::Error;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

pub(crate) const PLAIN: u8 = 0;
pub(crate) const SEALED: u8 = 1;

/// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

/// A person's 256-bit data key, wiped from memory when dropped.
#[derive(Clone)]
pub struct DataKey(pub(crate) [u8; 32]);

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b
}

/// A random id: 128 bits as 32 hex digits. Random ids reveal neither order nor counts.
pub fn random_id() -> String {
    let b: [u8; 16] = random_bytes();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl DataKey {
    pub(crate) fn generate() -> DataKey {
        DataKey(random_bytes())
    }
}

/// The wrapping data stored for a locked person.
pub(crate) struct Wrapped {
    pub salt: Vec<u8>,
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub wrapped: Vec<u8>,
}

static DERIVATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many Argon2id derivations this process has run (tests check that a sign-in with an
/// unknown name does the same work as one with a known name).
pub fn derivations() -> u64 {
    DERIVATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, Error> {
    let params = Params::new(m, t, p, Some(32))
        .map_err(|e| Error::Corrupt(format!("key parameters: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    DERIVATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::Corrupt(format!("key derivation: {e}")))?;
    Ok(out)
}

fn wrap_aad(person: &str) -> Vec<u8> {
    format!("closer key v1|{person}").into_bytes()
}

/// Wraps `key` under a key from Argon2id(passphrase) with a fresh salt.
pub(crate) fn wrap(key: &DataKey, passphrase: &str, person: &str) -> Result<Wrapped, Error> {
    let salt: [u8; 16] = random_bytes();
    let kek = derive(passphrase, &salt, M_COST_KIB, T_COST, P_COST)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let nonce: [u8; 24] = random_bytes();
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &key.0,
                aad: &wrap_aad(person),
            },
        )
        .map_err(|_| Error::Corrupt("could not wrap the key".into()))?;
    let mut wrapped = nonce.to_vec();
    wrapped.extend_from_slice(&ct);
    Ok(Wrapped {
        salt: salt.to_vec(),
        m_cost: M_COST_KIB,
        t_cost: T_COST,
        p_cost: P_COST,
        wrapped,
    })
}

/// Unwraps a data key; a wrong passphrase is [`Error::WrongPassphrase`].
pub(crate) fn unwrap(w: &Wrapped, passphrase: &str, person: &str) -> Result<DataKey, Error> {
    let kek = derive(passphrase, &w.salt, w.m_cost, w.t_cost, w.p_cost)?;
    if w.wrapped.len() < 24 {
        return Err(Error::Corrupt("the wrapped key is too short".into()));
    }
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let (nonce, ct) = w.wrapped.split_at(24);
    let mut plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: &wrap_aad(person),
            },
        )
        .map_err(|_| Error::WrongPassphrase)?;
    if plain.len() != 32 {
        plain.zeroize();
        return Err(Error::Corrupt(
            "the unwrapped key has the wrong length".into(),
        ));
    }
    let mut k = [0u8; 32];
    k.copy_from_slice(&plain);
    plain.zeroize();
    Ok(DataKey(k))
}

/// Seals (or, with no key, frames as plain JSON) one body.
pub(crate) fn seal(key: Option<&DataKey>, aad: &str, json: &[u8]) -> Vec<u8> {
    match key {
        None => {
            let mut out = Vec::with_capacity(json.len() + 1);
            out.push(PLAIN);
            out.extend_from_slice(json);
            out
        }
        Some(k) => {
            let cipher = XChaCha20Poly1305::new((&k.0).into());
            let nonce: [u8; 24] = random_bytes();
            let ct = cipher
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: json,
                        aad: aad.as_bytes(),
                    },
                )
                .expect("XChaCha20-Poly1305 encryption of a bounded message cannot fail");
            let mut out = Vec::with_capacity(1 + 24 + ct.len());
            out.push(SEALED);
            out.extend_from_slice(&nonce);
            out.extend_from_slice(&ct);
            out
        }
    }
}

/// Opens one body: plain JSON, or sealed under `key`.
pub(crate) fn open(key: Option<&DataKey>, aad: &str, body: &[u8]) -> Result<Vec<u8>, Error> {
    match body.split_first() {
        Some((&PLAIN, rest)) => Ok(rest.to_vec()),
        Some((&SEALED, rest)) => {
            let k = key.ok_or(Error::Locked)?;
            if rest.len() < 24 {
                return Err(Error::Corrupt("a sealed record is too short".into()));
            }
            let (nonce, ct) = rest.split_at(24);
            XChaCha20Poly1305::new((&k.0).into())
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ct,
                        aad: aad.as_bytes(),
                    },
                )
                .map_err(|_| Error::Corrupt("a sealed record does not open with this key".into()))
        }
        _ => Err(Error::Corrupt("a record has an unknown format".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_then_unwrap_gives_the_key_back_and_a_wrong_passphrase_is_named() {
        let k = DataKey::generate();
        let w = wrap(&k, "correct horse", "p1").unwrap();
        assert_eq!(unwrap(&w, "correct horse", "p1").unwrap().0, k.0);
        assert!(matches!(
            unwrap(&w, "wrong horse", "p1"),
            Err(Error::WrongPassphrase)
        ));
        // Bound to the person: the same wrapping does not open for another id.
        assert!(matches!(
            unwrap(&w, "correct horse", "p2"),
            Err(Error::WrongPassphrase)
        ));
    }

    #[test]
    fn sealed_bodies_hide_the_text_and_are_bound_to_their_place() {
        let k = DataKey::generate();
        let body = seal(Some(&k), "entries|p1", b"{\"note\":\"canary-7d1\"}");
        assert!(!body.windows(10).any(|w| w == b"canary-7d1"));
        assert_eq!(
            open(Some(&k), "entries|p1", &body).unwrap(),
            b"{\"note\":\"canary-7d1\"}"
        );
        assert!(open(Some(&k), "checkins|p1", &body).is_err());
        assert!(matches!(
            open(None, "entries|p1", &body),
            Err(Error::Locked)
        ));
        let plain = seal(None, "entries|p1", b"{}");
        assert_eq!(open(None, "entries|p1", &plain).unwrap(), b"{}");
    }
}
