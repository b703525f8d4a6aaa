//! Checks authored trees against the knowledge base and the UI strings:
//! unknown records, articles and nodes, messages missing per locale,
//! unreachable nodes, dead ends and loops, each located in its file.

use std::collections::{BTreeSet, HashMap};

use crate::content::diagnostics::Diagnostic;
use crate::i18n::Catalog;
use crate::kb::KnowledgeBase;
use crate::model::{AnswerTarget, ArticleId, AuthoredTree, RecordId, RecordKind};

pub fn validate(kb: &KnowledgeBase, catalog: &Catalog) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for tree in &kb.trees {
        validate_tree(tree, kb, catalog, &mut diags);
    }
    diags
}

fn validate_tree(tree: &AuthoredTree, kb: &KnowledgeBase, catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let line = |node: &str| tree.lines.get(node).copied().unwrap_or(1);
    let err = |code: &'static str, node: &str, message: String| {
        Diagnostic::error(code, &tree.path, message).at(line(node), 1)
    };
    if !tree.nodes.contains_key(&tree.start) {
        diags.push(
            Diagnostic::error("tree-unknown-node", &tree.path, format!("start node `{}` does not exist", tree.start))
                .at(1, 1),
        );
    }
    let mut messages: Vec<(&str, &str)> = vec![(tree.title.as_str(), "")];
    for (key, node) in &tree.nodes {
        messages.push((node.question.as_str(), key));
        if node.answers.is_empty() {
            diags.push(
                err("tree-dead-end", key, format!("node `{key}` has no answers: the walk would stop there"))
                    .with_hint("add answers that lead to another node, a symptom record or an article"),
            );
        }
        for answer in &node.answers {
            messages.push((answer.label.as_str(), key));
            match &answer.target {
                AnswerTarget::Node(n) if !tree.nodes.contains_key(n) => {
                    diags.push(err(
                        "tree-unknown-node",
                        key,
                        format!("node `{key}` goes to `{n}`, which does not exist"),
                    ));
                }
                AnswerTarget::Record(r) => match RecordId::parse(r).and_then(|id| kb.record(&id)) {
                    None => diags.push(
                        err(
                            "tree-unknown-record",
                            key,
                            format!("node `{key}` points at record `{r}`, which is not loaded"),
                        )
                        .with_hint("record ids are `<article>#<anchor>`, as `tshoot dump` prints them"),
                    ),
                    Some((_, rec)) if rec.kind != RecordKind::Symptom => diags.push(err(
                        "tree-not-symptom",
                        key,
                        format!(
                            "node `{key}` points at `{r}`, a {} record; answers lead to symptoms (or articles)",
                            rec.kind
                        ),
                    )),
                    Some(_) => {}
                },
                AnswerTarget::Article(a) if kb.article(&ArticleId::sanitize(a)).is_none() => {
                    diags.push(err(
                        "tree-unknown-article",
                        key,
                        format!("node `{key}` points at article `{a}`, which is not loaded"),
                    ));
                }
                _ => {}
            }
        }
    }
    // Messages: every locale with UI strings should have each one.
    let locales = catalog.locales();
    let mut reported = BTreeSet::new();
    for (id, node) in messages {
        if !reported.insert(id) {
            continue;
        }
        let missing: Vec<String> = locales.iter().filter(|l| !catalog.has(l, id)).map(|l| l.to_string()).collect();
        if missing.len() == locales.len() {
            diags.push(
                err("tree-unknown-message", node, format!("message `{id}` is not in any `locales/*/*.ftl`"))
                    .with_hint("add it to locales/<locale>/trees.ftl"),
            );
        } else if !missing.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "tree-untranslated-message",
                    &tree.path,
                    format!("message `{id}` is missing in {}", missing.join(", ")),
                )
                .at(line(node), 1),
            );
        }
    }
    // Reachability from the start, and loops among questions.
    let edges: HashMap<&str, Vec<&str>> = tree
        .nodes
        .iter()
        .map(|(k, n)| {
            let next = n.answers.iter().filter_map(|a| match &a.target {
                AnswerTarget::Node(t) => Some(t.as_str()),
                _ => None,
            });
            (k.as_str(), next.collect())
        })
        .collect();
    let mut reached = BTreeSet::new();
    let mut stack = vec![tree.start.as_str()];
    while let Some(n) = stack.pop() {
        if reached.insert(n) {
            stack.extend(edges.get(n).into_iter().flatten().copied());
        }
    }
    for key in tree.nodes.keys().filter(|k| !reached.contains(k.as_str())) {
        diags.push(
            Diagnostic::warning(
                "tree-unreachable",
                &tree.path,
                format!("node `{key}` cannot be reached from `{}`", tree.start),
            )
            .at(line(key), 1),
        );
    }
    if let Some(cycle) = find_cycle(&edges, &tree.start) {
        diags.push(
            Diagnostic::warning("tree-cycle", &tree.path, format!("questions loop: {}", cycle.join(" → ")))
                .at(line(cycle[0]), 1)
                .with_hint("a loop can only be left by an answer that leads out of it"),
        );
    }
}

fn find_cycle<'a>(edges: &HashMap<&'a str, Vec<&'a str>>, start: &'a str) -> Option<Vec<&'a str>> {
    fn dfs<'a>(
        n: &'a str,
        edges: &HashMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = path.iter().position(|p| *p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n);
            return Some(cycle);
        }
        if !done.insert(n) {
            return None;
        }
        path.push(n);
        for next in edges.get(n).into_iter().flatten() {
            if let Some(c) = dfs(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    dfs(start, edges, &mut Vec::new(), &mut BTreeSet::new())
}
