#!/usr/bin/env bats
# examples: the EXAMPLES of every manual page, run against the output each page shows, so that
# the pages cannot drift from the programs: from the build tree, and from an installed tree that
# setup_file makes with `make install PREFIX=...` (the sanitizer build), with the pages as
# installed, so that an example that works only in the source tree fails: each installed page
# must be its page with the installed examples' directory, and the examples of the pages that
# call a program finding its own files by its place (nlp-stopword, nlp) run there again.
#
# The convention a page keeps for its examples to be checked (tests/examples.py reads it):
# - Only the EXAMPLES section counts, and in it only the literal displays (.Bd -literal ... .Ed)
#   whose first line starts with "$ ". Other displays (a script, a file's contents) are text.
# - A line starting with "$ " is a command. It goes on over the next lines while a line ends
#   with "\e" (a backslash: the shell's line continuation) or with "|".
# - The lines after a command, up to the next "$ " line or .Ed, are its shown output: standard
#   output and standard error together, as a terminal shows them. A command with no lines after
#   it shows no output, and must write none (it makes files for the commands after it); a long
#   output is shown trimmed, by a "| head -n 3" in the command.
# - Every command must exit 0; an example of a failure shows its status with "; echo $?".
# - The roff escapes \e (backslash), \& (nothing), \- (hyphen), \(aq, \(dq and \(ga are read as
#   the characters they print; any other escape in an example is an error of the page.
# - The commands of a page run in order, in one empty directory, each in its own bash, so a
#   command may read the files that commands before it wrote. The directory of the programs
#   under test comes first on PATH, then /usr/bin and /bin.
# - The files that examples read are those make install puts in PREFIX/share/nlp/examples, named
#   as /usr/local/share/nlp/examples/FILE (the Makefile's MAN_EXAMPLES), which install replaces
#   with its PREFIX's directory; from the build tree the test reads them in share/nlp/examples.
# - A display the test cannot run (it needs the network, a terminal, or its output is another
#   program's that differs from system to system) is marked with the comment line
#       .\" examples: skip
#   directly before its .Bd line, and the text or a comment says why.
# Every page in man/ has a test below that calls check_page with its path.

load helper

# the installed tree: the sanitizer build, the pages and the data, as make install puts them
setup_file() {
	local bins=build/asan/bin/nlp p
	for p in $PROGS; do
		bins="$bins build/asan/bin/nlp-$p"
	done
	export PREFIX_DIR="$BATS_FILE_TMPDIR/prefix"
	# (not the jobserver of a make check this may run under)
	MAKEFLAGS= MAKELEVEL= make -s -C "$NLP_TOP" install PREFIX="$PREFIX_DIR" DESTDIR= BINS="$bins" \
		> /dev/null ||
		fail "make install PREFIX=$PREFIX_DIR failed"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	BIN=$(dirname "$(command -v nlp)")
}

# run_page PAGE BINDIR: runs the examples of the page file with BINDIR first on PATH, in a
# directory of their own, and compares each shown output (examples.py --run: the commands of a
# page in one Python, which says on stderr what failed).
run_page() {
	local page=$1 bin=$2 ex n
	ex=$(mktemp -d ex.XXXXXX)
	# (fail only prints and returns: check_page calls this in a list, where bats' set -e is off)
	n=$($PY "$BATS_TEST_DIRNAME/examples.py" --run "$bin" "$page" "$ex") ||
		{ fail "$page: the examples failed"; return; }
	echo "# $page: $n commands run" >&3
}

# check_page man/manN/PAGE: runs the page's examples from the build tree, the example files read
# in share/nlp/examples, then the installed page's from the installed tree (an absolute path is a
# page outside the tree, run from the build tree alone).
check_page() {
	local mandir
	if [[ "$1" == /* ]]; then
		run_page "$1" "$BIN"
		return
	fi
	mandir=$(sed -n 's/^MAN_EXAMPLES = //p' "$NLP_TOP/Makefile")
	[ -n "$mandir" ] || { fail "no MAN_EXAMPLES in the Makefile"; return; }
	mkdir -p built
	sed "s|$mandir|$NLP_TOP/share/nlp/examples|g" "$NLP_TOP/$1" > "built/${1##*/}"
	run_page "built/${1##*/}" "$BIN" || return
	! grep -q "$mandir" "$PREFIX_DIR/share/$1" ||
		{ fail "the installed $1 still names $mandir"; return; }
	# The installed page must be the page with the installed examples' directory for the
	# source tree's: the same commands on the same files (make install copies
	# share/nlp/examples whole), run by the same sanitizer build. What can differ once installed
	# is where a program finds its own files (cli/paths.c: nlp-stopword's lists and particles,
	# the nlp dispatcher's programs), so the installed page's examples run again when they call
	# one of those, and only then (the second run of every page took half of this file's time).
	sed "s|$PREFIX_DIR/share/nlp/examples|$NLP_TOP/share/nlp/examples|g" "$PREFIX_DIR/share/$1" |
		cmp -s - "built/${1##*/}" ||
		{ fail "the installed $1 is not the page with the installed examples' directory"; return; }
	if awk '/^\.Sh EXAMPLES/ { e = 1; next } /^\.Sh / { e = 0 } e' "$PREFIX_DIR/share/$1" |
		grep -qE 'nlp-stopword|(^\$ |[|;&(] *)nlp( |$)'; then
		run_page "$PREFIX_DIR/share/$1" "$PREFIX_DIR/bin"
	fi
}

@test "examples: the convention is read as the header says" {
	cat > page.1 <<-'EOF'
	.Sh DESCRIPTION
	.Bd -literal
	$ not run: not in EXAMPLES
	.Ed
	.Sh EXAMPLES
	.Bd -literal -offset indent
	$ printf 'a\e\enb\en' > f; echo \e
	    "x\(aqy" |
	    cat
	x'y
	$ cat f
	a\enb
	$ printf '%s\en' \-1 '\(dq' '\&.'
	\-1
	"
	\&.
	.Ed
	.Bd -literal
	not a command: a file's contents
	.Ed
	.\" examples: skip
	.Bd -literal
	$ false
	.Ed
	.Sh SEE ALSO
	.Bd -literal
	$ not run either
	.Ed
	EOF
	/usr/bin/python3 "$BATS_TEST_DIRNAME/examples.py" page.1 ex
	run cat ex/cmd.1
	assert_output "$(printf '%s\n' "printf 'a\\\\nb\\n' > f; echo \\" "    \"x'y\" |" '    cat')"
	run cat ex/want.1
	assert_output "x'y"
	run cat ex/want.2
	assert_output 'a\nb'
	run cat ex/want.3
	assert_output "$(printf '%s\n' '-1' '"' '.')"
	[ ! -f ex/cmd.4 ] || fail "a skipped or non-example display was read: $(cat ex/cmd.4)"
	rm -r ex
	check_page "$PWD/page.1"
}

@test "examples: an unknown escape and a wrong output are errors" {
	printf '%s\n' '.Sh EXAMPLES' '.Bd -literal' '$ echo \fBx' '.Ed' > bad.1
	run /usr/bin/python3 "$BATS_TEST_DIRNAME/examples.py" bad.1 ex
	assert_failure
	assert_output --partial 'bad.1:3: escape \f'
	printf '%s\n' '.Sh EXAMPLES' '.Bd -literal' '$ echo hello' 'goodbye' '.Ed' > wrong.1
	run check_page "$PWD/wrong.1"
	assert_failure
	assert_output --partial '-goodbye'
	assert_output --partial '+hello'
	printf '%s\n' '.Sh EXAMPLES' '.Bd -literal' '$ echo > f' '$ echo unshown' '.Ed' > unshown.1
	run check_page "$PWD/unshown.1"
	assert_failure
	assert_output --partial '+unshown'
}

@test "examples: every manual page has its test here" {
	local page missing=
	for page in "$NLP_TOP"/man/man[157]/*.[157]; do
		page=${page#"$NLP_TOP/"}
		grep -q "check_page $page;" "$BATS_TEST_FILENAME" || missing="$missing $page"
	done
	[ -z "$missing" ] || fail "pages without a test in examples.bats:$missing"
}

# one test a page; the pages that read matrices in Python need SciPy
@test "examples: nlp(1)" { check_page man/man1/nlp.1; }
@test "examples: nlp-bpe(1)" { check_page man/man1/nlp-bpe.1; }
@test "examples: nlp-classify(1)" { check_page man/man1/nlp-classify.1; }
@test "examples: nlp-cooccur(1)" { need_python_module scipy; check_page man/man1/nlp-cooccur.1; }
@test "examples: nlp-glove(1)" { check_page man/man1/nlp-glove.1; }
@test "examples: nlp-lm(1)" { check_page man/man1/nlp-lm.1; }
@test "examples: nlp-mat(1)" { need_python_module scipy; check_page man/man1/nlp-mat.1; }
@test "examples: nlp-ngram(1)" { check_page man/man1/nlp-ngram.1; }
@test "examples: nlp-normalize(1)" { check_page man/man1/nlp-normalize.1; }
@test "examples: nlp-perplexity(1)" { check_page man/man1/nlp-perplexity.1; }
@test "examples: nlp-ppmi(1)" { check_page man/man1/nlp-ppmi.1; }
@test "examples: nlp-rnnlm(1)" { check_page man/man1/nlp-rnnlm.1; }
@test "examples: nlp-seq2seq(1)" { check_page man/man1/nlp-seq2seq.1; }
@test "examples: nlp-similar(1)" { check_page man/man1/nlp-similar.1; }
@test "examples: nlp-stem(1)" { check_page man/man1/nlp-stem.1; }
@test "examples: nlp-stopword(1)" { check_page man/man1/nlp-stopword.1; }
@test "examples: nlp-svd(1)" { check_page man/man1/nlp-svd.1; }
@test "examples: nlp-tag(1)" { check_page man/man1/nlp-tag.1; }
@test "examples: nlp-w2v(1)" { check_page man/man1/nlp-w2v.1; }
@test "examples: nlp-tfidf(1)" { need_python_module scipy; check_page man/man1/nlp-tfidf.1; }
@test "examples: nlp-tokenize(1)" { check_page man/man1/nlp-tokenize.1; }
@test "examples: nlp-vocab(1)" { check_page man/man1/nlp-vocab.1; }
@test "examples: nlp-arpa(5)" { check_page man/man5/nlp-arpa.5; }
@test "examples: nlp-bpe(5)" { check_page man/man5/nlp-bpe.5; }
@test "examples: nlp-classify-model(5)" { check_page man/man5/nlp-classify-model.5; }
@test "examples: nlp-glove-model(5)" { check_page man/man5/nlp-glove-model.5; }
@test "examples: nlp-matrix(5)" { check_page man/man5/nlp-matrix.5; }
@test "examples: nlp-rnnlm-model(5)" { check_page man/man5/nlp-rnnlm-model.5; }
@test "examples: nlp-seq2seq-model(5)" { check_page man/man5/nlp-seq2seq-model.5; }
@test "examples: nlp-tag-model(5)" { check_page man/man5/nlp-tag-model.5; }
@test "examples: nlp-w2v-model(5)" { check_page man/man5/nlp-w2v-model.5; }
@test "examples: nlp(7)" { check_page man/man7/nlp.7; }
