//! The softener's rules, read from `content/soften/rules.toml` and compiled once.
//!
//! The rules are data so that a reviewer can read what is matched without reading code, and so
//! the corpus test measures the same file that ships. Placeholders (`{you_re}`) and word lists
//! are expanded here; the resulting patterns are compiled case-insensitively.

use super::Kind;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
// The placeholder language is the risk reader's: one implementation for both rule files.
use closer_safety::risk::expand;

/// The embedded rule file.
pub const RULES_TOML: &str = include_str!("../../content/soften/rules.toml");

/// Why the embedded rules could not be used. Only a broken build can produce this; a test
/// loads the file, so it never reaches a person.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("content/soften/rules.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("content/soften/rules.toml, rule {rule}, field {field}: {message}")]
    Pattern {
        rule: String,
        field: &'static str,
        message: String,
    },
}

#[derive(Deserialize)]
struct RawFile {
    vocab: BTreeMap<String, String>,
    lists: BTreeMap<String, Vec<String>>,
    warmth: RawWarmth,
    rule: Vec<RawRule>,
    panic: RawPanic,
    caution: RawPanic,
}

#[derive(Deserialize)]
struct RawPanic {
    pattern: String,
}

#[derive(Deserialize)]
struct RawWarmth {
    warm: String,
    sting: String,
}

#[derive(Deserialize)]
struct RawRule {
    kind: Kind,
    id: String,
    pattern: String,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    warm_exempt: bool,
    #[serde(default)]
    with_others: bool,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub kind: Kind,
    pub id: String,
    pub pattern: Regex,
    pub except: Vec<Regex>,
    pub warm_exempt: bool,
    /// The rule only counts when another rule of a different kind also matched the message:
    /// words about phones, replies and whereabouts are ordinary on their own, but together
    /// with harsh words they are a reason not to polish the message.
    pub with_others: bool,
}

/// All rules, compiled.
#[derive(Debug)]
pub struct Rules {
    pub rules: Vec<Rule>,
    pub warm: Regex,
    pub sting: Regex,
    /// Words of alarm at not hearing back (anxious protest): they bring help for the panic.
    pub panic: Regex,
    /// Words that say what will happen or what someone must do, or that bring in children:
    /// no rewrite, whatever else is noticed.
    pub caution: Regex,
}

impl Rules {
    /// Parses and compiles a rule file.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let raw: RawFile = toml::from_str(text)?;
        let mut subs: BTreeMap<String, String> = BTreeMap::new();
        for (name, words) in &raw.lists {
            subs.insert(name.clone(), alternation(words));
        }
        for (name, frag) in &raw.vocab {
            subs.insert(name.clone(), frag.clone());
        }
        let compile = |rule: &str, field: &'static str, src: &str| -> Result<Regex, RulesError> {
            let expanded = expand(src, &subs).map_err(|message| RulesError::Pattern {
                rule: rule.to_string(),
                field,
                message,
            })?;
            RegexBuilder::new(&expanded)
                .case_insensitive(true)
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .map_err(|e| RulesError::Pattern {
                    rule: rule.to_string(),
                    field,
                    message: e.to_string(),
                })
        };
        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in &raw.rule {
            let pattern = compile(&r.id, "pattern", &r.pattern)?;
            let except = r
                .except
                .iter()
                .map(|e| compile(&r.id, "except", e))
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(Rule {
                kind: r.kind,
                id: r.id.clone(),
                pattern,
                except,
                warm_exempt: r.warm_exempt,
                with_others: r.with_others,
            });
        }
        let warm = compile("warmth", "warm", &raw.warmth.warm)?;
        let sting = compile("warmth", "sting", &raw.warmth.sting)?;
        let panic = compile("panic", "pattern", &raw.panic.pattern)?;
        let caution = compile("caution", "pattern", &raw.caution.pattern)?;
        Ok(Rules {
            rules,
            warm,
            sting,
            panic,
            caution,
        })
    }
}

/// The embedded rules, compiled on first use. The file is part of the build and a test
/// compiles it, so failure here means a broken build, never bad input.
pub fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| match Rules::parse(RULES_TOML) {
        Ok(r) => r,
        Err(e) => panic!("the embedded softener rules are invalid: {e}"),
    })
}

/// `["a b", "c"]` → `(?:a\s+b|c)`, longest first so "a waste of space" wins over "a".
fn alternation(words: &[String]) -> String {
    let mut ws: Vec<&String> = words.iter().collect();
    ws.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    ws.dedup();
    let parts: Vec<String> = ws
        .iter()
        .map(|w| {
            w.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect();
    format!("(?:{})", parts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_compile() {
        let r = Rules::parse(RULES_TOML).expect("rules compile");
        assert!(r.rules.len() >= 30);
        for k in Kind::ALL {
            assert!(r.rules.iter().any(|x| x.kind == k), "no rule for {k:?}");
        }
    }

    #[test]
    fn placeholders_expand_and_unknown_ones_are_refused() {
        let mut subs = BTreeMap::new();
        subs.insert("a".to_string(), "x{b}".to_string());
        subs.insert("b".to_string(), "y".to_string());
        assert_eq!(expand("{a}z{2,3}", &subs).as_deref(), Ok("xyz{2,3}"));
        assert!(expand("{nope}", &subs).is_err());
        assert_eq!(
            alternation(&["a b".into(), "c".into()]),
            r"(?:a\s+b|c)".to_string()
        );
    }
}
