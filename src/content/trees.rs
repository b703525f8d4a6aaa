//! Authored decision trees: pure parsing of `trees/*.yaml`. Checking them
//! against records and UI strings is `tree::authored`'s job (it needs both).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::diagnostics::Diagnostic;
use super::parse::yaml_options;
use crate::model::{AnswerTarget, AuthoredTree, TreeAnswer, TreeQuestion};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTree {
    id: String,
    title: String,
    start: String,
    nodes: BTreeMap<String, RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    question: String,
    #[serde(default)]
    answers: Vec<RawAnswer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    label: String,
    goto: Option<String>,
    record: Option<String>,
    article: Option<String>,
}

/// Parses one tree file. A broken file yields diagnostics and no tree.
pub fn parse_tree(text: &str, path: &Path) -> (Option<AuthoredTree>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let raw: RawTree = match serde_saphyr::from_str_with_options(text, yaml_options()) {
        Ok(t) => t,
        Err(e) => {
            let loc = e.location();
            let message = e.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("").to_owned();
            let mut d = Diagnostic::error("tree-yaml", path, format!("invalid decision tree: {message}"))
                .with_hint("a tree has `id`, `title`, `start` and `nodes`; each node a `question` and `answers` with `label` and one of `goto`, `record`, `article`");
            if let Some(l) = loc {
                d = d.at(l.line() as usize, l.column() as usize);
            }
            diags.push(d);
            return (None, diags);
        }
    };
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')))
            .map_or(1, |i| i + 1)
    };
    let mut nodes = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for (key, node) in raw.nodes {
        let line = line_of(&key);
        lines.insert(key.clone(), line);
        let mut answers = Vec::new();
        for a in node.answers {
            let target = match (a.goto, a.record, a.article) {
                (Some(n), None, None) => AnswerTarget::Node(n),
                (None, Some(r), None) => AnswerTarget::Record(r),
                (None, None, Some(a)) => AnswerTarget::Article(a),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "tree-answer",
                            path,
                            format!("an answer of node `{key}` needs exactly one of `goto`, `record`, `article`"),
                        )
                        .at(line, 1),
                    );
                    continue;
                }
            };
            answers.push(TreeAnswer { label: a.label, target });
        }
        nodes.insert(key, TreeQuestion { question: node.question, answers });
    }
    let tree = AuthoredTree { id: raw.id, title: raw.title, start: raw.start, nodes, path: path.to_path_buf(), lines };
    (Some(tree), diags)
}
