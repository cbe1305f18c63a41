//! Latent profiles over the per-dyad parameters of either model (a Gaussian mixture chosen by
//! BIC, with its stability), as CSV or JSON, and the summary on stderr.

use super::{Args, emit_csv, finite, note};
use crate::error::{CliError, CliResult};
use crate::io;
use closer_analyze::series::{
    self, Skip,
    profiles::{ProfileError, ProfileOptions, Profiles},
};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Serialize)]
struct ProfilesOut<'a> {
    model: &'static str,
    parameters: &'a [&'a str],
    profiles: &'a Profiles,
    dyads: &'a [ProfileRow<'a>],
    dropped: &'a [Skip],
}

/// One dyad's profile, for CSV and JSON alike (the JSON document's `dyads`): a dyad with a
/// missing parameter is a row with its `skipped` reason and no profile.
#[derive(Serialize)]
struct ProfileRow<'a> {
    dyad: &'a str,
    profile: Option<usize>,
    #[serde(serialize_with = "finite")]
    probability: Option<f64>,
    skipped: Option<&'a str>,
}

pub(super) fn profiles_out(
    args: &Args,
    model: &'static str,
    names: &[&str],
    rows: Vec<(String, Vec<Option<f64>>)>,
    k: usize,
    skipped: &[Skip],
) -> CliResult {
    let mut kept = Vec::new();
    let mut x = Vec::new();
    let mut dropped: Vec<Skip> = skipped.to_vec();
    for (dyad, vals) in rows {
        let missing: Vec<&str> = names
            .iter()
            .zip(&vals)
            .filter(|(_, v)| v.is_none_or(|v| !v.is_finite()))
            .map(|(n, _)| *n)
            .collect();
        if missing.is_empty() {
            x.push(
                vals.iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>(),
            );
            kept.push(dyad);
        } else {
            dropped.push(Skip {
                dyad,
                reason: format!("missing parameter(s): {}", missing.join(", ")),
            });
        }
    }
    for d in &dropped {
        note(format!(
            "dyad {} is not in the profiles: {}.",
            d.dyad, d.reason
        ));
    }
    let opt = ProfileOptions {
        k,
        starts: args.starts.max(1),
        bootstrap: args.bootstrap,
        seed: args.seed,
    };
    let p = match series::profiles::profiles(&x, &opt) {
        Ok(p) => p,
        Err(ProfileError::TooFewRows { rows, k }) => {
            return Err(CliError::usage(format!(
                "--profiles {k}: {rows} dyad(s) with every parameter present; a mixture with {k} profile(s) needs more dyads than profiles"
            )));
        }
        Err(ProfileError::NoFit) => {
            return Err(CliError::Other(anyhow::anyhow!(
                "no covariance model could be fitted with {k} profile(s) (every fit became singular); try fewer profiles"
            )));
        }
    };
    let rows: Vec<ProfileRow> = kept
        .iter()
        .zip(p.labels.iter().zip(&p.probability))
        .map(|(d, (&l, &pr))| ProfileRow {
            dyad: d,
            profile: Some(l),
            probability: Some(pr),
            skipped: None,
        })
        .chain(dropped.iter().map(|d| ProfileRow {
            dyad: &d.dyad,
            profile: None,
            probability: None,
            skipped: Some(&d.reason),
        }))
        .collect();
    if args.json {
        return io::emit_versioned(
            &ProfilesOut {
                model,
                parameters: names,
                profiles: &p,
                dyads: &rows,
                dropped: &dropped,
            },
            "profiles",
        );
    }
    emit_csv(&rows)?;
    let mut s = format!(
        "profiles: {} over {} dyads and {} parameters ({}); covariance model by BIC (larger is better):\n",
        p.k,
        p.n,
        p.dims,
        names.join(", ")
    );
    for r in &p.table {
        let _ = writeln!(
            s,
            "  {}  parameters {:>3}  BIC {}{}",
            r.family,
            r.parameters,
            r.bic
                .map_or("failed (singular)".to_string(), |b| format!("{b:.3}")),
            r.ari_with_chosen
                .map_or(String::new(), |a| format!("  ARI with chosen {a:.3}"))
        );
    }
    let ari = |a: &series::profiles::AriSummary| {
        format!(
            "{} runs, min {}, median {}, mean {}",
            a.runs,
            a.min.map_or("-".into(), |v| format!("{v:.3}")),
            a.median.map_or("-".into(), |v| format!("{v:.3}")),
            a.mean.map_or("-".into(), |v| format!("{v:.3}"))
        )
    };
    let _ = writeln!(s, "chosen: {}; profile sizes {:?}", p.chosen, p.sizes);
    if !p.close.is_empty() {
        let _ = writeln!(
            s,
            "close: {} within {} BIC of {}: the data do not clearly prefer one covariance model; compare their classifications (ARI above) before reading the profiles",
            p.close.join(", "),
            series::profiles::BIC_CLOSE,
            p.chosen
        );
    }
    let _ = writeln!(
        s,
        "stability (adjusted Rand index with the chosen classification):"
    );
    let _ = writeln!(s, "  across restarts: {}", ari(&p.restart_ari));
    let _ = write!(s, "  across bootstrap resamples: {}", ari(&p.bootstrap_ari));
    io::note(&s);
    Ok(())
}
