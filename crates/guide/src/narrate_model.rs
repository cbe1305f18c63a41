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
use closer_model::study::{Direction, OutcomeShare, PersonEffect, Simulation, WayEffect};
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

/// The subject for a way's user: one person, or both (`name` is already "together").
fn who_subject(w: &WayUse) -> String {
    match w.who {
        Who::One(p) => p.to_string(),
        Who::Both if w.way == Way::Name => "A and B".into(),
        Who::Both => "A and B both".into(),
    }
}

/// What a way of responding does in the model, in plain words (DESIGN.md §5's table), said of
/// one person ("A pauses …").
pub fn way_meaning(w: Way) -> &'static str {
    way_words(w).0
}

/// The same, said of both people ("A and B both pause …").
pub fn way_meaning_both(w: Way) -> &'static str {
    way_words(w).1
}

fn way_words(w: Way) -> (&'static str, &'static str) {
    match w {
        Way::Pause => (
            "pauses to settle before reacting: their own alarm eases sooner, and their reactions wait for calm",
            "pause to settle before reacting: each one's own alarm eases sooner, and their reactions wait for calm",
        ),
        Way::Curious => (
            "reaches with curiosity and better timing: their bids press less and come when the other is calmer",
            "reach with curiosity and better timing: their bids press less and come when the other is calmer",
        ),
        Way::Space => (
            "gives space without going silent: they reach again less often, and a reassurance calms the other",
            "give space without going silent: they reach again less often, and a reassurance calms the other",
        ),
        Way::Name => (
            "names the pattern together with the other: each reacts a little less strongly to the other's moves",
            "name the pattern together: each reacts a little less strongly to the other's moves",
        ),
        Way::Stay => (
            "takes breaks with a time to come back: a step away ends in a return, and the other's alarm rises less",
            "take breaks with a time to come back: a step away ends in a return, and the other's alarm rises less",
        ),
        Way::Explore => (
            "explores styles and triggers: in the model this only means naming feelings and turning toward a little more — it does not claim to change anyone's attachment",
            "explore styles and triggers: in the model this only means naming feelings and turning toward a little more — it does not claim to change anyone's attachment",
        ),
    }
}

/// The outcome as a verb phrase after "the loop" or "this imagined couple".
pub fn outcome_verb(o: Outcome) -> &'static str {
    match o {
        Outcome::Settles => "settles",
        Outcome::Recurs => "recurs",
        Outcome::Spirals => "spirals",
        Outcome::Drifts => "drifts",
        Outcome::Distant => "stays distant",
    }
}

/// Small counts as words, larger ones as numbers.
fn count_words(k: usize) -> String {
    const W: [&str; 11] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    W.get(k).map_or_else(|| k.to_string(), |w| (*w).to_string())
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
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
        "What it can show: the direction a change pushes the loop, and how a change by one person can reach both. What it cannot say: what will happen between real people, how much, or when. Real people are not two numbers, and the model's settings are assumptions written down in its documentation.".into(),
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

/// The resting states of the model's averaged-out version, as one paragraph.
fn resting_words(run: &Run) -> String {
    let stable: Vec<&FixedPoint> = run.fixed_points.iter().filter(|f| f.stable).collect();
    match (&run.steady, stable.len()) {
        (Some(st), k) if k >= 2 => format!(
            "In the model's averaged-out version this couple has {} resting states, from calm to escalated, so where they settle depends on what came before. From a calm start they come to rest with {}; the most escalated resting state has {}.",
            count_words(k),
            resting(st),
            stable.last().map_or_else(String::new, |f| resting(f))
        ),
        (Some(st), _) => format!(
            "In the model's averaged-out version this couple has one resting state, with {}.",
            resting(st)
        ),
        (None, _) => {
            "In the model's averaged-out version this couple does not come to rest.".into()
        }
    }
}

fn outcome_said(policy: &Policy, s: &closer_model::Summary) -> Result<Said, Withheld> {
    policy.review(draft(
        "outcome",
        "How the loop goes",
        format!(
            "Over {} days, the loop for this imagined couple {}: {}.",
            s.horizon_days.round(),
            outcome_verb(s.outcome),
            outcome_meaning(s.outcome)
        ),
    ))
}

/// The narration of one simulated run: opening, outcome with its horizon, both people's
/// trajectories, resting states, each way in use (what it does in the model), the shared
/// framing, limits and — when reaching fades — the note about professional help. One run does not
/// show how sure its outcome is or what a way changed: [`narrate_simulation`] says both.
pub fn narrate_run(policy: &Policy, run: &Run) -> Result<Vec<Said>, Withheld> {
    let s = &run.summary;
    let mut out = vec![opening(policy, &run.a, &run.b, Some(s.horizon_days))?];
    out.push(outcome_said(policy, s)?);
    out.push(policy.review(draft(
        "both",
        "Both people",
        format!(
            "{} {}",
            person_story(run, Person::A),
            person_story(run, Person::B)
        ),
    ))?);
    out.push(policy.review(draft("steady", "Resting states", resting_words(run)))?);
    for w in &run.ways {
        out.push(way_said(policy, w)?);
    }
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    if s.outcome == Outcome::Drifts || s.reaching_faded {
        out.push(drift_note(policy)?);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// "recurs in 10, drifts in 5 and spirals in 5" over the outcomes present.
fn share_words(share: &OutcomeShare, seeds: usize) -> String {
    let parts: Vec<String> = share
        .present()
        .iter()
        .map(|(o, f)| format!("{} in {}", outcome_verb(*o), runs_of(*f, seeds)))
        .collect();
    and_list(&parts)
}

/// How many of `seeds` runs a share `f` (in 0..=1) stands for.
fn runs_of(f: f64, seeds: usize) -> usize {
    closer_domain::numeric::whole((f.clamp(0.0, 1.0) * seeds as f64).round())
}

/// How the loop goes over many runs, and whether that is clear-cut.
fn outcome_over_seeds(policy: &Policy, sim: &Simulation) -> Result<Said, Withheld> {
    let s = &sim.run.summary;
    let share = &sim.shown.outcome_share;
    let (top, f) = share.top();
    let k = runs_of(f, sim.seeds);
    let days = s.horizon_days.round();
    let text = if share.clear() {
        let picture = if s.outcome == top {
            "The run described below is one of them.".to_string()
        } else {
            format!(
                "The run described below is one of the others: it {}.",
                outcome_verb(s.outcome)
            )
        };
        format!(
            "Over {days} days, the loop for this imagined couple {}: {}. That is how {k} of {} runs went, each with different chance events. {picture}",
            outcome_verb(top),
            outcome_meaning(top),
            sim.seeds
        )
    } else {
        format!(
            "Over {days} days, how the loop goes for this imagined couple is not clear-cut: across {} runs with different chance events, it {}. The run described below {}: {}.",
            sim.seeds,
            share_words(share, sim.seeds),
            outcome_verb(s.outcome),
            outcome_meaning(s.outcome)
        )
    };
    policy.review(draft("outcome", "How the loop goes", text))
}

/// The resting states, used only where they agree with the runs.
fn resting_over_seeds(sim: &Simulation) -> String {
    let (a, b) = (sim.shown.a.mean_alarm, sim.shown.b.mean_alarm);
    let runs = format!(
        "Across the runs, A's alarm averaged about {} and B's about {} (1 is the flare level).",
        n(a),
        n(b)
    );
    match (&sim.run.steady, sim.steady_agrees) {
        (Some(_), true) => format!("{runs} {}", resting_words(&sim.run)),
        (Some(st), false) => format!(
            "{runs} The model's averaged-out version has a resting state with {}, but the runs do not stay near it, so these words follow the runs rather than that resting state.",
            resting(st)
        ),
        (None, _) => runs,
    }
}

/// One person's part of a way's paired comparison.
fn effect_words(p: Person, e: &PersonEffect) -> String {
    match e.direction {
        Direction::Calmer => format!(
            "{p}'s alarm was lower on average ({} without it, {} with it)",
            n(e.mean_alarm_without),
            n(e.mean_alarm_with)
        ),
        Direction::MoreAlarmed => format!(
            "{p}'s alarm was higher on average ({} without it, {} with it)",
            n(e.mean_alarm_without),
            n(e.mean_alarm_with)
        ),
        Direction::NoClearDifference => format!("{p}'s alarm showed no clear difference"),
    }
}

/// One way: what it does in the model, and what paired runs with and without it show.
pub fn way_effect_said(policy: &Policy, e: &WayEffect, seeds: usize) -> Result<Said, Withheld> {
    let w = &e.way;
    let lever = way_sentence(w);
    let compare = if e.any_difference() {
        let both = format!(
            "{}; {}",
            effect_words(Person::A, &e.a),
            effect_words(Person::B, &e.b)
        );
        let carried = match w.who {
            Who::One(p) if e.person(p.other()).direction != Direction::NoClearDifference => {
                format!(
                    " The change is {p}'s, and it reached {} too, because each one's moves are what the other responds to.",
                    p.other()
                )
            }
            _ => String::new(),
        };
        format!("In {seeds} runs with it and the same {seeds} runs without it, {both}.{carried}")
    } else {
        format!(
            "In {seeds} runs with it and the same {seeds} runs without it, it made no clear difference to either person's alarm for this imagined couple."
        )
    };
    policy.review(draft("way", w.way.as_str(), format!("{lever} {compare}")))
}

fn way_sentence(w: &WayUse) -> String {
    let does = match w.who {
        Who::One(_) => way_meaning(w.way),
        Who::Both => way_meaning_both(w.way),
    };
    format!("From day {}, {} {does}.", day(w.day), who_subject(w))
}

/// The narration of a couple over many seeds: opening; the outcome with its share of runs (and
/// plainly when it is not clear-cut); both people in the pictured run; what the runs show, with
/// the resting states only where they agree; each way's effect from paired runs; the shared
/// framing, the note about professional help when reaching fades, and limits.
pub fn narrate_simulation(policy: &Policy, sim: &Simulation) -> Result<Vec<Said>, Withheld> {
    let run = &sim.run;
    let s = &run.summary;
    let mut out = vec![opening(policy, &run.a, &run.b, Some(s.horizon_days))?];
    out.push(outcome_over_seeds(policy, sim)?);
    out.push(policy.review(draft(
        "both",
        "Both people",
        format!(
            "In the run described: {} {}",
            person_story(run, Person::A),
            person_story(run, Person::B)
        ),
    ))?);
    out.push(policy.review(draft(
        "steady",
        "Over all the runs",
        resting_over_seeds(sim),
    ))?);
    for e in &sim.way_effects {
        out.push(way_effect_said(policy, e, sim.seeds)?);
    }
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    if s.reaching_faded || sim.shown.outcome_share.drifts > 0.0 {
        out.push(drift_note(policy)?);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// One way of responding in use: what it does in the model (its effect on each person is read
/// from paired runs by [`way_effect_said`]).
pub fn way_said(policy: &Policy, w: &WayUse) -> Result<Said, Withheld> {
    policy.review(draft("way", w.way.as_str(), way_sentence(w)))
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
    let k = fixed_points.len();
    let has = match k {
        0 => "no resting state".to_string(),
        1 => "one resting state".to_string(),
        k => format!("{} resting states", count_words(k)),
    };
    out.push(policy.review(draft(
        "phase",
        "Resting states",
        format!(
            "In the model's averaged-out version, a resting state is a pair of alarms, one for A and one for B, where neither person's alarm is changing. This couple has {has}: {}. {lead}",
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

/// Narration of a sweep read from one seed per couple (see [`narrate_sweep_over_seeds`]).
pub fn narrate_sweep(
    policy: &Policy,
    axes: &str,
    held: &str,
    days: f64,
    counts: &[(Outcome, usize)],
) -> Result<Vec<Said>, Withheld> {
    narrate_sweep_over_seeds(policy, axes, held, days, counts, 1, 0)
}

/// Narration of a sweep: how many imagined couples came out which way (by their most common
/// outcome over `seeds` runs), how many have no clear majority, and what was held fixed.
pub fn narrate_sweep_over_seeds(
    policy: &Policy,
    axes: &str,
    held: &str,
    days: f64,
    counts: &[(Outcome, usize)],
    seeds: usize,
    unclear: usize,
) -> Result<Vec<Said>, Withheld> {
    let total: usize = counts.iter().map(|c| c.1).sum();
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.1 > 0)
        .map(|(o, k)| format!("{} for {k}", outcome_verb(*o)))
        .collect();
    let how = if seeds > 1 {
        let mixed = match unclear {
            0 => "every couple has a clear majority".to_string(),
            1 => "one couple has no clear majority".to_string(),
            k => format!("{k} couples have no clear majority"),
        };
        format!(
            " Each couple is run {seeds} times with different chance events and counted by its most common outcome; {mixed}."
        )
    } else {
        " Each couple is run once, so its outcome is one draw of chance events.".to_string()
    };
    let mut out = vec![policy.review(draft(
        "sweep",
        "Across many imagined couples",
        format!(
            "This is an illustration from a model of the loop, not a forecast about anyone. It varies {axes} ({held}) and follows {total} imagined couples for {} days each: the loop {}.{how} Where the outcome changes from one couple to the next is set by the model's assumptions, not by anyone's life.",
            days.round(),
            and_list(&parts)
        ),
    ))?];
    if let Ok(sh) = shared_loop(policy) {
        out.push(sh);
    }
    out.push(limits(policy)?);
    Ok(out)
}

/// A chart's caption (the chart adds its own fixed "illustration" line).
/// The caption of a simulation's chart: the pictured run is one of several, and says so. One
/// function for every surface (the terminal's `--chart` and the web's what-if page).
pub fn simulation_caption(policy: &Policy, sim: &Simulation) -> Result<Said, Withheld> {
    let run = &sim.run;
    chart_caption(
        policy,
        &format!(
            "Both people over {} days in one run of {}; this run {}",
            run.summary.horizon_days.round(),
            sim.seeds,
            outcome_verb(run.summary.outcome)
        ),
    )
}

/// The `"illustration"` line of the model's JSON documents about two imagined people
/// (`simulate`, `phase`), fixed like the chart's own line.
pub const ILLUSTRATION: &str =
    "An illustration from a model of the loop, not a forecast about either person.";

/// The `"illustration"` line of a sweep's JSON document (many imagined couples).
pub const ILLUSTRATION_MANY: &str =
    "An illustration from a model of the loop, not a forecast about anyone.";

/// What a sweep varies and what it holds, in the words [`narrate_sweep_over_seeds`] and
/// [`sweep_caption`] take: all four scores, or A's anxiety against B's avoidance with the other
/// two held at `held`.
pub fn sweep_axes(all_dims: bool, held: f64) -> (&'static str, String) {
    if all_dims {
        (
            "all four scores (A's anxiety and avoidance, B's anxiety and avoidance) from 1 to 7",
            "the map shows, for A's anxiety and B's avoidance, the most common outcome over the other two".to_string(),
        )
    } else {
        (
            "A's anxiety (A as the one who reaches) and B's avoidance (B as the one who withdraws) from 1 to 7",
            format!("A's avoidance and B's anxiety held at {held}"),
        )
    }
}

/// The caption of a sweep's map.
pub fn sweep_caption(
    policy: &Policy,
    days: u32,
    seeds: usize,
    held: &str,
) -> Result<Said, Withheld> {
    chart_caption(
        policy,
        &format!(
            "The most common outcome over {days} days in {seeds} runs of each imagined couple; {held}"
        ),
    )
}

/// The caption of the phase portrait.
pub fn phase_caption(policy: &Policy) -> Result<Said, Withheld> {
    chart_caption(
        policy,
        "Where the two lines cross, neither person's alarm is changing: filled circles are resting points the couple returns to after a small upset, open circles are tipping points between them",
    )
}

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
    fn ways_say_their_lever_and_explore_claims_no_change_of_attachment() {
        let p = Policy::new(Context::ordinary());
        let ways: Vec<WayUse> = ["pause:A@1", "explore:B@2", "name:both@3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let run = run_for((6.0, 2.0), (2.0, 6.0), 30.0, &ways);
        let t = text(&narrate_run(&p, &run).unwrap());
        assert!(t.contains("From day 1, A pauses to settle"), "{t}");
        assert!(
            t.contains("From day 3, A and B name the pattern together:"),
            "{t}"
        );
        assert!(
            t.contains("does not claim to change anyone's attachment"),
            "{t}"
        );
        // One run cannot show what a way changed, so it does not claim it moved anyone.
        assert!(!t.contains("moves both people"), "{t}");
    }

    fn sim_for(a: (f64, f64), b: (f64, f64), days: f64, ways: &[&str], seeds: usize) -> Simulation {
        let ways: Vec<WayUse> = ways.iter().map(|s| s.parse().unwrap()).collect();
        closer_model::simulate(
            Profile::new(a.0, a.1).unwrap(),
            Profile::new(b.0, b.1).unwrap(),
            &ways,
            days,
            1,
            seeds,
            false,
        )
        .unwrap()
    }

    /// 7,1 with 1,7 at 90 days comes out more than one way across runs: the narration says it is
    /// not clear-cut, with how many runs went which way, and does not narrate a resting state the
    /// runs never come near (alarms near 5 against simulated averages near 1).
    #[test]
    fn a_mixed_outcome_is_said_to_be_not_clear_cut_and_a_far_resting_state_is_not_narrated() {
        let p = Policy::new(Context::ordinary());
        let sim = sim_for((7.0, 1.0), (1.0, 7.0), 90.0, &[], 10);
        assert!(!sim.shown.outcome_share.clear());
        assert!(!sim.steady_agrees);
        let t = text(&narrate_simulation(&p, &sim).unwrap());
        assert!(t.contains("is not clear-cut: across 10 runs"), "{t}");
        assert!(t.contains("drifts in "), "{t}");
        assert!(t.contains("the runs do not stay near it"), "{t}");
        assert!(!t.contains("has one resting state"), "{t}");
        assert!(t.contains("talk to a professional"), "{t}");
        // A clear case says how many runs agree.
        let sim = sim_for((2.0, 2.0), (2.0, 2.0), 60.0, &[], 5);
        let t = text(&narrate_simulation(&p, &sim).unwrap());
        assert!(
            t.contains("the loop for this imagined couple settles"),
            "{t}"
        );
        assert!(t.contains("That is how 5 of 5 runs went"), "{t}");
        assert!(t.contains("has one resting state"), "{t}");
    }

    /// Ways with no measurable effect for this couple are said to make no clear difference;
    /// a way that reaches the other person says so from the paired runs.
    #[test]
    fn each_way_is_narrated_from_paired_runs() {
        let p = Policy::new(Context::ordinary());
        let sim = sim_for((6.0, 2.0), (2.0, 6.0), 180.0, &["space:B", "stay:B"], 20);
        let t = text(&narrate_simulation(&p, &sim).unwrap());
        let space = t.lines().find(|l| l.contains("B gives space")).unwrap();
        assert!(
            space.contains(
                "it made no clear difference to either person's alarm for this imagined couple"
            ),
            "{space}"
        );
        let stay = t.lines().find(|l| l.contains("B takes breaks")).unwrap();
        assert!(stay.contains("A's alarm was lower on average"), "{stay}");
        assert!(stay.contains("reached A too"), "{stay}");
        assert!(!t.contains("moves both people"), "{t}");
    }

    #[test]
    fn grammar_of_outcomes_ways_and_counts() {
        let p = Policy::new(Context::ordinary());
        let sim = sim_for(
            (2.0, 6.0),
            (2.0, 6.0),
            60.0,
            &["explore:both", "name:both"],
            5,
        );
        let t = text(&narrate_simulation(&p, &sim).unwrap());
        assert!(t.contains("this imagined couple stays distant"), "{t}");
        assert!(t.contains("A and B both explore styles"), "{t}");
        assert!(t.contains("A and B name the pattern together:"), "{t}");
        assert!(!t.contains("together name the pattern together"), "{t}");
        assert!(!t.contains("together explores"), "{t}");
        let run = run_for((2.0, 2.0), (2.0, 2.0), 10.0, &[]);
        let t = text(&narrate_phase(&p, &run.a, &run.b, &[], &run.fixed_points).unwrap());
        assert!(t.contains("This couple has one resting state:"), "{t}");
        assert!(!t.contains("picture"), "{t}");
        let t = text(
            &narrate_sweep_over_seeds(
                &p,
                "A's anxiety and B's avoidance",
                "the other two held at 2",
                90.0,
                &[(Outcome::Settles, 3), (Outcome::Distant, 154)],
                20,
                7,
            )
            .unwrap(),
        );
        assert!(t.contains("settles for 3 and stays distant for 154"), "{t}");
        assert!(t.contains("run 20 times"), "{t}");
        assert!(t.contains("7 couples have no clear majority"), "{t}");
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
        assert!(t.contains("run once"), "{t}");
        assert!(chart_caption(&p, "Alarm over 180 days").is_ok());
    }
}
