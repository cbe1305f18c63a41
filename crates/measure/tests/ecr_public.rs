//! The public ECR data (../shared/data/ecr/, 51,491 rows, 1–5, 0 = not answered) scored end to
//! end, with means, SDs and alphas checked against a separate, straightforward computation here,
//! and against the reference alphas; and the committed norm table regenerated and compared.

use closer_measure::instrument::get;
use closer_measure::norms::{self, Norms};
use closer_measure::responses;
use closer_measure::score::score;

/// The file under `../shared` as CI lays it out; `CLOSER_SHARED` points at `../shared` from a
/// checkout that is not beside it (a git worktree), as the CLI and analyze tests allow.
fn data_path() -> std::path::PathBuf {
    let shared = std::env::var_os("CLOSER_SHARED").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        std::path::PathBuf::from,
    );
    shared.join("data/ecr/ECR-data-1March2018_data.csv")
}

fn data() -> String {
    let path = data_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Raw rows (36 answers each, 0 = missing), read with a plain split: independent of the crate.
fn raw_rows(text: &str) -> Vec<Vec<i32>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .take(36)
                .map(|x| x.trim().parse().unwrap())
                .collect()
        })
        .collect()
}

const REV: [usize; 10] = [3, 15, 19, 22, 25, 27, 29, 31, 33, 35];

/// Keyed answer of item j (1-based) on 1–5.
fn keyed(row: &[i32], j: usize) -> f64 {
    let a = row[j - 1];
    f64::from(if REV.contains(&j) { 6 - a } else { a })
}

/// Alpha, mean and SD of the subscale with the given items over rows complete on them.
fn independent(rows: &[Vec<i32>], items: &[usize]) -> (usize, f64, f64, f64) {
    let complete: Vec<&Vec<i32>> = rows
        .iter()
        .filter(|r| items.iter().all(|&j| r[j - 1] != 0))
        .collect();
    let n = complete.len() as f64;
    let var = |xs: &[f64]| {
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() as f64 - 1.0)
    };
    let item_vars: f64 = items
        .iter()
        .map(|&j| var(&complete.iter().map(|r| keyed(r, j)).collect::<Vec<_>>()))
        .sum();
    let totals: Vec<f64> = complete
        .iter()
        .map(|r| items.iter().map(|&j| keyed(r, j)).sum())
        .collect();
    let k = items.len() as f64;
    let alpha = k / (k - 1.0) * (1.0 - item_vars / var(&totals));
    let means: Vec<f64> = totals.iter().map(|t| t / k).collect();
    let m = means.iter().sum::<f64>() / n;
    (complete.len(), alpha, m, var(&means).sqrt())
}

#[test]
fn public_ecr_data_scored_end_to_end() {
    let text = data();
    let ecr = get("ecr").unwrap().unwrap();
    let r = responses::parse("ecr.csv", &text, 36, [1, 5], Some("0")).unwrap();
    assert_eq!(r.len(), 51_491);
    let s = score(ecr, ecr.default_order(), &r, false).unwrap();
    let summary = s.summary.as_ref().unwrap();
    let rows = raw_rows(&text);
    let odd: Vec<usize> = (1..=36).step_by(2).collect();
    let even: Vec<usize> = (2..=36).step_by(2).collect();
    for (si, items) in [(0, &even), (1, &odd)] {
        let (n, alpha, _, _) = independent(&rows, items);
        assert_eq!(summary[si].n_complete, n);
        assert!((summary[si].alpha.unwrap() - alpha).abs() < 1e-9);
        // Means and SDs over everyone scorable (at most one item missing): computed here from
        // the raw rows with the same rule, written out plainly.
        let scores: Vec<f64> = rows
            .iter()
            .filter_map(|r| {
                let answered: Vec<f64> = items
                    .iter()
                    .filter(|&&j| r[j - 1] != 0)
                    .map(|&j| keyed(r, j))
                    .collect();
                (answered.len() + 1 >= items.len())
                    .then(|| answered.iter().sum::<f64>() / answered.len() as f64)
            })
            .collect();
        let m = scores.iter().sum::<f64>() / scores.len() as f64;
        let sd = (scores.iter().map(|x| (x - m).powi(2)).sum::<f64>()
            / (scores.len() as f64 - 1.0))
            .sqrt();
        assert_eq!(summary[si].n, scores.len());
        assert!((summary[si].mean.unwrap() - m).abs() < 1e-9);
        assert!((summary[si].sd.unwrap() - sd).abs() < 1e-9);
        let sem = summary[si].sem.unwrap();
        assert!((sem - sd * (1.0 - summary[si].alpha.unwrap()).sqrt()).abs() < 1e-12);
    }
}

#[test]
fn reference_alphas_and_documented_values_on_the_complete_rows() {
    let text = data();
    let mut complete = String::from(text.lines().next().unwrap());
    complete.push('\n');
    for l in text.lines().skip(1) {
        if l.split(',').take(36).all(|x| x.trim() != "0") {
            complete.push_str(l);
            complete.push('\n');
        }
    }
    let ecr = get("ecr").unwrap().unwrap();
    let r = responses::parse("complete.csv", &complete, 36, [1, 5], None).unwrap();
    assert_eq!(r.len(), 46_610);
    let s = score(ecr, ecr.default_order(), &r, false).unwrap();
    let sum = s.summary.unwrap();
    // instruments.json: .916 anxiety / .938 avoidance on these rows.
    assert!(
        (sum[0].alpha.unwrap() - 0.916).abs() < 0.0005,
        "{:?}",
        sum[0]
    );
    assert!(
        (sum[1].alpha.unwrap() - 0.938).abs() < 0.0005,
        "{:?}",
        sum[1]
    );
    // The values documented in data/ecr.toml for change on 1–5 are these, rounded.
    for (i, sub) in ["anxiety", "avoidance"].iter().enumerate() {
        let fact = ecr.change_fact(sub, [1, 5]).unwrap();
        assert_eq!(fact.n, 46_610);
        assert!((fact.alpha - sum[i].alpha.unwrap()).abs() < 0.0005);
        assert!(
            (fact.sd.unwrap() - sum[i].sd.unwrap()).abs() < 0.0005,
            "{sub}: {}",
            sum[i].sd.unwrap()
        );
    }
    // ECR-S items inside the ECR (instruments.json: alpha .77 / .83 for the six-item subsets).
    let ecrs = get("ecr-s").unwrap().unwrap();
    let map = ecrs.maps_to_ecr.clone().unwrap();
    let rows = raw_rows(&complete);
    let mut sub = String::from("Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11,Q12\n");
    for row in &rows {
        let cells: Vec<String> = map
            .iter()
            .map(|&e| row[e as usize - 1].to_string())
            .collect();
        sub.push_str(&cells.join(","));
        sub.push('\n');
    }
    let r = responses::parse("ecrs.csv", &sub, 12, [1, 5], None).unwrap();
    let s = score(ecrs, ecrs.default_order(), &r, false).unwrap();
    let sum = s.summary.unwrap();
    assert!((sum[0].alpha.unwrap() - 0.77).abs() < 0.005, "{:?}", sum[0]);
    assert!((sum[1].alpha.unwrap() - 0.83).abs() < 0.005, "{:?}", sum[1]);
}

#[test]
fn norm_table_matches_the_public_data() {
    let rows = raw_rows(&data());
    let mut n = Norms {
        anxiety: vec![0; 73],
        avoidance: vec![0; 73],
    };
    for r in rows.iter().filter(|r| r.iter().all(|&a| a != 0)) {
        let a: f64 = (2..=36).step_by(2).map(|j| keyed(r, j)).sum();
        let v: f64 = (1..=36).step_by(2).map(|j| keyed(r, j)).sum();
        // Sums of 18 keyed answers on 1–5: whole numbers from 18 to 90.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (ia, iv) = (a as usize - 18, v as usize - 18);
        n.anxiety[ia] += 1;
        n.avoidance[iv] += 1;
    }
    let committed = norms::norms().unwrap();
    assert!(
        *committed == n,
        "crates/measure/data/ecr-norms-1to5.csv is out of date; its data lines should be:\n{}",
        norms::format_rows(&n)
    );
}
