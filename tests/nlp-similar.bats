#!/usr/bin/env bats
# nlp-similar: neighbours and analogies of the toy vectors; agreement with gensim (Debian
# python3-gensim) on random vectors in every format (most_similar, most_similar_cosmul) and on the
# benchmarks (evaluate_word_pairs, evaluate_word_analogies) with fixtures of their special cases
# and, when ../shared is there, the real WordSim353 and questions-words.txt; bad vectors, bad
# benchmark files, bad queries and bad options.

load helper

SIM="$DATA/similar"
EVAL="$SHARED_DATA/eval"

# make_vectors OUT SEED ROWS DIM: random vectors as gensim writes them (OUT.txt, OUT.bin), as
# word2vec.c writes binary (OUT.c.bin: a newline after each row) and as fastText writes text
# (OUT.vec: a space at the end of every line); words w0, w1 ..., every 17th in upper case.
make_vectors() {
	$PY - "$@" <<'EOF'
import sys, struct, logging, numpy as np
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
out, seed, V, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)
words = ['W%d' % i if i % 17 == 16 else 'w%d' % i for i in range(V)]
M = rng.standard_normal((V, d)).astype(np.float32)
kv = KeyedVectors(d)
kv.add_vectors(words, M)
kv.save_word2vec_format(out + '.txt', binary=False)
kv.save_word2vec_format(out + '.bin', binary=True)
with open(out + '.c.bin', 'wb') as f:
    f.write(b'%d %d\n' % (V, d))
    for w, v in zip(words, M):
        f.write(w.encode() + b' ' + struct.pack('<%df' % d, *v) + b'\n')
with open(out + '.vec', 'w') as f:
    f.write('%d %d \n' % (V, d))
    for w, v in zip(words, M):
        f.write(w + ' ' + ' '.join(repr(x) for x in v) + ' \n')
EOF
}

# gensim_answers VECTORS txt|bin K RESTRICT METHOD QUERY...: gensim's answers, printed as
# nlp-similar prints them: most_similar for a word; for 'a b c' most_similar(positive=[b, c],
# negative=[a]) (add) or most_similar_cosmul (mul). RESTRICT 0: every row.
gensim_answers() {
	$PY - "$@" <<'EOF'
import sys, logging
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
vf, fmt, k, r, method = sys.argv[1:6]
kv = KeyedVectors.load_word2vec_format(vf, binary=fmt == 'bin')
k, r = int(k), int(r) or None
blocks = []
for q in sys.argv[6:]:
    w = q.split()
    if len(w) == 1:
        res = kv.most_similar(w[0], topn=k, restrict_vocab=r)
    elif method == 'add':
        res = kv.most_similar(positive=[w[1], w[2]], negative=[w[0]], topn=k, restrict_vocab=r)
    else:
        res = kv.most_similar_cosmul(positive=[w[1], w[2]], negative=[w[0]], topn=k)
    blocks.append(''.join('%s\t%.9f\n' % (x, s) for x, s in res))
sys.stdout.write('\n'.join(blocks))
EOF
}

# compare_answers OURS THEIRS: the same words in the same order, similarities within 1e-5.
compare_answers() {
	$PY - "$@" <<'EOF'
import sys
def blocks(path):
    return [[l.split('\t') for l in b.split('\n') if l] for b in open(path).read().split('\n\n')]
ours, theirs = blocks(sys.argv[1]), blocks(sys.argv[2])
n, bad, worst = 0, 0, 0.0
if len(ours) != len(theirs):
    print('FAIL: %d blocks of answers, gensim %d' % (len(ours), len(theirs))); sys.exit(1)
for i, (a, b) in enumerate(zip(ours, theirs)):
    if [x[0] for x in a] != [x[0] for x in b]:
        bad += 1
        print('FAIL: query %d: %s, gensim %s' % (i + 1, [x[0] for x in a], [x[0] for x in b]))
        continue
    for x, y in zip(a, b):
        n += 1
        worst = max(worst, abs(float(x[1]) - float(y[1])))
if worst > 1e-5:
    bad += 1; print('FAIL: a similarity differs by %.2g' % worst)
print('%d answers agree with gensim, largest difference %.2g' % (n, worst))
sys.exit(1 if bad else 0)
EOF
}

# make_eval_fixture DIR: DIR/v.txt and DIR/v.bin, vectors with planted analogies, upper-case
# variants before some words (they stand for them when folding) and after others (answers that
# are the same word as a question's), words left out; DIR/pairs.tsv and DIR/questions.txt with the
# cases gensim treats specially: comments, malformed lines, CRLF, blanks and '_' in scores,
# unknown words, a section name in blanks, an empty section, a question whose d is its b.
make_eval_fixture() {
	$PY - "$@" <<'EOF'
import sys, logging, numpy as np
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
out = sys.argv[1]
rng = np.random.default_rng(11)
d = 24
vec, order, sections = {}, [], {}
def add(w, v):
    if w not in vec:
        vec[w] = v.astype(np.float32); order.append(w)
for s in range(3):
    rel, pairs = rng.standard_normal(d), []
    for j in range(8):
        a, b = 's%da%d' % (s, j), 's%db%d' % (s, j)
        add(a, rng.standard_normal(d))
        add(b, vec[a] + rel + (0.6 + 0.3 * s) * rng.standard_normal(d))
        pairs.append((a, b))
    sections['sec-%d' % s] = pairs
for i in range(60):
    add('f%d' % i, rng.standard_normal(d))
words = order[:]
rng.shuffle(words)
before = [w.upper() for w in words[:6]]
after = [w.capitalize() for w in words[6:12]]
gone = set(words[12:15])
kept = [w for w in words if w not in gone]
allw = before + kept[:30] + after + kept[30:]
M = np.stack([vec[w] if w in vec else vec[w.lower()] + 0.3 * rng.standard_normal(d)
              for w in allw]).astype(np.float32)
kv = KeyedVectors(d)
kv.add_vectors(allw, M)
kv.save_word2vec_format(out + '/v.txt', binary=False)
kv.save_word2vec_format(out + '/v.bin', binary=True)
with open(out + '/questions.txt', 'w', newline='') as f:
    for k, (name, pairs) in enumerate(sections.items()):
        f.write((': %s\n' if k != 1 else ':  %s  \r\n') % name)
        for i, (a, b) in enumerate(pairs):
            for j, (c, e) in enumerate(pairs):
                if i != j:
                    q = [a, b, c, e]
                    if (i + j) % 5 == 0:
                        q = [x.upper() for x in q]
                    elif (i + j) % 5 == 1:
                        q = [x.capitalize() for x in q]
                    f.write(' '.join(q) + ('\r\n' if j == 3 else '\n'))
        f.write('three words only\n\n' if k == 0 else 'one two three four five\n')
    f.write(': empty\n: last\n%s %s %s %s\n' % (sections['sec-0'][0] + sections['sec-0'][0]))
with open(out + '/pairs.tsv', 'w', newline='') as f:
    f.write('# Word 1\tWord 2\tHuman (mean)\n')
    ws = list(vec)
    for i in range(80):
        a, b = ws[rng.integers(len(ws))], ws[rng.integers(len(ws))]
        s = float(vec[a] @ vec[b]) / d * 5 + 5 + rng.standard_normal()
        a = a.upper() if i % 7 == 0 else a
        b = b.capitalize() if i % 7 == 1 else b
        num = ' %.2f ' % s if i % 11 == 0 else '%.2f' % s
        f.write('%s\t%s\t%s%s' % (a, b, num, '\r\n' if i % 9 == 0 else '\n'))
    f.write('%s\t%s\t9.5\n%s\t%s\t9.9\n' % (ws[3], ws[3], ws[4], ws[4]))
    f.write('nosuch\t%s\t3.5\n' % ws[0])
    f.write('a line without tabs\n\nx\ty\tnot-a-number\nx\ty\t1\t2\n%s\t%s\t1_0.5\n' % (ws[1], ws[2]))
EOF
}

# make_real_vectors QUESTIONS PAIRS OUT: vectors (OUT.txt, OUT.bin) for the words of real
# benchmark files, in lower case, with an offset planted per section so that many analogies are
# right, upper-case variants before and after some words, words left out and unrelated words.
make_real_vectors() {
	$PY - "$@" <<'EOF'
import sys, logging, numpy as np
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
qf, pf, out = sys.argv[1:4]
rng = np.random.default_rng(7)
d, vec, rel = 32, {}, None
for line in open(qf, encoding='utf8'):
    if line.startswith(': '):
        rel = rng.standard_normal(d); continue
    a, b, c, e = line.lower().split()
    for x, y in ((a, b), (c, e)):
        vec.setdefault(x, rng.standard_normal(d))
        vec.setdefault(y, vec[x] + rel + 0.7 * rng.standard_normal(d))
for line in open(pf, encoding='utf8'):
    if not line.startswith('#'):
        a, b, s = line.lower().split('\t')
        vec.setdefault(a, rng.standard_normal(d))
        vec.setdefault(b, vec[a] * float(s) / 10 + rng.standard_normal(d))
words = sorted(vec)
rng.shuffle(words)
kept = words[40:]  # words[30:40] are left out
allw = [w.upper() for w in words[:10]] + kept[:600] + ['u%d' % i for i in range(300)] + \
       [w.capitalize() for w in words[10:30]] + kept[600:]
M = np.stack([vec[w] if w in vec else vec.get(w.lower(), rng.standard_normal(d)) +
              0.2 * rng.standard_normal(d) for w in allw]).astype(np.float32)
kv = KeyedVectors(d)
kv.add_vectors(allw, M)
kv.save_word2vec_format(out + '.txt', binary=False)
kv.save_word2vec_format(out + '.bin', binary=True)
EOF
}

# gensim_eval VECTORS txt|bin RESTRICT CASE(1|0) KIND FILE [KIND FILE]...: gensim's figures as
# nlp-similar prints them. KIND: pairs (evaluate_word_pairs), analogy (evaluate_word_analogies),
# or cosmul: gensim 4.2's evaluate_word_analogies with most_similar_cosmul in place of
# most_similar (which ignores restrict_vocab: give a RESTRICT of every row).
gensim_eval() {
	$PY - "$@" <<'EOF'
import sys, logging
from gensim.models import KeyedVectors
from gensim import utils
logging.disable(logging.CRITICAL)
vf, fmt, r, ci = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == '1'
kv = KeyedVectors.load_word2vec_format(vf, binary=fmt == 'bin')

def cosmul_eval(path):
    ok_vocab = {(k.upper() if ci else k): kv.get_index(k) for k in reversed(kv.index_to_key[:r])}
    sections, section = [], None
    for line in open(path, 'rb'):
        line = utils.to_unicode(line)
        if line.startswith(': '):
            if section:
                sections.append(section)
            section = {'section': line.lstrip(': ').strip(), 'correct': [], 'incorrect': []}
            continue
        try:
            a, b, c, expected = [w.upper() if ci else w for w in line.split()]
        except ValueError:
            continue
        if any(w not in ok_vocab for w in (a, b, c, expected)):
            continue
        original, kv.key_to_index = kv.key_to_index, ok_vocab
        sims = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
        kv.key_to_index = original
        predicted = None
        for element in sims:
            predicted = element[0].upper() if ci else element[0]
            if predicted in ok_vocab and predicted not in {a, b, c}:
                break
        section['correct' if predicted == expected else 'incorrect'].append(1)
    if section:
        sections.append(section)
    return sections

args = sys.argv[5:]
for kind, path in zip(args[::2], args[1::2]):
    if kind == 'pairs':
        p, s, oov = kv.evaluate_word_pairs(path, restrict_vocab=r, case_insensitive=ci)
        print('oov_percent\t%.9f\npearson\t%.9f\nspearman\t%.9f' % (oov, p[0], s[0]))
        continue
    if kind == 'analogy':
        secs = kv.evaluate_word_analogies(path, restrict_vocab=r, case_insensitive=ci)[1][:-1]
    else:
        secs = cosmul_eval(path)
    for x in secs:
        c, t = len(x['correct']), len(x['correct']) + len(x['incorrect'])
        print('section\t%s\t%.9f\t%d\t%d' % (x['section'], c / t if t else 0, c, t))
    c = sum(len(x['correct']) for x in secs)
    t = c + sum(len(x['incorrect']) for x in secs)
    print('correct\t%d\nevaluated\t%d\naccuracy\t%.9f' % (c, t, c / t if t else 0))
EOF
}

# compare_eval OURS THEIRS: the figures both give, in order: counts equal, reals within 1e-6
# (nlp-similar prints six digits after the point). gensim gives no share of unknown words for
# analogies.
compare_eval() {
	$PY - "$@" <<'EOF'
import sys, math
keys = ('oov_percent', 'pearson', 'spearman', 'section', 'correct', 'evaluated', 'accuracy')
def figures(path):
    out, block = [], 'eval-pairs'
    for l in open(path):
        f = l.rstrip('\n').split('\t')
        block = f[0] if f[0].startswith('eval-') else block
        if f[0] in keys and not (f[0] == 'oov_percent' and block == 'eval-analogy'):
            out.append(f)
    return out
ours, theirs = figures(sys.argv[1]), figures(sys.argv[2])
if len(ours) != len(theirs) or not ours:
    print('FAIL: %d figures, gensim %d' % (len(ours), len(theirs))); sys.exit(1)
bad, worst = 0, 0.0
for a, b in zip(ours, theirs):
    ok = len(a) == len(b) and a[0] == b[0]
    for x, y in zip(a[1:], b[1:]):
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            ok &= x == y
            continue
        if math.isnan(fx) or math.isnan(fy):
            ok &= math.isnan(fx) and math.isnan(fy)
            continue
        worst = max(worst, abs(fx - fy))
        ok &= abs(fx - fy) <= 1e-6
    if not ok:
        bad += 1; print('FAIL: ours %s, gensim %s' % ('\t'.join(a), '\t'.join(b)))
print('%d of %d figures agree with gensim, largest difference %.2g' % (len(ours) - bad, len(ours), worst))
sys.exit(1 if bad else 0)
EOF
}

# check_eval VECTORS txt|bin RESTRICT CASE KIND FILE...: runs nlp-similar and gensim_eval alike
# and compares them.
check_eval() {
	local vf="$1" fmt="$2" r="$3" ci="$4" opts=()
	shift 4
	[ "$ci" = 1 ] || opts+=(--match-case)
	[ "$1" = cosmul ] && opts+=(--method mul)
	for ((i = 1; i <= $#; i += 2)); do
		kind=${!i} j=$((i + 1))
		[ "$kind" = pairs ] && opts+=(--eval-pairs "${!j}") || opts+=(--eval-analogy "${!j}")
	done
	nlp-similar -R "$r" "${opts[@]}" "$vf" > "$BATS_TEST_TMPDIR/ours" || fail "nlp-similar ${opts[*]}: exit $?"
	gensim_eval "$vf" "$fmt" "$r" "$ci" "$@" > "$BATS_TEST_TMPDIR/theirs" || fail "gensim failed"
	run compare_eval "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/theirs"
	echo "$output"
	assert_success
}

setup_file() {
	if $PY -c 'import gensim' 2>/dev/null; then
		make_vectors "$BATS_FILE_TMPDIR/r" 3 500 40
		make_eval_fixture "$BATS_FILE_TMPDIR"
	fi
}

# ---- queries ----

@test "similar: neighbours and analogies of the toy vectors" {
	run nlp-similar -k 3 "$SIM/toy.vec" king 'man king woman' 'paris france berlin'
	assert_success
	assert_output "$(printf '%s\n' 'prince	0.934550' 'boy	0.588118' 'man	0.563771' '' \
		'queen	0.999978' 'princess	0.934499' 'girl	0.589995' '' \
		'germany	0.999546' 'boy	-0.047042' 'man	-0.064154')"
	run nlp-similar -k 2 --method mul "$SIM/toy.vec" 'man king woman'
	assert_output "$(printf 'queen\t1.272273\nprincess\t1.093525')"
	run nlp-similar --method 3cosadd -k 1 "$SIM/toy.vec" 'man king woman'
	assert_output "$(printf 'queen\t0.999978')"
	# every other word, best first
	run nlp-similar -k 100 "$SIM/toy.vec" paris
	assert_equal "$(wc -l <<<"$output")" 11
	assert_line --index 0 "$(printf 'berlin\t0.971444')"
	refute_line --regexp '^paris'
}

@test "similar: queries on stdin, one per line; blank lines are no query; --with-query" {
	run nlp-similar -k 1 "$SIM/toy.vec" < <(printf 'king\n\n  \nman king woman\r\nparis')
	assert_success
	assert_output "$(printf 'prince\t0.934550\n\nqueen\t0.999978\n\nberlin\t0.971444')"
	run nlp-similar -k 2 -q "$SIM/toy.vec" < <(printf 'king\nman\tking  woman\n')
	assert_output "$(printf '%s\n' 'king	prince	0.934550' 'king	boy	0.588118' \
		'man king woman	queen	0.999978' 'man king woman	princess	0.934499')"
}

@test "similar: stdin queries are answered as soon as no further line is ready" {
	cd "$BATS_TEST_TMPDIR"
	mkfifo q a
	timeout 60 nlp-similar -k 1 "$SIM/toy.vec" < q > a 3>&- &
	exec 5> q 6< a
	echo king >&5
	read -r -t 20 line <&6 || fail "no answer while the input stays open"
	assert_equal "$line" "$(printf 'prince\t0.934550')"
	echo queen >&5
	exec 5>&-
	read -r -t 20 line <&6
	assert_equal "$line" ''
	read -r -t 20 line <&6
	assert_equal "$line" "$(printf 'princess\t0.934550')"
	exec 6<&-
	wait
}

@test "similar: an unknown word or a malformed query is reported, the others answered, exit 1" {
	run --separate-stderr nlp-similar -k 1 "$SIM/toy.vec" king nosuch 'man king' queen 'a b c d' 'man king nosuch'
	assert_failure 1
	# the blocks stay in the order of the queries, empty for those not answered
	assert_output "$(printf 'prince\t0.934550\n\n\n\nprincess\t0.934550\n\n\n')"
	assert_equal "$stderr" "$(printf '%s\n' \
		"nlp-similar: 'nosuch' is not among the vectors" \
		"nlp-similar: 'man king': a query is a word, or three words (a b c: a is to b as c is to ?)" \
		"nlp-similar: 'a b c d': a query is a word, or three words (a b c: a is to b as c is to ?)" \
		"nlp-similar: 'nosuch' is not among the vectors")"
	run --separate-stderr nlp-similar -q "$SIM/toy.vec" King
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-similar: 'King' is not among the vectors"
}

@test "similar: -k and --restrict limit the answers and the candidates, not the queries" {
	run nlp-similar -k 2 -R 4 "$SIM/toy.vec" king germany
	assert_success
	assert_output "$(printf 'man\t0.563771\nqueen\t0.146667\n\nman\t-0.069594\nking\t-0.314919')"
	run nlp-similar --top 1 --restrict 1 "$SIM/toy.vec" king
	assert_success
	assert_output ''
	run nlp-similar -k 1 -R 100000 "$SIM/toy.vec" king
	assert_output "$(printf 'prince\t0.934550')"
}

@test "similar: -i matches by upper case, the first row wins, its other cases are no answers" {
	printf '5 2\nApple 1 0\nAPPLE 0.9 0.1\napple 0.8 0.2\npear 0.7 0.3\nStraße 0.6 0.4\n' > "$BATS_TEST_TMPDIR/v"
	run nlp-similar -k 5 "$BATS_TEST_TMPDIR/v" apple
	assert_success
	assert_output "$(printf '%s\n' 'APPLE	0.990992' 'pear	0.987241' 'Apple	0.970142' 'Straße	0.941742')"
	run nlp-similar -i -k 5 "$BATS_TEST_TMPDIR/v" apple
	assert_success
	assert_output "$(printf '%s\n' 'pear	0.919145' 'Straße	0.832050')"
	run nlp-similar -i -k 1 "$BATS_TEST_TMPDIR/v" STRASSE
	assert_output "$(printf 'pear\t0.983282')"
	run nlp-similar --ignore-case --match-case "$BATS_TEST_TMPDIR/v" STRASSE
	assert_failure 1
}

@test "similar: word2vec.c and gensim binary, gensim and fastText text give the same answers" {
	need_python_module gensim
	R="$BATS_FILE_TMPDIR/r"
	nlp-similar -k 5 "$R.txt" w1 W16 'w3 w4 w5' > "$BATS_TEST_TMPDIR/want"
	[ "$(grep -c . "$BATS_TEST_TMPDIR/want")" -eq 15 ] || fail "$(cat "$BATS_TEST_TMPDIR/want")"
	for f in "$R.bin" "$R.c.bin" "$R.vec" "--format binary $R.bin" "--format=text $R.vec"; do
		# shellcheck disable=SC2086
		nlp-similar -k 5 $f w1 W16 'w3 w4 w5' | cmp - "$BATS_TEST_TMPDIR/want" || fail "$f differs"
	done
	# the vectors on stdin, the queries as operands
	nlp-similar -k 5 - w1 W16 'w3 w4 w5' < "$R.c.bin" | cmp - "$BATS_TEST_TMPDIR/want"
	# CRLF line ends in text
	sed 's/$/\r/' "$R.txt" | nlp-similar -k 5 - w1 W16 'w3 w4 w5' | cmp - "$BATS_TEST_TMPDIR/want"
}

@test "similar: neighbours agree with gensim's most_similar, with and without restrict_vocab" {
	need_python_module gensim
	R="$BATS_FILE_TMPDIR/r"
	q=(w1 w7 W16 w250 w499)
	for spec in "txt 10 0" "bin 10 0" "bin 25 100" "txt 3 17"; do
		set -- $spec
		r=(); [ "$3" = 0 ] || r=(-R "$3")
		nlp-similar -k "$2" "${r[@]}" "$R.$1" "${q[@]}" > "$BATS_TEST_TMPDIR/ours"
		gensim_answers "$R.$1" "$1" "$2" "$3" add "${q[@]}" > "$BATS_TEST_TMPDIR/theirs"
		run compare_answers "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/theirs"
		echo "$spec: $output"
		assert_success
	done
}

@test "similar: 3CosAdd agrees with most_similar(positive=[b, c], negative=[a]), 3CosMul with most_similar_cosmul" {
	need_python_module gensim
	R="$BATS_FILE_TMPDIR/r"
	q=('w1 w2 w3' 'w10 W33 w12' 'w5 w5 w6' 'w400 w401 w1')
	for spec in "txt 10 0 add" "bin 7 50 add" "txt 10 0 mul" "bin 20 0 mul"; do
		set -- $spec
		r=(); [ "$3" = 0 ] || r=(-R "$3")
		nlp-similar -k "$2" --method "$4" "${r[@]}" "$R.$1" "${q[@]}" > "$BATS_TEST_TMPDIR/ours"
		gensim_answers "$R.$1" "$1" "$2" "$3" "$4" "${q[@]}" > "$BATS_TEST_TMPDIR/theirs"
		run compare_answers "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/theirs"
		echo "$spec: $output"
		assert_success
	done
}

@test "similar: more queries than a batch, over several threads, give the answers of one at a time" {
	need_python_module gensim
	R="$BATS_FILE_TMPDIR/r"
	awk 'function w(i) { return (i % 17 == 16 ? "W" : "w") i }
		BEGIN { for (i = 0; i < 3000; i++) print (i % 3 ? w((i * 7) % 500) : w((i * 7) % 500) " " w((i * 13) % 500) " " w((i * 31) % 500)) }' > "$BATS_TEST_TMPDIR/q"
	nlp-similar -T 2 -k 3 "$R.bin" < "$BATS_TEST_TMPDIR/q" > "$BATS_TEST_TMPDIR/all"
	head -n 5 "$BATS_TEST_TMPDIR/q" | while read -r line; do nlp-similar -T 1 -k 3 "$R.bin" "$line"; echo; done |
		head -n -1 > "$BATS_TEST_TMPDIR/one"
	head -n 19 "$BATS_TEST_TMPDIR/all" | cmp - "$BATS_TEST_TMPDIR/one"
	run grep -c . "$BATS_TEST_TMPDIR/all"
	assert_output 9000
	nlp-similar -T 1 -k 3 "$R.bin" < "$BATS_TEST_TMPDIR/q" | cmp - "$BATS_TEST_TMPDIR/all"
}

@test "similar: a zero vector has cosine 0 with every word" {
	printf '3 2\nzero 0 0\nx 1 0\ny 0 1\n' > "$BATS_TEST_TMPDIR/v"
	run nlp-similar "$BATS_TEST_TMPDIR/v" zero x
	assert_success
	assert_output "$(printf 'x\t0.000000\ny\t0.000000\n\nzero\t0.000000\ny\t0.000000')"
}

@test "similar: words are bytes: invalid UTF-8 is read, found and written as it is" {
	printf '3 2\n\xff\xfe 1 0\nb 0.9 0.1\n\xc3\xa9t\xc3\xa9 0 1\n' > "$BATS_TEST_TMPDIR/v"
	run nlp-similar -k 1 "$BATS_TEST_TMPDIR/v" b "$(printf '\xff\xfe')"
	assert_success
	assert_output "$(printf '\xff\xfe\t0.993884\n\nb\t0.993884')"
	run nlp-similar -i -k 1 "$BATS_TEST_TMPDIR/v" "$(printf '\xc3\x89T\xc3\x89')"
	assert_output "$(printf 'b\t0.110432')"
}

# ---- benchmarks ----

@test "similar --eval-pairs and --eval-analogy on the toy files: every line of the report" {
	run nlp-similar --eval-pairs "$SIM/toy-pairs.tsv" --eval-analogy "$SIM/toy-questions.txt" "$SIM/toy.vec"
	assert_success
	assert_output "$(printf '%s\n' "eval-pairs	$SIM/toy-pairs.tsv" 'restrict	300000' 'words	12' \
		'case	insensitive' 'pairs	8' 'oov	1' 'oov_percent	11.111111' 'invalid	1' \
		'pearson	0.403304' 'spearman	0.238095' '' \
		"eval-analogy	$SIM/toy-questions.txt" 'restrict	30000' 'words	12' 'case	insensitive' \
		'method	3cosadd' 'section	royal	0.750000	3	4' 'section	capitals	1.000000	2	2' \
		'questions	7' 'oov	1' 'oov_percent	14.285714' 'invalid	1' 'correct	5' 'evaluated	6' \
		'accuracy	0.833333')"
	# exact case: 'King' and 'Man Prince Woman Princess' are unknown
	run nlp-similar --match-case -R 5 --method mul --eval-analogy "$SIM/toy-questions.txt" "$SIM/toy.vec"
	assert_success
	assert_line 'restrict	5'
	assert_line 'words	5'
	assert_line 'case	sensitive'
	assert_line 'method	3cosmul'
	assert_line 'section	royal	1.000000	1	1'
	assert_line 'section	capitals	0.000000	0	0'
	assert_line 'oov	6'
	assert_line 'accuracy	1.000000'
}

@test "similar: the benchmarks agree with gensim 4.2 on the fixture's special cases" {
	need_python_module gensim
	F="$BATS_FILE_TMPDIR"
	for spec in "txt 300000 1" "bin 300000 0" "txt 40 1" "bin 90 0" "txt 100 1"; do
		set -- $spec
		echo "vectors $1, restrict $2, case-insensitive $3"
		check_eval "$F/v.$1" "$1" "$2" "$3" pairs "$F/pairs.tsv" analogy "$F/questions.txt"
	done
}

@test "similar --eval-analogy --method mul agrees with gensim's rules through most_similar_cosmul" {
	need_python_module gensim
	F="$BATS_FILE_TMPDIR"
	check_eval "$F/v.txt" txt 300000 1 cosmul "$F/questions.txt"
	check_eval "$F/v.bin" bin 300000 0 cosmul "$F/questions.txt"
}

@test "similar: benchmark files that cannot be used are errors (exit 1) naming the file" {
	printf 'a\tb\t1\n' > "$BATS_TEST_TMPDIR/unknown.tsv"
	run --separate-stderr nlp-similar --eval-pairs "$BATS_TEST_TMPDIR/unknown.tsv" "$SIM/toy.vec"
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: $BATS_TEST_TMPDIR/unknown.tsv: no pair has both words among the vectors (1 unknown, 0 not 'word<TAB>word<TAB>score')"
	assert_output ''
	printf 'king queen man woman\n: s\n' > "$BATS_TEST_TMPDIR/nosection.txt"
	run --separate-stderr nlp-similar --eval-analogy "$BATS_TEST_TMPDIR/nosection.txt" "$SIM/toy.vec"
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: $BATS_TEST_TMPDIR/nosection.txt: line 1: a question before the first ': section' line"
	run --separate-stderr nlp-similar --eval-analogy /no/such "$SIM/toy.vec"
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: open /no/such: No such file or directory"
	run --separate-stderr nlp-similar --eval-pairs "$BATS_TEST_TMPDIR" "$SIM/toy.vec"
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: read $BATS_TEST_TMPDIR: Is a directory"
	# empty files: no pair is an error, no question a report of zeros
	run --separate-stderr nlp-similar --eval-pairs /dev/null "$SIM/toy.vec"
	assert_failure 1
	run nlp-similar --eval-analogy /dev/null "$SIM/toy.vec"
	assert_success
	assert_line 'questions	0'
	assert_line 'accuracy	0.000000'
	# one pair: correlations undefined
	printf 'king\tqueen\t5\n' > "$BATS_TEST_TMPDIR/one.tsv"
	run nlp-similar --eval-pairs "$BATS_TEST_TMPDIR/one.tsv" "$SIM/toy.vec"
	assert_success
	assert_line 'pearson	nan'
	assert_line 'spearman	nan'
}

# ---- bad vectors ----

@test "similar: malformed text vectors are errors (exit 1) naming the file, the line and the reason" {
	cd "$BATS_TEST_TMPDIR"
	bad=''
	check() { # CONTENTS MESSAGE
		printf "$1" > v
		run --separate-stderr nlp-similar v a
		[ "$status" -eq 1 ] && [ "$stderr" = "nlp-similar: v: $2" ] && [ -z "$output" ] ||
			bad+="$1: exit $status: $stderr (want: $2)"$'\n'
	}
	check '' 'an empty file, not word vectors'
	check '\n' "line 1: '' is not a header of word vectors (rows and dimension)"
	check 'a 1 2\n' "line 1: 'a 1 2' is not a header of word vectors (rows and dimension)"
	check '2 3 4\n' "line 1: '2 3 4' is not a header of word vectors (rows and dimension)"
	check '1 0\na\n' 'line 1: the dimension 0 is not within 1..2147483647'
	check '3000000000 2\n' 'line 1: 3000000000 rows: at most 2147483647 can be read'
	check '2 3\na 1 2 3\n' 'line 1: the header says 2 rows of 3 values, more than the file'"'"'s 12 bytes can hold'
	check '3 3\na 1 2 3\nb 1 2 3\nc 1 2 3 4 5 6 7 8 9 10\n' 'line 4: 10 values after the word, the header says 3'
	check '2 3\na 1 2 3\nb 1 2\n' 'line 3: 2 values after the word, the header says 3'
	check '2 3\na 1 2 3\nb\n\n\n\n' 'line 3: 0 values after the word, the header says 3'
	check '2 3\na 1 2 3\n\nb 1 2 3\n' 'line 3: an empty line where a row should be'
	check '2 3\na 1 2 3\n 1 2 3\n' 'line 3: an empty word'
	check '2 3\na 1 2 3\nb 1 nan 3\n' "line 3: value 2, 'nan', is not a number"
	check '2 3\na 1 2 3\nb 1 inf 3\n' "line 3: value 2, 'inf', is not a number"
	check '2 3\na 1 2 3\nb 1 2 1e39\n' "line 3: value 3, '1e39', is out of the range of float32"
	check '2 3\na 1 2 3\nb 0x1p3 2 3\n' "line 3: value 1, '0x1p3', is not a number"
	check '2 3\na 1 2 3\nb 1,5 2 3\n' "line 3: value 1, '1,5', is not a number"
	check '2 3\na 1 2 3\nb 1\t2 3\n' "line 3: value 1, '1\\x092', is not a number"
	check '2 3\na 1 2 3\na 4 5 6\n' "line 3: the word 'a' again (first in row 1)"
	check '1 3\na 1 2 3\nb 4 5 6\n' "line 3: more rows than the header's 1"
	[ -z "$bad" ] || fail "$bad"
	# blank lines and spaces at the end are fine
	printf '1 3 \r\na 1 2 3 \r\n\n \n' > v
	run nlp-similar v a
	assert_success
	assert_output ''
}

@test "similar: truncated and damaged binary vectors are errors with the row and the byte" {
	cd "$BATS_TEST_TMPDIR"
	printf '2 2\na \0\0\x80\x3f\0\0\0\0\nbb \0\0\0\0\0\0\x80\x3f\n' > ok.bin
	run nlp-similar -k 1 ok.bin a
	assert_success
	assert_output "$(printf 'bb\t0.000000')"
	size=$(stat -c %s ok.bin)
	for n in $(seq 4 $((size - 2))); do
		head -c "$n" ok.bin > cut.bin
		run --separate-stderr nlp-similar cut.bin a
		[ "$status" -eq 1 ] && [[ "$stderr" == "nlp-similar: cut.bin: "* ]] || fail "$n bytes: exit $status: $stderr"
		# through a pipe, where the length is not known beforehand
		run --separate-stderr nlp-similar --format binary - a < cut.bin
		[ "$status" -eq 1 ] || fail "$n bytes on stdin: exit $status: $stderr"
	done
	head -c 20 ok.bin | { run --separate-stderr nlp-similar --format binary - a; assert_equal "$stderr" "nlp-similar: <stdin>: row 2 (byte 15): the file ends in the vector of 'bb' (2 of 8 bytes)"; }
	head -c 15 ok.bin | { run --separate-stderr nlp-similar --format binary - a; assert_equal "$stderr" "nlp-similar: <stdin>: row 2 (byte 15): the file ends after 1 of the header's 2 rows"; }
	printf '1 2\na \0\0\xc0\x7f\0\0\0\0\n' > nan.bin
	run --separate-stderr nlp-similar nan.bin a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: nan.bin: row 1 (byte 4): value 1 of 'a' is not a finite number"
	printf '1 2\na \0\0\x80\x3f\0\0\0\0\ntrailing\n' > more.bin
	run --separate-stderr nlp-similar more.bin a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: more.bin: row 2 (byte 15): more data than the header's 1 rows"
	printf '2 2\na \0\0\x80\x3f\0\0\0\0\na \0\0\x80\x3f\0\0\0\0' > dup.bin
	run --separate-stderr nlp-similar dup.bin a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: dup.bin: row 2 (byte 15): the word 'a' again (first in row 1)"
}

@test "similar: random bytes, a huge line and a huge word never crash" {
	cd "$BATS_TEST_TMPDIR"
	$PY -c 'import random,sys; random.seed(5); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(1<<16)))' > rnd
	run --separate-stderr nlp-similar rnd a
	assert_failure 1
	[[ "$stderr" == "nlp-similar: rnd: line 1: '"*"' is not a header of word vectors (rows and dimension)" ]] || fail "$stderr"
	{ echo '20 300'; cat rnd; } > rnd2
	run --separate-stderr nlp-similar rnd2 a
	assert_failure 1
	[[ "$stderr" == "nlp-similar: rnd2: row "* ]] || fail "$stderr"
	# a 10 MB line of values, a 10 MB word (far beyond every buffer)
	$PY -c 'import sys; sys.stdout.write("1 3\na " + "1 " * 5000000 + "\n")' > huge
	run --separate-stderr nlp-similar huge a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: huge: line 2: 5000000 values after the word, the header says 3"
	$PY -c 'import sys; sys.stdout.write("2 1\n" + "x" * 10000000 + " 1\nb 1\n")' > hugeword
	nlp-similar hugeword b > out
	run cut -c 1-5,10000001- out
	assert_output "$(printf 'xxxxx\t1.000000')"
	run wc -c < out
	assert_output 10000010
	run --separate-stderr nlp-similar hugeword "$(head -c 100000 /dev/zero | tr '\0' y)"
	assert_failure 1
	[[ "$stderr" == "nlp-similar: 'yyyy"*"...' is not among the vectors" ]] && [ ${#stderr} -lt 200 ] || fail "${stderr:0:300}"
}

@test "similar: an empty set of vectors knows no word; a directory or a missing file is an error" {
	printf '0 50\n' > "$BATS_TEST_TMPDIR/v"
	run --separate-stderr nlp-similar "$BATS_TEST_TMPDIR/v" a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: 'a' is not among the vectors"
	run nlp-similar "$BATS_TEST_TMPDIR/v" < /dev/null
	assert_success
	assert_output ''
	# nor does the dimension of an empty set size anything: its file's length does not bound it
	# (tests/fuzz/fuzz-vectors reports the 32 GB that '0 2147483647' asked for); ASan caps them here
	printf '0 2147483647\n' > "$BATS_TEST_TMPDIR/wide"
	local capped="$ASAN_OPTIONS:max_allocation_size_mb=64:allocator_may_return_null=1"
	run --separate-stderr env ASAN_OPTIONS="$capped" nlp-similar "$BATS_TEST_TMPDIR/wide" a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: 'a' is not among the vectors"
	run --separate-stderr nlp-similar "$BATS_TEST_TMPDIR" a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: read $BATS_TEST_TMPDIR: Is a directory"
	run --separate-stderr nlp-similar /no/such a
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: open /no/such: No such file or directory"
}

# ---- options and output ----

@test "similar: usage errors exit 2 with the reason or the usage line" {
	bad=''
	check() { # MESSAGE ARGS...
		local want="$1"
		shift
		run --separate-stderr nlp-similar "$@" < /dev/null
		[ "$status" -eq 2 ] && [[ "$stderr" == *"$want"* ]] && [ -z "$output" ] ||
			bad+="$*: exit $status: $stderr"$'\n'
	}
	check 'no vectors given' -k 3
	check 'usage: nlp-similar' -k 3
	check "unrecognized option '--bogus'" --bogus "$SIM/toy.vec"
	check 'requires an argument' "$SIM/toy.vec" -k
	check "--top: value '0' is too small" -k 0 "$SIM/toy.vec" king
	check "--top: value 'ten' is invalid" -k ten "$SIM/toy.vec" king
	check "--restrict: value '-1' is too small" -R -1 "$SIM/toy.vec" king
	check "--threads: value '0' is too small" -T 0 "$SIM/toy.vec" king
	check "--method: 'sum' is not add or mul" --method sum "$SIM/toy.vec" king
	check "--format: 'csv' is not auto, text or binary" --format csv "$SIM/toy.vec" king
	check 'the benchmarks take no queries' --eval-pairs "$SIM/toy-pairs.tsv" "$SIM/toy.vec" king
	check 'vectors on stdin take their queries as arguments' -
	[ -z "$bad" ] || fail "$bad"
}

@test "similar -h, --help and --version" {
	run --separate-stderr nlp-similar --help
	assert_success
	assert_equal "$stderr" ''
	assert_line --index 0 --partial 'usage: nlp-similar [-i | --match-case]'
	for o in '-k, --top N' '--method METHOD' '-R, --restrict N' '-i, --ignore-case' \
		--match-case '-q, --with-query' '--eval-pairs FILE' --eval-analogy '--format FORMAT' \
		'-T, --threads N' '-h, --help' --version; do
		assert_output --partial " $o"
	done
	run nlp-similar -h
	assert_success
	run --separate-stderr nlp-similar --version
	assert_success
	assert_output --regexp '^nlp-similar [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "similar: a closed output pipe ends quietly, a full disk is an error" {
	run --separate-stderr bash -c "yes king | head -n 20000 | nlp-similar -k 1 '$SIM/toy.vec' | head -n 1"
	assert_success
	assert_output "$(printf 'prince\t0.934550')"
	assert_equal "$stderr" ''
	[ -w /dev/full ] || skip "needs /dev/full"
	run --separate-stderr bash -c "nlp-similar '$SIM/toy.vec' king > /dev/full"
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: write <stdout>: No space left on device"
	run --separate-stderr bash -c "nlp-similar --eval-analogy '$SIM/toy-questions.txt' '$SIM/toy.vec' > /dev/full"
	assert_failure 1
}

# ---- the real benchmark files (../shared) ----

@test "similar: on the real WordSim353 and questions-words.txt the figures are gensim's (case-insensitive, text)" {
	need_shared eval/questions-words.txt
	need_shared eval/wordsim353.tsv
	need_python_module gensim
	make_real_vectors "$EVAL/questions-words.txt" "$EVAL/wordsim353.tsv" "$BATS_TEST_TMPDIR/real"
	check_eval "$BATS_TEST_TMPDIR/real.txt" txt 1200 1 analogy "$EVAL/questions-words.txt" pairs "$EVAL/wordsim353.tsv"
	# every question of the 14 sections asked
	run grep -c '^section' "$BATS_TEST_TMPDIR/ours"
	assert_output 14
}

@test "similar: on the real WordSim353 and questions-words.txt the figures are gensim's (exact case, binary)" {
	need_shared eval/questions-words.txt
	need_shared eval/wordsim353.tsv
	need_python_module gensim
	make_real_vectors "$EVAL/questions-words.txt" "$EVAL/wordsim353.tsv" "$BATS_TEST_TMPDIR/real"
	check_eval "$BATS_TEST_TMPDIR/real.bin" bin 30000 0 analogy "$EVAL/questions-words.txt" pairs "$EVAL/wordsim353.tsv"
}
