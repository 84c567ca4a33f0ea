//! Verb transformations in the coder: an act in the clause of a reporting, claiming,
//! wanting or attempting verb recoded as one event of that verb's subject. Small
//! dictionaries written here, in our own format.

mod common;

use demarche_coder::{Article, Coder, CoderBuilder, FileKind};

const ACTORS: &str = "@kind country
United States | US => USA
Iraq => IRQ
Switzerland => CHE
Syria => SYR
@kind person
Barack Obama | Obama => USAGOV
Vladimir Putin | Putin => RUSGOV
@kind group
Islamic State | ISIL => IMGMUSISI
";

const VERBS: &str = "010: say
110: claim
030: want
---: attempt
190: attack
186: assassinate
043: host
";

const TRANSFORMATIONS: &str = "~ a 010 (a 190 b) => a 015 b
~ a 110 (a 190 b) => a 015 b
~ a 010 (b 190 .) => a 112 b
~ a 110 (b 190 .) => a 112 b
~ a 010 (a * b) => a * b
~ a 030 (_ 190 b) => a 138 b
~ a 030 (b 190 .) => a 021 b
~ a attempt (_ 186 b) => a 185 b
";

fn coder(transformations: bool) -> Coder {
    let mut b = CoderBuilder::new();
    b.add_str(FileKind::Irregular, "irregular.txt", "say: said | said\n")
        .add_str(FileKind::Actors, "actors.txt", ACTORS)
        .add_str(FileKind::Verbs, "verbs.txt", VERBS);
    if transformations {
        b.add_str(FileKind::Verbs, "transformations.txt", TRANSFORMATIONS);
    }
    let d = b.dictionaries();
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    b.build().unwrap()
}

fn events(c: &Coder, text: &str) -> Vec<String> {
    let a = Article::new("t", text).published(chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap());
    common::triples(&c.code(&a), "-")
}

#[test]
fn claimed_own_attack_is_a_claim_of_responsibility() {
    let c = coder(true);
    assert_eq!(
        events(&c, "The US claimed that it had attacked Iraq."),
        ["USA 015 IRQ"]
    );
    // without "that" too
    assert_eq!(events(&c, "The US said it attacked Iraq."), ["USA 015 IRQ"]);
    // without the transformations the attack itself is coded
    assert_eq!(
        events(&coder(false), "The US claimed that it had attacked Iraq."),
        ["USA 190 IRQ"]
    );
}

#[test]
fn claimed_attack_of_another_is_an_accusation() {
    let c = coder(true);
    assert_eq!(
        events(&c, "The US claimed that ISIL had attacked Iraq."),
        ["USA 112 IMGMUSISI"]
    );
    assert_eq!(
        events(&c, "The US said that Iraq had attacked Syria."),
        ["USA 112 IRQ"]
    );
}

#[test]
fn coordinated_speakers_each_get_their_event() {
    let c = coder(true);
    assert_eq!(
        events(&c, "Obama and Putin said they attacked Iraq."),
        ["RUSGOV 015 IRQ", "USAGOV 015 IRQ"]
    );
}

#[test]
fn any_act_keeps_its_code() {
    let c = coder(true);
    // `(a * b) => a * b`: the speaker's own act, and no separate statement
    assert_eq!(events(&c, "The US said it hosted Iraq."), ["USA 043 IRQ"]);
}

#[test]
fn wanting_an_attack_is_a_threat_or_an_appeal() {
    let c = coder(true);
    // a letter binds before `_`: Putin is the one asked to attack
    assert_eq!(
        events(&c, "Obama wants Putin to attack Switzerland."),
        ["USAGOV 021 RUSGOV"]
    );
    assert_eq!(
        events(&c, "Obama wants to attack Iraq."),
        ["USAGOV 138 IRQ"]
    );
}

#[test]
fn attempted_assassination_by_lemma() {
    let c = coder(true);
    assert_eq!(
        events(&c, "Obama attempted to assassinate Putin."),
        ["USAGOV 185 RUSGOV"]
    );
    assert_eq!(
        events(&coder(false), "Obama attempted to assassinate Putin."),
        ["USAGOV 186 RUSGOV"]
    );
}

#[test]
fn no_transformation_outside_a_complement_or_when_denied() {
    let c = coder(true);
    // the attack is not in the clause of "said": a separate sentence
    assert_eq!(
        events(&c, "The US spoke. It attacked Iraq."),
        ["USA 190 IRQ"]
    );
    // a denied act is no claim of it
    assert!(!events(&c, "The US said it did not attack Iraq.")
        .iter()
        .any(|e| e.contains(" 015 ")));
}
