//! The clause reader (`closer_safety::risk::clause`): who and what a danger word is about.
//! Each kind of reading clears the kindly use, and the harmful use beside it stays a risk.

use closer_safety::risk::{self, RiskKind, clause::Why};

fn whys(text: &str) -> Vec<Why> {
    risk::clause::read(text)
        .into_iter()
        .map(|f| f.why)
        .collect()
}

fn kinds(text: &str) -> Vec<RiskKind> {
    risk::read(text).kinds()
}

#[test]
fn a_thing_as_subject_clears_the_verb() {
    for t in [
        "my battery's about to die so I'll call you later",
        "the plant died while you were away",
        "this heat is killing me",
    ] {
        assert!(whys(t).contains(&Why::ThingSubject), "{t}: {:?}", whys(t));
        assert!(kinds(t).is_empty(), "{t}: {:?}", kinds(t));
    }
}

#[test]
fn hyperbole_and_a_living_speaker_clear_but_a_future_first_person_frame_never_does() {
    for (t, why) in [
        (
            "I'm officially dead from laughing at your text",
            Why::Hyperbole,
        ),
        ("I'm bored to death without you", Why::Hyperbole),
        ("that comedian killed me last night", Why::SpeakerAlive),
        ("I died when I saw your face, so cute", Why::SpeakerAlive),
    ] {
        assert!(whys(t).contains(&why), "{t}: {:?}", whys(t));
        assert!(!kinds(t).contains(&RiskKind::SelfHarm), "{t}");
    }
    for t in [
        "I want to die",
        "I'm going to die laughing and then I want to die",
        "I nearly died and I wish I had",
        "I'll kill myself if you leave",
    ] {
        assert!(
            kinds(t).contains(&RiskKind::SelfHarm),
            "{t}: {:?}",
            kinds(t)
        );
    }
}

#[test]
fn an_abstract_object_clears_but_a_place_of_death_does_not() {
    assert!(whys("don't drown yourself in work this week").contains(&Why::AbstractObject));
    assert!(whys("I buried myself in a book all afternoon").contains(&Why::AbstractObject));
    assert!(kinds("I'm going to drown myself in the bath").contains(&RiskKind::SelfHarm));
    assert!(kinds("I'm going to drown myself").contains(&RiskKind::SelfHarm));
}

#[test]
fn devotion_clears_following_but_a_real_place_or_a_condition_does_not() {
    assert!(whys("I'll follow you to any city").contains(&Why::Devotion));
    assert!(kinds("I'll follow you to the ends of the earth").is_empty());
    for t in [
        "I followed you to the gym",
        "I followed you to her house",
        "if you move out, I'll follow you wherever you go",
    ] {
        assert!(!whys(t).contains(&Why::Devotion), "{t}");
    }
    assert!(!kinds("I followed you to her house").is_empty());
}

#[test]
fn offers_and_permission_clear_but_orders_stay_control() {
    for (t, why) in [
        ("stay in bed, I'll bring soup", Why::CareOffer),
        ("want me to pick up your prescription?", Why::CareOffer),
        ("you don't need to ask me", Why::Permission),
        ("no need to text back", Why::Permission),
    ] {
        assert!(whys(t).contains(&why), "{t}: {:?}", whys(t));
        assert!(kinds(t).is_empty(), "{t}: {:?}", kinds(t));
    }
    for t in [
        "you'll stay in bed until I say so",
        "you need to ask me first",
        "you don't get to go out tonight",
        "Don't worry about the kids. I'll make sure they're looked after. Permanently.",
        "I'll pick your clothes for tonight",
        "home by 9.",
    ] {
        assert!(!kinds(t).is_empty(), "{t}: still a risk");
    }
}

#[test]
fn desire_and_a_lived_through_counterfactual_clear_but_a_person_or_an_if_does_not() {
    for t in [
        "i'd die for one of ur hugs right now",
        "I could kill for a coffee",
        "Literally would have died otherwise",
        "would've died without that coffee this morning",
    ] {
        let w = whys(t);
        assert!(
            w.contains(&Why::Hyperbole) || w.contains(&Why::SpeakerAlive),
            "{t}: {w:?}"
        );
        assert!(kinds(t).is_empty(), "{t}: {:?}", kinds(t));
    }
    for t in [
        "I'd die for you",
        "I would have died if the ambulance hadn't come",
        "I'd kill for you, you know that",
    ] {
        let w = whys(t);
        assert!(
            !w.contains(&Why::Hyperbole) && !w.contains(&Why::SpeakerAlive),
            "{t}: {w:?}"
        );
    }
    // A first-person wish to die is never cleared.
    assert!(kinds("I want to die").contains(&RiskKind::SelfHarm));
}

#[test]
fn a_load_taken_off_and_rest_for_the_partner_clear_but_not_without_the_rest() {
    for t in [
        "Take your time at your mum's. I've got the kids and the dog sorted. Love you",
        "i'll keep the money side of the etsy shop sorted this month so u can rest after the op",
        "I'll take the late shift with the baby tonight so you can get a proper sleep",
        "You don't have to come to the church do if you're not feeling up to it, I'll explain",
    ] {
        let w = whys(t);
        assert!(
            w.contains(&Why::CareOffer) || w.contains(&Why::Permission),
            "{t}: {w:?}"
        );
        assert!(kinds(t).is_empty(), "{t}: {:?}", kinds(t));
    }
    // Without the partner's rest the children stay guarded; "while you sleep" is a time, not
    // rest offered; coming back home is not an invitation lifted.
    for t in [
        "if you leave I'll take the kids so you see how it feels",
        "I'm going to cut your hair myself while you sleep",
        "you don't need to come back",
    ] {
        let w = whys(t);
        assert!(
            !w.contains(&Why::CareOffer) && !w.contains(&Why::Permission),
            "{t}: {w:?}"
        );
    }
    assert!(!kinds("if you leave I'll take the kids so you see how it feels").is_empty());
}
