# shellcheck shell=sh
# testing.sh - helpers sourced by every tests/*.test (BusyBox/toybox shape).
#
# A test file prints one line per test: "PASS: name", "FAIL: name" or
# "SKIP: name (why)"; tests/run.sh counts them. Test names state the
# assertion. Environment from run.sh:
#   STDIOCAP   absolute path of the binary under test
#   SRCDIR     top of the source tree
#   OUT        a scratch directory for this test file (removed afterwards)
#   VERBOSE    non-empty: show diffs and logs of failures

: "${STDIOCAP:?run through tests/run.sh}" "${SRCDIR:?}" "${OUT:?}"
PCAPCHECK="python3 $SRCDIR/tests/pcapcheck.py"

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	shift
	[ $# -eq 0 ] || printf '      %s\n' "$@"
}
skip() { echo "SKIP: $1 ($2)"; }

# check NAME COMMAND...: PASS when COMMAND succeeds.
check() {
	_name=$1
	shift
	if "$@" >"$OUT/check.log" 2>&1; then
		pass "$_name"
	else
		fail "$_name" "command: $*"
		[ -z "${VERBOSE:-}" ] || sed 's/^/      | /' "$OUT/check.log"
	fi
}

# testing NAME COMMAND EXPECTED_STDOUT INPUT_FILE STDIN
# (3-5 are printf %b strings; COMMAND runs in sh -c inside $OUT/t with
# "input" holding INPUT_FILE)
testing() {
	[ $# -eq 5 ] || { echo "testing: '$1' needs 5 arguments, got $#" >&2; exit 2; }
	_t=$OUT/t
	rm -rf "$_t" && mkdir -p "$_t"
	printf '%b' "$3" >"$_t/.expected"
	[ -z "$4" ] || printf '%b' "$4" >"$_t/input"
	printf '%b' "$5" | (cd "$_t" && sh -c "$2") >"$_t/.actual" 2>"$_t/.stderr"
	if cmp -s "$_t/.expected" "$_t/.actual"; then
		pass "$1"
	else
		fail "$1"
		[ -z "${VERBOSE:-}" ] || diff -u "$_t/.expected" "$_t/.actual" | sed 's/^/      | /'
	fi
}

# wrap_setup [DIR]: a bin directory of applet links to $STDIOCAP
# (default $OUT/bin) in $BIN; STDIO_PCAP set to $OUT/cap.pcap and emptied.
wrap_setup() {
	BIN=${1:-$OUT/bin}
	mkdir -p "$BIN"
	"$STDIOCAP" --list | while read -r _name _target; do
		ln -sf "$STDIOCAP" "$BIN/$_name"
	done
	STDIO_PCAP=$OUT/cap.pcap
	export STDIO_PCAP
	rm -f "$STDIO_PCAP"
}

# capture_ok FILE [pcapcheck options...]: the independent reader accepts
# FILE, and tshark reads the same number of frames, none malformed.
capture_ok() {
	_f=$1
	shift
	$PCAPCHECK "$_f" --summary "$@" >"$OUT/summary" || return 1
	_records=$(sed -n 's/^records=\([0-9]*\) .*/\1/p' "$OUT/summary")
	tshark_ok "$_f" "$_records"
}

# tshark_ok FILE [N]: tshark opens FILE as Ethernet/IPv4/UDP, finds no
# malformed frame, no bad IPv4 checksum, and N frames if N is given.
# Every UDP port is decoded as plain data: a PID equal to a well-known
# port must not be read as DNS or DHCP here.
tshark_ok() {
	command -v tshark >/dev/null 2>&1 || return 0
	tshark -n -r "$1" -o ip.check_checksum:TRUE -d udp.port==1-65535,data \
		-T fields -e frame.protocols -e ip.checksum.status \
		>"$OUT/tshark.out" 2>"$OUT/tshark.err" || return 1
	# as root (CI) tshark always warns "Running as user "root" ...": not an error
	! grep -qv '^Running as user "root" and group "root"\. This could be dangerous\.$' \
		"$OUT/tshark.err" || return 1
	if grep -v '^eth:ethertype:ip:udp:data	1$' "$OUT/tshark.out" | grep -q .; then
		return 1
	fi
	[ -z "${2:-}" ] || [ "$(wc -l <"$OUT/tshark.out")" -eq "$2" ]
}

# tshark_stream FILE PID PORT OUTFILE: one stream of one process,
# reassembled by tshark alone.
tshark_stream() {
	_pid=$2
	_ip="10.$((_pid >> 16 & 255)).$((_pid >> 8 & 255)).$((_pid & 255))"
	tshark -n -r "$1" -d udp.port==1-65535,data \
		-Y "ip.src==$_ip && udp.dstport==$3" -T fields -e data.data 2>/dev/null |
		python3 -c 'import sys
hexdigits = sys.stdin.read().replace(":", "").split()
sys.stdout.buffer.write(bytes.fromhex("".join(hexdigits)))' >"$4"
}

# tree_copy DIR: a fresh copy of the build inputs of the tree in DIR, no
# build outputs.
tree_copy() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$SRCDIR" && tar cf - --exclude='*.o' --exclude='*.d' \
		--exclude=scripts/mkapplets \
		Config.in Makefile applets libstdiocap scripts configs) |
		(cd "$1" && tar xf -)
}

# build_variant NAME [CONFIG_LINE...]: builds a copy of the tree in
# $OUT/NAME with the defaults of Config.in plus the given .config lines
# (e.g. 'CONFIG_FAIL_CLOSED=y'). Sets VARIANT to the binary; on failure
# returns 1 with the build output in $OUT/NAME/build.log.
build_variant() {
	_dir=$OUT/$1
	shift
	tree_copy "$_dir" || return 1
	# shellcheck disable=SC2034 # read by the test files that source this
	VARIANT=$_dir/stdiocap
	(
		cd "$_dir" || exit 1
		kconfig-conf -s --alldefconfig Config.in </dev/null >/dev/null &&
			printf '%s\n' "$@" >>.config &&
			kconfig-conf -s --olddefconfig Config.in </dev/null >/dev/null &&
			make -s
	) >"$_dir/build.log" 2>&1
}
