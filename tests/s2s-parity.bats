#!/usr/bin/env bats
# s2s-parity: nlp-seq2seq against PyTorch (issue 19). tests/s2s_ref.py reads the model file from
# the spec (nlp-seq2seq-model(5), nn/nnfile.h), builds the encoder-decoder with nn.Embedding,
# nn.LSTM/GRU/RNN (the encoder bidirectional or not; the decoder started from the encoder's
# per-layer final states, c = 0) and nn.Linear (attention dot, general, additive or none, peeky,
# reverse), and computes in float64, with PyTorch and with a NumPy loop (agreeing within 1e-9):
# `score`'s sums of ln p under teacher forcing, within 1e-5 of ours; the greedy translations,
# which it follows a unit at a time (each of ours must be its most probable unit, or within 1e-4
# in ln p of it, and ours must stop where it says </s>); the `--weights` rows, within 1e-5. Models
# written by the reference with random parameters (uniform in [-A, A], wider than training's
# 0.1, so that a slip shows) of each variant, then tiny models trained by nlp-seq2seq on
# tests/data/seq2seq (the first 200 pairs of ../shared/data/seq2seq/{date,addition}.train.tsv.xz),
# then the checker itself refuses a changed number, unit or weight, a damaged model and a foreign
# one. Each test runs all its checks in one s2s_ref.py, as each imports torch (through the server
# of tests/py-torch: $PYT).

load helper

REF="$NLP_TOP/tests/s2s_ref.py"
TD="$DATA/seq2seq"

setup() {
	$PY -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)" \
		2>/dev/null || skip "needs python3-torch"
	command -v nlp-seq2seq >/dev/null || skip "nlp-seq2seq is not built"
	T="$BATS_TEST_TMPDIR"
	checks=()
}

# ours MODEL INPUT [OPTION...]: nlp-seq2seq score and translate (with --weights unless the
# model's file name says none, and the OPTIONs) of INPUT into MODEL.score and MODEL.out, nothing
# on stderr; the two checks added to checks
ours() {
	local m=$1 in=$2 w=--weights
	shift 2
	nlp-seq2seq score --model "$m" "$in" > "$m.score" 2> "$T/err" ||
		fail "nlp-seq2seq score --model $m: exit $?: $(cat "$T/err")"
	assert_equal "$(cat "$T/err")" ""
	[[ "${m##*/}" != *none* ]] || w=
	nlp-seq2seq --model "$m" $w "$@" "$in" > "$m.out" 2> "$T/err" ||
		fail "nlp-seq2seq --model $m $w $*: exit $?: $(cat "$T/err")"
	assert_equal "$(cat "$T/err")" ""
	checks+=(--check score "$m" "$in" "$m.score" --check translate "$m" "$in" "$m.out")
}

# check_all [OPTION...]: the checks in one s2s_ref.py: a line `OURS: lines N, units N, max diff
# X, ...` for each, then `max diff X`; every line and unit compared
check_all() {
	run --separate-stderr $PYT "$REF" "${checks[@]}" "$@"
	printf '%s\n' "${lines[@]}" "$stderr"
	assert_success
	assert_equal "${#lines[@]}" $((${#checks[@]} / 5 + 1))
	assert_line --regexp '^max diff [0-9.e+-]+$'
	local bad
	bad=$(printf '%s\n' "${lines[@]}" | awk '/: lines / && ($3 + 0 == 0 || $5 + 0 == 0)')
	[ -z "$bad" ] || fail "nothing compared: $bad"
}

@test "s2s-parity: random models of each cell, attention, direction, depth, peeky and reverse, chars and tokens, against PyTorch" {
	local specs=(
		"lstm-dot --attention dot"
		"lstm-general-bi --attention general --bidirectional"
		"lstm-additive-rev --attention additive --reverse-source"
		"gru-dot-peeky-2 --cell gru --attention dot --peeky --layers 2"
		"rnn-none-rev-peeky --cell rnn --attention none --reverse-source --peeky"
		"lstm-none-bi-2 --attention none --bidirectional --layers 2"
		"gru-additive-all-tok --units tokens --cell gru --attention additive --bidirectional --reverse-source --peeky --layers 2"
		"rnn-general-peeky-tok --units tokens --cell rnn --attention general --peeky"
	)
	local s seed=0
	for s in "${specs[@]}"; do
		seed=$((seed + 1))
		echo --write-random "$T/${s%% *}" --text "$T/${s%% *}.tsv" --hidden 6 --emb 4 \
			--init 0.8 --seed "$seed" ${s#* }
	done > "$T/specs"
	$PY - "$REF" "$T/specs" <<-'EOF' || fail "s2s_ref.py --write-random failed"
	import os, sys
	ref, specs = sys.argv[1], sys.argv[2]
	sys.path.insert(0, os.path.dirname(ref))
	import s2s_ref
	for line in open(specs):
	    sys.argv = [ref] + line.split()
	    s2s_ref.main()
	EOF
	for s in "${specs[@]}"; do
		ours "$T/${s%% *}" "$T/${s%% *}.tsv"
	done
	check_all
}

@test "s2s-parity: tiny trained models (dates and sums, each attention, peeky, reverse, bidirectional, 2 layers, lstm/gru/rnn, tokens), against PyTorch" {
	head -n 60 "$TD/date-200.tsv" > "$T/date.tsv"
	head -n 60 "$TD/addition-200.tsv" > "$T/add.tsv"
	# sums as tokens: a digit a token
	sed 's/./& /g; s/ \t /\t/; s/ $//' "$TD/addition-200.tsv" > "$T/add-tok-train.tsv"
	head -n 40 "$T/add-tok-train.tsv" > "$T/add-tok.tsv"
	# unknown units, a unit alone, blanks
	printf 'Jüly 4, 1999\t1999-07-04\n7\t7\n  5 + 3 \t8\n' >> "$T/date.tsv"
	printf '１+2\t3\n0+0\t0\n' >> "$T/add.tsv"
	printf '9  +  x\t9\n' >> "$T/add-tok.tsv"
	local runs=(
		"date-lstm-dot-bi $TD/date-200.tsv --attention dot --bidirectional"
		"date-gru-general-peeky-2 $TD/date-200.tsv --cell gru --attention general --peeky --layers 2"
		"date-lstm-additive-rev $TD/date-200.tsv --attention additive --reverse-source"
		"add-rnn-none-rev-peeky $TD/addition-200.tsv --cell rnn --attention none --reverse-source --peeky"
		"add-lstm-none-bi-2 $TD/addition-200.tsv --attention none --bidirectional --layers 2"
		"add-tok-gru-dot-all $T/add-tok-train.tsv --units tokens --cell gru --attention dot --bidirectional --reverse-source --peeky"
	)
	local r id data seed=0
	for r in "${runs[@]}"; do
		read -r id data rest <<< "$r"
		seed=$((seed + 1))
		nlp-seq2seq train --output "$T/$id" --hidden 8 --emb 6 --epochs 8 --lr 0.03 -T 1 \
			--seed "$seed" $rest "$data" 2> "$T/err" ||
			fail "nlp-seq2seq train $rest: exit $?: $(cat "$T/err")"
		case $id in
		date-*) ours "$T/$id" "$T/date.tsv" ;;
		add-tok-*) ours "$T/$id" "$T/add-tok.tsv" ;;
		*) ours "$T/$id" "$T/add.tsv" ;;
		esac
	done
	check_all
}

@test "s2s-parity: --max-length; the checker refuses a changed score, unit or weight, an output cut short, a damaged model and a foreign one" {
	$PY "$REF" --write-random "$T/m" --text "$T/t" --attention general --reverse-source \
		--hidden 6 --init 0.8 --seed 9
	nlp-seq2seq score --model "$T/m" "$T/t" > "$T/score"
	nlp-seq2seq --model "$T/m" --weights "$T/t" > "$T/out"
	nlp-seq2seq --model "$T/m" --weights --max-length 3 "$T/t" > "$T/out3"
	run --separate-stderr $PYT "$REF" --check score "$T/m" "$T/t" "$T/score" \
		--check translate "$T/m" "$T/t" "$T/out"
	assert_success
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/t" "$T/out3" --max-length 3
	assert_success
	assert_line -n 0 --regexp "^$T/out3: lines 12, units 3[0-9], max diff "
	# the limit is the reference's too: ours at 3 units is not what it says without one
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/t" "$T/out3"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/out3:1: unit 4: ours the end, the reference "* ]] ||
		fail "stderr: $stderr"
	# line 2's score 2e-5 lower
	awk 'NR == 2 { $1 = sprintf("%.6f", $1 - 0.00002) } { print }' "$T/score" > "$T/off"
	run --separate-stderr $PYT "$REF" --check score "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/off:2: score "*", the reference "*" (a difference of "*")" ]] ||
		fail "stderr: $stderr"
	# the first translation's first unit another of the target's
	awk 'NR == 1 { $0 = (substr($0, 1, 1) == "1" ? "2" : "1") substr($0, 2) } { print }' \
		"$T/out" > "$T/off"
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/off:1: unit 1: ours '"*"', the reference '"*"' (ln p "* ]] ||
		fail "stderr: $stderr"
	# the first weight of the first row 2e-5 higher
	awk -F '\t' -v OFS='\t' '/^#\t[^\t]/ && !done { $3 = sprintf("%.6f", $3 + 0.00002); done = 1 }
		{ print }' "$T/out" > "$T/off"
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/off:3: weight 1 is "*", the reference "*" (a difference of "*")" ]] ||
		fail "stderr: $stderr"
	# a row of weights less
	awk '/^#\t[^\t]/ && !done { done = 1; next } { print }' "$T/out" > "$T/off"
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/off:1: "*" rows of weights for "*" output units"* ]] ||
		fail "stderr: $stderr"
	# the last translation without its last unit
	printf '%s\n' "$(sed -n '$p' "$T/t")" > "$T/last"
	nlp-seq2seq --model "$T/m" "$T/last" > "$T/ours-last"
	[ -n "$(cat "$T/ours-last")" ] || fail "an empty translation of $(cat "$T/last")"
	sed 's/.$//' "$T/ours-last" > "$T/off"
	run --separate-stderr $PYT "$REF" --check translate "$T/m" "$T/last" "$T/off"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/off:1: unit "*": ours the end, the reference "* ]] ||
		fail "stderr: $stderr"
	# one bit of the last parameter flipped: the checksum
	cp "$T/m" "$T/bad"
	size=$(stat -c %s "$T/bad")
	b=$(od -An -tu1 -j $((size - 1)) -N 1 "$T/bad")
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$T/bad" bs=1 seek=$((size - 1)) conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check score "$T/bad" "$T/t" "$T/score"
	assert_failure 1
	[[ "$stderr" == "s2s_ref.py: $T/bad: checksum 0x"*" in the header, 0x"*" computed" ]] ||
		fail "stderr: $stderr"
	run -1 nlp-seq2seq --model "$T/bad" "$T/t"
	assert_output "nlp-seq2seq: $T/bad: the checksum does not match: the file is damaged"
	# another magic
	cp "$T/m" "$T/bad"
	printf 'NLPCLSFY' | dd of="$T/bad" bs=1 conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check score "$T/bad" "$T/t" "$T/score"
	assert_failure 1
	assert_equal "$stderr" "s2s_ref.py: $T/bad: magic b'NLPCLSFY', not b'NLPS2SEQ'"
}
