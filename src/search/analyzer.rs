//! Language analysis: one tantivy analyzer per language, chosen by locale.
//! Analyzers are code, not data: [`register`] must run on every index that is
//! created or opened (tantivy issue #2078: a missing one degrades silently).

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// How a language is analyzed. Adding a language is a row in [`LANGUAGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Analysis {
    /// Word splitting, lowercase, diacritics folded, Snowball stemming (tantivy's stemmers).
    Stemmed(Language),
    /// Word splitting, lowercase and Snowball Polish (frostem); diacritics kept,
    /// they carry the Polish inflection the stemmer reads.
    Polish,
    /// jieba word segmentation in search mode (emits the parts of long words too).
    Chinese,
    /// ICU dictionary word segmentation (its dictionary is compiled in).
    Japanese,
    /// Word splitting, lowercase and diacritic folding: any other language.
    Plain,
}

/// Language subtag → analysis; everything else uses `default`.
pub const LANGUAGES: &[(&str, Analysis)] = &[
    ("en", Analysis::Stemmed(Language::English)),
    ("de", Analysis::Stemmed(Language::German)),
    ("pt", Analysis::Stemmed(Language::Portuguese)),
    ("sv", Analysis::Stemmed(Language::Swedish)),
    ("fr", Analysis::Stemmed(Language::French)),
    ("es", Analysis::Stemmed(Language::Spanish)),
    ("it", Analysis::Stemmed(Language::Italian)),
    ("nl", Analysis::Stemmed(Language::Dutch)),
    ("pl", Analysis::Polish),
    ("zh", Analysis::Chinese),
    ("ja", Analysis::Japanese),
    ("default", Analysis::Plain),
];

/// The analyzer key for a language subtag (`de` → `de`, `ko` → `default`).
pub fn language_key(language: &str) -> &'static str {
    LANGUAGES.iter().find(|(l, _)| *l == language).map_or("default", |(l, _)| l)
}

/// Tokenizer name registered for a language key.
pub fn analyzer_name(key: &str) -> String {
    format!("tshoot_{key}")
}

/// Name of the exact-match analyzer for error codes and ids.
pub const CODE_ANALYZER: &str = "tshoot_code";

/// Registers every analyzer on `index`. Call on create and on open.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    for (key, analysis) in LANGUAGES {
        manager.register(&analyzer_name(key), build(*analysis));
    }
    manager.register(CODE_ANALYZER, TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build());
}

/// Builds the analyzer for one analysis.
pub fn build(analysis: Analysis) -> TextAnalyzer {
    match analysis {
        Analysis::Stemmed(language) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            // Snowball reads the diacritics (pt `ões`, de `ü`); fold only after stemming.
            .filter(Stemmer::new(language))
            .filter(AsciiFoldingFilter)
            .build(),
        Analysis::Polish => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(PolishStemmer)
            .build(),
        Analysis::Chinese => TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build(),
        Analysis::Japanese => {
            TextAnalyzer::builder(JapaneseTokenizer).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
        }
        Analysis::Plain => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// The terms `text` yields under `analysis`, in order (queries use this).
pub fn terms(analysis: Analysis, text: &str) -> Vec<String> {
    // Analyzers are built once per thread: building one per query (Snowball
    // tables, the ICU segmenter) was a measurable part of a search.
    thread_local! {
        static ANALYZERS: std::cell::RefCell<Vec<(Analysis, TextAnalyzer)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    ANALYZERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let i = match cache.iter().position(|(a, _)| *a == analysis) {
            Some(i) => i,
            None => {
                cache.push((analysis, build(analysis)));
                cache.len() - 1
            }
        };
        let mut stream = cache[i].1.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    })
}

/// A stemmer for single words of `language` (a primary subtag: `de`, `pl`, `zh`):
/// the one term the server's analysis makes of a word (lowercased, stemmed,
/// then folded where the server folds). A word the analysis splits or drops
/// (`a_b`, over 40 bytes) comes back lowercased. Chinese and Japanese words
/// are only lowercased, as their analyzers do. Keeps one analyzer for many words.
pub fn stemmer(language: &str) -> impl FnMut(&str) -> String + use<> {
    let mut analyzer = match analysis_of(language_key(language)) {
        Analysis::Chinese | Analysis::Japanese => None,
        analysis => Some(build(analysis)),
    };
    move |word: &str| {
        let Some(analyzer) = analyzer.as_mut() else { return word.to_lowercase() };
        let mut stream = analyzer.token_stream(word);
        let mut out = None;
        while stream.advance() {
            if out.is_some() {
                return word.to_lowercase();
            }
            out = Some(stream.token().text.clone());
        }
        out.unwrap_or_else(|| word.to_lowercase())
    }
}

/// One word's term under `language`'s analysis; see [`stemmer`].
pub fn stem(language: &str, word: &str) -> String {
    stemmer(language)(word)
}

pub fn analysis_of(key: &str) -> Analysis {
    LANGUAGES.iter().find(|(l, _)| *l == key).map_or(Analysis::Plain, |(_, a)| *a)
}

/// Snowball Polish from frostem as a token filter.
#[derive(Clone, Copy)]
struct PolishStemmer;

impl TokenFilter for PolishStemmer {
    type Tokenizer<T: Tokenizer> = PolishStemmerFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> PolishStemmerFilter<T> {
        PolishStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
struct PolishStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PolishStemmerFilter<T> {
    type TokenStream<'a> = PolishStemmerStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PolishStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Polish),
        }
    }
}

struct PolishStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for PolishStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stemmed = self.stemmer.stem(&token.text).into_owned();
        token.text = stemmed;
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Japanese words from ICU's dictionary segmenter; only word-like segments.
#[derive(Clone, Copy)]
struct JapaneseTokenizer;

struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for JapaneseTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let segmenter =
            icu_segmenter::WordSegmenter::new_dictionary(icu_segmenter::options::WordBreakInvariantOptions::default());
        let mut tokens = Vec::new();
        let mut breaks = segmenter.segment_str(text);
        let mut start = 0;
        while let Some(end) = breaks.next() {
            if end > start && breaks.is_word_like() {
                tokens.push(Token {
                    offset_from: start,
                    offset_to: end,
                    position: tokens.len(),
                    text: text[start..end].to_owned(),
                    position_length: 1,
                });
            }
            start = end;
        }
        VecTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.index += 1;
        self.index <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_plural_and_singular_meet() {
        let de = analysis_of("de");
        assert_eq!(terms(de, "Verbindungen"), terms(de, "Verbindung"));
    }

    #[test]
    fn polish_case_forms_meet() {
        let pl = analysis_of("pl");
        let stems: Vec<String> = ["połączenia", "połączenie", "połączeń"].iter().flat_map(|w| terms(pl, w)).collect();
        assert!(stems.windows(2).all(|w| w[0] == w[1]), "{stems:?}");
    }

    #[test]
    fn chinese_is_segmented() {
        let t = terms(analysis_of("zh"), "设备断开连接");
        assert!(t.contains(&"设备".to_owned()), "{t:?}");
        assert!(t.iter().any(|w| w == "断开" || w == "断开连接"), "{t:?}");
    }

    #[test]
    fn japanese_is_segmented() {
        let t = terms(analysis_of("ja"), "デバイスが定期的に切断される");
        assert!(t.contains(&"デバイス".to_owned()) && t.contains(&"切断".to_owned()), "{t:?}");
    }

    #[test]
    fn single_words_stem_like_the_server() {
        assert_eq!(stem("de", "Verbindungen"), terms(analysis_of("de"), "Verbindung")[0]);
        assert_eq!(stem("pl", "połączeń"), terms(analysis_of("pl"), "połączenia")[0]);
        assert_eq!(stem("ko", "Größe"), "grosse");
        assert_eq!(stem("zh", "OneDrive"), "onedrive");
        assert_eq!(stem("en", "device_id"), "device_id");
    }

    #[test]
    fn unknown_languages_use_the_default() {
        assert_eq!(language_key("ko"), "default");
        assert_eq!(terms(analysis_of("default"), "Größe"), ["grosse"]);
    }
}
