//! GDELT 2.0, the plain parts: the 15-minute update list, the zipped events
//! export and Global Knowledge Graph (GKG) files, and the prefilter that keeps
//! only candidate articles about the story.
//!
//! Every 15 minutes GDELT publishes `lastupdate.txt`, three lines of
//! `<size> <md5> <url>` naming the newest `YYYYMMDDHHMMSS.export.CSV.zip`,
//! `.mentions.CSV.zip` and `.gkg.csv.zip`. The events export is a headerless
//! TSV of 61 columns whose last, `SOURCEURL`, is the article; the GKG (2.1, 27
//! columns) carries each article's themes, persons, organisations and
//! locations, with its URL in `DocumentIdentifier`. Both are read line by line
//! from the zip: a file is never decompressed whole into memory. The async
//! edge lives in [`super::discovery_polls`].

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use chrono::{NaiveDateTime, TimeDelta};
use url::Url;

use super::FeedHints;

/// Columns of a GDELT 2.0 events export row.
pub const EXPORT_COLUMNS: usize = 61;
/// Columns of a GKG 2.1 row.
pub const GKG_COLUMNS: usize = 27;
/// The update interval of GDELT 2.0.
pub const UPDATE_INTERVAL: TimeDelta = TimeDelta::minutes(15);
/// A CSV is read no further than this once decompressed (zip bomb guard).
const MAX_CSV_BYTES: u64 = 1 << 30;
/// Rows longer than this are skipped.
const MAX_ROW_BYTES: u64 = 4 << 20;

/// Columns of the events export that the prefilter reads (0-based).
mod export_col {
    pub const ACTOR1_NAME: usize = 6;
    pub const ACTOR2_NAME: usize = 16;
    pub const ACTOR1_GEO_FULLNAME: usize = 36;
    pub const ACTOR2_GEO_FULLNAME: usize = 44;
    pub const ACTION_GEO_FULLNAME: usize = 52;
    pub const SOURCEURL: usize = 60;
}

/// Columns of the GKG 2.1 that the prefilter reads (0-based).
mod gkg_col {
    pub const SOURCE_COLLECTION: usize = 2;
    pub const DOCUMENT_IDENTIFIER: usize = 4;
    pub const V1_THEMES: usize = 7;
    pub const V2_THEMES: usize = 8;
    pub const V1_LOCATIONS: usize = 9;
    pub const V2_LOCATIONS: usize = 10;
    pub const V1_PERSONS: usize = 11;
    pub const V2_PERSONS: usize = 12;
    pub const V1_ORGANIZATIONS: usize = 13;
    pub const V2_ORGANIZATIONS: usize = 14;
    pub const EXTRAS_XML: usize = 26;
}

/// A GDELT file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GdeltError {
    /// The update list has no usable line for the events export.
    #[error("update list names no events export: {0}")]
    UpdateList(String),
    /// The zip archive is unreadable.
    #[error("unreadable zip: {0}")]
    Zip(String),
    /// The archive holds no CSV.
    #[error("zip holds no .csv file")]
    NoCsv,
    /// The file is not the size the update list announced (still being written, or cut short).
    #[error("size mismatch: listed {listed} bytes, got {got}")]
    Size {
        /// Announced.
        listed: u64,
        /// Received.
        got: u64,
    },
}

/// One line of the update list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateFile {
    /// Size in bytes, as announced.
    pub size: u64,
    /// MD5, hex, as announced.
    pub md5: String,
    /// Where the file is.
    pub url: Url,
}

impl UpdateFile {
    /// Whether `got` bytes is what was announced.
    pub fn check_size(&self, got: usize) -> Result<(), GdeltError> {
        if self.size == got as u64 { Ok(()) } else { Err(GdeltError::Size { listed: self.size, got: got as u64 }) }
    }
}

/// The files of one 15-minute update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateList {
    /// `*.export.CSV.zip`: the events, with their source articles.
    pub export: UpdateFile,
    /// `*.mentions.CSV.zip` (not read: the export and GKG name the articles).
    pub mentions: Option<UpdateFile>,
    /// `*.gkg.csv.zip`: themes, persons, organisations, locations per article.
    pub gkg: Option<UpdateFile>,
}

/// Parse `lastupdate.txt` (lines `<size> <md5> <url>`), resolving URLs against `base`.
pub fn parse_update_list(text: &str, base: &Url) -> Result<UpdateList, GdeltError> {
    let (mut export, mut mentions, mut gkg) = (None, None, None);
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(size), Some(md5), Some(url), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(size), Ok(url)) = (size.parse::<u64>(), base.join(url)) else { continue };
        if !super::link_allowed(&url, base) {
            continue;
        }
        let name = file_name(&url).to_ascii_lowercase();
        let file = UpdateFile { size, md5: md5.to_string(), url };
        if name.ends_with(".export.csv.zip") {
            export = Some(file);
        } else if name.ends_with(".mentions.csv.zip") {
            mentions = Some(file);
        } else if name.ends_with(".gkg.csv.zip") {
            gkg = Some(file);
        }
    }
    let export = export.ok_or_else(|| GdeltError::UpdateList(text.chars().take(200).collect()))?;
    Ok(UpdateList { export, mentions, gkg })
}

fn file_name(url: &Url) -> &str {
    url.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default()
}

/// The `YYYYMMDDHHMMSS` a GDELT file is named after.
pub fn file_timestamp(url: &Url) -> Option<NaiveDateTime> {
    let name = file_name(url);
    let stamp = name.get(..14).filter(|s| s.bytes().all(|b| b.is_ascii_digit()))?;
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d%H%M%S").ok()
}

/// The same kind of file for another update time: `latest` renamed to `at`.
pub fn file_at(latest: &Url, at: NaiveDateTime) -> Option<Url> {
    let name = file_name(latest);
    file_timestamp(latest)?;
    let renamed = format!("{}{}", at.format("%Y%m%d%H%M%S"), &name[14..]);
    latest.join(&renamed).ok()
}

/// The GKG file of the same update as an events export (for updates the list no longer names).
pub fn gkg_for_export(export: &Url) -> Option<Url> {
    const SUFFIX: &str = ".export.csv.zip";
    let name = file_name(export);
    let cut = name.len().checked_sub(SUFFIX.len())?;
    if !name.is_char_boundary(cut) || !name[cut..].eq_ignore_ascii_case(SUFFIX) {
        return None;
    }
    export.join(&format!("{}.gkg.csv.zip", &name[..cut])).ok()
}

/// Exports published after `last` (the cursor) and before `latest`, oldest
/// first, at most `max` of them (the most recent): the updates missed while
/// talkwire was not polling. Empty when the names carry no timestamps.
pub fn missed_exports(last: &Url, latest: &Url, max: usize) -> Vec<Url> {
    let (Some(from), Some(to)) = (file_timestamp(last), file_timestamp(latest)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = to - UPDATE_INTERVAL;
    while at > from && out.len() < max {
        if let Some(url) = file_at(latest, at) {
            out.push(url);
        }
        at -= UPDATE_INTERVAL;
    }
    out.reverse();
    out
}

/// Which articles are candidates: those whose URL or GDELT fields mention a term.
///
/// Terms match case-insensitively at the start of a word, so `iran` matches
/// "Iran", "iranian" and `ENV_IRAN…`-style theme parts but not "Tirana";
/// a term of several words matches them in sequence ("nuclear deal").
#[derive(Debug, Clone)]
pub struct Prefilter {
    terms: Vec<String>,
}

impl Prefilter {
    /// A prefilter over `terms` (empty: every article is a candidate).
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Self {
        let terms = terms.iter().map(|t| words(t.as_ref())).filter(|t| !t.is_empty()).collect();
        Self { terms }
    }

    /// The terms `fields` mention, without repeats.
    pub fn matches<'a>(&'a self, fields: &[&str]) -> Vec<&'a str> {
        if self.terms.is_empty() {
            return vec!["*"];
        }
        let hay: String = fields.iter().map(|f| format!(" {} ", words(f))).collect();
        self.terms.iter().filter(|t| hay.contains(&format!(" {t}"))).map(String::as_str).collect()
    }
}

/// Lowercase words separated by single spaces; anything not a letter or digit separates.
fn words(s: &str) -> String {
    let lower = s.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// An article GDELT led to.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The article.
    pub url: Url,
    /// What the GKG says about it (title).
    pub hints: FeedHints,
    /// Prefilter terms matched.
    pub matched: Vec<String>,
}

/// The candidates of one file, and what was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// Candidate articles, in file order, one per URL.
    pub candidates: Vec<Candidate>,
    /// Rows read.
    pub rows: usize,
    /// Rows of the wrong shape (column count, no URL).
    pub malformed: usize,
}

impl Candidates {
    fn add(&mut self, index: &mut HashMap<Url, usize>, url: Url, hints: FeedHints, matched: &[&str]) {
        match index.get(&url) {
            Some(&i) => {
                let c = &mut self.candidates[i];
                for m in matched {
                    if !c.matched.iter().any(|x| x == m) {
                        c.matched.push(m.to_string());
                    }
                }
                if c.hints.title.is_none() {
                    c.hints.title = hints.title;
                }
            }
            None => {
                index.insert(url.clone(), self.candidates.len());
                self.candidates.push(Candidate {
                    url,
                    hints,
                    matched: matched.iter().map(|m| m.to_string()).collect(),
                });
            }
        }
    }

    /// Add `other`'s candidates after this file's own, merging repeats.
    pub fn merge(&mut self, other: Candidates) {
        let mut index: HashMap<Url, usize> =
            self.candidates.iter().enumerate().map(|(i, c)| (c.url.clone(), i)).collect();
        self.rows += other.rows;
        self.malformed += other.malformed;
        for c in other.candidates {
            let matched: Vec<&str> = c.matched.iter().map(String::as_str).collect();
            self.add(&mut index, c.url, c.hints, &matched);
        }
    }
}

/// Read the first CSV in a zip archive, row by row.
pub fn for_each_zipped_row(bytes: &[u8], mut row: impl FnMut(&str)) -> Result<(), GdeltError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| GdeltError::Zip(e.to_string()))?;
    let is_csv = |name: Option<zip::result::ZipResult<std::borrow::Cow<'_, str>>>| {
        name.and_then(Result::ok).is_some_and(|n| n.to_ascii_lowercase().ends_with(".csv"))
    };
    let index = (0..archive.len()).find(|&i| is_csv(archive.name_for_index(i))).ok_or(GdeltError::NoCsv)?;
    let file = archive.by_index(index).map_err(|e| GdeltError::Zip(e.to_string()))?;
    let mut reader = BufReader::new(file.take(MAX_CSV_BYTES));
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_ROW_BYTES)
            .read_until(b'\n', &mut line)
            .map_err(|e| GdeltError::Zip(e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        if line.last() != Some(&b'\n') && n as u64 == MAX_ROW_BYTES {
            // An absurdly long row: skip the rest of it.
            let mut rest = Vec::new();
            reader.read_until(b'\n', &mut rest).map_err(|e| GdeltError::Zip(e.to_string()))?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if !text.is_empty() {
            row(text);
        }
    }
}

/// An http(s) article URL from a GDELT field.
fn article_url(raw: &str) -> Option<Url> {
    let mut url = Url::parse(raw.trim()).ok()?;
    url.set_fragment(None);
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// Candidates of a zipped events export: rows whose SOURCEURL, actor names or
/// place names mention a prefilter term.
pub fn export_candidates(zip_bytes: &[u8], prefilter: &Prefilter) -> Result<Candidates, GdeltError> {
    use export_col::*;
    let mut out = Candidates::default();
    let mut index = HashMap::new();
    for_each_zipped_row(zip_bytes, |line| {
        out.rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != EXPORT_COLUMNS {
            out.malformed += 1;
            return;
        }
        let Some(url) = article_url(cols[SOURCEURL]) else {
            out.malformed += 1;
            return;
        };
        let fields = [
            cols[SOURCEURL],
            cols[ACTOR1_NAME],
            cols[ACTOR2_NAME],
            cols[ACTOR1_GEO_FULLNAME],
            cols[ACTOR2_GEO_FULLNAME],
            cols[ACTION_GEO_FULLNAME],
        ];
        let matched = prefilter.matches(&fields);
        if !matched.is_empty() {
            out.add(&mut index, url, FeedHints::default(), &matched);
        }
    })?;
    Ok(out)
}

/// Candidates of a zipped GKG file: web documents whose URL, themes, persons,
/// organisations, locations or page title mention a prefilter term, with that
/// title as a hint.
pub fn gkg_candidates(zip_bytes: &[u8], prefilter: &Prefilter) -> Result<Candidates, GdeltError> {
    use gkg_col::*;
    let mut out = Candidates::default();
    let mut index = HashMap::new();
    for_each_zipped_row(zip_bytes, |line| {
        out.rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < GKG_COLUMNS {
            out.malformed += 1;
            return;
        }
        // Collection 1 is the open web; the others are citations and archives without URLs.
        if cols[SOURCE_COLLECTION].trim() != "1" {
            return;
        }
        let Some(url) = article_url(cols[DOCUMENT_IDENTIFIER]) else {
            out.malformed += 1;
            return;
        };
        let either = |v2: usize, v1: usize| if cols[v2].is_empty() { cols[v1] } else { cols[v2] };
        let title = cols.get(EXTRAS_XML).and_then(|x| extras_field(x, "PAGE_TITLE"));
        let fields = [
            cols[DOCUMENT_IDENTIFIER],
            either(V2_THEMES, V1_THEMES),
            either(V2_PERSONS, V1_PERSONS),
            either(V2_ORGANIZATIONS, V1_ORGANIZATIONS),
            either(V2_LOCATIONS, V1_LOCATIONS),
            title.as_deref().unwrap_or_default(),
        ];
        let matched = prefilter.matches(&fields);
        if !matched.is_empty() {
            out.add(&mut index, url, FeedHints { title, ..FeedHints::default() }, &matched);
        }
    })?;
    Ok(out)
}

/// `<NAME>text</NAME>` of the GKG's extras XML, unescaped.
fn extras_field(extras: &str, name: &str) -> Option<String> {
    let start = extras.find(&format!("<{name}>"))? + name.len() + 2;
    let len = extras[start..].find(&format!("</{name}>"))?;
    let raw = &extras[start..start + len];
    let text = quick_xml::escape::unescape(raw).map(|t| t.into_owned()).unwrap_or_else(|_| raw.to_string());
    Some(text.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// A zip holding one file, as GDELT publishes them.
    pub(crate) fn zipped(name: &str, content: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    /// An events export row: 61 tab-separated columns as GDELT 2.0 writes them.
    pub(crate) fn export_row(id: u64, actor1: &str, actor2: &str, geo: &str, url: &str) -> String {
        let (a1code, a2code) =
            (actor1.get(..3).unwrap_or("").to_uppercase(), actor2.get(..3).unwrap_or("").to_uppercase());
        let cols: Vec<String> = vec![
            id.to_string(),
            "20261110".into(),
            "202611".into(),
            "2026".into(),
            "2026.8575".into(),
            a1code.clone(),
            actor1.into(),
            a1code,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "GOV".into(),
            String::new(),
            String::new(),
            a2code.clone(),
            actor2.into(),
            a2code,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "GOV".into(),
            String::new(),
            String::new(),
            "1".into(),
            "036".into(),
            "036".into(),
            "03".into(),
            "1".into(),
            "4.0".into(),
            "10".into(),
            "1".into(),
            "10".into(),
            "-1.25".into(),
            "4".into(),
            geo.into(),
            "MU".into(),
            "MU02".into(),
            "11111".into(),
            "23.6133".into(),
            "58.5933".into(),
            "-787987".into(),
            "4".into(),
            geo.into(),
            "MU".into(),
            "MU02".into(),
            "11111".into(),
            "23.6133".into(),
            "58.5933".into(),
            "-787987".into(),
            "4".into(),
            geo.into(),
            "MU".into(),
            "MU02".into(),
            "11111".into(),
            "23.6133".into(),
            "58.5933".into(),
            "-787987".into(),
            "20261110121500".into(),
            url.into(),
        ];
        assert_eq!(cols.len(), EXPORT_COLUMNS);
        cols.join("\t")
    }

    fn base() -> Url {
        Url::parse("http://data.gdeltproject.org/gdeltv2/lastupdate.txt").unwrap()
    }

    #[test]
    fn the_update_list_names_the_three_files() {
        let text = "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20261110121500.export.CSV.zip\n\
                    318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20261110121500.mentions.CSV.zip\n\
                    10768507 ea8dde0beb0ba98810a92db068c0ce99 http://data.gdeltproject.org/gdeltv2/20261110121500.gkg.csv.zip\n";
        let list = parse_update_list(text, &base()).unwrap();
        assert_eq!(list.export.size, 150_383);
        assert_eq!(list.export.md5, "297a16b493de7cf6ca809a7cc31d0b93");
        assert!(list.mentions.unwrap().url.as_str().ends_with(".mentions.CSV.zip"));
        let gkg = list.gkg.unwrap();
        assert_eq!(gkg.url.as_str(), "http://data.gdeltproject.org/gdeltv2/20261110121500.gkg.csv.zip");
        assert_eq!(file_timestamp(&list.export.url).unwrap().to_string(), "2026-11-10 12:15:00");
        assert_eq!(gkg_for_export(&list.export.url), Some(gkg.url));
        assert!(list.export.check_size(150_383).is_ok() && list.export.check_size(10).is_err());
        assert!(matches!(parse_update_list("<html>oops</html>", &base()), Err(GdeltError::UpdateList(_))));
    }

    #[test]
    fn missed_updates_are_derived_from_the_file_names() {
        let export =
            |stamp: &str| Url::parse(&format!("http://data.gdeltproject.org/gdeltv2/{stamp}.export.CSV.zip")).unwrap();
        let missed = missed_exports(&export("20261110110000"), &export("20261110121500"), 10);
        let names: Vec<&str> = missed.iter().map(file_name).collect();
        assert_eq!(
            names,
            vec![
                "20261110111500.export.CSV.zip",
                "20261110113000.export.CSV.zip",
                "20261110114500.export.CSV.zip",
                "20261110120000.export.CSV.zip"
            ]
        );
        let capped = missed_exports(&export("20261101000000"), &export("20261110121500"), 2);
        assert_eq!(
            capped.iter().map(file_name).collect::<Vec<_>>(),
            vec!["20261110114500.export.CSV.zip", "20261110120000.export.CSV.zip"]
        );
        assert!(missed_exports(&export("20261110120000"), &export("20261110121500"), 10).is_empty());
    }

    #[test]
    fn the_prefilter_matches_word_starts() {
        let p = Prefilter::new(&["iran", "nuclear deal", "IAEA"]);
        assert_eq!(p.matches(&["https://news.example/iranian-diplomats-arrive"]), vec!["iran"]);
        assert!(p.matches(&["https://news.example/tirana-marathon", "ALBANIA"]).is_empty());
        assert_eq!(p.matches(&["WB_NUCLEAR_DEAL_X,12"]), vec!["nuclear deal"]);
        assert_eq!(p.matches(&["International Atomic Energy Agency;IAEA,45"]), vec!["iaea"]);
        assert_eq!(Prefilter::new::<&str>(&[]).matches(&["anything"]), vec!["*"]);
    }

    #[test]
    fn export_rows_become_candidates() {
        let rows = [
            export_row(
                1,
                "IRAN",
                "UNITED STATES",
                "Muscat, Masqat, Oman",
                "https://news.example/2026/11/10/oman-hosts-round",
            ),
            export_row(2, "FRANCE", "GERMANY", "Paris, France", "https://news.example/2026/11/10/eu-budget-row"),
            export_row(3, "POLICE", "", "Ohio, United States", "https://local.example/iran-born-chef-opens-diner"),
            export_row(4, "IRAN", "", "Tehran, Tehran, Iran", "https://news.example/2026/11/10/oman-hosts-round#more"),
            "1\t2\t3".to_string(),
            export_row(5, "IRAN", "", "Tehran, Iran", "not a url"),
        ];
        let zip = zipped("20261110121500.export.CSV", &format!("{}\r\n", rows.join("\r\n")));
        let got = export_candidates(&zip, &Prefilter::new(&["iran", "nuclear"])).unwrap();
        assert_eq!((got.rows, got.malformed), (6, 2));
        let urls: Vec<&str> = got.candidates.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://news.example/2026/11/10/oman-hosts-round",
                "https://local.example/iran-born-chef-opens-diner"
            ]
        );
        assert_eq!(got.candidates[0].matched, vec!["iran"]);
    }

    #[test]
    fn gkg_rows_become_candidates_with_titles() {
        let gkg_row = |id: &str, collection: &str, url: &str, themes: &str, persons: &str, orgs: &str, title: &str| {
            let mut cols = vec![String::new(); GKG_COLUMNS];
            cols[0] = id.into();
            cols[1] = "20261110121500".into();
            cols[2] = collection.into();
            cols[3] = "news.example".into();
            cols[4] = url.into();
            cols[8] = themes.into();
            cols[12] = persons.into();
            cols[14] = orgs.into();
            cols[10] = "4#Muscat, Masqat, Oman#MU#MU02#23.6133#58.5933#-787987,120".into();
            cols[15] = "-1.2,2.1,3.3,5.4,20.1,0,400".into();
            cols[26] = format!("<PAGE_TITLE>{title}</PAGE_TITLE><PAGE_AUTHORS>Jane Roe</PAGE_AUTHORS>");
            cols.join("\t")
        };
        let rows = [
            gkg_row(
                "20261110121500-0",
                "1",
                "https://news.example/a/grossi-inspections",
                "WMD,12;ENV_NUCLEARPOWER,40;",
                "Rafael Grossi,30",
                "International Atomic Energy Agency,10",
                "IAEA chief &amp; inspections",
            ),
            gkg_row(
                "20261110121500-1",
                "1",
                "https://news.example/a/budget",
                "ECON_TAXATION,5;",
                "Jane Doe,3",
                "Treasury,9",
                "Budget",
            ),
            gkg_row("20261110121500-2", "2", "Some Citation Only Source", "WMD,1;", "", "", "x"),
        ];
        let zip = zipped("20261110121500.gkg.csv", &rows.join("\n"));
        let got = gkg_candidates(&zip, &Prefilter::new(&["iaea", "nuclear", "grossi"])).unwrap();
        assert_eq!(got.candidates.len(), 1);
        let c = &got.candidates[0];
        assert_eq!(c.url.as_str(), "https://news.example/a/grossi-inspections");
        assert_eq!(c.hints.title.as_deref(), Some("IAEA chief & inspections"));
        assert_eq!(c.matched, vec!["iaea", "nuclear", "grossi"]);
    }

    #[test]
    fn an_archive_without_csv_or_not_a_zip_is_an_error() {
        assert_eq!(export_candidates(&zipped("readme.txt", "hi"), &Prefilter::new(&["iran"])), Err(GdeltError::NoCsv));
        assert!(matches!(export_candidates(b"PK\x03\x04 broken", &Prefilter::new(&["iran"])), Err(GdeltError::Zip(_))));
    }

    #[test]
    fn merged_candidates_keep_one_entry_per_url() {
        let url = Url::parse("https://news.example/a").unwrap();
        let mut a = Candidates {
            candidates: vec![Candidate { url: url.clone(), hints: FeedHints::default(), matched: vec!["iran".into()] }],
            rows: 1,
            malformed: 0,
        };
        let b = Candidates {
            candidates: vec![Candidate {
                url,
                hints: FeedHints { title: Some("T".into()), ..Default::default() },
                matched: vec!["iran".into(), "iaea".into()],
            }],
            rows: 2,
            malformed: 1,
        };
        a.merge(b);
        assert_eq!(a.candidates.len(), 1);
        assert_eq!(a.candidates[0].matched, vec!["iran", "iaea"]);
        assert_eq!(a.candidates[0].hints.title.as_deref(), Some("T"));
        assert_eq!((a.rows, a.malformed), (3, 1));
    }
}
