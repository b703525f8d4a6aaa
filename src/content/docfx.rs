//! DocFX Markdown extensions that CommonMark would read as plain text.
//! Pure: text in, text out.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Rewrites DocFX image directives as Markdown images, so renderers show an
/// image (or its alt text) and the plain text holds the alt text, not the
/// directive's syntax:
///
/// ```text
/// :::image type="content" source="media/a.png" alt-text="The settings page.":::
/// ![The settings page.](media/a.png                                            )
/// ```
///
/// The `:::image-end:::` line that closes a `type="complex"` image becomes
/// blank; its long description stays as text. Every line keeps its length
/// (the image is padded with spaces inside its parentheses, which Markdown
/// allows), so byte offsets into the text stay valid. Directives may stand
/// inside a line (`the :::image type="icon" source="key.png"::: key`); lines
/// in fenced code are left alone.
pub fn images_as_markdown(text: &str) -> Cow<'_, str> {
    // Every file's body passes here: a vector search, built once.
    static OPEN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(":::image"));
    let Some(mut next) = OPEN.find(text.as_bytes()) else {
        return Cow::Borrowed(text);
    };
    // Same-length replacements go into a copy, in place.
    let mut out: Option<String> = None;
    // The open code fence: its character and length.
    let mut fence: Option<(char, usize)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let trimmed = line.trim_matches([' ', '\t', '\r', '\n']);
        if let Some((c, n)) = fence_marker(trimmed) {
            fence = match fence {
                None => Some((c, n)),
                Some((open, len)) if c == open && n >= len && trimmed[n..].trim().is_empty() => None,
                still => still,
            };
        } else if next < end {
            if fence.is_none()
                && let Cow::Owned(rewritten) = rewrite_line(line)
            {
                out.get_or_insert_with(|| text.to_owned()).replace_range(start..end, &rewritten);
            }
            match OPEN.find(&text.as_bytes()[end..]) {
                Some(i) => next = end + i,
                None => break,
            }
        }
        start = end;
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// A code fence's character and length, if the line opens or closes one.
fn fence_marker(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next().filter(|&c| c == '`' || c == '~')?;
    let n = trimmed.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// The line with each directive in it replaced by its same-length image.
fn rewrite_line(line: &str) -> Cow<'_, str> {
    const OPEN: &str = ":::image";
    const END: &str = ":::image-end:::";
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at..];
        let len = if after.starts_with(END) {
            Some(END.len())
        } else {
            after[OPEN.len()..].find(":::").map(|end| OPEN.len() + end + 3)
        };
        match len.and_then(|len| Some((len, rewrite(&after[..len])?))) {
            Some((len, image)) => {
                out.push_str(&rest[..at]);
                out.push_str(&image);
                rest = &after[len..];
            }
            None => {
                out.push_str(&rest[..at + OPEN.len()]);
                rest = &after[OPEN.len()..];
            }
        }
    }
    if out.is_empty() {
        return Cow::Borrowed(line);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The same-length replacement of one directive, if it is one.
fn rewrite(directive: &str) -> Option<String> {
    if directive == ":::image-end:::" {
        return Some(" ".repeat(directive.len()));
    }
    let attributes = directive.strip_prefix(":::image")?.strip_suffix(":::")?;
    if !attributes.starts_with(char::is_whitespace) {
        return None;
    }
    let source = attribute(attributes, "source")?;
    let alt = attribute(attributes, "alt-text").unwrap_or_default();
    let mut image = String::from("![");
    for c in alt.chars() {
        if matches!(c, '\\' | '[' | ']') {
            image.push('\\');
        }
        image.push(c);
    }
    image.push_str("](");
    if source.contains(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>')) {
        if source.contains(['<', '>', '\n']) {
            return None;
        }
        image.push('<');
        image.push_str(source);
        image.push('>');
    } else {
        image.push_str(source);
    }
    // The closing parenthesis goes last, after the padding.
    let padding = directive.len().checked_sub(image.len() + 1)?;
    image.extend(std::iter::repeat_n(' ', padding));
    image.push(')');
    Some(image)
}

/// Where the `source` value of a directive (`:::image … source="a.png" …:::`)
/// is written in it, as a byte range.
pub fn source_span(directive: &str) -> Option<std::ops::Range<usize>> {
    let value = attribute(directive.strip_prefix(":::image")?, "source")?;
    // `value` is a slice of `directive`: its offset is the distance between them.
    let start = value.as_ptr() as usize - directive.as_ptr() as usize;
    Some(start..start + value.len())
}

/// The value of `name="…"` (or `name='…'`) among a directive's attributes.
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attributes;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at].chars().next_back().is_none_or(char::is_whitespace);
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        let Some(value) = after.strip_prefix('=').map(str::trim_start) else { continue };
        if !before_ok {
            continue;
        }
        let quote = value.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let value = &value[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_directives_become_markdown_images_of_the_same_length() {
        let text = "Steps:\n\n1. Open it:\n\n   :::image type=\"content\" source=\"./media/a b.png\" alt-text=\"The [new] page.\" border=\"false\":::\r\n\nDone.\n";
        let out = images_as_markdown(text);
        assert_eq!(out.len(), text.len());
        assert!(out.contains("   ![The \\[new\\] page.](<./media/a b.png> "), "{out}");
        assert!(out.contains(")\r\n\nDone."), "{out}");
        for (a, b) in text.lines().zip(out.lines()) {
            assert_eq!(a.len(), b.len(), "{a:?} → {b:?}");
        }
    }

    #[test]
    fn complex_images_keep_their_description_and_lose_the_end_marker() {
        let text = ":::image type=\"complex\" source=\"media/flow.png\" alt-text=\"Flow\":::\nThe device sends, then waits.\n:::image-end:::\n";
        let out = images_as_markdown(text);
        assert_eq!(out.len(), text.len());
        assert!(out.starts_with("![Flow](media/flow.png "), "{out}");
        assert!(out.contains("\nThe device sends, then waits.\n"), "{out}");
        assert!(!out.contains(":::"), "{out}");
    }

    #[test]
    fn code_fences_and_other_text_are_left_alone() {
        let text = "```md\n:::image type=\"content\" source=\"a.png\" alt-text=\"A\":::\n```\n:::imagery:::\n:::image alt-text=\"no source\":::\n";
        assert_eq!(images_as_markdown(text), text);
        // The fence closes: a directive after it is rewritten.
        let directive = ":::image source='c.png' alt-text='C':::";
        let after = format!("{text}{directive}\n");
        let image = format!("![C](c.png{})\n", " ".repeat(directive.len() - "![C](c.png)".len()));
        assert!(images_as_markdown(&after).ends_with(&image), "{}", images_as_markdown(&after));
    }

    #[test]
    fn directives_inside_lines_and_quotes_are_rewritten() {
        let text = "Press the :::image type=\"icon\" source=\"key.png\" border=\"false\"::: key, then (:::image source=\"b.png\" alt-text=\"B\":::).\n>   :::image type=\"content\" source=\"c.png\" alt-text=\"C\":::\n";
        let out = images_as_markdown(text);
        assert_eq!(out.len(), text.len());
        assert!(out.starts_with("Press the ![](key.png "), "{out}");
        assert!(out.contains(") key, then (![B](b.png "), "{out}");
        assert!(out.contains("\n>   ![C](c.png "), "{out}");
        assert!(!out.contains(":::"), "{out}");
    }

    mod properties {
        use super::super::images_as_markdown;
        use proptest::prelude::*;

        /// Pieces of directives, fences and text, in any order.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(":::image".to_owned()),
                Just(":::image-end:::".to_owned()),
                Just(":::".to_owned()),
                Just(" source=\"".to_owned()),
                Just(" alt-text='".to_owned()),
                Just("\"".to_owned()),
                Just("```".to_owned()),
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                "[a-z/. \\[\\]()<>]{0,8}",
                "\\PC{0,6}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            /// Never panics, and every line keeps its length: offsets into the text stay valid.
            #[test]
            fn rewriting_keeps_every_line_length(pieces in prop::collection::vec(piece(), 0..30)) {
                let text = pieces.concat();
                let out = images_as_markdown(&text);
                prop_assert_eq!(out.len(), text.len());
                let lines = |t: &str| t.split('\n').map(str::len).collect::<Vec<_>>();
                prop_assert_eq!(lines(&out), lines(&text));
            }
        }
    }

    #[test]
    fn attributes_are_matched_whole() {
        assert_eq!(attribute(r#" type="content" data-source="x" source="y.png""#, "source"), Some("y.png"));
        assert_eq!(attribute(r#" alt-text = "Spaced" "#, "alt-text"), Some("Spaced"));
        assert_eq!(attribute(r#" source="unclosed"#, "source"), None);
    }
}
