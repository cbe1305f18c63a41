//! Recovery tests: simulate episodes from a known chain, read them exactly as `closer patterns`
//! reads a file, and recover what the chain says — P(ends reconnected), ending by repair, the
//! expected length, and a real difference between episodes with and without a way of responding.

use closer_analyze::episodes::calibration::{Source, reference_chain, simulate, truth};
use closer_analyze::episodes::chain::Chain;
use closer_analyze::episodes::{Kind, Options, View, analyze};
use closer_analyze::rng::{Rng, rng};
use closer_domain::moves_csv::{Column, MovesFile};
use closer_domain::{Move, Window};

fn file(moves: Vec<Move>, window: Window) -> MovesFile {
    MovesFile {
        window: Some(window),
        moves,
        columns: vec![
            Column::Time,
            Column::Partner,
            Column::Move,
            Column::Episode,
            Column::Way,
        ],
    }
}

#[test]
fn a_known_chain_is_recovered_from_two_thousand_episodes() {
    let src = Source::Chain {
        chain: reference_chain(),
        way: 0.0,
    };
    let exact = reference_chain().absorption().unwrap();
    let t = truth(&src, 100, 10, 12.0, 5);
    let mut rng = rng(11, 0);
    let (moves, window) = simulate(&src, 2000, 12.0, &mut rng);
    let r = analyze(&file(moves, window), &Options::default()).unwrap();
    assert_eq!(r.finished, 2000);
    assert_eq!(r.unfinished, 1);
    let get = |k: Kind| r.finding(k, None).unwrap();
    // Direct proportions: within 3.5 standard errors (sd ≤ 0.0112 at n = 2000).
    let rec = get(Kind::Reconnected);
    assert!(
        (rec.estimate.unwrap() - exact.p_reconnected).abs() < 0.04,
        "{rec:?}"
    );
    let [lo, hi] = rec.interval.unwrap();
    assert!(lo < exact.p_reconnected && exact.p_reconnected < hi);
    let rep = get(Kind::Repair);
    assert!(
        (rep.estimate.unwrap() - t.repair).abs() < 0.04,
        "{rep:?} {}",
        t.repair
    );
    // The chain's summaries.
    let p = get(Kind::ChainReconnected);
    assert!(
        (p.estimate.unwrap() - exact.p_reconnected).abs() < 0.03,
        "{p:?}"
    );
    let l = get(Kind::ChainLength);
    assert!(
        (l.estimate.unwrap() - exact.expected_length).abs() < 0.15,
        "{l:?}"
    );
    let [lo, hi] = l.interval.unwrap();
    assert!(
        lo < exact.expected_length && exact.expected_length < hi,
        "{l:?}"
    );
    // The flatter prior barely moves anything at this size.
    assert!((p.flat.unwrap().estimate - p.estimate.unwrap()).abs() < 0.01);
}

#[test]
fn a_real_difference_between_ways_is_recovered_and_a_null_one_is_not_found() {
    // With a way tried, reaches are answered more and withdrawals end in a return more often.
    let base = reference_chain();
    let mut better: Chain = base.clone();
    better.rows[0] = [0.10, 0.15, 0.60, 0.05, 0.0, 0.10];
    better.rows[1] = [0.10, 0.05, 0.05, 0.10, 0.60, 0.10];
    let p0 = base.absorption().unwrap().p_reconnected;
    let p1 = better.absorption().unwrap().p_reconnected;
    assert!(p1 - p0 > 0.15, "{p0} {p1}");
    let mut rng = rng(3, 0);
    let run = |chain: Chain, way: f64, prefix: &str, offset: f64, rng: &mut Rng| {
        let (mut moves, _) = simulate(&Source::Chain { chain, way }, 600, 12.0, rng);
        for m in &mut moves {
            m.at += offset;
            m.episode = m.episode.take().map(|e| format!("{prefix}{e}").into());
        }
        moves
    };
    let with = run(better, 1.0, "w", 0.0, &mut rng);
    let last = with.last().unwrap().at + 24.0;
    let without = run(base.clone(), 0.0, "n", last, &mut rng);
    let end = without.last().unwrap().at + 1.0;
    let mut moves = with;
    moves.extend(without);
    let r = analyze(
        &file(moves, Window { start: 0.0, end }),
        &Options {
            view: View::Joint,
            ..Options::default()
        },
    )
    .unwrap();
    let d = r.finding(Kind::WayDifference, None).unwrap();
    let [lo, hi] = d.interval.unwrap();
    // The truth of the difference is p1 − p0.
    assert!(lo < p1 - p0 && p1 - p0 < hi, "{d:?} truth {}", p1 - p0);
    assert!(
        lo > 0.0,
        "a real difference of {:.2} is found: {d:?}",
        p1 - p0
    );
    // Each group's chain recovers its own P(ends reconnected).
    let gw = r.way.with_way.chain.unwrap();
    let gn = r.way.without_way.chain.unwrap();
    assert!((gw.estimate - p1).abs() < 0.05, "{gw:?} {p1}");
    assert!((gn.estimate - p0).abs() < 0.05, "{gn:?} {p0}");
}
