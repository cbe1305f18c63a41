//! Interactive terminal screens that leave nothing behind.
//!
//! A screen runs on the terminal's alternate screen, so when it ends — normally, on `q`, on
//! Ctrl-C, on a termination signal (SIGTERM, SIGHUP) or in a panic — what was shown is cleared
//! and does not stay in the scrollback for someone else to scroll back to (docs/threat-model.md:
//! shared devices, terminal scrollback). A panic leaves the screen before its message is
//! printed, so the message stays readable instead of being erased with the screen.

use std::io::{BufRead, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Leaves the alternate screen if a screen is showing (once: a second call does nothing, so the
/// normal screen is never cleared by mistake).
fn leave() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = std::io::stdout();
        let _ = out.write_all(LEAVE.as_bytes());
        let _ = out.flush();
    }
}

const ENTER: &str = "\x1b[?1049h\x1b[H\x1b[2J";
const CLEAR: &str = "\x1b[H\x1b[2J";
const LEAVE: &str = "\x1b[H\x1b[2J\x1b[?1049l";

/// A private screen. Dropping it clears it and returns to the normal screen.
pub struct Screen {
    /// Input has ended once: every later question is answered "end of input" at once. On a
    /// pseudo-terminal an end of input (Ctrl-D) is read only once, and a second read would wait
    /// for ever (a keep-offer followed by a closing pause did exactly that).
    ended: bool,
}

impl Screen {
    /// Enters the alternate screen. Only call when [`crate::io::interactive`] is true.
    pub fn enter() -> Screen {
        ACTIVE.store(true, Ordering::SeqCst);
        // A panic leaves the screen first, then prints its message on the normal screen.
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                leave();
                previous(info);
            }));
        });
        // Ctrl-C, SIGTERM and SIGHUP (ctrlc's `termination` feature) must clear the screen too;
        // a second handler registration just fails quietly.
        let _ = ctrlc::set_handler(|| {
            leave();
            std::process::exit(130);
        });
        let mut out = std::io::stdout();
        let _ = out.write_all(ENTER.as_bytes());
        let _ = out.flush();
        Screen { ended: false }
    }

    /// Clears what is shown.
    pub fn clear(&mut self) {
        let mut out = std::io::stdout();
        let _ = out.write_all(CLEAR.as_bytes());
        let _ = out.flush();
    }

    /// Prints text.
    pub fn show(&mut self, text: &str) {
        let mut out = std::io::stdout();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// Shows a prompt and reads one line; `None` when input ends.
    pub fn ask(&mut self, prompt: &str) -> Option<String> {
        self.show(prompt);
        if self.ended {
            return None;
        }
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                self.ended = true;
                None
            }
            Ok(_) => Some(line.trim().to_string()),
        }
    }

    /// Throws away keys typed while nothing was asking (for example during the breathing
    /// timer), so they do not leak into the next question.
    pub fn drain_input(&mut self) {
        // On a non-terminal it fails harmlessly.
        let _ = nix::sys::termios::tcflush(std::io::stdin(), nix::sys::termios::FlushArg::TCIFLUSH);
    }

    /// Waits for Enter (or end of input). Returns false if the person typed `q`.
    pub fn pause(&mut self, prompt: &str) -> bool {
        !matches!(self.ask(prompt).as_deref(), None | Some("q") | Some("Q"))
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        leave();
    }
}
