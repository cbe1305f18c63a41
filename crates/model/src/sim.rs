//! The exact, seeded event simulation.
//!
//! Between events alarm and hope evolve in closed form (exponential recovery and erosion), so
//! there is no time step. Events are drawn by thinning (Lewis–Shedler/Ogata) against a *local*
//! bound on the total rate over a short stretch: every rate is a product of factors that are
//! monotone between events, so each factor's value at one end of the stretch bounds it. A proposal
//! past the stretch's end moves time to the end with no event. The result is an exact draw from
//! the model, whatever the stretch length; the length only affects speed.
//!
//! Randomness comes from the caller's generator, so the same seed gives the same moves.

// `whole`: the whole part of a time or count that `simulate` has bounded (at least 0, at most
// the horizon in hours: 36,500 days is 876,000 hours), as an index.
use crate::ModelError;
use crate::dynamics::{State, calm_start, decay, rate_bound, rates};
use crate::params::{Params, WayUse};
use closer_domain::numeric::whole;
use closer_domain::{Move, MoveType, Person, Way};
use rand::Rng;
use serde::Serialize;

/// What a simulation keeps besides the moves: hourly samples for charts and outcomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// Horizon in hours.
    pub horizon: f64,
    /// State at each whole hour 0, 1, …: alarm and hope of A and B.
    pub alarm: Vec<[f64; 2]>,
    pub hope: Vec<[f64; 2]>,
    /// Highest alarm of each person within each hour (at its start or just after a move).
    pub peak: Vec<[f64; 2]>,
    /// Moves per day, per person, per move type (indexed by `MoveType::index`).
    pub daily: Vec<[[u32; 5]; 2]>,
    /// The moves, when asked for.
    pub moves: Vec<Move>,
    /// Number of moves simulated.
    pub n_moves: u64,
    /// When each way of responding started, in hours.
    pub way_starts: Vec<(f64, WayUse)>,
}

/// One hour's recovery of alarm and erosion of hope (while pending), per person.
struct HourFactors {
    alarm: [f64; 2],
    hope: [f64; 2],
}

/// A piece of the simulation with fixed parameters (ways start at the piece boundaries).
struct Piece {
    start: f64,
    params: Params,
    way_in_use: [Option<Way>; 2],
}

/// Length of a thinning stretch, in recovery times of the faster-recovering person: longer
/// stretches mean fewer stops, shorter ones tighter bounds; this is the measured sweet spot.
const STRETCH: f64 = 3.0;

fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 53 random bits, shifted off zero so that ln(u) is finite.
    closer_domain::numeric::open_unit_f64(rng.next_u64())
}

/// Simulates the couple for `horizon_days`, with ways of responding starting on their days.
pub fn simulate<R: Rng + ?Sized>(
    base: &Params,
    ways: &[WayUse],
    horizon_days: f64,
    rng: &mut R,
    keep_moves: bool,
) -> Result<Trace, ModelError> {
    if !(horizon_days.is_finite() && horizon_days > 0.0 && horizon_days <= 36_500.0) {
        return Err(ModelError::Horizon(horizon_days));
    }
    if !base.is_valid() {
        return Err(ModelError::Params);
    }
    for w in ways {
        if w.day > horizon_days {
            return Err(ModelError::Way(format!(
                "{}:{}@{} starts after the horizon of {} days",
                w.way, w.who, w.day, horizon_days
            )));
        }
    }
    let horizon = horizon_days * 24.0;
    // Pieces: ways sorted by day (stable, so equal days keep their order).
    let mut sorted: Vec<WayUse> = ways.to_vec();
    sorted.sort_by(|a, b| a.day.total_cmp(&b.day));
    let mut pieces = vec![Piece {
        start: 0.0,
        params: *base,
        way_in_use: [None, None],
    }];
    let mut way_starts = Vec::new();
    for w in &sorted {
        let t = w.day * 24.0;
        let prev = pieces.last().map(|p| (p.params, p.way_in_use));
        let (params, mut in_use) = prev.unwrap_or((*base, [None, None]));
        for p in Person::BOTH {
            if w.who.includes(p) {
                in_use[p.index()] = Some(w.way);
            }
        }
        let piece = Piece {
            start: t,
            params: params.with_way(w.way, w.who),
            way_in_use: in_use,
        };
        match pieces.last_mut() {
            Some(last) if last.start == t => *last = piece,
            _ => pieces.push(piece),
        }
        way_starts.push((t, *w));
    }

    let n_hours = whole(horizon.ceil());
    let n_days = whole(horizon_days.ceil());
    let mut tr = Trace {
        horizon,
        alarm: Vec::with_capacity(n_hours + 1),
        hope: Vec::with_capacity(n_hours + 1),
        peak: Vec::with_capacity(n_hours),
        daily: vec![[[0; 5]; 2]; n_days.max(1)],
        moves: Vec::new(),
        n_moves: 0,
        way_starts,
    };

    let mut s: State = calm_start();
    let mut t = 0.0f64;
    let mut k = 0usize; // current piece
    let mut next_sample = 0usize; // next whole hour to sample

    // Samples every whole hour in (t, until] (and hour 0 at the start). Only the first sample
    // of a call needs `exp`: the next ones are one hour further, a constant factor per piece.
    let sample_until = |tr: &mut Trace,
                        s: &State,
                        t: f64,
                        until: f64,
                        next: &mut usize,
                        p: &Params,
                        hf: &HourFactors| {
        let mut prev: Option<State> = None;
        while (*next as f64) <= until && *next <= n_hours {
            let st = match prev {
                None => decay(p, s, *next as f64 - t),
                Some(mut q) => {
                    for i in 0..2 {
                        q[i].alarm *= hf.alarm[i];
                        if q[i].pending > 0.5 {
                            q[i].hope *= hf.hope[i];
                        }
                    }
                    q
                }
            };
            tr.alarm.push([st[0].alarm, st[1].alarm]);
            tr.hope.push([st[0].hope, st[1].hope]);
            if *next < n_hours {
                tr.peak.push([st[0].alarm, st[1].alarm]);
            }
            prev = Some(st);
            *next += 1;
        }
    };
    let factors: Vec<HourFactors> = pieces
        .iter()
        .map(|pc| HourFactors {
            alarm: [0, 1].map(|i| (-pc.params.people[i].regulation).exp()),
            hope: [0, 1].map(|i| (-pc.params.people[i].erosion).exp()),
        })
        .collect();
    sample_until(
        &mut tr,
        &s,
        t,
        0.0,
        &mut next_sample,
        &pieces[0].params,
        &factors[0],
    );

    let mut stretch_cache: Option<(f64, Option<State>, f64)> = None;
    while t < horizon {
        let piece_end = pieces.get(k + 1).map_or(horizon, |p| p.start.min(horizon));
        let params = &pieces[k].params;
        // Near calm every rate is nearly constant (drive ≈ x², calm ≈ 1), so a long stretch
        // keeps the bound tight; the bound is valid for any stretch, so this is only speed.
        let quiet = s[0].alarm < 0.1 && s[1].alarm < 0.1;
        let kmax = params.people[0]
            .regulation
            .max(params.people[1].regulation)
            .max(0.05);
        let stretch = if quiet {
            24.0
        } else {
            (STRETCH / kmax).min(24.0)
        };
        // After a rejected proposal the stretch's bound still holds for what is left of it (a
        // sub-interval of a monotone stretch), and the state at its end is unchanged: reuse both.
        // Near calm, a fully calm end state bounds every rate just as well (calm is at most 1)
        // and costs no `exp`; the true end state is then worked out only if time gets there.
        let (t_end, end, bound) = match stretch_cache.take() {
            Some(c) => c,
            None => {
                let t_end = (t + stretch).min(piece_end);
                let (end, bounding) = if quiet {
                    let mut calm = s;
                    calm[0].alarm = 0.0;
                    calm[1].alarm = 0.0;
                    (None, calm)
                } else {
                    let e = decay(params, &s, t_end - t);
                    (Some(e), e)
                };
                let bound = rate_bound(params, &s, &bounding, Person::A)
                    + rate_bound(params, &s, &bounding, Person::B);
                (t_end, end, bound)
            }
        };
        let wait = if bound > 0.0 {
            -uniform(rng).ln() / bound
        } else {
            f64::INFINITY
        };
        if t + wait >= t_end {
            sample_until(&mut tr, &s, t, t_end, &mut next_sample, params, &factors[k]);
            s = end.unwrap_or_else(|| decay(params, &s, t_end - t));
            t = t_end;
            if t >= piece_end && k + 1 < pieces.len() && t >= pieces[k + 1].start {
                k += 1;
            }
            continue;
        }
        let t_new = t + wait;
        sample_until(&mut tr, &s, t, t_new, &mut next_sample, params, &factors[k]);
        s = decay(params, &s, wait);
        t = t_new;
        // Accept or reject, choosing the channel in one draw.
        let ra = rates(params, &s, Person::A);
        let rb = rates(params, &s, Person::B);
        let mut u = uniform(rng) * bound;
        let mut chosen: Option<(Person, usize)> = None;
        'pick: for (p, r) in [(Person::A, ra), (Person::B, rb)] {
            for (c, v) in [
                r.reach,
                r.withdraw,
                r.turn_toward,
                r.repair,
                r.ret,
                r.let_go,
            ]
            .into_iter()
            .enumerate()
            {
                if u < v {
                    chosen = Some((p, c));
                    break 'pick;
                }
                u -= v;
            }
        }
        let Some((who, channel)) = chosen else {
            stretch_cache = Some((t_end, end, bound));
            continue;
        };
        let kind = apply(params, &mut s, who, channel);
        if let Some(mt) = kind.map(|(m, _)| m) {
            tr.n_moves += 1;
            let day = whole(t / 24.0).min(tr.daily.len() - 1);
            tr.daily[day][who.index()][mt.index()] += 1;
            if let Some(pk) = tr.peak.get_mut(whole(t).min(n_hours.saturating_sub(1))) {
                for i in 0..2 {
                    pk[i] = pk[i].max(s[i].alarm);
                }
            }
            if keep_moves {
                let mut m = Move::new(t, who, mt);
                m.way = pieces[k].way_in_use[who.index()];
                m.kind = kind.and_then(|(_, k)| k).map(Into::into);
                tr.moves.push(m);
            }
        }
    }
    sample_until(
        &mut tr,
        &s,
        t,
        horizon,
        &mut next_sample,
        &pieces[k].params,
        &factors[k],
    );
    Ok(tr)
}

/// Applies one event to the state. Returns the move type (and a kind) for observable moves,
/// `None` for letting a bid go, which is internal.
fn apply(
    params: &Params,
    s: &mut State,
    who: Person,
    channel: usize,
) -> Option<(MoveType, Option<&'static str>)> {
    let (i, j) = (who.index(), who.other().index());
    let pp = &params.people[i];
    let sh = &params.shared;
    // Answering, repairing and coming back calm the other; each answers a pending bid of
    // theirs, and only an answered bid restores hope.
    let soothe = |s: &mut State| {
        s[j].alarm *= 1.0 - sh.calm;
        if s[j].pending > 0.5 {
            s[j].pending = 0.0;
            s[j].hope += sh.restore * (1.0 - s[j].hope);
        }
    };
    match channel {
        0 => {
            let press = crate::dynamics::pressing(pp, &s[i]);
            let sens = params.people[j].sens_reach;
            if s[i].pending > 0.5 {
                if pp.space {
                    s[j].alarm *= 1.0 - sh.reassure;
                    return Some((MoveType::Reach, Some("reassurance")));
                }
                s[j].alarm += sens * press * (1.0 + sh.repeat_press);
            } else {
                s[j].alarm += sens * press;
                s[i].pending = 1.0;
            }
            Some((MoveType::Reach, None))
        }
        1 => {
            let soft = if pp.stay {
                crate::dynamics::STAY_SOFTENING
            } else {
                1.0
            };
            s[j].alarm += params.people[j].sens_withdraw * (1.0 + s[j].pending) * soft;
            s[i].alarm *= 1.0 - pp.relief;
            if pp.stay {
                s[i].on_break = 1.0;
                Some((MoveType::Withdraw, Some("break")))
            } else {
                s[i].rupture = 1.0;
                Some((MoveType::Withdraw, None))
            }
        }
        2 => {
            soothe(s);
            Some((MoveType::TurnToward, None))
        }
        3 => {
            s[i].rupture = 0.0;
            soothe(s);
            Some((MoveType::Repair, None))
        }
        4 => {
            s[i].on_break = 0.0;
            soothe(s);
            Some((MoveType::Return, None))
        }
        _ => {
            s[i].pending = 0.0;
            None
        }
    }
}
