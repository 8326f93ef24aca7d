#!/usr/bin/env bats
# tag-linear: the averaged perceptron of nlp-tag --linear (lib/tag/linear.c) against a case
# computed by hand. One sentence `a/X b/Y`, two epochs, 25 features a token (the bias and the
# shape `x` shared by a and b):
#   step 1, a: every score 0, the tie goes to the first tag X: right, no update
#   step 2, b: X again, wrong: b's 25 features X -1, Y +1
#   step 3, a: the 2 shared features score X -2, Y +2: Y, wrong: a's 25 features X +1, Y -1
#              (the 2 shared ones back to 0)
#   step 4, b: its 23 other features score X -23, Y +23: Y, right (the features of the
#              previous tag are now Y's: new features, no weight yet)
# Collins' average over the 4 steps: b's 23 features (-0.75, 0.75), a's 23 (0.5, -0.5), the 2
# shared (-0.25, 0.25): 48 rows of feat.w. (NLTK's averaging, which counts the zero start and
# leaves the last step out, would give 23 x (-0.5, 0.5), 23 x (0.25, -0.25), 2 x (-0.25, 0.25).)

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "tag-linear: the averaged weights of a hand-computed case, exactly" {
	printf 'a\tX\nb\tY\n' > one.tsv
	run nlp-tag train --linear --epochs 2 --output one.tag one.tsv
	assert_success
	run /usr/bin/python3 - one.tag <<'PY'
import collections, struct, sys
d = open(sys.argv[1], 'rb').read()
hdr, = struct.unpack_from('<I', d, 16)
tb, P = struct.unpack_from('<QQ', d, 24)
tags, = struct.unpack_from('<I', d, 80)
F, = struct.unpack_from('<I', d, 124)
off = (hdr + tb + 63) // 64 * 64
p = struct.unpack_from('<%df' % P, d, off)
w = p[4 * F:4 * F + F * tags]
rows = collections.Counter(tuple(w[i * tags:(i + 1) * tags]) for i in range(F))
for r, n in sorted(rows.items()):
    print(n, *r)
PY
	assert_success
	assert_output "$(printf '23 -0.75 0.75\n2 -0.25 0.25\n23 0.5 -0.5')"
	# and it tags its sentence
	run nlp-tag --model one.tag <<<'a b'
	assert_output 'a/X b/Y'
}
