#!/usr/bin/env bash
# bench/svd.sh: count-based word vectors on the letters-only corpus built from enwiki-100M
# (enwik100.txt, as BENCH.md shows): speed and peak memory of nlp-svd against scikit-learn's
# randomized_svd side by side, the time of nlp-ppmi, and the quality of the whole pipeline.
#
#   f. SVD of the PPMI matrix (min-count 5 vocabulary, window 10, 1/d weights, alpha 0.75;
#      about 68,000 rows and 31 million non-zeros), k = 300, 5 power iterations, 10 extra columns:
#      nlp-svd vs bench/svd_sklearn.py (randomized_svd on the same matrix, read straight into a
#      float32 CSR matrix)                                     (>= 2x faster, <= half the peak RSS)
#   g. PPMI with alpha 0.75 of the co-occurrence matrix: nlp-ppmi vs nothing (its time and RSS)
#   h. the 19,544 analogy questions against the 30,000 most frequent words (3CosAdd), on the
#      vectors of f: nlp-similar --eval-analogy vs BENCH.md's eval_vectors.py (gensim; it also
#      scores WordSim353, a small part of its time)                               (< 2 s on 2 cores)
#
# Then the vectors U S^0.5 of the warm-up round are scored by nlp-similar (WordSim353 Spearman,
# 3CosAdd analogies over the 30,000 most frequent words) and by BENCH.md's eval_vectors.py
# (gensim): targets WordSim353 >= 0.66 and analogy >= 0.43 (the reference pipeline of BENCH.md:
# 0.673 and 0.446). One warm-up round (peak RSS, outputs) and BENCH_REPS timed rounds (default 1
# here: a round takes some three minutes) whose medians give the ratios.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=svd.sh
skip_without_data $me enwiki-100M.txt.xz eval/wordsim353.tsv eval/questions-words.txt
need_bins $me nlp-vocab nlp-cooccur nlp-ppmi nlp-svd nlp-similar
need_tools $me xz tr sed grep
need_time $me
need_py_modules $me numpy scipy sklearn gensim

reps=${BENCH_REPS:-1}
corpus=$(enwik100_cached)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-svd-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: vocabulary and co-occurrence matrix ..." >&2
"$bindir/nlp-vocab" --min-count 5 "$corpus" >"$tmp/vocab.tsv"
"$bindir/nlp-cooccur" --vocab "$tmp/vocab.tsv" --window 10 "$corpus" >"$tmp/cooc.mat"
"$bindir/nlp-ppmi" --alpha 0.75 --f32 "$tmp/cooc.mat" >"$tmp/ppmi.mat"

jobs=(f g h)
declare -A label input peername
label[f]="SVD k=300, 5 iterations"; input[f]=/dev/null
label[g]="PPMI, alpha 0.75";         input[g]=/dev/null
label[h]="analogies, 30,000 words"; input[h]=/dev/null
# shellcheck disable=SC2034 # read through namerefs in one_job
{
	nlp_f=("$bindir/nlp-svd" --dim 300 --iters 5 --vocab "$tmp/vocab.tsv" "$tmp/ppmi.mat")
	peer_f=("$PY" "$bench/svd_sklearn.py" "$tmp/ppmi.mat" 300 5 "$tmp/sklearn-s.npy")
	nlp_g=("$bindir/nlp-ppmi" --alpha 0.75 --f32 "$tmp/cooc.mat")
	peer_g=(true)
	nlp_h=("$bindir/nlp-similar" --eval-analogy "$data/eval/questions-words.txt" --restrict 30000
		"$tmp/out/f.nlp")
	peer_h=("$PY" "$root/../shared/bench/eval_vectors.py" "$tmp/out/f.nlp" "$data/eval")
}
peername[f]="sklearn randomized_svd"; peername[g]="-"; peername[h]="gensim (eval_vectors.py)"

echo "$me: 1 warm-up round + $reps timed rounds of ${jobs[*]} ..." >&2
run_rounds

table_head
job_stats f
printf '| %s | %.1f s | %s | %.1f s | %s | %s | %s | >= 2x faster, <= half the RSS | %s |\n' \
	"${label[f]}" "$nt" "${peername[f]}" "$pt" \
	"$(awk -v a="$pt" -v b="$nt" 'BEGIN { printf "%.1fx", a / b }')" "$(mb "$nr")" "$(mb "$pr")" \
	"$(awk -v a="$pt" -v b="$nt" -v x="$nr" -v y="$pr" \
		'BEGIN { print (a / b >= 2 ? "PASS" : "FAIL") ", RSS " (x <= y / 2 ? "PASS" : "FAIL") }')"
read -r nt nr < <(stats nlp g)
printf '| %s | %.1f s | - | - | - | %s | - | - | - |\n' "${label[g]}" "$nt" "$(mb "$nr")"
read -r nt nr < <(stats nlp h)
read -r pt pr < <(stats peer h)
printf '| %s | %.2f s | %s | %.1f s | %s | %s | %s | < 2 s | %s |\n' "${label[h]}" "$nt" \
	"${peername[h]}" "$pt" "$(awk -v a="$pt" -v b="$nt" 'BEGIN { printf "%.1fx", a / b }')" \
	"$(mb "$nr")" "$(mb "$pr")" "$(awk -v b="$nt" 'BEGIN { print (b < 2 ? "PASS" : "FAIL") }')"

echo
echo "Wall time: median of $reps timed rounds; ratio = peer time / nlp time; peak RSS:"
echo "/usr/bin/time -v in the warm-up round. The peer reads the same PPMI matrix file."
echo "Matrix: $(sed -n 's/^rows\t//p' <("$bindir/nlp-mat" info "$tmp/ppmi.mat")) rows," \
	"$(od -An -tu8 -j40 -N8 "$tmp/ppmi.mat" | tr -d ' ') non-zeros."
echo
echo "Quality of the vectors (nlp-similar, then gensim through BENCH.md's eval_vectors.py):"
vec=$tmp/out/f.nlp
ev=$data/eval
"$bindir/nlp-similar" --eval-pairs "$ev/wordsim353.tsv" "$vec" |
	grep -E '^(spearman|pearson|oov_percent)' | sed 's/^/  WordSim353 /'
"$bindir/nlp-similar" --eval-analogy "$ev/questions-words.txt" --restrict 30000 "$vec" |
	grep -E '^(restrict|evaluated|accuracy)' | sed 's/^/  analogy /'
echo "  gensim (eval_vectors.py): $(cat "$tmp/out/h.peer")"
echo "Targets: WordSim353 Spearman >= 0.66, analogy accuracy >= 0.43 (reference 0.673, 0.446)."
