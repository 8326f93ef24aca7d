#!/usr/bin/env bash
# bench/count.sh: speed and peak memory of the counting stages against their peers, side by side,
# on the letters-only corpus built from enwiki-100M as BENCH.md shows (enwik100.txt).
#
#   a. unigram counts: nlp-vocab vs the awk one-liner of BENCH.md                    (>= 3x)
#   b. bigram counts: nlp-ngram -n 2 --counts vs the awk one-liner        (>= 5x, <= half the RSS)
#   c. the same with --memory 64M: must finish with identical output (its RSS is shown)
#   d. co-occurrence, window 10, 1/d weights, min-count 5 vocabulary: nlp-cooccur vs the
#      co-occurrence step of ../shared/bench/ppmi_svd_ref.py (its own timing of that step; the
#      script runs with --dim 2 --iters 1 so that its SVD is short)                    (>= 5x)
#   e. the same with --memory 256M: identical output
#
# Rounds alternate which side goes first; a warm-up round measures peak RSS (/usr/bin/time -v)
# and keeps the outputs for the checks under the table; BENCH_REPS timed rounds (default 3) give
# the median wall times. GloVe's vocab_count and cooccur are not Debian packages: their figures
# from BENCH.md are printed beside ours for reference.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=count.sh
skip_without_data $me enwiki-100M.txt.xz
need_bins $me nlp-ngram nlp-vocab nlp-cooccur
need_tools $me mawk xz tr sed grep cmp
need_time $me
need_py_modules $me numpy scipy sklearn

reps=${BENCH_REPS:-3}
corpus=$(enwik100_cached)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-count-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bindir/nlp-vocab" --min-count 5 "$corpus" >"$tmp/vocab5.tsv"

jobs=(a b c d e)
declare -A label input peername target
label[a]="unigram counts";          input[a]=$corpus
label[b]="bigram counts";           input[b]=$corpus
label[c]="bigram counts, 64M budget"; input[c]=$corpus
label[d]="co-occurrence w10 1/d";   input[d]=$corpus
label[e]="co-occurrence, 256M budget"; input[e]=$corpus
# shellcheck disable=SC2034 # read through namerefs in one_job
{
	nlp_a=("$bindir/nlp-vocab")
	peer_a=(mawk '{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print c[w], w}')
	nlp_b=("$bindir/nlp-ngram" -n 2 --counts)
	peer_b=(mawk '{for(i=1;i<NF;i++)c[$i" "$(i+1)]++} END{for(w in c) print c[w], w}')
	nlp_c=("$bindir/nlp-ngram" -n 2 --counts --memory 64M)
	peer_c=(true)
	nlp_d=("$bindir/nlp-cooccur" --vocab "$tmp/vocab5.tsv" --window 10 --weight harmonic)
	peer_d=("$PY" "$root/../shared/bench/ppmi_svd_ref.py" "$corpus" "$tmp/ref.vec" --window 10
		--min-count 5 --dim 2 --iters 1)
	nlp_e=("$bindir/nlp-cooccur" --vocab "$tmp/vocab5.tsv" --window 10 --memory 256M)
	peer_e=(true)
}
peername[a]="awk"; peername[b]="awk"; peername[c]="-"; peername[d]="ppmi_svd_ref.py cooccur step"
peername[e]="-"
target[a]="3"; target[b]="5"; target[c]="-"; target[d]="5"; target[e]="-"

echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: 1 warm-up round + $reps timed rounds of ${jobs[*]} ..." >&2

# the reference script's own time for its co-occurrence step, from its stderr
ref_step() { sed -n 's/^cooccur nnz=[0-9]*: \([0-9.]*\) s.*/\1/p' "$tmp/d.peer.r$1.err"; }

# the co-occurrence peer: replace the script's wall time by its own time of the step
ref_time() {
	[ "$1" = d ] || return 0
	sed -i '$d' "$tmp/d.peer.r$2.time"
	awk -v s="$(ref_step "$2")" 'BEGIN { printf "%d\n", s * 1e6 }' >>"$tmp/d.peer.r$2.time"
}
run_rounds ref_time

table_head
for id in "${jobs[@]}"; do
	job_stats "$id"
	if [ "${target[$id]}" = - ]; then
		printf '| %s | %.3f s | - | - | - | %s | - | identical output | %s |\n' "${label[$id]}" \
			"$nt" "$(mb "$nr")" "$(cmp -s "$tmp/out/$id.nlp" "$tmp/out/$([ "$id" = c ] && echo b || echo d).nlp" && echo PASS || echo FAIL)"
		continue
	fi
	ratio=$(awk -v a="$pt" -v b="$nt" 'BEGIN { printf "%.1fx", a / b }')
	ok=$(awk -v a="$pt" -v b="$nt" -v t="${target[$id]}" 'BEGIN { print (a / b >= t) ? "PASS" : "FAIL" }')
	if [ "$id" = b ]; then
		ok="$ok, RSS $(awk -v a="$nr" -v b="$pr" 'BEGIN { print (a <= b / 2) ? "PASS" : "FAIL" }')"
	fi
	[ "$id" = d ] && pr=0
	printf '| %s | %.3f s | %s | %.3f s | %s | %s | %s | nlp >= %sx faster | %s |\n' "${label[$id]}" \
		"$nt" "${peername[$id]}" "$pt" "$ratio" "$(mb "$nr")" "$([ "$pr" = 0 ] && echo - || mb "$pr")" \
		"${target[$id]}" "$ok"
done

echo
echo "Wall time: median of $reps rounds; ratio = peer time / nlp time; peak RSS: /usr/bin/time -v"
echo "in the warm-up round. The co-occurrence peer time is ppmi_svd_ref.py's own timing of that step"
echo "(the script's vocabulary step and the rest are not counted); its whole process is not comparable."
echo "For reference, BENCH.md's figures of GloVe (not a Debian package, not run here): vocab_count"
echo "1.1 s, 30 MB; cooccur (window 10, 1/d) 20 s, 1.46 GB, 44,263,870 non-zeros."
echo "Checks on the warm-up outputs:"
sort_awk() { awk '{c=$1; sub(/^[0-9]+ /, ""); print $0 "\t" c}' "$1" | LC_ALL=C sort -t"$(printf '\t')" -k2,2nr -k1,1; }
for id in a b; do
	if sort_awk "$tmp/out/$id.peer" | cmp -s - "$tmp/out/$id.nlp"; then same=identical; else same=DIFFERENT; fi
	echo "  ${label[$id]}: $(nlines "$tmp/out/$id.nlp") types; sorted awk counts are $same"
done
nnz=$(od -An -tu8 -j40 -N8 "$tmp/out/d.nlp" | tr -d ' ')
echo "  co-occurrence: $(nlines "$tmp/vocab5.tsv") words, $nnz non-zeros (header); the reference:" \
	"$(sed -n 's/^\(cooccur nnz=[0-9]*\).*/\1/p' "$tmp/d.peer.r0.err")"
