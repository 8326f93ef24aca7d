#!/usr/bin/env bash
# bench/particles.sh [OLD_BIN_DIR]: Korean particle splitting, nlp-stopword --split-particles.
#
#   1. quality on the UD Korean GSD and Kaist development sets, scored by
#      ../shared/bench/eval_particles.py: precision, recall, F1 of the splits and the share of
#      particle-free words split (target: F1 >= 0.95 and oversplit <= 0.03 on both); with
#      OLD_BIN_DIR, the same for that build's nlp-stopword first (e.g. a build of main)
#   2. the cross-check of scripts/ko-particles-train --check: models trained on one set and
#      scored on the other, and 5-fold cross-validation over both (the shipped model is trained on
#      both sets, so its figures in 1 are not held-out figures)
#   3. speed on kowiki-30M tokenized by nlp-tokenize (30 MB, 3.5 M tokens): the median of
#      BENCH_REPS (3) rounds of --split-particles, of -L ko alone, and of OLD_BIN_DIR's
#      --split-particles, with peak RSS
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=particles.sh
skip_without_data $me ud-korean/ko_gsd-ud-dev.conllu.xz ud-korean/ko_kaist-ud-dev.conllu.xz \
	kowiki-30M.txt.xz
scorer="$root/../shared/bench/eval_particles.py"
[ -f "$scorer" ] || { echo "$me: skipped: $scorer is missing"; exit 0; }
need_bins $me nlp-stopword nlp-tokenize nlp-vocab
need_time $me
need_py_modules $me sklearn
old=${1:-}
if [ -n "$old" ] && [ ! -x "$old/nlp-stopword" ]; then
	echo "$me: $old/nlp-stopword is missing" >&2
	exit 1
fi
reps=${BENCH_REPS:-3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-particles-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# score BIN SET: the scorer's line for BIN/nlp-stopword on the SET dev set
score()
{
	"$PY" "$scorer" "$data/ud-korean/ko_$2-ud-dev.conllu.xz" -- \
		"$1/nlp-stopword" --list /dev/null --split-particles
}

echo "# $me: $(machine)"
echo
printf '%-8s %-6s %9s %7s %6s %10s  %s\n' build set precision recall F1 oversplit target
for b in ${old:+old} new; do
	dir=$bindir
	[ "$b" = new ] || dir=$old
	for set in gsd kaist; do
		line=$(score "$dir" "$set")
		[[ $line =~ precision=([^ ]*)\ recall=([^ ]*)\ f1=([^ ]*)\ oversplit=([^ ]*) ]] ||
			{ echo "$me: the scorer said: $line" >&2; exit 1; }
		p=${BASH_REMATCH[1]} r=${BASH_REMATCH[2]} f=${BASH_REMATCH[3]} o=${BASH_REMATCH[4]}
		verdict=$(awk -v f="$f" -v o="$o" \
			'BEGIN { print (f >= 0.95 && o <= 0.03) ? "PASS" : "FAIL" }')
		printf '%-8s %-6s %9s %7s %6s %10s  %s\n' "$b" "$set" "$p" "$r" "$f" "$o" "$verdict"
	done
done

echo
echo "cross-check (scripts/ko-particles-train --check):"
(cd "$root" && scripts/ko-particles-train --check --data "$data") | sed 's/^/  /'

# speed: the median of the timed rounds, peak RSS of a first round
tok="$BENCH_DIR/kowiki-30M.tok"
if [ ! -s "$tok" ] || [ "$data/kowiki-30M.txt.xz" -nt "$tok" ]; then
	mkdir -p "$BENCH_DIR"
	xz -dc "$data/kowiki-30M.txt.xz" | "$bindir/nlp-tokenize" >"$tok.tmp.$$"
	mv "$tok.tmp.$$" "$tok"
fi
mb=$(awk -v b="$(wc -c <"$tok")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo
printf '%-40s %8s %8s %9s\n' "speed, kowiki-30M tokens ($mb MB)" "median s" "MB/s" "peak RSS"
run()
{
	local label=$1 t0 t1 times=() rss
	shift
	/usr/bin/time -f %M -o "$tmp/rss" "$@" <"$tok" >/dev/null
	rss=$(cat "$tmp/rss")
	for _ in $(seq "$reps"); do
		t0=${EPOCHREALTIME/[.,]/}
		"$@" <"$tok" >/dev/null
		t1=${EPOCHREALTIME/[.,]/}
		times+=($((t1 - t0)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v mb="$mb" -v rss="$rss" \
		'{ t[NR] = $1 } END { s = t[int((NR + 1) / 2)] / 1e6;
		   printf "%-40s %8.2f %8.1f %6.0f MB\n", l, s, mb / s, rss / 1024 }'
}
run "nlp-stopword -L ko" "$bindir/nlp-stopword" -L ko
run "nlp-stopword --split-particles" "$bindir/nlp-stopword" --list /dev/null --split-particles
[ -z "$old" ] || run "old nlp-stopword --split-particles" "$old/nlp-stopword" --list /dev/null \
	--split-particles
