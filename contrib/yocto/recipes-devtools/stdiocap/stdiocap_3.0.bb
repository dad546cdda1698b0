SUMMARY = "Wraps programs and records their argv, environment, stdio and exit in a pcap file"
DESCRIPTION = "stdiocap is a static multi-call binary. Installed as a link \
named like a program, it runs the real program and records everything \
that crosses its boundary as forged Ethernet/IPv4/UDP frames in one \
shared pcap file that Wireshark, tshark and tcpdump open."
SECTION = "devel"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://applets/main.c;beginline=2;endline=2;md5=a69dfc1a7ba53f3705b52434c3781843"

# The source is the stdiocap tree this layer lives in
# (contrib/yocto/recipes-devtools/stdiocap/ is four levels below it).
inherit externalsrc
EXTERNALSRC ?= "${@os.path.abspath(os.path.join(d.getVar('THISDIR'), '..', '..', '..', '..'))}"

# The applet table: whitespace-separated NAME=/absolute/target entries.
STDIOCAP_APPLETS ?= "cat=${base_bindir}/cat echo=${base_bindir}/echo ls=${base_bindir}/ls sh=${base_bindir}/sh"
# The capture file used when STDIO_PCAP is unset or empty.
STDIOCAP_DEFAULT_PCAP ?= "/tmp/stdio.pcap"
# More settings of stdiocap's Config.in, as CONFIG_X=VALUE words, e.g.
# "CONFIG_INSTALL_LAYOUT_TARGET=y CONFIG_FAIL_CLOSED=y".
STDIOCAP_CONFIG ?= ""
# The binary's directory, relative to the root: ${bindir} without its '/'.
STDIOCAP_BINDIR = "${@d.getVar('bindir').lstrip('/')}"

# CC, CFLAGS and LDFLAGS come from the environment; the host tools of
# the build (its kconfig, the applet table generator) use BUILD_CC.
# The debug information is split off by the packaging, not stripped.
EXTRA_OEMAKE = "HOSTCC='${BUILD_CC}' SKIP_STRIP=y V=1"

do_configure() {
    oe_runmake defconfig \
        'CONFIG_APPLETS=${STDIOCAP_APPLETS}' \
        'CONFIG_DEFAULT_PCAP=${STDIOCAP_DEFAULT_PCAP}' \
        'CONFIG_INSTALL_DIR=${STDIOCAP_BINDIR}' \
        ${STDIOCAP_CONFIG}
}

do_compile() {
    oe_runmake
}

do_install() {
    oe_runmake install CONFIG_PREFIX=${D}
}

FILES:${PN} += "${base_bindir} ${base_sbindir} ${sbindir}"
