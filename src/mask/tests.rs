use super::*;

#[test]
fn base64_matches_known_vectors() {
    for (input, padded, unpadded) in [
        ("", "", ""),
        ("f", "Zg==", "Zg"),
        ("fo", "Zm8=", "Zm8"),
        ("foo", "Zm9v", "Zm9v"),
        ("foob", "Zm9vYg==", "Zm9vYg"),
        ("fooba", "Zm9vYmE=", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
    ] {
        assert_eq!(
            &*base64(input.as_bytes(), STANDARD, true),
            padded.as_bytes()
        );
        assert_eq!(
            &*base64(input.as_bytes(), STANDARD, false),
            unpadded.as_bytes()
        );
    }
    assert_eq!(&*base64(&[0xfb, 0xff], STANDARD, true), b"+/8=");
    assert_eq!(&*base64(&[0xfb, 0xff], URL_SAFE, false), b"-_8");
}

#[test]
fn stable_part_appears_in_every_alignment() {
    let secret = b"FAKE_value_42";
    for offset in 0..3 {
        let stable = base64_stable(secret, STANDARD, offset);
        assert!(stable.len() >= 7, "offset {offset}: {}", stable.len());
        for before in 0..6usize {
            if before % 3 != offset {
                continue;
            }
            for after in 0..4 {
                let mut blob = vec![0xa5u8; before];
                blob.extend_from_slice(secret);
                blob.extend(std::iter::repeat_n(0x5au8, after));
                let encoded = base64(&blob, STANDARD, true);
                assert!(
                    encoded
                        .windows(stable.len())
                        .any(|w| w == stable.as_slice()),
                    "offset {offset} before {before} after {after}"
                );
            }
        }
    }
}

#[test]
fn percent_encoding_styles() {
    let v = b"a b/c+";
    assert_eq!(&*percent_encode(v, b"-._~", false, true), b"a%20b%2Fc%2B");
    assert_eq!(&*percent_encode(v, b"-._~", true, false), b"a+b%2fc%2b");
    assert_eq!(&*percent_encode(v, b"-._~/", false, true), b"a%20b/c%2B");
}

#[test]
fn base64_wrapped_at_any_width_and_indented_is_masked_however_it_is_read() {
    let key = "FAKE_wrapped_key_0123456789abcdefghijklmnopqrstuvwxyz_FAKE";
    let secret = Secret::new(key);
    let m = Masker::new(&[("K", &secret)]);
    let encoded = base64(key.as_bytes(), STANDARD, true);
    for (width, indent, newline) in [
        (60, "", "\n"),
        (24, "  ", "\n"),
        (32, "\t", "\r\n"),
        (16, "    ", "\r\n"),
    ] {
        let input: Vec<u8> = encoded
            .chunks(width)
            .flat_map(|line| [indent.as_bytes(), line, newline.as_bytes()].concat())
            .collect();
        let lines = encoded.len().div_ceil(width);
        let want = format!("{indent}[masked:K]{newline}").repeat(lines);
        for cut in 0..=input.len() {
            let mut out = Vec::new();
            let mut stream = m.stream();
            stream.feed(&input[..cut], &mut out).unwrap();
            stream.feed(&input[cut..], &mut out).unwrap();
            stream.finish(&mut out).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out),
                want,
                "width {width} {indent:?} cut at {cut}"
            );
        }
    }
}

/// The breaks `find_breaks` takes out of `held`, as (position, length).
fn breaks_in(held: &[u8], line: &Line, at_end: bool) -> Vec<(usize, usize)> {
    let mut breaks = Vec::new();
    find_breaks(held, line, at_end, &mut breaks);
    breaks.iter().map(|b| (b.at, b.len)).collect()
}

#[test]
fn a_break_joins_lines_of_one_width_and_indentation() {
    let a = "A".repeat(20);
    let start = Line::new();
    // Same width, then a shorter padded last line; the indentation goes with the break.
    let held = format!("  {a}\n  {a}\r\n  AAAA==\nnext\n");
    assert_eq!(breaks_in(held.as_bytes(), &start, true), [(22, 3), (45, 4)]);
    // Not: a longer next line, another indentation, other text, a line too short.
    for held in [
        format!("{a}\n{a}A\n"),
        format!("  {a}\n   {a}\n"),
        format!("  {a}\n{a}\n"),
        format!("{a}\n{} x\n", &a[..10]),
        format!("{}\n{}\n", &a[..15], &a[..15]),
        format!("{a}==\n{a}\n"),
    ] {
        assert_eq!(breaks_in(held.as_bytes(), &start, true), [], "{held:?}");
    }
    // After a prefix the next line's indentation is free, and fixes the one after.
    let held = format!("key: {a}\n    {a}\n    AA\n");
    assert_eq!(breaks_in(held.as_bytes(), &start, true), [(25, 5), (50, 5)]);
    // A next line not complete yet counts while it can still be one, the break
    // taking what there is of its indentation.
    let held = format!("  {a}\n ");
    assert_eq!(breaks_in(held.as_bytes(), &start, false), [(22, 2)]);
    assert_eq!(breaks_in(held.as_bytes(), &start, true), []);
    let held = format!("{a}\r");
    assert_eq!(breaks_in(held.as_bytes(), &start, false), [(20, 1)]);
    // A line begun before `held`: its run and indentation count.
    let mut line = Line::new();
    line.advance(b"x\n\t");
    line.advance(&a.as_bytes()[..5]);
    let held = format!("{}\n\t{a}\n", &a[5..]);
    assert_eq!(breaks_in(held.as_bytes(), &line, true), [(15, 2)]);
    assert_eq!(breaks_in(held.as_bytes(), &Line::new(), true), []);
}

#[test]
fn hold_is_only_a_pattern_prefix() {
    let s = Secret::new("FAKE_secret_1");
    let m = Masker::new(&[("K", &s)]);
    assert_eq!(m.hold_from(b"hello\n"), 6);
    assert_eq!(m.hold_from(b"xx FAKE_se"), 3);
    // A whole pattern with no longer one after it needs no holding.
    assert_eq!(m.hold_from(b"xx FAKE_secret_1"), 16);
    assert!(!format!("{m:?}").contains("FAKE"));
}
