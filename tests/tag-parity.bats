#!/usr/bin/env bats
# tag-parity: nlp-tag's recurrent tagger against PyTorch (issue 18). tests/tag_ref.py reads the
# model file from the spec (lib/tag/model.h, nn/nnfile.h), builds the network with nn.Embedding,
# nn.Conv1d (zero padding (K-1)/2, the maximum over the positions, tanh), nn.LSTM/GRU/RNN and
# nn.Linear, and computes every token's logits in float64 twice, with PyTorch and with a NumPy
# loop (they agree within 1e-9). nlp-tag prints no logits, so the check is on the tags: each of
# `nlp-tag --tags-only`'s tags is the reference's most probable one, except where the
# reference's best two are within 1e-4 (none so far: the smallest margin is printed, with the
# two references' largest difference). Random models (parameters in [-1, 1], wider than
# training's 0.1, so that a slip shows) of each cell, one and two layers, one direction and two,
# with and without the character encoder of widths 1, 3 and 5; then trained models (the word
# model and the spacing model of tests/data/tag), whose eval accuracy is the reference's; then
# the checker itself refuses a changed tag, a damaged model and a foreign one. Each test runs
# all its checks in one tag_ref.py, as each imports torch (through the server of tests/py-torch:
# $PYT).

load helper

REF="$NLP_TOP/tests/tag_ref.py"
TD="$DATA/tag"

setup() {
	$PY -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)" \
		2>/dev/null || skip "needs python3-torch"
	command -v nlp-tag >/dev/null || skip "nlp-tag is not built"
	T="$BATS_TEST_TMPDIR"
}

# models CELL [ARGS]: random models of the cell for 1 and 2 layers, one direction and two, with
# ARGS for tag_ref.py --write-random; written and checked by check_all.
models() {
	local cell=$1 layers uni seed=0
	shift
	nth=$((${nth:-0} + 1))
	for layers in 1 2; do
		for uni in "" --unidirectional; do
			seed=$((seed + 1))
			local m="$T/$nth-$cell-$layers$uni"
			echo --write-random "$m" --text "$m.txt" --cell "$cell" --layers "$layers" $uni \
				--emb 4 --hidden 5 --tags 7 --init 1 --seed "$seed" "$@" >> "$T/specs"
			ms+=("$m")
		done
	done
}

# check_all: writes the models of $T/specs (in one Python), tags each one's text with nlp-tag
# --tags-only, and checks them all in one tag_ref.py: a line `OURS tokens N, equal N, ...` for
# each, then `max diff X`.
check_all() {
	local m checks=()
	$PY - "$REF" "$T/specs" <<-'EOF' || fail "tag_ref.py --write-random failed"
	import os, sys
	ref, specs = sys.argv[1], sys.argv[2]
	sys.path.insert(0, os.path.dirname(ref))
	import tag_ref
	for line in open(specs):
	    sys.argv = [ref] + line.split()
	    tag_ref.main()
	EOF
	for m in "${ms[@]}"; do
		nlp-tag --tags-only --model "$m" "$m.txt" > "$m.out" 2> "$T/err" ||
			fail "nlp-tag --tags-only: exit $?: $(cat "$T/err")"
		assert_equal "$(cat "$T/err")" ""
		checks+=(--check "$m" "$m.txt" "$m.out")
	done
	run --separate-stderr $PYT "$REF" "${checks[@]}"
	printf '%s\n' "$stderr"
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
	# every token compared, and equal
	local bad
	bad=$(printf '%s\n' "${lines[@]}" | awk '/ tokens / && ($3 + 0 == 0 || $3 != $5)')
	[ -z "$bad" ] || fail "not all equal: $bad"
}

@test "tag-parity: LSTM, GRU and tanh RNN without the character encoder, against PyTorch" {
	models lstm
	models gru
	models rnn
	check_all
	assert_equal "${#lines[@]}" 13
}

@test "tag-parity: the character encoder (widths 1, 3 and 5, capitals, unknown and long words), against PyTorch" {
	models lstm --char-emb 3 --char-filters 4 --char-width 3
	models gru --char-emb 2 --char-filters 5 --char-width 5
	models rnn --char-emb 4 --char-filters 2 --char-width 1
	check_all
	assert_equal "${#lines[@]}" 13
}

@test "tag-parity: trained models (words with the encoder, spacing): the same tags, eval's accuracy the reference's" {
	nlp-tag train --hidden 8 --emb 8 --char-emb 4 --char-filters 4 --epochs 3 --lr 0.02 -T 1 \
		--output "$T/en" "$TD/en.conllu"
	nlp-tag train --spacing --hidden 6 --emb 4 --epochs 3 --lr 0.02 -T 1 --output "$T/sp" \
		"$TD/ko-spaced.txt"
	awk -F '\t' 'NF { s = s (s == "" ? "" : " ") $1; next } s != "" { print s; s = "" }
		END { if (s != "") print s }' "$TD/en-test.tsv" > "$T/en.txt"
	cat "$TD/en.txt" >> "$T/en.txt"
	nlp-tag --tags-only --model "$T/en" "$T/en.txt" > "$T/en.out"
	tr -d ' ' < "$TD/ko-spaced.txt" > "$T/ko.txt"
	nlp-tag --tags-only --model "$T/sp" "$T/ko.txt" > "$T/sp.out"
	run --separate-stderr $PYT "$REF" --check "$T/en" "$T/en.txt" "$T/en.out" \
		--check "$T/sp" "$T/ko.txt" "$T/sp.out"
	printf '%s\n' "$stderr"
	assert_success
	assert_equal "${#lines[@]}" 3
	# eval's accuracy on the test sentences: the reference's tags against the gold ones
	$PYT "$REF" --tag "$T/en" "$T/en.txt" | head -n 3 | tr ' ' '\n' > "$T/ref.tags"
	want=$(awk -F '\t' 'NF' "$TD/en-test.tsv" | cut -f 2 | paste - "$T/ref.tags" |
		awk -F '\t' '{ n++; c += $1 == $2 } END { printf "accuracy  %.4f  (%d/%d)", c / n, c, n }')
	run -0 nlp-tag eval --model "$T/en" "$TD/en-test.tsv"
	assert_line -n 0 "$want"
}

@test "tag-parity: the checker refuses a changed tag, a damaged model and a foreign one" {
	$PY "$REF" --write-random "$T/m" --text "$T/t" --cell gru --layers 2 --char-emb 3 \
		--char-filters 4 --init 1 --seed 7
	$PYT "$REF" --tag "$T/m" "$T/t" > "$T/ref"
	nlp-tag --tags-only --model "$T/m" "$T/t" > "$T/ours"
	assert_same "$T/ours" "$T/ref"
	# the second tag of line 2 changed to another of the model's
	awk 'NR == 2 { $2 = ($2 == "T0" ? "T1" : "T0") } { print }' "$T/ours" > "$T/off"
	run --separate-stderr $PYT "$REF" --check "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "tag_ref.py: $T/off:2: token 2 ("*") tagged T"*", the reference T"* ]] ||
		fail "stderr: $stderr"
	# a token more
	sed '1s/$/ T0/' "$T/ours" > "$T/more"
	run --separate-stderr $PYT "$REF" --check "$T/m" "$T/t" "$T/more"
	assert_failure 1
	[[ "$stderr" == "tag_ref.py: $T/more:1: 2 tags for 1 tokens" ]] || fail "stderr: $stderr"
	# one bit of the last parameter flipped: the checksum
	cp "$T/m" "$T/bad"
	size=$(stat -c %s "$T/bad")
	b=$(od -An -tu1 -j $((size - 1)) -N 1 "$T/bad")
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$T/bad" bs=1 seek=$((size - 1)) conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	[[ "$stderr" == "tag_ref.py: $T/bad: checksum 0x"*" in the header, 0x"*" computed" ]] ||
		fail "stderr: $stderr"
	run -1 nlp-tag --model "$T/bad" "$T/t"
	assert_output "nlp-tag: $T/bad: the checksum does not match: the file is damaged"
	# another magic
	cp "$T/m" "$T/bad"
	printf 'NLPCLSFY' | dd of="$T/bad" bs=1 conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	assert_equal "$stderr" "tag_ref.py: $T/bad: magic b'NLPCLSFY', not b'NLPTAGGR'"
}
