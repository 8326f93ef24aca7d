#!/usr/bin/env bats
# nlp-glove: GloVe (issue 16) on matrices of the real pipeline (nlp-vocab | nlp-cooccur) from
# tests/data/glove: a planted corpus (planted.awk: 4 groups of 5 words that co-occur mostly
# within their group, 400 non-zeros) and pairs.txt (6 pairs of words counted 1 to 40 times: 12
# non-zeros on distinct rows and distinct columns, so that one iteration's result does not depend
# on the order of the visit). The output: the word2vec format, the vocabulary's words in order,
# --dim, --vectors sum/word/context/concat and -b against the saved model's W and W~
# (glove_ref.py), gensim; one AdaGrad iteration against a float64 reference of GloVe's rule
# (glove_ref.py step) and the gradient against central differences (test-lib glove-grad); the
# planted groups recovered with -T 1 and -T 2; a seeded -T 1 run repeated bit for bit, the
# initial model continued for one iteration the same bytes as one iteration; each setting's mark
# on the vectors and in the model; --model going on; --log, --progress, -M past the budget
# (shuffled blocks); every bad matrix, model and option with its exit status and message.

load helper

GD="$DATA/glove"
REF="$NLP_TOP/tests/glove_ref.py"
TAB=$'\t'

setup_file() {
	command -v nlp-glove >/dev/null || return 0
	local d="$BATS_FILE_TMPDIR"
	awk -v n=2000 -f "$GD/planted.awk" > "$d/planted.txt"
	nlp-vocab "$d/planted.txt" > "$d/planted.vocab"
	nlp-cooccur -v "$d/planted.vocab" "$d/planted.txt" > "$d/planted.mat"
	nlp-vocab "$GD/pairs.txt" > "$d/pairs.vocab"
	nlp-cooccur -v "$d/pairs.vocab" "$GD/pairs.txt" > "$d/pairs.mat"
}

setup() {
	command -v nlp-glove >/dev/null || skip "nlp-glove is not built"
	T="$BATS_TEST_TMPDIR"
	PV="$BATS_FILE_TMPDIR/planted.vocab"
	PM="$BATS_FILE_TMPDIR/planted.mat"
	# a small fit of the planted matrix that most tests run
	SMALL=(-v "$PV" -d 8 --iters 5 -T 1)
}

# ref COMMAND ARGS: glove_ref.py (NumPy) in one Python process; its lines printed for the log.
ref() {
	need_python_module numpy
	run --separate-stderr $PY "$REF" "$@"
	printf '%s\n' "$output" "$stderr"
	assert_success
}

# fields MODEL ...: a line for each model, "rows=R dim=D iters=I x_max=X alpha=A eta=E
# grad_clip=C seed=S" from its header, every rule of nlp-glove-model(5) checked.
fields() {
	local m
	for m in "$@"; do
		run --separate-stderr $PY "$REF" fields "$m"
		assert_success
		printf '%s\n' "$output" | grep -v '^words ' | tr ' ' = | paste -s -d ' '
	done
}

# ---- the output ----

@test "glove: word2vec text: 'V dim', then the vocabulary's words in its order, dim values each (-d; 100 by default)" {
	run -0 --separate-stderr nlp-glove -v "$PV" -d 7 --iters 2 -T 1 "$PM"
	assert_equal "$stderr" ''
	assert_line -n 0 '20 7'
	assert_equal "$(tail -n +2 <<<"$output" | cut -d ' ' -f 1)" "$(cut -f 1 "$PV")"
	run awk 'NR > 1 && (NF != 8 || $2 !~ /^-?[0-9]+\.[0-9]+$/) { bad++ } END { print bad + 0 }' <<<"$output"
	assert_output 0
	run -0 nlp-glove -v "$PV" --iters 1 -T 1 "$PM"
	assert_line -n 0 '20 100'
	run awk 'NR > 1 && NF != 101 { bad++ } END { print bad + 0 }' <<<"$output"
	assert_output 0
}

@test "glove: --vectors sum, word, context, concat and -b: W + W~, W, W~, both (2 dim), the model's values; --output" {
	nlp-glove "${SMALL[@]}" -d 6 --save-model "$T/m" "$PM" > "$T/trained.txt"
	for k in sum word context concat; do
		nlp-glove --model "$T/m" --iters 0 --vectors "$k" "$PM" > "$T/$k.txt"
	done
	nlp-glove --model "$T/m" --iters 0 -b --output "$T/sum.bin" "$PM"
	nlp-glove --model "$T/m" --iters 0 --binary --vectors word "$PM" > "$T/word.bin"
	# what the training run wrote is its saved model's sum; sum is the default
	cmp "$T/trained.txt" "$T/sum.txt"
	nlp-glove --model "$T/m" --iters 0 "$PM" | cmp - "$T/sum.txt"
	# --output writes the file and nothing on stdout
	run -0 --separate-stderr nlp-glove --model "$T/m" --iters 0 --output "$T/o.txt" "$PM"
	assert_output ''
	cmp "$T/o.txt" "$T/sum.txt"
	run head -n 1 "$T/concat.txt"
	assert_output '20 12'
	run head -n 1 "$T/context.txt"
	assert_output '20 6'
	ref vectors "$T/m" "$T"
	assert_line --regexp '^concat.txt: 20 x 12, largest difference [0-9.e-]+$'
	assert_line 'sum.bin: 20 x 6, bit for bit'
}

@test "glove: gensim loads the text and the binary vectors: the model's words and W + W~" {
	need_python_module gensim
	nlp-glove "${SMALL[@]}" --save-model "$T/m" "$PM" > "$T/v.txt"
	nlp-glove "${SMALL[@]}" -b "$PM" > "$T/v.bin"
	ref gensim "$T/v.txt" "$T/v.bin" "$T/m"
	assert_line --regexp '^gensim: 20 words of 8 dimensions; '
}

# ---- the fit ----

@test "glove: the gradient against central differences, an AdaGrad step against GloVe's rule (test-lib glove-grad)" {
	command -v test-lib >/dev/null || skip "test-lib is not built"
	run --separate-stderr test-lib glove-grad
	printf '%s\n' "$output" "$stderr"
	assert_success
	assert_equal "$stderr" ''
	refute_line --partial FAIL
	assert_line 'ok glove grad: every component against central differences'
	assert_line "ok glove update: GloVe's rule, twice on a cell and on another"
	assert_line 'ok glove update: the clip of each component'
	assert_line 'ok glove update: a NaN diff is skipped, nothing changed'
	echo "# $(grep -E '^glove-(grad|update):' <<<"$output" | paste -s -d ';')" >&3
}

@test "glove: one AdaGrad iteration equals GloVe's rule in float64 (glove_ref.py), from the initial model and after, with a --grad-clip that bites" {
	local v="$BATS_FILE_TMPDIR/pairs.vocab" m="$BATS_FILE_TMPDIR/pairs.mat"
	nlp-glove -v "$v" -d 5 --x-max 10 --alpha 0.6 --eta 0.5 --iters 0 --save-model "$T/m0" "$m" > /dev/null
	nlp-glove --model "$T/m0" --iters 1 -T 1 --save-model "$T/m1" --log "$T/l1" "$m" > /dev/null
	nlp-glove --model "$T/m1" --iters 1 -T 1 --save-model "$T/m2" --log "$T/l2" "$m" > /dev/null
	nlp-glove --model "$T/m1" --iters 1 -T 1 --grad-clip 0.01 --save-model "$T/m2c" \
		--log "$T/l2c" "$m" > /dev/null
	ref step "$m" "$T/m0" "$T/m1" "$T/l1" 10 0.6 0.5 100 "$T/m1" "$T/m2" "$T/l2" 10 0.6 0.5 100 \
		"$T/m1" "$T/m2c" "$T/l2c" 10 0.6 0.5 0.01
	assert_line --regexp '^m1 from m0: 12 non-zeros, 0 components clipped, '
	assert_line --regexp '^m2c from m1: 12 non-zeros, [1-9][0-9]* components clipped, '
	assert_line --regexp '^largest difference [0-9.e-]+$'
	echo "# step: $(tail -n 1 <<<"$output")" >&3
}

@test "glove: the planted groups recovered: each word's 4 nearest by cosine in its group, -T 1 and -T 2 (Hogwild)" {
	nlp-glove -v "$PV" -d 8 --iters 15 -T 1 "$PM" > "$T/t1.vec"
	nlp-glove -v "$PV" -d 8 --iters 15 -T 2 "$PM" > "$T/t2.vec"
	# the threads' shares are chunks of 1024 non-zeros, so 400 leave the second thread idle: a
	# wider planted corpus too, 12 groups of 5 words, about 3600 non-zeros, both threads busy
	awk -v n=4000 -v groups=12 -f "$GD/planted.awk" > "$T/w.txt"
	nlp-vocab "$T/w.txt" > "$T/w.vocab"
	nlp-cooccur -v "$T/w.vocab" "$T/w.txt" | nlp-glove -v "$T/w.vocab" -d 12 --iters 15 -T 2 > "$T/w2.vec"
	ref planted "$T/t1.vec" "$T/t2.vec" "$T/w2.vec"
	assert_line --regexp '^t1.vec: 20 words in 4 groups; all nearest in the group for (9[0-9]|100)%'
	assert_line --regexp '^t2.vec: 20 words in 4 groups; all nearest in the group for (9[0-9]|100)%'
	assert_line --regexp '^w2.vec: 60 words in 12 groups; all nearest in the group for (9[0-9]|100)%'
	echo "# $(paste -s -d ';' <<<"$output")" >&3
}

@test "glove: the cost falls on a learnable matrix (--log: a header, one line an iteration)" {
	run -0 --separate-stderr nlp-glove "${SMALL[@]}" --iters 12 --log "$T/log" "$PM"
	assert_equal "$stderr" ''
	run -0 head -n 1 "$T/log"
	assert_output "iter${TAB}cost${TAB}seconds${TAB}nonzeros_per_s"
	run -0 awk -F '\t' 'NR > 1 {
		if (NF != 4 || $1 != NR - 1 || $2 !~ /^[0-9.]+$/ || $3 < 0 || $4 <= 0) bad++
		if (NR == 2) first = $2; if (NR > 2 && $2 > prev * 1.01) up++; prev = $2 }
		END { printf "%d %d %d %s %s\n", NR - 1, bad, up, first, prev }' "$T/log"
	read -r n bad up first last <<<"$output"
	assert_equal "$n $bad $up" '12 0 0'
	awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a / 4) }' || fail "cost $first to $last"
	# --iters 0: the header alone
	nlp-glove "${SMALL[@]}" --iters 0 --log "$T/log0" "$PM" > /dev/null
	run -0 cat "$T/log0"
	assert_output "iter${TAB}cost${TAB}seconds${TAB}nonzeros_per_s"
}

@test "glove: a seeded -T 1 run repeats bit for bit, from a file, stdin or '-', float64 or float32 counts; another seed differs" {
	nlp-glove "${SMALL[@]}" --seed 3 "$PM" > "$T/a"
	nlp-glove "${SMALL[@]}" --seed 3 "$PM" | cmp - "$T/a"
	nlp-glove "${SMALL[@]}" --seed 3 < "$PM" | cmp - "$T/a"
	cat "$PM" | nlp-glove "${SMALL[@]}" --seed 3 - | cmp - "$T/a"
	# the cells hold float32: nlp-cooccur --f32's counts are the same cells
	nlp-cooccur -v "$PV" --f32 "$BATS_FILE_TMPDIR/planted.txt" |
		nlp-glove "${SMALL[@]}" --seed 3 | cmp - "$T/a"
	nlp-glove "${SMALL[@]}" --seed 4 "$PM" > "$T/b"
	! cmp -s "$T/a" "$T/b"
	# the default seed is 1
	nlp-glove "${SMALL[@]}" "$PM" > "$T/c"
	nlp-glove "${SMALL[@]}" --seed 1 "$PM" | cmp - "$T/c"
	! cmp -s "$T/a" "$T/c"
}

@test "glove: --model goes on: the vectors change, the iterations add up in the model, -v with it the same" {
	nlp-glove "${SMALL[@]}" --iters 1 --seed 5 --save-model "$T/m1" "$PM" > "$T/v1"
	nlp-glove --model "$T/m1" --iters 1 -T 1 --seed 5 --save-model "$T/m11" "$PM" > "$T/v11"
	! cmp -s "$T/v1" "$T/v11"
	# with -v too (the same words): the same
	nlp-glove -v "$PV" --model "$T/m1" --iters 1 -T 1 --seed 5 "$PM" | cmp - "$T/v11"
	nlp-glove --model "$T/m11" --iters 3 -T 1 --seed 5 --save-model "$T/m5" "$PM" > /dev/null
	run -0 fields "$T/m1" "$T/m11" "$T/m5"
	assert_line -n 0 --regexp '^rows=20 dim=8 iters=1 '
	assert_line -n 1 --regexp '^rows=20 dim=8 iters=2 '
	assert_line -n 2 --regexp '^rows=20 dim=8 iters=5 .* seed=5$'
}

# nlp-glove(1): a fit continued from its model reads the non-zeros again in the matrix's order,
# where a longer run's next pass starts from the order its last pass left: not the same bytes as
# one run of as many iterations. What does hold: the first iteration from the initial model is
# the first iteration of a run, and a continued fit repeats bit for bit.
@test "glove: --iters 0 --save-model then --model --iters 1 is --iters 1 bit for bit (-T 1, one seed); a continued fit repeats" {
	nlp-glove "${SMALL[@]}" --iters 1 --seed 5 --save-model "$T/m1" "$PM" > "$T/v1"
	nlp-glove "${SMALL[@]}" --iters 0 --seed 5 --save-model "$T/m0" "$PM" > /dev/null
	nlp-glove --model "$T/m0" --iters 1 -T 1 --seed 5 --save-model "$T/m01" "$PM" > "$T/v01"
	cmp "$T/v1" "$T/v01"
	cmp "$T/m1" "$T/m01"
	nlp-glove --model "$T/m1" --iters 2 -T 1 --seed 5 --save-model "$T/a" "$PM" > /dev/null
	nlp-glove --model "$T/m1" --iters 2 -T 1 --seed 5 --save-model "$T/b" "$PM" > /dev/null
	cmp "$T/a" "$T/b"
	# another seed, other orders
	nlp-glove --model "$T/m1" --iters 2 -T 1 --seed 6 --save-model "$T/c" "$PM" > /dev/null
	! cmp -s "$T/a" "$T/c"
}

@test "glove: --iters 0 --save-model writes the initial model: GloVe's initialisation, 0 iterations; the defaults in the header" {
	nlp-glove -v "$PV" --iters 0 --save-model "$T/m0" "$PM" > "$T/v0"
	run -0 fields "$T/m0"
	assert_output 'rows=20 dim=100 iters=0 x_max=100.0 alpha=0.75 eta=0.05 grad_clip=100.0 seed=1'
	need_python_module numpy
	run -0 $PY - "$REF" "$T/m0" <<'EOF'
import sys, importlib.util, numpy as np
spec = importlib.util.spec_from_file_location('glove_ref', sys.argv[1])
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
m = g.Model(sys.argv[2])
for k in ('W', 'Wc', 'b', 'bc'):
    v = m.t[k]
    assert v.min() >= -0.005 and v.max() < 0.005 and v.std() > 0.0015, (k, v.min(), v.max())
for k in ('gW', 'gWc', 'gb', 'gbc'):
    assert np.all(m.t[k] == 1), k
print('ok')
EOF
	# the initial vectors are W + W~ of the initial model
	nlp-glove --model "$T/m0" --iters 0 "$PM" | cmp - "$T/v0"
}

@test "glove: --x-max, --alpha, --eta, --grad-clip change the vectors and are kept; with --model they are the model's unless given" {
	nlp-glove "${SMALL[@]}" --save-model "$T/base.m" "$PM" > "$T/base"
	# the defaults given explicitly change nothing
	nlp-glove "${SMALL[@]}" --x-max 100 --alpha 0.75 --eta 0.05 --grad-clip 100 "$PM" |
		cmp - "$T/base"
	local i=0 o
	for o in "--x-max 10" "--alpha 0.5" "--eta 0.1" "--grad-clip 0.001"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		nlp-glove "${SMALL[@]}" $o --save-model "$T/$i.m" "$PM" > "$T/$i"
		! cmp -s "$T/base" "$T/$i" || fail "$o changed nothing"
	done
	nlp-glove --model "$T/1.m" --iters 1 -T 1 --save-model "$T/c1.m" "$PM" > /dev/null
	nlp-glove --model "$T/1.m" --iters 1 -T 1 --eta 0.2 --alpha 0 --save-model "$T/c2.m" "$PM" > /dev/null
	run -0 fields "$T/base.m" "$T/1.m" "$T/2.m" "$T/3.m" "$T/4.m" "$T/c1.m" "$T/c2.m"
	assert_line -n 0 'rows=20 dim=8 iters=5 x_max=100.0 alpha=0.75 eta=0.05 grad_clip=100.0 seed=1'
	assert_line -n 1 'rows=20 dim=8 iters=5 x_max=10.0 alpha=0.75 eta=0.05 grad_clip=100.0 seed=1'
	assert_line -n 2 'rows=20 dim=8 iters=5 x_max=100.0 alpha=0.5 eta=0.05 grad_clip=100.0 seed=1'
	assert_line -n 3 'rows=20 dim=8 iters=5 x_max=100.0 alpha=0.75 eta=0.1 grad_clip=100.0 seed=1'
	assert_line -n 4 'rows=20 dim=8 iters=5 x_max=100.0 alpha=0.75 eta=0.05 grad_clip=0.001 seed=1'
	assert_line -n 5 'rows=20 dim=8 iters=6 x_max=10.0 alpha=0.75 eta=0.05 grad_clip=100.0 seed=1'
	assert_line -n 6 'rows=20 dim=8 iters=6 x_max=10.0 alpha=0.0 eta=0.2 grad_clip=100.0 seed=1'
	# the model's settings are used, not the defaults: going on from x_max 10 with --x-max 100
	# differs from going on without
	nlp-glove --model "$T/1.m" --iters 1 -T 1 "$PM" > "$T/k"
	nlp-glove --model "$T/1.m" --iters 1 -T 1 --x-max 100 "$PM" > "$T/k100"
	! cmp -s "$T/k" "$T/k100"
	nlp-glove --model "$T/1.m" --iters 1 -T 1 --x-max 10 "$PM" | cmp - "$T/k"
}

# ---- the budget and the display ----

@test "glove: -M below the non-zeros' bytes: shuffled blocks, said so; the fit as good as in memory's" {
	# 400 words in 20 groups, lines of 20 tokens: about 98,000 non-zeros, 1.2 MB of cells
	awk -v n=1600 -v groups=20 -v size=20 -v len=20 -v p=40 -f "$GD/planted.awk" > "$T/big.txt"
	nlp-vocab "$T/big.txt" > "$T/big.vocab"
	nlp-cooccur -v "$T/big.vocab" "$T/big.txt" > "$T/big.mat"
	nnz=$(nlp-mat info "$T/big.mat" | sed -n 's/^nnz\t//p')
	[ "$nnz" -gt 87381 ] || fail "only $nnz non-zeros: they fit in 1M"
	run -0 --separate-stderr nlp-glove -v "$T/big.vocab" -d 4 --iters 3 -T 1 -M 1M --progress \
		--log "$T/blocks.log" "$T/big.mat"
	printf '%s\n' "$stderr"
	assert_line -n 0 '400 4'
	# blocks of at most half the budget: at least nnz x 12 / 512K of them
	local least=$(((nnz * 12 + 524287) / 524288))
	[[ "$stderr" =~ " non-zeros take "[0-9.]+" MB, more than the budget (-M): "([0-9]+)" shuffled blocks" ]] ||
		fail "no note of the blocks"
	[ "${BASH_REMATCH[1]}" -ge "$least" ] || fail "${BASH_REMATCH[1]} blocks, fewer than $least"
	[[ "${stderr_lines[-1]}" == "nlp-glove: "*"k non-zeros, 400 words, 3 iterations (3 in all), cost "*"in shuffled blocks"* ]] ||
		fail "summary: ${stderr_lines[-1]}"
	# the same fit in memory (-M 2M holds them)
	run -0 --separate-stderr nlp-glove -v "$T/big.vocab" -d 4 --iters 3 -T 1 -M 2M --progress \
		--log "$T/mem.log" "$T/big.mat"
	[[ "$stderr" != *"shuffled blocks"* ]] || fail "-M 2M spilled"
	[[ "${stderr_lines[-1]}" == *", in memory"* ]] || fail "summary: ${stderr_lines[-1]}"
	# the costs of the two ways within 5% of each other, each falling
	run -0 awk -F '\t' 'NR > 1 { d = $2 - $6; if (d < 0) d = -d; if (d > 0.05 * $6) bad++
		if (NR > 2 && ($2 >= pb || $6 >= pm)) bad++; pb = $2; pm = $6 }
		END { print bad + 0 }' <(paste "$T/blocks.log" "$T/mem.log")
	assert_output 0
	echo "# blocks, in memory: $(tail -n 1 "$T/blocks.log" | cut -f 2), $(tail -n 1 "$T/mem.log" | cut -f 2)" >&3
}

@test "glove: --progress: the memory needed first, the summary last; nothing on stderr without it" {
	run -0 --separate-stderr nlp-glove "${SMALL[@]}" --progress "$PM"
	[[ "${stderr_lines[0]}" =~ ^"nlp-glove: the parameters need "[0-9.]+" kB (20 words, 8 dimensions" ]] ||
		fail "first line: ${stderr_lines[0]}"
	[[ "${stderr_lines[-1]}" =~ ^"nlp-glove: 400 non-zeros, 20 words, 5 iterations (5 in all), cost "[0-9.]+", "[0-9.]+[kMG]?" non-zeros/s, in memory" ]] ||
		fail "summary: ${stderr_lines[-1]}"
	run -0 --separate-stderr nlp-glove "${SMALL[@]}" "$PM"
	assert_equal "$stderr" ''
}

# ---- bad input ----

@test "glove: bad matrices: not a matrix, dense, not square, another size, ppmi, another vocabulary (exit 1)" {
	run -1 --separate-stderr nlp-glove -v "$PV" "$PV"
	assert_output ''
	assert_equal "$stderr" "nlp-glove: $PV: not an nlp matrix (bad magic)"
	cd "$T"
	nlp-mat convert --dense "$PM" > dense.mat
	run -1 --separate-stderr nlp-glove -v "$PV" dense.mat
	assert_equal "$stderr" "nlp-glove: dense.mat: a dense matrix; nlp-glove fits sparse co-occurrence counts (nlp-cooccur writes them)"
	nlp-mat to-mtx "$PM" | sed 's/^20 20 400$/20 21 400/' | nlp-mat from-mtx > wide.mat
	run -1 --separate-stderr nlp-glove -v "$PV" wide.mat
	assert_equal "$stderr" "nlp-glove: wide.mat: a 20 x 21 matrix; co-occurrence counts are square"
	{ cat "$PV"; printf 'zzz\t1\n'; } > more.vocab
	run -1 --separate-stderr nlp-glove -v more.vocab "$PM"
	assert_equal "$stderr" "nlp-glove: $PM: the matrix has 20 rows, but the vocabulary more.vocab has 21 words"
	nlp-ppmi "$PM" > ppmi.mat
	run -1 --separate-stderr nlp-glove -v "$PV" ppmi.mat
	assert_equal "$stderr" "nlp-glove: ppmi.mat: does not hold counts: its record ends with the stage 'ppmi', not cooccur"
	# the same words in another order: another fingerprint
	{ sed -n 2p "$PV"; sed -n 1p "$PV"; tail -n +3 "$PV"; } > swapped.vocab
	run -1 --separate-stderr nlp-glove -v swapped.vocab "$PM"
	[[ "$stderr" =~ ^"nlp-glove: $PM: counted with another vocabulary than swapped.vocab (vocab="[0-9a-f]{16}", not "[0-9a-f]{16}")"$ ]] ||
		fail "$stderr"
	assert_output ''
	# a matrix without a record (from Matrix Market) of the right size is taken as counts
	nlp-mat to-mtx "$PM" | grep -v '^% nlp-record' | nlp-mat from-mtx > plain.mat
	nlp-glove "${SMALL[@]}" plain.mat | cmp - <(nlp-glove "${SMALL[@]}" "$PM")
}

@test "glove: bad counts: zero, negative, truncated, no non-zero, a missing file, an empty vocabulary (exit 1)" {
	cd "$T"
	# row 0, column 0 set to 0; row 0, column 2 to -2.5 (ids from 0, as nlp-mat print numbers
	# them; Matrix Market counts from 1)
	nlp-mat to-mtx "$PM" > m.mtx
	awk 'NR == 5 { $3 = 0 } 1' m.mtx | nlp-mat from-mtx > zero.mat
	run -1 --separate-stderr nlp-glove -v "$PV" zero.mat
	assert_output ''
	assert_equal "$stderr" "nlp-glove: zero.mat: row 0, column 0: 0: co-occurrence counts are positive"
	awk 'NR == 7 { $3 = -2.5 } 1' m.mtx | nlp-mat from-mtx > neg.mat
	run -1 --separate-stderr nlp-glove -v "$PV" neg.mat
	assert_equal "$stderr" "nlp-glove: neg.mat: row 0, column 2: -2.5: co-occurrence counts are positive"
	# 1e-50 is positive in float64, 0 in the float32 cells
	awk 'NR == 6 { $3 = "1e-50" } 1' m.mtx | nlp-mat from-mtx > tiny.mat
	run -1 --separate-stderr nlp-glove -v "$PV" tiny.mat
	assert_equal "$stderr" "nlp-glove: tiny.mat: row 0, column 1: 1e-50 is beyond the range of float32"
	head -c -5 "$PM" > trunc.mat
	run -1 --separate-stderr nlp-glove -v "$PV" trunc.mat
	assert_equal "$stderr" "nlp-glove: trunc.mat: truncated matrix"
	# one-word lines: no co-occurrence at all
	printf 'a\nb\na\n' > one.txt
	nlp-vocab one.txt > one.vocab
	nlp-cooccur -v one.vocab one.txt > empty.mat
	run -1 --separate-stderr nlp-glove -v one.vocab empty.mat
	assert_equal "$stderr" "nlp-glove: empty.mat: no non-zero: nothing to fit"
	run -1 --separate-stderr nlp-glove -v "$PV" nonesuch.mat
	assert_equal "$stderr" "nlp-glove: open nonesuch.mat: No such file or directory"
	: > empty.vocab
	run -1 --separate-stderr nlp-glove -v empty.vocab "$PM"
	assert_equal "$stderr" "nlp-glove: empty.vocab: an empty vocabulary"
	run -1 --separate-stderr nlp-glove -v nonesuch.vocab "$PM"
	[[ "$stderr" == "nlp-glove: "*"nonesuch.vocab"*"No such file or directory" ]] || fail "$stderr"
}

@test "glove: bad models: truncated, bytes after the end, another magic, a byte changed (checksum), not a model, none (exit 1)" {
	cd "$T"
	nlp-glove -v "$PV" -d 4 --iters 1 -T 1 --save-model m "$PM" > /dev/null
	size=$(stat -c %s m)
	head -c 300 m > trunc
	run -1 --separate-stderr nlp-glove --model trunc --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: trunc: truncated: the header gives $size bytes, the file has 300"
	assert_output ''
	{ cat m; printf x; } > long
	run -1 --separate-stderr nlp-glove --model long --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: long: bytes after the end: the header gives $size bytes, the file has $((size + 1))"
	{ printf X; tail -c +2 m; } > magic
	run -1 --separate-stderr nlp-glove --model magic --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: magic: not an nlp-glove model (no NLPGLOVE at its start)"
	cp m flipped
	printf '\125' | dd of=flipped bs=1 seek=$((size - 7)) conv=notrunc 2>/dev/null
	run -1 --separate-stderr nlp-glove --model flipped --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: flipped: the checksum does not match: the file is damaged"
	run -1 --separate-stderr nlp-glove --model "$PV" --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: $PV: not an nlp-glove model (no NLPGLOVE at its start)"
	run -1 --separate-stderr nlp-glove --model none --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: open none: No such file or directory"
}

# nlp-glove-model(5): an nlp-w2v model is named (it holds word vectors too); the models of the
# other kinds of the nnfile container are not NLPGLOVE files
@test "glove: a model of nlp-w2v is refused by name; of nlp-rnnlm or nlp-classify, by its magic (exit 1)" {
	cd "$T"
	nlp-w2v -d 3 --min-count 1 -T 1 --epochs 1 --save-model w.w2v "$BATS_FILE_TMPDIR/planted.txt" > /dev/null
	run -1 --separate-stderr nlp-glove --model w.w2v --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: w.w2v: an nlp-w2v model, not an nlp-glove model"
	# a glove model's bytes after another kind's magic
	nlp-glove -v "$PV" -d 4 --iters 0 --save-model m "$PM" > /dev/null
	for k in NLPRNNLM NLPCLSFY; do
		{ printf $k; tail -c +9 m; } > $k
		run -1 --separate-stderr nlp-glove --model $k --iters 0 "$PM"
		assert_equal "$stderr" "nlp-glove: $k: not an nlp-glove model (no NLPGLOVE at its start)"
	done
}

@test "glove: damaged models with the checksum right: each field and parameter rule of nlp-glove-model(5) (exit 1)" {
	cd "$T"
	nlp-glove -v "$PV" -d 4 --iters 2 -T 1 --save-model m "$PM" > /dev/null
	mkdir bad
	ref corrupt m bad
	while IFS='|' read -r f msg; do
		run --separate-stderr nlp-glove --model "bad/$f" --iters 0 "$PM"
		[ "$status" -eq 1 ] || fail "bad/$f: exit $status"
		assert_output ''
		assert_equal "$stderr" "nlp-glove: bad/$f: $msg"
	done <<'EOF'
dim-0|20 words of 0 dimensions, and a table of 20 words
dim-10001|20 words of 10001 dimensions, and a table of 20 words
dim-other|400 parameters; 20 words of 5 dimensions have 480
rows-other|21 words of 4 dimensions, and a table of 20 words
x_max-0|settings out of range: x_max 0, alpha 0.75, eta 0.05, grad_clip 100
alpha-negative|settings out of range: x_max 100, alpha -0.5, eta 0.05, grad_clip 100
eta-0|settings out of range: x_max 100, alpha 0.75, eta 0, grad_clip 100
grad_clip-nan|settings out of range: x_max 100, alpha 0.75, eta 0.05, grad_clip nan
reserved|the reserved bytes 120..127 are not zero
W-nan|parameter 1 of W is not finite
bc-inf|parameter 2 of bc is not finite
gW-below-1|parameter 4 of gW is below 1, which no AdaGrad sum is
gbc-0|parameter 1 of gbc is below 1, which no AdaGrad sum is
EOF
	[ "$(ls bad | wc -l)" -eq 14 ]
}

# eta is a float64 in the file, a float32 in the steps: 1e300 is finite as the one and infinite
# as the other, and the steps of the vectors' padding are then 0 x inf, NaN in every vector
# (what fuzz-glovemodel found; its seed eta-huge)
@test "glove: a model whose eta is beyond float32's range is refused, not trained into NaN (exit 1)" {
	cd "$T"
	nlp-glove -v "$PV" -d 4 --iters 2 -T 1 --save-model m "$PM" > /dev/null
	mkdir bad
	ref corrupt m bad
	run --separate-stderr nlp-glove --model bad/eta-1e300 --iters 1 -T 1 "$PM"
	printf '%s\n' "${lines[@]:0:3}" "$stderr"
	assert_failure 1
	assert_equal "$stderr" "nlp-glove: bad/eta-1e300: settings out of range: x_max 100, alpha 0.75, eta 1e+300, grad_clip 100"
}

@test "glove: --model with -v of other words or -d of another size; -v and --model absent (exit 1, 2)" {
	cd "$T"
	nlp-glove -v "$PV" -d 4 --iters 0 --save-model m "$PM" > /dev/null
	sed '1s/^[^\t]*/zz/' "$PV" > other.vocab
	run -1 --separate-stderr nlp-glove --model m -v other.vocab --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: other.vocab: line 1: 'zz', but the model m has '$(head -n 1 "$PV" | cut -f 1)' there"
	{ cat "$PV"; printf 'zzz\t1\n'; } > more.vocab
	run -1 --separate-stderr nlp-glove --model m -v more.vocab --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: more.vocab has 21 words, the model m 20"
	run -1 --separate-stderr nlp-glove --model m -d 5 --iters 0 "$PM"
	assert_equal "$stderr" "nlp-glove: m: a model of 4 dimensions, not 5 (-d)"
	# -d equal to the model's is fine
	run -0 --separate-stderr nlp-glove --model m -d 4 --iters 0 "$PM"
	assert_line -n 0 '20 4'
	run -2 --separate-stderr nlp-glove "$PM"
	assert_equal "${stderr_lines[0]}" "nlp-glove: -v is required: the vocabulary the matrix was counted with"
	[[ "${stderr_lines[1]}" == "usage: nlp-glove -v vocab "* ]]
}

@test "glove: usage errors: values out of range, unknown options, -o, two matrices (exit 2, nothing written)" {
	cd "$T"
	while read -r opt val msg; do
		run -2 --separate-stderr nlp-glove -v "$PV" --save-model m "$opt" "$val" "$PM"
		assert_output ''
		[[ "${stderr_lines[0]}" == "nlp-glove: "*"$msg"* ]] || fail "$opt $val: $stderr"
		[ ! -e m ]
	done <<'EOF'
--dim 0 --dim: value '0' is too small (expected 1..10000)
-d 10001 --dim: value '10001' is too large (expected 1..10000)
--x-max 0 --x-max: value '0' is too small
--x-max -1 --x-max: value '-1' is too small
--x-max nan --x-max
--alpha -0.1 --alpha: value '-0.1' is too small
--eta 0 --eta: value '0' is too small
--grad-clip 0 --grad-clip: value '0' is too small
--iters -1 --iters: value '-1' is too small (expected 0..100000)
--iters 100001 --iters: value '100001' is too large (expected 0..100000)
-T 0 --threads: value '0' is too small (expected 1..1024)
--threads 1025 --threads: value '1025' is too large (expected 1..1024)
--seed -1 --seed: value '-1' is too small
--seed x --seed
--vectors both --vectors: 'both' is not sum, word, context or concat
-M 512K --memory: '512K' is below the least budget, 1M
--memory 1Q --memory: '1Q' is not a size
EOF
	run -2 --separate-stderr nlp-glove -v "$PV" -o out "$PM"
	assert_equal "${stderr_lines[0]}" "nlp-glove: invalid option -- 'o'"
	[[ "${stderr_lines[1]}" == "usage: nlp-glove -v vocab "* ]]
	[ ! -e out ]
	run -2 --separate-stderr nlp-glove -v "$PV" --bogus "$PM"
	assert_equal "${stderr_lines[0]}" "nlp-glove: unrecognized option '--bogus'"
	run -2 --separate-stderr nlp-glove -v "$PV" "$PM" "$PM"
	assert_equal "${stderr_lines[0]}" "nlp-glove: one matrix at a time (sum shards with nlp-cooccur -m)"
	run -2 --separate-stderr nlp-glove -v "$PV" --iters
	assert_output ''
}

@test "glove: --help and --version on stdout (exit 0); the usage line names every option" {
	run -0 --separate-stderr nlp-glove --help
	assert_equal "$stderr" ''
	assert_line -n 0 --regexp '^usage: nlp-glove -v vocab '
	local o
	for o in --vocab --dim --x-max --alpha --iters --eta --grad-clip --threads --seed --vectors \
		--output --binary --save-model --model --memory --log --progress --help --version; do
		assert_line --regexp "^ +(-[a-zA-Z], )?$o\\b"
	done
	# no -o (nlp(7) reserves it)
	refute_line --regexp '^ +-o'
	run -0 nlp-glove -h
	assert_line -n 0 --regexp '^usage: nlp-glove '
	run -0 nlp-glove --version
	assert_output --regexp '^nlp-glove [0-9]'
}

# ---- output errors ----

@test "glove: binary output to a terminal is refused (text and --output are fine)" {
	command -v script >/dev/null || skip "needs script(1) for a terminal"
	run timeout 20 script -qec "nlp-glove -v '$PV' -d 4 --iters 1 -T 1 -b '$PM'" /dev/null
	assert_failure 1
	assert_output --partial 'nlp-glove: not writing binary vectors to a terminal'
	run timeout 20 script -qec "nlp-glove -v '$PV' -d 4 --iters 1 -T 1 -b --output '$T/v.bin' '$PM'" /dev/null
	assert_success
	[ -s "$T/v.bin" ]
	# (the progress display too: stderr is the terminal)
	run timeout 20 script -qec "nlp-glove -v '$PV' -d 4 --iters 1 -T 1 '$PM'" /dev/null
	assert_success
	assert_line --regexp '^20 4.?$'
}

@test "glove: a full disk, unwritable --output, --save-model and --log (exit 1); a closed pipe ends quietly" {
	if [ -w /dev/full ]; then
		run -1 --separate-stderr bash -c "nlp-glove ${SMALL[*]} '$PM' > /dev/full"
		assert_equal "$stderr" 'nlp-glove: write <stdout>: No space left on device'
		run -1 --separate-stderr nlp-glove "${SMALL[@]}" --save-model /dev/full "$PM"
		[[ "$stderr" == "nlp-glove: "*"/dev/full"*"No space left on device" ]] || fail "$stderr"
	fi
	run -1 --separate-stderr nlp-glove "${SMALL[@]}" --output "$T/no/such/v" "$PM"
	[[ "$stderr" == "nlp-glove: "*"$T/no/such/v"*"No such file or directory" ]] || fail "$stderr"
	run -1 --separate-stderr nlp-glove "${SMALL[@]}" --save-model "$T/no/such/m" "$PM"
	[[ "$stderr" == "nlp-glove: "*"$T/no/such/m"*"No such file or directory" ]] || fail "$stderr"
	run -1 --separate-stderr nlp-glove "${SMALL[@]}" --log "$T/no/such/log" "$PM"
	assert_equal "$stderr" "nlp-glove: open $T/no/such/log: No such file or directory"
	# 20 rows of 2000 values: more than a pipe holds
	run -0 --separate-stderr bash -c "nlp-glove -v '$PV' -d 2000 --iters 1 -T 1 '$PM' | head -n 1"
	assert_output '20 2000'
	assert_equal "$stderr" ''
}
