//! The output masker: never a panic; the output does not depend on how the input is cut
//! into reads; and when the text around the secrets cannot be part of any of their forms,
//! the output is the input with every occurrence (plain, base64, URL-encoded) replaced by
//! one marker.

#![no_main]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use libfuzzer_sys::fuzz_target;
use stack::Secret;
use stack::mask::Masker;

/// The input: secrets (one a line) `\xff\xfe` text `\xff\xfe` read sizes, so seeds are
/// easy to write. In the text, `\x01` and a byte `b` stand for an occurrence of secret
/// `b / 8` in form `b % 8` (plain, base64 in four variants, URL-encoded). The sizes are
/// repeated until the input is used up (0 is an empty read); when the first has its high
/// bit set, the text between occurrences is used as it is, and only the first two
/// properties are checked.
struct Input<'a> {
    secrets: Vec<&'a [u8]>,
    pieces: Vec<Piece<'a>>,
    sizes: Vec<usize>,
    free_text: bool,
}

enum Piece<'a> {
    Text(&'a [u8]),
    Secret { n: usize, form: u8 },
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Input<'a> {
        let mut parts = stack_fuzz::parts(data, 3).into_iter();
        let secrets = parts
            .next()
            .unwrap_or_default()
            .split(|&b| b == b'\n')
            .collect();
        let text = parts.next().unwrap_or_default();
        let sizes = parts.next().unwrap_or_default();
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.iter().position(|&b| b == 1) {
            pieces.push(Piece::Text(&rest[..at]));
            let Some(&b) = rest.get(at + 1) else {
                rest = &[];
                break;
            };
            pieces.push(Piece::Secret {
                n: usize::from(b / 8),
                form: b % 8,
            });
            rest = &rest[at + 2..];
        }
        pieces.push(Piece::Text(rest));
        Input {
            secrets,
            pieces,
            sizes: sizes.iter().map(|&s| usize::from(s & 0x7f)).collect(),
            free_text: sizes.first().is_some_and(|&s| s & 0x80 != 0),
        }
    }
}

/// What secrets are made of: lowercase letters, and characters that URL-encoding changes.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz @/";

/// Bytes that can be part of some form of a secret made of [`ALPHABET`]: its characters,
/// the base64 alphabets with padding, and percent-encoding.
fn in_some_form(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" @/+-_=%".contains(&b)
}

/// Replaces every `[masked:SLOT]` by `[masked]`: which slot a shared form names is the
/// masker's choice, that it is masked once is the property.
fn anonymous(out: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"[masked:";
    let mut result = Vec::new();
    let mut rest = out;
    while let Some(at) = rest.windows(OPEN.len()).position(|w| w == OPEN) {
        result.extend_from_slice(&rest[..at]);
        result.extend_from_slice(b"[masked]");
        let after = &rest[at + OPEN.len()..];
        rest = after
            .iter()
            .position(|&b| b == b']')
            .map_or(&[], |end| &after[end + 1..]);
    }
    result.extend_from_slice(rest);
    result
}

fuzz_target!(|data: &[u8]| {
    let input = Input::new(data);
    // At least 6 characters (shorter values are not masked), distinct.
    let mut values: Vec<String> = Vec::new();
    for s in input.secrets.iter().take(4) {
        let v: String = s
            .iter()
            .map(|&b| match ALPHABET.contains(&b) {
                true => char::from(b),
                false => char::from(ALPHABET[usize::from(b) % ALPHABET.len()]),
            })
            .take(40)
            .collect();
        if v.len() >= 6 && !values.contains(&v) {
            values.push(v);
        }
    }
    let slots: Vec<(String, Secret)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("S{i}"), Secret::new(v.clone())))
        .collect();
    let pairs: Vec<(&str, &Secret)> = slots.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let masker = Masker::new(&pairs);

    let mut text = Vec::new();
    let mut want = Vec::new();
    for piece in &input.pieces {
        match *piece {
            Piece::Text(t) => {
                // At least one byte between occurrences: two side by side could form another.
                let t: Vec<u8> = if input.free_text {
                    t.to_vec()
                } else if t.is_empty() {
                    b"\n".to_vec()
                } else {
                    t.iter()
                        .map(|&b| if in_some_form(b) { b'.' } else { b })
                        .collect()
                };
                text.extend_from_slice(&t);
                want.extend_from_slice(&t);
            }
            Piece::Secret { n, form } => {
                if values.is_empty() {
                    continue;
                }
                let v = &values[n % values.len()];
                let form = match form {
                    1 => STANDARD.encode(v).into_bytes(),
                    2 => STANDARD_NO_PAD.encode(v).into_bytes(),
                    3 => URL_SAFE.encode(v).into_bytes(),
                    4 => URL_SAFE_NO_PAD.encode(v).into_bytes(),
                    5 => v
                        .replace(' ', "%20")
                        .replace('@', "%40")
                        .replace('/', "%2F")
                        .into_bytes(),
                    _ => v.clone().into_bytes(),
                };
                text.extend_from_slice(&form);
                want.extend_from_slice(b"[masked]");
                if !input.free_text {
                    text.push(b'\n');
                    want.push(b'\n');
                }
            }
        }
    }

    let mut whole = Vec::new();
    let read = masker
        .copy(text.as_slice(), &mut whole)
        .expect("copy into a Vec");
    assert_eq!(read, text.len() as u64);

    let mut pieces = Vec::new();
    let mut stream = masker.stream();
    let sizes = if input.sizes.iter().all(|&c| c == 0) {
        vec![127]
    } else {
        input.sizes.clone()
    };
    let mut at = 0;
    for &size in sizes.iter().cycle() {
        if at >= text.len() {
            break;
        }
        let end = (at + size).min(text.len());
        stream
            .feed(&text[at..end], &mut pieces)
            .expect("feed into a Vec");
        at = end;
    }
    stream.finish(&mut pieces).expect("finish into a Vec");
    assert_eq!(pieces, whole, "the cuts changed the output");

    if !input.free_text {
        assert_eq!(
            anonymous(&whole),
            want,
            "{:?}",
            String::from_utf8_lossy(&text)
        );
    }
});
