//! Reading one line from the terminal, with or without echo. The terminal is put in
//! non-canonical mode without signals, so Ctrl-C arrives as a byte: the terminal is
//! restored and the prompt returns `Interrupted` (exit 130), never leaving echo off.

use stack::{Error, Secret};

/// Shows `question` on stderr (once the terminal is set up, so nothing typed early is
/// echoed) and reads the answer from the terminal.
#[cfg(unix)]
pub fn read_line(question: &str, hidden: bool) -> stack::Result<Secret> {
    use std::io::{Read, Write};

    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex};

    let stdin = std::io::stdin();
    let original = termios::tcgetattr(&stdin)
        .map_err(|e| Error::usage("cannot read from the terminal").caused_by(&e))?;
    let mut raw = original.clone();
    raw.local_modes
        .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG | LocalModes::IEXTEN);
    raw.special_codes[SpecialCodeIndex::VMIN] = 1;
    raw.special_codes[SpecialCodeIndex::VTIME] = 0;
    termios::tcsetattr(&stdin, OptionalActions::Now, &raw)
        .map_err(|e| Error::usage("cannot set up the terminal").caused_by(&e))?;
    struct Restore<'a>(&'a std::io::Stdin, termios::Termios);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(self.0, OptionalActions::Now, &self.1);
        }
    }
    let _restore = Restore(&stdin, original);
    let mut echo = std::io::stderr();
    let _ = write!(echo, "{question} ");
    let _ = echo.flush();

    // Grown by hand, never by `push` reallocating: a freed block would keep what was typed.
    let mut line = zeroize::Zeroizing::new(Vec::<u8>::with_capacity(256));
    let mut input = stdin.lock();
    let mut byte = [0u8; 1];
    let mut escape = false;
    loop {
        match input.read(&mut byte) {
            Ok(0) => return Err(Error::interrupted()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::usage("cannot read from the terminal").caused_by(&e)),
        }
        let b = byte[0];
        if escape {
            // Skip an escape sequence (arrow keys, bracketed-paste markers) to its end.
            escape = !(b.is_ascii_alphabetic() || b == b'~');
            continue;
        }
        match b {
            0x03 => return Err(Error::interrupted()),
            0x04 if line.is_empty() => return Err(Error::interrupted()),
            b'\r' | b'\n' => break,
            0x7f | 0x08 => {
                // Drop one whole UTF-8 character.
                while let Some(last) = line.pop() {
                    if last & 0xC0 != 0x80 {
                        break;
                    }
                }
                if !hidden {
                    let _ = echo.write_all(b"\x08 \x08");
                }
            }
            0x15 => line.clear(),
            0x1b => escape = true,
            b if b < 0x20 => {}
            b => {
                if line.len() == line.capacity() {
                    let mut bigger = Vec::with_capacity(line.capacity() * 2);
                    bigger.extend_from_slice(&line);
                    // Replacing the Zeroizing itself (not the Vec inside it) wipes the old one.
                    line = zeroize::Zeroizing::new(bigger);
                }
                line.push(b);
                if !hidden {
                    let _ = echo.write_all(&[b]);
                }
            }
        }
    }
    let _ = echo.write_all(b"\n");
    let text = std::str::from_utf8(&line).map_err(|_| Error::usage("the input is not UTF-8"))?;
    Ok(Secret::new(text))
}

#[cfg(not(unix))]
pub fn read_line(question: &str, hidden: bool) -> stack::Result<Secret> {
    let result = if hidden {
        dialoguer::Password::new()
            .with_prompt(question)
            .allow_empty_password(true)
            .interact()
    } else {
        dialoguer::Input::<String>::new()
            .with_prompt(question)
            .allow_empty(true)
            .interact_text()
    };
    result.map(Secret::new).map_err(|_| Error::interrupted())
}
