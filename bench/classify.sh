#!/usr/bin/env bash
# bench/classify.sh [prep] [stats] [fasttext] [linear] [rnn] [torch] [all] [report]: text classifiers
# (issue 15), nlp-classify against fastText (Debian's 0.9.2) and PyTorch on NSMC, the Naver
# sentiment movie corpus (../shared/data/nsmc/nsmc.train.tsv.xz: 150,000 Korean reviews,
# label<TAB>review, labels 0 and 1, balanced).
#
# Data (prepared once under CLS_DIR, default $BENCH_DIR/nsmc = /tmp/nlp-bench/nsmc; a file is
# rebuilt when it is missing or older than its source, or always with CLS_REBUILD=1):
#   nsmc.tok.tsv       the 150,000 reviews tokenized by nlp-tokenize (word tokens, its default mode,
#                      which leaves Korean particles and endings on their words), label<TAB>tokens
#   {train,valid,test}.tsv  split by the 1-based line number n of that file: n % 10 == 0 test
#                      (15,000), n % 10 == 1 valid (15,000), the rest train (120,000)
#   {train,valid,test}.ft   the same as fastText reads them: __label__0 tokens
#   {train,valid,test}.ps.{tsv,ft}  the same with particle-split tokens (nlp-stopword
#                      --split-particles --list /dev/null: the particles become tokens of their
#                      own, nothing is removed)
#   train.bpe.codes    BPE merges learnt by nlp-bpe learn --merges CLS_BPE_MERGES (default 8000)
#                      on the tokens of train.tsv alone (train.bpe.codes.merges: the number, so
#                      that another CLS_BPE_MERGES rebuilds them and what follows)
#   {train,valid,test}.bpe.{tsv,ft}  the same texts with each word as its BPE pieces (nlp-bpe
#                      apply --codes train.bpe.codes, subword-nmt style: every piece but a word's
#                      last ends in @@, so a piece inside a word differs from one that ends it);
#                      without bin/nlp-bpe the BPE rows are skipped
#   kowiki-30M.tok     ../shared/data/kowiki-30M.txt.xz tokenized the same way
#   kowiki.d100.vec, kowiki.d128.vec  nlp-w2v skip-gram vectors of it (its defaults: window 5,
#                      5 negatives, sample 1e-3, min-count 5, 5 epochs; 2 threads, seed 1), word2vec
#                      text format: the pretrained vectors of the linear (100) and recurrent (128)
#                      rows
# Sections (all of them without an argument; prep alone only prepares the data):
#   stats     vocabulary of the train tokens (distinct words, words seen twice or more), lengths
#             of the texts in tokens (mean, median, 95th and 99th percentiles, max), coverage of
#             the train vocabulary by the pretrained vectors
#   fasttext  fastText supervised: -epoch 5 -wordNgrams 2; -epoch 10 -wordNgrams 2 -minn 1
#             -maxn 3; -epoch 5 -wordNgrams 2 -pretrainedVectors kowiki.d100.vec; -epoch 5
#             -wordNgrams 2 on particle-split tokens; -epoch 5 -wordNgrams 2 on BPE pieces.
#             Everything else at fastText's defaults
#             (dim 100, lr 0.1, minCount 1, bucket 2000000, softmax), -thread 2.
#   linear    nlp-classify train --linear with the same settings as each fastText row
#             (--epochs, --word-ngrams 2, --subword 1-3, --pretrained, -T 2); each pair runs
#             CLS_REPS (default 3) times, alternating (ours first on odd runs); with the linear
#             section alone, the fastText rows run too (they are the pairs' other half).
#             CLS_LINEAR_ROWS (default "w2 sub pre ps bpe") chooses the pairs: w2 words, sub
#             subwords 1-3, pre pretrained, ps particle-split, bpe BPE pieces
#   rnn       nlp-classify train (recurrent): a bidirectional LSTM with attention pooling; the same
#             with --pool last; with kowiki.d128.vec frozen (--pretrained --freeze) and fine-tuned
#             (--pretrained); on particle-split tokens; on BPE pieces alone and with --subword 1-3.
#             The other settings are nlp-classify's defaults plus CLS_RNN_OPTS; -T 2, --valid
#             valid.tsv (of the row's tokens; the best epoch is kept), CLS_RNN_REPS (default 1)
#             runs each. CLS_RNN_ROWS (default "rnn-att rnn-last rnn-words rnn-ps rnn-frozen
#             rnn-tuned rnn-bpe rnn-bpe-sub") chooses the rows
#   torch     bench/classify_torch.py (PyTorch, the same model, batching and training loop) with
#             the settings of the attention row, after nlp-classify's run of it when rnn runs too:
#               classify_torch.py train.tsv --valid valid.tsv --test test.tsv --threads 2
#                   --bidirectional --pool attention [CLS_RNN_OPTS]
#             its train s is the train_seconds it prints (its training loop; nlp-classify's is
#             the wall time of the whole train command, reading and validation included)
#             CLS_TORCH_OPTS adds options to its command alone (such as --epochs 1: PyTorch's
#             threads suffer most on a busy machine)
#   report    runs nothing: prints the table again from CLS_DIR/results.tsv (the last run's)
# Every row: accuracy and macro F1 on test.tsv (nlp-classify eval --json; fastText predict's
# labels against the true ones, checked against fastText test's P@1), the training command's wall
# time (the median over the runs), the time at which the model file was written (fastText then
# writes the .vec file of its 250,000 words, some 8 s), peak RSS (/usr/bin/time -v), the prediction time of the test
# set (fasttext predict; nlp-classify eval), the load average after the run, and the ratio of the
# training times ours / peer for the matching pairs (below 1: ours faster). Every command runs
# with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (BENCH.md: the peers at their best, ours the
# same way) and under nice. The table (markdown) goes to stdout, progress to stderr; the runs'
# figures are kept in CLS_DIR/results.tsv (this run's only).
#
# CLS_NLP_CLASSIFY names another nlp-classify binary (default bin/nlp-classify), e.g. a trial
# build of a branch not merged yet.
#
# What is missing is skipped with a note: nlp-classify (bin/nlp-classify: its rows), fastText
# (/usr/bin/fasttext), bench/classify_torch.py or torch (the PyTorch row). make deps-bench
# installs fasttext and python3-torch. Without the NSMC file the script says so and exits 0. It
# exits 1 when a command fails.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=classify.sh

usage() { echo "usage: $me [prep] [stats] [fasttext] [linear] [rnn] [torch] [all] [report]" >&2; exit 2; }
declare -A want=()
for a in "$@"; do
	case $a in
	prep | stats | fasttext | linear | rnn | torch | report) want[$a]=1 ;;
	all) want=([stats]=1 [fasttext]=1 [linear]=1 [rnn]=1 [torch]=1) ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || want=([stats]=1 [fasttext]=1 [linear]=1 [rnn]=1 [torch]=1)
# the linear pairs need the fastText rows
[ -z "${want[linear]:-}" ] || want[fasttext]=1

skip_without_data $me nsmc/nsmc.train.tsv.xz
need_bins $me nlp-tokenize nlp-stopword
have_bpe=0
[ ! -x "$bindir/nlp-bpe" ] || have_bpe=1
need_tools $me xz awk sort paste cut
need_time $me

out=${CLS_DIR:-$BENCH_DIR/nsmc}
reps=${CLS_REPS:-3}
rnn_reps=${CLS_RNN_REPS:-1}
CLS_RNN_OPTS=${CLS_RNN_OPTS---min-count 2 --dropout 0.5 --lr-decay 0.5 --epochs 3}
read -r -a rnn_opts <<<"$CLS_RNN_OPTS"
bpe_merges=${CLS_BPE_MERGES:-8000}
read -r -a torch_opts <<<"${CLS_TORCH_OPTS:-}"
threads=2
nsmc=$data/nsmc/nsmc.train.tsv.xz
kowiki=$data/kowiki-30M.txt.xz
fasttext=${FASTTEXT:-/usr/bin/fasttext}
torch_py=$bench/classify_torch.py
classify=${CLS_NLP_CLASSIFY:-$bindir/nlp-classify}
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-classify-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }
notes=()

# run OUT ERR CMD...: CMD niced, without the OpenBLAS variables, stdout OUT, stderr ERR; a failure
# prints the end of ERR and exits 1.
run()
{
	local o=$1 e=$2
	shift 2
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$@" >"$o" 2>"$e"; then
		echo "$me: failed: $*" >&2
		tail -n 5 "$e" >&2
		exit 1
	fi
}

# stale FILE SRC...: true when FILE must be (re)built: missing, empty, older than a SRC, or
# CLS_REBUILD=1.
stale()
{
	local f=$1 s
	shift
	[ "${CLS_REBUILD:-0}" != 1 ] || [ -n "${rebuilt[$f]:-}" ] || return 0
	[ -s "$f" ] || return 0
	for s in "$@"; do [ ! "$s" -nt "$f" ] || return 0; done
	return 1
}
declare -A rebuilt=()
# publish TMPFILE FILE: moves a finished file into place.
publish() { mv "$1" "$2"; rebuilt[$2]=1; }

# ---- data ----
# labelled TSV -> the same with the texts through CMD... (labels and tab kept)
retext()
{
	local in=$1 o=$2
	shift 2
	cut -f1 "$in" >"$tmp/labels"
	cut -f2- "$in" | env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$@" >"$tmp/texts"
	paste "$tmp/labels" "$tmp/texts" >"$o"
	[ "$(nlines "$in")" = "$(nlines "$o")" ] || { echo "$me: $* changed the line count of $in" >&2; exit 1; }
}

# fastText's form of a labelled TSV
to_ft() { awk -F'\t' '{ print "__label__" $1 " " $2 }' "$1" >"$2.tmp.$$" && publish "$2.tmp.$$" "$2"; }

prep_nsmc()
{
	local tok=$out/nsmc.tok.tsv v s empty
	if stale "$tok" "$nsmc"; then
		echo "$me: tokenizing $nsmc into $tok ..." >&2
		xz -dc "$nsmc" >"$tmp/nsmc.tsv"
		retext "$tmp/nsmc.tsv" "$tok.tmp.$$" "$bindir/nlp-tokenize"
		empty=$(awk -F'\t' '$2 !~ /[^ ]/' "$tok.tmp.$$" | wc -l)
		[ "$empty" = 0 ] || { echo "$me: $empty reviews have no token" >&2; exit 1; }
		publish "$tok.tmp.$$" "$tok"
	fi
	if stale "$out/train.tsv" "$tok" || stale "$out/valid.tsv" "$tok" || stale "$out/test.tsv" "$tok"; then
		echo "$me: splitting into train, valid and test ..." >&2
		awk -v d="$out" -v x=".tmp.$$" '{ f = NR % 10 == 0 ? "test" : NR % 10 == 1 ? "valid" : "train"; print > (d "/" f ".tsv" x) }' "$tok"
		for s in train valid test; do publish "$out/$s.tsv.tmp.$$" "$out/$s.tsv"; done
	fi
	for s in train valid test; do
		if stale "$out/$s.ps.tsv" "$out/$s.tsv"; then
			echo "$me: particle-split tokens of $s.tsv ..." >&2
			retext "$out/$s.tsv" "$out/$s.ps.tsv.tmp.$$" "$bindir/nlp-stopword" --split-particles --list /dev/null
			publish "$out/$s.ps.tsv.tmp.$$" "$out/$s.ps.tsv"
		fi
		for v in "" .ps; do
			! stale "$out/$s$v.ft" "$out/$s$v.tsv" || to_ft "$out/$s$v.tsv" "$out/$s$v.ft"
		done
	done
}

# BPE pieces: merges learnt on train.tsv's tokens alone, applied to the three splits
prep_bpe()
{
	local codes=$out/train.bpe.codes s
	[ $have_bpe = 1 ] || { notes+=("BPE rows skipped: $bindir/nlp-bpe is missing (make all on a branch that has it)"); return 0; }
	if [ "$(cat "$codes.merges" 2>/dev/null)" != "$bpe_merges" ] || stale "$codes" "$out/train.tsv"; then
		echo "$me: nlp-bpe learn --merges $bpe_merges on the tokens of train.tsv ..." >&2
		cut -f2- "$out/train.tsv" | env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice \
			"$bindir/nlp-bpe" learn --merges "$bpe_merges" >"$codes.tmp.$$"
		publish "$codes.tmp.$$" "$codes"
		echo "$bpe_merges" >"$codes.merges"
	fi
	for s in train valid test; do
		if stale "$out/$s.bpe.tsv" "$out/$s.tsv" "$codes"; then
			echo "$me: BPE pieces of $s.tsv ..." >&2
			retext "$out/$s.tsv" "$out/$s.bpe.tsv.tmp.$$" "$bindir/nlp-bpe" apply --codes "$codes"
			publish "$out/$s.bpe.tsv.tmp.$$" "$out/$s.bpe.tsv"
		fi
		! stale "$out/$s.bpe.ft" "$out/$s.bpe.tsv" || to_ft "$out/$s.bpe.tsv" "$out/$s.bpe.ft"
	done
}

prep_vectors()
{
	local d ko
	[ -f "$kowiki" ] || { notes+=("pretrained rows skipped: $kowiki is missing"); return 0; }
	[ -x "$bindir/nlp-w2v" ] || { notes+=("pretrained rows skipped: $bindir/nlp-w2v is missing (make all)"); return 0; }
	ko=$out/kowiki-30M.tok
	if stale "$ko" "$kowiki"; then
		echo "$me: tokenizing $kowiki ..." >&2
		xz -dc "$kowiki" | env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$bindir/nlp-tokenize" >"$ko.tmp.$$"
		publish "$ko.tmp.$$" "$ko"
	fi
	for d in 100 128; do
		if stale "$out/kowiki.d$d.vec" "$ko"; then
			echo "$me: $(date -u +%H:%M) nlp-w2v -d $d on kowiki-30M.tok (a few minutes) ..." >&2
			run /dev/null "$tmp/w2v.err" /usr/bin/time -v -o "$out/kowiki.d$d.time" "$bindir/nlp-w2v" \
				-d $d -T $threads --seed 1 --output "$out/kowiki.d$d.vec.tmp.$$" "$ko"
			publish "$out/kowiki.d$d.vec.tmp.$$" "$out/kowiki.d$d.vec"
			echo "nlp-w2v -d $d -T $threads --seed 1 kowiki-30M.tok at $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), load after $(load)" \
				>"$out/kowiki.d$d.info"
		fi
	done
}

prep_nsmc
prep_bpe
prep_vectors
if [ -n "${want[prep]:-}" ] && [ ${#want[@]} = 1 ]; then
	echo "$me: data ready in $out"
	exit 0
fi

# ---- statistics ----
# lengths FILE: "mean median p95 p99 max" of the texts' lengths in tokens (nearest-rank percentiles)
lengths()
{
	awk -F'\t' '{ print split($2, w, " ") }' "$1" | sort -n | awk '
		{ x[NR] = $1; s += $1 }
		function q(p,  k) { k = int(p * NR + 0.999999); if (k < 1) k = 1; return x[k] }
		END { printf "%.2f %s %s %s %s\n", s / NR, q(0.5), q(0.95), q(0.99), x[NR] }'
}

# vocab FILE: "types types_seen_twice tokens"
vocab()
{
	awk -F'\t' '{ n = split($2, w, " "); for (i = 1; i <= n; i++) c[w[i]]++; t += n }
		END { for (k in c) { v++; if (c[k] >= 2) v2++ } print v, v2, t }' "$1"
}

# coverage TSV VEC: "types_found types tokens_found tokens" of TSV's words in the vectors VEC
coverage()
{
	awk -F'\t' 'FNR == NR { if (FNR > 1) { sub(/ .*/, ""); have[$0] = 1 } next }
		{ n = split($2, w, " "); for (i = 1; i <= n; i++) c[w[i]]++ }
		END { for (k in c) { v++; t += c[k]; if (k in have) { vf++; tf += c[k] } } print vf, v, tf, t }' "$2" "$1"
}

stats_table()
{
	local s v f a b c l
	echo
	echo "### NSMC on our split (tokens of nlp-tokenize; .ps: particle-split; .bpe: BPE pieces, $(cat "$out/train.bpe.codes.merges" 2>/dev/null || echo '?') merges)"
	echo
	echo "| file | texts | tokens | distinct words | seen >= 2 times | mean length | median | 95th pct | 99th pct | max |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for f in train valid test train.ps train.bpe; do
		[ -s "$out/$f.tsv" ] || continue
		read -r a b c < <(vocab "$out/$f.tsv")
		read -r -a l < <(lengths "$out/$f.tsv")
		printf '| %s.tsv | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$f" "$(nlines "$out/$f.tsv")" "$c" "$a" "$b" \
			"${l[0]}" "${l[1]}" "${l[2]}" "${l[3]}" "${l[4]}"
	done
	echo
	echo "Labels of train.tsv: $(cut -f1 "$out/train.tsv" | sort | uniq -c | awk '{ printf "%s%s: %s", s, $2, $1; s = ", " }')."
	for d in 100 128; do
		v=$out/kowiki.d$d.vec
		[ -s "$v" ] || continue
		read -r a b c s < <(coverage "$out/train.tsv" "$v")
		echo "kowiki.d$d.vec ($(head -n 1 "$v" | cut -d' ' -f1) words): $a of the $b words of train.tsv ($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f%%", 100 * a / b }')), $c of its $s tokens ($(awk -v a="$c" -v b="$s" 'BEGIN { printf "%.1f%%", 100 * a / b }'))."
	done
}

[ -z "${want[stats]:-}" ] || stats_table

# ---- the rows ----
# id -> label, tool, tokens (variant: "" or .ps), options; pair[id]: the peer row of an nlp row.
declare -A label tool variant opts pair
row()
{
	label[$1]=$2 tool[$1]=$3 variant[$1]=$4 opts[$1]=$5
}
vec100=$out/kowiki.d100.vec vec128=$out/kowiki.d128.vec
row ft-w2 "fastText -epoch 5 -wordNgrams 2" fasttext "" "-epoch 5 -wordNgrams 2"
row ft-sub "fastText -epoch 10 -wordNgrams 2 -minn 1 -maxn 3" fasttext "" "-epoch 10 -wordNgrams 2 -minn 1 -maxn 3"
row ft-pre "fastText -epoch 5 -wordNgrams 2 -pretrainedVectors kowiki.d100.vec" fasttext "" "-epoch 5 -wordNgrams 2 -pretrainedVectors $vec100"
row ft-ps "fastText -epoch 5 -wordNgrams 2, particle-split" fasttext .ps "-epoch 5 -wordNgrams 2"
row lin-w2 "nlp-classify --linear --epochs 5 --word-ngrams 2" nlp "" "--linear --epochs 5 --word-ngrams 2"
row lin-sub "nlp-classify --linear --epochs 10 --word-ngrams 2 --subword 1-3" nlp "" "--linear --epochs 10 --word-ngrams 2 --subword 1-3"
row lin-pre "nlp-classify --linear --epochs 5 --word-ngrams 2 --pretrained kowiki.d100.vec" nlp "" "--linear --epochs 5 --word-ngrams 2 --pretrained $vec100"
row lin-ps "nlp-classify --linear --epochs 5 --word-ngrams 2, particle-split" nlp .ps "--linear --epochs 5 --word-ngrams 2"
row ft-bpe "fastText -epoch 5 -wordNgrams 2, BPE pieces" fasttext .bpe "-epoch 5 -wordNgrams 2"
row lin-bpe "nlp-classify --linear --epochs 5 --word-ngrams 2, BPE pieces" nlp .bpe "--linear --epochs 5 --word-ngrams 2"
pair=([lin-w2]=ft-w2 [lin-sub]=ft-sub [lin-pre]=ft-pre [lin-ps]=ft-ps [lin-bpe]=ft-bpe [rnn-att]=torch-att)
ro=${CLS_RNN_OPTS:-}
sub="--subword 1-3"
row rnn-att "nlp-classify BiLSTM, attention, $sub${ro:+ $ro}" nlp "" "--bidirectional --pool attention $sub"
row rnn-last "nlp-classify BiLSTM, --pool last, $sub${ro:+ $ro}" nlp "" "--bidirectional --pool last $sub"
row rnn-words "nlp-classify BiLSTM, attention, words alone${ro:+ $ro}" nlp "" "--bidirectional --pool attention"
row rnn-ps "nlp-classify BiLSTM, attention, particle-split, $sub${ro:+ $ro}" nlp .ps "--bidirectional --pool attention $sub"
row rnn-frozen "nlp-classify BiLSTM, attention, $sub, kowiki.d128.vec frozen${ro:+ $ro}" nlp "" "--bidirectional --pool attention $sub --pretrained $vec128 --freeze"
row rnn-tuned "nlp-classify BiLSTM, attention, $sub, kowiki.d128.vec fine-tuned${ro:+ $ro}" nlp "" "--bidirectional --pool attention $sub --pretrained $vec128"
row rnn-bpe "nlp-classify BiLSTM, attention, BPE pieces alone${ro:+ $ro}" nlp .bpe "--bidirectional --pool attention"
row rnn-bpe-sub "nlp-classify BiLSTM, attention, BPE pieces, $sub${ro:+ $ro}" nlp .bpe "--bidirectional --pool attention $sub"
row torch-att "PyTorch BiLSTM, attention, $sub${ro:+ $ro}${CLS_TORCH_OPTS:+ $CLS_TORCH_OPTS}" torch "" "--bidirectional --pool attention $sub"
read -r -a rnn_ids <<<"${CLS_RNN_ROWS:-rnn-att rnn-last rnn-words rnn-ps rnn-frozen rnn-tuned rnn-bpe rnn-bpe-sub}"
read -r -a linear_ids <<<"${CLS_LINEAR_ROWS:-w2 sub pre ps bpe}"
for id in "${rnn_ids[@]}"; do [ -n "${label[$id]:-}" ] || { echo "$me: unknown row in CLS_RNN_ROWS: $id" >&2; exit 2; }; done
for id in "${linear_ids[@]}"; do [ -n "${label[ft-$id]:-}" ] || { echo "$me: unknown pair in CLS_LINEAR_ROWS: $id" >&2; exit 2; }; done

have_ft=0 have_nlp=0 have_torch=0
if [ -x "$fasttext" ]; then have_ft=1; elif [ -n "${want[fasttext]:-}" ]; then notes+=("fastText rows skipped: $fasttext is missing (make deps-bench installs fasttext)"); fi
if [ -x "$classify" ]; then have_nlp=1; elif [ -n "${want[linear]:-}${want[rnn]:-}" ]; then notes+=("nlp-classify rows skipped: $classify does not exist yet (make all on a branch that has it)"); fi
if [ -z "${want[torch]:-}" ]; then
	:
elif [ ! -f "$torch_py" ]; then
	notes+=("PyTorch row skipped: $torch_py is missing")
elif ! "$PY" -c 'import torch' 2>/dev/null; then
	notes+=("PyTorch row skipped: $PY cannot import torch (make deps-bench installs python3-torch)")
else
	have_torch=1
fi

# skipped ID: why row ID cannot run ("" when it can)
skipped()
{
	local id=$1
	case ${tool[$id]} in
	fasttext) [ $have_ft = 1 ] || { echo "no fastText"; return; } ;;
	nlp) [ $have_nlp = 1 ] || { echo "no nlp-classify"; return; } ;;
	torch) [ $have_torch = 1 ] || { echo "no classify_torch.py or torch"; return; } ;;
	esac
	[ "${variant[$id]}" != .bpe ] || [ -s "$out/train.bpe.tsv" ] || { echo "no nlp-bpe"; return; }
	case ${opts[$id]} in *kowiki.d*) [[ ${opts[$id]} =~ (/[^ ]*kowiki\.d[0-9]+\.vec) ]] && [ -s "${BASH_REMATCH[1]}" ] || echo "no pretrained vectors" ;; esac
}

res=$out/results.tsv
report=${want[report]:-}
if [ -n "$report" ]; then
	[ -s "$res" ] || { echo "$me: nothing to report: $res is empty or missing" >&2; exit 1; }
	want=([report]=1)
	have_ft=1 have_nlp=1 have_torch=1 notes=()
else
	: >"$res"
	{
		echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), nlp at $commit; $(machine); $threads threads;"
		echo "fastText $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?'); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every row."
		[ $have_nlp = 0 ] || [ "$classify" = "$bindir/nlp-classify" ] || echo "nlp-classify: $classify."
	} >"$res.info"
fi
# record ID RUN ACC F1 TRAIN_S RSS_KB PREDICT_S MODEL_S: a line of results.tsv, the load appended
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(load)" >>"$res"; }

# wall: seconds since t0 (microseconds)
now() { echo "${EPOCHREALTIME/[.,]/}"; }
secs() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1e6 }'; }
# written FILE T0: seconds from T0 (microseconds) to FILE's last change
written() { awk -v m="$(stat -c %.6Y "$1")" -v t="$2" 'BEGIN { printf "%.2f", m - t / 1e6 }'; }
rss_of() { awk -F': *' '/Maximum resident set size/ { print $2 }' "$1"; }

# ft_scores TRUE_FT PRED: "accuracy macro_f1" of fastText's predicted labels against the true ones
ft_scores()
{
	paste -d' ' <(awk '{ print $1 }' "$1") <(awk '{ print $1 }' "$2") | awk '
		NF < 2 { $2 = "none" }
		{ n++; t[$1]++; p[$2]++; lab[$1] = 1; if ($1 == $2) { ok++; tp[$1]++ } }
		END { for (c in lab) { pr = p[c] ? tp[c] / p[c] : 0; rc = tp[c] / t[c]; f += pr + rc ? 2 * pr * rc / (pr + rc) : 0; k++ }
		      printf "%.4f %.4f\n", ok / n, f / k }'
}

run_fasttext()
{
	local id=$1 r=$2 v=${variant[$1]} o t0 t1 t2 acc f1 p1
	read -r -a o <<<"${opts[$id]}"
	echo "$me: $(date -u +%H:%M) $id run $r: fasttext supervised ${opts[$id]} ..." >&2
	rm -f "$tmp/ft.bin" "$tmp/ft.vec"
	t0=$(now)
	run "$tmp/train.out" "$tmp/train.err" /usr/bin/time -v -o "$tmp/time.txt" "$fasttext" supervised \
		-input "$out/train$v.ft" -output "$tmp/ft" "${o[@]}" -thread $threads
	t1=$(now)
	run "$tmp/pred.txt" "$tmp/pred.err" "$fasttext" predict "$tmp/ft.bin" "$out/test$v.ft"
	t2=$(now)
	read -r acc f1 < <(ft_scores "$out/test$v.ft" "$tmp/pred.txt")
	run "$tmp/test.txt" "$tmp/test.err" "$fasttext" test "$tmp/ft.bin" "$out/test$v.ft"
	p1=$(awk '$1 == "P@1" { print $2 }' "$tmp/test.txt")
	awk -v a="$acc" -v p="$p1" 'BEGIN { d = a - p; exit !(d < 6e-4 && d > -6e-4) }' ||
		notes+=("$id run $r: accuracy from predict $acc differs from fasttext test's P@1 $p1")
	record "$id" "$r" "$acc" "$f1" "$(secs $((t1 - t0)))" "$(rss_of "$tmp/time.txt")" "$(secs $((t2 - t1)))" \
		"$(written "$tmp/ft.bin" "$t0")"
	rm -f "$tmp/ft.bin" "$tmp/ft.vec"
}

run_nlp()
{
	local id=$1 r=$2 v=${variant[$1]} o t0 t1 t2 acc f1 valid=()
	read -r -a o <<<"${opts[$id]}"
	case $id in rnn-*) o+=("${rnn_opts[@]}"); valid=(--valid "$out/valid$v.tsv" --log "$out/$id.log") ;; esac
	echo "$me: $(date -u +%H:%M) $id run $r: nlp-classify train ${o[*]} ${valid[*]} ..." >&2
	rm -f "$tmp/m.cls"
	t0=$(now)
	run "$tmp/train.out" "$out/$id.err" /usr/bin/time -v -o "$tmp/time.txt" "$classify" train \
		--output "$tmp/m.cls" "${o[@]}" "${valid[@]}" -T $threads "$out/train$v.tsv"
	t1=$(now)
	run "$tmp/eval.json" "$tmp/eval.err" "$classify" eval --model "$tmp/m.cls" --json -T $threads "$out/test$v.tsv"
	t2=$(now)
	acc=$(sed -n 's/.*"accuracy": *\([-0-9.eE+]*\).*/\1/p' "$tmp/eval.json" | head -n 1)
	f1=$(sed -n 's/.*"macro_f1": *\([-0-9.eE+]*\).*/\1/p' "$tmp/eval.json" | head -n 1)
	record "$id" "$r" "$(awk -v x="${acc:-nan}" 'BEGIN { printf "%.4f", x }')" "$(awk -v x="${f1:-nan}" 'BEGIN { printf "%.4f", x }')" \
		"$(secs $((t1 - t0)))" "$(rss_of "$tmp/time.txt")" "$(secs $((t2 - t1)))" "$(written "$tmp/m.cls" "$t0")"
	rm -f "$tmp/m.cls"
}

run_torch()
{
	local id=$1 r=$2 v=${variant[$1]} o t0 t1 acc f1 ts
	read -r -a o <<<"${opts[$id]}"
	o+=("${rnn_opts[@]}" "${torch_opts[@]}")
	echo "$me: $(date -u +%H:%M) $id run $r: classify_torch.py ${o[*]} ..." >&2
	t0=$(now)
	# OMP_WAIT_POLICY=PASSIVE: PyTorch at its best on a shared machine (its OpenMP threads
	# spin-wait by default, 2 to 10 times slower here when another job holds a core)
	run "$out/$id.out" "$out/$id.err" /usr/bin/time -v -o "$tmp/time.txt" \
		env OMP_WAIT_POLICY=PASSIVE "$PY" "$torch_py" "$out/train$v.tsv" \
		--valid "$out/valid$v.tsv" --test "$out/test$v.tsv" --threads $threads "${o[@]}"
	t1=$(now)
	# its stdout: accuracy<TAB>macro_f1<TAB>train_seconds
	read -r acc f1 ts < <(tail -n 1 "$out/$id.out")
	record "$id" "$r" "$(awk -v x="${acc:-nan}" 'BEGIN { printf "%.4f", x }')" "$(awk -v x="${f1:-nan}" 'BEGIN { printf "%.4f", x }')" \
		"${ts:-$(secs $((t1 - t0)))}" "$(rss_of "$tmp/time.txt")" - -
}

run_row()
{
	local id=$1 r=$2 why
	why=$(skipped "$id")
	[ -z "$why" ] || return 0
	case ${tool[$id]} in
	fasttext) run_fasttext "$id" "$r" ;;
	nlp) run_nlp "$id" "$r" ;;
	torch) run_torch "$id" "$r" ;;
	esac
}

ids=()
if [ -n "${want[fasttext]:-}" ] || [ -n "${want[linear]:-}" ]; then
	for p in "${linear_ids[@]}"; do
		ids+=("ft-$p")
		[ -z "${want[linear]:-}" ] || ids+=("lin-$p")
		for r in $(seq 1 "$reps"); do
			if [ -n "${want[linear]:-}" ] && ((r % 2)); then run_row "lin-$p" "$r"; fi
			[ -z "${want[fasttext]:-}" ] || run_row "ft-$p" "$r"
			if [ -n "${want[linear]:-}" ] && ! ((r % 2)); then run_row "lin-$p" "$r"; fi
		done
	done
fi
if [ -n "${want[rnn]:-}" ] || [ -n "${want[torch]:-}" ]; then
	for id in "${rnn_ids[@]}"; do
		if [ -n "${want[rnn]:-}" ]; then
			ids+=("$id")
			for r in $(seq 1 "$rnn_reps"); do run_row "$id" "$r"; done
		fi
		if [ "$id" = rnn-att ] && [ -n "${want[torch]:-}" ]; then
			ids+=(torch-att)
			for r in $(seq 1 "$rnn_reps"); do run_row torch-att "$r"; done
		fi
	done
fi

# ---- the table ----
[ -z "$report" ] || mapfile -t ids < <(cut -f1 "$res" | awk '!seen[$0]++')
# med ID COL: the median of column COL over ID's runs; list ID COL: the runs' values
med()
{
	awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c != "-" { print $c }' "$res" | sort -g | awk '
		{ x[NR] = $1 } END { if (NR) printf "%.2f\n", (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2 }'
}
list() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id { printf "%s%s", s, $c; s = " / " }' "$res"; }
meanof() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c != "nan" { s += $c; n++ } END { if (n) printf "%.4f\n", s / n }' "$res"; }

if [ ${#ids[@]} -gt 0 ]; then
	echo
	echo "### Text classification, NSMC: train $(nlines "$out/train.tsv"), test $(nlines "$out/test.tsv") reviews"
	echo
	cat "$res.info"
	echo
	echo "| row | tokens | accuracy | macro F1 | train s (runs) | model file at s | peak RSS | predict s | ours / peer | load after each run |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for id in "${ids[@]}"; do
		why=$(skipped "$id")
		case ${variant[$id]} in
		.ps) tok=particle-split ;;
		.bpe) tok="BPE, $(cat "$out/train.bpe.codes.merges" 2>/dev/null || echo '?') merges" ;;
		*) tok=words ;;
		esac
		if [ -n "$why" ] || ! grep -q "^$id	" "$res"; then
			echo "| ${label[$id]} | $tok | skipped: ${why:-not run} | | | | | | | |"
			continue
		fi
		ratio=-
		if [ -n "${pair[$id]:-}" ]; then
			a=$(med "$id" 5) b=$(med "${pair[$id]}" 5)
			[ -z "$a" ] || [ -z "$b" ] || ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
		fi
		n=$(awk -F'\t' -v id="$id" '$1 == id' "$res" | wc -l)
		runs=""
		[ "$n" -le 1 ] || runs=" ($(list "$id" 5))"
		accs=$(meanof "$id" 3)
		[ "$n" -le 1 ] || accs="$accs ($(list "$id" 3))"
		printf '| %s | %s | %s | %s | %s%s | %s | %s | %s | %s | %s |\n' "${label[$id]}" "$tok" "$accs" "$(meanof "$id" 4)" \
			"$(med "$id" 5)" "$runs" "$(med "$id" 8)" \
			"$(mb "$(awk -F'\t' -v id="$id" '$1 == id && $6 > m { m = $6 } END { print m + 0 }' "$res")")" \
			"$(med "$id" 7)" "$ratio" "$(list "$id" 9)"
	done
	echo
	echo "accuracy: the mean over the runs (each run's in brackets); macro F1: the mean; train s: the median"
	echo "wall time of the training command (PyTorch: its training loop); model file at s: when the model"
	echo "file was written, from the start (fastText writes its .vec file after it); peak RSS: the largest"
	echo "of the training runs; predict s: the median time to label test.tsv (fasttext predict;"
	echo "nlp-classify eval); ours / peer: median training time of the nlp-classify row over its pair's"
	echo "(fastText for the linear rows, PyTorch for the attention row; below 1: ours faster). Loads are"
	echo "the 1, 5 and 15 minute averages on $(nproc) processors."
	busy=$(awk -F'\t' -v n="$(nproc)" '{ split($9, l, " "); if (l[1] + 0 > m) m = l[1] + 0 } END { if (m > n) print m }' "$res")
	[ -z "$busy" ] || notes+=("the machine was busy during the runs (load average up to $busy on $(nproc) processors): other jobs took CPU time, the times are high and noisy; run again in a quiet moment")
fi

echo
for x in "${notes[@]}"; do echo "note: $x"; done
exit 0
