//! Change over time with measurement error: the difference between two administrations, its
//! standard error of measurement and the Jacobson–Truax reliable-change index.
//!
//! Reliability and SD come from the caller (flags) or from values documented per instrument with
//! their source. Where neither exists, [`resolve`] says which are missing instead of guessing:
//! a borrowed reliability from another scale or sample would make noise look like change.

use crate::instrument::Instrument;
use crate::score::Scored;
use crate::stats::{ReliableChange, reliable_change};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a subscale's reliability and SD came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Given on the command line.
    Given,
    /// Documented for the instrument on this scale, with its source.
    Documented(String),
}

/// Reliability and SD for one subscale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    pub reliability: f64,
    pub reliability_source: Source,
    pub sd: f64,
    pub sd_source: Source,
}

/// One subscale's change for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscaleChange {
    pub subscale: String,
    pub label: String,
    pub params: Params,
    /// `None` when either score is unscorable.
    pub change: Option<ReliableChange>,
}

/// One before/after pair (row i of each file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairChange {
    pub before_line: u64,
    pub after_line: u64,
    pub subscales: Vec<SubscaleChange>,
}

/// Problems with a change request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChangeError {
    #[error(
        "no documented reliability and SD for {instrument} on {min}–{max} for {missing}; give them with --reliability and --sd (from a sample like yours, on the same scale)"
    )]
    Missing {
        instrument: String,
        min: i32,
        max: i32,
        missing: String,
    },
    #[error("{0}")]
    Bad(String),
    #[error(
        "the before file has {before} respondents and the after file {after}; rows are paired in order, so the counts must match"
    )]
    Rows { before: usize, after: usize },
}

/// Parses `0.9` (every subscale) or `anxiety=0.9,avoidance=0.85` into per-subscale values.
pub fn parse_values(
    flag: &str,
    text: &str,
    subscales: &[&str],
) -> Result<BTreeMap<String, f64>, ChangeError> {
    let mut out = BTreeMap::new();
    let num = |s: &str| -> Result<f64, ChangeError> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| ChangeError::Bad(format!("--{flag}: expected a number, found {s:?}")))
    };
    if !text.contains('=') {
        let v = num(text)?;
        for s in subscales {
            out.insert((*s).to_string(), v);
        }
        return Ok(out);
    }
    for part in text.split(',') {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            ChangeError::Bad(format!(
                "--{flag}: expected NAME=VALUE pairs, found {part:?}"
            ))
        })?;
        let k = k.trim();
        if !subscales.contains(&k) {
            return Err(ChangeError::Bad(format!(
                "--{flag}: no subscale {k:?}; expected one of {}",
                subscales.join(", ")
            )));
        }
        out.insert(k.to_string(), num(v)?);
    }
    Ok(out)
}

/// Resolves reliability and SD per subscale of `scored` (in its subscale order).
pub fn resolve(
    instrument: &Instrument,
    scored: &Scored,
    reliability: &BTreeMap<String, f64>,
    sd: &BTreeMap<String, f64>,
) -> Result<Vec<Params>, ChangeError> {
    let scale = scored.administered;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for sub in &scored.subscales {
        let fact = if scored.metric.rescaled_from.is_none() {
            instrument.change_fact(&sub.id, scale)
        } else {
            None
        };
        let r = match (reliability.get(&sub.id), fact) {
            (Some(&r), _) => Some((r, Source::Given)),
            (None, Some(f)) => Some((f.alpha, Source::Documented(f.source.clone()))),
            _ => None,
        };
        let s = match (sd.get(&sub.id), fact.and_then(|f| f.sd.map(|s| (s, f)))) {
            (Some(&s), _) => Some((s, Source::Given)),
            (None, Some((s, f))) => Some((s, Source::Documented(f.source.clone()))),
            _ => None,
        };
        if let Some((r, _)) = r
            && !(0.0..1.0).contains(&r)
        {
            return Err(ChangeError::Bad(format!(
                "--reliability for {}: expected a value from 0 up to (not including) 1, found {r}",
                sub.id
            )));
        }
        if let Some((s, _)) = s
            && s <= 0.0
        {
            return Err(ChangeError::Bad(format!(
                "--sd for {}: expected a positive number, found {s}",
                sub.id
            )));
        }
        match (r, s) {
            (Some((r, rs)), Some((s, ss))) => out.push(Params {
                reliability: r,
                reliability_source: rs,
                sd: s,
                sd_source: ss,
            }),
            (r, s) => {
                let mut what = Vec::new();
                if r.is_none() {
                    what.push("reliability");
                }
                if s.is_none() {
                    what.push("SD");
                }
                missing.push(format!("{} ({})", sub.id, what.join(" and ")));
            }
        }
    }
    if !missing.is_empty() {
        return Err(ChangeError::Missing {
            instrument: instrument.abbreviation.clone(),
            min: scale[0],
            max: scale[1],
            missing: missing.join(", "),
        });
    }
    Ok(out)
}

/// The change for each pair of rows (row i of `before` with row i of `after`).
pub fn change(
    before: &Scored,
    after: &Scored,
    params: &[Params],
) -> Result<Vec<PairChange>, ChangeError> {
    if before.respondents.len() != after.respondents.len() {
        return Err(ChangeError::Rows {
            before: before.respondents.len(),
            after: after.respondents.len(),
        });
    }
    Ok(before
        .respondents
        .iter()
        .zip(&after.respondents)
        .map(|(b, a)| PairChange {
            before_line: b.line,
            after_line: a.line,
            subscales: before
                .subscales
                .iter()
                .enumerate()
                .map(|(i, sub)| {
                    let p = &params[i];
                    let c = match (b.scores[i], a.scores[i]) {
                        (Some(x1), Some(x2)) => reliable_change(x1, x2, p.sd, p.reliability),
                        _ => None,
                    };
                    SubscaleChange {
                        subscale: sub.id.clone(),
                        label: sub.label.clone(),
                        params: p.clone(),
                        change: c,
                    }
                })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::get;
    use crate::responses::Responses;
    use crate::score::score;

    fn one(id: &str, scale: [i32; 2], v: i16) -> Scored {
        let i = get(id).unwrap().unwrap();
        let r = Responses::from_rows(i.items, scale, &[vec![Some(v); i.items]]);
        score(i, i.default_order(), &r, false).unwrap()
    }

    #[test]
    fn documented_values_for_the_ecr_on_1_to_5_only() {
        let ecr = get("ecr").unwrap().unwrap();
        let s = one("ecr", [1, 5], 3);
        let p = resolve(ecr, &s, &BTreeMap::new(), &BTreeMap::new()).unwrap();
        assert_eq!(p[0].reliability, 0.916);
        assert!(matches!(p[0].sd_source, Source::Documented(_)));
        // On 1–7 nothing is documented: the command asks instead of guessing.
        let s7 = one("ecr", [1, 7], 3);
        let e = resolve(ecr, &s7, &BTreeMap::new(), &BTreeMap::new()).unwrap_err();
        assert!(matches!(e, ChangeError::Missing { .. }), "{e}");
        let ecrr = get("ecr-r").unwrap().unwrap();
        let s = one("ecr-r", [1, 7], 3);
        let e = resolve(ecrr, &s, &BTreeMap::new(), &BTreeMap::new()).unwrap_err();
        assert!(
            e.to_string().contains("anxiety (reliability and SD)"),
            "{e}"
        );
        // Flags fill them in.
        let subs = ["anxiety", "avoidance"];
        let r = parse_values("reliability", "0.9", &subs).unwrap();
        let sd = parse_values("sd", "anxiety=1.1,avoidance=1.2", &subs).unwrap();
        let p = resolve(ecrr, &s, &r, &sd).unwrap();
        assert_eq!((p[0].reliability, p[0].sd, p[1].sd), (0.9, 1.1, 1.2));
        assert!(parse_values("sd", "anxietyy=1", &subs).is_err());
        assert!(resolve(ecrr, &s, &parse_values("r", "1.0", &subs).unwrap(), &sd).is_err());
    }

    #[test]
    fn change_per_pair_on_a_hand_computed_case() {
        let ecr = get("ecr").unwrap().unwrap();
        let b = one("ecr", [1, 5], 2);
        let a = one("ecr", [1, 5], 4);
        // Every answer 2 → anxiety: 17 items of 2 and item 22 reversed (6 − 2 = 4): 38/18.
        // Every answer 4 → 17 × 4 + 2 = 70/18. Difference 32/18.
        let p = resolve(ecr, &b, &BTreeMap::new(), &BTreeMap::new()).unwrap();
        let c = change(&b, &a, &p).unwrap();
        let x = c[0].subscales[0].change.unwrap();
        assert!((x.difference - 32.0 / 18.0).abs() < 1e-12);
        let sem = 0.803 * (1.0f64 - 0.916).sqrt();
        assert!((x.rci - (32.0 / 18.0) / (2f64.sqrt() * sem)).abs() < 1e-12);
        assert!(x.reliable);
    }
}
