//! Word lists that drive shallow parsing: clause barriers, prepositions, pronouns,
//! negation, modality and control verbs. The algorithm that uses them is in `coder.rs`.

/// Determiners and possessives: a following base-form verb head is a noun.
pub const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my",
    "your", "'s", "'", "any", "no", "some", "each", "every", "another", "such", "several", "many",
    "new", "first", "second", "further", "more", "fresh", "recent", "latest", "major", "possible",
    "joint",
];

/// Words that introduce a new clause: a subject is not searched for across them
/// (after one subject candidate is found) and a target is not searched for past them.
pub const CLAUSE_BARRIERS: &[&str] = &[
    ";", "but", "while", "whereas", "although", "though", "because", "since", "unless", "which",
    "who", "whom", "whose", "where", "when", "after", "before", "if", "until", "despite", "amid",
];

/// Prepositions whose object is a place, not a participant.
pub const LOCATIVE: &[&str] = &[
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
];

/// Prepositions whose object is not a subject.
pub const PREPOSITIONS: &[&str] = &[
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
];

/// Person pronouns in subject or object position.
pub const PERSON_PRONOUNS: &[&str] = &["he", "she", "him", "her", "himself", "herself"];
/// Non-person pronouns.
pub const THING_PRONOUNS: &[&str] = &["it", "itself"];
/// Plural pronouns.
pub const PLURAL_PRONOUNS: &[&str] = &["they", "them", "themselves"];

/// Negators before a verb.
pub const NEGATORS: &[&str] = &["not", "never", "no", "without", "neither", "nor"];

/// Words that may stand between an auxiliary/negator and the verb.
pub const ADVERBS: &[&str] = &[
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
];

/// Forms of "be" (a past participle after one is passive).
pub const BE: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "'s", "'re", "get", "got", "gets", "getting",
];

/// Auxiliaries and modals that may precede a verb.
pub const AUXILIARIES: &[&str] = &[
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "has", "have",
    "had", "did", "does", "do", "is", "are", "was", "were", "be", "been", "being", "'ll", "'d",
    "to",
];

/// Governors of an infinitive that keep the embedded act's code (intent, plan, schedule):
/// "is to visit", "plans to visit", "agreed to lift", "pledged to expel".
pub const INTENT: &[&str] = &[
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
];

/// Governors that turn a following violent act into a threat (CAMEO 13x).
pub const THREAT_GOVERNORS: &[&str] = &[
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
];

/// Governors that negate the following act (refusal).
pub const REFUSAL_GOVERNORS: &[&str] = &[
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "decline",
    "declines",
    "declined",
    "reluctant",
    "unwilling",
];

/// Words that mark reported speech: a verb after "X said (that)" has its own subject.
pub const SPEECH: &[&str] = &[
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
];

/// Codes whose act is mutual between coordinated actors with no separate target.
pub fn symmetric(code: &str) -> bool {
    let r = code.get(..2).unwrap_or("");
    matches!(r, "04" | "19") && code != "042" && code != "043"
        || matches!(code, "057" | "036" | "061" | "062" | "063" | "064" | "0871")
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
pub const REQUEST_GOVERNORS: &[&str] = &[
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
];

/// Governors of an infinitive that state an intent: a cooperative act after them is
/// coded as the intent to do it (CAMEO 03x): "seeking to deepen", "wants to help".
pub const INTENT_TO_COOPERATE: &[&str] = &[
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
];

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
