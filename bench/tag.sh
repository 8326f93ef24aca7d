#!/usr/bin/env bash
# bench/tag.sh [--quick] [linear] [rnn] [spacing] [report]: sequence tagging (issue 18), nlp-tag
# against NLTK's averaged perceptron (bench/tag_nltk.py, python3-nltk) and a PyTorch BiLSTM-CNN
# of the same architecture as ours (bench/tag_torch.py, python3-torch), side by side.
#
# Data, decompressed once into TAG_DIR (default $BENCH_DIR/tag, so /tmp/nlp-bench/tag):
#   train.conllu, dev.conllu  UD English GUM (../shared/data/ud-english-gum): train 178,797 tokens,
#                 dev 28,119; UPOS tags
#   dev.txt       dev's tokens, a sentence a line (the tagging speed input of ours, repeated
#                 TAG_TAG_REPEAT times, default 10, in dev-rep.txt)
#   kowiki-30k.txt  the first TAG_SPACING_LINES (30000) lines of ../shared/data/kowiki-30M.txt.xz,
#                 the spacing training text of both tools; kowiki-valid.txt the 1000 lines after
#                 them (--valid of our recurrent spacing model); kowiki-30M.txt the whole
#   ko-gold.txt   the `# text = ` lines of the UD Korean GSD and Kaist development sets
#                 (../shared/data/ud-korean), correctly spaced: the spacing evaluation
# Sections (all without an argument):
#   linear   UPOS on GUM: nlp-tag train --linear (-T 1: NLTK has one thread) then eval on dev,
#            and tag_nltk.py pos (5 iterations), TAG_REPS (3) runs each, alternating (ours first
#            on odd runs); the most-frequent-tag baseline (from tag_nltk.py's first run)
#   rnn      UPOS on GUM: nlp-tag train (its recurrent defaults: BiLSTM 128, emb 100, character
#            CNN 32/64/3, dropout 0.33, Adam 0.001, batch 32, 10 epochs, patience 3) --valid
#            dev.conllu --log, then eval on dev; and tag_torch.py with the same settings (its
#            defaults), TAG_RNN_REPS (1) runs each on each thread count of TAG_THREADS ("2"; e.g.
#            "1 2"), alternating; PyTorch with OMP_WAIT_POLICY=PASSIVE (its threads spin
#            otherwise on a shared machine). TAG_RNN_OPTS (empty) adds options to both
#   spacing  Korean spacing: nlp-tag train --spacing --linear on kowiki-30k.txt and on all of
#            kowiki-30M.txt, nlp-tag train --spacing (recurrent, --epochs TAG_SPACING_EPOCHS,
#            default 3, --valid kowiki-valid.txt; TAG_SPACING_RNN=0 leaves it out), each then
#            nlp-tag eval on ko-gold.txt; tag_nltk.py spacing on kowiki-30k.txt
#   report   runs nothing: prints the tables again from TAG_DIR/results.tsv
#   --quick  a smoke run: 1,000 training sentences and 300 dev ones, 2 epochs of the recurrent
#            taggers, 2,000 lines of kowiki, 300 gold lines, one run each, no whole-kowiki row;
#            its files carry a .quick suffix
# Figures: accuracy on dev over all tokens, known ones (their lowercased form is a training
# token's) and unknown ones; training time: ours the wall time of the train command (reading and
# validation included) and its CPU time (user + system, /usr/bin/time -v); NLTK train() alone
# (wall and CPU, measured inside); PyTorch its training loops alone (the epochs' sum; CPU -);
# s/epoch (recurrent): the mean of the training seconds of each epoch (ours from --log); tagging
# tokens/s: ours `nlp-tag --model M --tags-only` on dev-rep.txt (the whole command), NLTK tag()
# per sentence of dev, PyTorch the dev set in batches of 256 sentences of one length; peak RSS of
# the training command (/usr/bin/time -v; Python's whole process). Spacing: precision, recall
# and F1 of the space decisions (the gaps between a line's characters), the training and RSS
# figures as above.
#
# Every command runs under nice with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (BENCH.md: the
# peers at their best, ours the same way). TAG_NLP_TAG names another nlp-tag binary (default
# bin/nlp-tag). What is missing is skipped with a note: nlp-tag (its rows), NLTK or torch
# (make deps-bench installs python3-nltk and python3-torch). Without the data the script says so
# and exits 0; it exits 1 when a command fails. The table (markdown) goes to stdout, progress to
# stderr, the runs' figures to TAG_DIR/results.tsv (a section run replaces its rows there and
# keeps the others', so the sections can run apart; the head of the table is the last run's).
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=tag.sh

usage() { echo "usage: $me [--quick] [linear] [rnn] [spacing] [report]" >&2; exit 2; }
declare -A want=()
quick=0
for a in "$@"; do
	case $a in
	linear | rnn | spacing | report) want[$a]=1 ;;
	--quick) quick=1 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ ${#want[@]} -gt 0 ] || want=([linear]=1 [rnn]=1 [spacing]=1)

skip_without_data $me ud-english-gum/en_gum-train.conllu.xz ud-english-gum/en_gum-ud-dev.conllu.xz \
	kowiki-30M.txt.xz ud-korean/ko_gsd-ud-dev.conllu.xz ud-korean/ko_kaist-ud-dev.conllu.xz
need_tools $me xz awk head
need_time $me

out=${TAG_DIR:-$BENCH_DIR/tag}
tag=${TAG_NLP_TAG:-$bindir/nlp-tag}
read -r -a thread_list <<<"${TAG_THREADS:-2}"
read -r -a rnn_opts <<<"${TAG_RNN_OPTS:-}"
reps=${TAG_REPS:-3} rnn_reps=${TAG_RNN_REPS:-1}
sp_lines=${TAG_SPACING_LINES:-30000} sp_epochs=${TAG_SPACING_EPOCHS:-3} sp_rnn=${TAG_SPACING_RNN:-1}
repeat=${TAG_TAG_REPEAT:-10}
q="" epochs=()
if [ $quick = 1 ]; then
	q=.quick reps=1 rnn_reps=1 sp_lines=2000 epochs=(--epochs 2) sp_epochs=1
fi
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-tag-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }
notes=()

# run OUT ERR CMD...: CMD niced, without the OpenBLAS variables, under /usr/bin/time -v (into
# $tmp/time.txt), stdout OUT, stderr ERR; a failure prints the end of ERR and exits 1.
run()
{
	local o=$1 e=$2
	shift 2
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v -o "$tmp/time.txt" nice "$@" >"$o" 2>"$e"; then
		echo "$me: failed: $*" >&2
		tail -n 5 "$e" >&2
		exit 1
	fi
}
rss_of() { awk -F': *' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt"; }
cpu_of() { awk -F': *' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tmp/time.txt"; }
now() { echo "${EPOCHREALTIME/[.,]/}"; }
secs() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1e6 }'; }
# key FILE NAME [FIELD]: field FIELD (2) of the line of FILE whose first field is NAME
key() { awk -F'\t' -v k="$2" -v f="${3:-2}" '$1 == k { print $f; exit }' "$1"; }

# ---- data ----
# conllu NAME SRC.xz N: the first N sentences (0: all) of SRC as $out/NAME
conllu()
{
	local dst=$out/$1
	[ -s "$dst" ] && [ ! "$2" -nt "$dst" ] && return 0
	xz -dc "$2" | awk -v n="$3" 'BEGIN { RS = ""; ORS = "\n\n" } n == 0 || NR <= n' >"$dst.tmp.$$"
	mv "$dst.tmp.$$" "$dst"
}
gum=$data/ud-english-gum
train=$out/train$q.conllu dev=$out/dev$q.conllu
if [ -n "${want[linear]:-}${want[rnn]:-}" ]; then
	conllu "train$q.conllu" "$gum/en_gum-train.conllu.xz" "$([ $quick = 1 ] && echo 1000 || echo 0)"
	conllu "dev$q.conllu" "$gum/en_gum-ud-dev.conllu.xz" "$([ $quick = 1 ] && echo 300 || echo 0)"
	# dev's tokens as text, a sentence a line (a blank in a token as nlp-tag reads it: U+00A0)
	awk -F'\t' '/^#/ { next } NF == 10 && $1 !~ /[-.]/ { gsub(/ /, "\302\240", $2); s = s (s == "" ? "" : " ") $2; next }
		NF == 0 && s != "" { print s; s = "" } END { if (s != "") print s }' "$dev" >"$out/dev$q.txt"
	for _ in $(seq 1 "$repeat"); do cat "$out/dev$q.txt"; done >"$out/dev-rep$q.txt"
	dev_tokens=$(awk '{ n += NF } END { print n }' "$out/dev$q.txt")
fi
if [ -n "${want[spacing]:-}" ]; then
	ko=$(unxz_cached kowiki-30M)
	head -n "$sp_lines" "$ko" >"$out/kowiki-30k$q.txt"
	# (no head in a pipe: under pipefail its early exit fails the writer)
	sed -n "$((sp_lines + 1)),$((sp_lines + 1000))p" "$ko" >"$out/kowiki-valid$q.txt"
	for f in ko_gsd-ud-dev ko_kaist-ud-dev; do
		xz -dc "$data/ud-korean/$f.conllu.xz" | sed -n 's/^# text = //p'
	done | awk -v n="$([ $quick = 1 ] && echo 300 || echo 0)" 'n == 0 || NR <= n' >"$out/ko-gold$q.txt"
fi

have_tag=0 have_nltk=0 have_torch=0
if [ -x "$tag" ]; then have_tag=1; else notes+=("nlp-tag rows skipped: $tag does not exist yet (make all on a branch that has it)"); fi
# the linear tagger came on its own branch: a build without it fails on a one-line TSV
have_lin=$have_tag
if [ $have_tag = 1 ]; then
	printf 'a\tX\nb\tY\n' >"$tmp/probe.tsv"
	if ! "$tag" train --linear --output "$tmp/probe.tag" "$tmp/probe.tsv" >/dev/null 2>"$tmp/probe.err"; then
		have_lin=0
		notes+=("nlp-tag --linear rows skipped: $(head -n 1 "$tmp/probe.err")")
	fi
fi
if "$PY" -c 'import nltk.tag.perceptron' 2>/dev/null; then have_nltk=1; else notes+=("NLTK rows skipped: $PY cannot import nltk (make deps-bench installs python3-nltk)"); fi
if "$PY" -c 'import torch' 2>/dev/null; then have_torch=1; else notes+=("PyTorch rows skipped: $PY cannot import torch (make deps-bench installs python3-torch)"); fi

res=$out/results$q.tsv
if [ -n "${want[report]:-}" ]; then
	[ -s "$res" ] || { echo "$me: nothing to report: $res is empty or missing" >&2; exit 1; }
else
	# this run's sections replace their rows; the other sections' rows stay
	pat=""
	[ -z "${want[linear]:-}" ] || pat="$pat|lin|nltk|mft"
	[ -z "${want[rnn]:-}" ] || pat="$pat|rnn-T[0-9]+|torch-T[0-9]+"
	[ -z "${want[spacing]:-}" ] || pat="$pat|sp-[a-z-]+"
	touch "$res"
	awk -F'\t' -v p="^(${pat#|})\$" '$1 !~ p' "$res" >"$tmp/res" && cat "$tmp/res" >"$res"
	{
		echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), nlp at $commit; $(machine);"
		echo "NLTK $("$PY" -c 'import nltk; print(nltk.__version__)' 2>/dev/null || echo '?'), PyTorch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo '?'); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every row; every command under nice."
		[ $have_tag = 0 ] || [ "$tag" = "$bindir/nlp-tag" ] || echo "nlp-tag: $tag."
		[ $quick = 0 ] || echo "QUICK smoke run: 1,000 training sentences, 300 dev ones, 2 epochs; $sp_lines kowiki lines, 300 gold lines."
	} >"$res.info"
fi
# record ID RUN A B C TRAIN_WALL TRAIN_CPU EPOCH_S TAG_PER_S RSS_KB: a line of results.tsv, the
# load appended (A B C: accuracy, known, unknown; spacing rows: precision, recall, F1)
declare -A ran=()
record() { ran[$1]=1; printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(load)" >>"$res"; }
num() { awk -v x="${1:-nan}" 'BEGIN { printf "%.4f", x }'; }

# ours_eval MODEL GOLD: "accuracy known unknown" of nlp-tag eval's text report (its lines
# `accuracy  0.9512  (n/N)`, `known ...`, `unknown ...`); spacing models: "precision recall F1"
# of the space decisions (its first line `spaces    precision P  recall R  F1 F  (...)`)
ours_eval()
{
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$tag" eval --model "$1" "$2" >"$tmp/eval.txt" 2>"$tmp/eval.err" ||
		{ echo "$me: nlp-tag eval --model $1 $2 failed" >&2; tail -n 5 "$tmp/eval.err" >&2; exit 1; }
	awk '$1 == "spaces" && $2 == "precision" && !sp { sp = $3 " " $5 " " $7 }
		$1 ~ /^(accuracy|known|unknown)$/ && !($1 in v) { v[$1] = $2 }
		END { if (sp != "") print sp; else print v["accuracy"], v["known"], v["unknown"] }' "$tmp/eval.txt"
}

# ours_tag_speed MODEL THREADS: tokens a second of nlp-tag tagging dev-rep.txt (the whole command)
ours_tag_speed()
{
	local t0 t1 n
	t0=$(now)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$tag" --model "$1" --tags-only -T "$2" "$out/dev-rep$q.txt" >"$tmp/tags.txt" 2>"$tmp/tag.err" ||
		{ echo "$me: nlp-tag --model $1 failed" >&2; tail -n 5 "$tmp/tag.err" >&2; exit 1; }
	t1=$(now)
	n=$(awk '{ n += NF } END { print n + 0 }' "$tmp/tags.txt")
	[ "$n" = $((dev_tokens * repeat)) ] || notes+=("nlp-tag tagged $n tokens of dev-rep.txt, not $((dev_tokens * repeat))")
	awk -v n="$n" -v u=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (u / 1e6) }'
}

run_lin()
{
	local r=$1 t0 t1 a k u
	echo "$me: $(date -u +%H:%M) lin run $r: nlp-tag train --linear ..." >&2
	t0=$(now)
	run "$tmp/train.out" "$out/lin.err" "$tag" train --linear --output "$tmp/lin.tag" -T 1 "$train"
	t1=$(now)
	local rss cpu
	rss=$(rss_of) cpu=$(cpu_of)
	read -r a k u < <(ours_eval "$tmp/lin.tag" "$dev")
	record lin "$r" "$(num "$a")" "$(num "$k")" "$(num "$u")" "$(secs $((t1 - t0)))" "$cpu" - \
		"$(ours_tag_speed "$tmp/lin.tag" 1)" "$rss"
}

run_nltk()
{
	local r=$1 o=$out/nltk-pos$q.tsv
	echo "$me: $(date -u +%H:%M) nltk run $r: tag_nltk.py pos ..." >&2
	run "$o" "$out/nltk-pos.err" "$PY" "$bench/tag_nltk.py" pos "$train" "$dev"
	record nltk "$r" "$(num "$(key "$o" accuracy)")" "$(num "$(key "$o" known)")" "$(num "$(key "$o" unknown)")" \
		"$(key "$o" train_wall_s)" "$(key "$o" train_cpu_s)" - "$(key "$o" tag_tokens_per_s)" "$(rss_of)"
	[ "$r" != 1 ] || record mft 1 "$(num "$(key "$o" mft_accuracy)")" "$(num "$(key "$o" mft_known)")" \
		"$(num "$(key "$o" mft_unknown)")" - - - - -
}

run_rnn()
{
	local r=$1 t=$2 t0 t1 a k u rss cpu ep
	echo "$me: $(date -u +%H:%M) rnn-T$t run $r: nlp-tag train -T $t ${epochs[*]} ${rnn_opts[*]} ..." >&2
	t0=$(now)
	run "$tmp/train.out" "$out/rnn-T$t.err" "$tag" train --output "$tmp/rnn.tag" --valid "$dev" \
		--log "$out/rnn-T$t$q.log" -T "$t" "${epochs[@]}" "${rnn_opts[@]}" "$train"
	t1=$(now)
	rss=$(rss_of) cpu=$(cpu_of)
	# the log's seconds column (7th) of each epoch's line
	ep=$(awk -F'\t' '$1 ~ /^[0-9]+$/ { s += $7; n++ } END { if (n) printf "%.2f", s / n; else print "-" }' "$out/rnn-T$t$q.log")
	read -r a k u < <(ours_eval "$tmp/rnn.tag" "$dev")
	record "rnn-T$t" "$r" "$(num "$a")" "$(num "$k")" "$(num "$u")" "$(secs $((t1 - t0)))" "$cpu" "$ep" \
		"$(ours_tag_speed "$tmp/rnn.tag" "$t")" "$rss"
}

run_torch()
{
	local r=$1 t=$2 o ep
	o=$out/torch-T$t$q.tsv
	echo "$me: $(date -u +%H:%M) torch-T$t run $r: tag_torch.py -T $t ${epochs[*]} ${rnn_opts[*]} ..." >&2
	run "$o" "$out/torch-T$t.err" env OMP_WAIT_POLICY=PASSIVE "$PY" "$bench/tag_torch.py" "$train" \
		--valid "$dev" -T "$t" "${epochs[@]}" "${rnn_opts[@]}"
	ep=$(awk -F'\t' '$1 == "epoch" { s += $8; n++ } END { if (n) printf "%.2f", s / n; else print "-" }' "$o")
	record "torch-T$t" "$r" "$(num "$(key "$o" accuracy)")" "$(num "$(key "$o" known)")" "$(num "$(key "$o" unknown)")" \
		"$(key "$o" train_seconds)" - "$ep" "$(key "$o" tag_tokens_per_s)" "$(rss_of)"
}

# run_sp_ours ID TEXT [OPTIONS...]: a spacing model of ours trained on TEXT, evaluated on ko-gold
run_sp_ours()
{
	local id=$1 text=$2 t0 t1 p rc f rss cpu
	shift 2
	echo "$me: $(date -u +%H:%M) $id: nlp-tag train --spacing $* $(basename "$text") ..." >&2
	t0=$(now)
	run "$tmp/train.out" "$out/$id.err" "$tag" train --spacing --output "$tmp/$id.tag" "$@" "$text"
	t1=$(now)
	rss=$(rss_of) cpu=$(cpu_of)
	read -r p rc f < <(ours_eval "$tmp/$id.tag" "$out/ko-gold$q.txt")
	record "$id" 1 "$(num "$p")" "$(num "$rc")" "$(num "$f")" "$(secs $((t1 - t0)))" "$cpu" - - "$rss"
}

run_sp_nltk()
{
	local o=$out/nltk-sp$q.tsv
	echo "$me: $(date -u +%H:%M) sp-nltk: tag_nltk.py spacing ..." >&2
	run "$o" "$out/nltk-sp.err" "$PY" "$bench/tag_nltk.py" spacing "$out/kowiki-30k$q.txt" "$out/ko-gold$q.txt"
	record sp-nltk 1 "$(num "$(key "$o" precision)")" "$(num "$(key "$o" recall)")" "$(num "$(key "$o" f1)")" \
		"$(key "$o" train_wall_s)" "$(key "$o" train_cpu_s)" - "$(key "$o" tag_chars_per_s)" "$(rss_of)"
}

if [ -z "${want[report]:-}" ]; then
	if [ -n "${want[linear]:-}" ]; then
		for r in $(seq 1 "$reps"); do
			if [ $have_lin = 1 ] && ((r % 2)); then run_lin "$r"; fi
			[ $have_nltk = 0 ] || run_nltk "$r"
			if [ $have_lin = 1 ] && ! ((r % 2)); then run_lin "$r"; fi
		done
	fi
	if [ -n "${want[rnn]:-}" ]; then
		for t in "${thread_list[@]}"; do
			for r in $(seq 1 "$rnn_reps"); do
				if [ $have_tag = 1 ] && ((r % 2)); then run_rnn "$r" "$t"; fi
				[ $have_torch = 0 ] || run_torch "$r" "$t"
				if [ $have_tag = 1 ] && ! ((r % 2)); then run_rnn "$r" "$t"; fi
			done
		done
	fi
	if [ -n "${want[spacing]:-}" ]; then
		if [ $have_lin = 1 ]; then
			run_sp_ours sp-lin "$out/kowiki-30k$q.txt" --linear -T 1
			[ $quick = 1 ] || run_sp_ours sp-lin-all "$ko" --linear -T 1
		fi
		if [ $have_tag = 1 ]; then
			[ "$sp_rnn" = 0 ] || run_sp_ours sp-rnn "$out/kowiki-30k$q.txt" --epochs "$sp_epochs" \
				--valid "$out/kowiki-valid$q.txt" --log "$out/sp-rnn$q.log" -T "${thread_list[-1]}"
		fi
		[ $have_nltk = 0 ] || run_sp_nltk
	fi
fi

# ---- the tables ----
declare -A label=(
	[lin]="nlp-tag --linear (-T 1)"
	[nltk]="NLTK PerceptronTagger, 5 iterations"
	[mft]="most frequent tag of the word"
	[sp-lin]="nlp-tag --spacing --linear, $sp_lines lines"
	[sp-lin-all]="nlp-tag --spacing --linear, all of kowiki-30M"
	[sp-rnn]="nlp-tag --spacing (BiLSTM, --epochs $sp_epochs), $sp_lines lines"
	[sp-nltk]="NLTK PerceptronTagger on characters, $sp_lines lines"
)
for t in 1 2 3 4 5 6 7 8; do
	label[rnn-T$t]="nlp-tag BiLSTM-CNN, -T $t${rnn_opts[*]:+ ${rnn_opts[*]}}"
	label[torch-T$t]="PyTorch BiLSTM-CNN, $t threads${rnn_opts[*]:+ ${rnn_opts[*]}}"
done
# the labels of the rows this run made, kept in results.tsv.labels for later reports (which may
# run with other settings); a row without one gets this run's
labels=$res.labels
touch "$labels"
cut -f1 "$res" | sort -u | while read -r id; do
	grep -q "^$id	" "$labels" && [ -z "${ran[$id]:-}" ] || printf '%s\t%s\n' "$id" "${label[$id]:-$id}"
done >"$tmp/labels.new"
awk -F'\t' 'NR == FNR { new[$1] = 1; print; next } !($1 in new)' "$tmp/labels.new" "$labels" >"$tmp/labels" &&
	cat "$tmp/labels" >"$labels"
while IFS=$'\t' read -r id l; do label[$id]=$l; done <"$labels"
declare -A pair=([lin]=nltk)
for t in 1 2 3 4 5 6 7 8; do pair[rnn-T$t]=torch-T$t; done

# med ID COL [FORMAT]: the median of column COL over ID's runs (printf FORMAT, %.2f); list ID
# COL: the runs' values
med()
{
	awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c != "-" && $c != "" { print $c }' "$res" | sort -g | awk -v f="${3:-%.2f}" '
		{ x[NR] = $1 } END { if (NR) printf f "\n", (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; else print "-" }'
}
list() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id { printf "%s%s", s, $c; s = " / " }' "$res"; }
meanof() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c != "nan" && $c != "-" { s += $c; n++ } END { if (n) printf "%.4f\n", s / n; else print "-" }' "$res"; }
maxof() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$res"; }
runs() { awk -F'\t' -v id="$1" '$1 == id' "$res" | wc -l; }

# the rows in a fixed order
order=(lin nltk mft)
for t in 1 2 3 4 5 6 7 8; do order+=("rnn-T$t" "torch-T$t"); done
order+=(sp-lin sp-lin-all sp-rnn sp-nltk)
ids=()
for id in "${order[@]}"; do ! grep -q "^$id	" "$res" || ids+=("$id"); done
pos_ids=() sp_ids=()
for id in "${ids[@]}"; do case $id in sp-*) sp_ids+=("$id") ;; *) pos_ids+=("$id") ;; esac; done

echo
cat "$res.info"
if [ ${#pos_ids[@]} -gt 0 ]; then
	echo
	echo "### UPOS tagging, UD English GUM: train $(awk -F'\t' 'NF == 10 && $1 !~ /[-.]/' "$train" | wc -l) tokens, dev $(awk -F'\t' 'NF == 10 && $1 !~ /[-.]/' "$dev" | wc -l)"
	echo
	echo "| row | accuracy | known | unknown | train s (runs) | train CPU s | s/epoch | ours / peer | tag tokens/s | peak RSS | load after each run |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	for id in "${pos_ids[@]}"; do
		n=$(runs "$id")
		acc=$(meanof "$id" 3)
		[ "$n" -le 1 ] || acc="$acc ($(list "$id" 3))"
		tr=$(med "$id" 6)
		[ "$n" -le 1 ] || tr="$tr ($(list "$id" 6))"
		ratio=-
		if [ -n "${pair[$id]:-}" ]; then
			a=$(med "$id" 6) b=$(med "${pair[$id]}" 6)
			[ "$a" = - ] || [ "$b" = - ] || ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
		fi
		rss=$(maxof "$id" 10)
		if [ "$rss" = 0 ]; then rss=-; else rss=$(mb "$rss"); fi
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${label[$id]:-$id}" "$acc" "$(meanof "$id" 4)" \
			"$(meanof "$id" 5)" "$tr" "$(med "$id" 7)" "$(med "$id" 8)" "$ratio" "$(med "$id" 9 %.0f)" \
			"$rss" "$(list "$id" 11)"
	done
	echo
	echo "accuracy: the mean over the runs (each in brackets); known: tokens whose lowercased form is a"
	echo "training token's; train s: the median wall time of training (ours: the train command, reading"
	echo "and validation included; NLTK: train(); PyTorch: its training loops); train CPU s: user +"
	echo "system (NLTK: train()'s process time); s/epoch: the mean training seconds of an epoch (ours"
	echo "from --log); ours / peer: median training time of ours over NLTK's (linear) or PyTorch's on"
	echo "as many threads (recurrent), below 1: ours faster; tag tokens/s: ours the whole tagging"
	echo "command on dev $repeat times over, NLTK and PyTorch tagging dev inside the process; peak RSS:"
	echo "of the training command (the largest over the runs). Loads: 1, 5 and 15 minute averages on"
	echo "$(nproc) processors."
	# the issue's goals
	a=$(meanof lin 3) b=$(meanof nltk 3) ta=$(med lin 6) tb=$(med nltk 6) ca=$(med lin 7) cb=$(med nltk 7)
	if [ "$a" != - ] && [ "$b" != - ]; then
		awk -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" -v ca="$ca" -v cb="$cb" 'BEGIN {
			printf "%s --linear accuracy >= NLTK (%s vs %s)\n", (a >= b ? "PASS" : "FAIL"), a, b
			printf "%s --linear trains >= 10x faster than NLTK (%.1fx in wall time, %.1fx in CPU time)\n",
				(tb >= 10 * ta ? "PASS" : "FAIL"), tb / ta, cb / ca }'
	fi
	for t in "${thread_list[@]}"; do
		a=$(meanof "rnn-T$t" 3)
		[ "$a" = - ] || awk -v a="$a" -v t="$t" 'BEGIN { printf "%s BiLSTM-CNN accuracy >= 0.965 (%s, -T %s)\n", (a >= 0.965 ? "PASS" : "FAIL"), a, t }'
	done
fi
if [ ${#sp_ids[@]} -gt 0 ]; then
	echo
	echo "### Korean spacing: gold the $(nlines "$out/ko-gold$q.txt") \`# text\` lines of UD Korean GSD + Kaist dev"
	echo
	echo "| row | precision | recall | F1 | train s | train CPU s | peak RSS | load after |"
	echo "|---|---|---|---|---|---|---|---|"
	for id in "${sp_ids[@]}"; do
		rss=$(maxof "$id" 10)
		if [ "$rss" = 0 ]; then rss=-; else rss=$(mb "$rss"); fi
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${label[$id]:-$id}" "$(meanof "$id" 3)" "$(meanof "$id" 4)" \
			"$(meanof "$id" 5)" "$(med "$id" 6)" "$(med "$id" 7)" "$rss" "$(list "$id" 11)"
	done
	echo
	echo "precision, recall, F1: of the space decisions (a gap between two characters of a line is a"
	echo "space or not); train s: ours the train command, NLTK train(). Goal: F1 >= 0.93."
	for id in sp-lin sp-lin-all sp-rnn; do
		f=$(meanof "$id" 5)
		[ "$f" = - ] || awk -v f="$f" -v l="${label[$id]}" 'BEGIN { printf "%s F1 >= 0.93: %s (%s)\n", (f >= 0.93 ? "PASS" : "FAIL"), l, f }'
	done
fi
busy=$(awk -F'\t' -v n="$(nproc)" '{ split($11, l, " "); if (l[1] + 0 > m) m = l[1] + 0 } END { if (m > n) print m }' "$res")
[ -z "$busy" ] || notes+=("the machine was busy during the runs (load average up to $busy on $(nproc) processors): other jobs took CPU time, the times are high and noisy; run again in a quiet moment")
echo
for x in "${notes[@]}"; do echo "note: $x"; done
exit 0
