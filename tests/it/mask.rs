//! The output masker: every form of an injected value is replaced, split anywhere across
//! reads, and nothing else changes.

use stack::Secret;
use stack::mask::Masker;
use std::io::{self, Read, Write};

const KEY: &str = "sk_test_FAKE51HxQ2abcdef0123";

fn masker(values: &[(&str, &str)]) -> Masker {
    let secrets: Vec<(&str, Secret)> = values.iter().map(|(n, v)| (*n, Secret::new(*v))).collect();
    let pairs: Vec<(&str, &Secret)> = secrets.iter().map(|(n, s)| (*n, s)).collect();
    Masker::new(&pairs)
}

/// Masks `input` in one go through [`Masker::copy`].
fn mask(m: &Masker, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = m.copy(input, &mut out).expect("copy into a Vec");
    assert_eq!(n, input.len() as u64);
    out
}

/// Masks `input` fed in pieces ending at `cuts`.
fn mask_split(m: &Masker, input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stream = m.stream();
    let mut from = 0;
    for &cut in cuts.iter().chain([input.len()].iter()) {
        stream.feed(&input[from..cut], &mut out).expect("feed");
        from = cut;
    }
    stream.finish(&mut out).expect("finish");
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn base64(data: &[u8], url_safe: bool, pad: bool) -> String {
    let alphabet: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for group in data.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

fn percent(data: &str, keep: &str, plus: bool, upper: bool) -> String {
    let mut out = String::new();
    for b in data.bytes() {
        if b.is_ascii_alphanumeric() || keep.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' && plus {
            out.push('+');
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

#[test]
fn a_value_becomes_a_marker_naming_its_slot() {
    let m = masker(&[("STRIPE_SECRET_KEY", KEY)]);
    assert!(!m.is_empty());
    let out = mask(&m, format!("key={KEY} done\n").as_bytes());
    assert_eq!(text(&out), "key=[masked:STRIPE_SECRET_KEY] done\n");
}

#[test]
fn a_value_split_at_every_position_is_still_masked() {
    let m = masker(&[("K", KEY)]);
    let input = format!("before {KEY} middle {KEY}\nafter");
    let want = "before [masked:K] middle [masked:K]\nafter";
    let bytes = input.as_bytes();
    for i in 0..=bytes.len() {
        assert_eq!(text(&mask_split(&m, bytes, &[i])), want, "split at {i}");
        for j in i..=bytes.len() {
            assert_eq!(
                text(&mask_split(&m, bytes, &[i, j])),
                want,
                "split at {i}, {j}"
            );
        }
    }
    let every_byte: Vec<usize> = (1..bytes.len()).collect();
    assert_eq!(text(&mask_split(&m, bytes, &every_byte)), want);
}

#[test]
fn encoded_forms_split_at_every_position_are_still_masked() {
    let value = "FAKE pass/word+1=ok&more";
    let m = masker(&[("P", value)]);
    for form in [
        base64(value.as_bytes(), false, true),
        base64(value.as_bytes(), true, false),
        percent(value, "-._~", true, false),
    ] {
        let input = format!("x {form} y");
        for i in 0..=input.len() {
            assert_eq!(
                text(&mask_split(&m, input.as_bytes(), &[i])),
                "x [masked:P] y",
                "{form} at {i}"
            );
        }
    }
}

#[test]
fn multi_line_values_whole_and_by_line() {
    let pem = "-----BEGIN FAKE KEY-----\nMIIFAKEline1abcdef\nMIIFAKEline2ghijkl\nabc\n-----END FAKE KEY-----\n";
    let m = masker(&[("TLS_KEY", pem)]);
    // The whole value: one marker.
    assert_eq!(
        text(&mask(&m, format!("<{pem}>").as_bytes())),
        "<[masked:TLS_KEY]>"
    );
    // With CRLF line ends, or printed as an escaped JSON string.
    let crlf = pem.replace('\n', "\r\n");
    assert_eq!(
        text(&mask(&m, format!("<{crlf}>").as_bytes())),
        "<[masked:TLS_KEY]>"
    );
    let json = format!("{{\"key\":\"{}\"}}", pem.replace('\n', "\\n"));
    assert_eq!(
        text(&mask(&m, json.as_bytes())),
        "{\"key\":\"[masked:TLS_KEY]\"}"
    );
    // One line alone, indented: masked; its neighbours untouched.
    assert_eq!(
        text(&mask(&m, b"line:   MIIFAKEline2ghijkl  \nnext")),
        "line:   [masked:TLS_KEY]  \nnext"
    );
    // A line shorter than 6 characters is ordinary text.
    assert_eq!(text(&mask(&m, b"abc\n")), "abc\n");
    // Split anywhere.
    let input = format!("a\n{pem}b\n");
    for i in 0..=input.len() {
        assert_eq!(
            text(&mask_split(&m, input.as_bytes(), &[i])),
            "a\n[masked:TLS_KEY]b\n",
            "at {i}"
        );
    }
}

#[test]
fn pem_armor_lines_alone_are_not_masked() {
    let pem = "-----BEGIN FAKE KEY-----\nMIIFAKEline1abcdef\n-----END FAKE KEY-----";
    let m = masker(&[("TLS_KEY", pem)]);
    let other = "-----BEGIN FAKE KEY-----\npublic\n-----END FAKE KEY-----\n";
    assert_eq!(text(&mask(&m, other.as_bytes())), other);
    assert_eq!(text(&mask(&m, pem.as_bytes())), "[masked:TLS_KEY]");
}

#[test]
fn a_value_repeated_overlapping_itself_is_not_held_without_end() {
    let m = masker(&[("C", "FAKExFAKEx")]);
    let input = "FAKEx".repeat(500_000);
    let mut out = Vec::new();
    let mut s = m.stream();
    s.feed(input.as_bytes(), &mut out).expect("feed");
    assert_eq!(text(&out), "[masked:C]", "written, not held");
    s.finish(&mut out).expect("finish");
    assert_eq!(text(&out), "[masked:C]");
}

#[test]
fn base64_in_both_alphabets_with_and_without_padding() {
    // '>' and '?' make `+` and `/` in standard base64, `-` and `_` in URL-safe.
    for value in ["FAKE>>>???", "FAKE>>>???x", "FAKE>>>???xy"] {
        let m = masker(&[("V", value)]);
        for url_safe in [false, true] {
            for pad in [false, true] {
                let enc = base64(value.as_bytes(), url_safe, pad);
                let input = format!("enc: {enc}\n");
                assert_eq!(
                    text(&mask(&m, input.as_bytes())),
                    "enc: [masked:V]\n",
                    "{enc}"
                );
            }
        }
        let std = base64(value.as_bytes(), false, false);
        assert!(std.contains('+') || std.contains('/'), "{std}");
    }
}

#[test]
fn base64_inside_a_longer_blob_in_every_alignment() {
    let value = "FAKE_token_Zq9";
    let n = value.len();
    let m = masker(&[("T", value)]);
    for url_safe in [false, true] {
        for before in 0..6usize {
            for after in 0..5usize {
                let mut blob: Vec<u8> = (0..before).map(|i| 0xc0 | i as u8).collect();
                blob.extend_from_slice(value.as_bytes());
                blob.extend((0..after).map(|i| 0x80 | i as u8));
                let encoded = base64(&blob, url_safe, true);
                let out = text(&mask(&m, encoded.as_bytes()));
                let case = format!("url_safe {url_safe} before {before} after {after}: {out}");
                // Everything that depends on the value alone is hidden; the characters
                // that mix in neighbouring bytes may stay.
                let first = (8 * before).div_ceil(6);
                let last = 8 * (before + n) / 6;
                let (head, tail) = out.split_once("[masked:T]").expect(&case);
                assert_eq!(head, &encoded[..first], "{case}");
                assert!(encoded.ends_with(tail), "{case}");
                assert!(encoded.len() - tail.len() >= last, "{case}");
                assert!(!tail.contains("[masked"), "{case}");
            }
        }
    }
}

#[test]
fn url_encoded_forms() {
    let value = "FAKE pass/word+1=ok&x~y!";
    let m = masker(&[("DB_PASSWORD", value)]);
    let forms = [
        percent(value, "-._~", false, true),
        percent(value, "-._~", false, false),
        percent(value, "-._~", true, true),
        percent(value, "-._~", true, false),
        percent(value, "-._~!*'()", false, true), // encodeURIComponent
        percent(value, "*-._", true, true),       // form-urlencoded
        percent(value, "-._~/", false, true),     // Python quote
        percent(value, "", false, false),         // every symbol
    ];
    for form in forms {
        let input = format!("GET /login?password={form}&next=1\n");
        assert_eq!(
            text(&mask(&m, input.as_bytes())),
            "GET /login?password=[masked:DB_PASSWORD]&next=1\n",
            "{form}"
        );
    }
}

#[test]
fn adjacent_and_overlapping_occurrences_are_all_masked() {
    let m = masker(&[
        ("A", "FAKE_abcdef"),
        ("B", "abcdef_FAKE_tail"),
        ("C", "FAKExFAKEx"),
    ]);
    // Adjacent: each gets its marker.
    assert_eq!(
        text(&mask(&m, b"FAKE_abcdefFAKE_abcdef")),
        "[masked:A][masked:A]"
    );
    assert_eq!(
        text(&mask(&m, b"FAKE_abcdefabcdef_FAKE_tail.")),
        "[masked:A][masked:B]."
    );
    // Overlapping: no part of either shows.
    assert_eq!(
        text(&mask(&m, b"<FAKE_abcdef_FAKE_tail>")),
        "<[masked:A][masked:B]>"
    );
    // A value overlapping itself.
    assert_eq!(text(&mask(&m, b"FAKExFAKExFAKEx!")), "[masked:C]!");
    for i in 0..=24 {
        let input = b"<FAKE_abcdef_FAKE_tail>";
        assert_eq!(
            text(&mask_split(&m, input, &[i.min(input.len())])),
            "<[masked:A][masked:B]>"
        );
    }
}

#[test]
fn a_value_inside_a_longer_one_is_named_once() {
    let m = masker(&[
        ("DATABASE_URL", "postgres://u:FAKEpw123@db/x"),
        ("DB_PASSWORD", "FAKEpw123"),
    ]);
    assert_eq!(
        text(&mask(&m, b"url postgres://u:FAKEpw123@db/x\n")),
        "url [masked:DATABASE_URL]\n"
    );
    assert_eq!(
        text(&mask(&m, b"pw FAKEpw123\n")),
        "pw [masked:DB_PASSWORD]\n"
    );
}

#[test]
fn a_value_shared_by_two_slots_names_the_first() {
    let m = masker(&[("FIRST", "FAKE_shared_1"), ("SECOND", "FAKE_shared_1")]);
    assert_eq!(text(&mask(&m, b"FAKE_shared_1")), "[masked:FIRST]");
}

#[test]
fn ordinary_output_is_untouched() {
    let m = masker(&[
        ("STRIPE_SECRET_KEY", KEY),
        ("PORT", "3000"),
        ("DEBUG", "true"),
        ("TOKEN", "FAKE/token+with=symbols"),
    ]);
    let ordinary = "true\n3000\nsk_test_\nsk_test_FAKE51\nlistening on http://localhost:3000\n\
        {\"ok\":true,\"count\":3000,\"id\":\"sk_test_\"}\nFAKE/token+with=\nZmFrZQ==\n\
        %2F%2B path/to+x=y\r\n\t\u{1b}[31mred\u{1b}[0m ünïcödé\n";
    assert_eq!(text(&mask(&m, ordinary.as_bytes())), ordinary);
    for i in 0..=ordinary.len() {
        assert_eq!(
            mask_split(&m, ordinary.as_bytes(), &[i]),
            ordinary.as_bytes()
        );
    }
}

#[test]
fn values_shorter_than_six_characters_are_not_masked() {
    let m = masker(&[
        ("PORT", "3000"),
        ("FLAG", "true"),
        ("FIVE", "FAKE5"),
        ("EMPTY", ""),
    ]);
    assert!(m.is_empty());
    let input = b"3000 true FAKE5 ok";
    assert_eq!(mask(&m, input), input);
    // Six characters, counted as characters, not bytes.
    let m = masker(&[("SIX", "FAKE6!"), ("UNI", "ééééé")]);
    assert_eq!(
        text(&mask(&m, "FAKE6! ééééé".as_bytes())),
        "[masked:SIX] ééééé"
    );

    let (a, b, c, d) = (
        Secret::new("3000"),
        Secret::new(KEY),
        Secret::new(""),
        Secret::new("ééééé"),
    );
    let short = Masker::too_short(&[("PORT", &a), ("KEY", &b), ("EMPTY", &c), ("UNI", &d)]);
    assert_eq!(short, ["PORT", "UNI"]);
}

#[test]
fn empty_input_and_empty_masker() {
    let m = masker(&[("K", KEY)]);
    assert_eq!(mask(&m, b""), b"");
    let mut out = Vec::new();
    let mut s = m.stream();
    s.feed(b"", &mut out).expect("feed");
    s.finish(&mut out).expect("finish");
    assert!(out.is_empty());

    let none = masker(&[]);
    assert!(none.is_empty());
    let input = format!("{KEY}\n");
    assert_eq!(mask(&none, input.as_bytes()), input.as_bytes());
}

#[test]
fn binary_input_passes_unchanged_except_the_value() {
    let m = masker(&[("K", KEY)]);
    let noise: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert_eq!(mask(&m, &noise), noise);
    let mut input = noise.clone();
    input.extend_from_slice(KEY.as_bytes());
    input.extend_from_slice(&noise);
    let mut want = noise.clone();
    want.extend_from_slice(b"[masked:K]");
    want.extend_from_slice(&noise);
    assert_eq!(mask(&m, &input), want);
}

#[test]
fn output_is_prompt_and_only_a_possible_start_is_held() {
    let m = masker(&[("K", KEY)]);
    let mut s = m.stream();
    let mut out = Vec::new();
    s.feed(b"a line\nanother line\n", &mut out).expect("feed");
    assert_eq!(
        out, b"a line\nanother line\n",
        "a complete line is written at once"
    );
    s.feed(b"partial: sk_test_FA", &mut out).expect("feed");
    assert_eq!(
        text(&out),
        "a line\nanother line\npartial: ",
        "only the possible start is held"
    );
    s.feed(b"ncy\n", &mut out).expect("feed");
    assert_eq!(text(&out), "a line\nanother line\npartial: sk_test_FAncy\n");
    s.feed(b"sk_test_FAKE51", &mut out).expect("feed");
    s.finish(&mut out).expect("finish");
    assert!(
        text(&out).ends_with("\nsk_test_FAKE51"),
        "held bytes come out at the end"
    );
}

/// Counts flushes and the writes between them.
struct Recorder {
    data: Vec<u8>,
    flushes: usize,
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        Ok(())
    }
}

/// Hands out its pieces one per read, with an interruption first.
struct Pieces(Vec<Vec<u8>>, bool);

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.1 {
            self.1 = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        if self.0.is_empty() {
            return Ok(0);
        }
        let piece = self.0.remove(0);
        buf[..piece.len()].copy_from_slice(&piece);
        Ok(piece.len())
    }
}

#[test]
fn copy_flushes_after_every_read_and_survives_interruptions() {
    let m = masker(&[("K", KEY)]);
    let (a, b) = KEY.split_at(10);
    let pieces = vec![
        b"one\n".to_vec(),
        format!("x{a}").into_bytes(),
        format!("{b}y\n").into_bytes(),
    ];
    let mut rec = Recorder {
        data: Vec::new(),
        flushes: 0,
    };
    let n = m.copy(Pieces(pieces, false), &mut rec).expect("copy");
    assert_eq!(n, (4 + 1 + KEY.len() + 2) as u64);
    assert_eq!(text(&rec.data), "one\nx[masked:K]y\n");
    assert!(rec.flushes >= 3, "{}", rec.flushes);
}

/// The seed and number of cases: fixed in the test suite, `STACK_FUZZ_SEED` and
/// `STACK_FUZZ_CASES` when scripts/fuzz.sh runs at length.
fn fuzz_budget(seed: u64, cases: usize) -> (u64, usize) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    (
        var("STACK_FUZZ_SEED").unwrap_or(seed),
        var("STACK_FUZZ_CASES").map_or(cases, |c: u64| c as usize),
    )
}

/// xorshift64*: a fixed-seed generator so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_streams_equal_input_with_secrets_replaced() {
    let secrets: [(&str, &str); 5] = [
        ("KEY", KEY),
        ("PASSWORD", "FAKE p@ss/w0rd+=&"),
        (
            "PEM",
            "-----BEGIN FAKE-----\nMIIFAKEabcdefgh\nMIIFAKEijklmnop\n-----END FAKE-----",
        ),
        ("SHORT6", "FAKE!!"),
        ("UNICODE", "FAKE-clé-ünïcödé"),
    ];
    let m = masker(&secrets);
    // scripts/fuzz.sh runs many more cases from a fresh seed.
    let (seed, cases) = fuzz_budget(0x5eed_1234_abcd_ef01, 300);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let mut input = Vec::new();
        let mut want = Vec::new();
        for _ in 0..rng.below(12) {
            // Random bytes, but no `=`: one after an unpadded base64 form would make it
            // the padded form, a longer occurrence than the one inserted.
            let filler: Vec<u8> = (0..rng.below(120))
                .map(|_| rng.next() as u8)
                .map(|b| if b == b'=' { b'.' } else { b })
                .collect();
            input.extend_from_slice(&filler);
            want.extend_from_slice(&filler);
            let (slot, value) = secrets[rng.below(secrets.len())];
            let form = match rng.below(5) {
                0 | 1 => value.to_string(),
                2 => base64(value.as_bytes(), false, true),
                3 => base64(value.as_bytes(), true, false),
                _ => percent(value, "-._~", rng.below(2) == 0, rng.below(2) == 0),
            };
            input.extend_from_slice(form.as_bytes());
            want.extend_from_slice(format!("[masked:{slot}]").as_bytes());
        }
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            at += match rng.below(4) {
                0 => 0,
                1 => 1,
                2 => rng.below(8),
                _ => rng.below(200),
            };
            if at >= input.len() {
                break;
            }
            cuts.push(at);
        }
        assert_eq!(
            text(&mask_split(&m, &input, &cuts)),
            text(&want),
            "seed {seed:#x} case {case}, cuts {cuts:?}"
        );
        assert_eq!(mask(&m, &input), want, "case {case} in one piece");
    }
}

/// A long key (Anthropic's are about 108 characters): its base64 spans several lines when
/// wrapped.
const LONG_KEY: &str = "sk-ant-api03-FAKE_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-FAKE_0123456789abcdefghij";

/// `encoded` cut into lines of `width` characters, each ended by `newline`.
fn wrap(encoded: &str, width: usize, newline: &str) -> String {
    encoded
        .as_bytes()
        .chunks(width)
        .map(|line| format!("{}{newline}", text(line)))
        .collect()
}

#[test]
fn base64_wrapped_like_gnu_base64_is_masked_line_by_line() {
    let m = masker(&[("K", LONG_KEY)]);
    for url_safe in [false, true] {
        for width in [76, 64] {
            for newline in ["\n", "\r\n"] {
                let input = wrap(&base64(LONG_KEY.as_bytes(), url_safe, true), width, newline);
                let lines = input.matches(newline).count();
                assert!(lines >= 2, "{input}");
                // Every line was part of the key: each becomes a marker, the breaks stay.
                let want = format!("[masked:K]{newline}").repeat(lines);
                assert_eq!(text(&mask(&m, input.as_bytes())), want, "{input:?}");
                for cut in 0..=input.len() {
                    assert_eq!(
                        text(&mask_split(&m, input.as_bytes(), &[cut])),
                        want,
                        "width {width} {newline:?} cut at {cut}"
                    );
                }
            }
        }
    }
}

#[test]
fn wrapped_base64_of_a_key_inside_a_longer_blob_is_masked_at_every_column() {
    let n = LONG_KEY.len();
    let m = masker(&[("K", LONG_KEY)]);
    for url_safe in [false, true] {
        for width in [76, 64] {
            for newline in ["\n", "\r\n"] {
                // Enough bytes before the key for its encoding to start at every column
                // of a line, in each of the three byte alignments.
                for before in 0..(width * 3 / 4 + 3) {
                    let mut blob: Vec<u8> = (0..before).map(|i| 0xc0 | (i % 64) as u8).collect();
                    blob.extend_from_slice(LONG_KEY.as_bytes());
                    blob.extend((0..5).map(|i| 0x80 | i as u8));
                    let encoded = base64(&blob, url_safe, true);
                    let input = wrap(&encoded, width, newline);
                    let case =
                        format!("url_safe {url_safe} width {width} {newline:?} before {before}");
                    let out = text(&mask(&m, input.as_bytes()));
                    assert_eq!(
                        out.matches(newline).count(),
                        input.matches(newline).count(),
                        "{case}: the lines are kept\n{out}"
                    );
                    // Joined up again, the output is the encoding with everything that
                    // depends on the key alone replaced by markers.
                    let joined = out.replace(newline, "");
                    assert_key_part_masked(&joined, &encoded, before, n, &case, &out);
                    // However the output is cut into reads.
                    for cut in (0..input.len()).step_by(7) {
                        assert_eq!(
                            text(&mask_split(&m, input.as_bytes(), &[cut, cut + 1])),
                            out,
                            "{case} cut at {cut}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn lines_of_a_wrap_width_that_hold_no_key_are_untouched() {
    let m = masker(&[
        ("K", LONG_KEY),
        (
            "PEM",
            "-----BEGIN FAKE-----\nMIIFAKEabcdefgh\n-----END FAKE-----",
        ),
    ]);
    let other = base64(&[0x5au8; 300], false, true);
    let input = format!("{}{}", wrap(&other, 76, "\n"), wrap(&other, 64, "\r\n"));
    assert_eq!(text(&mask(&m, input.as_bytes())), input);
}

#[test]
fn a_pem_value_with_lines_of_a_wrap_width_is_still_one_marker() {
    let body = base64(&[0xa5u8; 120], false, true);
    let pem = format!(
        "-----BEGIN FAKE KEY-----\n{}-----END FAKE KEY-----",
        wrap(&body, 64, "\n")
    );
    let m = masker(&[("PEM", &pem)]);
    let input = format!("key:\n{pem}\ndone\n");
    let want = "key:\n[masked:PEM]\ndone\n";
    assert_eq!(text(&mask(&m, input.as_bytes())), want);
    for cut in 0..=input.len() {
        assert_eq!(
            text(&mask_split(&m, input.as_bytes(), &[cut])),
            want,
            "cut at {cut}"
        );
    }
}

#[test]
fn wrapped_base64_is_masked_the_same_however_it_is_cut_into_reads() {
    let m = masker(&[("K", LONG_KEY), ("KEY", KEY)]);
    let (seed, cases) = fuzz_budget(0x77a9_0001_5eed_0002, 200);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let mut input = String::new();
        for _ in 0..1 + rng.below(4) {
            let mut blob: Vec<u8> = (0..rng.below(90)).map(|_| rng.next() as u8).collect();
            let key = if rng.below(2) == 0 { LONG_KEY } else { KEY };
            blob.extend_from_slice(key.as_bytes());
            blob.extend((0..rng.below(90)).map(|_| rng.next() as u8));
            let encoded = base64(&blob, rng.below(2) == 0, rng.below(2) == 0);
            let width = [76, 64, 16 + rng.below(241)][rng.below(3)];
            let newline = ["\n", "\r\n"][rng.below(2)];
            let indent = ["", "", "  ", "\t", "        "][rng.below(5)];
            input.push_str(&wrap_indented(&encoded, width, newline, indent));
            input.push_str(["", "text ", "\n", "ok\r\n"][rng.below(4)]);
        }
        let whole = mask(&m, input.as_bytes());
        let joined = text(&whole).replace(['\r', '\n', ' ', '\t'], "");
        assert!(
            !joined.contains(&base64(LONG_KEY.as_bytes(), false, false)[4..40]),
            "case {case}: {}",
            text(&whole)
        );
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            at += [0, 1, rng.below(8), rng.below(100)][rng.below(4)];
            if at >= input.len() {
                break;
            }
            cuts.push(at);
        }
        assert_eq!(
            text(&mask_split(&m, input.as_bytes(), &cuts)),
            text(&whole),
            "seed {seed:#x} case {case}, cuts {cuts:?}"
        );
    }
}

/// `encoded` cut into lines of `width` characters, each after `indent` and ended by
/// `newline`, as a YAML block or an indented PEM body holds it.
fn wrap_indented(encoded: &str, width: usize, newline: &str, indent: &str) -> String {
    encoded
        .as_bytes()
        .chunks(width)
        .map(|line| format!("{indent}{}{newline}", text(line)))
        .collect()
}

/// Widths `base64 -w N` is commonly given, and the ends of the range lines are joined at.
const OTHER_WIDTHS: [usize; 8] = [16, 40, 60, 64, 72, 76, 80, 128];

#[test]
fn base64_wrapped_at_any_width_and_indented_is_masked_line_by_line() {
    let m = masker(&[("K", LONG_KEY)]);
    for url_safe in [false, true] {
        for width in OTHER_WIDTHS {
            for newline in ["\n", "\r\n"] {
                for indent in ["", "  ", "\t", "      "] {
                    let encoded = base64(LONG_KEY.as_bytes(), url_safe, true);
                    let input = wrap_indented(&encoded, width, newline, indent);
                    let lines = input.matches(newline).count();
                    assert!(lines >= 2, "{input}");
                    let want = format!("{indent}[masked:K]{newline}").repeat(lines);
                    let case = format!("url_safe {url_safe} width {width} {newline:?} {indent:?}");
                    assert_eq!(text(&mask(&m, input.as_bytes())), want, "{case}");
                    for cut in 0..=input.len() {
                        assert_eq!(
                            text(&mask_split(&m, input.as_bytes(), &[cut])),
                            want,
                            "{case} cut at {cut}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn wrapped_base64_of_a_key_inside_a_longer_blob_is_masked_at_any_width_and_column() {
    let n = LONG_KEY.len();
    let m = masker(&[("K", LONG_KEY)]);
    for (width, newline, indent) in [
        (60, "\n", ""),
        (72, "\r\n", ""),
        (80, "\n", ""),
        (76, "\n", "  "),
        (64, "\r\n", "\t"),
        (20, "\n", "    "),
    ] {
        for url_safe in [false, true] {
            for before in 0..(width * 3 / 4 + 3) {
                let mut blob: Vec<u8> = (0..before).map(|i| 0xc0 | (i % 64) as u8).collect();
                blob.extend_from_slice(LONG_KEY.as_bytes());
                blob.extend((0..5).map(|i| 0x80 | i as u8));
                let encoded = base64(&blob, url_safe, true);
                let input = wrap_indented(&encoded, width, newline, indent);
                let case = format!(
                    "url_safe {url_safe} width {width} {newline:?} {indent:?} before {before}"
                );
                let out = text(&mask(&m, input.as_bytes()));
                assert_eq!(
                    out.matches(newline).count(),
                    input.matches(newline).count(),
                    "{case}: the lines are kept\n{out}"
                );
                for line in out.split_terminator(newline) {
                    assert!(line.starts_with(indent), "{case}: {out}");
                }
                let body = out.strip_suffix(newline).expect(&case);
                let body = body.strip_prefix(indent).expect(&case);
                let joined = body.replace(&format!("{newline}{indent}"), "");
                assert_key_part_masked(&joined, &encoded, before, n, &case, &out);
                for cut in (0..input.len()).step_by(5) {
                    assert_eq!(
                        text(&mask_split(&m, input.as_bytes(), &[cut, cut + 1])),
                        out,
                        "{case} cut at {cut}"
                    );
                }
            }
        }
    }
}

#[test]
fn lines_that_are_not_one_wrapped_text_are_not_joined() {
    let m = masker(&[("K", KEY)]);
    let enc = base64(KEY.as_bytes(), false, false);
    let (a, b) = enc.split_at(20);
    // Wrapped at 20 columns, the key's base64 is found across the break.
    let input = format!("{a}\n{b}\n");
    assert_eq!(
        text(&mask(&m, input.as_bytes())),
        "[masked:K]\n[masked:K]\n"
    );
    let input = format!("  {a}\r\n  {b}\r\n");
    assert_eq!(
        text(&mask(&m, input.as_bytes())),
        "  [masked:K]\r\n  [masked:K]\r\n"
    );
    // Not when the next line is longer than the first, indented differently, or holds
    // other text, nor when the lines are shorter than anything wrapped: each line alone
    // holds too little of the key to be masked, and joining them would be guessing.
    for input in [
        format!("{a}\n{b}ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"),
        format!("  {a}\n    {b}\n"),
        format!("  {a}\n{b}\n"),
        format!("{a}\n{b} and more\n"),
        format!("{}\n{}\n{}\n", &enc[..13], &enc[13..26], &enc[26..]),
    ] {
        assert_eq!(text(&mask(&m, input.as_bytes())), input);
    }
}

#[test]
fn a_wrapped_text_after_a_prefix_and_a_run_ended_by_a_shorter_line() {
    let m = masker(&[("K", LONG_KEY)]);
    let enc = base64(LONG_KEY.as_bytes(), false, true);
    for width in [60, 72, 80] {
        let lines: Vec<&str> = enc
            .as_bytes()
            .chunks(width)
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect();
        // After a prefix, the lines that follow may be indented or not.
        for (prefix, indent) in [("token: ", ""), ("  token: ", ""), ("key: ", "    ")] {
            let rest = lines[1..].join(&format!("\n{indent}"));
            let input = format!("{prefix}{}\n{indent}{rest}\nnext x\n", lines[0]);
            let want = format!(
                "{prefix}{}\nnext x\n",
                vec!["[masked:K]"; lines.len()].join(&format!("\n{indent}"))
            );
            for cut in 0..=input.len() {
                assert_eq!(
                    text(&mask_split(&m, input.as_bytes(), &[cut])),
                    want,
                    "width {width} {prefix:?} cut at {cut}"
                );
            }
        }
    }
}

/// `joined` (masked output with the wrap breaks taken out) is `encoded`, the base64 of a
/// blob holding the `n`-byte key after `before` bytes, with every character that depends
/// on the key alone replaced by `[masked:K]` markers and nothing else masked.
#[track_caller]
fn assert_key_part_masked(
    joined: &str,
    encoded: &str,
    before: usize,
    n: usize,
    case: &str,
    out: &str,
) {
    let first = (8 * before).div_ceil(6);
    let last = 8 * (before + n) / 6;
    let (head, rest) = joined.split_once("[masked:K]").expect(case);
    let tail = rest.trim_start_matches("[masked:K]");
    assert_eq!(head, &encoded[..first], "{case}");
    assert!(encoded.ends_with(tail), "{case}: {out}");
    assert!(encoded.len() - tail.len() >= last, "{case}: {out}");
    assert!(!tail.contains("[masked"), "{case}: {out}");
}
