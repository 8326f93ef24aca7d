#!/usr/bin/env bash
# layers.sh [LIBDIR]: checks the layering of lib/ (lib/README.md): a file includes only its own
# layer and those below it, and no module below cli/ prints or exits (base/mem.c excepted).
# Prints one line per violation, the files in order, and exits 1 when there is any. Each check
# is one grep over all the files (a few processes, not a few for every file).
set -u
lib=${1:-$(dirname "$0")/../lib}
order=$(sed -n 's/^Layers, from the bottom: //p' "$lib/README.md")
[ -n "$order" ] || { echo "$lib/README.md: no 'Layers, from the bottom:' line"; exit 1; }
declare -A rank
i=0
for l in $order; do rank[$l]=$i; i=$((i + 1)); done
layers_re=$(echo $order | tr ' ' '|')

# the checks' lines, "FILE:..." with FILE relative to lib/, sorted by file at the end (stably: a
# file's lines stay in the order of the checks, then of its lines)
check() {
	local f rel layer files=() quiet=() n inc to hit
	while IFS= read -r f; do
		rel=${f#"$lib"/}
		layer=${rel%%/*}
		if [ "$layer" = "$rel" ]; then
			echo "$rel: a source file outside the layers' folders"; continue
		elif [ "${rel#*/}" != "${rel##*/}" ]; then
			echo "$rel: a folder inside a layer (one level of folders only)"; continue
		elif [ -z "${rank[$layer]+x}" ]; then
			echo "$rel: folder $layer is not a layer of lib/README.md"; continue
		fi
		files+=("$rel")
		[ "$layer" = cli ] || [ "$rel" = base/mem.c ] || quiet+=("$rel")
	done < <(find "$lib" -name '*.[ch]' | LC_ALL=C sort)
	[ ${#files[@]} -gt 0 ] || return 0
	cd "$lib" || exit 1
	while IFS=: read -r rel n inc; do
		layer=${rel%%/*} to=${inc%%/*}
		if [ "$to" = "$inc" ]; then
			echo "$rel:$n: #include \"$inc\" does not name its layer's folder"
		elif [ -z "${rank[$to]+x}" ]; then
			echo "$rel:$n: #include \"$inc\": $to is not a layer"
		elif [ "${rank[$to]}" -gt "${rank[$layer]}" ]; then
			echo "$rel:$n: #include \"$inc\": $layer may not use $to, a layer above it"
		fi
	done < <(grep -nH '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' -- "${files[@]}" |
		sed -E 's/^([^:]*):([0-9]+):[^"]*"([^"]*)".*/\1:\2:\3/')
	# a project header between angle brackets would hide from the check above
	grep -nHE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<($layers_re)/" -- "${files[@]}" |
		while IFS= read -r hit; do
			rel=${hit%%:*} hit=${hit#*:}
			echo "$rel:${hit%%:*}: a project header in <...>: ${hit#*:}"
		done
	[ ${#quiet[@]} -gt 0 ] || return 0
	# calls that print or exit: the programs' helpers, exit and abort in every spelling, stdio's
	# and err.h's printing, assert (it aborts), and output to the standard streams
	grep -nHE '\b(eprintf|weprintf|eprint_error|weprint_error|usage_error|usage_help|estrtonum|estrtod|out_check|out_close|exit|_exit|_Exit|quick_exit|abort|assert|v?f?printf|v?dprintf|puts|fputs|putchar|perror|errx?|verrx?|warnx|vwarnx?|error)[[:space:]]*\(|\b(stdout|stderr|STDOUT_FILENO|STDERR_FILENO)\b' -- "${quiet[@]}" |
		grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)' |
		while IFS= read -r hit; do
			rel=${hit%%:*} hit=${hit#*:}
			echo "$rel:${hit%%:*}: prints or exits below cli/: ${hit#*:}"
		done
}

out=$(check | LC_ALL=C sort -s -t: -k1,1)
[ -z "$out" ] && exit 0
printf '%s\n' "$out"
exit 1
