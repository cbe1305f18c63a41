//! The guide at a pseudo-terminal (through `script(1)`): the reproductions of issue 10, typed as
//! a person would, asserting the new behaviour. Each test returns early when `script` is missing.

use super::common::{at_a_terminal, run};

/// Terminal output without escape sequences.
fn plain(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// Terminal output without escape sequences, with every run of whitespace made one space, so
/// phrases can be found whatever the line wrapping.
fn flat(raw: &str) -> String {
    plain(raw).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keys that walk a whole flow in ordinary mode: skip the breathing, answer no at each check,
/// skip every pick, take the default break.
fn walk_keys(flow: &str) -> String {
    let v = run(&["guide", flow, "--json"]).json();
    let mut keys = String::new();
    for s in v["steps"].as_array().unwrap() {
        match s["interaction"].as_str().unwrap_or("") {
            "breathing" => keys.push_str("s\n"),
            "check" => keys.push_str("n\n"),
            "build" => {
                for _ in 0..=s["parts"].as_u64().unwrap() {
                    keys.push('\n');
                }
            }
            "break" => keys.push_str("\n\n"),
            _ => keys.push('\n'),
        }
    }
    keys.push('\n');
    keys
}

/// The position of `needle` in `hay`, or a failure naming it.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not shown in:\n{hay}"))
}

#[test]
fn repro_1_the_curious_opening_is_built_only_from_choices() {
    // `closer` → 1 → "A curious opening"; the words of the review are typed in.
    let keys = "1\n\
        s\nn\nn\nn\n\
        \n\n\n\n\
        \n\
        \n\n\n\
        \n\
        I saw on your phone that you were texting Sam at midnight\n1\n\
        betrayed\n1\n\
        q\nq\n";
    let Some(raw) = at_a_terminal(&[], keys) else {
        return;
    };
    let out = flat(&raw);
    at(&out, "A curious opening");
    at(&out, "That is not one of the numbers shown");
    at(
        &out,
        "\"I noticed things felt far apart between us tonight. I felt lonely.",
    );
    assert!(!out.contains("I noticed I saw"), "{out}");
    assert!(!out.contains("felt betrayed"), "{out}");
    // Quitting leaves the alternate screen, cleared.
    assert!(raw.contains("\x1b[?1049h") && raw.trim_end().ends_with("\x1b[?1049l"));
}

#[test]
fn repro_2_an_act_outside_the_dance_never_reaches_the_loop_map() {
    // same-fight: fear no, skip breathing, own-behaviour no, reaching no, three pages, then the
    // loop map; the review's words are typed, then "block a door or the way out" (12) picked.
    let keys = "n\ns\nn\nn\n\n\n\n\
        follow you from room to room and block the door\n12\n\
        q\n";
    let Some(raw) = at_a_terminal(&["guide", "same-fight"], keys) else {
        return;
    };
    let out = flat(&raw);
    let map = at(&out, "Your loop, step by step");
    let after = &out[map..];
    at(after, "That is not one of the numbers shown");
    at(after, "For tonight: keeping everyone safe, you included");
    at(after, "Leave the room yourself");
    assert!(!after.contains("villain"), "{after}");
    assert!(!after.contains("Sharing the map"), "{after}");
    assert!(!after.contains("follow you from room"), "{after}");

    // The partner's act ("grab, push or hit me", 13 in the partner's list) leads to safety help.
    let keys = "n\ns\nn\nn\n\n\n\n2\n\n\n\n\n13\nq\n";
    let Some(raw) = at_a_terminal(&["guide", "same-fight"], keys) else {
        return;
    };
    let out = flat(&raw);
    let map = at(&out, "As you see it, what does your partner tend to do?");
    let after = &out[map..];
    at(after, "If you are in danger right now");
    assert!(!after.contains("villain"), "{after}");
}

#[test]
fn repro_3_checks_ask_again_until_yes_no_or_not_sure_and_doubt_is_yes() {
    // A bare Enter, "s" and "skip" are asked again; "sometimes" counts as not sure, i.e. yes.
    let keys = "\ns\nskip\nsometimes\nq\n";
    let Some(raw) = at_a_terminal(&["guide", "i-pulled-away"], keys) else {
        return;
    };
    let out = flat(&raw);
    assert_eq!(
        out.matches("Please answer yes, no or not sure").count(),
        3,
        "{out}"
    );
    let fear = at(&out, "Are you ever afraid of your partner");
    at(&out[fear..], "If you are in danger right now");
    // "No" at the same check moves on to the next step instead.
    let Some(raw) = at_a_terminal(&["guide", "i-pulled-away"], "n\nq\n") else {
        return;
    };
    let out = flat(&raw);
    at(&out, "First, a minute for you");
    assert!(!out.contains("If you are in danger right now"));
}

#[test]
fn repro_6_not_safe_shows_the_emergency_number_first_and_breathing_is_optional() {
    // The region is asked in place (a country name works); nothing has to be typed elsewhere.
    let keys = "us\n\n\ns\nq\n";
    let Some(raw) = at_a_terminal(&["guide", "not-safe"], keys) else {
        return;
    };
    let out = flat(&raw);
    let emergency = at(&out, "If you are in danger right now");
    let number = at(&out, "Phone: 911");
    let dv = at(&out, "National Domestic Violence Hotline");
    let breathing = at(&out, "If it helps: one slow minute");
    assert!(emergency < number && number < dv && dv < breathing, "{out}");
    at(&out[breathing..], "your sense of danger may be right");
    at(&plain(&raw), "s: skip it");
    // "s" skipped the timer: no countdown ran.
    assert!(!out.contains("1/6 "), "{out}");
    assert!(!out.contains("closer help-now"));
    // A region from --region skips the question.
    let Some(raw) = at_a_terminal(&["guide", "not-safe", "--region", "UK"], "q\n") else {
        return;
    };
    let out = flat(&raw);
    at(&out, "Phone: 999");
    assert!(!out.contains("Which country or region"));
}

#[test]
fn repro_7_the_reaching_partner_is_asked_about_fear() {
    let keys = "s\ny\nUK\nq\n";
    let Some(raw) = at_a_terminal(&["guide", "partner-pulled-away"], keys) else {
        return;
    };
    let out = flat(&raw);
    let fear = at(&out, "Are you ever afraid of your partner");
    let help = at(&out, "If you are in danger right now");
    assert!(fear < help);
    at(&out[help..], "Phone: 999");
    at(&out[help..], "Thank you for saying so");
}

#[test]
fn repro_8_own_behaviour_separates_coercion_from_anxious_reaching() {
    // Coercion or a physical act: help for that role, with steps for tonight.
    let Some(raw) = at_a_terminal(&["guide", "partner-pulled-away"], "s\nn\ny\nq\n") else {
        return;
    };
    let out = flat(&raw);
    let q = at(&out, "grabbed, pushed or hit them");
    let after = &out[q..];
    for needle in [
        "Leave the room yourself",
        "Put your phone away",
        "do not contact your partner for some hours",
        "call your local emergency number",
    ] {
        at(after, needle);
    }
    // Anxious reaching ("message after message"): help for the panic, and the flow goes on.
    let Some(raw) = at_a_terminal(&["guide", "partner-pulled-away"], "s\nn\nn\ny\n\nq\n") else {
        return;
    };
    let out = flat(&raw);
    let q = at(&out, "message after message");
    let after = &out[q..];
    let panic = at(after, "That panic is real");
    at(&after[panic..], "Ways to come back to the present");
    assert!(!after.contains("For tonight: keeping everyone safe"));
}

#[test]
fn repro_11_safety_mode_learn_pause_card_and_therapy_texts() {
    // learn --afraid at a terminal: on the alternate screen, and no loop framing.
    let Some(raw) = at_a_terminal(&["learn", "--afraid", "--ways"], "\n\n\n\n\n") else {
        return;
    };
    let out = flat(&raw);
    assert!(raw.contains("\x1b[?1049h"));
    at(&out, "What is happening to you is not your fault");
    assert!(!out.contains("Both sides of the loop"), "{out}");
    // The safety-mode Pause card owes no one a response.
    at(&out, "You owe no response");
    assert!(!out.contains("not instead of one"));
    // The therapy texts of safety mode: individual help, no discernment counselling, no "if you
    // stopped reaching", no EMDR, no couple directory.
    let keys = "US\n\n\ns\n\n\n\n\n\n\n";
    let Some(raw) = at_a_terminal(&["guide", "same-fight", "--afraid"], keys) else {
        return;
    };
    let out = flat(&raw);
    at(&out, "Help for you, on your own");
    at(&out, "Finding a therapist");
    at(&out, "If you are thinking about harming yourself");
    at(&out, "That is the end of this guide");
    for banned in [
        "discernment",
        "stopped reaching",
        "EMDR",
        "villain",
        "ICEEFT",
    ] {
        assert!(!out.contains(banned), "{banned} in safety mode:\n{out}");
    }
}

#[test]
fn repro_12_every_flow_walks_through_without_a_command_to_type() {
    for flow in ["partner-pulled-away", "i-pulled-away", "same-fight"] {
        let Some(raw) = at_a_terminal(&["guide", flow], &walk_keys(flow)) else {
            return;
        };
        let out = flat(&raw);
        at(&out, "That is the end of this guide");
        at(&out, "!: safety help");
        for cmd in [
            "closer help-now",
            "closer guide",
            "--afraid",
            "closer learn",
        ] {
            assert!(!out.contains(cmd), "{flow}: {cmd}:\n{out}");
        }
        // The withdrawer's first step speaks to the one who pulled away; the quote is closed.
        if flow == "i-pulled-away" {
            at(&out, "Stepping back was your way of steadying yourself");
            at(&out, "I want to stay with you.\"");
        }
        // Therapy: directories with their source, and how to ask a partner along.
        at(&out, "Finding a therapist");
        at(&out, "Source: https://");
        at(&out, "Asking your partner to come along");
        // Screens are cleared on the way out.
        assert!(raw.trim_end().ends_with("\x1b[?1049l"), "{flow}");
    }
}

#[test]
fn the_safety_key_shows_help_in_place_from_any_step() {
    // Skip the breathing, answer no to the fear check, then press ! at the own-behaviour check.
    let Some(raw) = at_a_terminal(&["guide", "partner-pulled-away"], "s\nn\n!\nNZ\nq\n") else {
        return;
    };
    let out = flat(&raw);
    let own = at(&out, "A gentle, honest check");
    let help = at(&out[own..], "If you are in danger right now");
    at(&out[own + help..], "Phone: 111");
}

#[test]
fn bare_closer_reaches_helplines_learn_and_the_flows() {
    // 8: helplines in place, the region asked there.
    let Some(raw) = at_a_terminal(&[], "8\nUK\n\nq\n") else {
        return;
    };
    let out = flat(&raw);
    at(&out, "Helplines");
    at(&out, "Phone: 999");
    // No word of the home is broken across lines.
    let lines = plain(&raw);
    let home = &lines[..at(&lines, "Choose a number")];
    // The pseudo-terminal reports no size: closer takes the standard 80 columns and wraps one
    // short of the edge, so no line reaches the last column.
    for line in home.lines() {
        assert!(line.chars().count() <= 79, "{line:?}");
    }
    // 5: learn, on the private screen; then back home and out.
    let Some(raw) = at_a_terminal(&[], "5\nq\nq\n") else {
        return;
    };
    let out = flat(&raw);
    at(&out, "The loop");
    // 7: the private safety check runs in place, then the home comes back.
    let Some(raw) = at_a_terminal(&[], "7\nq\nq\n") else {
        return;
    };
    let out = flat(&raw);
    assert!(out.matches("What is happening?").count() >= 2, "{out}");
    // 4: I'm not safe.
    let Some(raw) = at_a_terminal(&[], "4\nq\nq\n") else {
        return;
    };
    let out = flat(&raw);
    at(&out, "If you are in danger right now");
}
