//! Sealed tokens: XChaCha20-Poly1305 over an expiry time and a payload, with the token's purpose
//! as associated data, so a token made for one purpose (a form's anti-forgery token, a walk's
//! state) can never be opened as another.
//!
//! Keys come from a secret shared by every instance (`--secret-file` or `CLOSER_SECRET`), so a
//! walk survives a restart or a second instance; the secret may hold two lines during a rotation:
//! the first seals, both open. Without a secret a key is generated at start.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// How long a walk's answers stay readable (the screen's, the guide's).
pub const STATE_TTL_SECS: u64 = 15 * 60;
/// How long a page's form may wait before it is posted.
pub const FORM_TTL_SECS: u64 = 2 * 60 * 60;

/// The keys: the first seals and opens, the second (during a rotation) only opens.
#[derive(Clone)]
pub struct Keys {
    keys: Vec<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({} keys, hidden)", self.keys.len())
    }
}

/// Why a secret cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("line {line}: a secret needs at least 32 characters (found {found})")]
    TooShort { line: usize, found: usize },
    #[error("no secret in it: expected one line (or two during a key rotation)")]
    Empty,
    #[error("line {line}: at most two secrets (the current one, then the previous one)")]
    TooMany { line: usize },
}

impl Keys {
    /// A fresh random key, for a single instance with no configured secret.
    pub fn generate() -> Keys {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).expect("the operating system's random numbers");
        Keys { keys: vec![k] }
    }

    /// Keys from a secret's text: the first non-empty line is the current secret, a second the
    /// previous one. Each line is at least 32 characters; the key is SHA-256 of it.
    pub fn from_secret(text: &str) -> Result<Keys, SecretError> {
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if keys.len() == 2 {
                return Err(SecretError::TooMany { line: i + 1 });
            }
            if line.chars().count() < 32 {
                return Err(SecretError::TooShort {
                    line: i + 1,
                    found: line.chars().count(),
                });
            }
            let mut h = Sha256::new();
            h.update(b"closer-web seal v1\0");
            h.update(line.as_bytes());
            keys.push(h.finalize().into());
        }
        if keys.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Keys { keys })
    }
}

/// Why a token did not open. Both are answered the same way to the person (start again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsealed {
    /// Not made by us (or altered, or for another purpose).
    Bad,
    /// Made by us, but older than its time to live.
    Expired,
}

/// Seals and opens tokens.
#[derive(Clone, Debug)]
pub struct Sealer {
    keys: Keys,
}

impl Sealer {
    pub fn new(keys: Keys) -> Sealer {
        Sealer { keys }
    }

    /// Seals `payload` for `purpose`, readable until `now + ttl` (seconds since the epoch).
    pub fn seal(&self, purpose: &str, now: u64, ttl: u64, payload: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new((&self.keys.keys[0]).into());
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the operating system's random numbers");
        let mut plain = Vec::with_capacity(8 + payload.len());
        plain.extend_from_slice(&(now + ttl).to_be_bytes());
        plain.extend_from_slice(payload);
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: purpose.as_bytes(),
                },
            )
            .expect("sealing cannot fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        B64.encode(out)
    }

    /// Opens a token sealed for `purpose`, if it is ours and has not expired at `now`.
    pub fn open(&self, purpose: &str, now: u64, token: &str) -> Result<Vec<u8>, Unsealed> {
        if token.len() > 64 * 1024 {
            return Err(Unsealed::Bad);
        }
        let raw = B64.decode(token.trim()).map_err(|_| Unsealed::Bad)?;
        if raw.len() < 24 + 16 + 8 {
            return Err(Unsealed::Bad);
        }
        let (nonce, ct) = raw.split_at(24);
        for key in &self.keys.keys {
            let cipher = XChaCha20Poly1305::new(key.into());
            if let Ok(plain) = cipher.decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: purpose.as_bytes(),
                },
            ) {
                let expiry = u64::from_be_bytes(plain[..8].try_into().expect("8 bytes"));
                if now > expiry {
                    return Err(Unsealed::Expired);
                }
                return Ok(plain[8..].to_vec());
            }
        }
        Err(Unsealed::Bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &str = "a secret of at least thirty-two characters, one";
    const S2: &str = "a secret of at least thirty-two characters, two";

    #[test]
    fn a_token_opens_for_its_purpose_until_it_expires() {
        let s = Sealer::new(Keys::from_secret(S1).unwrap());
        let t = s.seal("walk", 1000, 900, b"answers");
        assert_eq!(s.open("walk", 1000, &t).unwrap(), b"answers");
        assert_eq!(s.open("walk", 1900, &t).unwrap(), b"answers");
        assert_eq!(s.open("walk", 1901, &t), Err(Unsealed::Expired));
        assert_eq!(s.open("form", 1000, &t), Err(Unsealed::Bad));
        assert!(!t.contains("answers"));
    }

    #[test]
    fn an_altered_or_foreign_token_does_not_open() {
        let s = Sealer::new(Keys::from_secret(S1).unwrap());
        let other = Sealer::new(Keys::from_secret(S2).unwrap());
        let t = s.seal("walk", 0, 900, b"x");
        assert_eq!(other.open("walk", 0, &t), Err(Unsealed::Bad));
        let mut bytes = t.clone().into_bytes();
        let last = bytes.len() - 3;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            s.open("walk", 0, std::str::from_utf8(&bytes).unwrap()),
            Err(Unsealed::Bad)
        );
        assert_eq!(s.open("walk", 0, "not a token"), Err(Unsealed::Bad));
        assert_eq!(s.open("walk", 0, ""), Err(Unsealed::Bad));
    }

    #[test]
    fn during_a_rotation_both_keys_open_and_the_new_one_seals() {
        let old = Sealer::new(Keys::from_secret(S1).unwrap());
        let rotated = Sealer::new(Keys::from_secret(&format!("{S2}\n{S1}\n")).unwrap());
        let new_only = Sealer::new(Keys::from_secret(S2).unwrap());
        let t_old = old.seal("walk", 0, 900, b"old");
        assert_eq!(rotated.open("walk", 0, &t_old).unwrap(), b"old");
        let t_new = rotated.seal("walk", 0, 900, b"new");
        assert_eq!(new_only.open("walk", 0, &t_new).unwrap(), b"new");
        assert_eq!(old.open("walk", 0, &t_new), Err(Unsealed::Bad));
    }

    #[test]
    fn a_bad_secret_is_named() {
        assert_eq!(
            Keys::from_secret("short").unwrap_err(),
            SecretError::TooShort { line: 1, found: 5 }
        );
        assert_eq!(Keys::from_secret("\n  \n").unwrap_err(), SecretError::Empty);
        assert_eq!(
            Keys::from_secret(&format!("{S1}\n{S2}\n{S1}")).unwrap_err(),
            SecretError::TooMany { line: 3 }
        );
    }
}
