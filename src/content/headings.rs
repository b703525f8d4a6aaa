//! Heading anchors and kinds: DocFX-style anchor derivation and the per-locale
//! keyword tables that classify headings written without anchors.

use crate::model::RecordKind;

/// Derives an anchor from heading text the way DocFX does: lowercase, spaces
/// to `-`, punctuation dropped (letters of any script and digits kept).
pub fn derive_anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '-' || c == '_' {
            out.push(c);
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// The kind an anchor names (`cause-1`, `solutions`, `resolution-2-reinstall`).
/// Anchors are English in every locale (localized copies keep them).
pub fn kind_from_anchor(anchor: &str) -> Option<RecordKind> {
    let a = anchor.to_ascii_lowercase();
    if a == "next-steps" || a.starts_with("next-steps-") {
        return Some(RecordKind::NextSteps);
    }
    const PREFIXES: &[(&str, RecordKind)] = &[
        ("symptom", RecordKind::Symptom),
        ("cause", RecordKind::Cause),
        ("solution", RecordKind::Solution),
        ("resolution", RecordKind::Solution),
        ("workaround", RecordKind::Workaround),
    ];
    for (prefix, kind) in PREFIXES {
        if let Some(rest) = a.strip_prefix(prefix) {
            let rest = rest.strip_prefix('s').unwrap_or(rest);
            if rest.is_empty() || rest.starts_with('-') || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(*kind);
            }
        }
    }
    None
}

/// Keyword tables, longest phrases first within a kind where they overlap
/// (`Solução alternativa` is a workaround, `Solução` a solution).
/// zh-CN uses 原因 for both "cause" and "causes"; fr puts a no-break space before `:`.
const KEYWORDS: &[(&str, RecordKind)] = &[
    // Workarounds first: several languages build them from the word for solution.
    ("workaround", RecordKind::Workaround),
    ("problemumgehung", RecordKind::Workaround),
    ("behelfslösung", RecordKind::Workaround),
    ("obejście", RecordKind::Workaround),
    ("tillfällig lösning", RecordKind::Workaround),
    ("lösning som tillfälligt", RecordKind::Workaround),
    ("solução alternativa", RecordKind::Workaround),
    ("solución alternativa", RecordKind::Workaround),
    ("solution de contournement", RecordKind::Workaround),
    ("contournement", RecordKind::Workaround),
    ("解决方法", RecordKind::Workaround),
    ("替代方法", RecordKind::Workaround),
    ("回避策", RecordKind::Workaround),
    // Next steps.
    ("next steps", RecordKind::NextSteps),
    ("nächste schritte", RecordKind::NextSteps),
    ("后续步骤", RecordKind::NextSteps),
    ("下一步", RecordKind::NextSteps),
    ("następne kroki", RecordKind::NextSteps),
    ("nästa steg", RecordKind::NextSteps),
    ("próximas etapas", RecordKind::NextSteps),
    ("próximos passos", RecordKind::NextSteps),
    ("次のステップ", RecordKind::NextSteps),
    ("次の手順", RecordKind::NextSteps),
    ("étapes suivantes", RecordKind::NextSteps),
    ("pasos siguientes", RecordKind::NextSteps),
    // Symptoms.
    ("symptom", RecordKind::Symptom),
    ("symtom", RecordKind::Symptom),
    ("症状", RecordKind::Symptom),
    ("現象", RecordKind::Symptom),
    ("objaw", RecordKind::Symptom),
    ("sintoma", RecordKind::Symptom),
    ("síntoma", RecordKind::Symptom),
    ("symptôme", RecordKind::Symptom),
    // Causes.
    ("cause", RecordKind::Cause),
    ("ursache", RecordKind::Cause),
    ("原因", RecordKind::Cause),
    ("przyczyn", RecordKind::Cause),
    ("orsak", RecordKind::Cause),
    ("causa", RecordKind::Cause),
    // Solutions.
    ("solution", RecordKind::Solution),
    ("resolution", RecordKind::Solution),
    ("lösung", RecordKind::Solution),
    ("解决方案", RecordKind::Solution),
    ("解決策", RecordKind::Solution),
    ("解決方法", RecordKind::Solution),
    ("rozwiązani", RecordKind::Solution),
    ("lösning", RecordKind::Solution),
    ("solução", RecordKind::Solution),
    ("soluções", RecordKind::Solution),
    ("resolução", RecordKind::Solution),
    ("solución", RecordKind::Solution),
    ("soluciones", RecordKind::Solution),
    ("résolution", RecordKind::Solution),
];

/// Inflected endings allowed after a keyword stem (`Symptome`, `Ursachen`,
/// `Lösungen`, `Orsaker`, `Lösningar`, `Objawy`, `Przyczyny`, `Causas`).
const ENDINGS: &[&str] = &["", "s", "e", "en", "n", "er", "ar", "y", "a", "ie", "em", "es"];

/// Classifies heading text by the keyword it starts with, in any known language.
/// Returns the kind and the rest of the heading after the keyword.
pub fn kind_from_text(text: &str) -> Option<(RecordKind, String)> {
    let lower = text.trim().to_lowercase();
    for (keyword, kind) in KEYWORDS {
        let Some(rest) = lower.strip_prefix(keyword) else {
            continue;
        };
        let cjk = keyword.chars().next().is_some_and(is_cjk);
        if cjk {
            return Some((*kind, rest.to_owned()));
        }
        for ending in ENDINGS {
            if let Some(after) = rest.strip_prefix(ending)
                && after.chars().next().is_none_or(|c| !c.is_alphabetic())
            {
                return Some((*kind, after.to_owned()));
            }
        }
    }
    None
}

/// The number a heading gives right after its keyword (`Cause 1: …`, `原因 2`,
/// `Resolution #3`), and for remedies the cause they name (`Solution for cause 1`,
/// `Lösung für Ursache 2`).
pub fn heading_numbers(rest: &str) -> (Option<u32>, Option<u32>) {
    let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '#' || c == '\u{a0}');
    let number = leading_number(trimmed);
    let mut for_cause = None;
    // Look for a cause keyword followed by a number anywhere in the rest.
    let lower = rest.to_lowercase();
    for (keyword, kind) in KEYWORDS {
        if *kind != RecordKind::Cause {
            continue;
        }
        let mut from = 0;
        while let Some(pos) = lower[from..].find(keyword) {
            let after = &lower[from + pos + keyword.len()..];
            let after = after.trim_start_matches(|c: char| c.is_alphabetic() && !is_cjk(c));
            let after = after.trim_start_matches(|c: char| c.is_whitespace() || c == '#');
            if let Some(n) = leading_number(after) {
                for_cause = Some(n);
                break;
            }
            from += pos + keyword.len();
        }
        if for_cause.is_some() {
            break;
        }
    }
    (if for_cause.is_some() { None } else { number }, for_cause)
}

fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    // "Resolution 1: x" and "Cause 2" are numbers; "Cause 1603 error" is not a position.
    digits.parse().ok()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use RecordKind::*;

    #[test]
    fn derives_docfx_anchors() {
        assert_eq!(derive_anchor("404104 DeviceConnectionClosedRemotely"), "404104-deviceconnectionclosedremotely");
        assert_eq!(derive_anchor("Resolution 1: Reinstall the agent"), "resolution-1-reinstall-the-agent");
        assert_eq!(derive_anchor("Visual C++ .NET"), "visual-c-net");
        assert_eq!(derive_anchor("Nächste Schritte"), "nächste-schritte");
    }

    #[test]
    fn anchors_name_kinds() {
        assert_eq!(kind_from_anchor("cause-1"), Some(Cause));
        assert_eq!(kind_from_anchor("causes"), Some(Cause));
        assert_eq!(kind_from_anchor("resolution-2-restart"), Some(Solution));
        assert_eq!(kind_from_anchor("solution-for-cause-1"), Some(Solution));
        assert_eq!(kind_from_anchor("next-steps"), Some(NextSteps));
        assert_eq!(kind_from_anchor("causeway"), None);
        assert_eq!(kind_from_anchor("get-alerts"), None);
    }

    #[test]
    fn heading_words_in_many_languages() {
        let cases = [
            ("Symptome", Symptom),
            ("Ursachen", Cause),
            ("Lösung 2", Solution),
            ("Nächste Schritte", NextSteps),
            ("原因", Cause),
            ("解决方案 1", Solution),
            ("Przyczyny 1", Cause),
            ("Rozwiązania", Solution),
            ("Objawy", Symptom),
            ("Orsaker", Cause),
            ("Lösningar", Solution),
            ("Symtom", Symptom),
            ("Soluções", Solution),
            ("Solução alternativa", Workaround),
            ("Próximas etapas", NextSteps),
            ("解決策", Solution),
            ("Étapes suivantes", NextSteps),
            ("Causes", Cause),
            ("Solución alternativa", Workaround),
            ("Resolution 1: Reinstall", Solution),
        ];
        for (text, kind) in cases {
            assert_eq!(kind_from_text(text).map(|(k, _)| k), Some(kind), "{text}");
        }
        for text in ["Get alerts and error logs", "Summary", "Causeway", "More information"] {
            assert_eq!(kind_from_text(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_come_from_heading_text() {
        let rest = |t: &str| kind_from_text(t).map(|(_, r)| r).unwrap_or_default();
        assert_eq!(heading_numbers(&rest("Cause 1: the token expired")), (Some(1), None));
        assert_eq!(heading_numbers(&rest("Solution for cause 2")), (None, Some(2)));
        assert_eq!(heading_numbers(&rest("Lösung für Ursache 3")), (None, Some(3)));
        assert_eq!(heading_numbers(&rest("原因 2")), (Some(2), None));
        assert_eq!(heading_numbers(&rest("Resolution")), (None, None));
    }
}
