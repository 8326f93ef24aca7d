#!/usr/bin/env bash
# bench/glove.sh [all|peer|ours|table]: GloVe (issue 16) on the letters-only corpus built from
# enwiki-100M (enwik100.txt, 15.9 million words, as BENCH.md shows): the pipeline
# nlp-vocab | nlp-cooccur | nlp-glove against Stanford's GloVe (vocab_count, cooccur, shuffle,
# glove) side by side: wall time and peak RSS of every step, the time of one training iteration,
# the whole pipeline, and the quality of both tools' vectors scored by the same program,
# nlp-similar, as bench/w2v.sh scores them (WordSim353 Spearman; 3CosAdd analogy accuracy over the
# 30,000 most frequent words).
#
# Settings (issue 16): min-count 5, symmetric window 10 with 1/d weights, dimension 100,
# x_max GLOVE_XMAX (10), alpha 0.75, eta 0.05, GLOVE_ITERS (15) iterations, 2 threads.
#   GloVe: vocab_count -min-count 5; cooccur -window-size 10 -symmetric 1 (its defaults:
#     -distance-weighting 1, -memory 4); shuffle (-memory 2, its default) -seed 1;
#     glove -threads 2 -iter N -vector-size 100 -x-max X -alpha 0.75 -eta 0.05 -binary 0 -model 2
#     -write-header 1 -seed 1
#   nlp: nlp-vocab --min-count 5 | nlp-cooccur -v vocab -w 10 (its defaults: harmonic, both
#     sides, float64) | nlp-glove -v vocab -d 100 --x-max X --iters N -T 2 --seed S --log LOG
#     (no shuffle step: nlp-glove shuffles in memory), once for each seed of GLOVE_SEEDS
#     ("1 2 3"); the table gives each seed and their mean.
# GloVe's text vectors end with a `<unk>` row (the mean of the rarest words' vectors) that its
# header line does not count; it is dropped before scoring, so that both files hold the same
# 68,372 words (it is the last row: it could change neither score).
#
# GloVe is not a Debian package: GLOVE_DIR names the directory of its four binaries (the `build`
# folder of a checkout of github.com/stanfordnlp/GloVe after `make`; bench/README.md says how),
# built outside the project; without it the peer's rows are skipped. NLP_GLOVE (default
# bin/nlp-glove) names our binary, so that a copy can be measured while the tree is rebuilt; its
# rows are skipped while it does not exist.
#
#   all (default)  ours with the first seed, the peer (when GLOVE_DIR is set), ours with the other
#                  seeds, then the table
#   peer           only the peer: its figures go to $BENCH_DIR/glove-peer.TAG.tsv
#   ours           only ours: $BENCH_DIR/glove-ours.TAG.tsv; the table takes the peer's figures
#                  from its cached file when there is one (a peer run takes some 13 minutes on
#                  a quiet 2-core machine)
#   table          the table of the cached files only
# TAG is CORPUS-iITERS-xXMAX (e.g. enwik100-i15-x10). GLOVE_CORPUS replaces the corpus for a quick
# trial of the script. Every step runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (BENCH.md:
# the peer at its best, ours the same way); the scoring is not timed. Each step is timed once.
# Time of an iteration: GloVe's stderr lines are stamped as they arrive; its iteration time is
# (the time of its last "iter:" line - the time of the "alpha:" line it prints after loading and
# initialising) / iterations. Ours: the mean of the per-iteration seconds of --log. Under the table,
# PASS or FAIL for issue 16's targets (an iteration and the pipeline at least 3 times faster;
# WordSim353 and analogy within 0.01 of GloVe's or better, the mean of the seeds); the exit status
# stays 0 (run-all.sh's convention).
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=glove.sh

mode=${1:-all}
case $mode in
all | peer | ours | table) ;;
*) echo "usage: $me [all|peer|ours|table]" >&2; exit 2 ;;
esac

skip_without_data $me enwiki-100M.txt.xz eval/wordsim353.tsv eval/questions-words.txt
need_bins $me nlp-vocab nlp-cooccur nlp-similar
need_tools $me xz tr sed grep awk od
need_time $me

iters=${GLOVE_ITERS:-15}
xmax=${GLOVE_XMAX:-10}
read -r -a seeds <<<"${GLOVE_SEEDS:-1 2 3}"
gdir=${GLOVE_DIR:-}
nlp=${NLP_GLOVE:-$bindir/nlp-glove}
ev=$data/eval
if [ -n "${GLOVE_CORPUS:-}" ]; then corpus=$GLOVE_CORPUS; cname=$(basename "$corpus" .txt); else
	corpus="" cname=enwik100; fi
tag=$cname-i$iters-x$xmax
mkdir -p "$BENCH_DIR"
peer_res=$BENCH_DIR/glove-peer.$tag.tsv
ours_res=$BENCH_DIR/glove-ours.$tag.tsv
notes=()

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-glove-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); load$(uptime | sed 's/.*load/ load/;s/^ load average//')"

# The columns of a result line (one per run; "-" for a missing value):
cols="run vocab_s vocab_rss cooccur_s cooccur_rss shuffle_s shuffle_rss train_s train_rss iter_s total_s cost words nonzeros spearman accuracy train_cpu total_cpu"

# stamp: each line of stdin with the time it arrived (seconds) and a tab before it.
stamp()
{
	local l
	while IFS= read -r l || [ -n "$l" ]; do printf '%s\t%s\n' "$EPOCHREALTIME" "$l"; done
}

# step ID IN OUT CMD...: one timed run of CMD, stdin from IN, stdout to OUT, its stderr stamped
# into $tmp/ID.err, under /usr/bin/time -v and without the OpenBLAS variables. Sets secs and rss
# (KB) and cpu (user + system seconds); exits on a failure.
step()
{
	local id=$1 in=$2 out=$3 t0 t1
	shift 3
	echo "$me: $id: $*" >&2
	t0=${EPOCHREALTIME/[.,]/}
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v -o "$tmp/$id.time" "$@" \
		<"$in" 2>&1 >"$out" | stamp >"$tmp/$id.err"; then
		echo "$me: $id failed: $*" >&2
		tail -n 5 "$tmp/$id.err" >&2
		cat "$tmp/$id.time" >&2
		exit 1
	fi
	t1=${EPOCHREALTIME/[.,]/}
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
	rss=$(awk -F': *' '/Maximum resident set size/{print $2}' "$tmp/$id.time")
	cpu=$(awk -F': *' '/(User|System) time \(seconds\)/ { c += $2 } END { printf "%.2f", c }' "$tmp/$id.time")
	echo "$me: $id: $secs s, $(mb "$rss"), CPU $cpu s" >&2
}

# score VECTORS: "spearman accuracy" by nlp-similar (as bench/w2v.sh: WordSim353 restricted to
# 300,000 rows, analogies to 30,000, case-insensitive: nlp-similar's defaults).
score()
{
	"$bindir/nlp-similar" --eval-pairs "$ev/wordsim353.tsv" --eval-analogy "$ev/questions-words.txt" \
		"$1" >"$tmp/eval"
	awk -F'\t' '$1 == "spearman" { sp = $2 } $1 == "accuracy" { ac = $2 }
		END { printf "%.4f %.4f\n", sp, ac }' "$tmp/eval"
}

# now: the date and the load averages (1, 5, 15 minutes).
now() { echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load $(uptime | sed 's/.*load average: *//')"; }

# header FILE START: the comment lines that open a result file; START: now's line at the start.
header()
{
	{
		echo "# $me $mode: started $2; ended $(now)"
		echo "# $(machine)"
		echo "# corpus $corpus ($(wc -w <"$corpus") words), $iters iterations, x_max $xmax"
		echo "$cols" | tr ' ' '\t'
	} >"$1"
}

run_peer()
{
	local g=$gdir vs vr cs cr ss sr ts trss it cost words nnz sp ac start tcpu ccpu
	start=$(now)
	echo "$me: GloVe ($g), $iters iterations, x_max $xmax ..." >&2
	step peer.vocab_count "$corpus" "$tmp/g.vocab" "$g/vocab_count" -min-count 5 -verbose 2
	vs=$secs vr=$rss ccpu=$cpu
	step peer.cooccur "$corpus" "$tmp/g.cooc" "$g/cooccur" -window-size 10 -symmetric 1 \
		-vocab-file "$tmp/g.vocab" -overflow-file "$tmp/g.overflow" -verbose 2
	cs=$secs cr=$rss ccpu=$(awk -v a="$ccpu" -v b="$cpu" 'BEGIN { print a + b }')
	step peer.shuffle "$tmp/g.cooc" "$tmp/g.shuf" "$g/shuffle" -seed 1 -temp-file "$tmp/g.temp" \
		-verbose 2
	ss=$secs sr=$rss ccpu=$(awk -v a="$ccpu" -v b="$cpu" 'BEGIN { print a + b }')
	nnz=$(($(stat -c %s "$tmp/g.cooc") / 16)) # GloVe's cells: int, int, double
	rm -f "$tmp/g.cooc"
	step peer.glove /dev/null /dev/null "$g/glove" -input-file "$tmp/g.shuf" -vocab-file "$tmp/g.vocab" \
		-save-file "$tmp/g.vectors" -threads 2 -iter "$iters" -vector-size 100 -x-max "$xmax" \
		-alpha 0.75 -eta 0.05 -binary 0 -model 2 -write-header 1 -seed 1 -verbose 2
	ts=$secs trss=$rss tcpu=$cpu ccpu=$(awk -v a="$ccpu" -v b="$cpu" 'BEGIN { print a + b }')
	rm -f "$tmp/g.shuf"
	it=$(awk -F'\t' -v n="$iters" '$2 ~ /^alpha:/ { a = $1 } $2 ~ /iter: [0-9]+, cost:/ { b = $1 }
		END { if (a != "" && b != "" && n > 0) printf "%.3f", (b - a) / n; else print "-" }' \
		"$tmp/peer.glove.err")
	cost=$(awk -F'\t' '$2 ~ /iter: [0-9]+, cost:/ { c = $2; sub(/.*cost: */, "", c) } END { print c + 0 }' \
		"$tmp/peer.glove.err")
	words=$(awk 'END { print NR }' "$tmp/g.vocab")
	# the <unk> row (last, not counted by the header) dropped
	awk 'NR == 1 || $1 != "<unk>"' "$tmp/g.vectors.txt" >"$tmp/g.vec"
	rm -f "$tmp/g.vectors.txt"
	read -r sp ac < <(score "$tmp/g.vec")
	rm -f "$tmp/g.vec"
	header "$tmp/peer.tsv" "$start"
	printf '%s\n' "GloVe $vs $vr $cs $cr $ss $sr $ts $trss $it $(awk -v a="$vs" -v b="$cs" -v c="$ss" \
		-v d="$ts" 'BEGIN { printf "%.3f", a + b + c + d }') $cost $words $nnz $sp $ac $tcpu $ccpu" |
		tr ' ' '\t' >>"$tmp/peer.tsv"
	mv "$tmp/peer.tsv" "$peer_res"
	echo "$me: GloVe: $(tail -n 1 "$peer_res")" >&2
}

# run_ours SEED: the pipeline of ours once; appends its line to $tmp/ours.tsv.
run_ours()
{
	local s=$1 vs vr cs cr ts trss it cost words nnz sp ac tcpu ccpu
	echo "$me: nlp, seed $s ..." >&2
	step "nlp.$s.vocab" /dev/null "$tmp/n.vocab" "$bindir/nlp-vocab" --min-count 5 "$corpus"
	vs=$secs vr=$rss ccpu=$cpu
	step "nlp.$s.cooccur" /dev/null "$tmp/n.cooc" "$bindir/nlp-cooccur" -v "$tmp/n.vocab" -w 10 "$corpus"
	cs=$secs cr=$rss ccpu=$(awk -v a="$ccpu" -v b="$cpu" 'BEGIN { print a + b }')
	nnz=$(od -An -tu8 -j40 -N8 "$tmp/n.cooc" | tr -d ' ')
	step "nlp.$s.glove" /dev/null /dev/null "$nlp" -v "$tmp/n.vocab" -d 100 --x-max "$xmax" \
		--iters "$iters" -T 2 --seed "$s" --log "$tmp/n.log" --output "$tmp/n.vec" "$tmp/n.cooc"
	ts=$secs trss=$rss tcpu=$cpu ccpu=$(awk -v a="$ccpu" -v b="$cpu" 'BEGIN { print a + b }')
	rm -f "$tmp/n.cooc"
	# --log: a header line, then "iter cost seconds nonzeros_per_s" per iteration (seconds: that
	# iteration's own)
	it=$(awk -F'\t' 'NR > 1 { n++; s += $3 } END { if (n) printf "%.3f", s / n; else print "-" }' "$tmp/n.log")
	cost=$(awk -F'\t' 'NR > 1 { c = $2 } END { print c + 0 }' "$tmp/n.log")
	cp "$tmp/n.log" "$tmp/n.$s.log"
	words=$(awk 'END { print NR }' "$tmp/n.vocab")
	read -r sp ac < <(score "$tmp/n.vec")
	rm -f "$tmp/n.vec"
	printf '%s\n' "nlp.seed$s $vs $vr $cs $cr - - $ts $trss $it $(awk -v a="$vs" -v b="$cs" -v d="$ts" \
		'BEGIN { printf "%.3f", a + b + d }') $cost $words $nnz $sp $ac $tcpu $ccpu" | tr ' ' '\t' >>"$tmp/ours.tsv"
	echo "$me: nlp seed $s: $(tail -n 1 "$tmp/ours.tsv")" >&2
}

peer=0
if [ "$mode" = all ] || [ "$mode" = peer ]; then
	if [ -z "$gdir" ]; then
		notes+=("GloVe skipped: set GLOVE_DIR to the directory of its binaries (built outside the project)")
	else
		for b in vocab_count cooccur shuffle glove; do
			[ -x "$gdir/$b" ] || { echo "$me: $gdir/$b is missing (GLOVE_DIR)" >&2; exit 1; }
		done
		peer=1
	fi
fi
ours=0
if [ "$mode" = all ] || [ "$mode" = ours ]; then
	if [ ${#seeds[@]} -eq 0 ]; then notes+=("nlp-glove skipped: GLOVE_SEEDS is empty")
	elif [ -x "$nlp" ]; then ours=1
	else notes+=("nlp-glove skipped: $nlp does not exist (NLP_GLOVE)"); fi
fi
if [ $peer = 1 ] || [ $ours = 1 ]; then
	[ -n "$corpus" ] || corpus=$(enwik100_cached)
	echo "$me: corpus $corpus, $(wc -w <"$corpus") words"
fi
if [ $peer = 1 ] && [ $ours = 0 ]; then run_peer; fi
if [ $ours = 1 ]; then
	{
		start=$(now)
		: >"$tmp/ours.tsv"
		for s in "${seeds[@]}"; do
			run_ours "$s"
			# all: the peer runs between the first and the second seed
			if [ "$s" = "${seeds[0]}" ] && [ $peer = 1 ]; then run_peer; fi
		done
		header "$tmp/ours.h" "$start"
		cat "$tmp/ours.h" "$tmp/ours.tsv" >"$ours_res"
		for s in "${seeds[@]}"; do
			echo "nlp-glove --log, seed $s:"
			sed 's/^/  /' "$tmp/n.$s.log"
		done
	}
fi

# The table, from the result files.
[ -s "$peer_res" ] || peer_res=/dev/null
[ -s "$ours_res" ] || ours_res=/dev/null
if [ "$peer_res" = /dev/null ] && [ "$ours_res" = /dev/null ]; then
	echo "$me: no results for $tag in $BENCH_DIR"
	for n in "${notes[@]}"; do echo "Note: $n"; done
	exit 0
fi
echo
echo "GloVe d100, window 10 (1/d), min-count 5, x_max $xmax, alpha 0.75, $iters iterations, 2 threads ($cname):"
echo
echo "| run | vocabulary | co-occurrence | shuffle | training | an iteration | pipeline | CPU: training / pipeline | peak RSS (vocab / cooc / shuffle / train) | final cost | WordSim353 | analogy |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$peer_res" "$ours_res" | awk -F'\t' '
	function t(x) { return x == "-" || x == "" ? "-" : sprintf("%.1f s", x) }
	function m(x) { return x == "-" ? "-" : x >= 1048576 ? sprintf("%.2f GB", x / 1048576) : sprintf("%.0f MB", x / 1024) }
	function x(a, b) { return a == "" || a == "-" || b == "-" || b == 0 ? "-" : sprintf("%.2fx", a / b) }
	function row(label, r) {
		printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s / %s / %s | %.4f | %.3f | %.3f |\n", label,
			t(r[2]), t(r[4]), t(r[6]), t(r[8]), t(r[10]), t(r[11]), t(r[17]), t(r[18]),
			m(r[3]), m(r[5]), m(r[7]), m(r[9]), r[12], r[15], r[16]
	}
	/^#/ || $1 == "run" { next }
	$1 == "GloVe" { split($0, g, "\t"); row("GloVe (Stanford, master)", g); have_g = 1; next }
	{
		split($0, r, "\t"); n++; row("nlp, seed " substr($1, 9), r)
		for (i = 2; i <= 18; i++) {
			if (r[i] == "-" || r[i] == "") { mean[i] = "-"; continue }
			if (i == 3 || i == 5 || i == 7 || i == 9) { if (r[i] > mean[i]) mean[i] = r[i] }
			else mean[i] += r[i]
		}
	}
	END {
		if (n) {
			for (i = 2; i <= 18; i++)
				if (mean[i] != "-" && !(i == 3 || i == 5 || i == 7 || i == 9)) mean[i] /= n
			if (n > 1) row("nlp, mean of " n " seeds", mean)
		}
		if (n && have_g) {
			printf "| GloVe / nlp | %.2fx | %.2fx | | %.2fx | **%.2fx** | **%.2fx** | %s / %s | | | %+.3f | %+.3f |\n",
				g[2] / mean[2], g[4] / mean[4], g[8] / mean[8], g[10] / mean[10], g[11] / mean[11],
				x(g[17], mean[17]), x(g[18], mean[18]), mean[15] - g[15], mean[16] - g[16]
		}
	}'
echo
echo "Times: one run of each step (wall time; /usr/bin/time -v gives the peak RSS), every step with"
echo "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. nlp has no shuffle step (nlp-glove shuffles in"
echo "memory, inside its training time). Training: the whole program (reading, training, writing the"
echo "vectors); an iteration: GloVe's stamped 'iter:' lines, nlp-glove's --log. Pipeline: the sum of"
echo "the steps. CPU: user + system seconds (/usr/bin/time), less sensitive than wall time to the"
echo "other jobs of a shared machine. The mean row: means of the seeds, the largest peak RSS. Ratio"
echo "row: GloVe's time / nlp's mean; quality: nlp's mean - GloVe's. Scores by nlp-similar for both"
echo "tools' vectors (WordSim353 Spearman; 3CosAdd analogy accuracy over the 30,000 most frequent"
echo "words; both case-insensitive); GloVe's '<unk>' row dropped. Final cost: the mean of"
echo "0.5 f(x) diff^2 over the non-zeros in the last iteration, as each tool reports it."
for f in "$peer_res" "$ours_res"; do
	[ "$f" = /dev/null ] || { echo "$(basename "$f"):"; grep '^#' "$f" | sed 's/^#/ /'; }
done
cat "$peer_res" "$ours_res" | awk -F'\t' '!/^#/ && $1 != "run" { print "  " $1 ": " $13 " words, " $14 " non-zeros" }'
for n in "${notes[@]}"; do echo "Note: $n"; done
echo "BENCH.md's figures (same machine, earlier; GloVe master, 15 iterations, x_max 10): cooccur 16 s,"
echo "shuffle 15 s, 38 s an iteration; 1.46 GB / 0.69 GB / 218 MB; WordSim353 0.448, analogy 0.305."

# Issue 16's targets, from the GloVe row and the mean of our seeds (printed, not the exit status:
# run-all.sh's convention).
cat "$peer_res" "$ours_res" | awk -F'\t' -v iters="$iters" -v xmax="$xmax" '
	/^#/ || $1 == "run" { next }
	$1 == "GloVe" { g = 1; gi = $10; gt = $11; gs = $15; ga = $16; next }
	$10 != "-" { n++; ni += $10; nt += $11; ns += $15; na += $16 }
	function v(ok) { return ok ? "PASS" : "FAIL" }
	END {
		if (!g || !n) exit
		ni /= n; nt /= n; ns /= n; na /= n
		print ""
		printf "Issue 16'\''s targets (%d iterations, x_max %s; nlp: the mean of %d seeds):\n", iters, xmax, n
		printf "  %s  an iteration at least 3 times faster than GloVe'\''s (%.1f s / %.1f s = %.2fx)\n", v(gi >= 3 * ni), gi, ni, gi / ni
		printf "  %s  the pipeline at least 3 times faster (%.1f s / %.1f s = %.2fx)\n", v(gt >= 3 * nt), gt, nt, gt / nt
		printf "  %s  WordSim353 within 0.01 of GloVe'\''s or better (%.3f vs %.3f)\n", v(ns >= gs - 0.01), ns, gs
		printf "  %s  analogy within 0.01 of GloVe'\''s or better (%.3f vs %.3f)\n", v(na >= ga - 0.01), na, ga
	}'
