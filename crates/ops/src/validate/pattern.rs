//! Model patterns: Java regular-expression text, compiled once each for Rust.
//!
//! The model's patterns are written for `java.util.regex` (they use `\p{Alnum}`,
//! look-behind, `\uXXXX`), and SageMaker matches them against the whole value
//! (`sagemaker-tagging.md` §4). Each pattern is translated where the two dialects
//! differ, wrapped as `^(?:…)$`, and compiled on first use:
//!
//! - with the `regex` crate (linear time) when it has no look-around;
//! - with `fancy-regex` when it does. Four model patterns need it: `(?!\s*$).+`
//!   (`AlarmName`), `…(?<!-)…` (`ArnOrName`, `VersionedArnOrName`) and
//!   `/(?!.*\.\.)…` (`MetricsEndpointPath`). All are bounded by short max lengths.
//!
//! Translation, where Java's defaults and Rust's differ:
//!
//! - `\d`, `\w`, `\s` and their negations become ASCII classes: Java's are
//!   ASCII-only, Rust's Unicode-aware;
//! - `\p{Alnum}` and Java's other POSIX names become `[[:alnum:]]` and so on:
//!   Rust knows no such property names;
//! - `.` outside a class becomes `[^\n\r\x{85}\x{2028}\x{2029}]`: Java's `.` stops
//!   at every line terminator, Rust's only at `\n`;
//! - `\uXXXX` becomes `\x{XXXX}`, a spelling both engines accept.
//!
//! Messages always print the model's own text, never the translation.

use std::sync::OnceLock;

/// One model pattern and its compiled form, built on first use.
pub(super) struct Pattern {
    source: String,
    compiled: OnceLock<Option<Matcher>>,
}

enum Matcher {
    Linear(regex::Regex),
    Backtracking(fancy_regex::Regex),
}

impl Pattern {
    pub(super) fn new(source: String) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as the model prints it.
    pub(super) fn source(&self) -> &str {
        &self.source
    }

    /// Whether `text` matches as a whole.
    ///
    /// A pattern that does not compile is logged once and then treated as matching
    /// everything (the other constraints still apply); a test compiles every model
    /// pattern, so this is a guard, not an expected path. A look-around pattern that
    /// hits the backtracking limit counts as not matching.
    pub(super) fn is_match(&self, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| match compile(&self.source) {
            Ok(matcher) => Some(matcher),
            Err(error) => {
                tracing::error!(pattern = %self.source, %error, "model pattern does not compile");
                None
            }
        });
        match compiled {
            Some(Matcher::Linear(re)) => re.is_match(text),
            Some(Matcher::Backtracking(re)) => re.is_match(text).unwrap_or(false),
            None => true,
        }
    }

    /// Compiles the pattern now, for tests that check every model pattern.
    #[cfg(test)]
    pub(super) fn check(&self) -> Result<(), String> {
        compile(&self.source).map(drop)
    }
}

/// Compiles a model pattern for whole-string matching.
fn compile(java: &str) -> Result<Matcher, String> {
    let anchored = format!("^(?:{})$", translate(java));
    if has_look_around(java) {
        let re = fancy_regex::Regex::new(&anchored).map_err(|e| e.to_string())?;
        Ok(Matcher::Backtracking(re))
    } else {
        // The default size limit is ample: the largest model pattern,
        // `[\S]{1,2048}`, compiles to well under it.
        let re = regex::Regex::new(&anchored).map_err(|e| e.to_string())?;
        Ok(Matcher::Linear(re))
    }
}

fn has_look_around(java: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|group| java.contains(group))
}

/// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
const SPACE: &str = r"[\t\n\x0B\x0C\r ]";
const NOT_SPACE: &str = r"[^\t\n\x0B\x0C\r ]";
/// Java's `.` without DOTALL: anything but a line terminator.
const DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";
/// Java's POSIX property names (`\p{Alnum}`), all ASCII-only in Java.
const POSIX: [&str; 13] = [
    "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank",
    "Cntrl", "XDigit", "Space",
];

/// Rewrites Java pattern syntax into the `regex` dialect (see the module docs).
///
/// Replacement classes are bracketed, which is valid inside a class as well as
/// outside: the `regex` crate reads `[[0-9]_]` as a union.
pub(super) fn translate(java: &str) -> String {
    let mut out = String::with_capacity(java.len() + 16);
    let mut rest = java;
    let mut class_depth = 0usize;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\\' => rest = escape(rest, &mut out),
            '[' => {
                class_depth += 1;
                out.push('[');
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '.' if class_depth == 0 => out.push_str(DOT),
            _ => out.push(c),
        }
    }
    out
}

/// Translates the escape that follows a backslash; returns the text after it.
fn escape<'a>(rest: &'a str, out: &mut String) -> &'a str {
    let Some(c) = rest.chars().next() else {
        // A trailing backslash: left for the compiler to reject.
        out.push('\\');
        return rest;
    };
    let after = &rest[c.len_utf8()..];
    let class = match c {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        's' => SPACE,
        'S' => NOT_SPACE,
        'u' => {
            if let Some(hex) = after
                .get(..4)
                .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            {
                out.push_str(&format!(r"\x{{{hex}}}"));
                return &after[4..];
            }
            ""
        }
        'p' | 'P' => {
            if let Some(name) = posix_name(after) {
                let negated = if c == 'P' { "^" } else { "" };
                out.push_str(&format!("[{negated}[:{}:]]", name.to_ascii_lowercase()));
                return &after[name.len() + 2..];
            }
            ""
        }
        _ => "",
    };
    if class.is_empty() {
        out.push('\\');
        out.push(c);
    } else {
        out.push_str(class);
    }
    after
}

/// The POSIX name in `{Name}…`, if it is one of Java's.
fn posix_name(after: &str) -> Option<&str> {
    let name = after.strip_prefix('{')?.split('}').next()?;
    POSIX.contains(&name).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(java: &str, text: &str) -> bool {
        Pattern::new(java.to_owned()).is_match(text)
    }

    #[test]
    fn translation_table() {
        assert_eq!(translate(r"\d+K"), "[0-9]+K");
        assert_eq!(
            translate(r"[\S\s]*"),
            r"[[^\t\n\x0B\x0C\r ][\t\n\x0B\x0C\r ]]*"
        );
        assert_eq!(translate(r"[\p{Alnum}\-]+"), r"[[[:alnum:]]\-]+");
        assert_eq!(translate(r"\P{Digit}"), "[^[:digit:]]");
        assert_eq!(translate(r"\p{L}"), r"\p{L}");
        assert_eq!(translate(r"[ -\uD7FF]"), r"[ -\x{D7FF}]");
        assert_eq!(translate(r"a.b[.]\."), format!("a{DOT}b[.]\\."));
        assert_eq!(translate(r"\\d"), r"\\d");
        assert_eq!(translate("x\\"), "x\\");
    }

    #[test]
    fn java_semantics() {
        // ASCII-only digits and word characters, as in Java.
        assert!(whole(r"\d+K", "128K"));
        assert!(!whole(r"\d+K", "١٢K"));
        assert!(!whole(r"[\w-]+_[0-9a-zA-Z]+", "é_1"));
        // `.` stops at \r as in Java.
        assert!(whole(".*", "a b"));
        assert!(!whole(".*", "a\rb"));
        assert!(whole(r"arn:[\p{Alnum}\-]+:lambda:x", "arn:aws-cn:lambda:x"));
        assert!(!whole(r"arn:[\p{Alnum}\-]+:lambda:x", "arn:é:lambda:x"));
        assert!(whole(r"[\t\n\r -\uD7FF\uE000-\uFFFD]*", "Title\twith é"));
        assert!(!whole(r"[\t\n\r -\uD7FF\uE000-\uFFFD]*", "\u{1}"));
    }

    #[test]
    fn whole_string_and_alternation() {
        assert!(!whole("[a-z]+", "abc1"));
        // Anchors inside the model text are harmless once wrapped.
        let p = r"https://([^/]+)/?(.*)$|^[a-zA-Z0-9](-*[a-zA-Z0-9])*";
        assert!(whole(p, "https://example.com/x"));
        assert!(whole(p, "my-repo"));
        assert!(!whole(p, "my-repo-"));
    }

    #[test]
    fn look_around_patterns() {
        assert!(whole(r"(?!\s*$).+", "alarm"));
        assert!(!whole(r"(?!\s*$).+", "   "));
        let name = concat!(
            r"(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?",
            r"([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)"
        );
        assert!(whole(name, "my-model"));
        assert!(whole(
            name,
            "arn:aws:sagemaker:us-east-1:123456789012:model/my-model"
        ));
        assert!(!whole(name, "my-model-"));
        let path = r"/(?!.*\.\.)[a-zA-Z0-9/_.\-]+";
        assert!(whole(path, "/metrics/v1.json"));
        assert!(!whole(path, "/metrics/../etc"));
    }

    #[test]
    fn an_uncompilable_pattern_matches_everything() {
        assert!(Pattern::new("(".to_owned()).check().is_err());
        assert!(whole("(", "anything"));
    }
}
