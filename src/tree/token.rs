//! Walk state tokens: public, unsigned, compact and URL-safe.
//!
//! Layout (then base64url without padding): version byte, 4-byte content
//! fingerprint, then one step per answer: a tag byte and the first 6 bytes of
//! the SHA-1 of the record or article id. Ids, not positions: reordering
//! causes never changes what an old token means. A small browser script can
//! decode it (the static export has no secret).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::{Digest, Sha1};

use crate::kb::KnowledgeBase;
use crate::model::{ArticleId, RecordId};

pub const VERSION: u8 = 1;
/// Bytes of a step's short hash.
pub const HASH_BYTES: usize = 6;
/// Tokens longer than this are refused before decoding (a walk has few steps).
const MAX_TOKEN_CHARS: usize = 2048;

/// One answer in a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// At a question of an authored tree: (tree id, node id).
    Node(String, String),
    /// Entered an article with no symptom question (or chose it).
    Article(ArticleId),
    /// "I see this symptom."
    Symptom(RecordId),
    /// "This did not fix it" (a solution, or a cause shown without one).
    No(RecordId),
    /// "This fixed it."
    Yes(RecordId),
}

impl Step {
    /// The tag byte of this step in a token.
    pub fn tag(&self) -> u8 {
        match self {
            Step::Node(..) => b't',
            Step::Article(_) => b'a',
            Step::Symptom(_) => b's',
            Step::No(_) => b'n',
            Step::Yes(_) => b'y',
        }
    }

    /// The text whose short hash names this step: `<tree>/<node>`, an article id or a record id.
    pub fn key(&self) -> String {
        match self {
            Step::Node(t, n) => format!("{t}/{n}"),
            Step::Article(a) => a.to_string(),
            Step::Symptom(r) | Step::No(r) | Step::Yes(r) => r.to_string(),
        }
    }

    /// The short hash of [`Step::key`], as a token stores it.
    pub fn hash(&self) -> [u8; HASH_BYTES] {
        short_hash(&self.key())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the troubleshooting state is not a valid token (damaged or truncated); start again")]
    Malformed,
    #[error("the troubleshooting state comes from a newer or older tshoot (version {0}); start again")]
    Version(u8),
    #[error("the troubleshooting state refers to content that has changed; start again")]
    Stale,
}

/// The first bytes of the SHA-1 of `text`: how a token names an id.
pub fn short_hash(text: &str) -> [u8; HASH_BYTES] {
    let digest = Sha1::digest(text.as_bytes());
    let mut out = [0; HASH_BYTES];
    out.copy_from_slice(&digest[..HASH_BYTES]);
    out
}

/// A fingerprint of the content's ids: a token from other content is detected.
pub fn fingerprint(kb: &KnowledgeBase) -> [u8; 4] {
    let mut hasher = Sha1::new();
    for a in &kb.articles {
        hasher.update(a.id.as_str().as_bytes());
        for r in &a.records {
            hasher.update(r.id.anchor.as_bytes());
            hasher.update([0]);
        }
    }
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

pub fn encode(fingerprint: [u8; 4], steps: &[Step]) -> String {
    let mut bytes = Vec::with_capacity(5 + steps.len() * (HASH_BYTES + 1));
    bytes.push(VERSION);
    bytes.extend_from_slice(&fingerprint);
    for step in steps {
        bytes.push(step.tag());
        bytes.extend_from_slice(&step.hash());
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Maps short hashes back to ids for one knowledge base.
pub struct Lookup {
    fingerprint: [u8; 4],
    records: HashMap<[u8; HASH_BYTES], RecordId>,
    articles: HashMap<[u8; HASH_BYTES], ArticleId>,
    nodes: HashMap<[u8; HASH_BYTES], (String, String)>,
}

impl Lookup {
    pub fn new(kb: &KnowledgeBase) -> Lookup {
        let mut records = HashMap::new();
        let mut articles = HashMap::new();
        for a in &kb.articles {
            articles.insert(short_hash(a.id.as_str()), a.id.clone());
            for r in &a.records {
                records.insert(short_hash(&r.id.to_string()), r.id.clone());
            }
        }
        let mut nodes = HashMap::new();
        for t in &kb.trees {
            for n in t.nodes.keys() {
                nodes.insert(short_hash(&format!("{}/{n}", t.id)), (t.id.clone(), n.clone()));
            }
        }
        Lookup { fingerprint: fingerprint(kb), records, articles, nodes }
    }

    pub fn fingerprint(&self) -> [u8; 4] {
        self.fingerprint
    }

    /// Decodes a token. A different fingerprint is fine while every id still
    /// exists (content edited elsewhere); an unknown id is `Stale` then, and
    /// `Malformed` when the fingerprint matched (the token was tampered with).
    pub fn decode(&self, token: &str) -> Result<Vec<Step>, TokenError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(TokenError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| TokenError::Malformed)?;
        let (&version, rest) = bytes.split_first().ok_or(TokenError::Malformed)?;
        if version != VERSION {
            return Err(TokenError::Version(version));
        }
        if rest.len() < 4 || (rest.len() - 4) % (HASH_BYTES + 1) != 0 {
            return Err(TokenError::Malformed);
        }
        let same_content = rest[..4] == self.fingerprint;
        let unknown = if same_content { TokenError::Malformed } else { TokenError::Stale };
        let mut steps = Vec::new();
        for chunk in rest[4..].chunks(HASH_BYTES + 1) {
            let mut hash = [0; HASH_BYTES];
            hash.copy_from_slice(&chunk[1..]);
            let step = match chunk[0] {
                b't' => {
                    let (t, n) = self.nodes.get(&hash).cloned().ok_or_else(|| unknown.clone())?;
                    Step::Node(t, n)
                }
                b'a' => Step::Article(self.articles.get(&hash).cloned().ok_or_else(|| unknown.clone())?),
                tag @ (b's' | b'n' | b'y') => {
                    let id = self.records.get(&hash).cloned().ok_or_else(|| unknown.clone())?;
                    match tag {
                        b's' => Step::Symptom(id),
                        b'n' => Step::No(id),
                        _ => Step::Yes(id),
                    }
                }
                _ => return Err(TokenError::Malformed),
            };
            steps.push(step);
        }
        Ok(steps)
    }
}

impl Clone for TokenError {
    fn clone(&self) -> Self {
        match self {
            TokenError::Malformed => TokenError::Malformed,
            TokenError::Version(v) => TokenError::Version(*v),
            TokenError::Stale => TokenError::Stale,
        }
    }
}
