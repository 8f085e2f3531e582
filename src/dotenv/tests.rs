//! The reader and the editor of `.env` files.

use super::*;

fn env(text: &str) -> DotEnv {
    DotEnv::parse(Path::new(".env"), text).unwrap()
}

#[test]
fn appends_references_and_keeps_everything_else() {
    let mut e = env("# db\nexport DATABASE_URL='postgres://x'\nPORT=3000");
    assert!(e.set_reference(
        "WORKOS_API_KEY",
        "stack://workos/WORKOS_API_KEY",
        None,
        false
    ));
    assert!(!e.set_reference(
        "WORKOS_API_KEY",
        "stack://workos/WORKOS_API_KEY",
        None,
        false
    ));
    assert_eq!(
        e.render(),
        "# db\nexport DATABASE_URL='postgres://x'\nPORT=3000\nWORKOS_API_KEY=stack://workos/WORKOS_API_KEY\n"
    );
    assert!(e.remove_reference("WORKOS_API_KEY", "stack://workos/WORKOS_API_KEY"));
    assert_eq!(
        e.render(),
        "# db\nexport DATABASE_URL='postgres://x'\nPORT=3000\n"
    );
}

#[test]
fn plaintext_values_are_kept_unless_they_are_what_was_stored() {
    let mut e = env("A=1\nWORKOS_API_KEY=\"sk_test_OLDFAKE000001\"\r\nB=2\n");
    assert_eq!(
        e.get("WORKOS_API_KEY"),
        Line::Plain("sk_test_OLDFAKE000001".into())
    );
    let r = "stack://workos/WORKOS_API_KEY";
    assert!(!e.set_reference("WORKOS_API_KEY", r, Some("sk_test_NEWFAKE000001"), false));
    assert!(e.render().contains("sk_test_OLDFAKE000001"));
    assert!(e.set_reference("WORKOS_API_KEY", r, Some("sk_test_OLDFAKE000001"), false));
    assert_eq!(e.render(), format!("A=1\nWORKOS_API_KEY={r}\r\nB=2\n"));
    assert!(!e.remove_reference("A", r));
}

#[test]
fn a_replaced_value_keeps_export_and_its_comment() {
    let mut e = env("  export WORKOS_API_KEY=  # set me\nB=\"\" # later\n");
    let r = "stack://workos/WORKOS_API_KEY";
    assert!(e.set_reference("WORKOS_API_KEY", r, None, false));
    assert!(e.set_reference("B", "stack://x/B", None, false));
    assert_eq!(
        e.render(),
        format!("  export WORKOS_API_KEY={r} # set me\nB=stack://x/B # later\n")
    );
}

#[test]
fn a_comment_touching_a_closing_quote_stays_a_comment() {
    // Found by the dotenv fuzz target: the reference swallowed the comment.
    let mut e = env("B=\"t1\"# note\nC='x'#c\r\n");
    assert!(e.set_reference("B", "stack://svc/B", None, true));
    assert!(e.set_reference("C", "stack://svc/C", None, true));
    assert_eq!(e.render(), "B=stack://svc/B # note\nC=stack://svc/C #c\r\n");
    assert_eq!(e.get("B"), Line::Reference("stack://svc/B".into()));
}

#[test]
fn multiline_values_are_one_entry() {
    let e = env("KEY=\"-----BEGIN\nWORKOS_API_KEY=inside\n-----END\"\nX=1 # note\n");
    assert_eq!(e.get("WORKOS_API_KEY"), Line::Absent);
    assert_eq!(e.get("X"), Line::Plain("1".into()));
}

#[test]
fn malformed_lines_are_errors_with_line_and_column() {
    let err = DotEnv::parse(Path::new(".env"), "A=1\n  oops\n")
        .err()
        .unwrap();
    assert!(err.message.starts_with(".env:2:3:"), "{}", err.message);
    let err = DotEnv::parse(Path::new(".env"), "A=1\nB=\"open\n")
        .err()
        .unwrap();
    assert!(err.message.starts_with(".env:2:3:"), "{}", err.message);
}

fn read_ok(text: &str) -> Vec<(String, String)> {
    read(Path::new(".env.test"), text)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.expose().to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn read_handles_comments_export_and_blanks() {
    let text = "# top\n\n  export A=1\nexport\tB = two words  # note\nC=#not-a-comment\n\
                D=x#y\nE=\nF=   \t# only a comment\nG=tab\t# c\r\nH=last";
    assert_eq!(
        read_ok(text),
        pairs(&[
            ("A", "1"),
            ("B", "two words"),
            ("C", "#not-a-comment"),
            ("D", "x#y"),
            ("E", ""),
            ("F", ""),
            ("G", "tab"),
            ("H", "last"),
        ])
    );
}

#[test]
fn read_single_quotes_are_literal() {
    let text = "A='a \\n $B \"q\" # not a comment' # comment\nB=' spaced '\nC=''\n";
    assert_eq!(
        read_ok(text),
        pairs(&[
            ("A", "a \\n $B \"q\" # not a comment"),
            ("B", " spaced "),
            ("C", "")
        ])
    );
}

#[test]
fn read_double_quotes_take_escapes_and_span_lines() {
    let text = "A=\"l1\\nl2\\tt\\\"q\\\" \\\\ \\$HOME \\x\"\nB=\"-----BEGIN\nKEY=inside\n-----END\"  # pem\nC=\"\"\n";
    assert_eq!(
        read_ok(text),
        pairs(&[
            ("A", "l1\nl2\tt\"q\" \\ $HOME \\x"),
            ("B", "-----BEGIN\nKEY=inside\n-----END"),
            ("C", ""),
        ])
    );
}

#[test]
fn read_keeps_every_assignment_in_order_and_skips_a_bom() {
    let text = "\u{feff}A=1\nB=2\nA=3\n";
    assert_eq!(read_ok(text), pairs(&[("A", "1"), ("B", "2"), ("A", "3")]));
    assert!(read_ok("").is_empty());
    assert!(read_ok("# nothing\n\n").is_empty());
}

#[test]
fn read_ends_lines_at_a_bare_carriage_return() {
    // python-dotenv's `_newline` is `\r\n|\n|\r` (old Mac OS files).
    assert_eq!(
        read_ok("A=1\rB='two'\r# c\rC=\"x\" # n\r\nD=4\r"),
        pairs(&[("A", "1"), ("B", "two"), ("C", "x"), ("D", "4")])
    );
    let err = read(Path::new(".env.test"), "A=1\rB=2\r  oops\n").unwrap_err();
    assert!(err.message.starts_with(".env.test:3:3:"), "{}", err.message);
}

#[test]
fn read_takes_a_single_quoted_name() {
    // python-dotenv's `'a'=b` and ` export 'a'=b`; the name is still a variable name.
    assert_eq!(
        read_ok("'a'=b\n export 'B_1' = c\n"),
        pairs(&[("a", "b"), ("B_1", "c")])
    );
    for bad in ["''=x\n", "'a b'=x\n", "'a=x\n"] {
        let err = read(Path::new(".env.test"), bad).unwrap_err();
        assert!(err.message.starts_with(".env.test:1:1:"), "{bad:?}");
    }
}

#[test]
fn read_single_quotes_take_an_escaped_quote_and_backslash() {
    // python-dotenv: `a='b\'c'` is `b'c`; `\\` is one backslash; any other
    // backslash is kept as written.
    assert_eq!(
        read_ok("a='b\\'c'\nB='x\\\\'\nC='\\n\\$'\n"),
        pairs(&[("a", "b'c"), ("B", "x\\"), ("C", "\\n\\$")])
    );
    let err = read(Path::new(".env.test"), "A='c:\\dir\\'\n").unwrap_err();
    assert!(err.message.contains("unterminated"), "{}", err.message);
}

/// Every input of python-dotenv 1.2.4's `tests/test_parser.py`, with the assignments it
/// reads; the ones `stack` refuses (a name that is not a variable name, a line with no
/// `=`, which python-dotenv skips with a warning) are listed after.
#[test]
fn read_agrees_with_python_dotenv_parser_tests() {
    let agreed: &[(&str, &[(&str, &str)])] = &[
        ("", &[]),
        ("a=b", &[("a", "b")]),
        ("'a'=b", &[("a", "b")]),
        (" a = b ", &[("a", "b")]),
        ("export a=b", &[("a", "b")]),
        (" export 'a'=b", &[("a", "b")]),
        ("# a=b", &[]),
        ("a=b#c", &[("a", "b#c")]),
        ("a=b #c", &[("a", "b")]),
        ("a=b\t#c", &[("a", "b")]),
        ("a= #b", &[("a", "")]),
        ("a=  # b", &[("a", "")]),
        ("a=#b", &[("a", "#b")]),
        ("a=# # comment", &[("a", "#")]),
        ("a=\t#c", &[("a", "")]),
        ("a= #c\nd=e", &[("a", ""), ("d", "e")]),
        ("a=b c", &[("a", "b c")]),
        ("a=b\tc", &[("a", "b\tc")]),
        ("a=b  c", &[("a", "b  c")]),
        ("a=b\u{a0} c", &[("a", "b\u{a0} c")]),
        ("a=b c ", &[("a", "b c")]),
        ("a='b c '", &[("a", "b c ")]),
        ("a=\"b c \"", &[("a", "b c ")]),
        ("export export_a=1", &[("export_a", "1")]),
        ("export port=8000", &[("port", "8000")]),
        ("a=\"b\nc\"", &[("a", "b\nc")]),
        ("a='b\nc'", &[("a", "b\nc")]),
        ("a=\"b\nc\"", &[("a", "b\nc")]),
        ("a=\"b\\nc\"", &[("a", "b\nc")]),
        ("a='b\\nc'", &[("a", "b\\nc")]),
        ("a=\"b\\\"c\"", &[("a", "b\"c")]),
        ("a='b\\'c'", &[("a", "b'c")]),
        ("a='b\\\\c'", &[("a", "b\\c")]),
        ("a=\"b\\\\c\"", &[("a", "b\\c")]),
        ("a='b\\\\'\nc='d'", &[("a", "b\\"), ("c", "d")]),
        ("a=\"b\\\\\"\nc=\"d\"", &[("a", "b\\"), ("c", "d")]),
        ("a='b\\\\\\'c'", &[("a", "b\\'c")]),
        ("a=\u{e0}", &[("a", "\u{e0}")]),
        ("a=\"\u{e0}\"", &[("a", "\u{e0}")]),
        ("a=b\nc=d", &[("a", "b"), ("c", "d")]),
        ("a=b\rc=d", &[("a", "b"), ("c", "d")]),
        ("a=b\r\nc=d", &[("a", "b"), ("c", "d")]),
        ("a=\nb=c", &[("a", ""), ("b", "c")]),
        ("\n\n", &[]),
        ("a=b\n\n", &[("a", "b")]),
        ("a=b\n\nc=d", &[("a", "b"), ("c", "d")]),
        ("# comment\na=\"b\nc\"\nd=e\n", &[("a", "b\nc"), ("d", "e")]),
        ("a=b\n# comment 1", &[("a", "b")]),
        ("# comment 1\n# comment 2", &[]),
        ("\u{feff}a=b", &[("a", "b")]),
        ("\u{feff}a=b\nc=d", &[("a", "b"), ("c", "d")]),
    ];
    for (text, want) in agreed {
        assert_eq!(read_ok(text), pairs(want), "{text:?}");
    }
    let refused = [
        "[=b",
        "no_value_var",
        "a: b",
        "a=\"\nb=c",
        "uglyKey[%$=\"S3cr3t_P4ssw#rD\" #\na=b",
    ];
    for text in refused {
        assert!(read(Path::new(".env"), text).is_err(), "{text:?}");
    }
}

#[test]
fn read_reports_malformed_files_with_file_line_and_column() {
    let cases = [
        ("A=1\nnot an assignment\n", ".env.test:2:1:"),
        ("A=1\n  1BAD=x\n", ".env.test:2:3:"),
        ("A=\"open\nB=2\n", ".env.test:1:3:"),
        ("A='x' trailing\n", ".env.test:1:6:"),
        ("\u{feff}=x\n", ".env.test:1:2:"),
    ];
    for (text, want) in cases {
        let err = read(Path::new(".env.test"), text).unwrap_err();
        assert_eq!(err.kind, crate::Kind::Usage, "{text:?}");
        assert!(err.message.starts_with(want), "{text:?}: {}", err.message);
    }
}

#[test]
fn read_never_puts_a_value_in_an_error() {
    let err = read(Path::new(".env"), "K=\"sk_test_FAKEERR000001\" junk\n").unwrap_err();
    assert!(!err.message.contains("FAKEERR"), "{}", err.message);
    let err = read(Path::new(".env"), "K=\"sk_test_FAKEERR000001").unwrap_err();
    assert!(!err.message.contains("FAKEERR"), "{}", err.message);
}

#[test]
fn references_parse_only_when_well_formed() {
    assert_eq!(
        parse_reference("stack://workos/WORKOS_API_KEY"),
        Some(("workos", "WORKOS_API_KEY"))
    );
    for bad in [
        "stack://workos",
        "stack:///KEY",
        "stack://WorkOS/KEY",
        "stack://workos/KEY/x",
        "stack://workos/",
        "workos/KEY",
    ] {
        assert_eq!(parse_reference(bad), None, "{bad}");
    }
}

#[test]
fn edits_keep_bare_carriage_return_line_endings() {
    let mut e = env("A=1\rK=old\rB=2\r");
    assert_eq!(e.get("B"), Line::Plain("2".into()));
    assert!(e.set_reference("K", "stack://x/K", None, true));
    assert!(e.set_reference("N", "stack://x/N", None, false));
    assert_eq!(e.render(), "A=1\rK=stack://x/K\rB=2\rN=stack://x/N\n");
    assert_eq!(e.line_of("B"), Some(3));
    let mut e = env("'K'=old\n");
    assert!(e.set_reference("K", "stack://x/K", None, true));
    assert_eq!(e.render(), "K=stack://x/K\n");
}

#[test]
fn escaped_values_compare_unescaped_when_replaced() {
    let mut e = env("K=\"a\\$b\"\n");
    assert_eq!(e.get("K"), Line::Plain("a$b".into()));
    assert!(e.set_reference("K", "stack://x/K", Some("a$b"), false));
    assert_eq!(e.render(), "K=stack://x/K\n");
    assert_eq!(env("A=1\n\nB=2\nA=3\n").line_of("A"), Some(4));
}
