//! Entities: people, organisations and places named in an article, one per real-world thing.
//!
//! Two recognisers feed one resolver:
//!
//! * the **gazetteer** ([`gazetteer`]): the names, aliases, codes and demonyms of
//!   `config/entities/*.toml` (embedded in the binary), folded so that spelling variants
//!   meet ("Araqchi" = "Araghchi", "Türkiye" = "Turkiye", "al-Busaidi" = "Al Busaidi"), and
//!   searched in one Aho-Corasick pass over the article's folded key stream;
//! * the **general recogniser** ([`names`]): capitalised spans with titles, role nouns,
//!   speech verbs, organisation head words and acronyms, for names on no list. World places
//!   and first names come from generated data (`config/entities/places.toml`,
//!   `given-names.toml`, written by `scripts/gen-names.py`), never from the story gazetteer.
//!
//! The resolver ([`resolve`]) links variants, fuzzy matches and lone surnames to one entity.
//! Offsets are chars (Unicode scalar values) into the text, end exclusive.
//!
//! Mentions are names only: titles ("Foreign Minister"), a leading "the" and a possessive
//! `'s` are left out; a place written inside an organisation's name is part of it ("Omani
//! Foreign Ministry"), a possessive splits it off ("Oman's" + "Foreign Ministry"). Capitals
//! standing for governments keep the city ("Tehran said" → `place:tehran`); demonyms point to
//! their country ("Iranian" → `place:iran`) but do not name it, so they are recorded in the
//! entity's `demonyms`, apart from its mentions.
//!
//! Ids: a listed entity keeps its gazetteer id ("person:abbas-araghchi", "place:iran"); any
//! other is `<kind>:<slug>` of its longest name in the article, lowercased with diacritics
//! stripped ("person:kazem-gharibabadi", "org:ministry-of-petroleum"), so the same name
//! gets the same id in every article; a generic organisation (titles, head words and
//! generic modifiers only) qualified by a listed place is `org:<place>-<slug>`
//! ("org:oman-foreign-ministry"), or the listed organisation when the place and name are
//! listed together ("Iran's Foreign Ministry" → `org:iran-foreign-ministry`, because
//! "Iranian Foreign Ministry" is listed). Within an article, spelling variants of an
//! unlisted name are merged (folded keys, Jaro-Winkler, vowel-only variants), a later
//! surname, trailing part ("Von der Leyen") or titled given name ("Sheikh Mohammed") joins
//! the full name, and a bare generic name joins its qualified form; across articles unlisted
//! variants are not merged: list the person in `config/entities/` to give every spelling one id.
//!
//! Quality is measured on a hand-annotated gold set: `tests/entities_gold.rs`.

mod data;
mod gazetteer;
mod names;
mod resolve;
mod text;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::record::Entity;

/// A gazetteer or word-list file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    /// The file or directory cannot be read.
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{}: {reason}", file.display())]
    Parse { file: PathBuf, reason: String },
    /// An entry is unusable (bad id, empty name, bad Q-id, duplicate id, ...).
    #[error("{}: {reason}", file.display())]
    Invalid { file: PathBuf, reason: String },
}

/// Finds entities in article text. Built once; `recognize` takes `&self` and is cheap to
/// call from many threads.
pub struct EntityRecognizer {
    gazetteer: gazetteer::Gazetteer,
    lexicon: data::Lexicon,
    offices: Vec<Office>,
}

/// An office and the person the entity data says holds it: "President" of `place:iran`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// The title, lowercase ("foreign minister").
    pub title: String,
    /// Id of the place or organisation the office belongs to.
    pub of: String,
    /// Id and canonical name of the holder.
    pub holder_id: String,
    pub holder_name: String,
}

impl std::fmt::Debug for EntityRecognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityRecognizer").field("entities", &self.gazetteer.entities.len()).finish_non_exhaustive()
    }
}

impl EntityRecognizer {
    /// The gazetteer shipped in `config/entities/` (embedded, so the binary works anywhere).
    pub fn builtin() -> Result<Self, EntityError> {
        Self::from_loaded(Self::load_builtin()?)
    }

    /// Builtin data plus every `*.toml` in `dir` (in file-name order). An entity whose id is
    /// already defined replaces the earlier definition; `[lexicon]` lists are extended.
    pub fn with_extra_dir(dir: &Path) -> Result<Self, EntityError> {
        let (mut loaded, mut index) = Self::load_builtin_indexed()?;
        let read_dir = std::fs::read_dir(dir).map_err(|source| EntityError::Io { file: dir.to_path_buf(), source })?;
        let mut files = Vec::new();
        for entry in read_dir {
            let entry = entry.map_err(|source| EntityError::Io { file: dir.to_path_buf(), source })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        for path in files {
            let source =
                std::fs::read_to_string(&path).map_err(|source| EntityError::Io { file: path.clone(), source })?;
            loaded.add(&path, &source, true, &mut index)?;
        }
        Self::from_loaded(loaded)
    }

    /// All entities in `text`, one per real-world thing, sorted by first mention; mentions
    /// in text order with char offsets (end exclusive) into `text`.
    pub fn recognize(&self, text: &str) -> Vec<Entity> {
        let doc = text::tokenize(text, &self.lexicon.particles);
        if doc.tokens.is_empty() {
            return Vec::new();
        }
        let mut stream = gazetteer::Stream::default();
        let matches = self.gazetteer.scan(&doc, &mut stream);
        let (cands, absorbed) = names::find(&doc, &self.gazetteer, &matches, &self.lexicon);
        resolve::resolve(&doc, &self.gazetteer, &matches, &absorbed, &cands)
    }

    fn load_builtin() -> Result<data::Loaded, EntityError> {
        Ok(Self::load_builtin_indexed()?.0)
    }

    fn load_builtin_indexed() -> Result<(data::Loaded, HashMap<String, usize>), EntityError> {
        let mut loaded = data::Loaded::new();
        let mut index = HashMap::new();
        for (file, source) in data::BUILTIN {
            loaded.add(Path::new(file), source, false, &mut index)?;
        }
        Ok((loaded, index))
    }

    /// The offices the entity data names holders for (entries with `serves`).
    pub fn offices(&self) -> &[Office] {
        &self.offices
    }

    fn from_loaded(loaded: data::Loaded) -> Result<Self, EntityError> {
        let lexicon = data::Lexicon::compile(&loaded.lexicon, &loaded.entities);
        let gazetteer = gazetteer::Gazetteer::compile(&loaded.entities, &lexicon)?;
        let offices = offices(&loaded.entities)?;
        Ok(EntityRecognizer { gazetteer, lexicon, offices })
    }
}

/// Every (title, served entity) → holder pair, checking that each served id exists.
fn offices(entities: &[data::Sourced]) -> Result<Vec<Office>, EntityError> {
    let ids: HashSet<&str> = entities.iter().map(|e| e.def.id.as_str()).collect();
    let mut offices = Vec::new();
    for sourced in entities {
        let def = &sourced.def;
        let Some(of) = &def.serves else { continue };
        if !ids.contains(of.as_str()) {
            return Err(EntityError::Invalid {
                file: sourced.file.clone(),
                reason: format!("entity {:?}: serves {:?}, which is not defined", def.id, of),
            });
        }
        offices.extend(def.titles.iter().map(|title| Office {
            title: title.to_lowercase(),
            of: of.clone(),
            holder_id: def.id.clone(),
            holder_name: def.name.clone(),
        }));
    }
    Ok(offices)
}
