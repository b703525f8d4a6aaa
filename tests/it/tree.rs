//! The decision tree: walks over the seeds, references, tokens, the CLI.

use std::io::Write;
use std::process::{Command, Stdio};

use tshoot::KnowledgeBase;
use tshoot::i18n::Catalog;
use tshoot::model::ArticleId;
use tshoot::tree::{Engine, Entry, Node, NodeKind};

use crate::harness::{fixture, load, locale, repo};
use crate::require_shared;

const SEED_ARTICLE: &str = "404104-deviceconnectionclosedremotely";
const SEED_LOCALES: [&str; 5] = ["zh-cn", "pl-pl", "sv-se", "pt-br", "de-de"];

fn start(engine: &Engine<'_>, article: &str, tag: &str) -> Node {
    engine.start(&Entry::Article(ArticleId::sanitize(article)), None, &locale(tag)).expect("start")
}

fn choose(engine: &Engine<'_>, node: &Node, id: &str, tag: &str) -> Node {
    let option =
        node.options.iter().find(|o| o.id == id || o.id.ends_with(&format!("#{id}"))).unwrap_or_else(|| {
            panic!("no option {id} in {:?}", node.options.iter().map(|o| &o.id).collect::<Vec<_>>())
        });
    engine.node(&option.token, &locale(tag)).expect("next node")
}

fn shown_ids(node: &Node) -> Vec<&str> {
    node.records.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn every_seed_locale_walks_symptom_cause_solution_to_resolved() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    for tag in SEED_LOCALES {
        let first = start(&engine, SEED_ARTICLE, tag);
        assert_eq!(first.kind, NodeKind::Question);
        assert_eq!(first.options.len(), 3, "{tag}: three symptoms");
        assert_eq!(first.prompt.text, catalog.message(&locale(tag), "tree-which-symptom", &[]));
        let tried = choose(&engine, &first, "symptom-1", tag);
        assert_eq!(tried.kind, NodeKind::TrySolution, "{tag}");
        let ids = shown_ids(&tried);
        assert!(ids.contains(&"404104-deviceconnectionclosedremotely#cause-1"), "{tag}: {ids:?}");
        assert!(ids.contains(&"404104-deviceconnectionclosedremotely#solution-1"), "{tag}: {ids:?}");
        assert!(
            tried.records.iter().all(|r| r.locale.as_str() == tag && r.fallback.is_none()),
            "{tag}: in the reader's locale"
        );
        let done = choose(&engine, &tried, "yes", tag);
        assert_eq!(done.kind, NodeKind::Resolved, "{tag}");
        assert_eq!(done.breadcrumbs.len(), 2);
        assert!(done.options.is_empty());
    }
}

#[test]
fn saying_no_goes_through_every_cause_then_escalates_with_next_steps() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    let tag = "pl-pl";
    let mut node = choose(&engine, &start(&engine, SEED_ARTICLE, tag), "symptom-1", tag);
    let mut tried = Vec::new();
    while node.kind == NodeKind::TrySolution {
        tried.push(node.id.clone());
        node = choose(&engine, &node, "no", tag);
    }
    assert_eq!(
        tried,
        [
            "try:404104-deviceconnectionclosedremotely#solution-1",
            "try:404104-deviceconnectionclosedremotely#solution-2",
            "try:404104-deviceconnectionclosedremotely#solution-3"
        ]
    );
    assert_eq!(node.kind, NodeKind::Escalate);
    assert_eq!(shown_ids(&node), ["404104-deviceconnectionclosedremotely#next-steps"]);
    // Back returns to the last solution.
    let back = engine.node(node.back.as_deref().expect("back"), &locale(tag)).expect("back node");
    assert_eq!(back.id, "try:404104-deviceconnectionclosedremotely#solution-3");
}

#[test]
fn the_reference_to_401003_resolves_with_the_corpus_and_shows_unresolved_without_it() {
    let (seeds, corpus) = require_shared!("seeds", "corpus/iot-hub");
    let catalog = Catalog::embedded();
    let walk_to_solution = |kb: &KnowledgeBase| {
        let engine = Engine::new(kb, &catalog);
        let node = choose(&engine, &start(&engine, SEED_ARTICLE, "de-de"), "symptom-1", "de-de");
        node.records.clone()
    };
    let with = walk_to_solution(&load(&[seeds.clone(), corpus]));
    let reference =
        with.iter().find(|r| r.id == "401003-iothubunauthorized#solution-1").expect("401003 solution 1 is shown");
    assert_eq!(reference.role, "reference");
    assert_eq!(reference.locale.as_str(), "de-de", "in the reader's locale");
    assert_eq!(reference.via.as_deref(), Some("404104-deviceconnectionclosedremotely#solution-1"));
    assert!(reference.markdown.contains("SAS-Token"), "{}", reference.markdown);

    let without = walk_to_solution(&load(&[seeds]));
    assert!(without.iter().all(|r| !r.id.starts_with("401003")));
    let solution = without.iter().find(|r| r.id.ends_with("#solution-1")).expect("solution 1");
    assert_eq!(solution.unresolved_refs, ["iot-hub-troubleshoot-error-401003-iothubunauthorized#solution-1"]);
}

#[test]
fn reference_cycles_never_loop() {
    let dir = fixture("cycle");
    let kb = load(&[dir.path().to_path_buf()]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    let node = start(&engine, "600001-firstloop", "en-us");
    assert_eq!(node.kind, NodeKind::TrySolution, "no symptoms: straight to the causes");
    assert_eq!(
        shown_ids(&node),
        ["600001-firstloop#cause", "600001-firstloop#solution", "600002-secondloop#solution"],
        "the loop back to 600001's solution stops"
    );
}

#[test]
fn unaligned_numbering_keeps_every_cause() {
    let kb = load(&[repo("content")]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    // One symptom, two causes: both are tried in order.
    let first = start(&engine, "409012-filelockconflict", "en-us");
    let mut node = engine.node(&first.options[0].token, &locale("en-us")).expect("node");
    let mut causes = Vec::new();
    while node.kind == NodeKind::TrySolution {
        causes.extend(node.records.iter().filter(|r| r.role == "cause").map(|r| r.id.clone()));
        node = choose(&engine, &node, "no", "en-us");
    }
    causes.dedup();
    assert_eq!(causes, ["409012-filelockconflict#cause-1", "409012-filelockconflict#cause-2"]);
    // A cause without a solution of its own is shown to check on its own.
    let first = start(&engine, "0x8007016a-cloudfileprovidernotrunning", "en-us");
    let mut node = engine.node(&first.options[0].token, &locale("en-us")).expect("node");
    let mut alone = false;
    while node.kind == NodeKind::TrySolution {
        alone |= node.id == "try:0x8007016a-cloudfileprovidernotrunning#cause-3"
            && node.records.iter().all(|r| r.role != "solution");
        node = choose(&engine, &node, "no", "en-us");
    }
    assert!(alone, "cause 3 is checked alone");
}

#[test]
fn a_german_reader_of_an_english_only_article_sees_labelled_fallback() {
    let kb = load(&[repo("content")]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    let first = start(&engine, "422040-pathtoolong", "de-de");
    let node = engine.node(&first.options[0].token, &locale("de-de")).expect("node");
    let r = &node.records[0];
    assert_eq!(r.locale.as_str(), "en-us");
    assert_eq!(r.fallback.as_deref(), Some("Nicht in Ihre Sprache übersetzt; angezeigt auf en-us."));
}

#[test]
fn bad_tokens_are_clear_errors_never_panics() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let catalog = Catalog::embedded();
    let engine = Engine::new(&kb, &catalog);
    let de = locale("de-de");
    let node = choose(&engine, &start(&engine, SEED_ARTICLE, "de-de"), "symptom-1", "de-de");
    let good = node.options[1].token.clone();
    assert!(engine.node(&good, &de).is_ok());
    let truncated = &good[..good.len() - 3];
    let mut tampered = good.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    for bad in ["", "!!!", "AAAA", truncated, tampered.as_str(), &"A".repeat(5000)] {
        let err = engine.node(bad, &de).expect_err(bad);
        assert!(err.to_string().contains("start again"), "{bad}: {err}");
    }
    // A token from other content is stale.
    let other = load(&[repo("content")]);
    let other_engine = Engine::new(&other, &catalog);
    let other_node = start(&other_engine, "430021-synctokenexpired", "en-us");
    let err = engine.node(&other_node.options[0].token, &de).expect_err("stale");
    assert!(err.to_string().contains("changed"), "{err}");
    // Arbitrary input never panics.
    for i in 0..2000u32 {
        let junk: String = (0..(i % 40))
            .map(|j| {
                char::from(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                        [((i * 31 + j * 7) % 64) as usize],
                )
            })
            .collect();
        let _ = engine.node(&junk, &de);
    }
}

#[test]
fn the_cli_walks_from_piped_answers() {
    let (seeds, corpus) = require_shared!("seeds", "corpus/iot-hub");
    let run = |roots: &[&std::path::Path], answers: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tshoot"));
        cmd.arg("troubleshoot").arg("Gerät verliert alle 65 Minuten die Verbindung").args(["--locale", "de-DE"]);
        for r in roots {
            cmd.arg("--content").arg(r);
        }
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        child.stdin.take().expect("stdin").write_all(answers.as_bytes()).expect("write answers");
        let out = child.wait_with_output().expect("wait");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, stdout) = run(&[&seeds, &corpus], "1\n1\n");
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("Was davon beobachten Sie?"), "{stdout}");
    assert!(stdout.contains("[401003-iothubunauthorized#solution-1]") && stdout.contains("SAS-Token"), "{stdout}");
    assert!(stdout.contains("Schön, dass es behoben ist!"), "{stdout}");

    let (_, stdout) = run(&[&seeds], "1\n");
    assert!(
        stdout.contains("Hier nicht verfügbar: iot-hub-troubleshoot-error-401003-iothubunauthorized#solution-1"),
        "{stdout}"
    );
    // `b` goes back, `q` quits with exit 1.
    let (code, stdout) = run(&[&seeds], "1\nb\nq\n");
    assert_eq!(code, Some(1));
    assert_eq!(stdout.matches("Was davon beobachten Sie?").count(), 2, "{stdout}");
}

fn tree_fixture() -> (tempfile::TempDir, KnowledgeBase, Catalog) {
    let dir = fixture("tree");
    let kb = load(&[dir.path().join("content")]);
    let catalog = Catalog::load(&dir.path().join("locales")).expect("locales load");
    (dir, kb, catalog)
}

#[test]
fn an_authored_tree_walks_in_two_locales() {
    let (_dir, kb, catalog) = tree_fixture();
    let engine = Engine::new(&kb, &catalog);
    for (tag, question, answer, symptom_text) in [
        ("en-us", "What is wrong with the gadget?", "It is silent", "no sound"),
        ("de-de", "Was stimmt mit dem Gadget nicht?", "Es ist stumm", "keinen Ton"),
    ] {
        let first = engine.start(&Entry::Tree("gadget".into()), None, &locale(tag)).expect("start");
        assert_eq!(first.prompt.text, question);
        let sound = engine.node(&first.options[0].token, &locale(tag)).expect("second question");
        assert_eq!(sound.options[0].label, answer);
        assert_eq!(sound.breadcrumbs.len(), 1);
        let tried = engine.node(&sound.options[0].token, &locale(tag)).expect("derived walk");
        assert_eq!(tried.kind, NodeKind::TrySolution);
        assert!(tried.records[0].markdown.contains(symptom_text), "{tag}: {:?}", tried.records[0]);
        assert_eq!(tried.breadcrumbs.len(), 3, "tree questions stay in the breadcrumbs");
        let back = engine.node(tried.back.as_deref().expect("back"), &locale(tag)).expect("back");
        assert_eq!(back.id, "tree:gadget/sound");
        let done = choose(&engine, &tried, "yes", tag);
        assert_eq!(done.kind, NodeKind::Resolved);
    }
}

#[test]
fn check_reports_what_is_wrong_in_an_authored_tree() {
    let (_dir, kb, catalog) = tree_fixture();
    let diags = tshoot::tree::authored::validate(&kb, &catalog);
    let broken: Vec<(&str, Option<usize>)> =
        diags.iter().filter(|d| d.file.ends_with("broken.yaml")).map(|d| (d.code, d.line)).collect();
    for (code, line) in [
        ("tree-unknown-node", Some(5)),
        ("tree-unknown-record", Some(5)),
        ("tree-not-symptom", Some(5)),
        ("tree-unknown-message", Some(16)),
        ("tree-untranslated-message", Some(16)),
        ("tree-dead-end", Some(21)),
        ("tree-unreachable", Some(21)),
        ("tree-cycle", Some(5)),
    ] {
        assert!(broken.contains(&(code, line)), "missing {code} at {line:?}: {broken:?}");
    }
    // The good tree has no errors (its strings exist in en-us and de-de only: warnings for the rest).
    let good: Vec<_> = diags.iter().filter(|d| d.file.ends_with("gadget.yaml")).collect();
    assert!(good.iter().all(|d| d.code == "tree-untranslated-message" && !d.message.contains("de-de")), "{good:?}");
}
