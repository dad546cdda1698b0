#!/bin/sh
# Lint every shell script in the tree with shellcheck, no exclusions.
# Prints the files it checked; exits non-zero on any finding.
set -eu
cd "$(dirname "$0")/.."
files=$(
	for f in $(git ls-files --cached --others --exclude-standard 2>/dev/null || find . -type f ! -path './.git/*'); do
		[ -f "$f" ] || continue
		case $f in
		*.sh | *.test | .ci/run) echo "$f" ;;
		*) head -n 1 "$f" | grep -qE '^#!.*/(env )?(ba|da)?sh' && echo "$f" ;;
		esac
	done | sort -u
)
[ -n "$files" ] || { echo "shellcheck.sh: no shell scripts found" >&2; exit 1; }
# shellcheck disable=SC2086 # one file name per word, none has spaces
shellcheck -x $files
echo "$files" | wc -l | sed 's/$/ scripts clean/'
