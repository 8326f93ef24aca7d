#!/usr/bin/env bash
# bench/w2v.sh [--cbow] [--hs] [--subword] [--bpe] [--all]: word2vec training (issue 12) on the letters-only
# corpus built from enwiki-100M (enwik100.txt, 15.9 million words, as BENCH.md shows): nlp-w2v
# against gensim 4.2, word2vec.c and fastText 0.9.2 side by side, wall time, peak RSS and the
# quality of each tool's vectors scored by the same program, nlp-similar (WordSim353 Spearman;
# 3CosAdd analogy accuracy over the 30,000 most frequent words).
#
# Settings of every row: dimension 100, window 5, sample 1e-4, min-count 5, 5 epochs, 2 threads,
# learning rate 0.025.
#   skip-gram, 5 negatives (always): gensim (bench/w2v_gensim.py), word2vec.c (its binary from
#     W2V_C: not a Debian package; the row is skipped without it), fastText skipgram -maxn 0 (no
#     subwords), nlp-w2v --skipgram (mean of the seeds of W2V_SEEDS, default "1 2 3")
#   --cbow (or W2V_CBOW=1): CBOW, 5 negatives: gensim sg=0 vs nlp-w2v --cbow
#   --hs (or W2V_HS=1): skip-gram with hierarchical softmax and no negatives: gensim hs=1
#     negative=0 vs nlp-w2v --skipgram --hs --neg 0 (--neg 0 is --hs's default; spelt out to read
#     as gensim's settings)
#   --subword (or W2V_SUBWORD=1): skip-gram with character n-grams 3 to 6: fastText skipgram
#     (its default n-grams) vs nlp-w2v --skipgram --subword 3-6
#   --bpe (or W2V_BPE=1): BPE subword vectors as BPEmb builds them: nlp-bpe learn --merges
#     W2V_BPE_MERGES (default 32000) on the corpus, nlp-bpe apply --style sentencepiece on it
#     (a word's first piece marked with U+2581), then again with --vocab (the pieces of the first
#     pass, nlp-vocab) --threshold 5, so that a piece seen fewer times than nlp-w2v's min-count is
#     split back into pieces that have vectors (subword-nmt's two passes); nlp-w2v --skipgram at
#     the settings above on the pieces; a word's vector is the mean of its pieces' vectors
#     (bench/bpe_compose.py), for the corpus's words of min-count 5 in frequency order (the rows
#     the analogies' 30,000 are taken from, as in the word rows) and then every word of the two
#     benchmarks that is not among them; those vectors are scored as the other rows' are. The
#     times of learn and apply are printed apart; the row's time is nlp-w2v's training. Also
#     printed: the share of WordSim353's words with a vector in the word rows (those of min-count
#     5) and in the BPE row. No peer is run for this section (its peers are the skip-gram and
#     subword rows).
# A row of nlp-w2v is skipped while bin/nlp-w2v does not exist or, in a section, while its --help
# does not name the section's option. Each run is timed once (a run takes minutes); the runs of
# nlp-w2v alternate with the peers' runs. Every training runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (BENCH.md: the peers at their best, ours the same way); the scoring is
# not timed. Ratio = the section's reference time (gensim, or fastText for subwords) / the row's
# time. W2V_SECTION_SEEDS (default: W2V_SEEDS) are the seeds of nlp-w2v in the optional sections.
# The script ends with PASS or FAIL for each of issue 12's targets (and exits 1 on a FAIL).
# W2V_CORPUS replaces the corpus, for a quick trial of the script. W2V_TOOLS (default
# "gensim word2vec.c fasttext") chooses the peers of the skip-gram section.
#
# At the issue's settings on a 2-core machine the three peers take some 18 minutes (BENCH.md: 220,
# 339 and about 500 s) and every seed of nlp-w2v adds its own time.
# shellcheck disable=SC2317 # the run functions are called by name, through interleave
set -euo pipefail

# shellcheck source=bench/_common.sh
. "$(dirname "$0")/_common.sh"
me=w2v.sh

cbow=${W2V_CBOW:-0} hs=${W2V_HS:-0} subword=${W2V_SUBWORD:-0} bpe=${W2V_BPE:-0}
bpe_merges=${W2V_BPE_MERGES:-32000}
for a in "$@"; do
	case $a in
	--cbow) cbow=1 ;;
	--hs) hs=1 ;;
	--subword) subword=1 ;;
	--bpe) bpe=1 ;;
	--all) cbow=1 hs=1 subword=1 bpe=1 ;;
	*) echo "usage: $me [--cbow] [--hs] [--subword] [--bpe] [--all]" >&2; exit 2 ;;
	esac
done

skip_without_data $me enwiki-100M.txt.xz eval/wordsim353.tsv eval/questions-words.txt
need_bins $me nlp-similar
need_tools $me xz tr sed grep
need_time $me
need_py_modules $me gensim

w2vc=${W2V_C:-}
tools=${W2V_TOOLS-gensim word2vec.c fasttext}
read -r -a seeds <<<"${W2V_SEEDS:-1 2 3}"
read -r -a all_seeds <<<"${W2V_SEEDS:-1 2 3}"
read -r -a section_seeds <<<"${W2V_SECTION_SEEDS:-${W2V_SEEDS:-1 2 3}}"
if [ -n "${W2V_CORPUS:-}" ]; then corpus=$W2V_CORPUS; else corpus=$(enwik100_cached); fi
ev=$data/eval

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-w2v-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "$me: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine)"
echo "$me: corpus $corpus, $(wc -w <"$corpus") words"

nlp=$bindir/nlp-w2v
nlp_help=""
[ -x "$nlp" ] && nlp_help=$("$nlp" --help 2>&1 || true)
failed=0
notes=()

# has_nlp OPTION: bin/nlp-w2v exists and, with an OPTION, its --help names it.
has_nlp()
{
	[ -x "$nlp" ] || return 1
	[ -z "${1:-}" ] || grep -q -e "$1" <<<"$nlp_help"
}

# train ID VEC CMD...: one timed run of CMD (without the OpenBLAS variables, under
# /usr/bin/time -v), then nlp-similar scores the vectors VEC it wrote. Appends
# "ID seconds rss_kb spearman accuracy" to $tmp/runs (the scores "-" when the run failed).
train()
{
	local id=$1 vec=$2 t0 t1 s rss
	shift 2
	echo "$me: $id ..." >&2
	t0=${EPOCHREALTIME/[.,]/}
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/time -v -o "$tmp/$id.time" "$@" \
		>"$tmp/$id.out" 2>"$tmp/$id.err" || [ ! -s "$vec" ]; then
		echo "$me: $id failed: $*" >&2
		tail -n 5 "$tmp/$id.err" >&2
		echo "$id - - - -" >>"$tmp/runs"
		failed=1
		return 0
	fi
	t1=${EPOCHREALTIME/[.,]/}
	s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
	rss=$(awk -F': *' '/Maximum resident set size/{print $2}' "$tmp/$id.time")
	# the BPE rows: the words' vectors from the pieces' (bpe_compose.py), scored instead
	case $id in
	bpe.*)
		"$PY" "$bench/bpe_compose.py" "$vec" "$tmp/bpe.words" "$tmp/bpe.words.pieces" "$tmp/bpe.wvec" \
			2>"$tmp/$id.compose"
		echo "$me: $id: $(cat "$tmp/$id.compose")" >&2
		bpe_coverage "$tmp/bpe.wvec" >"$tmp/$id.coverage"
		mv "$tmp/bpe.wvec" "$vec"
		# WordSim353 again on the rows of the corpus's words alone (the word rows' words)
		"$bindir/nlp-similar" --eval-pairs "$ev/wordsim353.tsv" -R "$(($(wc -l <"$tmp/bpe.words") - $(wc -l <"$tmp/bpe.extra")))" \
			"$vec" >"$tmp/$id.eval-vocab"
		;;
	esac
	"$bindir/nlp-similar" --eval-pairs "$ev/wordsim353.tsv" --eval-analogy "$ev/questions-words.txt" \
		"$vec" >"$tmp/$id.eval"
	awk -v id="$id" -v s="$s" -v rss="$rss" -F'\t' '
		$1 == "spearman" { sp = $2 } $1 == "accuracy" { ac = $2 }
		END { printf "%s %s %s %.3f %.3f\n", id, s, rss, sp, ac }' "$tmp/$id.eval" >>"$tmp/runs"
	echo "$me: $id: $(tail -n 1 "$tmp/runs")" >&2
	rm -f "$vec" "$tmp"/*.bin
}

# interleave PEER_FN... -- NLP_FN: the peers' runs and the seeds of nlp-w2v, one after the other.
interleave()
{
	local peers=() i=0 n
	while [ "$1" != -- ]; do peers+=("$1"); shift; done
	local nfn=${2:-}
	n=${#peers[@]}
	[ -z "$nfn" ] || [ ${#seeds[@]} -le "$n" ] || n=${#seeds[@]}
	for ((i = 0; i < n; i++)); do
		[ "$i" -ge ${#peers[@]} ] || "${peers[$i]}"
		[ -z "$nfn" ] || [ "$i" -ge ${#seeds[@]} ] || "$nfn" "${seeds[$i]}"
	done
}

common_ft=(-dim 100 -ws 5 -neg 5 -t 1e-4 -thread 2 -epoch 5 -minCount 5 -lr 0.025)
nlp_args=(--dim 100 --window 5 --sample 1e-4 --min-count 5 --epochs 5 --threads 2)

sg_gensim() { train sg.gensim "$tmp/g.vec" "$PY" "$bench/w2v_gensim.py" "$corpus" "$tmp/g.vec" sg 5 0; }
sg_w2vc()
{
	train sg.w2vc "$tmp/c.vec" "$w2vc" -train "$corpus" -output "$tmp/c.vec" -cbow 0 -size 100 \
		-window 5 -negative 5 -hs 0 -sample 1e-4 -threads 2 -iter 5 -min-count 5 -alpha 0.025 -binary 0
}
sg_fasttext() { train sg.fasttext "$tmp/ft.vec" fasttext skipgram -input "$corpus" -output "$tmp/ft" "${common_ft[@]}" -maxn 0; }
sg_nlp() { train "sg.nlp.$1" "$tmp/n.vec" "$nlp" --skipgram "${nlp_args[@]}" --neg 5 --seed "$1" --output "$tmp/n.vec" "$corpus"; }
cbow_gensim() { train cbow.gensim "$tmp/g.vec" "$PY" "$bench/w2v_gensim.py" "$corpus" "$tmp/g.vec" cbow 5 0; }
cbow_nlp() { train "cbow.nlp.$1" "$tmp/n.vec" "$nlp" --cbow "${nlp_args[@]}" --neg 5 --seed "$1" --output "$tmp/n.vec" "$corpus"; }
hs_gensim() { train hs.gensim "$tmp/g.vec" "$PY" "$bench/w2v_gensim.py" "$corpus" "$tmp/g.vec" sg 0 1; }
hs_nlp() { train "hs.nlp.$1" "$tmp/n.vec" "$nlp" --skipgram --hs "${nlp_args[@]}" --neg 0 --seed "$1" --output "$tmp/n.vec" "$corpus"; }
sw_fasttext() { train sw.fasttext "$tmp/ft.vec" fasttext skipgram -input "$corpus" -output "$tmp/ft" "${common_ft[@]}"; }
bpe_nlp() { train "bpe.nlp.$1" "$tmp/n.vec" "$nlp" --skipgram "${nlp_args[@]}" --neg 5 --seed "$1" --output "$tmp/n.vec" "$tmp/bpe.corpus"; }
sw_nlp() { train "sw.nlp.$1" "$tmp/n.vec" "$nlp" --skipgram --subword 3-6 "${nlp_args[@]}" --neg 5 --seed "$1" --output "$tmp/n.vec" "$corpus"; }

# wordsim_words: WordSim353's distinct words, lower case (the corpus is)
wordsim_words() { grep -v '^#' "$ev/wordsim353.tsv" | cut -f1,2 | tr '\t' '\n' | tr '[:upper:]' '[:lower:]' | sort -u; }
# bpe_coverage VEC: "words_with_vector words" of WordSim353 in VEC (text format, lower case)
bpe_coverage()
{
	awk 'FNR == NR { if (FNR > 1) have[$1] = 1; next } { n++; if ($1 in have) f++ } END { print f + 0, n }' \
		"$1" <(wordsim_words)
}

# prep_bpe: the corpus as BPE pieces ($tmp/bpe.corpus), the words to give vectors ($tmp/bpe.words:
# the corpus's vocabulary of min-count 5 in frequency order, then the benchmarks' other words) and
# their pieces ($tmp/bpe.words.pieces); the steps' times in $tmp/bpe.steps
prep_bpe()
{
	local t0 t1 t2 t3 t4 bpe_bin=$bindir/nlp-bpe
	echo "$me: BPE: nlp-bpe learn --merges $bpe_merges, apply (two passes) ..." >&2
	t0=${EPOCHREALTIME/[.,]/}
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$bpe_bin" learn --merges "$bpe_merges" "$corpus" >"$tmp/bpe.codes"
	t1=${EPOCHREALTIME/[.,]/}
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$bpe_bin" apply --codes "$tmp/bpe.codes" --style sentencepiece \
		"$corpus" >"$tmp/bpe.pass1"
	t2=${EPOCHREALTIME/[.,]/}
	"$bindir/nlp-vocab" "$tmp/bpe.pass1" >"$tmp/bpe.vocab"
	rm -f "$tmp/bpe.pass1"
	t3=${EPOCHREALTIME/[.,]/}
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$bpe_bin" apply --codes "$tmp/bpe.codes" --style sentencepiece \
		--vocab "$tmp/bpe.vocab" --threshold 5 "$corpus" >"$tmp/bpe.corpus"
	t4=${EPOCHREALTIME/[.,]/}
	"$bindir/nlp-vocab" --min-count 5 "$corpus" | cut -f1 >"$tmp/bpe.words"
	{ wordsim_words; grep -v '^:' "$ev/questions-words.txt" | tr ' ' '\n' | tr '[:upper:]' '[:lower:]'; } | sort -u |
		awk 'FNR == NR { have[$1] = 1; next } NF && !($1 in have)' "$tmp/bpe.words" - >"$tmp/bpe.extra"
	cat "$tmp/bpe.extra" >>"$tmp/bpe.words"
	"$bpe_bin" apply --codes "$tmp/bpe.codes" --style sentencepiece --vocab "$tmp/bpe.vocab" --threshold 5 \
		"$tmp/bpe.words" >"$tmp/bpe.words.pieces"
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v m="$bpe_merges" -v l="$(awk '{ print $1 }' /proc/loadavg)" 'BEGIN {
		printf "nlp-bpe learn --merges %d %.1f s, apply %.1f s, nlp-vocab of the pieces %.1f s, apply --vocab --threshold 5 %.1f s (load %s)\n",
			m, (b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6, (e - d) / 1e6, l }' >"$tmp/bpe.steps"
	echo "$me: BPE: $(cat "$tmp/bpe.steps")" >&2
}

# the skip-gram section
peers=()
for t in $tools; do
	case $t in
	gensim) peers+=(sg_gensim) ;;
	word2vec.c)
		if [ -n "$w2vc" ] && [ -x "$w2vc" ]; then peers+=(sg_w2vc); else
			notes+=("word2vec.c skipped: set W2V_C to its binary (built outside the project)"); fi ;;
	fasttext)
		if command -v fasttext >/dev/null 2>&1; then peers+=(sg_fasttext); else
			notes+=("fastText skipped: fasttext is not installed (make deps-bench)"); fi ;;
	*) echo "$me: unknown tool in W2V_TOOLS: $t" >&2; exit 2 ;;
	esac
done
if has_nlp; then nfn=sg_nlp; else nfn=""; notes+=("nlp-w2v skipped: $nlp does not exist"); fi
touch "$tmp/runs"
interleave "${peers[@]}" -- ${nfn:+"$nfn"}
seeds=("${section_seeds[@]}") # the optional sections' seeds
if [ "$cbow" = 1 ]; then
	if has_nlp --cbow; then nfn=cbow_nlp; else nfn=""; notes+=("nlp-w2v --cbow skipped"); fi
	interleave cbow_gensim -- ${nfn:+"$nfn"}
fi
if [ "$hs" = 1 ]; then
	if has_nlp --hs; then nfn=hs_nlp; else nfn=""; notes+=("nlp-w2v --hs skipped"); fi
	interleave hs_gensim -- ${nfn:+"$nfn"}
fi
if [ "$subword" = 1 ]; then
	if command -v fasttext >/dev/null 2>&1; then p=sw_fasttext; else p=""; notes+=("fastText skipped"); fi
	if has_nlp --subword; then nfn=sw_nlp; else nfn=""; notes+=("nlp-w2v --subword skipped"); fi
	if [ -n "$p" ]; then interleave "$p" -- ${nfn:+"$nfn"}; else interleave -- ${nfn:+"$nfn"}; fi
fi
if [ "$bpe" = 1 ]; then
	if ! has_nlp; then
		notes+=("BPE row skipped: $nlp does not exist")
	elif [ ! -x "$bindir/nlp-bpe" ]; then
		notes+=("BPE row skipped: $bindir/nlp-bpe does not exist")
	else
		prep_bpe
		interleave -- bpe_nlp
	fi
fi

# row PREFIX: "seconds rss spearman accuracy n" of the runs whose ids start with PREFIX (means;
# the largest peak RSS), nothing when none succeeded
row()
{
	awk -v p="$1" 'index($1, p) == 1 && $2 != "-" {
			n++; s += $2; sp += $4; ac += $5; if ($3 > r) r = $3 }
		END { if (n) printf "%.3f %d %.3f %.3f %d\n", s / n, r, sp / n, ac / n, n }' "$tmp/runs"
}

# print_row LABEL PREFIX REF_PREFIX
print_row()
{
	local label=$1 r ref ratio
	r=$(row "$2")
	if [ -z "$r" ]; then
		grep -q "^$2" "$tmp/runs" && printf '| %s | failed | | | | | unset |\n' "$label"
		return 0
	fi
	read -r s rss sp ac n <<<"$r"
	ref=$(row "$3")
	ratio=-
	if [ -n "$ref" ] && [ "$2" != "$3" ]; then
		ratio=$(awk -v a="${ref%% *}" -v b="$s" 'BEGIN { printf "%.2fx", a / b }')
	fi
	[ "$n" -gt 1 ] && label="$label (mean of $n seeds)"
	printf '| %s | %.1f s | %s | %.3f | %.3f | %s | unset |\n' "$label" "$s" "$(mb "$rss")" "$sp" "$ac" "$ratio"
}

echo
echo "| run | wall time | peak RSS | WordSim353 | analogy | ratio | OpenBLAS vars |"
echo "|---|---|---|---|---|---|---|"
print_row "skip-gram: gensim 4.2" sg.gensim sg.gensim
print_row "skip-gram: word2vec.c" sg.w2vc sg.gensim
print_row "skip-gram: fastText 0.9.2 -maxn 0" sg.fasttext sg.gensim
print_row "skip-gram: nlp-w2v" sg.nlp. sg.gensim
print_row "CBOW: gensim 4.2" cbow.gensim cbow.gensim
print_row "CBOW: nlp-w2v --cbow" cbow.nlp. cbow.gensim
print_row "skip-gram, hs: gensim 4.2 hs=1" hs.gensim hs.gensim
print_row "skip-gram, hs: nlp-w2v --hs" hs.nlp. hs.gensim
print_row "subwords 3-6: fastText 0.9.2" sw.fasttext sw.fasttext
print_row "subwords 3-6: nlp-w2v --subword 3-6" sw.nlp. sw.fasttext
print_row "BPE $bpe_merges, pieces' mean: nlp-w2v" bpe.nlp. sg.gensim

echo
echo "Wall time: one run each (/usr/bin/time -v, which gives the peak RSS); for nlp-w2v the mean"
echo "over its seeds, with the largest peak RSS. Ratio = the section's reference time (gensim; fastText"
echo "for subwords) / the row's time. Scores by nlp-similar for every tool's vectors: WordSim353"
echo "Spearman (restrict 300,000, case-insensitive), 3CosAdd analogy accuracy over the 30,000 most"
echo "frequent words (case-insensitive), as BENCH.md's eval_vectors.py (gensim) measures them."
echo "Every training ran with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset."
if grep -q '^[a-z]*\.nlp\.' "$tmp/runs"; then
	echo "nlp-w2v runs (id seconds peak-RSS-KB spearman accuracy):"
	grep '^[a-z]*\.nlp\.' "$tmp/runs" | sed 's/^/  /'
fi
if [ -s "$tmp/bpe.steps" ]; then
	echo "BPE row: $(cat "$tmp/bpe.steps"); $(wc -w <"$tmp/bpe.corpus") pieces in the corpus,"
	echo "$(wc -l <"$tmp/bpe.vocab") distinct after the first pass; the words' vectors (bpe_compose.py):"
	for f in "$tmp"/bpe.nlp.*.compose; do [ ! -s "$f" ] || echo "  ${f##*/}: $(cat "$f")"; done
	nw=$(($(wc -l <"$tmp/bpe.words") - $(wc -l <"$tmp/bpe.extra")))
	read -r a b < <(awk -v nw="$nw" 'FNR == NR { if (FNR <= nw) have[$1] = 1; next } { n++; if ($1 in have) f++ } END { print f + 0, n }' \
		"$tmp/bpe.words" <(wordsim_words))
	echo "WordSim353's words with a vector: word rows (the corpus's words of min-count 5) $a of $b"
	for f in "$tmp"/bpe.nlp.*.coverage; do [ ! -s "$f" ] || { read -r c d <"$f"; echo "  BPE row (${f##*/}): $c of $d"; }; done
	echo "nlp-similar's counts (WordSim353 pairs scored, of them out of vocabulary; analogy questions evaluated):"
	for f in "$tmp"/sg.nlp.*.eval "$tmp"/bpe.nlp.*.eval "$tmp"/bpe.nlp.*.eval-vocab; do
		[ ! -s "$f" ] || awk -v f="${f##*/}" -F'\t' '
			$1 == "eval-pairs" { k = "p" } $1 == "eval-analogy" { k = "a" } { v[k, $1] = $2 }
			END { printf "  %s: pairs %d, oov %d, spearman %.3f", f, v["p", "pairs"], v["p", "oov"], v["p", "spearman"]
			      if (("a", "questions") in v) printf "; analogies %d of %d evaluated, accuracy %.3f", v["a", "evaluated"], v["a", "questions"], v["a", "accuracy"]
			      print "" }' "$f"
	done
	echo "  (.eval-vocab: the BPE vectors of the corpus's words of min-count 5 alone, -R: the word rows' pairs)"
fi
for n in "${notes[@]}"; do echo "Note: $n"; done
echo "BENCH.md's figures (same machine, earlier): gensim 220 s, 194 MB, 0.681 / 0.362; word2vec.c"
echo "339 s, 587 MB, 0.656 / 0.379; fastText -maxn 0 about 500 s, 281 MB, 0.650 / 0.353."

field() { [ -z "$1" ] || cut -d ' ' -f "$2" <<<"$1"; }
g=$(row sg.gensim) n=$(row sg.nlp.) cg=$(row cbow.gensim) cn=$(row cbow.nlp.)
hg=$(row hs.gensim) hn=$(row hs.nlp.) fg=$(row sw.fasttext) fn_=$(row sw.nlp.)
echo
echo "Issue 12's targets (nlp-w2v, skip-gram: the mean of ${#all_seeds[@]} seeds):"
t() { awk "BEGIN { exit !($1) }"; }
check()
{
	local name=$1 expr=$2
	shift 2
	for a in "$@"; do [ -n "$a" ] || { echo "  -     $name (a row is missing)"; return 0; }; done
	if t "$expr"; then echo "  PASS  $name"; else echo "  FAIL  $name"; failed=1; fi
}
check "skip-gram at least 1.5 times faster than gensim ($(field "$g" 1) s / $(field "$n" 1) s)" \
	"$(field "$g" 1) >= 1.5 * $(field "$n" 1)" "$g" "$n"
check "skip-gram peak RSS at most gensim's ($(mb "$(field "$n" 2)") vs $(mb "$(field "$g" 2)"))" \
	"$(field "$n" 2) <= $(field "$g" 2)" "$g" "$n"
check "skip-gram WordSim353 at least 0.65 ($(field "$n" 3))" "$(field "$n" 3) >= 0.65" "$n"
check "skip-gram analogy at least 0.37 ($(field "$n" 4))" "$(field "$n" 4) >= 0.37" "$n"
if [ "$cbow" = 1 ]; then
	check "CBOW faster than gensim's ($(field "$cg" 1) s / $(field "$cn" 1) s)" \
		"$(field "$cn" 1) < $(field "$cg" 1)" "$cg" "$cn"
fi
if [ "$hs" = 1 ]; then
	check "skip-gram --hs faster than gensim's ($(field "$hg" 1) s / $(field "$hn" 1) s)" \
		"$(field "$hn" 1) < $(field "$hg" 1)" "$hg" "$hn"
fi
if [ "$subword" = 1 ]; then
	check "subwords at least 1.5 times faster than fastText ($(field "$fg" 1) s / $(field "$fn_" 1) s)" \
		"$(field "$fg" 1) >= 1.5 * $(field "$fn_" 1)" "$fg" "$fn_"
	check "subwords' WordSim353 at least fastText's ($(field "$fn_" 3) vs $(field "$fg" 3))" \
		"$(field "$fn_" 3) >= $(field "$fg" 3)" "$fg" "$fn_"
fi
exit "$failed"
