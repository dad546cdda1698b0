# shellcheck shell=sh
# cross-lib.sh - helpers shared by tests/cross.test, rootfs.test and
# boot.test (sourced after testing.sh): tree builds for another
# architecture or defconfig, ELF checks, qemu-user and binfmt lookup, and
# process lookup in a `pcapcheck --dump` directory.

# Where scripts/install-deps unpacks busybox-static:ARCH (it cannot be
# installed beside the host's busybox-static: both own /bin/busybox).
DEPS_ROOT=${STDIOCAP_DEPS_ROOT:-/opt/stdiocap-deps}

# tree_build NAME DEFCONFIG [CONFIG_LINE...] [-- MAKE_ARG...]: a copy of
# the tree in $OUT/NAME, configured from DEFCONFIG (a configs/ name, or ""
# for the Config.in defaults) plus the given .config lines, then built with
# `make -s MAKE_ARG...` (e.g. CROSS_COMPILE=s390x-linux-musl-). Sets TREE
# (the directory, with the binary $TREE/stdiocap); on failure returns 1
# with the output in $TREE/build.log.
tree_build() {
	TREE=$OUT/$1
	_defconfig=$2
	shift 2
	tree_copy "$TREE" || return 1
	: >"$TREE/config.extra"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		printf '%s\n' "$1" >>"$TREE/config.extra"
		shift
	done
	[ $# -eq 0 ] || shift
	(
		cd "$TREE" || exit 1
		if [ -n "$_defconfig" ]; then
			make "$_defconfig"
		else
			kconfig-conf --alldefconfig Config.in
		fi </dev/null &&
			cat config.extra >>.config &&
			kconfig-conf --olddefconfig Config.in </dev/null &&
			make -s "$@"
	) >"$TREE/build.log" 2>&1
}

# elf_field FILE FIELD: one field of `readelf -h` ("Machine", "Class", ...).
elf_field() {
	LC_ALL=C readelf -h "$1" 2>/dev/null |
		sed -n "s/^ *$2: *//p"
}

# elf_static FILE: no program interpreter and no dynamic section.
elf_static() {
	LC_ALL=C readelf -lW "$1" >"$OUT/readelf.l" 2>&1 || return 1
	! grep -Eq 'INTERP|DYNAMIC' "$OUT/readelf.l"
}

# elf_stripped FILE: no symbol table left.
elf_stripped() {
	LC_ALL=C readelf -SW "$1" >"$OUT/readelf.S" 2>&1 || return 1
	! grep -q '\.symtab' "$OUT/readelf.S"
}

# binfmt_on QEMUNAME: the kernel runs that architecture's binaries through
# qemu-user (binfmt_misc registered and enabled, e.g. qemu-arm).
binfmt_on() {
	[ -r "/proc/sys/fs/binfmt_misc/$1" ] &&
		head -n 1 "/proc/sys/fs/binfmt_misc/$1" | grep -qx enabled
}

# binfmt_fixed QEMUNAME: registered with the F flag (the interpreter was
# opened at registration, so it also works inside a chroot).
binfmt_fixed() {
	binfmt_on "$1" && grep -q '^flags:.*F' "/proc/sys/fs/binfmt_misc/$1"
}

# foreign_busybox ARCH: busybox-static:ARCH (armhf, arm64, s390x), as
# scripts/install-deps unpacks it.
foreign_busybox() {
	[ -x "$DEPS_ROOT/busybox-$1/bin/busybox" ] &&
		echo "$DEPS_ROOT/busybox-$1/bin/busybox"
}

# static_busybox: the host's busybox, if it is statically linked.
static_busybox() {
	_bb=$(command -v busybox 2>/dev/null) || return 1
	elf_static "$_bb" || return 1
	echo "$_bb"
}

# proc_find DIR ARG...: the index of the process in a pcapcheck --dump DIR
# whose argv is exactly ARG...; fails unless exactly one matches.
proc_find() {
	_dir=$1
	shift
	printf '%s\n' "$@" >"$OUT/argv.want"
	_found=
	for _f in "$_dir"/*.argv; do
		[ -f "$_f" ] || continue
		cmp -s "$_f" "$OUT/argv.want" || continue
		[ -z "$_found" ] || return 1
		_found=$(basename "$_f" .argv)
	done
	[ -n "$_found" ] && echo "$_found"
}

# proc_is DIR I STREAM EXPECTED: the STREAM (stdin, stdout, stderr, exit,
# pid) file of process I holds exactly the printf %b string EXPECTED.
proc_is() {
	printf '%b' "$4" >"$OUT/proc.want"
	[ -n "$2" ] && cmp -s "$1/$2.$3" "$OUT/proc.want"
}

# proc_has_env DIR I VAR=VALUE: process I's environment holds that entry.
proc_has_env() {
	[ -n "$2" ] && grep -qxF "$3" "$1/$2.env"
}
