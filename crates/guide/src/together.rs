//! What is said before a change the other person may notice (issue 15): unlinking, stopping all
//! sharing, changing the passphrase, deleting the account. One screen says honestly what the
//! other person can notice and when, the least visible alternative, and where to plan first
//! (the region's lines from `closer_safety::resources`). The same words whatever mode the reader
//! is in: safety mode changes what is coached, never which controls exist.

use crate::ui::ui;
use closer_safety::Said;
use closer_safety::resources;

/// A change another person may notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Unlink,
    StopSharing,
    Passphrase,
    Delete,
}

impl Change {
    fn key(self) -> &'static str {
        match self {
            Change::Unlink => "before.unlink",
            Change::StopSharing => "before.stop",
            Change::Passphrase => "before.passphrase",
            Change::Delete => "before.delete",
        }
    }
}

/// The screen before `change`: what can be noticed and when, the quieter alternative, then
/// where to plan first with the region's lines (or the emergency advice and the international
/// directory when no region is known).
pub fn before(change: Change, region: Option<&str>) -> (Vec<Said>, Vec<Said>) {
    let words = vec![
        ui(change.key()),
        ui("before.alternative"),
        ui("before.plan"),
    ];
    (words, resources::safety_first(region))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_says_what_can_be_noticed_then_the_quieter_step_then_where_to_plan() {
        for c in [
            Change::Unlink,
            Change::StopSharing,
            Change::Passphrase,
            Change::Delete,
        ] {
            let (words, lines) = before(c, Some("UK"));
            assert_eq!(words.len(), 3);
            assert_ne!(words[0].text(), c.key(), "{c:?} has its words");
            assert!(words[1].text().contains("withdraw one entry"));
            assert!(!lines.is_empty());
            // The region's lines carry numbers (checked data only).
            assert!(
                lines
                    .iter()
                    .any(|s| s.text().chars().any(|ch| ch.is_ascii_digit()))
            );
        }
        let (a, _) = before(Change::Unlink, None);
        let (b, _) = before(Change::Delete, None);
        assert_ne!(a[0].text(), b[0].text());
        assert!(a[0].text().contains("next time"));
    }
}
