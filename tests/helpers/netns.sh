# shellcheck shell=sh
# netns.sh - private networks for the network-destination tests
# (doc/network.md), sourced after testing.sh. Everything lives in network
# namespaces the test creates: the test file itself runs in a fresh one
# (the collector's side, net_enter), each board is a process holding
# another (net_board), joined by a veth pair with addresses picked inside
# them. Never a real network, never an address outside them. Scripts
# given to sh -c are single-quoted on purpose: they get their values as
# "$1"..., never by splicing text into code.
# shellcheck disable=SC2016
#
#   net_enter "$0"             re-runs the test file in a new network
#                              namespace (or SKIPs: not root, no unshare/ip)
#   net_board NAME N           board NAME (N = 1 or 2) in a new namespace,
#                              veth cN <-> bN: collector 10.77.N.1 and
#                              fd77:N::1, board 10.77.N.2 and fd77:N::2;
#                              $BOARD_NAME is the pid holding it, until
#                              fd 4+N is closed
#   on_board NAME CMD...       runs CMD in board NAME's namespace
#   net_collect IFACE FILE [tcpdump options...]
#                              starts tcpdump on IFACE (udp only), saving
#                              to FILE; returns once it is listening
#   net_collected NAME ADDR    sends the end marker from board NAME to
#                              ADDR:9; returns once the file holds it
#                              (60 s at most), tcpdump stopped

NET_MARK=stdiocap-net-test-end

# net_enter SCRIPT: the rest of the test file in a private network
# namespace; SKIPs the whole file when that cannot be had.
net_enter() {
	[ -n "${NET_INSIDE:-}" ] && return 0
	for _t in unshare ip tc tcpdump nsenter editcap tshark; do
		if ! command -v "$_t" >/dev/null 2>&1; then
			skip "network destination tests" "no $_t (scripts/install-deps)"
			exit 0
		fi
	done
	if [ -z "${IS_ROOT:-}" ] || ! unshare -n true 2>/dev/null; then
		skip "network destination tests" "needs root for network namespaces"
		exit 0
	fi
	NET_INSIDE=1 exec unshare -n sh "$1"
}

# net_board NAME N: a board namespace held by a process that lives until
# its fifo is closed (net_cleanup), and a veth pair to it.
net_board() {
	_nb_fifo=$OUT/board-$1.hold
	mkfifo "$_nb_fifo" || return 1
	unshare -n sh -c 'read -r _ <"$1"' sh "$_nb_fifo" &
	_nb_pid=$!
	eval "BOARD_$1=$_nb_pid"
	# the holder has its namespace once its fifo reader is open: opening
	# the write end returns only then
	eval "exec $((4 + $2))>\"\$_nb_fifo\""
	NET_HOLDERS="${NET_HOLDERS:-} $_nb_pid"
	ip link set lo up &&
	ip link add "c$2" type veth peer name "b$2" &&
	ip link set "b$2" netns "$_nb_pid" &&
	ip addr add "10.77.$2.1/24" dev "c$2" &&
	ip addr add "fd77:$2::1/64" dev "c$2" nodad &&
	ip link set "c$2" up &&
	nsenter -t "$_nb_pid" -n sh -c '
		ip link set lo up &&
		ip addr add "10.77.$1.2/24" dev "b$1" &&
		ip addr add "fd77:$1::2/64" dev "b$1" nodad &&
		ip link set "b$1" up' sh "$2"
}

on_board() {
	_ob_pid=
	eval "_ob_pid=\$BOARD_$1"
	shift
	nsenter -t "$_ob_pid" -n "$@"
}

# net_collect IFACE FILE [OPTIONS...]: tcpdump writes a pcap stream that
# netcap.py collect saves until the end marker; tcpdump's first line on
# stderr ("listening on ...") says the capture is armed. -B 32768 (32 MB
# of kernel buffer) and -s 4096 (libpcap sizes its ring's slots by the
# snapshot length, 256 KiB by default: 128 slots) let a 1 MB burst wait
# for the saver instead of being "dropped by kernel" (doc/network.md).
net_collect() {
	_nc_if=$1 _nc_file=$2
	shift 2
	rm -f "$OUT/td.err" "$OUT/td.pipe"
	mkfifo "$OUT/td.err" "$OUT/td.pipe" || return 1
	tcpdump -Z root -n -B 32768 -s 4096 -i "$_nc_if" --immediate-mode -U "$@" -w - udp \
		>"$OUT/td.pipe" 2>"$OUT/td.err" &
	NET_TCPDUMP=$!
	timeout 60 "$PYBIN" "$SRCDIR/tests/helpers/netcap.py" collect \
		"$_nc_file" "$NET_MARK" <"$OUT/td.pipe" &
	NET_SAVER=$!
	exec 8<"$OUT/td.err"
	# tcpdump says "listening on IFACE" once packets are being taken
	while read -r _nc_line <&8; do
		case $_nc_line in *listening*) return 0 ;; esac
	done
	return 1
}

# net_collected BOARD ADDR: the end marker from BOARD to ADDR; returns
# when the saver has written it, then stops tcpdump.
net_collected() {
	on_board "$1" "$PYBIN" "$SRCDIR/tests/helpers/netcap.py" send "$2" 9 "$NET_MARK"
	wait "$NET_SAVER"
	_ncd_rc=$?
	kill "$NET_TCPDUMP" 2>/dev/null
	wait "$NET_TCPDUMP" 2>/dev/null
	# tcpdump's last words: packets "dropped by kernel" (test logs)
	cat <&8 >"$OUT/td.log"
	exec 8<&-
	return "$_ncd_rc"
}
