//! DESIGN.md §5's requirements, one test (or property) each.

use closer_domain::{Outcome, Person, Way, moves_csv};
use closer_model::dynamics::calm_start;
use closer_model::meanfield::{fixed_points, settle_from, steady};
use closer_model::params::{Params, Profile, WayUse, Who};
use closer_model::{mean_field_hope, outcome, rng, sim};
use proptest::prelude::*;

fn prof(anx: f64, avo: f64) -> Profile {
    Profile::new(anx, avo).unwrap()
}

fn outcome_of(a: Profile, b: Profile, days: f64, seed: u64) -> outcome::Summary {
    let p = Params::from_profiles(a, b);
    let tr = sim::simulate(&p, &[], days, &mut rng(seed, 0), false).unwrap();
    outcome::classify(&tr, p.shared.flare)
}

#[test]
fn secure_couple_settles_with_one_stable_fixed_point() {
    let p = Params::from_profiles(prof(2.0, 2.0), prof(2.0, 2.0));
    let fps = fixed_points(&p, [1.0, 1.0]);
    assert_eq!(fps.len(), 1, "{fps:?}");
    assert!(fps[0].stable);
    for seed in 0..3 {
        let s = outcome_of(prof(2.0, 2.0), prof(2.0, 2.0), 180.0, seed);
        assert_eq!(s.outcome, Outcome::Settles, "seed {seed}: {s:?}");
    }
}

#[test]
fn anxious_with_avoidant_recurs_or_spirals_with_two_stable_states() {
    let (a, b) = (prof(6.0, 2.0), prof(2.0, 6.0));
    let p = Params::from_profiles(a, b);
    let fps = fixed_points(&p, [1.0, 1.0]);
    let stable: Vec<_> = fps.iter().filter(|f| f.stable).collect();
    assert_eq!(stable.len(), 2, "{fps:?}");
    // A calm state and an escalated one, both people higher in the escalated one.
    let (calm, high) = (stable[0], stable[1]);
    assert!(calm.a.alarm < 0.5 && calm.b.alarm < 0.5, "{calm:?}");
    assert!(high.a.alarm > 1.0 && high.b.alarm > 1.0, "{high:?}");
    // Between them, an unstable one (the threshold between the two basins).
    assert_eq!(fps.iter().filter(|f| !f.stable).count(), 1);
    for seed in 0..3 {
        let s = outcome_of(a, b, 180.0, seed);
        assert!(
            matches!(s.outcome, Outcome::Recurs | Outcome::Spirals),
            "seed {seed}: {s:?}"
        );
    }
}

/// Hysteresis: raise how strongly each reacts to the other, then lower it again, each time
/// starting from where the couple was. Going up the couple stays calm longer; coming down it stays
/// escalated longer: the same parameters give different states depending on the history.
#[test]
fn anxious_with_avoidant_shows_hysteresis() {
    let base = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let scaled = |k: f64| {
        let mut p = base;
        for q in p.people.iter_mut() {
            q.sens_reach *= k;
            q.sens_withdraw *= k;
        }
        p
    };
    let ks: Vec<f64> = (0..=24).map(|i| 0.5 + 0.05 * i as f64).collect();
    let mut s = calm_start();
    let mut up = Vec::new();
    for &k in &ks {
        let fp = settle_from(&scaled(k), s).unwrap();
        s = fp.state;
        up.push(fp.a.alarm);
    }
    let mut down = vec![0.0; ks.len()];
    for (i, &k) in ks.iter().enumerate().rev() {
        let fp = settle_from(&scaled(k), s).unwrap();
        s = fp.state;
        down[i] = fp.a.alarm;
    }
    let differs = ks
        .iter()
        .enumerate()
        .filter(|(i, _)| down[*i] > 1.0 && up[*i] < 0.5)
        .count();
    assert!(differs >= 2, "up {up:?}\ndown {down:?}");
    // At the ends the history no longer matters.
    assert!((up[0] - down[0]).abs() < 1e-6);
    assert!((up[ks.len() - 1] - down[ks.len() - 1]).abs() < 1e-6);
}

#[test]
fn two_avoidant_people_stay_distant_not_drifting() {
    for seed in 0..3 {
        for days in [180.0, 365.0] {
            let s = outcome_of(prof(2.0, 6.0), prof(2.0, 6.0), days, seed);
            assert_eq!(
                s.outcome,
                Outcome::Distant,
                "seed {seed}, {days} days: {s:?}"
            );
            assert!(s.hope_end.iter().all(|h| *h > 0.8), "{s:?}");
        }
    }
}

/// The named drift case: a very anxious person (7, 1) with a very avoidant one (1, 7), read over
/// 365 days. Reaching fades while hope erodes — which is not `distant`.
#[test]
fn very_anxious_with_very_avoidant_drifts_over_a_year() {
    for seed in 0..3 {
        let s = outcome_of(prof(7.0, 1.0), prof(1.0, 7.0), 365.0, seed);
        assert_eq!(s.outcome, Outcome::Drifts, "seed {seed}: {s:?}");
        assert!(s.hope_end[0] < 0.5 && s.hope_end[1] > 0.8, "{s:?}");
        assert!(s.reach_per_day_late[0] < 0.5 * s.reach_per_day_early[0]);
    }
}

#[test]
fn faster_regulation_means_fewer_and_smaller_flares() {
    let base = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let mut faster = base;
    for q in faster.people.iter_mut() {
        q.regulation *= 1.5;
    }
    let (mut n0, mut n1, mut pk0, mut pk1) = (0u32, 0u32, 0.0, 0.0);
    for seed in 0..4 {
        for (p, n, pk) in [(&base, &mut n0, &mut pk0), (&faster, &mut n1, &mut pk1)] {
            let tr = sim::simulate(p, &[], 180.0, &mut rng(seed, 0), false).unwrap();
            let s = outcome::classify(&tr, p.shared.flare);
            *n += s.flares[0] + s.flares[1];
            *pk += s.mean_flare_peak[0] + s.mean_flare_peak[1];
        }
    }
    assert!(n1 < n0, "flares {n0} → {n1}");
    assert!(pk1 < pk0, "peaks {pk0} → {pk1}");
    // And in the mean field: the escalated state is lower or gone.
    let high = |p: &Params| {
        fixed_points(p, [1.0, 1.0])
            .iter()
            .filter(|f| f.stable)
            .map(|f| f.a.alarm + f.b.alarm)
            .fold(0.0, f64::max)
    };
    assert!(high(&faster) < high(&base));
}

#[test]
fn responsiveness_calms() {
    // More answering by B lowers A's steady alarm and A's reaching (negative feedback).
    let base = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let mut answering = base;
    answering.people[1].answer *= 2.0;
    let (s0, s1) = (steady(&base).unwrap(), steady(&answering).unwrap());
    assert!(s1.a.alarm < s0.a.alarm);
    assert!(s1.a.reach_rate < s0.a.reach_rate);
    // And hope: answered bids restore it.
    let h0 = mean_field_hope(&base, &[], 180.0);
    let h1 = mean_field_hope(&answering, &[], 180.0);
    assert!(h1[0] > h0[0]);
}

/// Each way, used by one person (or both for `name`), lowers both people's steady alarm, so it
/// changes the other person's steady state too, and lowers no one's hope.
#[test]
fn each_way_moves_both_people_and_lowers_no_ones_hope() {
    let base = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let s0 = steady(&base).unwrap();
    let h0 = mean_field_hope(&base, &[], 180.0);
    for (way, who) in [
        (Way::Pause, Who::One(Person::A)),
        (Way::Curious, Who::One(Person::A)),
        (Way::Space, Who::One(Person::A)),
        (Way::Name, Who::Both),
        (Way::Stay, Who::One(Person::B)),
    ] {
        let w = WayUse::new(way, who, 0.0).unwrap();
        let p = base.with_ways(&[w]);
        let s1 = steady(&p).unwrap();
        assert!(s1.stable);
        for person in Person::BOTH {
            assert!(
                s1.person(person).alarm < s0.person(person).alarm - 1e-4,
                "{way}:{who} {person}: {} → {}",
                s0.person(person).alarm,
                s1.person(person).alarm
            );
        }
        let h1 = mean_field_hope(&base, &[w], 180.0);
        for i in 0..2 {
            assert!(
                h1[i] >= h0[i] - 1e-9,
                "{way}:{who} hope {i}: {} → {}",
                h0[i],
                h1[i]
            );
        }
        // The escalated state, where one exists, is lower or gone too.
        let high = |p: &Params| {
            fixed_points(p, [1.0, 1.0])
                .iter()
                .filter(|f| f.stable && f.a.alarm > 1.0)
                .map(|f| f.a.alarm + f.b.alarm)
                .fold(0.0, f64::max)
        };
        assert!(high(&p) < high(&base), "{way}:{who}");
    }
}

#[test]
fn explore_is_understanding_not_a_changed_attachment() {
    let base = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let p = base.with_way(Way::Explore, Who::One(Person::B));
    let (b0, b1) = (base.people[1], p.people[1]);
    // The attachment-driven sensitivities and regulation are untouched.
    assert_eq!(b0.sens_reach, b1.sens_reach);
    assert_eq!(b0.sens_withdraw, b1.sens_withdraw);
    assert_eq!(b0.regulation, b1.regulation);
    assert!(b1.answer > b0.answer);
}

#[test]
fn same_seed_same_run_and_moves_read_back() {
    let p = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let ways = [WayUse::new(Way::Pause, Who::One(Person::A), 10.0).unwrap()];
    let a = sim::simulate(&p, &ways, 30.0, &mut rng(5, 0), true).unwrap();
    let b = sim::simulate(&p, &ways, 30.0, &mut rng(5, 0), true).unwrap();
    assert_eq!(a, b);
    let c = sim::simulate(&p, &ways, 30.0, &mut rng(6, 0), true).unwrap();
    assert_ne!(a.moves, c.moves);
    // One schema: the moves write as a moves CSV and read back the same.
    let window = closer_domain::Window {
        start: 0.0,
        end: 30.0 * 24.0,
    };
    let mut buf = Vec::new();
    moves_csv::write(&mut buf, Some(window), &a.moves).unwrap();
    let back = moves_csv::parse(std::str::from_utf8(&buf).unwrap(), "sim.csv").unwrap();
    assert_eq!(back.moves, a.moves);
    // The way is filled only for A's moves from day 10.
    assert!(
        a.moves
            .iter()
            .all(|m| (m.way == Some(Way::Pause)) == (m.by == Person::A && m.at >= 240.0))
    );
}

#[test]
fn bad_way_days_are_refused() {
    let p = Params::from_profiles(prof(2.0, 2.0), prof(2.0, 2.0));
    let late = WayUse::new(Way::Pause, Who::One(Person::A), 40.0).unwrap();
    assert!(sim::simulate(&p, &[late], 30.0, &mut rng(1, 0), false).is_err());
    assert!(WayUse::new(Way::Pause, Who::Both, -1.0).is_err());
    assert!(sim::simulate(&p, &[], f64::NAN, &mut rng(1, 0), false).is_err());
}

fn arb_profile() -> impl Strategy<Value = Profile> {
    (1.0f64..=7.0, 1.0f64..=7.0).prop_map(|(x, y)| Profile::new(x, y).unwrap())
}

fn arb_way() -> impl Strategy<Value = WayUse> {
    (0usize..6, 0usize..3, 0.0f64..365.0).prop_map(|(w, who, day)| {
        let way = Way::ALL[w];
        let who = if way == Way::Name {
            Who::Both
        } else {
            [Who::One(Person::A), Who::One(Person::B), Who::Both][who]
        };
        WayUse::new(way, who, day).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Nothing explodes: any profiles and ways over a year finish, with every alarm below the
    /// mean field's ceiling-derived bound and move counts below the saturated rates' ceiling.
    #[test]
    fn any_couple_over_a_year_finishes_with_bounded_rates(
        a in arb_profile(), b in arb_profile(),
        ways in prop::collection::vec(arb_way(), 0..3), seed in 0u64..1000,
    ) {
        let p = Params::from_profiles(a, b);
        let tr = sim::simulate(&p, &ways, 365.0, &mut rng(seed, 0), false).unwrap();
        let ceiling: f64 = p.people.iter().map(|q| {
            q.reach_base + q.reach_drive + q.withdraw_base + q.withdraw_drive + q.answer * 1.25
                + q.repair + p.shared.return_rate
        }).sum::<f64>();
        prop_assert!((tr.n_moves as f64) < ceiling * 365.0 * 24.0);
        for day in &tr.daily {
            let n: u32 = day.iter().flatten().sum();
            prop_assert!((n as f64) <= ceiling * 24.0 * 3.0 + 50.0);
        }
        // A bid can add at most a bounded amount of alarm, and alarm recovers: no run-away.
        let jump: f64 = 2.0 * 4.0 * 0.8 * 1.1;
        for x in tr.peak.iter().flatten() {
            prop_assert!(x.is_finite() && *x >= 0.0);
            prop_assert!(*x < 1000.0 * jump);
        }
        for h in tr.hope.iter().flatten() {
            prop_assert!((0.0..=1.0).contains(h));
        }
        let s = outcome::classify(&tr, p.shared.flare);
        prop_assert!(s.horizon_days == 365.0);
    }
}

fn arb_person() -> impl Strategy<Value = closer_model::params::PersonParams> {
    (
        (
            0.01f64..5.0,
            0.0f64..2.0,
            0.0f64..5.0,
            0.0f64..2.0,
            0.0f64..5.0,
        ),
        (
            0.0f64..5.0,
            0.0f64..5.0,
            0.0f64..5.0,
            0.0f64..1.0,
            0.0f64..0.1,
        ),
        (
            0.0f64..5.0,
            0.0f64..5.0,
            0.0f64..3.0,
            0.0f64..0.9,
            0.0f64..1.0,
        ),
        (
            0.0f64..2.0,
            prop::bool::ANY,
            prop::bool::ANY,
            prop::bool::ANY,
        ),
    )
        .prop_map(|(r, s, t, u)| closer_model::params::PersonParams {
            regulation: r.0,
            reach_base: r.1,
            reach_drive: r.2,
            withdraw_base: r.3,
            withdraw_drive: r.4,
            answer: s.0,
            repair: s.1,
            let_go: s.2,
            persist: s.3,
            erosion: s.4,
            sens_withdraw: t.0,
            sens_reach: t.1,
            press: t.2,
            relief: t.3,
            bid_softness: t.4,
            appeal: u.0,
            timing: u.1,
            space: u.2,
            stay: u.3,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Nothing explodes, for any parameters at all (not only those made from profiles): a year
    /// finishes, the number of moves stays under the saturated rates' ceiling, alarm stays finite
    /// and hope in [0, 1].
    #[test]
    fn any_parameters_over_a_year_finish_with_bounded_rates(
        a in arb_person(), b in arb_person(), seed in 0u64..1000,
    ) {
        let p = Params { people: [a, b], shared: closer_model::params::Shared::default() };
        prop_assume!(p.is_valid());
        let tr = sim::simulate(&p, &[], 365.0, &mut rng(seed, 0), false).unwrap();
        let ceiling: f64 = (0..2).map(|i| {
            let (q, o) = (&p.people[i], &p.people[1 - i]);
            (q.reach_base + q.reach_drive) * q.persist.max(1.0)
                + q.withdraw_base + q.withdraw_drive
                + q.answer * o.appeal + q.repair + p.shared.return_rate
        }).sum();
        prop_assert!((tr.n_moves as f64) <= ceiling * 365.0 * 24.0 * 1.1 + 100.0);
        for x in tr.peak.iter().flatten() {
            prop_assert!(x.is_finite() && *x >= 0.0);
        }
        for h in tr.hope.iter().flatten() {
            prop_assert!((0.0..=1.0).contains(h));
        }
    }
}
