//! Date expressions in text, resolved against the publication date.
//!
//! Recognised: weekdays (`on Tuesday`, `last Friday`, `next Monday`), month and day
//! with or without a year (`November 20`, `Nov. 20, 2014`, `20 November`, `Tuesday,
//! November 18`), ISO dates (`2008-08-06`), and relative words (`today`, `tonight`,
//! `yesterday`, `tomorrow`, `last week`, `last month`, `overnight`).

use crate::roles::DATE_WORDS;
use crate::text::tokens::{Kind, Tokens};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A date expression found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    /// First token.
    pub first: usize,
    /// Last token (inclusive).
    pub last: usize,
    /// The resolved date, when it can be resolved.
    pub date: Option<NaiveDate>,
    /// Points to the future ("tomorrow", "next week").
    pub future: bool,
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// Month number of a month name or abbreviation (`nov`, `nov.`, `november`).
pub fn month(w: &str) -> Option<u32> {
    Some(match w.trim_end_matches('.') {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn day_num(w: &str) -> Option<u32> {
    let w = w
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    let d: u32 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_num(w: &str) -> Option<i32> {
    let y: i32 = w.parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

/// The most recent `wd` on or before `anchor`.
fn last_weekday(anchor: NaiveDate, wd: Weekday) -> NaiveDate {
    let back = (anchor.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
    anchor - Duration::days(back as i64)
}

/// The next `wd` strictly after `anchor`.
fn next_weekday(anchor: NaiveDate, wd: Weekday) -> NaiveDate {
    let fwd = (wd.num_days_from_monday() + 7 - anchor.weekday().num_days_from_monday()) % 7;
    anchor + Duration::days(if fwd == 0 { 7 } else { fwd as i64 })
}

/// Finds and resolves date expressions in tokens `[a, b)`.
pub fn find(t: &Tokens, a: usize, b: usize, anchor: Option<NaiveDate>) -> Vec<DateMention> {
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        // a mention starts only at a number, a date word, or "thur" (a weekday
        // abbreviation not in DATE_WORDS): skip the others with one flag test
        if t.toks[i].kind != Kind::Number && !DATE_WORDS.at(t, i) && t.norm_bytes(i) != b"thur" {
            i += 1;
            continue;
        }
        let w = t.norm(i);
        let prev = if i > a { t.norm(i - 1) } else { "" };
        // weekday, possibly followed by ", Month Day"
        if let Some(wd) = weekday(w) {
            if t.toks[i].cap || t.toks[i].upper {
                // Tuesday, November 18
                let mut j = i + 1;
                if j < b && t.norm_bytes(j) == b"," {
                    j += 1;
                }
                if let Some((m, last, date)) = month_day(t, j, b, anchor) {
                    let _ = m;
                    out.push(DateMention {
                        first: i,
                        last,
                        date,
                        future: false,
                    });
                    i = last + 1;
                    continue;
                }
                let (future, date) = match prev {
                    "next" | "coming" => (true, anchor.map(|d| next_weekday(d, wd))),
                    "last" | "past" => (
                        false,
                        anchor.map(|d| last_weekday(d - Duration::days(1), wd)),
                    ),
                    _ => (false, anchor.map(|d| last_weekday(d, wd))),
                };
                out.push(DateMention {
                    first: i,
                    last: i,
                    date,
                    future,
                });
                i += 1;
                continue;
            }
        }
        if let Some((_, last, date)) = month_day(t, i, b, anchor) {
            out.push(DateMention {
                first: i,
                last,
                date,
                future: false,
            });
            i = last + 1;
            continue;
        }
        // 20 November (2014)
        if t.toks[i].kind == Kind::Number && i + 1 < b {
            // (the month first: it rules out most numbers more cheaply)
            if let Some((m, d)) = month(t.norm(i + 1)).and_then(|m| Some((m, day_num(w)?))) {
                if t.toks[i + 1].cap {
                    let mut last = i + 1;
                    let mut year = None;
                    if last + 1 < b {
                        if let Some(y) = year_num(t.norm(last + 1)) {
                            year = Some(y);
                            last += 1;
                        }
                    }
                    let date = resolve_md(m, d, year, anchor);
                    out.push(DateMention {
                        first: i,
                        last,
                        date,
                        future: false,
                    });
                    i = last + 1;
                    continue;
                }
            }
            // ISO 2008-08-06 is one token "2008-08-06"
        }
        if t.toks[i].kind == Kind::Number && w.len() == 10 && w.as_bytes()[4] == b'-' {
            if let Ok(d) = NaiveDate::parse_from_str(w, "%Y-%m-%d") {
                out.push(DateMention {
                    first: i,
                    last: i,
                    date: Some(d),
                    future: false,
                });
                i += 1;
                continue;
            }
        }
        let rel = match w {
            "today" | "tonight" => Some((0, false)),
            "yesterday" => Some((-1, false)),
            "tomorrow" => Some((1, true)),
            "overnight" => Some((0, false)),
            _ => None,
        };
        if let Some((days, future)) = rel {
            out.push(DateMention {
                first: i,
                last: i,
                date: anchor.map(|d| d + Duration::days(days)),
                future,
            });
            i += 1;
            continue;
        }
        if (w == "last" || w == "next" || w == "this") && i + 1 < b {
            let unit = t.norm(i + 1);
            let days = match (w, unit) {
                ("last", "night") => Some(-1),
                ("last", "week") | ("last", "weekend") => Some(-7),
                ("last", "month") => Some(-30),
                ("next", "week") | ("next", "weekend") => Some(7),
                ("next", "month") => Some(30),
                ("this", "week")
                | ("this", "morning")
                | ("this", "afternoon")
                | ("this", "evening") => Some(0),
                _ => None,
            };
            if let Some(days) = days {
                // "last night" is the evening before: the publication day in most wires,
                // the day before by the calendar; we take the calendar.
                out.push(DateMention {
                    first: i,
                    last: i + 1,
                    date: anchor.map(|d| d + Duration::days(days)),
                    future: days > 0,
                });
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// `November 20`, `Nov. 20, 2014`, `Aug 26`: month token at `i`.
fn month_day(
    t: &Tokens,
    i: usize,
    b: usize,
    anchor: Option<NaiveDate>,
) -> Option<(u32, usize, Option<NaiveDate>)> {
    if i + 1 >= b || !t.toks[i].cap {
        return None;
    }
    let m = month(t.norm(i))?;
    let mut j = i + 1;
    if t.norm_bytes(j) == b"." {
        j += 1;
    }
    if j >= b || t.toks[j].kind != Kind::Number {
        return None;
    }
    // "May" as a month needs a following day number: checked above.
    let d = day_num(t.norm(j))?;
    let mut last = j;
    let mut year = None;
    let mut k = j + 1;
    if k < b && t.norm_bytes(k) == b"," {
        k += 1;
    }
    if k < b {
        if let Some(y) = year_num(t.norm(k)) {
            year = Some(y);
            last = k;
        }
    }
    Some((m, last, resolve_md(m, d, year, anchor)))
}

/// A month/day (and maybe year): without a year, the year of the anchor, moved a year
/// back when that would put the date more than 31 days after the anchor.
fn resolve_md(m: u32, d: u32, year: Option<i32>, anchor: Option<NaiveDate>) -> Option<NaiveDate> {
    match (year, anchor) {
        (Some(y), _) => NaiveDate::from_ymd_opt(y, m, d),
        (None, Some(a)) => {
            let cand = NaiveDate::from_ymd_opt(a.year(), m, d)?;
            if cand > a + Duration::days(31) {
                NaiveDate::from_ymd_opt(a.year() - 1, m, d)
            } else {
                Some(cand)
            }
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens::tokenize;

    fn dates(s: &str, anchor: &str) -> Vec<Option<String>> {
        let t = tokenize(s);
        let a = NaiveDate::parse_from_str(anchor, "%Y-%m-%d").ok();
        find(&t, 0, t.len(), a)
            .into_iter()
            .map(|m| m.date.map(|d| d.to_string()))
            .collect()
    }

    #[test]
    fn weekdays_resolve_to_the_past() {
        // 2014-11-20 was a Thursday
        assert_eq!(
            dates("Russia on Thursday slammed", "2014-11-20"),
            [Some("2014-11-20".into())]
        );
        assert_eq!(
            dates("talks on Tuesday", "2014-11-20"),
            [Some("2014-11-18".into())]
        );
        assert_eq!(
            dates("last Thursday", "2014-11-20"),
            [Some("2014-11-13".into())]
        );
        assert_eq!(
            dates("next Monday", "2014-11-20"),
            [Some("2014-11-24".into())]
        );
    }

    #[test]
    fn month_days() {
        assert_eq!(
            dates("on Thursday, November 20, slammed", "2014-11-20"),
            [Some("2014-11-20".into())]
        );
        assert_eq!(
            dates("on Aug. 26, 2004 -", "2014-11-20"),
            [Some("2004-08-26".into())]
        );
        assert_eq!(
            dates("kidnapped on September 18 by", "2004-10-01"),
            [Some("2004-09-18".into())]
        );
        assert_eq!(
            dates("on December 30", "2005-01-02"),
            [Some("2004-12-30".into())]
        );
        assert_eq!(
            dates("on 18 November 2014", "2015-01-01"),
            [Some("2014-11-18".into())]
        );
        assert_eq!(
            dates("may visit", "2015-01-01"),
            Vec::<Option<String>>::new()
        );
    }

    #[test]
    fn relative_words() {
        assert_eq!(
            dates("released yesterday by Putin", "2015-06-09"),
            [Some("2015-06-08".into())]
        );
        assert_eq!(
            dates("met last week", "2015-06-09"),
            [Some("2015-06-02".into())]
        );
        assert_eq!(dates("met yesterday", "bad"), [None]);
    }
}
