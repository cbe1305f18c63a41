//! Scoring: reverse keys as (min + max − x) on the scale the answers were given on, subscale
//! means or sums, the missing-data rule, and summary statistics for research files.
//!
//! Scores stay on the administration's scale. Rescaling to the published metric is explicit
//! (`rescale`) and labelled, because a linear rescaling of a 1–5 administration is not the same
//! thing as a 1–7 administration.

use crate::instrument::{Instrument, Order, ScoreKind};
use crate::responses::{MISSING, Responses};
use crate::stats::{item_analysis, mean_sd, sem};
use serde::Serialize;

/// Summary statistics need at least this many scored respondents; below it, alpha, SD and
/// item–total correlations are too unstable to mean anything, and the output says so.
pub const MIN_SUMMARY: usize = 30;

/// The missing-data rule: a subscale with at least this many items may have one item missing
/// (the person's mean of the answered items stands in for it); shorter subscales, and any
/// subscale with two or more missing items, are unscorable.
pub const MIN_ITEMS_FOR_ONE_MISSING: usize = 6;

/// A reverse-keyed answer: (min + max − x).
pub fn reverse(x: i32, scale: [i32; 2]) -> i32 {
    scale[0] + scale[1] - x
}

/// The metric the scores are reported on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// The answer scale scores are expressed on.
    pub scale: [i32; 2],
    /// `Some(from)` when scores were rescaled linearly from the administration scale `from`.
    pub rescaled_from: Option<[i32; 2]>,
}

/// What is known about a subscale in the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscaleInfo {
    pub id: String,
    pub label: String,
    pub items: usize,
    /// The lowest and highest possible score on the reported metric.
    pub range: [f64; 2],
    /// Safety items inside this subscale (CPQ demand subscales).
    pub safety_items: Vec<String>,
}

/// One respondent's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Respondent {
    /// The file line the answers came from.
    pub line: u64,
    /// Per subscale (in [`Scored::subscales`] order); `None` when unscorable by the rule.
    pub scores: Vec<Option<f64>>,
    /// Per subscale: how many items were missing.
    pub missing: Vec<usize>,
}

/// Why some of a subscale's summary statistics are withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryGap {
    /// Fewer than [`MIN_SUMMARY`] respondents have a score on this subscale: nothing is shown.
    TooFewScored,
    /// Fewer than [`MIN_SUMMARY`] rows are complete on this subscale: alpha, SEM and the
    /// item–total correlations are withheld (mean and SD stand).
    TooFewComplete,
    /// Alpha is zero or negative (or undefined): the items do not hang together in this sample,
    /// so the SEM (SD · √(1 − alpha)) would describe no error at all; it is withheld.
    AlphaNotPositive,
}

/// Summary of one subscale over a research file. The [`MIN_SUMMARY`] minimum applies to each
/// subscale: a subscale below it has its statistics withheld, and `withheld` says why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Respondents with a score.
    pub n: usize,
    /// `None` with fewer than [`MIN_SUMMARY`] scored respondents.
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    /// Rows complete on every item of the subscale (alpha and item–total use these).
    pub n_complete: usize,
    pub alpha: Option<f64>,
    /// SD · √(1 − alpha); only when alpha > 0.
    pub sem: Option<f64>,
    /// Why statistics are withheld, if any are.
    pub withheld: Option<SummaryGap>,
}

/// One item's corrected item–total correlation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemTotal {
    /// Stable item id.
    pub item: String,
    /// The CSV column holding it.
    pub column: String,
    pub reversed: bool,
    pub r: Option<f64>,
}

/// A scored file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub instrument: String,
    pub order: String,
    /// The scale the answers were given on.
    pub administered: [i32; 2],
    pub metric: Metric,
    pub subscales: Vec<SubscaleInfo>,
    pub respondents: Vec<Respondent>,
    /// Per subscale; `None` with fewer than [`MIN_SUMMARY`] scored respondents.
    pub summary: Option<Vec<Summary>>,
    /// Per subscale, per item; `None` when `summary` is.
    pub item_total: Option<Vec<Vec<ItemTotal>>>,
}

/// Scoring problems that are about the request, not the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("the responses have {found} item columns; {instrument} has {expected}")]
    ItemCount {
        instrument: String,
        expected: usize,
        found: usize,
    },
}

/// Scores `responses` with `order`'s key. `rescale` reports scores on the published scale.
pub fn score(
    instrument: &Instrument,
    order: &Order,
    responses: &Responses,
    rescale: bool,
) -> Result<Scored, ScoreError> {
    if responses.items != instrument.items {
        return Err(ScoreError::ItemCount {
            instrument: instrument.id.clone(),
            expected: instrument.items,
            found: responses.items,
        });
    }
    let s = responses.scale;
    let p = instrument.scale;
    let rescaling = rescale && s != p;
    let f = f64::from(p[1] - p[0]) / f64::from(s[1] - s[0]);
    // Affine map of a subscale score with k items onto the reported metric.
    let to_metric = |x: f64, k: usize| -> f64 {
        if !rescaling {
            return x;
        }
        let kk = match instrument.score {
            ScoreKind::Mean => 1.0,
            ScoreKind::Sum => k as f64,
        };
        kk * f64::from(p[0]) + (x - kk * f64::from(s[0])) * f
    };
    let subscales: Vec<SubscaleInfo> = order
        .subscales
        .iter()
        .map(|sub| {
            let k = sub.positions.len();
            let kk = match instrument.score {
                ScoreKind::Mean => 1.0,
                ScoreKind::Sum => k as f64,
            };
            SubscaleInfo {
                id: sub.id.clone(),
                label: sub.label.clone(),
                items: k,
                range: [
                    to_metric(kk * f64::from(s[0]), k),
                    to_metric(kk * f64::from(s[1]), k),
                ],
                safety_items: sub.safety_items.clone(),
            }
        })
        .collect();

    let n = responses.len();
    let mut respondents = Vec::with_capacity(n);
    let mut raw_scores: Vec<Vec<f64>> = vec![Vec::with_capacity(n); order.subscales.len()];
    // Complete-case reversed item matrices, per subscale, for alpha and item–total.
    let mut complete: Vec<Vec<f64>> = order
        .subscales
        .iter()
        .map(|sub| Vec::with_capacity(n * sub.positions.len()))
        .collect();
    let mut buf = Vec::new();
    for r in 0..n {
        let row = responses.row(r);
        let mut scores = Vec::with_capacity(order.subscales.len());
        let mut missing = Vec::with_capacity(order.subscales.len());
        for (si, sub) in order.subscales.iter().enumerate() {
            buf.clear();
            let mut miss = 0;
            for (&pos, &rev) in sub.positions.iter().zip(&sub.reversed) {
                let a = row[pos];
                if a == MISSING {
                    miss += 1;
                    continue;
                }
                let v = if rev {
                    reverse(i32::from(a), s)
                } else {
                    i32::from(a)
                };
                buf.push(f64::from(v));
            }
            let k = sub.positions.len();
            let scorable = miss == 0 || (miss == 1 && k >= MIN_ITEMS_FOR_ONE_MISSING);
            let score = scorable.then(|| {
                let m = buf.iter().sum::<f64>() / buf.len() as f64;
                match instrument.score {
                    ScoreKind::Mean => m,
                    ScoreKind::Sum => m * k as f64,
                }
            });
            if miss == 0 {
                complete[si].extend_from_slice(&buf);
            }
            if let Some(x) = score {
                raw_scores[si].push(x);
            }
            scores.push(score.map(|x| to_metric(x, k)));
            missing.push(miss);
        }
        respondents.push(Respondent {
            line: responses.lines[r],
            scores,
            missing,
        });
    }

    let enough = raw_scores.iter().any(|v| v.len() >= MIN_SUMMARY);
    let (summary, item_total) = if enough {
        let mut summary = Vec::new();
        let mut item_total = Vec::new();
        for (si, sub) in order.subscales.iter().enumerate() {
            let k = sub.positions.len();
            let mut ia = item_analysis(&complete[si], k);
            let n_scored = raw_scores[si].len();
            let ms = mean_sd(&raw_scores[si]).filter(|_| n_scored >= MIN_SUMMARY);
            let sd_metric = ms.map(|(_, sd)| if rescaling { sd * f } else { sd });
            let gap = if ms.is_none() {
                Some(SummaryGap::TooFewScored)
            } else if ia.n < MIN_SUMMARY {
                Some(SummaryGap::TooFewComplete)
            } else if !ia.alpha.is_some_and(|a| a > 0.0) {
                Some(SummaryGap::AlphaNotPositive)
            } else {
                None
            };
            if matches!(
                gap,
                Some(SummaryGap::TooFewScored | SummaryGap::TooFewComplete)
            ) {
                ia.alpha = None;
                ia.item_total = vec![None; k];
            }
            let sem_value = match (gap, ia.alpha, sd_metric) {
                (None, Some(a), Some(sd)) => Some(sem(sd, a)),
                _ => None,
            };
            summary.push(Summary {
                n: n_scored,
                mean: ms.map(|(m, _)| to_metric(m, k)),
                sd: sd_metric,
                n_complete: ia.n,
                alpha: ia.alpha,
                sem: sem_value,
                withheld: gap,
            });
            item_total.push(
                sub.positions
                    .iter()
                    .zip(&sub.reversed)
                    .zip(&ia.item_total)
                    .map(|((&pos, &rev), &r)| ItemTotal {
                        item: instrument.item_id(order, pos),
                        column: format!("Q{}", pos + 1),
                        reversed: rev,
                        r,
                    })
                    .collect(),
            );
        }
        (Some(summary), Some(item_total))
    } else {
        (None, None)
    };

    Ok(Scored {
        instrument: instrument.id.clone(),
        order: order.name.clone(),
        administered: s,
        metric: Metric {
            scale: if rescaling { p } else { s },
            rescaled_from: rescaling.then_some(s),
        },
        subscales,
        respondents,
        summary,
        item_total,
    })
}

impl Scored {
    /// The index of a subscale by id.
    pub fn subscale_index(&self, id: &str) -> Option<usize> {
        self.subscales.iter().position(|s| s.id == id)
    }
}

#[cfg(test)]
// Test answers are small whole numbers made by arithmetic on loop counters.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod tests {
    use super::*;
    use crate::instrument::get;

    /// The published keys, typed out from ../shared/reference/instruments.json, independent of
    /// the data files: (instrument, order, scale, items, [(subscale, items, reversed)]).
    type Key = (
        &'static str,
        &'static str,
        [i32; 2],
        Vec<(&'static str, Vec<usize>, Vec<usize>)>,
    );

    fn published() -> Vec<Key> {
        let r = |a: usize, b: usize| (a..=b).collect::<Vec<_>>();
        let odd: Vec<usize> = (1..=36).step_by(2).collect();
        let even: Vec<usize> = (2..=36).step_by(2).collect();
        vec![
            (
                "ecr-r",
                "author",
                [1, 7],
                vec![
                    ("anxiety", r(1, 18), vec![9, 11]),
                    (
                        "avoidance",
                        r(19, 36),
                        vec![20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36],
                    ),
                ],
            ),
            (
                "ecr-r",
                "interleaved",
                [1, 7],
                vec![
                    ("anxiety", even.clone(), vec![2, 22]),
                    (
                        "avoidance",
                        odd.clone(),
                        vec![3, 5, 11, 15, 17, 19, 25, 27, 29, 31, 33, 35],
                    ),
                ],
            ),
            (
                "ecr",
                "published",
                [1, 7],
                vec![
                    ("anxiety", even, vec![22]),
                    ("avoidance", odd, vec![3, 15, 19, 25, 27, 29, 31, 33, 35]),
                ],
            ),
            (
                "ecr-s",
                "published",
                [1, 7],
                vec![
                    ("anxiety", vec![2, 4, 6, 8, 10, 12], vec![8]),
                    ("avoidance", vec![1, 3, 5, 7, 9, 11], vec![1, 5, 9]),
                ],
            ),
            (
                "ecr-rs",
                "published",
                [1, 7],
                vec![
                    ("avoidance", r(1, 6), vec![1, 2, 3, 4]),
                    ("anxiety", r(7, 9), vec![]),
                ],
            ),
            (
                "cpq",
                "published",
                [1, 9],
                vec![
                    (
                        "constructive_communication",
                        vec![1, 2, 6, 8, 23, 24, 25, 26, 27],
                        vec![1, 24, 26],
                    ),
                    (
                        "self_demand_partner_withdraw",
                        vec![3, 9, 11, 13, 17, 19, 32],
                        vec![],
                    ),
                    (
                        "partner_demand_self_withdraw",
                        vec![4, 10, 12, 14, 18, 20, 33],
                        vec![],
                    ),
                ],
            ),
            // Q1..Q11 = A1, A2, A3a, A3b, B4, B5, B6, B7a, B7b, B8a, B8b.
            (
                "cpq-sf",
                "published",
                [1, 9],
                vec![
                    ("constructive_communication", vec![2, 5, 7], vec![]),
                    ("total_demand_withdraw", vec![3, 4, 8, 9, 10, 11], vec![]),
                    ("self_demand_partner_withdraw", vec![3, 8, 10], vec![]),
                    ("partner_demand_self_withdraw", vec![4, 9, 11], vec![]),
                ],
            ),
        ]
    }

    fn score_row(
        id: &str,
        order: &str,
        scale: [i32; 2],
        row: Vec<Option<i16>>,
    ) -> Vec<Option<f64>> {
        let i = get(id).unwrap().unwrap();
        let o = i.order(order).unwrap();
        let r = Responses::from_rows(i.items, scale, &[row]);
        score(i, o, &r, false).unwrap().respondents[0]
            .scores
            .clone()
    }

    /// For every instrument and order, and for every subscale S: answer the maximum on S's
    /// items and the minimum elsewhere; every subscale's expected score is computed from the
    /// typed-out key. Then: the maximum on exactly the reversed items and the minimum elsewhere
    /// gives the lowest possible score on every subscale.
    #[test]
    fn reverse_keys_and_subscales_of_every_instrument() {
        for (id, order, scale, key) in published() {
            let i = get(id).unwrap().unwrap();
            let is_sum = i.score == ScoreKind::Sum;
            let n = i.items;
            let expect = |answers: &[i32], items: &[usize], rev: &[usize]| -> f64 {
                let s: i32 = items
                    .iter()
                    .map(|j| {
                        let a = answers[j - 1];
                        if rev.contains(j) {
                            scale[0] + scale[1] - a
                        } else {
                            a
                        }
                    })
                    .sum();
                if is_sum {
                    f64::from(s)
                } else {
                    f64::from(s) / items.len() as f64
                }
            };
            let names: Vec<&str> = key.iter().map(|k| k.0).collect();
            let got_names: Vec<&str> = i
                .order(order)
                .unwrap()
                .subscales
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            assert_eq!(names, got_names, "{id} {order}");
            for (_, s_items, _) in &key {
                let answers: Vec<i32> = (1..=n)
                    .map(|j| {
                        if s_items.contains(&j) {
                            scale[1]
                        } else {
                            scale[0]
                        }
                    })
                    .collect();
                let got = score_row(
                    id,
                    order,
                    scale,
                    answers.iter().map(|&a| Some(a as i16)).collect(),
                );
                for (t, (tname, t_items, t_rev)) in key.iter().enumerate() {
                    let e = expect(&answers, t_items, t_rev);
                    assert!(
                        (got[t].unwrap() - e).abs() < 1e-12,
                        "{id} {order} {tname}: {:?} vs {e}",
                        got[t]
                    );
                }
            }
            let all_rev: Vec<usize> = key.iter().flat_map(|k| k.2.clone()).collect();
            let answers: Vec<Option<i16>> = (1..=n)
                .map(|j| {
                    Some(if all_rev.contains(&j) {
                        scale[1]
                    } else {
                        scale[0]
                    } as i16)
                })
                .collect();
            let got = score_row(id, order, scale, answers);
            for (t, (_, t_items, _)) in key.iter().enumerate() {
                let lowest = if is_sum {
                    (t_items.len() as i32 * scale[0]) as f64
                } else {
                    f64::from(scale[0])
                };
                assert_eq!(got[t], Some(lowest), "{id} {order}");
            }
        }
    }

    #[test]
    fn literal_hand_computed_scores() {
        // ECR on 1–5, all answers 1: anxiety (17·1 + 5)/18; avoidance (9·1 + 9·5)/18 = 3.
        let s = score_row("ecr", "published", [1, 5], vec![Some(1); 36]);
        assert!((s[0].unwrap() - 22.0 / 18.0).abs() < 1e-12);
        assert!((s[1].unwrap() - 3.0).abs() < 1e-12);
        // ECR-R author order on 1–7, all 1: anxiety (16 + 14)/18; avoidance (6 + 84)/18 = 5.
        let s = score_row("ecr-r", "author", [1, 7], vec![Some(1); 36]);
        assert!((s[0].unwrap() - 30.0 / 18.0).abs() < 1e-12);
        assert!((s[1].unwrap() - 5.0).abs() < 1e-12);
        // The same answers read with the interleaved key give different scores: anxiety
        // (16 + 14)/18 again, avoidance (6 + 84)/18 again — but a patterned row separates them.
        let row: Vec<Option<i16>> = (1..=36)
            .map(|j| Some(if j <= 18 { 7 } else { 1 }))
            .collect();
        let a = score_row("ecr-r", "author", [1, 7], row.clone());
        let b = score_row("ecr-r", "interleaved", [1, 7], row);
        // Author: anxiety (16·7 + 2·1)/18 = 114/18; avoidance (6·1 + 12·7)/18 = 90/18.
        assert!((a[0].unwrap() - 114.0 / 18.0).abs() < 1e-12);
        assert!((a[1].unwrap() - 5.0).abs() < 1e-12);
        // Interleaved: anxiety positions 2..18 even (9 items at 7, position 2 reversed → 1) and
        // 20..36 even (9 items at 1, position 22 reversed → 7): (8·7 + 1 + 8·1 + 7)/18 = 72/18.
        assert!((b[0].unwrap() - 4.0).abs() < 1e-12);
        // CPQ all 1: constructive 6·1 + 3·9 = 33; demand subscales 7.
        let s = score_row("cpq", "published", [1, 9], vec![Some(1); 35]);
        assert_eq!(s, vec![Some(33.0), Some(7.0), Some(7.0)]);
        // CPQ-SF: Q3 (A3a) = 9, others 1: total D/W 9 + 5 = 14; self-demand 9 + 2 = 11.
        let mut row = vec![Some(1); 11];
        row[2] = Some(9);
        let s = score_row("cpq-sf", "published", [1, 9], row);
        assert_eq!(s, vec![Some(3.0), Some(14.0), Some(11.0), Some(3.0)]);
    }

    #[test]
    fn missing_data_rule() {
        // ECR-S anxiety (6 items) with one missing: the mean of the five answered.
        let mut row: Vec<Option<i16>> = vec![Some(2); 12];
        row[1] = None; // item 2, anxiety
        let s = score_row("ecr-s", "published", [1, 7], row.clone());
        // Anxiety items 4, 6, 8(rev → 6), 10, 12: (2 + 2 + 6 + 2 + 2)/5.
        assert!((s[0].unwrap() - 14.0 / 5.0).abs() < 1e-12);
        row[3] = None; // a second anxiety item: unscorable
        let s = score_row("ecr-s", "published", [1, 7], row);
        assert_eq!(s[0], None);
        assert!(s[1].is_some());
        // ECR-RS anxiety has three items: no item may be missing.
        let mut row = vec![Some(3); 9];
        row[8] = None;
        let s = score_row("ecr-rs", "published", [1, 7], row);
        assert_eq!(s[1], None);
        // Sums are prorated: CPQ self-demand (7 items), one missing, the others 3 → 3·7 = 21.
        let mut row = vec![Some(3); 35];
        row[2] = None;
        let s = score_row("cpq", "published", [1, 9], row);
        assert_eq!(s[1], Some(21.0));
    }

    #[test]
    fn rescaling_is_explicit_and_linear() {
        let i = get("ecr").unwrap().unwrap();
        let r = Responses::from_rows(36, [1, 5], &[vec![Some(3); 36]]);
        let plain = score(i, i.default_order(), &r, false).unwrap();
        assert_eq!(plain.metric.scale, [1, 5]);
        assert_eq!(plain.respondents[0].scores[0], Some(3.0));
        let re = score(i, i.default_order(), &r, true).unwrap();
        assert_eq!(
            re.metric,
            Metric {
                scale: [1, 7],
                rescaled_from: Some([1, 5])
            }
        );
        assert_eq!(re.respondents[0].scores[0], Some(4.0));
        assert_eq!(re.subscales[0].range, [1.0, 7.0]);
        let sf = get("cpq-sf").unwrap().unwrap();
        let r = Responses::from_rows(11, [1, 5], &[vec![Some(5); 11]]);
        let re = score(sf, sf.default_order(), &r, true).unwrap();
        assert_eq!(re.respondents[0].scores[0], Some(27.0));
        assert_eq!(re.subscales[0].range, [3.0, 27.0]);
    }

    #[test]
    fn summary_only_with_enough_respondents() {
        let i = get("ecr-s").unwrap().unwrap();
        let rows = |n: usize| -> Vec<Vec<Option<i16>>> {
            (0..n)
                .map(|k| (0..12).map(|j| Some(((k + j) % 7 + 1) as i16)).collect())
                .collect()
        };
        let few = Responses::from_rows(12, [1, 7], &rows(MIN_SUMMARY - 1));
        let s = score(i, i.default_order(), &few, false).unwrap();
        assert!(s.summary.is_none() && s.item_total.is_none());
        let many = Responses::from_rows(12, [1, 7], &rows(MIN_SUMMARY));
        let s = score(i, i.default_order(), &many, false).unwrap();
        let sum = s.summary.unwrap();
        assert_eq!(sum[0].n, MIN_SUMMARY);
        assert_eq!(s.item_total.unwrap()[0][0].item, "ecr-s:2");
    }

    /// The minimum applies to each subscale: 40 rows, anxiety unscorable on 15 of them (two
    /// anxiety items missing), leaves 25 anxiety scores — withheld — and 40 avoidance scores.
    #[test]
    fn the_minimum_applies_to_each_subscale() {
        let i = get("ecr-s").unwrap().unwrap();
        let rows: Vec<Vec<Option<i16>>> = (0..40)
            .map(|k| {
                (0..12)
                    .map(|j| {
                        // Anxiety items are the even item numbers: positions 1, 3, ….
                        if k < 15 && (j == 1 || j == 3) {
                            None
                        } else {
                            Some(((k * 3 + j * (k % 5 + 1)) % 7 + 1) as i16)
                        }
                    })
                    .collect()
            })
            .collect();
        let r = Responses::from_rows(12, [1, 7], &rows);
        let s = score(i, i.default_order(), &r, false).unwrap();
        let sum = s.summary.unwrap();
        assert_eq!((sum[0].n, sum[1].n), (25, 40));
        assert_eq!(sum[0].withheld, Some(SummaryGap::TooFewScored));
        assert_eq!(
            (sum[0].mean, sum[0].sd, sum[0].alpha, sum[0].sem),
            (None, None, None, None)
        );
        assert!(
            s.item_total.as_ref().unwrap()[0]
                .iter()
                .all(|x| x.r.is_none())
        );
        assert!(sum[1].mean.is_some() && sum[1].sd.is_some());
    }

    /// Alpha at or below zero: SEM withheld, with the reason; a positive alpha gives SEM.
    #[test]
    fn no_sem_without_a_positive_alpha() {
        let i = get("ecr-s").unwrap().unwrap();
        // Anxiety items alternate so that they pull against each other: negative alpha.
        let rows: Vec<Vec<Option<i16>>> = (0..40)
            .map(|k| {
                let hi = (k % 7 + 1) as i16;
                (0..12)
                    .map(|j| {
                        let anxiety = j % 2 == 1;
                        Some(if anxiety && (j / 2) % 2 == 0 {
                            hi
                        } else {
                            8 - hi
                        })
                    })
                    .collect()
            })
            .collect();
        let r = Responses::from_rows(12, [1, 7], &rows);
        let s = score(i, i.default_order(), &r, false).unwrap();
        let sum = s.summary.unwrap();
        assert!(sum[0].alpha.unwrap() <= 0.0, "{:?}", sum[0].alpha);
        assert_eq!(sum[0].sem, None);
        assert_eq!(sum[0].withheld, Some(SummaryGap::AlphaNotPositive));
        assert!(sum[0].sd.is_some());
    }

    proptest::proptest! {
        /// Laws of reverse keying on any scale: answering (min + max − x) on every item mirrors
        /// every mean-scored subscale around the midpoint, and every score stays in its range.
        #[test]
        fn mirrored_answers_mirror_scores(
            id in proptest::sample::select(vec!["ecr-r", "ecr", "ecr-s", "ecr-rs", "cpq", "cpq-sf"]),
            lo in -3i32..3,
            width in 1i32..9,
            seed in proptest::collection::vec(0u32..1000, 36),
        ) {
            let i = get(id).unwrap().unwrap();
            let scale = [lo, lo + width];
            let row: Vec<Option<i16>> = (0..i.items)
                .map(|j| Some((lo + (seed[j] % (width as u32 + 1)) as i32) as i16))
                .collect();
            let mirror: Vec<Option<i16>> =
                row.iter().map(|a| a.map(|x| (scale[0] + scale[1] - i32::from(x)) as i16)).collect();
            for o in &i.orders {
                let r = Responses::from_rows(i.items, scale, &[row.clone(), mirror.clone()]);
                let s = score(i, o, &r, false).unwrap();
                for (k, sub) in s.subscales.iter().enumerate() {
                    let a = s.respondents[0].scores[k].unwrap();
                    let b = s.respondents[1].scores[k].unwrap();
                    proptest::prop_assert!(a >= sub.range[0] - 1e-9 && a <= sub.range[1] + 1e-9);
                    let kk = if i.score == ScoreKind::Sum { sub.items as f64 } else { 1.0 };
                    proptest::prop_assert!((a + b - kk * f64::from(scale[0] + scale[1])).abs() < 1e-9);
                }
            }
        }
    }
}
