#!/bin/sh
# run.sh - the `make check` driver: unit tests, every tests/*.test and the
# checks of every shell script; prints "N passed, M failed, K skipped" last
# and fails if any test failed.
# Usage: tests/run.sh [NAME.test ...]   (default: all)
set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
STDIOCAP=${STDIOCAP:-$SRCDIR/stdiocap}
export SRCDIR STDIOCAP
# one log directory per run: two runs at once must not mix their counts
mkdir -p "$SRCDIR/tests/out"
LOGDIR=$(mktemp -d "$SRCDIR/tests/out/run.XXXXXX")

[ -x "$STDIOCAP" ] || { echo "run.sh: $STDIOCAP: not built (run make)" >&2; exit 1; }

if [ $# -eq 0 ]; then
	set -- "$SRCDIR"/tests/*.test
fi

results=$LOGDIR/results
: >"$results"
for t in "$@"; do
	name=$(basename "$t" .test)
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/stdiocap-$name.XXXXXX")
	export OUT
	echo "== $name"
	# Every test file runs under a time limit: a hang is a failure,
	# never a stalled CI.
	{
		timeout -k 10 "${TEST_TIMEOUT:-900}" sh "$t" </dev/null \
			2>"$LOGDIR/$name.stderr"
		echo $? >"$LOGDIR/$name.rc"
	} | tee -a "$results"
	rc=$(cat "$LOGDIR/$name.rc")
	if ! grep -q . "$LOGDIR/$name.stderr" 2>/dev/null; then
		rm -f "$LOGDIR/$name.stderr"
	fi
	case $rc in 0) ;; *) echo "FAIL: $name.test exited $rc" | tee -a "$results" ;; esac
	rm -rf "$OUT"
done

passed=$(grep -c '^PASS:' "$results")
failed=$(grep -c '^FAIL:' "$results")
skipped=$(grep -c '^SKIP:' "$results")
if [ "$failed" -gt 0 ]; then
	echo "Failed:"
	grep '^FAIL:' "$results" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
