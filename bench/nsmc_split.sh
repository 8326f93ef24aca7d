#!/usr/bin/env bash
# bench/nsmc_split.sh: the NSMC movie reviews (../shared/data/nsmc/nsmc.train.tsv.xz, 150,000 lines
# of `label<TAB>review`) as labelled token lines for nlp-classify and bench/classify_torch.py: the
# reviews through nlp-tokenize (Unicode categories), then a deterministic split by line number n
# (1-based, of the original file): n % 10 == 0 test, n % 10 == 1 valid, the rest train. Lines
# whose review has no token are dropped (after the split, so the numbering stays the file's).
#
#     bench/nsmc_split.sh [DIR]    writes DIR/{train,valid,test}.tsv (default $BENCH_DIR/nsmc)
# shellcheck source=_common.sh
. "$(dirname "$0")/_common.sh"
skip_without_data nsmc_split nsmc/nsmc.train.tsv.xz
need_bins nsmc_split nlp-tokenize
out=${1:-$BENCH_DIR/nsmc}
mkdir -p "$out"
tmp="$out/.tok.$$"
trap 'rm -f "$tmp" "$tmp.lab"' EXIT
xz -dc "$data/nsmc/nsmc.train.tsv.xz" | cut -f1 > "$tmp.lab"
# one review a line in, one line of tokens out
xz -dc "$data/nsmc/nsmc.train.tsv.xz" | cut -f2- | "$bindir/nlp-tokenize" > "$tmp"
[ "$(wc -l < "$tmp")" = "$(wc -l < "$tmp.lab")" ] ||
	{ echo "nsmc_split: nlp-tokenize gave $(wc -l < "$tmp") lines for $(wc -l < "$tmp.lab")" >&2; exit 1; }
paste "$tmp.lab" "$tmp" | awk -F '\t' -v d="$out" '
	$2 ~ /[^ ]/ { f = NR % 10 == 0 ? "test" : NR % 10 == 1 ? "valid" : "train"; print > (d "/" f ".tsv") }'
wc -l "$out"/{train,valid,test}.tsv
