#!/usr/bin/env python3
"""Generate config/entities/countries.toml for talkwire's entity recogniser.

Sources:
  * Debian's iso-codes package (ISO 3166-1), normally at
    /usr/share/iso-codes/json/iso_3166-1.json (`apt-get install iso-codes`);
  * optionally, the ISC-licensed npm package @rapideditor/country-coder
    (src/data/borders.json) for Wikidata QIDs: `npm pack @rapideditor/country-coder`,
    unpack, and pass --borders package/src/data/borders.json. Without it, every
    `wikidata` is left out (we never type QIDs by hand).

Curated additions (common names, demonyms, codes that are unambiguous as
uppercase tokens) live in EXTRA below. Run:

    python3 scripts/gen-countries.py [--iso FILE] [--borders FILE] > config/entities/countries.toml
"""

import argparse
import json
import re
import sys
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

    out = [
        "# Generated by scripts/gen-countries.py from Debian iso-codes (ISO 3166-1)"
        + (" and @rapideditor/country-coder (Wikidata QIDs)" if qids else "")
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
        if extra.get("demonyms"):
            out.append(f"demonyms = {toml_list(extra['demonyms'])}")
        if a2 in qids:
            out.append(f"wikidata = {toml_str(qids[a2])}")
        out.append(f"iso = {toml_str(a2)}")
        out.append("")
    missing = set(EXTRA) - {c["alpha_2"] for c in countries}
    if missing:
        sys.exit(f"EXTRA names unknown codes: {sorted(missing)}")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
