//! The gentler "I" version: "I feel [a word you choose] when <what happened, in your words>.
//! I'd like <what would help>."
//!
//! The writer's own words are reused where a rule can find them (the `act` group): "you never
//! listen to me" gives "when you don't listen to me" and "I'd like it if you could listen to me".
//! The feeling is never filled in for them. A suggestion is only kept if the softener, run on
//! it again, finds nothing at all; otherwise the writer's words are dropped part by part until
//! it does (the plain frame always passes, a test proves it). So a suggestion can never carry
//! a label, blame, pressure or a control phrase forward.

use super::rules::{Grammar, rules};
use super::{Found, detect, texts::texts};

/// Builds the suggestion for a message whose signals are `found` (none of them control).
pub(crate) fn build(found: &[Found]) -> String {
    let g = &rules().grammar;
    let situation = found
        .iter()
        .find_map(|f| fill(f.situation?, f.act.as_deref(), g));
    let request = found
        .iter()
        .find_map(|f| fill(f.request?, f.act.as_deref(), g));
    for (s, r) in [
        (situation.as_deref(), request.as_deref()),
        (None, request.as_deref()),
        (situation.as_deref(), None),
    ] {
        if s.is_none() && r.is_none() {
            continue;
        }
        let candidate = frame(s, r);
        if detect(&candidate).is_empty() {
            return candidate;
        }
    }
    frame(None, None)
}

/// The frame with the writer's words, or with blanks to fill in.
pub(crate) fn frame(situation: Option<&str>, request: Option<&str>) -> String {
    let t = &texts().frame;
    let request = request.unwrap_or(&t.request_blank);
    t.template
        .replace("{feeling}", &t.feeling)
        .replace("{situation}", situation.unwrap_or(&t.situation_blank))
        .replace("{request}", request.trim_end_matches('.'))
}

/// Fills a rule's template; `None` when it needs words the rule did not find.
fn fill(template: &str, act: Option<&str>, g: &Grammar) -> Option<String> {
    let needs = template.contains("{act");
    if !needs {
        return Some(template.to_string());
    }
    let act = clean(act?, g)?;
    if vague(&act) {
        return None;
    }
    // "help with anything" reads wrong as a wish ("I'd like it if you could help with
    // anything"); such a phrase is only used to say what happened.
    if !template.contains("{act_neg}") && has_any_word(&act) {
        return None;
    }
    let base = base_form(&act, g);
    Some(
        template
            .replace("{act_neg}", &negate(&act, g))
            .replace("{act_base}", &base)
            .replace("{act}", &act),
    )
}

/// Words that say nothing about what happened on their own: "do that", "do this", "it".
fn vague(act: &str) -> bool {
    const EMPTY: [&str; 12] = [
        "that",
        "this",
        "it",
        "so",
        "anything",
        "everything",
        "nothing",
        "things",
        "stuff",
        "something",
        "again",
        "too",
    ];
    let words: Vec<String> = act.split_whitespace().map(str::to_lowercase).collect();
    let rest: Vec<&str> = match words.first().map(String::as_str) {
        Some("do" | "did" | "does" | "doing" | "done") => {
            words[1..].iter().map(String::as_str).collect()
        }
        _ => words.iter().map(String::as_str).collect(),
    };
    rest.iter().all(|w| EMPTY.contains(w))
}

/// True when the phrase has a word that only reads right after "not" or "never".
fn has_any_word(act: &str) -> bool {
    act.split_whitespace().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "anything" | "anyone" | "anybody" | "any" | "ever" | "anywhere" | "yet"
        )
    })
}

/// Lower-cases shouting, drops filler words, and stops where another thought begins.
fn clean(act: &str, g: &Grammar) -> Option<String> {
    let has_lower = act.chars().any(|c| c.is_lowercase());
    let act = if has_lower {
        act.to_string()
    } else {
        act.to_lowercase()
    };
    let mut words: Vec<&str> = Vec::new();
    for (i, raw) in act.split_whitespace().enumerate() {
        let w = raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '\''));
        if w.is_empty() {
            continue;
        }
        let lw = w.to_lowercase().replace('\u{2019}', "'");
        if i > 0 && g.stops.contains(&lw) {
            break;
        }
        if g.fillers.contains(&lw) {
            continue;
        }
        words.push(w);
        if words.len() >= 12 {
            break;
        }
    }
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

/// The first word's present form, if it is a past form: "listened to me" → "listen to me".
fn base_form(act: &str, g: &Grammar) -> String {
    let (first, rest) = split_first(act);
    match present_of_past(&first.to_lowercase(), g) {
        Some(p) => join(&p, rest),
        None => act.to_string(),
    }
}

/// "listen to me" → "you don't listen to me"; "listened" → "you didn't listen";
/// "were there" → "you weren't there".
fn negate(act: &str, g: &Grammar) -> String {
    let (first, rest) = split_first(act);
    let lf = first.to_lowercase();
    if let Some(n) = g.negate_first.get(&lf) {
        return format!("you {}", join(n, rest));
    }
    match present_of_past(&lf, g) {
        Some(p) => format!("you didn't {}", join(&p, rest)),
        None => format!("you don't {act}"),
    }
}

fn split_first(act: &str) -> (&str, &str) {
    match act.split_once(' ') {
        Some((a, b)) => (a, b),
        None => (act, ""),
    }
}

fn join(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// The present form of a past-tense verb, or `None` if the word does not look like one.
fn present_of_past(w: &str, g: &Grammar) -> Option<String> {
    if let Some(p) = g.irregular_past.get(w) {
        return Some(p.clone());
    }
    const NOT_PAST: [&str; 12] = [
        "need", "feed", "bleed", "speed", "proceed", "succeed", "bed", "red", "shed", "wed",
        "seed", "exceed",
    ];
    if w.chars().count() < 4 || !w.ends_with("ed") || NOT_PAST.contains(&w) {
        return None;
    }
    if let Some(stem) = w.strip_suffix("ied") {
        return Some(format!("{stem}y"));
    }
    let stem = w.strip_suffix("ed")?;
    if g.e_stems.iter().any(|s| s == stem) {
        return Some(format!("{stem}e"));
    }
    let mut cs = stem.chars().rev();
    if let (Some(a), Some(b)) = (cs.next(), cs.next())
        && a == b
        && !matches!(a, 'l' | 's' | 'f' | 'z' | 'e' | 'o')
        && a.is_ascii_alphabetic()
    {
        let mut s = stem.to_string();
        s.pop();
        return Some(s);
    }
    Some(stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_becomes_dont_or_didnt() {
        let g = &rules().grammar;
        assert_eq!(negate("listen to me", g), "you don't listen to me");
        assert_eq!(negate("listened to me", g), "you didn't listen to me");
        assert_eq!(negate("said sorry", g), "you didn't say sorry");
        assert_eq!(negate("cared", g), "you didn't care");
        assert_eq!(negate("stopped", g), "you didn't stop");
        assert_eq!(negate("tried", g), "you didn't try");
        assert_eq!(negate("were there", g), "you weren't there");
        assert_eq!(base_form("helped me", g), "help me");
        assert_eq!(base_form("need me", g), "need me");
    }

    #[test]
    fn cleaning_keeps_the_writers_words_and_drops_fillers() {
        let g = &rules().grammar;
        assert_eq!(
            clean("fucking listen to me and you know it", g).as_deref(),
            Some("listen to me")
        );
        assert_eq!(
            clean("HELP WITH THE DISHES", g).as_deref(),
            Some("help with the dishes")
        );
        assert_eq!(clean("!!!", g), None);
    }

    #[test]
    fn vague_or_negative_only_phrases_are_not_reused() {
        let g = &rules().grammar;
        assert_eq!(
            fill("when {act_neg}", Some("do that I want to scream"), g),
            None
        );
        assert_eq!(
            fill(
                "I'd like it if you could {act_base}",
                Some("help with anything"),
                g
            ),
            None
        );
        assert_eq!(
            fill("{act_neg}", Some("help with anything"), g).as_deref(),
            Some("you don't help with anything")
        );
        assert!(vague("do this"));
        assert!(!vague("do the dishes"));
    }

    #[test]
    fn the_plain_frame_has_no_signals() {
        assert!(
            detect(&frame(None, None)).is_empty(),
            "{}",
            frame(None, None)
        );
    }
}
