# shellcheck shell=sh
# term.sh - sourced by terminal.test and jobs.test after testing.sh: runs
# tests/helpers/term-drive.py scenarios bare and wrapped and compares.

DRIVE=$SRCDIR/tests/helpers/term-drive.py
if ! python3 -c 'import pty, termios' 2>/dev/null || ! command -v pgrep >/dev/null; then
	skip "terminal scenarios" "python3 with pty/termios, or pgrep, missing"
	exit 0
fi
wrap_setup "$OUT/bin"

# links DIR BINARY: applet links of BINARY in DIR
links() {
	mkdir -p "$1"
	"$2" --list | while read -r _name _target; do
		ln -sf "$2" "$1/$_name"
	done
}

# drive SCENARIO BINDIR NAME: the transcript of SCENARIO run with BINDIR's
# programs, in $OUT/NAME.txt, the applet directory written as /bin.
drive() {
	STDIO_PCAP=$OUT/$3.pcap timeout 120 python3 "$DRIVE" "$1" "$2" 2>"$OUT/$3.err" |
		sed "s#$2/#/bin/#g" >"$OUT/$3.txt"
}

# screen_as_bare NAME SCENARIO [BINDIR]: the wrapped (default: $BIN) and
# the bare transcripts of SCENARIO are equal and no step of either timed
# out (the word testing.sh's same_as_bare is for pipes).
screen_as_bare() {
	drive "$2" /bin "$2.bare"
	drive "$2" "${3:-$BIN}" "$2.wrapped"
	if grep -q TIMEOUT "$OUT/$2.bare.txt"; then
		fail "$1" "the bare run timed out: $(grep TIMEOUT "$OUT/$2.bare.txt" | head -3)"
	elif cmp -s "$OUT/$2.bare.txt" "$OUT/$2.wrapped.txt"; then
		pass "$1"
	else
		fail "$1" "$(diff "$OUT/$2.bare.txt" "$OUT/$2.wrapped.txt" | head -20)"
	fi
}

# on_screen FILE TEXT...: FILE (a transcript) holds every TEXT, and no
# TIMEOUT (a predicate for check).
on_screen() {
	_os_file=$1
	shift
	for _t; do
		grep -qF -- "$_t" "$_os_file" || { echo "missing: $_t"; head -20 "$_os_file"; return 1; }
	done
	not grep TIMEOUT "$_os_file"
}
