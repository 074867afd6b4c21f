"""Make resources/privacy/common-words-en.tsv, the word frequencies the real-name guard ships with.

Run once, by hand, in a throw-away environment with `pip install wordfreq` (wordfreq and its data are
about 60 MB and pull in regex, msgpack, langcodes and ftfy: too much to ship for one look-up table).

    python packaging/make_word_list.py > resources/privacy/common-words-en.tsv
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wordfreq import iter_wordlist, zipf_frequency  # noqa: E402

from dhr_tracker.privacy.normalise import folded_words  # noqa: E402

FLOOR = 3.0  # the lowest threshold the setting accepts

best: dict[str, float] = {}
for word in iter_wordlist("en"):
    zipf = zipf_frequency(word, "en")
    if zipf < FLOOR:
        break
    folded = folded_words(word)
    if len(folded) == 1:
        best[folded[0]] = max(best.get(folded[0], 0.0), zipf)
print("# English word frequencies (Zipf scale: log10 of uses per billion words) for DHR Tracker's real-name guard.")
print("# Made once from wordfreq 3.1.1 (Robyn Speer; data CC BY-SA 4.0) by packaging/make_word_list.py:")
print("# words with Zipf >= 3.00, read the way the guard reads text. A surname on this list at or above the")
print("# 'surname alone' threshold setting is a common word and is not flagged on its own.")
for word, zipf in sorted(best.items(), key=lambda item: (-item[1], item[0])):
    print(f"{zipf:.2f}\t{word}")
