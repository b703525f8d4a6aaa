//! "Did you mean": the closest known word for each query word the content
//! never uses, by edit distance over the words of the records' text.

use std::collections::HashMap;

use crate::kb::KnowledgeBase;

/// A known word as characters, its [`letters`] mask, as text, and how often it occurs.
type Entry = (Vec<char>, u64, String, u32);

/// Known words (lowercase, letters only, 4+ characters) with their counts.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: HashMap<String, u32>,
    /// The same words by (first letter, length in characters): a lookup scans
    /// only words that start alike (typos seldom hit the first letter) and
    /// whose length is within the allowed distance.
    by_length: HashMap<(char, usize), Vec<Entry>>,
}

impl Vocabulary {
    pub fn build(kb: &KnowledgeBase) -> Vocabulary {
        let mut words: HashMap<String, u32> = HashMap::new();
        for a in &kb.articles {
            for r in &a.records {
                for t in r.texts.values() {
                    for w in words_of(&t.markdown) {
                        *words.entry(w).or_default() += 1;
                    }
                }
            }
        }
        // Words seen once are as likely typos as the query's.
        words.retain(|_, n| *n >= 2);
        Vocabulary::from_counts(words)
    }

    fn from_counts(words: HashMap<String, u32>) -> Vocabulary {
        let mut by_length: HashMap<(char, usize), Vec<Entry>> = HashMap::new();
        for (w, n) in &words {
            let chars: Vec<char> = w.chars().collect();
            if let Some(&first) = chars.first() {
                let mask = letters(&chars);
                by_length.entry((first, chars.len())).or_default().push((chars, mask, w.clone(), *n));
            }
        }
        Vocabulary { words, by_length }
    }

    /// The query with unknown words replaced by their closest known word, when any is.
    pub fn suggest(&self, query: &str) -> Option<String> {
        if self.words.is_empty() {
            return None;
        }
        let mut changed = false;
        let mut out = Vec::new();
        for token in query.split_whitespace() {
            let lower = token.to_lowercase();
            let plain = lower.chars().all(char::is_alphabetic) && lower.chars().count() >= 4;
            if plain
                && !self.words.contains_key(&lower)
                && let Some(best) = self.closest(&lower)
            {
                out.push(best.to_owned());
                changed = true;
                continue;
            }
            out.push(token.to_owned());
        }
        changed.then(|| out.join(" "))
    }

    fn closest(&self, word: &str) -> Option<&str> {
        let chars: Vec<char> = word.chars().collect();
        let first = *chars.first()?;
        let len = chars.len();
        let max = if len >= 8 { 2 } else { 1 };
        let mask = letters(&chars);
        (len.saturating_sub(max)..=len + max)
            .filter_map(|l| self.by_length.get(&(first, l)))
            .flatten()
            // An edit adds or removes at most one letter of either set: most
            // words fail this before the costlier distance.
            .filter(|(_, m, _, _)| (mask & !m).count_ones() as usize <= max && (m & !mask).count_ones() as usize <= max)
            .filter_map(|(w, _, text, n)| distance(&chars, w, max).map(|d| (d, std::cmp::Reverse(*n), text.as_str())))
            .min()
            .map(|(_, _, w)| w)
    }
}

/// The error names of the content (codes that are words, like
/// `iothubunauthorizedaccess`), for typo-tolerant matching of long names.
#[derive(Debug, Default)]
pub struct CodeNames(Vec<(Vec<char>, String)>);

impl CodeNames {
    pub fn build(kb: &KnowledgeBase) -> CodeNames {
        let mut names = std::collections::BTreeSet::new();
        for a in &kb.articles {
            names.extend(a.error_codes.iter());
            for r in &a.records {
                names.extend(r.texts.values().flat_map(|t| t.error_codes.iter()));
            }
        }
        CodeNames(
            names
                .into_iter()
                .filter(|c| c.chars().count() >= NAME_CHARS && c.chars().all(|ch| ch.is_ascii_alphabetic()))
                .map(|c| (c.chars().collect(), c.clone()))
                .collect(),
        )
    }

    /// Known names within two edits of `word` (a lowercase query word of 9+
    /// letters that is not itself a name): what the user may have meant.
    pub fn close_to<'a>(&'a self, word: &str) -> impl Iterator<Item = &'a str> + 'a {
        let chars: Vec<char> = word.chars().collect();
        let eligible = chars.len() >= NAME_CHARS && chars.iter().all(char::is_ascii_alphabetic);
        let known = eligible && self.0.iter().any(|(_, n)| n == word);
        self.0
            .iter()
            .filter(move |(name, _)| {
                eligible && !known && name.len().abs_diff(chars.len()) <= 2 && distance(&chars, name, 2).is_some()
            })
            .map(|(_, n)| n.as_str())
    }
}

/// Names shorter than this are not matched with typos.
const NAME_CHARS: usize = 9;

/// The set of characters in a word, each hashed to one of 64 bits.
fn letters(chars: &[char]) -> u64 {
    chars.iter().fold(0, |mask, c| mask | 1 << (u32::from(*c) % 64))
}

fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 4).map(str::to_lowercase)
}

/// Levenshtein distance, or `None` once it must exceed `max`.
fn distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Two rows on the stack: this runs for every candidate word of every unknown query word.
    const ROW: usize = 64;
    if b.len() >= ROW {
        return (a == b).then_some(0); // no typo matching for words this long
    }
    let mut prev = [0usize; ROW];
    let mut cur = [0usize; ROW];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_word() {
        let v = Vocabulary::from_counts(
            [("connection", 10), ("connected", 3), ("token", 5), ("expired", 4)]
                .into_iter()
                .map(|(w, n)| (w.to_owned(), n))
                .collect(),
        );
        assert_eq!(v.suggest("conection expird token").as_deref(), Some("connection expired token"));
        assert_eq!(v.suggest("token expired"), None, "nothing to correct");
        assert_eq!(v.suggest("404104 xyzzyplugh"), None, "codes and far words stay");
    }

    #[test]
    fn close_code_names_tolerate_two_edits() {
        let names = CodeNames(
            ["throttlingexception", "devicenotfound", "iothubunauthorized"]
                .iter()
                .map(|n| (n.chars().collect(), n.to_string()))
                .collect(),
        );
        let close = |w: &str| names.close_to(w).collect::<Vec<_>>();
        assert_eq!(close("throtlingexception"), ["throttlingexception"]);
        assert_eq!(close("devicenotfuond"), ["devicenotfound"], "a transposition is two edits");
        assert!(close("throttlingexception").is_empty(), "an exact name needs no typo match");
        assert!(close("connection").is_empty());
        assert!(close("device").is_empty(), "short words are not names");
    }
}
