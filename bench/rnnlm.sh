#!/usr/bin/env bash
# bench/rnnlm.sh [--full] [--medium] [--torch-full] [--no-speed] [--report]: RNN language models
# (issue 14), nlp-rnnlm against PyTorch on the Penn Treebank (../shared/data/ptb, or $PTB).
#
#   speed (the default; about 10 minutes): Zaremba et al.'s small configuration (2 layers of 200,
#     embedding 200, bptt 20, batch 20, SGD lr 1, clip 5, init 0.1: nlp-rnnlm's defaults) trained
#     for 150 windows (150 x 20 x 20 = 60,000 tokens) by both tools on 2 threads, RNNLM_REPS (2)
#     runs each, alternating (nlp, PyTorch, nlp, PyTorch); the table gives every run's tokens/s,
#     the best of each tool and the ratio nlp / PyTorch. nlp-rnnlm has no "max windows" option: it
#     trains one epoch of the first K lines of ptb.train.txt, K the fewest lines whose tokens
#     (words and </s>) make 150 full windows, with the vocabulary of the whole of ptb.train.txt
#     (-v, from nlp-vocab: the softmax keeps its 10,000 words); its speed is the tokens_per_s of
#     its --log file. PyTorch: ../shared/bench/ptb_lstm_torch.py PTB 1 150 for the LSTM (its
#     tok/s; it then scores valid and test, untimed), bench/ptb_rnn_torch.py (the same model,
#     batching and loop, with --cell) for the tanh RNN and the GRU at the same sizes.
#   --full (hours): nlp-rnnlm trained on the whole of ptb.train.txt with --valid ptb.valid.txt and
#     --log: the LSTM, tanh RNN and GRU small (13 epochs; test target for the LSTM: perplexity <=
#     116), and a 1-layer LSTM (--layers 1, 6 epochs, --decay-after 2) that must beat the 5-gram
#     modified Kneser-Ney model (nlp-lm -n 5, scored here) within 30 minutes of training (wall
#     time of the train command, validation included). Each model is scored on ptb.test.txt by
#     nlp-perplexity --model and by nlp-rnnlm score (the sum of its lines' log10 probabilities,
#     which must give the same perplexity). Speed pairs of the 1-layer LSTM are added to the
#     speed table.
#   --medium (many hours): the medium configuration with dropout (--hidden 650 --emb 650 --dropout
#     0.5 --epochs 39 --decay-after 6 --decay 0.8), trained and scored as above; and its speed
#     pairs.
#   --torch-full (with --full or --medium; PyTorch's LSTM small alone takes some 2.5 hours here):
#     PyTorch trains the same models for the same epochs (ptb_lstm_torch.py for the LSTM small,
#     ptb_rnn_torch.py for the others), after nlp-rnnlm's run of each. Without it the PyTorch
#     column shows the published perplexities (Zaremba et al. 2014: small 114.5, medium 82.7;
#     BENCH.md) and "-" where there is none.
#   --no-speed: leaves the speed pairs out (the full table's "vs PyTorch" then uses the speed
#     figures saved by the last run that made them).
#   --report: trains nothing: prints the tables and draws the curves again from what earlier runs
#     left in RNNLM_DIR.
#
# The full runs keep their models, logs and scores in RNNLM_DIR (default $BENCH_DIR/rnnlm, so
# /tmp/nlp-bench/rnnlm); each run of a model first removes its earlier files (two full runs at
# once need two RNNLM_DIR). RNNLM_MODELS (a
# list of lstm rnn gru lstm1 medium) restricts the full runs to those models. The learning curves
# (validation perplexity per epoch of each full run, from the --log files, PyTorch's dashed
# where it ran) go to bench/rnnlm-curves.png (RNNLM_PNG) through gnuplot (pngcairo, or png when
# the build lacks cairo). Every command runs on 2 threads with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (BENCH.md: the peers at their best, ours the same way). The machine's
# load (uptime) is printed with the figures: these machines are shared.
#
# What is missing is skipped, with a note: nlp-rnnlm (its rows), /usr/bin/python3 with torch
# (the PyTorch rows), gnuplot (the curves); make deps-bench installs python3-torch and gnuplot.
# Without the PTB files the script says so and exits 0. It exits 1 when a command fails or,
# after --full or --medium, when a target is not met (FAIL).
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=rnnlm.sh

usage() { echo "usage: $me [--full] [--medium] [--torch-full] [--no-speed] [--report]" >&2; exit 2; }
speed=1 full=0 medium=0 torchfull=0 report=0
for a in "$@"; do
	case $a in
	--full) full=1 ;;
	--medium) medium=1 ;;
	--torch-full) torchfull=1 ;;
	--no-speed) speed=0 ;;
	--report) report=1 speed=0 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ $torchfull = 0 ] || [ $full = 1 ] || [ $medium = 1 ] || usage

ptb=${PTB:-$data/ptb}
train=$ptb/ptb.train.txt valid=$ptb/ptb.valid.txt test=$ptb/ptb.test.txt
for f in "$train" "$valid" "$test"; do
	if [ ! -f "$f" ]; then
		echo "$me: skipped: $f is missing (set PTB to the folder of ptb.{train,valid,test}.txt)"
		exit 0
	fi
done
out=${RNNLM_DIR:-$BENCH_DIR/rnnlm}
png=${RNNLM_PNG:-$bench/rnnlm-curves.png}
reps=${RNNLM_REPS:-2}
torch_lstm=$root/../shared/bench/ptb_lstm_torch.py
torch_rnn=$bench/ptb_rnn_torch.py
threads=2         # ptb_lstm_torch.py sets 2 threads
W=150 T=20 B=20   # the speed runs' windows, bptt and batch
mkdir -p "$out"

notes=()
have_nlp=0
if [ -x "$bindir/nlp-rnnlm" ]; then
	have_nlp=1
	[ $report = 1 ] || need_bins $me nlp-vocab nlp-perplexity nlp-lm
else
	notes+=("nlp-rnnlm rows skipped: $bindir/nlp-rnnlm is missing (make all)")
fi
have_torch=0
if "$PY" -c 'import torch' 2>/dev/null; then
	have_torch=1
else
	notes+=("PyTorch rows skipped: $PY cannot import torch (make deps-bench installs python3-torch)")
fi
[ -f "$torch_lstm" ] || { have_torch=0; notes+=("PyTorch rows skipped: $torch_lstm is missing"); }
have_gnuplot=0
if command -v gnuplot >/dev/null 2>&1; then
	have_gnuplot=1
else
	notes+=("learning curves skipped: no gnuplot (make deps-bench installs it)")
fi
[ -x /usr/bin/time ] || { echo "$me: /usr/bin/time is missing; run 'make deps-bench'" >&2; exit 1; }
if [ $report = 0 ] && [ $have_nlp = 0 ] && [ $have_torch = 0 ]; then
	for x in "${notes[@]}"; do echo "$me: $x"; done
	echo "$me: skipped: neither nlp-rnnlm nor PyTorch can run"
	exit 0
fi

# The models: the shape (both tools' options: ptb_rnn_torch.py takes nlp-rnnlm's names) and the
# schedule of the full runs.
ids_all=(lstm rnn gru lstm1 medium)
declare -A label shape sched pubppl
label=([lstm]="LSTM 2x200 (Zaremba small)" [rnn]="tanh RNN 2x200" [gru]="GRU 2x200"
	[lstm1]="LSTM 1x200, 6 epochs, decay after 2" [medium]="LSTM 2x650, dropout 0.5 (medium)")
shape=([lstm]="--cell lstm" [rnn]="--cell rnn" [gru]="--cell gru"
	[lstm1]="--cell lstm --layers 1 --hidden 200 --emb 200"
	[medium]="--cell lstm --hidden 650 --emb 650 --dropout 0.5")
sched=([lstm]="--epochs 13" [rnn]="--epochs 13" [gru]="--epochs 13"
	[lstm1]="--epochs 6 --decay-after 2" [medium]="--epochs 39 --decay-after 6 --decay 0.8")
pubppl=([lstm]="114.5 (published)" [medium]="82.7 (published)")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-rnnlm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }
failed=0
results=()
verdict() { if [ "$2" = 1 ]; then results+=("PASS $1 ($3)"); else results+=("FAIL $1 ($3)"); failed=1; fi; }

# run OUT ERR CMD...: CMD with stdout OUT, stderr ERR, without the OpenBLAS variables; a failure
# prints the end of ERR and returns 1.
run()
{
	local o=$1 e=$2
	shift 2
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@" >"$o" 2>"$e"; then
		echo "$me: failed: $*" >&2
		tail -n 5 "$e" >&2
		return 1
	fi
}

# logcol FILE NAME: the column NAME of a TSV file with a header line (nlp-rnnlm's --log).
logcol() { awk -F'\t' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } k { print $k }' "$1"; }

# torch_tps FILE: the tok/s of epoch 1 in PyTorch's output.
torch_tps() { awk '$1 == "epoch" && $2 == 1 { for (i = 3; i < NF; i++) if ($i == "tok/s") print $(i + 1) }' "$1"; }

# ppl_of FILE [FORMAT]: nlp-perplexity's perplexity including OOVs (FORMAT default %.2f).
ppl_of() { awk -F'\t' -v f="${2:-%.2f}" '/^Perplexity including OOVs:/ { printf f "\n", $2; exit }' "$1"; }

# ---- speed: 150 windows, alternating ----
# $sp.tsv: "id tool run tokens_per_s load" per run; $sp.info: when and where. A run writes them in
# its own folder and copies them to RNNLM_DIR/speed.{tsv,info} at the end (for --report and
# --no-speed), so that two runs at once do not mix their figures.
sp=$out/speed
speed_pair()
{
	local id=$1 r m tps
	read -ra m <<<"${shape[$id]}"
	for r in $(seq 1 "$reps"); do
		if [ $have_nlp = 1 ]; then
			echo "$me: speed $id, run $r: nlp-rnnlm ..." >&2
			rm -f "$tmp/speed.log"
			run /dev/null "$tmp/nlp.err" "$bindir/nlp-rnnlm" train --output "$tmp/speed.rnn" -v "$tmp/vocab" \
				--epochs 1 -T $threads --log "$tmp/speed.log" "${m[@]}" "$tmp/train.head" || exit 1
			tps=$(logcol "$tmp/speed.log" tokens_per_s | head -n 1)
			printf '%s\tnlp\t%s\t%s\t%s\n' "$id" "$r" "${tps:-nan}" "$(load)" >>"$sp.tsv"
		fi
		if [ $have_torch = 1 ]; then
			echo "$me: speed $id, run $r: PyTorch ..." >&2
			if [ "$id" = lstm ]; then
				run "$tmp/torch.out" "$tmp/torch.err" "$PY" "$torch_lstm" "$ptb" 1 $W || exit 1
			else
				run "$tmp/torch.out" "$tmp/torch.err" "$PY" "$torch_rnn" "$ptb" "${m[@]}" --epochs 1 \
					--max-batches $W --threads $threads --no-eval || exit 1
			fi
			tps=$(torch_tps "$tmp/torch.out")
			printf '%s\ttorch\t%s\t%s\t%s\n' "$id" "$r" "${tps:-nan}" "$(load)" >>"$sp.tsv"
		fi
	done
}

# best ID TOOL: the best tokens/s of TOOL's speed runs of ID (nothing when none).
best()
{
	[ -f "$sp.tsv" ] || return 0
	awk -F'\t' -v id="$1" -v t="$2" '$1 == id && $2 == t && $4 + 0 > b { b = $4 + 0 } END { if (b) print b }' "$sp.tsv"
}

speed_table()
{
	local id runs_n runs_t bn bt script ids=()
	[ -f "$sp.tsv" ] || return 0
	mapfile -t ids < <(cut -f1 "$sp.tsv" | awk '!seen[$0]++')
	echo
	echo "### Training speed: $W windows of $B streams x $T steps ($((W * T * B)) tokens), $threads threads"
	echo
	cat "$sp.info"
	echo
	echo "| model | nlp-rnnlm tokens/s (runs) | PyTorch tokens/s (runs) | PyTorch script | nlp / PyTorch |"
	echo "|---|---|---|---|---|"
	for id in "${ids[@]}"; do
		runs_n=$(awk -F'\t' -v id="$id" '$1 == id && $2 == "nlp" { printf "%s%s", s, $4; s = " / " }' "$sp.tsv")
		runs_t=$(awk -F'\t' -v id="$id" '$1 == id && $2 == "torch" { printf "%s%s", s, $4; s = " / " }' "$sp.tsv")
		bn=$(best "$id" nlp)
		bt=$(best "$id" torch)
		script=ptb_rnn_torch.py
		[ "$id" != lstm ] || script=ptb_lstm_torch.py
		printf '| %s | %s | %s | %s | %s |\n' "${label[$id]}" "${bn:-skipped}${runs_n:+ ($runs_n)}" \
			"${bt:-skipped}${runs_t:+ ($runs_t)}" "$script" \
			"$(awk -v a="$bn" -v b="$bt" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }')"
	done
	echo
	echo "Load average (1, 5, 15 min) after each run:"
	awk -F'\t' '{ printf "%s%s %s %s: %s", s, $1, $2, $3, $5; s = "; " } END { print "" }' "$sp.tsv"
}

if [ $speed = 1 ]; then
	sp=$tmp/speed
	# the first K lines of the training text: the fewest whose tokens fill W windows of T steps in
	# each of B streams (n = N / B >= W T + 1)
	awk -v need=$((B * (W * T + 1))) '{ n += NF + 1; print; if (n >= need) exit }' "$train" >"$tmp/train.head"
	[ $have_nlp = 0 ] || "$bindir/nlp-vocab" "$train" >"$tmp/vocab"
	rm -f "$sp.tsv"
	{
		echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), nlp at $commit; $(machine); load before: $(load)."
		echo "nlp-rnnlm: one epoch of the first $(nlines "$tmp/train.head") lines of ptb.train.txt ($(awk '{ n += NF + 1 } END { print n }' "$tmp/train.head") tokens with </s>), -v the vocabulary of the whole file, -T $threads, tokens_per_s of --log; PyTorch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo '-'): $W windows of the whole file. Best of $reps runs each, alternating, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for both."
	} >"$sp.info"
	speed_ids=(lstm rnn gru)
	[ $full = 0 ] || speed_ids+=(lstm1)
	[ $medium = 0 ] || speed_ids+=(medium)
	for id in "${speed_ids[@]}"; do speed_pair "$id"; done
	for x in tsv info; do
		cp "$sp.$x" "$out/speed.$x.$$"
		mv "$out/speed.$x.$$" "$out/speed.$x"
	done
	busy=$(awk -F'\t' -v n="$(nproc)" '{ split($5, l, " "); if (l[1] + 0 > m) m = l[1] + 0 } END { if (m > n) print m }' "$sp.tsv")
	[ -z "$busy" ] || notes+=("the machine was busy during the speed runs (load average up to $busy on $(nproc) processors): other jobs took CPU time, the figures are low and noisy (PyTorch's threads suffer most); run again in a quiet moment")
fi

# ---- full runs ----
# in RNNLM_DIR per model ID: ID.rnn (the model), ID.log (--log), ID.err (stderr), ID.time
# (/usr/bin/time -v), ID.wall (seconds), ID.ppl (nlp-perplexity), ID.score (nlp-rnnlm score),
# ID.info; torch-ID.out (PyTorch's output) and torch-ID.log (the same as a --log file).
full_ids=()
[ $full = 0 ] || full_ids+=(lstm rnn gru lstm1)
[ $medium = 0 ] || full_ids+=(medium)
if [ -n "${RNNLM_MODELS:-}" ] && [ ${#full_ids[@]} -gt 0 ]; then
	sel=()
	for id in "${full_ids[@]}"; do
		case " $RNNLM_MODELS " in *" $id "*) sel+=("$id") ;; esac
	done
	full_ids=("${sel[@]}")
fi

declare -A ran
full_nlp()
{
	local id=$1 m s t0 t1
	ran[nlp.$id]=1
	read -ra m <<<"${shape[$id]}"
	read -ra s <<<"${sched[$id]}"
	rm -f "$out/$id".{rnn,log,err,time,wall,ppl,score,info}
	echo "$me: $(date -u +%H:%M) training $id: nlp-rnnlm train ${m[*]} ${s[*]} ..." >&2
	t0=${EPOCHREALTIME/[.,]/}
	if ! run /dev/null "$out/$id.err" /usr/bin/time -v -o "$out/$id.time" "$bindir/nlp-rnnlm" train \
		--output "$out/$id.rnn" --valid "$valid" --log "$out/$id.log" -T $threads "${m[@]}" "${s[@]}" "$train"; then
		verdict "$id: nlp-rnnlm train" 0 "failed, see $out/$id.err"
		return 0
	fi
	t1=${EPOCHREALTIME/[.,]/}
	awk -v u=$((t1 - t0)) 'BEGIN { printf "%.1f\n", u / 1e6 }' >"$out/$id.wall"
	run "$out/$id.ppl" "$tmp/ppl.err" "$bindir/nlp-perplexity" --model "$out/$id.rnn" "$test" ||
		verdict "$id: nlp-perplexity --model" 0 failed
	run "$out/$id.score" "$tmp/score.err" "$bindir/nlp-rnnlm" score --model "$out/$id.rnn" "$test" ||
		verdict "$id: nlp-rnnlm score" 0 failed
	printf 'nlp at %s, %s, load after %s; nlp-rnnlm train %s %s -T %s --valid ptb.valid.txt ptb.train.txt\n' \
		"$commit" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(load)" "${m[*]}" "${s[*]}" $threads >"$out/$id.info"
}

full_torch()
{
	local id=$1 m s da dc
	ran[torch.$id]=1
	read -ra m <<<"${shape[$id]}"
	read -ra s <<<"${sched[$id]}"
	rm -f "$out/torch-$id".{out,log,err}
	echo "$me: $(date -u +%H:%M) training $id: PyTorch ..." >&2
	if [ "$id" = lstm ]; then
		run "$out/torch-$id.out" "$out/torch-$id.err" "$PY" "$torch_lstm" "$ptb" 13 ||
			{ verdict "$id: PyTorch training" 0 "failed, see $out/torch-$id.err"; return 0; }
	else
		run "$out/torch-$id.out" "$out/torch-$id.err" "$PY" "$torch_rnn" "$ptb" "${m[@]}" "${s[@]}" \
			--threads $threads || { verdict "$id: PyTorch training" 0 "failed, see $out/torch-$id.err"; return 0; }
	fi
	# the learning rate of each epoch, from the schedule (ptb_lstm_torch.py's: 4 and 0.5)
	da=$(awk '{ for (i = 1; i < NF; i++) if ($i == "--decay-after") print $(i + 1) }' <<<"${sched[$id]}")
	dc=$(awk '{ for (i = 1; i < NF; i++) if ($i == "--decay") print $(i + 1) }' <<<"${sched[$id]}")
	awk -v da="${da:-4}" -v dc="${dc:-0.5}" 'BEGIN { OFS = "\t"; print "epoch", "lr", "train_ppl", "valid_ppl", "tokens_per_s", "seconds"; lr = 1 }
		$1 == "epoch" { if ($2 > da) lr *= dc; t = $8; sub(/s$/, "", t); print $2, lr, $4, $10, $6, t }' \
		"$out/torch-$id.out" >"$out/torch-$id.log"
}

if [ ${#full_ids[@]} -gt 0 ] && [ $report = 0 ]; then
	if [ $have_nlp = 1 ]; then
		# the n-gram baseline
		echo "$me: 5-gram modified Kneser-Ney (nlp-lm -n 5) ..." >&2
		rm -f "$out/kn5.ppl"
		if ! { run /dev/null "$tmp/lm.err" "$bindir/nlp-lm" -n 5 --output "$tmp/kn5.arpa" "$train" &&
			run "$out/kn5.ppl" "$tmp/lm.err" "$bindir/nlp-perplexity" --model "$tmp/kn5.arpa" "$test"; }; then
			rm -f "$out/kn5.ppl"
			verdict "the 5-gram baseline (nlp-lm -n 5, nlp-perplexity)" 0 failed
		fi
		rm -f "$tmp/kn5.arpa"
	fi
	for id in "${full_ids[@]}"; do
		[ $have_nlp = 0 ] || full_nlp "$id"
		[ $torchfull = 0 ] || [ $have_torch = 0 ] || full_torch "$id"
	done
fi

# ---- the report ----
# nlpf ID, torchf ID: the prefix of the files of ID's runs, when they were made by this run (or
# with --report); else a path where there is nothing (RNNLM_DIR may hold older runs).
nlpf() { if [ $report = 1 ] || [ -n "${ran[nlp.$1]:-}" ]; then echo "$out/$1"; else echo "$tmp/none/$1"; fi; }
torchf() { if [ $report = 1 ] || [ -n "${ran[torch.$1]:-}" ]; then echo "$out/torch-$1"; else echo "$tmp/none/torch-$1"; fi; }

if [ $report = 1 ]; then
	full_ids=()
	for id in "${ids_all[@]}"; do
		if [ -f "$out/$id.log" ] || [ -f "$out/torch-$id.log" ]; then full_ids+=("$id"); fi
	done
fi

echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); load $(load)"
speed_table

# curves: validation perplexity per epoch of every model of the table
curves()
{
	local term=png id plots=() kn k=0
	gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && term=pngcairo
	for id in "${full_ids[@]}"; do
		# one colour a model: nlp-rnnlm solid, PyTorch dashed
		k=$((k + 1))
		nf=$(nlpf "$id") tf=$(torchf "$id")
		[ ! -s "$nf.log" ] || plots+=("'$nf.log' using 1:4 skip 1 with linespoints lc $k lw 2 title 'nlp-rnnlm ${label[$id]}'")
		[ ! -s "$tf.log" ] || plots+=("'$tf.log' using 1:4 skip 1 with linespoints lc $k dt 2 title 'PyTorch ${label[$id]}'")
	done
	[ ${#plots[@]} -gt 0 ] || return 0
	kn=$( [ ! -f "$out/kn5.ppl" ] || ppl_of "$out/kn5.ppl")
	[ -z "$kn" ] || plots+=("$kn with lines dt 3 lc rgb 'gray40' title '5-gram modified Kneser-Ney, test ($kn)'")
	{
		echo "set terminal $term size 1000,650"
		echo "set output '$png'"
		echo "set datafile separator tab"
		echo "set title 'PTB: validation perplexity per epoch'"
		echo "set xlabel 'epoch'"
		echo "set ylabel 'validation perplexity'"
		echo "set logscale y"
		echo "set ytics (60, 80, 100, 120, 140, 160, 200, 250, 300, 400, 500, 700, 1000, 2000, 5000)"
		echo "set grid"
		echo "set key top right"
		printf 'plot %s' "${plots[0]}"
		printf ', \\\n     %s' "${plots[@]:1}"
		echo
	} >"$tmp/curves.gp"
	if gnuplot "$tmp/curves.gp" 2>"$tmp/gnuplot.err"; then
		echo
		echo "Learning curves: $png ($term)"
	else
		echo "$me: gnuplot failed:" >&2
		cat "$tmp/gnuplot.err" >&2
		failed=1
	fi
}

if [ ${#full_ids[@]} -gt 0 ]; then
	kn=""
	[ ! -f "$out/kn5.ppl" ] || kn=$(ppl_of "$out/kn5.ppl")
	echo
	echo "### PTB word-level language models (test set: $(awk '{ n += NF + 1 } END { print n }' "$test") tokens with </s>)"
	echo
	echo "| model | epochs | best valid ppl | test ppl | tokens/s | vs PyTorch | training time | peak RSS | PyTorch test ppl |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for id in "${full_ids[@]}"; do
		nf=$(nlpf "$id") tf=$(torchf "$id")
		ep=- bv=- tp=- tps=- vs=- wall=- rss=- pt=${pubppl[$id]:--}
		if [ -s "$nf.log" ]; then
			ep=$(logcol "$nf.log" epoch | wc -l)
			bv=$(logcol "$nf.log" valid_ppl | awk '$1 + 0 > 0 && (!b || $1 + 0 < b) { b = $1 + 0 } END { if (b) printf "%.2f", b; else print "-" }')
			# tokens/s over the whole training (the epochs have the same tokens)
			tps=$(logcol "$nf.log" tokens_per_s | awk '$1 > 0 { n++; s += 1 / $1 } END { if (n) printf "%.0f", n / s; else print "-" }')
		fi
		[ ! -s "$nf.ppl" ] || tp=$(ppl_of "$nf.ppl")
		[ ! -s "$nf.wall" ] || wall="$(cat "$nf.wall") s"
		[ ! -s "$nf.time" ] || rss=$(mb "$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$nf.time")")
		bn=$(best "$id" nlp)
		bt=$(best "$id" torch)
		[ -z "$bn" ] || [ -z "$bt" ] || vs=$(awk -v a="$bn" -v b="$bt" 'BEGIN { printf "%.2fx", a / b }')
		if [ -s "$tf.out" ] && grep -q '^test_ppl' "$tf.out"; then
			pt="$(awk '$1 == "test_ppl" { print $2 }' "$tf.out") (here, $(awk '$1 == "epoch" { n++; s += 1 / $6 } END { printf "%.0f", n / s }' "$tf.out") tokens/s)"
		fi
		echo "| nlp-rnnlm ${label[$id]} | $ep | $bv | $tp | $tps | $vs | $wall | $rss | $pt |"
	done
	[ -z "$kn" ] || echo "| 5-gram modified Kneser-Ney (nlp-lm -n 5) | - | - | $kn | - | - | - | - | - |"
	echo
	echo "tokens/s: nlp-rnnlm's over the whole training (--log); vs PyTorch: the best of the speed runs"
	echo "of the same model (the table above); PyTorch's perplexities score valid and test as 10"
	echo "streams, nlp-rnnlm's as one."
	for id in "${full_ids[@]}"; do
		nf=$(nlpf "$id")
		[ ! -f "$nf.info" ] || echo "- $id: $(cat "$nf.info")"
	done

	if [ $report = 0 ] && [ $have_nlp = 1 ]; then
		for id in "${full_ids[@]}"; do
			nf=$(nlpf "$id")
			if [ ! -s "$nf.ppl" ] || [ ! -s "$nf.score" ]; then continue; fi
			a=$(ppl_of "$nf.ppl" %.4f)
			b=$(awk -F'\t' '{ s += $1; n += $2 } END { if (n) printf "%.4f", 10 ^ (-s / n) }' "$nf.score")
			verdict "$id: nlp-rnnlm score's sum gives nlp-perplexity's perplexity" \
				"$(awk -v a="$a" -v b="$b" 'BEGIN { d = a / b - 1; print (d < 1e-4 && d > -1e-4) ? 1 : 0 }')" \
				"$b vs $a"
		done
		nf=$(nlpf lstm)
		if [ -s "$nf.ppl" ]; then
			a=$(ppl_of "$nf.ppl")
			verdict "LSTM small: test perplexity <= 116" "$(awk -v a="$a" 'BEGIN { print (a <= 116) ? 1 : 0 }')" "$a"
		fi
		nf=$(nlpf lstm1)
		if [ -s "$nf.ppl" ] && [ -s "$nf.wall" ]; then
			a=$(ppl_of "$nf.ppl")
			verdict "1-layer LSTM: test perplexity below the 5-gram modified Kneser-Ney's" \
				"$(awk -v a="$a" -v k="$kn" 'BEGIN { print (k != "" && a < k + 0) ? 1 : 0 }')" "$a vs ${kn:-no 5-gram}"
			w=$(cat "$nf.wall")
			verdict "1-layer LSTM: trained within 30 minutes" "$(awk -v w="$w" 'BEGIN { print (w <= 1800) ? 1 : 0 }')" "$w s"
		fi
	fi
	[ $have_gnuplot = 0 ] || curves
fi

echo
for x in "${notes[@]}"; do echo "note: $x"; done
for x in "${results[@]}"; do echo "$x"; done
exit $failed
