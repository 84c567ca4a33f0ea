//! The CAMEO event code table.
//!
//! CAMEO (Conflict and Mediation Event Observations) classifies political events
//! into 20 root categories (`01`..`20`), each refined into 3-digit codes and, for
//! some, 4-digit codes. This module holds our own copy of the code list of CAMEO
//! 0.7b5 / 1.1b3 (295 codes), with a short label of our own wording and the
//! Goldstein conflict-cooperation weight (-10.0 ... +10.0) of each code.
//!
//! Codes are strings, never integers: `"010"` ("make a statement") and `"10"`
//! (the DEMAND root) would otherwise collide.

use std::sync::OnceLock;

/// One CAMEO event code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodeInfo {
    /// The code itself: 3 or 4 ASCII digits, e.g. `"042"` or `"0211"`.
    pub code: &'static str,
    /// A short English label for the code.
    pub label: &'static str,
    /// Goldstein scale weight, from -10.0 (most conflictual) to +10.0 (most cooperative).
    pub goldstein: f32,
}

/// Shorthand used to keep the table readable.
const fn c(code: &'static str, label: &'static str, goldstein: f32) -> CodeInfo {
    CodeInfo {
        code,
        label,
        goldstein,
    }
}

/// All codes, sorted by code string.
///
/// Only 3- and 4-digit codes are listed; the 2-digit roots are described by
/// [`root_label`] and their Goldstein weights are used as fall-backs by
/// [`goldstein`]. Lexicographic order of the strings equals the hierarchical
/// order (`"021"` < `"0211"` < `"022"`). [`lookup`] finds a code by its position,
/// from a table indexed by the code's digits.
#[rustfmt::skip]
pub static CODES: &[CodeInfo] = &[
    // 01 public statements
    c("010", "Make a public statement, unspecified", 0.0),
    c("011", "Decline to comment", -0.1),
    c("012", "Voice pessimism", -0.4),
    c("013", "Voice optimism", 0.4),
    c("014", "Weigh a policy option", 0.0),
    c("015", "Admit or claim responsibility", 0.0),
    c("016", "Deny responsibility", -2.0),
    c("017", "Perform a symbolic act", 0.0),
    c("018", "Express sympathy", 3.4),
    c("019", "Voice agreement", 3.4),
    // 02 appeals
    c("020", "Appeal or request, unspecified", 3.0),
    c("021", "Call for material cooperation", 3.4),
    c("0211", "Call for economic cooperation", 3.4),
    c("0212", "Call for military cooperation", 3.4),
    c("0213", "Call for judicial cooperation", 3.4),
    c("0214", "Call for intelligence sharing", 3.4),
    c("022", "Call for diplomatic cooperation or policy support", 3.2),
    c("023", "Call for aid", 3.4),
    c("0231", "Call for economic aid", 3.4),
    c("0232", "Call for military aid", 3.4),
    c("0233", "Call for humanitarian aid", 3.4),
    c("0234", "Call for military protection or peacekeepers", 3.4),
    c("024", "Call for political reform", -0.3),
    c("0241", "Call for new leadership", -0.3),
    c("0242", "Call for a change of policy", -0.3),
    c("0243", "Call for rights", -0.3),
    c("0244", "Call for change of institutions or regime", -0.3),
    c("025", "Call on the target to yield", -0.3),
    c("0251", "Call for easing of administrative sanctions", -0.3),
    c("0252", "Call for an end to popular dissent", -0.3),
    c("0253", "Call for release of people or property", -0.3),
    c("0254", "Call for easing of sanctions, boycott or embargo", -0.3),
    c("0255", "Call for admitting international involvement", -0.3),
    c("0256", "Call for military de-escalation", -0.3),
    c("026", "Call for a meeting or talks", 4.0),
    c("027", "Call for settling a dispute", 4.0),
    c("028", "Call for mediation", 4.0),
    // 03 intent to cooperate
    c("030", "Signal intent to cooperate, unspecified", 4.0),
    c("031", "Signal intent to cooperate materially", 5.2),
    c("0311", "Signal intent to cooperate economically", 5.2),
    c("0312", "Signal intent to cooperate militarily", 5.2),
    c("0313", "Signal intent to cooperate judicially", 5.2),
    c("0314", "Signal intent to share intelligence", 5.2),
    c("032", "Signal intent to cooperate diplomatically", 4.5),
    c("033", "Signal intent to give material aid", 5.2),
    c("0331", "Signal intent to give economic aid", 5.2),
    c("0332", "Signal intent to give military aid", 5.2),
    c("0333", "Signal intent to give humanitarian aid", 5.2),
    c("0334", "Signal intent to give military protection or peacekeepers", 6.0),
    c("034", "Signal intent to reform politically", 7.0),
    c("0341", "Signal intent to change leadership", 7.0),
    c("0342", "Signal intent to change policy", 7.0),
    c("0343", "Signal intent to grant rights", 7.0),
    c("0344", "Signal intent to change institutions or regime", 7.0),
    c("035", "Signal intent to yield", 7.0),
    c("0351", "Signal intent to ease administrative sanctions", 7.0),
    c("0352", "Signal intent to end popular dissent", 7.0),
    c("0353", "Signal intent to release people or property", 7.0),
    c("0354", "Signal intent to ease sanctions, boycott or embargo", 7.0),
    c("0355", "Signal intent to admit international involvement", 7.0),
    c("0356", "Signal intent to de-escalate militarily", 7.0),
    c("036", "Signal intent to meet or negotiate", 4.0),
    c("037", "Signal intent to settle a dispute", 5.0),
    c("038", "Signal intent to accept mediation", 7.0),
    c("039", "Signal intent to mediate", 5.0),
    // 04 consultation
    c("040", "Consult, unspecified", 1.0),
    c("041", "Talk by telephone", 1.0),
    c("042", "Travel to meet", 1.9),
    c("043", "Receive a visitor", 2.8),
    c("044", "Meet at a neutral venue", 2.5),
    c("045", "Mediate", 5.0),
    c("046", "Negotiate", 7.0),
    // 05 diplomatic cooperation
    c("050", "Cooperate diplomatically, unspecified", 3.5),
    c("051", "Praise or endorse", 3.4),
    c("052", "Defend verbally", 3.5),
    c("053", "Rally support for", 3.8),
    c("054", "Grant diplomatic recognition", 6.0),
    c("055", "Apologize", 7.0),
    c("056", "Forgive", 7.0),
    c("057", "Sign a formal agreement", 8.0),
    // 06 material cooperation
    c("060", "Cooperate materially, unspecified", 6.0),
    c("061", "Cooperate economically", 6.4),
    c("062", "Cooperate militarily", 7.4),
    c("063", "Cooperate judicially", 7.4),
    c("064", "Pass on intelligence or information", 7.0),
    // 07 aid
    c("070", "Give aid, unspecified", 7.0),
    c("071", "Give economic aid", 7.4),
    c("072", "Give military aid", 8.3),
    c("073", "Give humanitarian aid", 7.4),
    c("074", "Give military protection or peacekeepers", 8.5),
    c("075", "Grant asylum", 7.0),
    // 08 yield
    c("080", "Yield, unspecified", 5.0),
    c("081", "Relax administrative sanctions", 5.0),
    c("0811", "Ease limits on expression or political freedoms", 5.0),
    c("0812", "Lift a ban on parties or politicians", 5.0),
    c("0813", "Lift a curfew", 5.0),
    c("0814", "Lift a state of emergency or martial law", 5.0),
    c("082", "Scale back political dissent", 5.0),
    c("083", "Give in to political reform demands", 5.0),
    c("0831", "Give in to demands for new leadership", 5.0),
    c("0832", "Give in to demands for policy change", 5.0),
    c("0833", "Give in to demands for rights", 5.0),
    c("0834", "Give in to demands for institutional or regime change", 5.0),
    c("084", "Return or release, unspecified", 7.0),
    c("0841", "Release or return people", 7.0),
    c("0842", "Return property", 7.0),
    c("085", "Ease sanctions, boycott or embargo", 7.0),
    c("086", "Admit international involvement", 9.0),
    c("0861", "Admit peacekeepers", 9.0),
    c("0862", "Admit inspectors", 9.0),
    c("0863", "Allow humanitarian access", 9.0),
    c("087", "De-escalate militarily", 9.0),
    c("0871", "Declare a truce or ceasefire", 9.0),
    c("0872", "Ease a military blockade", 9.0),
    c("0873", "Demobilize forces", 9.0),
    c("0874", "Retreat or surrender", 10.0),
    // 09 investigate
    c("090", "Investigate, unspecified", -2.0),
    c("091", "Investigate crime or corruption", -2.0),
    c("092", "Investigate human rights abuses", -2.0),
    c("093", "Investigate military action", -2.0),
    c("094", "Investigate war crimes", -2.0),
    // 10 demand
    c("100", "Demand, unspecified", -5.0),
    c("101", "Demand material cooperation", -5.0),
    c("1011", "Demand economic cooperation", -5.0),
    c("1012", "Demand military cooperation", -5.0),
    c("1013", "Demand judicial cooperation", -5.0),
    c("1014", "Demand intelligence sharing", -5.0),
    c("102", "Demand diplomatic cooperation or policy support", -5.0),
    c("103", "Demand aid", -5.0),
    c("1031", "Demand economic aid", -5.0),
    c("1032", "Demand military aid", -5.0),
    c("1033", "Demand humanitarian aid", -5.0),
    c("1034", "Demand military protection or peacekeepers", -5.0),
    c("104", "Demand political reform", -5.0),
    c("1041", "Demand new leadership", -5.0),
    c("1042", "Demand a change of policy", -5.0),
    c("1043", "Demand rights", -5.0),
    c("1044", "Demand change of institutions or regime", -5.0),
    c("105", "Demand that the target yield", -5.0),
    c("1051", "Demand easing of administrative sanctions", -5.0),
    c("1052", "Demand an end to popular dissent", -5.0),
    c("1053", "Demand release of people or property", -5.0),
    c("1054", "Demand easing of sanctions, boycott or embargo", -5.0),
    c("1055", "Demand admission of international involvement", -5.0),
    c("1056", "Demand military de-escalation", -5.0),
    c("106", "Demand a meeting or talks", -5.0),
    c("107", "Demand settlement of a dispute", -5.0),
    c("108", "Demand mediation", -5.0),
    // 11 disapprove
    c("110", "Disapprove, unspecified", -2.0),
    c("111", "Criticize or denounce", -2.0),
    c("112", "Accuse, unspecified", -2.0),
    c("1121", "Accuse of crime or corruption", -2.0),
    c("1122", "Accuse of human rights abuses", -2.0),
    c("1123", "Accuse of aggression", -2.0),
    c("1124", "Accuse of war crimes", -2.0),
    c("1125", "Accuse of spying or treason", -2.0),
    c("113", "Rally opposition against", -2.0),
    c("114", "Lodge an official complaint", -2.0),
    c("115", "Take legal action against", -2.0),
    c("116", "Find legally guilty or liable", -2.0),
    // 12 reject
    c("120", "Reject, unspecified", -4.0),
    c("121", "Refuse material cooperation", -4.0),
    c("1211", "Refuse economic cooperation", -4.0),
    c("1212", "Refuse military cooperation", -4.0),
    c("1213", "Refuse judicial cooperation", -4.0),
    c("1214", "Refuse intelligence sharing", -4.0),
    c("122", "Refuse requested material aid", -4.0),
    c("1221", "Refuse requested economic aid", -4.0),
    c("1222", "Refuse requested military aid", -4.0),
    c("1223", "Refuse requested humanitarian aid", -4.0),
    c("1224", "Refuse requested military protection or peacekeepers", -4.0),
    c("123", "Refuse requested political reform", -4.0),
    c("1231", "Refuse demands for new leadership", -4.0),
    c("1232", "Refuse demands for policy change", -4.0),
    c("1233", "Refuse demands for rights", -4.0),
    c("1234", "Refuse demands for institutional or regime change", -4.0),
    c("124", "Refuse to yield", -4.0),
    c("1241", "Refuse to lift administrative sanctions", -4.0),
    c("1242", "Refuse to end popular dissent", -4.0),
    c("1243", "Refuse to release people or property", -4.0),
    c("1244", "Refuse to ease sanctions, boycott or embargo", -4.0),
    c("1245", "Refuse to admit international involvement", -4.0),
    c("1246", "Refuse to de-escalate militarily", -4.0),
    c("125", "Turn down a meeting or talks", -5.0),
    c("126", "Turn down mediation", -5.0),
    c("127", "Turn down a settlement plan or agreement", -5.0),
    c("128", "Defy norms or law", -5.0),
    c("129", "Veto", -5.0),
    // 13 threaten
    c("130", "Threaten, unspecified", -4.4),
    c("131", "Threaten non-military action", -5.8),
    c("1311", "Threaten to cut aid", -5.8),
    c("1312", "Threaten sanctions, boycott or embargo", -5.8),
    c("1313", "Threaten to downgrade or sever relations", -5.8),
    c("132", "Threaten administrative sanctions", -5.8),
    c("1321", "Threaten limits on expression or political freedoms", -5.8),
    c("1322", "Threaten to ban parties or politicians", -5.8),
    c("1323", "Threaten a curfew", -5.8),
    c("1324", "Threaten a state of emergency or martial law", -5.8),
    c("133", "Threaten dissent or protest", -5.8),
    c("134", "Threaten to break off negotiations", -5.8),
    c("135", "Threaten to break off mediation", -5.8),
    c("136", "Threaten to expel or pull out an international presence", -7.0),
    c("137", "Threaten violent repression", -7.0),
    c("138", "Threaten military force", -7.0),
    c("1381", "Threaten a blockade", -7.0),
    c("1382", "Threaten occupation", -7.0),
    c("1383", "Threaten unconventional violence", -7.0),
    c("1384", "Threaten a conventional attack", -7.0),
    c("1385", "Threaten a WMD attack", -7.0),
    c("139", "Issue an ultimatum", -7.0),
    // 14 protest
    c("140", "Dissent politically, unspecified", -6.5),
    c("141", "Demonstrate or rally", -6.5),
    c("1411", "Demonstrate for new leadership", -6.5),
    c("1412", "Demonstrate for policy change", -6.5),
    c("1413", "Demonstrate for rights", -6.5),
    c("1414", "Demonstrate for institutional or regime change", -6.5),
    c("142", "Go on hunger strike", -6.5),
    c("1421", "Hunger-strike for new leadership", -6.5),
    c("1422", "Hunger-strike for policy change", -6.5),
    c("1423", "Hunger-strike for rights", -6.5),
    c("1424", "Hunger-strike for institutional or regime change", -6.5),
    c("143", "Strike or boycott", -6.5),
    c("1431", "Strike or boycott for new leadership", -6.5),
    c("1432", "Strike or boycott for policy change", -6.5),
    c("1433", "Strike or boycott for rights", -6.5),
    c("1434", "Strike or boycott for institutional or regime change", -6.5),
    c("144", "Block passage or obstruct", -7.5),
    c("1441", "Block passage for new leadership", -7.5),
    c("1442", "Block passage for policy change", -7.5),
    c("1443", "Block passage for rights", -7.5),
    c("1444", "Block passage for institutional or regime change", -7.5),
    c("145", "Riot or protest violently", -7.5),
    c("1451", "Riot for new leadership", -7.5),
    c("1452", "Riot for policy change", -7.5),
    c("1453", "Riot for rights", -7.5),
    c("1454", "Riot for institutional or regime change", -7.5),
    // 15 force posture
    c("150", "Show military or police strength, unspecified", -7.2),
    c("151", "Raise police alert level", -7.2),
    c("152", "Raise military alert level", -7.2),
    c("153", "Mobilize or reinforce police", -7.2),
    c("154", "Mobilize or reinforce armed forces", -7.2),
    // 16 reduce relations
    c("160", "Reduce relations, unspecified", -4.0),
    c("161", "Downgrade or sever diplomatic ties", -4.0),
    c("162", "Cut or halt aid", -5.6),
    c("1621", "Cut or halt economic aid", -5.6),
    c("1622", "Cut or halt military aid", -5.6),
    c("1623", "Cut or halt humanitarian aid", -5.6),
    c("163", "Impose an embargo, boycott or sanctions", -8.0),
    c("164", "Break off negotiations", -7.0),
    c("165", "Break off mediation", -6.5),
    c("166", "Expel or pull out, unspecified", -7.0),
    c("1661", "Expel or pull out peacekeepers", -7.0),
    c("1662", "Expel or pull out inspectors or observers", -7.0),
    c("1663", "Expel or pull out aid agencies", -7.0),
    // 17 coerce
    c("170", "Coerce, unspecified", -7.0),
    c("171", "Seize or damage property", -9.2),
    c("1711", "Confiscate property", -9.2),
    c("1712", "Destroy property", -9.2),
    c("172", "Apply administrative sanctions", -5.0),
    c("1721", "Restrict expression or political freedoms", -5.0),
    c("1722", "Ban parties or politicians", -5.0),
    c("1723", "Impose a curfew", -5.0),
    c("1724", "Impose a state of emergency or martial law", -5.0),
    c("173", "Arrest, detain or charge", -5.0),
    c("174", "Expel or deport individuals", -5.0),
    c("175", "Repress violently", -9.0),
    // 18 assault
    c("180", "Use unconventional violence, unspecified", -9.0),
    c("181", "Abduct, hijack or take hostages", -9.0),
    c("182", "Physically assault", -9.5),
    c("1821", "Sexually assault", -9.0),
    c("1822", "Torture", -9.0),
    c("1823", "Kill in a physical attack", -10.0),
    c("183", "Bomb by non-military means", -10.0),
    c("1831", "Suicide bombing", -10.0),
    c("1832", "Car bombing", -10.0),
    c("1833", "Roadside bombing", -10.0),
    c("184", "Use human shields", -8.0),
    c("185", "Attempt an assassination", -8.0),
    c("186", "Assassinate", -10.0),
    // 19 fight
    c("190", "Use conventional military force, unspecified", -10.0),
    c("191", "Blockade or restrict movement", -9.5),
    c("192", "Occupy territory", -9.5),
    c("193", "Fight with small arms and light weapons", -10.0),
    c("194", "Fight with artillery or armour", -10.0),
    c("195", "Strike from the air", -10.0),
    c("1951", "Strike with precision-guided air munitions", -10.0),
    c("1952", "Strike with remotely piloted aircraft", -10.0),
    c("196", "Break a ceasefire", -9.5),
    // 20 unconventional mass violence
    c("200", "Use unconventional mass violence, unspecified", -10.0),
    c("201", "Expel a population en masse", -9.5),
    c("202", "Kill en masse", -10.0),
    c("203", "Carry out ethnic cleansing", -10.0),
    c("204", "Use weapons of mass destruction", -10.0),
    c("2041", "Use chemical, biological or radiological weapons", -10.0),
    c("2042", "Detonate a nuclear weapon", -10.0),
];

/// The 20 roots: code, name, Goldstein weight (used when a code is not in [`CODES`]).
static ROOTS: [(&str, &str, f32); 20] = [
    ("01", "Make public statement", 0.0),
    ("02", "Appeal", 3.0),
    ("03", "Express intent to cooperate", 4.0),
    ("04", "Consult", 1.0),
    ("05", "Engage in diplomatic cooperation", 3.5),
    ("06", "Engage in material cooperation", 6.0),
    ("07", "Provide aid", 7.0),
    ("08", "Yield", 5.0),
    ("09", "Investigate", -2.0),
    ("10", "Demand", -5.0),
    ("11", "Disapprove", -2.0),
    ("12", "Reject", -4.0),
    ("13", "Threaten", -6.0),
    ("14", "Protest", -6.5),
    ("15", "Exhibit force posture", -7.2),
    ("16", "Reduce relations", -4.0),
    ("17", "Coerce", -7.0),
    ("18", "Assault", -9.0),
    ("19", "Fight", -10.0),
    ("20", "Use unconventional mass violence", -10.0),
];

/// Position of a root (`"01"`..`"20"`) in [`ROOTS`], if it is one.
fn root_index(root: &str) -> Option<usize> {
    ROOTS.binary_search_by(|(r, _, _)| (*r).cmp(root)).ok()
}

/// Number of slots of [`slot`]: 3-digit codes take `0..1000`, 4-digit codes `1000..11000`.
const SLOTS: usize = 11_000;

/// Marks a slot whose code is not in [`CODES`].
const UNLISTED: u16 = u16::MAX;

/// A dense number for a code of 3 or 4 ASCII digits: its value, plus 1000 for
/// 4-digit codes (so `"021"` and `"0021"` differ). `None` for any other string.
fn slot(code: &str) -> Option<usize> {
    let digit = |b: u8| b.is_ascii_digit().then(|| usize::from(b - b'0'));
    match *code.as_bytes() {
        [a, b, c] => Some(digit(a)? * 100 + digit(b)? * 10 + digit(c)?),
        [a, b, c, d] => {
            Some(1000 + digit(a)? * 1000 + digit(b)? * 100 + digit(c)? * 10 + digit(d)?)
        }
        _ => None,
    }
}

/// Position in [`CODES`] of the code of each [`slot`], or [`UNLISTED`]: a lookup
/// is then two array reads instead of a binary search with string comparisons
/// (it runs once per coded event). Built on first use.
fn positions() -> &'static [u16] {
    static POSITIONS: OnceLock<Box<[u16]>> = OnceLock::new();
    POSITIONS.get_or_init(|| {
        let mut positions = vec![UNLISTED; SLOTS].into_boxed_slice();
        for (i, info) in CODES.iter().enumerate() {
            let s = slot(info.code).expect("CODES holds 3- and 4-digit codes");
            positions[s] = u16::try_from(i).expect("fewer than 65535 codes");
        }
        positions
    })
}

/// Position of a 3- or 4-digit code in [`CODES`], if it is listed there.
///
/// Returns `None` for unknown codes and for bare roots such as `"14"`.
pub fn position(code: &str) -> Option<usize> {
    let p = positions()[slot(code)?];
    (p != UNLISTED).then_some(usize::from(p))
}

/// Looks up a 3- or 4-digit code in [`CODES`].
///
/// Returns `None` for unknown codes and for bare roots such as `"14"`.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    position(code).map(|i| &CODES[i])
}

/// True if `code` is a 3- or 4-digit code listed in [`CODES`].
pub fn is_valid(code: &str) -> bool {
    lookup(code).is_some()
}

/// The root of a code: its first two characters (`"0211"` -> `"02"`).
///
/// Codes shorter than two characters (or whose first two bytes are not a
/// character boundary) are returned unchanged. The result is not validated.
pub fn root(code: &str) -> &str {
    code.get(..2).unwrap_or(code)
}

/// The name of a root category, for `"01"` through `"20"`; `None` otherwise.
pub fn root_label(root: &str) -> Option<&'static str> {
    root_index(root).map(|i| ROOTS[i].1)
}

/// GDELT quad class of a code: 1 verbal cooperation (roots 01-05), 2 material
/// cooperation (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20).
///
/// Accepts any code in [`CODES`] or a bare root (`"01"`..`"20"`); returns 0
/// for anything else.
pub fn quad_class(code: &str) -> u8 {
    quad_class_of(code, lookup(code))
}

/// [`quad_class`] given `lookup(code)` (one table search for several properties).
pub fn quad_class_of(code: &str, info: Option<&CodeInfo>) -> u8 {
    let r = root(code);
    let bare_root = code.len() == 2 && root_index(r).is_some();
    if !(bare_root || info.is_some()) {
        return 0;
    }
    match r {
        "01" | "02" | "03" | "04" | "05" => 1,
        "06" | "07" | "08" => 2,
        "09" | "10" | "11" | "12" | "13" => 3,
        _ => 4,
    }
}

/// Goldstein weight of a code: the table value if the code is in [`CODES`],
/// else the weight of its root (so `"14"` or an unlisted `"0815"` still get a
/// value), else 0.0 when not even the root is known.
pub fn goldstein(code: &str) -> f32 {
    goldstein_of(code, lookup(code))
}

/// [`goldstein`] given `lookup(code)`.
pub fn goldstein_of(code: &str, info: Option<&CodeInfo>) -> f32 {
    match info {
        Some(info) => info.goldstein,
        None => root_index(root(code)).map_or(0.0, |i| ROOTS[i].2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    /// Finds a file in the shared anchor directory: relative to the crate
    /// (works in the workspace), else at the absolute shared location.
    fn anchor(name: &str) -> Option<PathBuf> {
        [
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/anchors/cameo"
            ))
            .join(name),
            PathBuf::from("/work/shared/anchors/cameo").join(name),
        ]
        .into_iter()
        .find(|p| p.is_file())
    }

    #[test]
    fn table_sorted_unique_and_well_formed() {
        for pair in CODES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "not sorted/unique: {} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        for info in CODES {
            assert!(
                (info.code.len() == 3 || info.code.len() == 4)
                    && info.code.bytes().all(|b| b.is_ascii_digit()),
                "bad code {:?}",
                info.code
            );
            assert!(
                root_label(root(info.code)).is_some(),
                "bad root {}",
                info.code
            );
            if info.code.len() == 4 {
                assert!(
                    is_valid(&info.code[..3]),
                    "{} has no 3-digit parent",
                    info.code
                );
            }
            assert!(!info.label.is_empty());
            assert!((-10.0..=10.0).contains(&info.goldstein), "{}", info.code);
        }
        assert_eq!(CODES.len(), 295);
    }

    /// The reference for [`lookup`]: a binary search of [`CODES`].
    fn lookup_by_search(code: &str) -> Option<&'static CodeInfo> {
        CODES
            .binary_search_by(|info| info.code.cmp(code))
            .ok()
            .map(|i| &CODES[i])
    }

    /// The slot table finds exactly what a search of the table finds, for every
    /// code and every other string of up to 5 digits (and a few that are not digits).
    #[test]
    fn lookup_agrees_with_search() {
        let mut probes: Vec<String> = vec![
            String::new(),
            "abc".into(),
            "0a1".into(),
            "01é".into(),
            " 010".into(),
            "010 ".into(),
            "+10".into(),
        ];
        for len in 1..=5u32 {
            for n in 0..10usize.pow(len) {
                probes.push(format!("{n:0width$}", width = len as usize));
            }
        }
        for code in &probes {
            assert_eq!(lookup(code), lookup_by_search(code), "{code:?}");
            assert_eq!(
                position(code).map(|i| CODES[i].code),
                lookup_by_search(code).map(|i| i.code),
                "{code:?}"
            );
        }
        for (i, info) in CODES.iter().enumerate() {
            assert_eq!(position(info.code), Some(i));
        }
    }

    #[test]
    fn lookup_and_validity() {
        assert_eq!(lookup("111").unwrap().label, "Criticize or denounce");
        assert_eq!(lookup("0211").unwrap().code, "0211");
        assert_eq!(lookup("2042").unwrap().goldstein, -10.0);
        assert!(lookup("").is_none());
        assert!(lookup("14").is_none());
        assert!(lookup("099").is_none());
        assert!(lookup("0215").is_none());
        assert!(is_valid("010") && is_valid("1952") && is_valid("204"));
        assert!(!is_valid("21") && !is_valid("210") && !is_valid("abc"));
        assert_eq!(root("0211"), "02");
        assert_eq!(root("195"), "19");
        assert_eq!(root("1"), "1");
        assert_eq!(root(""), "");
        assert_eq!(root_label("04"), Some("Consult"));
        assert_eq!(root_label("20"), Some("Use unconventional mass violence"));
        assert_eq!(root_label("00"), None);
        assert_eq!(root_label("21"), None);
    }

    #[test]
    fn quad_classes() {
        for info in CODES {
            let n: u8 = root(info.code).parse().unwrap();
            let want = match n {
                1..=5 => 1,
                6..=8 => 2,
                9..=13 => 3,
                _ => 4,
            };
            assert_eq!(quad_class(info.code), want, "{}", info.code);
        }
        assert_eq!(quad_class("051"), 1);
        assert_eq!(quad_class("0874"), 2);
        assert_eq!(quad_class("09"), 3);
        assert_eq!(quad_class("145"), 4);
        assert_eq!(quad_class("20"), 4);
        assert_eq!(quad_class(""), 0);
        assert_eq!(quad_class("21"), 0);
        assert_eq!(quad_class("999"), 0);
        assert_eq!(quad_class("0815"), 0);
    }

    #[test]
    fn goldstein_values() {
        for (code, g) in [
            ("010", 0.0),
            ("020", 3.0),
            ("030", 4.0),
            ("040", 1.0),
            ("042", 1.9),
            ("043", 2.8),
            ("051", 3.4),
            ("057", 8.0),
            ("070", 7.0),
            ("111", -2.0),
            ("112", -2.0),
            ("120", -4.0),
            ("130", -4.4),
            ("138", -7.0),
            ("140", -6.5),
            ("163", -8.0),
            ("173", -5.0),
            ("180", -9.0),
            ("190", -10.0),
            ("195", -10.0),
            ("200", -10.0),
        ] {
            assert_eq!(goldstein(code), g, "{code}");
        }
        // Fall-backs to the root weight.
        assert_eq!(goldstein("13"), -6.0);
        assert_eq!(goldstein("0815"), 5.0);
        assert_eq!(goldstein("15"), -7.2);
        assert_eq!(goldstein("99"), 0.0);
        assert_eq!(goldstein(""), 0.0);
    }

    /// Every `LABEL: code=` line of the reference code file names a code we
    /// have, and every code we have appears there. `LABELi`/`LABELI` lines
    /// (ICEWS variants) and codes with a letter suffix (`0811i`, `138i`, ...)
    /// are alternative labels of existing codes, not codes of their own.
    #[test]
    fn matches_reference_codefile() {
        let Some(path) = anchor("CAMEO_codefile.txt") else {
            eprintln!("note: CAMEO_codefile.txt not found; skipping reference check");
            return;
        };
        let text = std::fs::read_to_string(&path).expect("read CAMEO_codefile.txt");
        let mut reference = BTreeSet::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("LABEL:") else {
                continue;
            };
            let Some((code, _label)) = rest.split_once('=') else {
                continue;
            };
            let code = code.trim();
            if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
                reference.insert(code.to_string());
            }
        }
        assert!(
            reference.len() > 250,
            "parsed only {} codes",
            reference.len()
        );
        let ours: BTreeSet<String> = CODES.iter().map(|i| i.code.to_string()).collect();
        let missing: Vec<_> = reference.difference(&ours).collect();
        let extra: Vec<_> = ours.difference(&reference).collect();
        assert!(
            missing.is_empty(),
            "codes in reference but not in table: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "codes in table but not in reference: {extra:?}"
        );
    }
}
