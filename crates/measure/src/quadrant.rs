//! The quadrant: a secondary label for a region of the anxiety × avoidance map.
//!
//! A [`QuadrantLabel`] carries both scores, the scale and the rule that produced it, so a label
//! can never be shown without the scores it came from (DESIGN.md §4). The default rule is the
//! scale midpoint; the classification functions are an option for the ECR and ECR-R on a 1–7
//! administration only, because they were derived on that metric.

use crate::instrument::{Instrument, Kind};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The four regions researchers name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    Secure,
    Preoccupied,
    Dismissing,
    Fearful,
}

impl Quadrant {
    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Secure => "secure",
            Quadrant::Preoccupied => "preoccupied",
            Quadrant::Dismissing => "dismissing",
            Quadrant::Fearful => "fearful",
        }
    }
}

/// Which rule assigns the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Above the scale midpoint is "higher", at or below it "lower", on each score.
    Midpoint,
    /// The four classification functions (ECR/ECR-R on 1–7 only).
    Functions,
}

/// A region label with everything needed to read it honestly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuadrantLabel {
    pub quadrant: Quadrant,
    pub rule: Rule,
    pub instrument: String,
    pub anxiety: f64,
    pub avoidance: f64,
    pub scale: [i32; 2],
    /// The midpoint used (midpoint rule), for the sentence that names the rule.
    pub midpoint: Option<f64>,
}

/// Why no label can be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuadrantError {
    #[error("{0} has no anxiety and avoidance scores, so there is no attachment map")]
    NotAttachment(String),
    #[error(
        "the classification functions apply to the ECR and ECR-R answered on 1–7 only; use the midpoint rule for {instrument} on {min}–{max}"
    )]
    FunctionsNotApplicable {
        instrument: String,
        min: i32,
        max: i32,
    },
}

#[derive(Debug, Deserialize)]
struct Coef {
    avoidance: f64,
    anxiety: f64,
    constant: f64,
}

#[derive(Debug, Deserialize)]
struct Functions {
    #[allow(dead_code)]
    source: String,
    scale: [i32; 2],
    secure: Coef,
    fearful: Coef,
    preoccupied: Coef,
    dismissing: Coef,
}

fn functions() -> Option<&'static Functions> {
    static F: OnceLock<Option<Functions>> = OnceLock::new();
    F.get_or_init(|| toml::from_str(include_str!("../data/quadrant-functions.toml")).ok())
        .as_ref()
}

/// The source of the classification functions, for documentation and output.
pub fn functions_source() -> &'static str {
    functions().map(|f| f.source.as_str()).unwrap_or("")
}

/// Labels one person's scores. `scale` is the scale the answers were *given* on (a 1–5
/// administration rescaled to 1–7 is still a 1–5 administration for the functions).
pub fn classify(
    instrument: &Instrument,
    scale: [i32; 2],
    anxiety: f64,
    avoidance: f64,
    rule: Rule,
) -> Result<QuadrantLabel, QuadrantError> {
    if instrument.kind == Kind::Communication {
        return Err(QuadrantError::NotAttachment(
            instrument.abbreviation.clone(),
        ));
    }
    let (quadrant, midpoint) = match rule {
        Rule::Midpoint => {
            let mid = f64::from(scale[0] + scale[1]) / 2.0;
            let q = match (anxiety > mid, avoidance > mid) {
                (false, false) => Quadrant::Secure,
                (true, false) => Quadrant::Preoccupied,
                (false, true) => Quadrant::Dismissing,
                (true, true) => Quadrant::Fearful,
            };
            (q, Some(mid))
        }
        Rule::Functions => {
            let f = functions().filter(|f| {
                instrument.quadrant_functions && scale == f.scale && scale == instrument.scale
            });
            let Some(f) = f else {
                return Err(QuadrantError::FunctionsNotApplicable {
                    instrument: instrument.abbreviation.clone(),
                    min: scale[0],
                    max: scale[1],
                });
            };
            let v = |c: &Coef| c.avoidance * avoidance + c.anxiety * anxiety + c.constant;
            let mut best = (Quadrant::Secure, v(&f.secure));
            for (q, c) in [
                (Quadrant::Fearful, &f.fearful),
                (Quadrant::Preoccupied, &f.preoccupied),
                (Quadrant::Dismissing, &f.dismissing),
            ] {
                let x = v(c);
                if x > best.1 {
                    best = (q, x);
                }
            }
            (best.0, None)
        }
    };
    Ok(QuadrantLabel {
        quadrant,
        rule,
        instrument: instrument.id.clone(),
        anxiety,
        avoidance,
        scale,
        midpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::get;

    #[test]
    fn midpoint_rule_on_each_scale() {
        let ecr = get("ecr").unwrap().unwrap();
        let q = |a, v, s| classify(ecr, s, a, v, Rule::Midpoint).unwrap().quadrant;
        assert_eq!(q(2.0, 2.0, [1, 7]), Quadrant::Secure);
        assert_eq!(q(4.0, 4.0, [1, 7]), Quadrant::Secure); // at the midpoint is "not above"
        assert_eq!(q(4.1, 2.0, [1, 7]), Quadrant::Preoccupied);
        assert_eq!(q(2.0, 5.0, [1, 7]), Quadrant::Dismissing);
        assert_eq!(q(6.0, 6.0, [1, 7]), Quadrant::Fearful);
        // On 1–5 the midpoint is 3.
        assert_eq!(q(3.5, 2.5, [1, 5]), Quadrant::Preoccupied);
        let l = classify(ecr, [1, 5], 3.5, 2.5, Rule::Midpoint).unwrap();
        assert_eq!((l.anxiety, l.avoidance, l.midpoint), (3.5, 2.5, Some(3.0)));
    }

    #[test]
    fn functions_on_hand_computed_cases_and_only_on_1_to_7() {
        let ecr = get("ecr").unwrap().unwrap();
        // anxiety 2, avoidance 2: secure 3.289·2 + 5.473·2 − 11.531 = 5.993; fearful −1.526;
        // preoccupied −1.187; dismissing 2.381 → secure.
        let q = |a, v| {
            classify(ecr, [1, 7], a, v, Rule::Functions)
                .unwrap()
                .quadrant
        };
        assert_eq!(q(2.0, 2.0), Quadrant::Secure);
        // anxiety 6, avoidance 6: secure 41.04, fearful 58.15, preoccupied 52.33, dismissing 52.4.
        assert_eq!(q(6.0, 6.0), Quadrant::Fearful);
        // anxiety 6, avoidance 2: secure 27.88, fearful 31.18, preoccupied 37.65, dismissing 21.14.
        assert_eq!(q(6.0, 2.0), Quadrant::Preoccupied);
        // anxiety 2, avoidance 6: secure 19.15, fearful 27.42, preoccupied 11.61, dismissing 31.84.
        assert_eq!(q(2.0, 6.0), Quadrant::Dismissing);
        assert!(classify(ecr, [1, 5], 2.0, 2.0, Rule::Functions).is_err());
        let ecrr = get("ecr-r").unwrap().unwrap();
        assert!(classify(ecrr, [1, 7], 2.0, 2.0, Rule::Functions).is_ok());
        for id in ["ecr-s", "ecr-rs"] {
            let i = get(id).unwrap().unwrap();
            assert!(
                classify(i, [1, 7], 2.0, 2.0, Rule::Functions).is_err(),
                "{id}"
            );
        }
        let cpq = get("cpq").unwrap().unwrap();
        assert!(classify(cpq, [1, 9], 2.0, 2.0, Rule::Midpoint).is_err());
        assert!(!functions_source().is_empty());
    }
}
