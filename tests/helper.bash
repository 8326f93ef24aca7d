# helper.bash: loaded by every bats file. The programs under test are the sanitizer build,
# first on PATH (tests/run sets it up); NLP_TOP is the source tree.
bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${NLP_TOP:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
# the programs: make check passes the Makefile's list; bats run by hand reads it there
: "${PROGS:=$(sed -n 's/^PROGS = //p' "$NLP_TOP/Makefile")}"
[ -n "$PROGS" ] || { echo "helper.bash: no PROGS in $NLP_TOP/Makefile" >&2; exit 1; }
DATA="$NLP_TOP/tests/data"
SHARED="$NLP_TOP/../shared"
PY=/usr/bin/python3

# Skips the test, visibly, when the shared corpora are not beside the clone.
need_shared() {
	[ -f "$SHARED/data/$1" ] || skip "needs ../shared/data/$1 (not in a user's clone)"
}

need_python_module() {
	$PY -c "import $1" 2>/dev/null || skip "needs python3 module $1"
}

# Byte-exact comparison of output with a string, showing both sides on failure.
assert_bytes() {
	local want="$1" got="$2"
	if [ "$want" != "$got" ]; then
		printf 'want: %q\ngot:  %q\n' "$want" "$got" >&2
		return 1
	fi
}
