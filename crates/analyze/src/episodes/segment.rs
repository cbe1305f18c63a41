//! From moves to episodes: the viewer's records, grouping, and how each episode ended.
//!
//! Grouping: a move with an `episode` label belongs to that labelled episode; moves without a
//! label are grouped by quiet gaps among themselves (a new episode starts when at least `gap`
//! hours have passed since the previous unlabelled move). Episodes are ordered by their first
//! move (ties keep file order).
//!
//! Ending, read from the last move: an episode that ends on a repair, a return (which is by
//! definition a coming back after a break) or a turn toward (which is by definition an answered
//! bid) ended *reconnected* — and because it is the last move, no withdrawal followed it. One
//! that ends on a reach (a bid left open) or a withdrawal ended *disconnected*. The episode that
//! holds the last move of the window is *unfinished* (censored) unless at least `gap` hours of
//! the window passed after it: it may still reconnect, so it is never counted as disconnected.

use super::chain::closes;
use closer_domain::{Episode, EpisodeEnd, Move, MoveType, Person};
use serde::Serialize;

/// How the episodes were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// Every move had an `episode` label.
    Labels,
    /// No move had a label: quiet gaps.
    Gaps,
    /// Some had labels; the others were grouped by quiet gaps.
    LabelsAndGaps,
    /// There were no moves.
    None,
}

/// Groups moves (already restricted to what the viewer may see, sorted by time) into episodes.
/// `window_end` is the end of the observation window when one is known; without it the last
/// episode is always unfinished.
pub fn segment(moves: &[Move], gap: f64, window_end: Option<f64>) -> (Vec<Episode>, Grouping) {
    #[derive(PartialEq, Eq, Hash, Clone)]
    enum Key {
        Label(std::sync::Arc<str>),
        Gap(usize),
    }
    let labelled = moves.iter().filter(|m| m.episode.is_some()).count();
    let grouping = match (labelled, moves.len()) {
        (_, 0) => Grouping::None,
        (l, n) if l == n => Grouping::Labels,
        (0, _) => Grouping::Gaps,
        _ => Grouping::LabelsAndGaps,
    };
    let mut keys: Vec<Key> = Vec::new();
    let mut groups: Vec<Vec<Move>> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    let mut run = 0usize;
    let mut last_unlabelled: Option<f64> = None;
    // The group of the window's last move: that episode may still be going on.
    let mut last_group: Option<usize> = None;
    for m in moves {
        let key = match &m.episode {
            Some(l) => Key::Label(l.clone()),
            None => {
                if let Some(prev) = last_unlabelled
                    && m.at - prev >= gap
                {
                    run += 1;
                }
                last_unlabelled = Some(m.at);
                Key::Gap(run)
            }
        };
        let i = *index.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(m.clone());
        last_group = Some(i);
    }
    let last_time = moves.last().map(|m| m.at);
    let quiet_after = match (window_end, last_time) {
        (Some(end), Some(t)) => end - t >= gap,
        _ => false,
    };
    let episodes = groups
        .into_iter()
        .zip(keys)
        .enumerate()
        .map(|(i, (moves, key))| {
            let end = if Some(i) == last_group && !quiet_after {
                EpisodeEnd::Unfinished
            } else {
                ending(&moves)
            };
            Episode {
                label: match key {
                    Key::Label(l) => Some(l.to_string()),
                    Key::Gap(_) => None,
                },
                moves,
                end,
            }
        })
        .collect();
    (episodes, grouping)
}

/// How a finished episode ended, read from its last move.
pub fn ending(moves: &[Move]) -> EpisodeEnd {
    match moves.last() {
        Some(m) if closes(m.move_type) => EpisodeEnd::Reconnected,
        _ => EpisodeEnd::Disconnected,
    }
}

/// True when a finished episode ended reconnected through a repair.
pub fn by_repair(e: &Episode) -> bool {
    e.end == EpisodeEnd::Reconnected
        && e.moves.last().map(|m| m.move_type) == Some(MoveType::Repair)
}

/// Hours from the first move to the move that reconnected (0 when logged in one sitting).
pub fn time_to_reconnect(e: &Episode) -> Option<f64> {
    if e.end != EpisodeEnd::Reconnected {
        return None;
    }
    Some(e.moves.last()?.at - e.moves.first()?.at)
}

/// True when any move in the episode carries a way of responding.
pub fn way_tried(e: &Episode) -> bool {
    e.moves.iter().any(|m| m.way.is_some())
}

/// Whether `person` reached in the episode, and whether at least one of those reaches was
/// answered: the other person's next move in the episode was a turn toward or a repair.
pub fn reach_answered(e: &Episode, person: Person) -> Option<bool> {
    let mut reached = false;
    let mut answered = false;
    for (i, m) in e.moves.iter().enumerate() {
        if m.by == person && m.move_type == MoveType::Reach {
            reached = true;
            let reply = e.moves[i + 1..].iter().find(|n| n.by != person);
            if matches!(
                reply.map(|n| n.move_type),
                Some(MoveType::TurnToward | MoveType::Repair)
            ) {
                answered = true;
            }
        }
    }
    reached.then_some(answered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(at: f64, by: Person, t: MoveType) -> Move {
        Move::new(at, by, t)
    }

    #[test]
    fn gaps_split_and_the_last_episode_is_unfinished() {
        use MoveType::*;
        use Person::*;
        let moves = vec![
            mv(0.0, A, Reach),
            mv(0.5, B, Withdraw),
            mv(2.0, B, Return),
            mv(30.0, A, Reach),
            mv(30.0, B, Withdraw), // a tie: logged in one sitting
            mv(60.0, B, Reach),
        ];
        let (eps, g) = segment(&moves, 12.0, Some(65.0));
        assert_eq!(g, Grouping::Gaps);
        assert_eq!(eps.len(), 3);
        assert_eq!(eps[0].end, EpisodeEnd::Reconnected);
        assert_eq!(time_to_reconnect(&eps[0]), Some(2.0));
        assert_eq!(eps[1].end, EpisodeEnd::Disconnected);
        assert_eq!(eps[1].moves.len(), 2);
        assert_eq!(eps[2].end, EpisodeEnd::Unfinished);
        // With 12 quiet hours of window after it, the last episode has ended.
        let (eps, _) = segment(&moves, 12.0, Some(72.0));
        assert_eq!(eps[2].end, EpisodeEnd::Disconnected);
    }

    #[test]
    fn labels_group_and_mixed_files_fall_back_to_gaps() {
        use MoveType::*;
        use Person::*;
        let mut m = vec![
            mv(0.0, A, Reach),
            mv(1.0, B, TurnToward),
            mv(50.0, A, Reach),
            mv(51.0, B, Repair),
        ];
        m[0].episode = Some("x".into());
        m[1].episode = Some("x".into());
        let (eps, g) = segment(&m, 12.0, None);
        assert_eq!(g, Grouping::LabelsAndGaps);
        assert_eq!(eps.len(), 2);
        assert_eq!(eps[0].label.as_deref(), Some("x"));
        assert_eq!(eps[0].end, EpisodeEnd::Reconnected);
        assert_eq!(eps[1].end, EpisodeEnd::Unfinished);
    }

    #[test]
    fn answered_bids() {
        use MoveType::*;
        use Person::*;
        let e = Episode {
            label: None,
            moves: vec![mv(0.0, A, Reach), mv(0.0, A, Reach), mv(1.0, B, TurnToward)],
            end: EpisodeEnd::Reconnected,
        };
        assert_eq!(reach_answered(&e, A), Some(true));
        assert_eq!(reach_answered(&e, B), None);
        let e = Episode {
            label: None,
            moves: vec![mv(0.0, A, Reach), mv(1.0, B, Withdraw), mv(2.0, B, Repair)],
            end: EpisodeEnd::Reconnected,
        };
        assert_eq!(reach_answered(&e, A), Some(false));
        assert!(by_repair(&e));
    }
}
