//! Masks injected secret values in a child's output.
//!
//! Every occurrence of a value is replaced by `[masked:SLOT_NAME]`, naming the slot so a
//! reader of a CI log knows which value was there without seeing it. Besides the value
//! itself the masker hides the forms a value commonly takes on its way to a log:
//!
//! - each line of a multi-line value that is at least [`MIN_LEN`] characters, alone and
//!   with its surrounding whitespace trimmed (except PEM `-----BEGIN`/`-----END` lines,
//!   which are public), and the value with `\r\n` or a literal `\n` in place of its
//!   newlines;
//! - base64, standard and URL-safe alphabets, with and without padding, and the part of
//!   the encoding that depends only on the value when it sits inside a longer base64 text
//!   at any of the three byte alignments, also when the encoded text is wrapped into lines
//!   of one width (16 to 256 characters: 76 for GNU `base64` and MIME, 64 for PEM and
//!   `openssl base64`, any other for `base64 -w N`), with `\n` or `\r\n`, each line
//!   maybe indented the same (a YAML block, an indented PEM body);
//! - URL-encoding as the common encoders do it (RFC 3986, `encodeURIComponent`,
//!   `encodeURI`, form encoding, Python's `quote`, PHP's `urlencode`), with upper- and
//!   lower-case hex and `%20` or `+` for a space.
//!
//! Wrapped base64 is found by matching the same patterns against a view of the output with
//! those line breaks (and the indentation after them) taken out (see [`MaskStream::scan`]), so no pattern is added per wrap
//! position: an occurrence that spans a break is written as one marker on each of its
//! lines, with the break kept, so the output has the lines the input had.
//!
//! Nothing else is altered. Adjacent occurrences each get a marker; overlapping ones are
//! replaced together, by the markers of the occurrences not inside another, so no part of
//! a value shows beside a neighbour. A stream holds back only a suffix that could still be the
//! start of a match, so a value split across reads is masked and everything else is
//! written as soon as it arrives.

use aho_corasick::{AhoCorasick, MatchKind};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use zeroize::{Zeroize, Zeroizing};

use crate::Secret;

// The encoded forms of a value, and the line breaks wrapped base64 is joined across.
mod forms;
#[cfg(test)]
mod tests;
mod wrap;

use forms::*;
pub(crate) use forms::{STANDARD, base64};
use wrap::*;

/// Values (and lines of values) shorter than this many characters are not masked:
/// masking `true` or `3000` would mangle ordinary output and hide nothing worth hiding.
pub const MIN_LEN: usize = 6;

/// Beyond this many bytes, a run of overlapping occurrences is written rather than held
/// for one more overlap.
const MAX_GROUP: usize = 1 << 20;

/// How much a [`Masker::copy`] reads at once.
const READ_SIZE: usize = 64 * 1024;

/// The set of patterns derived from a project's secret values.
pub struct Masker {
    /// Finds every occurrence of every pattern, overlapping ones included, so no part of
    /// a value escapes beside another; `None` when there is nothing to mask (or, in
    /// theory, when it could not be built).
    matcher: Option<AhoCorasick>,
    /// Index of each pattern's slot in `markers`, by pattern id.
    slot_of: Vec<usize>,
    /// The patterns holding a `\n` (a multi-line value, whole), with their slots: where
    /// the output has wrapped base64 in it, these are also looked for in the output as it
    /// is, since taking the breaks out could take out one of their own.
    nl_matcher: Option<AhoCorasick>,
    nl_slot_of: Vec<usize>,
    /// `[masked:SLOT]` for each distinct slot.
    markers: Vec<Vec<u8>>,
    /// The patterns, sorted (pattern id = index), to tell whether a stream's tail could still start a match.
    sorted: Vec<Zeroizing<Vec<u8>>>,
    /// Bytes some pattern starts with, and a bitmap of the 2-byte starts: most tail
    /// positions are ruled out with one lookup instead of a search.
    first_byte: [bool; 256],
    first_pair: Vec<u64>,
    /// Length of the longest pattern: a stream never holds back more than this.
    max_len: usize,
}

impl std::fmt::Debug for Masker {
    /// Shows only the size: the patterns are secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker")
            .field("patterns", &self.sorted.len())
            .finish_non_exhaustive()
    }
}

impl Masker {
    /// Builds the masker. `values`: (slot name, value). Values shorter than [`MIN_LEN`]
    /// characters are not masked. Each occurrence of a value, or of one of its forms, is
    /// replaced by `[masked:SLOT_NAME]`; a value shared by two slots names the first.
    pub fn new(values: &[(&str, &Secret)]) -> Masker {
        let mut markers: Vec<Vec<u8>> = Vec::new();
        let mut marker_index: HashMap<&str, usize> = HashMap::new();
        let mut candidates: Vec<(Zeroizing<Vec<u8>>, usize)> = Vec::new();

        for (slot, secret) in values {
            let value = secret.expose();
            if value.chars().count() < MIN_LEN {
                continue;
            }
            let slot_index = *marker_index.entry(slot).or_insert_with(|| {
                markers.push(format!("[masked:{slot}]").into_bytes());
                markers.len() - 1
            });
            candidates.extend(
                forms(value)
                    .into_iter()
                    .filter(|f| !f.is_empty())
                    .map(|f| (f, slot_index)),
            );
        }
        // One pattern per distinct form, naming the first slot that produced it: a stable
        // sort keeps the earlier slot first among equal forms.
        candidates.sort_by(|a, b| a.0.as_slice().cmp(b.0.as_slice()));
        candidates.dedup_by(|later, earlier| later.0.as_slice() == earlier.0.as_slice());
        let (patterns, slot_of): (Vec<_>, Vec<_>) = candidates.into_iter().unzip();

        let mut first_byte = [false; 256];
        let mut first_pair = vec![0u64; 1 << 10];
        for p in &patterns {
            first_byte[usize::from(p[0])] = true;
            if let [a, b, ..] = p.as_slice() {
                let pair = pair_index(*a, *b);
                first_pair[pair / 64] |= 1 << (pair % 64);
            }
        }
        let max_len = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let matcher = automaton(patterns.iter().map(|p| p.as_slice()));
        let (nl_patterns, nl_slot_of): (Vec<&[u8]>, Vec<usize>) = patterns
            .iter()
            .zip(&slot_of)
            .filter(|(p, _)| p.contains(&b'\n'))
            .map(|(p, &slot)| (p.as_slice(), slot))
            .unzip();
        let nl_matcher = automaton(nl_patterns.iter().copied());
        Masker {
            matcher,
            slot_of,
            nl_matcher,
            nl_slot_of,
            markers,
            sorted: patterns,
            first_byte,
            first_pair,
            max_len,
        }
    }

    /// Whether there is nothing to mask.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Slot names whose values are too short to mask (doctor warns about them). An empty
    /// value is not listed: there is nothing in it to leak.
    pub fn too_short(values: &[(&str, &Secret)]) -> Vec<String> {
        values
            .iter()
            .filter(|(_, s)| {
                let n = s.expose().chars().count();
                n > 0 && n < MIN_LEN
            })
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// A streaming state for one output stream.
    pub fn stream(&self) -> MaskStream<'_> {
        MaskStream {
            masker: self,
            held: Zeroizing::new(Vec::new()),
            joined: Zeroizing::new(Vec::new()),
            breaks: Vec::new(),
            line: Line::new(),
            out: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Copies `input` to `output` until EOF, masking; flushes `output` after every read
    /// so output stays prompt. Returns the number of bytes read from `input`.
    pub fn copy(&self, mut input: impl Read, mut output: impl Write) -> io::Result<u64> {
        let mut stream = self.stream();
        let mut buf = Zeroizing::new(vec![0u8; READ_SIZE]);
        let mut total = 0u64;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            total += n as u64;
            stream.feed(&buf[..n], &mut output)?;
            output.flush()?;
        }
        stream.finish(&mut output)?;
        output.flush()?;
        Ok(total)
    }

    /// Where the held-back tail of `buf` starts: the earliest position whose suffix is a
    /// proper prefix of some pattern, so more input could still make it (or a longer
    /// alternative) a match. `buf.len()` when nothing needs holding.
    fn hold_from(&self, buf: &[u8]) -> usize {
        let from = buf.len().saturating_sub(self.max_len.saturating_sub(1));
        (from..buf.len())
            .find(|&p| self.may_start(&buf[p..]) && self.could_grow(&buf[p..]))
            .unwrap_or(buf.len())
    }

    /// A quick filter for [`Masker::could_grow`]: whether `s` starts like some pattern.
    fn may_start(&self, s: &[u8]) -> bool {
        match s {
            [a, b, ..] => {
                let pair = pair_index(*a, *b);
                self.first_pair[pair / 64] & (1 << (pair % 64)) != 0
            }
            [a] => self.first_byte[usize::from(*a)],
            [] => false,
        }
    }

    /// Whether some pattern starts with `s` and is longer than it.
    fn could_grow(&self, s: &[u8]) -> bool {
        // Patterns starting with `s` are contiguous in sorted order, `s` itself first.
        let i = self.sorted.partition_point(|p| p.as_slice() < s);
        self.sorted[i..]
            .iter()
            .take(2)
            .any(|p| p.len() > s.len() && p.starts_with(s))
    }

    /// Appends `buf[..cut]` to `out` with every occurrence in `found` (start, end, slot,
    /// whether it spans a wrap break; sorted by start, longest first) masked, and returns
    /// how far `buf` was consumed. Overlapping occurrences form one group, replaced by the
    /// markers of the occurrences not contained in another (so a value inside a longer one
    /// is named once, by the longer one). A group that runs past `cut` could still grow
    /// with more input, so consumption stops at its start.
    fn mask_into(
        &self,
        buf: &[u8],
        cut: usize,
        found: &[Occurrence],
        breaks: &[Break],
        out: &mut Vec<u8>,
    ) -> usize {
        if self.matcher.is_none() {
            // Only when the automaton could not be built: withholding the output is
            // better than printing secrets.
            return cut;
        }
        let mut written = 0;
        let mut kept: Vec<Occurrence> = Vec::new();
        let mut i = 0;
        while i < found.len() {
            let start = found[i].start;
            let mut end = found[i].end;
            let mut j = i + 1;
            while j < found.len() && found[j].start < end {
                end = end.max(found[j].end);
                j += 1;
            }
            // A group past `cut` waits for more input, unless it is already so long that
            // waiting would let a value repeated without end pile up in memory.
            if end > cut && end - start < self.max_group() {
                let done = cut.min(start).max(written);
                out.extend_from_slice(&buf[written..done]);
                return done;
            }
            out.extend_from_slice(&buf[written..start]);
            kept.clear();
            let mut covered = 0;
            for o in &found[i..j] {
                if o.end > covered {
                    covered = o.end;
                    kept.push(*o);
                }
            }
            // A wrap break inside the group stays, between the markers of its two lines,
            // unless it is part of an occurrence itself (a multi-line value, whole).
            let mut line_start = start;
            let first = breaks.partition_point(|b| b.at <= start);
            for b in breaks[first..].iter().take_while(|b| b.at + b.len < end) {
                if kept
                    .iter()
                    .any(|o| !o.wrapped && o.start <= b.at && b.at + b.len <= o.end)
                {
                    continue;
                }
                self.markers_for(&kept, line_start, b.at, out);
                out.extend_from_slice(&buf[b.at..b.at + b.len]);
                line_start = b.at + b.len;
            }
            self.markers_for(&kept, line_start, end, out);
            written = end;
            i = j;
        }
        let done = cut.max(written);
        out.extend_from_slice(&buf[written..done]);
        done
    }

    /// The markers of the occurrences in `kept` that overlap `from..to`, one per run of
    /// the same slot.
    fn markers_for(&self, kept: &[Occurrence], from: usize, to: usize, out: &mut Vec<u8>) {
        let mut last_slot = None;
        for o in kept.iter().filter(|o| o.start < to && o.end > from) {
            if last_slot != Some(o.slot) {
                out.extend_from_slice(&self.markers[o.slot]);
                last_slot = Some(o.slot);
            }
        }
    }

    /// The longest run of overlapping occurrences a stream holds back.
    fn max_group(&self) -> usize {
        MAX_GROUP.max(2 * self.max_len)
    }
}

/// The automaton finding every occurrence of `patterns`, overlapping ones included; `None`
/// when there are none. Building fails only past the automaton's size limits, far beyond
/// any set of secrets: then the leaner NFA is tried, and failing that output is withheld
/// (see [`Masker::mask_into`]).
fn automaton<'p>(patterns: impl Iterator<Item = &'p [u8]> + Clone) -> Option<AhoCorasick> {
    let mut patterns = patterns.peekable();
    patterns.peek()?;
    let build = |kind| {
        // No prefilter: on base64-heavy output it keeps finding candidates and halves
        // throughput; the plain automaton is steady on every input.
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .kind(kind)
            .build(patterns.clone())
    };
    build(None)
        .or_else(|_| build(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA)))
        .ok()
}

fn pair_index(a: u8, b: u8) -> usize {
    (usize::from(a) << 8) | usize::from(b)
}

/// One occurrence of a pattern in a stream's held bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Occurrence {
    start: usize,
    end: usize,
    slot: usize,
    /// Found with the wrap breaks taken out, across at least one of them.
    wrapped: bool,
}

/// The masking state of one output stream: the tail that could still be the start of a
/// match.
pub struct MaskStream<'a> {
    masker: &'a Masker,
    /// Input not yet written: a suffix that is a proper prefix of some pattern, or the
    /// current chunk being worked on. Zeroized because it may hold part of a secret.
    held: Zeroizing<Vec<u8>>,
    /// `held` with its wrap breaks taken out, when it has any. Zeroized likewise.
    joined: Zeroizing<Vec<u8>>,
    /// The wrap breaks in `held`.
    breaks: Vec<Break>,
    /// What is known of the line being written, as far as it was written: whether a
    /// break in `held` ends a wrapped line can depend on it.
    line: Line,
    /// Output being assembled, written with one call per chunk.
    out: Vec<u8>,
    /// Occurrences found in `held`, kept to reuse the allocation.
    found: Vec<Occurrence>,
}

impl MaskStream<'_> {
    /// Masks `chunk`, writing everything that can no longer be part of a match; holds back
    /// only a suffix that could still be the start of one.
    pub fn feed(&mut self, chunk: &[u8], out: &mut impl Write) -> io::Result<()> {
        if self.masker.is_empty() {
            return out.write_all(chunk);
        }
        self.held.extend_from_slice(chunk);
        let hold = self.scan(false);
        self.out.clear();
        let done =
            self.masker
                .mask_into(&self.held, hold, &self.found, &self.breaks, &mut self.out);
        self.line.advance(&self.held[..done]);
        self.held.drain(..done);
        self.write_out(out)
    }

    /// Writes whatever is held back (end of stream).
    pub fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.masker.is_empty() {
            return Ok(());
        }
        let len = self.scan(true);
        self.out.clear();
        self.masker
            .mask_into(&self.held, len, &self.found, &self.breaks, &mut self.out);
        self.held.clear();
        self.line = Line::new();
        self.write_out(out)
    }

    /// Finds the occurrences in `held` and returns where its held-back tail starts
    /// (`held.len()` at the end of the stream, when nothing more can come).
    ///
    /// Wrapped base64: a line that ends in a run of W base64 characters ([`MIN_WRAP`] to
    /// [`MAX_WRAP`]; the whole line after its indentation, or after a prefix such as
    /// `token: `), ended by `\n` or `\r\n`, ends in a wrap break when the next line is
    /// the same indentation (any, after a prefix) and then at most W base64 characters (a
    /// line as wide, or the shorter last line, maybe padded with `=`) and nothing else. So a text wrapped at
    /// any width, indented or not, is joined up line by line, each break checked against
    /// the two lines around it alone. The patterns are matched against `held` with those
    /// breaks and the indentation after them taken out (the joined view), and positions
    /// are mapped back; so a value's base64 is found whichever columns the wrapping cut
    /// it at, with the patterns the unwrapped text needs and no more. A break at the very
    /// end of `held`, or before a next line not yet complete that can still be one, is
    /// taken out too while what follows is unknown, so the line before it is held back if
    /// it could start an occurrence. Output without such lines (nearly all output that is
    /// not wrapped base64) is matched as it is, with nothing copied.
    fn scan(&mut self, at_end: bool) -> usize {
        let masker = self.masker;
        find_breaks(&self.held, &self.line, at_end, &mut self.breaks);
        self.found.clear();
        let Some(matcher) = &masker.matcher else {
            return self.held.len();
        };
        if self.breaks.is_empty() {
            self.found.extend(
                matcher
                    .find_overlapping_iter(self.held.as_slice())
                    .map(|m| Occurrence {
                        start: m.start(),
                        end: m.end(),
                        slot: masker.slot_of[m.pattern().as_usize()],
                        wrapped: false,
                    }),
            );
            self.found
                .sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
            return if at_end {
                self.held.len()
            } else {
                masker.hold_from(&self.held)
            };
        }

        if self.joined.capacity() < self.held.len() {
            // Grown by hand so no block holding part of a secret is freed unwiped.
            self.joined.zeroize();
            *self.joined = Vec::with_capacity(2 * self.held.len());
        }
        self.joined.clear();
        let mut from = 0;
        for b in &self.breaks {
            self.joined.extend_from_slice(&self.held[from..b.at]);
            from = b.at + b.len;
        }
        self.joined.extend_from_slice(&self.held[from..]);

        let breaks = &self.breaks;
        // Position `j` of the joined view in `held`: after every break taken out before it.
        let to_held = |j: usize| {
            let k = breaks.partition_point(|b| b.at - (b.stripped - b.len) <= j);
            j + k.checked_sub(1).map_or(0, |k| breaks[k].stripped)
        };
        for m in matcher.find_overlapping_iter(self.joined.as_slice()) {
            let start = to_held(m.start());
            let end = to_held(m.end() - 1) + 1;
            self.found.push(Occurrence {
                start,
                end,
                slot: masker.slot_of[m.pattern().as_usize()],
                wrapped: end - start != m.len(),
            });
        }
        if let Some(nl) = &masker.nl_matcher {
            self.found.extend(
                nl.find_overlapping_iter(self.held.as_slice())
                    .map(|m| Occurrence {
                        start: m.start(),
                        end: m.end(),
                        slot: masker.nl_slot_of[m.pattern().as_usize()],
                        wrapped: false,
                    }),
            );
        }
        self.found
            .sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        // A multi-line value with no wrapped line is found in both views.
        self.found.dedup();
        if at_end {
            return self.held.len();
        }
        let joined_hold = masker.hold_from(&self.joined);
        let joined_hold = if joined_hold == self.joined.len() {
            self.held.len()
        } else {
            to_held(joined_hold)
        };
        joined_hold.min(masker.hold_from(&self.held))
    }

    fn write_out(&mut self, out: &mut impl Write) -> io::Result<()> {
        let result = if self.out.is_empty() {
            Ok(())
        } else {
            out.write_all(&self.out)
        };
        // The assembled output never holds a secret, but it did pass one through: clear
        // it anyway so a chunk does not linger in memory.
        self.out.clear();
        result
    }
}
