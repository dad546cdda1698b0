# shellcheck shell=sh
# cap-mixed.sh - a target for tests/capture.test, run by a wrapped sh: copies
# stdin line by line to stdout and stderr, interleaved, one write each;
# then writes its arguments and some NUL bytes to both, and exits 3.
n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	printf 'out %d: %s\n' "$n" "$line"
	printf 'err %d: %s\n' "$n" "$line" >&2
done
printf 'args:'
printf ' [%s]' "$@"
printf '\nnul\000\001\377end'
printf 'stderr nul\000end' >&2
exit 3
