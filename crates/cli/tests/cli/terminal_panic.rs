//! The private screen's panic hook, end to end: the binary panics while the alternate screen is
//! up (the debug-only trigger `CLOSER_TEST_ONLY_PANIC_ON_SCREEN` in `src/term.rs`), and the
//! terminal receives the leave-screen sequence before the panic message, so the message stays
//! on the normal screen instead of being erased with the private one.
//!
//! Compiled only with debug assertions: a build without them (the `test-release` profile) has
//! no trigger by design, and the unit test `term::tests` covers the hook's order there.
#![cfg(debug_assertions)]

/// Enters the alternate screen, clears it and returns to the normal screen
/// (`src/term.rs`: `ENTER` and `LEAVE`).
const ENTER: &str = "\x1b[?1049h";
const LEAVE: &str = "\x1b[H\x1b[2J\x1b[?1049l";

#[test]
fn a_panic_on_the_private_screen_leaves_it_before_the_message() {
    let Some((code, out)) = super::common::at_a_terminal_with(
        &["learn"],
        "\n",
        &[("CLOSER_TEST_ONLY_PANIC_ON_SCREEN", "1")],
    ) else {
        return;
    };
    assert_eq!(code, Some(101), "a panic exits 101: {out:?}");
    let entered = out.find(ENTER).expect("the private screen was entered");
    let left = out.find(LEAVE).expect("the private screen was left");
    let message = out
        .find("a panic for the test of the private screen's panic hook")
        .expect("the panic message");
    assert!(entered < left, "{out:?}");
    assert!(
        left < message,
        "the message came before leaving the screen: {out:?}"
    );
    // Nothing after the message returns to the private screen or clears the normal one.
    assert!(!out[message..].contains(ENTER), "{out:?}");
    assert!(!out[message..].contains("\x1b[2J"), "{out:?}");
}

/// Without the variable the same walk runs to its end: the trigger is inert unless asked for.
#[test]
fn without_the_test_variable_the_screen_does_not_panic() {
    let Some((code, out)) = super::common::at_a_terminal_with(&["learn"], "q\n", &[]) else {
        return;
    };
    assert_eq!(code, Some(0), "{out:?}");
    assert!(!out.contains("panicked"), "{out:?}");
}
