//! Randomized inputs for the `.env` reader and editor: never a panic, and an edit changes
//! the edited line only. Briefly in the test suite; at length by scripts/fuzz.sh
//! (`STACK_FUZZ_SEED`, `STACK_FUZZ_CASES`).

use std::path::Path;

use stack::dotenv::{self, DotEnv, Line};

/// xorshift64*: a seeded generator so a failure reproduces.
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
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn budget() -> (u64, usize) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    (
        var("STACK_FUZZ_SEED").unwrap_or(0xd07e_2b0f_5eed_0001),
        var("STACK_FUZZ_CASES").map_or(2000, |c| c as usize),
    )
}

/// A line from pieces that dotenv files really hold, and some that break them.
fn line(rng: &mut Rng) -> String {
    let key = rng.pick(&[
        "A",
        "WORKOS_API_KEY",
        "export B",
        "  C",
        "1BAD",
        "",
        "D.E",
        "ü",
    ]);
    let eq = rng.pick(&["=", " = ", "", "=="]);
    let value = rng.pick(&[
        "plain",
        "\"double \\\" quoted\"",
        "'single'",
        "\"multi\nline\"",
        "\"open",
        "stack://workos/WORKOS_API_KEY",
        "x # comment",
        "",
        "\t",
        "\u{0}",
        "'unterminated",
    ]);
    let end = rng.pick(&["\n", "\r\n", "", "\n\n", " # trailing\n"]);
    format!("{key}{eq}{value}{end}")
}

#[test]
fn random_dotenv_files_never_panic_and_edits_touch_one_line() {
    let (seed, cases) = budget();
    let mut rng = Rng(seed);
    let path = Path::new(".env");
    for case in 0..cases {
        let text: String = (0..rng.below(8)).map(|_| line(&mut rng)).collect();
        let _ = dotenv::read(path, &text);
        let Ok(mut file) = DotEnv::parse(path, &text) else {
            continue;
        };
        let key = rng.pick(&["A", "WORKOS_API_KEY", "NEW_KEY"]);
        let before: Vec<Line> = ["A", "B", "C", "WORKOS_API_KEY", "NEW_KEY"]
            .iter()
            .map(|k| file.get(k))
            .collect();
        let reference = "stack://workos/WORKOS_API_KEY";
        let changed = file.set_reference(key, reference, None, rng.below(2) == 0);
        let edited = DotEnv::parse(path, file.render())
            .unwrap_or_else(|e| panic!("seed {seed:#x} case {case}: edit broke {text:?}: {e:?}"));
        for (k, old) in ["A", "B", "C", "WORKOS_API_KEY", "NEW_KEY"]
            .iter()
            .zip(before)
        {
            let now = edited.get(k);
            if *k == key && changed {
                assert_eq!(
                    now,
                    Line::Reference(reference.into()),
                    "seed {seed:#x} case {case}: {text:?} became {:?}",
                    file.render()
                );
            } else {
                assert_eq!(now, old, "seed {seed:#x} case {case}: {k} in {text:?}");
            }
        }
    }
}
