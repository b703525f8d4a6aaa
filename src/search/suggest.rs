//! "Did you mean": the closest known word for each query word the content
//! never uses, by edit distance over the words of the records' text.

use std::collections::HashMap;

use crate::kb::KnowledgeBase;

/// A known word as characters, as text, and how often it occurs.
type Entry = (Vec<char>, String, u32);

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
                by_length.entry((first, chars.len())).or_default().push((chars, w.clone(), *n));
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
        (len.saturating_sub(max)..=len + max)
            .filter_map(|l| self.by_length.get(&(first, l)))
            .flatten()
            .filter_map(|(w, text, n)| distance(&chars, w, max).map(|d| (d, std::cmp::Reverse(*n), text.as_str())))
            .min()
            .map(|(_, _, w)| w)
    }
}

fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 4).map(str::to_lowercase)
}

/// Levenshtein distance, or `None` once it must exceed `max`.
fn distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        prev = cur;
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
}
