//! The softener measured on messages we wrote ourselves (tests/soften_corpus/), and its laws.
//!
//! - `corpus.csv`: the messages the rules were tuned on.
//! - `held_out_1.csv`: the first held-out set, written after the rules were first frozen (commit
//!   cb9b544). Measured there, untouched, it gave: recall on harsh 10/17 (0.588), recall on
//!   controlling 11/17 (0.647), false signals on caring 1/17 (0.059), and one controlling
//!   message given a rewrite — the rules had overfitted. The rules were then made more general
//!   (not patched message by message) and this set joined the tuning set.
//! - `held_out_2.csv`: the second held-out set, written after the rules were frozen again (commit
//!   391e3c9). Measured there, untouched: recall on harsh 12/17 (0.706), recall on controlling
//!   9/17 (0.529), false signals on caring 1/17 (0.059), no controlling message given a
//!   rewrite, precision of signals 0.955. The rules were generalised again and it joined tuning.
//! - `held_out_3.csv`: the third held-out set (60 messages), written after the rules were frozen
//!   a third time (commit e5216f5). Measured there, untouched: recall on harsh 13/20 (0.65),
//!   recall on controlling 11/20 (0.55), false signals on caring 2/20 (0.10), one controlling
//!   message given a rewrite (a demand about calling back the second a meeting ends), precision
//!   of signals 0.926. After it: the `caution-with-harshness` rule (phones, replies and
//!   whereabouts next to harsh words mean no rewrite), more general rules; it joined tuning.
//! - `held_out_4.csv`: the fourth held-out set (60 messages), written after the rules were frozen
//!   a fourth time (commit 5c4bf39). Measured there, untouched: recall on harsh 8/20 (0.40),
//!   recall on controlling 9/20 (0.45), false signals on caring 0/20, two controlling messages
//!   given a rewrite, precision of signals 1.0. The caution vocabulary was widened and rules
//!   generalised again; it joined tuning.
//! - `held_out_5.csv`: the fifth held-out set (60 messages), written after the rules were frozen
//!   a fifth time (commit 9bc1b44). Measured there, untouched: recall on harsh 14/20 (0.70),
//!   recall on controlling 11/20 (0.55), false signals on caring 2/20 (0.10), no controlling
//!   message given a rewrite, precision 0.926. Rules generalised again; it joined tuning.
//! - `held_out.csv`: the sixth held-out set (60 messages), written after the rules were frozen a
//!   sixth time (commit fda904e), never used for tuning; its metrics are printed separately.
//!   At that commit: recall on harsh 12/20 (0.60), recall on controlling 12/20 (0.60), false
//!   signals on caring 0/20, one controlling message given a rewrite ("you will show me every
//!   message from today": a demand), precision of signals 1.0. The rules stay frozen here.
//!
//! The lesson of six rounds: on messages the rules have not seen, recall stays far below what
//! the tuning set shows (0.4–0.7 against 1.0). The tuned numbers are not an estimate of how the
//! softener does on new messages; the held-out ones are.
//!
//! Since the last part of issue 10 no message is rewritten at all (invariant 12): the "given a
//! rewrite" errors above cannot happen any more. A message comes back exactly as typed, and the
//! way to a softer one is the openings built from choices; the tests below check that for every
//! message of the corpus and for arbitrary text.
//!
//! Run `cargo test -p closer-guide --test soften -- --nocapture` to see the numbers.

use closer_guide::soften::{catalogue, render, soften};
use closer_safety::{Context, Policy};
use proptest::prelude::*;

const CORPUS: &str = include_str!("soften_corpus/corpus.csv");
const HELD_OUT_1: &str = include_str!("soften_corpus/held_out_1.csv");
const HELD_OUT_2: &str = include_str!("soften_corpus/held_out_2.csv");
const HELD_OUT_3: &str = include_str!("soften_corpus/held_out_3.csv");
const HELD_OUT_4: &str = include_str!("soften_corpus/held_out_4.csv");
const HELD_OUT_5: &str = include_str!("soften_corpus/held_out_5.csv");
const HELD_OUT: &str = include_str!("soften_corpus/held_out.csv");

/// Everything the rules were tuned on.
fn tuned() -> Vec<(Label, String)> {
    let mut rows = parse(CORPUS);
    rows.extend(parse(HELD_OUT_1));
    rows.extend(parse(HELD_OUT_2));
    rows.extend(parse(HELD_OUT_3));
    rows.extend(parse(HELD_OUT_4));
    rows.extend(parse(HELD_OUT_5));
    rows
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Harsh,
    Controlling,
    Caring,
}

/// A small CSV reader for `label,text` (RFC 4180 quoting), so the test needs no extra crate.
fn parse(csv: &str) -> Vec<(Label, String)> {
    let mut rows = Vec::new();
    for (n, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let (label, rest) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("line {}: expected label,text", n + 1));
        let text = if let Some(q) = rest.strip_prefix('"') {
            let inner = q
                .strip_suffix('"')
                .unwrap_or_else(|| panic!("line {}: unclosed quote", n + 1));
            inner.replace("\"\"", "\"")
        } else {
            rest.to_string()
        };
        let label = match label {
            "harsh" => Label::Harsh,
            "controlling" => Label::Controlling,
            "caring" => Label::Caring,
            other => panic!("line {}: unknown label {other:?}", n + 1),
        };
        rows.push((label, text));
    }
    rows
}

#[derive(Debug, Default)]
struct Metrics {
    harsh: usize,
    harsh_hit: usize,
    harsh_control: usize,
    controlling: usize,
    controlling_control: usize,
    controlling_any: usize,
    caring: usize,
    caring_flagged: usize,
    flagged: usize,
    flagged_right: usize,
    control_flagged: usize,
    control_flagged_right: usize,
    misses: Vec<String>,
}

impl Metrics {
    fn recall_harsh(&self) -> f64 {
        ratio(self.harsh_hit, self.harsh)
    }
    fn recall_controlling(&self) -> f64 {
        ratio(self.controlling_control, self.controlling)
    }
    fn false_signal_rate(&self) -> f64 {
        ratio(self.caring_flagged, self.caring)
    }
    fn precision(&self) -> f64 {
        ratio(self.flagged_right, self.flagged)
    }
    fn control_precision(&self) -> f64 {
        ratio(self.control_flagged_right, self.control_flagged)
    }

    fn report(&self, name: &str) {
        eprintln!(
            "soften corpus [{name}]: {} harsh, {} controlling, {} caring",
            self.harsh, self.controlling, self.caring
        );
        eprintln!(
            "  recall on harsh (any signal):            {:.3} ({}/{})",
            self.recall_harsh(),
            self.harsh_hit,
            self.harsh
        );
        eprintln!(
            "  harsh given the precaution, no rewrite:  {:.3} ({}/{})",
            ratio(self.harsh_control, self.harsh),
            self.harsh_control,
            self.harsh
        );
        eprintln!(
            "  recall on controlling (control signal):  {:.3} ({}/{})",
            self.recall_controlling(),
            self.controlling_control,
            self.controlling
        );
        eprintln!(
            "  controlling with any signal:             {:.3} ({}/{})",
            ratio(self.controlling_any, self.controlling),
            self.controlling_any,
            self.controlling
        );
        eprintln!(
            "  false signals on caring:                 {:.3} ({}/{})",
            self.false_signal_rate(),
            self.caring_flagged,
            self.caring
        );
        eprintln!(
            "  precision of signals (flagged, not caring): {:.3} ({}/{})",
            self.precision(),
            self.flagged_right,
            self.flagged
        );
        eprintln!(
            "  precision of control (flagged control, labelled controlling): {:.3} ({}/{})",
            self.control_precision(),
            self.control_flagged_right,
            self.control_flagged
        );
        for m in &self.misses {
            eprintln!("  miss: {m}");
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn measure(rows: &[(Label, String)]) -> Metrics {
    let mut m = Metrics::default();
    for (label, text) in rows {
        let s = soften(text);
        let any = !s.signals.is_empty();
        let control = s.has_control();
        if any {
            m.flagged += 1;
            if *label != Label::Caring {
                m.flagged_right += 1;
            }
        }
        if control {
            m.control_flagged += 1;
            if *label == Label::Controlling {
                m.control_flagged_right += 1;
            }
        }
        match label {
            Label::Harsh => {
                m.harsh += 1;
                if control {
                    m.harsh_control += 1;
                }
                if any {
                    m.harsh_hit += 1;
                } else {
                    m.misses.push(format!("harsh, nothing noticed: {text}"));
                }
            }
            Label::Controlling => {
                m.controlling += 1;
                if control {
                    m.controlling_control += 1;
                } else {
                    m.misses.push(format!(
                        "controlling, no control signal ({:?}): {text}",
                        s.kinds()
                    ));
                }
                if any {
                    m.controlling_any += 1;
                }
            }
            Label::Caring => {
                m.caring += 1;
                if any {
                    m.caring_flagged += 1;
                    m.misses.push(format!(
                        "caring, flagged {:?}: {text}",
                        s.signals
                            .iter()
                            .map(|x| format!("{}:{}", x.kind.as_str(), x.words))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    m
}

#[test]
fn corpus_is_big_enough_and_balanced() {
    let rows = parse(CORPUS);
    let count = |l: Label| rows.iter().filter(|(x, _)| *x == l).count();
    assert!(rows.len() >= 150, "{} messages", rows.len());
    for l in [Label::Harsh, Label::Controlling, Label::Caring] {
        assert!(count(l) >= 50, "{l:?}: {}", count(l));
    }
    // Caring messages use the same words the rules look for, kindly.
    let caring: Vec<String> = rows
        .iter()
        .filter(|(l, _)| *l == Label::Caring)
        .map(|(_, t)| t.to_lowercase())
        .collect();
    for w in ["you", "always", "never", "every time"] {
        assert!(
            caring.iter().filter(|t| t.contains(w)).count() >= 3,
            "few caring messages use {w:?}"
        );
    }
    let held = parse(HELD_OUT);
    assert!(held.len() >= 30, "{} held-out messages", held.len());
}

#[test]
fn corpus_metrics_meet_the_targets() {
    let m = measure(&parse(CORPUS));
    m.report("corpus.csv");
    let m1 = measure(&parse(HELD_OUT_1));
    m1.report("held_out_1.csv, after it joined tuning");
    let m2 = measure(&parse(HELD_OUT_2));
    m2.report("held_out_2.csv, after it joined tuning");
    let m3 = measure(&parse(HELD_OUT_3));
    m3.report("held_out_3.csv, after it joined tuning");
    let m4 = measure(&parse(HELD_OUT_4));
    m4.report("held_out_4.csv, after it joined tuning");
    let m5 = measure(&parse(HELD_OUT_5));
    m5.report("held_out_5.csv, after it joined tuning");
    let m = measure(&tuned());
    m.report("all tuned messages");
    assert!(
        m.recall_harsh() >= 0.9,
        "recall on harsh {}",
        m.recall_harsh()
    );
    assert!(
        m.recall_controlling() >= 0.9,
        "recall on controlling {}",
        m.recall_controlling()
    );
    assert!(
        m.false_signal_rate() <= 0.05,
        "false signals on caring {}",
        m.false_signal_rate()
    );
}

/// The held-out numbers are a measurement, not a target the rules were fitted to: they are
/// printed, not asserted (asserting them would invite tuning on the held-out set). What is
/// asserted is what holds for any message: it comes back exactly as typed, and a control signal
/// means help, not the openings.
#[test]
fn held_out_metrics_are_reported_and_control_gets_help_not_openings() {
    let rows = parse(HELD_OUT);
    let m = measure(&rows);
    m.report("held out (never tuned on)");
    let p = Policy::new(Context::ordinary());
    for (_, text) in &rows {
        let s = soften(text);
        let r = render(&s, &p);
        assert_eq!(&r.yours, text);
        if s.has_control() {
            assert!(r.offered.is_empty(), "{text}");
        }
    }
}

/// Never a rewrite: every message of the corpus comes back exactly as typed, and everything
/// said is the softener's own text ([`catalogue`]), with at most the matched words quoted.
#[test]
fn every_message_in_the_corpus_comes_back_as_typed_and_is_never_reworded() {
    let policy = Policy::new(Context::ordinary());
    let cat = catalogue(None);
    for (_, text) in tuned().iter().chain(parse(HELD_OUT).iter()) {
        let r = render(&soften(text), &policy);
        assert_eq!(&r.yours, text);
        for said in &r.said {
            assert!(only_ours(said.text(), &cat), "{text} -> {}", said.text());
        }
    }
}

/// True when `t` is one of our texts, or our text behind quoted words.
fn only_ours(t: &str, cat: &[String]) -> bool {
    cat.iter()
        .any(|c| t == c || t.ends_with(&format!(" \u{2014} {c}")))
}

#[test]
fn the_old_rewrites_are_gone_the_words_come_back_with_openings() {
    let p = Policy::new(Context::ordinary());
    for text in [
        "you never help with the dishes",
        "You never once asked how my day went",
        "Why do you always leave the lights on, you're so lazy",
    ] {
        let r = render(&soften(text), &p);
        assert_eq!(r.yours, text);
        assert_eq!(r.offered[0].builder, "opening", "{text}");
        let all: String = r.said.iter().map(|s| s.text()).collect();
        assert!(!all.contains("I'd like it if you could"), "{text}: {all}");
        assert!(!all.contains("I feel ["), "{text}: {all}");
    }
    // Words that say what the other must do get a note on pressure.
    let s = soften("You need to call your mum back, you're so lazy");
    assert!(s.caution, "{s:?}");
    let r = render(&s, &p);
    assert!(r.said.iter().any(|x| x.kind() == "caution"));
}

/// Fragments the rules care about, to build messages that exercise them.
fn fragment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "you never listen",
        "I saw you read my message",
        "you’re so selfish",
        "answer me",
        "every time you",
        "I love you",
        "if you leave I'm done",
        "why do you always",
        "you always make me laugh",
        "I've texted you 10 times",
        "you need to",
        "stop",
        "right now!",
        "what's wrong with you?",
        "…",
        "!!",
        ",",
        " ",
        "\n",
        "é",
        "🙄",
        "ur",
        "YOU NEVER",
    ])
    .prop_map(str::to_string)
}

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(fragment(), 0..8).prop_map(|v| v.join(" ")),
        (prop::collection::vec(fragment(), 0..6), any::<String>())
            .prop_map(|(v, s)| format!("{} {s}", v.join(""))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_is_deterministic(text in message()) {
        let a = soften(&text);
        let b = soften(&text);
        prop_assert_eq!(&a, &b);
        let p = Policy::new(Context::ordinary());
        prop_assert_eq!(render(&a, &p), render(&b, &p));
        for s in &a.signals {
            prop_assert!(!s.words.is_empty());
            prop_assert!(text.contains(&s.words), "{:?} not in the message", s.words);
        }
    }

    #[test]
    fn control_always_means_help_not_openings(text in message()) {
        let s = soften(&text);
        let r = render(&s, &Policy::new(Context::ordinary()));
        if s.has_control() || !s.risk.is_empty() {
            prop_assert!(r.offered.is_empty());
            prop_assert!(r.said.iter().all(|x| !x.has(closer_safety::Tag::Approach)));
        }
        prop_assert!(r.said.iter().any(|x| x.kind() == "precaution"));
    }

    #[test]
    fn the_words_come_back_exactly_and_nothing_else_of_them_is_said(text in message()) {
        let s = soften(&text);
        let r = render(&s, &Policy::new(Context::ordinary()));
        prop_assert_eq!(&r.yours, &text);
        let cat = catalogue(None);
        for said in &r.said {
            prop_assert!(only_ours(said.text(), &cat), "{:?}", said.text());
        }
        // Adding control words to any message takes the openings away.
        let with = format!("{text}. I can see you read my message");
        let s = soften(&with);
        prop_assert!(s.has_control());
        prop_assert!(render(&s, &Policy::new(Context::ordinary())).offered.is_empty());
    }
}

/// The whole-message care veto reaches the softener's own phrase rules: in a message the care
/// reader reads as care as a whole, a phrase rule's signal whose clause reads as care too is not
/// shown; without the care model the same rule fires. (Written for this test, not from a
/// corpus.)
#[test]
fn a_phrase_rule_in_a_message_of_care_is_dropped_by_the_care_veto() {
    use closer_guide::soften::{rules, soften_with_rules, tone};
    use closer_safety::risk::{self, model};
    let text = "you always know how to make me laugh, even on the worst days";
    let read = |care| {
        soften_with_rules(
            text,
            risk::read(text),
            Some((tone::tone(), &tone::TONE_PARAMS)),
            care,
            rules::rules(),
        )
        .signals
        .iter()
        .map(|s| s.rule.clone())
        .collect::<Vec<_>>()
    };
    assert_eq!(read(None), vec!["hard-words-at-you".to_string()]);
    assert!(read(Some((model::model(), &model::PARAMS))).is_empty());
    assert!(closer_guide::soften::soften(text).signals.is_empty());
}
