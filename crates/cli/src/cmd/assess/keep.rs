//! Keeping one person's own scores in their journal (issue 14: "assess and screen offer to keep
//! results"): at a terminal a yes/no asked after the scores are shown, never yes by default;
//! without a terminal only with `--keep`. A file of several people's answers is never kept: a
//! journal belongs to one person.

use crate::cmd::journal::{DbArgs, Opened, now, open, store_err};
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, interactive};
use closer_guide::journal as say;
use closer_guide::measure_view as mv;
use closer_measure::Responses;
use closer_measure::score::Scored;
use closer_store::{AssessmentData, OpenMode};

/// Whether to keep, decided before anything is printed so a refusal leaves nothing half done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// `--keep`: keep without asking.
    Yes,
    /// At a terminal, one person's answers, text output: ask after the scores are shown.
    Ask,
    No,
}

/// What `--keep`, the number of respondents, `--json` and the terminal allow.
pub(super) fn decide(flag: bool, respondents: usize, json: bool) -> CliResult<Keep> {
    if flag && respondents != 1 {
        return Err(CliError::usage(format!(
            "--keep: a journal keeps one person's own answers; this file has {respondents} respondents (expected one row)"
        )));
    }
    Ok(if flag {
        Keep::Yes
    } else if respondents == 1 && !json && interactive() {
        Keep::Ask
    } else {
        Keep::No
    })
}

/// The one respondent's answers (missing ones as null) and scores as the journal keeps them
/// (the same shape the web app keeps: `closer_guide::measure_view`).
pub(super) fn record(
    instrument: &str,
    resp: &Responses,
    scored: &Scored,
    at: i64,
) -> AssessmentData {
    AssessmentData {
        at,
        recorded_at: at,
        instrument: instrument.to_string(),
        answers: mv::kept_answers(resp),
        scores: mv::kept_scores(scored),
        imported_at: None,
    }
}

/// The journal `--keep` writes to, opened (and unlocked) before anything is printed.
pub(super) struct Journal {
    rt: tokio::runtime::Runtime,
    opened: Opened,
}

/// With `--keep`, opens the journal before the scores are printed: a locked journal asks for
/// its passphrase now (at a terminal) or is refused now (exit 2, nothing printed), never after
/// the scores are on the screen. Asking at a terminal opens it only after a yes.
pub(super) fn open_first(keep: Keep, db: &DbArgs) -> CliResult<Option<Journal>> {
    if keep != Keep::Yes {
        return Ok(None);
    }
    let rt = closer_store::runtime()?;
    let opened = rt.block_on(open(db, OpenMode::Create, true))?;
    Ok(Some(Journal { rt, opened }))
}

/// Asks (when `keep` is `Ask`) and keeps the record in the journal `db` names (`journal`, when
/// [`open_first`] opened it). After a JSON document the confirmation goes to stderr, so stdout
/// stays one document.
pub(super) fn keep(
    keep: Keep,
    journal: Option<Journal>,
    db: &DbArgs,
    json: bool,
    data: impl FnOnce(i64) -> AssessmentData,
) -> CliResult {
    match keep {
        Keep::No => return Ok(()),
        Keep::Ask => {
            emit_page(Page::new().text(&say::say("assess.keep-ask"), 0))?;
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err()
                || !matches!(line.trim().to_lowercase().as_str(), "y" | "yes")
            {
                return emit_page(Page::new().entry(&say::say("assess.not-kept")));
            }
        }
        Keep::Yes => {}
    }
    let data = data(now());
    let Journal { rt, opened } = match journal {
        Some(j) => j,
        None => {
            let rt = closer_store::runtime()?;
            let opened = rt.block_on(open(db, OpenMode::Create, true))?;
            Journal { rt, opened }
        }
    };
    rt.block_on(async {
        let added = opened
            .store
            .add_assessment(&opened.owner, &data)
            .await
            .map_err(store_err);
        opened.store.close().await;
        added
    })?;
    let kept = say::say("assess.kept");
    if json {
        crate::io::note(kept.text());
        Ok(())
    } else {
        emit_page(Page::new().entry(&kept))
    }
}

#[cfg(test)]
mod tests {
    use super::{Keep, decide};

    #[test]
    fn only_one_persons_answers_are_kept_and_never_without_asking() {
        // --keep with one row keeps; with several rows it is refused, JSON or not.
        assert_eq!(decide(true, 1, false).unwrap(), Keep::Yes);
        assert_eq!(decide(true, 1, true).unwrap(), Keep::Yes);
        for json in [false, true] {
            let e = decide(true, 3, json).unwrap_err();
            assert!(e.to_string().contains("3 respondents"), "{e}");
        }
        // Without --keep and without a terminal (as under `cargo test`): nothing is kept.
        assert_eq!(decide(false, 1, false).unwrap(), Keep::No);
        assert_eq!(decide(false, 2, false).unwrap(), Keep::No);
    }
}
