//! Secret buffers are zeroized when dropped (SECURITY.md: "zeroized on drop").
//!
//! A global allocator wraps the system one and, on every deallocation, scans the block it
//! is handed back for a fake marker value before passing it on. A block freed while still
//! holding the marker is a copy of a secret that nobody wiped: it stays in the process's
//! free memory, where a core dump, swap or a later allocation can find it.
//!
//! `unsafe_code` is denied crate-wide; this file needs it to implement `GlobalAlloc`,
//! which is an `unsafe` trait, and to read the blocks handed back. Every block is
//! zero-initialized when allocated (`alloc_zeroed`), so the scan never reads
//! uninitialized memory, and it reads a block only between being handed it and passing it
//! to the system allocator, while it is still ours.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use stack::Secret;

/// The fake secret the allocator looks for.
const MARKER: &str = "sk_test_FAKEZEROIZEMARKER00000042";

struct Scanning;

/// Whether deallocations are scanned (only inside [`leaks`]).
static ARMED: AtomicBool = AtomicBool::new(false);
/// Blocks freed still holding [`MARKER`] while armed.
static HITS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the same arguments; `dealloc` only reads
// the block it was given (zero-initialized at allocation, still owned until it is passed
// on) and never allocates, so it cannot recurse.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so that every byte the scan reads later is initialized.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::Relaxed) {
            // SAFETY: `ptr` is a live block of `layout.size()` initialized bytes, ours
            // until it is handed to `System.dealloc` below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if contains(block, MARKER.as_bytes()) {
                HITS.fetch_add(1, Ordering::Relaxed);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    // `realloc` is left to the trait's default (allocate, copy, `dealloc` the old block),
    // so a block abandoned by a growing buffer is scanned too.
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// How many blocks were freed still holding the marker while `f` ran. One at a time: the
/// count is global to the process.
fn leaks(f: impl FnOnce()) -> usize {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

/// `before`, the marker and `after` in one buffer that is wiped on drop, made without
/// growing (a reallocation would free an unwiped copy: the test's own leak).
fn with_marker(before: &str, after: &str) -> zeroize::Zeroizing<String> {
    let mut text = String::with_capacity(before.len() + MARKER.len() + after.len());
    text.push_str(before);
    text.push_str(MARKER);
    text.push_str(after);
    zeroize::Zeroizing::new(text)
}

#[test]
fn the_scanner_finds_a_secret_freed_without_zeroizing() {
    // The control: a plain String copy is found, so zero below means something.
    let n = leaks(|| drop(std::hint::black_box(MARKER.to_string())));
    assert_eq!(n, 1);
    let n = leaks(|| {
        let mut grown = String::from("x");
        grown.push_str(MARKER);
        grown.push_str(&"y".repeat(4096)); // moves: the old block is freed unwiped
        drop(std::hint::black_box(grown));
    });
    assert_eq!(n, 2);
}

#[test]
fn a_secret_and_its_clones_are_wiped_when_dropped() {
    let n = leaks(|| {
        let from_str = Secret::new(MARKER);
        let from_string = Secret::new(MARKER.to_string());
        let clone = from_str.clone();
        assert_eq!(clone.expose(), MARKER);
        assert!(from_string == clone);
        let debug = format!("{from_str:?} {:?}", vec![clone.clone()]);
        assert!(!debug.contains("FAKEZEROIZE"));
        let boxed: Vec<Secret> = (0..8).map(|_| from_str.clone()).collect();
        drop((from_str, from_string, clone, boxed, debug));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

#[test]
fn masking_leaves_no_copy_of_a_secret_behind() {
    let n = leaks(|| {
        let secret = Secret::new(MARKER);
        let masker = stack::mask::Masker::new(&[("WORKOS_API_KEY", &secret)]);
        // The child's output holds the secret: exactly what masking is for.
        let output = with_marker("the key is ", " (oops)\n");
        let mut masked = Vec::new();
        masker.copy(output.as_bytes(), &mut masked).unwrap();
        assert_eq!(masked, b"the key is [masked:WORKOS_API_KEY] (oops)\n");
        let mut stream = masker.stream();
        for chunk in output.as_bytes().chunks(5) {
            stream.feed(chunk, &mut masked).unwrap();
        }
        stream.finish(&mut masked).unwrap();
        drop(stream);
        drop((masker, secret, output, masked));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

#[test]
fn format_checks_leave_no_copy_of_a_secret_behind() {
    let catalog = stack::catalog::Catalog::builtin().unwrap();
    let slot = catalog
        .get("workos")
        .and_then(|p| p.slot("WORKOS_API_KEY"))
        .unwrap();
    let n = leaks(|| {
        // As `add --stdin` and `doctor --fix` take a pasted value: quoted, with blanks.
        let pasted = with_marker("  \"", "\"\n");
        let secret = Secret::new(stack::catalog::Slot::clean(&pasted));
        slot.check_format(&secret).unwrap();
        assert!(slot.stage(&secret).is_some());
        assert!(catalog.looks_secret(&pasted));
        drop((secret, pasted));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

#[test]
fn a_preview_leaves_no_copy_of_a_secret_behind() {
    let catalog = stack::catalog::Catalog::builtin().unwrap();
    let n = leaks(|| {
        let secret = Secret::new(MARKER);
        let preview = stack::ops::preview(&catalog, secret.expose()).unwrap();
        assert!(preview.ends_with("0042"), "{preview}");
        drop((preview, secret));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

// Known copies that are not wiped, kept as ignored tests so they stay visible: run them
// with `cargo test --test zeroize -- --ignored`.

#[test]
#[ignore = "std::process::Command keeps its own unwiped copy of every variable it sets"]
fn an_injected_variable_is_wiped_when_the_command_is_dropped() {
    let n = leaks(|| {
        let secret = Secret::new(MARKER);
        let mut cmd = std::process::Command::new("true");
        cmd.env("WORKOS_API_KEY", secret.expose());
        drop((cmd, secret));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

#[test]
fn env_file_values_are_wiped_when_dropped() {
    let n = leaks(|| {
        let text = with_marker("WORKOS_API_KEY=", "\n");
        let vars = stack::dotenv::read(std::path::Path::new(".env"), &text).unwrap();
        drop((vars, text));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
}

#[test]
fn values_read_from_stdin_leave_no_copy_behind() {
    // `add --stdin` reads NAME=value lines; a buffer that grows must not drop old copies.
    let n = leaks(|| {
        let input = with_marker("WORKOS_API_KEY=", &"\n# padding".repeat(1000));
        let text = stack::secret::read_to_string(Pipe(input.as_bytes())).unwrap();
        assert!(text.contains(MARKER));
        drop((text, input));
    });
    assert_eq!(n, 0, "blocks freed still holding the secret");
    // The control: std's `read_to_string` leaves the blocks it outgrew.
    let n = leaks(|| {
        let input = with_marker("WORKOS_API_KEY=", &"\n# padding".repeat(1000));
        let mut text = zeroize::Zeroizing::new(String::new());
        std::io::Read::read_to_string(&mut Pipe(input.as_bytes()), &mut text).unwrap();
        drop((text, input));
    });
    assert!(
        n > 0,
        "std's read_to_string no longer leaks: simplify secret::read_to_string"
    );
}

/// Reads like a pipe: a little at a time, with no size known in advance.
struct Pipe<'a>(&'a [u8]);

impl std::io::Read for Pipe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(512);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}
