#!/usr/bin/env bash
# bench/versus.sh OLD_BIN_DIR: the speed of this build (bin/) against an older build of the nlp
# programs, job by job, side by side in one run: the main job of every stage on the bench
# corpora, the two builds alternating, medians of BENCH_REPS timed rounds (default 3) after a
# warm-up round that also records peak RSS. For refactors that must not make a stage slower
# (with outputs.sh, which checks the bytes). Long options only, so both builds understand them.
# Prints one table: ratio = old time / new time (above 1: the new build is faster).
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=versus.sh

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $me OLD_BIN_DIR" >&2
	exit 2
fi
old=$(cd "$1" && pwd)
progs=(nlp-normalize nlp-tokenize nlp-vocab nlp-ngram nlp-cooccur nlp-ppmi nlp-svd nlp-mat
	nlp-tfidf)
need_bins $me "${progs[@]}"
(bindir=$old && need_bins $me "${progs[@]}")
need_time $me
skip_without_data $me enwiki-100M.txt.xz

reps=${BENCH_REPS:-3}
corpus=$(enwik100_cached)
enwiki=$(unxz_cached enwiki-100M)
enwiki10=$(head_bytes_cached "$enwiki" 10000000 enwiki-10M.txt)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-versus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export NLP_DATADIR=$root/share/nlp

echo "$me: $bindir vs $old; $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: inputs ..." >&2
"$bindir/nlp-vocab" --min-count 5 "$corpus" >"$tmp/vocab.tsv"
"$bindir/nlp-cooccur" --vocab "$tmp/vocab.tsv" --window 10 "$corpus" >"$tmp/cooc.mat"
"$bindir/nlp-ppmi" --alpha 0.75 --f32 "$tmp/cooc.mat" >"$tmp/ppmi.mat"

jobs=(a b c d e f g h i j k l)
declare -A label input
label[a]="normalize --lower, enwiki-100M";       input[a]=$enwiki
label[b]="tokenize, enwiki-100M";                input[b]=$enwiki
label[c]="tokenize --ptb, enwiki 10 MB";         input[c]=$enwiki10
label[d]="vocab, enwik100";                      input[d]=$corpus
label[e]="ngram -n 2 --counts, enwik100";        input[e]=$corpus
label[f]="ngram, --memory 64M";                  input[f]=$corpus
label[g]="cooccur w10, enwik100";                input[g]=$corpus
label[h]="cooccur w10, --memory 256M";           input[h]=$corpus
label[i]="ppmi alpha 0.75";                      input[i]=/dev/null
label[j]="svd k=300, 5 iterations";              input[j]=/dev/null
label[k]="mat transpose, --memory 64M";          input[k]=/dev/null
label[l]="tfidf, enwiki 10 MB";                  input[l]=$enwiki10
# shellcheck disable=SC2034 # read through namerefs in one_job
for side in nlp peer; do
	if [ $side = nlp ]; then b=$bindir; else b=$old; fi
	declare -n a_=${side}_a b_=${side}_b c_=${side}_c d_=${side}_d e_=${side}_e f_=${side}_f
	declare -n g_=${side}_g h_=${side}_h i_=${side}_i j_=${side}_j k_=${side}_k l_=${side}_l
	a_=("$b/nlp-normalize" --lower)
	b_=("$b/nlp-tokenize")
	c_=("$b/nlp-tokenize" --ptb)
	d_=("$b/nlp-vocab")
	e_=("$b/nlp-ngram" --order 2 --counts)
	f_=("$b/nlp-ngram" --order 2 --counts --memory 64M)
	g_=("$b/nlp-cooccur" --vocab "$tmp/vocab.tsv" --window 10)
	h_=("$b/nlp-cooccur" --vocab "$tmp/vocab.tsv" --window 10 --memory 256M)
	i_=("$b/nlp-ppmi" --alpha 0.75 --f32 "$tmp/cooc.mat")
	j_=("$b/nlp-svd" --dim 300 --iters 5 --vocab "$tmp/vocab.tsv" "$tmp/ppmi.mat")
	k_=("$b/nlp-mat" transpose --memory 64M "$tmp/cooc.mat")
	l_=("$b/nlp-tfidf")
	unset -n a_ b_ c_ d_ e_ f_ g_ h_ i_ j_ k_ l_
done

same_output()
{
	[ "$2" -eq 0 ] || return 0
	cmp -s "$tmp/out/$1.nlp" "$tmp/out/$1.peer" || echo "$me: ${label[$1]}: the outputs differ" >&2
	rm -f "$tmp/out/$1.nlp" "$tmp/out/$1.peer" # the matrices are large
}
run_rounds same_output

echo
echo "| job | new | old | ratio (old / new) | new peak RSS | old peak RSS |"
echo "|---|---|---|---|---|---|"
for id in "${jobs[@]}"; do
	job_stats "$id"
	awk -v l="${label[$id]}" -v nt="$nt" -v pt="$pt" -v nr="$nr" -v pr="$pr" 'BEGIN {
		printf "| %s | %.3f s | %.3f s | %.2f | %.1f MB | %.1f MB |\n", l, nt, pt, pt / nt,
		       nr / 1024, pr / 1024 }'
done
echo
echo "Wall time: median of $reps rounds, the builds alternating which goes first; peak RSS:"
echo "/usr/bin/time -v in the warm-up round, whose outputs were compared (a difference is said above)."
