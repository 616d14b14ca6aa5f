#!/usr/bin/env python3
"""Learn the quote stage's speech cues and their weights from PolNeAR's train split.

usage: scripts/learn-cues.py [POLNEAR_DIR] > config/quotes/cues.tsv
       (default POLNEAR_DIR: ../shared/bench/polnear)

For every attribution whose content holds a double quotation mark (a quote, as the quote stage sees
them), the cue's head word is counted: its first word, or `according to`. Its weight is the share of
the word's occurrences in the split's texts that are such a cue (add-one smoothed), so `said` weighs
more than `called`. `speaker_after` is the share of those attributions whose source comes after the
cue (`"…," said X`), which tells the stage a cue may be inverted. Words seen fewer than MIN_COUNT
times as cues, or weighing under MIN_WEIGHT, are left out. Only `train` is read; `dev` stays for measuring.
"""
import collections, glob, os, re, sys

MIN_COUNT = 3
MIN_WEIGHT = 0.03
QUOTE_MARK = re.compile('[\u201c\u201d"]')
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?")


def spans(path):
    """T-spans and attribution events of one .ann file."""
    t, events = {}, []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            kind, ranges = parts[1].split(" ", 1)
            frags = [tuple(map(int, f.split())) for f in ranges.split(";")]
            t[parts[0]] = (kind, frags, parts[2] if len(parts) > 2 else "")
        elif parts[0].startswith("E"):
            events.append(dict(a.split(":", 1) for a in parts[1].split(" ") if ":" in a))
    return t, events


# Auxiliaries, adverbs and particles before a cue's verb: "has also said", "then told".
NOT_HEADS = set("""
    has have had having is was are were be been being will would could can may might must shall should did does
    do also then later once again previously repeatedly recently first not just still even never s to in on at
    he she they it we i who which that and but or as
""".split())


def head(cue_text):
    """The cue's head word: its first word past auxiliaries and adverbs, or `according to`."""
    words = [w.lower().replace("\u2019", "'") for w in WORD.findall(cue_text)]
    if words[:2] == ["according", "to"]:
        return "according to"
    return next((w for w in words if w not in NOT_HEADS and not w.endswith("ly")), None)


def main(data):
    cues, inverted, occurrences = collections.Counter(), collections.Counter(), collections.Counter()
    seen_docs = set()
    for ann in sorted(glob.glob(f"{data}/train/attributions/*.ann")):
        base = os.path.basename(ann).rsplit("_", 1)[0]
        if base in seen_docs:  # several annotators per article: the first one's reading
            continue
        seen_docs.add(base)
        text = open(f"{data}/train/text/{base}.txt", encoding="utf-8").read()
        words = [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]
        occurrences.update(words)
        occurrences["according to"] += sum(1 for a, b in zip(words, words[1:]) if a == "according" and b == "to")
        t, events = spans(ann)
        for e in events:
            content, cue, source = t.get(e.get("Content")), t.get(e.get("Cue")), t.get(e.get("Source"))
            if not content or not cue or not QUOTE_MARK.search(content[2]):
                continue
            word = head(cue[2])
            if word is None:
                continue
            cues[word] += 1
            if source and source[1][0][0] > cue[1][0][0]:
                inverted[word] += 1
    print("# cue\tcount\tweight\tspeaker_after")
    print(f"# learned by scripts/learn-cues.py from PolNeAR train ({len(seen_docs)} articles); do not edit by hand")
    for word, n in sorted(cues.items(), key=lambda kv: (-kv[1], kv[0])):
        weight = n / (occurrences[word] + 1)
        if n < MIN_COUNT or weight < MIN_WEIGHT:
            continue
        print(f"{word}\t{n}\t{min(weight, 1.0):.3f}\t{inverted[word] / n:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../shared/bench/polnear"))
