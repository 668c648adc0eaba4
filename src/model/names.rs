//! Names as people type them: "Dinas Kesehatan", "DINAS KESEHATAN" and "dinas kesehatan" are one agency.
//! Compared, hashed and ordered without regard to case, without copying a string per idea.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A name compared and hashed without regard to case, so "Dinas Kesehatan" and "DINAS KESEHATAN" are one
/// agency and "dr. Rina" on the roster is the author "Dr. Rina". Borrowed: no string is copied per idea.
#[derive(Debug, Clone, Copy)]
pub struct Caseless<'a>(pub &'a str);

impl Caseless<'_> {
    fn folded(&self) -> impl Iterator<Item = char> + '_ {
        self.0.chars().flat_map(char::to_lowercase)
    }
}

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        if a.is_ascii() && b.is_ascii() {
            return a.eq_ignore_ascii_case(b);
        }
        self.folded().eq(other.folded())
    }
}

impl Eq for Caseless<'_> {}

/// Feeds the hasher the lower-cased UTF-8 bytes as little-endian 8-byte words (the last one zero-padded), then
/// the byte count, so equal names give the same calls whatever path produced the bytes (the ASCII fast path
/// or full Unicode case folding).
struct FoldedWords<'h, H: Hasher> {
    state: &'h mut H,
    word: u64,
    len: usize,
}

impl<H: Hasher> FoldedWords<'_, H> {
    fn push(&mut self, byte: u8) {
        self.word |= u64::from(byte) << (8 * (self.len % 8));
        self.len += 1;
        if self.len.is_multiple_of(8) {
            self.state.write_u64(self.word);
            self.word = 0;
        }
    }

    fn finish(self) {
        if !self.len.is_multiple_of(8) {
            self.state.write_u64(self.word);
        }
        self.state.write_usize(self.len);
    }
}

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.0.is_ascii() {
            let bytes = self.0.as_bytes();
            let mut chunks = bytes.chunks_exact(8);
            for chunk in &mut chunks {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                state.write_u64(u64::from_le_bytes(word).to_ascii_lower_word());
            }
            let rest = chunks.remainder();
            if !rest.is_empty() {
                state.write_u64(tail_word(rest).to_ascii_lower_word());
            }
            state.write_usize(bytes.len());
        } else {
            let mut out = FoldedWords { state, word: 0, len: 0 };
            let mut utf8 = [0u8; 4];
            for c in self.folded() {
                for &b in c.encode_utf8(&mut utf8).as_bytes() {
                    out.push(b);
                }
            }
            out.finish();
        }
    }
}

/// Up to eight bytes as a little-endian word, zero-padded (a loop: cheaper than a variable-length copy).
fn tail_word(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b))
}

/// ASCII lower-casing of eight bytes at once (every byte must be ASCII): sets bit 5 of each byte in `A..=Z`.
trait AsciiLowerWord {
    fn to_ascii_lower_word(self) -> u64;
}

impl AsciiLowerWord for u64 {
    fn to_ascii_lower_word(self) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        // Per byte (all < 0x80): the high bit of (b + 0x3F) is set when b >= 'A', of (b + 0x25) when b > 'Z'.
        let at_least_a = self.wrapping_add(ONES * (0x80 - u64::from(b'A')));
        let above_z = self.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
        let upper = (at_least_a & !above_z) & (ONES * 0x80);
        self | (upper >> 2)
    }
}

/// A hash map keyed by short names, with a fast keyed hasher (foldhash: keyed once per process, so a
/// session file cannot predict the bucket layout) instead of SipHash.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// A set with the same hasher as [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Orders names case-insensitively, then exactly (so the order never depends on hash-map iteration).
pub fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    let folded = if a.is_ascii() && b.is_ascii() {
        // The same order as below for ASCII, without decoding characters.
        a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        Caseless(a).folded().cmp(Caseless(b).folded())
    };
    folded.then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseless_names_match_and_hash_alike() {
        use std::collections::HashSet;
        let set: HashSet<Caseless<'_>> =
            ["Dinas Kesehatan", "DINAS KESEHATAN", "dinas kesehatan"].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
        assert!(Caseless("Ärzte") == Caseless("ärzte"));
        assert!(Caseless("Budi") != Caseless("Budiman"));
        // The Kelvin sign folds to an ASCII "k": equal across the ASCII fast path, so it must hash alike too.
        let set: HashSet<Caseless<'_>> = ["kota", "\u{212A}OTA", "Kota"].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
        let long_ascii = "Dinas Komunikasi, Informatika, Statistik dan Persandian Kota Cilegon".repeat(3);
        let long_other = long_ascii.replacen('k', "\u{212A}", 1);
        let set: HashSet<Caseless<'_>> = [long_ascii.as_str(), long_other.as_str()].into_iter().map(Caseless).collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn word_lowering_matches_byte_lowering() {
        for b in 0u8..0x80 {
            let word = u64::from_le_bytes([b, b'Q', b'z', b'@', b'[', b, b'`', b'{']);
            let expected =
                u64::from_le_bytes([b, b'Q', b'z', b'@', b'[', b, b'`', b'{'].map(|c| c.to_ascii_lowercase()));
            assert_eq!(word.to_ascii_lower_word(), expected, "byte {b:#x}");
        }
    }

    #[test]
    fn caseless_names_hash_alike_in_the_tally_maps() {
        let mut map: FastMap<Caseless<'_>, usize> = FastMap::default();
        let long_ascii = "Dinas Komunikasi dan Informatika".repeat(2);
        let long_other = long_ascii.replacen('k', "\u{212A}", 1).to_uppercase();
        for name in ["Dinas Kesehatan", "DINAS KESEHATAN", "kota", "\u{212A}OTA", &long_ascii, &long_other, "12345678"]
        {
            *map.entry(Caseless(name)).or_default() += 1;
        }
        assert_eq!(map.len(), 4);
        assert_eq!(map.get(&Caseless("dinas kesehatan")), Some(&2));
        assert_eq!(map.get(&Caseless("KOTA")), Some(&2));
        assert_eq!(map.get(&Caseless(&long_ascii.to_lowercase())), Some(&2));
    }
}
