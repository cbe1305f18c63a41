//! What a therapist link shows beyond its entries, frozen when the owner shares (DESIGN.md §3.16):
//! the moves of the entries tagged for it (its patterns are computed from those only) and the
//! measure results the owner chose for it — scores only, never the answers given, never a
//! safety-screen result (those live in another table and have no way in here).
//!
//! Sealed under the link key with [`crate::Store::freeze_link`]; read back by the owner with
//! [`crate::Store::link_frozen`] and by the link's browser through [`crate::LinkView`].

use crate::model::{Assessment, day_of};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Keys of a kept result's `scores` that describe the administration, not a score.
const NOT_SCORES: &[&str] = &["scale", "administered", "order"];

/// One kept measure result as a link shows it: the instrument, the day, the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkMeasure {
    /// The assessment's id (so the owner can take it off again).
    pub id: String,
    pub instrument: String,
    /// The day it was taken (UTC), no time of day.
    pub day: String,
    /// Each numeric score by its subscale's id; nothing else of the record.
    pub scores: BTreeMap<String, f64>,
}

impl LinkMeasure {
    /// The scores of a kept result, and nothing else of it: the answers stay behind, and so do
    /// the non-numeric notes the scores carry (administration, order).
    pub fn from_assessment(a: &Assessment) -> LinkMeasure {
        let scores = a
            .data
            .scores
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !NOT_SCORES.contains(&k.as_str()))
                    .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
                    .collect()
            })
            .unwrap_or_default();
        LinkMeasure {
            id: a.id.clone(),
            instrument: a.data.instrument.clone(),
            day: day_of(a.data.at, 0),
            scores,
        }
    }
}

/// Everything frozen in a link.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LinkFrozen {
    /// The tagged entries' moves as a moves CSV.
    #[serde(default)]
    pub moves: String,
    /// The measure results chosen for the link, in the order they were taken.
    #[serde(default)]
    pub measures: Vec<LinkMeasure>,
}

impl LinkFrozen {
    /// Reads what was frozen: this form, or the earlier one (the moves CSV alone).
    pub fn read(v: Option<&serde_json::Value>) -> LinkFrozen {
        match v {
            None => LinkFrozen::default(),
            Some(serde_json::Value::String(csv)) => LinkFrozen {
                moves: csv.clone(),
                measures: Vec::new(),
            },
            Some(v) => serde_json::from_value(v.clone()).unwrap_or_default(),
        }
    }

    /// Adds (or, with `on == false`, takes off) one kept result; the list stays in date order.
    pub fn set_measure(&mut self, a: &Assessment, on: bool) {
        self.measures.retain(|m| m.id != a.id);
        if on {
            self.measures.push(LinkMeasure::from_assessment(a));
            self.measures
                .sort_by(|x, y| (&x.day, &x.id).cmp(&(&y.day, &y.id)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AssessmentData;

    fn taken(id: &str, at: i64) -> Assessment {
        Assessment {
            id: id.into(),
            data: AssessmentData {
                at,
                recorded_at: at,
                instrument: "ecr-rs".into(),
                answers: vec![Some(7.0), Some(1.0), None],
                scores: serde_json::json!({
                    "anxiety": 4.5, "avoidance": 2.25, "scale": "1-7", "administered": 9, "order": "as published"
                }),
                imported_at: None,
            },
        }
    }

    #[test]
    fn a_link_gets_the_scores_and_never_the_answers() {
        let mut f = LinkFrozen::read(Some(&serde_json::json!("time,partner,move\n")));
        assert_eq!(f.moves, "time,partner,move\n");
        f.set_measure(&taken("b", 200_000), true);
        f.set_measure(&taken("a", 100_000), true);
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("answers") && !json.contains("7.0") && !json.contains("order"));
        assert_eq!(f.measures[0].id, "a", "date order");
        assert_eq!(f.measures[0].scores.get("anxiety"), Some(&4.5));
        assert_eq!(f.measures[0].scores.len(), 2, "subscale scores only");
        f.set_measure(&taken("a", 100_000), false);
        assert_eq!(f.measures.len(), 1);
        let back = LinkFrozen::read(Some(&serde_json::to_value(&f).unwrap()));
        assert_eq!(back, f);
    }
}
