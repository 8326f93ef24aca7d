#!/usr/bin/env bats
# nlp-seq2seq: encoder-decoder with attention (issue 19), on tiny models (--hidden 16 --emb 8)
# trained on the synthetic fixtures of tests/data/seq2seq (gen.py): rev.tsv (240 strings of 1 to 5
# code points of 1, 2 and 3 bytes and their reversals), rev-valid.tsv (40 more) and num.tsv
# (number words to digits, as tokens). setup_file trains the few models most tests share: the
# reversals learnt by heart with dot attention (R), the same after 3 epochs (W, a model that
# makes mistakes), the number words learnt (N), a model without attention (Z) and one that
# learnt to say a long run of one letter (A, for the length limits).
# Train: every option's mark on the model file (its header and tables, read here by Python, its
# size by the formula of nlp-seq2seq-model(5)); determinism (--seed, -T 1 and -T 2); --valid,
# --patience, --log. Translate: the fixtures' targets; --beam 1 is greedy; --beam K scores at
# least greedy's; --max-length; --weights rows; --attention-map's SVG against --weights. Eval:
# its figures recomputed from translate's output. Score: ln p under teacher forcing (a uniform
# model's exactly; a random model's, -1 times its mean a unit, the training loss of its log).
# Bad input, damaged and foreign models (exit 1); usage errors (exit 2).

load helper

SD="$DATA/seq2seq"
REV="$SD/rev.tsv"
REVV="$SD/rev-valid.tsv"
NUM="$SD/num.tsv"
TAB=$'\t'
TINY=(--hidden 16 --emb 8 -T 1)
# what makes the tiny model learn the reversals by heart
LEARN=(--epochs 80 --lr 0.02 --batch 16)

setup_file() {
	command -v nlp-seq2seq >/dev/null || return 0
	local d="$BATS_FILE_TMPDIR"
	nlp-seq2seq train "${TINY[@]}" "${LEARN[@]}" --output "$d/rev.s2s" "$REV"
	nlp-seq2seq train "${TINY[@]}" --epochs 3 --lr 0.02 --batch 16 --output "$d/weak.s2s" "$REV"
	nlp-seq2seq train --units tokens "${TINY[@]}" --epochs 60 --lr 0.03 --batch 8 \
		--output "$d/num.s2s" "$NUM"
	nlp-seq2seq train "${TINY[@]}" --attention none --epochs 1 --output "$d/none.s2s" "$REV"
	# one source, a long run of one letter: says 'a' again and again
	for _ in $(seq 32); do printf 'a\t%s\n' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done > "$d/a.tsv"
	nlp-seq2seq train "${TINY[@]}" --epochs 20 --lr 0.05 --output "$d/a.s2s" "$d/a.tsv"
}

setup() {
	command -v nlp-seq2seq >/dev/null || skip "nlp-seq2seq is not built"
	T="$BATS_TEST_TMPDIR"
	R="$BATS_FILE_TMPDIR/rev.s2s"
	W="$BATS_FILE_TMPDIR/weak.s2s"
	N="$BATS_FILE_TMPDIR/num.s2s"
	Z="$BATS_FILE_TMPDIR/none.s2s"
	A="$BATS_FILE_TMPDIR/a.s2s"
}

# ---- helpers ----

# fields MODEL...: the header as `name value` lines (nlp-seq2seq-model(5)), then `layout ok` when
# the parameters are as many as the configuration's tensors (and the file's size theirs), and
# `reserved ok` when the header's unused bytes are 0; of several models, each line starts with
# the model file's name.
fields() {
	$PY - "$@" <<'EOF'
import math, os, struct, sys
for path in sys.argv[1:]:
    d = open(path, 'rb').read()
    pre = os.path.basename(path) + ' ' if len(sys.argv) > 2 else ''
    def out(*a):
        print(pre + ' '.join(str(x) for x in a))
    out('magic', d[:8].decode('latin-1'))
    version, bom, header, ntables = struct.unpack_from('<4I', d, 8)
    tbytes, P, _ = struct.unpack_from('<3Q', d, 24)
    out('version', version)
    out('tables', ntables)
    names = ['units', 'cell', 'layers', 'hidden', 'bidirectional', 'emb', 'attention',
             'reverse_source', 'peeky', 'src', 'tgt', 'epochs', 'batch', 'zero']
    v = dict(zip(names, struct.unpack_from('<14I', d, 64)))
    for k in names[:-1]:
        out(k, v[k])
    lr, dropout, valid = struct.unpack_from('<3d', d, 120)
    out('lr %.6g' % lr)
    out('dropout %.6g' % dropout)
    out('valid', 'nan' if math.isnan(valid) else '%.6f' % valid)
    out('seed', struct.unpack_from('<Q', d, 144)[0])
    out('parameters', P)
    G = [1, 4, 3][v['cell']]
    H, E, L = v['hidden'], v['emb'], v['layers']
    dirs = 1 + v['bidirectional']
    D = dirs * H
    n = v['src'] * E + v['tgt'] * E
    for l in range(L):
        n += dirs * (G * H * (E if l == 0 else D) + G * H * H + 2 * G * H)
    for l in range(L):
        J = (E + (D if v['peeky'] else 0)) if l == 0 else D
        n += G * D * J + G * D * D + 2 * G * D
    n += {0: 0, 1: 0, 2: D * D, 3: 2 * D * D + D}[v['attention']]
    if v['attention']:
        n += D * 2 * D + D
    n += v['tgt'] * (D * (2 if v['peeky'] else 1)) + v['tgt']
    size = (header + tbytes + 63) // 64 * 64 + 4 * P
    out('layout', 'ok' if n == P and size == len(d) else
        'bad: %d parameters for %d, %d bytes for %d' % (P, n, len(d), size))
    out('reserved', 'ok' if v['zero'] == 0 and not any(d[152:256]) and bom == 0x01020304
        and header == 256 else 'bad')
EOF
}

# table MODEL src|tgt: the table's entries, one a line, in id order.
table() {
	$PY - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
header, ntables = struct.unpack_from('<2I', d, 16)
off = header
for t in range(ntables):
    n, = struct.unpack_from('<I', d, off)
    off += 4
    for _ in range(n):
        k, = struct.unpack_from('<I', d, off)
        w = d[off + 4:off + 4 + k]
        off += 4 + k
        if t == ('src', 'tgt').index(sys.argv[2]):
            sys.stdout.buffer.write(w + b'\n')
EOF
}

# longer FILE N [tokens]: the lines of translations FILE of more than N units (code points,
# `<unk>` one; or tokens), each with its number: nothing when none is.
longer() {
	$PY - "$@" <<'EOF'
import re, sys
for k, line in enumerate(open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1], 1):
    n = len(line.split()) if sys.argv[3:] == ['tokens'] else len(re.sub('<unk>', '?', line))
    if n > int(sys.argv[2]):
        print(k, line)
EOF
}

# figures REFS OUTS chars|tokens: exact match and unit accuracy as eval computes them (nlp-seq2seq(1)),
# as eval's two lines and its JSON: what eval must print for the outputs OUTS of the targets REFS.
figures() {
	$PY - "$1" "$2" "$3" <<'EOF'
import sys
refs, outs = (open(f, encoding='utf-8').read().split('\n')[:-1] for f in sys.argv[1:3])
assert len(refs) == len(outs), (len(refs), len(outs))
split = (lambda s: s.split()) if sys.argv[3] == 'tokens' else list
exact = ok = n = 0
for r, o in zip(refs, outs):
    r, o = split(r), split(o)
    exact += r == o
    ok += sum(a == b for a, b in zip(r, o))
    n += max(len(r), len(o))
print('exact match: %.4f (%d of %d)' % (exact / len(refs), exact, len(refs)))
print('unit accuracy: %.4f (%d of %d)' % (ok / n, ok, n))
print('{"lines":%d,"exact":%d,"exact_match":%.6f,"unit_accuracy":%.6f}' % (len(refs), exact,
      exact / len(refs), ok / n))
EOF
}

# check_weights OUT chars|tokens: translate --weights' output OUT is a translation line, then its
# '#' lines, for every input line: the header line of the S source units, then a row per output
# unit (their units the translation's), '</s>' last, of S weights %.6f summing to 1 within 1e-5.
# Prints the number of translations, or what is wrong.
check_weights() {
	$PY - "$1" "$2" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1]
tokens = sys.argv[2] == 'tokens'
i = n = 0
while i < len(lines):
    out = lines[i]
    assert not out.startswith('#\t'), (i, out)
    head = lines[i + 1].split('\t')
    assert head[:2] == ['#', ''], (i, head)
    S = len(head) - 2
    rows = []
    i += 2
    while i < len(lines) and lines[i].startswith('#\t'):
        f = lines[i].split('\t')
        assert len(f) == S + 2, (i, f, S)
        assert all(re.fullmatch(r'[01]\.[0-9]{6}', x) for x in f[2:]), (i, f)
        s = sum(float(x) for x in f[2:])
        assert abs(s - 1) <= 1e-5, (i, s)
        rows.append(f[1])
        i += 1
    assert rows and rows[-1] == '</s>', (out, rows)
    got = (' ' if tokens else '').join(rows[:-1])
    assert got == out, (out, rows)
    n += 1
print(n)
EOF
}

# ---- the model file ----

@test "train: the header, the tables in order of frequency, the size; the reversals learnt to 1.0000" {
	run -0 fields "$R"
	for want in 'magic NLPS2SEQ' 'version 1' 'tables 2' 'units 0' 'cell 1' 'layers 1' \
		'hidden 16' 'bidirectional 0' 'emb 8' 'attention 1' 'reverse_source 0' 'peeky 0' \
		'epochs 80' 'batch 16' 'lr 0.02' 'dropout 0' 'valid nan' 'seed 1' 'layout ok' \
		'reserved ok'; do
		assert_line "$want"
	done
	# the code points of the sources and of the targets (the same six), by count then bytes
	order=$($PY - "$REV" <<'EOF'
import collections, sys
for col in (0, 1):
    c = collections.Counter(ch for line in open(sys.argv[1], encoding='utf-8')
                            for ch in line.rstrip('\n').split('\t')[col])
    print(' '.join(k for k, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0].encode()))))
EOF
)
	assert_line 'src 7'
	assert_line 'tgt 9'
	run -0 table "$R" src
	assert_equal "$(xargs <<< "$output")" "<unk> $(sed -n 1p <<< "$order")"
	run -0 table "$R" tgt
	assert_equal "$(xargs <<< "$output")" "<unk> <s> </s> $(sed -n 2p <<< "$order")"
	run -0 nlp-seq2seq eval --model "$R" "$REV"
	assert_line -n 0 'exact match: 1.0000 (240 of 240)'
}

@test "train: the defaults: lstm, 1 layer, hidden 128, emb 32, dot attention, lr 0.001, batch 64, 10 epochs" {
	head -n 20 "$REV" > "$T/in"
	nlp-seq2seq train -T 1 --log "$T/log" --output "$T/m" "$T/in"
	run -0 fields "$T/m"
	for want in 'units 0' 'cell 1' 'layers 1' 'hidden 128' 'bidirectional 0' 'emb 32' \
		'attention 1' 'reverse_source 0' 'peeky 0' 'epochs 10' 'batch 64' 'lr 0.001' \
		'dropout 0' 'seed 1' 'layout ok'; do
		assert_line "$want"
	done
	run -0 awk 'END { print NR - 1 }' "$T/log"
	assert_output 10
}

@test "train: --cell, --layers, --bidirectional, --attention, --peeky, --reverse-source: the header and the size" {
	head -n 30 "$REV" > "$T/in"
	local small=(--hidden 4 --emb 3 --epochs 1 -T 1) models=()
	while read -r name args; do
		# shellcheck disable=SC2086
		nlp-seq2seq train "${small[@]}" $args --output "$T/$name" "$T/in"
		models+=("$T/$name")
	done <<'EOF'
rnn --cell rnn
gru --cell gru
lstm --cell lstm
l3 --layers 3 --cell gru
bi --bidirectional
bi2 --bidirectional --layers 2 --attention general --cell rnn
none --attention none
general --attention general
additive --attention additive
peeky --peeky
peekynone --peeky --attention none --bidirectional
rev --reverse-source
EOF
	run -0 fields "${models[@]}"
	for m in "${models[@]}"; do
		m=${m##*/}
		assert_line "$m layout ok"
		assert_line "$m hidden 4"
		assert_line "$m emb 3"
	done
	for want in 'rnn cell 0' 'gru cell 2' 'lstm cell 1' 'lstm attention 1' 'lstm layers 1' \
		'lstm bidirectional 0' 'lstm peeky 0' 'lstm reverse_source 0' 'l3 layers 3' \
		'bi bidirectional 1' 'bi2 layers 2' 'bi2 bidirectional 1' 'bi2 attention 2' \
		'none attention 0' 'general attention 2' 'additive attention 3' 'peeky peeky 1' \
		'peekynone attention 0' 'peekynone peeky 1' 'peekynone bidirectional 1' \
		'rev reverse_source 1'; do
		assert_line "$want"
	done
	[ "$(stat -c %s "$T/rnn")" -lt "$(stat -c %s "$T/gru")" ]
	[ "$(stat -c %s "$T/gru")" -lt "$(stat -c %s "$T/lstm")" ]
	[ "$(stat -c %s "$T/none")" -lt "$(stat -c %s "$T/lstm")" ]
	[ "$(stat -c %s "$T/lstm")" -lt "$(stat -c %s "$T/general")" ]
	[ "$(stat -c %s "$T/general")" -lt "$(stat -c %s "$T/additive")" ]
	# the same tensors reversed or not; the default is lstm with dot attention
	[ "$(stat -c %s "$T/rev")" -eq "$(stat -c %s "$T/lstm")" ]
	! cmp -s "$T/rev" "$T/lstm"
	nlp-seq2seq train "${small[@]}" --output "$T/default" "$T/in"
	cmp "$T/default" "$T/lstm"
	# each kind translates: a line a line, within the limit (tests/s2s-parity.bats checks the
	# translations of every variant against PyTorch's)
	for m in l3 bi2 additive peekynone; do
		nlp-seq2seq --model "$T/$m" --max-length 4 "$T/in" > "$T/$m.out"
		assert_equal "$(wc -l < "$T/$m.out")" 30
	done
	cat "$T"/*.out > "$T/all.out"
	run -0 longer "$T/all.out" 4
	assert_output ''
}

@test "train: --dropout, --init, --clip, --batch, --lr change the model; --seed repeats it bit for bit" {
	head -n 40 "$REV" > "$T/in"
	local small=(--hidden 4 --emb 3 --epochs 2 -T 1)
	nlp-seq2seq train "${small[@]}" --output "$T/base" "$T/in"
	nlp-seq2seq train "${small[@]}" --output "$T/again" "$T/in"
	cmp "$T/base" "$T/again"
	nlp-seq2seq train "${small[@]}" --seed 1 --output "$T/s1" "$T/in"
	cmp "$T/base" "$T/s1"
	nlp-seq2seq train "${small[@]}" --seed 7 --output "$T/s7" "$T/in"
	nlp-seq2seq train "${small[@]}" --seed 7 --output "$T/s7b" "$T/in"
	cmp "$T/s7" "$T/s7b"
	run -0 fields "$T/s7"
	assert_line 'seed 7'
	nlp-seq2seq train "${small[@]}" --dropout 0.5 --output "$T/drop" "$T/in"
	run -0 fields "$T/drop"
	assert_line 'dropout 0.5'
	nlp-seq2seq train "${small[@]}" --init 0.5 --output "$T/init" "$T/in"
	nlp-seq2seq train "${small[@]}" --clip 0.001 --output "$T/clip" "$T/in"
	nlp-seq2seq train "${small[@]}" --batch 4 --output "$T/batch" "$T/in"
	run -0 fields "$T/batch"
	assert_line 'batch 4'
	nlp-seq2seq train "${small[@]}" --lr 0.01 --output "$T/lr" "$T/in"
	run -0 fields "$T/lr"
	assert_line 'lr 0.01'
	for m in s7 drop init clip batch lr; do
		! cmp -s "$T/base" "$T/$m" || fail "$m is the default model"
	done
	# clipping at 0 is none, as at a norm never reached
	nlp-seq2seq train "${small[@]}" --clip 0 --output "$T/c0" "$T/in"
	nlp-seq2seq train "${small[@]}" --clip 1e9 --output "$T/cbig" "$T/in"
	cmp "$T/c0" "$T/cbig"
	# the same tables and sizes all along
	for m in s7 drop init clip batch lr; do
		[ "$(stat -c %s "$T/$m")" -eq "$(stat -c %s "$T/base")" ] || fail "$m: another size"
	done
}

@test "train: -T 1 and -T 2: the same model, the same translations, figures and scores" {
	nlp-seq2seq train --hidden 16 --emb 8 -T 2 "${LEARN[@]}" --output "$T/t2" "$REV"
	cmp "$T/t2" "$R"
	# a bidirectional model of two layers with dropout, whose directions run on two threads
	head -n 60 "$REV" > "$T/in"
	local c=(--hidden 6 --emb 4 --layers 2 --bidirectional --dropout 0.2 --batch 8 --epochs 2)
	nlp-seq2seq train "${c[@]}" -T 1 --output "$T/b1" "$T/in"
	nlp-seq2seq train "${c[@]}" -T 2 --output "$T/b2" "$T/in"
	cmp "$T/b1" "$T/b2"
	cat "$REV" "$REVV" > "$T/all"
	for cmd in "" "--beam 3" "--weights"; do
		# shellcheck disable=SC2086
		nlp-seq2seq --model "$W" $cmd -T 1 "$T/all" > "$T/o1"
		# shellcheck disable=SC2086
		nlp-seq2seq --model "$W" $cmd -T 2 "$T/all" > "$T/o2"
		assert_same "$T/o2" "$T/o1"
	done
	for cmd in eval score; do
		nlp-seq2seq "$cmd" --model "$W" -T 1 "$T/all" > "$T/o1"
		nlp-seq2seq "$cmd" --model "$W" -T 2 "$T/all" > "$T/o2"
		assert_same "$T/o2" "$T/o1"
	done
}

@test "train: --log: a header line, a line an epoch; --valid and --patience: the best epoch kept" {
	nlp-seq2seq train "${TINY[@]}" --epochs 3 --lr 0.02 --batch 16 --log "$T/log" \
		--output "$T/m" "$REV"
	run -0 sed -n 1p "$T/log"
	assert_output "epoch${TAB}lr${TAB}train_loss${TAB}valid_exact${TAB}units_per_s${TAB}seconds"
	run -0 awk -F '\t' 'NR > 1 && NF == 6 && $1 == NR - 1 && $2 == 0.02 && $3 ~ /^[0-9]+\.[0-9]+$/ &&
		$4 == "nan" && $5 ~ /^[0-9]+(\.[0-9]+)?$/ && $5 > 0 && $6 ~ /^[0-9]+\.[0-9]+$/ { n++ }
		END { print n, NR }' "$T/log"
	assert_output '3 4'
	# the loss falls on a task this easy: the mean cross-entropy a unit, ln 9 at most at first
	run -0 awk -F '\t' 'NR == 2 { a = $3 } NR == 4 { b = $3 } END { print (a > b && a < log(9) + 0.1) ? "falls" : a " " b }' \
		"$T/log"
	assert_output falls
	# --lr-decay: the rate of each epoch in the log; the default 1 is none
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 3 --lr 0.4 --lr-decay 0.5 --log "$T/dlog" \
		--output "$T/d" "$REV"
	run -0 awk -F '\t' 'NR > 1 { print $2 }' "$T/dlog"
	assert_output "$(printf '0.4\n0.2\n0.1')"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 3 --lr 0.4 --output "$T/d1" "$REV"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 3 --lr 0.4 --lr-decay 1 --output "$T/d2" "$REV"
	cmp "$T/d1" "$T/d2"
	! cmp -s "$T/d" "$T/d1"
	# --valid: its exact match each epoch; --patience 2 stops 2 epochs after the best; the best
	# epoch is the model written, its exact match in the header
	nlp-seq2seq train "${TINY[@]}" --epochs 60 --lr 0.02 --batch 16 --valid "$REVV" \
		--patience 2 --log "$T/vlog" --output "$T/v" "$REV"
	valid=4
	run -0 awk -F '\t' -v k="$valid" 'NR > 1 && $k !~ /^[01]\.[0-9]+$/' "$T/vlog"
	assert_output ''
	read -r best acc epochs < <(awk -F '\t' -v k="$valid" 'NR > 1 && (NR == 2 || $k > b) { b = $k; e = $1 }
		END { print e, b, NR - 1 }' "$T/vlog")
	[ "$epochs" -lt 60 ] || fail "no early stop: $epochs epochs"
	assert_equal "$epochs" $((best + 2))
	run -0 fields "$T/v"
	assert_line "epochs $best"
	# the header's exact match is eval's on the validation file, and the log's
	h=$(awk '$1 == "valid" { print $2 }' <<< "$output")
	awk -v a="$h" -v b="$acc" 'BEGIN { exit !(a - b < 1e-4 && b - a < 1e-4) }' || fail "header $h, log $acc"
	run -0 nlp-seq2seq eval --model "$T/v" --json "$REVV"
	$PY -c 'import json, sys; j = json.loads(sys.argv[1]); assert abs(j["exact_match"] - float(sys.argv[2])) < 1e-6, (j, sys.argv[2])' \
		"$output" "$h"
	# without --valid: nan in the header; --patience 0 (the default) never stops
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 4 --lr 1e-6 --valid "$REVV" --patience 0 \
		--log "$T/log0" --output "$T/m0" "$REV"
	run -0 awk 'END { print NR - 1 }' "$T/log0"
	assert_output 4
}

@test "train: --progress: progress on stderr; nothing without it; stdin and '-'; two files" {
	run -0 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 2 --output "$T/a" "$REV"
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 2 --progress \
		--output "$T/b" "$REV"
	assert_output ''
	[[ "$stderr" == *epoch* ]] || fail "$stderr"
	cmp "$T/a" "$T/b"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 2 --output "$T/c" < "$REV"
	cmp "$T/a" "$T/c"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 2 --output "$T/d" - < "$REV"
	cmp "$T/a" "$T/d"
	head -n 100 "$REV" > "$T/1"
	tail -n +101 "$REV" > "$T/2"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 2 --output "$T/e" "$T/1" "$T/2"
	cmp "$T/a" "$T/e"
	[ ! -e "$T/a.tmp" ]
	# an unwritable model or log: exit 1, naming it
	run -1 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 \
		--output "$T/no/such/m" "$REV"
	[[ "$stderr" == "nlp-seq2seq: "*"$T/no/such/m"* ]] || fail "$stderr"
	run -1 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 \
		--log "$T/no/log" --output "$T/m" "$REV"
	[[ "$stderr" == "nlp-seq2seq: "*"$T/no/log"* ]] || fail "$stderr"
}

# ---- units ----

@test "units chars: code points; a blank or a control stored as <U+0020>, printed as itself" {
	# 'x y' to 'y x', learnt; a control character in a source
	for _ in $(seq 16); do printf 'x y\ty x\nx\001\tx\n'; done > "$T/in"
	nlp-seq2seq train "${TINY[@]}" --epochs 30 --lr 0.05 --output "$T/m" "$T/in"
	run -0 table "$T/m" src
	assert_equal "$(xargs <<< "$output")" '<unk> x <U+0001> <U+0020> y'
	run -0 table "$T/m" tgt
	assert_equal "$(xargs <<< "$output")" '<unk> <s> </s> x <U+0020> y'
	run -0 nlp-seq2seq --model "$T/m" <<< 'x y'
	assert_output 'y x'
	# the weights' header shows them as in the table
	run -0 nlp-seq2seq --model "$T/m" --weights <<< $'x y\nx\001'
	assert_line -n 0 'y x'
	assert_line -n 1 "#${TAB}${TAB}x${TAB}<U+0020>${TAB}y"
	assert_line --partial "#${TAB}<U+0020>${TAB}"
	assert_line "#${TAB}${TAB}x${TAB}<U+0001>"
	# the reversals' units: é and 가 are one unit each
	run -0 nlp-seq2seq --model "$R" <<< $'가é\nab가'
	assert_output $'é가\n가ba'
}

@test "units tokens: blank-separated words; runs of blanks split; output joined by one blank; learnt to 1.0000" {
	run -0 fields "$N"
	assert_line 'units 1'
	# the ten words and <unk>; the ten digits and the three
	assert_line 'src 11'
	assert_line 'tgt 13'
	run -0 table "$N" src
	assert_line -n 0 '<unk>'
	assert_line 'seven'
	refute_line ''
	run -0 nlp-seq2seq eval --model "$N" "$NUM"
	assert_line -n 0 'exact match: 1.0000 (160 of 160)'
	run -0 nlp-seq2seq --model "$N" <<< $'  four   zero\t \nnine\none two three'
	assert_output $'4 0\n9\n1 2 3'
	# a word it does not know is <unk> in the weights' header? no: the input's own words
	run -0 nlp-seq2seq --model "$N" --weights <<< 'four  zebra'
	assert_line -n 1 "#${TAB}${TAB}four${TAB}zebra"
	nlp-seq2seq --model "$N" --weights "$NUM" > "$T/w"
	run -0 check_weights "$T/w" tokens
	assert_output 160
}

# ---- translation ----

@test "translate: the targets of the fixture; the TSV fed back or the sources alone; translate is the default" {
	cut -f 2 "$REV" > "$T/want"
	nlp-seq2seq --model "$R" "$REV" > "$T/out"
	assert_same "$T/out" "$T/want"
	nlp-seq2seq translate --model "$R" "$REV" > "$T/out2"
	assert_same "$T/out2" "$T/want"
	cut -f 1 "$REV" | nlp-seq2seq --model "$R" > "$T/out3"
	assert_same "$T/out3" "$T/want"
	cut -f 1 "$REV" | nlp-seq2seq --model "$R" - > "$T/out4"
	assert_same "$T/out4" "$T/want"
	# an empty source: an empty line; a line without a newline at the end
	run -0 bash -c "printf 'abc\n\n\tignored\nd\316\261' | nlp-seq2seq --model '$R'"
	assert_equal "${lines[0]}" 'cba'
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 4
	assert_equal "$(sed -n 2p <<< "$output")" ''
	assert_equal "$(sed -n 3p <<< "$output")" ''
	# an unknown unit is <unk> to the model: any translation, still a line
	run -0 nlp-seq2seq --model "$R" <<< $'zzz\nazb'
	assert_equal "${#lines[@]}" 2
	# input of empty lines alone: as many empty lines, whatever the options
	for opts in "" "--beam 2" "--weights" "--attention-map $T/e%d.svg"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr bash -c "printf '\n\n' | nlp-seq2seq --model '$R' $opts > '$T/e'"
		assert_equal "$stderr" ''
		cmp "$T/e" <(printf '\n\n')
	done
}

@test "translate --beam 1: exactly greedy's output, for a learnt model and for one that errs" {
	cat "$REV" "$REVV" > "$T/all"
	printf 'zzzz\naaaaaaaaaaaaaaaaaaaa\n가가가가가가가\n\n' >> "$T/all"
	for m in "$R" "$W" "$Z" "$N"; do
		nlp-seq2seq --model "$m" "$T/all" > "$T/greedy"
		nlp-seq2seq --model "$m" --beam 1 "$T/all" > "$T/beam1"
		assert_same "$T/beam1" "$T/greedy"
		nlp-seq2seq --model "$m" --max-length 3 "$T/all" > "$T/greedy"
		nlp-seq2seq --model "$m" --max-length 3 --beam 1 "$T/all" > "$T/beam1"
		assert_same "$T/beam1" "$T/greedy"
	done
	# the weights too
	nlp-seq2seq --model "$W" --weights "$T/all" > "$T/greedy"
	nlp-seq2seq --model "$W" --weights --beam 1 "$T/all" > "$T/beam1"
	assert_same "$T/beam1" "$T/greedy"
}

@test "translate --beam K: a line a line; where it differs from greedy, a score at least greedy's" {
	cat "$REV" "$REVV" | cut -f 1 > "$T/src"
	nlp-seq2seq --model "$W" "$T/src" > "$T/greedy"
	paste "$T/src" "$T/greedy" | nlp-seq2seq score --model "$W" > "$T/gs"
	local differ=0
	for k in 2 4 8; do
		nlp-seq2seq --model "$W" --beam "$k" "$T/src" > "$T/beam"
		assert_equal "$(wc -l < "$T/beam")" "$(wc -l < "$T/src")"
		paste "$T/src" "$T/beam" | nlp-seq2seq score --model "$W" > "$T/bs"
		run -0 paste "$T/greedy" "$T/beam" "$T/gs" "$T/bs"
		# (a tab-separated line: greedy, beam, their scores)
		n=$(awk -F '\t' '$1 != $2 { n++ } END { print n + 0 }' <<< "$output")
		differ=$((differ + n))
		run -0 awk -F '\t' '$1 != $2 && $4 < $3 - 1e-5' <<< "$output"
		assert_output ''
	done
	# the model that errs: beam search finds something else somewhere
	[ "$differ" -gt 0 ] || fail "beam search never differs from greedy"
	# the learnt model: the targets still
	cut -f 2 "$REV" > "$T/want"
	nlp-seq2seq --model "$R" --beam 5 "$REV" > "$T/out"
	assert_same "$T/out" "$T/want"
}

@test "translate --max-length: at most N units, greedy's first N; the default 2 S + 10" {
	# the model that says 'a' again and again: 2 S + 10 of them
	run -0 nlp-seq2seq --model "$A" <<< $'a\naa\naaa'
	assert_line -n 0 aaaaaaaaaaaa
	assert_line -n 1 aaaaaaaaaaaaaa
	assert_line -n 2 aaaaaaaaaaaaaaaa
	run -0 nlp-seq2seq --model "$A" --max-length 5 <<< $'a\naaa'
	assert_output $'aaaaa\naaaaa'
	# beam search cut at the limit: a finished output wins over the live ones, however better
	# they score so far (nlp-seq2seq(1)): here the empty one, '</s>' among the first step's K
	# best (of 3 candidates: a, </s>, <unk>); of width 1, greedy's
	run -0 nlp-seq2seq --model "$A" --max-length 20 --beam 1 <<< a
	assert_output aaaaaaaaaaaaaaaaaaaa
	for k in 3 4; do
		run -0 nlp-seq2seq --model "$A" --max-length 20 --beam "$k" <<< a
		assert_output ''
	done
	run -0 nlp-seq2seq --model "$A" --max-length 3 --beam 3 --weights <<< a
	assert_output "$(printf '\n#\t\ta\n#\t</s>\t1.000000')"
	# the weights of an output cut at the limit: a row a unit, no </s>
	run -0 nlp-seq2seq --model "$A" --max-length 3 --weights <<< a
	assert_equal "${#lines[@]}" 5
	assert_line -n 4 "#${TAB}a${TAB}1.000000"
	# greedy cut short is greedy's first N units
	cat "$REV" "$REVV" | cut -f 1 > "$T/src"
	nlp-seq2seq --model "$W" "$T/src" > "$T/full"
	for n in 1 2 4; do
		nlp-seq2seq --model "$W" --max-length "$n" "$T/src" > "$T/cut"
		run -0 $PY - "$T/full" "$T/cut" "$n" <<'EOF'
import re, sys
full, cut = (open(f, encoding='utf-8').read().split('\n')[:-1] for f in sys.argv[1:3])
n = int(sys.argv[3])
assert len(full) == len(cut)
for f, c in zip(full, cut):
    assert c == ''.join(re.findall('<unk>|.', f)[:n]), (f, c, n)
EOF
		nlp-seq2seq --model "$W" --max-length "$n" --beam 3 "$T/src" > "$T/cut"
		run -0 longer "$T/cut" "$n"
		assert_output ''
	done
	run -0 nlp-seq2seq --model "$N" --max-length 2 <<< 'one two three four'
	assert_output '1 2'
	# the default for every line: never more than 2 S + 10
	nlp-seq2seq --model "$Z" <<< 'ab' > "$T/z2"
	nlp-seq2seq --model "$Z" <<< 'abcdé' > "$T/z5"
	run -0 longer "$T/z2" 14
	assert_output ''
	run -0 longer "$T/z5" 20
	assert_output ''
}

@test "translate --weights: the source units, a row per output unit and </s>, each summing to 1" {
	nlp-seq2seq --model "$R" --weights "$REV" > "$T/w"
	run -0 check_weights "$T/w" chars
	assert_output 240
	# the header line is the source's units in order; the rows' units the target's
	run -0 nlp-seq2seq --model "$R" --weights <<< $'ab가'
	assert_line -n 0 '가ba'
	assert_line -n 1 "#${TAB}${TAB}a${TAB}b${TAB}가"
	assert_line -n 2 --regexp "^#${TAB}가${TAB}[01]\.[0-9]{6}${TAB}[01]\.[0-9]{6}${TAB}[01]\.[0-9]{6}$"
	assert_line -n 3 --regexp "^#${TAB}b${TAB}"
	assert_line -n 4 --regexp "^#${TAB}a${TAB}"
	assert_line -n 5 --regexp "^#${TAB}</s>${TAB}"
	assert_equal "${#lines[@]}" 6
	# an empty source: its empty line alone (no unit to weigh)
	run -0 nlp-seq2seq --model "$R" --weights <<< $'ab\n\ncd'
	assert_equal "$(sed -n 6,7p <<< "$output")" $'\ndc'
	# beam search's weights are its output's
	nlp-seq2seq --model "$W" --weights --beam 4 "$REVV" > "$T/wb"
	run -0 check_weights "$T/wb" chars
	assert_output 40
	nlp-seq2seq --model "$W" --beam 4 "$REVV" > "$T/b"
	run -0 diff <(grep -v "^#${TAB}" "$T/wb") "$T/b"
}

@test "translate --weights with --reverse-source: the units in the input's order; the learnt alignment" {
	# reversals learnt with the source reversed (a copy for the model); the weights printed in
	# the input's order: output unit t attends most to input unit S + 1 - t, in most rows (over
	# 9 in 10 for the seeds tried; weights in the model's order would put it at t)
	nlp-seq2seq train "${TINY[@]}" "${LEARN[@]}" --reverse-source --output "$T/m" "$REV"
	run -0 fields "$T/m"
	assert_line 'reverse_source 1'
	run -0 nlp-seq2seq eval --model "$T/m" "$REV"
	assert_line -n 0 'exact match: 1.0000 (240 of 240)'
	# (a source of rev.tsv)
	run -0 nlp-seq2seq --model "$T/m" --weights <<< 'é가abd'
	assert_line -n 0 'dba가é'
	assert_line -n 1 "#${TAB}${TAB}é${TAB}가${TAB}a${TAB}b${TAB}d"
	for m in "$T/m" "$R"; do
		nlp-seq2seq --model "$m" --weights "$REV" > "$T/w"
		run -0 awk -F '\t' '
			!/^#/ { next }
			$2 == "" { S = NF - 2; t = 0; next }
			$2 == "</s>" { next }
			{ t++; best = 3; for (i = 4; i <= NF; i++) if ($i > $best) best = i
			  n++; if (best - 2 == S + 1 - t) ok++ }
			END { print (ok >= 0.75 * n) ? "aligned" : ok " of " n }' "$T/w"
		assert_output aligned
	done
}

@test "translate --attention-map: an SVG of S x T cells, the weights of --weights; %d: a file a line" {
	nlp-seq2seq --model "$R" --attention-map "$T/map.svg" <<< $'abé가\nba' > "$T/out"
	assert_equal "$(cat "$T/out")" $'가éba\nab'
	nlp-seq2seq --model "$R" --weights <<< 'abé가' > "$T/w"
	run -0 $PY - "$T/map.svg" "$T/w" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + 'svg', root.tag
g = {e.get('id'): e for e in root.iter(ns + 'g')}
src = [t.text for t in g['input'].iter(ns + 'text')]
tgt = [t.text for t in g['output'].iter(ns + 'text')]
cells = list(g['cells'].iter(ns + 'rect'))
assert src == ['a', 'b', '\u00e9', '\uac00'], src
assert tgt == ['\uac00', '\u00e9', 'b', 'a', '</s>'], tgt
assert len(cells) == len(src) * len(tgt) == 20, len(cells)
rows = [l.split('\t')[2:] for l in open(sys.argv[2], encoding='utf-8').read().split('\n')[2:-1]]
for k, c in enumerate(cells):
    w = float(rows[k // 4][k % 4])
    title = c.find(ns + 'title').text
    assert abs(float(title.rsplit(': ', 1)[1]) - w) <= 1e-6, (title, w)
    g = 255 - int(255 * w + 0.5)
    assert c.get('fill') == '#%02x%02x%02x' % (g, g, g), (c.get('fill'), w)
print('ok')
EOF
	assert_output ok
	# %d: one file a line, numbered from 1, each its line's S x T; an empty line's (no unit)
	# none or an empty picture
	nlp-seq2seq --model "$R" --attention-map "$T/m%d.svg" <<< $'ab\nc<&d\n가' > /dev/null
	run -0 $PY - "$T" <<'EOF'
import sys
import xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
for k, (S, T) in enumerate([(2, 3), (4, 5), (1, 2)], 1):
    root = ET.parse('%s/m%d.svg' % (sys.argv[1], k)).getroot()
    g = {e.get('id'): e for e in root.iter(ns + 'g')}
    src = [t.text for t in g['input'].iter(ns + 'text')]
    assert len(src) == S and len(list(g['cells'].iter(ns + 'rect'))) == S * T, (k, src)
    if k == 2:
        assert src == ['c', '<', '&', 'd'], src
print('ok')
EOF
	assert_output ok
	[ ! -e "$T/m4.svg" ] && [ ! -e "$T/m0.svg" ]
	# an empty line: no picture (nothing to weigh); the numbers are the lines'
	rm "$T"/m*.svg
	nlp-seq2seq --model "$R" --attention-map "$T/m%d.svg" <<< $'ab\n\ncd' > /dev/null
	[ -e "$T/m1.svg" ] && [ ! -e "$T/m2.svg" ] && [ -e "$T/m3.svg" ]
	# without %d, the first line's, though the input is read in several chunks
	{ echo ab; yes cdé | head -n 5000; } > "$T/many"
	nlp-seq2seq --model "$R" --attention-map "$T/first.svg" "$T/many" > /dev/null
	run -0 grep -c '</title></rect>' "$T/first.svg"
	assert_output 6
	# the map of a beam search's output
	nlp-seq2seq --model "$W" --beam 3 --attention-map "$T/b.svg" <<< 'abcd' > /dev/null
	$PY -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$T/b.svg"
	# an unwritable map: exit 1
	run -1 nlp-seq2seq --model "$R" --attention-map "$T/no/such/m.svg" <<< ab
	assert_output --partial "$T/no/such/m.svg"
}

# ---- eval and score ----

@test "eval: the figures of translate's output, text and --json, greedy and beam" {
	cat "$REV" "$REVV" > "$T/all"
	cut -f 2 "$T/all" > "$T/refs"
	for beam in "" "--beam 3"; do
		# shellcheck disable=SC2086
		nlp-seq2seq --model "$W" $beam "$T/all" > "$T/outs"
		run -0 figures "$T/refs" "$T/outs" chars
		want=$output
		# shellcheck disable=SC2086
		run -0 nlp-seq2seq eval --model "$W" $beam --json "$T/all"
		assert_equal "$output" "$(tail -n 1 <<< "$want")"
		# shellcheck disable=SC2086
		run -0 nlp-seq2seq eval --model "$W" $beam "$T/all"
		assert_equal "$output" "$(head -n 2 <<< "$want")"
	done
	# the model errs: neither figure is 1
	[[ "$want" != *'"exact":280'* ]] || fail "the weak model makes no mistake: $want"
	# tokens, against references changed: a token more in every third, another first digit in
	# every fifth
	awk -F '\t' -v OFS='\t' 'NR % 3 == 0 { $2 = $2 " 9" } NR % 5 == 0 { $2 = ($2 ~ /^1/ ? "2" : "1") substr($2, 2) } { print }' \
		"$NUM" > "$T/numx.tsv"
	cut -f 2 "$T/numx.tsv" > "$T/nrefs"
	nlp-seq2seq --model "$N" "$T/numx.tsv" > "$T/nouts"
	run -0 figures "$T/nrefs" "$T/nouts" tokens
	want=$output
	[[ "$want" == *'"exact":85,'* ]] || fail "$want"
	run -0 nlp-seq2seq eval --model "$N" --json "$T/numx.tsv"
	assert_equal "$output" "$(tail -n 1 <<< "$want")"
	run -0 nlp-seq2seq eval --model "$R" --json "$REV"
	assert_output '{"lines":240,"exact":240,"exact_match":1.000000,"unit_accuracy":1.000000}'
}

@test "eval --max-length: outputs cut at the limit, figured as translate prints them" {
	cat "$REV" "$REVV" > "$T/all"
	cut -f 2 "$T/all" > "$T/refs"
	# shorter outputs count their missing units; an output of one unit cut at the limit of 1
	# that is its target's one unit is what translate prints: an exact match
	for n in 1 3; do
		nlp-seq2seq --model "$R" --max-length "$n" "$T/all" > "$T/outs"
		run -0 figures "$T/refs" "$T/outs" chars
		want=$output
		run -0 nlp-seq2seq eval --model "$R" --max-length "$n" --json "$T/all"
		assert_equal "$output" "$(tail -n 1 <<< "$want")"
	done
	# tokens
	cut -f 2 "$NUM" > "$T/nrefs"
	nlp-seq2seq --model "$N" --max-length 2 "$NUM" > "$T/nouts"
	run -0 figures "$T/nrefs" "$T/nouts" tokens
	want=$output
	run -0 nlp-seq2seq eval --model "$N" --max-length 2 --json "$NUM"
	assert_equal "$output" "$(tail -n 1 <<< "$want")"
}

@test "score: ln p of each target and </s>: %.6f, negative; the gold beats a wrong target; a uniform model's exact" {
	nlp-seq2seq score --model "$R" "$REV" > "$T/gold"
	assert_equal "$(wc -l < "$T/gold")" 240
	run -0 awk '!/^-?[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ || $1 > 0' "$T/gold"
	assert_output ''
	# the sources as their own targets (not the reversals, but for palindromes): lower
	awk -F '\t' '{ print $1 "\t" $1 }' "$REV" > "$T/wrong.tsv"
	nlp-seq2seq score --model "$R" "$T/wrong.tsv" > "$T/wrong"
	run -0 paste "$REV" "$T/gold" "$T/wrong"
	run -0 awk -F '\t' '$1 != $2 && $3 <= $4 { print "not lower:", $0 } $3 < -0.7 { print "unsure:", $0 }' <<< "$output"
	assert_output ''
	# a model of (almost) no weights: each unit ln(1/Vt), Vt = 9 target units (an unknown one,
	# z, is <unk>'s)
	nlp-seq2seq train "${TINY[@]}" --epochs 1 --init 1e-6 --lr 1e-7 --output "$T/u" "$REV"
	printf 'ab\tba\nabc\t\nb\taaaaz\n' | nlp-seq2seq score --model "$T/u" > "$T/us"
	run -0 $PY - "$T/us" <<'EOF'
import math, sys
got = [float(x) for x in open(sys.argv[1]).read().split()]
# 2 units and </s>, </s> alone, 5 units and </s>
want = [-3 * math.log(9), -math.log(9), -6 * math.log(9)]
assert len(got) == 3 and all(abs(g - w) < 1e-4 for g, w in zip(got, want)), (got, want)
print('ok')
EOF
	assert_output ok
	# tokens; an unknown target unit: a number still
	run -0 nlp-seq2seq score --model "$N" <<< $'one two\t1 2\none two\t2 1\none\tx'
	assert_equal "${#lines[@]}" 3
	awk -v a="${lines[0]}" -v b="${lines[1]}" 'BEGIN { exit !(a > b) }' || fail "$output"
	[[ "${lines[2]}" =~ ^-[0-9]+\.[0-9]{6}$ ]] || fail "${lines[2]}"
	# training's loss is the mean of -score a unit: a random model (--init 0.5) that does not
	# move in its one epoch (--lr 1e-7) has the log's loss for the scores of the training pairs
	nlp-seq2seq train "${TINY[@]}" --epochs 1 --init 0.5 --lr 1e-7 --log "$T/r.log" \
		--output "$T/r" "$REV"
	nlp-seq2seq score --model "$T/r" "$REV" > "$T/rs"
	run -0 $PY - "$REV" "$T/rs" "$T/r.log" <<'EOF'
import sys
pairs = open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1]
scores = [float(x) for x in open(sys.argv[2]).read().split()]
loss = float(open(sys.argv[3]).read().split('\n')[1].split('\t')[2])
units = sum(len(p.split('\t')[1]) + 1 for p in pairs)
mean = -sum(scores) / units
assert len(scores) == len(pairs) and abs(mean - loss) < 1e-4 and loss > 1, (mean, loss)
print('ok')
EOF
	assert_output ok
	# an empty source has no score: a data error, its line named
	run -1 --separate-stderr nlp-seq2seq score --model "$R" <<< $'ab\tba\n\tx'
	[[ "$stderr" == 'nlp-seq2seq: <stdin>: line 2: '*'empty source'* ]] || fail "$stderr"
}

@test "empty input: translate and score write nothing; eval's figures are nan without a pair (exit 0)" {
	run -0 --separate-stderr nlp-seq2seq score --model "$R" < /dev/null
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr nlp-seq2seq --model "$R" < /dev/null
	assert_output ''
	assert_equal "$stderr" ''
	# (nlp-seq2seq(1): input without a pair gives nan figures, as nlp-tag eval; empty sources
	# left out with a warning)
	run -0 --separate-stderr nlp-seq2seq eval --model "$R" < /dev/null
	assert_equal "$stderr" ''
	assert_output $'exact match: nan (0 of 0)\nunit accuracy: nan (0 of 0)'
	run -0 --separate-stderr nlp-seq2seq eval --model "$R" --json < /dev/null
	assert_output '{"lines":0,"exact":0,"exact_match":null,"unit_accuracy":null}'
	run -0 --separate-stderr nlp-seq2seq eval --model "$R" <<< $'\tx'
	assert_equal "$stderr" 'nlp-seq2seq: 1 pair with an empty source left out'
	assert_output $'exact match: nan (0 of 0)\nunit accuracy: nan (0 of 0)'
}

# ---- bad input ----

@test "bad input: a line without a tab (train, eval, score, --valid): exit 1 with the file and line; no model" {
	{ head -n 3 "$REV"; echo 'abc'; tail -n 2 "$REV"; } > "$T/notab.tsv"
	for cmd in "train ${TINY[*]} --epochs 1 --output $T/m" "eval --model $R" "score --model $R"; do
		# shellcheck disable=SC2086
		run -1 --separate-stderr nlp-seq2seq $cmd "$T/notab.tsv"
		[[ "$stderr" == "nlp-seq2seq: $T/notab.tsv: line 4: "* ]] || fail "$cmd: $stderr"
		assert_equal "$(wc -l <<< "$stderr")" 1
	done
	run -1 --separate-stderr nlp-seq2seq eval --model "$R" - < "$T/notab.tsv"
	[[ "$stderr" == "nlp-seq2seq: "*"stdin"*": line 4: "* ]] || fail "$stderr"
	[ ! -e "$T/m" ] && [ ! -e "$T/m.tmp" ]
	# translate takes such a line whole
	run -0 nlp-seq2seq --model "$R" "$T/notab.tsv"
	assert_line -n 3 cba
	# a missing file
	run -1 --separate-stderr nlp-seq2seq train "${TINY[@]}" --output "$T/m" "$T/none"
	assert_equal "$stderr" "nlp-seq2seq: open $T/none: No such file or directory"
	run -1 --separate-stderr nlp-seq2seq --model "$R" "$T/none"
	assert_equal "$stderr" "nlp-seq2seq: open $T/none: No such file or directory"
	# in --valid (checked after the training file's tables are made)
	run -1 --separate-stderr nlp-seq2seq train "${TINY[@]}" --epochs 1 --valid "$T/notab.tsv" \
		--output "$T/m" "$REV"
	[[ "$stderr" == "nlp-seq2seq: $T/notab.tsv: line 4: "* ]] || fail "$stderr"
	[ ! -e "$T/m" ] && [ ! -e "$T/m.tmp" ]
}

@test "bad input: empty sources skipped and said once, empty targets learnt; more than 1000 units: exit 1" {
	{ printf '\tx\n\ty\n'; for _ in $(seq 20); do printf 'ab\t\nb\tb\n'; done; } > "$T/in"
	run -0 --separate-stderr nlp-seq2seq train "${TINY[@]}" --epochs 30 --lr 0.05 --output "$T/m" "$T/in"
	assert_equal "$(wc -l <<< "$stderr")" 1
	assert_equal "$stderr" 'nlp-seq2seq: 2 pairs with an empty source skipped'
	# the empty target learnt: '</s>' at once
	run -0 nlp-seq2seq --model "$T/m" <<< $'ab\nb'
	assert_output $'\nb'
	# eval leaves them out too, and says so
	run -0 --separate-stderr nlp-seq2seq eval --model "$T/m" "$T/in"
	assert_line -n 0 'exact match: 1.0000 (40 of 40)'
	assert_equal "$stderr" 'nlp-seq2seq: 2 pairs with an empty source left out'
	# only empty sources: nothing to learn
	printf '\tx\n' > "$T/empty"
	run -1 --separate-stderr nlp-seq2seq train "${TINY[@]}" --output "$T/e" "$T/empty"
	assert_equal "$stderr" "$(printf 'nlp-seq2seq: 1 pair with an empty source skipped\nnlp-seq2seq: %s: no pairs to learn from' "$T/empty")"
	[ ! -e "$T/e" ]
	run -1 --separate-stderr nlp-seq2seq train "${TINY[@]}" --output "$T/e" < /dev/null
	assert_equal "$stderr" 'nlp-seq2seq: <stdin>: no pairs to learn from'
	[ ! -e "$T/e" ]
	# 1000 units fine, 1001 not: source or target, in train, eval and score
	a1000=$(printf 'a%.0s' $(seq 1000))
	printf 'ab\tba\n%s\tb\n' "$a1000" > "$T/ok"
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 --output "$T/ok.s2s" "$T/ok"
	printf 'ab\tba\n%sa\tb\n' "$a1000" > "$T/longsrc"
	printf 'ab\tba\nb\t%sa\n' "$a1000" > "$T/longtgt"
	for f in longsrc longtgt; do
		for cmd in "train --hidden 4 --emb 3 -T 1 --epochs 1 --output $T/x" "eval --model $R" \
			"score --model $R"; do
			# shellcheck disable=SC2086
			run -1 --separate-stderr nlp-seq2seq $cmd "$T/$f"
			[[ "$stderr" == "nlp-seq2seq: $T/$f: line 2: "*1001*1000* ]] || fail "$f, $cmd: $stderr"
		done
	done
	[ ! -e "$T/x" ]
	run -1 --separate-stderr nlp-seq2seq --model "$R" "$T/longsrc"
	[[ "$stderr" == "nlp-seq2seq: $T/longsrc: line 2: "*1001* ]] || fail "$stderr"
}

@test "bad input: invalid UTF-8 under --invalid replace (warns, U+FFFD), skip, fail (line and byte, exit 1)" {
	{ head -n 20 "$REV"; printf 'a\377b\tba\n'; } > "$T/u.tsv"
	run -0 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 --output "$T/r" "$T/u.tsv"
	assert_equal "$stderr" "nlp-seq2seq: $T/u.tsv: line 21: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	table "$T/r" src | grep -qx $'\xef\xbf\xbd'
	nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 --invalid skip --output "$T/s" "$T/u.tsv"
	! table "$T/s" src | grep -qx $'\xef\xbf\xbd'
	run -1 --separate-stderr nlp-seq2seq train --hidden 4 --emb 3 -T 1 --epochs 1 --invalid fail \
		--output "$T/f" "$T/u.tsv"
	assert_equal "$stderr" "nlp-seq2seq: $T/u.tsv: line 21, byte 2: invalid UTF-8"
	[ ! -e "$T/f" ]
	for cmd in eval score; do
		run -1 --separate-stderr nlp-seq2seq "$cmd" --model "$R" --invalid fail "$T/u.tsv"
		assert_equal "$stderr" "nlp-seq2seq: $T/u.tsv: line 21, byte 2: invalid UTF-8"
		run -0 --separate-stderr nlp-seq2seq "$cmd" --model "$R" "$T/u.tsv"
		assert_equal "$stderr" "nlp-seq2seq: $T/u.tsv: line 21: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	done
	# translate: replace (a unit the model does not know, shown as U+FFFD), skip (ab), fail
	run -0 --separate-stderr nlp-seq2seq --model "$R" --weights <<< $'a\377b'
	assert_equal "$stderr" 'nlp-seq2seq: <stdin>: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)'
	assert_line -n 1 "#${TAB}${TAB}a${TAB}"$'\xef\xbf\xbd'"${TAB}b"
	run -0 --separate-stderr nlp-seq2seq --model "$R" --invalid skip <<< $'a\377b'
	assert_output 'ba'
	assert_equal "$stderr" 'nlp-seq2seq: <stdin>: line 1: invalid UTF-8 skipped (later cases are counted)'
	run -1 --separate-stderr nlp-seq2seq --model "$R" --invalid fail <<< $'ab\na\377b'
	assert_equal "$stderr" 'nlp-seq2seq: <stdin>: line 2, byte 2: invalid UTF-8'
}

@test "bad models: an nlp-tag model, truncated, a byte changed, text, a directory, none: exit 1" {
	command -v nlp-tag >/dev/null || skip "nlp-tag is not built"
	nlp-tag train --hidden 4 --emb 4 --char-emb 0 --epochs 1 -T 1 --output "$T/tag" "$DATA/tag/en.tsv"
	for cmd in translate eval score; do
		run -1 --separate-stderr nlp-seq2seq "$cmd" --model "$T/tag" "$REV"
		assert_equal "$stderr" "nlp-seq2seq: $T/tag: an nlp-tag model, not a seq2seq model"
	done
	size=$(stat -c %s "$R")
	head -c 1000 "$R" > "$T/trunc"
	run -1 --separate-stderr nlp-seq2seq --model "$T/trunc" "$REV"
	assert_equal "$stderr" "nlp-seq2seq: $T/trunc: truncated: the header gives $size bytes, the file has 1000"
	head -c 100 "$R" > "$T/short"
	run -1 --separate-stderr nlp-seq2seq --model "$T/short" "$REV"
	assert_equal "$stderr" "nlp-seq2seq: $T/short: truncated: 100 bytes, the header alone takes 256"
	# a byte of a parameter changed: the checksum
	cp "$R" "$T/bad"
	b=$(od -An -tu1 -j $((size - 7)) -N 1 "$R")
	printf "$(printf '\\%03o' $((b ^ 4)))" | dd of="$T/bad" bs=1 seek=$((size - 7)) conv=notrunc status=none
	! cmp -s "$T/bad" "$R"
	for cmd in translate eval score; do
		run -1 --separate-stderr nlp-seq2seq "$cmd" --model "$T/bad" "$REV"
		assert_equal "$stderr" "nlp-seq2seq: $T/bad: the checksum does not match: the file is damaged"
	done
	# a header field out of range (the checksum covers only what follows the header): 9 layers
	cp "$R" "$T/layers"
	printf '\011' | dd of="$T/layers" bs=1 seek=72 conv=notrunc status=none
	run -1 --separate-stderr nlp-seq2seq --model "$T/layers" "$REV"
	[[ "$stderr" == "nlp-seq2seq: $T/layers: "*layers* ]] || fail "$stderr"
	run -1 --separate-stderr nlp-seq2seq --model "$REV" "$REV"
	assert_equal "$stderr" "nlp-seq2seq: $REV: not an nlp-seq2seq model (no NLPS2SEQ at its start)"
	run -1 --separate-stderr nlp-seq2seq --model "$T/none" "$REV"
	assert_equal "$stderr" "nlp-seq2seq: open $T/none: No such file or directory"
	run -1 --separate-stderr nlp-seq2seq eval --model "$T" "$REV"
	[[ "$stderr" == "nlp-seq2seq: "*"$T: "* ]] || fail "$stderr"
	assert_output ''
}

@test "output: a reader that goes away ends the program quietly; a full disk is an error" {
	run -0 --separate-stderr bash -c "yes 'abcd' | head -n 3000 | nlp-seq2seq --model '$R' | head -n 1"
	assert_output 'dcba'
	assert_equal "$stderr" ''
	[ -w /dev/full ] || skip "needs /dev/full"
	run -1 --separate-stderr bash -c "nlp-seq2seq --model '$R' '$REV' > /dev/full"
	assert_equal "$stderr" 'nlp-seq2seq: write <stdout>: No space left on device'
}

# ---- usage errors ----

@test "usage: --weights and --attention-map without attention, missing files, unknown options: exit 2" {
	export ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}"
	run -2 --separate-stderr nlp-seq2seq --model "$Z" --weights "$REV"
	[[ "$stderr" == "nlp-seq2seq: "*--weights* ]] || fail "$stderr"
	assert_output ''
	run -2 --separate-stderr nlp-seq2seq --model "$Z" --attention-map "$T/m.svg" "$REV"
	[[ "$stderr" == "nlp-seq2seq: "*--attention-map* ]] || fail "$stderr"
	[ ! -e "$T/m.svg" ]
	while IFS='|' read -r args; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr nlp-seq2seq $args
		[[ "$stderr" == *"usage: nlp-seq2seq"* ]] || fail "$args: no usage: $stderr"
		assert_output ''
	done <<EOF
train $REV
translate $REV
eval $REV
score $REV
$REV
frob --model $R
train -o $T/m $REV
train --model $R --output $T/m $REV
translate --model $R --output $T/m $REV
translate --model $R --hidden 4 $REV
eval --model $R --weights $REV
score --model $R --beam 2 $REV
translate --model $R --json $REV
--model $R -v $REV
--model $R --vocab x $REV
EOF
	[ ! -e "$T/m" ]
}

@test "usage: values out of range or not among the choices: exit 2 with the option named" {
	export ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}"
	while read -r opt val; do
		run -2 --separate-stderr nlp-seq2seq train --output "$T/m" "$opt" "$val" "$REV"
		[[ "$(head -n 1 <<< "$stderr")" == "nlp-seq2seq: $opt: "* ]] || fail "$opt $val: $stderr"
	done <<'EOF'
--units words
--cell cnn
--attention luong
--layers 0
--layers 9
--hidden 0
--emb 0
--dropout 1
--dropout -0.1
--lr 0
--batch 0
--epochs 0
--patience -1
--threads 0
--threads 257
--seed -1
--clip x
--invalid ignore
EOF
	for args in "--beam 0" "--beam 101" "--beam x" "--max-length -1" "--threads 0" "--invalid x"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr nlp-seq2seq --model "$R" $args "$REV"
		[[ "$(head -n 1 <<< "$stderr")" == "nlp-seq2seq: ${args% *}: "* ]] || fail "$args: $stderr"
		assert_output ''
	done
	run -2 nlp-seq2seq --model "$R" -T 0 "$REV"
	[ ! -e "$T/m" ]
}

@test "--help and --version: exit 0 on stdout" {
	run -0 --separate-stderr nlp-seq2seq --help
	assert_line -n 0 --regexp '^usage: nlp-seq2seq train '
	assert_line --regexp 'nlp-seq2seq \[translate\] '
	assert_line --regexp 'nlp-seq2seq eval '
	assert_line --regexp 'nlp-seq2seq score '
	assert_equal "$stderr" ''
	for c in train translate eval score; do
		run -0 --separate-stderr nlp-seq2seq "$c" --help
		assert_output --partial "nlp-seq2seq"
		assert_equal "$stderr" ''
	done
	run -0 nlp-seq2seq --version
	assert_output --regexp '^nlp-seq2seq [0-9]'
}
