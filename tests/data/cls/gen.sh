#!/bin/sh
# Writes the classifier tests' data (tests/nlp-classify.bats, tests/fuzz/clsdata):
#   nsmc-train.tsv, nsmc-valid.tsv, nsmc-test.tsv: the first 300, next 100 and next 100 reviews
#     of NSMC's training file (Naver sentiment movie corpus, CC0; label 0 negative, 1 positive)
#     with a non-empty text, tokenized by nlp-tokenize;
#   kw-train.tsv, kw-test.tsv: a synthetic 3-class text (gen.py): the class is decided by a
#     keyword among filler words;
#   bad-*.tsv: malformed labelled text (each one fault; see the bats file).
# Run from the top of the tree after make: tests/data/cls/gen.sh [NSMC.tsv.xz]
set -eu
src=${1:-../shared/data/nsmc/nsmc.train.tsv.xz}
d=tests/data/cls
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xz -dc "$src" | head -n 1000 > "$tmp/raw"
cut -f 1 "$tmp/raw" > "$tmp/labels"
cut -f 2- "$tmp/raw" | bin/nlp-tokenize > "$tmp/tokens"
paste "$tmp/labels" "$tmp/tokens" | awk -F '\t' '$2 ~ /[^ ]/' > "$tmp/all"
sed -n '1,300p' "$tmp/all" > "$d/nsmc-train.tsv"
sed -n '301,400p' "$tmp/all" > "$d/nsmc-valid.tsv"
sed -n '401,500p' "$tmp/all" > "$d/nsmc-test.tsv"
python3 "$d/gen.py" train 300 1 > "$d/kw-train.tsv"
python3 "$d/gen.py" test 90 2 > "$d/kw-test.tsv"
printf 'pos\tgood film\nneg bad film\npos\tgood\nneg\tbad\n' > "$d/bad-notab.tsv"
printf 'pos\tgood film\nneg\t   \npos\tgood\nneg\tbad\n' > "$d/bad-emptytext.tsv"
printf 'pos\tgood film\nneg\tbad film\npos\tgood\nneg\tbad\nmeh\tso so\n' > "$d/bad-once.tsv"
printf 'pos\tgood film\npos\tgreat film\npos\tgood\n' > "$d/bad-oneclass.tsv"
printf '\tgood film\nneg\tbad film\npos\tgood\nneg\tbad\n' > "$d/bad-emptylabel.tsv"
printf 'pos\tgood \377film\nneg\tbad film\npos\tgood\nneg\tbad\n' > "$d/bad-utf8.tsv"
: > "$d/bad-empty.tsv"
