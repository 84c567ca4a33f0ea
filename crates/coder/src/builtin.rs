//! demarche's default dictionaries, compiled in from `dictionaries/`.

use crate::dictionary::own::FileKind;

macro_rules! dict {
    ($kind:ident, $path:literal) => {
        (
            FileKind::$kind,
            $path,
            include_str!(concat!("../../../dictionaries/", $path)),
        )
    };
}

/// (kind, file name, contents) of every default dictionary file, in load order.
pub const FILES: &[(FileKind, &str, &str)] = &[
    dict!(Irregular, "verbs/irregular.txt"),
    dict!(Actors, "actors/countries.txt"),
    dict!(Actors, "actors/organizations.txt"),
    dict!(Actors, "actors/armed_groups.txt"),
    dict!(Actors, "actors/regions.txt"),
    dict!(Actors, "actors/leaders.txt"),
    dict!(Agents, "agents.txt"),
    dict!(Verbs, "verbs/01-09.txt"),
    dict!(Verbs, "verbs/10-20.txt"),
    dict!(Discards, "discards.txt"),
];
