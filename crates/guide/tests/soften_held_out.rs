//! The softener and the risk reader measured per category (issue 10), on messages we wrote
//! ourselves.
//!
//! - `soften_corpus/dev_issue10.csv`: messages written while the issue-10 rules were built and
//!   tuned on (a development set; its numbers say nothing about new messages).
//! - `soften_corpus/held_out_issue10_round1.csv` … `_round14.csv`: held-out sets, each written
//!   by a new writer after a freeze, measured untouched, then joined tuning (rounds 1–12 also
//!   the small models' training data; 13 and 14, read at the freeze that ships, are not).
//!   Their numbers at their freeze are in docs/threat-model.md.
//! - `soften_corpus/held_out_issue10.csv` (when present): the next round, written by someone
//!   who never saw the rules, copied in and read only after a freeze commit, never tuned on. It
//!   is read at run time ([`held_out_next_round_is_measured_untouched`]); its numbers are the
//!   honest measure: printed for the rules alone and for what ships, with each target of issue
//!   10 marked met or not met.
//! - Leave-one-round-out cross-validation over rounds 1–14 ([`loro_cross_validation`]): each
//!   round is a different writer; both small models (the risk reader's and the softener's tone
//!   model) are retrained without the round they read, the tone model's margins chosen inside
//!   the fold. This is how every change to the reader is judged.
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
    Rendered, Softened, catalogue, render_for, rules as soften_rules, soften_with_rules, tone,
};
use closer_safety::risk::{self, model};
use closer_safety::{Context, Policy};
use std::collections::HashSet;

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

impl Tally {
    fn add(&mut self, o: &Outcome) {
        self.n += 1;
        self.flagged += o.flagged as usize;
        self.noticed += o.noticed as usize;
        self.rewritten += o.rewritten as usize;
        self.all_clear += o.all_clear as usize;
        self.crisis_first += o.crisis_first as usize;
        self.crisis_path += o.crisis_path as usize;
        self.panic += o.panic as usize;
        self.precaution += o.precaution as usize;
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// The rule files the tests read: the embedded ones, or, to try a change without a rebuild,
/// the files named by `RISK_TOML` and `SOFTEN_TOML` (paths), read at run time.
fn risk_rules() -> &'static risk::Rules {
    match std::env::var("RISK_TOML") {
        Ok(p) => Box::leak(Box::new(
            risk::Rules::parse(&std::fs::read_to_string(&p).expect("RISK_TOML"))
                .unwrap_or_else(|e| panic!("{e}")),
        )),
        Err(_) => risk::rules(),
    }
}

fn softener_rules() -> &'static soften_rules::Rules {
    match std::env::var("SOFTEN_TOML") {
        Ok(p) => Box::leak(Box::new(
            soften_rules::Rules::parse(&std::fs::read_to_string(&p).expect("SOFTEN_TOML"))
                .unwrap_or_else(|e| panic!("{e}")),
        )),
        Err(_) => soften_rules::rules(),
    }
}

/// How a message is read: the rule files, and the two small models or none.
#[derive(Clone, Copy)]
struct Reader<'a> {
    risk_rules: &'a risk::Rules,
    soften_rules: &'a soften_rules::Rules,
    risk_model: Option<(&'a model::Model, &'a model::Params)>,
    tone: Option<(&'a tone::Tone, &'a tone::ToneParams)>,
}

impl<'a> Reader<'a> {
    /// What ships (with the rule files of [`risk_rules`] and [`softener_rules`]).
    fn shipped() -> Reader<'static> {
        Reader {
            risk_rules: risk_rules(),
            soften_rules: softener_rules(),
            risk_model: Some((model::model(), &model::PARAMS)),
            tone: Some((tone::tone(), &tone::TONE_PARAMS)),
        }
    }

    /// The rules alone: no small model.
    fn rules_alone() -> Reader<'static> {
        Reader {
            risk_model: None,
            tone: None,
            ..Reader::shipped()
        }
    }

    fn soften(&self, text: &str) -> Softened {
        let reading = risk::read_with_rules(text, self.risk_rules, self.risk_model);
        soften_with_rules(
            text,
            reading,
            self.tone,
            self.risk_model
                .filter(|_| std::env::var("NO_SOFT_VETO").is_err()),
            self.soften_rules,
        )
    }
}

/// Measures every message; prints one line per category and the misses that matter.
fn measure(name: &str, rows: &[(Cat, String)]) -> Vec<(Cat, Tally)> {
    measure_with(name, rows, Reader::shipped())
}

/// [`measure`] with a given reader.
fn measure_with(name: &str, rows: &[(Cat, String)], reader: Reader) -> Vec<(Cat, Tally)> {
    let mut out: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
    let catalogue = catalogue(Some("US"));
    for (cat, text) in rows {
        let s = reader.soften(text);
        let o = outcome(text, &s, &catalogue);
        let Some((_, t)) = out.iter_mut().find(|(c, _)| c == cat) else {
            continue;
        };
        t.add(&o);
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
            t.misses.push(format!(
                "{cat:?}: {text} {:?}",
                s.signals
                    .iter()
                    .map(|x| x.rule.as_str())
                    .collect::<Vec<_>>()
            ));
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

const ROUNDS: [(&str, &str); 14] = [
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
    (
        "held_out_issue10_round7.csv, measured after the freeze a0103a5, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round7.csv"),
    ),
    (
        "held_out_issue10_round8.csv, measured after the freeze 566d6e9, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round8.csv"),
    ),
    (
        "held_out_issue10_round9.csv, measured after the freeze b0c2a7a, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round9.csv"),
    ),
    (
        "held_out_issue10_round10.csv, measured after the freeze 20baccc, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round10.csv"),
    ),
    (
        "held_out_issue10_round11.csv, measured after the freeze ffb4871, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round11.csv"),
    ),
    (
        "held_out_issue10_round12.csv, measured after the freeze e3ad020, then tuned and trained on",
        include_str!("soften_corpus/held_out_issue10_round12.csv"),
    ),
    (
        "held_out_issue10_round13.csv, measured after the freeze 988b9aa (not yet trained on)",
        include_str!("soften_corpus/held_out_issue10_round13.csv"),
    ),
    (
        "held_out_issue10_round14.csv, measured after the freeze 988b9aa (not yet trained on)",
        include_str!("soften_corpus/held_out_issue10_round14.csv"),
    ),
];

/// The earlier held-out sets, after they joined tuning (and the models' training data): the
/// rules alone and what ships are printed, and the laws asserted. Their numbers say little about
/// new messages (the leave-one-round-out study below is the honest guide); each set's numbers at
/// its own freeze are in docs/threat-model.md. Round 7's targets met at its freeze (a0103a5) —
/// nothing rewritten, controlling or threatening noticed, controlling noticed, self-harm led by
/// crisis help — stay asserted. Round 8 (800 messages by a writer who never saw the code, read
/// only after the freeze 566d6e9) met every target there but caring flagged (16/100): those
/// targets stay asserted, with the floors measured then (threatening noticed 374/400, harsh
/// 84/100, anxious given the panic help 97/100, self-harm recognised 84/100). Round 9 (800
/// messages by another new writer, read only after the freeze b0c2a7a) likewise met every
/// target but caring flagged (11/100); its floors: threatening noticed 364/400, harsh 94/100,
/// anxious given the panic help 98/100, self-harm recognised 85/100. Rounds 10–14 likewise
/// (each a new writer, read only after its freeze: 20baccc, ffb4871, e3ad020, and 988b9aa — the
/// reader that ships — for both 13 and 14); caring flagged 13, 7, 8, 3 and 6 of 100. Rounds 13
/// and 14 are in no training file, so what ships is what was measured. Each round's floors, as
/// measured at its freeze, are the table in the test below.
#[test]
fn earlier_rounds_are_reported_after_they_joined_tuning() {
    for (i, (name, csv)) in ROUNDS.iter().enumerate() {
        let rows = parse(csv);
        measure_with(
            &format!("{name}; rules alone"),
            &rows,
            Reader::rules_alone(),
        );
        let m = measure(name, &rows);
        assert_laws(&m);
        let t = targets(&m);
        if i == 6 {
            for (what, ok) in &t[..4] {
                assert!(ok, "round 7: {what}");
            }
        }
        // (round, threatening noticed, caring flagged at most, harsh, anxious, self-harm
        // recognised), measured at each round's freeze.
        for (r, thr, car, har, anx, shr) in [
            (8, 374, 16, 84, 97, 84),
            (9, 364, 11, 94, 98, 85),
            (10, 375, 13, 94, 95, 94),
            (11, 379, 7, 81, 94, 93),
            (12, 375, 8, 86, 96, 94),
            (13, 380, 3, 95, 96, 96),
            (14, 379, 6, 86, 98, 90),
        ] {
            if i + 1 != r {
                continue;
            }
            assert_eq!(rows.len(), 800, "round {r} holds 800 messages");
            for (what, ok) in &t {
                if !what.starts_with("caring") {
                    assert!(ok, "round {r}: {what}");
                }
            }
            let get = |c: Cat| {
                m.iter()
                    .find(|(x, _)| *x == c)
                    .map(|(_, t)| t.clone())
                    .unwrap()
            };
            let noticed: usize = Cat::ALL
                .iter()
                .filter(|c| c.threatening())
                .map(|c| get(*c).noticed)
                .sum();
            assert!(
                noticed >= thr,
                "round {r}: threatening noticed {noticed}/400"
            );
            assert!(get(Cat::Caring).flagged <= car, "round {r}: caring flagged");
            assert!(get(Cat::Harsh).flagged >= har, "round {r}: harsh");
            assert!(get(Cat::Anxious).panic >= anx, "round {r}: anxious");
            assert!(
                get(Cat::SelfHarm).crisis_path >= shr,
                "round {r}: self-harm recognised"
            );
        }
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

/// The five numbers the reader is judged by, for one fold or in total.
fn five(per: &[(Cat, Tally)]) -> String {
    let get = |c: Cat| {
        per.iter()
            .find(|(x, _)| *x == c)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let (mut noticed, mut n) = (0, 0);
    for c in Cat::ALL.iter().filter(|c| c.threatening()) {
        let t = get(*c);
        noticed += t.noticed;
        n += t.n;
    }
    let (k, h, a, s) = (
        get(Cat::Caring),
        get(Cat::Harsh),
        get(Cat::Anxious),
        get(Cat::SelfHarm),
    );
    format!(
        "caring flagged {}/{} ({:.1}%), harsh signalled {}/{} ({:.1}%), anxious panic help {}/{} ({:.1}%), threatening noticed {}/{} ({:.1}%), self-harm recognised {}/{} ({:.1}%)",
        k.flagged,
        k.n,
        pct(k.flagged, k.n),
        h.flagged,
        h.n,
        pct(h.flagged, h.n),
        a.panic,
        a.n,
        pct(a.panic, a.n),
        noticed,
        n,
        pct(noticed, n),
        s.crisis_path,
        s.n,
        pct(s.crisis_path, s.n)
    )
}

/// The risk model's margins: what ships, or `SHM=1.0 MODEL_KINDS=threat:3,children:7,...` to
/// try others; `VETO=6 CLAUSE=0` try other margins of the whole-message care veto (and
/// `NO_SOFT_VETO=1` keeps it off the softener's phrase rules in [`Reader::soften`]).
fn model_params() -> model::Params {
    let mut p = model::PARAMS;
    if let Ok(v) = std::env::var("CLAUSE") {
        p.clause_veto = v.parse().expect("CLAUSE");
    }
    if let Ok(v) = std::env::var("VETO") {
        p.caring_veto = v.parse().expect("VETO");
    }
    if let Ok(v) = std::env::var("SHM") {
        p.self_harm_margin = v.parse().expect("SHM");
    }
    if let Ok(v) = std::env::var("MODEL_KINDS") {
        let kinds: Vec<(risk::RiskKind, f64)> = v
            .split(',')
            .filter_map(|k| {
                let (k, m) = k.split_once(':')?;
                let kind = risk::RiskKind::ALL
                    .iter()
                    .copied()
                    .find(|x| x.as_str() == k)?;
                Some((kind, m.parse().ok()?))
            })
            .collect();
        p.kinds = Box::leak(kinds.into_boxed_slice());
    }
    p
}

/// Counts of what the small models alone read in one round: `[threatening noticed, threatening
/// n, self-harm, self-harm n, caring flagged by the risk model, caring n, harsh by tone, harsh
/// n, anxious by tone, anxious n, caring read as harsh by tone, caring read as anxious by tone]`.
#[derive(Default, Clone, Copy)]
struct Alone([usize; 12]);

impl Alone {
    fn add(&mut self, o: &Alone) {
        for i in 0..12 {
            self.0[i] += o.0[i];
        }
    }

    fn line(&self) -> String {
        let v = self.0;
        format!(
            "risk model alone: threatening noticed {}/{} ({:.1}%), self-harm {}/{} ({:.1}%), caring flagged {}/{} ({:.1}%); tone model alone: harsh {}/{} ({:.1}%), anxious {}/{} ({:.1}%), caring read as harsh {}/{}, as anxious {}/{}",
            v[0],
            v[1],
            pct(v[0], v[1]),
            v[2],
            v[3],
            pct(v[2], v[3]),
            v[4],
            v[5],
            pct(v[4], v[5]),
            v[6],
            v[7],
            pct(v[6], v[7]),
            v[8],
            v[9],
            pct(v[8], v[9]),
            v[10],
            v[5],
            v[11],
            v[5]
        )
    }
}

/// Leave-one-round-out cross-validation over the held-out rounds (1–14), each written by a
/// different writer (rounds 13 and 14 are in no training file, so their folds read them with
/// the models that ship): for each round, the risk reader's small model and the softener's tone
/// model are retrained without that round's messages (the tone model's margins chosen inside
/// the fold, by leaving out each remaining round in turn: [`tone::choose_params`]), and the
/// round is read with them. Per fold and in total it prints the five numbers the reader is
/// judged by (caring flagged, harsh signalled, anxious given the panic help, threatening
/// noticed, self-harm recognised) and every target; then what the two models read alone. The
/// rules were tuned on every round, so the whole reader's numbers are optimistic; the models'
/// own numbers are honest.
///
/// `cargo test -p closer-guide --test soften_held_out loro -- --ignored --nocapture`
/// (`SHOW=Caring` lists one category's misses; `NO_TONE=1`, `NO_MODEL=1` leave a model out;
/// `RISK_TOML=path`, `SOFTEN_TOML=path` try other rule files without a rebuild).
#[test]
#[ignore]
fn loro_cross_validation() {
    let catalogue = catalogue(Some("US"));
    let base = Reader::shipped();
    let tone_rows = tone::rows(tone::TONE_TRAINING_CSV);
    let mut total: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
    let mut alone_total = Alone::default();
    let mut lines = Vec::new();
    for (i, (name, csv)) in ROUNDS.iter().enumerate() {
        let rows = parse(csv);
        let texts: HashSet<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
        let m = model::Model::train(&model::training_without(&texts));
        let source = format!("r{}", i + 1);
        let tone_train: Vec<tone::Row> = tone_rows
            .iter()
            .filter(|r| r.source != source && !texts.contains(r.text.as_str()))
            .cloned()
            .collect();
        let tm = tone::Tone::train(tone_train.iter());
        let mut tp = tone::choose_params(&tone_train);
        if std::env::var("NO_VETO").is_ok() {
            tp.caring = f64::INFINITY;
        }
        let params = model_params();
        let reader = Reader {
            risk_model: (std::env::var("NO_MODEL").is_err()).then_some((&m, &params)),
            tone: (std::env::var("NO_TONE").is_err()).then_some((&tm, &tp)),
            ..base
        };
        let mut per: Vec<(Cat, Tally)> = Cat::ALL.iter().map(|c| (*c, Tally::default())).collect();
        let mut alone = Alone::default();
        for (cat, text) in &rows {
            let s = reader.soften(text);
            let o = outcome(text, &s, &catalogue);
            for tallies in [&mut per, &mut total] {
                if let Some((_, t)) = tallies.iter_mut().find(|(c, _)| c == cat) {
                    t.add(&o);
                }
            }
            let r = risk::read_model_only(text, &m, &params);
            let (th, ta, _) = tone::read(text, &tm, &tp);
            let v = &mut alone.0;
            match cat {
                c if c.threatening() => {
                    v[0] += !r.is_empty() as usize;
                    v[1] += 1;
                }
                Cat::SelfHarm => {
                    v[2] += r.has(risk::RiskKind::SelfHarm) as usize;
                    v[3] += 1;
                }
                Cat::Caring => {
                    v[4] += !r.is_empty() as usize;
                    v[5] += 1;
                    v[10] += th as usize;
                    v[11] += ta as usize;
                }
                Cat::Harsh => {
                    v[6] += th as usize;
                    v[7] += 1;
                }
                Cat::Anxious => {
                    v[8] += ta as usize;
                    v[9] += 1;
                }
                _ => {}
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
                        "   r{} {cat:?}: {text} {:?}",
                        i + 1,
                        s.signals
                            .iter()
                            .map(|x| format!("{}={}", x.rule, x.words))
                            .collect::<Vec<_>>()
                    );
                }
            }
        }
        alone_total.add(&alone);
        eprintln!("LORO fold {} ({name}), tone margins {tp:?}:", i + 1);
        targets(&per);
        let line = format!("  fold {}: {}", i + 1, five(&per));
        eprintln!("{line}\n    {}", alone.line());
        lines.push(line);
    }
    eprintln!("LORO over rounds 1–{}, per fold:", ROUNDS.len());
    for l in &lines {
        eprintln!("{l}");
    }
    eprintln!("LORO total: {}", five(&total));
    eprintln!(
        "tone margins chosen on all rounds (what ships): {:?}; shipped {:?}",
        tone::choose_params(&tone_rows),
        tone::TONE_PARAMS
    );
    eprintln!("LORO total, {}", alone_total.line());
    assert_laws(&total);
}

/// The next held-out set (`soften_corpus/held_out_issue10.csv`, round 15 onwards), when it is
/// present: written by a new writer who never saw the rules, copied in after the freeze commit
/// and never tuned on. It is read at run time so it can be dropped in after the freeze without
/// changing anything here. The rules alone and what ships are printed, every target of issue 10
/// is printed as met or not met, and the laws that hold by construction (no rewrite, no
/// all-clear, the precaution and crisis help first with every message) are asserted.
#[test]
fn held_out_next_round_is_measured_untouched() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/soften_corpus/held_out_issue10.csv"
    );
    let Ok(csv) = std::fs::read_to_string(path) else {
        eprintln!("no next held-out round at {path}: nothing to measure");
        return;
    };
    let rows = parse(&csv);
    measure_with(
        "held_out_issue10.csv (next round), rules alone",
        &rows,
        Reader::rules_alone(),
    );
    let m = measure(
        "held_out_issue10.csv (next round), what ships, never tuned on",
        &rows,
    );
    assert_laws(&m);
    targets(&m);
}
