//! Replay bounds (`--from` / `--to`) and the token bucket behind `--rate`.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

/// One end of a replay range, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// The partition's first retained message (its low watermark).
    Earliest,
    /// The partition's high watermark when the replay starts.
    Latest,
    /// The first message whose timestamp is at or after this time.
    Time(DateTime<Utc>),
    /// Explicit offsets by partition number.
    Offsets(BTreeMap<i32, i64>),
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Earliest => f.write_str("earliest"),
            Bound::Latest => f.write_str("latest"),
            Bound::Time(t) => write!(f, "{}", t.to_rfc3339()),
            Bound::Offsets(m) => {
                let parts: Vec<String> = m.iter().map(|(p, o)| format!("{p}:{o}")).collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

/// Parses `earliest`, `latest`, an RFC 3339 time (`2026-11-01T00:00:00Z`, or a bare date
/// `2026-11-01`, read as midnight UTC) or per-partition offsets (`0:1200,1:900`).
pub fn parse_bound(s: &str) -> Result<Bound, String> {
    let t = s.trim();
    match t {
        "earliest" => return Ok(Bound::Earliest),
        "latest" => return Ok(Bound::Latest),
        "" => {
            return Err(
                "empty; expected earliest, latest, an RFC 3339 time or PARTITION:OFFSET,..".into(),
            )
        }
        _ => {}
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(Bound::Time(d.with_timezone(&Utc)));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        return Ok(Bound::Time(midnight.and_utc()));
    }
    if t.contains(':') && !t.contains('T') {
        let mut m = BTreeMap::new();
        for part in t.split(',') {
            let part = part.trim();
            let (p, o) = part
                .split_once(':')
                .ok_or_else(|| format!("'{part}' is not PARTITION:OFFSET"))?;
            let p: i32 =
                p.trim().parse().ok().filter(|p| *p >= 0).ok_or_else(|| {
                    format!("'{part}': partition '{p}' is not a whole number ≥ 0")
                })?;
            let o: i64 = o
                .trim()
                .parse()
                .ok()
                .filter(|o| *o >= 0)
                .ok_or_else(|| format!("'{part}': offset '{o}' is not a whole number ≥ 0"))?;
            if m.insert(p, o).is_some() {
                return Err(format!("partition {p} is given twice"));
            }
        }
        return Ok(Bound::Offsets(m));
    }
    Err(format!(
        "'{t}' is not earliest, latest, an RFC 3339 time (2026-11-01T12:00:00Z) or PARTITION:OFFSET,.. (0:1200,1:900)"
    ))
}

/// The messages of one partition to replay: offsets `start..end` (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionRange {
    /// Topic name.
    pub topic: String,
    /// Partition number.
    pub partition: i32,
    /// First offset to code.
    pub start: i64,
    /// One past the last offset to code (fixed when the replay starts).
    pub end: i64,
}

impl PartitionRange {
    /// Messages in the range (offsets; compaction or transaction markers may make the
    /// real number of messages smaller).
    pub fn len(&self) -> u64 {
        (self.end - self.start).max(0) as u64
    }

    /// Nothing to replay.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A token bucket: at most `rate` messages a second on average, with bursts of at most
/// a tenth of a second's worth (at least one message).
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket for `rate` messages per second (`rate` > 0).
    pub fn new(rate: f64) -> TokenBucket {
        let capacity = (rate / 10.0).max(1.0);
        TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.capacity);
        self.last = now;
    }

    /// Takes a token if one is there now.
    pub fn try_take(&mut self) -> bool {
        self.refill(Instant::now());
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back a token taken for a message that was not used.
    pub fn refund(&mut self) {
        self.tokens = (self.tokens + 1.0).min(self.capacity);
    }

    /// How long to wait until a token is there (zero when one is there now).
    pub fn wait(&mut self) -> Duration {
        self.refill(Instant::now());
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / self.rate)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse() {
        assert_eq!(parse_bound("earliest"), Ok(Bound::Earliest));
        assert_eq!(parse_bound(" latest "), Ok(Bound::Latest));
        let t = parse_bound("2026-11-01T12:30:00+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-01T11:30:00+00:00");
        assert_eq!(
            parse_bound("2026-11-01").unwrap().to_string(),
            "2026-11-01T00:00:00+00:00"
        );
        let o = parse_bound("0:1200, 1:900").unwrap();
        assert_eq!(o, Bound::Offsets(BTreeMap::from([(0, 1200), (1, 900)])));
        assert_eq!(o.to_string(), "0:1200,1:900");
    }

    #[test]
    fn bad_bounds_say_why() {
        for (input, needle) in [
            ("", "empty"),
            ("yesterday", "'yesterday' is not earliest, latest"),
            ("0:12,0:13", "partition 0 is given twice"),
            ("x:12", "partition 'x'"),
            ("1:-5", "offset '-5'"),
            ("7", "'7' is not earliest"),
            ("1:abc", "offset 'abc'"),
            ("2026-13-01T00:00:00Z", "is not earliest"),
        ] {
            let e = parse_bound(input).unwrap_err();
            assert!(e.contains(needle), "{input:?}: {e}");
        }
    }

    #[test]
    fn range_len() {
        let r = PartitionRange {
            topic: "t".into(),
            partition: 0,
            start: 10,
            end: 4,
        };
        assert!(r.is_empty());
        let r = PartitionRange { end: 25, ..r };
        assert_eq!(r.len(), 15);
    }

    #[test]
    fn bucket_limits_the_rate() {
        let mut b = TokenBucket::new(100.0);
        // the burst: a tenth of a second's worth
        let mut n = 0;
        while b.try_take() {
            n += 1;
        }
        assert!((10..=11).contains(&n), "burst {n}");
        let w = b.wait();
        assert!(
            w > Duration::ZERO && w <= Duration::from_millis(10),
            "{w:?}"
        );
        // over 300 ms at most 10 + 30 (+1 for timing) tokens
        let start = Instant::now();
        let mut taken = 0;
        while start.elapsed() < Duration::from_millis(300) {
            if b.try_take() {
                taken += 1;
            } else {
                std::thread::sleep(b.wait());
            }
        }
        assert!(
            (25..=41).contains(&taken),
            "took {taken} in 300 ms at 100/s"
        );
    }
}
