//! The whole-message veto of the risk reader (`model::Params::caring_veto`): a phrase rule's
//! hit in a message the model reads, as a whole, as care is dropped; self-harm in a
//! first-person frame never is, and a threat wrapped in loving words keeps its hits. The
//! messages were written for this test, not taken from any corpus or training file.

use closer_safety::risk::{self, RiskKind, model};

fn without_veto() -> model::Params {
    model::Params {
        caring_veto: f64::INFINITY,
        ..model::PARAMS
    }
}

/// The shipped parameters with the veto's margin just under this message's care margin, so the
/// whole-message veto applies to it whatever the trained model's exact margin.
fn vetoing(text: &str) -> model::Params {
    let margin = risk::care_margin(text, model::model());
    assert!(margin > 0.0, "{text} reads as care ({margin})");
    model::Params {
        caring_veto: margin - 0.5,
        ..model::PARAMS
    }
}

fn kinds(text: &str, p: &model::Params) -> Vec<RiskKind> {
    risk::read_using(text, Some((model::model(), p))).kinds()
}

#[test]
fn a_phrase_in_a_message_of_care_is_left_alone() {
    let text =
        "Don't hurt yourself lifting that sofa on your own, wait for me and we'll do it together";
    // The phrase rule reads "hurt yourself" without the veto…
    assert_eq!(kinds(text, &without_veto()), vec![RiskKind::SelfHarm]);
    // …and the whole message reads as care by more than the veto's margin.
    assert!(risk::care_margin(text, model::model()) > model::PARAMS.caring_veto);
    assert!(kinds(text, &model::PARAMS).is_empty());
}

#[test]
fn first_person_self_harm_stands_however_warm_the_words_around_it() {
    let text = "Morning gorgeous, hope you slept well, love you loads, thanks for dinner last night. I'm going to end it all tonight";
    // Even with the whole message read as care by more than the veto's margin, a first-person
    // frame is never vetoed.
    assert!(kinds(text, &vetoing(text)).contains(&RiskKind::SelfHarm));
    assert!(kinds(text, &model::PARAMS).contains(&RiskKind::SelfHarm));
    assert_eq!(risk::read(text).path(), risk::Path::Crisis);
}

#[test]
fn a_threat_in_its_own_clause_stands_when_the_rest_reads_as_care() {
    let text = "you're the best cook in the world, this lasagne is to die for, and if you ever leave me you won't see the kids again";
    // With the whole message read as care by more than the veto's margin, the threat's own
    // clause does not read as care, so its hit stands.
    assert!(kinds(text, &vetoing(text)).contains(&RiskKind::Children));
    assert!(kinds(text, &model::PARAMS).contains(&RiskKind::Children));
}

#[test]
fn threats_and_goodbyes_wrapped_in_loving_words_keep_their_hits() {
    for (text, kind) in [
        (
            "Love you babe, have a lovely day at work, dinner's at 7, and remember if you ever leave me you'll never see the kids again",
            RiskKind::Children,
        ),
        (
            "miss you so much babe, can't wait to see you, oh and I've been reading your messages while you sleep so don't lie to me",
            RiskKind::Surveillance,
        ),
        (
            "Sweetheart you looked so beautiful tonight, but you're not going to your sister's on Saturday, I've decided",
            RiskKind::Isolation,
        ),
        (
            "Thank you for the lovely weekend my darling. I've left letters for everyone in the drawer. Please look after the cat for me",
            RiskKind::SelfHarm,
        ),
    ] {
        assert!(
            risk::care_margin(text, model::model()) < model::PARAMS.caring_veto,
            "{text}"
        );
        assert!(kinds(text, &model::PARAMS).contains(&kind), "{text}");
        assert_eq!(
            kinds(text, &model::PARAMS),
            kinds(text, &without_veto()),
            "the veto changed nothing here: {text}"
        );
    }
}
