#!/usr/bin/env bats
# cls-metrics: the evaluation of nlp-classify eval (lib/cls/metrics.h) through test-cls metrics:
# against scikit-learn's accuracy_score, precision_recall_fscore_support, f1_score(average=
# 'macro') and confusion_matrix on a random fixture of 3 classes (and a fourth the model has but
# nobody uses) with true labels the model does not know; the text report and the JSON object in
# full on a small case; the edge cases (nothing counted, a class never predicted).

load helper

setup() {
	command -v test-cls >/dev/null || skip "test-cls is not built (make asan)"
}

# fixture N SEED: N lines `true<TAB>predicted`, true labels from a b c and the unknown z and
# 중립, predictions from a b c (right about 70% of the time), d never used.
fixture() {
	$PY - "$1" "$2" <<'EOF'
import random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
for _ in range(n):
    t = rng.choices(['a', 'b', 'c', 'z', '중립'], weights=[40, 30, 20, 6, 4])[0]
    if t in 'abc' and rng.random() < 0.7:
        p = t
    else:
        p = rng.choice('abc')
    print(f'{t}\t{p}')
EOF
}

@test "cls-metrics: accuracy, precision, recall, F1, support, macro F1 and the confusion matrix equal scikit-learn's" {
	need_python_module sklearn
	fixture 2000 7 > "$BATS_TEST_TMPDIR/pairs"
	run test-cls metrics "$BATS_TEST_TMPDIR/pairs" b c a d
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/got.json"
	run $PY - "$BATS_TEST_TMPDIR/pairs" "$BATS_TEST_TMPDIR/got.json" <<'EOF'
import json, sys
import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)
model = ['b', 'c', 'a', 'd']
pairs = [l.rstrip('\n').split('\t') for l in open(sys.argv[1], encoding='utf-8')]
y_true = [t for t, _ in pairs]
y_pred = [p for _, p in pairs]
got = json.load(open(sys.argv[2], encoding='utf-8'))
unknown = sorted(set(y_true) - set(model))
assert unknown == ['z', '중립'], unknown
worst = 0.0
def close(name, a, b):
    global worst
    d = abs(float(a) - float(b))
    worst = max(worst, d)
    if d > 1e-6:
        sys.exit(f'{name}: got {a}, scikit-learn {b}')
close('accuracy', got['accuracy'], accuracy_score(y_true, y_pred))
assert got['total'] == len(pairs), got['total']
assert got['correct'] == sum(t == p for t, p in pairs), got['correct']
p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=model, zero_division=0)
assert [c['label'] for c in got['classes']] == model
for i, c in enumerate(got['classes']):
    close(f"precision {c['label']}", c['precision'], p[i])
    close(f"recall {c['label']}", c['recall'], r[i])
    close(f"f1 {c['label']}", c['f1'], f[i])
    assert c['support'] == s[i], (c['label'], c['support'], s[i])
present = [c for c in model if c in set(y_true) | set(y_pred)]
assert present == ['b', 'c', 'a'], present
close('macro_f1', got['macro_f1'], f1_score(y_true, y_pred, labels=present, average='macro'))
cm = confusion_matrix(y_true, y_pred, labels=model + unknown)
assert got['unknown_labels'] == unknown, got['unknown_labels']
assert np.all(cm[:, len(model):] == 0)
assert np.array_equal(np.array(got['confusion']), cm[:, :len(model)]), (got['confusion'], cm)
# what f1_score's default, the labels present in y_true or y_pred, gives: each unknown label a
# class of F1 0 (cls/metrics.h leaves them out)
default = f1_score(y_true, y_pred, average='macro', zero_division=0)
print(f'largest difference {worst:.3g} over {len(pairs)} examples; macro F1 {got["macro_f1"]}, '
      f'f1_score default (unknown labels as classes) {default:.6g}')
EOF
	echo "# $output" >&3
	assert_success
	assert_output --partial 'largest difference'
}

@test "cls-metrics: without unknown labels, macro F1 is f1_score's default" {
	need_python_module sklearn
	fixture 500 3 | awk -F'\t' '$1 == "a" || $1 == "b" || $1 == "c"' > "$BATS_TEST_TMPDIR/pairs"
	run test-cls metrics "$BATS_TEST_TMPDIR/pairs" a b c
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/got.json"
	run $PY - "$BATS_TEST_TMPDIR/pairs" "$BATS_TEST_TMPDIR/got.json" <<'EOF'
import json, sys
from sklearn.metrics import f1_score
pairs = [l.rstrip('\n').split('\t') for l in open(sys.argv[1], encoding='utf-8')]
got = json.load(open(sys.argv[2], encoding='utf-8'))
want = f1_score([t for t, _ in pairs], [p for _, p in pairs], average='macro')
d = abs(got['macro_f1'] - want)
print(f'largest difference {d:.3g}')
sys.exit(1 if d > 1e-6 else 0)
EOF
	echo "# $output" >&3
	assert_success
	assert_output --partial 'largest difference'
}

@test "cls-metrics: the text report and the JSON object of a small case, byte for byte" {
	printf 'pos\tpos\npos\tneg\nneg\tneg\n중립\tpos\nneg\tneg\n"x\tneg\npositive\tpos\n' \
		> "$BATS_TEST_TMPDIR/pairs"
	run test-cls metrics --text "$BATS_TEST_TMPDIR/pairs" pos neg positive
	assert_success
	# pos: tp 1, 3 predicted, support 2; neg: tp 2, 4 predicted, support 2; positive: support 1,
	# never predicted; macro F1 the mean of the three, 0.4 + 0.6667 + 0 over 3
	assert_bytes "$(printf '%s\n' \
		'accuracy  0.4286  (3/7)' \
		'macro F1  0.3556' \
		'label      precision  recall  F1      support' \
		'pos        0.3333     0.5000  0.4000  2' \
		'neg        0.5000     1.0000  0.6667  2' \
		'positive   0.0000     0.0000  0.0000  1' \
		'confusion (rows: true, columns: predicted)' \
		'           pos        neg        positive' \
		'pos        1          1          0' \
		'neg        0          2          0' \
		'positive   1          0          0' \
		'"x         0          1          0' \
		'중립       1          0          0')" "$output"
	run test-cls metrics "$BATS_TEST_TMPDIR/pairs" pos neg positive
	assert_success
	assert_bytes '{"accuracy":0.428571,"correct":3,"total":7,"macro_f1":0.355556,"classes":[{"label":"pos","precision":0.333333,"recall":0.5,"f1":0.4,"support":2},{"label":"neg","precision":0.5,"recall":1,"f1":0.666667,"support":2},{"label":"positive","precision":0,"recall":0,"f1":0,"support":1}],"confusion":[[1,1,0],[0,2,0],[1,0,0],[0,1,0],[1,0,0]],"unknown_labels":["\"x","중립"]}' "$output"
}

@test "cls-metrics: the report's layout follows the counts' width; nothing counted gives nan and null" {
	: > "$BATS_TEST_TMPDIR/empty"
	run test-cls metrics --text "$BATS_TEST_TMPDIR/empty" 0 1
	assert_success
	assert_bytes "$(printf '%s\n' \
		'accuracy  nan  (0/0)' \
		'macro F1  nan' \
		'label   precision  recall  F1      support' \
		'0       0.0000     0.0000  0.0000  0' \
		'1       0.0000     0.0000  0.0000  0' \
		'confusion (rows: true, columns: predicted)' \
		'        0   1' \
		'0       0   0' \
		'1       0   0')" "$output"
	run test-cls metrics "$BATS_TEST_TMPDIR/empty" 0 1
	assert_success
	assert_output '{"accuracy":null,"correct":0,"total":0,"macro_f1":null,"classes":[{"label":"0","precision":0,"recall":0,"f1":0,"support":0},{"label":"1","precision":0,"recall":0,"f1":0,"support":0}],"confusion":[[0,0],[0,0]],"unknown_labels":[]}'
	# the spec's example: 4161 and 851 of class 0
	{ yes "$(printf '0\t0')" | head -n 4161; yes "$(printf '0\t1')" | head -n 851; } \
		> "$BATS_TEST_TMPDIR/pairs"
	run test-cls metrics --text "$BATS_TEST_TMPDIR/pairs" 0 1
	assert_success
	assert_line --index 6 '        0      1'
	assert_line --index 7 '0       4161   851'
	assert_line --index 8 '1       0      0'
}

@test "cls-metrics: a prediction that is no class is refused" {
	printf 'a\tq\n' > "$BATS_TEST_TMPDIR/pairs"
	run test-cls metrics "$BATS_TEST_TMPDIR/pairs" a b
	assert_failure 1
}
