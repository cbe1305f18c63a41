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
    /// Lines for people affected by rape or sexual assault.
    SexualViolence,
    /// Lines for people being stalked.
    Stalking,
    /// Lines for people worried about their own behaviour.
    OwnBehaviour,
}

impl Kind {
    /// In the order `help-now` shows them: emergency first.
    pub const ALL: [Kind; 6] = [
        Kind::Emergency,
        Kind::Crisis,
        Kind::Dv,
        Kind::SexualViolence,
        Kind::Stalking,
        Kind::OwnBehaviour,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Emergency => "emergency",
            Kind::Crisis => "crisis",
            Kind::Dv => "dv",
            Kind::SexualViolence => "sexual-violence",
            Kind::Stalking => "stalking",
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

/// One helpline, as in the vetted list. As JSON (for other programs that may show it to a
/// person) it carries the words for people: `title`, and `text`, `hours` and `serves` as they
/// are shown; the maintainers' `notes` never.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    pub notes: Option<String>,
}

impl Serialize for Resource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("region", &self.region)?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("title", self.title())?;
        m.serialize_entry("phone", &self.phone)?;
        m.serialize_entry("text", &self.text_for_people())?;
        m.serialize_entry("chat_url", &self.chat_url)?;
        m.serialize_entry("hours", &self.hours_for_people())?;
        m.serialize_entry("open_day_and_night", &self.always_open())?;
        m.serialize_entry("serves", &self.serves_for_people())?;
        m.serialize_entry("source_url", &self.source_url)?;
        m.serialize_entry("source_date", &self.source_date)?;
        m.serialize_entry("confidence", &self.confidence)?;
        m.end()
    }
}

impl Resource {
    /// The country part of the region (`UK` for `UK-SCT`).
    pub fn country(&self) -> &str {
        country_of(&self.region)
    }

    /// Whether the line answers day and night, every day (by phone, where it has one).
    pub fn always_open(&self) -> bool {
        self.hours
            .as_deref()
            .is_some_and(|h| h.starts_with("24/7") || h.starts_with("Phone 24"))
    }

    /// Whether the line is for everyone (rather than for one group: men, LGBT+ people,
    /// Indigenous peoples).
    pub fn general(&self) -> bool {
        overlay(self).and_then(|o| o.general).unwrap_or(true)
    }

    /// The name as shown to a person.
    pub fn title(&self) -> &str {
        overlay(self)
            .and_then(|o| o.title.as_deref())
            .unwrap_or(&self.name)
    }

    /// When the line is open, in words for people (never a maintainer's remark).
    pub fn hours_for_people(&self) -> Option<&str> {
        if let Some(h) = overlay(self).and_then(|o| o.hours.as_deref()) {
            return Some(h);
        }
        match self.hours.as_deref() {
            Some("24/7" | "24/7/365" | "24/7, 365 days") => Some(DAY_AND_NIGHT),
            Some(_) => None,
            None => None,
        }
    }

    /// Who the line is for, in words for people.
    pub fn serves_for_people(&self) -> Option<&str> {
        overlay(self)
            .and_then(|o| o.serves.as_deref())
            .or(self.serves.as_deref())
    }

    /// The text channel, in words for people; `None` where there is none or it is uncertain.
    pub fn text_for_people(&self) -> Option<&str> {
        match overlay(self).and_then(|o| o.text.as_deref()) {
            Some("") => None,
            Some(t) => Some(t),
            None => self.text.as_deref().filter(|t| !t.contains("UNCERTAIN")),
        }
    }
}

const DAY_AND_NIGHT: &str = "Day and night, every day.";

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

/// How a line is shown (data/lines.toml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineWords {
    region: String,
    name: String,
    title: Option<String>,
    hours: Option<String>,
    serves: Option<String>,
    text: Option<String>,
    general: Option<bool>,
}

/// A region where a line people would expect is missing, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Gap {
    region: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lines {
    line: Vec<LineWords>,
    gap: Vec<Gap>,
}

fn lines() -> &'static Lines {
    static L: OnceLock<Lines> = OnceLock::new();
    L.get_or_init(|| {
        toml::from_str(include_str!("../data/lines.toml"))
            .expect("data/lines.toml is valid (tested)")
    })
}

fn overlay(r: &Resource) -> Option<&'static LineWords> {
    lines()
        .line
        .iter()
        .find(|l| l.region == r.region && l.name == r.name)
}

/// A place a person may name (data/regions.toml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Place {
    code: String,
    name: String,
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Places {
    place: Vec<Place>,
}

fn places() -> &'static [Place] {
    static P: OnceLock<Places> = OnceLock::new();
    &P.get_or_init(|| {
        toml::from_str(include_str!("../data/regions.toml"))
            .expect("data/regions.toml is valid (tested)")
    })
    .place
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

/// Lower case, dots dropped, `_` as a space, spaces collapsed, a leading "the" dropped.
fn key(s: &str) -> String {
    let s = s.trim().to_lowercase().replace('.', "").replace('_', " ");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// The known spelling of a region, from a code or a place name in any case: `us`, `USA`,
/// `United States`, `uk`, `GB`, `England`, `gb-sct`, `Scotland`, `Brazil`, `BR`. `GB` (the ISO
/// code) is accepted for `UK`, with or without a nation (`GB-SCT`). A place we recognise but
/// have no checked lines for (such as `BR`) is returned too: [`has_lines`] tells the two apart,
/// and every function here still gives the emergency advice and the international directory
/// for it. `None` when the text names no place we know.
pub fn normalise(code: &str) -> Option<&'static str> {
    let k = key(code);
    if k.is_empty() {
        return None;
    }
    let up = k.to_ascii_uppercase();
    let up = match up.strip_prefix("GB") {
        Some(rest) if rest.is_empty() || rest.starts_with('-') => format!("UK{rest}"),
        _ => up,
    };
    if let Some(r) = regions().into_iter().find(|r| *r == up) {
        return Some(r);
    }
    let places = places();
    if let Some(p) = places.iter().find(|p| p.code == up) {
        return Some(p.code.as_str());
    }
    places
        .iter()
        .find(|p| p.aliases.iter().any(|a| key(a) == k))
        .map(|p| p.code.as_str())
}

/// Whether we have checked lines of our own for a region (its own or its country's), beyond
/// the international directory.
pub fn has_lines(code: &str) -> bool {
    normalise(code).is_some_and(|r| {
        let country = country_of(r);
        all()
            .iter()
            .any(|e| e.region != "INTL" && (e.region == r || e.region == country))
            || r == "INTL"
    })
}

/// The place's name as written in a sentence ("the United States", "Scotland"), for a code
/// [`normalise`] returns.
pub fn place_name(code: &str) -> Option<&'static str> {
    let r = normalise(code)?;
    Some(
        places()
            .iter()
            .find(|p| p.code == r)
            .map(|p| p.name.as_str())
            .unwrap_or(r),
    )
}

/// The international directory's page for a place (findahelpline.com by ISO country code), or
/// its home page without one.
pub fn directory_url(code: Option<&str>) -> String {
    let base = all()
        .iter()
        .find(|r| r.region == "INTL" && r.kind == Kind::Crisis)
        .and_then(|r| r.chat_url.clone())
        .unwrap_or_else(|| "https://findahelpline.com".to_string());
    match code.and_then(normalise) {
        Some("INTL") | None => base,
        Some(r) => {
            let country = country_of(r);
            let iso = if country == "UK" { "GB" } else { country };
            format!("{base}/{iso}")
        }
    }
}

/// The lines for a region, in the order to show them: by kind (emergency first); within a
/// kind, lines open day and night first, then lines for everyone before lines for one group,
/// then the region's own entries before its country's (for a sub-national code such as
/// `UK-SCT`) and its sub-regions' (for a country code such as `CA`), and the international
/// directory last. `INTL` emergency numbers are shown only for `INTL` itself, so no region is
/// offered another's emergency number. `None` for an unknown code; only the international
/// directory for a place without lines of its own.
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
    let mut out: Vec<(Kind, bool, bool, u8, usize, &'static Resource)> = all()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| rank(r).map(|k| (r.kind, !r.always_open(), !r.general(), k, i, r)))
        .collect();
    out.sort_by_key(|&(kind, closed, group, rank, i, _)| (kind, rank == 3, closed, group, rank, i));
    Some(out.into_iter().map(|(_, _, _, _, _, r)| r).collect())
}

#[derive(Debug, Deserialize)]
struct Words {
    title: Option<String>,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    emergency: Words,
    checked: Words,
    private: Words,
    history: Words,
    choose: Words,
    unlisted: Words,
    nolines: Words,
    crisis_first: Words,
    safety_first: Words,
    own_behaviour_first: Words,
    someone_else: Words,
    local_emergency: Words,
    ask_region: Words,
    unknown_place: Words,
    close: Words,
    kinds: std::collections::BTreeMap<String, String>,
    none_of_kind: std::collections::BTreeMap<String, String>,
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
    #[error("unknown region {given:?}; known regions: {} (a country name such as Canada or Scotland works too)", known.join(", "))]
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

/// The bracketed place after a line's name when it is not the region asked for.
fn place_label(region: &str) -> String {
    if region == "INTL" {
        return "international".to_string();
    }
    let name = places()
        .iter()
        .find(|p| p.code == region)
        .map(|p| p.name.as_str())
        .unwrap_or(region);
    name.strip_prefix("the ").unwrap_or(name).to_string()
}

fn entry_draft(r: &Resource, shown_region: Option<&str>) -> Draft {
    let mut lines = Vec::new();
    if let Some(p) = &r.phone {
        lines.push(format!("Phone: {p}"));
    }
    if let Some(t) = r.text_for_people() {
        lines.push(format!("Text: {t}"));
    }
    if let Some(c) = &r.chat_url {
        lines.push(format!("Online: {c}"));
    }
    if let Some(h) = r.hours_for_people() {
        lines.push(format!("Hours: {h}"));
    }
    if let Some(s) = r.serves_for_people() {
        lines.push(format!("For: {s}"));
    }
    lines.push(format!(
        "Source: {} (page date: {})",
        r.source_url, r.source_date
    ));
    let title = if shown_region == Some(r.region.as_str()) {
        r.title().to_string()
    } else {
        format!("{} [{}]", r.title(), place_label(&r.region))
    };
    Draft::new(Topic::Safety, r.kind.as_str(), title, lines.join("\n"))
}

fn words(kind: &str, w: &Words) -> Draft {
    Draft::new(
        Topic::Safety,
        kind,
        w.title.clone().unwrap_or_default(),
        w.text.clone(),
    )
}

/// `{place}` and `{directory}` filled in.
fn fill(text: &str, place: &str, directory: &str) -> String {
    text.replace("{place}", place)
        .replace("{directory}", directory)
}

/// The page's drafts for a place without lines of its own.
fn nolines_draft(region: &str) -> Draft {
    let p = page();
    let place = place_name(region).unwrap_or(region);
    let dir = directory_url(Some(region));
    let mut d = words("no-lines", &p.nolines);
    d.title = fill(&d.title, place, &dir);
    d.text = fill(&d.text, place, &dir);
    d
}

/// The notes for a region with lines: a kind people expect that has no line there, and the
/// gaps the data names.
fn gap_drafts(region: &str, resources: &[&Resource], kinds: &[Kind]) -> Vec<Draft> {
    let p = page();
    let place = place_name(region).unwrap_or(region);
    let mut out = Vec::new();
    for k in kinds {
        let has = resources.iter().any(|r| r.kind == *k && r.region != "INTL");
        if !has && let Some(t) = p.none_of_kind.get(k.as_str()) {
            out.push(Draft::new(
                Topic::Safety,
                "gap",
                "",
                fill(t, place, &directory_url(Some(region))),
            ));
        }
    }
    let country = country_of(region);
    for g in &lines().gap {
        if g.region == region || (region == country && country_of(&g.region) == country) {
            out.push(Draft::new(Topic::Safety, "gap", "", g.text.clone()));
        }
    }
    out
}

/// Where the help-now page is shown: the words about choosing a region by code, a terminal's
/// scrollback and shell history belong to the terminal only (a browser page has its own region
/// picker and the shared-device advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Terminal,
    Browser,
}

/// Assembles the help-now page for a region, or the page without one (emergency advice, the
/// list of regions and the international directory), as the terminal shows it.
pub fn help_now(region: Option<&str>, policy: &Policy) -> Result<HelpNow, HelpNowError> {
    help_now_on(region, policy, Surface::Terminal)
}

/// [`help_now`] for a given surface.
pub fn help_now_on(
    region: Option<&str>,
    policy: &Policy,
    surface: Surface,
) -> Result<HelpNow, HelpNowError> {
    let terminal = surface == Surface::Terminal;
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
    match shown {
        None if !terminal => drafts.push(words("unlisted", &p.unlisted)),
        None => {
            let mut choose = words("regions", &p.choose);
            choose.text = format!("{}\n{}", choose.text, regions.join(", "));
            drafts.push(choose);
            drafts.push(words("unlisted", &p.unlisted));
        }
        Some(r) if !has_lines(r) => drafts.push(nolines_draft(r)),
        Some(r) => drafts.extend(gap_drafts(
            r,
            &resources,
            &[Kind::Crisis, Kind::Dv, Kind::OwnBehaviour],
        )),
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
    if terminal {
        drafts.push(words("private", &p.private));
        drafts.push(words("history", &p.history));
    }
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

/// Words the edges use when they ask where the person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionPrompt {
    /// "Where are you?": asked once, used only now, never kept.
    Ask,
    /// The answer matched no place: emergency advice and the international directory.
    Unknown,
    /// Closing a help screen.
    Close,
}

/// A prompt about the region, reviewed by the policy.
pub fn region_prompt(which: RegionPrompt) -> Result<Said, Withheld> {
    let p = page();
    let (kind, w) = match which {
        RegionPrompt::Ask => ("ask-region", &p.ask_region),
        RegionPrompt::Unknown => ("unknown-place", &p.unknown_place),
        RegionPrompt::Close => ("close", &p.close),
    };
    let mut d = words(kind, w);
    d.text = d.text.replace("{directory}", &directory_url(None));
    Policy::new(crate::policy::Context::safety()).review(d)
}

/// One line in a short list: its name, how to reach it, and when.
fn summary_line(r: &Resource) -> String {
    let mut ways = Vec::new();
    if let Some(p) = &r.phone {
        ways.push(format!("call {p}"));
    }
    if let Some(t) = r.text_for_people() {
        ways.push(t.to_string());
    }
    if let Some(c) = &r.chat_url {
        ways.push(c.clone());
    }
    let mut line = format!("- {}: {}.", r.title(), ways.join("; "));
    if let Some(h) = r.hours_for_people() {
        line.push(' ');
        line.push_str(h);
    }
    line
}

/// The emergency number for a region, as it is written in a sentence.
fn emergency_words(region: Option<&str>) -> String {
    region
        .and_then(for_region)
        .and_then(|rs| {
            rs.into_iter()
                .find(|r| r.kind == Kind::Emergency)
                .and_then(|r| r.phone.clone())
        })
        .unwrap_or_else(|| page().local_emergency.text.clone())
}

/// What comes first for one need: a short text with the emergency number and the lines of
/// `summary_kinds` written in it, then one entry per line (emergency and `kinds`) with its
/// source and date, then the gaps.
fn first(
    region: Option<&str>,
    summary_kind: &str,
    words_of: &Words,
    summary_kinds: &[Kind],
    kinds: &[Kind],
) -> Vec<Said> {
    let policy = Policy::new(crate::policy::Context::safety());
    let region = region.and_then(normalise);
    let resources: Vec<&Resource> = region.and_then(for_region).unwrap_or_default();
    let own: Vec<&Resource> = resources
        .iter()
        .copied()
        .filter(|r| r.region != "INTL")
        .collect();
    let mut listed: Vec<String> = own
        .iter()
        .filter(|r| summary_kinds.contains(&r.kind))
        .map(|r| summary_line(r))
        .collect();
    if listed.is_empty() {
        let place = region.and_then(place_name);
        let dir = directory_url(region);
        listed.push(match place {
            Some(p) if region != Some("INTL") => format!(
                "- We have no checked line for {p} yet. Find A Helpline lists free lines by country: {dir}"
            ),
            _ => format!("- Find A Helpline lists free lines by country: {dir}"),
        });
    }
    let text = words_of
        .text
        .replace("{emergency}", &emergency_words(region))
        .replace("{lines}", &listed.join("\n"));
    let mut drafts = vec![Draft::new(
        Topic::Safety,
        summary_kind,
        words_of.title.clone().unwrap_or_default(),
        text,
    )];
    for r in &resources {
        if r.kind == Kind::Emergency || kinds.contains(&r.kind) {
            drafts.push(entry_draft(r, region));
        }
    }
    if let Some(r) = region {
        if !has_lines(r) {
            drafts.push(nolines_draft(r));
        } else {
            drafts.extend(gap_drafts(r, &resources, kinds));
        }
    }
    policy.keep(drafts)
}

/// Crisis help first, for self-harm or suicidal thoughts: the first item (kind `crisis`) says
/// to call the region's emergency number and lists the region's crisis lines with their
/// numbers and hours; then one entry per line with its source and date. With no region, or a
/// place without checked lines, the first item says "your local emergency number" and gives
/// the international directory. Every item is reviewed by the policy (safety mode).
pub fn crisis_first(region: Option<&str>) -> Vec<Said> {
    first(
        region,
        "crisis",
        &page().crisis_first,
        &[Kind::Crisis],
        &[Kind::Crisis],
    )
}

/// Safety help first, for someone who may be in danger from a partner: the first item (kind
/// `safety`) gives the emergency number and the region's abuse lines with their numbers; then
/// one entry per line (emergency, abuse, sexual violence, stalking) with its source and date.
pub fn safety_first(region: Option<&str>) -> Vec<Said> {
    first(
        region,
        "safety",
        &page().safety_first,
        &[Kind::Dv],
        &[Kind::Dv, Kind::SexualViolence, Kind::Stalking],
    )
}

/// For someone whose partner may act on a threat to harm themselves: the first item (kind
/// `someone-else`) says to call the emergency number for them and lists the crisis lines, which
/// also talk with people worried about someone else.
pub fn for_someone_else(region: Option<&str>) -> Vec<Said> {
    first(
        region,
        "someone-else",
        &page().someone_else,
        &[Kind::Crisis],
        &[Kind::Crisis],
    )
}

/// Help first for someone worried about their own behaviour: the first item (kind
/// `own-behaviour-help`) gives the emergency number, steps for right now and the region's
/// lines for people who want to stop; then one entry per line with its source and date.
pub fn own_behaviour_first(region: Option<&str>) -> Vec<Said> {
    first(
        region,
        "own-behaviour-help",
        &page().own_behaviour_first,
        &[Kind::OwnBehaviour],
        &[Kind::OwnBehaviour],
    )
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
                assert!(h.said.iter().any(|s| s.kind() == "history"));
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
    fn country_names_and_codes_are_accepted_in_any_case() {
        for (given, want) in [
            ("BR", "BR"),
            ("brazil", "BR"),
            ("Brasil", "BR"),
            ("USA", "US"),
            ("usa", "US"),
            ("United States", "US"),
            ("the united  states", "US"),
            ("U.S.", "US"),
            ("us", "US"),
            ("England", "UK-ENG"),
            ("ENGLAND", "UK-ENG"),
            ("UK", "UK"),
            ("United Kingdom", "UK"),
            ("Great Britain", "UK"),
            ("gb-eng", "UK-ENG"),
            ("Scotland", "UK-SCT"),
            ("northern ireland", "UK-NIR"),
            ("Wales", "UK-WLS"),
            ("Ontario", "CA-ON"),
            ("British Columbia", "CA-BC"),
            ("Québec", "CA-QC"),
            ("Canada", "CA"),
            ("Deutschland", "DE"),
            ("Holland", "NL"),
            ("Aotearoa", "NZ"),
            ("international", "INTL"),
        ] {
            assert_eq!(normalise(given), Some(want), "{given}");
        }
        for bad in ["", "  ", "atlantis", "no", "yes", "q", "narnia land"] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
        assert!(has_lines("US") && has_lines("england") && has_lines("CA-ON"));
        assert!(!has_lines("Brazil") && !has_lines("JP") && !has_lines("atlantis"));
        assert_eq!(place_name("usa"), Some("the United States"));
        assert_eq!(
            directory_url(Some("brazil")),
            "https://findahelpline.com/BR"
        );
        assert_eq!(
            directory_url(Some("Scotland")),
            "https://findahelpline.com/GB"
        );
        assert_eq!(directory_url(None), "https://findahelpline.com");
        // Every place's code is unique and every region with lines has a place row.
        let codes: BTreeSet<&str> = places().iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes.len(), places().len());
        for r in regions() {
            assert!(codes.contains(r), "{r} has lines but no place row");
        }
    }

    #[test]
    fn the_gaps_the_review_found_are_filled_from_the_reference() {
        let find = |region: &str, name_part: &str| {
            for_region(region)
                .unwrap()
                .into_iter()
                .find(|r| r.name.contains(name_part))
        };
        let bc = find("CA-BC", "VictimLinkBC").unwrap();
        assert_eq!(bc.phone.as_deref(), Some("1-800-563-0808"));
        let rainn = find("US", "RAINN").unwrap();
        assert_eq!(rainn.kind, Kind::SexualViolence);
        assert!(rainn.phone.as_deref().unwrap().contains("1-800-656-4673"));
        let rc = find("England", "Rape Crisis").unwrap();
        assert_eq!(rc.kind, Kind::SexualViolence);
        let st = find("UK-ENG", "Stalking").unwrap();
        assert_eq!(st.phone.as_deref(), Some("0808 802 0300"));
        // The whole UK page includes England's lines.
        assert!(find("UK", "Stalking").is_some());
        // Ontario's Assaulted Women's Helpline is unverified in the reference: not listed, and
        // the page says why.
        assert!(find("Ontario", "Assaulted").is_none());
        let on = help_now(Some("ontario"), &Policy::new(Context::safety())).unwrap();
        assert!(
            on.said
                .iter()
                .any(|s| s.kind() == "gap" && s.text().contains("Assaulted Women's Helpline"))
        );
    }

    #[test]
    fn people_never_read_maintainers_words_and_hours_are_written_for_people() {
        let maintainer = [
            "verified",
            "UNCERTAIN",
            "in the store",
            "chat_url",
            "see notes",
            "hard-code",
            "link to the site",
            "Reported",
            "reported",
            "i.e.",
            "found)",
            "Describes itself",
            "own blog",
            "Hours vary",
            "24/7/365",
            "(per own page)",
        ];
        for r in all() {
            assert!(
                r.hours.is_none() || r.hours_for_people().is_some(),
                "{} [{}]: hours {:?} need words for people in lines.toml",
                r.name,
                r.region,
                r.hours
            );
            let shown = entry_draft(r, None);
            for m in maintainer {
                assert!(
                    !shown.text.contains(m) && !shown.title.contains(m),
                    "{} [{}] shows {m:?}: {}",
                    r.name,
                    r.region,
                    shown.text
                );
            }
            if let Some(n) = r.notes.as_deref().filter(|n| n.len() > 20) {
                assert!(!shown.text.contains(n), "{}: {n}", r.name);
            }
        }
        // The JSON form carries the same words for people, and never the notes.
        for r in all() {
            let j = serde_json::to_value(r).unwrap();
            assert!(j.get("notes").is_none());
            assert_eq!(j["hours"].as_str(), r.hours_for_people());
            let text = j.to_string();
            for m in ["hard-code", "UNCERTAIN", "in the store", "Hours vary"] {
                assert!(!text.contains(m), "{}: {m}", r.name);
            }
        }
        // Every row of lines.toml still names a shipped line.
        for l in &lines().line {
            assert!(
                all()
                    .iter()
                    .any(|r| r.region == l.region && r.name == l.name),
                "lines.toml row {} [{}] matches no line",
                l.name,
                l.region
            );
        }
    }

    #[test]
    fn lines_open_day_and_night_for_everyone_come_first_in_each_kind() {
        for code in regions() {
            let rs = for_region(code).unwrap();
            for k in Kind::ALL {
                let of: Vec<&&Resource> = rs
                    .iter()
                    .filter(|r| r.kind == k && r.region != "INTL")
                    .collect();
                let keys: Vec<(bool, bool)> = of
                    .iter()
                    .map(|r| (!r.always_open(), !r.general()))
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort();
                assert_eq!(keys, sorted, "{code} {k:?}");
            }
        }
        // Samaritans (UK, day and night) before Breathing Space (Scotland, evenings).
        let sct = for_region("UK-SCT").unwrap();
        let pos = |n: &str| sct.iter().position(|r| r.name.starts_with(n)).unwrap();
        assert!(pos("Samaritans") < pos("Breathing Space"));
    }

    #[test]
    fn crisis_first_leads_with_the_regions_emergency_and_crisis_numbers() {
        let us = crisis_first(Some("USA"));
        assert_eq!(us[0].kind(), "crisis");
        assert!(us[0].text().contains("911"), "{}", us[0].text());
        assert!(us[0].text().contains("988"));
        assert!(us[0].text().contains("741741"));
        assert!(
            !us[0].text().contains("1-800-799-7233"),
            "abuse lines are not crisis lines"
        );
        assert!(us[1..].iter().all(|s| s.text().contains("Source: ")));
        let sct = crisis_first(Some("scotland"));
        assert!(sct[0].text().contains("999"));
        assert!(sct[0].text().contains("116 123"));
        assert!(sct[0].text().contains("0800 83 85 87"));
        for none in [
            crisis_first(Some("Brazil")),
            crisis_first(None),
            crisis_first(Some("atlantis")),
        ] {
            assert_eq!(none[0].kind(), "crisis");
            assert!(none[0].text().contains("your local emergency number"));
            assert!(none[0].text().contains("findahelpline.com"));
            // No other country's number is offered.
            assert!(!none[0].text().contains("911") && !none[0].text().contains("112"));
        }
        assert!(crisis_first(Some("Brazil"))[0].text().contains("Brazil"));
        assert!(
            crisis_first(Some("Brazil"))[0]
                .text()
                .contains("findahelpline.com/BR")
        );
        let uk = safety_first(Some("England"));
        assert_eq!(uk[0].kind(), "safety");
        assert!(uk[0].text().contains("999") && uk[0].text().contains("0808 2000 247"));
        assert!(
            uk.iter()
                .any(|s| s.kind() == "stalking" && s.text().contains("0808 802 0300"))
        );
        assert!(uk.iter().any(|s| s.kind() == "sexual-violence"));
        let own = own_behaviour_first(Some("UK"));
        assert_eq!(own[0].kind(), "own-behaviour-help");
        assert!(own[0].text().contains("0808 802 4040"));
        // Every region: every helper gives a first item and passes the policy in full.
        for code in regions() {
            for said in [
                crisis_first(Some(code)),
                safety_first(Some(code)),
                own_behaviour_first(Some(code)),
            ] {
                let n_entries = said
                    .iter()
                    .filter(|s| s.text().contains("Source: "))
                    .count();
                assert!(said.len() > n_entries, "{code}");
                assert!(!said[0].text().contains('{'), "{code}: {}", said[0].text());
            }
        }
    }

    #[test]
    fn a_place_without_lines_says_so_and_gives_the_directory() {
        let policy = Policy::new(Context::safety());
        let br = help_now(Some("Brazil"), &policy).unwrap();
        assert_eq!(br.region, Some("BR"));
        assert_eq!(br.said[0].kind(), "emergency-advice");
        let nolines = br.said.iter().find(|s| s.kind() == "no-lines").unwrap();
        assert!(nolines.title().contains("Brazil"));
        assert!(nolines.text().contains("https://findahelpline.com/BR"));
        assert!(br.resources.iter().all(|r| r.region == "INTL"));
        assert!(br.said.iter().any(|s| s.kind() == "history"));
    }

    #[test]
    fn a_browser_page_leaves_out_the_terminals_words() {
        let policy = Policy::new(crate::Context::safety());
        for region in [None, Some("UK")] {
            let t = help_now(region, &policy).unwrap();
            let b = help_now_on(region, &policy, Surface::Browser).unwrap();
            let kinds = |h: &HelpNow| {
                h.said
                    .iter()
                    .map(|s| s.kind().to_string())
                    .collect::<Vec<_>>()
            };
            for k in ["regions", "private", "history"] {
                assert!(!kinds(&b).iter().any(|x| x == k), "{region:?}: {k}");
            }
            assert!(kinds(&t).iter().any(|x| x == "history"));
            // The same lines either way.
            assert_eq!(t.resources.len(), b.resources.len());
        }
    }

    #[test]
    fn region_prompts_pass_the_policy() {
        for w in [
            RegionPrompt::Ask,
            RegionPrompt::Unknown,
            RegionPrompt::Close,
        ] {
            let s = region_prompt(w).unwrap();
            assert!(!s.text().is_empty() && !s.text().contains('{'));
        }
        assert!(
            region_prompt(RegionPrompt::Unknown)
                .unwrap()
                .text()
                .contains("findahelpline.com")
        );
    }

    #[test]
    fn every_kind_has_a_heading() {
        for k in Kind::ALL {
            assert_ne!(kind_heading(k), k.as_str());
        }
    }
}
