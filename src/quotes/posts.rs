//! Embedded social posts: the text of a post followed by the attribution line its embed code writes,
//! `— Abbas Araghchi (@araghchi) November 18, 2025` (X/Twitter; Bluesky adds `at 9:41 AM`). An
//! official's post is a statement in their own words, with no quote marks and no speech verb, so the
//! mark-based passes never see it.

use super::marks::is_quote_mark;
use crate::record::{Entity, EntityType, Mention, Quote, QuoteKind, Speaker};

/// The cue reported for a post.
const POST_CUE: &str = "posted";
/// How sure an attribution line makes us: the embed code writes it, but a page can imitate it.
const POST_CONFIDENCE: f64 = 0.9;
/// Longer lines are prose, not an attribution line.
const MAX_ATTRIBUTION_CHARS: usize = 200;
/// Longer "names" are prose too.
const MAX_NAME_CHARS: usize = 80;

/// A paragraph of `text`: its content and its char range.
struct Paragraph<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

/// The posts in `text`, each with its author as the speaker (resolved to an entity when one is
/// mentioned in the attribution line).
pub(super) fn embedded_posts(text: &str, entities: &[Entity]) -> Vec<Quote> {
    if !text.contains("(@") {
        return Vec::new();
    }
    let paragraphs = paragraphs(text);
    paragraphs
        .windows(2)
        .filter_map(|pair| {
            let (post, line) = (&pair[0], &pair[1]);
            let (name, name_start) = author(line)?;
            if author(post).is_some() {
                return None;
            }
            let (words, start) = without_marks(post);
            let end = start + words.chars().count();
            if words.is_empty() {
                return None;
            }
            let name_end = name_start + name.chars().count();
            let entity = author_entity(entities, name_start, name_end);
            Some(Quote {
                text: words.to_string(),
                start,
                end,
                kind: QuoteKind::Direct,
                cue: POST_CUE.to_string(),
                speaker: Some(Speaker {
                    name: entity.map_or_else(|| name.to_string(), |e| e.name.clone()),
                    entity_id: entity.map(|e| e.id.clone()),
                    mention: Mention { text: name.to_string(), start: name_start, end: name_end },
                }),
                confidence: POST_CONFIDENCE,
            })
        })
        .collect()
}

/// The non-blank lines of `text` with their char ranges, trimmed.
fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut chars_before = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line[..line.len() - line.trim_start().len()].chars().count();
            let start = chars_before + lead;
            out.push(Paragraph { text: trimmed, start, end: start + trimmed.chars().count() });
        }
        chars_before += line.chars().count() + 1;
    }
    out
}

/// The author named by an attribution line (`— Name (@handle) date`), and the char offset of the name.
fn author<'t>(line: &Paragraph<'t>) -> Option<(&'t str, usize)> {
    if line.end - line.start > MAX_ATTRIBUTION_CHARS {
        return None;
    }
    let rest = line.text.strip_prefix(['\u{2014}', '\u{2013}'])?;
    let (name_part, after) = rest.split_once(" (@")?;
    let (handle, date) = after.split_once(')')?;
    let handle_ok = !handle.is_empty() && handle.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    // Display names carry emoji and flags: `Dianna E. Anderson 🏳️‍🌈`.
    let name = name_part.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    if !handle_ok
        || name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || !date.contains(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let lead = line.text.len() - rest.len()
        + (name_part.len() - name_part.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '.').len());
    Some((name, line.start + line.text[..lead].chars().count()))
}

/// A post's words without the marks around the whole of it, and their char offset.
fn without_marks<'t>(post: &Paragraph<'t>) -> (&'t str, usize) {
    let inner = post.text.trim_start_matches(is_quote_mark);
    let lead = post.text[..post.text.len() - inner.len()].chars().count();
    let opened = lead > 0;
    let inner = if opened { inner.trim_end_matches(is_quote_mark).trim_end() } else { inner };
    (inner, post.start + lead)
}

/// The person or organisation the entity stage found in the attribution line's name.
fn author_entity(entities: &[Entity], start: usize, end: usize) -> Option<&Entity> {
    entities
        .iter()
        .filter(|e| matches!(e.kind, EntityType::Person | EntityType::Org))
        .find(|e| e.mentions.iter().any(|m| m.start >= start && m.end <= end))
}
