//! Word lists that drive shallow parsing: clause barriers, prepositions, pronouns,
//! negation, modality and control verbs. The algorithm that uses them is in `coder.rs`.

use crate::text::tokens::Tokens;
use rustc_hash::FxHashMap;
use rustc_hash::FxHashSet;
use std::sync::OnceLock;

/// A fixed set of lower-case words with a hashed membership test.
#[derive(Debug)]
pub struct WordSet {
    bit: u32,
    words: &'static [&'static str],
    set: OnceLock<FxHashSet<&'static str>>,
}

impl WordSet {
    /// A set of these words.
    pub const fn new(bit: u32, words: &'static [&'static str]) -> Self {
        WordSet {
            bit: 1 << bit,
            words,
            set: OnceLock::new(),
        }
    }

    /// Is `w` in the set?
    #[inline]
    pub fn contains(&self, w: &&str) -> bool {
        self.set
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(*w)
    }

    /// Is token `i` in the set? Uses the flags set by [`annotate`] when present.
    #[inline]
    pub fn at(&self, t: &Tokens, i: usize) -> bool {
        match t.flags.get(i) {
            Some(f) => f & self.bit != 0,
            None => self.at_unflagged(t, i),
        }
    }

    /// [`Self::at`] for tokens without flags (kept out of line: the flagged test is
    /// the hot one and stays a load and a mask where it is inlined).
    #[cold]
    #[inline(never)]
    fn at_unflagged(&self, t: &Tokens, i: usize) -> bool {
        self.contains(&t.norm(i))
    }

    /// The words, in their listed order.
    pub fn words(&self) -> &'static [&'static str] {
        self.words
    }
}

/// Determiners and possessives: a following base-form verb head is a noun.
pub static DETERMINERS: WordSet = WordSet::new(
    0,
    &[
        "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our",
        "my", "your", "'s", "'", "any", "no", "some", "each", "every", "another", "such",
        "several", "many", "new", "first", "second", "further", "more", "fresh", "recent",
        "latest", "major", "possible", "joint",
    ],
);

/// Words that introduce a new clause: a subject is not searched for across them
/// (after one subject candidate is found) and a target is not searched for past them.
pub static CLAUSE_BARRIERS: WordSet = WordSet::new(
    1,
    &[
        ";", "but", "while", "whereas", "although", "though", "because", "since", "unless",
        "which", "who", "whom", "whose", "where", "when", "after", "before", "if", "until",
        "despite", "amid",
    ],
);

/// Prepositions whose object is a place, not a participant.
pub static LOCATIVE: WordSet = WordSet::new(
    2,
    &[
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "across",
        "throughout",
        "around",
        "within",
        "into",
        "off",
        "towards",
        "toward",
        "beyond",
        "along",
    ],
);

/// Prepositions whose object is not a subject.
pub static PREPOSITIONS: WordSet = WordSet::new(
    3,
    &[
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "across",
        "throughout",
        "around",
        "within",
        "into",
        "off",
        "towards",
        "toward",
        "beyond",
        "along",
        "with",
        "against",
        "on",
        "of",
        "for",
        "about",
        "over",
        "by",
        "to",
        "from",
        "between",
        "among",
        "under",
        "upon",
        "without",
        "than",
        "like",
        "including",
        "via",
        "through",
        "during",
        "per",
        "behind",
    ],
);

/// Person pronouns in subject or object position.
pub static PERSON_PRONOUNS: WordSet =
    WordSet::new(4, &["he", "she", "him", "her", "himself", "herself"]);
/// Non-person pronouns.
pub static THING_PRONOUNS: WordSet = WordSet::new(5, &["it", "itself"]);
/// Plural pronouns.
pub static PLURAL_PRONOUNS: WordSet = WordSet::new(6, &["they", "them", "themselves"]);

/// Negators before a verb.
pub static NEGATORS: WordSet =
    WordSet::new(7, &["not", "never", "no", "without", "neither", "nor"]);

/// Words that may stand between an auxiliary/negator and the verb.
pub static ADVERBS: WordSet = WordSet::new(
    8,
    &[
        "also",
        "already",
        "again",
        "still",
        "reportedly",
        "allegedly",
        "apparently",
        "now",
        "then",
        "once",
        "just",
        "even",
        "formally",
        "officially",
        "publicly",
        "repeatedly",
        "recently",
        "finally",
        "quickly",
        "immediately",
        "jointly",
        "strongly",
        "sharply",
        "later",
        "yet",
        "ever",
        "further",
        "swiftly",
        "openly",
        "effectively",
        "largely",
        "temporarily",
        "angrily",
        "firmly",
        "unanimously",
        "previously",
        "subsequently",
    ],
);

/// Forms of "be" (a past participle after one is passive).
pub static BE: WordSet = WordSet::new(
    9,
    &[
        "is", "are", "was", "were", "be", "been", "being", "'s", "'re", "get", "got", "gets",
        "getting",
    ],
);

/// Auxiliaries and modals that may precede a verb.
pub static AUXILIARIES: WordSet = WordSet::new(
    10,
    &[
        "will", "would", "shall", "should", "can", "could", "may", "might", "must", "has", "have",
        "had", "did", "does", "do", "is", "are", "was", "were", "be", "been", "being", "'ll", "'d",
        "to",
    ],
);

/// Governors of an infinitive that keep the embedded act's code (intent, plan, schedule):
/// "is to visit", "plans to visit", "agreed to lift", "pledged to expel".
pub static INTENT: WordSet = WordSet::new(
    11,
    &[
        "want",
        "wants",
        "wanted",
        "wanting",
        "plan",
        "plans",
        "planned",
        "planning",
        "intend",
        "intends",
        "intended",
        "seek",
        "seeks",
        "sought",
        "seeking",
        "aim",
        "aims",
        "aimed",
        "hope",
        "hopes",
        "hoped",
        "vow",
        "vows",
        "vowed",
        "pledge",
        "pledges",
        "pledged",
        "promise",
        "promises",
        "promised",
        "agree",
        "agrees",
        "agreed",
        "decide",
        "decides",
        "decided",
        "prepare",
        "prepares",
        "prepared",
        "is",
        "are",
        "was",
        "were",
        "set",
        "due",
        "scheduled",
        "expected",
        "likely",
        "ready",
        "willing",
        "move",
        "moved",
        "moves",
        "try",
        "tries",
        "tried",
        "attempt",
        "attempted",
        "attempts",
        "continue",
        "continues",
        "continued",
        "begin",
        "began",
        "begins",
        "start",
        "started",
        "starts",
        "offer",
        "offered",
        "offers",
        "went",
        "going",
        "able",
        "unable",
        "prepare",
        "threaten",
        "threatens",
        "threatened",
        "threatening",
        "vowing",
        "pledging",
        "promising",
        "agreeing",
        "deciding",
        "warn",
        "warned",
        "warns",
        "order",
        "ordered",
        "orders",
        "need",
        "needs",
        "needed",
        "have",
        "has",
        "had",
        "appear",
        "appears",
        "appeared",
        "seem",
        "seems",
        "seemed",
        "refuse",
        "refuses",
        "refused",
        "refusing",
        "decline",
        "declines",
        "declined",
        "fail",
        "fails",
        "failed",
        "reluctant",
        "unwilling",
    ],
);

/// Governors that turn a following violent act into a threat (CAMEO 13x).
pub static THREAT_GOVERNORS: WordSet = WordSet::new(
    12,
    &[
        "want",
        "wants",
        "wanted",
        "plan",
        "plans",
        "planned",
        "planning",
        "intend",
        "intends",
        "intended",
        "vow",
        "vows",
        "vowed",
        "vowing",
        "threaten",
        "threatens",
        "threatened",
        "threatening",
        "warn",
        "warned",
        "warns",
        "prepare",
        "prepares",
        "prepared",
        "ready",
    ],
);

/// Governors that negate the following act (refusal).
pub static REFUSAL_GOVERNORS: WordSet = WordSet::new(
    13,
    &[
        "refuse",
        "refuses",
        "refused",
        "refusing",
        "decline",
        "declines",
        "declined",
        "reluctant",
        "unwilling",
    ],
);

/// Words that mark reported speech: a verb after "X said (that)" has its own subject.
pub static SPEECH: WordSet = WordSet::new(
    14,
    &[
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "adds",
        "stated",
        "announced",
        "reported",
        "reports",
        "claimed",
        "claims",
        "insisted",
        "believes",
        "believed",
        "thinks",
        "according",
    ],
);

/// Codes whose act is mutual between coordinated actors with no separate target.
pub fn symmetric(code: &str) -> bool {
    let r = code.get(..2).unwrap_or("");
    matches!(r, "04" | "19") && code != "042" && code != "043"
        || matches!(
            code,
            "057"
                | "030"
                | "031"
                | "032"
                | "036"
                | "050"
                | "060"
                | "061"
                | "062"
                | "063"
                | "064"
                | "0871"
        )
}

/// The CAMEO code for an intended violent act: threaten with military force and kin.
pub fn threat_code(act: &str) -> &'static str {
    match act.get(..2).unwrap_or("") {
        "18" | "19" | "20" | "15" => "138",
        "17" => "137",
        "16" => "131",
        "14" => "133",
        _ => "130",
    }
}

/// The CAMEO code for a refused or negated cooperative act (roots 03-08), or `None`
/// when the negated act codes nothing (statements, appeals, conflict).
pub fn refusal_code(act: &str) -> Option<&'static str> {
    match act.get(..2).unwrap_or("") {
        "03" | "04" => Some("125"),
        "05" => Some("120"),
        "06" | "07" => Some("121"),
        "08" => Some("124"),
        _ => None,
    }
}

/// Verbs that make "V X to do Y" a request to X rather than an act of X.
pub static REQUEST_GOVERNORS: WordSet = WordSet::new(
    15,
    &[
        "want",
        "wants",
        "wanted",
        "wanting",
        "expect",
        "expects",
        "expected",
        "need",
        "needs",
        "needed",
        "push",
        "pushed",
        "pushes",
        "press",
        "pressed",
        "presses",
        "pressure",
        "pressured",
        "pressures",
        "prod",
        "prodded",
        "persuade",
        "persuaded",
        "convince",
        "convinced",
        "encourage",
        "encouraged",
        "encourages",
        "invite",
        "invited",
        "invites",
        "tell",
        "told",
        "tells",
    ],
);

/// Governors of an infinitive that state an intent: a cooperative act after them is
/// coded as the intent to do it (CAMEO 03x): "seeking to deepen", "wants to help".
pub static INTENT_TO_COOPERATE: WordSet = WordSet::new(
    16,
    &[
        "want",
        "wants",
        "wanted",
        "wanting",
        "seek",
        "seeks",
        "sought",
        "seeking",
        "plan",
        "plans",
        "planned",
        "planning",
        "intend",
        "intends",
        "intended",
        "intending",
        "hope",
        "hopes",
        "hoped",
        "hoping",
        "aim",
        "aims",
        "aimed",
        "aiming",
        "pledge",
        "pledges",
        "pledged",
        "pledging",
        "promise",
        "promises",
        "promised",
        "promising",
        "vow",
        "vows",
        "vowed",
        "vowing",
        "offer",
        "offers",
        "offered",
        "offering",
        "announced",
        "announces",
        "declared",
        "stated",
    ],
);

/// The CAMEO intent code (03x) for a cooperative act of roots 04-08.
pub fn intent_code(act: &str) -> Option<&'static str> {
    Some(match act.get(..2)? {
        "04" => "036",
        "05" => "032",
        "06" => "031",
        "07" => "033",
        "08" => match act {
            "084" | "0841" | "0842" => "0353",
            "085" => "0354",
            _ => "035",
        },
        _ => return None,
    })
}

/// Verbs that take an event noun as object: "started an official visit", "launched an attack".
pub static LIGHT_VERBS: WordSet = WordSet::new(
    17,
    &[
        "start",
        "starts",
        "started",
        "starting",
        "begin",
        "begins",
        "began",
        "make",
        "makes",
        "made",
        "making",
        "pay",
        "pays",
        "paid",
        "hold",
        "holds",
        "held",
        "holding",
        "conduct",
        "conducts",
        "conducted",
        "launch",
        "launches",
        "launched",
        "launching",
        "carry",
        "carried",
        "carries",
        "stage",
        "staged",
        "stages",
        "mount",
        "mounted",
        "mounts",
        "continue",
        "continued",
        "continues",
        "resume",
        "resumed",
        "resumes",
        "open",
        "opened",
        "opens",
        "wage",
        "waged",
        "wages",
        "step",
        "stepped",
        "steps",
        "intensify",
        "intensified",
        "escalate",
        "escalated",
        "renew",
        "renewed",
        "order",
        "ordered",
    ],
);

/// Capitalised words that are not names.
pub static FUNCTION_CAPS: WordSet = WordSet::new(
    18,
    &[
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "but",
        "and",
        "or",
        "of",
        "for",
        "to",
        "with",
        "by",
        "as",
        "after",
        "before",
        "this",
        "that",
        "his",
        "her",
        "their",
        "its",
        "our",
        "mr",
        "mrs",
        "ms",
        "dr",
        "if",
        "when",
        "while",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "dec",
        "islamic",
        "muslim",
        "christian",
        "jewish",
        "arab",
        "western",
        "eastern",
        "northern",
        "southern",
        "central",
        "north",
        "south",
        "east",
        "west",
        "sunni",
        "shi'ite",
        "shiite",
        "communist",
        "democratic",
        "republican",
        "national",
        "international",
        "human",
        "rights",
        "council",
        "general",
        "assembly",
        "olympics",
        "olympic",
        "games",
    ],
);

/// Words that can start or make a date expression (see `dates`).
pub static DATE_WORDS: WordSet = WordSet::new(
    19,
    &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "tues",
        "thurs",
        "january",
        "jan",
        "february",
        "feb",
        "march",
        "mar",
        "april",
        "apr",
        "may",
        "june",
        "jun",
        "july",
        "jul",
        "august",
        "aug",
        "september",
        "sep",
        "sept",
        "october",
        "oct",
        "november",
        "nov",
        "december",
        "dec",
        "today",
        "tonight",
        "yesterday",
        "tomorrow",
        "overnight",
        "last",
        "next",
        "this",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ],
);

/// The flag bits of [`GAP_STOPPERS`], [`OF`] and [`QUANTITIES`] as constants: the
/// hottest flag tests (`verbs::gap_stopper`) then test an immediate, not a static.
pub const GAP_STOPPERS_BIT: u32 = 1 << 20;
/// See [`GAP_STOPPERS_BIT`].
pub const OF_BIT: u32 = 1 << 21;
/// See [`GAP_STOPPERS_BIT`].
pub const QUANTITIES_BIT: u32 = 1 << 22;

/// The word sets that serve pattern matching (where a gap ends, what counts as a
/// quantity) rather than name a closed word class: being in one does not make a word
/// closed-class ("part" is a quantity word and still a noun with a plural).
pub const MATCHING_SETS: u32 = GAP_STOPPERS_BIT | OF_BIT | QUANTITIES_BIT;

/// Tokens a gap between two pattern words never crosses (see `verbs::gap_stopper`):
/// clause punctuation, modals (a pattern noun after "said they will" belongs to another
/// clause) and subject pronouns.
pub static GAP_STOPPERS: WordSet = WordSet::new(
    GAP_STOPPERS_BIT.trailing_zeros(),
    &[
        ",", ";", ":", "(", ")", "\"", ".", "!", "?", "[", "]", "will", "would", "shall", "should",
        "can", "could", "may", "might", "must", "i", "he", "she", "we", "they",
    ],
);

/// "of": stops a gap unless a quantity stands before it ("most of the", "part of").
pub static OF: WordSet = WordSet::new(OF_BIT.trailing_zeros(), &["of"]);

/// Quantity words before "of" (`verbs::gap_stopper`); numbers count too.
pub static QUANTITIES: WordSet = WordSet::new(
    QUANTITIES_BIT.trailing_zeros(),
    &[
        "%",
        "cent",
        "percent",
        "half",
        "third",
        "quarter",
        "most",
        "part",
        "all",
        "some",
        "much",
        "many",
        "any",
        "none",
        "each",
        "both",
        "portion",
        "bulk",
        "majority",
        "rest",
        "remainder",
        "one",
        "two",
        "three",
    ],
);

/// Every word set, each with its own flag bit.
pub static ALL: &[&WordSet] = &[
    &DATE_WORDS,
    &DETERMINERS,
    &CLAUSE_BARRIERS,
    &LOCATIVE,
    &PREPOSITIONS,
    &PERSON_PRONOUNS,
    &THING_PRONOUNS,
    &PLURAL_PRONOUNS,
    &NEGATORS,
    &ADVERBS,
    &BE,
    &AUXILIARIES,
    &INTENT,
    &THREAT_GOVERNORS,
    &REFUSAL_GOVERNORS,
    &SPEECH,
    &REQUEST_GOVERNORS,
    &INTENT_TO_COOPERATE,
    &LIGHT_VERBS,
    &FUNCTION_CAPS,
    &GAP_STOPPERS,
    &OF,
    &QUANTITIES,
];

/// Word -> the bits of every word set it belongs to.
pub fn word_flags() -> &'static FxHashMap<&'static str, u32> {
    static MAP: OnceLock<FxHashMap<&'static str, u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: FxHashMap<&'static str, u32> = FxHashMap::default();
        for set in ALL {
            for w in set.words {
                *m.entry(w).or_default() |= set.bit;
            }
        }
        m
    })
}

/// Sets `t.flags`: for each token the bits of the word sets it belongs to.
pub fn annotate(t: &mut Tokens) {
    let map = word_flags();
    let flags = (0..t.len())
        .map(|i| map.get(t.norm(i)).copied().unwrap_or(0))
        .collect();
    t.flags = flags;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_set_bits_are_distinct_and_below_the_index_bits() {
        let mut seen = 0u32;
        for set in ALL {
            assert_eq!(set.bit.count_ones(), 1);
            assert_eq!(seen & set.bit, 0, "two word sets share a bit");
            assert!(set.bit < 1 << crate::verbs::INDEX_FLAGS_FROM);
            seen |= set.bit;
        }
    }

    #[test]
    fn constant_bits_are_the_sets_bits() {
        assert_eq!(GAP_STOPPERS.bit, GAP_STOPPERS_BIT);
        assert_eq!(OF.bit, OF_BIT);
        assert_eq!(QUANTITIES.bit, QUANTITIES_BIT);
    }
}
