//! Diagnostics as data: what went wrong, where, and how to fix it.
//! Rendering to text or JSON happens at the edge (`check`, `/healthz`).

use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem found in the content. `code` is stable (tools may match on it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// 1-based column in characters.
    pub column: Option<usize>,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            column: None,
            severity,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn error(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, message)
    }

    pub fn warning(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, message)
    }

    pub fn info(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, file, message)
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_offset(self, index: &LineIndex, offset: usize) -> Self {
        let (line, column) = index.line_col(offset);
        self.at(line, column)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col: severity[code]: message`, then `  = help: hint`; coloured when asked.
    pub fn render(&self, color: bool) -> String {
        use anstyle::{AnsiColor, Style};
        let sev_style = match self.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default().bold(),
        };
        let bold = Style::new().bold();
        let help = AnsiColor::Green.on_default().bold();
        let paint = |style: Style, text: &str| {
            if color { format!("{style}{text}{style:#}") } else { text.to_owned() }
        };
        let mut place = self.file.display().to_string();
        if let Some(line) = self.line {
            place.push_str(&format!(":{line}:{}", self.column.unwrap_or(1)));
        }
        let mut out = format!(
            "{}: {}: {}",
            paint(bold, &place),
            paint(sev_style, &format!("{}[{}]", self.severity.as_str(), self.code)),
            self.message
        );
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n  = {}: {hint}", paint(help, "help")));
        }
        out
    }
}

/// Maps byte offsets to 1-based line and character column. A UTF-8 BOM takes
/// no column and CRLF counts as one line break.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, line_starts }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let mut prefix = self.text.get(start..offset).unwrap_or("");
        if line == 0 {
            prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        }
        (line + 1, prefix.chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_skips_bom_and_counts_crlf_once() {
        let text = "\u{feff}ab\r\ncd\nég";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(3), (1, 1)); // 'a' follows the 3-byte BOM
        assert_eq!(idx.line_col(7), (2, 1));
        assert_eq!(idx.line_col(text.len()), (3, 3));
    }

    #[test]
    fn render_plain() {
        let d = Diagnostic::error("front-matter", Path::new("a/b.md"), "bad yaml")
            .at(3, 7)
            .with_hint("close the front matter with `---`");
        assert_eq!(
            d.render(false),
            "a/b.md:3:7: error[front-matter]: bad yaml\n  = help: close the front matter with `---`"
        );
    }
}
