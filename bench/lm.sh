#!/usr/bin/env bash
# bench/lm.sh [--ptb] [--scale] [--all]: n-gram language models (issue 13), nlp-lm and
# nlp-perplexity against KenLM (lmplz, query, build_binary) and IRSTLM side by side.
#
#   --ptb (the default): Penn Treebank (../shared/data/ptb), orders 3 and 5, modified Kneser-Ney:
#     estimation (wall time, peak RSS) of nlp-lm, of KenLM's lmplz -S 1G (its fastest and
#     smallest setting measured here) and of IRSTLM's tlm -lm=isb -ps=no (improved shift-beta:
#     IRSTLM's modified Kneser-Ney refuses PTB); scoring the test set: nlp-perplexity from ARPA
#     and from the binary form against KenLM's query from ARPA and from build_binary's probing
#     form (and nlp-perplexity on KenLM's own ARPA file, the same file query reads), and
#     IRSTLM's compile-lm --eval; test perplexity of each. Then the simpler smoothings at orders
#     3 and 5 (kn, abs, wb interpolated and back-off, katz, addk with k 1 and 0.01, mkn
#     back-off): perplexity and how much worse than modified Kneser-Ney.
#   --scale: a 5-gram of the letters-only enwiki-100M corpus (enwik100.txt, 15.9 million words,
#     built in BENCH_DIR as the word-vector benchmarks build it) with --memory 1G: time and peak
#     RSS against the budget; then the same model from 4 shards counted separately (nlp-ngram
#     --markers --min-n 1 --max-n 5 --counts -M 1G), merged (nlp-ngram --merge) and read with
#     nlp-lm -C: the ARPA must be identical (cmp). With LMPLZ, lmplz -o 5 -S 1G on the same
#     corpus for reference. Some 5 minutes and 10 GB of $TMPDIR.
#   --all: both.
#
# KenLM is not a Debian package: its rows need LMPLZ, KENLM_QUERY and KENLM_BUILD_BINARY (the
# paths of lmplz, query and build_binary built outside the project from a snapshot of
# github.com/kpu/kenlm) and are skipped without them. KenLM refuses <unk> in its input, so its
# train and test files have <unk> renamed to UNKTOK (BENCH.md); nlp-lm reads the files as they
# are, <unk> being an ordinary word there. IRSTLM is Debian's irstlm (make deps-bench), in
# /usr/lib/irstlm/bin; its rows are skipped without it. BENCH_REPS (default 3) timed rounds of
# every estimation and scoring of nlp and KenLM, alternating the two tools; the table shows the
# median time and the largest peak RSS. IRSTLM runs once. Every command runs with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they concern none of these tools).
#
# The script ends with PASS or FAIL for each of issue 13's targets and exits 1 on a FAIL.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=lm.sh

ptb=0 scale=0
for a in "$@"; do
	case $a in
	--ptb) ptb=1 ;;
	--scale) scale=1 ;;
	--all) ptb=1 scale=1 ;;
	*) echo "usage: $me [--ptb] [--scale] [--all]" >&2; exit 2 ;;
	esac
done
[ $ptb = 1 ] || [ $scale = 1 ] || ptb=1

[ $ptb = 0 ] || skip_without_data $me ptb/ptb.train.txt ptb/ptb.test.txt
[ $scale = 0 ] || skip_without_data $me enwiki-100M.txt.xz
need_bins $me nlp-lm nlp-perplexity nlp-ngram
need_time $me
reps=${BENCH_REPS:-3}
lmplz=${LMPLZ:-} kquery=${KENLM_QUERY:-} kbin=${KENLM_BUILD_BINARY:-}
irst=/usr/lib/irstlm/bin
export IRSTLM=/usr/lib/irstlm
kenlm=0
[ -n "$lmplz" ] && [ -x "$lmplz" ] && [ -n "$kquery" ] && [ -x "$kquery" ] && kenlm=1
kenbin=0
[ $kenlm = 1 ] && [ -n "$kbin" ] && [ -x "$kbin" ] && kenbin=1
irstlm=0
[ -x $irst/tlm ] && [ -x $irst/compile-lm ] && [ -x $irst/add-start-end.sh ] && irstlm=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-lm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/runs"
echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
notes=()
[ $kenlm = 1 ] || notes+=("KenLM skipped: set LMPLZ and KENLM_QUERY (and KENLM_BUILD_BINARY) to its binaries")
[ $kenlm = 0 ] || [ $kenbin = 1 ] || notes+=("KenLM's binary form skipped: set KENLM_BUILD_BINARY")
[ $irstlm = 1 ] || notes+=("IRSTLM skipped: $irst/tlm is missing (make deps-bench installs irstlm)")
failed=0
results=()

# timed TAG IN OUT CMD...: one run of CMD, stdin IN, stdout OUT, under /usr/bin/time -v and
# without the OpenBLAS variables; appends "TAG microseconds rss_kb" to $tmp/runs. A failing
# command ends the script.
timed()
{
	local tag=$1 in=$2 out=$3 t0 t1 rss
	shift 3
	echo "$me: $tag ..." >&2
	t0=${EPOCHREALTIME/[.,]/}
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v -o "$tmp/time.txt" "$@" <"$in" >"$out" 2>"$tmp/err"; then
		echo "$me: $tag failed: $*" >&2
		tail -n 5 "$tmp/err" >&2
		exit 1
	fi
	t1=${EPOCHREALTIME/[.,]/}
	rss=$(awk -F': *' '/Maximum resident set size/{print $2}' "$tmp/time.txt")
	echo "$tag $((t1 - t0)) $rss" >>"$tmp/runs"
}

# stat TAG: "median_seconds max_rss_kb" of the runs of TAG; nothing when there is none.
stat()
{
	awk -v t="$1" '$1 == t { n++; s[n] = $2; if ($3 > r) r = $3 }
		END { if (!n) exit
		      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { x = s[i]; s[i] = s[j]; s[j] = x }
		      med = (n % 2) ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
		      printf "%.3f %d\n", med / 1e6, r }' "$tmp/runs"
}

# ppl FILE: the perplexity including OOVs of a report of nlp-perplexity or query; compile-lm's PP=.
ppl()
{
	awk -F'\t' '/^Perplexity including OOVs:/ { print $2 + 0; exit }
		match($0, /PP=[0-9.]+/) { print substr($0, RSTART + 3, RLENGTH - 3) + 0; exit }' "$1"
}

# row LABEL TAG [PPL]: a table row with the median time, peak RSS and perplexity of TAG.
row()
{
	local s
	s=$(stat "$2")
	[ -n "$s" ] || return 0
	read -r t r <<<"$s"
	printf '| %s | %.2f s | %s | %s |\n' "$1" "$t" "$(mb "$r")" "${3:--}"
}

# verdict NAME OK DETAIL: records PASS or FAIL for a target.
verdict()
{
	if [ "$2" = 1 ]; then results+=("PASS $1 ($3)"); else results+=("FAIL $1 ($3)"); failed=1; fi
}

# lt A B: 1 when A < B (numbers), else 0
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 < b + 0) ? 1 : 0 }'; }

# ---- PTB ----
if [ $ptb = 1 ]; then
	P=$data/ptb
	train=$P/ptb.train.txt test=$P/ptb.test.txt
	sed 's/<unk>/UNKTOK/g' "$train" >"$tmp/train.unk"
	sed 's/<unk>/UNKTOK/g' "$test" >"$tmp/test.unk"
	if [ $irstlm = 1 ]; then
		$irst/add-start-end.sh <"$tmp/train.unk" >"$tmp/train.se"
		$irst/add-start-end.sh <"$tmp/test.unk" >"$tmp/test.se"
	fi
	declare -A kpl npl
	for n in 3 5; do
		# estimation, alternating nlp-lm and lmplz
		for r in $(seq 1 "$reps"); do
			nlp_est() { timed est.nlp.$n /dev/null /dev/null "$bindir/nlp-lm" -n $n --output "$tmp/nlp$n.arpa" "$train"; }
			ken_est() { timed est.ken.$n "$tmp/train.unk" "$tmp/ken$n.arpa" "$lmplz" -o $n -S 1G; }
			if [ $kenlm = 0 ]; then nlp_est
			elif ((r % 2)); then nlp_est; ken_est
			else ken_est; nlp_est; fi
		done
		timed est.nlpbin.$n /dev/null /dev/null "$bindir/nlp-lm" -n $n -b --output "$tmp/nlp$n.bin" "$train"
		[ $kenbin = 0 ] || timed est.kenbin.$n /dev/null /dev/null "$kbin" "$tmp/ken$n.arpa" "$tmp/ken$n.bin"
		# scoring the test set, alternating the tools
		for r in $(seq 1 "$reps"); do
			order=(nlp_arpa nlp_bin)
			[ $kenlm = 0 ] || order+=(ken_arpa nlp_kenarpa)
			[ $kenbin = 0 ] || order+=(ken_bin)
			((r % 2)) || mapfile -t order < <(printf '%s\n' "${order[@]}" | tac)
			for j in "${order[@]}"; do
				case $j in
				nlp_arpa) timed q.nlp.$n /dev/null "$tmp/q.nlp.$n" "$bindir/nlp-perplexity" --model "$tmp/nlp$n.arpa" "$test" ;;
				nlp_bin) timed q.nlpbin.$n /dev/null "$tmp/q.nlpbin.$n" "$bindir/nlp-perplexity" --model "$tmp/nlp$n.bin" "$test" ;;
				nlp_kenarpa) timed q.nlpken.$n /dev/null "$tmp/q.nlpken.$n" "$bindir/nlp-perplexity" --model "$tmp/ken$n.arpa" "$tmp/test.unk" ;;
				ken_arpa) timed q.ken.$n "$tmp/test.unk" "$tmp/q.ken.$n" "$kquery" -v summary "$tmp/ken$n.arpa" ;;
				ken_bin) timed q.kenbin.$n "$tmp/test.unk" "$tmp/q.kenbin.$n" "$kquery" -v summary "$tmp/ken$n.bin" ;;
				esac
			done
		done
		if [ $irstlm = 1 ]; then
			timed est.irst.$n /dev/null /dev/null $irst/tlm -tr="$tmp/train.se" -n=$n -lm=isb -ps=no -o="$tmp/irst$n.arpa"
			timed q.irst.$n /dev/null "$tmp/q.irst.$n" $irst/compile-lm --eval="$tmp/test.se" "$tmp/irst$n.arpa"
			timed q.nlpirst.$n /dev/null "$tmp/q.nlpirst.$n" "$bindir/nlp-perplexity" --model "$tmp/irst$n.arpa" "$tmp/test.unk"
		fi
		npl[$n]=$(ppl "$tmp/q.nlp.$n")
		[ $kenlm = 0 ] || kpl[$n]=$(ppl "$tmp/q.ken.$n")
		rm -f "$tmp/irst$n.arpa"
	done

	# the simpler smoothings (one run each)
	declare -A spl
	methods=("kn --interpolate" "kn --backoff" "abs --interpolate" "abs --backoff" "wb --interpolate"
		"wb --backoff" "katz --backoff" "addk --backoff" "addk --backoff --add 0.01"
		"mkn --backoff")
	for n in 3 5; do
		for m in "${methods[@]}"; do
			id="$n.${m// /}"
			# shellcheck disable=SC2086 # the method's words are options
			timed "s.$id" /dev/null /dev/null "$bindir/nlp-lm" -n $n --smoothing $m --output "$tmp/s.arpa" "$train"
			"$bindir/nlp-perplexity" --model "$tmp/s.arpa" "$test" >"$tmp/s.out"
			spl[$id]=$(ppl "$tmp/s.out")
		done
		rm -f "$tmp/s.arpa"
	done

	echo
	echo "### Penn Treebank: estimation and scoring (test set, 82,430 tokens with </s>)"
	echo
	echo "| job | time | peak RSS | test perplexity |"
	echo "|---|---|---|---|"
	for n in 3 5; do
		row "order $n: nlp-lm (modified Kneser-Ney) -> ARPA" est.nlp.$n "${npl[$n]}"
		row "order $n: nlp-lm -b (binary form)" est.nlpbin.$n
		row "order $n: KenLM lmplz -S 1G -> ARPA" est.ken.$n "${kpl[$n]:-}"
		row "order $n: KenLM build_binary (ARPA -> probing)" est.kenbin.$n
		[ $irstlm = 0 ] || row "order $n: IRSTLM tlm -lm=isb -ps=no (improved shift-beta)" est.irst.$n "$(ppl "$tmp/q.irst.$n")"
		row "order $n: nlp-perplexity, nlp-lm's ARPA" q.nlp.$n "$(ppl "$tmp/q.nlp.$n")"
		row "order $n: nlp-perplexity, nlp-lm's binary form" q.nlpbin.$n "$(ppl "$tmp/q.nlpbin.$n")"
		[ $kenlm = 0 ] || row "order $n: nlp-perplexity, KenLM's ARPA" q.nlpken.$n "$(ppl "$tmp/q.nlpken.$n")"
		[ $kenlm = 0 ] || row "order $n: KenLM query, its ARPA" q.ken.$n "$(ppl "$tmp/q.ken.$n")"
		[ $kenbin = 0 ] || row "order $n: KenLM query, its binary (probing)" q.kenbin.$n "$(ppl "$tmp/q.kenbin.$n")"
		[ $irstlm = 0 ] || row "order $n: IRSTLM compile-lm --eval, its ARPA" q.irst.$n "$(ppl "$tmp/q.irst.$n")"
		[ $irstlm = 0 ] || row "order $n: nlp-perplexity, IRSTLM's ARPA" q.nlpirst.$n "$(ppl "$tmp/q.nlpirst.$n")"
	done
	echo
	echo "Ratios (the peer's median time / nlp's):"
	for n in 3 5; do
		read -r ne nr <<<"$(stat est.nlp.$n)"
		read -r qa _ <<<"$(stat q.nlp.$n)"
		read -r qb _ <<<"$(stat q.nlpbin.$n)"
		if [ $kenlm = 1 ]; then
			read -r ke kr <<<"$(stat est.ken.$n)"
			read -r kq _ <<<"$(stat q.ken.$n)"
			read -r nk _ <<<"$(stat q.nlpken.$n)"
			awk -v n=$n -v ne="$ne" -v ke="$ke" -v nr="$nr" -v kr="$kr" -v nk="$nk" -v kq="$kq" 'BEGIN {
				printf "- order %d: estimation %.2fx faster than lmplz at %.2fx less memory; scoring KenLM'"'"'s ARPA %.2fx faster than query\n",
					n, ke / ne, kr / nr, kq / nk }'
			if [ $kenbin = 1 ]; then
				read -r kb _ <<<"$(stat q.kenbin.$n)"
				awk -v n=$n -v qb="$qb" -v kb="$kb" 'BEGIN { printf "- order %d: binary scoring: query %.3f s, nlp-perplexity %.3f s (%.2fx)\n", n, kb, qb, kb / qb }'
			fi
		fi
		awk -v n=$n -v qa="$qa" -v qb="$qb" 'BEGIN { printf "- order %d: nlp-perplexity from the binary form %.2fx faster than from ARPA\n", n, qa / qb }'
	done

	echo
	echo "### The simpler smoothings on PTB (nlp-lm, test perplexity; worse = ppl / modified Kneser-Ney's - 1)"
	echo
	echo "| method | form | order 3 | worse | order 5 | worse | estimation o3 / o5 |"
	echo "|---|---|---|---|---|---|---|"
	printf '| mkn (modified Kneser-Ney) | interpolated | %.2f | - | %.2f | - | %.2f s / %.2f s |\n' \
		"${npl[3]}" "${npl[5]}" "$(stat est.nlp.3 | cut -d' ' -f1)" "$(stat est.nlp.5 | cut -d' ' -f1)"
	for m in "${methods[@]}"; do
		id="${m// /}"
		read -r meth form rest <<<"$m"
		form=${form#--}
		[ "$form" = interpolate ] && form=interpolated
		[ "$form" = backoff ] && form=back-off
		[ -z "${rest:-}" ] || meth="$meth ${rest//--discount-fallback/(fallback)}"
		awk -v m="$meth" -v f="$form" -v a="${spl[3.$id]}" -v b="${spl[5.$id]}" -v ma="${npl[3]}" -v mb="${npl[5]}" \
			-v ta="$(stat "s.3.$id" | cut -d' ' -f1)" -v tb="$(stat "s.5.$id" | cut -d' ' -f1)" \
			'BEGIN { printf "| %s | %s | %.2f | +%.1f%% | %.2f | +%.1f%% | %.2f s / %.2f s |\n", m, f, a, 100 * (a / ma - 1), b, 100 * (b / mb - 1), ta, tb }'
	done
	[ $irstlm = 0 ] || printf '| IRSTLM improved shift-beta | interpolated | %.2f | +%.1f%% | %.2f | +%.1f%% | |\n' \
		"$(ppl "$tmp/q.irst.3")" "$(awk -v a="$(ppl "$tmp/q.irst.3")" -v b="${npl[3]}" 'BEGIN { print 100 * (a / b - 1) }')" \
		"$(ppl "$tmp/q.irst.5")" "$(awk -v a="$(ppl "$tmp/q.irst.5")" -v b="${npl[5]}" 'BEGIN { print 100 * (a / b - 1) }')"

	# the targets
	for n in 3 5; do
		if [ $n = 3 ]; then maxppl=149.0 tt=2.0 tr=520; else maxppl=141.9 tt=2.7 tr=418; fi
		read -r ne nr <<<"$(stat est.nlp.$n)"
		verdict "order $n: test perplexity <= $maxppl (KenLM's + 0.5%; KenLM here: ${kpl[$n]:-not run})" \
			"$(lt "${npl[$n]}" "$(awk -v m=$maxppl 'BEGIN { print m + 1e-9 }')")" "${npl[$n]}"
		verdict "order $n: estimation under the issue's KenLM figures, $tt s and $tr MB" \
			"$(awk -v t="$ne" -v r="$nr" -v tt=$tt -v tr=$tr 'BEGIN { print (t < tt && r / 1024 < tr) ? 1 : 0 }')" \
			"$ne s, $(mb "$nr")"
		read -r qa _ <<<"$(stat q.nlp.$n)"
		read -r qb _ <<<"$(stat q.nlpbin.$n)"
		if [ $kenlm = 1 ]; then
			read -r ke kr <<<"$(stat est.ken.$n)"
			verdict "order $n: estimation faster and smaller than lmplz in this run" \
				"$(awk -v t="$ne" -v r="$nr" -v kt="$ke" -v kr="$kr" 'BEGIN { print (t < kt && r < kr) ? 1 : 0 }')" \
				"$ne s, $(mb "$nr") vs $ke s, $(mb "$kr")"
			read -r kq _ <<<"$(stat q.ken.$n)"
			read -r nk _ <<<"$(stat q.nlpken.$n)"
			verdict "order $n: nlp-perplexity from ARPA faster than query from ARPA (KenLM's file)" \
				"$(lt "$nk" "$kq")" "$nk s vs $kq s; nlp-lm's own ARPA $qa s"
		fi
		verdict "order $n: nlp-perplexity faster from the binary form than from ARPA" "$(lt "$qb" "$qa")" "$qb s vs $qa s"
	done
	rm -f "$tmp"/*.arpa "$tmp"/*.bin
fi

# ---- scale ----
if [ $scale = 1 ]; then
	corpus=$(enwik100_cached)
	budget_mb=1024 slack_mb=64
	echo "$me: scale corpus $corpus, $(wc -w <"$corpus") words" >&2
	timed scale.direct /dev/null /dev/null "$bindir/nlp-lm" -n 5 -M 1G --output "$tmp/direct.arpa" "$corpus"
	split -n l/4 -d "$corpus" "$tmp/shard."
	for s in "$tmp"/shard.0[0-3]; do
		timed "scale.count.${s##*.}" /dev/null "$s.counts" "$bindir/nlp-ngram" --markers --min-n 1 --max-n 5 --counts -M 1G "$s"
		rm -f "$s"
	done
	timed scale.merge /dev/null "$tmp/merged.counts" "$bindir/nlp-ngram" --merge -M 1G "$tmp"/shard.0[0-3].counts
	rm -f "$tmp"/shard.0[0-3].counts
	timed scale.fromcounts /dev/null /dev/null "$bindir/nlp-lm" -C -n 5 -M 1G --output "$tmp/sharded.arpa" "$tmp/merged.counts"
	rm -f "$tmp/merged.counts"
	same=0
	cmp -s "$tmp/direct.arpa" "$tmp/sharded.arpa" && same=1
	arpa_mb=$(du -m "$tmp/direct.arpa" | cut -f1)
	counts=$(sed -n 's/^ngram \([0-9]*\)=\([0-9]*\)$/\2/p' "$tmp/direct.arpa" | paste -sd/)
	rm -f "$tmp/direct.arpa" "$tmp/sharded.arpa"
	[ $kenlm = 0 ] || { timed scale.ken "$corpus" /dev/null "$lmplz" -o 5 -S 1G; }

	echo
	echo "### Scale: 5-gram modified Kneser-Ney of enwik100 (letters-only enwiki-100M), --memory 1G"
	echo
	echo "n-grams of orders 1-5: $counts; ARPA $arpa_mb MB"
	echo
	echo "| job | time | peak RSS | |"
	echo "|---|---|---|---|"
	row "nlp-lm -n 5 -M 1G, text -> ARPA" scale.direct
	for i in 0 1 2 3; do row "shard $((i + 1))/4: nlp-ngram --markers --min-n 1 --max-n 5 --counts -M 1G" scale.count.0$i; done
	row "nlp-ngram --merge -M 1G of the 4 count files" scale.merge
	row "nlp-lm -C -n 5 -M 1G, merged counts -> ARPA" scale.fromcounts "$([ $same = 1 ] && echo 'identical to the direct ARPA' || echo 'DIFFERS from the direct ARPA')"
	row "KenLM lmplz -o 5 -S 1G (reference)" scale.ken
	read -r _ dr <<<"$(stat scale.direct)"
	read -r _ cr <<<"$(stat scale.fromcounts)"
	verdict "scale: peak RSS of nlp-lm -M 1G under the budget plus $slack_mb MB" \
		"$(awk -v a="$dr" -v b="$cr" -v l=$((budget_mb + slack_mb)) 'BEGIN { print (a / 1024 <= l && b / 1024 <= l) ? 1 : 0 }')" \
		"text $(mb "$dr"), counts $(mb "$cr")"
	verdict "scale: the model of 4 shards counted apart and merged is the direct one (cmp)" $same \
		"$([ $same = 1 ] && echo identical || echo differs)"
fi

echo
for x in "${notes[@]}"; do echo "note: $x"; done
for x in "${results[@]}"; do echo "$x"; done
exit $failed
