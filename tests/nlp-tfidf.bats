#!/usr/bin/env bats
# nlp-tfidf: the course notes' TF-IDF table, agreement with scikit-learn's TfidfVectorizer and
# CountVectorizer for every weighting option (a fixture, and 10,000 lines of English Wikipedia
# when ../shared is there), fixed and fitted vocabularies, training statistics for a test set,
# --top, the binary header, empty and bad input, bad options.

load helper

TF="$DATA/tfidf"
EN="$SHARED_DATA/enwiki-100M.txt.xz"

# sk_ref CLASS KWARGS FIT MATRIX VOCAB [TRANSFORM]: scikit-learn's TfidfVectorizer (CLASS tfidf)
# or CountVectorizer (count) with the JSON keyword arguments KWARGS ("vocabulary": "@" is the
# terms of VOCAB) fitted on the lines of FIT, applied to them or to those of TRANSFORM; compared
# with MATRIX (read as nlp-matrix(5) says, header and order checked) entry by entry within 1e-6
# (float32: within a rounding), the nonzero pattern and the terms of VOCAB in column order.
# sk_ref --batch FILE: the same for each line of FILE, LABEL<TAB>CLASS<TAB>KWARGS<TAB>FIT<TAB>...
# (the arguments above), all in one Python: a line of the figures for each, prefixed by its
# LABEL, then "N checks"; exits 1 when any differs.
sk_ref() {
	$PY - "$@" <<'EOF'
import json, sys
import numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from matgen import read_triples, F32, F64


def lines(path):
    data = open(path, 'rb').read()
    ls = data.split(b'\n')
    if data.endswith(b'\n'):
        ls = ls[:-1]
    return [l.decode('utf-8') for l in ls] if data else []


def read_matrix(path):
    rows, cols, t = read_triples(path, known_nnz=True)
    m = sp.csr_matrix((t['v'].astype(np.float64), (t['r'], t['c'])), shape=(rows, cols))
    return m, F32 if t['v'].dtype == np.float32 else F64


def check(cls, kw, fit, mat, vocab, transform=None):
    """Prints the comparison; returns whether it agrees."""
    kw = json.loads(kw)
    terms = [l.split('\t')[0] for l in lines(vocab)]
    if kw.get('vocabulary') == '@':
        kw['vocabulary'] = terms
    v = (TfidfVectorizer if cls == 'tfidf' else CountVectorizer)(**kw)
    X = v.fit_transform(lines(fit))
    if transform is not None:
        X = v.transform(lines(transform))
    X = sp.csr_matrix(X, dtype=np.float64)
    X.eliminate_zeros()
    ours, typ = read_matrix(mat)
    want = sorted(v.vocabulary_, key=v.vocabulary_.get)
    if terms != want:
        print('vocabulary differs: %d terms, scikit-learn %d; first difference %s' % (
            len(terms), len(want), next(((a, b) for a, b in zip(terms, want) if a != b), None)))
        return False
    if ours.shape != X.shape:
        print('shape %s, scikit-learn %s' % (ours.shape, X.shape))
        return False
    d = abs(ours - X)
    diff = d.max() if d.nnz else 0.0
    top = abs(X).max() if X.nnz else 1.0
    tol = 1e-6 if typ == 2 else 6e-8 * max(1.0, top)
    pattern = abs((ours != 0).astype(int) - (X != 0).astype(int)).sum()
    print('%s %s: max abs diff %.3g (tolerance %.3g) over %d nonzeros, %d x %d, %d cells '
          'differ in pattern, vocabulary identical' % (cls, json.dumps(kw)[:60], diff, tol, X.nnz,
                                                       X.shape[0], X.shape[1], pattern))
    return diff <= tol and pattern == 0


if sys.argv[1] == '--batch':
    ok, n = True, 0
    for line in open(sys.argv[2], encoding='utf-8').read().splitlines():
        label, *args = line.split('\t')
        print(label + ': ', end='')
        ok = check(*args) and ok
        n += 1
    print('%d checks' % n)
    sys.exit(0 if ok else 1)
sys.exit(0 if check(*sys.argv[1:7]) else 1)
EOF
}

# max_diff A B: the largest absolute difference between the numbers of two text files, in order.
max_diff() {
	awk 'NR == FNR { for (i = 1; i <= NF; i++) a[++n] = $i; next }
	     { for (i = 1; i <= NF; i++) { m++; d = $i - a[m]; if (d < 0) d = -d; if (d > x) x = d } }
	     END { if (m != n) print "count differs: " n " and " m; else printf "%.3g\n", x }' "$1" "$2"
}

# header FILE: magic, then version kind type reserved, then rows cols nnz of a matrix.
header() {
	head -c 8 "$1"; echo
	od -An -tu4 -j8 -N16 "$1" | tr -s ' ' | sed 's/^ //'
	od -An -tu8 -w24 -j24 -N24 "$1" | tr -s ' ' | sed 's/^ //'
}

setup_file() {
	nlp-tokenize --sklearn "$TF/notes.txt" > "$BATS_FILE_TMPDIR/notes.tok"
	nlp-tokenize --sklearn "$TF/small.txt" > "$BATS_FILE_TMPDIR/small.tok"
}

@test "tfidf: the course notes' example gives the printed TfidfVectorizer() matrix and vocabulary" {
	cd "$BATS_TEST_TMPDIR"
	nlp-tokenize --sklearn "$TF/notes.txt" | nlp-tfidf -o vocab.tsv > notes.mat
	nlp-mat print --dense notes.mat > dense.txt
	run max_diff "$TF/notes.expected" dense.txt
	echo "largest difference from the notes: $output"
	awk -v d="$output" 'BEGIN { exit !(d + 0 <= 1e-6 && d ~ /^[0-9.e+-]+$/) }'
	run cat vocab.tsv
	assert_output "$(cat "$TF/notes.vocab")"
	run header notes.mat
	assert_output "$(printf 'NLPMATRX\n1 2 2 0\n3 7 11')"
}

@test "tfidf: --text and --top on the course notes' example" {
	run nlp-tfidf -t "$BATS_FILE_TMPDIR/notes.tok"
	assert_output "$(printf '%s\n' 0$'\t'2$'\t'0.3968745408286403 0$'\t'3$'\t'0.3968745408286403 \
		0$'\t'5$'\t'0.7937490816572806 0$'\t'6$'\t'0.23440049712476196 \
		1$'\t'0$'\t'0.6198053799406072 1$'\t'4$'\t'0.6198053799406072 \
		1$'\t'6$'\t'0.48133416873660545 2$'\t'0$'\t'0.4804583972923858 \
		2$'\t'1$'\t'0.6317450542765208 2$'\t'4$'\t'0.4804583972923858 \
		2$'\t'6$'\t'0.3731188059313277)"
	# ties (actor and like) in the byte order of the terms
	run nlp-tfidf --top 2 "$BATS_FILE_TMPDIR/notes.tok"
	assert_output "$(printf '%s\n' 'movie:0.7937490816572806 famous:0.3968745408286403' \
		'actor:0.6198053799406072 like:0.6198053799406072' \
		'don:0.6317450542765208 actor:0.4804583972923858')"
	run nlp-tfidf --top 1 --f32 "$BATS_FILE_TMPDIR/notes.tok"
	assert_output "$(printf '%s\n' movie:0.7937491 actor:0.6198054 don:0.63174504)"
}

@test "tfidf: --text is nlp-mat's print of the binary matrix, stdin is a file, files concatenate" {
	cd "$BATS_TEST_TMPDIR"
	nlp-tfidf "$BATS_FILE_TMPDIR/small.tok" > file.mat
	nlp-tfidf < "$BATS_FILE_TMPDIR/small.tok" > stdin.mat
	cmp file.mat stdin.mat
	head -n 10 "$BATS_FILE_TMPDIR/small.tok" > a.tok
	tail -n +11 "$BATS_FILE_TMPDIR/small.tok" > b.tok
	nlp-tfidf a.tok - < b.tok > parts.mat
	cmp file.mat parts.mat
	nlp-tfidf -t "$BATS_FILE_TMPDIR/small.tok" > text.txt
	nlp-mat print file.mat > printed.txt
	cmp text.txt printed.txt
	[ "$(wc -l < text.txt)" -gt 150 ]
	# the header's count of triples is exact, on a pipe too
	nlp-tfidf -o v.tsv < "$BATS_FILE_TMPDIR/small.tok" | cat > piped.mat
	run header piped.mat
	assert_output "$(printf 'NLPMATRX\n1 2 2 0\n25 %s %s' "$(wc -l < v.tsv)" "$(wc -l < text.txt)")"
}

@test "tfidf: the course formula --idf notes: ln(N/(1+df)), weights of 0 left out" {
	run nlp-tfidf -t --idf notes --norm none "$BATS_FILE_TMPDIR/notes.tok"
	# N = 3; actor and like are in 2 documents (idf 0), this in 3 (idf ln 3/4)
	assert_output "$(printf '%s\n' 0$'\t'2$'\t'0.4054651081081644 0$'\t'3$'\t'0.4054651081081644 \
		0$'\t'5$'\t'0.8109302162163288 0$'\t'6$'\t'-0.2876820724517809 \
		1$'\t'6$'\t'-0.2876820724517809 \
		2$'\t'1$'\t'0.4054651081081644 2$'\t'6$'\t'-0.2876820724517809)"
	run nlp-tfidf --top 5 --idf notes --norm l1 "$BATS_FILE_TMPDIR/notes.tok"
	assert_output "$(printf '%s\n' \
		'movie:0.424672514040427 famous:0.2123362570202135 is:0.2123362570202135 this:-0.15065497191914606' \
		'this:-1' \
		'don:0.5849625007211562 this:-0.4150374992788438')"
}

@test "tfidf: every weighting option equals scikit-learn on the fixture" {
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	n=0
	while IFS='|' read -r cls kw opts; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		nlp-tfidf $opts -o v$n.tsv "$BATS_FILE_TMPDIR/small.tok" > m$n.mat
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "[$opts]" "$cls" "$kw" "$TF/small.txt" m$n.mat v$n.tsv >> checks
	done <<'EOF'
tfidf|{}|
tfidf|{"sublinear_tf": true}|--sublinear-tf
tfidf|{"smooth_idf": false}|--idf plain
tfidf|{"norm": "l1"}|--norm l1
tfidf|{"norm": null}|--norm none
tfidf|{"use_idf": false}|--idf none
tfidf|{"binary": true}|--binary
tfidf|{"binary": true, "sublinear_tf": true, "smooth_idf": false, "norm": "l1"}|--binary --sublinear-tf --idf plain --norm l1
tfidf|{"sublinear_tf": true, "norm": null}|--sublinear-tf --norm=none
count|{}|-C
count|{}|--counts
count|{"binary": true}|-C --binary
tfidf|{}|--f32
count|{}|-C --f32
tfidf|{"min_df": 2}|--min-df 2
tfidf|{"min_df": 0.1, "max_df": 0.5}|--min-df 0.1 --max-df 0.5
tfidf|{"max_df": 3}|--max-df 3
tfidf|{"max_df": 1}|--max-df 1
tfidf|{"min_df": 1e-1}|--min-df 1e-1
tfidf|{"max_features": 5}|--max-features 5
count|{"max_features": 11, "binary": true}|-C --binary --max-features 11
tfidf|{"max_features": 9, "min_df": 2, "max_df": 0.9}|--max-features 9 --min-df 2 --max-df 0.9
EOF
	run sk_ref --batch checks
	echo "$output"
	assert_success
	assert_line "22 checks"
}

@test "tfidf: --max-features keeps the terms of highest count, equal counts in byte order" {
	# the, cat, dog, music are counted 5, 3, 3 and 3 times: of those with 3, the first by bytes
	printf '%s\n' 'the cat dog the' 'the music music music' 'cat the dog zebra' 'the cat dog' \
		| nlp-tfidf -C -t --max-features 3 -o "$BATS_TEST_TMPDIR/v.tsv" > /dev/null
	run cat "$BATS_TEST_TMPDIR/v.tsv"
	assert_output "$(printf 'cat\t3\ndog\t3\nthe\t4')"
	# with --binary a term counts once a document: music falls behind
	printf '%s\n' 'music music music music' 'the cat' 'the dog cat' 'music the' \
		| nlp-tfidf -C --binary -t --max-features 2 -o "$BATS_TEST_TMPDIR/v.tsv" > /dev/null
	run cat "$BATS_TEST_TMPDIR/v.tsv"
	assert_output "$(printf 'cat\t2\nthe\t3')"
}

@test "tfidf: 10,000 lines of enwiki-100M give scikit-learn's TfidfVectorizer() matrix to 1e-6" {
	need_shared enwiki-100M.txt.xz
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	xz -dc "$EN" | head -n 10000 > en.txt
	nlp-tokenize --sklearn en.txt | nlp-tfidf -o en.vocab > en.mat
	run sk_ref tfidf '{}' en.txt en.mat en.vocab
	echo "$output"
	assert_success
	assert_output --partial '10000 x 37129'
	nlp-tokenize --sklearn en.txt | nlp-tfidf -C -o en.vocab > en.mat
	run sk_ref count '{}' en.txt en.mat en.vocab
	echo "$output"
	assert_success
}

@test "tfidf: a training vocabulary with --docs transforms a test set as scikit-learn's fit then transform" {
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	head -n 15 "$TF/small.txt" > train.txt
	tail -n 10 "$TF/small.txt" > test.txt
	nlp-tokenize --sklearn train.txt > train.tok
	nlp-tokenize --sklearn test.txt > test.tok
	n=0
	while IFS='|' read -r cls kw opts fitopts; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		nlp-tfidf $opts $fitopts -o train$n.vocab train.tok > /dev/null
		# shellcheck disable=SC2086
		nlp-tfidf $opts -v train$n.vocab --docs 15 -o test.vocab test.tok > test$n.mat
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "[$opts $fitopts]" "$cls" "$kw" train.txt test$n.mat \
			train$n.vocab test.txt >> checks
		# -o writes the vocabulary's terms with their frequencies in the input
		run cut -f 1 test.vocab
		assert_output "$(cut -f 1 train$n.vocab)"
	done <<'EOF'
tfidf|{}||
tfidf|{"smooth_idf": false, "sublinear_tf": true}|--idf plain --sublinear-tf|
tfidf|{"norm": "l1", "binary": true, "min_df": 2}|--norm l1 --binary|--min-df 2
EOF
	run sk_ref --batch checks
	echo "$output"
	assert_success
	assert_line "3 checks"
	# the last one: the training terms in 2 documents or more, in how many of the test set
	run awk -F '\t' '$2 > 0' test.vocab
	assert_output "$(printf 'and\t7\nare\t1\ncat\t4\ndog\t3\ngarden\t2\nin\t2\nis\t1\nmat\t1\nthe\t6')"
}

@test "tfidf: --vocab without --docs fixes the columns, the idf comes from the input" {
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	# a vocabulary in nlp-vocab's order, with terms the input lacks and without some it has
	nlp-vocab "$BATS_FILE_TMPDIR/small.tok" | head -n 30 > v.tsv
	printf 'absent\t7\nzzz\t1\n' >> v.tsv
	n=0
	for args in "" "-C" "-C --binary" "--sublinear-tf --idf plain --norm l1"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		nlp-tfidf $args -v v.tsv -o out.tsv "$BATS_FILE_TMPDIR/small.tok" > m$n.mat
		kw='{"vocabulary": "@"}'
		cls=tfidf
		case "$args" in
		-C) cls=count ;;
		"-C --binary") cls=count kw='{"vocabulary": "@", "binary": true}' ;;
		--sub*) kw='{"vocabulary": "@", "sublinear_tf": true, "smooth_idf": false, "norm": "l1"}' ;;
		esac
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "[$args]" "$cls" "$kw" "$TF/small.txt" m$n.mat v.tsv >> checks
	done
	run sk_ref --batch checks
	echo "$output"
	assert_success
	assert_line "4 checks"
	run tail -n 2 out.tsv
	assert_output "$(printf 'absent\t0\nzzz\t0')"
	[ "$(cut -f 1 out.tsv)" = "$(cut -f 1 v.tsv)" ]
}

@test "tfidf: document frequencies of shards merge with nlp-vocab --merge into those of the whole" {
	cd "$BATS_TEST_TMPDIR"
	head -n 12 "$BATS_FILE_TMPDIR/small.tok" > a.tok
	tail -n +13 "$BATS_FILE_TMPDIR/small.tok" > b.tok
	nlp-tfidf -C -o a.df a.tok > /dev/null
	nlp-tfidf -C -o b.df b.tok > /dev/null
	nlp-vocab --merge a.df b.df > ab.df
	nlp-tfidf -v ab.df --docs 25 --sublinear-tf a.tok b.tok > merged.mat
	nlp-tfidf -v ab.df --sublinear-tf a.tok b.tok > whole.mat
	cmp merged.mat whole.mat
	nlp-tfidf -v ab.df --docs 25 --top 3 b.tok > top-merged.txt
	nlp-tfidf -v ab.df --top 3 a.tok b.tok | tail -n 13 > top-whole.txt
	cmp top-merged.txt top-whole.txt
}

@test "tfidf: --top lists each row's largest weights, as the matrix holds them" {
	cd "$BATS_TEST_TMPDIR"
	for opts in "" "-C" "--sublinear-tf --norm l1" "--idf notes"; do
		# shellcheck disable=SC2086
		nlp-tfidf $opts --top 4 "$BATS_FILE_TMPDIR/small.tok" > top.txt
		# shellcheck disable=SC2086
		nlp-tfidf $opts -t -o v.tsv "$BATS_FILE_TMPDIR/small.tok" > m.txt
		run $PY - m.txt v.tsv top.txt 25 <<'EOF'
import sys
m, v, top, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
terms = [l.split('\t')[0] for l in open(v, encoding='utf-8').read().split('\n')[:-1]]
row = [[] for _ in range(rows)]
for l in open(m):
    r, c, w = l.split('\t')
    row[int(r)].append((-float(w), terms[int(c)].encode(), w.strip()))
want = [' '.join('%s:%s' % (t.decode(), s) for _, t, s in sorted(x)[:4]) for x in row]
got = open(top, encoding='utf-8').read().split('\n')[:-1]
print('%d of %d lines agree' % (sum(a == b for a, b in zip(want, got)), len(want)))
sys.exit(want != got)
EOF
		echo "$opts: $output"
		assert_output '25 of 25 lines agree'
	done
	# an empty document gives an empty line
	nlp-tfidf --top 3 "$BATS_FILE_TMPDIR/small.tok" > top.txt
	[ "$(wc -l < top.txt)" -eq 25 ] && [ -z "$(sed -n 5p top.txt)" ] && [ -n "$(sed -n 4p top.txt)" ]
	# a term with a colon: the weight follows the last colon
	run bash -c "echo 'a:b c' | nlp-tfidf --top 1 -C"
	assert_output 'a:b:1'
}

@test "tfidf: --f32 writes float32 values, each the rounding of the float64 one" {
	cd "$BATS_TEST_TMPDIR"
	nlp-tfidf --f32 "$BATS_FILE_TMPDIR/small.tok" > f32.mat
	run header f32.mat
	assert_line --index 1 '1 2 1 0'
	nlp-mat print f32.mat > f32.txt
	nlp-tfidf -t "$BATS_FILE_TMPDIR/small.tok" > f64.txt
	run $PY -c '
import sys, numpy as np
a = [l.split("\t") for l in open(sys.argv[1])]
b = [l.split("\t") for l in open(sys.argv[2])]
assert [x[:2] for x in a] == [x[:2] for x in b]
print(sum(np.float32(float(x[2])) == np.float32(float(y[2])) for x, y in zip(a, b)), "of", len(a))
' f32.txt f64.txt
	assert_output "$(wc -l < f64.txt) of $(wc -l < f64.txt)"
	run bash -c "nlp-tfidf --f32 -t '$BATS_FILE_TMPDIR/notes.tok' | head -n 1"
	assert_output "$(printf '0\t2\t0.39687455')"
}

@test "tfidf: empty input gives a valid empty matrix; empty lines are empty rows" {
	cd "$BATS_TEST_TMPDIR"
	nlp-tfidf -o v.tsv < /dev/null > empty.mat
	run header empty.mat
	assert_output "$(printf 'NLPMATRX\n1 2 2 0\n0 0 0')"
	[ "$(wc -c < empty.mat)" -eq 64 ] && [ ! -s v.tsv ]
	run nlp-mat info empty.mat
	assert_success
	run nlp-tfidf -t < /dev/null
	assert_success
	assert_output ''
	run nlp-tfidf --top 2 < /dev/null
	assert_success
	assert_output ''
	printf '\n \n\t\n' | nlp-tfidf > blank.mat
	run header blank.mat
	assert_output "$(printf 'NLPMATRX\n1 2 2 0\n3 0 0')"
	run bash -c "printf '\n\n' | nlp-tfidf --top 2 | od -An -c"
	assert_output '  \n  \n'
	# with a vocabulary the columns are there
	printf 'a\t1\nb\t1\n' > v2.tsv
	nlp-tfidf -v v2.tsv < /dev/null > empty2.mat
	run header empty2.mat
	assert_output "$(printf 'NLPMATRX\n1 2 2 0\n0 2 0')"
}

@test "tfidf: invalid UTF-8 is replaced, skipped or fails as --invalid says" {
	cd "$BATS_TEST_TMPDIR"
	printf 'a\xffb cd\ncd\n' > bad.tok
	run --separate-stderr nlp-tfidf -C -t -o v.tsv bad.tok
	assert_success
	assert_output "$(printf '0\t0\t1\n0\t1\t1\n1\t1\t1')"
	assert_equal "$(cut -f 1 v.tsv | head -n 1)" "$(printf 'a\xef\xbf\xbdb')"
	assert_equal "$stderr" "nlp-tfidf: bad.tok: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	run --separate-stderr nlp-tfidf -C -t -o v.tsv --invalid=skip bad.tok
	assert_success
	assert_equal "$(cut -f 1 v.tsv | tr '\n' ' ')" "ab cd "
	run --separate-stderr nlp-tfidf -C -t -o v2.tsv --invalid fail bad.tok
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-tfidf: bad.tok: line 1, byte 2: invalid UTF-8"
	[ ! -e v2.tsv ]
}

@test "tfidf: a 10 MB line is one document, counted whole" {
	# (far beyond every buffer; 1 + ln(1000000) is the sublinear weight)
	$PY -c 'import sys; sys.stdout.buffer.write(b"word text " * 1000000 + b"\n")' > "$BATS_TEST_TMPDIR/big.txt"
	run timeout 120 nlp-tfidf -C -t "$BATS_TEST_TMPDIR/big.txt"
	assert_output "$(printf '0\t0\t1000000\n0\t1\t1000000')"
	run timeout 120 nlp-tfidf --top 2 --sublinear-tf --norm none "$BATS_TEST_TMPDIR/big.txt"
	assert_output "text:14.815510557964274 word:14.815510557964274"
}

@test "tfidf: bad option values exit 2 with the reason" {
	printf 'a\t1\n' > "$BATS_TEST_TMPDIR/v.tsv"
	V="$BATS_TEST_TMPDIR/v.tsv"
	while IFS='|' read -r args why; do
		# shellcheck disable=SC2086
		run --separate-stderr nlp-tfidf $args < /dev/null
		assert_failure 2
		[[ "$stderr" == *"$why"* ]] || fail "$args: $stderr"
		[[ "$stderr" == *"usage: nlp-tfidf"* || "$stderr" == "nlp-tfidf: "* ]] || fail "$args: $stderr"
	done <<EOF
--idf foo|nlp-tfidf: --idf: 'foo' is not smooth, plain, notes or none
--norm l3|nlp-tfidf: --norm: 'l3' is not l2, l1 or none
--top 0|nlp-tfidf: --top: value '0' is too small
--top x|nlp-tfidf: --top: value 'x' is invalid
--min-df -1|nlp-tfidf: --min-df: value '-1' is too small
--min-df 1.5|nlp-tfidf: --min-df: value '1.5' is too large
--max-df abc|nlp-tfidf: --max-df: value 'abc' is invalid
--max-df 0.5x|nlp-tfidf: --max-df: value '0.5x' is invalid
--max-features 0|nlp-tfidf: --max-features: value '0' is too small
--docs 0 -v $V|nlp-tfidf: --docs: value '0' is too small
--docs 5|nlp-tfidf: --docs needs --vocab and an idf
--docs 5 -v $V --idf none|nlp-tfidf: --docs needs --vocab and an idf
--docs 5 -v $V -C|nlp-tfidf: --docs needs --vocab and an idf
-C --idf smooth|nlp-tfidf: --counts excludes --sublinear-tf, --idf and --norm
-C --norm l1|nlp-tfidf: --counts excludes
--counts --sublinear-tf|nlp-tfidf: --counts excludes
-v $V --min-df 2|nlp-tfidf: --min-df, --max-df and --max-features choose terms: not with --vocab
-v $V --max-features 2|choose terms: not with --vocab
-t --top 2|nlp-tfidf: --top and --text exclude each other
--max-df 1 --min-df 2|nlp-tfidf: --max-df is below --min-df
--invalid maybe|nlp-tfidf: --invalid: 'maybe' is not replace, skip or fail
--no-such-option|usage: nlp-tfidf
--idf|usage: nlp-tfidf
-v|usage: nlp-tfidf
EOF
}

@test "tfidf: a share of --max-df below --min-df is a runtime error" {
	run --separate-stderr nlp-tfidf -t --max-df 0.1 --min-df 5 "$BATS_FILE_TMPDIR/small.tok"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-tfidf: --max-df comes to 2.5 documents, fewer than the 5 of --min-df (of 25 documents)"
}

@test "tfidf: bad vocabularies are rejected with the file, the line and the reason" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr nlp-tfidf -t -v /no/such /dev/null
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: open /no/such: No such file or directory"
	head -c 3000 /dev/urandom > random.bin
	printf 'a\t1\nb\tx\n' > badcount.tsv
	printf 'a\t1\na\t2\n' > twice.tsv
	printf 'a b\t1\n' > space.tsv
	printf 'a\t1\n\xff\t1\n' > utf8.tsv
	for f in random.bin badcount.tsv twice.tsv space.tsv utf8.tsv; do
		run --separate-stderr nlp-tfidf -t -v $f "$BATS_FILE_TMPDIR/notes.tok"
		assert_failure 1
		assert_output ''
		[[ "$stderr" == "nlp-tfidf: $f: line "[0-9]*": "* ]] || fail "$f: $stderr"
	done
	run --separate-stderr nlp-tfidf -t -v twice.tsv /dev/null
	assert_equal "$stderr" "nlp-tfidf: twice.tsv: line 2: the token is already in the vocabulary"
	printf 'actor\t2\nthis\t4\n' > high.tsv
	run --separate-stderr nlp-tfidf -t -v high.tsv --docs 3 "$BATS_FILE_TMPDIR/notes.tok"
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: high.tsv: line 2: document frequency 4 is above --docs 3"
	printf 'actor\t2\nthis\t0\n' > zero.tsv
	run --separate-stderr nlp-tfidf -t -v zero.tsv --docs 3 --idf plain "$BATS_FILE_TMPDIR/notes.tok"
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: zero.tsv: line 2: document frequency 0: --idf plain divides by it"
	# a count of 0 is fine for the smoothed idf: ln(4/1) + 1 for "this"
	run nlp-tfidf --top 1 -v zero.tsv --docs 3 --norm none "$BATS_FILE_TMPDIR/notes.tok"
	assert_output "$(printf 'this:2.386294361119891\n%.0s' 1 2 3)"
}

@test "tfidf: an input that fails is reported, the others read, and nothing written" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr nlp-tfidf -t -o v.tsv "$BATS_FILE_TMPDIR/notes.tok" /no/such "$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "$(printf 'nlp-tfidf: open /no/such: No such file or directory\nnlp-tfidf: read %s: Is a directory' "$BATS_TEST_TMPDIR")"
	[ ! -e v.tsv ]
	run --separate-stderr nlp-tfidf -t -o "$BATS_TEST_TMPDIR" "$BATS_FILE_TMPDIR/notes.tok"
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: open $BATS_TEST_TMPDIR: Is a directory"
}

@test "tfidf: the temporary file goes to TMPDIR; one that cannot be made is an error" {
	run --separate-stderr env TMPDIR=/no/such/dir nlp-tfidf -t "$BATS_FILE_TMPDIR/notes.tok"
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: temporary file: No such file or directory"
	mkdir "$BATS_TEST_TMPDIR/t"
	run env TMPDIR="$BATS_TEST_TMPDIR/t" nlp-tfidf --top 1 "$BATS_FILE_TMPDIR/notes.tok"
	assert_success
	assert_line --index 0 'movie:0.7937490816572806'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/t")" ]
}

@test "tfidf: a closed pipe ends quietly; a full disk is an error" {
	yes 'the word list goes on and on' | head -n 100000 | nl > "$BATS_TEST_TMPDIR/in.txt"
	for p in "nlp-tfidf -t" "nlp-tfidf --top 3" "nlp-tfidf"; do
		run --separate-stderr bash -c "$p < '$BATS_TEST_TMPDIR/in.txt' | head -c 100 | wc -c"
		assert_success
		[ "$output" = 100 ] && [ -z "$stderr" ] || fail "$p: '$output' '$stderr'"
		[ -w /dev/full ] || continue
		run --separate-stderr bash -c "$p < '$BATS_TEST_TMPDIR/in.txt' > /dev/full"
		assert_failure 1
		assert_equal "$stderr" "nlp-tfidf: write <stdout>: No space left on device"
	done
	[ -w /dev/full ] || skip "needs /dev/full"
	run --separate-stderr nlp-tfidf -t -o /dev/full "$BATS_FILE_TMPDIR/notes.tok"
	assert_failure 1
	assert_equal "$stderr" "nlp-tfidf: write /dev/full: No space left on device"
}

@test "tfidf: binary output to a terminal is refused before reading input; --text and --top are fine" {
	command -v script > /dev/null || skip "needs script (bsdutils)"
	cd "$BATS_TEST_TMPDIR"
	mkfifo never-written
	run timeout 20 script -qec "nlp-tfidf never-written" /dev/null
	assert_failure 1
	assert_output --partial 'nlp-tfidf: not writing a binary matrix to a terminal (use --text or --top, or redirect)'
	run timeout 20 script -qec "nlp-tfidf --top 1 '$BATS_FILE_TMPDIR/notes.tok'" /dev/null
	assert_success
	assert_output --partial 'movie:0.7937490816572806'
}

@test "tfidf: --progress reports on stderr only; --help lists every option; --version" {
	run --separate-stderr nlp-tfidf --progress -t "$BATS_FILE_TMPDIR/notes.tok"
	assert_success
	[[ "$stderr" == "nlp-tfidf: 3 documents ("*" B) read, "*" terms, "*" non-zeros, "*" s, peak "* ]] ||
		fail "$stderr"
	assert_output "$(nlp-tfidf -t "$BATS_FILE_TMPDIR/notes.tok")"
	run nlp-tfidf --help
	assert_success
	assert_line --index 0 --partial 'usage: nlp-tfidf'
	for o in --counts --binary --sublinear-tf --idf --norm --vocab --docs --min-df --max-df \
		--max-features --vocab-out --text --top --f32 --invalid --progress --help --version; do
		[[ "$output" == *"$o"* ]] || fail "--help lacks $o"
	done
	run nlp-tfidf --version
	assert_output --regexp '^nlp-tfidf [0-9]'
}
