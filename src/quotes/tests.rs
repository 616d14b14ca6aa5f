//! Behaviour of the whole stage on short news-like texts, one behaviour per test. Every run also checks
//! that offsets point at the reported text and that confidences lie in 0..=1.

use super::QuoteExtractor;
use crate::record::{Entity, EntityType, Mention, Quote, QuoteKind};

/// An entity mentioned at every occurrence of each of `words` in `text`.
fn ent(id: &str, name: &str, kind: EntityType, text: &str, words: &[&str]) -> Entity {
    let mut mentions = Vec::new();
    for w in words {
        let mut from = 0;
        while let Some(b) = text[from..].find(w) {
            let bs = from + b;
            let start = text[..bs].chars().count();
            mentions.push(Mention { text: w.to_string(), start, end: start + w.chars().count() });
            from = bs + w.len();
        }
    }
    mentions.sort_by_key(|m| m.start);
    Entity { id: id.into(), name: name.into(), kind, wikidata: None, mentions, demonyms: Vec::new() }
}

fn person(id: &str, name: &str, text: &str, words: &[&str]) -> Entity {
    ent(id, name, EntityType::Person, text, words)
}

/// An office held by `name` (`id`), as the entity data gives it.
fn office(title: &str, of: &str, id: &str, name: &str) -> crate::entities::Office {
    crate::entities::Office { title: title.into(), of: of.into(), holder_id: id.into(), holder_name: name.into() }
}

fn chars(text: &str, s: usize, e: usize) -> String {
    text.chars().skip(s).take(e - s).collect()
}

fn check_offsets(text: &str, quotes: &[Quote]) {
    for q in quotes {
        assert_eq!(chars(text, q.start, q.end), q.text, "quote offsets");
        if let Some(sp) = &q.speaker {
            assert_eq!(chars(text, sp.mention.start, sp.mention.end), sp.mention.text, "mention offsets");
        }
        assert!((0.0..=1.0).contains(&q.confidence));
    }
}

fn run(text: &str, entities: &[Entity]) -> Vec<Quote> {
    let q = QuoteExtractor::new().extract(text, entities);
    check_offsets(text, &q);
    q
}

/// The one quote in `text`.
fn only(text: &str, entities: &[Entity]) -> Quote {
    let mut quotes = run(text, entities);
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    quotes.remove(0)
}

fn speaker_name(q: &Quote) -> Option<&str> {
    q.speaker.as_ref().map(|s| s.name.as_str())
}

fn assert_no_quotes(texts: &[&str]) {
    for text in texts {
        assert!(run(text, &[]).is_empty(), "{text}");
    }
}

/// Each quote's speaker name, in order.
fn speaker_names(quotes: &[Quote]) -> Vec<Option<&str>> {
    quotes.iter().map(speaker_name).collect()
}

/// A quote's speaker as (name, entity id, mention text).
fn speaker(q: &Quote) -> (&str, Option<&str>, &str) {
    let sp = q.speaker.as_ref().expect("speaker");
    (sp.name.as_str(), sp.entity_id.as_deref(), sp.mention.text.as_str())
}

#[test]
fn quote_then_speaker_said() {
    let text = "\"We are ready to resume indirect talks in Muscat,\" Araghchi said on Sunday.";
    let q = only(text, &[person("Q1", "Abbas Araghchi", text, &["Araghchi"])]);
    assert_eq!(q.text, "We are ready to resume indirect talks in Muscat");
    assert_eq!((q.kind, q.cue.as_str()), (QuoteKind::Direct, "said"));
    assert_eq!(speaker(&q), ("Abbas Araghchi", Some("Q1"), "Araghchi"));
    assert!(q.confidence > 0.8);
}

#[test]
fn quote_then_said_speaker_without_entities() {
    let text = "“There will be no deal without sanctions relief,” said Iranian Foreign Minister Abbas Araghchi, speaking in Geneva.";
    let q = only(text, &[]);
    assert_eq!(speaker(&q), ("Abbas Araghchi", None, "Iranian Foreign Minister Abbas Araghchi"));
    assert_eq!(q.cue, "said");
}

#[test]
fn speaker_said_colon_quote() {
    let text = "White House press secretary Karoline Leavitt said: \"The president wants a deal, but he will not wait forever.\"";
    let q = only(text, &[]);
    assert_eq!((q.kind, speaker_name(&q)), (QuoteKind::Direct, Some("Karoline Leavitt")));
    assert!(q.confidence > 0.8);
}

#[test]
fn speaker_said_that_partial() {
    let text = "Trump said that the agreement was \"not dead\" and that talks in Rome would go ahead.";
    let q = only(text, &[person("Q22686", "Donald Trump", text, &["Trump"])]);
    assert_eq!((q.text.as_str(), q.kind, q.cue.as_str()), ("not dead", QuoteKind::Partial, "said"));
    assert_eq!(speaker_name(&q), Some("Donald Trump"));
}

#[test]
fn told_reuters() {
    let text = "\"Enrichment is our right and it is not negotiable,\" a senior Iranian official told Reuters, speaking on condition of anonymity.";
    let q = only(text, &[]);
    assert_eq!(q.cue, "told");
    assert_eq!(speaker(&q), ("a senior Iranian official", None, "a senior Iranian official"));
}

#[test]
fn according_to() {
    let text = "According to the foreign ministry spokesman, \"the next round will take place in Oman once the dates are agreed.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), speaker_name(&q)), ("According to", Some("the foreign ministry spokesman")));
    let text = "\"The inspectors have not had access to Fordow since June,\" according to a confidential IAEA report seen by Reuters.";
    assert_eq!(speaker_name(&only(text, &[])), Some("a confidential IAEA report"));
}

#[test]
fn pronoun_resolves_to_last_person() {
    let text = "Iranian Foreign Minister Abbas Araghchi met Omani officials in Muscat on Saturday.\n\n\"We have come with a serious proposal,\" he told state television.";
    let e = [
        person("Q1", "Abbas Araghchi", text, &["Abbas Araghchi"]),
        ent("Q2", "Muscat", EntityType::Place, text, &["Muscat"]),
    ];
    let q = only(text, &e);
    assert_eq!(speaker(&q), ("Abbas Araghchi", Some("Q1"), "he"));
}

#[test]
fn pronoun_resolves_to_earlier_named_speaker_without_entities() {
    let text = "\"We are not in a hurry,\" said Esmaeil Baghaei, the foreign ministry spokesman.\n\n\"The ball is in Washington's court,\" he added.";
    let q = run(text, &[]);
    assert_eq!(speaker_names(&q), [Some("Esmaeil Baghaei"); 2]);
    assert_eq!(speaker(&q[1]), ("Esmaeil Baghaei", None, "he"));
    assert_eq!(q[1].cue, "added");
}

#[test]
fn descriptor_speaker() {
    let text = "The talks could resume within weeks, the foreign ministry spokesman said, adding that \"nothing has been agreed yet.\"";
    let q = only(text, &[]);
    assert_eq!((speaker_name(&q), q.kind), (Some("the foreign ministry spokesman"), QuoteKind::Partial));
}

#[test]
fn multi_paragraph_quote() {
    let text = "Witkoff said: \"We had a productive meeting in Rome. Both sides agreed to keep talking.\n\n\"Nobody should expect a breakthrough this week, but the door is open.\"\n\nThe next round is expected in Oman.";
    let q = run(text, &[person("Q3", "Steve Witkoff", text, &["Witkoff"])]);
    assert_eq!(speaker_names(&q), [Some("Steve Witkoff"); 2]);
    assert_eq!(q[0].text, "We had a productive meeting in Rome. Both sides agreed to keep talking.");
    assert_eq!(q[1].text, "Nobody should expect a breakthrough this week, but the door is open.");
    assert!(q[1].confidence < q[0].confidence);
    assert_eq!(q[1].kind, QuoteKind::Direct);
}

#[test]
fn multi_paragraph_quote_attributed_at_the_end() {
    let text = "\"Iran will never give up enrichment.\n\n\"That is our red line,\" Ghalibaf told parliament.";
    assert_eq!(speaker_names(&run(text, &[])), [Some("Ghalibaf"); 2]);
}

#[test]
fn paragraph_only_quote_continues_previous_speaker() {
    let text = "\"We will respond to any aggression,\" Larijani said.\n\n\"The region cannot afford another war.\"";
    let q = run(text, &[]);
    assert_eq!(speaker_names(&q), [Some("Larijani"); 2]);
    assert!(q[1].confidence < q[0].confidence);
    let text = "Araghchi told reporters in Geneva:\n\n\"We are ready for a fair deal.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Araghchi"));
}

#[test]
fn split_quote_and_second_sentence() {
    let text = "\"Diplomacy is the only way,\" Fidan said, \"and Türkiye is ready to host the talks.\" \"We have said this many times.\"";
    let q = run(text, &[]);
    assert_eq!(speaker_names(&q), [Some("Fidan"); 3]);
    assert_eq!(q[1].kind, QuoteKind::Direct);
    assert!(q[2].confidence < q[0].confidence);
}

#[test]
fn short_tail_before_a_quote_introduced_by_another_cue() {
    let text = "\"Is a deal close?\" Araghchi asked as reporters crowded in, adding that the talks were \"serious.\"";
    let q = run(text, &[]);
    assert_eq!(speaker_names(&q), [Some("Araghchi"); 2]);
    assert_eq!(q[0].cue, "asked");
}

#[test]
fn aside_after_that_keeps_its_subject() {
    // The reported clause's own subject speaks, not the one reporting it.
    let text =
        "Analysts noted that Pezeshkian, who is weighing a visit to New York, said the offer was \"not serious.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), speaker_name(&q)), ("said", Some("Pezeshkian")));
}

#[test]
fn short_lowercase_partial_is_no_title() {
    // Short words pass inside a title ("Meet the Press"), but without a capital there is no title.
    let text = "Araghchi told state television that the deal was \"way off,\" and talks would go on.";
    let q = only(text, &[]);
    assert_eq!((q.text.as_str(), q.kind, speaker_name(&q)), ("way off", QuoteKind::Partial, Some("Araghchi")));
}

#[test]
fn opinion_piece_headline_is_no_quote() {
    assert_no_quotes(&["Jane Doe's column, \"Iran, come back to the table,\" drew many letters."]);
    // Said in the column, it is a quote.
    let text = "Jane Doe wrote in her column, \"Iran, come back to the table.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Jane Doe"));
}

#[test]
fn year_between_subject_and_cue() {
    let text =
        "Washington knows Larijani, who in 2015 said the deal would be a \"historic defeat for the arrogant powers.\"";
    let q = only(text, &[person("Q7", "Ali Larijani", text, &["Larijani"])]);
    assert_eq!((q.cue.as_str(), speaker(&q)), ("said", ("Ali Larijani", Some("Q7"), "who")));
}

#[test]
fn quote_runs_on_only_with_a_mark_of_its_own_family() {
    // A stray straight mark (an excerpt marker left by a conversion) before a curly quote.
    let text = "\"Talks were stalled.\n\n“We are still here,” Baghaei said.";
    let q = only(text, &[]);
    assert_eq!((q.text.as_str(), speaker_name(&q)), ("We are still here", Some("Baghaei")));
    // The same marks throughout do run on.
    let text = "\"Talks were stalled.\n\n\"We are still here,\" Baghaei said.";
    assert_eq!(speaker_names(&run(text, &[])), [Some("Baghaei"); 2]);
}

#[test]
fn interrupted_quote_takes_the_interrupting_mention() {
    // The first part is also introduced from the left; the second part belongs to the words that
    // interrupt the quote, the pronoun itself.
    let text = "Mohajerani said Tehran would not bow because \"pressure has never worked,\" she said. \"Our people remember 2018.\"";
    let q = run(text, &[person("Q9", "Fatemeh Mohajerani", text, &["Mohajerani"])]);
    assert_eq!(q.len(), 2);
    assert_eq!(speaker(&q[1]), ("Fatemeh Mohajerani", Some("Q9"), "she"));
}

#[test]
fn curly_and_straight_marks() {
    let text = "“The snapback is illegal,” Baghaei said. Rubio said \"the sanctions will stay in place until Iran changes course.\"";
    let q = run(text, &[]);
    assert_eq!(speaker_names(&q), [Some("Baghaei"), Some("Rubio")]);
    assert_eq!(q[1].kind, QuoteKind::Partial);
    let text = "Le ministre a déclaré : « Nous ne négocierons pas sous la pression », a-t-il dit.";
    assert_eq!(only(text, &[]).text, "Nous ne négocierons pas sous la pression");
}

#[test]
fn offsets_are_chars_after_non_ascii() {
    let text = "Türkiye’s Erdoğan met Iran’s Pezeshkian — “Dialogue is the only path forward,” Erdoğan said.";
    let q = only(text, &[person("Q39259", "Recep Tayyip Erdoğan", text, &["Erdoğan"])]);
    assert_eq!(q.text, "Dialogue is the only path forward");
    assert_eq!(q.start, text[..text.find("Dialogue").unwrap_or(0)].chars().count());
    assert_eq!(speaker(&q), ("Recep Tayyip Erdoğan", Some("Q39259"), "Erdoğan"));
    assert_eq!(q.speaker.as_ref().map(|s| s.mention.start), Some(79));
}

#[test]
fn empty_and_markless() {
    assert_no_quotes(&["", "\"\"", "\"", "No quotes here at all."]);
}

#[test]
fn apostrophes_only_no_quote() {
    assert_no_quotes(&[
        "Iran's foreign minister said Washington's demands were 'unacceptable' and that Tehran's position hadn't changed. It's the IAEA's call.",
    ]);
}

#[test]
fn scare_quotes_skipped_unless_reported() {
    assert_no_quotes(&[
        "The so-called \"snapback\" mechanism was triggered by the E3 last month.",
        "The programme was discussed on \"Face the Nation\" with analysts.",
    ]);
    let text = "Khamenei called the US demands \"excessive and outrageous\" in a speech.";
    let q = only(text, &[]);
    assert_eq!((q.kind, q.cue.as_str(), speaker_name(&q)), (QuoteKind::Partial, "called", Some("Khamenei")));
}

#[test]
fn names_someone_was_called_are_quotes() {
    // A calling verb with its object, a coordinated second name, and `as` after a characterising verb.
    let called = run("Raisi calls the negotiators \"cowards\" and \"traitors\" in every speech.", &[]);
    let texts: Vec<&str> = called.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(texts, ["cowards", "traitors"]);
    assert!(called.iter().all(|q| q.kind == QuoteKind::Partial));
    let hailed = only("A Tehran daily hailed Araghchi as \"The Patient Negotiator\" after the round.", &[]);
    assert_eq!((hailed.text.as_str(), hailed.kind), ("The Patient Negotiator", QuoteKind::Partial));
    let pounding = only("Hardliners have been pounding Pezeshkian as a \"sellout\" for weeks.", &[]);
    assert_eq!(pounding.text, "sellout");
    // A naming participle gives a thing its title: nobody's words.
    assert_no_quotes(&["The talks were covered on a programme called \"Iran Today\" every night."]);
}

#[test]
fn a_speech_cue_right_before_a_title_like_quote_governs_it() {
    let q = only("Supporters were shown chanting \"Death to America\" on state television.", &[]);
    assert_eq!((q.text.as_str(), q.cue.as_str()), ("Death to America", "chanting"));
    assert_eq!(q.speaker.as_ref().map(|s| s.mention.text.as_str()), Some("Supporters"));
    // `called` is a cue, but after a noun it names a thing.
    assert_no_quotes(&["A German news site called \"The Local\" cited the ministry's figures."]);
}

#[test]
fn headline_with_byline_is_not_a_quote() {
    assert_no_quotes(&["\"Iran and US agree to hold another round of talks in Oman,\" by Reuters' Parisa Hafezi."]);
}

#[test]
fn abbreviation_does_not_end_the_sentence() {
    let text = "Sen. Lindsey Graham, a Republican from South Carolina, said on Fox News: \"Iran cannot be trusted with a bomb.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Lindsey Graham"));
    let text = "\"No deal is better than a bad deal,\" said Mr. Rubio.";
    assert_eq!(speaker(&only(text, &[])), ("Rubio", None, "Mr. Rubio"));
}

#[test]
fn unattributed_long_quote_kept_without_speaker() {
    let text = "Crowds gathered outside the former US embassy in Tehran on Friday.\n\n\"Death to the enemies of the revolution and of the people.\"";
    let q = only(text, &[]);
    assert!(q.speaker.is_none());
    assert_eq!(q.confidence, 0.0);
}

#[test]
fn unclosed_quote_to_paragraph_end() {
    only("\"We will not negotiate under threats, Pezeshkian said in a speech.\n\nOther text here.", &[]);
}

#[test]
fn bad_entity_offsets_are_ignored() {
    let text = "\"We are close,\" Witkoff said.";
    let mut e = person("x", "X", text, &[]);
    e.mentions.push(Mention { text: "nope".into(), start: 500, end: 900 });
    assert_eq!(speaker_name(&only(text, &[e])), Some("Witkoff"));
}

#[test]
fn nested_quotes_of_another_family_stay_inside() {
    let text = "Baghaei said: \"The so-called “snapback” has no legal basis, and Europe knows it.\"";
    let q = only(text, &[]);
    assert_eq!(q.text, "The so-called “snapback” has no legal basis, and Europe knows it.");
    assert_eq!(speaker_name(&q), Some("Baghaei"));
}

#[test]
fn colon_without_space_and_parenthesis() {
    let text =
        "Sen. Tom Cotton (R-Ark.) told reporters that Iran \"cannot be allowed to enrich at all\" after the talks.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Tom Cotton"));
    let text = "Rep. Joe Wilson (R-S.C.):\"Iran is the world's leading state sponsor of terrorism.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Joe Wilson"));
}

#[test]
fn pronoun_skips_people_named_inside_quotes() {
    let text = "Vance spoke in Washington on Monday.\n\n\"Donald Trump wants a deal, not a war,\" he said.";
    let e =
        [person("Q_vance", "JD Vance", text, &["Vance"]), person("Q22686", "Donald Trump", text, &["Donald Trump"])];
    assert_eq!(speaker(&only(text, &e)), ("JD Vance", Some("Q_vance"), "he"));
}

#[test]
fn organisation_speaker_and_it_pronoun() {
    let text =
        "The IAEA issued a statement on Tuesday. \"Inspectors have not been able to verify the stockpile,\" it said.";
    let e = [ent("Q1142", "International Atomic Energy Agency", EntityType::Org, text, &["IAEA"])];
    assert_eq!(speaker(&only(text, &e)), ("International Atomic Energy Agency", Some("Q1142"), "it"));
    // The place is a possessive inside the phrase: the speaker is the ministry, not Iran.
    let text = "\"We will not accept zero enrichment,\" Iran's foreign ministry said in a statement.";
    let e = [ent("Q794", "Iran", EntityType::Place, text, &["Iran"])];
    assert_eq!(speaker(&only(text, &e)), ("Iran's foreign ministry", None, "Iran's foreign ministry"));
}

#[test]
fn sentence_final_quote_is_not_attributed_to_the_next_sentence() {
    let text =
        "Araghchi said the talks were \"constructive and positive.\" He noted that experts would meet in Geneva.";
    assert_eq!(speaker(&only(text, &[])).2, "Araghchi");
}

#[test]
fn many_quotes_stay_linear() {
    let para = "\"We are ready to talk,\" Araghchi said. Iran's envoy called it \"a fair offer\" in Muscat.\n\n";
    let text = para.repeat(3000);
    let start = std::time::Instant::now();
    let q = QuoteExtractor::new().extract(&text, &[]);
    assert_eq!(q.len(), 6000);
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn entity_mentions_after_multibyte_text() {
    let text = "در تهران — «گفت‌وگو» ادامه دارد. Türkiye’s Hakan Fidan met Abbas Araghchi in İstanbul.\n\n“Dialogue is the only path to a durable agreement,” Araghchi said.";
    let q = run(text, &[person("Q_araghchi", "Abbas Araghchi", text, &["Abbas Araghchi", "Araghchi"])]);
    let (_, id, mention) = speaker(q.last().expect("quote"));
    assert_eq!((id, mention), (Some("Q_araghchi"), "Araghchi"));
}

#[test]
fn arbitrary_input_never_panics() {
    let pieces = [
        "\"",
        "“",
        "”",
        "«",
        "»",
        "„",
        "'",
        "’",
        " ",
        "\n",
        "\n\n",
        "said",
        "Araghchi",
        "he",
        ",",
        ".",
        ":",
        "Sen.",
        "(D-Ill.)",
        "according to",
        "ğ",
        "تهران",
        "🙂",
        "a",
        "the official",
        "who",
        "—",
        "-",
        "Ã\u{83}Â§",
        "\u{301}",
        "Del.",
        "Read",
    ];
    let x = QuoteExtractor::new();
    let step = |seed: u64| seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        seed = step(seed);
        let mut text = String::new();
        for _ in 0..((seed >> 40) % 40) {
            seed = step(seed);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        let n = text.chars().count();
        let s = (seed >> 20) as usize % (n + 2);
        let mut entity = person("e", "E", &text, &[]);
        entity.mentions.push(Mention { text: String::new(), start: s, end: s + 3 });
        let quotes = x.extract(&text, &[entity]);
        check_offsets(&text, &quotes);
    }
}

#[test]
fn a_dash_and_a_name_after_a_quote_sign_it() {
    let text = "Readers wrote in after the talks.\n\n\u{201c}Enrichment is our right.\u{201d} \u{2015} Leila Farahani\n\n\
                \u{201c}Sanctions first.\u{201d} \u{2014} Sen. John Smith (R-Idaho).";
    let quotes = run(text, &[]);
    let names: Vec<_> = quotes.iter().map(speaker_name).collect();
    assert_eq!(names, [Some("Leila Farahani"), Some("John Smith")]);
    // A dash running on into a sentence is not a signature.
    let aside = "\u{201c}Enough,\u{201d} \u{2014} Tehran's answer to the offer \u{2014} came quickly.";
    assert!(run(aside, &[]).iter().all(|q| q.speaker.is_none()), "{:?}", run(aside, &[]));
}

#[test]
fn a_quote_opening_a_sentence_takes_the_speaker_of_the_sentence_before() {
    let text = "The envoys met again in Muscat, Baghaei said. \u{201c}The next round depends on Washington.\u{201d}";
    let q = only(text, &[]);
    assert_eq!(speaker_name(&q), Some("Baghaei"));
}

#[test]
fn transcript_turns_are_attributed_to_their_capitalised_label() {
    let text = "\"HOST: Will you meet him?\n\n\"ARAGHCHI: Not before the sanctions are lifted.\"";
    let names: Vec<_> = run(text, &[]).iter().map(|q| q.speaker.as_ref().map(|s| s.mention.text.clone())).collect();
    assert_eq!(names, [Some("HOST".to_string()), Some("ARAGHCHI".to_string())]);
}

#[test]
fn a_transcripts_stage_directions_are_no_quotes() {
    let text = "\"HOST: Will you meet him?\n\n\"(CROSSTALK.)\n\n\"[Applause]\n\n\"ARAGHCHI: Not before the sanctions \
                are lifted (as we said).\"";
    let texts: Vec<_> = run(text, &[]).into_iter().map(|q| q.text).collect();
    assert_eq!(texts, ["HOST: Will you meet him?", "ARAGHCHI: Not before the sanctions are lifted (as we said)."]);
}

#[test]
fn quotes_nested_in_an_excerpt_set_off_by_straight_marks_stand_on_their_own() {
    // Each excerpt paragraph opens with a straight mark and none closes: an excerpt, not a quote.
    let text = "The agency's report reads:\n\n\"Inspectors found what the engineers called a \u{201c}routine \
                purge\u{201d} of the cascade hall.\n\n\"Nobody at the site explained the missing cameras.\n\n\
                Araghchi rejected the report.\n\n\"Pezeshkian walked onto the stage, chanting \u{201c}No deal!\u{201d}\n\n\
                \u{201c}We will answer,\u{201d} Baghaei said.";
    let found: Vec<_> = run(text, &[]).iter().map(|q| (q.text.clone(), speaker_name(q).map(str::to_owned))).collect();
    let expected = [("routine purge", "the engineers"), ("No deal!", "Pezeshkian"), ("We will answer", "Baghaei")];
    let expected: Vec<_> = expected.iter().map(|(q, s)| (q.to_string(), Some(s.to_string()))).collect();
    assert_eq!(found, expected);
}

#[test]
fn a_follow_prompt_inside_a_transcripts_closing_mark_is_no_quote() {
    let text = "\"HOST: Will you meet him?\n\n\"ARAGHCHI: Not before the sanctions are lifted.\n\n\
                \"Follow Jane Roe on Twitter @janeroe.\"";
    let texts: Vec<_> = run(text, &[]).into_iter().map(|q| q.text).collect();
    assert_eq!(texts, ["HOST: Will you meet him?", "ARAGHCHI: Not before the sanctions are lifted."]);
}

#[test]
fn a_long_apposition_between_the_name_and_the_cue_is_crossed() {
    let text = "\u{201c}We will not be rushed,\u{201d} Abbas Araghchi, the foreign minister who has led every round \
                of the indirect talks since April, said on Sunday.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Abbas Araghchi"));
}

#[test]
fn a_name_introducing_the_quote_beats_a_pronoun_after_it() {
    let text =
        "Witkoff met Araghchi on Sunday. Sen. Jane Roe told him: \u{201c}You gave away too much,\u{201d} she said.";
    let q = only(text, &[]);
    assert_eq!(q.speaker.as_ref().map(|s| s.mention.text.as_str()), Some("Sen. Jane Roe"));
}

#[test]
fn a_name_reporting_the_clause_a_quote_runs_on_in_beats_the_pronoun_after_it() {
    let text = "Roe said the deal mattered because \u{201c}nobody else would sign it,\u{201d} she said.";
    let q = only(text, &[person("Q1", "Jane Roe", text, &["Roe"])]);
    assert_eq!(mention_text(&q), Some("Roe"));
}

#[test]
fn pronoun_resolves_to_the_person_the_sentence_is_about() {
    let text = "Rubio, who spoke with Prime Minister Benjamin Netanyahu on Monday, said talks would go on.\n\n\"We would rather solve this at the table,\" he said.";
    let e = [
        person("Q_rubio", "Marco Rubio", text, &["Rubio"]),
        person("Q_netanyahu", "Benjamin Netanyahu", text, &["Benjamin Netanyahu"]),
    ];
    assert_eq!(speaker(&only(text, &e)), ("Marco Rubio", Some("Q_rubio"), "he"));
}

#[test]
fn definite_roles_and_organisation_nouns_resolve_to_what_they_name() {
    let text = "Araghchi arrived in Geneva on Monday.\n\n\"Europe has chosen to follow Washington,\" the foreign minister told reporters.";
    let e = [person("Q_araghchi", "Abbas Araghchi", text, &["Araghchi"])];
    assert_eq!(speaker(&only(text, &e)), ("Abbas Araghchi", Some("Q_araghchi"), "the foreign minister"));

    let text = "The International Atomic Energy Agency issued its report.\n\n\"This is a matter of serious concern,\" the agency said.";
    let e = [ent(
        "Q_iaea",
        "International Atomic Energy Agency",
        EntityType::Org,
        text,
        &["International Atomic Energy Agency"],
    )];
    assert_eq!(speaker(&only(text, &e)), ("International Atomic Energy Agency", Some("Q_iaea"), "the agency"));

    let text = "Netanyahu's office said in a statement that Israel would \"not be bound by any agreement\" with Iran.";
    let e = [person("Q_netanyahu", "Benjamin Netanyahu", text, &["Netanyahu"])];
    assert_eq!(speaker(&only(text, &e)), ("Benjamin Netanyahu", Some("Q_netanyahu"), "Netanyahu's office"));
}

#[test]
fn his_spokesman_is_not_his_boss() {
    let text = "Trump left for Florida. \"The president is not worried,\" his spokesman said.";
    let e = [person("Q_trump", "Donald Trump", text, &["Trump"])];
    let q = only(text, &e);
    assert_eq!(q.speaker.as_ref().and_then(|s| s.entity_id.as_deref()), None);
}

#[test]
fn a_statement_from_an_organisation_is_the_organisation_speaking() {
    let text = "According to a statement from the Omani Foreign Ministry, both delegations \"expressed their commitment to continue the talks.\"";
    let e = [ent("Q_omfm", "Omani Foreign Ministry", EntityType::Org, text, &["Omani Foreign Ministry"])];
    assert_eq!(speaker(&only(text, &e)), ("Omani Foreign Ministry", Some("Q_omfm"), "Omani Foreign Ministry"));
}

#[test]
fn the_official_is_the_anonymous_official_named_before() {
    let text = "An Iranian official who spoke on condition of anonymity described the offer.\n\n\"We can show flexibility on monitoring,\" the official said.";
    assert_eq!(speaker(&only(text, &[])), ("An Iranian official", None, "the official"));
}

#[test]
fn a_paragraph_may_open_with_a_closing_mark() {
    let text =
        "Grossi spoke after the board met.\n\n\u{201d} \u{2026} what we need is access to every site,\u{201d} he said.";
    let q = only(text, &[]);
    assert!(q.text.starts_with("\u{2026} what we need"), "{}", q.text);
    assert_eq!(q.speaker.as_ref().map(|s| s.mention.text.as_str()), Some("he"));
}

#[test]
fn what_a_speaker_calls_something_is_their_partial_quote() {
    let text = "Tehran rejected what they call Washington\u{2019}s \u{201c}maximum pressure.\u{201d}";
    let q = only(text, &[]);
    assert_eq!((q.kind, q.cue.as_str()), (QuoteKind::Partial, "call"));
}

#[test]
fn a_title_keeps_the_sentence_period_inside_its_marks() {
    assert_no_quotes(&[
        "Vance, who spoke on CBS\u{2019}s \u{201c}Face the Nation.\u{201d}",
        "The plan echoed Gingrich\u{2019}s \u{201c}Contract with America.\u{201d}",
    ]);
}

#[test]
fn paragraphs_that_each_open_a_quote_and_never_close_it_are_not_a_quote() {
    let text = "\"The delegations arrived in Muscat on Saturday.\n\n\"Talks began the next morning at the palace.\n\n\
                Officials declined to comment.";
    assert!(run(text, &[]).is_empty(), "{:?}", run(text, &[]));
}

#[test]
fn a_relative_who_is_the_mention_and_its_antecedent_the_speaker() {
    let text =
        "Araghchi met envoys from Oman, Badr Albusaidi, who declared on Sunday, \u{201c}The gap is narrowing.\u{201d}";
    let q = only(text, &[]);
    let sp = q.speaker.expect("speaker");
    assert_eq!((sp.name.as_str(), sp.mention.text.as_str()), ("Badr Albusaidi", "who"));
}

#[test]
fn a_title_after_the_kind_of_work_is_not_a_quote() {
    assert_no_quotes(&[
        "His escapades were featured in the documentary \u{201c}Weiner.\u{201d}",
        "Grossi recommended the book \u{201c}Atoms for Peace\u{201d} to the envoys.",
    ]);
}

#[test]
fn cues_and_their_weights_are_learned_from_polnear_train() {
    let lexicon = super::lexicon::Lexicon::new();
    // `implied` is in no hand-written list: the learned file makes it a cue.
    let q = only("Araghchi implied that \u{201c}a deal is within reach this month.\u{201d}", &[]);
    assert_eq!((speaker_name(&q), q.cue.as_str()), (Some("Araghchi"), "implied"));
    // `said` is the yardstick; a looser cue is trusted less; a colon is a pattern, not a word.
    assert_eq!(lexicon.cue_reliability("said"), 1.0);
    assert!(lexicon.cue_reliability("called") < lexicon.cue_reliability("told"));
    assert!(lexicon.cue_reliability("called") >= 0.75);
    assert_eq!(lexicon.cue_reliability(":"), 1.0);
}

#[test]
fn a_quoted_title_inside_the_speakers_aside_does_not_hide_the_speaker() {
    let text = "Rubio, appearing on CBS\u{2019}s \u{201c}Face the Nation\u{201d} on Sunday, said Washington would not \
                accept \u{201c}a bad deal dressed up as a good one.\u{201d}";
    let quotes = run(text, &[]);
    let last = quotes.last().expect("the partial quote");
    assert_eq!((last.text.as_str(), speaker_name(last)), ("a bad deal dressed up as a good one.", Some("Rubio")));
}

#[test]
fn a_descriptor_with_a_participle_phrase_is_one_speaker() {
    let text = "\u{201c}We are closer than ever,\u{201d} a Western diplomat involved in the talks said.";
    let q = only(text, &[]);
    assert_eq!(q.speaker.map(|s| s.mention.text), Some("a Western diplomat involved in the talks".to_string()));
}

#[test]
fn a_cue_word_after_a_hyphenated_modifier_is_a_noun() {
    let text = "Araghchi says Washington\u{2019}s late-night tweets were \u{201c}not serious diplomacy.\u{201d}";
    assert_eq!(speaker_name(&only(text, &[])), Some("Araghchi"));
}

#[test]
fn an_inverted_cue_paragraph_introduces_the_quote_after_it() {
    let text = "Said Baghaei:\n\n\u{201c}The ball is in Washington\u{2019}s court now.\u{201d}";
    assert_eq!(speaker_name(&only(text, &[])), Some("Baghaei"));
}

#[test]
fn a_passive_participle_in_an_aside_is_no_cue() {
    let text = "Baghaei, in a statement released by the ministry on Thursday, said Tehran \u{201c}will not negotiate \
                under threat.\u{201d}";
    assert_eq!(speaker_name(&only(text, &[])), Some("Baghaei"));
}

#[test]
fn an_advert_speaks_through_a_relative_clause() {
    let text = "One pro-Israel group\u{2019}s ad, which is airing in Ohio, argues that \u{201c}no deal is better than \
                this deal.\u{201d}";
    let q = only(text, &[]);
    assert!(q.speaker.as_ref().is_some_and(|s| s.mention.text.ends_with("ad")), "{:?}", q.speaker);
}

#[test]
fn a_participle_cue_in_the_sentence_before_gives_its_clause_subject() {
    let text = "Vance ended the briefing by saying the offer stands.  \u{201c}We will wait for Tehran\u{2019}s answer.\u{201d}";
    assert_eq!(speaker_name(&only(text, &[])), Some("Vance"));
}

fn mention_text(q: &Quote) -> Option<&str> {
    q.speaker.as_ref().map(|s| s.mention.text.as_str())
}

#[test]
fn a_pronoun_in_a_relative_clause_is_mentioned_by_the_sentence_subject() {
    let text = "Secretary General Ban Ki-moon condemned what he called a \"brazen breach\" of the resolutions.";
    let q = only(text, &[person("Q1", "Ban Ki-moon", text, &["Ban Ki-moon"])]);
    assert_eq!((speaker_name(&q), mention_text(&q)), (Some("Ban Ki-moon"), Some("Ban Ki-moon")));
    // Another subject than the pronoun's person keeps the pronoun.
    let text = "Araghchi arrived in Geneva.\n\nThe envoys rejected what he called a \"fair offer\" on Monday.";
    let q = only(text, &[]);
    assert_eq!(mention_text(&q), Some("he"));
}

#[test]
fn a_sentence_opening_participle_is_no_clause_subject() {
    let text = "Flying home that night, she vented to her husband that the merger would be \"incredibly ugly.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("she"));
    // A name the entity stage found there stays the subject.
    let text = "Manning then vented to her husband that the merger would be \"incredibly ugly.\"";
    let q = only(text, &[person("Q1", "Chelsea Manning", text, &["Manning"])]);
    assert_eq!(mention_text(&q), Some("Manning"));
}

#[test]
fn as_x_put_it_names_the_speaker_after_the_quote() {
    let q = only("The main test is a \"lawful source of investment income,\" as a Homeland Security memo put it.", &[]);
    assert_eq!(mention_text(&q), Some("a Homeland Security memo"));
}

#[test]
fn an_article_and_a_name_before_a_cue_word_make_it_a_noun() {
    let q =
        only("Hillary Clinton is describing as \"unhinged\" a Donald Trump tweet attacking a former official.", &[]);
    assert_eq!(mention_text(&q), Some("Hillary Clinton"));
}

#[test]
fn footage_of_a_person_saying_credits_that_person() {
    let text = "The spot ends with footage of Trump saying last week, \"That makes me smart,\" in the debate.";
    assert_eq!(mention_text(&only(text, &[])), Some("Trump"));
}

#[test]
fn an_apposition_of_any_length_after_the_quote_leads_to_its_cue() {
    let text = "\"Nothing we could do now would make a difference,\" Fred Kagan, director of the Critical Threats \
        Project at the American Enterprise Institute, said in an interview.";
    assert_eq!(mention_text(&only(text, &[])), Some("Fred Kagan"));
}

#[test]
fn an_aside_opened_by_a_participle_cue_sits_between_speaker_and_cue() {
    let text =
        "Judge David McKeague, writing for the majority, said the early voting period \"is really quite generous.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Judge David McKeague"));
}

#[test]
fn a_preposition_inside_a_name_or_after_a_role_stays_in_the_speaker_phrase() {
    let text =
        "The Council on Foreign Relations Director Jane Roe says in a statement that the \"talks have stalled.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("The Council on Foreign Relations Director Jane Roe"));
    let text = "\"Why didn't he pay?\" a narrator in the campaign ad asks.";
    assert_eq!(mention_text(&only(text, &[])), Some("a narrator in the campaign ad"));
}

#[test]
fn shouting_and_singing_are_speech() {
    let q = only("\"Did you shoot him? He better not be dead,\" she yells while running along the street.", &[]);
    assert_eq!(q.cue, "yells");
    assert_eq!(mention_text(&q), Some("she"));
}

#[test]
fn a_speech_noun_owned_by_a_possessive_names_the_speaker() {
    let text = "Madeleine Albright arrived late.\n\nThe crowd cheered her remark that \"there is a special place \
        in hell for negotiators who walk out.\"";
    let q = only(text, &[person("Q1", "Madeleine Albright", text, &["Madeleine Albright"])]);
    assert_eq!((speaker_name(&q), mention_text(&q)), (Some("Madeleine Albright"), Some("her")));
    let text = "Analysts checked Donald Trump's claim that there were \"thousands of centrifuges\" at the site.";
    assert_eq!(mention_text(&only(text, &[])), Some("Donald Trump's"));
}

#[test]
fn a_paragraph_ending_in_a_colon_introduces_the_quotes_after_it() {
    let text = "Blackwell backed Cruz.\n\nHe then listed the qualities a nominee needs:\n\n\"Has the candidate \
        a record of leadership?\n\n\"Will the candidate melt when the heat is on?\"";
    let quotes = run(text, &[person("Q1", "Morton Blackwell", text, &["Blackwell"])]);
    assert_eq!(quotes.len(), 2, "{quotes:?}");
    for q in &quotes {
        assert_eq!((speaker_name(q), mention_text(q)), (Some("Morton Blackwell"), Some("He")));
    }
}

#[test]
fn a_dateline_is_never_the_speaker() {
    let text = "WASHINGTON, Dec. 8 (UPI) — Asked about the talks, the envoy's deputy rallied supporters, saying: \
        \"We have to be ready.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("the envoy's deputy"));
    let text = "TEHRAN — Speaking on state television, Araghchi said \"the ball is in Washington's court.\"";
    let q = only(text, &[person("Q1", "Abbas Araghchi", text, &["Araghchi"])]);
    assert_eq!(speaker_name(&q), Some("Abbas Araghchi"));
}

#[test]
fn a_speaker_and_cue_closing_the_sentence_attribute_a_quote_far_before_them() {
    let text = "The envoy has been \"arbitrarily detained\" by the authorities since December, and should be freed \
        and compensated, the rights group says.";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("says", Some("the rights group")));
}

#[test]
fn a_sentence_adverb_is_no_speaker_and_it_before_a_past_verb_is_a_subject() {
    let text = "The newspaper endorsed the deal.\n\nMeanwhile, it attacked the critics, saying they \"have \
        offered nothing but slogans.\"";
    let q = only(text, &[]);
    assert_eq!(mention_text(&q), Some("it"));
}

#[test]
fn a_participle_after_a_comma_takes_the_nearest_clause_subject() {
    let text = "Speaking at a town hall in Salem, New Hampshire, Trump went after Bush, calling him \"a total stiff.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Trump"));
    let text =
        "\"Absolutely not. Absolutely not,\" Clinton responded, remarking that she is \"looking for a team\" now.";
    let quotes = run(text, &[]);
    assert_eq!(quotes.iter().map(mention_text).collect::<Vec<_>>(), vec![Some("Clinton"), Some("Clinton")]);
}

#[test]
fn a_time_phrase_opening_the_sentence_is_no_subject() {
    let text = "Eight years ago, he supported Obama over Clinton and said, \"Clinton has never done anything for us.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("he"));
}

#[test]
fn lowercase_roles_between_a_modifier_and_a_name_stay_in_the_phrase() {
    let text = "Republican presidential hopeful Sen. Ted Cruz was critical of the deal, telling reporters: \"It is a \
        disaster for our allies.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Ted Cruz"));
}

#[test]
fn speaking_on_condition_of_anonymity_is_no_cue() {
    let text = "An Iranian official who spoke on condition of anonymity told Reuters that Tehran would accept \
        \"more intrusive inspections\" if sanctions were lifted.";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("told", Some("An Iranian official")));
}

#[test]
fn a_number_with_a_slash_stays_in_the_speaker_phrase() {
    let text = "\"The rationales do not hold. They are 100 percent wrong,\" said 9/11 widow Terry Strada.";
    assert_eq!(mention_text(&only(text, &[])), Some("9/11 widow Terry Strada"));
}

#[test]
fn an_aside_between_subject_and_verb_keeps_the_subject() {
    let text = "Araghchi, who leads Iran's delegation, also rejected the proposal, noting that Tehran had \
        \"sacrificed nothing\" of its rights.";
    assert_eq!(mention_text(&only(text, &[])), Some("Araghchi"));
    let text = "Vance, however, countered that the offer was \"not serious\" in a briefing.";
    assert_eq!(mention_text(&only(text, &[])), Some("Vance"));
}

#[test]
fn a_dash_opens_the_clause_whose_subject_speaks() {
    let text = "Muscat (AFP) – Omani Foreign Minister Badr Albusaidi has urged both sides to return to the table, saying \
        that \"bombastic comments\" do more harm than good.";
    assert_eq!(mention_text(&only(text, &[])), Some("Omani Foreign Minister Badr Albusaidi"));
}

#[test]
fn a_past_form_after_a_hyphenated_word_is_a_cue() {
    let text = "\"Sanctions relief comes first,\" a Khamenei look-alike declared at the rally.";
    assert_eq!(mention_text(&only(text, &[])), Some("a Khamenei look-alike"));
}

#[test]
fn campaign_roles_are_descriptors() {
    let text = "\"Will he be the next envoy?\" a Democratic staffer in the room wondered.";
    assert_eq!(mention_text(&only(text, &[])), Some("a Democratic staffer in the room"));
    let text = "\"The deal is on track,\" Democratic strategist Simon Rosenberg said.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Simon Rosenberg"));
}

#[test]
fn a_title_with_a_preposition_is_one_speaker_phrase() {
    let text = "The senator from Connecticut said the interim deal was \"a gift to Tehran.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("The senator from Connecticut"));
}

#[test]
fn a_naming_participle_after_a_noun_is_no_cue() {
    let text = "But Ali Vaez, at a research group called Crisis Group, argues that as talks drag on, \"the window \
        for a deal is closing,\" too.";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("argues", Some("Ali Vaez")));
}

#[test]
fn a_participle_finds_the_subject_after_a_sentence_opener() {
    let text = "Then came another post about the talks. And then Netanyahu went fully on the attack, saying, \
        \"Is Washington going to finally say the word?\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("saying", Some("Netanyahu")));
}

#[test]
fn a_cue_joined_by_and_or_but_shares_the_clause_subject() {
    let text = "Araghchi met Witkoff for three hours in Muscat but later warned that \"nothing is agreed.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("warned", Some("Araghchi")));
    let text = "Republican presidential front-runner Donald Trump visited Ohio and said the deal was \"a disaster.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), speaker_name(&q)), ("said", Some("Donald Trump")));
}

#[test]
fn anonymous_sources_familiar_with_or_close_to_something() {
    let text = "A source close to the Iranian delegation told Reuters: \"There is no deal yet.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("told", Some("A source close to the Iranian delegation")));
    let text = "Sources familiar with the matter said the offer was \"final.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("said", Some("Sources familiar with the matter")));
}

#[test]
fn a_spokesman_for_someone_is_not_that_someone() {
    let text = "A spokesman for Araghchi said the proposal was \"unacceptable.\"";
    let q = only(text, &[person("Q1", "Abbas Araghchi", text, &["Araghchi"])]);
    assert_eq!(
        (speaker_name(&q), mention_text(&q)),
        (Some("A spokesman for Araghchi"), Some("A spokesman for Araghchi"))
    );
    let text = "The foreign minister of Iran, Abbas Araghchi, said the proposal was \"unacceptable.\"";
    let q = only(text, &[person("Q1", "Abbas Araghchi", text, &["Abbas Araghchi"])]);
    assert_eq!(speaker_name(&q), Some("Abbas Araghchi"));
}

#[test]
fn quoted_as_saying_credits_the_one_quoted() {
    let text = "Iranian state media quoted Araghchi as saying the talks were \"serious.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("saying", Some("Araghchi")));
}

#[test]
fn a_mission_to_an_organisation_is_the_speaker() {
    let text = "Iran's mission to the United Nations said in a post on X that the talks were \"constructive.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Iran's mission to the United Nations"));
}

#[test]
fn a_pronoun_reported_by_its_antecedent_credits_the_reporter() {
    let entities = |text: &str| [person("Q1", "Loretta Lynch", text, &["Lynch"])];
    let text = "Lynch said she recalled thinking, \"This is what people have talked about.\"";
    assert_eq!(mention_text(&only(text, &entities(text))), Some("Lynch"));
    let text = "Lynch said that she was \"confused\" by the question.";
    assert_eq!(mention_text(&only(text, &entities(text))), Some("Lynch"));
}

#[test]
fn a_pronoun_in_the_clause_its_subject_governs_credits_the_subject() {
    let entities = |text: &str| [person("Q1", "Lindsey Graham", text, &["Graham"])];
    let text = "Graham assures his audience he will tell the \"bigots\" to back off.";
    assert_eq!(mention_text(&only(text, &entities(text))), Some("Graham"));
    // A conjunction opens another clause, whose own subject the pronoun is.
    let text = "Graham spoke for an hour, but he told the \"bigots\" to back off.";
    assert_eq!(mention_text(&only(text, &entities(text))), Some("he"));
}

#[test]
fn a_later_quote_attributed_on_its_right_outranks_a_bare_clause_subject() {
    let text = "Tariffs are \"the worst possible tax\" and \"a gift to our rivals,\" Jane Roe said on Monday.";
    let q = run(text, &[]);
    assert_eq!(q.iter().map(mention_text).collect::<Vec<_>>(), [Some("Jane Roe"); 2]);
}

/// PolNeAR credits relayed words to the outer source (the outlet); a reader following the talks
/// wants the person who said them, so talkwire keeps the speaker and leaves the outlet out.
#[test]
fn words_relayed_by_an_outlet_stay_with_their_speaker() {
    let text = "\"We will win this,\" Roe said, according to CNN.";
    assert_eq!(mention_text(&only(text, &[])), Some("Roe"));
}

#[test]
fn a_cue_inside_a_relative_aside_leaves_the_main_cue_to_the_subject() {
    let text = "Graham, who says allies should send troops, tweeted that the plan \"will not destroy ISIL.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Graham"));
}

#[test]
fn with_a_name_and_a_participle_names_the_speaker() {
    let text = "Democrats were irritated by the plan, with Sen. Jane Roe calling it a \"Chinese menu.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Jane Roe"));
    let text = "Republicans defended the strikes, with Roe recently promising to \"finish the job.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Roe"));
}

#[test]
fn an_aside_between_dashes_stands_between_the_speaker_and_the_cue() {
    let text = "Jane Roe \u{2014} a teacher from Mount Pleasant \u{2014} says the endorsement was \"a big deal.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Jane Roe"));
    let text = "Jane Roe -- who lost the 2008 race -- said the plan \"offered no changes.\"";
    assert_eq!(speaker_name(&only(text, &[])), Some("Jane Roe"));
}

#[test]
fn present_tense_cues_are_cues() {
    let text = "\"It depends on you,\" Stevens says, but she cautions that she sees \"two different sides to it.\"";
    let q = run(text, &[]);
    assert_eq!(q.iter().map(mention_text).collect::<Vec<_>>(), [Some("Stevens"), Some("she")]);
    assert_eq!(q[1].cue, "cautions");
}

#[test]
fn a_role_opening_the_sentence_takes_what_it_belongs_to() {
    let text = "Leaders of the group have said they want \"a fair hearing for everyone.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Leaders of the group"));
}

#[test]
fn a_share_of_respondents_speaks_for_them() {
    let text = "This doubt was reflected in the poll, in which 21 percent said \"not too likely.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("21 percent"));
}

#[test]
fn a_quote_between_a_possessive_and_a_speech_noun_is_the_owners() {
    let text = "Unions never forgot Obama's \"if you like your plan, you can keep it\" promise.";
    let q = only(text, &[]);
    assert_eq!((mention_text(&q), q.cue.as_str()), (Some("Obama's"), "promise"));
}

#[test]
fn offered_to_is_an_action_so_the_reporter_speaks() {
    let text =
        "Two diplomats familiar with the talks said Iran had offered to \"pause enrichment for a limited period.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), mention_text(&q)), ("said", Some("Two diplomats familiar with the talks")));
}

#[test]
fn a_short_quote_right_after_its_cue_is_speech_not_a_title() {
    let text = "She ran to the car and repeatedly says, \"Don't you do it,\" until the shots.";
    assert_eq!(mention_text(&only(text, &[])), Some("She"));
    let text = "Asked about the deadline, Roe said, \"We'll see.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Roe"));
}

#[test]
fn a_one_word_scare_quote_needs_a_cue() {
    assert_no_quotes(&["Markets barely reacted to the latest \"breakthrough\" headlines from Muscat."]);
}

#[test]
fn a_parenthesis_between_subject_and_verb_keeps_the_subject() {
    let text = "In a statement, Rep. Joe Wilson (R-S.C.) reacted to the news, saying: \"Tehran cannot be trusted.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), speaker_name(&q)), ("saying", Some("Joe Wilson")));
    let text = "Sen. Susan Collins (Maine) praised the deal, calling it \"a step forward.\"";
    let q = only(text, &[]);
    assert_eq!((q.cue.as_str(), speaker_name(&q)), ("calling", Some("Susan Collins")));
}

#[test]
fn a_role_with_its_country_names_the_holder_the_entity_data_gives() {
    let offices = [
        office("president", "place:iran", "person:masoud-pezeshkian", "Masoud Pezeshkian"),
        office("president", "place:united-states", "person:donald-trump", "Donald Trump"),
        office("vice president", "place:united-states", "person:jd-vance", "JD Vance"),
    ];
    let extractor = QuoteExtractor::new().with_offices(&offices);
    let text = "Pezeshkian met Trump's envoy. Later, Iran's president said the talks were \"a test of goodwill.\"";
    let entities = [
        person("person:masoud-pezeshkian", "Masoud Pezeshkian", text, &["Pezeshkian"]),
        ent("place:iran", "Iran", EntityType::Place, text, &["Iran"]),
        person("person:donald-trump", "Donald Trump", text, &["Trump"]),
    ];
    let q = &extractor.extract(text, &entities)[0];
    assert_eq!(q.speaker.as_ref().and_then(|s| s.entity_id.as_deref()), Some("person:masoud-pezeshkian"));
    assert_eq!(mention_text(q), Some("Iran's president"));
    // A holder the article never mentions is not named (`entity_id` must be one of its entities),
    // and the role does not fall to the last person named either.
    let text = "Trump spoke on Monday. Iran's president said the talks were \"a test of goodwill.\"";
    let entities = [
        person("person:donald-trump", "Donald Trump", text, &["Trump"]),
        ent("place:iran", "Iran", EntityType::Place, text, &["Iran"]),
    ];
    let q = &extractor.extract(text, &entities)[0];
    let speaker = q.speaker.as_ref().map(|s| (s.name.as_str(), s.entity_id.as_deref()));
    assert_eq!(speaker, Some(("Iran's president", None)));
}

#[test]
fn a_bare_role_names_the_holder_of_that_office_in_the_article() {
    let offices = [
        office("foreign minister", "place:iran", "person:abbas-araghchi", "Abbas Araghchi"),
        office("foreign minister", "place:oman", "person:badr-albusaidi", "Badr Albusaidi"),
        office("special envoy", "place:united-states", "person:steve-witkoff", "Steve Witkoff"),
    ];
    let extractor = QuoteExtractor::new().with_offices(&offices);
    let speaker_of = |text: &str, people: &[(&str, &str, &str)]| {
        let entities: Vec<Entity> = people.iter().map(|(id, name, word)| person(id, name, text, &[word])).collect();
        extractor.extract(text, &entities)[0].speaker.as_ref().map(|s| s.name.clone())
    };
    let witkoff = ("person:steve-witkoff", "Steve Witkoff", "Witkoff");
    let araghchi = ("person:abbas-araghchi", "Abbas Araghchi", "Araghchi");
    let albusaidi = ("person:badr-albusaidi", "Badr Albusaidi", "Albusaidi");
    // The sentence's subject is not the foreign minister; the entity data says who is.
    let text = "Witkoff met Araghchi in Muscat on Sunday. The foreign minister later said the talks were \"useful.\"";
    assert_eq!(speaker_of(text, &[witkoff, araghchi]).as_deref(), Some("Abbas Araghchi"));
    // Two foreign ministers: never the envoy.
    let text = "Witkoff met Araghchi and Albusaidi. The foreign minister later said the talks were \"useful.\"";
    assert_eq!(speaker_of(text, &[witkoff, araghchi, albusaidi]).as_deref(), Some("Badr Albusaidi"));
}

#[test]
fn a_nickname_in_marks_is_part_of_the_name_not_a_quote() {
    let text = "\"This is a big year for the talks!\" Araghchi's deputy, state Del. Majid \"Mo\" Takht-Ravanchi \
                (D-Tehran), shouted to the crowd. \"The world is watching Oman.\"";
    let quotes = run(text, &[]);
    let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(texts, ["This is a big year for the talks!", "The world is watching Oman."]);
    for q in &quotes {
        assert_eq!(mention_text(q), Some("Araghchi's deputy, state Del. Majid \"Mo\" Takht-Ravanchi"));
    }
    // A headline's capitalised words around marks are no name.
    let text = "Maria Hinojosa Explained Why She Felt \"Invisible\" As A Child, she said.";
    assert_eq!(run(text, &[])[0].text, "Invisible");
}

#[test]
fn a_name_before_of_is_the_speaker_not_the_place_after_it() {
    let text = "\"The talks are a waste of time,\" said Del. Stacey Plaskett of the Virgin Islands.";
    let entities = [ent("place:virgin-islands", "Virgin Islands", EntityType::Place, text, &["Virgin Islands"])];
    assert_eq!(speaker_name(&only(text, &entities)), Some("Stacey Plaskett"));
    // After a title, `of` belongs to the title.
    let text = "\"We are close,\" said Secretary of State Marco Rubio.";
    let entities = [person("person:marco-rubio", "Marco Rubio", text, &["Marco Rubio"])];
    assert_eq!(speaker_name(&only(text, &entities)), Some("Marco Rubio"));
}

#[test]
fn a_capitalised_cue_word_inside_a_sentence_is_a_name() {
    let text = "\"We believe this deal is a great deal for Tehran,\" Read said.";
    assert_eq!(mention_text(&only(text, &[])), Some("Read"));
}

#[test]
fn mojibake_and_decomposed_accents_do_not_split_a_name() {
    let text =
        "\"Europe must be able to defend itself,\" French President Fran\u{c3}\u{83}\u{c2}\u{a7}ois Hollande said.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Fran\u{c3}\u{83}\u{c2}\u{a7}ois Hollande"));
    let text = "\"Europe must be able to defend itself,\" French President Franc\u{327}ois Hollande said.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Franc\u{327}ois Hollande"));
}

#[test]
fn a_named_owners_someone_is_a_clause_subject() {
    let text = "In response, Araghchi's deputy rallied supporters, saying: \"We have to be ready to stop him.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Araghchi's deputy"));
}

#[test]
fn a_speaker_may_open_a_parenthesis() {
    let text =
        "Few recognise it (Raphael Lemkin, who coined the word genocide, once said, \"It happened so many times\").";
    assert_eq!(mention_text(&only(text, &[])), Some("Raphael Lemkin"));
}

#[test]
fn a_scolding_names_its_speaker_before_the_pronoun_after_it() {
    let text = "Sen. Claire McCaskill (D-Mo.) scolded him: \"The scientific community is against you,\" she said.";
    assert_eq!(mention_text(&only(text, &[])), Some("Sen. Claire McCaskill"));
}

#[test]
fn a_one_word_title_does_not_cut_off_the_speaker_before_it() {
    let text = "Sen. Bernie Sanders (I-Vt.) visited NBC’s “Today” to discuss his recent remarks about his rival, \
                Hillary Clinton, saying “on her worst day” she’d be “an infinitely better president” than any of the \
                Republican 2016 hopefuls.";
    let quotes: Vec<Quote> = run(text, &[]).into_iter().filter(|q| q.text != "Today").collect();
    assert_eq!(speaker_names(&quotes), [Some("Bernie Sanders"), Some("Bernie Sanders")]);
}

#[test]
fn a_dash_and_a_name_on_the_next_line_sign_a_quote_paragraph() {
    let text =
        "Fact check.\n\n\"We are close to a deal on enrichment.\"\n\n- Abbas Araghchi.\n\nThe minister is wrong.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Abbas Araghchi"));
    // An agency's credit line after a sentence holding a quote signs nothing.
    let text = "The envoy called the offer \"a serious proposal for a deal.\"\n\n- Reuters.";
    assert_eq!(speaker_name(&only(text, &[])), Some("The envoy"));
    // A quote closing the text, or followed by empty lines, has no line after it.
    for text in ["\"We are close to a deal on enrichment.\"", "\"We are close to a deal on enrichment.\"\n\n"] {
        assert_eq!(speaker_name(&only(text, &[])), None);
    }
}

#[test]
fn a_title_in_marks_inside_an_aside_does_not_cut_off_the_cue() {
    let text = "“We’ve had better rounds than this one,” Iranian delegate Ali Bagheri, wearing a “Team Melli” \
                scarf, said after the talks.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Ali Bagheri"));
}

#[test]
fn us_in_capitals_is_the_country_not_the_pronoun() {
    let text = "“The talks are over!” US Senator Jeff Sessions said as he left the room.";
    assert_eq!(speaker_name(&only(text, &[])), Some("Jeff Sessions"));
}

#[test]
fn a_time_phrase_may_stand_between_a_subject_and_its_verb() {
    let text =
        "Araghchi on Thursday stepped up his attacks on the envoy, saying he is \"weak on enrichment, you know that.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Araghchi"));
}

#[test]
fn present_tense_cues_after_a_plural_subject() {
    let text = "\"The attacks on the envoy show that many oppose any deal,\" they conclude.";
    assert_eq!(mention_text(&only(text, &[])), Some("they"));
}

#[test]
fn a_year_may_stand_between_an_owner_and_a_title() {
    assert_no_quotes(&[
        "Republicans led the way, as shown by Newt Gingrich's inclusion of it in his 1994 \"Contract with America.\"",
    ]);
}

#[test]
fn it_or_they_in_a_relative_clause_stand_for_a_group_subject() {
    let text = "Iran's foreign ministry is seeking to contrast its approach with what they call Washington's \
                \"maximalist demands.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("Iran's foreign ministry"));
}

#[test]
fn a_counted_crowd_speaks_as_the_subject_of_its_clause() {
    let cases = [
        ("About 200 protesters chanted \"Death to America.\"", "About 200 protesters"),
        ("About 200 protesters gathered outside the embassy, chanting \"No deal.\"", "About 200 protesters"),
        ("Hundreds of students marched, shouting \"We want peace.\"", "Hundreds of students"),
        ("Some of the protesters marched, chanting \"No deal.\"", "Some of the protesters"),
        ("In Tehran, nearly 300 demonstrators rallied, chanting \"No deal.\"", "nearly 300 demonstrators"),
        ("200 protesters marched, chanting \"No deal.\"", "200 protesters"),
        ("Later, thousands rallied, chanting \"No deal.\"", "thousands"),
        // A plural descriptor needs no determiner; a sentence-opening preposition is no subject.
        ("Outside, demonstrators rallied, chanting \"No deal.\"", "demonstrators"),
        ("Outside the embassy, protesters rallied, chanting \"No deal.\"", "protesters"),
        (
            "One operative inside Trump Tower tried to downplay the comments, saying they were \"no big deal.\"",
            "One operative inside Trump Tower",
        ),
    ];
    for (text, speaker) in cases {
        assert_eq!(mention_text(&only(text, &[])), Some(speaker), "{text}");
    }
    // A preposition before a number still takes its phrase out of the subject's place.
    let text = "Within 200 yards, police said \"stay back.\"";
    assert_eq!(mention_text(&only(text, &[])), Some("police"));
}

#[test]
fn an_embedded_post_is_a_direct_quote_of_its_author() {
    let text = "Iran's foreign minister answered on social media.\n\n\u{201c}Talks with the E3 will resume in Geneva \
                next week. Diplomacy is the only way.\u{201d}\n\n\u{2014} Abbas Araghchi (@araghchi) November 18, 2025\n\n\
                Washington did not respond.";
    let araghchi = person("Q1", "Abbas Araghchi", text, &["Abbas Araghchi"]);
    let quotes = run(text, &[araghchi]);
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    let q = &quotes[0];
    assert_eq!(q.text, "Talks with the E3 will resume in Geneva next week. Diplomacy is the only way.");
    assert_eq!((q.kind, q.cue.as_str()), (QuoteKind::Direct, "posted"));
    let speaker = q.speaker.as_ref().expect("speaker");
    assert_eq!((speaker.name.as_str(), speaker.entity_id.as_deref()), ("Abbas Araghchi", Some("Q1")));
    assert_eq!(speaker.mention.text, "Abbas Araghchi");
    // Emoji in a display name are not the name.
    let text = "We will not negotiate under pressure.\n\n\u{2014} Esmaeil Baghaei \u{1F1EE}\u{1F1F7} (@IRIMFA_SPOX) Nov 3, 2025";
    let speaker = run(text, &[]).remove(0).speaker.expect("speaker");
    assert_eq!(speaker.mention.text, "Esmaeil Baghaei");
    // A dash line without a handle and a date is prose.
    let text = "The envoy left.\n\n\u{2014} Abbas Araghchi, in Geneva";
    assert!(run(text, &[]).is_empty());
}

#[test]
fn a_speaker_named_before_the_quote_beats_the_outlet_relaying_it() {
    // The outlet that closes the sentence only relays what the speaker named before the quote said.
    let cases = [
        (
            "Leila Farahani, a senior aide to the speaker, said on Tuesday that parliament would \"never accept\" \
             new limits, according to the Fars news agency.",
            "Leila Farahani",
        ),
        (
            "Mehdi Karroubi told a local paper in Qom that the offer was \"a trap for fools,\" state television reported.",
            "Mehdi Karroubi",
        ),
        (
            "Deputy minister Omid Rahbar said the inspectors would be \"welcome at any site\" once the deal was signed, \
             the ISNA agency reported on Friday.",
            "Omid Rahbar",
        ),
        ("Rahbar added that Tehran expects \"concrete steps\" first, the agency said.", "Rahbar"),
    ];
    for (text, name) in cases {
        let q = only(text, &[]);
        assert_eq!(speaker_name(&q), Some(name), "{text}");
    }
}

#[test]
fn a_pronoun_after_a_sentence_about_an_office_holder_is_that_holder() {
    // Someone else is named earlier in the paragraph; the sentence opened by the role is more recent.
    let text = "Interior Minister Salim Haddad briefed reporters on Monday. The country's president later \
                admitted that the rollout had failed. \"We owe our citizens an apology,\" he wrote on X.";
    let entities = [person("person:salim-haddad", "Salim Haddad", text, &["Salim Haddad"])];
    let q = only(text, &entities);
    assert_eq!(speaker(&q), ("The country's president", None, "he"));
    // The same with the role written with its country: the holder the entity data names.
    let offices = [office("president", "place:iran", "person:masoud-pezeshkian", "Masoud Pezeshkian")];
    let extractor = QuoteExtractor::new().with_offices(&offices);
    let text = "Pezeshkian toured Mashhad last week. On Sunday, Araghchi met the envoys in Muscat. The Iranian \
                president then conceded that talks had stalled. \"We will not give up,\" he said in a speech.";
    let entities = [
        person("person:masoud-pezeshkian", "Masoud Pezeshkian", text, &["Pezeshkian"]),
        person("person:abbas-araghchi", "Abbas Araghchi", text, &["Araghchi"]),
        ent("place:iran", "Iran", EntityType::Place, text, &["Iran"]),
    ];
    let q = &extractor.extract(text, &entities)[0];
    let sp = q.speaker.as_ref().expect("speaker");
    assert_eq!((sp.entity_id.as_deref(), sp.mention.text.as_str()), (Some("person:masoud-pezeshkian"), "he"));
    // A person named after the role's sentence is the more recent antecedent.
    let text = "The prime minister later admitted that the plan had failed. Finance chief Ana Duarte agreed. \
                \"It was a mistake,\" she told the radio.";
    let entities = [person("person:ana-duarte", "Ana Duarte", text, &["Ana Duarte"])];
    assert_eq!(speaker_name(&only(text, &entities)), Some("Ana Duarte"));
}
