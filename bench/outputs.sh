#!/usr/bin/env bash
# bench/outputs.sh OLD_BIN_DIR NEW_BIN_DIR: checks that two builds of the nlp programs write the
# same bytes. Every program (nlp-normalize, nlp-tokenize, nlp-stopword, nlp-ngram, nlp-vocab,
# nlp-cooccur, nlp-mat, nlp-ppmi, nlp-svd, nlp-similar, nlp-tfidf) runs from both directories with
# the same arguments, in its main option combinations (long options only), on the bench corpora:
# PTB train, the complete lines within the first 20 MB of enwiki-100M and 10 MB of kowiki-30M,
# WordSim353 and the word2vec analogy questions. A case compares the standard output, every file
# the program writes (each run has a directory of its own as working directory) and the exit
# status; the standard error is not compared (it holds warnings and progress). Both sides read
# the data files of NLP_DATADIR (the stopword lists), this repository's share/nlp unless it is set,
# since a copy of a bin/ directory has no ../share/nlp beside it.
#
# Prints one line per case, `same` or `DIFF` with the case's name and the seconds of both runs
# (a DIFF line says which outputs differ, and where), `skip` with the reason when a corpus is
# missing, then a count. Exits 0 when every case that ran was the same, 1 on any difference, 2 on a
# usage error or a missing program.
#
# The stages feed each other as a pipeline does, but a case reads what the OLD programs wrote in an
# earlier case (the lower-cased tokens of enwiki, a vocabulary, a co-occurrence matrix, ...), so
# that each case tests one program on the same input, and a difference shows up at the program
# that makes it. The programs run under nice. Environment: BENCH_DIR (cache of the corpora, as
# for the benchmarks), OUTPUTS_KEEP=1 keeps the scratch directory (named at the start) for a look
# at the outputs.
set -uo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=outputs.sh

progs=(nlp-normalize nlp-tokenize nlp-stopword nlp-ngram nlp-vocab nlp-cooccur nlp-mat nlp-ppmi
	nlp-svd nlp-similar nlp-tfidf)
if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
	echo "usage: $me OLD_BIN_DIR NEW_BIN_DIR" >&2
	exit 2
fi
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
for d in "$old" "$new"; do
	# shellcheck disable=SC2034 # need_bins reads bindir
	(bindir=$d && need_bins $me "${progs[@]}") || exit 2
done
skip_without_data $me

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-outputs.XXXXXX")
if [ "${OUTPUTS_KEEP:-}" = 1 ]; then
	echo "$me: outputs kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
# nlp-stopword's built-in lists: the same for both sides, this repository's unless set
export NLP_DATADIR=${NLP_DATADIR:-$root/share/nlp}
echo "$me: $old vs $new; $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: NLP_DATADIR=$NLP_DATADIR"

# The corpora: an absent one keeps the path of its file in ../shared/data, which does not exist,
# so that the cases reading it are skipped and say why.
ptb=$data/ptb/ptb.train.txt
ws=$data/eval/wordsim353.tsv
qw=$data/eval/questions-words.txt
en=$data/enwiki-100M.txt.xz
ko=$data/kowiki-30M.txt.xz
[ ! -f "$en" ] || en=$(head_bytes_cached "$(unxz_cached enwiki-100M)" 20000000 enwiki-20M.txt)
[ ! -f "$ko" ] || ko=$(head_bytes_cached "$(unxz_cached kowiki-30M)" 10000000 kowiki-10M.txt)
# two shards of PTB train, split between lines, for the merges; queries for nlp-similar's stdin
shard1=$tmp/in/ptb-1.txt
shard2=$tmp/in/ptb-2.txt
queries=$tmp/in/queries.txt
mkdir -p "$tmp/in" "$tmp/old" "$tmp/new"
if [ -f "$ptb" ]; then
	head -n 21000 "$ptb" >"$shard1"
	tail -n +21001 "$ptb" >"$shard2"
fi
printf '%s\n' king 'man king woman' 'paris france berlin' computer >"$queries"

same=0 diffs=0 skipped=0

# out CASE [FILE]: a file the old programs wrote in case CASE, its standard output by default.
out() { printf '%s\n' "$tmp/old/$1/${2:-stdout}"; }

# missing ARG...: why a case cannot run, if it cannot: the first absolute path among its
# arguments that does not exist, a corpus or the output of a case that did not run.
missing()
{
	local a
	for a; do
		case $a in
		/*) [ ! -e "$a" ] || continue ;;
		*) continue ;;
		esac
		case $a in
		"$tmp"/old/*) a=${a#"$tmp"/old/} && echo "needs case ${a%%/*}" ;;
		*) echo "${a#"$data"/} is missing" ;;
		esac
		return
	done
}

# run_side SIDE BINDIR CASE PROG ARG...: one run of BINDIR/PROG in the directory $tmp/SIDE/CASE,
# where it leaves its standard output (file stdout), its exit status (file status) and any file it
# writes; its standard error goes beside, to $tmp/SIDE/CASE.err.
run_side()
{
	local side=$1 bin=$2 name=$3 prog=$4 dir=$tmp/$1/$3
	shift 4
	mkdir -p "$dir"
	(cd "$dir" && exec nice -n 10 "$bin/$prog" "$@" <"${stdin:-/dev/null}" >stdout \
		2>"$tmp/$side/$name.err")
	echo $? >"$dir/status"
}

# what_differs CASE: the outputs of CASE that differ, with the first difference of each.
what_differs()
{
	local o=$tmp/old/$1 n=$tmp/new/$1 f r list=()
	for f in $( (ls "$o"; ls "$n") | sort -u); do
		if [ ! -e "$o/$f" ] || [ ! -e "$n/$f" ]; then
			list+=("$f: written by one side only")
		elif [ "$f" = status ]; then
			cmp -s "$o/$f" "$n/$f" || list+=("exit status $(cat "$o/$f") vs $(cat "$n/$f")")
		elif ! r=$(cmp "$o/$f" "$n/$f" 2>&1); then
			r=${r//"$o"\/"$f"/old}
			list+=("$f: ${r//"$n"\/"$f"/new}")
		fi
	done
	printf '%s; ' "${list[@]}" | sed 's/; $//'
}

# run_case NAME PROG ARG...: runs PROG ARG... from both directories, standard input from the file
# $stdin (/dev/null when unset: give it as `stdin=FILE run_case ...`), and prints the verdict.
run_case()
{
	local name=$1 why t0 t1 secs
	shift
	why=$(missing "${stdin:-/dev/null}" "$@")
	if [ -n "$why" ]; then
		printf 'skip  %-32s %s\n' "$name" "$why"
		skipped=$((skipped + 1))
		return
	fi
	t0=${EPOCHREALTIME/[.,]/}
	run_side old "$old" "$name" "$@"
	run_side new "$new" "$name" "$@"
	t1=${EPOCHREALTIME/[.,]/}
	secs=$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%6.2f s", t / 1e6 }')
	if diff -rq "$tmp/old/$name" "$tmp/new/$name" >/dev/null 2>&1; then
		printf 'same  %-32s %s\n' "$name" "$secs"
		same=$((same + 1))
		rm -rf "$tmp/new/$name"
	else
		printf 'DIFF  %-32s %s  %s\n' "$name" "$secs" "$(what_differs "$name")"
		diffs=$((diffs + 1))
	fi
}

# The cases, program by program. Names end with the corpus: en (enwiki 20 MB, raw or as the
# lower-cased tokens of tokenize-lower-en), ko (kowiki 10 MB, raw or as the tokens of
# tokenize-ko), ptb (PTB train, already tokens), ptb1 and ptb2 (its shards).

normalize_cases()
{
	local k form r
	for k in en ko; do
		for form in nfc nfd nfkc nfkd none; do
			run_case "normalize-$form-$k" nlp-normalize --form "$form" "${!k}"
		done
		run_case "normalize-replace-all-$k" nlp-normalize --replace-all "${!k}"
	done
	for r in url email date phone num; do
		run_case "normalize-$r-en" nlp-normalize --"$r" "$en"
	done
	run_case normalize-lower-en nlp-normalize --lower "$en"
	run_case normalize-clean-en nlp-normalize --lower --strip-accents --strip-punct --squeeze "$en"
	run_case normalize-nfkc-lower-ko nlp-normalize --form nfkc --lower --squeeze "$ko"
}

tokenize_cases()
{
	local k
	run_case tokenize-en nlp-tokenize "$en"
	run_case tokenize-lower-en nlp-tokenize "$(out normalize-lower-en)"
	run_case tokenize-ko nlp-tokenize "$ko"
	run_case tokenize-no-special-en nlp-tokenize --no-special "$en"
	run_case tokenize-ptb-en nlp-tokenize --ptb "$en"
	run_case tokenize-sklearn-en nlp-tokenize --sklearn "$en"
	run_case tokenize-sklearn-keep-case-en nlp-tokenize --sklearn --keep-case "$en"
	for k in en ko; do
		run_case "tokenize-sentences-$k" nlp-tokenize --sentences "${!k}"
		run_case "tokenize-chars-$k" nlp-tokenize --chars "${!k}"
	done
	run_case tokenize-chars-space-ko nlp-tokenize --chars --space '▁' "$ko"
	run_case tokenize-jamo-ko nlp-tokenize --jamo "$ko"
	run_case tokenize-compose-ko nlp-tokenize --compose "$(out tokenize-jamo-ko)"
}

stopword_cases()
{
	run_case stopword-en nlp-stopword --lang en "$entok"
	run_case stopword-ignore-case-keep-en nlp-stopword --lang en --ignore-case --keep \
		"$(out tokenize-en)"
	run_case stopword-ko nlp-stopword --lang ko "$kotok"
	run_case stopword-split-particles-ko nlp-stopword --lang ko --split-particles "$kotok"
	run_case stopword-en-ko-ptb nlp-stopword --lang en,ko "$ptb"
}

ngram_cases()
{
	local n s
	for n in 1 2 3; do
		run_case "ngram-$n-counts-en" nlp-ngram --order "$n" --counts "$entok"
	done
	run_case ngram-3-counts-1M-ptb nlp-ngram --order 3 --counts --memory 1M "$ptb"
	run_case ngram-2-list-ptb nlp-ngram --order 2 "$ptb"
	run_case ngram-1-3-markers-top-ptb nlp-ngram --min-n 1 --max-n 3 --markers --top 1000 "$ptb"
	run_case ngram-chars-ko nlp-ngram --chars --space '▁' --order 2 --counts --min-count 2 "$kotok"
	for s in 1 2; do
		run_case "ngram-2-counts-ptb$s" nlp-ngram --order 2 --counts "$tmp/in/ptb-$s.txt"
	done
	run_case ngram-merge-ptb nlp-ngram --merge --memory 1M "$(out ngram-2-counts-ptb1)" \
		"$(out ngram-2-counts-ptb2)"
}

vocab_cases()
{
	local s vs
	run_case vocab-en nlp-vocab "$entok"
	run_case vocab-1M-en nlp-vocab --memory 1M "$entok"
	run_case vocab-min5-en nlp-vocab --min-count 5 "$entok"
	run_case vocab-ptb nlp-vocab "$ptb"
	run_case vocab-specials-ptb nlp-vocab --specials '<unk>,<s>,</s>' --max-size 5000 "$ptb"
	vs=$(out vocab-specials-ptb)
	run_case vocab-encode-ptb nlp-vocab --encode "$vs" "$ptb"
	run_case vocab-decode-ptb nlp-vocab --decode "$vs" "$(out vocab-encode-ptb)"
	run_case vocab-encode-skip-en nlp-vocab --encode "$vs" --unknown skip "$entok"
	for s in 1 2; do
		run_case "vocab-ptb$s" nlp-vocab "$tmp/in/ptb-$s.txt"
	done
	run_case vocab-merge-ptb nlp-vocab --merge --specials '<unk>' --min-count 2 \
		"$(out vocab-ptb1)" "$(out vocab-ptb2)"
}

cooccur_cases()
{
	local w s v5 vp
	v5=$(out vocab-min5-en)
	vp=$(out vocab-ptb)
	for w in 5 10; do
		run_case "cooccur-w$w-en" nlp-cooccur --vocab "$v5" --window "$w" "$entok"
	done
	run_case cooccur-w10-flat-en nlp-cooccur --vocab "$v5" --window 10 --weight flat "$entok"
	run_case cooccur-w5-cross-lines-en nlp-cooccur --vocab "$v5" --window 5 --cross-lines "$entok"
	run_case cooccur-w5-ptb nlp-cooccur --vocab "$vp" --window 5 "$ptb"
	run_case cooccur-w5-1M-ptb nlp-cooccur --vocab "$vp" --window 5 --memory 1M "$ptb"
	run_case cooccur-w5-text-ptb nlp-cooccur --vocab "$vp" --window 5 --text "$ptb"
	run_case cooccur-left-f32-oov-ptb nlp-cooccur --vocab "$(out vocab-specials-ptb)" --left --f32 \
		--drop-oov after "$ptb"
	for s in 1 2; do
		run_case "cooccur-w5-ptb$s" nlp-cooccur --vocab "$vp" --window 5 "$tmp/in/ptb-$s.txt"
	done
	run_case cooccur-merge-ptb nlp-cooccur --merge --window 5 "$(out cooccur-w5-ptb1)" \
		"$(out cooccur-w5-ptb2)"
	run_case cooccur-merge-text-ptb nlp-cooccur --merge --window 5 --text \
		"$(out cooccur-w5-ptb1)" "$(out cooccur-w5-ptb2)"
}

ppmi_cases()
{
	local c10 c5
	c10=$(out cooccur-w10-en)
	c5=$(out cooccur-w5-ptb)
	run_case ppmi-alpha-en nlp-ppmi --alpha 0.75 "$c10"
	run_case ppmi-shift-en nlp-ppmi --shift 5 "$c10"
	run_case ppmi-pmi-en nlp-ppmi --pmi "$c10"
	run_case ppmi-text-ptb1 nlp-ppmi --alpha 0.75 --text "$(out cooccur-w5-ptb1)"
	run_case ppmi-base-f32-ptb nlp-ppmi --base 2 --f32 "$c5"
	stdin=$c5 run_case ppmi-alpha-stdin-ptb nlp-ppmi --alpha 0.75
}

svd_cases()
{
	local t pe pp v5
	pe=$(out ppmi-alpha-en)
	pp=$(out ppmi-alpha-stdin-ptb)
	v5=$(out vocab-min5-en)
	run_case svd-text-en nlp-svd --dim 50 --vocab "$v5" --threads 2 "$pe"
	run_case svd-binary-t1-en nlp-svd --dim 50 --vocab "$v5" --binary --threads 1 "$pe"
	for t in 1 2; do
		run_case "svd-files-t$t-ptb" nlp-svd --dim 50 --u u.mat --s s.mat --v v.mat --threads "$t" "$pp"
	done
	stdin=$pp run_case svd-options-stdin-ptb nlp-svd --dim 50 --iters 2 --oversample 5 --seed 7 \
		--weight 0 --normalize --vocab "$(out vocab-ptb)" --precision 4 --threads 2
}

similar_cases()
{
	local vt vb m
	vt=$(out svd-text-en)
	vb=$(out svd-binary-t1-en)
	run_case similar-neighbours-en nlp-similar --top 10 "$vt" king paris computer
	stdin=$queries run_case similar-stdin-en nlp-similar --with-query --threads 1 "$vt"
	for m in add mul; do
		run_case "similar-analogy-$m-en" nlp-similar --method "$m" "$vt" 'man king woman' \
			'paris france berlin'
	done
	run_case similar-binary-en nlp-similar --format binary --ignore-case --top 5 "$vb" king \
		'man king woman'
	run_case similar-eval-pairs-en nlp-similar --eval-pairs "$ws" "$vt"
	run_case similar-eval-pairs-match-case-en nlp-similar --eval-pairs "$ws" --match-case "$vb"
	run_case similar-eval-analogy-en nlp-similar --eval-analogy "$qw" --restrict 30000 "$vt"
	run_case similar-eval-analogy-mul-en nlp-similar --eval-analogy "$qw" --restrict 30000 \
		--method mul --threads 1 "$vb"
}

tfidf_cases()
{
	local k
	run_case tfidf-ptb nlp-tfidf "$ptb"
	run_case tfidf-en nlp-tfidf "$entok"
	run_case tfidf-counts-ptb nlp-tfidf --counts "$ptb"
	run_case tfidf-counts-binary-ptb nlp-tfidf --counts --binary "$ptb"
	run_case tfidf-binary-ptb nlp-tfidf --binary "$ptb"
	for k in smooth plain notes none; do
		run_case "tfidf-idf-$k-ptb" nlp-tfidf --idf "$k" "$ptb"
	done
	run_case tfidf-top-ptb nlp-tfidf --top 5 "$ptb"
	run_case tfidf-vocab-out-ptb nlp-tfidf --vocab-out terms.tsv "$ptb"
	run_case tfidf-text-ptb nlp-tfidf --text --sublinear-tf --norm l1 --f32 "$ptb"
	run_case tfidf-df-ptb nlp-tfidf --min-df 2 --max-df 0.5 --max-features 5000 --top 5 "$ptb"
	run_case tfidf-train-ptb1 nlp-tfidf --vocab-out terms.tsv "$shard1"
	run_case tfidf-apply-ptb2 nlp-tfidf --vocab "$(out tfidf-train-ptb1 terms.tsv)" --docs 21000 \
		"$shard2"
}

mat_cases()
{
	local m u
	m=$(out cooccur-w5-ptb)
	u=$(out svd-files-t2-ptb u.mat)
	run_case mat-info-ptb nlp-mat info "$m"
	run_case mat-print-ptb nlp-mat print "$m"
	run_case mat-print-precision-ptb nlp-mat print --precision 4 "$m"
	run_case mat-to-mtx-ptb nlp-mat to-mtx "$m"
	run_case mat-from-mtx-ptb nlp-mat from-mtx --memory 1M "$(out mat-to-mtx-ptb)"
	run_case mat-transpose-ptb nlp-mat transpose --memory 1M "$(out cooccur-left-f32-oov-ptb)"
	run_case mat-transpose-tfidf-ptb nlp-mat transpose --memory 1M "$(out tfidf-ptb)"
	run_case mat-convert-f32-ptb nlp-mat convert --f32 "$m"
	run_case mat-sum-ptb nlp-mat sum "$(out cooccur-w5-ptb1)" "$(out cooccur-w5-ptb2)"
	run_case mat-sum-option-ptb nlp-mat --sum "$(out cooccur-w5-ptb1)" "$(out cooccur-w5-ptb2)"
	run_case mat-info-u-ptb nlp-mat info "$u"
	run_case mat-to-mtx-u-ptb nlp-mat to-mtx "$u"
	run_case mat-to-npy-u-ptb nlp-mat to-npy "$u"
	run_case mat-from-npy-u-ptb nlp-mat from-npy "$(out mat-to-npy-u-ptb)"
	run_case mat-convert-sparse-u-ptb nlp-mat convert --sparse "$u"
	run_case mat-convert-dense-ptb nlp-mat convert --dense --f32 "$(out mat-convert-sparse-u-ptb)"
	run_case mat-print-dense-ptb nlp-mat print --dense "$(out mat-convert-sparse-u-ptb)"
	run_case mat-print-s-ptb nlp-mat print "$(out svd-files-t2-ptb s.mat)"
}

entok=$(out tokenize-lower-en)
kotok=$(out tokenize-ko)
normalize_cases
tokenize_cases
stopword_cases
ngram_cases
vocab_cases
cooccur_cases
ppmi_cases
svd_cases
similar_cases
tfidf_cases
mat_cases

echo "$me: $((same + diffs + skipped)) cases: $same same, $diffs DIFF, $skipped skipped; ${SECONDS} s"
[ "$diffs" -eq 0 ]
