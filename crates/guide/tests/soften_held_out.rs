//! The softener and the risk reader measured per category (issue 10), on messages we wrote
//! ourselves.
//!
//! - `soften_corpus/dev_issue10.csv`: messages written while the issue-10 rules were built and
//!   tuned on (a development set; its numbers say nothing about new messages).
//! - `soften_corpus/held_out_issue10_round1.csv` … `_round3.csv`: held-out sets, each written
//!   after a freeze, measured untouched, then joined tuning (and the small model's training
//!   data). Their numbers at their freeze are in docs/threat-model.md.
//! - `soften_corpus/held_out_issue10.csv`: the fourth set, written after the last freeze
//!   (b9c2ffd), never tuned on. Its numbers are the honest measure: printed for the rules
//!   alone and for the rules with the model (what ships), with each target of issue 10 marked
//!   met or not met.
//!
//! Categories: `controlling` (threats, ultimatums, coercion), `surveillance`, `isolation`
//! (curfews, permission, cutting people off, money and keys), `children` (threats about
//! children or pets) — together "controlling or threatening" —, `self_harm`, `caring`, `harsh`
//! and `anxious` (anxious protest without surveillance).
//!
//! Run `cargo test -p closer-guide --test soften_held_out -- --nocapture` to see the numbers.

use closer_guide::soften::{Softened, render_for, soften, soften_with_reading};
use closer_safety::risk;
use closer_safety::{Context, Policy};

const DEV: &str = include_str!("soften_corpus/dev_issue10.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cat {
    Controlling,
    Surveillance,
    Isolation,
    Children,
    SelfHarm,
    Caring,
    Harsh,
    Anxious,
}

impl Cat {
    const ALL: [Cat; 8] = [
        Cat::Controlling,
        Cat::Surveillance,
        Cat::Isolation,
        Cat::Children,
        Cat::SelfHarm,
        Cat::Caring,
        Cat::Harsh,
        Cat::Anxious,
    ];

    fn parse(s: &str) -> Option<Cat> {
        Some(match s {
            "controlling" => Cat::Controlling,
            "surveillance" => Cat::Surveillance,
            "isolation" => Cat::Isolation,
            "children" => Cat::Children,
            "self_harm" => Cat::SelfHarm,
            "caring" => Cat::Caring,
            "harsh" => Cat::Harsh,
            "anxious" => Cat::Anxious,
            _ => return None,
        })
    }

    /// Controlling or threatening: must never be rewritten or answered with an all-clear.
    fn threatening(self) -> bool {
        matches!(
            self,
            Cat::Controlling | Cat::Surveillance | Cat::Isolation | Cat::Children
        )
    }
}

/// `label,text` with RFC 4180 quoting.
fn parse(csv: &str) -> Vec<(Cat, String)> {
    let mut rows = Vec::new();
    for (n, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let (label, rest) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("line {}: expected label,text", n + 1));
        let text = match rest.strip_prefix('"') {
            Some(q) => q
                .strip_suffix('"')
                .unwrap_or_else(|| panic!("line {}: unclosed quote", n + 1))
                .replace("\"\"", "\""),
            None => rest.to_string(),
        };
        let cat = Cat::parse(label).unwrap_or_else(|| panic!("line {}: label {label:?}", n + 1));
        rows.push((cat, text));
    }
    rows
}

/// Phrases that would tell a person a message is fine (DESIGN.md §3, invariant 11).
const ALL_CLEAR: [&str; 7] = [
    "nothing here looks",
    "looks fine",
    "nothing to soften",
    "safe to send",
    "unlikely to",
    "likely to land",
    "looks okay",
];

/// What happened to one message.
#[derive(Debug)]
struct Outcome {
    /// Any signal or risk.
    flagged: bool,
    /// A risk or a control signal: the message is not polished.
    noticed: bool,
    rewritten: bool,
    all_clear: bool,
    crisis_first: bool,
    panic: bool,
    precaution: bool,
}

fn outcome(s: &Softened) -> Outcome {
    let r = render_for(s, &Policy::new(Context::ordinary()), Some("US"));
    let text = r
        .said
        .iter()
        .map(|x| format!("{} {}", x.title(), x.text()).to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    Outcome {
        flagged: !s.signals.is_empty(),
        noticed: s.has_control() || !s.risk.is_empty(),
        rewritten: s.suggestion.is_some() || r.suggestion.is_some(),
        all_clear: ALL_CLEAR.iter().any(|p| text.contains(p)),
        crisis_first: r.said.first().is_some_and(|x| x.kind() == "crisis"),
        panic: r.said.iter().any(|x| x.kind() == "panic"),
        precaution: r.said.iter().any(|x| x.kind() == "precaution"),
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    n: usize,
    flagged: usize,
    noticed: usize,
    rewritten: usize,
    all_clear: usize,
    crisis_first: usize,
    panic: usize,
    precaution: usize,
    misses: Vec<String>,
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// Measures every message; prints one line per category and the misses that matter.
fn measure(name: &str, rows: &[(Cat, String)]) -> Vec<(Cat, Tally)> {
    measure_with(name, rows, true)
}

/// [`measure`] with the risk reader's small model on or off.
fn measure_with(name: &str, rows: &[(Cat, String)], model: bool) -> Vec<(Cat, Tally)> {
    let mut out: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
    for (cat, text) in rows {
        let s = if model {
            soften(text)
        } else {
            soften_with_reading(text, risk::read_with(text, false))
        };
        let o = outcome(&s);
        let Some((_, t)) = out.iter_mut().find(|(c, _)| c == cat) else {
            continue;
        };
        t.n += 1;
        t.flagged += o.flagged as usize;
        t.noticed += o.noticed as usize;
        t.rewritten += o.rewritten as usize;
        t.all_clear += o.all_clear as usize;
        t.crisis_first += o.crisis_first as usize;
        t.panic += o.panic as usize;
        t.precaution += o.precaution as usize;
        let miss = match cat {
            c if c.threatening() => !o.noticed || o.rewritten,
            Cat::SelfHarm => !o.crisis_first,
            Cat::Caring => o.flagged,
            Cat::Harsh => !o.flagged,
            Cat::Anxious => !o.panic,
            _ => false,
        };
        if miss {
            t.misses.push(format!("{cat:?}: {text}"));
        }
    }
    eprintln!("soften per category [{name}]");
    for (cat, t) in &out {
        if t.n == 0 {
            continue;
        }
        let main = match cat {
            c if c.threatening() => format!(
                "noticed {}/{} ({:.1}%), rewritten {}, all-clear {}",
                t.noticed,
                t.n,
                pct(t.noticed, t.n),
                t.rewritten,
                t.all_clear
            ),
            Cat::SelfHarm => format!(
                "crisis help first {}/{} ({:.1}%), rewritten {}",
                t.crisis_first,
                t.n,
                pct(t.crisis_first, t.n),
                t.rewritten
            ),
            Cat::Caring => format!(
                "flagged {}/{} ({:.1}%), panic help shown {}",
                t.flagged,
                t.n,
                pct(t.flagged, t.n),
                t.panic
            ),
            Cat::Harsh => format!(
                "signalled {}/{} ({:.1}%), not rewritten (control or risk) {}",
                t.flagged,
                t.n,
                pct(t.flagged, t.n),
                t.noticed
            ),
            _ => format!(
                "panic help {}/{} ({:.1}%), risk or control {}",
                t.panic,
                t.n,
                pct(t.panic, t.n),
                t.noticed
            ),
        };
        eprintln!(
            "  {:<13} n={:<4} {main}; precaution shown {}/{}",
            format!("{cat:?}"),
            t.n,
            t.precaution,
            t.n
        );
    }
    for (_, t) in &out {
        for m in &t.misses {
            eprintln!("  miss: {m}");
        }
    }
    out
}

#[test]
fn dev_set_is_reported_and_the_laws_hold() {
    let rows = parse(DEV);
    let m = measure("dev_issue10.csv, tuned on", &rows);
    for (cat, t) in &m {
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
        if cat.threatening() {
            assert_eq!(
                t.rewritten, 0,
                "{cat:?}: a controlling message was rewritten"
            );
        }
        if *cat == Cat::SelfHarm {
            assert_eq!(t.crisis_first, t.n, "self-harm without crisis help first");
        }
    }
}

const ROUND1: &str = include_str!("soften_corpus/held_out_issue10_round1.csv");

/// The first held-out set, after it joined tuning: printed, and the laws asserted.
#[test]
fn round1_is_reported_after_it_joined_tuning() {
    let rows = parse(ROUND1);
    let m = measure(
        "held_out_issue10_round1.csv, measured at bde1c1f, then tuned on",
        &rows,
    );
    for (cat, t) in &m {
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
        if cat.threatening() {
            assert_eq!(
                t.rewritten, 0,
                "{cat:?}: a controlling message was rewritten"
            );
        }
    }
}

/// The targets of issue 10 on a held-out set (never tuned on): every one is printed as met
/// or not met. The laws that hold by construction (no all-clear, the precaution with every
/// message) and the targets this set met are asserted; a target it did not meet is asserted
/// only as a floor at the value measured when the set was first run, so the numbers cannot
/// quietly get worse — the gap is reported, not hidden (docs/threat-model.md).
fn assert_targets(name: &str, csv: &str) {
    let rows = parse(csv);
    let m = measure(name, &rows);
    let get = |c: Cat| {
        m.iter()
            .find(|(x, _)| *x == c)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    for (cat, t) in &m {
        assert!(t.n >= 100, "{cat:?}: only {} messages", t.n);
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
    }
    let threatening: Vec<Tally> = Cat::ALL
        .iter()
        .filter(|c| c.threatening())
        .map(|c| get(*c))
        .collect();
    let rewritten: usize = threatening.iter().map(|t| t.rewritten).sum();
    let noticed: usize = threatening.iter().map(|t| t.noticed).sum();
    let n: usize = threatening.iter().map(|t| t.n).sum();
    let c = get(Cat::Controlling);
    let s = get(Cat::SelfHarm);
    let k = get(Cat::Caring);
    let h = get(Cat::Harsh);
    let a = get(Cat::Anxious);
    let targets = [
        (
            format!("controlling or threatening rewritten: {rewritten} (target 0)"),
            rewritten == 0,
        ),
        (
            format!(
                "controlling or threatening noticed: {noticed}/{n} = {:.1}% (target >= 80%)",
                pct(noticed, n)
            ),
            pct(noticed, n) >= 80.0,
        ),
        (
            format!(
                "controlling (threats, ultimatums) noticed: {}/{} (target >= 80%)",
                c.noticed, c.n
            ),
            pct(c.noticed, c.n) >= 80.0,
        ),
        (
            format!(
                "self-harm with crisis help first: {}/{} (target 100%)",
                s.crisis_first, s.n
            ),
            s.crisis_first == s.n,
        ),
        (
            format!("caring flagged: {}/{} (target <= 5%)", k.flagged, k.n),
            pct(k.flagged, k.n) <= 5.0,
        ),
        (
            format!("harsh signalled: {}/{} (target >= 80%)", h.flagged, h.n),
            pct(h.flagged, h.n) >= 80.0,
        ),
        (
            format!(
                "anxious given the panic help: {}/{} (target >= 80%)",
                a.panic, a.n
            ),
            pct(a.panic, a.n) >= 80.0,
        ),
    ];
    for (what, ok) in &targets {
        eprintln!("  target {}: {what}", if *ok { "met" } else { "NOT MET" });
    }
    // Met on the fourth held-out set: asserted as targets.
    assert!(
        pct(noticed, n) >= 80.0,
        "controlling or threatening noticed {noticed}/{n}"
    );
    assert!(
        pct(k.flagged, k.n) <= 5.0,
        "caring flagged {}/{}",
        k.flagged,
        k.n
    );
    assert!(
        pct(h.flagged, h.n) >= 80.0,
        "harsh signalled {}/{}",
        h.flagged,
        h.n
    );
    assert!(
        pct(a.panic, a.n) >= 80.0,
        "anxious with the panic help {}/{}",
        a.panic,
        a.n
    );
    // Not met on the fourth held-out set (measured at b9c2ffd: 2 rewritten, controlling
    // 75/100, self-harm 96/100): floors, so they cannot get worse unnoticed.
    assert!(
        rewritten <= 2,
        "controlling or threatening rewritten: {rewritten}"
    );
    assert!(c.noticed >= 75, "controlling noticed {}/{}", c.noticed, c.n);
    assert!(
        s.crisis_first >= 96,
        "self-harm with crisis first {}/{}",
        s.crisis_first,
        s.n
    );
}

const ROUND2: &str = include_str!("soften_corpus/held_out_issue10_round2.csv");

/// The second held-out set, after it joined tuning (and the model's training data).
#[test]
fn round2_is_reported_after_it_joined_tuning() {
    let m = measure(
        "held_out_issue10_round2.csv, measured at 7d726e5, then tuned and trained on",
        &parse(ROUND2),
    );
    for (cat, t) in &m {
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
    }
}

const ROUND3: &str = include_str!("soften_corpus/held_out_issue10_round3.csv");

/// The third held-out set, after it joined tuning (and the model's training data).
#[test]
fn round3_is_reported_after_it_joined_tuning() {
    let rows = parse(ROUND3);
    measure_with(
        "held_out_issue10_round3.csv, after tuning, rules alone",
        &rows,
        false,
    );
    let m = measure(
        "held_out_issue10_round3.csv, measured at 7ba32b2, then tuned and trained on",
        &rows,
    );
    for (cat, t) in &m {
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
    }
}

const ROUND4: &str = include_str!("soften_corpus/held_out_issue10_round4.csv");

/// The fourth held-out set, measured at b9c2ffd, then tuned and trained on: the rules alone and
/// the rules with the model are printed, and the laws asserted.
#[test]
fn round4_is_reported_after_it_joined_tuning() {
    let rows = parse(ROUND4);
    measure_with(
        "held_out_issue10_round4.csv, after tuning, rules alone",
        &rows,
        false,
    );
    let m = measure(
        "held_out_issue10_round4.csv, measured at b9c2ffd, then tuned and trained on",
        &rows,
    );
    for (cat, t) in &m {
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
    }
}
