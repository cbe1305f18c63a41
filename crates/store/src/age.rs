//! Passphrase encryption in the [age](https://age-encryption.org/v1) file format (version 1,
//! one scrypt recipient), so an encrypted evidence document opens with any age tool
//! (`age -d notes-….txt.age`), not only with closer.
//!
//! Why not the `age` crate: it brings about ninety crates (localisation with Fluent, embedded
//! resources, X25519) into a two-core build for the one recipient used here. The format for a
//! passphrase is small and fully specified, and every primitive is a RustCrypto crate the store
//! already uses or their siblings: scrypt, HKDF-SHA-256, HMAC-SHA-256, ChaCha20-Poly1305.
//!
//! The file: a text header
//! ```text
//! age-encryption.org/v1
//! -> scrypt <salt, base64> <log2 of the work factor>
//! <the 16-byte file key sealed under scrypt(passphrase), base64>
//! --- <HMAC-SHA-256 of the header up to "---", base64>
//! ```
//! then a 16-byte nonce and the payload in 64 KiB chunks, each sealed with ChaCha20-Poly1305
//! under HKDF(file key, nonce, "payload"), the chunk counter and a last-chunk flag as nonce.
//! Base64 is the standard alphabet without padding.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

const INTRO: &str = "age-encryption.org/v1\n";
const SCRYPT_LABEL: &[u8] = b"age-encryption.org/v1/scrypt";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// The work factor closer writes (2^18, age's own default for a passphrase: about a second on a
/// laptop), and the largest it opens (2^22) so a crafted file cannot demand gigabytes.
pub const LOG_N: u8 = 18;
pub const MAX_LOG_N: u8 = 22;

/// Why a file did not decrypt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    #[error("not an age file with one passphrase (scrypt) recipient: {0}")]
    Format(String),
    #[error("that passphrase does not open this file")]
    WrongPassphrase,
    #[error("the file was changed or cut short after it was written")]
    Damaged,
}

fn scrypt_key(passphrase: &str, salt: &[u8; 16], log_n: u8) -> Zeroizing<[u8; 32]> {
    let params = scrypt::Params::new(log_n, 8, 1, 32).expect("valid scrypt parameters");
    let mut s = SCRYPT_LABEL.to_vec();
    s.extend_from_slice(salt);
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase.as_bytes(), &s, &params, out.as_mut())
        .expect("32 bytes is a valid scrypt output length");
    out
}

fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, out.as_mut())
        .expect("32 bytes is a valid HKDF length");
    out
}

fn header_mac(file_key: &[u8; 16], header: &[u8]) -> [u8; 32] {
    let key = hkdf(file_key, &[], b"header");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()).expect("any key length");
    mac.update(header);
    mac.finalize().into_bytes().into()
}

fn stream_nonce(counter: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

/// Encrypts `plain` to an age file that opens with `passphrase`, with work factor 2^`log_n`.
pub fn encrypt(plain: &[u8], passphrase: &str, log_n: u8) -> Vec<u8> {
    let file_key: Zeroizing<[u8; 16]> = Zeroizing::new(crate::crypto::random_bytes());
    let salt: [u8; 16] = crate::crypto::random_bytes();
    let wrap = scrypt_key(passphrase, &salt, log_n);
    let body = ChaCha20Poly1305::new(wrap.as_ref().into())
        .encrypt(&Nonce::default(), file_key.as_ref())
        .expect("sealing 16 bytes cannot fail");
    let mut header = String::from(INTRO);
    header.push_str(&format!("-> scrypt {} {log_n}\n", B64.encode(salt)));
    // 32 bytes are 43 base64 characters: one line, shorter than the 64-column limit.
    header.push_str(&B64.encode(&body));
    header.push_str("\n---");
    let mac = header_mac(&file_key, header.as_bytes());
    header.push(' ');
    header.push_str(&B64.encode(mac));
    header.push('\n');

    let nonce: [u8; 16] = crate::crypto::random_bytes();
    let key = hkdf(file_key.as_ref(), &nonce, b"payload");
    let cipher = ChaCha20Poly1305::new(key.as_ref().into());
    let mut out = header.into_bytes();
    out.extend_from_slice(&nonce);
    // The last chunk may be short but is empty only when the whole payload is.
    let n_chunks = plain.len().div_ceil(CHUNK).max(1);
    for i in 0..n_chunks {
        let part = &plain[i * CHUNK..((i + 1) * CHUNK).min(plain.len())];
        let sealed = cipher
            .encrypt(&stream_nonce(i as u64, i + 1 == n_chunks), part)
            .expect("sealing a chunk cannot fail");
        out.extend_from_slice(&sealed);
    }
    out
}

/// Decrypts an age file with one scrypt recipient.
pub fn decrypt(file: &[u8], passphrase: &str) -> Result<Vec<u8>, AgeError> {
    let bad = |what: &str| AgeError::Format(what.to_string());
    let rest = file
        .strip_prefix(INTRO.as_bytes())
        .ok_or_else(|| bad("it does not start with the age version line"))?;
    let mut lines = Vec::new();
    let mut at = 0;
    let mut mac_line = None;
    while at < rest.len() {
        let end = rest[at..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("the header is cut short"))?;
        let line =
            std::str::from_utf8(&rest[at..at + end]).map_err(|_| bad("the header is not text"))?;
        if let Some(m) = line.strip_prefix("--- ") {
            mac_line = Some((
                INTRO.len() + at + 3,
                m.to_string(),
                INTRO.len() + at + end + 1,
            ));
            break;
        }
        lines.push(line);
        at += end + 1;
    }
    let (mac_end, mac_b64, payload_at) = mac_line.ok_or_else(|| bad("no header end"))?;
    let stanza: Vec<&str> = lines
        .first()
        .ok_or_else(|| bad("no recipient"))?
        .split(' ')
        .collect();
    if stanza.len() != 4 || stanza[0] != "->" || stanza[1] != "scrypt" {
        return Err(bad("its recipient is not a passphrase"));
    }
    if lines.len() != 2 {
        return Err(bad("expected exactly one passphrase recipient"));
    }
    let salt: [u8; 16] = B64
        .decode(stanza[2])
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("the scrypt salt is not 16 bytes of base64"))?;
    let log_n: u8 = stanza[3]
        .parse()
        .ok()
        .filter(|n| (1..=MAX_LOG_N).contains(n) && !stanza[3].starts_with('0'))
        .ok_or_else(|| bad("the scrypt work factor is missing or too large"))?;
    let body = B64
        .decode(lines[1])
        .ok()
        .filter(|b| b.len() == 16 + TAG)
        .ok_or_else(|| bad("the wrapped file key is not 32 bytes of base64"))?;
    let wrap = scrypt_key(passphrase, &salt, log_n);
    let file_key: Zeroizing<[u8; 16]> = Zeroizing::new(
        ChaCha20Poly1305::new(wrap.as_ref().into())
            .decrypt(&Nonce::default(), body.as_slice())
            .map_err(|_| AgeError::WrongPassphrase)?
            .try_into()
            .map_err(|_| AgeError::Damaged)?,
    );
    let mac: [u8; 32] = B64
        .decode(&mac_b64)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("the header MAC is not 32 bytes of base64"))?;
    let key = hkdf(file_key.as_ref(), &[], b"header");
    let mut check = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()).expect("any key length");
    check.update(&file[..mac_end]);
    check.verify_slice(&mac).map_err(|_| AgeError::Damaged)?;

    let payload = &file[payload_at..];
    if payload.len() < 16 + TAG {
        return Err(AgeError::Damaged);
    }
    let (nonce, mut sealed) = payload.split_at(16);
    let key = hkdf(file_key.as_ref(), nonce, b"payload");
    let cipher = ChaCha20Poly1305::new(key.as_ref().into());
    let mut out = Vec::with_capacity(sealed.len());
    let mut counter = 0u64;
    loop {
        let take = sealed.len().min(CHUNK + TAG);
        let last = take == sealed.len();
        let part = cipher
            .decrypt(&stream_nonce(counter, last), &sealed[..take])
            .map_err(|_| AgeError::Damaged)?;
        if part.is_empty() && counter > 0 {
            return Err(AgeError::Damaged);
        }
        out.extend_from_slice(&part);
        sealed = &sealed[take..];
        counter += 1;
        if last {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encrypted_decrypts_to_the_same_bytes_at_every_chunk_boundary() {
        for n in [
            0usize,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK,
            3 * CHUNK + 7,
        ] {
            let plain: Vec<u8> = (0..n)
                .map(|i| u8::try_from(i * 31 % 251).expect("below 251"))
                .collect();
            let file = encrypt(&plain, "correct horse", 4);
            assert_eq!(decrypt(&file, "correct horse").unwrap(), plain, "{n} bytes");
            // Header, nonce, then one 16-byte tag per chunk.
            let text = String::from_utf8_lossy(&file);
            assert!(
                text.starts_with("age-encryption.org/v1\n-> scrypt "),
                "{text}"
            );
            assert!(text.contains("\n--- "));
        }
    }

    #[test]
    fn a_wrong_passphrase_and_a_changed_byte_are_named_and_open_nothing() {
        let plain = b"He took my keys at 22:10.".repeat(4000);
        let file = encrypt(&plain, "the right one", 4);
        assert_eq!(
            decrypt(&file, "the wrong one"),
            Err(AgeError::WrongPassphrase)
        );
        let payload_at = file.windows(4).position(|w| w == b"\n---").unwrap();
        let mut changed = file.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(decrypt(&changed, "the right one"), Err(AgeError::Damaged));
        // A header edit (the work factor) breaks the MAC or the key, never opens quietly.
        let mut header = file.clone();
        let p = header[..payload_at]
            .windows(2)
            .position(|w| w == b" 4")
            .unwrap();
        header[p + 1] = b'5';
        assert!(decrypt(&header, "the right one").is_err());
        // Cut short after a whole chunk: the last-chunk flag no longer matches.
        let cut = &file[..file.len() - 100];
        assert_eq!(decrypt(cut, "the right one"), Err(AgeError::Damaged));
        assert!(matches!(
            decrypt(b"not age at all", "x"),
            Err(AgeError::Format(_))
        ));
    }

    #[test]
    fn a_file_from_the_reference_age_tool_opens() {
        // Written by age v1.1.1 (`age -p`, passphrase "closer test vector", work factor 2^18
        // set by the tool) from the bytes "closer evidence, age interop\n".
        let file = include_bytes!("../tests/data/age_reference.age");
        assert_eq!(
            decrypt(file, "closer test vector").unwrap(),
            b"closer evidence, age interop\n"
        );
        assert_eq!(
            decrypt(file, "another phrase"),
            Err(AgeError::WrongPassphrase)
        );
    }
}
