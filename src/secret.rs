//! The one type that holds a secret value.

use std::fmt;
use std::io::{self, Read};
use zeroize::{Zeroize, Zeroizing};

/// A secret value: zeroized on drop, redacted in `Debug`, with no `Display` and no
/// `Serialize`, so it can only leave through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Reads all of `reader` as UTF-8 into a buffer that is wiped on drop. The buffer grows
/// by hand: `read_to_string` would free every block it outgrows without wiping it.
pub fn read_to_string(mut reader: impl Read) -> io::Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::<u8>::with_capacity(1024));
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.len() + n > buf.capacity() {
            let mut bigger = Vec::with_capacity((buf.len() + n).max(2 * buf.capacity()));
            bigger.extend_from_slice(&buf);
            buf = Zeroizing::new(bigger); // the old buffer is wiped as it drops
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    match String::from_utf8(std::mem::take(&mut *buf)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the input is not UTF-8",
            ))
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("sk_test_FAKEDEBUG000001");
        let shown = format!("{s:?} {:?} {:#?}", Some(&s), vec![s.clone()]);
        assert!(!shown.contains("FAKEDEBUG"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn read_to_string_takes_everything_and_refuses_bad_utf8() {
        let text = "x".repeat(5000) + "é";
        assert_eq!(*read_to_string(text.as_bytes()).unwrap(), text);
        assert_eq!(*read_to_string(&b""[..]).unwrap(), "");
        let err = read_to_string(&b"\xff"[..]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
