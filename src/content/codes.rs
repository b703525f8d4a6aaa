//! Error codes: the fixed grammar of DESIGN §1 ("Error codes") over titles,
//! headings and record text. Pure: `&str` in, canonical lowercase codes out.
//!
//! The text is cut into ASCII letter-and-digit runs that hold a digit (a
//! token), and each token is tried against these rules, first match wins:
//!
//! * `0x` and 2–8 hex digits, the whole token: `0X8007016A` → `0x8007016a`.
//! * `\d{3}xxx`: `500XXX` → `500xxx`.
//! * A number right after an error word of the text's language or English
//!   (error, event, event ID, code, their plurals, Fehler, 错误, błąd, fel,
//!   erro, erreur, エラー, error code words such as Fehlercode or エラー コード;
//!   see `ERROR_WORDS`), separated by spaces, `:`, `#`, `=`, quotes or
//!   emphasis, or by nothing in Chinese and Japanese: `Fehler 1603`,
//!   `错误1603`, `event ID: 4625`, `error -2016281112` (the sign is kept).
//!   Eight hex digits there are read as `0x…` (`error code 80070005` →
//!   `0x80070005`); one dotted part is kept (`error 500.19`), more make a
//!   version and no code; a time or size unit after it makes a quantity. The
//!   numbers of a list it opens count too (`error 8456 or 8457`, `event IDs
//!   4000, 4007 and 4013`). A 1–2-digit number in an H2+ heading is a list
//!   number ("Error 1: fix the hive"), not a code.
//! * HTTP: `HTTP`, optionally `error` / `status` / `status code`, then three
//!   digits and an optional sub-status: `HTTP Error 500.19` → `http 500.19`.
//!   It wins over the error word, so `HTTP error 404` is only `http 404`.
//! * Bare numbers of 5–6 digits (`404104`), unless the number is a part of
//!   something else: a version or decimal (`10.0.19041`, `12345,5`), a range
//!   or identifier after a digit and a hyphen (`49152-65535`, `CVE-2021-34527`),
//!   `host:port`, `key=value`, `#anchor`, a path or URL segment, an amount
//!   (`$`, `%`), a quantity or count (`86400 seconds`, `20000 ms`, `20000
//!   rows`), a number after KB, hotfix, build, version, article, port, USN,
//!   PID or line, the text of a link to a Knowledge Base article, or a
//!   well-known limit (`65535`).
//! * Letters glued to digits, the whole token: 2–6 letters, all upper- or all
//!   lowercase, then 3–8 digits (`AADSTS50011`, `LNK2019`, `CS0433`); or a
//!   single `C` and 4–5 digits (C/C++ compiler diagnostics, `C2491`). Mixed
//!   case is a product or variable name (`Office365`, `ControlSet001`,
//!   `Win32`); lowercase all-hex is a hash fragment (`ffffc701`); a small
//!   stop table drops product, version, algorithm, documentation-link and
//!   example-name prefixes (`KB4568831`, `SQL2019`, `SHA256`, `ms143506`,
//!   `host123`); an all-hex token of GUID segment length next to a hyphen is
//!   a GUID part; a token between slashes or backslashes is a path segment.
//!
//! Nothing inside a URL or a Markdown link target is a code. Years and
//! product numbers (`Windows Server 2012`, `Office 365`) and short durations
//! (`65 minutes`) fall outside the grammar: bare numbers need 5–6 digits.
//!
//! [`camel_case_names`] adds the CamelCase names that stand next to a code in
//! an H1 (`404104 DeviceConnectionClosedRemotely`); which H1 is the caller's
//! choice (the source-language one, else the one all variants share).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Where the text comes from; heading rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// The article title (front matter).
    Title,
    /// The H1 heading.
    H1,
    /// An H2 or deeper heading: a 1–2-digit number after an error word is a
    /// list number there ("Error 1: fix the hive"), not a code.
    Heading,
    /// Record or article text.
    Body,
}

/// Adds every error code found in `text` to `out`, canonical lowercase
/// (`0x80070005`, `http 503`, `http 500.19`, `500xxx`, `aadsts50011`, `404104`).
/// `language` is the primary language subtag of the text's locale ("en", "de",
/// "zh", "pl", "sv", "pt", "fr", "ja", "es"…): it picks the error words;
/// English words always apply, and an unknown language tries every table.
pub fn extract(text: &str, language: &str, kind: TextKind, out: &mut BTreeSet<String>) {
    scan(text, language, kind, |_, _, code| {
        if !out.contains(code) {
            out.insert(code.to_owned());
        }
    });
}

/// CamelCase names standing right next to a code in an H1
/// (`404104 DeviceConnectionClosedRemotely` → `deviceconnectionclosedremotely`;
/// `Error 0x80070005 AccessDenied`), lowercase, in order of appearance,
/// without duplicates. A name has at least two humps (an upper-case letter
/// followed by a lower-case one: `IoTHubUnauthorized`, `ServerError`) and is
/// separated from the code only by spaces and punctuation (`–`, `:`, quotes,
/// emphasis). Other CamelCase words are not codes: `PowerShell` alone is not.
pub fn camel_case_names(h1: &str) -> Vec<String> {
    let mut spans = Vec::new();
    scan(h1, "", TextKind::H1, |start, end, _| spans.push((start, end)));
    let mut names: Vec<String> = Vec::new();
    if spans.is_empty() {
        return names;
    }
    for (start, end) in ascii_runs(h1) {
        let word = &h1[start..end];
        if !is_camel_case(word) {
            continue;
        }
        let adjacent = spans.iter().any(|&(code_start, code_end)| {
            (code_end <= start && is_name_gap(&h1[code_end..start]))
                || (end <= code_start && is_name_gap(&h1[end..code_start]))
        });
        if adjacent {
            let name = word.to_ascii_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

// Built once: a searcher per call was a tenth of the URL scan.
static SCHEME_SEPARATOR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("://"));
static LINK_TARGET: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("]("));

/// URLs and Markdown link targets, as byte ranges in order: nothing inside
/// them is a code (`support.microsoft.com/help/322756`,
/// `](/previous-versions/ms804621)`). The same spans as the regex
/// `(?i)\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>"'`)\]]*|\]\([^)\s]*`
/// (leftmost first), found from the literal `://`, `www.` and `](`: that
/// regex has no literal prefix and cost a third of the code scan.
fn url_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    // (start, which alternative, where the rest of the match begins)
    let mut found: Vec<(usize, u8, usize)> = Vec::new();
    for colon in SCHEME_SEPARATOR.find_iter(bytes) {
        let mut scheme = colon;
        while scheme > 0 && (bytes[scheme - 1].is_ascii_alphanumeric() || b"+.-".contains(&bytes[scheme - 1])) {
            scheme -= 1;
        }
        if let Some(start) = (scheme..colon).find(|&i| bytes[i].is_ascii_alphabetic() && !word_char_before(text, i)) {
            found.push((start, 0, colon + 3));
        }
    }
    for w in memchr::memchr2_iter(b'w', b'W', bytes) {
        if bytes.get(w..w + 4).is_some_and(|b| b.eq_ignore_ascii_case(b"www.")) && !word_char_before(text, w) {
            found.push((w, 1, w + 4));
        }
    }
    for bracket in LINK_TARGET.find_iter(bytes) {
        found.push((bracket, 2, bracket + 2));
    }
    found.sort_unstable();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (start, kind, rest) in found {
        if spans.last().is_some_and(|last| start < last.end) {
            continue;
        }
        let stop = |c: char| match kind {
            2 => c == ')' || c.is_whitespace(),
            _ => c.is_whitespace() || "<>\"'`)]".contains(c),
        };
        let end = text[rest..].find(stop).map_or(text.len(), |i| rest + i);
        spans.push(start..end);
    }
    spans
}

/// Whether the character before byte `at` is a word character (`\w`).
fn word_char_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Error words per primary language subtag, lowercase. Words in Chinese or
/// Japanese script also match at the end of a longer run (`发生错误`,
/// `エラーコード`), since those languages write no spaces. `event id` is
/// matched as `id` after `event` (see [`error_word_before`]).
const ERROR_WORDS: &[(&str, &[&str])] = &[
    ("en", &["error", "errors", "errorcode", "event", "events", "eventid", "code", "codes"]),
    ("de", &["fehler", "fehlers", "fehlercode", "fehlercodes"]),
    ("zh", &["错误", "错误码", "代码"]),
    ("pl", &["błąd", "błędu", "błędy", "kod", "kody"]),
    ("sv", &["fel", "felet", "felkod", "felkoden", "felkoder", "kod"]),
    ("pt", &["erro", "erros", "código", "códigos"]),
    ("fr", &["erreur", "erreurs"]),
    ("ja", &["エラー", "コード"]),
    ("es", &["error", "errores", "código", "códigos"]),
];

/// Words after which a bare 5–6-digit number is not a code.
const BARE_STOP_WORDS: &[&str] = &[
    "kb", "hotfix", "hotfixes", "build", "builds", "version", "versions", "article", "articles", "port", "ports",
    "usn", "pid", "line", "q",
];

/// Well-known limits and sizes that are not codes when they stand alone.
const BARE_STOP_NUMBERS: &[&str] =
    &["16383", "16384", "32767", "32768", "49152", "65535", "65536", "86400", "131072", "262144", "524288"];

/// Units after which a number is a quantity, not a code (lowercase).
#[rustfmt::skip]
const UNITS: &[&str] = &[
    "s", "sec", "secs", "second", "seconds", "ms", "msec", "millisecond", "milliseconds", "min",
    "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "b", "byte", "bytes", "kb", "mb", "gb", "tb", "kib", "mib",
    "gib", "bit", "bits", "kbps", "mbps", "gbps", "hz", "khz", "mhz", "ghz", "px", "pixels",
    "iops", "dpi", "rpm", "ns", "µs",
    // de
    "sekunde", "sekunden", "minuten", "stunde", "stunden", "tage", "tagen",
    // pl
    "sekund", "sekundy", "sekunda", "minut", "minuty", "godzin", "godziny", "dni", "bajtów",
    // sv
    "sekunder", "minuter", "timmar", "dagar",
    // pt, es
    "segundo", "segundos", "minuto", "minutos", "hora", "horas", "dias", "días",
    // fr
    "seconde", "secondes", "heure", "heures", "jours", "octets",
];

/// Nouns after which a bare number is a count, not a code (lowercase). After
/// an error word they may name the code's kind (`event ID 4286 messages`).
#[rustfmt::skip]
const COUNT_NOUNS: &[&str] = &[
    "rows", "records", "items", "users", "objects", "files", "entries", "characters", "chars", "lines", "times",
    "messages", "requests", "devices", "computers", "servers", "clients", "mailboxes", "accounts",
];

/// Units in Chinese and Japanese, matched at the start of the following run.
const CJK_UNITS: &[&str] = &["毫秒", "秒", "分钟", "分間", "小时", "時間", "天", "日間", "字节", "バイト", "个", "件"];

/// Prefixes of letters-and-digits tokens that are products, versions,
/// algorithms, encodings, documentation-link ids or example names, not codes
/// (lowercase).
#[rustfmt::skip]
const GLUED_STOP_PREFIXES: &[&str] = &[
    // knowledge base, advisories, RFCs
    "kb", "q", "cve", "rfc", "ctx",
    // products and versions
    "win", "sql", "vs", "ws", "tfs", "scom", "sccm", "msdpm", "dpm", "vmm", "sp", "crm", "office", "net", "ie",
    "ver", "rev", "build", "id", "spid", "dyn", "ub", "nexus", "oracle", "access",
    // algorithms, encodings, formats, hardware, terminals
    "sha", "md", "rsa", "aes", "aesgcm", "aesgmac", "ecdsa", "ecdsap", "ecdhp", "nistp", "ed", "fips", "crc", "utf",
    "ucs", "iso", "cp", "gb", "ipv", "mp", "tn", "vt", "raid", "ohci", "perfc", "perfh",
    // example host, user and file names
    "host", "server", "site", "user", "test", "demo", "update", "secure",
    // learn.microsoft.com / MSDN link ids (`hh699671`, `cc772207`)
    "ms", "hh", "ff", "cc", "dd", "bb", "jj", "dn", "gg", "aa", "mt", "ee",
];

/// Finds every code in `text` and hands its byte span and canonical form to `emit`.
fn scan(text: &str, language: &str, kind: TextKind, mut emit: impl FnMut(usize, usize, &str)) {
    let language = Language::new(language);
    let mut urls = url_spans(text).into_iter().peekable();
    let mut buf = String::new();
    for (start, end) in digit_runs(text) {
        while urls.next_if(|url| url.end <= start).is_some() {}
        if urls.peek().is_some_and(|url| url.start <= start) {
            continue;
        }
        let token = Token { text, start, end };
        if let Some(code_start) = token.classify(language, kind, &mut buf) {
            emit(code_start, token.code_end(&buf), &buf);
        }
    }
}

/// The runs of [`ascii_runs`] that hold a digit, found from the digits: most
/// text has none, and this skips it 16 bytes at a time (the loader runs this
/// over every record's text).
fn digit_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let digit = next_digit(bytes, from)?;
        let mut start = digit;
        while start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            start -= 1;
        }
        let mut end = digit + 1;
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        from = end;
        Some((start, end))
    })
}

fn next_digit(bytes: &[u8], mut from: usize) -> Option<usize> {
    const CHUNK: usize = 16;
    while let Some(chunk) = bytes.get(from..from + CHUNK) {
        // No early exit inside a chunk: the compiler makes this a vector compare.
        if chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            break;
        }
        from += CHUNK;
    }
    bytes.get(from..)?.iter().position(u8::is_ascii_digit).map(|i| from + i)
}

/// Maximal runs of ASCII letters and digits, as byte ranges.
fn ascii_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        Some((start, i))
    })
}

/// The primary language subtag, reduced to what picks the error words.
#[derive(Clone, Copy)]
struct Language<'a> {
    primary: &'a str,
    /// Whether `ERROR_WORDS` has a table for it; if not, every table applies.
    known: bool,
}

impl<'a> Language<'a> {
    fn new(tag: &'a str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let known = ERROR_WORDS.iter().any(|(lang, _)| lang.eq_ignore_ascii_case(primary));
        Language { primary, known }
    }

    fn uses(self, table: &str) -> bool {
        table == "en" || !self.known || table.eq_ignore_ascii_case(self.primary)
    }
}

/// One ASCII letter-and-digit run that holds a digit.
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl Token<'_> {
    fn as_str(&self) -> &str {
        &self.text[self.start..self.end]
    }

    /// End of the code's span: the token, plus a dotted sub-status when the
    /// canonical form carries one (`http 500.19`, `500.19`).
    fn code_end(&self, code: &str) -> usize {
        match code.rfind('.') {
            Some(dot) => self.end + (code.len() - dot),
            None => self.end,
        }
    }

    /// Writes the token's code into `buf` and returns the start of its span.
    fn classify(&self, language: Language, kind: TextKind, buf: &mut String) -> Option<usize> {
        buf.clear();
        let token = self.as_str();
        let bytes = token.as_bytes();
        if bytes.len() > 2 && bytes[0] == b'0' && bytes[1].eq_ignore_ascii_case(&b'x') {
            let hex = &token[2..];
            if (2..=8).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                buf.push_str("0x");
                push_lower(buf, hex);
                return Some(self.start);
            }
            return None;
        }
        if bytes.len() == 6 && bytes[..3].iter().all(u8::is_ascii_digit) && token[3..].eq_ignore_ascii_case("xxx") {
            push_lower(buf, token);
            return Some(self.start);
        }
        if bytes.iter().all(u8::is_ascii_digit) {
            return self.number(language, kind, buf);
        }
        if is_hex8(token) && error_word_before(self.text, self.start, language).is_some() {
            buf.push_str("0x");
            push_lower(buf, token);
            return Some(self.start);
        }
        self.glued(buf)
    }

    /// A token of digits only: signed or not after an error word, HTTP, bare.
    fn number(&self, language: Language, kind: TextKind, buf: &mut String) -> Option<usize> {
        let (text, start, end) = (self.text, self.start, self.end);
        let digits = self.as_str();
        let before = text.as_bytes()[..start].iter().rev();
        let signed =
            before.clone().next() == Some(&b'-') && before.clone().nth(1).is_none_or(|b| !b.is_ascii_alphanumeric());
        if signed && error_word_before(text, start - 1, language).is_some() {
            buf.push('-');
            buf.push_str(digits);
            return Some(start - 1);
        }
        if digits.len() == 3
            && let Some(http_start) = http_before(text, start)
        {
            buf.push_str("http ");
            buf.push_str(digits);
            if let Tail::One(tail_end) = dotted_tail(text, end) {
                buf.push_str(&text[end..tail_end]);
            }
            return Some(http_start);
        }
        if error_word_before(text, start, language).is_some() || in_error_word_list(text, start, language) {
            if kind == TextKind::Heading && digits.len() <= 2 {
                return None;
            }
            if unit_after(text, end) {
                return None;
            }
            if is_hex8(digits) {
                buf.push_str("0x");
                buf.push_str(digits);
                return Some(start);
            }
            match dotted_tail(text, end) {
                Tail::None => buf.push_str(digits),
                Tail::One(tail_end) => buf.push_str(&text[start..tail_end]),
                Tail::Many => return None,
            }
            return Some(start);
        }
        if (5..=6).contains(&digits.len()) && self.bare_number_ok() {
            buf.push_str(digits);
            return Some(start);
        }
        None
    }

    /// Whether a bare 5–6-digit number stands alone, not as part of something else.
    fn bare_number_ok(&self) -> bool {
        let (text, start, end) = (self.text, self.start, self.end);
        let digits = self.as_str();
        if BARE_STOP_NUMBERS.contains(&digits) {
            return false;
        }
        let bytes = text.as_bytes();
        let at = |i: Option<usize>| i.and_then(|i| bytes.get(i).copied());
        let before = at(start.checked_sub(1));
        let before2 = at(start.checked_sub(2));
        let after = at(Some(end));
        let after2 = at(Some(end + 1));
        let digit = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_digit());
        let alnum = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        let part_before = match before {
            Some(b'.' | b',') => digit(before2),
            // `-` after a letter joins words (`error-404104`); else a range or a sign.
            Some(b'-') => !before2.is_some_and(|b| b.is_ascii_alphabetic()),
            Some(b':') => alnum(before2),
            Some(b'/' | b'\\' | b'=' | b'#' | b'$' | b'@' | b'+') => true,
            _ => text[..start].ends_with(['€', '£', '¥']),
        };
        let part_after = match after {
            Some(b'.' | b',' | b'-' | b':') => digit(after2),
            Some(b'/' | b'\\' | b'%') => true,
            _ => false,
        };
        if part_before || part_after || unit_after(text, end) || count_after(text, end) || self.kb_link_text() {
            return false;
        }
        let stop_word = word_before(text, start, |c| c.is_whitespace() || c == ':', 3)
            .is_some_and(|(_, word)| BARE_STOP_WORDS.iter().any(|stop| eq_lower(word, stop)));
        !stop_word
    }

    /// Whether the token is the text of a link to a Knowledge Base article
    /// (`[322756](https://support.microsoft.com/help/322756)`).
    fn kb_link_text(&self) -> bool {
        let Some(target) = self.text[self.end..].strip_prefix("](") else {
            return false;
        };
        let target = &target[..target.find([')', ' ']).unwrap_or(target.len())];
        ["/help/", "/kb/", "support.microsoft.com"].iter().any(|kb| target.contains(kb))
    }

    /// Letters glued to digits (`AADSTS50011`, `LNK2019`, `C2491`).
    fn glued(&self, buf: &mut String) -> Option<usize> {
        let token = self.as_str();
        let letters = token.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (prefix, digits) = token.split_at(letters);
        if letters == 0 || !(3..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let shape_ok = match letters {
            1 => prefix.eq_ignore_ascii_case("c") && (4..=5).contains(&digits.len()),
            2..=6 => {
                let upper = prefix.bytes().all(|b| b.is_ascii_uppercase());
                let lower = prefix.bytes().all(|b| b.is_ascii_lowercase());
                // Lower-case hex (`ffffc701`) is a hash or address fragment.
                let hex = token.bytes().all(|b| b.is_ascii_hexdigit());
                (upper || (lower && !hex)) && !GLUED_STOP_PREFIXES.iter().any(|stop| prefix.eq_ignore_ascii_case(stop))
            }
            _ => false,
        };
        if !shape_ok || self.in_path() || self.guid_part() {
            return None;
        }
        push_lower(buf, token);
        Some(self.start)
    }

    /// Whether the token is a path or URL segment (`\ControlSet001\`).
    fn in_path(&self) -> bool {
        let bytes = self.text.as_bytes();
        let before = self.start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(self.end).copied();
        matches!(before, Some(b'/' | b'\\')) || matches!(after, Some(b'/' | b'\\'))
    }

    /// Whether the token is an all-hex GUID segment next to a hyphen.
    fn guid_part(&self) -> bool {
        let token = self.as_str();
        if !matches!(token.len(), 4 | 8 | 12) || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
        let bytes = self.text.as_bytes();
        let before = self.start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(self.end).copied();
        before == Some(b'-') || after == Some(b'-')
    }
}

/// What follows a number: nothing dotted, one `.digits` part (ending at the
/// given byte), or several (a version such as `10.0.19041`).
enum Tail {
    None,
    One(usize),
    Many,
}

fn dotted_tail(text: &str, end: usize) -> Tail {
    let bytes = text.as_bytes();
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let dotted = |i: usize| bytes.get(i) == Some(&b'.') && digits_from((i + 1).min(bytes.len())) > 0;
    if !dotted(end) {
        return Tail::None;
    }
    let tail_end = end + 1 + digits_from(end + 1);
    if dotted(tail_end) || bytes.get(tail_end).is_some_and(u8::is_ascii_alphabetic) {
        Tail::Many
    } else {
        Tail::One(tail_end)
    }
}

/// Eight hex digits, at least one of them a decimal digit (`80070005`, `8007045B`).
fn is_hex8(token: &str) -> bool {
    token.len() == 8 && token.bytes().all(|b| b.is_ascii_hexdigit()) && token.bytes().any(|b| b.is_ascii_digit())
}

/// Start of the error word right before `pos`, if there is one.
fn error_word_before(text: &str, pos: usize, language: Language) -> Option<usize> {
    let (run_start, run) = word_before(text, pos, is_error_separator, 6)?;
    for &(table, words) in ERROR_WORDS {
        if !language.uses(table) {
            continue;
        }
        for word in words {
            if is_cjk(word) {
                if run.ends_with(word) {
                    return Some(run_start + run.len() - word.len());
                }
            } else if eq_lower(run, word) {
                return Some(run_start);
            }
        }
    }
    if eq_lower(run, "id") || eq_lower(run, "ids") {
        let (event_start, event) = word_before(text, run_start, |c| c == ' ' || c == '-', 2)?;
        if eq_lower(event, "event") {
            return Some(event_start);
        }
    }
    None
}

/// Whether the number at `pos` continues a list that an error word opens
/// (`error 8456 or 8457`, `Event IDs 4000, 4007 and 4013`).
fn in_error_word_list(text: &str, pos: usize, language: Language) -> bool {
    let bytes = text.as_bytes();
    let mut pos = pos;
    for _ in 0..16 {
        let mut p = skip_back(text, pos, is_list_space);
        let mut joined = false;
        if let Some((conj_start, word)) = word_before(text, p, |_| false, 0)
            && LIST_CONJUNCTIONS.iter().any(|conj| eq_lower(word, conj))
        {
            p = skip_back(text, conj_start, is_list_space);
            joined = true;
        }
        if p > 0 && matches!(bytes[p - 1], b',' | b'/' | b';') {
            p = skip_back(text, p - 1, is_list_space);
            joined = true;
        }
        // The previous item: a decimal or `0x` number (`error 0x138C and 5004`).
        let len = bytes[..p].iter().rev().take_while(|b| b.is_ascii_alphanumeric()).count();
        let item = &text[p - len..p];
        let hex = item.len() > 2 && item[..2].eq_ignore_ascii_case("0x");
        if !joined || len == 0 || !(hex || item.bytes().all(|b| b.is_ascii_digit())) {
            return false;
        }
        pos = p - len;
        if error_word_before(text, pos, language).is_some() {
            return true;
        }
    }
    false
}

/// Words that join the numbers of a list, in all languages (lowercase).
const LIST_CONJUNCTIONS: &[&str] = &[
    "and",
    "or",
    "und",
    "oder",
    "bzw",
    "i",
    "lub",
    "oraz",
    "och",
    "eller",
    "e",
    "ou",
    "et",
    "y",
    "o",
    "和",
    "或",
    "及",
    "と",
    "または",
];

fn is_list_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '*' | '`')
}

/// `pos` moved back over at most four chars that `skip` accepts.
fn skip_back(text: &str, pos: usize, skip: impl Fn(char) -> bool) -> usize {
    let mut pos = pos;
    for (i, c) in text[..pos].char_indices().rev().take(4) {
        if !skip(c) {
            break;
        }
        pos = i;
    }
    pos
}

/// Start of `HTTP`, `HTTP error`, `HTTP status` or `HTTP status code` right
/// before `pos`, separated by whitespace.
fn http_before(text: &str, pos: usize) -> Option<usize> {
    let (mut start, mut word) = word_before(text, pos, char::is_whitespace, 3)?;
    if eq_lower(word, "http") {
        return Some(start);
    }
    if eq_lower(word, "code") {
        (start, word) = word_before(text, start, char::is_whitespace, 3)?;
        if !eq_lower(word, "status") {
            return None;
        }
    }
    if !eq_lower(word, "error") && !eq_lower(word, "status") {
        return None;
    }
    let (start, word) = word_before(text, start, char::is_whitespace, 3)?;
    eq_lower(word, "http").then_some(start)
}

/// The run of letters before `pos`, after skipping up to `max_skip` chars
/// that `skip` accepts; at most 24 letters long (longer runs are cut, so they
/// never equal a short word). Returns its start and text.
fn word_before(text: &str, pos: usize, skip: impl Fn(char) -> bool, max_skip: usize) -> Option<(usize, &str)> {
    let head = &text[..pos];
    let mut end = head.len();
    for (i, c) in head.char_indices().rev().take(max_skip) {
        if !skip(c) {
            break;
        }
        end = i;
    }
    let mut start = end;
    for (i, c) in head[..end].char_indices().rev().take(24) {
        if !c.is_alphabetic() {
            break;
        }
        start = i;
    }
    (start < end).then(|| (start, &head[start..end]))
}

/// Separators allowed between an error word and its number.
fn is_error_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | '：'
                | '#'
                | '*'
                | '_'
                | '`'
                | '"'
                | '\''
                | '„'
                | '“'
                | '”'
                | '«'
                | '»'
                | '「'
                | '」'
                | '('
                | '（'
                | '['
                | '='
        )
}

/// Whether a unit follows the number at `end` (`86400 seconds`, `90-second`, `1200 秒`).
fn unit_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let rest = rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']);
    CJK_UNITS.iter().any(|unit| rest.starts_with(unit)) || word_after(rest).is_some_and(|word| is_in(word, UNITS))
}

/// Whether a count noun follows the number at `end` (`20000 rows`).
fn count_after(text: &str, end: usize) -> bool {
    word_after(text[end..].trim_start_matches([' ', '\u{a0}', '\u{202f}'])).is_some_and(|word| is_in(word, COUNT_NOUNS))
}

fn is_in(word: &str, table: &[&str]) -> bool {
    table.iter().any(|entry| eq_lower(word, entry))
}

/// The whole word `rest` starts with, if it has one of at most 16 letters.
fn word_after(rest: &str) -> Option<&str> {
    let word_len: usize =
        rest.chars().take_while(|c| c.is_alphabetic() || *c == 'µ').take(16).map(char::len_utf8).sum();
    let word = &rest[..word_len];
    let whole = rest[word_len..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    (whole && !word.is_empty()).then_some(word)
}

/// A CamelCase word: ASCII letters and digits, starting upper-case, with at
/// least two humps (an upper-case letter followed by a lower-case one).
fn is_camel_case(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.windows(2).filter(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_lowercase()).count() >= 2
}

/// What may stand between a code and its CamelCase name in an H1.
fn is_name_gap(gap: &str) -> bool {
    !gap.is_empty()
        && gap.chars().count() <= 6
        && gap.chars().all(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '-' | '–'
                        | '—'
                        | ':'
                        | '：'
                        | '"'
                        | '\''
                        | '„'
                        | '“'
                        | '”'
                        | '«'
                        | '»'
                        | '*'
                        | '_'
                        | '`'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | ','
                        | '.'
                        | '|'
                )
        })
}

/// Chinese or Japanese script (kana, CJK ideographs): words run together.
fn is_cjk(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c >= '\u{3040}')
}

/// Case-insensitive equality of `word` with a lowercase `lower`.
fn eq_lower(word: &str, lower: &str) -> bool {
    word.len() == lower.len() && word.chars().flat_map(char::to_lowercase).eq(lower.chars())
}

fn push_lower(buf: &mut String, s: &str) {
    buf.extend(s.chars().map(|c| c.to_ascii_lowercase()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_spans_are_the_url_regex_matches() {
        let regex =
            regex::Regex::new(r#"(?i)\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>"'`)\]]*|\]\([^)\s]*"#).expect("regex");
        let texts = [
            "no links at all 404104",
            "see https://learn.microsoft.com/help/322756 and www.contoso.com/kb/123456, then ftp://x",
            "[text](../other.md#cause-1) and ![img](media/a.png) and [a](http://b.c/d) end",
            "WWW.Example.com/500 and Www.x.y, xwww.no and 9www.no and _www.no",
            "a+b.c-d://host/path?q=1 and 1x://h and -http://h and é://h and ähttp://host",
            "<https://quoted.example/path>\"after\" and (http://in.parens/x) and `http://code/y`",
            "nested [l](http://x.y/(a)) and ](no-close and ://alone and http://",
            "中文 https://例子.测试/路径 之后 500001",
            "http://a.b https://c.d\u{a0}tail www.e.f\u{2003}tail",
        ];
        for text in texts {
            let expected: Vec<std::ops::Range<usize>> = regex.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(url_spans(text), expected, "{text}");
        }
    }

    #[test]
    fn digit_runs_are_the_ascii_runs_with_digits() {
        let texts = [
            "",
            "no digits here at all, none whatsoever in this long sentence",
            "error 0x80070005 and 404104DeviceConnectionClosedRemotely; HTTP 500.19 ok",
            "7 leading, trailing 8",
            "überall Fehler 123456 – 设备 409002 断开 ab12cd",
            "a1 b2 c3 d4 e5 f6 g7 h8 i9 j0 kk ll mm nn oo pp qq rr ss tt uu vv ww 99",
        ];
        for text in texts {
            let expected: Vec<(usize, usize)> =
                ascii_runs(text).filter(|&(s, e)| text.as_bytes()[s..e].iter().any(u8::is_ascii_digit)).collect();
            assert_eq!(digit_runs(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }

    fn codes_in(text: &str, language: &str, kind: TextKind) -> Vec<String> {
        let mut out = BTreeSet::new();
        extract(text, language, kind, &mut out);
        out.into_iter().collect()
    }

    fn body(text: &str) -> Vec<String> {
        codes_in(text, "en", TextKind::Body)
    }

    #[test]
    fn hex_codes_are_lowercased() {
        assert_eq!(body("The update fails with 0x80070005."), ["0x80070005"]);
        assert_eq!(body("Setup stops: 0X8007016A"), ["0x8007016a"]);
        assert_eq!(body("stop code 0x7E or 0x0000007E"), ["0x0000007e", "0x7e"]);
    }

    #[test]
    fn hex_codes_need_two_to_eight_digits_and_a_whole_token() {
        assert!(body("value 0x1 here").is_empty());
        assert!(body("a 0x123456789 long value").is_empty());
        assert!(body("a0x80070005 and 0x8007zz05").is_empty());
    }

    #[test]
    fn http_codes_take_one_canonical_form() {
        assert_eq!(body("The site returns HTTP 503 at night."), ["http 503"]);
        assert_eq!(body("you get an http error 404"), ["http 404"]);
        assert_eq!(body("HTTP status 500.19 appears"), ["http 500.19"]);
        assert_eq!(body("HTTP 500.19 – config"), ["http 500.19"]);
        assert_eq!(body("HTTP status code 502"), ["http 502"]);
        assert_eq!(body("a **HTTP Error 403.14** page."), ["http 403.14"]);
    }

    #[test]
    fn http_is_not_an_http_version_or_a_longer_word() {
        assert!(body("HTTP 1.1 only").is_empty());
        assert!(body("xhttp 503").is_empty());
    }

    #[test]
    fn family_codes_with_xxx() {
        assert_eq!(body("see the 500XXX errors"), ["500xxx"]);
        assert_eq!(body("500xxx Internal errors"), ["500xxx"]);
    }

    #[test]
    fn letters_glued_to_digits() {
        assert_eq!(body("Sign-in fails with AADSTS50011."), ["aadsts50011"]);
        assert_eq!(body("linker error LNK2019 when building"), ["lnk2019"]);
        assert_eq!(body("compiler error C1083, then c2491"), ["c1083", "c2491"]);
        assert_eq!(body("HSA1042 is logged"), ["hsa1042"]);
        assert_eq!(body("lowercase aadsts50011 too"), ["aadsts50011"]);
    }

    #[test]
    fn product_version_and_algorithm_tokens_are_not_codes() {
        let text = "Win32 x64 x86 IPv4 IPv6 UTF8 utf16 SHA1 SHA256 MD5 MP3 MP4 H264 H265 \
                    BC7 SQL2019 VS2019 Windows2012 Office365 ControlSet001 KB4556799 \
                    kb4556799 Q123456 X509 R630 ms143506 AES256 C12";
        assert!(body(text).is_empty(), "{:?}", body(text));
    }

    #[test]
    fn glued_tokens_that_are_names_or_hash_fragments_are_not_codes() {
        assert!(body("servers host123 and user1234, hash ffffc701 dc616193").is_empty());
        assert!(body("offset FE00000320000021").is_empty());
        assert_eq!(body("VB error BC30002 and bu2075"), ["bc30002", "bu2075"]);
    }

    #[test]
    fn glued_tokens_in_paths_and_guids_are_not_codes() {
        assert!(body(r"HKLM\SYSTEM\CS001\Services").is_empty());
        assert!(body("id {ab123456-0000-1111-2222-abcdef123456}").is_empty());
    }

    #[test]
    fn bare_numbers_of_five_or_six_digits() {
        assert_eq!(body("Fix 404104 DeviceConnectionClosedRemotely"), ["404104"]);
        assert_eq!(body("the 50011 case"), ["50011"]);
        assert_eq!(body("**409001**"), ["409001"]);
        assert_eq!(body("the 404104-DeviceNotFound page"), ["404104"]);
        assert!(body("1603 and 1234567").is_empty());
    }

    #[test]
    fn bare_numbers_after_kb_or_hotfix_are_not_codes() {
        assert!(body("install KB 4556799 and KB 456799").is_empty());
        assert!(body("hotfix 123456 or Hotfix: 234567").is_empty());
        assert!(body("see article 312345 and build 19041").is_empty());
        assert!(body("Base: [312345](https://support.example.com/help/312345)").is_empty());
    }

    #[test]
    fn bare_numbers_inside_versions_and_amounts_are_not_codes() {
        let text = "version 10.0.19041.1, 12345.6 or 1.23456, 10,000 and 123,45678, \
                    ports 49152-65535, CVE-2021-34527, localhost:50000, id=12345, #12345, \
                    $12345, 12345%, C:/data/12345/x, 12345/67";
        assert!(body(text).is_empty(), "{:?}", body(text));
    }

    #[test]
    fn durations_and_sizes_are_not_codes() {
        assert!(body("wait 86400 seconds, 20000 ms or 65 minutes").is_empty());
        assert!(body("a 90000-second lease, 10240 MB of disk, 20000 rows").is_empty());
        assert_eq!(body("event ID 4286 messages, error 5 minutes"), ["4286"]);
        assert!(codes_in("等待 36000 秒后", "zh", TextKind::Body).is_empty());
        assert!(codes_in("nach 36000 Sekunden", "de", TextKind::Body).is_empty());
    }

    #[test]
    fn years_and_product_numbers_are_not_codes() {
        assert!(body("Windows Server 2012 R2 and Office 365 in 2019").is_empty());
        assert!(body("Windows 10, version 1803").is_empty());
    }

    #[test]
    fn urls_and_link_targets_hold_no_codes() {
        let text = "See [the article](https://support.example.com/help/322756/x-0x80070005) \
                    and [docs](/previous-versions/ms804621(v=ws.10)) or www.example.com/404104";
        assert!(body(text).is_empty(), "{:?}", body(text));
        assert_eq!(body("[Fix 401003](fix-error-401003.md)"), ["401003"]);
    }

    #[test]
    fn numbers_after_english_error_words() {
        assert_eq!(body("Setup fails with error 1603"), ["1603"]);
        assert_eq!(body("error: 5"), ["5"]);
        assert_eq!(body("Event ID 4625 is logged"), ["4625"]);
        assert_eq!(body("event id: 4625"), ["4625"]);
        assert_eq!(body("Event 41 appears"), ["41"]);
        assert_eq!(body("exit code 12"), ["12"]);
        assert_eq!(body("Error **1603**"), ["1603"]);
        assert_eq!(body("ERROR 2012 again"), ["2012"]);
    }

    #[test]
    fn numbers_listed_after_an_error_word() {
        assert_eq!(body("replication error 8456 or 8457"), ["8456", "8457"]);
        assert_eq!(body("Event IDs 4000, 4007, and 4013 are logged"), ["4000", "4007", "4013"]);
        assert_eq!(body("errors **1603**/**1618**"), ["1603", "1618"]);
        assert_eq!(codes_in("Fehler 1603 oder 1618", "de", TextKind::Body), ["1603", "1618"]);
        assert_eq!(body("error 5 and 10 minutes later"), ["5"]);
        assert_eq!(body("error 5 on 2 servers, 3 and 4"), ["5"]);
        assert!(codes_in("Errors 1 and 2", "en", TextKind::Heading).is_empty());
    }

    #[test]
    fn numbers_listed_after_a_hex_code() {
        assert_eq!(body("Error 0x138C and 5004"), ["0x138c", "5004"]);
    }

    #[test]
    fn eight_hex_digits_after_an_error_word_read_as_hex() {
        assert_eq!(body("error code 80070005"), ["0x80070005"]);
        assert_eq!(body("Error: 8007045B"), ["0x8007045b"]);
        assert_eq!(body("error code 0x80070005"), ["0x80070005"]);
        assert!(body("a 80070005 alone").is_empty());
    }

    #[test]
    fn signed_and_dotted_numbers_after_an_error_word() {
        assert_eq!(body("fails with error -2016281112"), ["-2016281112"]);
        assert_eq!(body("you receive error 500.19."), ["500.19"]);
        assert!(body("error 10.0.1 in the log").is_empty());
        assert!(body("a -12345 offset").is_empty());
    }

    #[test]
    fn error_words_need_a_word_boundary() {
        assert!(body("codec 12 and encode 34 and terror 56").is_empty());
        assert!(body("the error was 42").is_empty());
    }

    #[test]
    fn localized_error_words() {
        let cases = [
            ("de", "Fehler 1603 tritt auf"),
            ("de", "mit dem Fehlercode 1603"),
            ("de", "FEHLER: 1603"),
            ("zh", "安装时出现错误 1603"),
            ("zh", "出现错误1603"),
            ("zh", "错误代码 1603"),
            ("pl", "błąd 1603"),
            ("pl", "kod błędu 1603"),
            ("sv", "fel 1603"),
            ("sv", "med felkod 1603"),
            ("pt", "erro 1603"),
            ("pt", "código de erro 1603"),
            ("fr", "erreur 1603"),
            ("fr", "code d'erreur 1603"),
            ("ja", "エラー 1603 が発生"),
            ("ja", "エラー コード 1603"),
            ("ja", "エラーコード: 1603"),
            ("es", "código de error 1603"),
        ];
        for (language, text) in cases {
            assert_eq!(codes_in(text, language, TextKind::Body), ["1603"], "{text}");
        }
    }

    #[test]
    fn error_words_of_another_language_do_not_apply() {
        assert!(codes_in("fel 12", "en", TextKind::Body).is_empty());
        assert_eq!(codes_in("fel 12", "sv", TextKind::Body), ["12"]);
        assert_eq!(codes_in("error 12", "sv", TextKind::Body), ["12"]);
        assert_eq!(codes_in("fel 12", "", TextKind::Body), ["12"]);
        assert_eq!(codes_in("błąd 12", "pl-PL", TextKind::Body), ["12"]);
    }

    #[test]
    fn short_numbers_after_error_words_in_headings_are_list_numbers() {
        assert!(codes_in("Error 1: fix the hive", "en", TextKind::Heading).is_empty());
        assert!(codes_in("Fehler 12", "de", TextKind::Heading).is_empty());
        assert_eq!(codes_in("Error 1603 on setup", "en", TextKind::Heading), ["1603"]);
        assert_eq!(codes_in("Error 1: fix the hive", "en", TextKind::Title), ["1"]);
        assert_eq!(codes_in("Event ID 8 is logged", "en", TextKind::H1), ["8"]);
    }

    #[test]
    fn one_text_yields_every_code_once() {
        let text = "Error 0x80070005 (HTTP 403) and 404104; again 0x80070005 and AADSTS50011.";
        assert_eq!(body(text), ["0x80070005", "404104", "aadsts50011", "http 403"]);
    }

    #[test]
    fn camel_case_names_next_to_codes() {
        assert_eq!(camel_case_names("404104 DeviceConnectionClosedRemotely"), ["deviceconnectionclosedremotely"]);
        assert_eq!(camel_case_names("Error 0x80070005 AccessDenied"), ["accessdenied"]);
        assert_eq!(camel_case_names("IoTHubUnauthorized 401003"), ["iothubunauthorized"]);
        assert_eq!(camel_case_names("Beheben des Fehlers „404104 DeviceGone“"), ["devicegone"]);
        assert_eq!(camel_case_names("409002 – LinkCreationConflict"), ["linkcreationconflict"]);
        assert_eq!(camel_case_names("500xxx ServerError"), ["servererror"]);
    }

    #[test]
    fn other_camel_case_words_are_not_names() {
        assert!(camel_case_names("Use PowerShell to restart").is_empty());
        assert!(camel_case_names("Use PowerShell to fix 404104 errors").is_empty());
        assert!(camel_case_names("404104 Device Not Found").is_empty());
        assert!(camel_case_names("Error 404104 in the IoT hub").is_empty());
        assert_eq!(camel_case_names("Fix 404104 DeviceGone with PowerShell"), ["devicegone"]);
    }
}
