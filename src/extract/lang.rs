//! Language: normalise what the page declares to ISO 639-1, and detect it from the text.

/// Text longer than this (in chars) is long enough for detection to overrule the declaration.
const LONG_TEXT_CHARS: usize = 1000;
/// Detection only reads this many chars: enough for a confident answer (whatlang is reliable
/// well below this), bounded cost (its time grows with the sample: at 2000 chars it was 5 % of
/// the article path).
const DETECT_SAMPLE_CHARS: usize = 1000;
/// Minimum text for an undeclared page's detection to be used at all.
const MIN_DETECT_CHARS: usize = 100;

/// Normalise a declared language tag ("en-GB", "en_US", "EN", "eng", "iw") to ISO 639-1.
pub(super) fn normalise_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_', ' ', ',', ';']).next()?.to_ascii_lowercase();
    let code = match primary.as_str() {
        // Legacy 639-1 codes still seen in the wild.
        "iw" => "he",
        "in" => "id",
        "ji" => "yi",
        p if p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()) => p,
        p if p.len() == 3 => iso639_3_to_1(p)?,
        _ => return None,
    };
    Some(code.to_string())
}

/// ISO 639-1 code of a whatlang language.
fn whatlang_code(lang: whatlang::Lang) -> Option<&'static str> {
    iso639_3_to_1(lang.code())
}

/// ISO 639-3 (and 639-2/B synonyms) → 639-1, for the languages whatlang knows plus common
/// three-letter declarations.
fn iso639_3_to_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" | "zho" | "chi" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" | "fre" => "fr",
        "deu" | "ger" => "de",
        "ukr" => "uk",
        "kat" | "geo" => "ka",
        "ara" | "arb" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "nno" => "nn",
        "nor" => "no",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" | "dut" => "nl",
        "hun" => "hu",
        "ces" | "cze" => "cs",
        "ell" | "gre" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" | "rum" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "bos" => "bs",
        "mkd" | "mac" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "msa" | "may" | "zsm" => "ms",
        "tel" => "te",
        "pes" | "fas" | "per" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" | "bur" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" | "slo" => "sk",
        "cat" => "ca",
        "tgl" | "fil" => "tl",
        "hye" | "arm" => "hy",
        "cym" | "wel" => "cy",
        "pus" => "ps",
        "kur" => "ku",
        "swa" => "sw",
        _ => return None,
    })
}

/// Languages whatlang cannot reliably tell apart: a declaration inside the same group is kept.
const CONFUSABLE: &[&[&str]] = &[&["ms", "id"], &["no", "nb", "nn", "da"], &["hr", "sr", "bs"], &["fa", "ur", "ps"]];

fn same_language(a: &str, b: &str) -> bool {
    a == b || CONFUSABLE.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// Decide the page language from what it declares and what its text looks like.
///
/// The declaration wins unless the text is long and detection is confident and clearly
/// different (template `lang="en"` on a Persian page is common); without a declaration,
/// detection is used when there is enough text.
pub(super) fn decide(declared: Option<String>, text: &str) -> Option<String> {
    let sample_end = text.char_indices().nth(DETECT_SAMPLE_CHARS).map_or(text.len(), |(i, _)| i);
    let sample = &text[..sample_end];
    let chars = sample.chars().count();
    match declared {
        Some(decl) => {
            if chars < LONG_TEXT_CHARS {
                return Some(decl);
            }
            match whatlang::detect(sample) {
                Some(info) if info.is_reliable() => match whatlang_code(info.lang()) {
                    Some(det) if !same_language(&decl, det) => Some(det.to_string()),
                    _ => Some(decl),
                },
                _ => Some(decl),
            }
        }
        None => {
            if chars < MIN_DETECT_CHARS {
                return None;
            }
            let info = whatlang::detect(sample)?;
            // A weaker answer than "reliable" is still better than nothing on a decent sample.
            if info.is_reliable() || info.confidence() >= 0.5 {
                whatlang_code(info.lang()).map(str::to_string)
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_normalise_to_iso639_1() {
        assert_eq!(normalise_tag("en-GB").as_deref(), Some("en"));
        assert_eq!(normalise_tag("en_US").as_deref(), Some("en"));
        assert_eq!(normalise_tag(" FR ").as_deref(), Some("fr"));
        assert_eq!(normalise_tag("fa-IR").as_deref(), Some("fa"));
        assert_eq!(normalise_tag("eng").as_deref(), Some("en"));
        assert_eq!(normalise_tag("iw").as_deref(), Some("he"));
        assert_eq!(normalise_tag("zh-Hans-CN").as_deref(), Some("zh"));
        assert_eq!(normalise_tag(""), None);
        assert_eq!(normalise_tag("english"), None);
        assert_eq!(normalise_tag("xx1"), None);
    }

    const ENGLISH: &str = "The foreign ministers met in Geneva on Tuesday to discuss the nuclear \
        programme, and officials said the talks had been constructive although no agreement was \
        reached. Both sides agreed to meet again next month, according to a statement released \
        after the meeting by the host government. ";

    #[test]
    fn declared_language_kept_for_short_or_matching_text() {
        assert_eq!(decide(Some("fr".into()), "Bonjour").as_deref(), Some("fr"));
        let long = ENGLISH.repeat(5);
        assert_eq!(decide(Some("en".into()), &long).as_deref(), Some("en"));
    }

    #[test]
    fn confident_detection_overrules_wrong_declaration_on_long_text() {
        let long = ENGLISH.repeat(5);
        assert_eq!(decide(Some("de".into()), &long).as_deref(), Some("en"));
    }

    #[test]
    fn detection_when_undeclared() {
        assert_eq!(decide(None, ENGLISH).as_deref(), Some("en"));
        assert_eq!(decide(None, "Hi"), None);
        assert_eq!(decide(None, ""), None);
    }
}
