//! The risk reader: what any free text a person typed may say about danger (DESIGN.md §3,
//! invariant 13).
//!
//! Every piece of free text — a message to soften, a note in a flow, a journal entry — is read
//! with [`read`]. It returns what it noticed ([`Risk`]: a kind and the person's own words) and
//! whether the text looks like English at all ([`Language`]). A hit changes the *path* — crisis
//! help, safety help, help with one's own behaviour ([`Reading::path`]) — and never the wording of
//! anything: callers must not rewrite or polish a text that has a risk.
//!
//! How it reads, and why:
//! - **Rules as data** (`data/risk.toml`), so a reviewer can read what is matched without
//!   reading code, and the held-out corpus measures the file that ships.
//! - **Written as people type**: lower case, no apostrophes, txt-speak ("u", "ur", "im", "pls"),
//!   letters held down ("pleeease") and one-slip typos in key words ("sucide", "myslef") are read
//!   as the words they stand for.
//! - **Context, not words.** Each held-out round was written by a new writer, and each used
//!   danger words kindly in idioms no list had ("dead late", "the keys are under the pot", "I'll
//!   be watching the livestream"). So a hit on a word that is often used kindly (`[frame]
//!   ambiguous`: die, dead, kill, follow, watch, track, location, keys, lock, gun, knife, end,
//!   last, goodbye…) stands only inside a frame that aims harm at a person (`[frame] harm`: "I'll
//!   … you", "you'll regret", "if you … / or else / until you", a demand, permission or curfew, an
//!   act done to someone, a weapon brought into a scene, fear words) — or, for self-harm, a
//!   first- or third-person frame, which is never weakened — or when the small model still reads
//!   the sentence as that kind with those words masked ([`hit_stands`]). The model's own
//!   readings pass the same test. Without a frame, the word is read as nothing.
//! - **Who and what a danger word is about.** Before the rules and the model read a sentence, the
//!   clause reader ([`clause`]) finds each danger word's subject, object or complement and tense,
//!   and masks the word when the structure says it is not about harm to a person (a thing as
//!   subject, hyperbole, a living speaker, an abstract object, a devotion destination), and the
//!   words of an offer of care or of permission granted. A first-person future, wish or
//!   conditional frame is never weakened.
//! - **Judged across writers.** Every change is kept only if it helps leave-one-round-out
//!   cross-validation over the held-out rounds (each a different writer, the model retrained
//!   without the round it reads: `loro_cross_validation` in
//!   `crates/guide/tests/soften_held_out.rs`); the numbers are in `docs/threat-model.md`.
//! - **Doubt counts as yes.** It is a safety net: a false flag costs a screen of help that was
//!   not needed; a miss can cost far more. It still leaves loving messages alone.
//! - **It reads English only**, and says so: text that does not look like English is
//!   [`Language::Unknown`], and callers must then say they cannot read it rather than stay silent.
//!
//! Pure: no files, clock or randomness; the rules are embedded at build time.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// What kind of danger a piece of text may speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// Thoughts of suicide or of hurting oneself — the writer's, or someone else's.
    SelfHarm,
    /// Physical harm, being held, blocked or followed, things thrown or broken, weapons.
    Violence,
    /// Threats of harm, "you know what happens", "or else", ultimatums, exposure, coercion.
    Threat,
    /// Checking a phone or accounts, tracking, watching, turning up, following.
    Surveillance,
    /// Curfews, permission, cutting someone off from people, control of money or keys.
    Isolation,
    /// Threats about children or pets, custody used as a threat.
    Children,
}

impl RiskKind {
    pub const ALL: [RiskKind; 6] = [
        RiskKind::SelfHarm,
        RiskKind::Violence,
        RiskKind::Threat,
        RiskKind::Surveillance,
        RiskKind::Isolation,
        RiskKind::Children,
    ];

    /// The name used in JSON and in `data/risk.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::SelfHarm => "self_harm",
            RiskKind::Violence => "violence",
            RiskKind::Threat => "threat",
            RiskKind::Surveillance => "surveillance",
            RiskKind::Isolation => "isolation",
            RiskKind::Children => "children",
        }
    }
}

/// Whose act the words describe, where the words tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The writer's own ("I'll take the kids", "I checked your phone").
    Mine,
    /// Someone else's, usually the partner's ("you hit me", "he said he'd kill himself").
    Theirs,
    /// The words do not say.
    #[default]
    Unclear,
}

/// One thing the reader noticed: its kind and the person's own words, exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub kind: RiskKind,
    pub words: String,
    /// Whose act it is, where the words tell. Not part of the JSON contract (`kind`, `words`).
    #[serde(skip)]
    pub by: Direction,
}

/// Whether the text looks like English, the only language the reader can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Unknown,
}

/// What [`read`] noticed in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// In the order they appear in the text; one per kind and stretch of words.
    pub risks: Vec<Risk>,
    pub language: Language,
}

/// Which help a reading leads to first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// Self-harm: crisis help first (the emergency number and crisis lines, shown in place).
    Crisis,
    /// Violence, threats, surveillance, isolation or children, done to the writer or with no
    /// clear direction: safety help (fear of the partner, abuse lines) first.
    Safety,
    /// The same, done by the writer: help for one's own behaviour (steps for tonight, lines for
    /// people worried about how they treat a partner) first.
    OwnBehaviour,
    /// Nothing noticed — which is never an all-clear (the reader misses a lot).
    Unmarked,
}

impl Reading {
    /// True when nothing was noticed (never a sign that the text is fine).
    pub fn is_empty(&self) -> bool {
        self.risks.is_empty()
    }

    /// True when a risk of this kind was noticed.
    pub fn has(&self, kind: RiskKind) -> bool {
        self.risks.iter().any(|r| r.kind == kind)
    }

    /// The distinct kinds noticed, in a fixed order.
    pub fn kinds(&self) -> Vec<RiskKind> {
        let set: BTreeSet<RiskKind> = self.risks.iter().map(|r| r.kind).collect();
        set.into_iter().collect()
    }

    /// Which help comes first: crisis for any self-harm; otherwise safety help unless every
    /// other risk is clearly the writer's own act, which leads to help for one's own behaviour.
    /// Doubt counts as yes: a risk whose direction is unclear leads to safety help.
    pub fn path(&self) -> Path {
        if self.has(RiskKind::SelfHarm) {
            return Path::Crisis;
        }
        if self.risks.is_empty() {
            return Path::Unmarked;
        }
        if self.risks.iter().all(|r| r.by == Direction::Mine) {
            Path::OwnBehaviour
        } else {
            Path::Safety
        }
    }

    /// True when some risk is clearly the writer's own act (used to add help for one's own
    /// behaviour next to safety help).
    pub fn any_mine(&self) -> bool {
        self.risks
            .iter()
            .any(|r| r.kind != RiskKind::SelfHarm && r.by == Direction::Mine)
    }
}

/// Reads a piece of free text for risk. Pure, deterministic, never panics.
pub fn read(text: &str) -> Reading {
    read_with(text, true)
}

/// [`read`] with the small [`model`] switched on or off: the rules alone are measured against
/// the rules with the model on the held-out messages (`crates/guide/tests/soften_held_out.rs`).
pub fn read_with(text: &str, use_model: bool) -> Reading {
    read_using(text, use_model.then(|| (model::model(), &model::PARAMS)))
}

/// [`read`] with a given model and its thresholds, or none: the cross-validation in the tests
/// trains a model without one held-out set and reads that set with it.
pub fn read_using(text: &str, with_model: Option<(&model::Model, &model::Params)>) -> Reading {
    read_with_rules(text, rules(), with_model)
}

/// The model alone, without the rules (the cross-validation reports it: the rules were tuned
/// on every earlier round, the model is retrained without the round it reads).
pub fn read_model_only(text: &str, m: &model::Model, p: &model::Params) -> Reading {
    let rules = rules();
    let mut tokens = tokenize(text, rules);
    let language = language(&tokens, rules);
    mask_kind_uses(text, &mut tokens, rules);
    let mut found = model::read(text, &tokens, m, p, rules.frame.as_ref());
    found.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.kind.cmp(&y.1.kind)));
    let mut risks: Vec<Risk> = Vec::new();
    for (_, r) in found {
        if !risks.iter().any(|k| k.kind == r.kind) {
            risks.push(r);
        }
    }
    Reading { risks, language }
}

/// True when a rule's hit stands: a hit on a danger word that is often used kindly
/// ([`Frame::ambiguous`]) needs a frame that aims harm at a person ([`Frame::harm`]), or, for
/// self-harm, a first-person frame ([`Frame::first_person`]); without one it stands only when
/// the small model reads the sentence as that kind by [`Frame::model_margin`]. Every other hit
/// stands.
fn hit_stands(
    rules: &Rules,
    kind: RiskKind,
    hit: &str,
    sentence_norm: &str,
    sentence: &[Token],
    with_model: Option<(&model::Model, &model::Params)>,
) -> bool {
    let Some(frame) = &rules.frame else {
        return true;
    };
    if !frame.ambiguous.is_match(hit) {
        return true;
    }
    if frame.harm.is_match(sentence_norm) {
        return true;
    }
    if kind == RiskKind::SelfHarm && frame.first_person.is_match(sentence_norm) {
        return true;
    }
    // Without a frame the ambiguous words are read as nothing: the hit stands only if the rest
    // of the sentence reads as this kind to the model.
    // Self-harm keeps the model's reading of the whole sentence: doubt counts as yes there.
    match with_model {
        Some((m, _)) if kind == RiskKind::SelfHarm => m.margin(sentence, kind) > frame.model_margin,
        Some((m, _)) => {
            let masked: Vec<Token> = sentence
                .iter()
                .map(|t| {
                    let mut t = t.clone();
                    if frame.ambiguous.is_match(&t.norm) {
                        t.norm = "~".into();
                    }
                    t
                })
                .collect();
            m.margin(&masked, kind) > frame.model_margin
        }
        None => false,
    }
}

/// The whole-message care veto of one message ([`model::Params::caring_veto`]), when the care
/// reader reads the whole message as care by more than its margin: [`CareVeto::drops`] says
/// whether a hit at a given place is dropped (its own clause reads as care too). The softener
/// asks it about its own phrase rules' signals, so both readers drop the same kind of hit.
pub struct CareVeto<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    model: &'a model::Model,
    clause_veto: f64,
}

impl<'a> CareVeto<'a> {
    /// The veto for `text`, or `None` when the message does not read as care by the margin
    /// (or is not English: the care reader learned English only).
    pub fn new(text: &'a str, m: &'a model::Model, p: &model::Params) -> Option<CareVeto<'a>> {
        let rules = rules();
        let mut tokens = tokenize(text, rules);
        if language(&tokens, rules) != Language::En {
            return None;
        }
        mask_idioms(&mut tokens, rules);
        CareVeto::from_tokens(text, tokens, m, p)
    }

    /// From the message's tokens with idioms masked (the words as the model was trained on
    /// them; not the clause reader's masks, which would make any offer read as care).
    fn from_tokens(
        text: &'a str,
        tokens: Vec<Token>,
        m: &'a model::Model,
        p: &model::Params,
    ) -> Option<CareVeto<'a>> {
        if !p.caring_veto.is_finite() || whole_care_margin(&tokens, m) <= p.caring_veto {
            return None;
        }
        Some(CareVeto {
            text,
            tokens,
            model: m,
            clause_veto: p.clause_veto,
        })
    }

    /// True when a hit starting at byte `at` of the text is dropped: its own clause reads as
    /// care by more than the clause margin.
    pub fn drops(&self, at: usize) -> bool {
        clause_care_margin(self.text, &self.tokens, at, self.model) > self.clause_veto
    }
}

/// How much more likely (nats) the care reader finds the whole message a caring one than
/// anything else (the whole-message veto of [`read_with_rules`]; the tests print it).
pub fn care_margin(text: &str, m: &model::Model) -> f64 {
    let rules = rules();
    let mut tokens = tokenize(text, rules);
    mask_idioms(&mut tokens, rules);
    whole_care_margin(&tokens, m)
}

/// The care reader's margin for the clause around the byte offset `at`: the words between the
/// nearest sentence marks, commas, colons or dashes, and the words "and", "but", "so", "or"
/// on either side. A threat can share a sentence with care ("this cake is to die for, and if
/// you leave I'll take the kids"); its own clause does not read as care.
fn clause_care_margin(text: &str, tokens: &[Token], at: usize, m: &model::Model) -> f64 {
    let Some(i) = tokens.iter().position(|t| t.end > at) else {
        return f64::NEG_INFINITY;
    };
    let breaks_before = |k: usize| -> bool {
        // A clause starts at token k when a mark or a joining word comes just before it.
        if k == 0 {
            return true;
        }
        let (p, t) = (&tokens[k - 1], &tokens[k]);
        p.ends
            || t.ends
            || matches!(t.norm.as_str(), "and" | "but" | "so" | "or")
            || text
                .get(p.end..t.start)
                .is_some_and(|g| g.contains([',', ':', '—', '–', '(', ')']) || g.contains(" - "))
    };
    let mut a = i;
    while !breaks_before(a) {
        a -= 1;
    }
    let mut b = i + 1;
    while b < tokens.len() && !breaks_before(b) {
        b += 1;
    }
    let clause: Vec<Token> = tokens[a..b].iter().filter(|t| !t.ends).cloned().collect();
    m.care_margin(&clause)
}

fn whole_care_margin(tokens: &[Token], m: &model::Model) -> f64 {
    let all: Vec<Token> = tokens.iter().filter(|t| !t.ends).cloned().collect();
    m.care_margin(&all)
}

/// [`read_using`] with a given rule file (the tests use it to try a rule file without a
/// rebuild).
pub fn read_with_rules(
    text: &str,
    rules: &Rules,
    with_model: Option<(&model::Model, &model::Params)>,
) -> Reading {
    let mut tokens = tokenize(text, rules);
    let language = language(&tokens, rules);
    // The words as the care reader reads them (idioms masked only), for the whole-message veto.
    let mut plain = tokens.clone();
    mask_idioms(&mut plain, rules);
    mask_kind_uses(text, &mut tokens, rules);
    let mut found: Vec<(usize, Risk)> = Vec::new();
    // Hits the whole-message veto never drops: self-harm in a first-person frame.
    let mut firm: Vec<usize> = Vec::new();
    let firm_hit = |kind: RiskKind, norm: &str| {
        kind == RiskKind::SelfHarm
            && rules
                .frame
                .as_ref()
                .is_some_and(|f| f.first_person.is_match(norm))
    };
    for sentence in split_sentences(&tokens) {
        let (norm, starts) = joined(sentence);
        for rule in &rules.rules {
            if !rule.pattern.is_match(&norm) || rule.except.iter().any(|e| e.is_match(&norm)) {
                continue;
            }
            for m in rule.pattern.find_iter(&norm) {
                if !hit_stands(rules, rule.kind, m.as_str(), &norm, sentence, with_model) {
                    continue;
                }
                let Some((a, b)) = span(sentence, &starts, m.start(), m.end()) else {
                    continue;
                };
                let words = text.get(a..b).unwrap_or("").trim().to_string();
                if words.is_empty() {
                    continue;
                }
                if firm_hit(rule.kind, &norm) {
                    firm.push(a);
                }
                found.push((
                    a,
                    Risk {
                        kind: rule.kind,
                        words,
                        by: rule.by,
                    },
                ));
            }
        }
    }
    // Self-harm is also read across sentence marks ("im done. with everything."): a person in
    // crisis may not write in sentences, and a miss here costs the most.
    let all: Vec<Token> = tokens.iter().filter(|t| !t.ends).cloned().collect();
    let (norm, starts) = joined(&all);
    for rule in rules.rules.iter().filter(|r| r.kind == RiskKind::SelfHarm) {
        if rule.except.iter().any(|e| e.is_match(&norm)) {
            continue;
        }
        for m in rule.pattern.find_iter(&norm) {
            if !hit_stands(rules, rule.kind, m.as_str(), &norm, &all, with_model) {
                continue;
            }
            let Some((a, b)) = span(&all, &starts, m.start(), m.end()) else {
                continue;
            };
            let words = text.get(a..b).unwrap_or("").trim().to_string();
            if !words.is_empty() {
                if firm_hit(rule.kind, &norm) {
                    firm.push(a);
                }
                found.push((
                    a,
                    Risk {
                        kind: rule.kind,
                        words,
                        by: rule.by,
                    },
                ));
            }
        }
    }
    // The small model: a second reader for what the rules' phrases miss (see [`model`]). It
    // learned English only, so it does not read text in another language (its guesses there
    // are noise; the caller says it cannot read the text, and crisis help still leads).
    let by_model = match with_model {
        Some((m, p)) if language == Language::En => {
            model::read(text, &tokens, m, p, rules.frame.as_ref())
        }
        _ => Vec::new(),
    };
    for (start, risk) in by_model {
        if !found.iter().any(|(_, r)| r.kind == risk.kind) {
            found.push((start, risk));
        }
    }
    // The whole-message veto ([`model::Params::caring_veto`]): when the care reader reads the
    // whole message as care by a wide margin, a hit whose own clause reads as care too is
    // dropped — never self-harm in a first-person frame.
    if let Some((m, p)) = with_model
        && language == Language::En
        && !found.is_empty()
        && let Some(veto) = CareVeto::from_tokens(text, plain, m, p)
    {
        found.retain(|(a, _)| firm.contains(a) || !veto.drops(*a));
    }
    found.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.kind.cmp(&y.1.kind))
            .then(y.1.words.len().cmp(&x.1.words.len()))
    });
    // One risk per kind per stretch of words; where two rules of the same kind disagree about
    // direction, the overlapping later one is dropped (its words are already shown).
    let mut kept: Vec<(usize, Risk)> = Vec::new();
    for (start, r) in found {
        let end = start + r.words.len();
        let overlaps = kept
            .iter()
            .any(|(s, k)| k.kind == r.kind && start < s + k.words.len() && *s < end);
        if !overlaps {
            kept.push((start, r));
        }
    }
    Reading {
        risks: kept.into_iter().map(|(_, r)| r).collect(),
        language,
    }
}

/// The ids and kinds of the rules that match a text (the model left out): for reviewing and
/// tuning the rule file, never for deciding a path.
pub fn matching_rules(text: &str) -> Vec<(String, RiskKind)> {
    let rules = rules();
    let mut tokens = tokenize(text, rules);
    mask_kind_uses(text, &mut tokens, rules);
    let mut out = Vec::new();
    for sentence in split_sentences(&tokens) {
        let (norm, _) = joined(sentence);
        for rule in &rules.rules {
            if rule.pattern.is_match(&norm) && !rule.except.iter().any(|e| e.is_match(&norm)) {
                out.push((rule.id.clone(), rule.kind));
            }
        }
    }
    out
}

/// Danger words used kindly ("to die for", "you killed it", "dying to see you"): the words a
/// `[kind_uses]` phrase covers are read as nothing at all, by the rules and by the model. The
/// phrases are narrow, each a whole idiom, so a threat around them is still read.
///
/// Then the clause reader ([`clause`]) masks the danger words whose subject, object or
/// complement shows they are not about harm to a person ("my battery's about to die", "dead from
/// laughing", "I'll follow you to any city"), and the words of an offer of care or of permission
/// granted ("stay in bed, I'll bring soup", "you don't need to ask me").
fn mask_kind_uses(text: &str, tokens: &mut [Token], rules: &Rules) {
    if rules.clause {
        for f in clause::figures(text, tokens) {
            for k in f.tokens {
                tokens[k].norm = "~".into();
            }
        }
    }
    mask_idioms(tokens, rules);
}

/// The `[kind_uses]` idioms alone (what the small model is trained on).
fn mask_idioms(tokens: &mut [Token], rules: &Rules) {
    if rules.kind_uses.is_empty() {
        return;
    }
    let mut start = 0;
    let n = tokens.len();
    for i in 0..=n {
        if i < n && !tokens[i].ends {
            continue;
        }
        if i > start {
            let (norm, starts) = joined(&tokens[start..i]);
            let mut covered: Vec<usize> = Vec::new();
            for phrase in &rules.kind_uses {
                for m in phrase.find_iter(&norm) {
                    for (k, &s) in starts.iter().enumerate() {
                        let e = s + tokens[start + k].norm.len();
                        if s < m.end() && m.start() < e {
                            covered.push(start + k);
                        }
                    }
                }
            }
            for k in covered {
                tokens[k].norm = "~".into();
            }
        }
        start = i + 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the text as people type it.
// ---------------------------------------------------------------------------------------------

/// One word or mark of the text: its normalised form and its byte span in the original.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    norm: String,
    /// The lower-cased word before txt-speak and typo replacement (for the language check).
    raw: String,
    start: usize,
    end: usize,
    /// `.`, `!`, `?` or a line break: the sentence ends after this token.
    ends: bool,
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

fn tokenize(text: &str, rules: &Rules) -> Vec<Token> {
    tokenize_with(text, &mut |w| normalise_word(w, rules))
}

/// [`tokenize`] with the words' normal forms remembered across calls: training reads about
/// 16,000 messages, and the one-slip search for a long word is most of its time.
fn tokenize_memo(text: &str, rules: &Rules, memo: &mut HashMap<String, String>) -> Vec<Token> {
    tokenize_with(text, &mut |w| {
        if let Some(n) = memo.get(w) {
            return n.clone();
        }
        let n = normalise_word(w, rules);
        memo.insert(w.to_string(), n.clone());
        n
    })
}

fn tokenize_with(text: &str, normalise: &mut dyn FnMut(&str) -> String) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            let mut word = String::new();
            word.extend(c.to_lowercase());
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    word.extend(d.to_lowercase());
                    end = j + d.len_utf8();
                    chars.next();
                } else if is_apostrophe(d) {
                    // An apostrophe inside a word is dropped ("don't" -> "dont").
                    chars.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            let norm = normalise(&word);
            out.push(Token {
                norm,
                raw: word,
                start: i,
                end,
                ends: false,
            });
        } else if matches!(c, '.' | '!' | '?' | '\n' | '\r' | '…' | ';') {
            out.push(Token {
                norm: ".".into(),
                raw: String::new(),
                start: i,
                end: i + c.len_utf8(),
                ends: true,
            });
        }
    }
    out
}

/// A word as the rules read it: letters held down are read once, a one-slip typo of a key word
/// is read as the word, and txt-speak is replaced.
fn normalise_word(word: &str, rules: &Rules) -> String {
    if let Some(r) = rules.words.get(word) {
        return r.clone();
    }
    // "pleeease" may be "please" (a run kept twice, then one slip) or "soooo" "so" (kept once).
    let twice = squeeze(word, 2);
    let once = squeeze(word, 1);
    for cand in [&twice, &once] {
        if let Some(r) = rules.words.get(cand.as_str()) {
            return r.clone();
        }
        if rules.fuzzy.contains(cand) {
            return cand.clone();
        }
    }
    for cand in [&twice, &once] {
        if cand.chars().count() >= 6
            && let Some(k) = rules.fuzzy.iter().find(|k| one_slip(cand, k))
        {
            return rules.words.get(k).cloned().unwrap_or_else(|| k.clone());
        }
    }
    once
}

/// A letter repeated three or more times is kept `keep` times: "soooo" -> "so" (once).
fn squeeze(word: &str, keep: usize) -> String {
    let cs: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < cs.len() {
        let mut j = i;
        while j < cs.len() && cs[j] == cs[i] {
            j += 1;
        }
        let run = j - i;
        let n = if run >= 3 && cs[i].is_alphabetic() {
            keep
        } else {
            run
        };
        for _ in 0..n {
            out.push(cs[i]);
        }
        i = j;
    }
    out
}

/// True when `a` is one typing slip from `b`: one letter changed, added, dropped, or two
/// neighbours swapped.
fn one_slip(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return false;
    }
    match a.len().abs_diff(b.len()) {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            diff.len() == 1
                || (diff.len() == 2
                    && diff[1] == diff[0] + 1
                    && a[diff[0]] == b[diff[1]]
                    && a[diff[1]] == b[diff[0]])
        }
        1 => {
            let (long, short) = if a.len() > b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            let mut i = 0;
            while i < short.len() && long[i] == short[i] {
                i += 1;
            }
            long[i + 1..] == short[i..]
        }
        _ => false,
    }
}

/// Sentences: runs of tokens ending after a sentence mark.
fn split_sentences(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.ends {
            if i > start {
                out.push(&tokens[start..i]);
            }
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out
}

/// The sentence's words joined by single spaces, and where each token starts in that string.
fn joined(sentence: &[Token]) -> (String, Vec<usize>) {
    let mut s = String::new();
    let mut starts = Vec::with_capacity(sentence.len());
    for t in sentence {
        if !s.is_empty() {
            s.push(' ');
        }
        starts.push(s.len());
        s.push_str(&t.norm);
    }
    (s, starts)
}

/// The original byte span for a match over the joined sentence.
fn span(sentence: &[Token], starts: &[usize], a: usize, b: usize) -> Option<(usize, usize)> {
    let first = starts.iter().rposition(|&s| s <= a)?;
    let last = starts.iter().rposition(|&s| s < b.max(a + 1))?;
    Some((sentence.get(first)?.start, sentence.get(last)?.end))
}

/// English, or not: more words from other languages' common words than from English ones, or
/// hardly any English words in a longer text, or no words at all.
fn language(tokens: &[Token], rules: &Rules) -> Language {
    let words: Vec<&Token> = tokens.iter().filter(|t| !t.raw.is_empty()).collect();
    let letters: Vec<char> = words
        .iter()
        .flat_map(|t| t.raw.chars())
        .filter(|c| c.is_alphabetic())
        .collect();
    if letters.is_empty() {
        return Language::Unknown;
    }
    let latin = letters
        .iter()
        .filter(|c| (**c as u32) < 0x250 || ('\u{1E00}'..='\u{1EFF}').contains(*c))
        .count();
    if latin * 2 < letters.len() {
        return Language::Unknown;
    }
    let en = words
        .iter()
        .filter(|t| rules.english.contains(&t.raw) || rules.english.contains(&t.norm))
        .count();
    let other = words
        .iter()
        .filter(|t| rules.other.contains(&t.raw))
        .count();
    if other > en || (words.len() >= 4 && en * 100 < words.len() * 15) {
        Language::Unknown
    } else {
        Language::En
    }
}

// The clause reader: who and what a danger word is about (its own file).
pub mod clause;

// ---------------------------------------------------------------------------------------------
// The small model.
// ---------------------------------------------------------------------------------------------

/// A small naive Bayes model over words and word pairs, trained in the repository on messages we
/// wrote (`data/risk_training.csv`), when it is first used. No model is fetched or stored: the
/// training data is embedded and training is deterministic and takes milliseconds.
///
/// Why: on messages written after the rules were frozen, phrase rules missed many ways of saying
/// the same danger (see `docs/threat-model.md`). The model reads each sentence, and the whole
/// text, and notices a kind when that kind is more likely than "nothing" by a clear margin. It
/// only ever adds a risk; it never removes one the rules found.
pub mod model {
    use super::{Direction, Frame, Risk, RiskKind, Token, joined, split_sentences};
    use std::collections::{BTreeMap, HashMap};
    use std::sync::OnceLock;

    /// The embedded training messages.
    pub const TRAINING_CSV: &str = include_str!("../data/risk_training.csv");

    /// The training messages without those in `texts` (one CSV line per message, as in
    /// [`TRAINING_CSV`]): the cross-validation studies retrain without the round they read.
    pub fn training_without(texts: &std::collections::HashSet<&str>) -> String {
        TRAINING_CSV
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
            .join("\n")
    }

    /// When the model's reading counts.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Params {
        /// How much more likely (in nats) self-harm must be than "nothing", when it is the most
        /// likely kind. Small (1 nat, [`PARAMS`]): where the model leans to self-harm the full
        /// crisis path leads; every soften result opens with a crisis line anyway, so a message
        /// it is unsure about still has crisis help on top.
        pub self_harm_margin: f64,
        /// The other kinds the model may add, each with how much more likely than "nothing" it
        /// must be. A kind not listed is left to the rules.
        pub kinds: &'static [(RiskKind, f64)],
        /// The whole-message veto: when the care reader finds the whole message a caring one by
        /// more than this (log-odds, nats), a hit whose own clause also reads as care (by more
        /// than [`Params::clause_veto`]) is dropped — never self-harm in a first-person frame.
        /// Why: each new writer's kind uses of danger words ("dead on your feet", "we'll say
        /// goodbye for you", "glad you're mine") trip a phrase rule or one sentence's reading,
        /// while the whole message says care; a threat wrapped in loving words does not read as
        /// care in its own clause, so it keeps its hits. Infinite: never.
        pub caring_veto: f64,
        /// How much more likely (nats) the hit's own clause must read as care for the veto to
        /// drop it.
        pub clause_veto: f64,
    }

    /// What ships; chosen by cross-validation over the earlier held-out sets (rounds 1–6, each
    /// left out of training in turn, `crates/safety/tests/risk_cv.rs`), then, after round 7,
    /// threats raised from 3 to 4 nats and children, isolation and surveillance from 7 to 8 by
    /// leave-one-round-out over rounds 1–7 of the whole softener (fewer everyday plans read as
    /// isolation or children for a few threatening messages, `docs/threat-model.md`). Self-harm
    /// at 1 nat and threats at 3 (now 4): every soften result opens with crisis help whatever the model reads, so a
    /// false self-harm or threat reading on a caring message is only a false flag. Tried after
    /// round 6 and not shipped: fifty more everyday caring messages as "nothing" (caring flagged
    /// 21 -> 16/600 but 3 fewer self-harm messages on the full crisis path), and self-harm at 0.5
    /// nats with them (recall kept, but "he hit me last night" read as self-harm, which puts the
    /// crisis block where the safety help belongs). Children, isolation and surveillance only at
    /// 7, because at lower margins the model read everyday plans ("can you get the kids from
    /// school today?") as threats about children (now 8). Violence is left to the rules: the model added
    /// nothing there. A logistic regression over the same features ([`Model::train_lr`])
    /// measured no better (similar recall, more caring and anxious messages flagged), so naive
    /// Bayes ships.
    ///
    /// The whole-message veto at 6 nats, the clause at 0 (after round 10, with eight
    /// training-only writers added): leave-one-round-out over rounds 1–10 lost no threatening
    /// or self-harm message with the whole message at 4 nats or more (at 2: five self-harm
    /// messages off the full crisis path) and flagged 21 caring messages of 1000 at 6 (28
    /// without the veto); 6 leaves two nats for a new writer. The clause test costs one caring
    /// message and keeps a threat that shares a sentence with care.
    pub const PARAMS: Params = Params {
        self_harm_margin: 1.0,
        kinds: &[
            (RiskKind::Threat, 4.0),
            (RiskKind::Children, 8.0),
            (RiskKind::Isolation, 8.0),
            (RiskKind::Surveillance, 8.0),
        ],
        caring_veto: 6.0,
        clause_veto: 0.0,
    };

    /// Classes: the six kinds, and "nothing".
    const CLASSES: usize = 7;

    fn class_of(label: &str) -> Option<usize> {
        Some(match label {
            "self_harm" => 0,
            "violence" => 1,
            "threat" => 2,
            "surveillance" => 3,
            "isolation" => 4,
            "children" => 5,
            // Caring messages are "nothing" to the kinds' reader; the care reader
            // ([`Care`]) tells them apart.
            "none" | "caring" => 6,
            _ => return None,
        })
    }

    fn kind_of(class: usize) -> Option<RiskKind> {
        RiskKind::ALL.get(class).copied()
    }

    /// Word and word-pair counts per class (naive Bayes), or, when `lr` is set, the weights of
    /// a logistic regression over the same features.
    pub struct Model {
        counts: HashMap<String, [f64; CLASSES]>,
        totals: [f64; CLASSES],
        priors: [f64; CLASSES],
        vocab: f64,
        lr: Option<Lr>,
        care: Care,
    }

    /// Multinomial logistic regression weights: one row of class weights per feature.
    struct Lr {
        w: BTreeMap<String, [f64; CLASSES]>,
        b: [f64; CLASSES],
    }

    impl Lr {
        fn logits(&self, feats: &[String]) -> [f64; CLASSES] {
            let mut z = self.b;
            for f in feats {
                if let Some(w) = self.w.get(f) {
                    for k in 0..CLASSES {
                        z[k] += w[k];
                    }
                }
            }
            z
        }

        /// Trained by stochastic gradient descent in file order (deterministic), each feature
        /// counted once per message, with a small L2 penalty on the weights a message touches.
        fn train(docs: &[(usize, Vec<String>)], epochs: usize, rate: f64, l2: f64) -> Lr {
            let mut lr = Lr {
                w: BTreeMap::new(),
                b: [0.0; CLASSES],
            };
            for e in 0..epochs {
                let eta = rate / (1.0 + e as f64);
                for (class, feats) in docs {
                    let z = lr.logits(feats);
                    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let ex: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
                    let sum: f64 = ex.iter().sum();
                    let mut g = [0.0; CLASSES];
                    for k in 0..CLASSES {
                        g[k] = ex[k] / sum - if k == *class { 1.0 } else { 0.0 };
                        lr.b[k] -= eta * g[k];
                    }
                    for f in feats {
                        let w = lr.w.entry(f.clone()).or_insert([0.0; CLASSES]);
                        for k in 0..CLASSES {
                            w[k] -= eta * (g[k] + l2 * w[k]);
                        }
                    }
                }
            }
            lr
        }
    }

    fn features(tokens: &[Token]) -> Vec<String> {
        let words: Vec<&str> = tokens
            .iter()
            .filter(|t| !t.ends)
            .map(|t| t.norm.as_str())
            .collect();
        let mut out: Vec<String> = words.iter().map(|w| (*w).to_string()).collect();
        for pair in words.windows(2) {
            out.push(format!("{} {}", pair[0], pair[1]));
        }
        out
    }

    /// `label,text` rows (RFC 4180 quoting), skipping `#` comments and the header: the class,
    /// whether the label is `caring`, and the text.
    fn rows(csv: &str) -> Vec<(usize, bool, String)> {
        let mut out = Vec::new();
        for line in csv.lines() {
            if line.starts_with('#') || line.starts_with("label,") || line.trim().is_empty() {
                continue;
            }
            let Some((label, rest)) = line.split_once(',') else {
                continue;
            };
            let Some(class) = class_of(label) else {
                continue;
            };
            let text = match rest.strip_prefix('"') {
                Some(q) => q.strip_suffix('"').unwrap_or(q).replace("\"\"", "\""),
                None => rest.to_string(),
            };
            out.push((class, label == "caring", text));
        }
        out
    }

    /// A second, two-class naive Bayes over the same features: caring messages against every
    /// other message (harmful, harsh or anxious). The whole-message veto asks it, not the
    /// kinds' reader, because "nothing" there includes anxious and harsh messages — and control
    /// dressed as worry ("I feel scared when I can't see your phone") reads as nothing, not
    /// as care.
    struct Care {
        counts: HashMap<String, [f64; 2]>,
        totals: [f64; 2],
        priors: [f64; 2],
        vocab: f64,
    }

    impl Care {
        fn train(docs: &[(bool, Vec<String>)]) -> Care {
            let mut counts: HashMap<String, [f64; 2]> = HashMap::new();
            let mut totals = [0.0; 2];
            let mut n = [0.0_f64; 2];
            for (caring, feats) in docs {
                let c = usize::from(!*caring);
                n[c] += 1.0;
                for f in feats {
                    counts.entry(f.clone()).or_insert([0.0; 2])[c] += 1.0;
                    totals[c] += 1.0;
                }
            }
            let all = (n[0] + n[1]).max(1.0);
            let priors = [
                ((n[0] + 1.0) / (all + 2.0)).ln(),
                ((n[1] + 1.0) / (all + 2.0)).ln(),
            ];
            let vocab = counts.len() as f64;
            Care {
                counts,
                totals,
                priors,
                vocab,
            }
        }

        /// Log-odds (nats) of "caring" against everything else.
        fn margin(&self, tokens: &[Token]) -> f64 {
            let mut s = self.priors;
            for f in features(tokens) {
                let Some(c) = self.counts.get(&f) else {
                    continue;
                };
                for k in 0..2 {
                    s[k] += ((c[k] + 0.5) / (self.totals[k] + 0.5 * self.vocab)).ln();
                }
            }
            s[0] - s[1]
        }
    }

    impl Model {
        /// Trains on `label,text` rows.
        pub fn train(csv: &str) -> Model {
            let rules = super::rules();
            let mut counts: HashMap<String, [f64; CLASSES]> = HashMap::new();
            let mut totals = [0.0; CLASSES];
            let mut docs = [0.0; CLASSES];
            let mut care_docs = Vec::new();
            let mut memo = HashMap::new();
            for (class, caring, text) in rows(csv) {
                docs[class] += 1.0;
                let mut tokens = super::tokenize_memo(&text, rules, &mut memo);
                // The model learns from the words as written, idioms masked; the clause reader
                // only reads (measured both ways by leave-one-round-out: the same).
                super::mask_idioms(&mut tokens, rules);
                let feats = features(&tokens);
                for f in &feats {
                    counts.entry(f.clone()).or_insert([0.0; CLASSES])[class] += 1.0;
                    totals[class] += 1.0;
                }
                care_docs.push((caring, feats));
            }
            let n: f64 = docs.iter().sum::<f64>().max(1.0);
            let mut priors = [0.0; CLASSES];
            for c in 0..CLASSES {
                priors[c] = ((docs[c] + 1.0) / (n + CLASSES as f64)).ln();
            }
            let vocab = counts.len() as f64;
            Model {
                counts,
                totals,
                priors,
                vocab,
                lr: None,
                care: Care::train(&care_docs),
            }
        }

        /// Log-odds (nats) that these tokens are a caring message rather than anything else.
        pub(crate) fn care_margin(&self, tokens: &[Token]) -> f64 {
            self.care.margin(tokens)
        }

        /// Trains a logistic regression on `label,text` rows instead of naive Bayes.
        pub fn train_lr(csv: &str, epochs: usize, rate: f64, l2: f64) -> Model {
            let rules = super::rules();
            let docs: Vec<(usize, Vec<String>)> = rows(csv)
                .into_iter()
                .map(|(class, _, text)| {
                    let mut tokens = super::tokenize(&text, rules);
                    // The model learns from the words as written, idioms masked; the clause reader
                    // only reads (measured both ways by leave-one-round-out: the same).
                    super::mask_idioms(&mut tokens, rules);
                    let mut f = features(&tokens);
                    f.sort();
                    f.dedup();
                    (class, f)
                })
                .collect();
            let mut m = Model::train("");
            m.lr = Some(Lr::train(&docs, epochs, rate, l2));
            m
        }

        /// Log-probabilities of each class for these tokens (unnormalised).
        pub(crate) fn scores(&self, tokens: &[Token]) -> [f64; CLASSES] {
            if let Some(lr) = &self.lr {
                let mut f = features(tokens);
                f.sort();
                f.dedup();
                return lr.logits(&f);
            }
            let mut s = self.priors;
            for f in features(tokens) {
                // Words never seen in training say nothing either way.
                let Some(c) = self.counts.get(&f) else {
                    continue;
                };
                for k in 0..CLASSES {
                    s[k] += ((c[k] + 0.5) / (self.totals[k] + 0.5 * self.vocab)).ln();
                }
            }
            s
        }

        /// How much more likely (nats) this kind is than "nothing" for these tokens.
        pub(crate) fn margin(&self, tokens: &[Token], kind: RiskKind) -> f64 {
            let s = self.scores(tokens);
            let k = RiskKind::ALL
                .iter()
                .position(|x| *x == kind)
                .unwrap_or(CLASSES - 1);
            s[k] - s[CLASSES - 1]
        }

        /// The kind this text most likely speaks of, if any: the most likely kind counts
        /// when it beats "nothing" by its margin in `p`.
        pub(crate) fn classify(&self, tokens: &[Token], p: &Params) -> Option<RiskKind> {
            let s = self.scores(tokens);
            let none = s[CLASSES - 1];
            let (best, score) = s[..CLASSES - 1].iter().copied().enumerate().fold(
                (0, f64::NEG_INFINITY),
                |a, (i, v)| if v > a.1 { (i, v) } else { a },
            );
            let kind = kind_of(best)?;
            let counts = if kind == RiskKind::SelfHarm {
                score - none > p.self_harm_margin
            } else {
                p.kinds
                    .iter()
                    .any(|(k, margin)| *k == kind && score - none > *margin)
            };
            counts.then_some(kind)
        }
    }

    /// The model trained on the embedded messages, on first use.
    pub fn model() -> &'static Model {
        static M: OnceLock<Model> = OnceLock::new();
        M.get_or_init(|| Model::train(TRAINING_CSV))
    }

    /// Whose act it is, as far as the words say: the writer's when the sentence speaks as "I"
    /// and of no one else.
    fn direction(tokens: &[Token]) -> Direction {
        let has = |ws: &[&str]| tokens.iter().any(|t| ws.contains(&t.norm.as_str()));
        if has(&[
            "he", "she", "they", "hes", "shes", "theyre", "husband", "wife",
        ]) {
            Direction::Unclear
        } else if has(&["i", "ill", "im", "ive", "id", "me", "my"]) {
            Direction::Mine
        } else {
            Direction::Unclear
        }
    }

    /// What the model notices, sentence by sentence and in the whole text: each hit quotes the
    /// sentence (or the whole text) as typed.
    pub(super) fn read(
        text: &str,
        tokens: &[Token],
        m: &Model,
        p: &Params,
        frame: Option<&Frame>,
    ) -> Vec<(usize, Risk)> {
        let mut out: Vec<(usize, Risk)> = Vec::new();
        let mut push = |part: &[Token]| {
            let Some(kind) = m.classify(part, p) else {
                return;
            };
            // A danger word often used kindly, with no frame that aims harm at a person (or,
            // for self-harm, a first-person frame), is read as nothing: the reading stands only
            // if the model still reads the same kind without it.
            if let Some(f) = frame {
                let (norm, _) = joined(part);
                let framed = f.harm.is_match(&norm)
                    || (kind == RiskKind::SelfHarm && f.first_person.is_match(&norm));
                if !framed && f.ambiguous.is_match(&norm) {
                    let masked: Vec<Token> = part
                        .iter()
                        .map(|t| {
                            let mut t = t.clone();
                            if f.ambiguous.is_match(&t.norm) {
                                t.norm = "~".into();
                            }
                            t
                        })
                        .collect();
                    if m.classify(&masked, p) != Some(kind) {
                        return;
                    }
                }
            }
            // Checking, threatening, isolating and threats about children are about someone
            // else: without a word for another person, the model says nothing of them.
            let other = part.iter().any(|t| {
                matches!(
                    t.norm.as_str(),
                    "you"
                        | "your"
                        | "youre"
                        | "youll"
                        | "youd"
                        | "yourself"
                        | "he"
                        | "she"
                        | "they"
                        | "him"
                        | "her"
                        | "them"
                        | "kids"
                        | "children"
                        | "baby"
                )
            });
            if kind != RiskKind::SelfHarm && !other {
                return;
            }
            // Too few words to say anything.
            if part.iter().filter(|t| !t.ends).count() < 4 {
                return;
            }
            let (Some(first), Some(last)) = (part.first(), part.last()) else {
                return;
            };
            let words = text.get(first.start..last.end).unwrap_or("").trim();
            if words.is_empty() || out.iter().any(|(_, r)| r.kind == kind) {
                return;
            }
            let by = if kind == RiskKind::SelfHarm {
                Direction::Unclear
            } else {
                direction(part)
            };
            out.push((
                first.start,
                Risk {
                    kind,
                    words: words.to_string(),
                    by,
                },
            ));
        };
        for sentence in split_sentences(tokens) {
            push(sentence);
        }
        let all: Vec<Token> = tokens.iter().filter(|t| !t.ends).cloned().collect();
        let _ = joined(&all);
        if split_sentences(tokens).len() > 1 {
            push(&all);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The rule file.
// ---------------------------------------------------------------------------------------------

/// The embedded rule file.
pub const RISK_TOML: &str = include_str!("../data/risk.toml");

/// Why the embedded rules could not be used. Only a broken build can produce this; a test
/// loads the file, so it never reaches a person.
#[derive(Debug, thiserror::Error)]
pub enum RiskRulesError {
    #[error("data/risk.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("data/risk.toml, rule {rule}, field {field}: {message}")]
    Pattern {
        rule: String,
        field: &'static str,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    normalise: RawNormalise,
    fuzzy: RawFuzzy,
    vocab: BTreeMap<String, String>,
    rule: Vec<RawRule>,
    language: RawLanguage,
    #[serde(default)]
    kind_uses: RawKindUses,
    #[serde(default)]
    frame: Option<RawFrame>,
    #[serde(default)]
    clause: RawClause,
}

/// `[clause] read = true`: the clause reader ([`clause`]) is on.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawClause {
    #[serde(default)]
    read: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrame {
    ambiguous: String,
    harm: String,
    first_person: String,
    model_margin: f64,
}

/// When a danger word counts ([`hit_stands`]): the `[frame]` section of the rule file.
#[derive(Debug)]
pub struct Frame {
    /// Danger words that are often used kindly ("die laughing", "the keys are under the pot").
    pub ambiguous: Regex,
    /// A frame that aims harm at a person: a threat ("I'll … you", "if you … I'll / or"), a
    /// demand, permission or curfew, an act done to someone.
    pub harm: Regex,
    /// A first-person frame for self-harm ("I want to …", "… myself"): never weakened.
    pub first_person: Regex,
    /// Without a frame, a hit on an ambiguous word stands when the small model reads its
    /// sentence as that kind by more than this (nats over "nothing").
    pub model_margin: f64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKindUses {
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNormalise {
    words: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFuzzy {
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    english: Vec<String>,
    other: Vec<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawBy {
    Me,
    Them,
    Unclear,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: RiskKind,
    id: String,
    by: RawBy,
    pattern: String,
    #[serde(default)]
    except: Vec<String>,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub kind: RiskKind,
    pub id: String,
    pub by: Direction,
    pub pattern: Regex,
    pub except: Vec<Regex>,
}

/// All rules, compiled, with the word tables.
#[derive(Debug)]
pub struct Rules {
    pub rules: Vec<Rule>,
    words: BTreeMap<String, String>,
    fuzzy: Vec<String>,
    english: BTreeSet<String>,
    other: BTreeSet<String>,
    /// Danger words used kindly, read as nothing ([`mask_kind_uses`]).
    kind_uses: Vec<Regex>,
    /// When a danger word that is often used kindly counts ([`hit_stands`]).
    pub frame: Option<Frame>,
    /// The clause reader is on (`[clause] read`): see [`clause`].
    pub clause: bool,
}

impl Rules {
    /// Parses and compiles a rule file.
    pub fn parse(text: &str) -> Result<Rules, RiskRulesError> {
        let raw: RawFile = toml::from_str(text)?;
        let compile = |rule: &str, field: &'static str, src: &str| {
            let expanded = expand(src, &raw.vocab).map_err(|message| RiskRulesError::Pattern {
                rule: rule.to_string(),
                field,
                message,
            })?;
            RegexBuilder::new(&expanded)
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .map_err(|e| RiskRulesError::Pattern {
                    rule: rule.to_string(),
                    field,
                    message: e.to_string(),
                })
        };
        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in &raw.rule {
            rules.push(Rule {
                kind: r.kind,
                id: r.id.clone(),
                by: match r.by {
                    RawBy::Me => Direction::Mine,
                    RawBy::Them => Direction::Theirs,
                    RawBy::Unclear => Direction::Unclear,
                },
                pattern: compile(&r.id, "pattern", &r.pattern)?,
                except: r
                    .except
                    .iter()
                    .map(|e| compile(&r.id, "except", e))
                    .collect::<Result<_, _>>()?,
            });
        }
        let fuzzy: Vec<String> = raw
            .fuzzy
            .words
            .iter()
            .filter(|w| w.chars().count() >= 6)
            .cloned()
            .collect();
        let kind_uses = raw
            .kind_uses
            .phrases
            .iter()
            .map(|p| compile("kind_uses", "phrases", p))
            .collect::<Result<_, _>>()?;
        let frame = match &raw.frame {
            Some(f) => Some(Frame {
                ambiguous: compile("frame", "ambiguous", &f.ambiguous)?,
                harm: compile("frame", "harm", &f.harm)?,
                first_person: compile("frame", "first_person", &f.first_person)?,
                model_margin: f.model_margin,
            }),
            None => None,
        };
        Ok(Rules {
            frame,
            clause: raw.clause.read,
            kind_uses,
            rules,
            words: raw.normalise.words,
            fuzzy,
            english: raw.language.english.into_iter().collect(),
            other: raw.language.other.into_iter().collect(),
        })
    }
}

/// The embedded rules, compiled on first use. The file is part of the build and a test
/// compiles it, so failure here means a broken build, never bad input.
pub fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| match Rules::parse(RISK_TOML) {
        Ok(r) => r,
        Err(e) => panic!("the embedded risk rules are invalid: {e}"),
    })
}

/// Replaces `{name}` by its fragment (fragments may use other names). `{2,3}`-style
/// quantifiers are left alone because names start with a letter. Public because the softener's
/// rules (`closer-guide`) are written in the same placeholder language.
pub fn expand(src: &str, subs: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = src.to_string();
    for _ in 0..4 {
        let mut next = String::with_capacity(out.len());
        let mut rest = out.as_str();
        let mut changed = false;
        while let Some(open) = rest.find('{') {
            next.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..name_len];
            if name_len > 0 && after[name_len..].starts_with('}') {
                match subs.get(name) {
                    Some(frag) => {
                        next.push_str(frag);
                        changed = true;
                    }
                    None => return Err(format!("unknown placeholder {{{name}}}")),
                }
                rest = &after[name_len + 1..];
            } else {
                next.push('{');
                rest = after;
            }
        }
        next.push_str(rest);
        out = next;
        if !changed {
            return Ok(out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<RiskKind> {
        read(t).kinds()
    }

    #[test]
    fn embedded_rules_compile_and_cover_every_kind() {
        let r = Rules::parse(RISK_TOML).expect("rules compile");
        for k in RiskKind::ALL {
            assert!(r.rules.iter().any(|x| x.kind == k), "no rule for {k:?}");
        }
    }

    #[test]
    fn the_reproductions_of_issue_10_are_noticed() {
        for (t, k) in [
            (
                "I'm not going to let you go out with them tonight.",
                RiskKind::Isolation,
            ),
            (
                "I'm coming over whether you want me to or not.",
                RiskKind::Threat,
            ),
            (
                "I'll be waiting outside when you finish.",
                RiskKind::Surveillance,
            ),
            ("You better be home by 10.", RiskKind::Isolation),
            (
                "I deserve to know who you text. I feel scared when I can't see your phone.",
                RiskKind::Surveillance,
            ),
            (
                "You know what happens when you make me angry.",
                RiskKind::Threat,
            ),
            (
                "I saw on your phone that you were texting Sam at midnight",
                RiskKind::Surveillance,
            ),
            (
                "I drove past and your car wasn't there",
                RiskKind::Surveillance,
            ),
            (
                "you blocked my number so I came to your work",
                RiskKind::Surveillance,
            ),
            ("if you leave I'll take the kids", RiskKind::Children),
        ] {
            assert!(kinds(t).contains(&k), "{t}: {:?}", read(t));
        }
    }

    #[test]
    fn self_harm_leads_to_crisis_however_it_is_typed() {
        for t in [
            "i dont want to be here anymore. nobody would even notice if i was gone",
            "I'll kill myself if you leave me",
            "ill kms if u leave",
            "i want to die",
            "i wanna dieee",
            "thinking about sucide again",
            "everyone would be better off without me",
            "I cant go on like this",
            "he said he'd kill himself if i left",
            "I've been saving up my pills",
        ] {
            let r = read(t);
            assert!(r.has(RiskKind::SelfHarm), "{t}: {r:?}");
            assert_eq!(r.path(), Path::Crisis, "{t}");
        }
    }

    #[test]
    fn direction_chooses_between_safety_and_own_behaviour() {
        assert_eq!(read("I'll take the kids").path(), Path::OwnBehaviour);
        assert_eq!(read("he hit me last night").path(), Path::Safety);
        assert_eq!(read("you pushed me against the wall").path(), Path::Safety);
        assert_eq!(read("i pushed him").path(), Path::OwnBehaviour);
        // A weapon brought into a scene stays a threat. The small model (trained on round 7,
        // which has weapons at hand in self-harm messages) also leans to self-harm here, and
        // doubt counts as yes: crisis help leads, the violence is still read and its help shown.
        let r = read("there was a knife");
        assert!(r.has(RiskKind::Violence), "{r:?}");
        assert!(matches!(r.path(), Path::Safety | Path::Crisis), "{r:?}");
        assert_eq!(read("I love you").path(), Path::Unmarked);
    }

    #[test]
    fn txt_speak_and_missing_apostrophes_read_the_same() {
        for t in [
            "ur not going out tonight",
            "you're not going out tonight",
            "youre not going out tonight",
            "u r not going out 2nite",
        ] {
            assert!(
                kinds(t).contains(&RiskKind::Isolation),
                "{t}: {:?}",
                read(t)
            );
        }
        for t in [
            "show me ur phone",
            "Show me your phone.",
            "show me youre fone",
        ] {
            assert!(kinds(t).contains(&RiskKind::Surveillance), "{t}");
        }
    }

    #[test]
    fn words_are_quoted_exactly_as_typed() {
        let r = read("Honestly?? You’re NOT going out tonight!!");
        let risk = &r.risks[0];
        assert_eq!(risk.kind, RiskKind::Isolation);
        assert!("Honestly?? You’re NOT going out tonight!!".contains(&risk.words));
        assert!(
            risk.words.starts_with("You’re NOT going"),
            "{:?}",
            risk.words
        );
    }

    #[test]
    fn loving_and_anxious_messages_are_left_alone() {
        for t in [
            "I love you",
            "you always make me laugh",
            "take the time you need, I'll be here",
            "I miss you so much",
            "text me when you get home safe x",
            "pls answer me im freaking out its been 5 hours",
            "YOU NEVER TEXT ME BACK",
            "you push me to be a better person",
            "I'm not going anywhere, I promise",
            "can't wait to see you tonight",
            "I'll pick the kids up from school so you can rest",
            "you killed it at the gig tonight!",
            "where are you? are you okay?",
        ] {
            assert!(read(t).is_empty(), "{t}: {:?}", read(t));
        }
    }

    #[test]
    fn danger_words_used_kindly_are_left_alone_and_threats_beside_them_are_not() {
        for t in [
            "this recipe is to die for, I'll make it for you sunday",
            "you killed it at the interview today",
            "I'm going to kill you with kindness this weekend",
            "I'm going to murder this chocolate cake, want some?",
            "your knife skills are lethal now, that stir fry was amazing",
            "dying to see you tonight",
            "I nearly died laughing at your story",
        ] {
            assert!(matching_rules(t).is_empty(), "{t}: {:?}", matching_rules(t));
        }
        // The idiom is masked, the rest of the sentence is still read.
        let r = read("this cake is to die for, and if you leave I'll take the kids");
        assert!(r.has(RiskKind::Children), "{r:?}");
        let r = read("you killed it tonight but I'll kill you if you talk to him again");
        assert!(
            r.has(RiskKind::Threat) || r.has(RiskKind::Violence),
            "{r:?}"
        );
        assert!(!read("I want to die").is_empty());
    }

    #[test]
    fn danger_words_without_a_harm_frame_are_read_as_nothing_and_threats_keep_their_frame() {
        // Kind uses (round 7, now tuning data): the danger word has no frame aiming harm at a
        // person, and the rest of the sentence does not read as danger.
        for t in [
            "left the keys under the plant pot for you, the door's a bit sticky so give it a shove",
            "Bought a new lock for the bike shed, your key's on the hook by the door",
            "I'm going to be dead late tonight, it's stocktake. Don't wait up",
        ] {
            assert!(read(t).is_empty(), "{t}: {:?}", read(t));
        }
        // The same words in a frame that aims harm at a person stand.
        for t in [
            "if you go out tonight I'll take your keys",
            "give me your car keys",
            "I'll lock you in",
            "there was a knife",
            "I'll kill you if you talk to him again",
        ] {
            assert!(!read(t).is_empty(), "{t}: {:?}", read(t));
        }
        // A self-harm reading with a first-person frame is never weakened.
        for t in [
            "i want to die",
            "I'm going to end it tonight",
            "he said he'd kill himself",
            "this is the last time you'll hear from me",
        ] {
            assert!(read(t).has(RiskKind::SelfHarm), "{t}: {:?}", read(t));
        }
    }

    #[test]
    fn english_or_not() {
        assert_eq!(read("te quiero mucho mi amor").language, Language::Unknown);
        assert_eq!(
            read("je ne sais pas pourquoi tu fais ça").language,
            Language::Unknown
        );
        assert_eq!(read("ich liebe dich").language, Language::Unknown);
        assert_eq!(read("我爱你").language, Language::Unknown);
        assert_eq!(read("pls answer me").language, Language::En);
        assert_eq!(read("YOU NEVER TEXT ME BACK").language, Language::En);
        assert_eq!(read("Sam?").language, Language::En);
    }

    #[test]
    fn typing_slips() {
        assert!(one_slip("sucide", "suicide"));
        assert!(one_slip("myslef", "myself"));
        assert!(one_slip("whetehr", "whether"));
        assert!(!one_slip("suicide", "suicide"));
        assert!(!one_slip("loving", "suicide"));
        assert_eq!(squeeze("soooo", 1), "so");
        assert_eq!(squeeze("good", 1), "good");
        let r = rules();
        assert_eq!(normalise_word("pleeease", r), "please");
        assert_eq!(normalise_word("sucide", r), "suicide");
        assert_eq!(normalise_word("u", r), "you");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "", " ", "…", "'''", "’", "!!!???", "é", "🙄🙄", "a\u{0}b", "\n\n\n",
        ] {
            let _ = read(t);
        }
    }
}
