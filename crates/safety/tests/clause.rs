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
