//! The join token: the secret part of the room's join URL (`http://ADDR:PORT/j/<token>`). Whoever holds
//! it, by scanning the QR code on the projected screen, may send ideas; guessing it is hopeless (128 bits
//! from the OS's random source). It is compared in constant time, so response timings tell nothing of it.
//! The coach's remote (`/c/<token>/`) has a token of its own, made the same way.

use std::fmt;

/// How many random bytes a token carries: 128 bits.
pub const TOKEN_BYTES: usize = 16;

/// How many characters a token has: 128 bits in base32, 5 bits a character, rounded up.
pub const TOKEN_LEN: usize = TOKEN_BYTES * 8 / 5 + 1;

/// RFC 4648 base32 in lower case: what a phone's camera app passes through a URL unchanged.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Why no token could be made: the OS's random source failed (no entropy yet, or no such source).
#[derive(Debug, thiserror::Error)]
#[error("the system's random source failed: {0}")]
pub struct TokenError(getrandom::Error);

/// A room's join token: 26 lowercase base32 characters (128 random bits, no padding).
///
/// `Debug` hides it, so a stray log line cannot leak it; `Display` and [`Token::as_str`] give it out for
/// the join URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token of 128 bits from the OS's random source.
    ///
    /// # Errors
    /// When the OS gives no random bytes (see [`TokenError`]).
    pub fn random() -> Result<Self, TokenError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(TokenError)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The token that encodes these bytes.
    fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> Self {
        Self(base32(bytes))
    }

    /// The token's text, as it appears in the join URL.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` (from a request) is this token. The time taken depends only on the lengths,
    /// which are public, never on how many leading characters agree.
    #[must_use]
    pub fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), candidate.as_bytes())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Lowercase RFC 4648 base32 without padding: 5 bits a character, the last one padded with zero bits.
fn base32(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            text.push(char::from(ALPHABET[usize::from((buffer >> bits) & 0x1f)]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        text.push(char::from(ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)]));
    }
    text
}

/// Byte-wise equality that looks at every byte of `secret` whatever `candidate` holds.
fn constant_time_eq(secret: &[u8], candidate: &[u8]) -> bool {
    let mut difference = u8::from(secret.len() != candidate.len());
    for (i, &s) in secret.iter().enumerate() {
        // A shorter candidate is compared against zeros: the loop's length is the secret's alone.
        let c = candidate.get(i).copied().unwrap_or(0);
        difference |= std::hint::black_box(s ^ c);
    }
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_26_lowercase_base32_characters() {
        let token = Token::random().unwrap();
        assert_eq!(TOKEN_LEN, 26);
        assert_eq!(token.as_str().len(), 26);
        assert!(token.as_str().bytes().all(|b| ALPHABET.contains(&b)), "{token}");
        assert_eq!(token.to_string(), token.as_str());
    }

    #[test]
    fn two_tokens_differ() {
        let tokens: Vec<Token> = (0..8).map(|_| Token::random().unwrap()).collect();
        for (i, a) in tokens.iter().enumerate() {
            for b in &tokens[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn base32_follows_rfc_4648_in_lower_case_without_padding() {
        // RFC 4648, section 10.
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(b"fo"), "mzxq");
        assert_eq!(base32(b"foo"), "mzxw6");
        assert_eq!(base32(b"foob"), "mzxw6yq");
        assert_eq!(base32(b"fooba"), "mzxw6ytb");
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(Token::from_bytes(&[0; TOKEN_BYTES]).as_str(), "a".repeat(26));
        assert_eq!(Token::from_bytes(&[0xff; TOKEN_BYTES]).as_str(), format!("{}4", "7".repeat(25)));
    }

    #[test]
    fn a_token_matches_itself_only() {
        let token = Token::random().unwrap();
        let text = token.as_str().to_owned();
        assert!(token.matches(&text));
        assert!(!token.matches(""));
        assert!(!token.matches(&text[..25]));
        assert!(!token.matches(&format!("{text}a")));
        assert!(!token.matches(&text.to_uppercase()));
        let mut last_changed = text.clone().into_bytes();
        last_changed[25] = if last_changed[25] == b'a' { b'b' } else { b'a' };
        assert!(!token.matches(std::str::from_utf8(&last_changed).unwrap()));
        assert!(!token.matches(Token::random().unwrap().as_str()));
    }

    #[test]
    fn debug_hides_the_token() {
        let token = Token::random().unwrap();
        let shown = format!("{token:?}");
        assert!(!shown.contains(token.as_str()));
    }
}
