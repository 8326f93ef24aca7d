#!/usr/bin/env bash
# bench/seq2seq.sh [--quick] [table] [speed] [report]: the encoder-decoder (issue 19), nlp-seq2seq
# on the course's two tasks, and against a PyTorch model of the same architecture and training
# (bench/seq2seq_torch.py, python3-torch) side by side.
#
# Data, split once into S2S_DIR (default $BENCH_DIR/seq2seq, so /tmp/nlp-bench/seq2seq):
#   {addition,date}.train.tsv, {addition,date}.valid.tsv  the 45,000 pairs of
#                 ../shared/data/seq2seq/{addition,date}.train.tsv.xz in a fixed shuffle (line n
#                 goes to the place of (n * 2654435761) mod 2^32), the first 90% train (40,500),
#                 the other 10% valid (4,500)
# Sections (all without an argument):
#   table    the course's comparison: on addition and date, the variants plain (--attention
#            none), reversed (--reverse-source), reversed + peeky (--peeky) and attention
#            (--attention dot), each trained with nlp-seq2seq's defaults (LSTM 128, emb 32,
#            batch 64, Adam 0.001, clip 5) for S2S_EPOCHS_ADDITION (25) and S2S_EPOCHS_DATE (10)
#            epochs, --valid the valid split, -T S2S_THREADS (2); the exact match on valid after
#            each epoch (from --log), the kept model's (nlp-seq2seq eval), s/epoch, peak RSS
#   speed    the attention model (nlp-seq2seq's defaults) on date, ours -T N against
#            seq2seq_torch.py -T N (torch.set_num_threads, OMP_WAIT_POLICY=PASSIVE) for each N of
#            S2S_THREADS (2), S2S_SPEED_EPOCHS (10) epochs, S2S_REPS (1) runs each, alternating
#            (ours first on odd runs): seconds an epoch (the mean of the epochs' training
#            seconds, validation left out: ours from --log, PyTorch's measured the same way),
#            PyTorch's over ours, the exact match of the kept epoch, the whole command's wall
#            time and peak RSS
#   report   runs nothing: prints the tables again from S2S_DIR/results.tsv
#   --quick  a smoke run: 3,000 training pairs and 300 valid ones, 1 epoch everywhere; its
#            files carry a .quick suffix
# S2S_OPTS (empty) adds options to every training command, ours and PyTorch's (both take the
# same long options: --hidden, --emb, --batch, --lr, --cell, ...); S2S_NLP_SEQ2SEQ names another
# nlp-seq2seq binary (default bin/nlp-seq2seq).
#
# Every command runs under nice with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (BENCH.md: the
# peers at their best, ours the same way). What is missing is skipped with a note: nlp-seq2seq
# (its rows), torch (make deps-bench installs python3-torch). Without the data the script says
# so and exits 0; it exits 1 when a command fails. The tables (markdown) go to stdout, progress
# to stderr, the runs' figures to S2S_DIR/results.tsv (a section run replaces its rows there and
# keeps the others', so the sections can run apart) and each run's log to S2S_DIR/*.log.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=seq2seq.sh

usage() { echo "usage: $me [--quick] [table] [speed] [report]" >&2; exit 2; }
declare -A want=()
quick=0
for a in "$@"; do
	case $a in
	table | speed | report) want[$a]=1 ;;
	--quick) quick=1 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ ${#want[@]} -gt 0 ] || want=([table]=1 [speed]=1)

skip_without_data $me seq2seq/addition.train.tsv.xz seq2seq/date.train.tsv.xz
need_tools $me xz awk sort cut head
need_time $me

out=${S2S_DIR:-$BENCH_DIR/seq2seq}
s2s=${S2S_NLP_SEQ2SEQ:-$bindir/nlp-seq2seq}
read -r -a thread_list <<<"${S2S_THREADS:-2}"
read -r -a opts <<<"${S2S_OPTS:-}"
reps=${S2S_REPS:-1}
declare -A epochs=([addition]=${S2S_EPOCHS_ADDITION:-25} [date]=${S2S_EPOCHS_DATE:-10})
speed_epochs=${S2S_SPEED_EPOCHS:-10}
q="" train_lines=0 valid_lines=0
if [ $quick = 1 ]; then
	q=.quick train_lines=3000 valid_lines=300 reps=1 speed_epochs=1
	epochs=([addition]=1 [date]=1)
fi
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-seq2seq-bench.XXXXXX")
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
now() { echo "${EPOCHREALTIME/[.,]/}"; }
secs() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1e6 }'; }

# ---- data ----
# split NAME: NAME.train.tsv and NAME.valid.tsv in $out from the shared NAME.train.tsv.xz (the
# fixed shuffle, 90/10); the quick run's the first lines of each
split()
{
	local name=$1 src=$data/seq2seq/$1.train.tsv.xz n k
	if [ ! -s "$out/$name.valid.tsv" ] || [ "$src" -nt "$out/$name.valid.tsv" ]; then
		xz -dc "$src" | awk '{ printf "%.0f\t%s\n", (NR * 2654435761) % 4294967296, $0 }' |
			sort -n -k1,1 | cut -f2- >"$tmp/all.tsv"
		n=$(awk 'END { print NR }' "$tmp/all.tsv")
		k=$((n * 9 / 10))
		head -n "$k" "$tmp/all.tsv" >"$out/$name.train.tsv"
		tail -n +"$((k + 1))" "$tmp/all.tsv" >"$out/$name.valid.tsv"
	fi
	if [ $quick = 1 ]; then
		head -n "$train_lines" "$out/$name.train.tsv" >"$out/$name.train$q.tsv"
		head -n "$valid_lines" "$out/$name.valid.tsv" >"$out/$name.valid$q.tsv"
	fi
}
if [ -z "${want[report]:-}" ]; then
	split addition
	split date
fi

have_s2s=0 have_torch=0
if [ -x "$s2s" ]; then have_s2s=1; else notes+=("nlp-seq2seq rows skipped: $s2s does not exist yet (make all on a branch that has it)"); fi
if "$PY" -c 'import torch' 2>/dev/null; then have_torch=1; else notes+=("PyTorch rows skipped: $PY cannot import torch (make deps-bench installs python3-torch)"); fi

res=$out/results$q.tsv
if [ -n "${want[report]:-}" ]; then
	[ -s "$res" ] || { echo "$me: nothing to report: $res is empty or missing" >&2; exit 1; }
else
	# this run's sections replace their rows; the other sections' rows stay
	pat=""
	[ -z "${want[table]:-}" ] || pat="$pat|table-[a-z]+-[a-z]+"
	[ -z "${want[speed]:-}" ] || pat="$pat|(ours|torch)-T[0-9]+"
	touch "$res"
	awk -F'\t' -v p="^(${pat#|})\$" '$1 !~ p' "$res" >"$tmp/res" && cat "$tmp/res" >"$res"
	{
		echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), nlp at $commit; $(machine);"
		echo "PyTorch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo '?'); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every row; every command under nice; PyTorch with OMP_WAIT_POLICY=PASSIVE."
		[ $have_s2s = 0 ] || [ "$s2s" = "$bindir/nlp-seq2seq" ] || echo "nlp-seq2seq: $s2s."
		[ ${#opts[@]} = 0 ] || echo "Options added to every training command: ${opts[*]}."
		[ $quick = 0 ] || echo "QUICK smoke run: $train_lines training pairs, $valid_lines valid ones, 1 epoch."
	} >"$res.info"
fi

# record ID RUN EXACTS S_EPOCH WALL RSS_KB FINAL: a line of results.tsv, the load appended
# (EXACTS: the exact match after each epoch, separated by blanks; FINAL: the kept model's)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(load)" >>"$res"; }

# ours_log LOG: "EXACTS S_EPOCH" from nlp-seq2seq train --log's TSV: a line per epoch (a first
# field of digits), the valid exact match in the column named valid_exact and the epoch's
# training seconds in the column named seconds of its header line
ours_log()
{
	awk -F'\t' '!h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 ~ /^[0-9]+$/ { x = x (x == "" ? "" : " ") sprintf("%.4f", $col["valid_exact"]); s += $col["seconds"]; n++ }
		END { if (!("valid_exact" in col) || !("seconds" in col)) { print "- -"; exit }
		      printf "%s %.2f\n", (x == "" ? "-" : x), (n ? s / n : 0) }' "$1" |
		awk '{ s = $NF; $NF = ""; sub(/ $/, ""); print $0 "\t" s }'
}

# ours_eval MODEL GOLD: the exact match of nlp-seq2seq eval --json
ours_eval()
{
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE nice "$s2s" eval --json --model "$1" "$2" >"$tmp/eval.txt" 2>"$tmp/eval.err" ||
		{ echo "$me: nlp-seq2seq eval --model $1 $2 failed" >&2; tail -n 5 "$tmp/eval.err" >&2; exit 1; }
	sed -n 's/.*"exact_match":\([0-9.]*\).*/\1/p' "$tmp/eval.txt" | awk '{ printf "%.4f\n", $1 }'
}

# run_ours ID RUN DATASET EPOCHS THREADS [OPTION...]: a model of ours trained on DATASET's train
# split with --valid its valid split, recorded as ID
run_ours()
{
	local id=$1 r=$2 ds=$3 ep=$4 t=$5 t0 t1 rss ex se
	shift 5
	echo "$me: $(date -u +%H:%M) $id run $r: nlp-seq2seq train $* --epochs $ep -T $t ${opts[*]} ($ds) ..." >&2
	t0=$(now)
	run "$tmp/train.out" "$out/$id.err" "$s2s" train --output "$tmp/$id.s2s" --valid "$out/$ds.valid$q.tsv" \
		--log "$out/$id$q.log" --epochs "$ep" -T "$t" "$@" "${opts[@]}" "$out/$ds.train$q.tsv"
	t1=$(now)
	rss=$(rss_of)
	IFS=$'\t' read -r ex se < <(ours_log "$out/$id$q.log")
	record "$id" "$r" "$ex" "$se" "$(secs $((t1 - t0)))" "$rss" "$(ours_eval "$tmp/$id.s2s" "$out/$ds.valid$q.tsv")"
}

# run_torch ID RUN DATASET EPOCHS THREADS: seq2seq_torch.py's attention model, the same way
run_torch()
{
	local id=$1 r=$2 ds=$3 ep=$4 t=$5 o=$out/$1$q.tsv t0 t1 ex se
	echo "$me: $(date -u +%H:%M) $id run $r: seq2seq_torch.py --epochs $ep -T $t ${opts[*]} ($ds) ..." >&2
	t0=$(now)
	run "$o" "$out/$id.err" env OMP_WAIT_POLICY=PASSIVE "$PY" "$bench/seq2seq_torch.py" \
		"$out/$ds.train$q.tsv" --valid "$out/$ds.valid$q.tsv" --epochs "$ep" -T "$t" "${opts[@]}"
	t1=$(now)
	ex=$(awk -F'\t' '$1 == "epoch" { x = x (x == "" ? "" : " ") sprintf("%.4f", $4) } END { print (x == "" ? "-" : x) }' "$o")
	se=$(awk -F'\t' '$1 == "epoch" { s += $5; n++ } END { if (n) printf "%.2f", s / n; else print "-" }' "$o")
	record "$id" "$r" "$ex" "$se" "$(secs $((t1 - t0)))" "$(rss_of)" \
		"$(awk -F'\t' '$1 == "exact_match" { printf "%.4f", $2 }' "$o")"
}

declare -A variant=(
	[plain]="--attention none"
	[reversed]="--attention none --reverse-source"
	[peeky]="--attention none --reverse-source --peeky"
	[attention]="--attention dot"
)
variants=(plain reversed peeky attention)

if [ -z "${want[report]:-}" ]; then
	if [ -n "${want[table]:-}" ] && [ $have_s2s = 1 ]; then
		for ds in addition date; do
			for v in "${variants[@]}"; do
				# shellcheck disable=SC2086
				run_ours "table-$ds-$v" 1 "$ds" "${epochs[$ds]}" "${thread_list[-1]}" ${variant[$v]}
			done
		done
	fi
	if [ -n "${want[speed]:-}" ]; then
		for t in "${thread_list[@]}"; do
			for r in $(seq 1 "$reps"); do
				if [ $have_s2s = 1 ] && ((r % 2)); then run_ours "ours-T$t" "$r" date "$speed_epochs" "$t" --attention dot; fi
				[ $have_torch = 0 ] || run_torch "torch-T$t" "$r" date "$speed_epochs" "$t"
				if [ $have_s2s = 1 ] && ! ((r % 2)); then run_ours "ours-T$t" "$r" date "$speed_epochs" "$t" --attention dot; fi
			done
		done
	fi
fi

# ---- the tables ----
mb() { awk -v k="$1" 'BEGIN { if (k + 0 > 0) printf "%.0f MB", k / 1024; else print "-" }'; }
# field ID RUN COL: column COL of ID's line of run RUN; runs ID: ID's runs
field() { awk -F'\t' -v id="$1" -v r="$2" -v c="$3" '$1 == id && $2 == r { v = $c } END { print v }' "$res"; }
runs() { awk -F'\t' -v id="$1" '$1 == id { print $2 }' "$res"; }
# med ID COL: the median of column COL over ID's runs; list ID COL: the runs' values
med()
{
	awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c != "-" && $c != "" { print $c }' "$res" | sort -g | awk '
		{ x[NR] = $1 } END { if (NR) printf "%.2f\n", (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; else print "-" }'
}
list() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id { printf "%s%s", s, $c; s = " / " }' "$res"; }
maxof() { awk -F'\t' -v id="$1" -v c="$2" '$1 == id && $c + 0 > m { m = $c + 0 } END { print m + 0 }' "$res"; }

echo
cat "$res.info"
for ds in addition date; do
	rows=()
	for v in "${variants[@]}"; do ! grep -q "^table-$ds-$v	" "$res" || rows+=("$v"); done
	[ ${#rows[@]} -gt 0 ] || continue
	n=0
	for v in "${rows[@]}"; do
		k=$(field "table-$ds-$v" 1 3 | wc -w)
		[ "$k" -le "$n" ] || n=$k
	done
	echo
	echo "### $ds: exact match on valid after each epoch ($(nlines "$out/$ds.train$q.tsv") training pairs, $(nlines "$out/$ds.valid$q.tsv") valid; ours, -T ${thread_list[-1]})"
	echo
	head="| variant |" rule="|---|"
	for e in $(seq 1 "$n"); do head="$head $e |" rule="$rule---|"; done
	echo "$head kept (eval) | s/epoch | train s | peak RSS | load after |"
	echo "$rule---|---|---|---|---|"
	for v in "${rows[@]}"; do
		id=table-$ds-$v
		line="| $v (\`${variant[$v]}\`) |"
		read -r -a ex <<<"$(field "$id" 1 3)"
		for e in $(seq 1 "$n"); do line="$line ${ex[e - 1]:-} |"; done
		printf '%s %s | %s | %s | %s | %s |\n' "$line" "$(field "$id" 1 7)" "$(field "$id" 1 4)" "$(field "$id" 1 5)" \
			"$(mb "$(field "$id" 1 6)")" "$(field "$id" 1 8)"
	done
done
if grep -q '^table-' "$res"; then
	echo
	echo "The course's variants (plain: no attention; reversed: the source reversed; peeky: reversed, the"
	echo "encoder's final state beside every decoder input and the output layer's; attention: dot"
	echo "attention, source in order), nlp-seq2seq's defaults otherwise; exact match: the greedy"
	echo "translation equals the target; kept (eval): nlp-seq2seq eval of the written model (the best"
	echo "epoch); s/epoch: the mean training seconds of an epoch (--log); train s: the whole command."
	for ds in addition date; do
		best=-1 who=-
		for v in "${variants[@]}"; do
			x=$(field "table-$ds-$v" 1 7)
			[ -n "$x" ] || continue
			if awk -v x="$x" -v b="$best" 'BEGIN { exit !(x > b) }'; then best=$x who=$v; fi
		done
		[ "$who" != - ] || continue
		goal=0.99
		[ "$ds" != date ] || goal=0.999
		awk -v b="$best" -v g="$goal" -v d="$ds" -v w="$who" 'BEGIN { printf "%s %s: exact match >= %s (best %s, %s)\n", (b >= g ? "PASS" : "FAIL"), d, g, b, w }'
	done
fi

speed_ids=()
for t in 1 2 3 4 5 6 7 8; do
	for s in ours torch; do ! grep -q "^$s-T$t	" "$res" || speed_ids+=("$s-T$t"); done
done
if [ ${#speed_ids[@]} -gt 0 ]; then
	echo
	echo "### Speed: the attention model on date ($(nlines "$out/date.train$q.tsv") training pairs), ours against PyTorch"
	echo
	echo "| row | s/epoch (runs) | PyTorch / ours | exact match after each epoch | kept | train s | peak RSS | load after |"
	echo "|---|---|---|---|---|---|---|---|"
	for id in "${speed_ids[@]}"; do
		t=${id#*-T}
		case $id in
		ours-*) label="nlp-seq2seq --attention dot -T $t" other=torch-T$t ;;
		*) label="seq2seq_torch.py --attention dot -T $t" other="" ;;
		esac
		ratio=-
		if [ -n "$other" ]; then
			a=$(med "$id" 4) b=$(med "$other" 4)
			[ "$a" = - ] || [ "$b" = - ] || ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
		fi
		r1=$(runs "$id" | head -n 1)
		printf '| %s | %s (%s) | %s | %s | %s | %s | %s | %s |\n' "$label" "$(med "$id" 4)" "$(list "$id" 4)" "$ratio" \
			"$(field "$id" "$r1" 3)" "$(list "$id" 7)" "$(list "$id" 5)" "$(mb "$(maxof "$id" 6)")" "$(list "$id" 8)"
	done
	echo
	echo "s/epoch: the median over the runs of the mean training seconds of an epoch (validation left"
	echo "out; ours from --log); PyTorch / ours: above 1, ours faster (the issue's goal: 3 at the same"
	echo "accuracy); exact match after each epoch: of the first run; kept: the best epoch's exact match"
	echo "(ours: nlp-seq2seq eval of the written model); train s: the whole training command; peak RSS:"
	echo "of the training command (the largest over the runs; PyTorch's whole Python process)."
	for t in "${thread_list[@]}"; do
		a=$(med "ours-T$t" 4) b=$(med "torch-T$t" 4)
		[ "$a" = - ] || [ "$b" = - ] || awk -v a="$a" -v b="$b" -v t="$t" 'BEGIN {
			printf "%s ours >= 3x faster an epoch than PyTorch on %s threads (%.2fx)\n", (b >= 3 * a ? "PASS" : "FAIL"), t, b / a }'
	done
fi
busy=$(awk -F'\t' -v n="$(nproc)" '{ split($8, l, " "); if (l[1] + 0 > m) m = l[1] + 0 } END { if (m > n) print m }' "$res")
[ -z "$busy" ] || notes+=("the machine was busy during the runs (load average up to $busy on $(nproc) processors): other jobs took CPU time, the times are high and noisy; run again in a quiet moment")
echo
for x in "${notes[@]}"; do echo "note: $x"; done
exit 0
