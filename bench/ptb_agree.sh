#!/usr/bin/env bash
# bench/ptb_agree.sh: agreement of `nlp-tokenize --ptb` with NLTK's TreebankWordTokenizer, applied
# per line (bench/nltk_treebank.py): the number and share of lines whose token sequences are
# identical (target >= 99%), and up to 10 differing lines (input, nlp tokens, NLTK tokens) to help
# fix the tokenizer.
#
# usage: bench/ptb_agree.sh [-n LINES] [-k EXAMPLES] [-f] [FILE]
#   FILE   text to tokenize, one paragraph per line (default: the first 10,000 lines of
#          ../shared/data/enwiki-100M.txt.xz, decompressed once into ${BENCH_DIR:-/tmp/nlp-bench})
#   -n     use only the first LINES lines (default 10000 for enwiki, all of FILE)
#   -k     show up to EXAMPLES differing lines (default 10)
#   -f     show whole lines, not a window around the first difference
# Without FILE, exits 0 with a message when the shared data is missing.
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=ptb_agree.sh
usage() { sed -n 's/^# \{0,1\}//; 7,13p' "$0" >&2; exit 2; }

lines="" examples=10 full=""
while getopts 'n:k:fh' opt; do
	case $opt in
	n) lines=$OPTARG ;;
	k) examples=$OPTARG ;;
	f) full=--full ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage

need_bins $me nlp-tokenize
need_nltk $me

if [ $# -eq 1 ]; then
	src=$1
	[ -r "$src" ] || { echo "$me: cannot read $src" >&2; exit 1; }
	name=$src
else
	skip_without_data $me enwiki-100M.txt.xz
	src=$(unxz_cached enwiki-100M)
	lines=${lines:-10000}
	name="enwiki-100M"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-ptb-agree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "$lines" ]; then
	head -n "$lines" "$src" >"$tmp/input"
	name="the first $lines lines of $name"
else
	cp "$src" "$tmp/input"
fi

"$bindir/nlp-tokenize" --ptb <"$tmp/input" >"$tmp/nlp" 2>"$tmp/nlp.err" || {
	echo "$me: nlp-tokenize --ptb failed:" >&2
	cat "$tmp/nlp.err" >&2
	exit 1
}
"$PY" "$bench/nltk_treebank.py" <"$tmp/input" >"$tmp/nltk"

echo "ptb_agree.sh: nlp-tokenize --ptb vs NLTK $("$PY" -c 'import nltk; print(nltk.__version__)')" \
	"TreebankWordTokenizer, per line, on $name"
echo
"$PY" "$bench/ptb_agree.py" "$tmp/input" "$tmp/nlp" "$tmp/nltk" --examples "$examples" $full
