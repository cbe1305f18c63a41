//! Safety signals from the CPQ's self/partner pairs (threats, name-calling, physical
//! aggression), read by direction: the partner item is what the respondent receives, the self
//! item what the respondent does. "Yes" is any answer above the scale minimum (1 on 1–9).
//! Directions are never merged: receiving and doing lead to different help. A mutual item (the
//! CPQ's item 7, both partners threatening each other) is its own self and partner item, so it
//! gives a signal in each direction.

use crate::instrument::{Instrument, Order};
use crate::responses::MISSING;
use closer_domain::{Direction, SafetySignal, SignalSource};

/// The signals in one respondent's answers (`row`, in `order`'s columns, given on `scale`).
/// A missing answer gives no signal.
pub fn signals(
    instrument: &Instrument,
    order: &Order,
    row: &[i16],
    scale: [i32; 2],
) -> Vec<SafetySignal> {
    let mut out = Vec::new();
    for pair in &instrument.signals {
        for (pos, direction) in [
            (pair.partner_pos, Direction::Receiving),
            (pair.self_pos, Direction::Doing),
        ] {
            let Some(&a) = row.get(pos) else { continue };
            if a != MISSING && i32::from(a) > scale[0] {
                out.push(SafetySignal {
                    domain: pair.domain,
                    direction,
                    source: SignalSource::Item(instrument.item_id(order, pos)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::get;
    use closer_domain::SignalDomain;

    fn cpq_row(set: &[(usize, i16)]) -> Vec<i16> {
        let mut r = vec![1i16; 35];
        for &(item, v) in set {
            r[item - 1] = v;
        }
        r
    }

    #[test]
    fn partner_items_are_receiving_and_self_items_are_doing() {
        let i = get("cpq").unwrap().unwrap();
        let o = i.default_order();
        assert!(signals(i, o, &cpq_row(&[]), [1, 9]).is_empty());
        let s = signals(i, o, &cpq_row(&[(18, 2)]), [1, 9]);
        assert_eq!(
            s,
            vec![SafetySignal {
                domain: SignalDomain::Threats,
                direction: Direction::Receiving,
                source: SignalSource::Item("cpq:18".into()),
            }]
        );
        let s = signals(i, o, &cpq_row(&[(17, 9)]), [1, 9]);
        assert_eq!(
            (s[0].domain, s[0].direction),
            (SignalDomain::Threats, Direction::Doing)
        );
        let s = signals(i, o, &cpq_row(&[(20, 5), (19, 3)]), [1, 9]);
        assert_eq!(
            s.iter()
                .map(|x| (x.domain, x.direction))
                .collect::<Vec<_>>(),
            vec![
                (SignalDomain::NameCalling, Direction::Receiving),
                (SignalDomain::NameCalling, Direction::Doing)
            ]
        );
        let s = signals(i, o, &cpq_row(&[(22, 2), (21, 2)]), [1, 9]);
        assert_eq!(s[0].source, SignalSource::Item("cpq:22".into()));
        assert_eq!(s[0].direction, Direction::Receiving);
        assert_eq!(s[1].source, SignalSource::Item("cpq:21".into()));
        assert_eq!(s[1].direction, Direction::Doing);
        // Missing answers give no signal; other items never do.
        let mut r = cpq_row(&[(1, 9), (16, 9), (23, 9)]);
        r[17] = MISSING;
        assert!(signals(i, o, &r, [1, 9]).is_empty());
    }

    #[test]
    fn the_mutual_threat_item_is_read_in_both_directions() {
        let i = get("cpq").unwrap().unwrap();
        let o = i.default_order();
        let s = signals(i, o, &cpq_row(&[(7, 3)]), [1, 9]);
        let got: Vec<_> = s
            .iter()
            .map(|x| (x.domain, x.direction, x.source.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    SignalDomain::Threats,
                    Direction::Receiving,
                    SignalSource::Item("cpq:7".into())
                ),
                (
                    SignalDomain::Threats,
                    Direction::Doing,
                    SignalSource::Item("cpq:7".into())
                ),
            ]
        );
        // At the minimum, or missing: nothing.
        assert!(signals(i, o, &cpq_row(&[(7, 1)]), [1, 9]).is_empty());
        let mut r = cpq_row(&[]);
        r[6] = MISSING;
        assert!(signals(i, o, &r, [1, 9]).is_empty());
    }

    #[test]
    fn instruments_without_pairs_give_none() {
        for id in ["ecr", "ecr-r", "cpq-sf"] {
            let i = get(id).unwrap().unwrap();
            let row = vec![7i16; i.items];
            assert!(signals(i, i.default_order(), &row, [1, 7]).is_empty());
        }
    }
}
