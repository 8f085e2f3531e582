//! What the fuzz targets share.

/// What separates the parts of a fuzz input: never in UTF-8 text, so a seed can hold a
/// real file as it is.
const SPLIT: &[u8] = b"\xff\xfe";

/// The parts of a fuzz input, separated by `\xff\xfe`; at most `n`, the last one holds
/// the rest.
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() + 1 < n {
        let Some(at) = rest.windows(SPLIT.len()).position(|w| w == SPLIT) else {
            break;
        };
        out.push(&rest[..at]);
        rest = &rest[at + SPLIT.len()..];
    }
    out.push(rest);
    out
}

/// A file's text and the bytes that choose the edits; `None` when the text is not UTF-8.
pub fn split(data: &[u8]) -> Option<(&str, &[u8])> {
    let parts = parts(data, 2);
    Some((
        std::str::from_utf8(parts[0]).ok()?,
        parts.get(1).copied().unwrap_or_default(),
    ))
}

/// Whether `message` starts `FILE:LINE:COLUMN: `, as every refusal of a malformed file does.
pub fn names_position(message: &str, file: &str) -> bool {
    let Some(rest) = message.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let number =
        |p: Option<&str>| p.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    number(parts.next()) && number(parts.next()) && parts.next().is_some_and(|r| r.starts_with(' '))
}
