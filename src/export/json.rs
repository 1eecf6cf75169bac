//! parlab's JSON format: the [`Report`] as serde writes it, and reading it back with
//! every field checked.

use crate::measure::Report;
use crate::measure::report::ReportError;

/// The largest results file `parlab plot` reads (a report of a thousand points is
/// well under a megabyte).
pub const MAX_BYTES: u64 = 64 << 20;

/// The report as pretty-printed JSON.
pub fn to_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Reads a report written by [`to_json`]; errors name the line and column.
pub fn from_json(text: &str) -> Result<Report, serde_json::Error> {
    serde_json::from_str(text)
}

/// Why bytes are not a report parlab can show.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not UTF-8 text.
    #[error("{line}:{column}: not UTF-8 text (byte {byte} of the file); a results.json is plain UTF-8 JSON")]
    Utf8 { line: usize, column: usize, byte: usize },
    /// The text is not JSON of a report.
    #[error("{}:{}: {}", .0.line(), .0.column(), syntax_message(.0))]
    Syntax(serde_json::Error),
    /// The JSON is a report whose values make no sense.
    #[error("{0}")]
    Invalid(ReportError),
}

/// serde_json's message without its own " at line L column C" suffix.
fn syntax_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_string()
}

/// Reads and checks a report from a file's bytes: UTF-8, JSON of a report, and values a
/// fresh run could have produced ([`Report::validate`]).
pub fn load(bytes: &[u8]) -> Result<Report, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        LoadError::Utf8 { line, column, byte: e.valid_up_to() + 1 }
    })?;
    let report = from_json(text).map_err(LoadError::Syntax)?;
    report.validate().map_err(LoadError::Invalid)?;
    Ok(report)
}

/// 1-based line and column (in bytes) of byte `offset`.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let head = &bytes[..offset.min(bytes.len())];
    let line = head.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = head.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let error = load(b"{\n  \"a\": \"\xff\"\n}").unwrap_err();
        assert_eq!(error.to_string().split(':').take(2).collect::<Vec<_>>(), ["2", "9"], "{error}");
    }

    #[test]
    fn syntax_errors_name_line_and_column_once() {
        let error = load(b"{\n  \"parlab_version\": 3,\n}").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("2:"), "{message}");
        assert!(!message.contains(" at line "), "{message}");
    }
}
