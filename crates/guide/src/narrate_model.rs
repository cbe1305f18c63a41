//! Plain-language narration of the dance model's output (DESIGN.md §5), every sentence through
//! the safety policy as [`Topic::ModelNarration`], tagged [`Tag::Illustration`].
//!
//! What this narration always does, whatever the outcome:
//! - it describes **both** people, each by their own trajectory, in the same words;
//! - it says the numbers are an illustration from a model, not a forecast about either person;
//! - it frames the loop as shared (withheld in safety mode, where that framing does harm);
//! - it says what the model can and cannot say;
//! - when reaching fades (`drifts`), it says a person who has stopped reaching is a reason to talk
//!   to a professional, not a success.
//!
//! It never says how much a way "will" change anything for a real person.

use closer_domain::{Outcome, Person, Way};
use closer_model::params::{INSTRUMENT, Profile, WayUse, Who};
use closer_model::{FixedPoint, Run};
use closer_safety::{Draft, Policy, Said, Tag, Topic, Withheld};

/// Model numbers in words: two decimals at most, because they illustrate a shape, not a measure.
fn n(x: f64) -> String {
    format!("{x:.2}")
}

fn draft(kind: &str, title: &str, text: String) -> Draft {
    Draft::new(Topic::ModelNarration, kind, title, text).tagged(&[Tag::Illustration])
}

/// The outcome word and what it means, in words that describe rather than judge.
pub fn outcome_meaning(o: Outcome) -> &'static str {
    match o {
        Outcome::Settles => "flares are rare, bids are mostly answered and repair comes quickly",
        Outcome::Recurs => "flares come back, and fade again",
        Outcome::Spirals => "the loop feeds itself into a lasting state of high alarm",
        Outcome::Drifts => {
            "reaching fades without repair: the one who reached is giving up, which is a worry, not peace"
        }
        Outcome::Distant => "both keep a steady distance, with little contact either way",
    }
}

/// A day as people say it: whole days without decimals.
fn day(d: f64) -> String {
    if d == d.trunc() {
        format!("{d:.0}")
    } else {
        n(d)
    }
}

fn who_words(w: Who) -> String {
    match w {
        Who::One(p) => p.to_string(),
        Who::Both => "A and B together".into(),
    }
}

/// What a way of responding does in the model, in plain words (DESIGN.md §5's table).
pub fn way_meaning(w: Way) -> &'static str {
    match w {
        Way::Pause => {
            "pauses to settle before reacting: their own alarm eases sooner, and their reactions wait for calm"
        }
        Way::Curious => {
            "reaches with curiosity and better timing: their bids press less and come when the other is calmer"
        }
        Way::Space => {
            "gives space without going silent: they reach again less often, and a reassurance calms the other"
        }
        Way::Name => {
            "name the pattern together: each reacts a little less strongly to the other's moves"
        }
        Way::Stay => {
            "takes breaks with a time to come back: a step away ends in a return, and the other's alarm rises less"
        }
        Way::Explore => {
            "explores styles and triggers: in the model this only means naming feelings and turning toward a little more — it does not claim to change anyone's attachment"
        }
    }
}

fn profile_words(p: Person, pr: &Profile) -> String {
    format!(
        "{p} (anxiety {}, avoidance {})",
        n(pr.anxiety),
        n(pr.avoidance)
    )
}

/// The opening: who the model imagines, on which scale, and that it is not a forecast.
pub fn opening(
    policy: &Policy,
    a: &Profile,
    b: &Profile,
    days: Option<f64>,
) -> Result<Said, Withheld> {
    let span = match days {
        Some(d) => format!(", and follows them for {} days", d.round()),
        None => String::new(),
    };
    policy.review(draft(
        "opening",
        "An illustration, not a forecast",
        format!(
            "This is an illustration from a model of the loop, not a forecast about either of you. It imagines two people, {} and {}, with scores on an {INSTRUMENT} scale{span}. The model's numbers are made up to show the shape of the loop; they are not measurements of anyone.",
            profile_words(Person::A, a),
            profile_words(Person::B, b)
        ),
    ))
}

/// The shared framing. Withheld in safety mode by the policy (tagged as shared framing).
pub fn shared_loop(policy: &Policy) -> Result<Said, Withheld> {
    policy.review(
        Draft::new(
            Topic::ModelNarration,
            "shared",
            "A loop two people are in",
            "Neither person here is the problem: the loop is. Each move makes sense from the inside — reaching is usually a wish to feel safe together, stepping back is usually a way to feel safe inside — and each move is the weather the other one responds to.",
        )
        .tagged(&[Tag::SharedFraming]),
    )
}

/// What the model can and cannot say.
pub fn limits(policy: &Policy) -> Result<Said, Withheld> {
    policy.review(draft(
        "limits",
        "What the model can and cannot say",
        "What it can show: the direction a change pushes the loop, and that a change by one person moves both. What it cannot say: what will happen between real people, how much, or when. Real people are not two numbers, and the model's settings are assumptions written down in its documentation.".into(),
    ))
}

/// Said when reaching fades: stopping reaching is a reason to talk to a professional.
pub fn drift_note(policy: &Policy) -> Result<Said, Withheld> {
    policy.review(draft(
        "drift",
        "When reaching stops",
        "When someone stops reaching, the loop has not healed: it often means they are losing hope. If this looks familiar, that is a good reason to talk to a professional — on your own, or together if that feels safe.".into(),
    ))
}

fn person_story(run: &Run, p: Person) -> String {
    let s = &run.summary;
    let i = p.index();
    let flares = match s.flares[i] {
        0 => format!("{p}'s alarm never stayed above the flare level"),
        1 => format!(
            "{p}'s alarm flared once, to about {}",
            n(s.mean_flare_peak[i])
        ),
        k => format!(
            "{p}'s alarm flared {k} times, each reaching about {} at its height on average",
            n(s.mean_flare_peak[i])
        ),
    };
    format!(
        "{flares}; {p} reached out about {} times a day at the start and about {} times a day by the end; {p}'s hope ended near {} (1 is full).",
        n(s.reach_per_day_early[i]),
        n(s.reach_per_day_late[i]),
        n(s.hope_end[i])
    )
}

fn resting(fp: &FixedPoint) -> String {
    format!(
        "A's alarm near {} and B's near {}",
        n(fp.a.alarm),
        n(fp.b.alarm)
    )
}

/// The narration of one simulated couple: opening, outcome with its horizon, both people's
/// trajectories, resting states, each way in use, the shared framing, limits and — for a drift —
/// the note about professional help. Parts withheld by the policy (in safety mode) are left out.
pub fn narrate_run(policy: &Policy, run: &Run) -> Result<Vec<Said>, Withheld> {
    let s = &run.summary;
    let mut out = vec![opening(policy, &run.a, &run.b, Some(s.horizon_days))?];
    out.push(policy.review(draft(
        "outcome",
        "How the loop goes",
        format!(
            "Over {} days, this imagined couple {}: {}.",
            s.horizon_days.round(),
            s.outcome,
            outcome_meaning(s.outcome)
        ),
    ))?);
    out.push(policy.review(draft(
        "both",
        "Both people",
        format!(
            "{} {}",
            person_story(run, Person::A),
            person_story(run, Person::B)
        ),
    ))?);
    let stable: Vec<&FixedPoint> = run.fixed_points.iter().filter(|f| f.stable).collect();
    let rest = match (&run.steady, stable.len()) {
        (Some(st), k) if k >= 2 => format!(
            "In the model's deterministic version this couple has {k} resting states, from calm to escalated, so where they settle depends on what came before. From a calm start they come to rest with {}; the most escalated resting state has {}.",
            resting(st),
            stable.last().map_or_else(String::new, |f| resting(f))
        ),
        (Some(st), _) => format!(
            "In the model's deterministic version this couple has one resting state, with {}.",
            resting(st)
        ),
        (None, _) => {
            "In the model's deterministic version this couple does not come to rest.".into()
        }
    };
    out.push(policy.review(draft("steady", "Resting states", rest))?);
    for w in &run.ways {
        out.push(way_said(policy, w)?);
    }
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    if s.outcome == Outcome::Drifts {
        out.push(drift_note(policy)?);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// One way of responding in use, and that it moves both people.
pub fn way_said(policy: &Policy, w: &WayUse) -> Result<Said, Withheld> {
    let who = who_words(w.who);
    let other = match w.who {
        Who::One(p) => format!("{} is affected too", p.other()),
        Who::Both => "each is affected by the other's change too".into(),
    };
    policy.review(draft(
        "way",
        w.way.as_str(),
        format!(
            "From day {}, {who} {}. In the model this moves both people — {other}, because each one's moves are what the other responds to.",
            day(w.day),
            way_meaning(w.way)
        ),
    ))
}

/// Narration of the phase portrait.
pub fn narrate_phase(
    policy: &Policy,
    a: &Profile,
    b: &Profile,
    ways: &[WayUse],
    fixed_points: &[FixedPoint],
) -> Result<Vec<Said>, Withheld> {
    let mut out = vec![opening(policy, a, b, None)?];
    let stable = fixed_points.iter().filter(|f| f.stable).count();
    let list: Vec<String> = fixed_points
        .iter()
        .map(|f| {
            format!(
                "{} ({})",
                resting(f),
                if f.stable {
                    "stable: the couple returns here after a small upset"
                } else {
                    "unstable: a tipping point between the others"
                }
            )
        })
        .collect();
    let lead = if stable >= 2 {
        "Two or more stable resting states mean the same two people can be calm or escalated, depending on what came before."
    } else {
        "One stable resting state means that, in the model, upsets fade back to the same place."
    };
    out.push(policy.review(draft(
        "phase",
        "Resting states",
        format!(
            "The picture plots A's alarm against B's. Where the two lines cross, neither person's alarm is changing: a resting state. This couple has {}: {}. {lead}",
            fixed_points.len(),
            list.join("; ")
        ),
    ))?);
    for w in ways {
        out.push(way_said(policy, w)?);
    }
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// Narration of a sweep: how many imagined couples came out which way, and what was held fixed.
pub fn narrate_sweep(
    policy: &Policy,
    axes: &str,
    held: &str,
    days: f64,
    counts: &[(Outcome, usize)],
) -> Result<Vec<Said>, Withheld> {
    let total: usize = counts.iter().map(|c| c.1).sum();
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.1 > 0)
        .map(|(o, k)| format!("{o} for {k}"))
        .collect();
    let mut out = vec![policy.review(draft(
        "sweep",
        "Across many imagined couples",
        format!(
            "This is an illustration from a model of the loop, not a forecast about anyone. It varies {axes} ({held}) and follows {total} imagined couples for {} days each: the loop {}. The map shows where each outcome appears; its edges are blurred by chance, and they are drawn by the model's assumptions, not by anyone's life.",
            days.round(),
            parts.join(", ")
        ),
    ))?];
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// A chart's caption (the chart adds its own fixed "illustration" line).
pub fn chart_caption(policy: &Policy, what: &str) -> Result<Said, Withheld> {
    policy.review(draft(
        "caption",
        "Caption",
        format!("{what}. Both people are shown; A and B are imagined from two score pairs."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_safety::Context;

    fn run_for(a: (f64, f64), b: (f64, f64), days: f64, ways: &[WayUse]) -> Run {
        closer_model::run(
            Profile::new(a.0, a.1).unwrap(),
            Profile::new(b.0, b.1).unwrap(),
            ways,
            days,
            1,
            false,
        )
        .unwrap()
    }

    fn text(s: &[Said]) -> String {
        s.iter()
            .map(|x| x.text().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A simulation cannot be turned into "the other one is the problem": every narration
    /// describes both people alike, frames the loop as shared and says it is not a forecast.
    #[test]
    fn narration_shows_both_frames_the_loop_as_shared_and_is_no_forecast() {
        let p = Policy::new(Context::ordinary());
        for (a, b, days) in [
            ((2.0, 2.0), (2.0, 2.0), 60.0),
            ((6.0, 2.0), (2.0, 6.0), 60.0),
            ((2.0, 6.0), (2.0, 6.0), 60.0),
            ((7.0, 1.0), (1.0, 7.0), 365.0),
        ] {
            let run = run_for(a, b, days, &[]);
            let said = narrate_run(&p, &run).unwrap();
            let t = text(&said);
            assert!(t.contains("not a forecast"), "{t}");
            assert!(t.contains("Neither person here is the problem"), "{t}");
            assert!(t.contains("A's alarm") && t.contains("B's alarm"), "{t}");
            assert!(t.contains("A reached") && t.contains("B reached"), "{t}");
            assert!(t.contains("cannot say"), "{t}");
            assert!(t.contains(&format!("Over {} days", days.round())));
            assert!(t.contains(run.summary.outcome.as_str()));
            for s in &said {
                assert!(s.has(Tag::Illustration) || s.has(Tag::SharedFraming));
            }
            assert!(!t.to_lowercase().contains(" will lower") && !t.contains('%'));
        }
    }

    #[test]
    fn drift_says_stopping_reaching_is_a_reason_to_talk_to_a_professional() {
        let p = Policy::new(Context::ordinary());
        let run = run_for((7.0, 1.0), (1.0, 7.0), 365.0, &[]);
        assert_eq!(run.summary.outcome, Outcome::Drifts);
        let t = text(&narrate_run(&p, &run).unwrap());
        assert!(t.contains("talk to a professional"), "{t}");
        assert!(t.contains("not peace"), "{t}");
    }

    #[test]
    fn safety_mode_drops_the_shared_framing_but_keeps_the_illustration() {
        let p = Policy::new(Context::safety());
        let run = run_for((6.0, 2.0), (2.0, 6.0), 30.0, &[]);
        let said = narrate_run(&p, &run).unwrap();
        let t = text(&said);
        assert!(!t.contains("Neither person"), "{t}");
        assert!(t.contains("not a forecast"));
    }

    #[test]
    fn ways_are_said_to_move_both_and_explore_claims_no_change_of_attachment() {
        let p = Policy::new(Context::ordinary());
        let ways: Vec<WayUse> = ["pause:A@1", "explore:B@2", "name:both@3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let run = run_for((6.0, 2.0), (2.0, 6.0), 30.0, &ways);
        let t = text(&narrate_run(&p, &run).unwrap());
        assert!(t.contains("B is affected too"), "{t}");
        assert!(t.contains("A is affected too"), "{t}");
        assert!(
            t.contains("does not claim to change anyone's attachment"),
            "{t}"
        );
    }

    #[test]
    fn phase_and_sweep_narrations_pass_the_policy() {
        let p = Policy::new(Context::ordinary());
        let run = run_for((6.0, 2.0), (2.0, 6.0), 10.0, &[]);
        let t = text(&narrate_phase(&p, &run.a, &run.b, &[], &run.fixed_points).unwrap());
        assert!(
            t.contains("tipping point") && t.contains("not a forecast"),
            "{t}"
        );
        let t = text(
            &narrate_sweep(
                &p,
                "A's anxiety and B's avoidance",
                "the other two held at 2",
                90.0,
                &[(Outcome::Settles, 3), (Outcome::Recurs, 1)],
            )
            .unwrap(),
        );
        assert!(
            t.contains("settles for 3") && t.contains("not a forecast"),
            "{t}"
        );
        assert!(chart_caption(&p, "Alarm over 180 days").is_ok());
    }
}
