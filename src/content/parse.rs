//! Pure parsing: the text of one file in, its front matter, sections and
//! diagnostics out. No file system, clock or environment here; `load.rs` does I/O.

use std::path::Path;
use std::sync::LazyLock;

use foldhash::{HashMap, HashSet};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use serde_json::{Map, Value};

use super::diagnostics::{Diagnostic, LineIndex};
use super::docfx;
use super::headings::{derive_anchor, heading_numbers, kind_from_anchor, kind_from_text};
use crate::model::RecordKind;

/// Front matter larger than this is rejected before YAML parsing: real articles
/// carry a few hundred bytes of it.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// The outcome of parsing one file.
#[derive(Debug)]
pub enum Parsed {
    /// No front matter: not an article (a README, a stats file), skipped.
    NotArticle,
    /// Unusable (broken front matter); the diagnostics say why.
    Failed,
    Article(Box<ParsedFile>),
}

/// A file that is an article: front matter and records of one locale.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// Front matter, keys lowercased (`MS.topic` → `ms.topic`), unknown keys kept.
    pub front_matter: Map<String, Value>,
    pub h1: Option<H1>,
    /// Records in document order, anchors unique within the file.
    pub records: Vec<ParsedRecord>,
    /// Bytes of the UTF-8 BOM, if any (offsets below are into the text as given).
    pub body_offset: usize,
    /// Plain text of the body, from the same Markdown pass that found the
    /// headings; records name their parts of it ([`ParsedRecord::plain`]).
    /// The loader drops it once it has read the records' error codes.
    pub plain: String,
}

#[derive(Debug, Clone)]
pub struct H1 {
    pub text: String,
    pub anchor: String,
    pub explicit_anchor: bool,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct ParsedRecord {
    pub anchor: String,
    pub kind: RecordKind,
    /// Heading text (empty for the intro).
    pub title: String,
    /// Heading level, 0 for the intro.
    pub level: u8,
    /// The record's Markdown, its heading included. Text under sub-headings that
    /// are not records stays here.
    pub markdown: String,
    /// Byte offset of the record's start in the file text.
    pub offset: usize,
    pub line: usize,
    /// Number from the heading text (`Cause 1`), never from the anchor.
    pub number: Option<u32>,
    /// For remedies: the cause number the heading names (`Solution for cause 1`).
    pub for_cause: Option<u32>,
    /// Anchor of the enclosing heading, and whether that is a cause record.
    pub parent: Option<String>,
    pub parent_is_cause: bool,
    /// Heading text of the container (`Causes`) this record sits in.
    pub group: Option<String>,
    /// Other anchors that land in this record: sub-headings, `<a name|id>` tags.
    pub extra_anchors: Vec<String>,
    /// Related records of the same file, by anchor (causes for symptoms and
    /// remedies; solutions for causes).
    pub causes: Vec<String>,
    pub solutions: Vec<String>,
    /// The record's plain text: ranges of [`ParsedFile::plain`], in order.
    pub plain: Vec<std::ops::Range<usize>>,
    /// Links in the record, offsets into [`ParsedRecord::markdown`].
    pub links: Vec<Link>,
}

impl ParsedFile {
    /// A record's plain text, as [`plain_text`] of its Markdown gives it.
    pub fn plain_of<'a>(&'a self, record: &ParsedRecord) -> std::borrow::Cow<'a, str> {
        match record.plain.as_slice() {
            [one] => std::borrow::Cow::Borrowed(self.plain[one.clone()].trim()),
            parts => std::borrow::Cow::Owned(
                parts.iter().map(|r| &self.plain[r.clone()]).collect::<String>().trim().to_owned(),
            ),
        }
    }

    /// A front-matter value as text (strings as is, numbers printed).
    pub fn get(&self, key: &str) -> Option<String> {
        front_matter_value(&self.front_matter, key)
    }
}

/// A front-matter value as text: strings trimmed (empty is none), numbers and
/// booleans written out, the first string of a list.
pub fn front_matter_value(front_matter: &Map<String, Value>, key: &str) -> Option<String> {
    match front_matter.get(key)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items.first().and_then(|v| v.as_str()).map(str::to_owned),
        _ => None,
    }
}

/// Parses one file's text. `path` is only used to label diagnostics.
pub fn parse_file(text: &str, path: &Path) -> (Parsed, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let index = LineIndex::new(text);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let Some(split) = split_front_matter(text, bom) else {
        return (Parsed::NotArticle, diags);
    };
    let (yaml_range, body_start) = match split {
        Ok(split) => split,
        Err(()) => {
            diags.push(
                Diagnostic::error("front-matter-unclosed", path, "front matter is not closed")
                    .at_offset(&index, bom)
                    .with_hint("end the YAML front matter with a line holding only `---`"),
            );
            return (Parsed::Failed, diags);
        }
    };
    let yaml = &text[yaml_range.clone()];
    let front_matter = match parse_yaml(yaml) {
        Ok(map) => map,
        Err((message, line, column)) => {
            let (yaml_line, _) = index.line_col(yaml_range.start);
            let mut d = Diagnostic::error("front-matter-yaml", path, message)
                .with_hint("fix the YAML between the `---` lines; quote values that hold `:` or `#`");
            if let Some(line) = line {
                d = d.at(yaml_line + line - 1, column.unwrap_or(1));
            } else {
                d = d.at_offset(&index, yaml_range.start);
            }
            diags.push(d);
            return (Parsed::Failed, diags);
        }
    };

    let body = &text[body_start..];
    let (h1, records, plain) = split_records(body, body_start, &index, path, &mut diags);
    let file = ParsedFile { front_matter, h1, records, body_offset: body_start, plain };
    (Parsed::Article(Box::new(file)), diags)
}

/// Finds the front matter: `Some(Ok((yaml range, body start)))`, `Some(Err)` when
/// it is not closed, `None` when the text does not begin with `---`.
fn split_front_matter(text: &str, start: usize) -> Option<Result<(std::ops::Range<usize>, usize), ()>> {
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = start + first_line_end;
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Some(Ok((yaml_start..pos, end)));
        }
        pos = end;
    }
    Some(Err(()))
}

type YamlError = (String, Option<usize>, Option<usize>);

/// YAML options with tight budgets: an alias bomb or deep nesting fails in milliseconds.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 20_000;
    budget.max_aliases = 200;
    budget.max_anchors = 200;
    budget.max_depth = 32;
    budget.max_nodes = 10_000;
    budget.max_total_scalar_bytes = MAX_FRONT_MATTER_BYTES;
    budget.max_documents = 1;
    budget.max_inclusion_depth = 0;
    budget.flow_nesting_limit = 32;
    budget.max_recorded_anchor_events = 20_000;
    serde_saphyr::options! { budget: Some(budget) }
}

fn parse_yaml(yaml: &str) -> Result<Map<String, Value>, YamlError> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Err((
            format!("front matter is {} bytes, more than the limit of {MAX_FRONT_MATTER_BYTES}", yaml.len()),
            None,
            None,
        ));
    }
    let options = yaml_options();
    let value: Value = match serde_saphyr::from_str_with_options(yaml, options) {
        Ok(v) => v,
        Err(e) => {
            let location = e.location();
            let message = strip_location(&first_line(&e.without_snippet().to_string()));
            return Err((
                format!("invalid YAML front matter: {message}"),
                location.map(|l| l.line() as usize),
                location.map(|l| l.column() as usize),
            ));
        }
    };
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(k.to_lowercase(), v);
            }
            Ok(out)
        }
        Value::Null => Ok(Map::new()),
        other => Err((
            format!("front matter must be a mapping of keys to values, found {}", json_kind(&other)),
            Some(1),
            Some(1),
        )),
    }
}

/// The YAML error's own "at line 3, column 7" counts from the front matter;
/// the diagnostic carries the file's line and column instead.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).trim().to_owned()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

struct Heading {
    level: u8,
    text: String,
    anchor: String,
    explicit: bool,
    /// Byte offsets into the whole file text.
    start: usize,
    line: usize,
    /// Length of the body's plain text where the heading starts, and after it.
    plain_start: usize,
    plain_after: usize,
}

static NAME_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<a\s[^>]*?\b(?:name|id)\s*=\s*["']([^"']+)["']"#).expect("static regex"));

/// Scans the body's headings with pulldown-cmark (so `#` lines inside fenced
/// code are not headings); the same pass writes the body's plain text and
/// links (offsets into the whole file text), so records need no pass of their own.
fn scan_headings(body: &str, offset: usize, index: &LineIndex) -> (Vec<Heading>, PlainText, Vec<Definition>) {
    let mut headings = Vec::new();
    // Grown as needed: reserving the body's size raised the loader's peak RSS.
    let mut plain = PlainText::default();
    let mut current: Option<(u8, usize, String, Option<String>, usize)> = None;
    // DocFX images read as Markdown images: their alt text is text, their syntax is not.
    let body = docfx::images_as_markdown(body);
    let mut events = Parser::new_ext(&body, Options::ENABLE_TABLES).into_offset_iter();
    // Read while the blocks were parsed, before any event.
    let mut definitions: Vec<Definition> = events
        .reference_definitions()
        .iter()
        .map(|(label, def)| Definition { label: label.to_lowercase(), span: def.span.clone() })
        .collect();
    definitions.sort_by_key(|d| d.span.start);
    for (event, range) in events.by_ref() {
        let plain_before = plain.text.len();
        plain.push(&event, offset + range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((heading_level(level), range.start, String::new(), None, plain_before));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text, anchor, plain_start)) = current.take() {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let (anchor, explicit) = match anchor {
                        Some(a) => (a, true),
                        None => (derive_anchor(&text), false),
                    };
                    let start = offset + start;
                    let line = index.line_col(start).0;
                    let plain_after = plain.text.len();
                    headings.push(Heading { level, text, anchor, explicit, start, line, plain_start, plain_after });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text, _, _)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::InlineHtml(html) | Event::Html(html) => {
                if let Some((_, _, _, anchor, _)) = current.as_mut()
                    && anchor.is_none()
                    && let Some(c) = NAME_ATTR.captures(&html)
                {
                    *anchor = Some(c[1].trim().to_owned());
                }
            }
            _ => {}
        }
    }
    (headings, plain, definitions)
}

/// A link reference definition (`[2]: media/a.png`): its label, lowercase,
/// and where it is in the body.
struct Definition {
    label: String,
    span: std::ops::Range<usize>,
}

/// A record's Markdown with the reference definitions it uses (`![alt][2]`)
/// but does not hold, copied from elsewhere in the file: a record's Markdown
/// renders on its own, in the portal and in any tool reading the dump.
fn with_definitions(mut markdown: String, definitions: &[Definition], body: &str) -> String {
    if definitions.is_empty() || !markdown.contains("][") {
        return markdown;
    }
    let lower = markdown.to_lowercase();
    let mut first = true;
    for d in definitions {
        let text = body[d.span.clone()].trim();
        if lower.contains(&format!("][{}]", d.label)) && !markdown.contains(text) {
            markdown.push_str(if first { "\n\n" } else { "\n" });
            markdown.push_str(text);
            first = false;
        }
    }
    markdown
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

struct Node {
    heading: Heading,
    kind: Option<RecordKind>,
    number: Option<u32>,
    for_cause: Option<u32>,
    parent: Option<usize>,
    is_record: bool,
    is_container: bool,
}

/// Splits the body into records (DESIGN.md §1, "Records").
fn split_records(
    body: &str,
    body_start: usize,
    index: &LineIndex,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Option<H1>, Vec<ParsedRecord>, String) {
    let full_text_end = body_start + body.len();
    let (mut headings, plain, definitions) = scan_headings(body, body_start, index);
    // Where each section starts in the plain text, by its start in the file text.
    let mut plain_at: HashMap<usize, usize> = headings.iter().map(|h| (h.start, h.plain_start)).collect();
    plain_at.insert(full_text_end, plain.text.len());
    let parts = |segments: &[(usize, usize)], plain_from: Option<usize>| -> (Vec<std::ops::Range<usize>>, Vec<Link>) {
        let mut ranges = Vec::with_capacity(segments.len());
        let mut links = Vec::new();
        let mut markdown_len = 0;
        let mut lead = None;
        // Sections start and end at headings (or the end): always a key.
        let at = |offset: usize| plain_at.get(&offset).copied().unwrap_or(plain.text.len());
        for (k, &(s, e)) in segments.iter().enumerate() {
            let from = match plain_from {
                Some(from) if k == 0 => from,
                _ => at(s),
            };
            ranges.push(from..at(e).max(from));
            let segment = &body[s - body_start..e - body_start];
            // The record's Markdown is the segments joined, then trimmed.
            let lead = *lead.get_or_insert(segment.len() - segment.trim_start().len());
            for link in plain.links.iter().filter(|l| (s..e).contains(&l.offset)) {
                links.push(Link {
                    image: link.image,
                    dest: link.dest.clone(),
                    offset: (markdown_len + link.offset - s).saturating_sub(lead),
                });
            }
            markdown_len += e - s;
        }
        (ranges, links)
    };

    // The first H1 is the title; the text after it up to the next heading is the intro.
    let h1_pos = headings.iter().position(|h| h.level == 1);
    let h1 = h1_pos.map(|i| headings.remove(i));
    let slice = |from: usize, to: usize| &body[from - body_start..to - body_start];

    let mut records = Vec::with_capacity(headings.len() + 1);
    let mut used: HashSet<String> = HashSet::default();

    // Intro: between the H1 (or the body start) and the first heading after it.
    let intro_start = match &h1 {
        Some(h) => {
            let rel = h.start - body_start;
            body_start + rel + body[rel..].find('\n').map_or(body.len() - rel, |i| i + 1)
        }
        None => body_start,
    };
    let first_after = headings.iter().find(|h| h.start >= intro_start).map_or(full_text_end, |h| h.start);
    // Headings before the H1 (rare) are treated like any other section.
    if intro_start < first_after && !slice(intro_start, first_after).trim().is_empty() {
        used.insert("intro".to_owned());
        let (plain_ranges, links) =
            parts(&[(intro_start, first_after)], Some(h1.as_ref().map_or(0, |h| h.plain_after)));
        records.push(ParsedRecord {
            anchor: "intro".to_owned(),
            kind: RecordKind::Info,
            title: String::new(),
            level: 0,
            markdown: with_definitions(slice(intro_start, first_after).trim().to_owned(), &definitions, body),
            offset: intro_start,
            line: index.line_col(intro_start).0,
            number: None,
            for_cause: None,
            parent: None,
            parent_is_cause: false,
            group: None,
            extra_anchors: Vec::new(),
            causes: Vec::new(),
            solutions: Vec::new(),
            plain: plain_ranges,
            links,
        });
    }

    // Build the heading tree and decide which headings are records.
    let mut nodes: Vec<Node> = Vec::with_capacity(headings.len());
    let mut stack: Vec<usize> = Vec::new();
    for heading in headings {
        while let Some(&top) = stack.last() {
            if nodes[top].heading.level >= heading.level {
                stack.pop();
            } else {
                break;
            }
        }
        let parent = stack.last().copied();
        let by_anchor = if heading.explicit { kind_from_anchor(&heading.anchor) } else { None };
        let by_text = kind_from_text(&heading.text);
        let kind = by_anchor.or(by_text.as_ref().map(|(k, _)| *k));
        let (number, for_cause) = match (&by_text, kind) {
            (Some((_, rest)), Some(_)) => heading_numbers(rest),
            _ => (None, None),
        };
        let is_record = kind.is_some() || parent.is_none();
        stack.push(nodes.len());
        nodes.push(Node { heading, kind, number, for_cause, parent, is_record, is_container: false });
    }
    // A record whose record children all share its kind (solutions with
    // workarounds count as one family) is a container, not a record.
    let family = |k: Option<RecordKind>| k.map(|k| if k.is_remedy() { RecordKind::Solution } else { k });
    for i in 0..nodes.len() {
        if !nodes[i].is_record || nodes[i].kind.is_none() {
            continue;
        }
        let mut children = nodes.iter().filter(|n| n.parent == Some(i) && n.is_record).peekable();
        if children.peek().is_some() && children.all(|n| family(n.kind) == family(nodes[i].kind)) {
            nodes[i].is_container = true;
        }
    }

    // Unique anchors, in document order.
    let mut anchors: Vec<String> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        let wanted = if node.heading.anchor.is_empty() { "section".to_owned() } else { node.heading.anchor.clone() };
        let mut anchor = wanted.clone();
        if used.contains(&anchor) && (node.is_record || node.is_container) {
            let mut n = 1;
            while used.contains(&format!("{wanted}-{n}")) {
                n += 1;
            }
            anchor = format!("{wanted}-{n}");
            diags.push(
                Diagnostic::warning(
                    "duplicate-anchor",
                    path,
                    format!("anchor `{wanted}` is used twice in this article; this one becomes `{anchor}`"),
                )
                .at(node.heading.line, 1)
                .with_hint("give each section its own anchor: `## <a name=\"cause-2\"></a>…`"),
            );
        }
        used.insert(anchor.clone());
        anchors.push(anchor);
    }

    // Each heading owns the text up to the next heading; text of a non-record
    // heading goes to its nearest record (or container) ancestor.
    let owner = |mut i: usize| -> usize {
        loop {
            if nodes[i].is_record || nodes[i].is_container {
                return i;
            }
            match nodes[i].parent {
                Some(p) => i = p,
                None => return i,
            }
        }
    };
    let mut segments: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    let mut extra: Vec<Vec<String>> = vec![Vec::new(); nodes.len()];
    for i in 0..nodes.len() {
        let start = nodes[i].heading.start;
        let end = nodes.get(i + 1).map_or(full_text_end, |n| n.heading.start);
        let o = owner(i);
        segments[o].push((start, end));
        if o != i {
            extra[o].push(anchors[i].clone());
        }
    }

    let container_of = |i: usize| nodes[i].parent.filter(|&p| nodes[p].is_container);
    let mut record_index_of_node: Vec<Option<usize>> = vec![None; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        if !node.is_record && !node.is_container {
            continue;
        }
        let mut markdown = String::new();
        for &(s, e) in &segments[i] {
            markdown.push_str(slice(s, e));
        }
        let markdown = with_definitions(markdown.trim().to_owned(), &definitions, body);
        let kind = if node.is_container {
            // Its lead text, if any, is an info record under its anchor.
            let lead = markdown.split_once('\n').map_or("", |(_, rest)| rest);
            if lead.trim().is_empty() {
                continue;
            }
            RecordKind::Info
        } else {
            node.kind.unwrap_or(RecordKind::Info)
        };
        let mut extra_anchors = std::mem::take(&mut extra[i]);
        for c in NAME_ATTR.captures_iter(&markdown) {
            let a = c[1].trim().to_owned();
            if a != anchors[i] && !extra_anchors.contains(&a) {
                extra_anchors.push(a);
            }
        }
        record_index_of_node[i] = Some(records.len());
        let (plain_ranges, links) = parts(&segments[i], None);
        records.push(ParsedRecord {
            anchor: anchors[i].clone(),
            kind,
            title: node.heading.text.clone(),
            level: node.heading.level,
            markdown,
            offset: node.heading.start,
            line: node.heading.line,
            number: node.number,
            for_cause: node.for_cause,
            parent: node.parent.map(|p| anchors[p].clone()),
            parent_is_cause: node
                .parent
                .is_some_and(|p| nodes[p].kind == Some(RecordKind::Cause) && !nodes[p].is_container),
            group: container_of(i).map(|c| nodes[c].heading.text.clone()),
            extra_anchors,
            causes: Vec::new(),
            solutions: Vec::new(),
            plain: plain_ranges,
            links,
        });
    }
    // A link to a container with no lead text lands on its first record.
    for (i, node) in nodes.iter().enumerate() {
        if node.is_container && record_index_of_node[i].is_none() {
            let first_child = (i + 1..nodes.len())
                .take_while(|&j| nodes[j].heading.level > node.heading.level)
                .find_map(|j| record_index_of_node[j]);
            if let Some(r) = first_child {
                records[r].extra_anchors.push(anchors[i].clone());
            }
        }
    }
    relate(&mut records);
    let h1 = h1.map(|h| H1 { text: h.text, anchor: h.anchor, explicit_anchor: h.explicit, line: h.line });
    (h1, records, plain.text)
}

/// Binds causes to remedies and symptoms to causes (DESIGN.md §1):
/// a remedy nested under a cause binds to it; `Solution for cause N` to cause N;
/// a cause and a remedy under the same (non-container) heading to each other;
/// `Solution N` to `Cause N` by heading numbers; what is left applies to every
/// cause without a remedy (a single solution applies to all causes).
pub fn relate(records: &mut [ParsedRecord]) {
    let causes: Vec<usize> = (0..records.len()).filter(|&i| records[i].kind == RecordKind::Cause).collect();
    let remedies: Vec<usize> = (0..records.len()).filter(|&i| records[i].kind.is_remedy()).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut unbound = Vec::new();
    for &r in &remedies {
        let rec = &records[r];
        let mut bound: Vec<usize> = Vec::new();
        if rec.parent_is_cause {
            bound.extend(causes.iter().copied().filter(|&c| Some(&records[c].anchor) == rec.parent.as_ref()));
        }
        if bound.is_empty()
            && let Some(n) = rec.for_cause
        {
            bound.extend(causes.iter().copied().filter(|&c| records[c].number == Some(n)));
        }
        if bound.is_empty() && rec.parent.is_some() && rec.group.is_none() {
            bound.extend(
                causes.iter().copied().filter(|&c| records[c].parent == rec.parent && records[c].group.is_none()),
            );
        }
        if bound.is_empty()
            && let Some(n) = rec.number
        {
            bound.extend(causes.iter().copied().filter(|&c| records[c].number == Some(n)));
        }
        if bound.is_empty() {
            unbound.push(r);
        }
        pairs.extend(bound.into_iter().map(|c| (c, r)));
    }
    if !unbound.is_empty() {
        let without: Vec<usize> = causes.iter().copied().filter(|c| !pairs.iter().any(|p| p.0 == *c)).collect();
        let targets = if without.is_empty() { causes.clone() } else { without };
        for &r in &unbound {
            pairs.extend(targets.iter().map(|&c| (c, r)));
        }
    }
    for (c, r) in pairs {
        let (ca, ra) = (records[c].anchor.clone(), records[r].anchor.clone());
        if !records[c].solutions.contains(&ra) {
            records[c].solutions.push(ra);
        }
        if !records[r].causes.contains(&ca) {
            records[r].causes.push(ca);
        }
    }
    let cause_anchors: Vec<String> = causes.iter().map(|&c| records[c].anchor.clone()).collect();
    for rec in records.iter_mut().filter(|r| r.kind == RecordKind::Symptom) {
        rec.causes = cause_anchors.clone();
    }
}

/// A link or image found in Markdown: destination and byte offset in that Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub offset: usize,
    /// An image (`![alt](dest)`), not a link.
    pub image: bool,
}

/// Every link and image destination in a Markdown text, in order.
pub fn extract_links(markdown: &str) -> Vec<Link> {
    analyze(markdown).1
}

/// Where the destinations of inline links and images, of link reference
/// definitions and of DocFX images are written in `markdown`, as byte ranges
/// of the destination text, in order; the paths of `[!INCLUDE]`s are not
/// among them.
pub fn destination_spans(markdown: &str) -> Vec<std::ops::Range<usize>> {
    let source = docfx::images_as_markdown(markdown);
    let mut events = Parser::new_ext(&source, Options::ENABLE_TABLES).into_offset_iter();
    let mut spans: Vec<std::ops::Range<usize>> = events
        .reference_definitions()
        .iter()
        .filter_map(|(_, def)| written_at(markdown, def.span.clone(), "]:", &def.dest, false))
        .collect();
    for (event, range) in events.by_ref() {
        let (Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, .. })
        | Event::Start(Tag::Image { link_type: LinkType::Inline, dest_url, .. })) = event
        else {
            continue;
        };
        // Offsets are the rewritten text's: inside a rewritten directive they
        // need not fall between the original's characters, hence `get`.
        let Some(before) = markdown.get(..range.start).map(|b| b.trim_end().as_bytes()) else { continue };
        if before.len() >= 9 && before[before.len() - 9..].eq_ignore_ascii_case(b"[!include") {
            continue;
        }
        let span = if markdown[range.start..].starts_with(":::image") {
            let directive = markdown.get(range.clone()).unwrap_or_default();
            docfx::source_span(directive).map(|s| range.start + s.start..range.start + s.end)
        } else {
            written_at(markdown, range, "](", &dest_url, true)
        };
        spans.extend(span);
    }
    spans.sort_by_key(|s| s.start);
    spans
}

/// Where `dest` is written after `marker` in `markdown[range]` (the last
/// marker when `last`: a link's text may hold brackets), if it is there as is.
fn written_at(
    markdown: &str,
    range: std::ops::Range<usize>,
    marker: &str,
    dest: &str,
    last: bool,
) -> Option<std::ops::Range<usize>> {
    let written = markdown.get(range.clone())?;
    let at = if last { written.rfind(marker) } else { written.find(marker) }? + marker.len();
    let rest = &written[at..];
    let mut start = range.start + at + (rest.len() - rest.trim_start().len());
    if markdown[start..].starts_with('<') {
        start += 1;
    }
    (!dest.is_empty() && markdown[start..].starts_with(dest)).then(|| start..start + dest.len())
}

/// Plain text of Markdown: text and code, blocks separated by newlines, HTML dropped.
pub fn plain_text(markdown: &str) -> String {
    analyze(markdown).0
}

/// Plain text and links of Markdown in one pass.
pub fn analyze(markdown: &str) -> (String, Vec<Link>) {
    let mut plain = PlainText::with_capacity(markdown.len());
    let markdown = docfx::images_as_markdown(markdown);
    for (event, range) in Parser::new_ext(&markdown, Options::ENABLE_TABLES).into_offset_iter() {
        plain.push(&event, range.start);
    }
    (plain.text.trim().to_owned(), plain.links)
}

/// Plain text and links, written one pulldown-cmark event at a time: text and
/// code, blocks separated by newlines, table cells by spaces, HTML dropped.
#[derive(Default)]
struct PlainText {
    text: String,
    links: Vec<Link>,
}

impl PlainText {
    fn with_capacity(bytes: usize) -> Self {
        PlainText { text: String::with_capacity(bytes), links: Vec::new() }
    }

    /// Adds one event; `offset` is where it starts in the source.
    fn push(&mut self, event: &Event, offset: usize) {
        match event {
            Event::Text(t) | Event::Code(t) => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.links.push(Link { dest: dest_url.to_string(), offset, image: false })
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.links.push(Link { dest: dest_url.to_string(), offset, image: true })
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) if !self.text.ends_with('\n') => self.text.push('\n'),
            Event::End(TagEnd::TableCell) => self.text.push(' '),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (ParsedFile, Vec<Diagnostic>) {
        match parse_file(text, Path::new("t.md")) {
            (Parsed::Article(f), d) => (*f, d),
            (other, d) => panic!("not an article: {other:?} {d:?}"),
        }
    }

    fn anchors(f: &ParsedFile) -> Vec<(&str, RecordKind)> {
        f.records.iter().map(|r| (r.anchor.as_str(), r.kind)).collect()
    }

    const LOCALIZED: &str = "---\ntitle: Fehler 123456 GadgetOffline\nMS.Topic: troubleshooting\nms.translationtype: MT\n---\n\
# <a name=\"123456-gadgetoffline\"></a>123456 GadgetOffline\n\nEinleitung.\n\n\
## <a name=\"symptoms\"></a>Symptome\n\n### <a name=\"symptom-1\"></a>Symptom 1\n\nDas Gerät ist offline.\n\n\
## <a name=\"causes\"></a>Ursachen\n\n### <a name=\"cause-1\"></a>Ursache 1\n\nDer Akku ist leer.\n\n\
### <a name=\"cause-2\"></a>Ursache 2\n\nKein Netz.\n\n```bash\n# kein Heading\nping host\n```\n\n\
## <a name=\"solutions\"></a>Lösungen\n\n### <a name=\"solution-1\"></a>Lösung 1\n\nLaden.\n\n\
### <a name=\"solution-2\"></a>Lösung 2\n\nSiehe [andere](other.md#solution-1).\n\n\
## <a name=\"next-steps\"></a>Nächste Schritte\n\nSupport anrufen.";

    #[test]
    fn docfx_images_give_their_alt_text_to_the_plain_text() {
        let (f, diags) = parse(
            "---\ntitle: T\n---\n# T\n\n## Symptom\n\nThe sync stops.\n\n:::image type=\"content\" source=\"media/stop-0x8007016a.png\" alt-text=\"The paused icon.\":::\n\n## Cause\n\nQuota.\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let symptom = &f.records[0];
        let text = &f.plain[symptom.plain[0].clone()];
        assert!(text.contains("The sync stops.") && text.contains("The paused icon."), "{text:?}");
        assert!(!text.contains(":::") && !text.contains("media/"), "{text:?}");
        // The record's Markdown stays as written.
        assert!(symptom.markdown.contains(":::image type=\"content\""), "{}", symptom.markdown);
        assert!(f.records[1].markdown.starts_with("## Cause"), "{}", f.records[1].markdown);
    }

    #[test]
    fn records_carry_the_reference_definitions_they_use() {
        let (f, diags) = parse(
            "---\ntitle: T\n---\n# T\n\n## Symptom\n\nSee ![The log][log] and [the guide][Guide].\n\n\
## Cause\n\nNo reference here.\n\n## Solution\n\nAgain ![The log][log].\n\n[log]: media/log.png\n[guide]: https://example.com/guide\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let symptom = &f.records[0].markdown;
        assert!(
            symptom.ends_with("[the guide][Guide].\n\n[log]: media/log.png\n[guide]: https://example.com/guide"),
            "{symptom}"
        );
        assert!(!f.records[1].markdown.contains("[log]:"), "{}", f.records[1].markdown);
        // The last record holds the definitions already: not added twice.
        assert_eq!(f.records[2].markdown.matches("[log]:").count(), 1, "{}", f.records[2].markdown);
        // On its own, the record resolves them as the whole file did.
        let (plain, links) = analyze(symptom);
        assert_eq!(plain, f.plain_of(&f.records[0]));
        assert_eq!(
            links.iter().map(|l| (l.dest.as_str(), l.image)).collect::<Vec<_>>(),
            [("media/log.png", true), ("https://example.com/guide", false)]
        );
    }

    #[test]
    fn destination_spans_find_links_images_definitions_and_docfx_sources() {
        let md = "See [a [nested] link](../x.md#cause-1 \"t\") and ![i](<m/a b.png>).\n\n\
[!INCLUDE [frag](../includes/f.md)] [!include  [g](g.md)]\n\n:::image type=\"content\" source=\"m/c.png\" alt-text=\"C\":::\n\n\
![ref][1] <https://example.com>\n\n[1]: m/d.png\n";
        let found: Vec<&str> = destination_spans(md).into_iter().map(|r| &md[r]).collect();
        assert_eq!(found, ["../x.md#cause-1", "m/a b.png", "m/c.png", "m/d.png"]);
    }

    #[test]
    fn front_matter_values_read_as_text() {
        let (f, diags) = parse(
            "---\ntitle: null\nms.date: 2024-01-02\nweight: 3\nservices: [iot-hub, other]\nauthor: '  '\n---\n# T\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(f.get("title"), None, "null is no value, not the text `null`");
        assert_eq!(f.get("ms.date").as_deref(), Some("2024-01-02"));
        assert_eq!(f.get("weight").as_deref(), Some("3"));
        assert_eq!(f.get("services").as_deref(), Some("iot-hub"), "a list gives its first item");
        assert_eq!(f.get("author"), None, "blank is no value");
    }

    #[test]
    fn localized_article_splits_into_records() {
        let (f, diags) = parse(LOCALIZED);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(f.get("ms.topic").as_deref(), Some("troubleshooting"));
        let h1 = f.h1.as_ref().expect("h1");
        assert_eq!(h1.anchor, "123456-gadgetoffline");
        assert!(h1.explicit_anchor);
        use RecordKind::*;
        assert_eq!(
            anchors(&f),
            vec![
                ("intro", Info),
                ("symptom-1", Symptom),
                ("cause-1", Cause),
                ("cause-2", Cause),
                ("solution-1", Solution),
                ("solution-2", Solution),
                ("next-steps", NextSteps),
            ]
        );
        let cause2 = &f.records[3];
        assert!(cause2.markdown.contains("# kein Heading"), "fenced code stays in the record");
        assert_eq!(cause2.group.as_deref(), Some("Ursachen"));
        assert_eq!(cause2.solutions, vec!["solution-2"]);
        assert_eq!(f.records[1].causes, vec!["cause-1", "cause-2"]);
        assert!(f.records[2].extra_anchors.contains(&"causes".to_owned()));
    }

    #[test]
    fn english_without_anchors_and_single_resolution() {
        let text = "---\ntitle: x\n---\n# Widget fails\n\n## Symptoms\n\nIt fails.\n\n## Cause\n\n### Cause 1: disk full\n\nFull.\n\n### Cause 2: bad config\n\nBad.\n\n## Resolution\n\nDo this.\n\n### Method 1\n\nStep.\n\n## More information\n\nMore.\n";
        let (f, _) = parse(text);
        use RecordKind::*;
        assert_eq!(
            anchors(&f),
            vec![
                ("symptoms", Symptom),
                ("cause-1-disk-full", Cause),
                ("cause-2-bad-config", Cause),
                ("resolution", Solution),
                ("more-information", Info),
            ]
        );
        let resolution = &f.records[3];
        assert!(resolution.markdown.contains("### Method 1"));
        assert_eq!(resolution.causes, vec!["cause-1-disk-full", "cause-2-bad-config"]);
        assert_eq!(resolution.extra_anchors, vec!["method-1"]);
    }

    #[test]
    fn cause_and_resolution_under_one_heading_bind() {
        let text = "---\ntitle: x\n---\n# T\n\n## Error A\n\nlead\n\n### Cause\n\nca\n\n### Resolution\n\nra\n\n## Error B\n\n### Cause\n\ncb\n\n### Resolution\n\nrb\n";
        let (f, diags) = parse(text);
        let cause_b = f.records.iter().find(|r| r.markdown.contains("cb")).expect("cause b");
        assert_eq!(cause_b.anchor, "cause-1");
        assert_eq!(cause_b.solutions, vec!["resolution-1"]);
        let cause_a = f.records.iter().find(|r| r.markdown.contains("ca")).expect("cause a");
        assert_eq!(cause_a.solutions, vec!["resolution"]);
        assert_eq!(diags.iter().filter(|d| d.code == "duplicate-anchor").count(), 2);
    }

    #[test]
    fn solution_for_cause_binds_by_number() {
        let text = "---\ntitle: x\n---\n# T\n\n## Cause\n\n### Cause 1\n\na\n\n### Cause 2\n\nb\n\n## Solutions\n\n### Solution for cause 2\n\nfix b\n";
        let (f, _) = parse(text);
        let c2 = f.records.iter().find(|r| r.anchor == "cause-2").expect("cause 2");
        assert_eq!(c2.solutions, vec!["solution-for-cause-2"]);
        let c1 = f.records.iter().find(|r| r.anchor == "cause-1").expect("cause 1");
        assert!(c1.solutions.is_empty(), "cause 1 has no solution of its own");
    }

    #[test]
    fn not_an_article_without_front_matter() {
        assert!(matches!(parse_file("# Stats\n", Path::new("s.md")).0, Parsed::NotArticle));
        assert!(matches!(parse_file("", Path::new("e.md")).0, Parsed::NotArticle));
    }

    #[test]
    fn broken_yaml_is_located() {
        let (p, d) = parse_file("---\ntitle: ok\nbad: [1, 2\n---\n# x\n", Path::new("b.md"));
        assert!(matches!(p, Parsed::Failed));
        assert_eq!(d[0].code, "front-matter-yaml");
        assert!(d[0].line.is_some_and(|l| l >= 2), "{d:?}");
    }

    #[test]
    fn unclosed_front_matter() {
        let (p, d) = parse_file("\u{feff}---\ntitle: x\n# body\n", Path::new("u.md"));
        assert!(matches!(p, Parsed::Failed));
        assert_eq!((d[0].code, d[0].line, d[0].column), ("front-matter-unclosed", Some(1), Some(1)));
    }

    #[test]
    fn alias_bomb_is_rejected_fast() {
        let mut yaml = String::from("---\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..20 {
            yaml.push_str(&format!(
                "{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n",
                (b'a' + i) as char,
                (b'a' + i) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char
            ));
        }
        yaml.push_str("---\n# T\n");
        let start = std::time::Instant::now();
        let (p, d) = parse_file(&yaml, Path::new("bomb.md"));
        assert!(matches!(p, Parsed::Failed), "{d:?}");
        assert_eq!(d[0].code, "front-matter-yaml");
        assert!(start.elapsed().as_secs() < 2);
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let yaml = format!("---\na: {}{}\n---\n# T\n", "[".repeat(10_000), "]".repeat(10_000));
        let (p, d) = parse_file(&yaml, Path::new("deep.md"));
        assert!(matches!(p, Parsed::Failed));
        assert_eq!(d[0].code, "front-matter-yaml");
    }

    #[test]
    fn plain_text_and_links() {
        let md = "See [other](x.md#cause-1) and `code`.\n\n- item";
        assert_eq!(plain_text(md), "See other and code.\nitem");
        assert_eq!(extract_links(md)[0].dest, "x.md#cause-1");
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        /// Lines that look like articles: front matter, headings with anchors, code fences.
        fn article_line() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("---".to_owned()),
                Just("```".to_owned()),
                Just("title: x: y".to_owned()),
                Just("uid: &a [*a]".to_owned()),
                "[#]{1,7} ?(<a name=\"[a-z0-9-]{0,12}\"></a>)?(Cause|Solution for cause|Ursache|原因|Przyczyny) ?[0-9]{0,3}",
                "\\[!INCLUDE \\[x\\]\\([a-z./]{0,12}\\)\\]",
                "\\PC{0,40}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn arbitrary_text(text in "\\PC{0,400}") {
                let _ = parse_file(&text, Path::new("p.md"));
                for span in destination_spans(&text) {
                    prop_assert!(text.get(span).is_some());
                }
            }

            #[test]
            fn destinations_of_directive_shaped_text(pieces in prop::collection::vec(prop_oneof![
                Just(":::image source=\"".to_owned()),
                Just("\" alt-text=\"".to_owned()),
                Just(":::".to_owned()),
                Just("](".to_owned()),
                Just("[".to_owned()),
                Just(")".to_owned()),
                Just("\n".to_owned()),
                "\\PC{0,5}",
            ], 0..30)) {
                let text = pieces.concat();
                for span in destination_spans(&text) {
                    prop_assert!(text.get(span).is_some());
                }
            }

            #[test]
            fn article_shaped_text(lines in prop::collection::vec(article_line(), 0..40), crlf in any::<bool>()) {
                let text = lines.join(if crlf { "\r\n" } else { "\n" });
                let (parsed, _) = parse_file(&text, Path::new("p.md"));
                if let Parsed::Article(f) = parsed {
                    let anchors: HashSet<&str> = f.records.iter().map(|r| r.anchor.as_str()).collect();
                    prop_assert_eq!(anchors.len(), f.records.len(), "anchors are unique");
                }
            }
        }
    }
}
