#!/usr/bin/env bats
# Pipelines of stages, as the README and nlp(7) show them. Every pipeline runs under pipefail, so
# a stage that fails or crashes fails the test even when a later one still writes something, and
# every comparison also asserts that its sides are not empty.

load helper

SAMPLE="$NLP_TOP/share/nlp/examples/sample.txt"

# make demo runs once for the file (its tests read its output), its attention map written in the
# file's temporary directory rather than in build/demo
setup_file() {
	export DEMO_DIR="$BATS_FILE_TMPDIR/demo"
	mkdir -p "$DEMO_DIR"
	NLP_DEMO_DIR="$DEMO_DIR" sh "$NLP_TOP/examples/demo.sh" > "$DEMO_DIR/out" 2>&1
	echo $? > "$DEMO_DIR/status"
}

# run_demo: what `run sh examples/demo.sh` would give, from setup_file's run
run_demo() {
	run cat "$DEMO_DIR/out"
	status=$(< "$DEMO_DIR/status")
}

@test "pipeline: normalize | tokenize | stopword on the bundled sample" {
	run bash -o pipefail -c "nlp-normalize --lower '$SAMPLE' | nlp-tokenize | nlp-stopword --lang en,ko --split-particles"
	assert_success
	assert_line --index 0 --partial 'alice beginning get tired sitting sister bank'
	assert_equal "${#lines[@]}" "$(grep -c '' "$SAMPLE")"
	run bash -o pipefail -c "nlp-normalize --lower '$SAMPLE' | nlp-tokenize | nlp-stopword | wc -l"
	assert_success
	assert_output "$(wc -l < "$SAMPLE")"
}

@test "pipeline: sentences then words keeps every word of the text" {
	a=$(set -o pipefail; nlp-tokenize "$SAMPLE" | tr ' ' '\n' | grep -c .)
	b=$(set -o pipefail; nlp-tokenize --sentences "$SAMPLE" | nlp-tokenize | tr ' ' '\n' | grep -c .)
	[ "$a" -gt 100 ] || fail "only $a words in the sample"
	[ "$a" -eq "$b" ] || fail "$a words directly, $b through sentences"
}

@test "pipeline: the same through the nlp dispatcher" {
	want=$(set -o pipefail; nlp-normalize -l "$SAMPLE" | nlp-tokenize)
	got=$(set -o pipefail; nlp normalize -l "$SAMPLE" | nlp tokenize)
	[ -n "$want" ] || fail "the pipeline wrote nothing"
	assert_equal "$got" "$want"
}

@test "pipeline: make demo's main job runs from the README" {
	run_demo
	assert_success
	assert_output --partial 'alice'
	assert_output --partial '<date>'
	# subwords: merges, both styles, the round trip; stems and lemmas of the notes' words
	assert_output --partial "$(printf '#version: 0.2\nt h\n')"
	assert_line --regexp '^the rabbit was .*@@ '
	assert_line --regexp $'^\xe2\x96\x81the \xe2\x96\x81rabbit '
	assert_line 'decoded: the same bytes'
	assert_line 'jump jump jump generous'
	assert_line 'jump jump jump gener'
	assert_line 'be be be be jump'
	assert_line 'goose mouse dog church'
	# nlp-w2v's vectors: the header line and three neighbours of each query
	assert_output --partial "$(printf '\n$ nlp-w2v --min-count 3 -d 20')"
	run awk '/^\$ nlp-similar -q -k 3 /{on = 1; next} on && /^$/{exit} on' <<<"$output"
	echo "$output"
	[ "${#lines[@]}" -eq 6 ]
	assert_line -n 0 --regexp $'^alice\t[^\t]+\t0\.[0-9]+$'
	assert_line -n 5 --regexp $'^rabbit\t[^\t]+\t0\.[0-9]+$'
}

@test "pipeline: make demo's GloVe vectors: the cost falls, 39 words of 10 dimensions" {
	run_demo
	assert_success
	run awk '/^\$ nlp-cooccur .*nlp-glove /{on = 1; next} on && /^$/{exit} on' <<<"$output"
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	assert_line -n 0 --regexp $'^1\t0\.[0-9]+$'
	assert_line -n 1 --regexp $'^100\t0\.[0-9]+$'
	assert_line -n 2 '39 10'
	# the cost of the last iteration below the first's
	awk -F '\t' 'NR == 1 {a = $2} NR == 2 {exit !($2 < a / 2)}' <<<"$output"
}

@test "pipeline: make demo's classifiers: held-out accuracy and the attention weights" {
	run_demo
	assert_success
	local demo=$output
	# two evaluations of the 400 held-out reviews
	run grep -c '^accuracy  0\.[0-9]*  ([0-9]*/400)$' <<<"$demo"
	assert_output 2
	# three reviews, each: class, probability, then every token/weight
	run awk '/--show-attention$/{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 3 ]
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^[01]$'\t'0\.[0-9]+$'\t'[^\ ]+/[01]\.[0-9]{3}( [^\ ]+/[01]\.[0-9]{3})+$ ]] ||
			fail "not class, probability and token/weight: $l"
	done
}

@test "pipeline: make demo's taggers: parts of speech scored and given, a Korean sentence spaced" {
	run_demo
	assert_success
	local demo=$output l
	# the report on the 6 held-out sentences: all of them, the known and the unknown words
	run awk '/^\$ awk .*nlp-tag eval /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 3 ] || fail "not 3 lines of report: $output"
	assert_line -n 0 --regexp '^accuracy  0\.[0-9]{4}  \([0-9]+/48\)$'
	assert_line -n 1 --regexp '^known     [01]\.[0-9]{4}  \([0-9]+/[0-9]+\)$'
	assert_line -n 2 --regexp '^unknown   [01]\.[0-9]{4}  \([0-9]+/[0-9]+\)$'
	# two sentences tagged: each token with a tag of the sample's, in the order of the input
	run awk '/^\$ printf .*\| nlp-tag --model /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 2 ] || fail "not 2 tagged lines: $output"
	for l in "${lines[@]}"; do
		[[ $l =~ ^([^\ /]+/(ADJ|ADP|ADV|AUX|CCONJ|DET|NOUN|NUM|PART|PRON|PROPN|PUNCT|SCONJ|VERB)( |$))+$ ]] ||
			fail "not token/tag: $l"
	done
	assert_equal "$(sed 's|/[A-Z]*||g' <<<"${lines[0]}")" 'The little rabbit ran to the garden .'
	assert_equal "$(sed 's|/[A-Z]*||g' <<<"${lines[1]}")" 'She opened a strange box .'
	# the spaces of the Korean sentence restored, and its characters' tags
	run awk '/^\$ nlp-tag train --spacing /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	assert_output '동생은 학교에서 친구를 만났다.'
	run awk '/^\$ echo .* --tags-only$/{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[[ $output =~ ^[S-]( [S-]){13}$ ]] || fail "not the tags of 14 characters: $output"
}

@test "pipeline: make demo's seq2seq: dates learnt and written, their attention as weights and as a picture" {
	run_demo
	assert_success
	local demo=$output
	# the log's first epochs and its last, then eval on the 500 held-out pairs
	run awk '/^\$ nlp-seq2seq train /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 6 ] || fail "not 4 lines of log and 2 of eval: $output"
	assert_line -n 0 $'epoch\ttrain_loss\tvalid_exact'
	assert_line -n 3 --regexp $'^10\t0\\.[0-9]{6}\t(0\\.9[0-9]{5}|1\\.000000)$'
	assert_line -n 4 --regexp '^exact match: (0\.9[0-9]{3}|1\.0000) \([0-9]+ of 500\)$'
	assert_line -n 5 --regexp '^unit accuracy: (0\.9[0-9]{3}|1\.0000) \([0-9]+ of [0-9]+\)$'
	# four dates it never saw, written right
	run awk '/^\$ printf .*\| nlp-seq2seq --model /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	assert_output "$(printf '%s\n' 1994-09-27 1984-09-25 1993-02-10 2013-06-17)"
	# --weights: the translation, the 7 input units, then a row for each output unit and </s>,
	# each of 7 weights summing to 1
	run awk '/ --weights$/{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 13 ] || fail "not a translation and 12 # lines: $output"
	assert_line -n 0 '1994-09-27'
	assert_line -n 1 $'#\t\t9\t/\t2\t7\t/\t9\t4'
	assert_equal "$(awk -F '\t' 'NR > 2 { printf "%s ", $2 }' <<<"$output")" '1 9 9 4 - 0 9 - 2 7 </s> '
	awk -F '\t' 'NR > 2 { s = 0; for (i = 3; i <= NF; i++) s += $i
		if (NF != 9 || s < 0.99999 || s > 1.00001) { print "row " NR - 2 ": " NF - 2 " weights, sum " s; exit 1 } }' \
		<<<"$output" || fail "a row of weights is not 7 summing to 1"
	# the weights shaded in the terminal: the input's 18 characters, then 11 rows
	run awk '/ --weights \| awk /{on = 1; next} on && /^$/{exit} on' <<<"$demo"
	[ "${#lines[@]}" -eq 12 ] || fail "not a header and 11 shaded rows: $output"
	assert_line -n 0 '      september_27,_1994'
	# the attention map: 18 x 11 cells, the labels of both sides, in the file it names
	grep -qxF "The picture is $DEMO_DIR/attention.svg (18 columns by 11 rows): open it in a web browser." \
		<<<"$demo" || fail "the demo does not say where the picture is"
	[ -s "$DEMO_DIR/attention.svg" ] || fail "no $DEMO_DIR/attention.svg"
	run $PY - "$DEMO_DIR/attention.svg" <<'EOF'
import sys
import xml.etree.ElementTree as ET
N = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
g = {e.get('id'): e for e in root.iter(N + 'g')}
src = ''.join(e.text for e in g['input'].findall(N + 'text'))
tgt = [e.text for e in g['output'].findall(N + 'text')]
print(src, ' '.join(tgt), len(g['cells'].findall(N + 'rect')))
EOF
	assert_success
	assert_output 'september␣27,␣1994 1 9 9 4 - 0 9 - 2 7 </s> 198'
}
