//! Helplines: crisis, domestic-abuse, own-behaviour and emergency numbers by region.
//!
//! The list is `data/resources.json`, derived from the vetted reference list in
//! `../shared/reference/resources.json` by keeping only entries marked V (seen on the
//! organisation's or its funder's own page) or S (seen on two or more independent reputable
//! pages); `data/README.md` says how, and a test checks the two still agree. Nothing here is
//! typed by hand, so no number can be invented; every entry carries its source and the source's
//! date so a person can see how fresh it is.
//!
//! [`help_now`] assembles what `closer help-now` shows, every sentence through the policy.

use crate::policy::{Draft, Policy, Said, Topic, Withheld};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What a line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Emergency services.
    Emergency,
    /// Suicide and crisis lines.
    Crisis,
    /// Domestic violence and abuse lines.
    Dv,
    /// Lines for people worried about their own behaviour.
    OwnBehaviour,
}

impl Kind {
    /// In the order `help-now` shows them: emergency first.
    pub const ALL: [Kind; 4] = [Kind::Emergency, Kind::Crisis, Kind::Dv, Kind::OwnBehaviour];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Emergency => "emergency",
            Kind::Crisis => "crisis",
            Kind::Dv => "dv",
            Kind::OwnBehaviour => "own-behaviour",
        }
    }
}

/// How well an entry was verified. Only these two ship; unverified (`U`) entries do not even
/// parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Confidence {
    /// Seen on the organisation's own page or its government funder's page.
    V,
    /// Seen on two or more independent reputable pages.
    S,
}

/// One helpline, as in the vetted list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// ISO-style region code: `US`, `UK`, `UK-SCT`, `CA-QC`, or `INTL`.
    pub region: String,
    pub kind: Kind,
    pub name: String,
    pub phone: Option<String>,
    pub text: Option<String>,
    pub chat_url: Option<String>,
    pub hours: Option<String>,
    pub serves: Option<String>,
    pub source_url: String,
    pub source_date: String,
    pub confidence: Confidence,
    /// Notes for maintainers (what to re-check); not shown to people, and so not in `--json`
    /// either, where another program could show them.
    #[serde(skip_serializing)]
    pub notes: Option<String>,
}

impl Resource {
    /// The country part of the region (`UK` for `UK-SCT`).
    pub fn country(&self) -> &str {
        country_of(&self.region)
    }
}

fn country_of(region: &str) -> &str {
    region.split('-').next().unwrap_or(region)
}

const DATA: &str = include_str!("../data/resources.json");

/// Every helpline that ships, parsed once from the embedded data.
pub fn all() -> &'static [Resource] {
    static R: OnceLock<Vec<Resource>> = OnceLock::new();
    // Embedded at build time and parsed by the tests, so a broken file fails the tests, not a
    // person's session.
    R.get_or_init(|| serde_json::from_str(DATA).expect("data/resources.json is valid (tested)"))
}

/// The region codes that have entries, sorted (`INTL` included).
pub fn regions() -> Vec<&'static str> {
    all()
        .iter()
        .map(|r| r.region.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The known spelling of a region code, matched case-insensitively. `GB` (the ISO code) is
/// accepted for `UK`, with or without a nation (`GB-SCT`).
pub fn normalise(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    let code = match code.strip_prefix("GB") {
        Some(rest) if rest.is_empty() || rest.starts_with('-') => format!("UK{rest}"),
        _ => code,
    };
    regions().into_iter().find(|r| *r == code)
}

/// The lines for a region, in the order to show them: by kind (emergency first), then the
/// region's own entries, its country's (for a sub-national code such as `UK-SCT`), its
/// sub-regions' (for a country code such as `CA`), and the international directory. `INTL`
/// emergency numbers are shown only for `INTL` itself, so no region is offered another's
/// emergency number. `None` for an unknown code.
pub fn for_region(code: &str) -> Option<Vec<&'static Resource>> {
    let region = normalise(code)?;
    let country = country_of(region);
    let rank = |r: &Resource| -> Option<u8> {
        if r.region == region {
            Some(0)
        } else if region != country && r.region == country {
            Some(1)
        } else if region == country && r.country() == country {
            Some(2)
        } else if r.region == "INTL" && r.kind != Kind::Emergency {
            Some(3)
        } else {
            None
        }
    };
    let mut out: Vec<(Kind, u8, usize, &'static Resource)> = all()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| rank(r).map(|k| (r.kind, k, i, r)))
        .collect();
    out.sort_by_key(|&(kind, rank, i, _)| (kind, rank, i));
    Some(out.into_iter().map(|(_, _, _, r)| r).collect())
}

#[derive(Debug, Deserialize)]
struct Words {
    title: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    emergency: Words,
    checked: Words,
    private: Words,
    choose: Words,
    unlisted: Words,
    kinds: std::collections::BTreeMap<String, String>,
}

fn page() -> &'static Page {
    static P: OnceLock<Page> = OnceLock::new();
    P.get_or_init(|| {
        toml::from_str(include_str!("../data/help_now.toml"))
            .expect("data/help_now.toml is valid (tested)")
    })
}

/// The heading for a kind of line.
pub fn kind_heading(kind: Kind) -> &'static str {
    page()
        .kinds
        .get(kind.as_str())
        .map(String::as_str)
        .unwrap_or(kind.as_str())
}

/// An unknown region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelpNowError {
    #[error("unknown region {given:?}; known regions: {}", known.join(", "))]
    UnknownRegion { given: String, known: Vec<String> },
    #[error("a helpline text was withheld by the policy: {0}")]
    Withheld(#[from] Withheld),
}

/// What `closer help-now` shows.
#[derive(Debug, Clone, Serialize)]
pub struct HelpNow {
    /// The region shown, in its known spelling; `None` for the page without a region.
    pub region: Option<&'static str>,
    /// Every region with entries.
    pub regions: Vec<&'static str>,
    /// Everything said, in order: emergency advice first, then the lines grouped by kind (a
    /// `heading` before each group; each line's `kind` is the resource kind), then the note
    /// about checking numbers and privacy.
    pub said: Vec<Said>,
    /// The lines shown, as data (for `--json` users).
    pub resources: Vec<&'static Resource>,
}

fn entry_draft(r: &Resource, shown_region: Option<&str>) -> Draft {
    let mut lines = Vec::new();
    if let Some(p) = &r.phone {
        lines.push(format!("Phone: {p}"));
    }
    // The reference list marks some text channels as uncertain; those are not offered.
    if let Some(t) = r.text.as_ref().filter(|t| !t.contains("UNCERTAIN")) {
        lines.push(format!("Text: {t}"));
    }
    if let Some(c) = &r.chat_url {
        lines.push(format!("Online: {c}"));
    }
    if let Some(h) = &r.hours {
        lines.push(format!("Hours: {h}"));
    }
    if let Some(s) = &r.serves {
        lines.push(format!("For: {s}"));
    }
    lines.push(format!(
        "Source: {} (page date: {})",
        r.source_url, r.source_date
    ));
    let title = if shown_region == Some(r.region.as_str()) {
        r.name.clone()
    } else {
        format!("{} [{}]", r.name, r.region)
    };
    Draft::new(Topic::Safety, r.kind.as_str(), title, lines.join("\n"))
}

fn words(kind: &str, w: &Words) -> Draft {
    Draft::new(Topic::Safety, kind, w.title.clone(), w.text.clone())
}

/// Assembles the help-now page for a region, or the page without one (emergency advice, the
/// list of regions and the international directory).
pub fn help_now(region: Option<&str>, policy: &Policy) -> Result<HelpNow, HelpNowError> {
    let p = page();
    let regions = regions();
    let (shown, resources) = match region {
        Some(code) => {
            let Some(found) = normalise(code) else {
                return Err(HelpNowError::UnknownRegion {
                    given: code.to_string(),
                    known: regions.iter().map(|s| s.to_string()).collect(),
                });
            };
            (Some(found), for_region(found).unwrap_or_default())
        }
        None => (
            None,
            all()
                .iter()
                .filter(|r| r.region == "INTL" && r.kind != Kind::Emergency)
                .collect(),
        ),
    };
    let mut drafts = vec![words("emergency-advice", &p.emergency)];
    if shown.is_none() {
        let mut choose = words("regions", &p.choose);
        choose.text = format!("{}\n{}", choose.text, regions.join(", "));
        drafts.push(choose);
        drafts.push(words("unlisted", &p.unlisted));
    }
    let mut last: Option<Kind> = None;
    for r in &resources {
        if last != Some(r.kind) {
            drafts.push(Draft::new(
                Topic::Interface,
                "heading",
                kind_heading(r.kind),
                "",
            ));
            last = Some(r.kind);
        }
        drafts.push(entry_draft(r, shown));
    }
    drafts.push(words("checked", &p.checked));
    drafts.push(words("private", &p.private));
    let said = drafts
        .into_iter()
        .map(|d| policy.review(d))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HelpNow {
        region: shown,
        regions,
        said,
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Context;

    #[test]
    fn only_vetted_entries_ship_and_each_has_a_source_and_date() {
        assert!(all().len() >= 40);
        for r in all() {
            assert!(matches!(r.confidence, Confidence::V | Confidence::S));
            assert!(r.source_url.starts_with("http"), "{}", r.name);
            assert!(!r.source_date.trim().is_empty(), "{}", r.name);
            assert!(
                r.phone.is_some() || r.text.is_some() || r.chat_url.is_some(),
                "{} has no way to reach it",
                r.name
            );
        }
        // A `U` entry cannot even be read as a shipping entry.
        let u = DATA.replacen("\"confidence\": \"V\"", "\"confidence\": \"U\"", 1);
        assert!(serde_json::from_str::<Vec<Resource>>(&u).is_err());
    }

    /// The embedded file is exactly the reference list filtered to V and S entries (without the
    /// corroborating sources), so a refresh of the reference shows up here.
    #[test]
    fn embedded_list_equals_the_filtered_reference_when_present() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/reference/resources.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let reference: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let fields = [
            "region",
            "kind",
            "name",
            "phone",
            "text",
            "chat_url",
            "hours",
            "serves",
            "source_url",
            "source_date",
            "confidence",
            "notes",
        ];
        let filtered: Vec<serde_json::Value> = reference
            .iter()
            .filter(|e| matches!(e["confidence"].as_str(), Some("V") | Some("S")))
            .map(|e| {
                serde_json::Value::Object(
                    fields
                        .iter()
                        .map(|f| (f.to_string(), e[*f].clone()))
                        .collect(),
                )
            })
            .collect();
        let embedded: Vec<serde_json::Value> = serde_json::from_str(DATA).unwrap();
        assert_eq!(embedded, filtered);
        let unverified = reference
            .iter()
            .filter(|e| e["confidence"].as_str() == Some("U"))
            .count();
        assert!(unverified > 0, "the reference has U entries; none ship");
        assert_eq!(all().len() + unverified, reference.len());
    }

    #[test]
    fn regions_match_case_insensitively_and_sub_regions_include_their_country() {
        assert_eq!(normalise("uk-sct"), Some("UK-SCT"));
        assert_eq!(normalise("Nz"), Some("NZ"));
        assert_eq!(normalise("gb"), Some("UK"));
        assert_eq!(normalise("GB-SCT"), Some("UK-SCT"));
        assert_eq!(normalise("GBX"), None);
        assert_eq!(normalise("XX"), None);
        assert!(for_region("atlantis").is_none());
        let sct = for_region("uk-sct").unwrap();
        assert!(sct.iter().any(|r| r.region == "UK-SCT"));
        assert!(
            sct.iter()
                .any(|r| r.region == "UK" && r.name == "Samaritans")
        );
        assert!(!sct.iter().any(|r| r.region == "UK-WLS"));
        let ca = for_region("CA").unwrap();
        assert!(ca.iter().any(|r| r.region == "CA-QC"));
        // Emergency first; no other region's emergency number.
        for code in ["US", "UK", "UK-SCT", "AU", "NZ", "IE", "DE", "ZA"] {
            let rs = for_region(code).unwrap();
            assert_eq!(rs[0].kind, Kind::Emergency, "{code}");
            let kinds: Vec<Kind> = rs.iter().map(|r| r.kind).collect();
            let mut sorted = kinds.clone();
            sorted.sort();
            assert_eq!(kinds, sorted, "{code}");
            assert!(
                rs.iter()
                    .filter(|r| r.kind == Kind::Emergency)
                    .all(|r| r.country() == country_of(code)),
                "{code}"
            );
            assert!(rs.iter().any(|r| r.kind == Kind::Crisis), "{code}");
            assert!(rs.iter().any(|r| r.kind == Kind::Dv), "{code}");
        }
    }

    #[test]
    fn help_now_passes_the_policy_for_every_region_and_in_both_modes() {
        for ctx in [Context::ordinary(), Context::safety()] {
            let policy = Policy::new(ctx);
            let none = help_now(None, &policy).unwrap();
            assert_eq!(none.said[0].kind(), "emergency-advice");
            assert!(
                none.said
                    .iter()
                    .any(|s| s.kind() == "regions" && s.text().contains("UK-SCT"))
            );
            for code in regions() {
                let h = help_now(Some(&code.to_lowercase()), &policy).unwrap();
                assert_eq!(h.region, Some(code));
                assert_eq!(h.said[0].kind(), "emergency-advice");
                // One said entry per line, each with its source and date.
                let entries: Vec<&Said> = h
                    .said
                    .iter()
                    .filter(|s| Kind::ALL.iter().any(|k| k.as_str() == s.kind()))
                    .collect();
                assert_eq!(entries.len(), h.resources.len());
                let headings = h.said.iter().filter(|s| s.kind() == "heading").count();
                let kinds: BTreeSet<Kind> = h.resources.iter().map(|r| r.kind).collect();
                assert_eq!(headings, kinds.len(), "{code}");
                for (s, r) in entries.iter().zip(&h.resources) {
                    assert!(s.text().contains(&r.source_url));
                    assert!(s.text().contains(&r.source_date));
                    if let Some(p) = &r.phone {
                        assert!(s.text().contains(p.as_str()));
                    }
                }
            }
        }
        let err = help_now(Some("atlantis"), &Policy::new(Context::safety())).unwrap_err();
        assert!(err.to_string().contains("UK-SCT"));
    }

    #[test]
    fn every_kind_has_a_heading() {
        for k in Kind::ALL {
            assert_ne!(kind_heading(k), k.as_str());
        }
    }
}
