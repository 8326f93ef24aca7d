#!/usr/bin/env bash
# layers.sh [LIBDIR]: checks the layering of lib/ (lib/README.md): a file includes only its own
# layer and those below it, and no module below cli/ prints or exits (base/mem.c excepted).
# Prints one line per violation and exits 1 when there is any.
set -u
lib=${1:-$(dirname "$0")/../lib}
order=$(sed -n 's/^Layers, from the bottom: //p' "$lib/README.md")
[ -n "$order" ] || { echo "$lib/README.md: no 'Layers, from the bottom:' line"; exit 1; }
declare -A rank
i=0
for l in $order; do rank[$l]=$i; i=$((i + 1)); done
layers_re=$(echo $order | tr ' ' '|')
bad=0
while IFS= read -r f; do
	rel=${f#"$lib"/}
	layer=${rel%%/*}
	if [ "$layer" = "$rel" ]; then
		echo "$rel: a source file outside the layers' folders"; bad=1; continue
	elif [ "${rel#*/}" != "$(basename "$rel")" ]; then
		echo "$rel: a folder inside a layer (one level of folders only)"; bad=1; continue
	elif [ -z "${rank[$layer]+x}" ]; then
		echo "$rel: folder $layer is not a layer of lib/README.md"; bad=1; continue
	fi
	while IFS=: read -r n inc; do
		to=${inc%%/*}
		if [ "$to" = "$inc" ]; then
			echo "$rel:$n: #include \"$inc\" does not name its layer's folder"; bad=1
		elif [ -z "${rank[$to]+x}" ]; then
			echo "$rel:$n: #include \"$inc\": $to is not a layer"; bad=1
		elif [ "${rank[$to]}" -gt "${rank[$layer]}" ]; then
			echo "$rel:$n: #include \"$inc\": $layer may not use $to, a layer above it"; bad=1
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed -E 's/^([0-9]+):[^"]*"([^"]*)".*/\1:\2/')
	# a project header between angle brackets would hide from the check above
	grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<($layers_re)/" "$f" |
		while IFS= read -r hit; do
			echo "$rel:${hit%%:*}: a project header in <...>: ${hit#*:}"
		done | grep . && bad=1
	[ "$layer" = cli ] && continue
	[ "$rel" = base/mem.c ] && continue
	# calls that print or exit: the programs' helpers, exit and abort in every spelling, stdio's
	# and err.h's printing, assert (it aborts), and output to the standard streams
	grep -nE '\b(eprintf|weprintf|eprint_error|weprint_error|usage_error|usage_help|estrtonum|estrtod|out_check|out_close|exit|_exit|_Exit|quick_exit|abort|assert|v?f?printf|v?dprintf|puts|fputs|putchar|perror|errx?|verrx?|warnx|vwarnx?|error)[[:space:]]*\(|\b(stdout|stderr|STDOUT_FILENO|STDERR_FILENO)\b' "$f" |
		grep -vE '^[0-9]+:[[:space:]]*(/?\*|//)' |
		while IFS= read -r hit; do
			echo "$rel:${hit%%:*}: prints or exits below cli/: ${hit#*:}"
		done | grep . && bad=1
done < <(find "$lib" -name '*.[ch]' | LC_ALL=C sort)
exit $bad
