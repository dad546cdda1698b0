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
# pcapcheck ARGS...: the independent reader, as a command check can run
pcapcheck() { python3 "$SRCDIR/tests/pcapcheck.py" "$@"; }
# capq ARGS...: tests/helpers/capq.py, instances found by argv
capq() { python3 "$SRCDIR/tests/helpers/capq.py" "$@"; }
# mkcap NAME FILE: the crafted capture NAME of tests/fuzz/mkcap.py
# (mkcap --list names them) into FILE; a setup step: if it cannot, FAIL
# and the test file ends.
mkcap() {
	python3 "$SRCDIR/tests/fuzz/mkcap.py" "$@" && return 0
	fail "mkcap.py makes $1"
	exit 1
}
# PYBIN: a python3 that an unprivileged user can run too (a pyenv shim
# under /root is not); plain python3 otherwise. IS_ROOT: 1 as root.
PYBIN=/usr/bin/python3
[ -x "$PYBIN" ] || PYBIN=$(command -v python3)
# shellcheck disable=SC2034 # read by the test files that source this
IS_ROOT=$([ "$(id -u)" != 0 ] || echo 1)

# ---- the vocabulary: one line per assertion, the name said once
#
#   check NAME CMD... ['&&' CMD...]   every CMD succeeds, in order
#   run ID CMD...                     (no result line) CMD's output and
#                                     status into $OUT/ID.{out,err,rc}
#   expect NAME RC STDOUT [STDERR_ERE] -- CMD...
#                                     CMD exits RC, prints exactly STDOUT
#                                     (printf %b), and on stderr nothing or
#                                     one line matching STDERR_ERE
#   prints NAME FILE CMD...           CMD exits 0, prints exactly FILE,
#                                     nothing on stderr
#   refuses NAME RC MESSAGE CMD...    CMD exits RC within 10 s, its stderr
#                                     is exactly the line MESSAGE
#   same_as_bare NAME INPUT -- APPLET ARGS...
#                                     (below) wrapped and bare runs agree
#   capture_ok FILE                   (below) pcapcheck and tshark agree
# and predicates to use with check: pcapcheck, not, rc_is, same_text,
# same_bytes, one_line, target_of, capture_ok, tshark_ok, stdout_in (and
# the commands pcapcheck and capq, the readers of the tests); for what takes
# time, wait_until CMD... (polls CMD, 20 s at most) and wait_for FILE
# [ERE], with gone PID, state_is PID LETTER, ps_shows FILE ERE and
# child_of PID: "check NAME wait_until gone $pid", never a bare sleep.
# tests/helpers/term.sh adds, for the pseudo-terminal scenarios,
# screen_as_bare NAME SCENARIO and the predicate on_screen. Setup steps:
# wrap_setup, mkcap (crafted captures), build_variant, relay_exec. pass,
# fail and skip print a result line directly, for a SKIP or a setup step
# that cannot go on.

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	shift
	[ $# -eq 0 ] || printf '      %s\n' "$@"
}
skip() { echo "SKIP: $1 ($2)"; }

# check NAME CMD... ['&&' CMD...]: PASS when every CMD succeeds; they run
# in order and stop at the first failure, which FAIL names. Returns 0 on
# PASS, 1 on FAIL. A CMD is a simple command (a function, a program,
# [ ... ]): for a pipeline or a negation, use a predicate (not CMD..., or
# a function). Every argument, $(...) included, is expanded when check is
# called, before the first CMD runs: an argument that needs an earlier
# CMD's effect belongs inside a predicate function.
check() {
	_ck_name=$1
	shift
	_ck_cmd='' _ck_i=0 _ck_bad='' _ck_a=''
	# "${N}" words of the current CMD; eval expands them without splitting
	while [ "$_ck_i" -lt $# ]; do
		_ck_i=$((_ck_i + 1))
		eval "_ck_a=\${$_ck_i}"
		if [ "$_ck_a" != '&&' ]; then
			_ck_cmd="$_ck_cmd \"\${$_ck_i}\""
			[ "$_ck_i" -lt $# ] && continue
		fi
		[ -n "$_ck_cmd" ] || { echo "check: '$_ck_name': empty command" >&2; exit 2; }
		eval "_check_exec $_ck_cmd" >"$OUT/check.log" 2>&1 || { _ck_bad=1; break; }
		_ck_cmd=''
	done
	if [ -z "$_ck_bad" ]; then
		pass "$_ck_name"
		return 0
	fi
	eval "set -- $_ck_cmd"
	fail "$_ck_name" "failed: $*"
	[ -z "${VERBOSE:-}" ] || sed 's/^/      | /' "$OUT/check.log"
	return 1
}
_check_exec() { "$@"; }

# not CMD...: succeeds when CMD fails.
not() { ! "$@"; }

# rc_is FILE N: FILE (an exit status saved with echo $? >FILE) says N.
rc_is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }

# same_text FILE LINE...: FILE holds exactly these lines.
same_text() {
	_st_file=$1
	shift
	printf '%s\n' "$@" >"$OUT/same_text.exp"
	cmp -s "$OUT/same_text.exp" "$_st_file"
}

# same_bytes FILE STRING: FILE holds exactly printf %b STRING (NULs and
# missing final newlines included).
same_bytes() {
	printf '%b' "$2" >"$OUT/same_bytes.exp"
	cmp -s "$OUT/same_bytes.exp" "$1"
}

# one_line FILE [ERE]: FILE is exactly one line (matching ERE, if given).
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && [ "$(wc -c <"$1")" -gt 0 ] || return 1
	[ $# -lt 2 ] || grep -Eq -- "$2" "$1"
}

# stdout_in CAPTURE INSTANCE LINE...: what INSTANCE (a capq.py pattern)
# wrote on stdout in CAPTURE is exactly these lines.
stdout_in() {
	_si_cap=$1 _si_inst=$2
	shift 2
	capq stdout-of "$_si_cap" "$_si_inst" >"$OUT/stdout_in.out" &&
		same_text "$OUT/stdout_in.out" "$@"
}

# target_of NAME: the target of applet NAME in $STDIOCAP, empty if none.
target_of() {
	"$STDIOCAP" --list | awk -v n="$1" '$1 == n { print $2 }'
}

# ---- waiting on something observable, never a bare sleep

# wait_until CMD...: runs CMD every 10 ms until it succeeds; fails after
# 20 s (a loaded machine, never a hang).
wait_until() {
	_wu_n=0
	until "$@"; do
		[ "$_wu_n" -lt 2000 ] || return 1
		_wu_n=$((_wu_n + 1))
		sleep 0.01
	done
}

# wait_for FILE [ERE]: until FILE exists, or has a line matching ERE.
wait_for() {
	if [ $# -lt 2 ]; then
		wait_until [ -e "$1" ]
	else
		wait_until grep -Eqs -- "$2" "$1"
	fi
}

# state_is PID LETTER: PID's state in /proc/PID/stat is LETTER (S, T...).
state_is() { [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = "$2" ]; }

# gone PID: PID (not empty) no longer runs (gone, or a zombie).
gone() { [ -n "$1" ] && { ! [ -e "/proc/$1/stat" ] || state_is "$1" Z; }; }

# child_of PID: prints PID's first child, once it has one (20 s at most).
child_of() {
	wait_until grep -qs . "/proc/$1/task/$1/children" || return 1
	read -r _co_c _ <"/proc/$1/task/$1/children"
	echo "$_co_c"
}

# ps_shows FILE ERE: stdiocap --ps FILE has a line matching ERE.
ps_shows() { timeout 10 "$STDIOCAP" --ps "$1" 2>/dev/null | grep -Eq -- "$2"; }

# run ID CMD...: CMD with stdin from /dev/null under a 30 s limit; its
# stdout, stderr and exit status in $OUT/ID.out, $OUT/ID.err, $OUT/ID.rc.
run() {
	_rn_id=$1
	shift
	timeout 30 "$@" >"$OUT/$_rn_id.out" 2>"$OUT/$_rn_id.err" </dev/null
	echo $? >"$OUT/$_rn_id.rc"
}

# expect NAME RC STDOUT [STDERR_ERE] -- CMD...: see above. CMD is run
# (run above) as ID "run": $OUT/run.{out,err,rc} stay for a further check.
expect() {
	_ex_name=$1 _ex_rc=$2 _ex_out=$3 _ex_err=
	shift 3
	if [ "$1" != -- ]; then
		_ex_err=$1
		shift
	fi
	[ "$1" = -- ] || { echo "expect: '$_ex_name': -- missing" >&2; exit 2; }
	shift
	run run "$@"
	_ex_why=
	rc_is "$OUT/run.rc" "$_ex_rc" || _ex_why="exit $(cat "$OUT/run.rc"), expected $_ex_rc"
	same_bytes "$OUT/run.out" "$_ex_out" || _ex_why="$_ex_why; stdout differs"
	if [ -n "$_ex_err" ]; then
		one_line "$OUT/run.err" "$_ex_err" ||
			_ex_why="$_ex_why; stderr is not one line matching $_ex_err"
	else
		[ ! -s "$OUT/run.err" ] || _ex_why="$_ex_why; stderr not empty"
	fi
	if [ -z "$_ex_why" ]; then
		pass "$_ex_name"
	else
		fail "$_ex_name" "$_ex_why" "stdout: $(head -c 200 "$OUT/run.out")" \
			"stderr: $(head -c 300 "$OUT/run.err")"
	fi
}

# prints NAME EXPECTED_FILE CMD...: see above.
prints() {
	_pr_name=$1 _pr_exp=$2
	shift 2
	"$@" >"$OUT/actual" 2>"$OUT/stderr"
	_pr_rc=$?
	if [ "$_pr_rc" -eq 0 ] && cmp -s "$_pr_exp" "$OUT/actual" && [ ! -s "$OUT/stderr" ]; then
		pass "$_pr_name"
	else
		fail "$_pr_name" "exit $_pr_rc; stderr: $(head -c 300 "$OUT/stderr")"
		[ -z "${VERBOSE:-}" ] || diff -u "$_pr_exp" "$OUT/actual" | sed 's/^/      | /'
	fi
}

# refuses NAME RC MESSAGE CMD...: see above.
refuses() {
	_rf_name=$1 _rf_want=$2 _rf_msg=$3
	shift 3
	timeout 10 "$@" >"$OUT/actual" 2>"$OUT/stderr"
	_rf_rc=$?
	printf '%s\n' "$_rf_msg" >"$OUT/expected.err"
	if [ "$_rf_rc" -eq "$_rf_want" ] && cmp -s "$OUT/expected.err" "$OUT/stderr"; then
		pass "$_rf_name"
	else
		fail "$_rf_name" "exit $_rf_rc (want $_rf_want); stderr: $(head -c 300 "$OUT/stderr")"
	fi
}

# relay_exec: sets EXEC to tests/helpers/relay-exec (built once into
# $OUT), which starts a program with a chosen argv[0] and starting signal
# state; EXEC is empty and relay_exec fails if cc cannot build it.
relay_exec() {
	EXEC=$OUT/relay-exec
	[ -x "$EXEC" ] && return 0
	cc -O -o "$EXEC" "$SRCDIR/tests/helpers/relay-exec.c" >"$OUT/relay-exec.log" 2>&1 && return 0
	EXEC=
	return 1
}

# sab_run INPUT [RELAY-EXEC OPTIONS] -- APPLET [ARGS...]: runs
# "$BIN/APPLET" (wrap_setup) and the bare target, both with argv[0] APPLET
# and stdin from INPUT, into $OUT/sab/{wrapped,bare}.{out,err,rc}. Returns
# 0 when stdout, stderr and exit status are identical; else SAB_WHY says
# what. Needs relay_exec.
sab_run() {
	_sb_in=$1
	shift
	_sb_applet=
	_sb_next=
	for _sb_x; do
		if [ -n "$_sb_next" ]; then
			_sb_applet=$_sb_x
			break
		fi
		[ "$_sb_x" != -- ] || _sb_next=1
	done
	_sb_d=$OUT/sab
	rm -rf "$_sb_d"
	mkdir -p "$_sb_d"
	SAB_WHY=
	timeout -k 5 30 "$EXEC" -p "$BIN/$_sb_applet" "$@" <"$_sb_in" \
		>"$_sb_d/wrapped.out" 2>"$_sb_d/wrapped.err"
	echo $? >"$_sb_d/wrapped.rc"
	timeout -k 5 30 "$EXEC" -p "$(target_of "$_sb_applet")" "$@" <"$_sb_in" \
		>"$_sb_d/bare.out" 2>"$_sb_d/bare.err"
	echo $? >"$_sb_d/bare.rc"
	for _sb_f in out err rc; do
		if ! cmp -s "$_sb_d/bare.$_sb_f" "$_sb_d/wrapped.$_sb_f"; then
			SAB_WHY="$_sb_f differs: bare $(od -An -c "$_sb_d/bare.$_sb_f" | head -c 300) / wrapped $(od -An -c "$_sb_d/wrapped.$_sb_f" | head -c 300)"
			return 1
		fi
	done
}

# same_as_bare NAME INPUT [RELAY-EXEC OPTIONS] -- APPLET [ARGS...]: the
# wrapped and the bare run (sab_run) write the same stdout and stderr and
# end the same way (toybox's TEST_HOST). Options: -i SIG starts both with
# SIG ignored, -b SIG with SIG blocked.
same_as_bare() {
	_sb_name=$1
	shift
	if ! relay_exec; then
		skip "$_sb_name" "cc could not build tests/helpers/relay-exec.c"
	elif sab_run "$@"; then
		pass "$_sb_name"
	else
		fail "$_sb_name" "$SAB_WHY"
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
		Config.in Makefile applets reader libstdiocap scripts configs doc) |
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
