//! The research file's tables: per-row scores, the summary with item–total correlations, and
//! (with --research) every row's CPQ signals. Numbers and identifiers only, as `io::Table`s;
//! the one heading above a table is a reviewed sentence.

use crate::io::{Cell, Page, Table};
use closer_domain::SafetySignal;
use closer_measure::score::{ItemTotal, Scored, Summary};
use closer_safety::Said;
use serde::Serialize;

/// The snake_case JSON name of a signal's domain or direction, for the research table.
fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Per-row scores; subscales marked `hidden` are left out (their withholding is said).
pub(super) fn scores(page: &mut Page, s: &Scored, hidden: &[bool]) {
    let shown = |i: usize| !hidden.get(i).copied().unwrap_or(false);
    let mut t = Table::new();
    let names: Vec<&str> = s.subscales.iter().map(|sub| short(&sub.id)).collect();
    let mut head = vec![Cell::id("line", 6)];
    for (i, name) in names.iter().enumerate() {
        if shown(i) {
            head.extend([Cell::gap(2), Cell::id(name, 12)]);
        }
    }
    t.row(&head);
    for r in &s.respondents {
        let mut row = vec![Cell::count(r.line, 6)];
        for (i, x) in r.scores.iter().enumerate() {
            if shown(i) {
                row.extend([Cell::gap(2), Cell::num(*x, 3, 12)]);
            }
        }
        t.row(&row);
    }
    t.blank();
    page.table(&t);
}

/// A column name short enough for the table.
fn short(id: &str) -> &str {
    match id {
        "constructive_communication" => "constructive",
        "self_demand_partner_withdraw" => "self_dem/p_wd",
        "partner_demand_self_withdraw" => "p_dem/self_wd",
        "total_demand_withdraw" => "total_d/w",
        other => other,
    }
}

/// Means, SDs, alpha, SEM and complete cases per subscale, then (under `heading`) every item's
/// corrected item–total correlation, `r` marking a reverse-keyed item.
pub(super) fn summary(
    page: &mut Page,
    s: &Scored,
    sum: &[Summary],
    it: &[Vec<ItemTotal>],
    heading: &Said,
) {
    let mut t = Table::new();
    t.row(&[
        Cell::id("subscale", -30),
        Cell::gap(1),
        Cell::id("n", 7),
        Cell::gap(1),
        Cell::id("mean", 8),
        Cell::gap(1),
        Cell::id("sd", 7),
        Cell::gap(1),
        Cell::id("alpha", 7),
        Cell::gap(1),
        Cell::id("SEM", 7),
        Cell::gap(1),
        Cell::id("complete", 10),
    ]);
    for (sub, x) in s.subscales.iter().zip(sum) {
        t.row(&[
            Cell::id(&sub.id, -30),
            Cell::gap(1),
            Cell::count(u64::try_from(x.n).unwrap_or(u64::MAX), 7),
            Cell::gap(1),
            Cell::num(x.mean, 3, 8),
            Cell::gap(1),
            Cell::num(x.sd, 3, 7),
            Cell::gap(1),
            Cell::num(x.alpha, 3, 7),
            Cell::gap(1),
            Cell::num(x.sem, 3, 7),
            Cell::gap(1),
            Cell::count(u64::try_from(x.n_complete).unwrap_or(u64::MAX), 10),
        ]);
    }
    t.blank();
    page.table(&t).text(heading, 0);
    let mut t = Table::new();
    for (sub, items) in s.subscales.iter().zip(it) {
        let label = format!("{}:", sub.id);
        t.row(&[Cell::gap(2), Cell::id(&label, 0)]);
        for chunk in items.chunks(6) {
            let mut row = vec![Cell::gap(3)];
            for i in chunk {
                row.extend([
                    Cell::gap(1),
                    Cell::id(&i.column, 4),
                    if i.reversed {
                        Cell::id("r", 1)
                    } else {
                        Cell::gap(1)
                    },
                    Cell::num(i.r, 3, 6),
                ]);
            }
            t.row(&row);
        }
    }
    t.blank();
    page.table(&t);
}

/// Every row's CPQ signals (item, domain, direction) under `heading`; `—` when there are none.
pub(super) fn signals(
    page: &mut Page,
    s: &Scored,
    sig: &[Option<Vec<SafetySignal>>],
    heading: &Said,
) {
    page.text(heading, 0);
    let mut t = Table::new();
    let mut any = false;
    for (r, list) in s.respondents.iter().zip(sig) {
        for x in list.iter().flatten() {
            any = true;
            let item = match &x.source {
                closer_domain::SignalSource::Item(i) => i.as_str(),
                _ => "",
            };
            let (domain, direction) = (snake(&x.domain), snake(&x.direction));
            t.row(&[
                Cell::gap(2),
                Cell::count(r.line, 6),
                Cell::gap(2),
                Cell::id(item, 0),
                Cell::gap(2),
                Cell::id(&domain, 0),
                Cell::gap(2),
                Cell::id(&direction, 0),
            ]);
        }
    }
    if !any {
        t.row(&[Cell::num(None, 0, 3)]);
    }
    t.blank();
    page.table(&t);
}
