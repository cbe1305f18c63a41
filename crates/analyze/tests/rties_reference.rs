//! Agreement with rties 5.0.0, dyad by dyad, beyond the digits rties publishes.
//!
//! The reference files in `tests/data/rties/` are rties' own results on its example data, written
//! at full precision by `bench/rties_reference.R` (rties' functions run with their rounding to 5
//! and 2 decimals turned off; nothing else changed). The standard is agreement to 1e-6 for
//! every dyad; each test asserts that, for every number rties returns (coefficients, adjusted R²
//! of every model variant, the chosen τ and E, the periods), and that every value R reports as NA
//! (dyad 19's aliased partner terms) is missing here too.

use closer_analyze::series::{
    Columns, Grid, Lag, Pairing, coupled_oscillator, data, inertia_coordination,
};
use std::collections::HashMap;

/// The standard: |closer − rties| ≤ 1e-6 · max(1, |rties|) (absolute for numbers below 1,
/// relative for the periods of tens of seconds).
const TOLERANCE: f64 = 1e-6;

fn shared(file: &str) -> data::SeriesData {
    let (path, text) = shared_text(file);
    data::parse(&path, &text, &Columns::default()).expect("example data parses")
}

fn shared_text(file: &str) -> (String, String) {
    // CLOSER_SHARED points at ../shared from a checkout that is not beside it (a worktree).
    let shared = std::env::var("CLOSER_SHARED")
        .unwrap_or_else(|_| format!("{}/../../../shared", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{shared}/data/rties/{file}");
    let text = std::fs::read_to_string(&path).expect("shared rties example data");
    (path, text)
}

/// The example data with every man's id changed to couple id − 1000, as `bench/rties_reference.R`
/// does for the quirk case: the person whose id equals the dyad id (the woman) then sorts second.
fn shared_with_men_sorting_first(file: &str) -> data::SeriesData {
    let (path, text) = shared_text(file);
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
        // couple, person, dial, time, female, …
        if f[4] == "0" {
            f[1] = (f[0].parse::<i64>().unwrap() - 1000).to_string();
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    data::parse(&path, &out, &Columns::default()).expect("example data parses")
}

/// dyad → column → value (`None` for R's NA).
type Rows = HashMap<String, HashMap<String, Option<f64>>>;

/// One reference file: the dyads in file order, and their rows.
fn reference(file: &str) -> (Vec<String>, Rows) {
    let path = format!("{}/tests/data/rties/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("reference file");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut order = Vec::new();
    let mut rows = HashMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), header.len(), "{file}: {line}");
        let dyad = fields[0].to_owned();
        let row = header[1..]
            .iter()
            .zip(&fields[1..])
            .map(|(h, f)| {
                let v = (!f.is_empty()).then(|| f.parse::<f64>().expect("a number"));
                (h.clone(), v)
            })
            .collect();
        order.push(dyad.clone());
        rows.insert(dyad, row);
    }
    (order, rows)
}

/// Compares one value; returns the scaled difference (for the report).
fn agree(file: &str, dyad: &str, field: &str, ours: Option<f64>, theirs: Option<f64>) -> f64 {
    match (ours, theirs) {
        (None, None) => 0.0,
        (Some(a), Some(b)) => {
            let d = (a - b).abs() / b.abs().max(1.0);
            assert!(
                d <= TOLERANCE,
                "{file}, dyad {dyad}, {field}: closer {a} vs rties {b}"
            );
            d
        }
        _ => panic!("{file}, dyad {dyad}, {field}: closer {ours:?} vs rties {theirs:?}"),
    }
}

/// Compares every named value of one dyad; returns the worst scaled difference.
fn agree_all(
    file: &str,
    dyad: &str,
    ours: &[(&str, Option<f64>)],
    theirs: &HashMap<String, Option<f64>>,
) -> f64 {
    ours.iter()
        .map(|&(field, v)| agree(file, dyad, field, v, theirs[field]))
        .fold(0.0, f64::max)
}

fn report(file: &str, dyads: usize, worst: f64) {
    eprintln!("{file}: {dyads} dyads, worst scaled difference {worst:.1e}");
}

fn check_ic(d: &data::SeriesData, lag: Lag, reference_file: &str) -> Vec<bool> {
    let (order, want) = reference(reference_file);
    let f = inertia_coordination(d, lag, Pairing::Rties, true);
    assert!(f.skipped.is_empty());
    let got: Vec<&str> = f.dyads.iter().map(|x| x.dyad.as_str()).collect();
    assert_eq!(got, order, "the same dyads in rties' order");
    let mut worst: f64 = 0.0;
    for x in &f.dyads {
        let w = &want[&x.dyad];
        let c = &x.full;
        let mine = [
            ("int0", c.int0),
            ("int1", c.int1),
            ("inert0", c.inert0),
            ("coord0", c.coord0),
            ("inert1", c.inert1),
            ("coord1", c.coord1),
            ("adj_r2", c.adj_r2),
            ("adj_r2_inertia", x.inertia.as_ref().and_then(|i| i.adj_r2)),
            (
                "adj_r2_coordination",
                x.coordination.as_ref().and_then(|i| i.adj_r2),
            ),
        ];
        worst = worst.max(agree_all(reference_file, &x.dyad, &mine, w));
    }
    report(reference_file, order.len(), worst);
    f.dyads.iter().map(|x| x.self_paired).collect()
}

fn check_clo(data_file: &str, grid: Grid, reference_file: &str) {
    let d = shared(data_file);
    let (order, want) = reference(reference_file);
    let f = coupled_oscillator(&d, &grid, Pairing::Rties);
    assert!(f.skipped.is_empty());
    let got: Vec<&str> = f.dyads.iter().map(|x| x.dyad.as_str()).collect();
    assert_eq!(got, order, "the same dyads in rties' order");
    let mut worst: f64 = 0.0;
    for x in &f.dyads {
        let w = &want[&x.dyad];
        let c = &x.fit;
        assert_eq!(
            (Some(c.tau as f64), Some(c.embed as f64)),
            (w["tau"], w["embed"]),
            "{reference_file}, dyad {}: the chosen (tau, embed)",
            x.dyad
        );
        let mine = [
            ("obs_0", c.obs_0),
            ("d1_0", c.d1_0),
            ("p_obs_0", c.p_obs_0),
            ("p_d1_0", c.p_d1_0),
            ("obs_1", c.obs_1),
            ("d1_1", c.d1_1),
            ("p_obs_1", c.p_obs_1),
            ("p_d1_1", c.p_d1_1),
            ("period_0", c.period_0),
            ("period_1", c.period_1),
            ("adj_r2", c.adj_r2),
            ("fit_table_r2", c.adj_r2),
            ("uncoupled_adj_r2", c.uncoupled_adj_r2),
        ];
        worst = worst.max(agree_all(reference_file, &x.dyad, &mine, w));
    }
    report(reference_file, order.len(), worst);
}

#[test]
fn inertia_coordination_abs_max_cc_agrees_with_rties_on_every_dyad() {
    let d = shared("rties_ExampleDataFull.csv");
    let self_paired = check_ic(&d, Lag::AbsMaxCC, "ic_full_absmaxcc.csv");
    assert!(self_paired.iter().all(|&s| !s));
}

#[test]
fn inertia_coordination_fixed_lag_agrees_with_rties_on_every_dyad() {
    check_ic(
        &shared("rties_ExampleDataFull.csv"),
        Lag::Fixed(2),
        "ic_full_lag2.csv",
    );
    check_ic(
        &shared("rties_ExampleDataShort.csv"),
        Lag::Fixed(1),
        "ic_short_lag1.csv",
    );
}

#[test]
fn the_pairing_quirk_is_reproduced_as_rties_computes_it() {
    // rties pairs each person with themselves here: the coordination terms are aliased and come
    // out NA in R; closer's `--pairing rties` gives the same numbers and flags every dyad.
    let d = shared_with_men_sorting_first("rties_ExampleDataShort.csv");
    let self_paired = check_ic(&d, Lag::Fixed(2), "ic_short_quirk_lag2.csv");
    assert_eq!(self_paired.len(), 20);
    assert!(self_paired.iter().all(|&s| s));
}

#[test]
fn coupled_oscillator_agrees_with_rties_on_every_dyad() {
    let grid = Grid {
        taus: vec![4, 5],
        embeds: vec![3, 4, 5],
        delta: 1.0,
    };
    check_clo("rties_ExampleDataFull.csv", grid, "clo_full_t45_e345.csv");
}

#[test]
fn coupled_oscillator_on_another_grid_agrees_with_rties_on_every_dyad() {
    let grid = Grid {
        taus: vec![2, 3],
        embeds: vec![3, 4],
        delta: 1.0,
    };
    check_clo("rties_ExampleDataShort.csv", grid, "clo_short_t23_e34.csv");
}
