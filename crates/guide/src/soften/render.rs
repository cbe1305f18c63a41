//! The softener's words to the person, every one reviewed by the safety policy.
//!
//! soften never rewrites a message (DESIGN.md §3 invariant 12). The person's words are handed
//! back exactly as typed ([`Rendered::yours`], shown on their own, never inside our sentences);
//! everything else is our own fixed text ([`catalogue`] lists all of it), where only the words a
//! rule matched may be quoted, as typed. The path is chosen by what was noticed:
//! - **self-harm** (the risk reader): crisis help first — `closer_safety::resources::crisis_first`,
//!   the same words and lines as the screen and help-now, with the region's numbers in place (or,
//!   with no region, the local emergency number and an international directory); then what was
//!   noticed, help for the panic if there is panic, and the precaution.
//! - **other risks** (violence, threats, surveillance, isolation, children): what the words may
//!   mean, the precaution for tonight or for someone who is afraid (by whose act it is), and the
//!   lines for that (in place when the region is known).
//! - **control** (checking, counting, ultimatums the risk reader did not catch): what was noticed,
//!   the precaution, and the path to help. Anxious reaching (counting calls, pressing for a reply)
//!   gets help for the panic instead of the own-behaviour path.
//! - **harsh words**: how they may land; then, as with nothing noticed, the way to a softer
//!   message: the choice-built openings of [`crate::compose`] and tips for rewording it oneself.
//! - **nothing noticed**: what closer cannot judge — never an all-clear.
//!
//! Every path includes the precaution for the one who sends (kind `precaution`); the openings,
//! the tips and the timing check ask the reader to approach, so they are tagged [`Tag::Approach`]
//! and safety mode withholds them.

use super::texts::texts;
use super::{ANXIOUS_CONTROL, Kind, Signal, Softened};
use crate::compose;
use closer_safety::resources::{self, Kind as Line, Resource};
use closer_safety::risk::{Direction, Language, Path, RiskKind};
use closer_safety::{Draft, Mode, Policy, Said, Tag, Topic};
use serde::Serialize;

/// The builders of [`crate::compose`] soften offers: the curious opening, and a time to talk.
pub const OFFERED: [&str; 2] = ["opening", "timing"];

/// A message's analysis as the person sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rendered {
    pub signals: Vec<Signal>,
    /// The person's message exactly as typed: shown back on its own, never inside our sentences
    /// and never changed.
    pub yours: String,
    /// What is offered instead of a rewrite: texts built only from choices (empty when the
    /// words call for help instead, and in safety mode).
    pub offered: Vec<Offer>,
    /// Everything said, in reading order. The first item is always crisis help: the full
    /// crisis block (kind `crisis`) when the risk reader sees self-harm or is unsure, else the
    /// one short line that opens every result (kind `crisis-line`, the text of [`Self::crisis_line`]).
    pub said: Vec<Said>,
    /// The short crisis line that is always there, whatever the message (the region's crisis
    /// line, name and number; with no region, the emergency advice and where to find a line).
    pub crisis_line: String,
}

/// A text built only from choices (`closer_guide::compose`): the lists to pick from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// The compose builder (`opening`, `timing`).
    pub builder: String,
    /// Always `from_choices`: nothing typed goes into it.
    pub builds: &'static str,
    pub parts: Vec<OfferPart>,
}

/// One pick of an [`Offer`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferPart {
    pub id: String,
    pub prompt: String,
    pub choices: Vec<String>,
}

/// Renders an analysis for a reader through `policy`, with no region known.
pub fn render(s: &Softened, policy: &Policy) -> Rendered {
    render_for(s, policy, None)
}

/// Renders an analysis for a reader through `policy`; `region` (a code `closer_safety::
/// resources` knows, in any spelling it accepts) chooses which helplines are shown in place.
/// An unknown region is treated as no region.
pub fn render_for(s: &Softened, policy: &Policy, region: Option<&str>) -> Rendered {
    let t = texts();
    let region = region.and_then(resources::normalise);
    let mut said: Vec<Said> = Vec::new();
    let review = |d: Draft| policy.review(d).ok();
    let safety =
        |kind: &str, title: &str, text: &str| review(Draft::new(Topic::Safety, kind, title, text));
    // Only the words a rule matched are quoted, as typed, before our explanation; if the policy
    // refuses them (they may hold a label the lint will not repeat), the explanation is said
    // without them.
    let noticed = |topic: Topic, kind: &str, title: &str, words: &str, text: &str| {
        review(Draft::new(
            topic,
            kind,
            title,
            format!("{words} \u{2014} {text}"),
        ))
        .or_else(|| review(Draft::new(topic, kind, title, text)))
    };
    let reading = &s.risk;
    let path = reading.path();

    // 1. Crisis help comes first, before anything else, for every message: the screen's own
    //    crisis block when self-harm is read (or the reader is unsure), else one short line that
    //    is always there — detection misses some indirect words, and a miss must not leave a
    //    person in crisis without help on top.
    let line = crisis_line(region);
    if path == Path::Crisis {
        said.extend(resources::crisis_first(region));
        said.extend(safety("crisis-other", &t.heading.crisis, &t.crisis.other));
    } else {
        said.extend(safety("crisis-line", &t.heading.always, &line));
    }
    if reading.language == Language::Unknown {
        said.extend(review(Draft::new(
            Topic::Soften,
            "language",
            &t.heading.language,
            &t.language.text,
        )));
    }
    // 2. Their words, as typed (the words themselves are `yours`, shown right after this).
    said.extend(review(Draft::new(
        Topic::Soften,
        "yours",
        &t.heading.yours,
        &t.yours.text,
    )));

    // 3. What was noticed.
    let risk_words = |pred: &dyn Fn(RiskKind, Direction) -> bool| -> String {
        quote_all(
            reading
                .risks
                .iter()
                .filter(|r| pred(r.kind, r.by))
                .map(|r| r.words.as_str()),
        )
    };
    if reading.has(RiskKind::SelfHarm) {
        let w = risk_words(&|k, _| k == RiskKind::SelfHarm);
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &w,
            &t.risk.self_harm,
        ));
    }
    let other = |k: RiskKind| k != RiskKind::SelfHarm;
    let theirs = risk_words(&|k, by| other(k) && by != Direction::Mine);
    let mine = risk_words(&|k, by| other(k) && by == Direction::Mine);
    if !theirs.is_empty() {
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &theirs,
            &t.risk.theirs,
        ));
    }
    if !mine.is_empty() {
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &mine,
            &t.risk.mine,
        ));
    }
    let control = quote_all(
        s.signals
            .iter()
            .filter(|x| x.kind == Kind::Control && !x.rule.starts_with("risk-"))
            .map(|x| x.words.as_str()),
    );
    if !control.is_empty() {
        said.extend(noticed(
            Topic::Soften,
            "control",
            &t.heading.noticed,
            &control,
            &t.control.noticed,
        ));
    }
    // The ordinary path: no risk, no control.
    let ordinary = !s.has_control() && path == Path::Unmarked;
    if ordinary {
        for kind in first_seen_kinds(s) {
            let Some(text) = t.explain.get(kind.as_str()) else {
                continue;
            };
            said.extend(noticed(
                Topic::Soften,
                kind.as_str(),
                &t.heading.noticed,
                &quoted(s, kind),
                text,
            ));
        }
        if s.caution && !s.signals.is_empty() {
            said.extend(review(Draft::new(
                Topic::Soften,
                "caution",
                &t.heading.caution,
                &t.caution.text,
            )));
        }
    }
    if s.signals.is_empty() && reading.language == Language::En {
        said.extend(review(Draft::new(
            Topic::Soften,
            "limits",
            &t.heading.limits,
            &t.limits.text,
        )));
    }

    // 4. Help for the panic, when the message reads as anxious reaching and does not check on,
    //    threaten or control anyone.
    let control_serious = s.signals.iter().any(|x| {
        x.kind == Kind::Control
            && !x.rule.starts_with("risk-")
            && !ANXIOUS_CONTROL.contains(&x.rule.as_str())
    });
    let serious = control_serious || !theirs.is_empty() || !mine.is_empty();
    let panic = s.anxious && !serious;
    if panic {
        said.extend(review(Draft::new(
            Topic::Pause,
            "panic",
            &t.heading.panic,
            &t.panic.text,
        )));
        if path != Path::Crisis {
            said.extend(review(
                Draft::new(Topic::Soften, "space", &t.heading.space, &t.space.text)
                    .tagged(&[Tag::Space]),
            ));
        }
    }

    // 5. Instead of a rewrite: openings built from choices, and tips for rewording it oneself.
    let mut offered = Vec::new();
    if ordinary && !panic {
        if let Some(o) = review(openings_draft()) {
            said.push(o);
            offered = offers();
        }
        said.extend(review(tips_draft()));
    }

    // 6. The precaution for the one who sends: always.
    let own_path = !mine.is_empty() || (control_serious && theirs.is_empty());
    let precaution = match path {
        Path::Crisis => &t.precaution.crisis,
        Path::Safety => &t.precaution.afraid,
        Path::OwnBehaviour => &t.precaution.own,
        Path::Unmarked if own_path => &t.precaution.own,
        Path::Unmarked => &t.precaution.ordinary,
    };
    said.extend(safety("precaution", &t.heading.precaution, precaution));
    if path == Path::Safety && !mine.is_empty() {
        said.extend(safety(
            "precaution",
            &t.heading.precaution,
            &t.precaution.own,
        ));
    }

    // 7. Where help is.
    let afraid_help =
        path == Path::Safety || (policy.mode() == Mode::Safety && path != Path::Crisis);
    // The screen's shared blocks (one source for the screen, soften and the flows): the
    // emergency number and the region's lines, each with its source and date.
    if afraid_help {
        said.extend(shared_help(resources::safety_first(region), policy));
    }
    if own_path {
        said.extend(shared_help(resources::own_behaviour_first(region), policy));
    }

    // 8. Timing, for a message that may still be sent.
    if ordinary {
        said.extend(review(
            Draft::new(Topic::Soften, "timing", &t.heading.timing, &t.timing.text)
                .tagged(&[Tag::Approach]),
        ));
    }
    if s.long {
        said.extend(review(Draft::new(
            Topic::Soften,
            "long",
            &t.heading.long,
            &t.long.text,
        )));
    }
    Rendered {
        signals: s.signals.clone(),
        yours: s.text.clone(),
        offered,
        said,
        crisis_line: line,
    }
}

/// The short line of crisis help that opens every result: the region's crisis line (a 24/7
/// general line first), name and number, from `closer_safety::resources`; with no region or no
/// checked line there, the local emergency number and the international directory.
pub fn crisis_line(region: Option<&str>) -> String {
    let t = texts();
    crisis_line_from(region, &t.crisis.line, &t.crisis.no_region)
}

/// The same short line of crisis help, in the words that open every ordinary step of a guided
/// flow (`crate::session`).
pub fn flow_crisis_line(region: Option<&str>) -> String {
    let t = texts();
    crisis_line_from(region, &t.crisis.flow_line, &t.crisis.flow_no_region)
}

fn crisis_line_from(region: Option<&str>, line: &str, no_region: &str) -> String {
    let region = region.and_then(resources::normalise);
    let mut lines: Vec<&Resource> = region
        .and_then(resources::for_region)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind == Line::Crisis && r.region != "INTL" && r.phone.is_some())
        .collect();
    // 24/7 general lines first; the order of the data otherwise.
    lines.sort_by_key(|r| (!r.always_open(), !r.general()));
    match lines.first() {
        Some(r) => {
            let phone = r.phone.as_deref().unwrap_or_default();
            line.replace("{line}", &format!("{} (call {phone})", r.title()))
        }
        None => no_region.replace("{directory}", &resources::directory_url(region)),
    }
}

/// The openings, as one text: the lists to pick from and what the result reads like, all from
/// `content/compose.toml` and `content/soften/texts.toml`.
fn openings_draft() -> Draft {
    let t = texts();
    let o = &t.openings;
    let mut parts = Vec::new();
    let mut reads = String::new();
    let mut later = String::new();
    for id in OFFERED {
        let Some(b) = compose::builder(id) else {
            continue;
        };
        let mut sentences = b.sentences.join(" ");
        for (i, part) in b.parts.iter().enumerate() {
            let choices: Vec<&str> = b
                .list_of(i)
                .map(|l| l.items.iter().map(|x| x.text.as_str()).collect())
                .unwrap_or_default();
            sentences = sentences.replace(&format!("{{{}}}", part.id), &o.blank);
            if id == "opening" {
                parts.push(
                    o.part
                        .replace("{prompt}", &part.prompt)
                        .replace("{choices}", &choices.join("; ")),
                );
            } else {
                sentences = sentences.replacen(&o.blank, &format!("[{}]", choices.join(" / ")), 1);
            }
        }
        if id == "opening" {
            reads = sentences;
        } else {
            later = sentences;
        }
    }
    let text = o
        .text
        .replace("{parts}", &parts.join("\n"))
        .replace("{reads}", &reads)
        .replace("{later}", &later);
    Draft::new(Topic::Curious, "openings", &t.heading.openings, text).tagged(&[Tag::Approach])
}

fn tips_draft() -> Draft {
    let t = texts();
    Draft::new(Topic::Soften, "tips", &t.heading.tips, &t.tips.text).tagged(&[Tag::Approach])
}

/// The openings as data, for `--json` and for a surface that lets a person pick.
fn offers() -> Vec<Offer> {
    OFFERED
        .iter()
        .filter_map(|id| compose::builder(id))
        .map(|b| Offer {
            builder: b.id.clone(),
            builds: "from_choices",
            parts: b
                .parts
                .iter()
                .enumerate()
                .map(|(i, p)| OfferPart {
                    id: p.id.clone(),
                    prompt: p.prompt.clone(),
                    choices: b
                        .list_of(i)
                        .map(|l| l.items.iter().map(|x| x.text.clone()).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

/// Every text the softener can say for a region, whatever the message: besides these, the only
/// words of a person that ever appear are the words a rule matched, quoted as typed before an
/// explanation (`“…”, “…” — explanation`), and the message itself in [`Rendered::yours`]. The
/// held-out test checks every output against this list, so no rewrite can slip in.
pub fn catalogue(region: Option<&str>) -> Vec<String> {
    let t = texts();
    let region = region.and_then(resources::normalise);
    let mut out: Vec<String> = vec![
        t.limits.text.clone(),
        t.language.text.clone(),
        t.long.text.clone(),
        t.caution.text.clone(),
        t.yours.text.clone(),
        t.tips.text.clone(),
        t.timing.text.clone(),
        t.precaution.ordinary.clone(),
        t.precaution.own.clone(),
        t.precaution.afraid.clone(),
        t.precaution.crisis.clone(),
        t.control.noticed.clone(),
        t.risk.mine.clone(),
        t.risk.theirs.clone(),
        t.risk.self_harm.clone(),
        t.crisis.other.clone(),
        t.panic.text.clone(),
        t.space.text.clone(),
        openings_draft().text,
        crisis_line(region),
    ];
    for block in [
        resources::safety_first(region),
        resources::own_behaviour_first(region),
    ] {
        out.extend(block.iter().map(|s| s.text().to_string()));
    }
    out.extend(t.explain.values().cloned());
    out.extend(
        resources::crisis_first(region)
            .iter()
            .map(|s| s.text().to_string()),
    );
    out
}

/// A shared help block from `closer_safety::resources`, said here under the kind `help`
/// through the reader's policy; an item that policy would withhold is kept as the screen said
/// it, so help is never dropped.
fn shared_help(block: Vec<Said>, policy: &Policy) -> Vec<Said> {
    block
        .into_iter()
        .map(|s| {
            policy
                .review(Draft::new(Topic::Safety, "help", s.title(), s.text()))
                .unwrap_or(s)
        })
        .collect()
}

/// Kinds in the order they first appear in the message.
fn first_seen_kinds(s: &Softened) -> Vec<Kind> {
    let mut out: Vec<Kind> = Vec::new();
    for sig in &s.signals {
        if !out.contains(&sig.kind) {
            out.push(sig.kind);
        }
    }
    out
}

/// The writer's words for one kind, quoted: `"you never", "every time you"`.
fn quoted(s: &Softened, kind: Kind) -> String {
    quote_all(
        s.signals
            .iter()
            .filter(|x| x.kind == kind)
            .map(|x| x.words.as_str()),
    )
}

fn quote_all<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut ws: Vec<String> = Vec::new();
    for w in words {
        let q = format!("\u{201C}{w}\u{201D}");
        if !ws.contains(&q) {
            ws.push(q);
        }
    }
    ws.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soften::soften;
    use closer_safety::Context;

    fn kinds(r: &Rendered) -> Vec<&str> {
        r.said.iter().map(|s| s.kind()).collect()
    }

    #[test]
    fn every_fixed_sentence_passes_the_policy() {
        let p = Policy::new(Context::ordinary());
        let t = texts();
        let mut all: Vec<(Topic, &str)> = vec![
            (Topic::Soften, &t.limits.text),
            (Topic::Soften, &t.language.text),
            (Topic::Soften, &t.long.text),
            (Topic::Soften, &t.caution.text),
            (Topic::Soften, &t.yours.text),
            (Topic::Soften, &t.tips.text),
            (Topic::Soften, &t.timing.text),
            (Topic::Soften, &t.control.noticed),
            (Topic::Soften, &t.space.text),
            (Topic::Pause, &t.panic.text),
        ];
        for x in [
            &t.precaution.ordinary,
            &t.precaution.own,
            &t.precaution.afraid,
            &t.precaution.crisis,
            &t.risk.mine,
            &t.risk.theirs,
            &t.risk.self_harm,
            &t.crisis.other,
        ] {
            all.push((Topic::Safety, x));
        }
        for x in t.explain.values() {
            all.push((Topic::Soften, x));
        }
        for (topic, text) in all {
            assert!(
                p.review(Draft::new(topic, "k", "t", text)).is_ok(),
                "{text}"
            );
        }
        assert!(p.review(openings_draft()).is_ok());
    }

    #[test]
    fn harsh_message_is_shown_back_as_typed_with_openings_and_tips_never_a_rewrite() {
        let msg = "You never listen to me!";
        let r = render(&soften(msg), &Policy::new(Context::ordinary()));
        assert_eq!(
            kinds(&r),
            vec![
                "crisis-line",
                "yours",
                "absolute",
                "openings",
                "tips",
                "precaution",
                "timing"
            ]
        );
        assert_eq!(r.yours, msg);
        // Only the matched words are quoted, as typed; nothing else of the message appears.
        assert!(
            r.said[2]
                .text()
                .starts_with("\u{201C}You never listen to me\u{201D} \u{2014} ")
        );
        for s in r.said.iter().filter(|s| s.kind() != "absolute") {
            assert!(!s.text().contains("listen to me"), "{}", s.text());
        }
        let o = r.said.iter().find(|s| s.kind() == "openings").unwrap();
        assert!(
            o.text()
                .contains("things felt far apart between us tonight")
        );
        assert!(
            o.text()
                .contains("I noticed [your pick]. I felt [your pick].")
        );
        assert!(o.text().contains("[later this evening / tomorrow morning"));
        assert!(o.has(Tag::Approach));
        assert_eq!(r.offered.len(), 2);
        assert_eq!(r.offered[0].builder, "opening");
        assert_eq!(r.offered[0].builds, "from_choices");
        assert_eq!(r.offered[0].parts[1].id, "felt");
        assert!(
            r.offered[0].parts[1]
                .choices
                .contains(&"lonely".to_string())
        );
    }

    #[test]
    fn control_gets_only_what_was_noticed_the_precaution_and_help() {
        let r = render(
            &soften("I can see you read my message, answer me"),
            &Policy::new(Context::ordinary()),
        );
        let k = kinds(&r);
        assert!(!k.contains(&"openings") && !k.contains(&"tips"), "{k:?}");
        assert!(r.offered.is_empty());
        assert!(k.contains(&"precaution"));
        assert!(k.contains(&"help"));
        assert!(r.said.iter().all(|s| !s.has(Tag::Approach)));
    }

    #[test]
    fn safety_and_own_behaviour_help_are_the_screens_shared_blocks() {
        let p = Policy::new(Context::ordinary());
        for (m, region, own) in [
            ("he hit me last night", "US", false),
            ("he hit me last night", "GB", false),
            ("i pushed him", "US", true),
            ("i pushed him", "AU", true),
        ] {
            let block = if own {
                resources::own_behaviour_first(Some(region))
            } else {
                resources::safety_first(Some(region))
            };
            let r = render_for(&soften(m), &p, Some(region));
            let help: Vec<&str> = r
                .said
                .iter()
                .filter(|s| s.kind() == "help")
                .map(|s| s.text())
                .collect();
            assert!(!block.is_empty());
            for b in &block {
                assert!(help.contains(&b.text()), "{m} ({region}): {:?}", b.text());
            }
        }
    }

    #[test]
    fn self_harm_leads_with_the_screens_crisis_block() {
        let p = Policy::new(Context::ordinary());
        let s = soften("i dont want to be here anymore. nobody would even notice if i was gone");
        let us = render_for(&s, &p, Some("us"));
        let screen = resources::crisis_first(Some("US"));
        assert_eq!(us.said[0].kind(), "crisis");
        assert_eq!(us.said[0].text(), screen[0].text(), "one source");
        assert!(us.said[0].text().contains("988"), "{}", us.said[0].text());
        assert!(us.said[0].text().contains("911"));
        assert!(us.offered.is_empty());
        let none = render_for(&s, &p, None);
        assert_eq!(none.said[0].kind(), "crisis");
        assert!(none.said[0].text().contains("findahelpline.com"));
        assert!(kinds(&none).contains(&"precaution"));
    }

    #[test]
    fn every_result_opens_with_crisis_help_whatever_the_message() {
        let p = Policy::new(Context::ordinary());
        for m in [
            "see you at 7",
            "You never listen to me!",
            "I love you",
            "I can see you read my message, answer me",
            "pls answer me im freaking out its been 5 hours",
            "te quiero mucho mi amor",
        ] {
            let s = soften(m);
            let us = render_for(&s, &p, Some("US"));
            assert_eq!(us.said[0].kind(), "crisis-line", "{m}");
            assert_eq!(us.said[0].text(), us.crisis_line);
            assert!(us.crisis_line.contains("988 Suicide"), "{}", us.crisis_line);
            assert!(us.crisis_line.contains("call 988"), "{}", us.crisis_line);
            let uk = render_for(&s, &p, Some("UK"));
            assert!(
                uk.said[0].text().contains("116 123"),
                "{}",
                uk.said[0].text()
            );
            let none = render_for(&s, &p, None);
            assert_eq!(none.said[0].kind(), "crisis-line");
            assert!(none.said[0].text().contains("local emergency number"));
            assert!(none.said[0].text().contains("findahelpline.com"));
            let safe = render_for(&s, &Policy::new(Context::safety()), Some("US"));
            assert_eq!(safe.said[0].kind(), "crisis-line", "{m}: safety mode");
        }
        // When self-harm is read the full crisis block leads instead; the field stays.
        let r = render_for(&soften("i want to die"), &p, Some("US"));
        assert_eq!(r.said[0].kind(), "crisis");
        assert!(r.crisis_line.contains("call 988"));
        assert!(!r.said.iter().any(|s| s.kind() == "crisis-line"));
    }

    #[test]
    fn nothing_noticed_is_never_an_all_clear() {
        let r = render(&soften("see you at 7"), &Policy::new(Context::ordinary()));
        assert_eq!(
            kinds(&r),
            vec![
                "crisis-line",
                "yours",
                "limits",
                "openings",
                "tips",
                "precaution",
                "timing"
            ]
        );
        let all = r
            .said
            .iter()
            .map(|s| s.text().to_lowercase())
            .collect::<String>();
        for bad in [
            "looks fine",
            "nothing here looks",
            "safe to send",
            "nothing to soften",
        ] {
            assert!(!all.contains(bad), "{bad}");
        }
        assert!(all.contains("english only"));
    }

    #[test]
    fn anxious_protest_gets_the_panic_help_and_no_own_behaviour_path() {
        for m in [
            "pls answer me im freaking out its been 5 hours",
            "YOU NEVER TEXT ME BACK",
        ] {
            let r = render(&soften(m), &Policy::new(Context::ordinary()));
            let k = kinds(&r);
            assert!(k.contains(&"panic"), "{m}: {k:?}");
            assert!(k.contains(&"space"), "{m}: {k:?}");
            assert!(!k.contains(&"control"), "{m}: {k:?}");
            assert!(!k.contains(&"help"), "{m}: {k:?}");
        }
    }

    #[test]
    fn safety_mode_withholds_the_openings_tips_and_timing() {
        let r = render(
            &soften("you always leave your dishes in the sink"),
            &Policy::new(Context::safety()),
        );
        assert!(r.offered.is_empty());
        assert!(r.said.iter().all(|s| !s.has(Tag::Approach)));
        assert!(r.said.iter().any(|s| s.kind() == "help"));
    }

    #[test]
    fn every_output_is_catalogue_text_or_quoted_matches() {
        for (m, region) in [
            ("You never listen to me!", None),
            (
                "I saw on your phone that you were texting Sam at midnight",
                Some("UK"),
            ),
            ("i want to die", Some("US")),
            ("see you at 7", None),
            ("te quiero mucho mi amor", None),
        ] {
            let cat = catalogue(region);
            let r = render_for(&soften(m), &Policy::new(Context::ordinary()), region);
            for s in &r.said {
                let ok = cat
                    .iter()
                    .any(|c| s.text() == c || s.text().ends_with(&format!(" \u{2014} {c}")));
                assert!(ok, "{m}: {:?} is not catalogue text", s.text());
            }
        }
    }
}
