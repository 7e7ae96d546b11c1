//! Keyed pseudonyms (SPEC §4): HMAC-SHA256 of an id under a secret key,
//! truncated and hex-encoded. Every department that holds the same key turns
//! the same id into the same pseudonym, so extracts link without anyone
//! sharing the ids themselves. The key is read as raw bytes and never shown.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// Bytes a key file must hold at least.
pub const MIN_KEY_BYTES: usize = 32;
/// Hex digits kept of each pseudonym (64 bits).
pub const PSEUDONYM_HEX_DIGITS: usize = 16;

/// A key that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("cannot read key file {path}")]
    Read {
        /// Key file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key is too short to be secret.
    #[error("key file {path} holds {found} bytes; a key needs at least {MIN_KEY_BYTES} random bytes (e.g. `head -c 32 /dev/urandom > key`)")]
    TooShort {
        /// Key file.
        path: PathBuf,
        /// Bytes found.
        found: usize,
    },
}

/// A secret pseudonymisation key.
#[derive(Clone)]
pub struct Key {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(hidden)")
    }
}

impl Key {
    /// Reads a key file (its bytes exactly, at least [`MIN_KEY_BYTES`]).
    pub fn from_file(path: &Path) -> Result<Key, KeyError> {
        let bytes = std::fs::read(path).map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if bytes.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort {
                path: path.to_path_buf(),
                found: bytes.len(),
            });
        }
        Ok(Key::from_bytes(&bytes))
    }

    /// A key from bytes already in memory.
    pub fn from_bytes(bytes: &[u8]) -> Key {
        Key {
            // HMAC takes keys of any length.
            mac: Hmac::<Sha256>::new_from_slice(bytes).unwrap_or_else(|_| unreachable!()),
        }
    }

    /// The pseudonym of `id`: the first 16 hex digits of HMAC-SHA256(key, id).
    pub fn pseudonym(&self, id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..PSEUDONYM_HEX_DIGITS / 2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_an_independent_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let key = Key::from_bytes(b"Jefe");
        assert_eq!(
            key.pseudonym("what do ya want for nothing?"),
            "5bdcc146bf60754e"
        );
    }

    #[test]
    fn same_key_same_pseudonym_other_key_other() {
        let a = Key::from_bytes(&[7u8; 32]);
        let b = Key::from_bytes(&[8u8; 32]);
        assert_eq!(a.pseudonym("c1"), a.pseudonym("c1"));
        assert_ne!(a.pseudonym("c1"), b.pseudonym("c1"));
        assert_ne!(a.pseudonym("c1"), a.pseudonym("c2"));
        assert_eq!(a.pseudonym("c1").len(), 16);
    }

    #[test]
    fn short_keys_are_refused_without_echoing_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, b"secret").unwrap();
        let err = Key::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("holds 6 bytes"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
}
