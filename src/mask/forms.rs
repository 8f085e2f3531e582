//! The byte strings that stand for a value in output: the value, its lines, and their
//! base64 and URL-encoded forms.

use super::*;

/// Every byte string that stands for `value` in output: the value, its lines, and their
/// encoded forms.
pub(super) fn forms(value: &str) -> Vec<Zeroizing<Vec<u8>>> {
    let mut atoms: Vec<Zeroizing<Vec<u8>>> = vec![Zeroizing::new(value.as_bytes().to_vec())];
    if value.contains('\n') {
        let crlf = value.replace("\r\n", "\n").replace('\n', "\r\n");
        atoms.push(Zeroizing::new(crlf.into_bytes()));
        let escaped = value.replace("\r\n", "\n").replace('\n', "\\n");
        atoms.push(Zeroizing::new(escaped.into_bytes()));
    }
    for line in value.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if is_pem_armor(line.trim()) {
            continue;
        }
        for candidate in [line, line.trim()] {
            if candidate.chars().count() >= MIN_LEN {
                atoms.push(Zeroizing::new(candidate.as_bytes().to_vec()));
            }
        }
    }
    let mut out = Vec::new();
    for atom in &atoms {
        out.push(atom.clone());
        for alphabet in [STANDARD, URL_SAFE] {
            let padded = base64(atom, alphabet, true);
            let unpadded = base64(atom, alphabet, false);
            out.push(padded);
            out.push(unpadded);
            for offset in 0..3 {
                out.push(base64_stable(atom, alphabet, offset));
            }
        }
        for (keep, plus) in URL_STYLES {
            for upper in [true, false] {
                out.push(percent_encode(atom, keep, *plus, upper));
            }
        }
    }
    out
}

/// `-----BEGIN …-----` and `-----END …-----` lines are the same in every PEM file: masking
/// them alone would mark any certificate in the output as a secret.
pub(super) fn is_pem_armor(line: &str) -> bool {
    (line.starts_with("-----BEGIN ") || line.starts_with("-----END ")) && line.ends_with("-----")
}

pub(crate) const STANDARD: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub(super) const URL_SAFE: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 of `data`, with `=` padding or without: the one encoder (masking, Basic
/// authentication), into a buffer wiped on drop.
pub(crate) fn base64(data: &[u8], alphabet: &[u8; 64], pad: bool) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(data.len().div_ceil(3) * 4));
    for group in data.chunks(3) {
        let b = [
            group[0],
            group.get(1).copied().unwrap_or(0),
            group.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = group.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize]);
            } else if pad {
                out.push(b'=');
            }
        }
    }
    out
}

/// The characters of the base64 of `data` that depend on `data` alone when it starts
/// `offset` bytes into a 3-byte group of a longer encoded text: the rest mix in the
/// neighbouring bytes.
pub(super) fn base64_stable(data: &[u8], alphabet: &[u8; 64], offset: usize) -> Zeroizing<Vec<u8>> {
    let mut shifted = Zeroizing::new(vec![0u8; offset]);
    shifted.extend_from_slice(data);
    let encoded = base64(&shifted, alphabet, false);
    // Character i covers bits 6i..6i+6 of `shifted`; `data` covers bits 8*offset onwards.
    let start = (8 * offset).div_ceil(6);
    let end = (8 * (offset + data.len())) / 6;
    Zeroizing::new(encoded.get(start..end).unwrap_or_default().to_vec())
}

/// URL-encoding styles: the punctuation each encoder leaves as is (letters and digits are
/// always left), and whether a space becomes `+` instead of `%20`.
pub(super) const URL_STYLES: &[(&[u8], bool)] = &[
    (b"-._~", false),                 // RFC 3986
    (b"-._~", true),                  // RFC 3986 with form-style spaces
    (b"-._~!*'()", false),            // JavaScript encodeURIComponent
    (b"-._~!*'();,/?:@&=+$#", false), // JavaScript encodeURI
    (b"*-._", true),                  // WHATWG form-urlencoded
    (b"*-._", false),                 // the same with %20
    (b"-._~/", false),                // Python quote
    (b"-._~", true),                  // Python quote_plus
    (b"-._", true),                   // PHP urlencode
    (b"", false),                     // everything but letters and digits
];

/// `data` percent-encoded, leaving letters, digits and `keep` as they are.
pub(super) fn percent_encode(
    data: &[u8],
    keep: &[u8],
    plus: bool,
    upper: bool,
) -> Zeroizing<Vec<u8>> {
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = Zeroizing::new(Vec::with_capacity(data.len() * 3));
    for &b in data {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b);
        } else if b == b' ' && plus {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[b'%', hex[usize::from(b >> 4)], hex[usize::from(b & 15)]]);
        }
    }
    out
}
