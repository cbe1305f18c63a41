//! From two attachment profiles to the model's parameters, and each way of responding's lever.
//!
//! Every number here is a documented assumption (docs/model.md): the model illustrates
//! *directions*, so what matters is that each mapping points the way the literature points, not
//! its size. Scores are on a 1–7 scale like the ECR-R's; they are rescaled to 0–1 (`a`, `v`) here
//! and nowhere else.

use crate::ModelError;
use closer_domain::{Person, Way};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The lowest and highest score on the 1–7 scale the model takes (ECR-R-like).
pub const SCALE: (f64, f64) = (1.0, 7.0);

/// The instrument the model's inputs are stated on.
pub const INSTRUMENT: &str = "ECR-R-like 1–7 (global attachment anxiety and avoidance)";

/// Attachment anxiety and avoidance on the 1–7 scale. Both scores always travel together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Profile {
    pub anxiety: f64,
    pub avoidance: f64,
}

impl Profile {
    /// A profile, refusing anything outside 1–7 (and NaN).
    pub fn new(anxiety: f64, avoidance: f64) -> Result<Profile, ModelError> {
        for (name, v) in [("anxiety", anxiety), ("avoidance", avoidance)] {
            if !(v.is_finite() && (SCALE.0..=SCALE.1).contains(&v)) {
                return Err(ModelError::Profile {
                    field: name,
                    value: v,
                });
            }
        }
        Ok(Profile { anxiety, avoidance })
    }

    /// Anxiety rescaled to 0–1.
    pub fn a(&self) -> f64 {
        (self.anxiety - SCALE.0) / (SCALE.1 - SCALE.0)
    }

    /// Avoidance rescaled to 0–1.
    pub fn v(&self) -> f64 {
        (self.avoidance - SCALE.0) / (SCALE.1 - SCALE.0)
    }
}

/// Who uses a way of responding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Who {
    One(Person),
    Both,
}

impl Who {
    pub fn includes(self, p: Person) -> bool {
        match self {
            Who::One(q) => q == p,
            Who::Both => true,
        }
    }
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::One(p) => write!(f, "{p}"),
            Who::Both => f.write_str("both"),
        }
    }
}

/// One way of responding, used by someone from a given day on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WayUse {
    pub way: Way,
    pub who: Who,
    /// Day (from the start of the simulation) from which the way is in use.
    pub day: f64,
}

impl WayUse {
    /// Checks who may use the way: `name` is done together, so it needs `both`.
    pub fn new(way: Way, who: Who, day: f64) -> Result<WayUse, ModelError> {
        if !day.is_finite() || day < 0.0 {
            return Err(ModelError::Way(format!(
                "expected a day of 0 or more, found {day}"
            )));
        }
        if way == Way::Name && who != Who::Both {
            return Err(ModelError::Way(
                "`name` is naming the pattern together, so it needs both people open to it: write name:both".into(),
            ));
        }
        Ok(WayUse { way, who, day })
    }
}

impl FromStr for WayUse {
    type Err = ModelError;
    /// Parses `NAME:WHO@DAY` (`@DAY` optional, meaning day 0), e.g. `pause:A@30`, `name:both`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |m: String| ModelError::Way(m);
        let (name, rest) = s.split_once(':').ok_or_else(|| {
            bad(format!(
                "expected NAME:WHO@DAY such as pause:A@30, found {s:?}"
            ))
        })?;
        let way: Way = name.parse().map_err(bad)?;
        let (who, day) = match rest.split_once('@') {
            Some((w, d)) => {
                let day: f64 = d.trim().parse().map_err(|_| {
                    bad(format!(
                        "expected a day number after '@' in {s:?}, found {d:?}"
                    ))
                })?;
                (w, day)
            }
            None => (rest, 0.0),
        };
        let who = match who.trim() {
            "A" | "a" => Who::One(Person::A),
            "B" | "b" => Who::One(Person::B),
            "both" | "BOTH" | "Both" => Who::Both,
            other => {
                return Err(bad(format!(
                    "expected WHO to be A, B or both in {s:?}, found {other:?}"
                )));
            }
        };
        WayUse::new(way, who, day)
    }
}

/// One person's parameters (rates per hour). Built from a profile, then adjusted by ways.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonParams {
    /// Rate at which alarm recovers (per hour): regulation.
    pub regulation: f64,
    /// Everyday bids for connection when calm and hopeful.
    pub reach_base: f64,
    /// Extra reaching driven by one's own alarm (hyperactivation).
    pub reach_drive: f64,
    /// Everyday wish for room.
    pub withdraw_base: f64,
    /// Extra withdrawing driven by one's own alarm (deactivation).
    pub withdraw_drive: f64,
    /// Rate of answering a pending bid of the other's, when calm.
    pub answer: f64,
    /// Rate of repairing after one's own withdrawal, when calm.
    pub repair: f64,
    /// Rate of letting an unanswered bid go.
    pub let_go: f64,
    /// Factor on reaching again while one's bid is still pending (protest behaviour).
    pub persist: f64,
    /// Rate at which hope erodes while one's own bid is pending.
    pub erosion: f64,
    /// Rise of one's alarm when the other withdraws (anxious sensitivity).
    pub sens_withdraw: f64,
    /// Rise of one's alarm when the other reaches (avoidant sensitivity to pursuit).
    pub sens_reach: f64,
    /// How much one's own alarm makes one's bids pressing.
    pub press: f64,
    /// Relief one's own withdrawal brings to one's alarm (fraction).
    pub relief: f64,
    /// Factor on the other's alarm rise from one's bids (1 = plain, less = curious opening).
    pub bid_softness: f64,
    /// Factor on the other's rate of answering one's bids (more with a curious, well-timed one).
    pub appeal: f64,
    /// Curious: bids wait for the other to be calmer.
    pub timing: bool,
    /// Space: repeated reaching eases and becomes a reassurance.
    pub space: bool,
    /// Stay: withdrawals are breaks with a time to come back.
    pub stay: bool,
}

/// Parameters shared by the couple.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shared {
    /// Fraction of alarm an answered bid, a repair or a return takes away.
    pub calm: f64,
    /// Fraction of lost hope an answered bid, a repair or a return restores.
    pub restore: f64,
    /// Rate of coming back from a break (per hour). At 1.5 per hour a break lasts 40 minutes on
    /// average, half of them longer than 28 minutes and about 3 in 5 longer than 20 minutes: the
    /// "at least 20 minutes" it takes to settle (docs/model.md, `stay`).
    pub return_rate: f64,
    /// Fraction of the other's alarm a reassurance takes away.
    pub reassure: f64,
    /// Extra press of a bid repeated while one is still pending.
    pub repeat_press: f64,
    /// Alarm above which a person is in a flare (the half-saturation of the drives).
    pub flare: f64,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            calm: 0.5,
            restore: 0.002,
            return_rate: 1.5,
            reassure: 0.25,
            repeat_press: 1.0,
            flare: 1.0,
        }
    }
}

/// The couple's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    pub people: [PersonParams; 2],
    pub shared: Shared,
}

impl PersonParams {
    /// The documented mapping from a profile (see docs/model.md, "From scores to parameters").
    pub fn from_profile(p: Profile) -> PersonParams {
        let (a, v) = (p.a(), p.v());
        PersonParams {
            // Hyperactivation keeps distress alive: anxious alarm recovers more slowly.
            regulation: 1.0 * (1.0 - 0.6 * a),
            // Deactivation: avoidant people make fewer bids, calm or alarmed.
            reach_base: 0.15 * (1.0 - 0.7 * v),
            reach_drive: 1.5 * (1.0 - 0.7 * v) * (0.2 + a),
            withdraw_base: 0.02,
            withdraw_drive: 1.0 * (0.2 + v),
            // Turning toward a bid is less likely with avoidance.
            answer: 2.0 * (1.0 - 0.8 * v),
            repair: 1.0 * (1.0 - 0.8 * v),
            // Anxious people hold on to an unanswered bid (vigilance); others let it go sooner.
            let_go: 0.5 * (1.0 - 0.8 * a),
            // Protest: anxious people reach again while a bid is unanswered; others wait.
            persist: 0.2 + 0.8 * a,
            // Erosion of hope grows with anxiety and runs while a bid is pending.
            erosion: 0.001 * (0.1 + a),
            sens_withdraw: 0.8 * (0.1 + a),
            sens_reach: 0.8 * (0.1 + v),
            press: 1.0,
            relief: 0.2 * v,
            bid_softness: 1.0,
            appeal: 1.0,
            timing: false,
            space: false,
            stay: false,
        }
    }
}

impl Params {
    /// Parameters for a couple, before any way of responding.
    pub fn from_profiles(a: Profile, b: Profile) -> Params {
        Params {
            people: [PersonParams::from_profile(a), PersonParams::from_profile(b)],
            shared: Shared::default(),
        }
    }

    /// The parameters with one way of responding in use. Each way moves only the levers of the
    /// table in DESIGN.md §5; none touches anyone's attachment profile (`explore` included).
    pub fn with_way(mut self, way: Way, who: Who) -> Params {
        for person in Person::BOTH {
            if !who.includes(person) {
                continue;
            }
            let p = &mut self.people[person.index()];
            match way {
                Way::Pause => {
                    // Own alarm recovers faster; own reactions wait for calm.
                    p.regulation *= 1.5;
                    p.reach_drive *= 0.8;
                    p.withdraw_drive *= 0.8;
                }
                Way::Curious => {
                    // Bids raise the other's alarm less, and come when the other is calmer.
                    p.bid_softness *= 0.5;
                    p.appeal *= 1.3;
                    p.timing = true;
                }
                Way::Space => {
                    // Repeated reaching eases and becomes a reassurance.
                    p.space = true;
                }
                Way::Name => {
                    // Both people's reactions to each other's moves soften.
                    p.sens_reach *= 0.7;
                    p.sens_withdraw *= 0.7;
                }
                Way::Stay => {
                    // Withdrawals become breaks that end in a return.
                    p.stay = true;
                }
                Way::Explore => {
                    // Understanding: names feelings, turns toward a little more.
                    p.answer *= 1.25;
                    p.withdraw_drive *= 0.9;
                }
            }
        }
        self
    }

    /// All ways applied (their days ignored): the model as it stands after them.
    pub fn with_ways(self, ways: &[WayUse]) -> Params {
        ways.iter().fold(self, |p, w| p.with_way(w.way, w.who))
    }

    /// Every rate's ceiling is finite and non-negative: the model's rates saturate.
    pub fn is_valid(&self) -> bool {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        self.people.iter().all(|p| {
            [
                p.regulation,
                p.reach_base,
                p.reach_drive,
                p.withdraw_base,
                p.withdraw_drive,
                p.answer,
                p.repair,
                p.let_go,
                p.persist,
                p.erosion,
                p.sens_withdraw,
                p.sens_reach,
                p.press,
                p.relief,
                p.bid_softness,
                p.appeal,
            ]
            .into_iter()
            .all(ok)
                && p.regulation > 0.0
                && p.relief < 1.0
        }) && (0.0..1.0).contains(&self.shared.calm)
            && (0.0..=1.0).contains(&self.shared.restore)
            && (0.0..1.0).contains(&self.shared.reassure)
            && self.shared.return_rate > 0.0
    }
}

/// Saturating drive: 0 when calm, 1/2 at the flare level 1, approaching 1.
#[inline]
pub fn drive(x: f64) -> f64 {
    let x2 = x * x;
    x2 / (1.0 + x2)
}

/// Calm: 1 when calm, falling as alarm rises (calm enables turning toward and repair).
#[inline]
pub fn calmness(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Half of all breaks outlast the 20 minutes it takes to settle (docs/model.md, `stay`).
    #[test]
    fn breaks_are_long_enough_to_settle() {
        let r = Shared::default().return_rate;
        let median_minutes = 60.0 * std::f64::consts::LN_2 / r;
        assert!(median_minutes >= 20.0, "{median_minutes}");
        assert!((60.0 / r - 40.0).abs() < 1e-9);
    }

    #[test]
    fn profiles_outside_the_scale_are_refused() {
        assert!(Profile::new(0.9, 3.0).is_err());
        assert!(Profile::new(3.0, 7.1).is_err());
        assert!(Profile::new(f64::NAN, 3.0).is_err());
        assert!(Profile::new(1.0, 7.0).is_ok());
    }

    #[test]
    fn way_uses_parse_and_refuse_bad_input() {
        let w: WayUse = "pause:A@30".parse().unwrap();
        assert_eq!(
            (w.way, w.who, w.day),
            (Way::Pause, Who::One(Person::A), 30.0)
        );
        let w: WayUse = "name:both".parse().unwrap();
        assert_eq!((w.who, w.day), (Who::Both, 0.0));
        for bad in [
            "hug:A@1",
            "pause:C@1",
            "pause:A@-1",
            "pause:A@x",
            "pause",
            "name:A@3",
            "pause:A@NaN",
        ] {
            assert!(bad.parse::<WayUse>().is_err(), "{bad}");
        }
    }
}
