//! Output formats of coded events: JSON lines (the `demarche.event/1` CAMEO view, or
//! the PLOVER view) and the tab-separated Phoenix and GDELT event tables.
//!
//! One function writes the header line of a format ([`write_header`]), one encodes an
//! event as one record ([`encode`], [`encode_line`], [`to_vec`]). `extract` writes
//! the header first and one line per event; the Kafka worker writes one record per
//! message, without header. Every column is documented in `docs/EXPORTS.md`, the
//! PLOVER view in `docs/PLOVER.md`.
//!
//! Encoding appends to a caller's buffer: text fields are copied as they are (tabs,
//! carriage returns and newlines inside values become spaces), numbers are written
//! in place; nothing is allocated per field.

use demarche_coder::{plover, ActorRef, Event};
use serde::{Deserialize, Serialize};
use std::io::Write as _;

/// Output format of events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object per event (the `demarche.event/1` schema, or the PLOVER view).
    #[default]
    Jsonl,
    /// Tab-separated, the 26 columns of the Phoenix event data set.
    Phoenix,
    /// Tab-separated, the 61 columns of the GDELT 2.0 event table.
    Gdelt,
}

/// Which event ontology leads the JSON output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ontology {
    /// The `demarche.event/1` schema: CAMEO codes, with the PLOVER type and mode.
    #[default]
    Cameo,
    /// PLOVER fields first (event type, mode, context, source and recipient actors),
    /// the CAMEO code as a secondary field (`demarche.plover/1`).
    Plover,
}

impl Format {
    /// The name used on the command line and in the configuration.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Phoenix => "phoenix",
            Format::Gdelt => "gdelt",
        }
    }

    /// Column names of a tab-separated format; empty for JSON lines.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Format::Jsonl => &[],
            Format::Phoenix => &PHOENIX_COLUMNS,
            Format::Gdelt => &GDELT_COLUMNS,
        }
    }

    /// Parses a name (`jsonl`, `phoenix`, `gdelt`; any case, blanks around ignored).
    pub fn parse(s: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(s.trim(), true).ok()
    }
}

impl Ontology {
    /// The name used on the command line and in the configuration.
    pub fn name(self) -> &'static str {
        match self {
            Ontology::Cameo => "cameo",
            Ontology::Plover => "plover",
        }
    }

    /// Parses a name (`cameo`, `plover`; any case, blanks around ignored).
    pub fn parse(s: &str) -> Option<Ontology> {
        <Ontology as clap::ValueEnum>::from_str(s.trim(), true).ok()
    }
}

/// Why a format and an ontology cannot be combined: the Phoenix and GDELT tables have
/// fixed CAMEO columns, so only JSON lines has a PLOVER view.
pub fn check(format: Format, ontology: Ontology) -> Result<(), String> {
    if format != Format::Jsonl && ontology == Ontology::Plover {
        return Err(format!(
            "the {} format is a CAMEO table with fixed columns; the plover ontology needs the jsonl format",
            format.name()
        ));
    }
    Ok(())
}

/// Schema tag of the PLOVER view.
pub const PLOVER_SCHEMA: &str = "demarche.plover/1";

/// The Phoenix event data set's columns (Open Event Data Alliance, as written by the
/// Phoenix pipeline).
pub const PHOENIX_COLUMNS: [&str; 26] = [
    "EventID",
    "Date",
    "Year",
    "Month",
    "Day",
    "SourceActorFull",
    "SourceActorEntity",
    "SourceActorRole",
    "SourceActorAttribute",
    "TargetActorFull",
    "TargetActorEntity",
    "TargetActorRole",
    "TargetActorAttribute",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScore",
    "Issues",
    "Lat",
    "Lon",
    "LocationName",
    "StateName",
    "CountryCode",
    "SentenceID",
    "URLs",
    "NewsSources",
];

/// The GDELT 2.0 event table's columns (GDELT Event Codebook V2.0).
pub const GDELT_COLUMNS: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// Appends the header line (column names, tab-separated, and a newline) of a
/// tab-separated format; nothing for JSON lines.
pub fn write_header(format: Format, out: &mut Vec<u8>) {
    let columns = format.columns();
    if columns.is_empty() {
        return;
    }
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        out.extend_from_slice(c.as_bytes());
    }
    out.push(b'\n');
}

/// Appends one event as one record, without the line end. Only fails for a JSON
/// serialisation error (which the event types cannot produce).
pub fn encode(
    format: Format,
    ontology: Ontology,
    event: &Event,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    encode_at(format, ontology, event, chrono::Utc::now().naive_utc(), out)
}

/// [`encode`] followed by a newline.
pub fn encode_line(
    format: Format,
    ontology: Ontology,
    event: &Event,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    encode(format, ontology, event, out)?;
    out.push(b'\n');
    Ok(())
}

/// One event as one record in a new buffer (a Kafka message value).
pub fn to_vec(format: Format, ontology: Ontology, event: &Event) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(768);
    encode(format, ontology, event, &mut out)?;
    Ok(out)
}

/// [`encode`] with the time to write as GDELT's `DATEADDED`.
pub fn encode_at(
    format: Format,
    ontology: Ontology,
    event: &Event,
    now: chrono::NaiveDateTime,
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    match (format, ontology) {
        (Format::Jsonl, Ontology::Cameo) => serde_json::to_writer(&mut *out, event)?,
        (Format::Jsonl, Ontology::Plover) => serde_json::to_writer(&mut *out, &plover_view(event))?,
        (Format::Phoenix, _) => phoenix(event, out),
        (Format::Gdelt, _) => gdelt(event, now, out),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Actor codes

/// International actor prefixes (CAMEO): the code has no country part.
const INTERNATIONAL: &[&str] = &["IGO", "NGO", "IMG", "MNC", "NGM"];

/// CAMEO role ("type", "agent", "sector") codes.
const ROLES: &[&str] = &[
    "AGR", "BUS", "COP", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI", "INS",
    "JUD", "LAB", "LEG", "MED", "MIL", "MOD", "OPP", "PTY", "RAD", "REB", "REF", "REL", "SEP",
    "SET", "SPY", "UAF", "UIS",
];

/// The Phoenix data set's primary agents (its `ActorRole` values).
const PHOENIX_AGENTS: &[&str] = &[
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS", "CRM", "CVL",
];

/// CAMEO religion codes (top level).
const RELIGIONS: &[&str] = &[
    "BAH", "BUD", "CHR", "CON", "CTH", "DOX", "HIN", "ITR", "JAN", "JEW", "MOS", "MUS", "NRM",
    "PAG", "PRO", "SHI", "SHN", "SIK", "SUF", "SUN", "TAO", "ZRO",
];

/// CAMEO region codes, as used after an international prefix (`IGOEUREEC`).
const REGIONS: &[&str] = &[
    "AFR", "ARB", "ASA", "BAL", "BLK", "CAS", "CAU", "CFR", "CRB", "EAF", "EEU", "EUR", "LAM",
    "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WST",
];

/// The 3-letter parts of an actor code (a shorter tail is a part of its own).
fn parts(code: &str) -> impl Iterator<Item = &str> {
    let n = code.len();
    (0..n)
        .step_by(3)
        .filter_map(move |i| code.get(i..(i + 3).min(n)))
}

/// An actor code split into the parts the Phoenix and GDELT tables and the PLOVER view
/// name (rules in `docs/EXPORTS.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActorParts<'a> {
    /// The first part when it is neither an international prefix nor a role: the
    /// country (or region) code.
    pub country: Option<&'a str>,
    /// The first part when it is `IGO`, `NGO`, `IMG`, `MNC` or `NGM`.
    pub international: Option<&'a str>,
    /// The last part after the first that is not a role, religion or (after an
    /// international prefix) region code: the organisation or group (`UNO`, `EEC`,
    /// `NAT`, `IAE`, `ALQ`).
    pub known_group: Option<&'a str>,
    /// Religion codes among the parts, in order (at most two).
    pub religions: [Option<&'a str>; 2],
    /// Role codes among the parts, in order, after the international prefix if any
    /// (at most three): GDELT's type codes.
    pub types: [Option<&'a str>; 3],
}

impl<'a> ActorParts<'a> {
    /// Splits a CAMEO actor code.
    pub fn split(code: &'a str) -> ActorParts<'a> {
        let mut p = ActorParts::default();
        let mut it = parts(code);
        let Some(first) = it.next() else {
            return p;
        };
        let mut types = 0;
        let mut push_type = |p: &mut ActorParts<'a>, t: &'a str| {
            if types < 3 {
                p.types[types] = Some(t);
                types += 1;
            }
        };
        if INTERNATIONAL.contains(&first) {
            p.international = Some(first);
            push_type(&mut p, first);
        } else if ROLES.contains(&first) {
            push_type(&mut p, first);
        } else {
            p.country = Some(first);
        }
        let mut religions = 0;
        for part in it {
            if ROLES.contains(&part) || INTERNATIONAL.contains(&part) {
                push_type(&mut p, part);
            } else if RELIGIONS.contains(&part) {
                if religions < 2 {
                    p.religions[religions] = Some(part);
                    religions += 1;
                }
            } else if p.international.is_some() && REGIONS.contains(&part) {
                // part of the organisation's name (IGO EUR EEC)
            } else {
                p.known_group = Some(part);
            }
        }
        p
    }

    /// The first role code that is not the international prefix (the PLOVER sector).
    pub fn sector(&self) -> Option<&'a str> {
        let skip = usize::from(self.international.is_some());
        self.types.iter().skip(skip).flatten().next().copied()
    }

    /// The top-level code: the country or the international prefix.
    pub fn top(&self) -> Option<&'a str> {
        self.country.or(self.international)
    }
}

// ---------------------------------------------------------------------------------
// Tab-separated rows

/// A row being written: fields separated by tabs, counted.
struct Row<'o> {
    out: &'o mut Vec<u8>,
    n: usize,
}

impl<'o> Row<'o> {
    fn new(out: &'o mut Vec<u8>) -> Row<'o> {
        Row { out, n: 0 }
    }

    fn sep(&mut self) {
        if self.n > 0 {
            self.out.push(b'\t');
        }
        self.n += 1;
    }

    /// A text field; tabs, carriage returns and newlines become spaces.
    fn text(&mut self, s: &str) {
        self.sep();
        push_clean(self.out, s);
    }

    fn opt(&mut self, s: Option<&str>) {
        self.text(s.unwrap_or(""));
    }

    fn empty(&mut self, n: usize) {
        for _ in 0..n {
            self.sep();
        }
    }

    fn fmt(&mut self, args: std::fmt::Arguments<'_>) {
        self.sep();
        // writing to a Vec cannot fail
        let _ = self.out.write_fmt(args);
    }
}

/// Appends `s` with tabs, carriage returns and newlines replaced by spaces.
fn push_clean(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        out.extend_from_slice(bytes);
        return;
    }
    out.extend(bytes.iter().map(|&b| match b {
        b'\t' | b'\n' | b'\r' => b' ',
        b => b,
    }));
}

/// Year, month and day of a `YYYY-MM-DD` date, if it is one.
fn ymd(date: Option<&str>) -> Option<(&str, &str, &str)> {
    let d = date?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10))
        .then(|| (&d[0..4], &d[5..7], &d[8..10]))
}

/// Phoenix's QuadClass: 0 neutral (01, 02), 1 verbal cooperation (03-05), 2 material
/// cooperation (06-08), 3 verbal conflict (09-13, 16), 4 material conflict (14, 15,
/// 17-20).
fn phoenix_quad(root: &str) -> Option<u8> {
    Some(match root {
        "01" | "02" => 0,
        "03" | "04" | "05" => 1,
        "06" | "07" | "08" => 2,
        "09" | "10" | "11" | "12" | "13" | "16" => 3,
        "14" | "15" | "17" | "18" | "19" | "20" => 4,
        _ => return None,
    })
}

/// Phoenix actor columns: full code, entity (country, region or international prefix),
/// role (a Phoenix primary agent right after the entity), attributes (the other parts,
/// `;`-separated).
fn phoenix_actor(row: &mut Row<'_>, actor: Option<&ActorRef>) {
    let Some(a) = actor else {
        row.empty(4);
        return;
    };
    row.text(&a.code);
    let mut it = parts(&a.code).peekable();
    let entity = it.next_if(|p| !ROLES.contains(p));
    row.opt(entity);
    let role = it.next_if(|p| PHOENIX_AGENTS.contains(p));
    row.opt(role);
    row.sep();
    for (i, p) in it.enumerate() {
        if i > 0 {
            row.out.push(b';');
        }
        push_clean(row.out, p);
    }
}

fn phoenix(e: &Event, out: &mut Vec<u8>) {
    let mut row = Row::new(out);
    row.text(&e.event_id);
    match ymd(e.date.as_deref()) {
        Some((y, m, d)) => {
            row.fmt(format_args!("{y}{m}{d}"));
            row.text(y);
            row.text(m);
            row.text(d);
        }
        None => row.empty(4),
    }
    phoenix_actor(&mut row, Some(&e.source));
    phoenix_actor(&mut row, e.target.as_ref());
    row.text(&e.action.code);
    row.text(&e.action.root);
    match phoenix_quad(&e.action.root) {
        Some(q) => row.fmt(format_args!("{q}")),
        None => row.empty(1),
    }
    row.fmt(format_args!("{:.1}", e.action.goldstein));
    // Issues, Lat, Lon, LocationName, StateName, CountryCode
    row.empty(6);
    row.sep();
    push_clean(row.out, &e.article_id);
    let _ = write!(row.out, "-{}", e.sentence.index + 1);
    row.opt(e.url.as_deref());
    row.opt(e.publisher.as_deref());
    debug_assert_eq!(row.n, PHOENIX_COLUMNS.len());
}

/// GDELT's integer event id: the first 15 hex digits of our event id (60 bits, so it
/// fits a signed 64-bit integer), in decimal; the id as it is if it is not hex.
fn gdelt_id(row: &mut Row<'_>, event_id: &str) {
    match event_id
        .get(..15)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
    {
        Some(n) => row.fmt(format_args!("{n}")),
        None => row.text(event_id),
    }
}

/// GDELT actor columns: code, name, country, known group, ethnic, two religions, three
/// types.
fn gdelt_actor(row: &mut Row<'_>, actor: Option<&ActorRef>) {
    let Some(a) = actor else {
        row.empty(10);
        return;
    };
    let p = ActorParts::split(&a.code);
    row.text(&a.code);
    row.text(&a.text);
    row.opt(p.country);
    row.opt(p.known_group);
    row.empty(1); // ethnic
    for r in p.religions {
        row.opt(r);
    }
    for t in p.types {
        row.opt(t);
    }
}

fn gdelt(e: &Event, now: chrono::NaiveDateTime, out: &mut Vec<u8>) {
    let mut row = Row::new(out);
    gdelt_id(&mut row, &e.event_id);
    let date = ymd(e.date.as_deref());
    match date {
        Some((y, m, d)) => {
            row.fmt(format_args!("{y}{m}{d}"));
            row.fmt(format_args!("{y}{m}"));
            row.text(y);
            let parsed =
                chrono::NaiveDate::parse_from_str(e.date.as_deref().unwrap_or(""), "%Y-%m-%d");
            match parsed {
                Ok(day) => {
                    use chrono::Datelike;
                    let fraction = (f64::from(day.ordinal()) / 365.0).min(0.9999);
                    row.fmt(format_args!(
                        "{}.{:04}",
                        y,
                        (fraction * 10_000.0).round() as u32
                    ));
                }
                Err(_) => row.empty(1),
            }
        }
        None => row.empty(4),
    }
    gdelt_actor(&mut row, Some(&e.source));
    gdelt_actor(&mut row, e.target.as_ref());
    let root_event = e.sentence.field == "title" || e.sentence.index <= 1;
    row.text(if root_event { "1" } else { "0" });
    row.text(&e.action.code);
    row.text(e.action.code.get(..3).unwrap_or(&e.action.code));
    row.text(&e.action.root);
    row.fmt(format_args!("{}", e.action.quad_class));
    row.fmt(format_args!("{:.1}", e.action.goldstein));
    // NumMentions, NumSources, NumArticles: one sentence of one article
    row.text("1");
    row.text("1");
    row.text("1");
    // AvgTone, then Actor1Geo_*, Actor2Geo_*, ActionGeo_* (8 columns each)
    row.empty(1 + 3 * 8);
    row.fmt(format_args!("{}", now.format("%Y%m%d%H%M%S")));
    row.opt(e.url.as_deref());
    debug_assert_eq!(row.n, GDELT_COLUMNS.len());
}

// ---------------------------------------------------------------------------------
// The PLOVER view

/// A PLOVER actor object (PLOVER manual, "Information object for actors").
#[derive(Serialize)]
struct PloverActor<'a> {
    /// Top-level code: country (or region) or international prefix.
    code: Option<&'a str>,
    /// First role code (GOV, MIL, ...).
    sector: Option<&'a str>,
    /// The text that named the actor.
    actor_text: &'a str,
    /// The full CAMEO actor code.
    cameo: &'a str,
}

impl<'a> PloverActor<'a> {
    fn of(a: &'a ActorRef) -> PloverActor<'a> {
        let p = ActorParts::split(&a.code);
        PloverActor {
            code: p.top(),
            sector: p.sector(),
            actor_text: &a.text,
            cameo: &a.code,
        }
    }
}

/// The CAMEO coding, secondary in the PLOVER view.
#[derive(Serialize)]
struct CameoView<'a> {
    code: &'a str,
    root: &'a str,
    label: &'a str,
    quad_class: u8,
    goldstein: f32,
}

/// Where the event was found (PLOVER "Information object for text").
#[derive(Serialize)]
struct TextInfo<'a> {
    sequence: usize,
    start: usize,
    end: usize,
    field: &'a str,
}

/// The article (PLOVER "Information object for citations").
#[derive(Serialize)]
struct CiteInfo<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publication: Option<&'a str>,
}

/// One event in the PLOVER view (`docs/PLOVER.md`): PLOVER fields first.
#[derive(Serialize)]
struct PloverRecord<'a> {
    schema: &'static str,
    id: &'a str,
    date: Option<&'a str>,
    event_type: Option<&'a str>,
    mode: Option<&'a str>,
    context: &'static [&'static str],
    quad_code: Option<u8>,
    source: [PloverActor<'a>; 1],
    recipient: Option<[PloverActor<'a>; 1]>,
    event_text: [&'a str; 1],
    cameo: CameoView<'a>,
    text: &'a str,
    text_info: TextInfo<'a>,
    cite_info: CiteInfo<'a>,
    article_id: &'a str,
    coder: &'static str,
}

fn plover_view(e: &Event) -> PloverRecord<'_> {
    let event_type = e.plover.event_type.as_deref();
    let context = plover::from_cameo(&e.action.code).map_or(&[][..], |p| p.context);
    PloverRecord {
        schema: PLOVER_SCHEMA,
        id: &e.event_id,
        date: e.date.as_deref(),
        event_type,
        mode: e.plover.mode.as_deref(),
        context,
        quad_code: event_type.and_then(plover::quad_code),
        source: [PloverActor::of(&e.source)],
        recipient: e.target.as_ref().map(|t| [PloverActor::of(t)]),
        event_text: [&e.action.text],
        cameo: CameoView {
            code: &e.action.code,
            root: &e.action.root,
            label: &e.action.label,
            quad_class: e.action.quad_class,
            goldstein: e.action.goldstein,
        },
        text: &e.sentence.text,
        text_info: TextInfo {
            sequence: e.sentence.index,
            start: e.sentence.start,
            end: e.sentence.end,
            field: &e.sentence.field,
        },
        cite_info: CiteInfo {
            url: e.url.as_deref(),
            publication: e.publisher.as_deref(),
        },
        article_id: &e.article_id,
        coder: concat!("demarche ", env!("CARGO_PKG_VERSION")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_coder::{Action, PloverRef, SentenceRef, SCHEMA};
    use serde_json::Value;

    fn actor(code: &str, text: &str) -> ActorRef {
        ActorRef {
            code: code.into(),
            country: None,
            agent: None,
            text: text.into(),
        }
    }

    fn event() -> Event {
        Event {
            schema: SCHEMA.into(),
            event_id: "0123456789abcdef0123456789abcdef".to_string(),
            article_id: "a1".into(),
            date: Some("2015-02-19".into()),
            source: actor("RUSGOV", "Russia's\ttop diplomat"),
            target: Some(actor("IGOUNO", "the UN")),
            action: Action {
                code: "111".into(),
                root: "11".into(),
                label: "Criticize or denounce".into(),
                text: "slammed".into(),
                quad_class: 3,
                goldstein: -2.0,
            },
            plover: PloverRef {
                event_type: Some("ACCUSE".into()),
                mode: Some("disapprove".into()),
            },
            sentence: SentenceRef {
                index: 2,
                text: "Russia's top diplomat slammed\nthe UN.".to_string(),
                start: 10,
                end: 47,
                field: "text".into(),
            },
            url: Some("https://example.com/a1".to_string()),
            publisher: Some("AFP".to_string()),
        }
    }

    fn now() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
            .unwrap()
            .and_hms_opt(7, 8, 9)
            .unwrap()
    }

    /// The record as a map from column name to value.
    fn row(format: Format, e: &Event) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        encode_at(format, Ontology::Cameo, e, now(), &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(!line.contains('\n'), "{line:?}");
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), format.columns().len(), "{line}");
        format
            .columns()
            .iter()
            .zip(fields)
            .map(|(c, f)| (*c, f.to_string()))
            .collect()
    }

    fn get<'a>(row: &'a [(&'static str, String)], column: &str) -> &'a str {
        &row.iter().find(|(c, _)| *c == column).unwrap().1
    }

    #[test]
    fn headers() {
        for format in [Format::Phoenix, Format::Gdelt] {
            let mut out = Vec::new();
            write_header(format, &mut out);
            let line = String::from_utf8(out).unwrap();
            assert!(line.ends_with('\n'));
            let names: Vec<&str> = line.trim_end().split('\t').collect();
            assert_eq!(names, format.columns());
        }
        assert_eq!(PHOENIX_COLUMNS.len(), 26);
        assert_eq!(GDELT_COLUMNS.len(), 61);
        let mut out = Vec::new();
        write_header(Format::Jsonl, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn phoenix_row() {
        let r = row(Format::Phoenix, &event());
        assert_eq!(get(&r, "EventID"), "0123456789abcdef0123456789abcdef");
        assert_eq!(get(&r, "Date"), "20150219");
        assert_eq!(get(&r, "Year"), "2015");
        assert_eq!(get(&r, "Month"), "02");
        assert_eq!(get(&r, "Day"), "19");
        assert_eq!(get(&r, "SourceActorFull"), "RUSGOV");
        assert_eq!(get(&r, "SourceActorEntity"), "RUS");
        assert_eq!(get(&r, "SourceActorRole"), "GOV");
        assert_eq!(get(&r, "SourceActorAttribute"), "");
        assert_eq!(get(&r, "TargetActorFull"), "IGOUNO");
        assert_eq!(get(&r, "TargetActorEntity"), "IGO");
        assert_eq!(get(&r, "TargetActorRole"), "");
        assert_eq!(get(&r, "TargetActorAttribute"), "UNO");
        assert_eq!(get(&r, "EventCode"), "111");
        assert_eq!(get(&r, "EventRootCode"), "11");
        assert_eq!(get(&r, "QuadClass"), "3");
        assert_eq!(get(&r, "GoldsteinScore"), "-2.0");
        for empty in [
            "Issues",
            "Lat",
            "Lon",
            "LocationName",
            "StateName",
            "CountryCode",
        ] {
            assert_eq!(get(&r, empty), "", "{empty}");
        }
        assert_eq!(get(&r, "SentenceID"), "a1-3");
        assert_eq!(get(&r, "URLs"), "https://example.com/a1");
        assert_eq!(get(&r, "NewsSources"), "AFP");
    }

    #[test]
    fn phoenix_attributes_and_quads() {
        let mut e = event();
        e.source = actor("IGOUNOJUD", "ICJ");
        e.target = Some(actor("SYRREBISI", "rebels"));
        e.action.code = "0172".into();
        e.action.root = "01".into();
        let r = row(Format::Phoenix, &e);
        assert_eq!(get(&r, "SourceActorEntity"), "IGO");
        assert_eq!(get(&r, "SourceActorRole"), "");
        assert_eq!(get(&r, "SourceActorAttribute"), "UNO;JUD");
        assert_eq!(get(&r, "TargetActorEntity"), "SYR");
        assert_eq!(get(&r, "TargetActorRole"), "REB");
        assert_eq!(get(&r, "TargetActorAttribute"), "ISI");
        assert_eq!(get(&r, "QuadClass"), "0");
        e.action.root = "16".into();
        assert_eq!(get(&row(Format::Phoenix, &e), "QuadClass"), "3");
        e.action.root = "15".into();
        assert_eq!(get(&row(Format::Phoenix, &e), "QuadClass"), "4");
        // A code that starts with a role has no entity.
        e.source = actor("GOVMIL", "officials");
        let r = row(Format::Phoenix, &e);
        assert_eq!(get(&r, "SourceActorEntity"), "");
        assert_eq!(get(&r, "SourceActorRole"), "GOV");
        assert_eq!(get(&r, "SourceActorAttribute"), "MIL");
    }

    #[test]
    fn gdelt_row() {
        let r = row(Format::Gdelt, &event());
        assert_eq!(
            get(&r, "GLOBALEVENTID"),
            u64::from_str_radix("0123456789abcde", 16)
                .unwrap()
                .to_string()
        );
        assert_eq!(get(&r, "SQLDATE"), "20150219");
        assert_eq!(get(&r, "MonthYear"), "201502");
        assert_eq!(get(&r, "Year"), "2015");
        assert_eq!(get(&r, "FractionDate"), "2015.1370");
        assert_eq!(get(&r, "Actor1Code"), "RUSGOV");
        assert_eq!(get(&r, "Actor1Name"), "Russia's top diplomat");
        assert_eq!(get(&r, "Actor1CountryCode"), "RUS");
        assert_eq!(get(&r, "Actor1KnownGroupCode"), "");
        assert_eq!(get(&r, "Actor1Type1Code"), "GOV");
        assert_eq!(get(&r, "Actor1Type2Code"), "");
        assert_eq!(get(&r, "Actor2Code"), "IGOUNO");
        assert_eq!(get(&r, "Actor2Name"), "the UN");
        assert_eq!(get(&r, "Actor2CountryCode"), "");
        assert_eq!(get(&r, "Actor2KnownGroupCode"), "UNO");
        assert_eq!(get(&r, "Actor2Type1Code"), "IGO");
        assert_eq!(get(&r, "IsRootEvent"), "0");
        assert_eq!(get(&r, "EventCode"), "111");
        assert_eq!(get(&r, "EventBaseCode"), "111");
        assert_eq!(get(&r, "EventRootCode"), "11");
        assert_eq!(get(&r, "QuadClass"), "3");
        assert_eq!(get(&r, "GoldsteinScale"), "-2.0");
        assert_eq!(get(&r, "NumMentions"), "1");
        assert_eq!(get(&r, "AvgTone"), "");
        assert_eq!(get(&r, "ActionGeo_FeatureID"), "");
        assert_eq!(get(&r, "DATEADDED"), "20240506070809");
        assert_eq!(get(&r, "SOURCEURL"), "https://example.com/a1");
    }

    #[test]
    fn gdelt_dates_codes_and_missing_parts() {
        let mut e = event();
        e.date = Some("2016-12-31".into());
        e.action.code = "0233".into();
        e.action.root = "02".into();
        e.target = None;
        e.sentence.index = 0;
        e.url = None;
        let r = row(Format::Gdelt, &e);
        assert_eq!(get(&r, "FractionDate"), "2016.9999");
        assert_eq!(get(&r, "EventBaseCode"), "023");
        assert_eq!(get(&r, "IsRootEvent"), "1");
        assert_eq!(get(&r, "SOURCEURL"), "");
        for c in GDELT_COLUMNS.iter().filter(|c| c.starts_with("Actor2")) {
            assert_eq!(get(&r, c), "", "{c}");
        }
        e.date = Some("2015-01-01".into());
        assert_eq!(get(&row(Format::Gdelt, &e), "FractionDate"), "2015.0027");
        for bad in [None, Some("2015-1-01"), Some("yesterday")] {
            e.date = bad.map(Into::into);
            let r = row(Format::Gdelt, &e);
            for c in ["SQLDATE", "MonthYear", "Year", "FractionDate"] {
                assert_eq!(get(&r, c), "", "{c} of {bad:?}");
            }
            let p = row(Format::Phoenix, &e);
            for c in ["Date", "Year", "Month", "Day"] {
                assert_eq!(get(&p, c), "", "{c} of {bad:?}");
            }
        }
        e.event_id = "not-hex-at-all-here".into();
        assert_eq!(
            get(&row(Format::Gdelt, &e), "GLOBALEVENTID"),
            "not-hex-at-all-here"
        );
    }

    #[test]
    fn actor_parts() {
        let s = ActorParts::split;
        let p = s("RUSGOV");
        assert_eq!(
            (p.country, p.international, p.known_group),
            (Some("RUS"), None, None)
        );
        assert_eq!(p.types, [Some("GOV"), None, None]);
        assert_eq!((p.top(), p.sector()), (Some("RUS"), Some("GOV")));
        let p = s("IGOEUREEC");
        assert_eq!(
            (p.country, p.international, p.known_group),
            (None, Some("IGO"), Some("EEC"))
        );
        assert_eq!(p.types, [Some("IGO"), None, None]);
        assert_eq!((p.top(), p.sector()), (Some("IGO"), None));
        let p = s("IGOUNOIAE");
        assert_eq!(p.known_group, Some("IAE"));
        let p = s("IGOWSTNATMIL");
        assert_eq!(p.known_group, Some("NAT"));
        assert_eq!(p.types, [Some("IGO"), Some("MIL"), None]);
        assert_eq!(p.sector(), Some("MIL"));
        let p = s("IMGMUSALQ");
        assert_eq!(p.religions, [Some("MUS"), None]);
        assert_eq!(p.known_group, Some("ALQ"));
        let p = s("NGOHRIAMN");
        assert_eq!(p.types, [Some("NGO"), Some("HRI"), None]);
        assert_eq!(p.known_group, Some("AMN"));
        let p = s("USAGOVMILSPYCVL");
        assert_eq!(p.types, [Some("GOV"), Some("MIL"), Some("SPY")]);
        let p = s("EUR");
        assert_eq!((p.country, p.types), (Some("EUR"), [None; 3]));
        assert_eq!(s(""), ActorParts::default());
        // A short tail is a part of its own.
        assert_eq!(s("USAGO").known_group, Some("GO"));
        assert_eq!(parts("ABCDEFG").collect::<Vec<_>>(), ["ABC", "DEF", "G"]);
    }

    #[test]
    fn escaping() {
        let mut e = event();
        e.source.text = "a\tb\nc\r\nd".into();
        e.url = Some("http://x/\ty".into());
        let r = row(Format::Gdelt, &e);
        assert_eq!(get(&r, "Actor1Name"), "a b c  d");
        assert_eq!(get(&r, "SOURCEURL"), "http://x/ y");
        e.article_id = "id\twith tab".into();
        let r = row(Format::Phoenix, &e);
        assert_eq!(get(&r, "SentenceID"), "id with tab-3");
    }

    #[test]
    fn jsonl_cameo_is_the_event_schema() {
        let e = event();
        let mut out = Vec::new();
        encode_line(Format::Jsonl, Ontology::Cameo, &e, &mut out).unwrap();
        let mut want = serde_json::to_vec(&e).unwrap();
        want.push(b'\n');
        assert_eq!(out, want);
        assert_eq!(
            to_vec(Format::Jsonl, Ontology::Cameo, &e).unwrap(),
            serde_json::to_vec(&e).unwrap()
        );
    }

    #[test]
    fn plover_view_fields() {
        let e = event();
        let bytes = to_vec(Format::Jsonl, Ontology::Plover, &e).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("{\"schema\":\"demarche.plover/1\",\"id\":"),
            "{text}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["id"], e.event_id);
        assert_eq!(v["date"], "2015-02-19");
        assert_eq!(v["event_type"], "ACCUSE");
        assert_eq!(v["mode"], "disapprove");
        assert_eq!(v["context"], serde_json::json!([]));
        assert_eq!(v["quad_code"], 3);
        assert_eq!(v["source"][0]["code"], "RUS");
        assert_eq!(v["source"][0]["sector"], "GOV");
        assert_eq!(v["source"][0]["actor_text"], "Russia's\ttop diplomat");
        assert_eq!(v["source"][0]["cameo"], "RUSGOV");
        assert_eq!(v["recipient"][0]["code"], "IGO");
        assert_eq!(v["recipient"][0]["sector"], Value::Null);
        assert_eq!(v["recipient"][0]["cameo"], "IGOUNO");
        assert_eq!(v["event_text"], serde_json::json!(["slammed"]));
        assert_eq!(v["cameo"]["code"], "111");
        assert_eq!(v["cameo"]["root"], "11");
        assert_eq!(v["cameo"]["quad_class"], 3);
        assert_eq!(v["cameo"]["goldstein"], -2.0);
        assert_eq!(v["text_info"]["sequence"], 2);
        assert_eq!(v["text_info"]["field"], "text");
        assert_eq!(v["cite_info"]["url"], "https://example.com/a1");
        assert_eq!(v["cite_info"]["publication"], "AFP");
        assert_eq!(v["article_id"], "a1");
        let mut e = e;
        e.action.code = "1121".into();
        e.target = None;
        e.url = None;
        let v: Value =
            serde_json::from_slice(&to_vec(Format::Jsonl, Ontology::Plover, &e).unwrap()).unwrap();
        assert_eq!(v["context"], serde_json::json!(["crime", "corruption"]));
        assert_eq!(v["recipient"], Value::Null);
        assert_eq!(v["cite_info"], serde_json::json!({"publication": "AFP"}));
        // CAMEO 01x: no PLOVER type.
        e.plover = PloverRef {
            event_type: None,
            mode: None,
        };
        e.action.code = "010".into();
        let v: Value =
            serde_json::from_slice(&to_vec(Format::Jsonl, Ontology::Plover, &e).unwrap()).unwrap();
        assert_eq!(v["event_type"], Value::Null);
        assert_eq!(v["quad_code"], Value::Null);
    }

    #[test]
    fn names_and_combinations() {
        for f in [Format::Jsonl, Format::Phoenix, Format::Gdelt] {
            assert_eq!(Format::parse(f.name()), Some(f));
            assert_eq!(
                Format::parse(&format!(" {} ", f.name().to_uppercase())),
                Some(f)
            );
            assert!(check(f, Ontology::Cameo).is_ok());
        }
        for o in [Ontology::Cameo, Ontology::Plover] {
            assert_eq!(Ontology::parse(o.name()), Some(o));
        }
        assert_eq!(Format::parse("csv"), None);
        assert_eq!(Ontology::parse("icews"), None);
        assert!(check(Format::Jsonl, Ontology::Plover).is_ok());
        let err = check(Format::Gdelt, Ontology::Plover).unwrap_err();
        assert!(err.contains("gdelt") && err.contains("jsonl"), "{err}");
    }
}
