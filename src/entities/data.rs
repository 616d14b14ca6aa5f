//! Gazetteer and word-list files (`config/entities/*.toml`): schema, loading, merging.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::EntityError;
use super::text::{WordSet, plain_of};
use crate::record::EntityType;

/// The data shipped in the binary, in load order.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("config/entities/countries.toml", include_str!("../../config/entities/countries.toml")),
    ("config/entities/capitals.toml", include_str!("../../config/entities/capitals.toml")),
    ("config/entities/domain.toml", include_str!("../../config/entities/domain.toml")),
    ("config/entities/lexicon.toml", include_str!("../../config/entities/lexicon.toml")),
    ("config/entities/places.toml", include_str!("../../config/entities/places.toml")),
    ("config/entities/given-names.toml", include_str!("../../config/entities/given-names.toml")),
];

/// One data file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    #[serde(default)]
    entity: Vec<EntityDef>,
    #[serde(default)]
    lexicon: LexiconDef,
}

/// One gazetteer entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntityDef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Matched only with exactly this capitalisation (acronyms).
    #[serde(default)]
    pub exact: Vec<String>,
    /// Adjectives and nationals pointing to a place.
    #[serde(default)]
    pub demonyms: Vec<String>,
    /// Roles written before the name.
    #[serde(default)]
    pub titles: Vec<String>,
    /// The place or organisation whose office a person's titles are (`place:iran`), so that a role
    /// written with it ("Iran's president", "the Iranian foreign minister") names the person.
    pub serves: Option<String>,
    pub wikidata: Option<String>,
    /// ISO 3166-1 alpha-2 code (countries).
    #[allow(dead_code)]
    pub iso: Option<String>,
}

/// Word lists; every list extends the builtin one.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconDef {
    #[serde(default)]
    person_titles: Vec<String>,
    #[serde(default)]
    person_roles: Vec<String>,
    #[serde(default)]
    org_heads: Vec<String>,
    #[serde(default)]
    place_heads: Vec<String>,
    /// Words of generic organisation names besides titles and heads ("Security", "National").
    #[serde(default)]
    org_modifiers: Vec<String>,
    /// Lower-case nouns that make a name next to them an organisation ("the Kayhan
    /// newspaper", "the daily Etemad").
    #[serde(default)]
    org_nouns: Vec<String>,
    /// Lower-case words after which a lone unlisted name is a place ("in Najaf").
    #[serde(default)]
    place_prepositions: Vec<String>,
    #[serde(default)]
    name_connectors: Vec<String>,
    #[serde(default)]
    particles: Vec<String>,
    #[serde(default)]
    org_connectors: Vec<String>,
    #[serde(default)]
    speech_verbs: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    acronym_stoplist: Vec<String>,
    #[serde(default)]
    given_names: Vec<String>,
    /// First names that are also ordinary words ("Harry", "Mark"): they mark a person only
    /// before a surname, never on their own.
    #[serde(default)]
    given_names_also_words: Vec<String>,
    /// Phrases that are no entity on the list, and stop shorter list names inside them from
    /// matching ("National Security Council" is not the UN "Security Council").
    #[serde(default)]
    block: Vec<String>,
}

impl LexiconDef {
    fn extend(&mut self, o: LexiconDef) {
        self.person_titles.extend(o.person_titles);
        self.person_roles.extend(o.person_roles);
        self.org_heads.extend(o.org_heads);
        self.place_heads.extend(o.place_heads);
        self.org_modifiers.extend(o.org_modifiers);
        self.org_nouns.extend(o.org_nouns);
        self.place_prepositions.extend(o.place_prepositions);
        self.name_connectors.extend(o.name_connectors);
        self.particles.extend(o.particles);
        self.org_connectors.extend(o.org_connectors);
        self.speech_verbs.extend(o.speech_verbs);
        self.stopwords.extend(o.stopwords);
        self.acronym_stoplist.extend(o.acronym_stoplist);
        self.given_names.extend(o.given_names);
        self.given_names_also_words.extend(o.given_names_also_words);
        self.block.extend(o.block);
    }
}

/// An entity definition and the file it came from (for error messages).
pub(crate) struct Sourced {
    pub def: EntityDef,
    pub file: PathBuf,
}

/// Everything loaded, before compilation.
pub(crate) struct Loaded {
    pub entities: Vec<Sourced>,
    pub lexicon: LexiconDef,
}

impl Loaded {
    pub fn new() -> Self {
        Loaded { entities: Vec::new(), lexicon: LexiconDef::default() }
    }

    /// Parse and add one file. `allow_override`: an id already present is replaced (user
    /// files); otherwise a repeated id is an error (builtin data).
    pub fn add(
        &mut self,
        file: &Path,
        source: &str,
        allow_override: bool,
        index: &mut HashMap<String, usize>,
    ) -> Result<(), EntityError> {
        let parsed: DataFile = toml::from_str(source)
            .map_err(|e| EntityError::Parse { file: file.to_path_buf(), reason: e.to_string() })?;
        let mut seen_here = HashSet::new();
        for def in parsed.entity {
            validate(&def).map_err(|reason| EntityError::Invalid { file: file.to_path_buf(), reason })?;
            if !seen_here.insert(def.id.clone()) {
                return Err(EntityError::Invalid {
                    file: file.to_path_buf(),
                    reason: format!("entity id {:?} appears twice", def.id),
                });
            }
            let sourced = Sourced { def, file: file.to_path_buf() };
            match index.get(&sourced.def.id) {
                Some(&i) if allow_override => self.entities[i] = sourced,
                Some(&i) => {
                    return Err(EntityError::Invalid {
                        file: file.to_path_buf(),
                        reason: format!(
                            "entity id {:?} is already defined in {}",
                            sourced.def.id,
                            self.entities[i].file.display()
                        ),
                    });
                }
                None => {
                    index.insert(sourced.def.id.clone(), self.entities.len());
                    self.entities.push(sourced);
                }
            }
        }
        self.lexicon.extend(parsed.lexicon);
        Ok(())
    }
}

fn validate(def: &EntityDef) -> Result<(), String> {
    let id_ok = def.id.split_once(':').is_some_and(|(kind, slug)| {
        !kind.is_empty()
            && !slug.is_empty()
            && def.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-:_./".contains(&b))
    });
    if !id_ok {
        return Err(format!("entity id {:?} must look like \"kind:slug\" (lowercase ASCII)", def.id));
    }
    if def.name.trim().is_empty() {
        return Err(format!("entity {:?} has an empty name", def.id));
    }
    if let Some(q) = &def.wikidata {
        let ok = q.len() > 1 && q.starts_with('Q') && q[1..].bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(format!("entity {:?}: wikidata {:?} is not a Q-id (leave it out when unknown)", def.id, q));
        }
    }
    if !def.demonyms.is_empty() && def.kind != EntityType::Place {
        return Err(format!("entity {:?}: demonyms are for places", def.id));
    }
    if def.serves.is_some() && (def.kind != EntityType::Person || def.titles.is_empty()) {
        return Err(format!("entity {:?}: serves is for people with titles", def.id));
    }
    Ok(())
}

/// Word lists, plain-folded, ready for lookups.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    pub title_words: WordSet,
    pub person_roles: WordSet,
    pub org_heads: WordSet,
    pub place_heads: WordSet,
    pub org_modifiers: WordSet,
    pub org_nouns: WordSet,
    pub place_prepositions: WordSet,
    pub name_connectors: WordSet,
    pub particles: WordSet,
    pub org_connectors: WordSet,
    pub speech_verbs: WordSet,
    pub stopwords: WordSet,
    pub acronym_stoplist: WordSet,
    pub given_names: WordSet,
    /// `given_names` and the first names that are also ordinary words: what may open a full name.
    pub first_names: WordSet,
    pub block: Vec<String>,
}

fn words(list: &[String], out: &mut WordSet, skip: &WordSet) {
    for entry in list {
        for w in entry.split(|c: char| c.is_whitespace() || c == '-') {
            let p = plain_of(w);
            if !p.is_empty() && !skip.contains(&p) {
                out.insert(p.into_boxed_str());
            }
        }
    }
}

impl Lexicon {
    pub fn compile(def: &LexiconDef, entities: &[Sourced]) -> Lexicon {
        let none = WordSet::default();
        let mut lx = Lexicon::default();
        words(&def.org_connectors, &mut lx.org_connectors, &none);
        words(&def.org_heads, &mut lx.org_heads, &none);
        words(&def.person_titles, &mut lx.title_words, &lx.org_connectors);
        // Roles written in the gazetteer teach title words too, except organisation words
        // ("Foreign Ministry spokesman") and acronyms ("IAEA chief").
        for s in entities {
            for title in &s.def.titles {
                for w in title.split(|c: char| c.is_whitespace() || c == '-') {
                    let p = plain_of(w);
                    let acronym =
                        w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase);
                    if p.is_empty() || acronym || lx.org_heads.contains(&p) || lx.org_connectors.contains(&p) {
                        continue;
                    }
                    lx.title_words.insert(p.into_boxed_str());
                }
            }
        }
        words(&def.place_heads, &mut lx.place_heads, &none);
        words(&def.org_modifiers, &mut lx.org_modifiers, &none);
        words(&def.org_nouns, &mut lx.org_nouns, &none);
        words(&def.place_prepositions, &mut lx.place_prepositions, &none);
        words(&def.person_roles, &mut lx.person_roles, &none);
        words(&def.name_connectors, &mut lx.name_connectors, &none);
        words(&def.particles, &mut lx.particles, &none);
        words(&def.speech_verbs, &mut lx.speech_verbs, &none);
        for w in &def.stopwords {
            // Whole entries: "It's" is one stopword.
            let p = plain_of(w);
            if !p.is_empty() {
                lx.stopwords.insert(p.into_boxed_str());
            }
        }
        words(&def.acronym_stoplist, &mut lx.acronym_stoplist, &none);
        words(&def.given_names, &mut lx.given_names, &none);
        words(&def.given_names, &mut lx.first_names, &none);
        words(&def.given_names_also_words, &mut lx.first_names, &none);
        lx.block = def.block.clone();
        lx
    }
}
