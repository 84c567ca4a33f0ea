//! PETRARCH patterns in passive clauses, plural pattern nouns, repeated patterns of a
//! block, `of` phrases, modals and subject pronouns in pattern gaps, participles as
//! modifiers and places of objects, with small made-up
//! dictionaries (fictional countries).

mod common;

use demarche_coder::{Article, Coder, CoderBuilder, FileKind};

const ACTORS: &str = "\
FREEDONIA_ [FRD]
+FREEDONIAN
SYLVANIA_ [SYL]
+SYLVANIAN
";

const AGENTS: &str = "\
GOVERNMENT [~GOV]
DEMONSTRATOR [~OPP]
SOLDIER [~MIL]
DISSIDENT [~OPP]
";

const VERBS: &str = "\
&TREATY
+TREATY
+AGREEMENT

---  SHOW   [---]  ---
PRESENT
- * EVIDENCE                                          [1124]

---  DESTROY   [190]  ---
DEMOLISH [1712]
- RIOTER *                                            [145]

---  APPROVE   [---]  ---
APPROVE
RATIFY {RATIFIES RATIFYING RATIFIED }
- * &TREATY                                           [031]
- * &TREATY                                           [057]

---  OBTAIN   [---]  ---
RECEIVE
- * ASSURANCE                                         [:030]

---  ARREST   [173]  ---
IMPRISON

---  RELEASE   [084]  ---
RELEASE

---  KILL   [190]  ---
KILL

---  PRESSURE   [170]  ---
PRESSURE

---  EXAMINE   [090]  ---
EXAMINE
RE-EXAMINE

---  ADOPT   [081]  ---
ADOPT
- * RESOLUTION                                        [102]

---  ANNOUNCE   [010]  ---
ANNOUNCE
- * ATTACK                                            [138]

---  ATTACK   [190]  ---
ATTACK

---  HELP   [070]  ---
HELP

---  EXILE   [174]  ---
EXILE

---  MEET   [040]  ---
MEET
";

fn coder() -> Coder {
    let mut b = CoderBuilder::new();
    b.add_petrarch_str(FileKind::Actors, "actors.txt", ACTORS);
    b.add_petrarch_str(FileKind::Agents, "agents.txt", AGENTS);
    b.add_petrarch_str(FileKind::Verbs, "verbs.txt", VERBS);
    b.build().expect("dictionaries")
}

/// "SOURCE CODE TARGET" of every event of one sentence, sorted.
fn events(c: &Coder, text: &str) -> Vec<String> {
    common::triples(&c.code(&Article::new("t", text)), "-")
}

#[test]
fn passive_subject_matches_the_pattern_object() {
    let c = coder();
    // "evidence ... was presented by X" is "X presented evidence"
    assert_eq!(
        events(&c, "Evidence against Sylvania was presented by Freedonia."),
        ["FRD 1124 SYL"]
    );
    // the active clause still codes the same
    assert_eq!(
        events(&c, "Freedonia presented evidence against Sylvania."),
        ["FRD 1124 SYL"]
    );
    // no pattern noun in the subject: no passive pattern match
    assert!(events(&c, "A letter from Sylvania was presented by Freedonia.").is_empty());
}

#[test]
fn by_phrase_matches_the_pattern_subject() {
    let c = coder();
    // "demolished by a rioter" is "a rioter demolished"; the adjective in the passive's
    // subject is its target
    assert_eq!(
        events(
            &c,
            "The Sylvanian building was demolished by a Freedonian rioter."
        ),
        ["FRD 145 SYL"]
    );
    // plural too
    assert_eq!(
        events(
            &c,
            "The Sylvanian building was demolished by Freedonian rioters."
        ),
        ["FRD 145 SYL"]
    );
    // without the pattern's subject word the verb's own code applies
    assert_eq!(
        events(
            &c,
            "The Sylvanian building was demolished by Freedonian troops."
        ),
        ["FRD 1712 SYL"]
    );
}

#[test]
fn by_phrase_belongs_to_the_nearest_passive() {
    let c = coder();
    // "by Freedonia" is the agent of "released", not of "imprisoned"
    let ev = events(
        &c,
        "The demonstrators imprisoned for criticising Sylvania were released yesterday by Freedonia",
    );
    assert!(!ev.iter().any(|e| e.contains(" 173 ")), "{ev:?}");
}

#[test]
fn pattern_nouns_match_their_plurals() {
    let c = coder();
    // `- * ASSURANCE [:030]`: the giver after "from" is the source
    assert_eq!(
        events(
            &c,
            "Freedonian demonstrators received assurances from the Freedonian government."
        ),
        ["FRDGOV 030 FRDOPP"]
    );
}

#[test]
fn later_identical_pattern_of_a_block_wins() {
    let c = coder();
    // `- * &TREATY [031]` then `- * &TREATY [057]`: PETRARCH keeps the last one
    assert_eq!(
        events(&c, "Freedonia ratified a sweeping agreement with Sylvania."),
        ["FRD 057 SYL"]
    );
}

#[test]
fn a_gap_does_not_enter_an_of_complement() {
    let c = coder();
    // the head of "a set of resolutions" is "set": the bare verb's code
    assert_eq!(
        events(&c, "Freedonia adopted a set of resolutions with Sylvania."),
        ["FRD 081 SYL"]
    );
    assert_eq!(
        events(&c, "Freedonia adopted new resolutions with Sylvania."),
        ["FRD 102 SYL"]
    );
    // a partitive: "most of the resolutions" is about the resolutions
    assert_eq!(
        events(
            &c,
            "Freedonia adopted most of the resolutions with Sylvania."
        ),
        ["FRD 102 SYL"]
    );
}

#[test]
fn a_country_placing_the_object_is_the_target() {
    let c = coder();
    assert_eq!(
        events(&c, "Freedonia will re-examine the refineries in Sylvania."),
        ["FRD 090 SYL"]
    );
    // a place after more than the object noun phrase is not its target
    assert!(events(
        &c,
        "Freedonia will re-examine the refineries next week in Sylvania."
    )
    .is_empty());
}

#[test]
fn an_uncoded_by_agent_is_the_agent() {
    let c = coder();
    // "by parliament" (no actor code) is the agent: not the later "Sylvania"
    let ev = events(
        &c,
        "Freedonia is being pressured by parliament to help Sylvania.",
    );
    assert!(!ev.iter().any(|e| e.starts_with("SYL 170")), "{ev:?}");
    assert!(ev.iter().all(|e| !e.contains(" 170 ")), "{ev:?}");
    // a coded agent still is the source
    assert_eq!(
        events(&c, "Freedonia is being pressured by Sylvania."),
        ["SYL 170 FRD"]
    );
}

#[test]
fn an_existential_participle_is_passive() {
    let c = coder();
    // "there were ten Freedonian soldiers killed": the soldiers are the victims
    let ev = events(
        &c,
        "There were ten Freedonian soldiers killed in Sylvania today.",
    );
    assert!(!ev.iter().any(|e| e.starts_with("FRD")), "{ev:?}");
    assert_eq!(
        events(
            &c,
            "There were ten Freedonian soldiers killed by Sylvania today."
        ),
        ["SYL 190 FRDMIL"]
    );
}

#[test]
fn a_pattern_gap_does_not_reach_into_a_new_clause() {
    let c = coder();
    // the pattern noun after modifiers of its noun phrase
    assert_eq!(
        events(&c, "Freedonia announced a new attack on Sylvania."),
        ["FRD 138 SYL"]
    );
    // a subject pronoun or a modal starts a clause: "attack" is its verb, not the
    // announced noun
    assert_eq!(
        events(&c, "Freedonia announced it will attack Sylvania."),
        ["FRD 190 SYL"]
    );
    assert_eq!(
        events(
            &c,
            "Freedonia announced Sylvania would attack Freedonian soldiers."
        ),
        ["SYL 190 FRDMIL"]
    );
}

#[test]
fn a_participle_after_a_determiner_modifies_a_noun() {
    let c = coder();
    // "their exiled dissidents": no exile here, and the help reaches its object
    assert_eq!(
        events(
            &c,
            "Freedonia helped their exiled dissidents from Sylvania."
        ),
        ["FRD 070 SYLOPP"]
    );
    // after a preposition too; "from" reaches over a hyphenated modifier
    assert_eq!(
        events(
            &c,
            "Freedonia will meet with exiled dissidents from war-torn Sylvania."
        ),
        ["FRD 040 SYLOPP"]
    );
    // after a subject it is the verb
    assert_eq!(
        events(&c, "Freedonia exiled two dissidents from Sylvania."),
        ["FRD 174 SYLOPP"]
    );
}
