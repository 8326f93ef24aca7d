#!/usr/bin/env bash
# bench/text.sh: speed and peak memory of the text stages against their peers, run side by side.
#
#   a. nlp-normalize -l (NFC + full case folding) vs uconv -x 'nfc; lower', enwiki-100M  (>= 4x)
#   b. the same on kowiki-30M                                                             (>= 2x)
#   c. nlp-tokenize (word mode) on enwiki-100M, in MB/s (>= 100 MB/s); `wc -w` is timed beside it
#      as a reference only
#   d. nlp-tokenize --ptb vs NLTK's TreebankWordTokenizer per line (bench/nltk_treebank.py) on the
#      complete lines within the first 10 MB of enwiki-100M                                (>= 30x)
#
# Each round runs every job's two commands one after the other, swapping which goes first from
# round to round. A warm-up round runs them under /usr/bin/time -v for peak RSS (maximum resident
# set size) and keeps their outputs for the checks printed under the table; then BENCH_REPS timed
# rounds (default 5) run them bare with output to /dev/null. The table gives median wall times,
# ratio = peer time / nlp time, and the peak RSS.
# Data: ../shared/data/{enwiki-100M,kowiki-30M}.txt.xz, decompressed once into
# ${BENCH_DIR:-/tmp/nlp-bench}. Exits 0 with a message when the data is missing.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=text.sh
skip_without_data $me enwiki-100M.txt.xz kowiki-30M.txt.xz
need_bins $me nlp-normalize nlp-tokenize
need_tools $me uconv xz wc awk
need_time $me
need_nltk $me

reps=${BENCH_REPS:-5}
en=$(unxz_cached enwiki-100M)
ko=$(unxz_cached kowiki-30M)
en10=$(head_bytes_cached "$en" 10000000 enwiki-10M.txt)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-text-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The jobs: id, label, input, nlp command, peer command, peer name, target.
jobs=(a b c d)
declare -A label input peername target
label[a]="NFC + case fold, enwiki-100M"; input[a]=$en
label[b]="NFC + case fold, kowiki-30M";  input[b]=$ko
label[c]="tokenize words, enwiki-100M";  input[c]=$en
label[d]="tokenize PTB, enwiki 10 MB";   input[d]=$en10
# shellcheck disable=SC2034 # read through namerefs in one_job
{
	nlp_a=("$bindir/nlp-normalize" -l);  peer_a=(uconv -f utf-8 -t utf-8 -x 'nfc; lower')
	nlp_b=("$bindir/nlp-normalize" -l);  peer_b=(uconv -f utf-8 -t utf-8 -x 'nfc; lower')
	nlp_c=("$bindir/nlp-tokenize");      peer_c=(wc -w)
	nlp_d=("$bindir/nlp-tokenize" --ptb); peer_d=("$PY" "$bench/nltk_treebank.py")
}
peername[a]="uconv"; peername[b]="uconv"; peername[c]="wc -w (reference)"; peername[d]="NLTK Treebank"
target[a]="ratio 4"; target[b]="ratio 2"; target[c]="mbps 100"; target[d]="ratio 30"

echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: 1 warm-up round + $reps timed rounds of ${jobs[*]} ..." >&2

run_rounds

table_head
for id in "${jobs[@]}"; do
	job_stats "$id"
	size=$(wc -c <"${input[$id]}")
	ratio=$(awk -v a="$pt" -v b="$nt" 'BEGIN { printf "%.1fx", a / b }')
	read -r kind want <<<"${target[$id]}"
	if [ "$kind" = ratio ]; then
		tgt="nlp >= ${want}x faster"
		ok=$(awk -v a="$pt" -v b="$nt" -v t="$want" 'BEGIN { print (a / b >= t) ? "PASS" : "FAIL" }')
		res="$ok"
	else
		mbps=$(awk -v s="$size" -v t="$nt" 'BEGIN { printf "%.0f", s / t / 1e6 }')
		tgt=">= $want MB/s"
		ok=$(awk -v m="$mbps" -v t="$want" 'BEGIN { print (m >= t) ? "PASS" : "FAIL" }')
		res="$ok ($mbps MB/s)"
	fi
	printf '| %s | %.3f s | %s | %.3f s | %s | %s | %s | %s | %s |\n' "${label[$id]}" "$nt" \
		"${peername[$id]}" "$pt" "$ratio" "$(mb "$nr")" "$(mb "$pr")" "$tgt" "$res"
done

# checks on the warm-up outputs
echo
echo "Wall time: median of $reps rounds; ratio = peer time / nlp time; peak RSS: /usr/bin/time -v"
echo "(maximum resident set size) in the warm-up round."
echo "Throughput of nlp (MB = 10^6 bytes):"
for id in "${jobs[@]}"; do
	read -r nt nr < <(stats nlp "$id")
	awk -v s="$(wc -c <"${input[$id]}")" -v t="$nt" -v l="${label[$id]}" \
		'BEGIN { printf "  %-30s %7.1f MB/s\n", l, s / t / 1e6 }'
done
echo "Checks on the warm-up outputs:"
for id in a b; do
	nin=$(nlines "${input[$id]}")
	nout=$(nlines "$tmp/out/$id.nlp")
	ndiff=$(paste -d '\n' "$tmp/out/$id.nlp" "$tmp/out/$id.peer" |
		awk 'NR % 2 { a = $0; next } a != $0 { d++ } END { print d + 0 }')
	echo "  ${label[$id]}: $nout of $nin lines out; $ndiff lines differ from uconv (expected:" \
		"full case folding is not lowercasing: ß -> ss, ς -> σ, µ -> μ, ligatures ...)"
done
echo "  ${label[c]}: $(wc -w <"$tmp/out/c.nlp") nlp tokens on $(nlines "$tmp/out/c.nlp") lines;" \
	"wc -w counts $(cat "$tmp/out/c.peer") words"
same=$(paste -d '\n' "$tmp/out/d.nlp" "$tmp/out/d.peer" |
	awk 'NR % 2 { a = $0; next } { n++ } a == $0 { s++ } END { printf "%d of %d", s, n }')
echo "  ${label[d]}: nlp and NLTK give the same tokens on $same lines"
