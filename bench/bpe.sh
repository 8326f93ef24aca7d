#!/usr/bin/env bash
# bench/bpe.sh [all|peer|snmt|ours|table]: byte-pair-encoding subwords (issue 17): nlp-bpe against
# SentencePiece (Debian's sentencepiece 0.1.97: spm_train, spm_encode, spm_decode) and, when a
# copy is at hand, subword-nmt (learn_bpe.py, apply_bpe.py), on the same word tokens.
#
# Data (cached under $BENCH_DIR/bpe, rebuilt when missing or older than the .xz file):
#   kowiki-30M.tok   ../shared/data/kowiki-30M.txt.xz through nlp-tokenize (its default words)
#   enwiki-100M.tok  ../shared/data/enwiki-100M.txt.xz the same way (for the identity check)
#
# Jobs:
#   learn   nlp-bpe learn --merges M kowiki-30M.tok  (and, once, --vocab-size M: as many merges
#           as make M symbols with the graphemes, closer to what spm_train's size counts)  against
#           spm_train --model_type=bpe --vocab_size=M --num_threads=$(nproc)
#             --input_sentence_size=0 --character_coverage=C --normalization_rule_name=identity
#             --max_sentence_length=L
#           (M = BPE_MERGES, 32000; C = BPE_COVERAGE, 1.0: every character of the text is a
#           symbol, as it is in nlp-bpe, which has no coverage cut, so that neither model has
#           an unknown piece and both decode back to the text; identity: nlp-bpe does not
#           normalise, and the tokens are what both see; L: the longest line in bytes, so that
#           spm_train reads every line, where its default of 4192 would leave 12 out)
#           target: nlp-bpe at least 5 times faster (wall time); CPU seconds and peak RSS beside
#   apply   nlp-bpe apply --codes OURS --style sentencepiece < kowiki-30M.tok  against
#           spm_encode --model=SPM < kowiki-30M.tok, each tool with its own model from learn;
#           alternating, BENCH_REPS timed rounds (default 3), medians; target at least 10 times
#           faster. nlp-bpe on its default of one thread (as spm_encode runs), and on two
#           (-T 2). Beside it, nlp-bpe apply in the subword-nmt style and the
#           pieces a word of each.
#   identity  nlp-bpe apply | nlp-bpe decode on the whole kowiki-30M and enwiki-100M tokens, in
#           both styles, each corpus with a model learnt on it, cmp'd with the input: identical
#           or not; and spm_encode | spm_decode on kowiki-30M with its model, for comparison.
#   snmt    subword-nmt's learn_bpe.py -s M on the same tokens (and apply_bpe.py with our codes,
#           whose output must be ours in the subword-nmt style): from SUBWORD_NMT, the folder of
#           a checkout of github.com/rsennrich/subword-nmt (it is not a Debian package, and pip
#           is not used here); its rows are skipped without it. Its codes are compared with ours
#           line by line (the first that differs).
#
# BPE_LINES=N takes the first N lines of each corpus instead, for a quick trial of the script.
#
# Modes: peer runs spm_train once and caches its model and figures ($BENCH_DIR/bpe/spm.*; some
# minutes); snmt runs subword-nmt once and caches its figures; ours runs nlp-bpe learn (BENCH_REPS
# times, median), the apply pairs (spm_encode with the cached model) and the identity checks;
# table prints the table of the cached figures; all (the default) runs peer and snmt when their
# figures are not cached (or BPE_REFRESH=1), then ours, then the table. NLP_BPE names the binary
# measured (default bin/nlp-bpe): a copy, so that the tree can be rebuilt meanwhile; BPE_COMMIT
# names the commit it was built from, for the results (default: git describe of this tree).
# Every command runs under /usr/bin/time -v (wall time, user + system CPU seconds, peak RSS) with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (BENCH.md; neither tool uses OpenBLAS). PASS/FAIL
# of the targets under the table do not change the exit status (run-all.sh's convention).
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=bpe.sh

mode=${1:-all}
case $mode in
all | peer | snmt | ours | table) ;;
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
*) echo "usage: $me [all|peer|snmt|ours|table]" >&2; exit 2 ;;
esac

skip_without_data $me kowiki-30M.txt.xz enwiki-100M.txt.xz
need_bins $me nlp-tokenize
need_tools $me xz awk cmp perl
need_time $me

merges=${BPE_MERGES:-32000}
coverage=${BPE_COVERAGE:-1.0}
reps=${BENCH_REPS:-3}
nlp=${NLP_BPE:-$bindir/nlp-bpe}
snmt=${SUBWORD_NMT:-}
out=$BENCH_DIR/bpe
lines=${BPE_LINES:-}
tag=kowiki-m$merges-c$coverage${lines:+-l$lines}
spm_prefix=$out/spm.$tag
peer_res=$out/spm.$tag.tsv
snmt_res=$out/snmt.$tag.tsv
ours_res=$out/ours.$tag.tsv
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-bpe-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
notes=()

now() { echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load $(awk '{ print $1, $2, $3 }' /proc/loadavg)"; }
echo "$me: $(now); $(machine)"

# tokens NAME: the nlp-tokenize words of $data/NAME.txt.xz, cached as $out/NAME.tok (with
# BPE_LINES, their first lines as $out/NAME.lLINES.tok); prints the path.
tokens()
{
	local xzf="$data/$1.txt.xz" tok="$out/$1.tok"
	if [ ! -s "$tok" ] || [ "$xzf" -nt "$tok" ]; then
		echo "$me: tokenizing $1 into $tok ..." >&2
		xz -dc "$xzf" | "$bindir/nlp-tokenize" >"$tok.tmp.$$"
		mv "$tok.tmp.$$" "$tok"
	fi
	if [ -n "$lines" ]; then
		if [ ! -s "$out/$1.l$lines.tok" ] || [ "$tok" -nt "$out/$1.l$lines.tok" ]; then
			head -n "$lines" "$tok" >"$out/$1.l$lines.tok"
		fi
		tok=$out/$1.l$lines.tok
	fi
	printf '%s\n' "$tok"
}

# measure ID IN OUT CMD...: one run of CMD, stdin IN, stdout OUT, stderr $tmp/ID.err, under
# /usr/bin/time -v without the OpenBLAS variables; appends "ID wall_s cpu_s rss_kb" to
# $tmp/runs. Exits on a failure.
measure()
{
	local id=$1 in=$2 o=$3 t0 t1 wall cpu rss
	shift 3
	t0=${EPOCHREALTIME/[.,]/}
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v -o "$tmp/$id.time" "$@" \
		<"$in" >"$o" 2>"$tmp/$id.err"; then
		echo "$me: $id failed: $*" >&2
		tail -n 5 "$tmp/$id.err" >&2
		exit 1
	fi
	t1=${EPOCHREALTIME/[.,]/}
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
	cpu=$(awk -F': *' '/(User|System) time \(seconds\)/ { c += $2 } END { printf "%.2f", c }' "$tmp/$id.time")
	rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$tmp/$id.time")
	echo "$id $wall $cpu $rss" >>"$tmp/runs"
	echo "$me: $id: $wall s, CPU $cpu s, $(mb "$rss")" >&2
}

# median_of PREFIX: "wall cpu rss" of the runs whose id starts with PREFIX.r (medians of wall and
# CPU, the largest RSS).
median_of()
{
	awk -v p="$1.r" 'index($1, p) == 1 { n++; w[n] = $2; c[n] = $3; if ($4 > r) r = $4 }
		function med(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		END { if (n) printf "%.3f %.2f %d\n", med(w, n), med(c, n), r }' "$tmp/runs"
}

# result FILE ROW WALL CPU RSS NOTE: a line of a result file.
result() { printf '%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" "${6:-}" >>"$1"; }

# header FILE START: the comment lines that open a result file.
header()
{
	{
		echo "# $me $mode: started $2; ended $(now)"
		echo "# $(machine)"
	} >"$1"
}

# words FILE: the words (blank-separated tokens) of a file.
words() { wc -w <"$1" | tr -d ' '; }

run_peer()
{
	local ko start maxlen v pieces chars
	ko=$(tokens kowiki-30M)
	start=$(now)
	maxlen=$(LC_ALL=C awk '{ if (length($0) > m) m = length($0) } END { print m + 1 }' "$ko")
	[ "$maxlen" -ge 4192 ] || maxlen=4192
	echo "$me: spm_train on $ko, vocabulary $merges, coverage $coverage (some minutes) ..." >&2
	: >"$tmp/runs"
	measure spm_train.r1 /dev/null /dev/null spm_train --input="$ko" --model_prefix="$tmp/spm" \
		--model_type=bpe --vocab_size="$merges" --num_threads="$(nproc)" --input_sentence_size=0 \
		--character_coverage="$coverage" --normalization_rule_name=identity \
		--max_sentence_length="$maxlen"
	mv "$tmp/spm.model" "$spm_prefix.model"
	mv "$tmp/spm.vocab" "$spm_prefix.vocab"
	cp "$tmp/spm_train.r1.err" "$spm_prefix.log"
	# the vocabulary: 3 specials (<unk>, <s>, </s>), the merged pieces, then the characters
	v=$(awk 'END { print NR }' "$spm_prefix.vocab")
	chars=$(perl -CSD -ne '($p) = split /\t/; $n++ if length($p) == 1; END { print $n + 0, "\n" }' \
		"$spm_prefix.vocab")
	pieces=$((v - 3 - chars))
	header "$tmp/peer.tsv" "$start"
	echo "# spm_train $(spm_train --version 2>&1 | head -n 1), --max_sentence_length=$maxlen;" \
		"$v pieces: 3 specials, $chars characters, $pieces merged" >>"$tmp/peer.tsv"
	read -r w c r < <(median_of spm_train)
	result "$tmp/peer.tsv" learn.spm "$w" "$c" "$r" "$v pieces, $pieces merges"
	mv "$tmp/peer.tsv" "$peer_res"
}

run_snmt()
{
	local ko start p
	ko=$(tokens kowiki-30M)
	p=$snmt
	start=$(now)
	echo "$me: subword-nmt learn_bpe.py -s $merges on $ko (some minutes) ..." >&2
	: >"$tmp/runs"
	measure snmt_learn.r1 "$ko" "$out/snmt.$tag.codes" env PYTHONPATH="$p" "$PY" -m subword_nmt.learn_bpe \
		-s "$merges"
	header "$tmp/snmt.tsv" "$start"
	echo "# subword-nmt at $(git -C "$p" describe --always 2>/dev/null || cat "$p/VERSION" 2>/dev/null ||
		sed -n "s/.*version='\([^']*\)'.*/\1/p" "$p/setup.py"), $PY $("$PY" -V 2>&1 | cut -d' ' -f2)" >>"$tmp/snmt.tsv"
	read -r w c r < <(median_of snmt_learn)
	result "$tmp/snmt.tsv" learn.snmt "$w" "$c" "$r" "$(($(awk 'END { print NR }' "$out/snmt.$tag.codes") - 1)) merges"
	if [ -s "$out/ours.$tag.codes" ]; then
		echo "$me: subword-nmt apply_bpe.py -c (our codes) on $ko ..." >&2
		measure snmt_apply.r1 "$ko" "$out/snmt.$tag.apply" env PYTHONPATH="$p" "$PY" -m subword_nmt.apply_bpe \
			-c "$out/ours.$tag.codes"
		read -r w c r < <(median_of snmt_apply)
		result "$tmp/snmt.tsv" apply.snmt "$w" "$c" "$r" "with our codes"
	else
		notes+=("apply_bpe.py not run: no codes of ours yet ($out/ours.$tag.codes); run ours, then snmt")
	fi
	mv "$tmp/snmt.tsv" "$snmt_res"
}

# first_diff A B: "identical" or the first line where two files differ.
first_diff()
{
	if cmp -s "$1" "$2"; then echo identical; else
		echo "differ from line $(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p')"; fi
}

run_ours()
{
	local ko en start r id style pw
	ko=$(tokens kowiki-30M)
	en=$(tokens enwiki-100M)
	start=$(now)
	: >"$tmp/runs"
	: >"$tmp/ours.tsv"
	for r in $(seq 1 "$reps"); do
		measure "learn.nlp.r$r" /dev/null "$tmp/ours.codes" "$nlp" learn --merges "$merges" "$ko"
	done
	cp "$tmp/ours.codes" "$out/ours.$tag.codes"
	read -r w c rss < <(median_of learn.nlp)
	result "$tmp/ours.tsv" learn.nlp "$w" "$c" "$rss" "$(($(awk 'END { print NR }' "$tmp/ours.codes") - 1)) merges"

	# the vocabulary's size as spm_train's counts it (merges + initial symbols), once
	measure learnvs.nlp.r1 /dev/null "$tmp/ours.vs.codes" "$nlp" learn --vocab-size "$merges" "$ko"
	read -r w c rss < <(median_of learnvs.nlp)
	result "$tmp/ours.tsv" learnvs.nlp "$w" "$c" "$rss" "$(($(awk 'END { print NR }' "$tmp/ours.vs.codes") - 1)) merges"

	# apply: round 0 keeps the outputs; then alternating rounds
	if [ -s "$spm_prefix.model" ]; then
		for r in $(seq 0 "$reps"); do
			[ "$r" -eq 0 ] || echo "$me: apply, round $r of $reps" >&2
			if ((r % 2)); then order="nlp spm"; else order="spm nlp"; fi
			for id in $order; do
				if [ "$id" = nlp ]; then
					measure "apply.nlp.r$r" "$ko" "$tmp/apply.nlp" "$nlp" apply --codes "$tmp/ours.codes" --style sentencepiece
				else
					measure "apply.spm.r$r" "$ko" "$tmp/apply.spm" spm_encode --model="$spm_prefix.model"
				fi
			done
			[ "$r" -gt 0 ] || { cp "$tmp/apply.nlp" "$tmp/apply0.nlp"; cp "$tmp/apply.spm" "$tmp/apply0.spm"; }
		done
		sed -i '/^apply\.[a-z]*\.r0 /d' "$tmp/runs"
		pw=$(awk -v a="$(words "$tmp/apply0.nlp")" -v b="$(words "$ko")" 'BEGIN { printf "%.3f", a / b }')
		read -r w c rss < <(median_of apply.nlp)
		result "$tmp/ours.tsv" apply.nlp "$w" "$c" "$rss" "$pw pieces a word"
		pw=$(awk -v a="$(words "$tmp/apply0.spm")" -v b="$(words "$ko")" 'BEGIN { printf "%.3f", a / b }')
		read -r w c rss < <(median_of apply.spm)
		result "$tmp/ours.tsv" apply.spm "$w" "$c" "$rss" "$pw pieces a word"
		# the decode of SentencePiece, for the identity table
		measure decode.spm.r1 "$tmp/apply0.spm" "$tmp/spm.dec" spm_decode --model="$spm_prefix.model"
		read -r w c rss < <(median_of decode.spm)
		result "$tmp/ours.tsv" identity.spm.kowiki "$w" "$c" "$rss" "$(first_diff "$ko" "$tmp/spm.dec")"
	else
		notes+=("the apply pair and spm's identity skipped: no SentencePiece model ($spm_prefix.model); run $me peer")
	fi
	for r in $(seq 1 "$reps"); do
		measure "applysn.nlp.r$r" "$ko" "$tmp/apply.sn" "$nlp" apply --codes "$tmp/ours.codes"
	done
	# two threads (nlp-bpe apply's default is one, as spm_encode has)
	if "$nlp" apply --help 2>/dev/null | grep -q -- '--threads'; then
		for r in $(seq 1 "$reps"); do
			measure "applyt2.nlp.r$r" "$ko" /dev/null "$nlp" apply --codes "$tmp/ours.codes" --style sentencepiece -T 2
		done
		read -r w c rss < <(median_of applyt2.nlp)
		result "$tmp/ours.tsv" applyt2.nlp "$w" "$c" "$rss" "2 threads"
	fi
	pw=$(awk -v a="$(words "$tmp/apply.sn")" -v b="$(words "$ko")" 'BEGIN { printf "%.3f", a / b }')
	read -r w c rss < <(median_of applysn.nlp)
	result "$tmp/ours.tsv" applysn.nlp "$w" "$c" "$rss" "$pw pieces a word"
	cp "$tmp/apply.sn" "$out/ours.$tag.apply"

	# identity: apply then decode, both styles, both corpora (each with a model learnt on it)
	measure learn.en.r1 /dev/null "$tmp/en.codes" "$nlp" learn --merges "$merges" "$en"
	read -r w c rss < <(median_of learn.en)
	result "$tmp/ours.tsv" learn.en "$w" "$c" "$rss" "$(($(awk 'END { print NR }' "$tmp/en.codes") - 1)) merges, enwiki-100M"
	for corpus in kowiki enwiki; do
		if [ $corpus = kowiki ]; then src=$ko codes=$tmp/ours.codes; else src=$en codes=$tmp/en.codes; fi
		for style in subword-nmt sentencepiece; do
			id=$corpus.$style
			measure "idapply.$id.r1" "$src" "$tmp/id.apply" "$nlp" apply --codes "$codes" --style "$style"
			measure "iddecode.$id.r1" "$tmp/id.apply" "$tmp/id.dec" "$nlp" decode --style "$style"
			read -r wa _ _ < <(median_of "idapply.$id")
			read -r w c rss < <(median_of "iddecode.$id")
			result "$tmp/ours.tsv" "identity.$id" "$w" "$c" "$rss" "$(first_diff "$src" "$tmp/id.dec"); apply $wa s"
			rm -f "$tmp/id.apply" "$tmp/id.dec"
		done
	done
	header "$tmp/ours.h" "$start"
	echo "# $("$nlp" --version 2>&1 | head -n 1) ($nlp), at ${BPE_COMMIT:-$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)}" >>"$tmp/ours.h"
	cat "$tmp/ours.h" "$tmp/ours.tsv" >"$ours_res"
}

if [ "$mode" = all ] || [ "$mode" = peer ]; then
	if ! command -v spm_train >/dev/null || ! command -v spm_encode >/dev/null; then
		notes+=("SentencePiece skipped: spm_train/spm_encode missing (make deps-bench: sentencepiece)")
	elif [ "$mode" = peer ] || [ ! -s "$peer_res" ] || [ ! -s "$spm_prefix.model" ] || [ -n "${BPE_REFRESH:-}" ]; then
		run_peer
	fi
fi
if [ "$mode" = all ] || [ "$mode" = ours ]; then
	if [ -x "$nlp" ]; then run_ours; else notes+=("nlp-bpe skipped: $nlp does not exist (NLP_BPE)"); fi
fi
if [ "$mode" = all ] || [ "$mode" = snmt ]; then
	if [ -z "$snmt" ]; then
		notes+=("subword-nmt skipped: set SUBWORD_NMT to a checkout of github.com/rsennrich/subword-nmt")
	elif [ ! -f "$snmt/subword_nmt/learn_bpe.py" ]; then
		echo "$me: $snmt/subword_nmt/learn_bpe.py is missing (SUBWORD_NMT)" >&2
		exit 1
	elif [ "$mode" = snmt ] || [ ! -s "$snmt_res" ] || [ -n "${BPE_REFRESH:-}" ]; then
		run_snmt
	fi
fi

# The tables, from the result files.
cat "$peer_res" "$snmt_res" "$ours_res" 2>/dev/null | grep -v '^#' >"$tmp/all" || true
if [ ! -s "$tmp/all" ]; then
	echo "$me: no results for $tag in $out"
	for n in "${notes[@]}"; do echo "Note: $n"; done
	exit 0
fi
get() { awk -F'\t' -v k="$1" -v f="$2" '$1 == k { v = $f } END { print v }' "$tmp/all"; }
sec() { [ -n "$1" ] && printf '%.2f s' "$1" || printf -- '-'; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }' || printf -- '-'; }
rss() { [ -n "$1" ] && mb "$1" || printf -- '-'; }
notes2() { if [ -n "$1" ] && [ -n "$2" ]; then echo "$1; $2"; else echo "$1$2"; fi; }
row() # LABEL KEY PEERKEY
{
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(sec "$(get "$2" 2)")" "$(sec "$(get "$2" 3)")" \
		"$(rss "$(get "$2" 4)")" "$(sec "$(get "$3" 2)")" "$(sec "$(get "$3" 3)")" "$(rss "$(get "$3" 4)")" \
		"$(ratio "$(get "$3" 2)" "$(get "$2" 2)")" "$(notes2 "$(get "$2" 5)" "$(get "$3" 5)")"
}
echo
echo "BPE on kowiki-30M's nlp-tokenize words ($(words "$(tokens kowiki-30M)") words), $merges merges / vocabulary $merges, character coverage $coverage:"
echo
echo "| job | nlp time | nlp CPU | nlp peak RSS | peer time | peer CPU | peer peak RSS | ratio | notes (nlp; peer) |"
echo "|---|---|---|---|---|---|---|---|---|"
row "learn: nlp-bpe learn vs spm_train" learn.nlp learn.spm
[ -z "$(get learn.snmt 2)" ] || row "learn: nlp-bpe learn vs subword-nmt learn_bpe.py" learn.nlp learn.snmt
row "learn: nlp-bpe learn --vocab-size $merges vs spm_train" learnvs.nlp learn.spm
row "apply: nlp-bpe apply (sentencepiece style) vs spm_encode" apply.nlp apply.spm
[ -z "$(get applyt2.nlp 2)" ] || row "apply: nlp-bpe apply -T 2 (sentencepiece style) vs spm_encode" applyt2.nlp apply.spm
[ -z "$(get apply.snmt 2)" ] || row "apply: nlp-bpe apply (subword-nmt style) vs apply_bpe.py" applysn.nlp apply.snmt
[ -n "$(get apply.snmt 2)" ] || row "apply: nlp-bpe apply (subword-nmt style)" applysn.nlp none
row "learn: nlp-bpe learn on enwiki-100M" learn.en none
echo
echo "Apply then decode, compared with the input (cmp):"
echo
echo "| corpus | style | apply | decode | decode peak RSS | result |"
echo "|---|---|---|---|---|---|"
for corpus in kowiki enwiki; do
	for style in subword-nmt sentencepiece; do
		k=identity.$corpus.$style
		[ -n "$(get "$k" 2)" ] || continue
		printf '| %s | nlp-bpe, %s | %s | %s | %s | %s |\n' "$corpus" "$style" \
			"$(get "$k" 5 | sed 's/.*apply \(.*\) s$/\1 s/')" "$(sec "$(get "$k" 2)")" "$(rss "$(get "$k" 4)")" \
			"$(get "$k" 5 | sed 's/; apply.*//')"
	done
done
[ -z "$(get identity.spm.kowiki 2)" ] || printf '| kowiki | spm_encode, spm_decode | %s | %s | %s | %s |\n' \
	"$(sec "$(get apply.spm 2)")" "$(sec "$(get identity.spm.kowiki 2)")" "$(rss "$(get identity.spm.kowiki 4)")" \
	"$(get identity.spm.kowiki 5)"
echo
echo "Times: wall seconds (learn: the median of BENCH_REPS runs of ours, one cached run of each peer;"
echo "apply: medians of $reps alternating rounds after a warm-up); CPU: user + system seconds; peak RSS:"
echo "/usr/bin/time -v. Ratio: peer time / nlp time. spm_train: --model_type=bpe --vocab_size=$merges"
echo "--num_threads=$(nproc) --input_sentence_size=0 --character_coverage=$coverage"
echo "--normalization_rule_name=identity (its other settings its defaults)."
for f in "$peer_res" "$snmt_res" "$ours_res"; do
	[ -s "$f" ] && { echo "$(basename "$f"):"; grep '^#' "$f" | sed 's/^#/ /'; }
done
if [ -s "$out/snmt.$tag.codes" ] && [ -s "$out/ours.$tag.codes" ]; then
	echo "Codes of subword-nmt and nlp-bpe: $(first_diff "$out/snmt.$tag.codes" "$out/ours.$tag.codes")"
fi
if [ -s "$out/snmt.$tag.apply" ] && [ -s "$out/ours.$tag.apply" ]; then
	echo "apply_bpe.py and nlp-bpe apply with the same codes: $(first_diff "$out/snmt.$tag.apply" "$out/ours.$tag.apply")"
fi
for n in "${notes[@]}"; do echo "Note: $n"; done

# Issue 17's targets (printed, not the exit status)
lt=$(get learn.nlp 2) lp=$(get learn.spm 2) at=$(get apply.nlp 2) ap=$(get apply.spm 2)
echo
if [ -n "$lt" ] && [ -n "$lp" ]; then
	awk -v a="$lp" -v b="$lt" 'BEGIN { printf "%s  learn at least 5 times faster than spm_train (%.1f s / %.1f s = %.1fx)\n", (a >= 5 * b ? "PASS" : "FAIL"), a, b, a / b }'
fi
if [ -n "$at" ] && [ -n "$ap" ]; then
	awk -v a="$ap" -v b="$at" 'BEGIN { printf "%s  apply at least 10 times faster than spm_encode (%.2f s / %.2f s = %.1fx)\n", (a >= 10 * b ? "PASS" : "FAIL"), a, b, a / b }'
fi
a2=$(get applyt2.nlp 2)
if [ -n "$a2" ] && [ -n "$ap" ]; then
	awk -v a="$ap" -v b="$a2" 'BEGIN { printf "%s  apply on two threads at least 10 times faster than spm_encode (%.2f s / %.2f s = %.1fx)\n", (a >= 10 * b ? "PASS" : "FAIL"), a, b, a / b }'
fi
awk -F'\t' '$1 ~ /^identity\.(kowiki|enwiki)\./ { n++; if ($5 !~ /^identical/) bad++ }
	END { if (n) printf "%s  apply then decode gives the input back (%d of %d)\n", (bad ? "FAIL" : "PASS"), n - bad, n }' "$tmp/all"
