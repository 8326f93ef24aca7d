# helper.bash: loaded by every bats file. The programs under test are the sanitizer build,
# first on PATH (tests/run sets it up); NLP_TOP is the source tree.
bats_require_minimum_version 1.5.0
# bats-support and bats-assert: their load.bash files, without the two processes each of their
# lines starts (this file is loaded before every test)
for _lib in /usr/lib/bats/bats-support /usr/lib/bats/bats-assert; do
	for _f in "$_lib"/src/*.bash; do
		# shellcheck disable=SC1090
		source "$_f"
	done
done
unset _lib _f

: "${NLP_TOP:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
# the programs: make check passes the Makefile's list; bats run by hand reads it there
: "${PROGS:=$(sed -n 's/^PROGS = //p' "$NLP_TOP/Makefile")}"
[ -n "$PROGS" ] || { echo "helper.bash: no PROGS in $NLP_TOP/Makefile" >&2; exit 1; }
DATA="$NLP_TOP/tests/data"
# the shared corpora: NLP_TEST_DATA when set (a relative path from where the tests started),
# else ../shared/data beside the clone
SHARED_DATA="${NLP_TEST_DATA:-$NLP_TOP/../shared/data}"
[[ "$SHARED_DATA" == /* ]] || SHARED_DATA="$PWD/$SHARED_DATA"
# python3, or under tests/run a fork of its preloaded interpreter (tests/pyserver.py); PYT for
# the scripts that import torch, a fork of the interpreter that has it
PY=/usr/bin/python3
[ -S "${NLP_PYSERVER:-}" ] && PY="$NLP_TOP/tests/py"
PYT=$PY
[ -S "${NLP_PYSERVER_TORCH:-}" ] && PYT="$NLP_TOP/tests/py-torch"
# the tests' Python module for nlp matrices (writers and the reader): from matgen import ...
export PYTHONPATH="$DATA/mat${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

# Skips the test, visibly, when the shared corpora are not beside the clone (or in NLP_TEST_DATA).
need_shared() {
	[ -f "$SHARED_DATA/$1" ] ||
		skip "needs $1 in ${NLP_TEST_DATA:-../shared/data} (see NLP_TEST_DATA in README.md)"
}

# Runs the Python script on stdin with ARGS, for the numeric references of the matrix stages:
# skips the test without scipy; PY_PATH (a bats file's own) goes before matgen's folder.
py() {
	need_python_module scipy
	PYTHONPATH="${PY_PATH:+$PY_PATH:}$PYTHONPATH" $PY - "$@"
}

# Skips the test when a Python module is not installed. It looks the module up without importing
# it (importing gensim or sklearn takes a second or more, and the test imports it anyway). A
# module found is remembered in NLP_HAVE_PY_<module> (exported, so from setup_file on too): py
# calls this before every script, and the answer does not change during a run.
need_python_module() {
	local have="NLP_HAVE_PY_${1//[^A-Za-z0-9]/_}"
	[ -n "${!have:-}" ] && return 0
	$PY -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$1') is None)" 2>/dev/null ||
		skip "needs python3 module $1"
	export "$have=1"
}

# Byte-exact comparison of output with a string, showing both sides on failure.
assert_bytes() {
	local want="$1" got="$2"
	if [ "$want" != "$got" ]; then
		printf 'want: %q\ngot:  %q\n' "$want" "$got" >&2
		return 1
	fi
}

# assert_same GOT WANT: the files are byte-identical and WANT is not empty; on a difference,
# shows the first differing byte and the first lines of the difference.
assert_same() {
	[ -s "$2" ] || fail "reference $2 is empty"
	if ! cmp "$1" "$2" >&2; then
		diff "$1" "$2" | head -n 20 | cat -A >&2
		fail "$1 differs from $2"
	fi
}
