//! Lenient date parsing for the many shapes publishers put in their metadata.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;

/// Formats with an explicit offset (`%z` accepts `+0100` and `+01:00`).
const ZONED_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%d %H:%M%z",
    "%Y/%m/%d %H:%M:%S%.f%z",
    "%Y/%m/%d %H:%M:%S%.f %z",
    "%a, %d %b %Y %H:%M:%S %z",
    "%d %b %Y %H:%M:%S %z",
];

/// Formats without a zone: read as UTC (the least wrong guess without more context).
const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y%m%dT%H%M%S",
    "%d.%m.%Y %H:%M",
    "%B %d, %Y %H:%M",
    "%B %d, %Y, %H:%M",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y, %I:%M %p",
    "%B %d, %Y at %I:%M %p",
    "%A, %B %d, %Y %I:%M %p",
    "%d %B %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%I:%M:%S %p %B %d, %Y",
    "%I:%M %p %B %d, %Y",
    "%H:%M %B %d, %Y",
];

/// Date-only formats: midnight UTC.
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%B %d, %Y", "%A, %B %d, %Y", "%d %B %Y"];

/// Zone abbreviations seen on news sites, with their UTC offsets in minutes. Ambiguous ones
/// take the reading most common on English-language news sites (IST = India).
const ZONE_ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("IRST", 210),
    ("GST", 240),
    ("PKT", 300),
    ("IST", 330),
    ("WIB", 420),
    ("SGT", 480),
    ("HKT", 480),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// A parsed date: the wall-clock time written, and its UTC offset when the string gave one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Stamp {
    /// The time as written.
    pub wall: NaiveDateTime,
    /// The offset written with it (or implied by a zone name); `None` when there was none.
    pub offset: Option<FixedOffset>,
}

impl Stamp {
    /// The instant, reading a time without offset as UTC (the least wrong guess without more
    /// context).
    pub fn utc(&self) -> DateTime<Utc> {
        match self.offset {
            Some(offset) => (self.wall - Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc(),
            None => self.wall.and_utc(),
        }
    }

    /// This stamp read in `offset`, when it carries none of its own.
    pub fn with_offset_if_none(self, offset: Option<FixedOffset>) -> Stamp {
        Stamp { offset: self.offset.or(offset), ..self }
    }

    fn zoned(dt: DateTime<FixedOffset>) -> Stamp {
        Stamp { wall: dt.naive_local(), offset: Some(*dt.offset()) }
    }

    /// This stamp, unless implausibly old or more than a day in the future.
    pub fn plausible(self, now: DateTime<Utc>) -> Option<Stamp> {
        let floor = Utc.with_ymd_and_hms(1980, 1, 1, 0, 0, 0).single()?;
        let t = self.utc();
        (t >= floor && t <= now + Duration::days(1)).then_some(self)
    }
}

/// Parse a date/time string leniently and convert it to UTC.
///
/// Accepts RFC 3339 / ISO 8601 with or without a zone (no zone = UTC), RFC 2822, bare dates
/// (midnight UTC), a few English long forms, and Unix timestamps in seconds or milliseconds.
/// Returns `None` for anything unparseable, implausibly old, or more than a day in the future
/// (a future "published" date is a CMS placeholder or an embargo mistake, not a fact).
#[cfg(test)]
pub(super) fn parse_date(raw: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    parse_stamp(raw, now).map(|s| s.utc())
}

/// [`parse_date`], keeping apart the wall-clock time and the offset the string gave.
pub(super) fn parse_stamp(raw: &str, now: DateTime<Utc>) -> Option<Stamp> {
    parse_any(raw)?.plausible(now)
}

fn parse_any(raw: &str) -> Option<Stamp> {
    let s = raw.trim().trim_matches('"').trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(Stamp::zoned(dt));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(Stamp::zoned(dt));
    }
    // "…Z" / " UTC" / " GMT" without an offset chrono's `%z` understands.
    let s = normalise_zone(s);
    let s = s.as_str();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(Stamp::zoned(dt));
    }
    for fmt in ZONED_FORMATS {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(Stamp::zoned(dt));
        }
    }
    let (s, offset_minutes) = split_zone_abbreviation(s);
    let s = s.as_str();
    let offset = offset_minutes.and_then(|m| FixedOffset::east_opt(m * 60));
    for fmt in NAIVE_FORMATS {
        if let Ok(wall) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Stamp { wall, offset });
        }
    }
    for fmt in DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return d.and_hms_opt(0, 0, 0).map(|wall| Stamp { wall, offset: None });
        }
    }
    parse_timestamp(s).map(|t| Stamp { wall: t.naive_utc(), offset: FixedOffset::east_opt(0) })
}

/// Day-first numeric dates in page text, with an optional time after them: "Do 25.04.24 | 14:07
/// Uhr", "06.01.2026".
static NUMERIC_TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[^\d]{1,12}?(\d{1,2})[:.h](\d{2}))?")
        .expect("static regex")
});

/// Day-first dates with the month written out, with an optional time: "erstellt: 01. April 2025,
/// 15:25", "3 mars 2024 à 10h15".
static WORDED_TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])(\d{1,2})\.?\s+(\p{L}{3,10})\.?\s+(\d{4})(?:[^\d]{1,12}?(\d{1,2})[:h](\d{2}))?")
        .expect("static regex")
});

/// Month-name prefixes in the languages of European news sites, longest first where one
/// prefix starts another ("juil" before "jui").
const MONTH_PREFIXES: &[(&str, u32)] = &[
    ("juil", 7),
    ("jui", 6),
    ("jan", 1),
    ("gen", 1),
    ("ene", 1),
    ("feb", 2),
    ("fév", 2),
    ("fev", 2),
    ("mär", 3),
    ("mar", 3),
    ("maa", 3),
    ("apr", 4),
    ("avr", 4),
    ("abr", 4),
    ("mai", 5),
    ("may", 5),
    ("mag", 5),
    ("mei", 5),
    ("maj", 5),
    ("jun", 6),
    ("giu", 6),
    ("jul", 7),
    ("lug", 7),
    ("aug", 8),
    ("aoû", 8),
    ("aou", 8),
    ("ago", 8),
    ("sep", 9),
    ("set", 9),
    ("okt", 10),
    ("oct", 10),
    ("ott", 10),
    ("out", 10),
    ("nov", 11),
    ("dez", 12),
    ("dec", 12),
    ("déc", 12),
    ("dic", 12),
];

fn month_of(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    MONTH_PREFIXES.iter().find(|(prefix, _)| lower.starts_with(prefix)).map(|(_, month)| *month)
}

/// Longest line of page text that may be a dateline.
pub(super) const MAX_DATELINE_CHARS: usize = 100;

/// A date written in a short line of page text, day first ("Do 25.04.24 | 14:07 Uhr",
/// "erstellt: 01. April 2025, 15:25"), as wall-clock time: for pages whose metadata carry no date.
pub(super) fn text_date(line: &str) -> Option<NaiveDateTime> {
    if line.len() > MAX_DATELINE_CHARS * 4 {
        return None;
    }
    // Byte tests first: most lines of text hold neither shape, and captures are the regex's slow path.
    let bytes = line.as_bytes();
    let numeric = bytes.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit());
    let year = bytes.windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
    let numeric_caps = if numeric { NUMERIC_TEXT_DATE.captures(line) } else { None };
    let (caps, month) = if let Some(c) = numeric_caps {
        let month = c[2].parse().ok()?;
        (c, month)
    } else {
        if !year {
            return None;
        }
        let c = WORDED_TEXT_DATE.captures(line)?;
        let month = month_of(&c[2])?;
        (c, month)
    };
    let day: u32 = caps[1].parse().ok()?;
    let year: i32 = match caps[3].parse::<i32>().ok()? {
        short @ 0..=99 => 2000 + short,
        year => year,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = match (caps.get(4), caps.get(5)) {
        (Some(h), Some(m)) => NaiveTime::from_hms_opt(h.as_str().parse().ok()?, m.as_str().parse().ok()?, 0),
        _ => None,
    };
    Some(date.and_time(time.unwrap_or(NaiveTime::MIN)))
}

/// Remove a zone abbreviation ("EST", "IST") from a human-style date, returning its offset,
/// and tidy the rest for chrono: "p.m." → "PM", "Nov." → "Nov", single spaces.
fn split_zone_abbreviation(s: &str) -> (String, Option<i32>) {
    let mut offset = None;
    let mut words = Vec::new();
    for word in s.split_whitespace() {
        let bare = word.trim_matches(|c: char| c == '(' || c == ')' || c == ',');
        if let Some((_, off)) = ZONE_ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == bare) {
            offset = Some(*off);
            continue;
        }
        let word = match word.to_ascii_lowercase().as_str() {
            "a.m." | "am" => "AM".to_string(),
            "p.m." | "pm" => "PM".to_string(),
            _ => match word.strip_suffix('.') {
                // "Nov." / "Sept." → "Nov" / "Sep"
                Some(abbr) if abbr.len() >= 3 && abbr.chars().all(char::is_alphabetic) => {
                    abbr.chars().take(3).collect()
                }
                _ => word.to_string(),
            },
        };
        words.push(word);
    }
    (words.join(" "), offset)
}

/// Replace a trailing `Z`, `UTC` or `GMT` by `+0000` so one set of `%z` formats covers them.
fn normalise_zone(s: &str) -> String {
    for suffix in [" UTC", " GMT", "UTC", "GMT", "Z", "z"] {
        if let Some(head) = s.strip_suffix(suffix) {
            // Only after a time, not e.g. a month name ending in "z".
            if head.ends_with(|c: char| c.is_ascii_digit()) {
                return format!("{}+0000", head.trim_end());
            }
        }
    }
    s.to_string()
}

/// Unix seconds (10 digits) or milliseconds (13 digits).
fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    match s.len() {
        10 => DateTime::from_timestamp(n, 0),
        13 => DateTime::from_timestamp_millis(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 11, 25, 12, 0, 0).unwrap()
    }

    fn p(s: &str) -> Option<String> {
        parse_date(s, now()).map(|d| d.to_rfc3339())
    }

    #[test]
    fn rfc3339_with_offsets_converts_to_utc() {
        assert_eq!(p("2025-11-20T10:30:00+03:30").as_deref(), Some("2025-11-20T07:00:00+00:00"));
        assert_eq!(p("2025-11-20T10:30:00Z").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("2025-11-20T10:30:00.123-05:00").as_deref(), Some("2025-11-20T15:30:00.123+00:00"));
    }

    #[test]
    fn offsets_without_colon_and_spaces() {
        assert_eq!(p("2025-11-20T10:30:00+0100").as_deref(), Some("2025-11-20T09:30:00+00:00"));
        assert_eq!(p("2025-11-20 10:30:00 +0100").as_deref(), Some("2025-11-20T09:30:00+00:00"));
        assert_eq!(p("2025-11-20T10:30:00.000+0000").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("2025-11-20 10:30:00 UTC").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("2025-11-20T10:30Z").as_deref(), Some("2025-11-20T10:30:00+00:00"));
    }

    #[test]
    fn no_zone_means_utc() {
        assert_eq!(p("2025-11-20T10:30:00").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("2025-11-20 10:30").as_deref(), Some("2025-11-20T10:30:00+00:00"));
    }

    #[test]
    fn date_only_is_midnight_utc() {
        assert_eq!(p("2025-11-20").as_deref(), Some("2025-11-20T00:00:00+00:00"));
        assert_eq!(p("2025/11/20").as_deref(), Some("2025-11-20T00:00:00+00:00"));
        assert_eq!(p("November 20, 2025").as_deref(), Some("2025-11-20T00:00:00+00:00"));
    }

    #[test]
    fn rfc2822_and_timestamps() {
        assert_eq!(p("Thu, 20 Nov 2025 10:30:00 GMT").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("1763634600").as_deref(), Some("2025-11-20T10:30:00+00:00"));
        assert_eq!(p("1763634600000").as_deref(), Some("2025-11-20T10:30:00+00:00"));
    }

    #[test]
    fn human_dates_with_zone_abbreviations() {
        assert_eq!(p("November 19, 2019, 07:47 PM EST").as_deref(), Some("2019-11-20T00:47:00+00:00"));
        assert_eq!(p("01:38:07 PM IST Nov 20, 2019").as_deref(), Some("2019-11-20T08:08:07+00:00"));
        assert_eq!(p("Nov. 18, 2019, 4:06 p.m.").as_deref(), Some("2019-11-18T16:06:00+00:00"));
        assert_eq!(p("Sept. 3, 2019").as_deref(), Some("2019-09-03T00:00:00+00:00"));
    }

    #[test]
    fn wall_clock_and_offset_kept_apart() {
        let stamp = parse_stamp("2025-11-20T10:30:00+02:00", now()).unwrap();
        assert_eq!(stamp.wall.to_string(), "2025-11-20 10:30:00");
        assert_eq!(stamp.offset, FixedOffset::east_opt(7200));
        let naive = parse_stamp("2025-11-20T10:30:00", now()).unwrap();
        assert_eq!(naive.offset, None);
        assert_eq!(naive.with_offset_if_none(stamp.offset).utc().to_rfc3339(), "2025-11-20T08:30:00+00:00");
    }

    #[test]
    fn datelines_in_page_text() {
        let t = |s: &str| text_date(s).map(|d| d.to_string());
        assert_eq!(t("Do 25.04.24 | 14:07 Uhr | Von Jane Doe").as_deref(), Some("2024-04-25 14:07:00"));
        assert_eq!(t("01. April 2025, 15:25").as_deref(), Some("2025-04-01 15:25:00"));
        assert_eq!(t("Publié le 3 mars 2024 à 10h15").as_deref(), Some("2024-03-03 10:15:00"));
        assert_eq!(t("12 juillet 2023").as_deref(), Some("2023-07-12 00:00:00"));
        assert_eq!(t("06.01.2026, Lesezeit 5 Min.").as_deref(), Some("2026-01-06 00:00:00"));
        assert_eq!(t("Version 1.2.3 released"), None);
        assert_eq!(t("32.13.2024"), None);
        assert_eq!(t("5 Minuten 2024"), None);
        assert_eq!(t("no digits here"), None);
    }

    #[test]
    fn future_old_and_garbage_rejected() {
        // Within a day of "now" is tolerated (clock skew, time zones); beyond is not.
        assert!(p("2025-11-26T06:00:00Z").is_some());
        assert_eq!(p("2025-11-27T12:00:01Z"), None);
        assert_eq!(p("2031-01-01"), None);
        assert_eq!(p("1970-01-01T00:00:00Z"), None);
        assert_eq!(p("yesterday"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("2025-13-45"), None);
    }
}
