//! The clause reader: who and what a danger word is about (issue 10, round 8).
//!
//! Every new writer used danger words kindly in new ways ("my battery's about to die", "that
//! comedian killed me", "don't drown yourself in work", "stay in bed, I'll bring soup", "I'll
//! follow you to any city"), and lists of idioms never caught up. So instead of another list,
//! this reads the *structure* of the clause around each danger word — its grammatical subject,
//! its object or complement, its tense — and says when the word cannot be about harm to a person.
//! The words it clears are masked ([`Figure::tokens`]) before the rules and the small model read
//! the sentence, exactly like a `[kind_uses]` idiom; the rest of the sentence is still read, so a
//! threat beside a figure of speech is still noticed.
//!
//! What it reads (each a [`Why`]):
//! - **A thing, not a person, is the subject** ([`Why::ThingSubject`]): "my battery's dying",
//!   "the plant died", "that joke killed", "this heat is killing me". The subject is the last
//!   word before the verb once auxiliaries and adverbs are stepped over ("my battery's about to
//!   die" → "battery"), looked up in a small lexicon of *kinds* of thing (devices, plants, cars,
//!   shows, jokes, weather, days, body parts that ache) — kinds, not idioms.
//! - **A cause or degree complement marks hyperbole** ([`Why::Hyperbole`]): "dead / dying /
//!   died from, of or with laughing, laughter, embarrassment, boredom, cringe…", "dead laughing",
//!   "to death" after a feeling ("bored to death", "love you to death").
//! - **The speaker is alive** ([`Why::SpeakerAlive`]): a past-tense "X killed me" about a
//!   performance, a joke or a day, or "I died", without "almost / nearly / could have / tried
//!   to / wanted to": whoever writes it lived, so it is figurative.
//! - **An abstract object** ([`Why::AbstractObject`]): "drown (yourself) in work", "bury myself
//!   in a book": the place one is drowned or buried in is work, mail or a story.
//! - **Devotion, not pursuit** ([`Why::Devotion`]): "follow you anywhere / to any city / to the
//!   ends of the earth / wherever you go"; "followed you to the gym / to her house" names a real
//!   place and stays surveillance.
//! - **An offer of care, not an order** ([`Why::CareOffer`]): an imperative for the partner's
//!   own rest or health ("stay in bed", "rest up", "put your feet up") in a sentence where the
//!   speaker offers to do something ("I'll bring soup", "let me pick up your prescription"), and
//!   no word of control ("until", "or else", "when I say"). "You'll stay in bed" is no
//!   imperative and stays control.
//! - **Permission granted, not demanded** ([`Why::Permission`]): a negated obligation on an act
//!   of asking or reporting ("you don't need to ask me", "you don't have to check in", "no need to
//!   text back"). "You don't get to…", "you need to ask me first", "you don't need to see your
//!   friends" are not negated obligations on asking or reporting, and stay control.
//!
//! **Never weakened:** a first-person reading with a future, present-wish or conditional frame
//! ("I'm going to…", "I'll…", "I want to…", "I wish…", "if…", "I'd…", "about to…"): hyperbole,
//! the speaker-alive reading and the abstract object clear nothing in a sentence where the writer
//! speaks of themself in such a frame; doubt counts as yes there. A thing as subject is never a
//! first-person reading, so it still clears its verb.
//!
//! Pure, deterministic, allocation-light: a few passes over the sentence's words.

use super::Token;

/// Why a stretch of words was read as not about harm to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    ThingSubject,
    Hyperbole,
    SpeakerAlive,
    AbstractObject,
    Devotion,
    /// Watching a thing (a show, a match, a stream), not a person.
    ThingObject,
    /// Someone else's funeral as an event in time.
    Event,
    /// The speaker's own return time ("should be back by 6"): not a curfew.
    OwnTime,
    CareOffer,
    Permission,
}

/// One reading: the tokens it clears (indices into the token list) and their byte span in the
/// text.
#[derive(Debug, Clone)]
pub struct Figure {
    pub why: Why,
    pub tokens: Vec<usize>,
    pub start: usize,
    pub end: usize,
}

/// Marks of laughter typed right after a word.
const LAUGHING: [char; 5] = [
    '\u{1F602}',
    '\u{1F923}',
    '\u{1F480}',
    '\u{1F606}',
    '\u{1F62D}',
];

/// Danger verbs and states whose subject and complement are read.
const DEATH: &[&str] = &[
    "die",
    "dies",
    "dying",
    "died",
    "dead",
    "death",
    "kill",
    "kills",
    "killing",
    "killed",
    "murder",
    "murdering",
    "murdered",
];
const DROWN: &[&str] = &[
    "drown", "drowns", "drowning", "drowned", "bury", "burying", "buried", "buries",
];
const FOLLOW: &[&str] = &["follow", "following", "followed", "follows"];

/// Kinds of thing that can "die" or "kill" without harm to anyone: devices and their parts,
/// plants, vehicles, signals, events, shows and jokes, weather, days and work, aching body parts.
const THINGS: &[&str] = &[
    "battery",
    "batteries",
    "phone",
    "laptop",
    "computer",
    "charger",
    "tablet",
    "ipad",
    "tv",
    "telly",
    "remote",
    "router",
    "wifi",
    "internet",
    "signal",
    "screen",
    "printer",
    "kettle",
    "toaster",
    "fridge",
    "freezer",
    "boiler",
    "heating",
    "dishwasher",
    "hoover",
    "headphones",
    "airpods",
    "earbuds",
    "speaker",
    "watch",
    "camera",
    "console",
    "controller",
    "bulb",
    "lamp",
    "torch",
    "engine",
    "car",
    "van",
    "bike",
    "scooter",
    "motor",
    "plant",
    "plants",
    "flowers",
    "flower",
    "basil",
    "tomatoes",
    "garden",
    "lawn",
    "cactus",
    "succulent",
    "orchid",
    "tree",
    "party",
    "joke",
    "jokes",
    "pun",
    "meme",
    "memes",
    "show",
    "film",
    "movie",
    "episode",
    "series",
    "finale",
    "ending",
    "cliffhanger",
    "suspense",
    "book",
    "song",
    "video",
    "vid",
    "tiktok",
    "reel",
    "gig",
    "set",
    "comedy",
    "sketch",
    "heat",
    "humidity",
    "cold",
    "weather",
    "traffic",
    "commute",
    "queue",
    "hill",
    "hills",
    "stairs",
    "workout",
    "gym",
    "run",
    "hike",
    "class",
    "spin",
    "exam",
    "exams",
    "deadline",
    "deadlines",
    "week",
    "day",
    "today",
    "monday",
    "mondays",
    "shift",
    "meeting",
    "meetings",
    "back",
    "feet",
    "legs",
    "knees",
    "knee",
    "neck",
    "head",
    "shoulder",
    "shoulders",
    "hangover",
    "shoes",
    "heels",
    "boots",
    "conversation",
    "vibe",
    "mood",
    "buzz",
    "battery's",
    "candle",
    "fire",
    "sourdough",
    "starter",
    "yeast",
    "cuteness",
];

/// Performances, jokes and days: the subjects of a past-tense "X killed me" said by someone
/// alive.
const PERFORMANCES: &[&str] = &[
    "comedian",
    "comic",
    "standup",
    "joke",
    "jokes",
    "pun",
    "meme",
    "show",
    "film",
    "movie",
    "episode",
    "video",
    "gig",
    "set",
    "speech",
    "toast",
    "story",
    "text",
    "message",
    "face",
    "outfit",
    "photo",
    "pic",
    "voice",
    "impression",
    "dance",
    "routine",
    "sketch",
    "day",
    "today",
    "week",
    "workout",
    "class",
    "run",
    "hike",
    "shift",
    "commute",
    "that",
    "this",
    "it",
    "ending",
    "finale",
    "punchline",
    "caption",
    "gif",
    "reply",
    "laugh",
    "card",
    "note",
];

/// Causes that make "dying / dead of …" a figure of speech.
const CAUSES: &[&str] = &[
    "laughing",
    "laughter",
    "laughs",
    "giggling",
    "giggles",
    "embarrassment",
    "boredom",
    "cringe",
    "cringing",
    "cuteness",
    "shame",
    "excitement",
    "happiness",
    "joy",
    "jealousy",
    "envy",
    "hunger",
    "thirst",
    "heat",
    "exhaustion",
    "tiredness",
    "curiosity",
    "suspense",
    "anticipation",
    "nerves",
    "fomo",
    "delight",
    "sweetness",
    "love",
    "secondhand",
];

/// Feelings that make "… to death" a degree, not a death.
const FEELINGS: &[&str] = &[
    "bored",
    "boring",
    "love",
    "loved",
    "loves",
    "tickled",
    "worried",
    "worry",
    "worrying",
    "sick",
    "tired",
    "thrilled",
    "chuffed",
    "spoiled",
    "spoilt",
    "spoil",
    "cuddle",
    "cuddled",
    "hug",
    "hugged",
    "kiss",
    "kissed",
    "squeeze",
    "adore",
    "adored",
    "annoyed",
    "laughed",
    "overthink",
    "overthinking",
    "overthought",
];

/// Where one is drowned or buried in, when it is work, mail, a story or kindness.
const ABSTRACT: &[&str] = &[
    "work",
    "paperwork",
    "emails",
    "email",
    "admin",
    "homework",
    "assignments",
    "marking",
    "deadlines",
    "books",
    "book",
    "novel",
    "netflix",
    "tv",
    "revision",
    "laundry",
    "chores",
    "meetings",
    "tasks",
    "reports",
    "essays",
    "spreadsheets",
    "invoices",
    "tax",
    "taxes",
    "boxes",
    "blankets",
    "blanket",
    "cuddles",
    "love",
    "kisses",
    "compliments",
    "gifts",
    "presents",
    "projects",
    "project",
    "studying",
    "study",
    "coursework",
    "deadline",
    "notes",
    "messages",
    "texts",
    "washing",
    "ironing",
    "admin",
    "bills",
    "cake",
    "chocolate",
    "snacks",
    "podcasts",
    "music",
    "games",
    "stuff",
    "things",
    "busywork",
    "overtime",
    "uni",
    "school",
];
/// Cosy things one buries oneself in.
const COSY: &[&str] = &[
    "duvet", "covers", "blankets", "blanket", "pillows", "pillow", "quilt", "hoodie", "jumper",
    "sofa", "couch", "bed", "sheets", "cushions", "arms", "hug", "hugs", "scarf", "onesie",
];
const DETS: &[&str] = &[
    "your", "my", "the", "a", "all", "that", "this", "our", "his", "her", "their", "those",
    "these", "some", "so", "much", "too", "many", "endless", "piles", "of", "pile", "loads",
    "good", "new", "big",
];

/// Destinations of devotion: anywhere at all, not a place.
const DEVOTION: &[&str] = &[
    "anywhere",
    "everywhere",
    "wherever",
    "any",
    "every",
    "the ends",
    "the end",
    "the moon",
    "the world",
    "the other side",
    "mars",
    "space",
    "outer space",
    "the stars",
    "hell",
    "across the world",
    "around the world",
    "round the world",
    "across the country",
];

/// Auxiliaries and adverbs stepped over to find a verb's subject.
const SKIP: &[&str] = &[
    "is",
    "s",
    "was",
    "were",
    "are",
    "am",
    "be",
    "been",
    "being",
    "about",
    "to",
    "going",
    "gonna",
    "just",
    "literally",
    "officially",
    "totally",
    "so",
    "completely",
    "basically",
    "actually",
    "already",
    "finally",
    "has",
    "have",
    "had",
    "getting",
    "got",
    "gone",
    "almost",
    "nearly",
    "slowly",
    "now",
    "again",
    "always",
    "properly",
    "absolutely",
    "pretty",
    "well",
    "and",
    "then",
    "kinda",
    "sorta",
    "all",
    "def",
    "definitely",
    "probably",
    "will",
    "ll",
    "keeps",
    "kept",
    "keep",
    "really",
    "truly",
    "lowkey",
    "highkey",
    "fully",
    "still",
];

/// Words that make a first-person reading future, a present wish or a condition.
const FRAME: &[&str] = &[
    "will", "ill", "gonna", "going", "want", "wanna", "wants", "wanted", "wish", "if", "would",
    "id", "could", "might", "should", "about", "may", "hope", "rather", "ready", "need", "tempted",
    "try", "tried", "tryna", "trying", "plan", "planning", "unless", "tonight", "tomorrow", "soon",
    "shall", "let", "deserve",
];

const FIRST: &[&str] = &["i", "im", "ive", "id", "ill", "me", "my", "myself", "mine"];

/// Speaker's offers: "I'll bring", "let me get", "I can pick up", "I've got dinner".
const OFFER_HEAD: &[&[&str]] = &[
    &["ill"],
    &["i", "will"],
    &["let", "me"],
    &["i", "can"],
    &["ive", "got"],
    &["i", "got"],
    &["im", "going", "to"],
    &["im", "gonna"],
    &["im", "on"],
    &["i", "am", "going", "to"],
    &["im", "making"],
    &["im", "bringing"],
    &["im", "getting"],
    &["im", "picking"],
    &["ill", "be"],
    &["i", "could"],
    &["want", "me", "to"],
];
const CARE_VERB: &[&str] = &[
    "bring", "make", "get", "grab", "pick", "cook", "do", "sort", "handle", "fetch", "collect",
    "order", "call", "book", "run", "walk", "wash", "clean", "cover", "heat", "warm", "bake",
    "tidy", "feed", "put", "take", "deal", "look", "making", "bringing", "getting", "picking",
    "cooking", "it", "dinner", "soup", "tea", "food", "the", "some", "your", "you",
];
/// Things one watches: shows, games, streams, skies.
const WATCHABLE: &[&str] = &[
    "livestream",
    "stream",
    "match",
    "game",
    "football",
    "rugby",
    "cricket",
    "film",
    "movie",
    "show",
    "series",
    "episode",
    "telly",
    "tv",
    "sunset",
    "sunrise",
    "stars",
    "fireworks",
    "news",
    "weather",
    "forecast",
    "race",
    "final",
    "highlights",
    "video",
    "recital",
    "graduation",
    "concert",
    "gig",
    "performance",
    "ceremony",
    "speech",
    "documentary",
    "trailer",
    "replay",
    "netflix",
    "youtube",
    "eclipse",
    "parade",
    "play",
    "musical",
    "opera",
    "ballet",
    "debate",
];

/// Verbs of an offer that clears its own clause: bringing, fetching, cooking, never taking.
const OFFER_VERB: &[&str] = &[
    "bring", "pick", "grab", "fetch", "collect", "cook", "bake", "drop", "order", "heat", "warm",
    "wash", "bringing", "picking", "cooking", "buy",
];
/// Imperatives for the partner's own rest or health.
const REST: &[&[&str]] = &[
    &["stay", "in", "bed"],
    &["stay", "in"],
    &["stay", "home"],
    &["stay", "put"],
    &["stay", "there"],
    &["stay", "on", "the", "sofa"],
    &["stay", "on", "the", "couch"],
    &["stay", "under"],
    &["stay", "warm"],
    &["rest"],
    &["rest", "up"],
    &["sleep"],
    &["sleep", "in"],
    &["lie", "down"],
    &["lie", "in"],
    &["go", "to", "bed"],
    &["go", "back", "to", "bed"],
    &["go", "to", "sleep"],
    &["put", "your", "feet", "up"],
    &["feet", "up"],
    &["take", "it", "easy"],
    &["relax"],
    &["sit", "down"],
    &["have", "a", "nap"],
    &["take", "a", "nap"],
    &["nap"],
    &["dont", "get", "up"],
    &["dont", "move"],
    &["dont", "lift", "a", "finger"],
    &["dont", "worry"],
    &["do", "not", "worry"],
    &["dont", "even", "think"],
    &["get", "some", "sleep"],
    &["get", "some", "rest"],
    &["have", "a", "bath"],
    &["have", "a", "lie", "in"],
    &["take", "the", "day", "off"],
    &["take", "the", "morning", "off"],
    &["call", "in", "sick"],
    &["drink", "some", "water"],
    &["stay", "hydrated"],
    &["keep", "warm"],
    &["keep", "resting"],
    &["chill"],
];
/// Words that turn any of it back into control.
const CONTROL: &[&str] = &[
    "until",
    "till",
    "unless",
    "else",
    "otherwise",
    "allowed",
    "permission",
    "dare",
    "better",
    "youll",
    "ordered",
    "orders",
    "warned",
    "warning",
    "mean",
    "understood",
    "obey",
];
/// What an offer never clears: children, money, keys, phone, papers, and words of harm.
const GUARDED: &[&str] = &[
    "kids",
    "kid",
    "children",
    "child",
    "baby",
    "babies",
    "son",
    "daughter",
    "boys",
    "girls",
    "money",
    "card",
    "cards",
    "cash",
    "wages",
    "keys",
    "key",
    "phone",
    "passport",
    "papers",
    "account",
    "never",
    "again",
    "cant",
    "see",
    "hurt",
    "regret",
    "sorry",
    "learn",
    "lesson",
    "pay",
    "away",
    "gone",
    "leave",
    "anymore",
    "gun",
    "knife",
    "knives",
    "rope",
    "pills",
    "petrol",
    "lighter",
    "matches",
    "bat",
    "weapon",
    "police",
    "lawyer",
    "photos",
    "pictures",
    "video",
    "videos",
    "screenshots",
    "court",
    "brother",
    "brothers",
    "cousins",
    "boys",
    "lads",
    "mates",
    "dog",
    "cat",
    "pets",
    "sure",
    "every",
    "straight",
    "always",
    "only",
    "regret",
    "permanently",
    "forever",
];
/// Negated obligations: "you don't need to", "no need to".
const NEG_OBLIGATION: &[&[&str]] = &[
    &["you", "dont", "need", "to"],
    &["you", "do", "not", "need", "to"],
    &["you", "dont", "have", "to"],
    &["you", "do", "not", "have", "to"],
    &["you", "dont", "gotta"],
    &["you", "neednt"],
    &["no", "need", "to"],
    &["dont", "feel", "like", "you", "have", "to"],
    &["dont", "feel", "you", "have", "to"],
    &["theres", "no", "need", "to"],
    &["never", "need", "to"],
    &["you", "never", "have", "to"],
    &["you", "never", "need", "to"],
    &["no", "need", "for", "you", "to"],
];
/// Acts of asking or reporting whose obligation can be lifted.
const ASKING: &[&str] = &[
    "ask",
    "check",
    "text",
    "reply",
    "answer",
    "explain",
    "tell",
    "apologise",
    "apologize",
    "thank",
    "justify",
    "call",
    "ring",
    "rush",
    "hurry",
    "report",
    "update",
    "message",
    "respond",
    "say",
    "worry",
    "run",
    "clear",
    "get",
    "wait",
];
/// After a lifted obligation these keep it control ("you don't need to see your friends").
const PEOPLE: &[&str] = &[
    "your", "ur", "him", "her", "them", "those", "that", "anyone", "anybody", "people", "friends",
    "family", "mum", "mom", "dad", "sister", "brother", "mates",
];

/// A person as the one died or killed for, or without.
const PERSON: &[&str] = &[
    "you",
    "ya",
    "him",
    "her",
    "them",
    "me",
    "us",
    "myself",
    "yourself",
    "himself",
    "herself",
    "themselves",
    "ourselves",
    "someone",
    "somebody",
    "anyone",
    "everyone",
];
/// The load taken off: an offer that ends in one of these.
const DONE: &[&str] = &["sorted", "covered", "handled"];
/// Heads of an offer that ends in the thing done.
const DONE_HEAD: &[&[&str]] = &[
    &["ive", "got"],
    &["i", "got"],
    &["ill", "get"],
    &["ill", "keep"],
    &["ill", "have"],
    &["i", "will", "get"],
    &["i", "will", "keep"],
    &["i", "have", "got"],
    &["weve", "got"],
];

/// How a reading is recorded: why, and the words (from, to) it clears.
type Push<'p> = dyn Fn(Why, usize, usize, &mut Vec<Figure>) + 'p;

/// Within the sentence, an offer ([`DONE_HEAD`]) followed within ten words by [`DONE`]: the
/// words from the head to the completion are a care offer. Only the clause that starts it is
/// looked at (`cs`), so each offer is pushed once.
fn done_offer<'a>(
    clause: &[&'a str],
    cs: usize,
    ws: &[&'a str],
    out: &mut Vec<Figure>,
    push: &Push,
) -> bool {
    let mut hit = false;
    for h in DONE_HEAD {
        for q in find_all(clause, h) {
            let from = cs + q;
            let end = (from + h.len() + 10).min(ws.len());
            let Some(d) = ws[from + h.len()..end].iter().position(|x| is(x, DONE)) else {
                continue;
            };
            let to = from + h.len() + d + 1;
            let obj = ws.get(from + h.len()).copied().unwrap_or("");
            if is(obj, PERSON) || ws[from..to].iter().any(|x| is(x, DEATH)) {
                continue;
            }
            push(Why::CareOffer, from, to, out);
            hit = true;
        }
    }
    hit
}

fn is(w: &str, set: &[&str]) -> bool {
    set.contains(&w)
}

/// The singular of a plural or "'s" contraction as typed ("batterys" → "battery").
fn stem(w: &str) -> &str {
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        &w[..w.len() - 1]
    } else {
        w
    }
}

fn thing(w: &str) -> bool {
    is(w, THINGS) || is(stem(w), THINGS)
}

/// One word of a sentence, with the token it came from (a token such as "kms" may stand for
/// several words).
struct Word<'a> {
    w: &'a str,
    tok: usize,
}

/// Reads every clause of the text (already tokenised by the risk reader) and returns what it
/// cleared.
pub(crate) fn figures(text: &str, tokens: &[Token]) -> Vec<Figure> {
    let mut out = Vec::new();
    // The speaker's offer may stand in a sentence of its own ("Rest up. I'll sort dinner.").
    let all: Vec<&str> = tokens
        .iter()
        .flat_map(|t| t.norm.split(' '))
        .filter(|w| !w.is_empty())
        .collect();
    let offer = OFFER_HEAD.iter().any(|h| {
        find_all(&all, h)
            .into_iter()
            .any(|p| all.get(p + h.len()).is_some_and(|v| is(v, CARE_VERB)))
    });
    let rest = rest_for_you(&all);
    let mut start = 0;
    for i in 0..=tokens.len() {
        if i < tokens.len() && !tokens[i].ends {
            continue;
        }
        if i > start {
            sentence(text, tokens, start, i, offer, rest, &mut out);
        }
        start = i + 1;
    }
    out
}

/// The partner's rest is what the message is for: "so you can get a proper sleep", "if you
/// fancy a lie-in", "take your time", "you sleep".
fn rest_for_you(all: &[&str]) -> bool {
    let restful = |x: &&str| {
        is(
            x,
            &["sleep", "rest", "relax", "nap", "lie", "lie-in", "liein"],
        )
    };
    find_all(all, &["so", "you", "can"])
        .into_iter()
        .chain(find_all(all, &["so", "you", "get", "to"]))
        .any(|p| all[p + 3..].iter().take(4).any(restful))
        || find_all(all, &["you", "fancy", "a"])
            .into_iter()
            .any(|p| all[p + 3..].iter().take(2).any(restful))
        || contains(all, &["take", "your", "time"])
        || [["you", "sleep"], ["you", "rest"]].iter().any(|n| {
            // An imperative ("you sleep"), never a time ("while you sleep").
            find_all(all, n).into_iter().any(|p| {
                p == 0
                    || !is(
                        all[p - 1],
                        &[
                            "while", "whilst", "when", "as", "until", "till", "before", "after",
                            "if", "once",
                        ],
                    )
            })
        })
}

#[allow(clippy::too_many_arguments)]
fn sentence(
    text: &str,
    tokens: &[Token],
    a: usize,
    b: usize,
    offer: bool,
    rest: bool,
    out: &mut Vec<Figure>,
) {
    let mut words: Vec<Word> = Vec::new();
    // Clause breaks: a comma, colon or dash typed between two tokens, or a joining word.
    let mut breaks: Vec<usize> = vec![0];
    for k in a..b {
        if k > a {
            let gap = text.get(tokens[k - 1].end..tokens[k].start).unwrap_or("");
            if gap.contains([',', ':', '-', '(', ')', '\u{2014}', '\u{2013}']) {
                breaks.push(words.len());
            }
        }
        for w in tokens[k].norm.split(' ').filter(|w| !w.is_empty()) {
            if is(
                w,
                &[
                    "and", "but", "so", "because", "cos", "cause", "while", "though",
                ],
            ) && !words.is_empty()
            {
                breaks.push(words.len());
            }
            words.push(Word { w, tok: k });
        }
    }
    breaks.push(words.len());
    breaks.dedup();
    let ws: Vec<&str> = words.iter().map(|x| x.w).collect();
    // The guard: the writer speaks of themself in a future, wish or conditional frame.
    // The guard: a future, wish or conditional frame anywhere in the sentence…
    let framed_sentence = ws.iter().any(|w| is(w, FRAME));
    let control = ws.iter().any(|w| is(w, CONTROL))
        || contains(&ws, &["when", "i", "say"])
        || contains(&ws, &["i", "said"])
        || contains(&ws, &["or", "else"]);
    let push = |why: Why, from: usize, to: usize, out: &mut Vec<Figure>| {
        let toks: Vec<usize> = {
            let mut t: Vec<usize> = words[from..to].iter().map(|x| x.tok).collect();
            t.dedup();
            t
        };
        if let (Some(&f), Some(&l)) = (toks.first(), toks.last()) {
            out.push(Figure {
                why,
                start: tokens[f].start,
                end: tokens[l].end,
                tokens: toks,
            });
        }
    };
    for c in breaks.windows(2) {
        let (cs, ce) = (c[0], c[1]);
        let clause = &ws[cs..ce];
        for (j, &w) in clause.iter().enumerate() {
            let at = cs + j;
            let next = clause.get(j + 1).copied().unwrap_or("");
            let next2 = clause.get(j + 2).copied().unwrap_or("");
            // Someone else's funeral as an event in time ("after the funeral", "at his mum's
            // funeral"); "my funeral" and "my own funeral" are left to the rules.
            if w == "funeral" && j >= 1 && !is(clause[j - 1], &["my", "own", "our"]) {
                let owner = clause[j - 1];
                if is(
                    owner,
                    &["the", "his", "her", "their", "your", "a", "that", "this"],
                ) || (owner.ends_with('s') && owner.len() > 2 && !FIRST.contains(&owner))
                {
                    push(Why::Event, at, at + 1, out);
                    continue;
                }
            }
            if is(w, DEATH) {
                // The subject: the last word before the verb, auxiliaries stepped over.
                let subj = clause[..j].iter().rev().find(|x| !is(x, SKIP)).copied();
                let hedged = clause[..j].iter().any(|x| {
                    is(
                        x,
                        &["almost", "nearly", "tried", "wanted", "could", "would"],
                    )
                });
                if subj.is_some_and(thing) && !is(next, &["myself", "yourself"]) {
                    push(Why::ThingSubject, at, at + 1, out);
                    continue;
                }
                // Desire: "I'd die for one of your hugs", "could kill for a coffee" — dying or
                // killing *for a thing*, never for or of a person ("die for you" stays read).
                if is(w, &["die", "kill", "murder"])
                    && next == "for"
                    && !next2.is_empty()
                    && !is(next2, PERSON)
                    && !control
                {
                    push(Why::Hyperbole, at, (at + 2).min(cs + clause.len()), out);
                    continue;
                }
                // A past counterfactual the writer lived through: "would have died otherwise",
                // "would've died without that coffee". Never with "if" (a real near-death) or
                // a person as the one who died.
                let counterfactual = (j >= 2
                    && (clause[j - 2..j] == ["would", "have"]
                        || clause[j - 2..j] == ["would", "of"]))
                    || (j >= 1 && is(clause[j - 1], &["wouldve", "woulda"]));
                if counterfactual
                    && is(w, &["died", "dead"])
                    && (next == "otherwise"
                        || (next == "without" && !is(next2, PERSON) && !next2.is_empty()))
                    && !ws.contains(&"if")
                {
                    push(Why::SpeakerAlive, at, at + 1, out);
                    continue;
                }
                // …with the writer as the one who dies or is killed: never weakened.
                let first = clause[..j].iter().any(|x| is(x, FIRST))
                    || is(next, &["me", "myself", "us", "ourselves"]);
                if framed_sentence && first {
                    continue;
                }
                // "dead from laughing", "dying of embarrassment", "dead laughing".
                let cause = (is(next, &["from", "of", "with"]) && is(next2, CAUSES))
                    || (is(next, &["from", "of", "with"])
                        && is(next2, &["the", "all", "so", "pure", "too", "much"])
                        && clause.get(j + 3).is_some_and(|x| is(x, CAUSES)))
                    || is(
                        next,
                        &["laughing", "laughin", "crying", "lmao", "lol", "haha"],
                    );
                if cause && is(w, &["dead", "dying", "died", "die", "dies"]) {
                    push(Why::Hyperbole, at, at + 1, out);
                    continue;
                }
                // "i'm dead 😂", "dead lol": a laughing mark right after the word.
                let gap_after = tokens
                    .get(words[at].tok + 1)
                    .map_or(&text[tokens[words[at].tok].end..], |t| {
                        &text[tokens[words[at].tok].end..t.start]
                    });
                if is(w, &["dead", "dying", "died"])
                    && (gap_after.contains(LAUGHING)
                        || is(next, &["lol", "lmao", "lmfao", "haha", "hahaha", "rofl"]))
                {
                    push(Why::Hyperbole, at, at + 1, out);
                    continue;
                }
                // "bored to death", "love you to death".
                if w == "death" && j >= 1 && clause[j - 1] == "to" {
                    let before = &clause[j.saturating_sub(4)..j - 1];
                    if before.iter().any(|x| is(x, FEELINGS)) {
                        push(Why::Hyperbole, at, at + 1, out);
                        continue;
                    }
                }
                // "that comedian killed me", "I died when I saw your face".
                if !hedged
                    && w == "killed"
                    && next == "me"
                    && subj.is_some_and(|s| is(s, PERFORMANCES))
                {
                    push(Why::SpeakerAlive, at, at + 2, out);
                    continue;
                }
                if !hedged && w == "died" && subj.is_some_and(|s| is(s, &["i", "we"])) {
                    push(Why::SpeakerAlive, at, at + 1, out);
                    continue;
                }
            }
            // The abstract object decides the meaning, so it clears even in a future frame
            // ("I'm going to bury myself in the duvet"); a place of death is never abstract.
            if is(w, DROWN) {
                // "drown (yourself) in work", "bury myself in a book".
                let mut k = j + 1;
                if clause.get(k).is_some_and(|x| {
                    is(
                        x,
                        &[
                            "yourself",
                            "myself",
                            "ourselves",
                            "himself",
                            "herself",
                            "themselves",
                        ],
                    )
                }) {
                    k += 1;
                }
                if clause.get(k) == Some(&"in") {
                    // The first word after the determiners is what one is drowned or buried in.
                    let noun = clause[k + 1..].iter().find(|x| !is(x, DETS)).copied();
                    if noun.is_some_and(|x| is(x, ABSTRACT) || is(x, COSY)) {
                        push(Why::AbstractObject, at, cs + k, out);
                        continue;
                    }
                }
            }
            // Watching a thing, not a person: "I'll be watching the livestream", "watched the
            // match". Only the verb is cleared; the softener leaves the clause up to it alone.
            if is(w, &["watch", "watching", "watched", "watches"]) {
                let noun = clause[j + 1..]
                    .iter()
                    .find(|x| {
                        !is(
                            x,
                            &[
                                "the", "a", "your", "my", "our", "this", "that", "some", "an",
                                "whole", "entire", "live",
                            ],
                        )
                    })
                    .copied();
                let you = clause
                    .iter()
                    .any(|x| is(x, &["you", "ya", "u", "him", "her", "them", "yourself"]));
                if noun.is_some_and(|x| is(x, WATCHABLE)) && !you && !control {
                    let toks = vec![words[at].tok];
                    out.push(Figure {
                        why: Why::ThingObject,
                        start: tokens[words[cs].tok].start,
                        end: tokens[words[at].tok].end,
                        tokens: toks,
                    });
                    continue;
                }
            }
            if is(w, FOLLOW) && is(next, &["you", "ya", "u"]) {
                let rest = clause[j + 2..].join(" ");
                let dest = rest.strip_prefix("to ").unwrap_or(&rest);
                let dest = dest
                    .strip_prefix("the ends of the earth")
                    .map_or(dest, |_| "the ends");
                let pursuit = ws.iter().any(|x| {
                    is(
                        x,
                        &[
                            "cant", "cannot", "escape", "hide", "find", "away", "run", "watching",
                            "if", "unless", "leave", "leaves", "left", "move", "split", "dump",
                            "try", "whether", "never", "ever", "stop",
                        ],
                    )
                });
                if !pursuit
                    && DEVOTION
                        .iter()
                        .any(|d| dest == *d || dest.starts_with(&format!("{d} ")))
                    && !dest.starts_with("every day")
                    && !dest.starts_with("any time")
                {
                    push(Why::Devotion, at, at + 2, out);
                    continue;
                }
            }
        }
        if control {
            continue;
        }
        // An offer that ends in the thing done: "I've got the kids and the dog sorted", "I'll
        // keep the shop's accounts sorted", "I've got the rent covered" — the speaker takes a
        // load off, whatever the load is. Read across "and", within ten words of the offer.
        if done_offer(clause, cs, &ws, out, &push) {
            continue;
        }
        // The speaker takes on a load so the partner can rest — even the children's: "I'll take
        // the late shift with the baby so you can get a proper sleep", "if you fancy a lie-in
        // I'll take the kids to the park". Without that rest ("I'll take the kids so you see
        // how it feels") the guard below still holds; never with a word of death.
        if rest && !ws.iter().any(|x| is(x, DEATH)) {
            let mut hit = false;
            for h in OFFER_HEAD {
                if let Some(q) = find_all(clause, h).first().copied() {
                    let obj = clause.get(q + h.len() + 1).copied().unwrap_or("");
                    let verb = clause.get(q + h.len()).copied().unwrap_or("");
                    if !verb.is_empty() && !is(verb, PERSON) && !is(obj, PERSON) {
                        push(Why::CareOffer, cs + q, ce, out);
                        hit = true;
                        break;
                    }
                }
            }
            if hit {
                continue;
            }
        }
        // An imperative for the partner's rest beside the speaker's offer.
        if offer && !clause.iter().any(|x| is(x, GUARDED)) {
            let lead = clause
                .iter()
                .position(|x| {
                    !is(
                        x,
                        &[
                            "please", "pls", "just", "love", "babe", "hun", "now", "you", "go",
                            "ok", "okay", "honey", "darling",
                        ],
                    )
                })
                .unwrap_or(0);
            let body = &clause[lead..];
            let body_go = &clause[lead.saturating_sub(1)..];
            let anywhere = REST.iter().any(|r| {
                // Only where an imperative stands: first in the clause or after "just",
                // "please", "then"… ("if the flare's bad today just stay in bed"), never "the
                // rest of".
                find_all(clause, r).into_iter().any(|q| {
                    (q == 0
                        || is(
                            clause[q - 1],
                            &[
                                "just", "please", "pls", "then", "so", "now", "and", "go", "today",
                                "tonight",
                            ],
                        ))
                        && clause.get(q + r.len()) != Some(&"of")
                })
            });
            if (anywhere
                || REST
                    .iter()
                    .any(|r| body.starts_with(r) || body_go.starts_with(r)))
                && !clause.first().is_some_and(|x| {
                    is(x, &["youll", "youre", "you"])
                        && clause
                            .get(1)
                            .is_some_and(|y| is(y, &["will", "are", "stay", "re", "ll"]))
                })
            {
                push(Why::CareOffer, cs, ce, out);
                continue;
            }
        }
        // The speaker's offer joined to the partner's benefit: "I'll take the car in for its
        // service so you don't have to lose a morning". Never for children, money, keys, phone
        // or papers: "I'll take the kids so you…" stays a possible threat.
        if let Some(p) = find_all(clause, &["so", "you"]).first().copied() {
            let after = &clause[p + 2..];
            let benefit = after.starts_with(&["can"])
                || after.starts_with(&["dont", "have", "to"])
                || after.starts_with(&["dont", "need", "to"])
                || after.starts_with(&["do", "not", "have", "to"])
                || after.starts_with(&["get", "to"]);
            let before = &ws[..cs + p];
            let offered = OFFER_HEAD.iter().any(|h| {
                find_all(before, h)
                    .into_iter()
                    .any(|q| before.get(q + h.len()).is_some_and(|v| is(v, CARE_VERB)))
            });
            let guarded = ws.iter().any(|x| is(x, GUARDED));
            if benefit && offered && !guarded {
                push(Why::CareOffer, 0, cs + p, out);
            }
        }
        // The speaker's own return time: "(I) should be back by 6", "I'll be home by 7".
        for q in find_all(clause, &["back", "by"])
            .into_iter()
            .chain(find_all(clause, &["home", "by"]))
        {
            let before = &clause[..q];
            let mine = before.iter().any(|x| {
                is(
                    x,
                    &[
                        "i", "im", "ill", "ive", "id", "we", "well", "were", "should", "gonna",
                    ],
                )
            });
            let yours = clause
                .iter()
                .any(|x| is(x, &["you", "ya", "u", "youre", "youll", "yourself"]));
            if mine && !yours && !control {
                push(Why::OwnTime, cs + q, cs + q + 2, out);
            }
        }
        // The speaker's offer as a clause of its own: "want me to pick up your prescription",
        // "I'll drop them round later". Never with a person as the object ("I'll get you",
        // "I'll make them pay") and never with children, money, keys, phone or papers.
        for h in OFFER_HEAD {
            for q in find_all(clause, h) {
                let v = q + h.len();
                let Some(verb) = clause.get(v) else { continue };
                if !is(verb, OFFER_VERB)
                    || (is(verb, &["pick", "picking"]) && !clause[v..].contains(&"up"))
                {
                    continue;
                }
                let obj = &clause[v + 1..];
                let person = obj
                    .first()
                    .is_some_and(|x| is(x, &["you", "ya", "u", "him", "her", "them", "yourself"]))
                    && !obj.get(1).is_some_and(|x| {
                        is(
                            x,
                            &[
                                "up",
                                "some",
                                "a",
                                "tea",
                                "soup",
                                "dinner",
                                "food",
                                "breakfast",
                                "lunch",
                                "coffee",
                            ],
                        ) || (is(x, &["round", "over"]) && is(verb, &["drop", "bring"]))
                    });
                let guarded = ws.iter().any(|x| is(x, GUARDED));
                if !person && !guarded {
                    push(Why::CareOffer, cs + q, ce, out);
                }
            }
        }
        // A lifted obligation to ask or report.
        for n in NEG_OBLIGATION {
            for p in find_all(clause, n) {
                let mut v = p + n.len();
                if clause
                    .get(v)
                    .is_some_and(|x| is(x, &["even", "always", "ever", "bother", "keep"]))
                {
                    v += 1;
                }
                let Some(verb) = clause.get(v) else { continue };
                let obj = clause.get(v + 1).copied().unwrap_or("");
                // "You don't have to come to the church do": the speaker's invitation lifted;
                // "you don't need to come back / home" stays read.
                let come = is(verb, &["come", "join", "attend"])
                    && !is(obj, &["back", "home", "round", "near", "anywhere", "here"])
                    && !is(obj, PEOPLE);
                if (is(verb, ASKING) || come) && !is(obj, PEOPLE) {
                    push(Why::Permission, cs, ce, out);
                }
            }
        }
    }
}

/// What the clause reader reads in a text, with the embedded rules' normalisation: the softener
/// uses the spans of offers of care and permission granted ([`Why::CareOffer`],
/// [`Why::Permission`]) to leave their words alone, as the risk reader does.
pub fn read(text: &str) -> Vec<Figure> {
    let rules = super::rules();
    if !rules.clause {
        return Vec::new();
    }
    let tokens = super::tokenize(text, rules);
    figures(text, &tokens)
}

fn find_all(hay: &[&str], needle: &[&str]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

fn contains(hay: &[&str], needle: &[&str]) -> bool {
    !find_all(hay, needle).is_empty()
}
