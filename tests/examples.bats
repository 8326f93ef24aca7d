#!/usr/bin/env bats
# examples: the EXAMPLES of the manual pages, run from the build tree and checked against the
# output each page shows, so that the pages cannot drift from the programs.
#
# The convention a page keeps for its examples to be checked (tests/examples.py reads it):
# - Only the EXAMPLES section counts, and in it only the literal displays (.Bd -literal ... .Ed)
#   whose first line starts with "$ ". Other displays (a script, a file's contents) are text.
# - A line starting with "$ " is a command. It goes on over the next lines while a line ends
#   with "\e" (a backslash: the shell's line continuation) or with "|".
# - The lines after a command, up to the next "$ " line or .Ed, are its shown output: standard
#   output and standard error together, as a terminal shows them. A command with no lines after
#   it shows no output, and what it writes is not checked (it makes files for the commands after
#   it, or its output is too long to show).
# - Every command must exit 0; an example of a failure shows its status with "; echo $?".
# - The roff escapes \e (backslash), \& (nothing), \- (hyphen), \(aq, \(dq and \(ga are read as
#   the characters they print; any other escape in an example is an error of the page.
# - The commands of a page run in order, in one empty directory, each in its own bash, so a
#   command may read the files that commands before it wrote. The directory of the programs
#   under test comes first on PATH, then /usr/bin and /bin.
# - A display the test cannot run (it needs files the page does not make, the network, a
#   terminal) is marked with the comment line
#       .\" examples: skip
#   directly before its .Bd line.
# To check the examples of another page, add a test that calls check_page with its path.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	BIN=$(dirname "$(command -v nlp)")
}

# check_page man/manN/PAGE: runs the page's examples and compares each shown output (an absolute
# path is a page outside the tree).
check_page() {
	local page="$NLP_TOP/$1" n=0 cmd status
	[[ "$1" == /* ]] && page=$1
	/usr/bin/python3 "$BATS_TEST_DIRNAME/examples.py" "$page" ex || fail "$1: examples not read"
	[ -f ex/cmd.1 ] || fail "$1: no example commands found"
	mkdir work
	while [ -f "ex/cmd.$((n + 1))" ]; do
		n=$((n + 1))
		cmd=$(cat "ex/cmd.$n")
		status=0
		(cd work && PATH="$BIN:/usr/bin:/bin" MANPAGER=cat bash -c "$cmd") > "got.$n" 2>&1 ||
			status=$?
		[ "$status" -eq 0 ] || fail "$(printf '%s: exit %d from\n%s\n%s' "$1" "$status" "$cmd" "$(cat "got.$n")")"
		[ -f "ex/want.$n" ] || continue
		if ! cmp -s "got.$n" "ex/want.$n"; then
			printf '%s: the output of\n%s\ndiffers from the page (-page +program):\n' "$1" "$cmd" >&2
			diff -u "ex/want.$n" "got.$n" | tail -n +3 >&2
			return 1
		fi
	done
	echo "# $1: $n commands run" >&3
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
}

@test "examples: nlp(1)" {
	check_page man/man1/nlp.1
}

@test "examples: nlp-normalize(1)" {
	check_page man/man1/nlp-normalize.1
}
