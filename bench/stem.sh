#!/usr/bin/env bash
# bench/stem.sh: nlp-stem against its peers (issue 17).
#
#   1. speed on the tokens of enwiki-100M (nlp-normalize -l | nlp-tokenize, cached in
#      $BENCH_DIR/enwiki-100M.tok), the complete lines of the first STEM_TOKENS tokens (default
#      5,000,000; "all" for the whole 18.8 million): nlp-stem (english) against
#      python3-snowballstemmer's stemWords, which Debian ships in pure Python (no PyStemmer), and
#      nlp-stem --lemma against NLTK's WordNetLemmatizer on the first STEM_LEMMA_TOKENS tokens
#      (default 1,000,000); each pair alternating, BENCH_REPS (1) rounds, the median wall and CPU
#      time, peak RSS, outputs compared; target: nlp-stem 10 times faster or more
#   2. agreement: the vocabulary of those tokens (nlp-vocab, every word) stemmed by both tools in
#      every language of nlp-stem --list: words equal / words; and the lemmas of the PTB
#      vocabulary (ptb.train.txt) for n and v against NLTK (tests/stem_ref.py)
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=stem.sh
skip_without_data $me enwiki-100M.txt.xz ptb/ptb.train.txt
need_bins $me nlp-stem nlp-normalize nlp-tokenize nlp-vocab
need_time $me
need_py_modules $me snowballstemmer nltk
reps=${BENCH_REPS:-1}
ntok=${STEM_TOKENS:-5000000}
nlem=${STEM_LEMMA_TOKENS:-1000000}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-stem-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tok="$BENCH_DIR/enwiki-100M.tok"
if [ ! -s "$tok" ] || [ "$data/enwiki-100M.txt.xz" -nt "$tok" ]; then
	mkdir -p "$BENCH_DIR"
	echo "$me: tokenizing enwiki-100M into $tok ..." >&2
	xz -dc "$data/enwiki-100M.txt.xz" | "$bindir/nlp-normalize" -l | "$bindir/nlp-tokenize" \
		>"$tok.tmp.$$"
	mv "$tok.tmp.$$" "$tok"
fi

# slice N OUT: the complete lines of tok holding its first N tokens (all: every line)
slice()
{
	if [ "$1" = all ]; then
		cp "$tok" "$2"
	else
		awk -v n="$1" '{ t += NF; print; if (t >= n) exit }' "$tok" >"$2"
	fi
}
slice "$ntok" "$tmp/stem.tok"
slice "$nlem" "$tmp/lemma.tok"

echo "# $me: $(machine)"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# peers: python3-snowballstemmer $(dpkg-query -W -f='${Version}' python3-snowballstemmer \
2>/dev/null || echo '?'), python3-nltk $(dpkg-query -W -f='${Version}' python3-nltk 2>/dev/null ||
	echo '?'), $("$PY" --version 2>&1); nlp-stem $("$bindir/nlp-stem" --version | cut -d' ' -f2) \
on libstemmer $(dpkg-query -W -f='${Version}' libstemmer0d 2>/dev/null || echo '?'), WordNet \
$(dpkg-query -W -f='${Version}' wordnet-base 2>/dev/null || echo '?')"

# timed TAG IN OUT CMD...: one run under /usr/bin/time; appends "wall cpu rss_kb" to $tmp/TAG
timed()
{
	local tag=$1 in=$2 out=$3
	shift 3
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time.txt" "$@" <"$in" >"$out" 2>"$tmp/err" ||
		{ echo "$me: command failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time.txt" >>"$tmp/$tag"
}

# median TAG: "wall cpu rss" medians of the rounds of TAG
median()
{
	local col out=""
	for col in 1 2 3; do
		out="$out $(cut -d' ' -f$col "$tmp/$1" | sort -n | awk '{ v[NR] = $1 }
			END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
	done
	echo "$out"
}

# pair ID IN "NLP CMD" "PEER CMD": both, alternating, reps rounds; the outputs of round 1 kept
pair()
{
	local id=$1 in=$2 r
	for r in $(seq "$reps"); do
		if ((r % 2)); then
			timed "$id.nlp" "$in" "$tmp/$id.nlp.out" $3
			timed "$id.peer" "$in" "$tmp/$id.peer.out" $4
		else
			timed "$id.peer" "$in" /dev/null $4
			timed "$id.nlp" "$in" /dev/null $3
		fi
	done
}

echo "$me: speed, $reps round(s) ..." >&2
pair stem "$tmp/stem.tok" "$bindir/nlp-stem" "$PY $bench/stem_peer.py snowball english"
pair lemma "$tmp/lemma.tok" "$bindir/nlp-stem --lemma" \
	"$PY $bench/stem_peer.py lemma n $tmp"

echo
echo "| job | tokens | nlp wall | nlp CPU | peer | peer wall | peer CPU | ratio (CPU) | nlp RSS | peer RSS | outputs | target |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for id in stem lemma; do
	read -r nw nc nr < <(median "$id.nlp")
	read -r pw pc pr < <(median "$id.peer")
	n=$(wc -w <"$tmp/$id.tok")
	if [ "$id" = stem ]; then
		job="english stems" peer="snowballstemmer stemWords" target=">= 10x"
	else
		job="lemmas, nouns" peer="NLTK WordNetLemmatizer" target="-"
	fi
	same=$(cmp -s "$tmp/$id.nlp.out" "$tmp/$id.peer.out" && echo identical || echo DIFFER)
	ratio=$(awk -v a="$pc" -v b="$nc" 'BEGIN { printf "%.0fx", (b > 0 ? a / b : 0) }')
	verdict=-
	[ "$id" != stem ] || verdict=$(awk -v a="$pc" -v b="$nc" \
		'BEGIN { print (b > 0 && a / b >= 10) ? "PASS" : "FAIL" }')
	echo "| $job | $n | $nw s | $nc s | $peer | $pw s | $pc s | $ratio | $(mb "$nr") | $(mb "$pr") | $same | $target $verdict |"
done
# the peers' start-up: NLTK reads all four of WordNet's indexes
: >"$tmp/empty"
timed start.peer "$tmp/empty" /dev/null "$PY" "$bench/stem_peer.py" lemma n "$tmp"
timed start.nlp "$tmp/empty" /dev/null "$bindir/nlp-stem" --lemma
echo
echo "start-up on empty input: nlp-stem --lemma $(cut -d' ' -f1 "$tmp/start.nlp") s," \
	"NLTK's reader and lemmatizer $(cut -d' ' -f1 "$tmp/start.peer") s (wall)"

echo "$me: agreement ..." >&2
"$bindir/nlp-vocab" "$tok" | cut -f1 >"$tmp/vocab.txt"
langs=$("$bindir/nlp-stem" --list)
for l in $langs; do
	"$bindir/nlp-stem" -L "$l" <"$tmp/vocab.txt" >"$tmp/$l.out"
done
echo
echo "agreement with python3-snowballstemmer on the $(wc -l <"$tmp/vocab.txt") words of the" \
	"tokens' vocabulary (nlp-vocab):"
"$PY" "$root/tests/stem_ref.py" stems "$tmp/vocab.txt" "$tmp" $langs | sed 's/^/  /' || true
tr ' ' '\n' <"$data/ptb/ptb.train.txt" | grep -v '^$' | sort -u >"$tmp/ptb.txt"
for p in n v; do
	"$bindir/nlp-stem" --lemma --pos $p <"$tmp/ptb.txt" >"$tmp/$p.out"
done
echo
echo "agreement with NLTK's WordNetLemmatizer on the PTB vocabulary (ptb.train.txt):"
"$PY" "$root/tests/stem_ref.py" lemmas "$tmp/ptb.txt" "$tmp" n v | sed 's/^/  /' || true
