#!/usr/bin/env bats
# layout: every program has its source, man page and tests; every option its --help prints is in
# its page; every short option letter means what the table of nlp(7) says; man pages lint clean;
# the README keeps its two set-up commands; every module that reads files has a fuzz target.

load helper

# letters_table: the table "Option letters" of nlp(7), one line per letter:
# LETTER<TAB>LONG OPTION<TAB>STAGES (space-separated, or "all").
letters_table() {
	awk '/^\.Ss Option letters$/ { on = 1; next }
	     on && /^\.(Ss|Sh|El)/ { exit }
	     on && /^\.It Fl [A-Za-z] Ta Fl -[a-z0-9-]+ Ta / {
	         split($0, f, / Ta /); p = f[3]; gsub(/, */, " ", p)
	         print substr(f[1], 8) "\t" substr(f[2], 5) "\t" p }' "$NLP_TOP/man/man7/nlp.7"
}

# help_letters: the short options of a --help text on stdin, one line per option:
# LETTER<TAB>LONG OPTION (empty when the letter has none).
help_letters() {
	sed -nE 's/^ +-([A-Za-z])(, --([a-z0-9-]+))?([ =\[].*)?$/\1\t\3/p'
}

# check_letters TABLE STAGE: the short options of STAGE's --help text on stdin against TABLE (as
# letters_table prints it): prints one line per disagreement, nothing when they agree. A letter of
# the help must be the table's, stand for the table's long option and be listed for STAGE; every
# letter the table lists for STAGE must be in the help.
check_letters() {
	help_letters | awk -F'\t' -v prog="$2" '
		NR == FNR {
			long[$1] = $2
			n = split($3, s, " ")
			for (i = 1; i <= n; i++) if (s[i] == prog || s[i] == "all") mine[$1] = 1
			next
		}
		{
			seen[$1] = 1
			if (!($1 in long)) print "nlp-" prog ": -" $1 " (" ($2 == "" ? "no long form" : "--" $2) ") is not in the table"
			else if ($2 != long[$1]) print "nlp-" prog ": -" $1 " is --" $2 "; the table says -" $1 " is --" long[$1]
			else if (!($1 in mine)) print "nlp-" prog ": -" $1 " (--" $2 ") is not listed for " prog " in the table"
		}
		END {
			for (l in mine) if (!(l in seen)) print "nlp-" prog ": the table gives -" l " (--" long[l] "), --help does not"
		}' "$1" - | LC_ALL=C sort
}

# help_of_table TABLE STAGE: the --help option lines STAGE would print if it followed TABLE exactly.
help_of_table() {
	awk -F'\t' -v prog="$2" '{ n = split($3, s, " "); for (i = 1; i <= n; i++)
		if (s[i] == prog || s[i] == "all") printf "  -%s, --%s    what it does\n", $1, $2 }' "$1"
}

@test "layout: each program has src, man page, bats file and a binary" {
	for p in $PROGS; do
		[ -f "$NLP_TOP/src/nlp-$p.c" ] || fail "no src/nlp-$p.c"
		[ -f "$NLP_TOP/man/man1/nlp-$p.1" ] || fail "no man/man1/nlp-$p.1"
		[ -f "$NLP_TOP/tests/nlp-$p.bats" ] || fail "no tests/nlp-$p.bats"
		command -v "nlp-$p" >/dev/null || fail "nlp-$p not built"
	done
	[ -f "$NLP_TOP/man/man1/nlp.1" ] && [ -f "$NLP_TOP/man/man7/nlp.7" ]
}

@test "layout: no stray program sources outside the Makefile's list" {
	for f in "$NLP_TOP"/src/nlp-*.c; do
		p=$(basename "$f" .c); p=${p#nlp-}
		[[ " $PROGS " == *" $p "* ]] || fail "src/nlp-$p.c is not in PROGS"
	done
}

# (the pages are matched by bash's [[ =~ ]], the extended regular expressions of grep -E, on the
# whole page: no pattern can match a newline, so as on one of its lines; a process a program,
# not one an option)
@test "layout: every option in --help appears in the man page" {
	for p in $PROGS; do
		page="$NLP_TOP/man/man1/nlp-$p.1"
		text=$(< "$page")
		help=$("nlp-$p" --help)
		for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$help" | sort -u); do
			re="(Fl|\\\\-|-)-?${o#--}\\b"
			[[ $text =~ $re ]] || fail "nlp-$p: $o missing from $page"
		done
		for o in $(grep -oE -- '^  -[A-Za-z]' <<<"$help" | tr -d ' ' | sort -u); do
			re="Fl ${o#-}\\b|Fl ${o#-}[A-Za-z]*\\b|\\\\-${o#-}\\b"
			[[ $text =~ $re ]] || fail "nlp-$p: $o missing from $page"
		done
	done
}

@test "layout: the usage line of --help matches the page's SYNOPSIS options" {
	for p in $PROGS; do
		synopsis=$("nlp-$p" --help | head -n 1)
		rendered=$(MANWIDTH=200 mandoc -Tascii "$NLP_TOP/man/man1/nlp-$p.1" | col -b)
		for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$synopsis"); do
			[[ $rendered == *"$o"* ]] || fail "nlp-$p: $o of the usage line not in the page"
		done
	done
}

@test "layout: mandoc -Tlint reports nothing" {
	command -v mandoc >/dev/null || skip "needs mandoc"
	run mandoc -Tlint -Wwarning "$NLP_TOP"/man/man1/*.1 "$NLP_TOP"/man/man5/*.5 "$NLP_TOP"/man/man7/*.7
	assert_success
	assert_output ''
}

@test "layout: README shows exactly the two set-up commands and .ci/run runs make check" {
	# the commands of the first code block under "## Set up", comments and blank lines aside
	run awk '/^## Set up/ { sec = 1; next } sec && /^## / { exit }
		sec && /^```/ { if (code) exit; code = 1; next }
		code { sub(/[ \t]*#.*/, ""); if ($0 != "") print }' "$NLP_TOP/README.md"
	assert_success
	assert_output "$(printf 'make demo\nmake check')"
	grep -qx 'make check' "$NLP_TOP/.ci/run" || fail ".ci/run has no line 'make check'"
}

@test "layout: nlp(7) has one table of option letters: one long option per letter, one letter per long option" {
	letters_table > "$BATS_TEST_TMPDIR/table"
	run wc -l < "$BATS_TEST_TMPDIR/table"
	[ "$output" -ge 30 ] || fail "only $output rows in the table of nlp(7)"
	run bash -c "cut -f1 '$BATS_TEST_TMPDIR/table' | sort | uniq -d"
	assert_output ''
	run bash -c "cut -f2 '$BATS_TEST_TMPDIR/table' | sort | uniq -d"
	assert_output ''
	# every stage the table names is a program, and --help is every program's -h
	for s in $(cut -f3 "$BATS_TEST_TMPDIR/table"); do
		[[ " $PROGS all " == *" $s "* ]] || fail "the table names '$s', not a stage"
	done
	assert_equal "$(grep -P '^h\t' "$BATS_TEST_TMPDIR/table")" "$(printf 'h\thelp\tall')"
}

@test "layout: check_letters accepts the table itself and names each kind of disagreement" {
	letters_table > "$BATS_TEST_TMPDIR/table"
	for p in $PROGS; do
		help_of_table "$BATS_TEST_TMPDIR/table" "$p" > "$BATS_TEST_TMPDIR/help"
		[ -s "$BATS_TEST_TMPDIR/help" ] || fail "no letters for $p"
		run check_letters "$BATS_TEST_TMPDIR/table" "$p" < "$BATS_TEST_TMPDIR/help"
		assert_success
		assert_output ''
	done
	# nlp-similar as it was: -t threads, -r restrict, -m method, -f format
	{
		help_of_table "$BATS_TEST_TMPDIR/table" similar | grep -vE -- '--(threads|restrict)'
		printf '  -t, --threads N        threads\n  -r, --restrict N       candidates\n'
		printf '  -m, --method METHOD    add or mul\n  -f, --format FORMAT    text\n'
		printf '  -x                     no long form\n'
	} > "$BATS_TEST_TMPDIR/help"
	run check_letters "$BATS_TEST_TMPDIR/table" similar < "$BATS_TEST_TMPDIR/help"
	assert_output "$(printf '%s\n' \
		'nlp-similar: -f is --format; the table says -f is --form' \
		'nlp-similar: -m is --method; the table says -m is --merge' \
		'nlp-similar: -r is --restrict; the table says -r is --replace-all' \
		'nlp-similar: -t is --threads; the table says -t is --text' \
		'nlp-similar: -x (no long form) is not in the table' \
		'nlp-similar: the table gives -R (--restrict), --help does not' \
		'nlp-similar: the table gives -T (--threads), --help does not')"
	# a letter of the table that is another stage's
	printf '  -w, --window N\n' >> "$BATS_TEST_TMPDIR/help"
	run check_letters "$BATS_TEST_TMPDIR/table" similar < "$BATS_TEST_TMPDIR/help"
	assert_line 'nlp-similar: -w (--window) is not listed for similar in the table'
}

@test "layout: every program's short options are the letters of the table in nlp(7)" {
	letters_table > "$BATS_TEST_TMPDIR/table"
	bad=0
	for p in $PROGS; do
		"nlp-$p" --help > "$BATS_TEST_TMPDIR/help" || fail "nlp-$p --help: exit $?"
		[ -s "$BATS_TEST_TMPDIR/help" ] || fail "nlp-$p --help printed nothing"
		check_letters "$BATS_TEST_TMPDIR/table" "$p" < "$BATS_TEST_TMPDIR/help" > "$BATS_TEST_TMPDIR/diff"
		if [ -s "$BATS_TEST_TMPDIR/diff" ]; then
			cat "$BATS_TEST_TMPDIR/diff"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ] || fail "$bad programs disagree with the table of option letters in nlp(7)"
}

@test "layout: every library module that reads files has a fuzz target that names it, with seeds" {
	# modules that read no structured file: the reader itself, the line loop of the text
	# stages, what reads the counting stages' and nlp-tfidf's own temporary files, and
	# nlp-w2v's corpus (lines of tokens, any bytes; its saved model has vec/w2vmodel.c's target)
	local plain=" base/io.c cli/filter.c count/cooc.c count/ngc.c vec/tfidf.c vec/w2v.c " f m t n
	cd "$NLP_TOP"
	for f in $(grep -lE 'reader_(line|read|open)\(' lib/*/*.c); do
		m=${f#lib/}
		[[ $plain == *" $m "* ]] && continue
		grep -qF "$m" tests/fuzz/fuzz-*.c || fail "$m reads files; no tests/fuzz/fuzz-*.c names it"
	done
	for t in tests/fuzz/fuzz-*.c; do
		n=$(basename "$t" .c)
		n=${n#fuzz-}
		[ -n "$(ls -A "tests/fuzz/$n" 2>/dev/null)" ] || fail "$t has no seeds in tests/fuzz/$n/"
	done
}

@test "layout: lib/ keeps its layers (tests/layers.sh): no include of a layer above, no printing or exiting below cli/" {
	run "$NLP_TOP/tests/layers.sh" "$NLP_TOP/lib"
	assert_output ''
	assert_success
}

@test "layout: tests/layers.sh catches includes from above or in <...>, printing, exiting and asserting below cli/, nested folders" {
	tmp=$(mktemp -d)
	cp -r "$NLP_TOP/lib/." "$tmp/"
	printf '#include "cli/err.h"\nstatic void f(void) { exit(1); }\n' >> "$tmp/base/rng.c"
	printf '#include "utf8.h"\n' >> "$tmp/text/pat.h"
	printf '#include <cli/out.h>\nstatic void g(va_list a) { vfprintf(f, "x", a); assert(0); }\n' >> "$tmp/mat/csr.c"
	printf 'static void h(void) { write(STDERR_FILENO, "x", 1); _Exit(3); }\n' >> "$tmp/vec/corr.c"
	mkdir "$tmp/count/deep" && printf 'int x;\n' > "$tmp/count/deep/x.c"
	printf '/* exit(1) in a comment and snprintf( are fine */\n' >> "$tmp/text/utf8.c"
	run "$NLP_TOP/tests/layers.sh" "$tmp"
	rm -rf "$tmp"
	assert_failure
	assert_line --partial 'base/rng.c:'
	assert_line --partial 'base may not use cli, a layer above it'
	assert_line --partial 'prints or exits below cli/: static void f(void) { exit(1); }'
	assert_line --partial 'text/pat.h:'
	assert_line --partial 'does not name its layer'
	assert_line --regexp '^mat/csr.c:[0-9]+: a project header in <...>: #include <cli/out.h>$'
	assert_line --regexp '^mat/csr.c:[0-9]+: prints or exits below cli/: static void g'
	assert_line --regexp '^vec/corr.c:[0-9]+: prints or exits below cli/: static void h'
	assert_line 'count/deep/x.c: a folder inside a layer (one level of folders only)'
	refute_line --partial 'text/utf8.c'
	assert_equal "${#lines[@]}" 7
}

@test "layout: tests/py gives a script's exit status, output, errors and stdin as python3 does" {
	[ -S "${NLP_PYSERVER:-}" ] || echo "# no tests/pyserver.py running: tests/py is python3 itself" >&3
	py="$NLP_TOP/tests/py"
	run "$py" -c 'import sys; sys.exit(3)'
	assert_failure 3
	run --separate-stderr "$py" -c 'raise ValueError("boom")'
	assert_failure 1
	[[ "$stderr" == *"ValueError: boom" ]] || fail "stderr: $stderr"
	run "$py" -c 'import sys; sys.exit("why")'
	assert_failure 1
	assert_output 'why'
	run "$py" - a 'b c' <<<'import sys; print(sys.argv, sys.stdin.read() == "")'
	assert_success
	assert_output "['-', 'a', 'b c'] True"
	printf 'import sys, os\nprint(sys.argv[1:], os.getcwd(), os.environ["X"], sys.stdin.read().strip())\n' > "$BATS_TEST_TMPDIR/s.py"
	cd "$BATS_TEST_TMPDIR"
	run bash -c "echo piped | X=set '$py' s.py 1"
	assert_success
	assert_output "['1'] $BATS_TEST_TMPDIR set piped"
	run bash -o pipefail -c "'$py' -c 'print(\"x\" * 1000000)' | head -c 3"
	assert_failure 1
	assert_output --partial 'xxx'
}

@test "layout: NLP_TEST_DATA points need_shared and the tests' paths away from ../shared/data" {
	mkdir -p "$BATS_TEST_TMPDIR/corpora/ptb" "$BATS_TEST_TMPDIR/none"
	printf 'a tiny fake corpus\n' > "$BATS_TEST_TMPDIR/corpora/ptb/ptb.train.txt"
	# a test file of the kind the stages have: it needs a shared file and reads it by its path
	# (written by printf: bats would take a line of this file that starts with @test for a test)
	printf '%s\n' "load '$NLP_TOP/tests/helper'" '@test "probe" {' \
		'	need_shared ptb/ptb.train.txt' \
		'	echo "read: $(cat "$SHARED_DATA/ptb/ptb.train.txt")" >&3' \
		'}' > "$BATS_TEST_TMPDIR/probe.bats"
	inner() { env NLP_TOP="$NLP_TOP" NLP_TEST_DATA="$1" bats --tap probe.bats; }
	cd "$BATS_TEST_TMPDIR"
	run inner "$BATS_TEST_TMPDIR/corpora"
	assert_success
	assert_line 'ok 1 probe'
	assert_line 'read: a tiny fake corpus'
	# a relative path, from where the tests start
	run inner corpora
	assert_line 'ok 1 probe'
	assert_line 'read: a tiny fake corpus'
	# a folder without the file: the test is skipped, and says where it looked
	run inner "$BATS_TEST_TMPDIR/none"
	assert_success
	assert_line "ok 1 probe # skip needs ptb/ptb.train.txt in $BATS_TEST_TMPDIR/none (see NLP_TEST_DATA in README.md)"
	refute_line --partial 'read:'
	# tests/run refuses a folder that is not there rather than skip every such test
	cd "$NLP_TOP"
	run --separate-stderr env NLP_TEST_DATA="$BATS_TEST_TMPDIR/missing" NLP_PYSERVER=none \
		tests/run tests/nlp.bats
	assert_failure 2
	assert_equal "$stderr" "tests/run: NLP_TEST_DATA: $BATS_TEST_TMPDIR/missing is not a directory"
	assert_output ''
}
