//! Instruments as data: each questionnaire's key lives in `data/<id>.toml`, embedded at build
//! time, so the key can be read, cited and reviewed apart from the code that applies it.
//!
//! Items are known by stable ids: the instrument, the order (when an instrument circulates in
//! more than one) and the item's published label (`ecr-r:author:9`, `cpq:18`, `cpq-sf:B7a`).
//! Keys are per order, because item numbers from one order scored with another order's key give
//! wrong scores silently.

use closer_domain::SignalDomain;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// How a subscale is formed from its (reversed) items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// Mean of the items: stays on the answer scale.
    Mean,
    /// Sum of the items.
    Sum,
}

/// What the instrument describes. Relationship-specific and global attachment scores are
/// different things and are never merged (DESIGN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Attachment in close relationships in general.
    Global,
    /// Attachment in one relationship (ECR-RS, partner target).
    RelationshipSpecific,
    /// Communication patterns in the couple.
    Communication,
}

/// An item reference in a data file: a number (`9`) or a label (`"B7a"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum ItemRef {
    Number(u32),
    Label(String),
}

impl ItemRef {
    fn label(&self) -> String {
        match self {
            ItemRef::Number(n) => n.to_string(),
            ItemRef::Label(s) => s.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubscale {
    id: String,
    label: String,
    items: Vec<ItemRef>,
    reverse: Vec<ItemRef>,
    #[serde(default)]
    contains_safety_items: Vec<ItemRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrder {
    name: String,
    source: String,
    #[serde(default)]
    labels: Option<Vec<String>>,
    #[serde(default)]
    single_source: Option<String>,
    subscales: Vec<RawSubscale>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignal {
    domain: SignalDomain,
    self_item: u32,
    partner_item: u32,
}

/// A reliability fact with its source, for one subscale on one answer scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReliabilityFact {
    pub subscale: String,
    /// The answer scale the fact was obtained on.
    pub scale: [i32; 2],
    /// Cronbach's alpha.
    pub alpha: f64,
    /// The standard deviation of the subscale score, when documented.
    #[serde(default)]
    pub sd: Option<f64>,
    pub n: u64,
    pub source: String,
    /// Whether `closer assess change` may use it without flags.
    pub for_change: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: String,
    name: String,
    abbreviation: String,
    citation: String,
    items: usize,
    scale: [i32; 2],
    score: ScoreKind,
    kind: Kind,
    #[serde(default)]
    target: Option<String>,
    key_source: String,
    #[serde(default)]
    quadrant_functions: bool,
    #[serde(default)]
    norms: Option<String>,
    #[serde(default)]
    maps_to_ecr: Option<Vec<u32>>,
    orders: Vec<RawOrder>,
    #[serde(default)]
    reliability: Vec<ReliabilityFact>,
    #[serde(default)]
    signals: Vec<RawSignal>,
}

/// One subscale of one order, by 0-based column position.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscale {
    /// The name used in output and JSON (`anxiety`, `self_demand_partner_withdraw`).
    pub id: String,
    /// Plain-language name.
    pub label: String,
    /// 0-based positions of the items (column `Q{p+1}`).
    pub positions: Vec<usize>,
    /// Per entry of `positions`: whether the item is reverse-keyed.
    pub reversed: Vec<bool>,
    /// Stable ids of items in this subscale that are also safety items (CPQ threats and
    /// name-calling inside the demand subscales).
    pub safety_items: Vec<String>,
}

/// An item order with its own key.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub name: String,
    pub source: String,
    /// `Some(source)` when this order's key rests on one source that has not been checked
    /// against another: every output that uses it says so.
    pub single_source: Option<String>,
    /// The published label of the item in each column (`Q1` holds `labels[0]`).
    pub labels: Vec<String>,
    pub subscales: Vec<Subscale>,
}

/// A CPQ self/partner pair read by direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalPair {
    pub domain: SignalDomain,
    /// 0-based position of the self item (what the respondent does).
    pub self_pos: usize,
    /// 0-based position of the partner item (what the respondent receives).
    pub partner_pos: usize,
}

/// A questionnaire's key and facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    pub id: String,
    pub name: String,
    pub abbreviation: String,
    pub citation: String,
    pub items: usize,
    /// The published answer scale.
    pub scale: [i32; 2],
    pub score: ScoreKind,
    pub kind: Kind,
    /// For relationship-specific instruments: whom the answers are about.
    pub target: Option<String>,
    pub key_source: String,
    /// Whether the classification functions for quadrants apply (1–7 administrations only).
    pub quadrant_functions: bool,
    /// The id of the norm table that belongs to this instrument, if any.
    pub norms: Option<String>,
    pub maps_to_ecr: Option<Vec<u32>>,
    /// The first order is the default.
    pub orders: Vec<Order>,
    pub reliability: Vec<ReliabilityFact>,
    pub signals: Vec<SignalPair>,
}

/// A problem in an embedded data file: a bug in the crate, caught by its tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instrument data {file}: {message}")]
pub struct DataError {
    pub file: String,
    pub message: String,
}

const FILES: [(&str, &str); 6] = [
    ("ecr-r.toml", include_str!("../data/ecr-r.toml")),
    ("ecr.toml", include_str!("../data/ecr.toml")),
    ("ecr-s.toml", include_str!("../data/ecr-s.toml")),
    ("ecr-rs.toml", include_str!("../data/ecr-rs.toml")),
    ("cpq.toml", include_str!("../data/cpq.toml")),
    ("cpq-sf.toml", include_str!("../data/cpq-sf.toml")),
];

/// The embedded data files, by file name (for tests and documentation checks).
pub fn data_files() -> &'static [(&'static str, &'static str)] {
    &FILES
}

/// Parses and checks one instrument file.
pub fn parse(file: &str, text: &str) -> Result<Instrument, DataError> {
    let err = |m: String| DataError {
        file: file.to_string(),
        message: m,
    };
    let raw: RawInstrument = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    if raw.scale[0] >= raw.scale[1] {
        return Err(err("scale minimum must be below its maximum".into()));
    }
    if raw.orders.is_empty() {
        return Err(err("no item order".into()));
    }
    let mut orders = Vec::new();
    for o in &raw.orders {
        let labels: Vec<String> = match &o.labels {
            Some(l) => l.clone(),
            None => (1..=raw.items).map(|n| n.to_string()).collect(),
        };
        if labels.len() != raw.items {
            return Err(err(format!("order {} has {} labels", o.name, labels.len())));
        }
        let pos = |r: &ItemRef| -> Result<usize, DataError> {
            let l = r.label();
            labels
                .iter()
                .position(|x| *x == l)
                .ok_or_else(|| err(format!("order {}: no item {l}", o.name)))
        };
        let mut subscales = Vec::new();
        for s in &o.subscales {
            let positions = s.items.iter().map(&pos).collect::<Result<Vec<_>, _>>()?;
            let rev = s.reverse.iter().map(&pos).collect::<Result<Vec<_>, _>>()?;
            if let Some(p) = rev.iter().find(|p| !positions.contains(p)) {
                return Err(err(format!(
                    "{}: reversed item {} is not in the subscale",
                    s.id, labels[*p]
                )));
            }
            let reversed = positions.iter().map(|p| rev.contains(p)).collect();
            let safety_items = s
                .contains_safety_items
                .iter()
                .map(|r| {
                    let p = pos(r)?;
                    Ok(format!("{}:{}", raw.id, labels[p]))
                })
                .collect::<Result<Vec<_>, DataError>>()?;
            subscales.push(Subscale {
                id: s.id.clone(),
                label: s.label.clone(),
                positions,
                reversed,
                safety_items,
            });
        }
        orders.push(Order {
            name: o.name.clone(),
            source: o.source.clone(),
            single_source: o.single_source.clone(),
            labels,
            subscales,
        });
    }
    let mut signals = Vec::new();
    for s in &raw.signals {
        let find = |n: u32| {
            orders[0]
                .labels
                .iter()
                .position(|l| *l == n.to_string())
                .ok_or_else(|| err(format!("signal item {n} not in the instrument")))
        };
        signals.push(SignalPair {
            domain: s.domain,
            self_pos: find(s.self_item)?,
            partner_pos: find(s.partner_item)?,
        });
    }
    Ok(Instrument {
        id: raw.id,
        name: raw.name,
        abbreviation: raw.abbreviation,
        citation: raw.citation,
        items: raw.items,
        scale: raw.scale,
        score: raw.score,
        kind: raw.kind,
        target: raw.target,
        key_source: raw.key_source,
        quadrant_functions: raw.quadrant_functions,
        norms: raw.norms,
        maps_to_ecr: raw.maps_to_ecr,
        orders,
        reliability: raw.reliability,
        signals,
    })
}

/// All instruments, parsed once. An error here is a bug in a data file; the tests parse every
/// file, so a release never carries one.
pub fn all() -> Result<&'static [Instrument], DataError> {
    static ALL: OnceLock<Result<Vec<Instrument>, DataError>> = OnceLock::new();
    ALL.get_or_init(|| FILES.iter().map(|(f, t)| parse(f, t)).collect())
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(Clone::clone)
}

/// The ids users may pass to `--instrument`.
pub const IDS: [&str; 6] = ["ecr-r", "ecr", "ecr-s", "ecr-rs", "cpq", "cpq-sf"];

/// Looks an instrument up by id.
pub fn get(id: &str) -> Result<Option<&'static Instrument>, DataError> {
    Ok(all()?.iter().find(|i| i.id == id))
}

impl Instrument {
    /// The default (first) order.
    pub fn default_order(&self) -> &Order {
        &self.orders[0]
    }

    /// An order by name.
    pub fn order(&self, name: &str) -> Option<&Order> {
        self.orders.iter().find(|o| o.name == name)
    }

    /// The stable id of the item in column `pos` (0-based) of `order`.
    pub fn item_id(&self, order: &Order, pos: usize) -> String {
        let label = order.labels.get(pos).map(String::as_str).unwrap_or("?");
        if self.orders.len() > 1 {
            format!("{}:{}:{label}", self.id, order.name)
        } else {
            format!("{}:{label}", self.id)
        }
    }

    /// The documented reliability fact for change, for a subscale on an answer scale.
    pub fn change_fact(&self, subscale: &str, scale: [i32; 2]) -> Option<&ReliabilityFact> {
        self.reliability
            .iter()
            .find(|f| f.for_change && f.subscale == subscale && f.scale == scale && f.sd.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_ids_match() {
        let all = all().expect("data files parse");
        let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, IDS);
        for i in all {
            for o in &i.orders {
                // Every column belongs to at most... and each subscale has distinct items.
                for s in &o.subscales {
                    let mut p = s.positions.clone();
                    p.sort_unstable();
                    p.dedup();
                    assert_eq!(p.len(), s.positions.len(), "{} {}", i.id, s.id);
                    assert!(p.iter().all(|&x| x < i.items));
                }
            }
        }
    }

    #[test]
    fn ecr_r_orders_have_their_own_keys() {
        let i = get("ecr-r").unwrap().unwrap();
        let author = i.order("author").unwrap();
        let inter = i.order("interleaved").unwrap();
        let rev = |o: &Order, s: &str| -> Vec<usize> {
            let s = o.subscales.iter().find(|x| x.id == s).unwrap();
            s.positions
                .iter()
                .zip(&s.reversed)
                .filter(|(_, r)| **r)
                .map(|(p, _)| p + 1)
                .collect()
        };
        assert_eq!(rev(author, "anxiety"), vec![9, 11]);
        assert_eq!(
            rev(author, "avoidance"),
            vec![20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36]
        );
        assert_eq!(rev(inter, "anxiety"), vec![2, 22]);
        assert_eq!(
            rev(inter, "avoidance"),
            vec![3, 5, 11, 15, 17, 19, 25, 27, 29, 31, 33, 35]
        );
        assert_eq!(i.item_id(author, 8), "ecr-r:author:9");
        assert_eq!(i.item_id(inter, 1), "ecr-r:interleaved:2");
    }

    #[test]
    fn cpq_demand_subscales_name_their_safety_items() {
        let i = get("cpq").unwrap().unwrap();
        let o = i.default_order();
        let s = |id: &str| o.subscales.iter().find(|s| s.id == id).unwrap();
        assert_eq!(
            s("self_demand_partner_withdraw").safety_items,
            ["cpq:17", "cpq:19"]
        );
        assert_eq!(
            s("partner_demand_self_withdraw").safety_items,
            ["cpq:18", "cpq:20"]
        );
        assert!(s("constructive_communication").safety_items.is_empty());
        assert_eq!(i.item_id(o, 17), "cpq:18");
        let sf = get("cpq-sf").unwrap().unwrap();
        assert_eq!(sf.item_id(sf.default_order(), 7), "cpq-sf:B7a");
    }

    /// No item wording ships: every string value in the data files is short (ids, labels,
    /// sources) except the citations, which name the papers.
    #[test]
    fn data_files_hold_no_long_free_text_other_than_citations() {
        for (file, text) in data_files() {
            let v: toml::Value = toml::from_str(text).unwrap();
            fn walk(key: &str, v: &toml::Value, file: &str) {
                match v {
                    toml::Value::String(s) => {
                        // First-person statements are what questionnaire items look like.
                        let padded = format!(" {s} ");
                        for word in [" I ", " I'm ", " my ", " My ", " me ", " me."] {
                            assert!(!padded.contains(word), "{file}: {key} = {s:?}");
                        }
                        if key != "citation" && key != "source" && key != "key_source" {
                            assert!(s.len() <= 90, "{file}: {key} = {s:?}");
                        }
                        if key == "source" || key == "key_source" {
                            assert!(s.len() <= 200, "{file}: {key}");
                        }
                    }
                    toml::Value::Array(a) => a.iter().for_each(|x| walk(key, x, file)),
                    toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(k, x, file)),
                    _ => {}
                }
            }
            walk("", &v, file);
            // Comments are ours: no questionnaire sentence hides in them either.
            for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
                assert!(line.len() <= 100, "{file}: {line}");
            }
        }
    }
}
