#!/usr/bin/env python3
"""Generate config/entities/countries.toml for talkwire's entity recogniser.

Sources:
  * Debian's iso-codes package (ISO 3166-1), normally at
    /usr/share/iso-codes/json/iso_3166-1.json (`apt-get install iso-codes`);
  * optionally, the ISC-licensed npm package @rapideditor/country-coder
    (src/data/borders.json) for Wikidata QIDs: `npm pack @rapideditor/country-coder`,
    unpack, and pass --borders package/src/data/borders.json. Without it, every
    `wikidata` is left out (we never type QIDs by hand);
  * optionally, the npm package world-countries (data under ODbL-1.0, see
    config/entities/README.md) for the English demonym of every independent country
    and the capitals: `npm pack world-countries`, unpack, and pass
    --world package/countries.json. Capitals go to config/entities/capitals.toml
    (--capitals-out); a capital that domain.toml already lists is left to domain.toml.

Curated additions (common names, demonyms, codes that are unambiguous as
uppercase tokens) live in EXTRA below. Run:

    python3 scripts/gen-countries.py [--iso FILE] [--borders FILE] [--world FILE \
        --capitals-out config/entities/capitals.toml] > config/entities/countries.toml
"""

import argparse
import json
import re
import sys
import tomllib
import unicodedata

# alpha_2 -> curated additions.
#   name:     canonical name override
#   aliases:  extra names (matched case-insensitively, capitalised as written)
#   exact:    acronyms matched only with exactly this capitalisation (dots ignored)
#   demonyms: adjectives / nationals that point to the country
#   id:       id slug override
EXTRA = {
    "IR": {"aliases": ["Islamic Republic", "Persia"], "demonyms": ["Iranian", "Iranians"]},
    "US": {
        "aliases": ["United States of America", "America"],
        "exact": ["US", "U.S.", "USA", "U.S.A."],
        "demonyms": ["American", "Americans"],
    },
    "GB": {
        "aliases": ["Britain", "Great Britain"],
        "exact": ["UK", "U.K."],
        "demonyms": ["British", "Briton", "Britons"],
    },
    "IL": {"demonyms": ["Israeli", "Israelis"]},
    "OM": {"aliases": ["Sultanate of Oman"], "demonyms": ["Omani", "Omanis"]},
    "QA": {"aliases": ["State of Qatar"], "demonyms": ["Qatari", "Qataris"]},
    "TR": {"aliases": ["Turkey"], "demonyms": ["Turkish", "Turks"]},
    "EG": {"demonyms": ["Egyptian", "Egyptians"]},
    "SA": {
        "aliases": ["Kingdom of Saudi Arabia"],
        "exact": ["KSA"],
        "demonyms": ["Saudi", "Saudis"],
    },
    "AE": {
        "aliases": ["Emirates"],
        "exact": ["UAE", "U.A.E."],
        "demonyms": ["Emirati", "Emiratis"],
    },
    "PK": {"demonyms": ["Pakistani", "Pakistanis"]},
    "RU": {"name": "Russia", "aliases": ["Russian Federation"], "demonyms": ["Russian", "Russians"]},
    "CN": {"aliases": ["People's Republic of China"], "exact": ["PRC"], "demonyms": ["Chinese"]},
    "FR": {"aliases": ["French Republic"], "demonyms": ["French"]},
    "DE": {"aliases": ["Federal Republic of Germany"], "demonyms": ["German", "Germans"]},
    # A few more of the region, so their adjectives are not mistaken for names.
    "IQ": {"demonyms": ["Iraqi", "Iraqis"]},
    "LB": {"demonyms": ["Lebanese"]},
    "SY": {"demonyms": ["Syrian", "Syrians"]},
    "JO": {"demonyms": ["Jordanian", "Jordanians"]},
    "YE": {"demonyms": ["Yemeni", "Yemenis"]},
    "KW": {"demonyms": ["Kuwaiti", "Kuwaitis"]},
    "BH": {"demonyms": ["Bahraini", "Bahrainis"]},
    "AF": {"demonyms": ["Afghan", "Afghans"]},
    "AZ": {"demonyms": ["Azerbaijani"]},
    "IN": {"demonyms": ["Indian", "Indians"]},
    "UA": {"demonyms": ["Ukrainian", "Ukrainians"]},
    "IT": {"demonyms": ["Italian", "Italians"]},
    "CH": {"demonyms": ["Swiss"]},
    "AT": {"demonyms": ["Austrian", "Austrians"]},
    "JP": {"demonyms": ["Japanese"]},
    "KR": {"aliases": ["Republic of Korea"]},
    "KP": {"exact": ["DPRK"]},
    "CD": {
        "name": "Democratic Republic of the Congo",
        "aliases": ["DR Congo"],
        "exact": ["DRC"],
        "id": "dr-congo",
    },
    "CG": {"aliases": ["Congo-Brazzaville"], "id": "congo"},
    "CI": {"aliases": ["Ivory Coast"]},
    "CZ": {"aliases": ["Czech Republic"]},
    "SZ": {"aliases": ["Swaziland"]},
    "MM": {"aliases": ["Burma"]},
    "CV": {"aliases": ["Cape Verde"]},
    "TL": {"aliases": ["East Timor"]},
    "MK": {"aliases": ["Macedonia"]},
    "VA": {"name": "Holy See", "aliases": ["Vatican", "Vatican City"]},
    "PS": {"name": "Palestine", "aliases": ["State of Palestine"], "demonyms": ["Palestinian", "Palestinians"]},
    "VG": {"name": "British Virgin Islands"},
    "VI": {"name": "U.S. Virgin Islands"},
    "FK": {"name": "Falkland Islands", "aliases": ["Malvinas"]},
    "MF": {"name": "Saint Martin"},
    "SX": {"name": "Sint Maarten"},
    "CC": {"name": "Cocos (Keeling) Islands", "aliases": ["Cocos Islands"]},
    "NL": {"aliases": ["Holland"], "demonyms": ["Dutch"]},
    "BQ": {"name": "Caribbean Netherlands", "aliases": ["Bonaire"]},
    "SH": {"name": "Saint Helena"},
}


# Capitals left out: they are also common given names or surnames ("Victoria", "Kingston"),
# words ("Male"), or share their name with their country (the country entry covers them).
CAPITAL_SKIP = {
    "Victoria", "Kingston", "Georgetown", "Male", "Malé", "Santiago", "Lima", "Sucre", "Praia",
    "Castries", "Roseau", "Kingstown", "Nassau", "Saint John's", "Basseterre", "Bridgetown",
    "Palikir", "Ngerulmud", "Majuro", "Tarawa", "South Tarawa", "Funafuti", "Yaren", "Apia",
    "Honiara", "Port Vila", "Nuku'alofa", "Victoria", "Melekeok", "Moroni", "Dili",
    "Washington D.C.", "Washington, D.C.", "Sofia", "St. George's",
}


def plurals(demonym):
    """Nationals as a plural noun: "Iranian" -> "Iranians", "Pakistani" -> "Pakistanis"."""
    if re.search(r"(an|i|er)$", demonym):
        return [demonym, demonym + "s"]
    return [demonym]


def slug(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def clean(name):
    """A name usable as an alias, or None (ISO's 'X, Y of' inversions are not)."""
    if not name or "," in name:
        return None
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if name.lower().startswith("the "):
        name = name[4:]
    return name or None


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso", default="/usr/share/iso-codes/json/iso_3166-1.json")
    ap.add_argument("--borders", help="country-coder src/data/borders.json (for Wikidata QIDs)")
    ap.add_argument("--world", help="world-countries countries.json (demonyms, capitals)")
    ap.add_argument("--capitals-out", help="where to write the capitals (with --world)")
    ap.add_argument("--domain", default="config/entities/domain.toml", help="hand-written places to leave alone")
    ap.add_argument("--lexicon", default="config/entities/lexicon.toml", help="given names (capitals skipped)")
    args = ap.parse_args()

    with open(args.iso, encoding="utf-8") as f:
        countries = json.load(f)["3166-1"]
    qids = {}
    if args.borders:
        with open(args.borders, encoding="utf-8") as f:
            for feat in json.load(f)["features"]:
                p = feat["properties"]
                if p.get("iso1A2") and re.fullmatch(r"Q[0-9]+", p.get("wikidata", "")):
                    qids[p["iso1A2"]] = p["wikidata"]

    world = {}
    if args.world:
        with open(args.world, encoding="utf-8") as f:
            world = {c["cca2"]: c for c in json.load(f)}
    # A demonym is used only when exactly one independent country has it ("Congolese" is two).
    demonym_owner = {}
    for a2, c in world.items():
        d = (c.get("demonyms", {}).get("eng") or {}).get("m")
        if d and c.get("independent"):
            demonym_owner.setdefault(d, []).append(a2)

    out = [
        "# Generated by scripts/gen-countries.py from Debian iso-codes (ISO 3166-1)"
        + (" and @rapideditor/country-coder (Wikidata QIDs)" if qids else "")
        + (" and world-countries (demonyms; ODbL-1.0)" if world else "")
        + ". Do not edit by hand:",
        "# change EXTRA in the script and regenerate.",
        "",
    ]
    seen_ids = set()
    for c in sorted(countries, key=lambda c: c["alpha_2"]):
        a2 = c["alpha_2"]
        extra = EXTRA.get(a2, {})
        name = extra.get("name") or c.get("common_name") or clean(c["name"]) or clean(c.get("official_name"))
        if not name:
            print(f"no usable name for {a2}", file=sys.stderr)
            continue
        ident = "place:" + (extra.get("id") or slug(name))
        if ident in seen_ids:
            sys.exit(f"duplicate id {ident}")
        seen_ids.add(ident)
        aliases = []
        for cand in [clean(c["name"]), clean(c.get("common_name")), clean(c.get("official_name"))] + extra.get("aliases", []):
            if cand and cand != name and cand not in aliases:
                aliases.append(cand)
        out.append("[[entity]]")
        out.append(f"id = {toml_str(ident)}")
        out.append('type = "PLACE"')
        out.append(f"name = {toml_str(name)}")
        if aliases:
            out.append(f"aliases = {toml_list(aliases)}")
        if extra.get("exact"):
            out.append(f"exact = {toml_list(extra['exact'])}")
        demonyms = list(extra.get("demonyms", []))
        wd = (world.get(a2, {}).get("demonyms", {}).get("eng") or {}).get("m")
        usable = wd and "," not in wd and wd != name and demonym_owner.get(wd) == [a2]
        if usable and wd not in demonyms and not extra.get("no_world_demonym"):
            demonyms += [d for d in plurals(wd) if d not in demonyms]
        if demonyms:
            out.append(f"demonyms = {toml_list(demonyms)}")
        if a2 in qids:
            out.append(f"wikidata = {toml_str(qids[a2])}")
        out.append(f"iso = {toml_str(a2)}")
        out.append("")
    missing = set(EXTRA) - {c["alpha_2"] for c in countries}
    if missing:
        sys.exit(f"EXTRA names unknown codes: {sorted(missing)}")
    sys.stdout.write("\n".join(out))
    if world and args.capitals_out:
        write_capitals(args, world, {c["alpha_2"]: c for c in countries}, qids)


def write_capitals(args, world, iso, qids):
    with open(args.domain, "rb") as f:
        domain = tomllib.load(f)
    with open(args.lexicon, "rb") as f:
        given = set(tomllib.load(f)["lexicon"].get("given_names", []))
    taken_ids = {e["id"] for e in domain.get("entity", [])}
    taken_names = set()
    for e in domain.get("entity", []):
        taken_names.update([e["name"], *e.get("aliases", [])])
    out = [
        "# Generated by scripts/gen-countries.py: the capital of every independent country, from the",
        "# npm package world-countries (ODbL-1.0). Do not edit by hand: capitals that need aliases or",
        "# Wikidata ids belong in domain.toml (the generator then leaves them out).",
        "",
    ]
    seen = set()
    for a2 in sorted(world):
        c = world[a2]
        if not c.get("independent") or a2 not in iso:
            continue
        country = EXTRA.get(a2, {}).get("name") or iso[a2].get("common_name") or c["name"]["common"]
        for cap in c.get("capital", [])[:1]:
            ident = "place:" + slug(cap)
            if (
                cap in CAPITAL_SKIP
                or cap in given
                or cap in taken_names
                or ident in taken_ids
                or ident in seen
                or slug(cap) == slug(country)
            ):
                continue
            seen.add(ident)
            # Spelling variants ("Sanaa", "Sana'a", "Bogota") meet after folding; no aliases needed.
            out += ["[[entity]]", f"id = {toml_str(ident)}", 'type = "PLACE"', f"name = {toml_str(cap)}", ""]
    with open(args.capitals_out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
