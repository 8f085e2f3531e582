//! Wrapped base64: which line breaks in the output join lines of one encoded text.

use super::*;

/// A line break inside wrapped base64: `at` is where it starts in the held bytes, `len`
/// counts the `\n` or `\r\n` and the next line's indentation (taken out with it, and
/// written back with it), and `stripped` counts the bytes taken out up to and including
/// this break, to map a position in the joined view back to the held bytes.
#[derive(Clone, Copy)]
pub(super) struct Break {
    pub(super) at: usize,
    pub(super) len: usize,
    pub(super) stripped: usize,
}

/// The narrowest and the widest lines base64 is taken to be wrapped at: `base64 -w N` and
/// the like take any width, 76 (GNU `base64`, MIME) and 64 (PEM, `openssl base64`) being
/// the common ones. A run of base64 shorter than 16 characters is ordinary text far more
/// often than a wrapped line.
pub(super) const MIN_WRAP: usize = 16;
pub(super) const MAX_WRAP: usize = 256;

/// The deepest indentation wrapped lines may have (a base64 block in YAML, a manifest, an
/// indented PEM body).
pub(super) const MAX_INDENT: usize = 64;

/// Characters of both base64 alphabets (`=` padding ends a run: it only comes last).
pub(super) const BASE64_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 64 {
        table[STANDARD[i] as usize] = true;
        table[URL_SAFE[i] as usize] = true;
        i += 1;
    }
    table
};

pub(super) fn is_base64(b: u8) -> bool {
    BASE64_CHAR[usize::from(b)]
}

/// What is known of the line being written (see [`MaskStream::line`]).
#[derive(Clone)]
pub(super) struct Line {
    /// Its leading spaces and tabs so far.
    pub(super) indent: Vec<u8>,
    /// Whether it is all spaces and tabs so far, so its indentation may go on.
    pub(super) blank: bool,
    /// Whether its indentation is deeper than [`MAX_INDENT`]: it is not a wrapped line.
    pub(super) deep: bool,
    /// Whether it is all base64 so far after its indentation (else what it ends in is
    /// wrapped text after a prefix such as `token: `).
    pub(super) pure: bool,
    /// The run of base64 characters it ends in so far (`None` past [`MAX_WRAP`]).
    pub(super) run: Option<usize>,
}

impl Line {
    pub(super) fn new() -> Line {
        Line {
            indent: Vec::new(),
            blank: true,
            deep: false,
            pure: true,
            run: Some(0),
        }
    }

    /// After `written` was written.
    pub(super) fn advance(&mut self, written: &[u8]) {
        let text = match memchr::memrchr(b'\n', written) {
            Some(nl) => {
                self.indent.clear();
                self.blank = true;
                self.deep = false;
                self.pure = true;
                self.run = Some(0);
                &written[nl + 1..]
            }
            None => written,
        };
        let run = trailing_run(text);
        if self.blank {
            let ws = indentation(text);
            if self.indent.len() + ws > MAX_INDENT {
                self.deep = true;
            } else {
                self.indent.extend_from_slice(&text[..ws]);
            }
            self.blank = ws == text.len();
            self.pure = ws + run == text.len();
        } else {
            self.pure &= run == text.len();
        }
        self.run = run_after(self.run, text);
    }
}

/// How many spaces and tabs `text` starts with.
pub(super) fn indentation(text: &[u8]) -> usize {
    text.iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// Fills `breaks` with the wrap breaks in `held` (see [`MaskStream::scan`]); `line` is
/// what was written of the line `held` starts in. Unless `at_end`, a break whose next line
/// is not complete yet (or a `\r` that may start a break) counts if what there is of the
/// next line could still continue the wrapped text.
pub(super) fn find_breaks(held: &[u8], line: &Line, at_end: bool, breaks: &mut Vec<Break>) {
    breaks.clear();
    let mut stripped = 0;
    let mut push = |at: usize, len: usize| {
        stripped += len;
        breaks.push(Break { at, len, stripped });
    };
    // Whether the line held[from..end] (after `line` when `from` is 0) ends in a run of
    // base64 as wide as a wrapped line: its width, and the indentation the next line must
    // have (`None`, any, after a prefix such as `token: `). Checked from the end, so a
    // long line of other text is ruled out with a lookup or two.
    let wrapped = |from: usize, end: usize| -> Option<(usize, Option<Cow<'_, [u8]>>)> {
        let text = &held[from..end];
        let before = if from == 0 { line.run } else { Some(0) };
        let run = trailing_run(text);
        let width = if run == text.len() {
            before? + run
        } else {
            run
        };
        if !(MIN_WRAP..=MAX_WRAP).contains(&width) {
            return None;
        }
        let (blank, pure) = if from == 0 {
            (line.blank, line.pure)
        } else {
            (true, true)
        };
        let ws = if blank { indentation(text) } else { 0 };
        let pure = if blank {
            ws + run == text.len()
        } else {
            pure && run == text.len()
        };
        if !pure {
            return Some((width, None));
        }
        let indent = match from {
            0 if line.deep => return None,
            0 if line.blank => {
                if line.indent.len() + ws > MAX_INDENT {
                    return None;
                }
                Cow::Owned([line.indent.as_slice(), &text[..ws]].concat())
            }
            0 => Cow::Borrowed(line.indent.as_slice()),
            _ if ws > MAX_INDENT => return None,
            _ => Cow::Borrowed(&text[..ws]),
        };
        Some((width, Some(indent)))
    };
    let mut from = 0;
    // The width and indentation of the line at `from` when the break before it already
    // looked at all of it, so it is not read again.
    let mut known: Option<(usize, Cow<'_, [u8]>)> = None;
    for nl in memchr::memchr_iter(b'\n', held) {
        let end = if nl > from && held[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        let this = match known.take() {
            Some((width, indent)) => (width >= MIN_WRAP).then_some((width, Some(indent))),
            None => wrapped(from, end),
        };
        if let Some((width, indent)) = this
            && let Some((taken, next)) =
                continues(&held[nl + 1..], indent.as_deref(), width, at_end)
        {
            push(end, nl + 1 - end + taken);
            known = next.map(|width| {
                let indent = indent.unwrap_or(Cow::Borrowed(&held[nl + 1..nl + 1 + taken]));
                (width, indent)
            });
        }
        from = nl + 1;
    }
    if !at_end
        && let [.., b'\r'] = &held[from..]
        && wrapped(from, held.len() - 1).is_some()
    {
        push(held.len() - 1, 1);
    }
}

/// Whether `next`, what follows a line break, goes on with a base64 text wrapped at
/// `width` columns, each line after `indent` (any, up to [`MAX_INDENT`], when `None`): the
/// indentation, then 1 to `width` base64 characters (the last line may be shorter, and
/// padded), then the end of the line. Returns how much of `next` the break takes with it
/// (the indentation, or what there is of it so far) and, when the line is complete, how
/// many base64 characters it has (0 when padded: it ends the text). Unless `at_end`, what
/// may still become such a line counts.
pub(super) fn continues(
    next: &[u8],
    indent: Option<&[u8]>,
    width: usize,
    at_end: bool,
) -> Option<(usize, Option<usize>)> {
    let taken = match indent {
        Some(indent) if next.len() <= indent.len() => {
            return (!at_end && same_start(indent, next)).then_some((next.len(), None));
        }
        Some(indent) if !same_start(next, indent) => return None,
        Some(indent) => indent.len(),
        None => match indentation(next) {
            ws if ws > MAX_INDENT => return None,
            ws if ws == next.len() => return (!at_end).then_some((ws, None)),
            ws => ws,
        },
    };
    let body = &next[taken..];
    let chars = body
        .iter()
        .take(width + 1)
        .take_while(|&&b| is_base64(b))
        .count();
    let pad = body[chars..]
        .iter()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    if chars == 0 || chars + pad > width {
        return None;
    }
    match &body[chars + pad..] {
        [b'\n', ..] | [b'\r', b'\n', ..] => Some((taken, Some(if pad > 0 { 0 } else { chars }))),
        [] | [b'\r'] if !at_end => Some((taken, None)),
        [] => Some((taken, None)),
        _ => None,
    }
}

/// The run of base64 characters a line ends in after `text` (with no newline), when it
/// ended in a run of `line` before; `None` past [`MAX_WRAP`].
pub(super) fn run_after(line: Option<usize>, text: &[u8]) -> Option<usize> {
    let run = trailing_run(text);
    let n = if run == text.len() { line? + run } else { run };
    (n <= MAX_WRAP).then_some(n)
}

/// Whether `text` starts with `prefix`, an indentation: compared byte by byte, since
/// calling `memcmp` for every line (nearly always for an empty prefix) costs a sixth of the
/// masking throughput on wrapped base64.
pub(super) fn same_start(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text.iter().zip(prefix).all(|(a, b)| a == b)
}

/// The run of base64 characters `text` ends in, counted up to one past [`MAX_WRAP`].
pub(super) fn trailing_run(text: &[u8]) -> usize {
    text.iter()
        .rev()
        .take(MAX_WRAP + 1)
        .take_while(|&&b| is_base64(b))
        .count()
}
