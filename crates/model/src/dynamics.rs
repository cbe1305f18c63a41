//! The rates and the mean-field vector field, shared by the exact simulation and the
//! deterministic version so that the two can never drift apart.
//!
//! A person's state is their alarm (fast), their hope (slow) and three flags: a bid of theirs is
//! pending, a withdrawal of theirs is unrepaired (a rupture), they are on a break (with `stay`). In
//! the simulation the flags are 0 or 1; in the mean field they are probabilities.

use crate::params::{Params, PersonParams, calmness, drive};
use closer_domain::Person;

/// Factor on a person's repeated reaching while a bid is pending, when they give space.
pub const SPACE_REPEAT: f64 = 0.5;
/// Factor on the other's alarm rise from a withdrawal that is a break with a time to come back.
pub const STAY_SOFTENING: f64 = 0.5;
/// Factor on the other's reaching while one is on a stated break.
pub const WAIT_FOR_RETURN: f64 = 0.5;

/// One person's state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PersonState {
    pub alarm: f64,
    pub hope: f64,
    pub pending: f64,
    pub rupture: f64,
    pub on_break: f64,
}

/// Both people's state, indexed by `Person::index`.
pub type State = [PersonState; 2];

/// The calm start: no alarm, full hope, nothing pending.
pub fn calm_start() -> State {
    let p = PersonState {
        alarm: 0.0,
        hope: 1.0,
        pending: 0.0,
        rupture: 0.0,
        on_break: 0.0,
    };
    [p, p]
}

/// Rate of bids by a person (first or repeated), before the space factor. Hope gates reaching;
/// the person's own alarm drives it; with `curious` it waits for the other to be calmer; while
/// the other is on a stated break it eases.
#[inline]
pub fn bid_rate(pp: &PersonParams, me: &PersonState, other: &PersonState) -> f64 {
    let timing = if pp.timing {
        0.3 + 0.7 * calmness(other.alarm)
    } else {
        1.0
    };
    me.hope.max(0.0)
        * (pp.reach_base + pp.reach_drive * drive(me.alarm))
        * timing
        * (1.0 - (1.0 - WAIT_FOR_RETURN) * other.on_break)
}

/// Rate of withdrawing when not already on a break.
#[inline]
pub fn withdraw_raw(pp: &PersonParams, me: &PersonState) -> f64 {
    pp.withdraw_base + pp.withdraw_drive * drive(me.alarm)
}

/// Rate of answering the other's pending bid: calm enables turning toward.
#[inline]
pub fn answer_rate(pp: &PersonParams, me: &PersonState) -> f64 {
    pp.answer * calmness(me.alarm)
}

/// Rate of repairing one's own open rupture.
#[inline]
pub fn repair_rate(pp: &PersonParams, me: &PersonState) -> f64 {
    pp.repair * calmness(me.alarm)
}

/// How pressing a person's bid is: more when they are alarmed, less with a curious opening.
#[inline]
pub fn pressing(pp: &PersonParams, me: &PersonState) -> f64 {
    (1.0 + pp.press * drive(me.alarm)) * pp.bid_softness
}

/// Rates of the observable move types and of letting a bid go, for one person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rates {
    pub reach: f64,
    pub withdraw: f64,
    pub turn_toward: f64,
    pub repair: f64,
    pub ret: f64,
    pub let_go: f64,
}

impl Rates {
    pub fn total(&self) -> f64 {
        self.reach + self.withdraw + self.turn_toward + self.repair + self.ret + self.let_go
    }
}

/// Event rates for person `i` in a state with 0/1 flags (the simulation).
#[inline]
pub fn rates(params: &Params, s: &State, i: Person) -> Rates {
    let (me, other) = (&s[i.index()], &s[i.other().index()]);
    let pp = &params.people[i.index()];
    let space = if me.pending > 0.5 {
        pp.persist * if pp.space { SPACE_REPEAT } else { 1.0 }
    } else {
        1.0
    };
    Rates {
        reach: bid_rate(pp, me, other) * space,
        withdraw: withdraw_raw(pp, me) * (1.0 - me.on_break),
        turn_toward: answer_rate(pp, me) * other.pending * params.people[i.other().index()].appeal,
        repair: repair_rate(pp, me) * me.rupture,
        ret: params.shared.return_rate * me.on_break,
        let_go: pp.let_go * me.pending,
    }
}

/// An upper bound on person `i`'s total rate over a stretch with no events, from the states at
/// its start and end. Between events alarm and hope only decay and flags are constant, so every
/// factor is monotone in time and is bounded by its value at one end.
#[inline]
pub fn rate_bound(params: &Params, start: &State, end: &State, i: Person) -> f64 {
    let (ii, jj) = (i.index(), i.other().index());
    let pp = &params.people[ii];
    // Reaching: hope and own drive fall (start); the curious timing factor rises (end).
    let persist = if start[ii].pending > 0.5 {
        pp.persist.max(1.0)
    } else {
        1.0
    };
    let reach = bid_rate(pp, &start[ii], &end[jj]) * persist;
    let withdraw = withdraw_raw(pp, &start[ii]) * (1.0 - start[ii].on_break);
    // Calm rises as alarm decays: answering and repair are largest at the end.
    let turn = answer_rate(pp, &end[ii]) * start[jj].pending * params.people[jj].appeal;
    let repair = repair_rate(pp, &end[ii]) * start[ii].rupture;
    let ret = params.shared.return_rate * start[ii].on_break;
    let let_go = pp.let_go * start[ii].pending;
    reach + withdraw + turn + repair + ret + let_go
}

/// The state after `dt` hours with no events: alarm recovers, hope erodes while a bid is pending.
#[inline]
pub fn decay(params: &Params, s: &State, dt: f64) -> State {
    let mut out = *s;
    for (o, pp) in out.iter_mut().zip(params.people.iter()) {
        o.alarm *= (-pp.regulation * dt).exp();
        if o.pending > 0.0 {
            o.hope *= (-pp.erosion * o.pending * dt).exp();
        }
    }
    out
}

/// The mean-field time derivative of the full state. With `hold_hope` the hope derivative is 0:
/// the fast subsystem, whose fixed points are the "steady" values.
pub fn derivative(params: &Params, s: &State, hold_hope: bool) -> State {
    let sh = &params.shared;
    let mut d = [PersonState::default(); 2];
    for i in Person::BOTH {
        let (ii, jj) = (i.index(), i.other().index());
        let (me, other) = (&s[ii], &s[jj]);
        let (pi, pj) = (&params.people[ii], &params.people[jj]);
        // Other's bids.
        let bj = bid_rate(pj, other, me);
        let first_j = bj * (1.0 - other.pending);
        let repeat_j = bj * other.pending * pj.persist * if pj.space { SPACE_REPEAT } else { 1.0 };
        let press_j = pressing(pj, other);
        let bid_alarm = if pj.space {
            first_j
        } else {
            first_j + repeat_j * (1.0 + sh.repeat_press)
        };
        let reassure = if pj.space { repeat_j } else { 0.0 };
        // Withdrawals.
        let wj = withdraw_raw(pj, other) * (1.0 - other.on_break);
        let wi = withdraw_raw(pi, me) * (1.0 - me.on_break);
        let stay_j = if pj.stay { STAY_SOFTENING } else { 1.0 };
        // What soothes me: the other answering my bid, repairing, coming back. Each of these
        // also answers a bid of mine that is pending, and only an answered bid restores hope.
        let answers = answer_rate(pj, other) * pi.appeal;
        let mends = repair_rate(pj, other) * other.rupture + sh.return_rate * other.on_break;
        let soothing = answers * me.pending + mends;
        d[ii].alarm = -pi.regulation * me.alarm + pi.sens_reach * press_j * bid_alarm
            - sh.reassure * me.alarm * reassure
            + pi.sens_withdraw * (1.0 + me.pending) * stay_j * wj
            - pi.relief * me.alarm * wi
            - sh.calm * me.alarm * soothing;
        let bi = bid_rate(pi, me, other);
        d[ii].pending = bi * (1.0 - me.pending) - (answers + mends + pi.let_go) * me.pending;
        d[ii].rupture = if pi.stay {
            0.0
        } else {
            wi * (1.0 - me.rupture)
        } - repair_rate(pi, me) * me.rupture;
        d[ii].on_break = if pi.stay { wi } else { 0.0 } - sh.return_rate * me.on_break;
        d[ii].hope = if hold_hope {
            0.0
        } else {
            -pi.erosion * me.pending * me.hope
                + sh.restore * (1.0 - me.hope) * (answers + mends) * me.pending
        };
    }
    d
}

/// The flags at their quasi-steady values for given alarms and hopes: with these, the fixed
/// points of the two alarms are exactly the fixed points of the whole fast subsystem.
pub fn quasi_steady(params: &Params, alarm: [f64; 2], hope: [f64; 2]) -> State {
    let sh = &params.shared;
    let mut s = [PersonState::default(); 2];
    for i in 0..2 {
        s[i].alarm = alarm[i];
        s[i].hope = hope[i];
    }
    for i in 0..2 {
        let pp = &params.people[i];
        let raw = withdraw_raw(pp, &s[i]);
        if pp.stay {
            s[i].on_break = raw / (raw + sh.return_rate);
        }
        let w = raw * (1.0 - s[i].on_break);
        let rep = repair_rate(pp, &s[i]);
        s[i].rupture = if pp.stay || w + rep <= 0.0 {
            0.0
        } else {
            w / (w + rep)
        };
    }
    for i in 0..2 {
        let j = 1 - i;
        let b = bid_rate(&params.people[i], &s[i], &s[j]);
        let out = answer_rate(&params.people[j], &s[j]) * params.people[i].appeal
            + repair_rate(&params.people[j], &s[j]) * s[j].rupture
            + sh.return_rate * s[j].on_break
            + params.people[i].let_go;
        s[i].pending = if b + out <= 0.0 { 0.0 } else { b / (b + out) };
    }
    s
}

/// Mean-field event rates per hour (reach, withdraw) in a state with probabilistic flags.
pub fn mean_rates(params: &Params, s: &State, i: Person) -> (f64, f64) {
    let (ii, jj) = (i.index(), i.other().index());
    let pp = &params.people[ii];
    let b = bid_rate(pp, &s[ii], &s[jj]);
    let space = pp.persist * if pp.space { SPACE_REPEAT } else { 1.0 };
    let reach = b * (1.0 - s[ii].pending) + b * s[ii].pending * space;
    let withdraw = withdraw_raw(pp, &s[ii]) * (1.0 - s[ii].on_break);
    (reach, withdraw)
}
