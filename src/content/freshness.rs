//! Translation freshness (DESIGN.md §1): `ms.openlocfilehash` is the plain SHA-1
//! of the source file's bytes with every line ending written as CRLF.

use sha1::{Digest, Sha1};

use crate::model::{DocDate, Freshness};

/// The value to stamp into `ms.openlocfilehash` of a translation of `source`:
/// CRLF is first turned into LF, then every LF into CRLF, then hashed.
pub fn source_hash(source: &[u8]) -> String {
    let mut hasher = Sha1::new();
    let mut rest = source;
    while let Some(i) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..i];
        hasher.update(line.strip_suffix(b"\r").unwrap_or(line));
        hasher.update(b"\r\n");
        rest = &rest[i + 1..];
    }
    hasher.update(rest);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// What a translation with `hash` and `date` is, against the loaded source.
/// `source` is the source's hash and date; `None` when no source file is loaded.
pub fn freshness(hash: Option<&str>, date: Option<DocDate>, source: Option<(&str, Option<DocDate>)>) -> Freshness {
    let (Some(hash), Some((source_hash, source_date))) = (hash, source) else {
        return Freshness::Unknown;
    };
    if hash.trim().eq_ignore_ascii_case(source_hash) {
        return Freshness::Current;
    }
    match (date, source_date) {
        (Some(d), Some(s)) if d > s => Freshness::Newer,
        (Some(d), Some(s)) if d < s => Freshness::Older,
        _ => Freshness::OtherRevision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha1_of_crlf_text() {
        // Python: hashlib.sha1(b"a\r\nb\r\n").hexdigest()
        let lf = source_hash(b"a\nb\n");
        assert_eq!(lf, "72dd82ee6968b55d1833597e2d6e1638a100c2ea");
        assert_eq!(lf, source_hash(b"a\r\nb\r\n"), "CRLF input hashes like LF input");
        assert_ne!(source_hash(b"a\nb"), lf, "a missing final newline changes the hash");
    }

    #[test]
    fn dates_decide_older_or_newer() {
        let d = |s| DocDate::parse_us(s);
        let src = Some(("abc", d("01/30/2020")));
        assert_eq!(freshness(Some("ABC"), d("1/1/2019"), src), Freshness::Current);
        assert_eq!(freshness(Some("def"), d("1/1/2019"), src), Freshness::Older);
        assert_eq!(freshness(Some("def"), d("2/1/2020"), src), Freshness::Newer);
        assert_eq!(freshness(Some("def"), d("01/30/2020"), src), Freshness::OtherRevision);
        assert_eq!(freshness(Some("def"), None, src), Freshness::OtherRevision);
        assert_eq!(freshness(None, None, src), Freshness::Unknown);
        assert_eq!(freshness(Some("def"), None, None), Freshness::Unknown);
        // Parsed, not compared as strings: 9/1 is before 10/1.
        assert!(d("9/1/2020") < d("10/1/2020"));
        assert_eq!(d(""), None);
    }
}
