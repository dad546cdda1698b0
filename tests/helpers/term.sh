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

# same_as_bare SCENARIO NAME [BINDIR]: wrapped (default: $BIN) and bare
# transcripts are equal and no step of either timed out.
same_as_bare() {
	drive "$1" /bin "$1.bare"
	drive "$1" "${3:-$BIN}" "$1.wrapped"
	if grep -q TIMEOUT "$OUT/$1.bare.txt"; then
		fail "$2" "the bare run timed out: $(grep TIMEOUT "$OUT/$1.bare.txt" | head -3)"
	elif cmp -s "$OUT/$1.bare.txt" "$OUT/$1.wrapped.txt"; then
		pass "$2"
	else
		fail "$2" "$(diff "$OUT/$1.bare.txt" "$OUT/$1.wrapped.txt" | head -20)"
	fi
}

# shows NAME FILE TEXT...: FILE (a transcript) holds every TEXT, and
# no TIMEOUT.
shows() {
	_name=$1 _file=$2
	shift 2
	for _t; do
		if ! grep -qF -- "$_t" "$_file"; then
			fail "$_name" "missing: $_t" "$(head -20 "$_file")"
			return
		fi
	done
	if grep -q TIMEOUT "$_file"; then
		fail "$_name" "$(grep TIMEOUT "$_file" | head -3)"
	else
		pass "$_name"
	fi
}

