#!/bin/sh
# Writes the fixtures of tests/nlp-bpe.bats (see README in this folder):
#   en.txt: 300 lines of English Wikipedia text (enwiki-100M, from line 5001 on, the lines of 40
#     to 300 bytes whose only whitespace is the space);
#   ko.txt: 300 such lines of Korean Wikipedia text (kowiki-30M, from line 2001 on), then the
#     first 60 of them again in NFD, as conjoining jamo (each syllable one grapheme cluster of
#     two or three code points);
#   marks.txt: 120 lines drawn (random.Random(17)) from a list of words whose grapheme clusters
#     are more than one code point: combining marks, Hangul jamo, emoji sequences, flags.
# hard.txt (the escapes and separators) is written by hand, not here.
# Run from the top of the tree: tests/data/bpe/gen.sh [SHARED_DATA]
set -eu
src=${1:-../shared/data}
d=tests/data/bpe
xz -dc "$src/enwiki-100M.txt.xz" | head -n 20000 | python3 "$d/gen.py" pick 5001 300 > "$d/en.txt"
xz -dc "$src/kowiki-30M.txt.xz" | head -n 20000 | python3 "$d/gen.py" pick 2001 300 > "$d/ko.txt"
head -n 60 "$d/ko.txt" | python3 "$d/gen.py" nfd >> "$d/ko.txt"
python3 "$d/gen.py" marks > "$d/marks.txt"
