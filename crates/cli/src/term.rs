//! Interactive terminal screens that leave nothing behind.
//!
//! A screen runs on the terminal's alternate screen, so when it ends — normally, on `q`, on
//! Ctrl-C, on a termination signal (SIGTERM, SIGHUP) or in a panic — what was shown is cleared
//! and does not stay in the scrollback for someone else to scroll back to (docs/threat-model.md:
//! shared devices, terminal scrollback). A panic leaves the screen before its message is
//! printed, so the message stays readable instead of being erased with the screen.

use std::io::{BufRead, Write};
use std::panic::PanicHookInfo;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Leaves the alternate screen if a screen is showing (once: a second call does nothing, so the
/// normal screen is never cleared by mistake).
fn leave() {
    leave_on(&mut std::io::stdout());
}

/// [`leave`], writing to `out`.
fn leave_on(out: &mut impl Write) {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = out.write_all(LEAVE.as_bytes());
        let _ = out.flush();
    }
}

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync + 'static>;

/// The panic hook of a private screen: first leave the screen (on the writer `out` makes:
/// standard output), then let `previous` print the panic message, so the message lands on the
/// normal screen and stays readable instead of being erased with the private one.
fn leave_then<W: Write>(out: impl Fn() -> W + Send + Sync + 'static, previous: Hook) -> Hook {
    Box::new(move |info| {
        leave_on(&mut out());
        previous(info);
    })
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
            std::panic::set_hook(leave_then(std::io::stdout, std::panic::take_hook()));
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
        // For the end-to-end test of the panic hook only (`tests/cli/terminal_panic.rs`): a
        // panic while the private screen is up. Compiled only with debug assertions, so a
        // release build has no such variable (ARCHITECTURE.md, "Testing").
        #[cfg(debug_assertions)]
        if std::env::var_os("CLOSER_TEST_ONLY_PANIC_ON_SCREEN").is_some() {
            panic!("a panic for the test of the private screen's panic hook");
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer into a shared buffer, standing in for the terminal.
    #[derive(Clone)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The hook, installed for real and hit by a real panic: the leave-screen sequence reaches
    /// the terminal before the panic message (which the previous hook writes to the same
    /// terminal); with no screen showing, only the message is written.
    #[test]
    fn the_panic_hook_leaves_the_screen_before_the_message() {
        let term = Captured(Arc::new(Mutex::new(Vec::new())));
        let message = term.clone();
        // A panic of another test running meanwhile goes to the hook that was there before.
        let saved: Arc<Hook> = Arc::new(std::panic::take_hook());
        let (others, this) = (Arc::clone(&saved), std::thread::current().id());
        let previous: Hook = Box::new(move |info| {
            if std::thread::current().id() != this {
                return others(info);
            }
            let _ = write!(
                message.clone(),
                "panicked: {}",
                // `payload_as_str` would be shorter but is newer (1.91) than our MSRV (1.88).
                info.payload().downcast_ref::<&str>().copied().unwrap_or("")
            );
        });
        let writer = term.clone();
        std::panic::set_hook(leave_then(move || writer.clone(), previous));
        ACTIVE.store(true, Ordering::SeqCst);
        let first = std::panic::catch_unwind(|| panic!("on the screen"));
        let shown = std::mem::take(&mut *term.0.lock().unwrap());
        // The screen has been left: a second panic writes the message alone.
        let second = std::panic::catch_unwind(|| panic!("after it"));
        let after = std::mem::take(&mut *term.0.lock().unwrap());
        std::panic::set_hook(Box::new(move |info| saved(info)));
        assert!(first.is_err() && second.is_err());
        assert_eq!(
            String::from_utf8(shown).unwrap(),
            format!("{LEAVE}panicked: on the screen")
        );
        assert_eq!(String::from_utf8(after).unwrap(), "panicked: after it");
        assert!(!ACTIVE.load(Ordering::SeqCst));
    }
}
