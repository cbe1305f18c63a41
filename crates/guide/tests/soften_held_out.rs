//! The softener and the risk reader measured per category (issue 10), on messages we wrote
//! ourselves.
//!
//! - `soften_corpus/dev_issue10.csv`: messages written while the issue-10 rules were built and
//!   tuned on (a development set; its numbers say nothing about new messages).
//! - `soften_corpus/held_out_issue10_round1.csv` … `_round6.csv`: held-out sets, each written
//!   after a freeze, measured untouched, then joined tuning (and the small model's training
//!   data). Their numbers at their freeze are in docs/threat-model.md.
//! - `soften_corpus/held_out_issue10.csv` (when present): the next round, 800 messages written by
//!   someone who never saw the rules, copied in and read only after a freeze commit, never
//!   tuned on. Its numbers are the honest measure: printed for the rules alone and for the rules
//!   with the model (what ships), with each target of issue 10 marked met or not met.
//!
//! "Rewritten" is checked for every message of every category: the output may hold nothing of
//! the message but the message itself, shown back as typed, and the matched words quoted before
//! one of our own texts (`closer_guide::soften::catalogue`).
//!
//! Categories: `controlling` (threats, ultimatums, coercion), `surveillance`, `isolation`
//! (curfews, permission, cutting people off, money and keys), `children` (threats about
//! children or pets) — together "controlling or threatening" —, `self_harm`, `caring`, `harsh`
//! and `anxious` (anxious protest without surveillance).
//!
//! Run `cargo test -p closer-guide --test soften_held_out -- --nocapture` to see the numbers.

use closer_guide::soften::{
    Rendered, Softened, catalogue, render_for, soften, soften_with_reading,
};
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
    /// The first thing shown is crisis help with the region's crisis number: the full crisis
    /// block, or the short line that opens every result.
    crisis_first: bool,
    /// The first thing shown is the full crisis block: the risk reader recognised self-harm (or
    /// was unsure) — the detection recall.
    crisis_path: bool,
    panic: bool,
    precaution: bool,
}

/// True when the output holds anything of the message other than the message itself, shown
/// back exactly as typed (`yours`), and the words a rule matched, quoted as typed before one of
/// our explanations: every other text must be one of the softener's own ([`catalogue`]). This is
/// how "never a rewrite" is checked for every message of every category.
fn rewritten(text: &str, s: &Softened, r: &Rendered, catalogue: &[String]) -> bool {
    if r.yours != text {
        return true;
    }
    let matched: Vec<&str> = s
        .signals
        .iter()
        .map(|x| x.words.as_str())
        .chain(s.risk.risks.iter().map(|x| x.words.as_str()))
        .collect();
    !r.said.iter().all(|said| {
        let t = said.text();
        catalogue.iter().any(|c| {
            if t == c {
                return true;
            }
            let Some(quotes) = t
                .strip_suffix(c.as_str())
                .and_then(|q| q.strip_suffix(" \u{2014} "))
            else {
                return false;
            };
            // What is left must be only matched words, each quoted, joined by ", ".
            let mut rest = quotes.to_string();
            let mut words = matched.clone();
            words.sort_by_key(|w| std::cmp::Reverse(w.len()));
            for w in words {
                rest = rest.replace(&format!("\u{201C}{w}\u{201D}"), "");
            }
            rest.replace(", ", "").is_empty()
        })
    })
}

fn outcome(text: &str, s: &Softened, catalogue: &[String]) -> Outcome {
    let r = render_for(s, &Policy::new(Context::ordinary()), Some("US"));
    let all = r
        .said
        .iter()
        .map(|x| format!("{} {}", x.title(), x.text()).to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    Outcome {
        flagged: !s.signals.is_empty(),
        noticed: s.has_control() || !s.risk.is_empty(),
        rewritten: rewritten(text, s, &r, catalogue),
        all_clear: ALL_CLEAR.iter().any(|p| all.contains(p)),
        crisis_first: r.said.first().is_some_and(|x| {
            matches!(x.kind(), "crisis" | "crisis-line") && x.text().contains("988")
        }),
        crisis_path: r.said.first().is_some_and(|x| x.kind() == "crisis"),
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
    crisis_path: usize,
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
    let catalogue = catalogue(Some("US"));
    for (cat, text) in rows {
        let s = if model {
            soften(text)
        } else {
            soften_with_reading(text, risk::read_with(text, false))
        };
        let o = outcome(text, &s, &catalogue);
        let Some((_, t)) = out.iter_mut().find(|(c, _)| c == cat) else {
            continue;
        };
        t.n += 1;
        t.flagged += o.flagged as usize;
        t.noticed += o.noticed as usize;
        t.rewritten += o.rewritten as usize;
        t.all_clear += o.all_clear as usize;
        t.crisis_first += o.crisis_first as usize;
        t.crisis_path += o.crisis_path as usize;
        t.panic += o.panic as usize;
        t.precaution += o.precaution as usize;
        let miss = o.rewritten
            || match cat {
                c if c.threatening() => !o.noticed,
                Cat::SelfHarm => !o.crisis_first || !o.crisis_path,
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
                "led by crisis help {}/{} ({:.1}%), recognised (full crisis path) {}/{} ({:.1}%), rewritten {}",
                t.crisis_first,
                t.n,
                pct(t.crisis_first, t.n),
                t.crisis_path,
                t.n,
                pct(t.crisis_path, t.n),
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

/// The laws that hold by construction, for every category: no all-clear, the precaution with
/// every message, never a rewrite (invariant 12), and crisis help first for every message of
/// every category (the short line or the full block, with the region's crisis number).
fn assert_laws(m: &[(Cat, Tally)]) {
    for (cat, t) in m {
        assert_eq!(
            t.crisis_first, t.n,
            "{cat:?}: a message not led by crisis help"
        );
        assert_eq!(t.all_clear, 0, "{cat:?}: an all-clear");
        assert_eq!(
            t.precaution, t.n,
            "{cat:?}: a message without the precaution"
        );
        assert_eq!(t.rewritten, 0, "{cat:?}: a message was rewritten");
    }
}

#[test]
fn dev_set_is_reported_and_the_laws_hold() {
    let m = measure("dev_issue10.csv, tuned on", &parse(DEV));
    assert_laws(&m);
    let s = m.iter().find(|(c, _)| *c == Cat::SelfHarm).unwrap();
    assert_eq!(
        s.1.crisis_first, s.1.n,
        "self-harm without crisis help first"
    );
}

const ROUNDS: [(&str, &str); 6] = [
    (
        "held_out_issue10_round1.csv, measured at bde1c1f, then tuned on",
        include_str!("soften_corpus/held_out_issue10_round1.csv"),
    ),
    (
        "held_out_issue10_round2.csv, measured at 7d726e5, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round2.csv"),
    ),
    (
        "held_out_issue10_round3.csv, measured at 7ba32b2, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round3.csv"),
    ),
    (
        "held_out_issue10_round4.csv, measured at b9c2ffd, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round4.csv"),
    ),
    (
        "held_out_issue10_round5.csv, measured at 210b07f, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round5.csv"),
    ),
    (
        "held_out_issue10_round6.csv, measured at b037e78, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round6.csv"),
    ),
];

/// The earlier held-out sets, after they joined tuning (and the model's training data): the
/// rules alone and the rules with the model are printed, and the laws asserted. Their numbers
/// say little about new messages; each set's numbers at its own freeze are in
/// docs/threat-model.md.
#[test]
fn earlier_rounds_are_reported_after_they_joined_tuning() {
    for (name, csv) in ROUNDS {
        let rows = parse(csv);
        measure_with(&format!("{name}; rules alone"), &rows, false);
        let m = measure(name, &rows);
        assert_laws(&m);
        targets(&m);
    }
}

/// The targets of issue 10 on a held-out set (never tuned on): every one is printed as met
/// or not met, and returned with what was measured.
fn targets(m: &[(Cat, Tally)]) -> Vec<(String, bool)> {
    let get = |c: Cat| {
        m.iter()
            .find(|(x, _)| *x == c)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let threatening: Vec<Tally> = Cat::ALL
        .iter()
        .filter(|c| c.threatening())
        .map(|c| get(*c))
        .collect();
    let rewritten: usize = m.iter().map(|(_, t)| t.rewritten).sum();
    let noticed: usize = threatening.iter().map(|t| t.noticed).sum();
    let n: usize = threatening.iter().map(|t| t.n).sum();
    let c = get(Cat::Controlling);
    let s = get(Cat::SelfHarm);
    let k = get(Cat::Caring);
    let h = get(Cat::Harsh);
    let a = get(Cat::Anxious);
    let out = vec![
        (
            format!("rewritten, any category: {rewritten} (target 0)"),
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
                "self-harm led by crisis help: {}/{} (target 100%)",
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
    for (what, ok) in &out {
        eprintln!("  target {}: {what}", if *ok { "met" } else { "NOT MET" });
    }
    eprintln!(
        "  measured: self-harm recognised (full crisis path, the detection recall): {}/{} = {:.1}%",
        s.crisis_path,
        s.n,
        pct(s.crisis_path, s.n)
    );
    out
}

/// Leave-one-round-out cross-validation of the whole softener over the earlier held-out rounds
/// (1–6): for each round the risk reader's small model is trained without that round's
/// messages (`closer_safety::risk::model::Model::train`) and the round is measured with every
/// target printed. The rules were tuned on these rounds, so the numbers are optimistic for the
/// rules and honest only for the model's part; the per-category totals are printed last.
/// `cargo test -p closer-guide --test soften_held_out loro -- --ignored --nocapture`.
#[test]
#[ignore]
fn loro_cross_validation_over_the_earlier_rounds() {
    use closer_safety::risk::model;
    let catalogue = catalogue(Some("US"));
    let mut total: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
    for (name, csv) in ROUNDS {
        let rows = parse(csv);
        let texts: std::collections::HashSet<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
        let train: String = model::TRAINING_CSV
            .lines()
            .filter(|l| {
                let t = l.split_once(',').map(|(_, r)| r).unwrap_or("");
                let t = t
                    .strip_prefix('"')
                    .and_then(|q| q.strip_suffix('"'))
                    .map(|q| q.replace("\"\"", "\""))
                    .unwrap_or(t.to_string());
                !texts.contains(t.as_str())
            })
            .collect::<Vec<_>>()
            .join("\n");
        let m = model::Model::train(&train);
        let mut per: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
        for (cat, text) in &rows {
            let s = soften_with_reading(text, risk::read_using(text, Some((&m, &model::PARAMS))));
            let o = outcome(text, &s, &catalogue);
            for tallies in [&mut per, &mut total] {
                let Some((_, t)) = tallies.iter_mut().find(|(c, _)| c == cat) else {
                    continue;
                };
                t.n += 1;
                t.flagged += o.flagged as usize;
                t.noticed += o.noticed as usize;
                t.rewritten += o.rewritten as usize;
                t.crisis_first += o.crisis_first as usize;
                t.crisis_path += o.crisis_path as usize;
                t.panic += o.panic as usize;
                t.precaution += o.precaution as usize;
            }
            if std::env::var("SHOW").is_ok_and(|c| c == format!("{cat:?}")) {
                let miss = match cat {
                    c if c.threatening() => !o.noticed,
                    Cat::SelfHarm => !o.crisis_path,
                    Cat::Caring => o.flagged,
                    Cat::Harsh => !o.flagged,
                    _ => !o.panic,
                };
                if miss {
                    eprintln!(
                        "   {cat:?}: {text} {:?}",
                        s.signals.iter().map(|x| &x.rule).collect::<Vec<_>>()
                    );
                }
            }
        }
        eprintln!("LORO {name}:");
        targets(&per);
    }
    eprintln!("LORO total over rounds 1–6:");
    for (cat, t) in &total {
        let v = match cat {
            c if c.threatening() => t.noticed,
            Cat::SelfHarm => t.crisis_path,
            Cat::Caring | Cat::Harsh => t.flagged,
            _ => t.panic,
        };
        eprintln!("  {cat:?}: {v}/{} ({:.1}%)", t.n, pct(v, t.n));
    }
}

const HELD_OUT: &str = include_str!("soften_corpus/held_out_issue10.csv");

/// The seventh held-out set (`held_out_issue10.csv`, round 7): 800 new messages written by a new
/// writer who never saw the rules, copied in and read only after the freeze commit a0103a5 and
/// never tuned on. The rules alone and the rules with the small model (what ships) are printed;
/// every target of issue 10 is printed as met or not met, and the self-harm detection recall
/// (full crisis path) beside "led by crisis help". The laws that hold by construction (no
/// rewrite in any category, no all-clear, the precaution and crisis help first with every
/// message) are asserted; a target this set did not meet is asserted only as a floor at the
/// value measured when it was first run, so the numbers cannot quietly get worse — the gap is
/// reported, not hidden (docs/threat-model.md).
#[test]
fn held_out_issue10_round7_is_measured_untouched() {
    let rows = parse(HELD_OUT);
    measure_with("held_out_issue10.csv (round 7), rules alone", &rows, false);
    let m = measure(
        "held_out_issue10.csv (round 7), rules and model, never tuned on",
        &rows,
    );
    for (cat, t) in &m {
        assert!(t.n >= 100, "{cat:?}: only {} messages", t.n);
    }
    assert_laws(&m);
    let t = targets(&m);
    let get = |c: Cat| {
        m.iter()
            .find(|(x, _)| *x == c)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    // Met on round 7 (measured after the freeze a0103a5): asserted as targets. (Rewritten = 0
    // and crisis help first for every message are laws, asserted above for every category.)
    assert!(t[0].1, "{}", t[0].0);
    assert!(t[1].1, "{}", t[1].0);
    assert!(t[2].1, "{}", t[2].0);
    assert!(t[3].1, "{}", t[3].0);
    // Not met on round 7 (caring flagged 22/100, harsh signalled 71/100, anxious given the
    // panic help 74/100), and the self-harm detection recall (full crisis path 86/100): floors
    // at the measured values, printed NOT MET above, so they cannot get worse unnoticed.
    let (s, k, h, a) = (
        get(Cat::SelfHarm),
        get(Cat::Caring),
        get(Cat::Harsh),
        get(Cat::Anxious),
    );
    assert_eq!(s.crisis_first, s.n, "self-harm led by crisis help");
    assert!(
        s.crisis_path >= 86,
        "self-harm on the full crisis path {}/{}",
        s.crisis_path,
        s.n
    );
    assert!(k.flagged <= 22, "caring flagged {}/{}", k.flagged, k.n);
    assert!(h.flagged >= 71, "harsh signalled {}/{}", h.flagged, h.n);
    assert!(
        a.panic >= 74,
        "anxious with the panic help {}/{}",
        a.panic,
        a.n
    );
}
