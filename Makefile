# stdiocap - the only build entry: non-recursive, Kbuild-style output.
# SPDX-License-Identifier: MIT
#
#   make [V=1] [CROSS_COMPILE=arm-linux-musleabihf-]   build ./stdiocap
#   make defconfig | NAME_defconfig | menuconfig | ...  configure
#   make install CONFIG_PREFIX=DIR [INSTALL_MAN=1]      binary + applet links
#                                                       (+ share/man/man1/stdiocap.1)
#   make check | demo | help

# ---- output discipline (Kbuild): V=1 only from the command line
ifeq ("$(origin V)", "command line")
  KBUILD_VERBOSE := $(V)
endif
ifeq ($(KBUILD_VERBOSE),1)
  quiet :=
  Q :=
else
  quiet := quiet_
  Q := @
endif
# firstword: MAKEFLAGS also carries command-line variables, and an 's' in
# CROSS_COMPILE=s390x-... must not silence the build.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
  quiet := silent_
endif
cmd = @$(if $($(quiet)cmd_$(1)),echo '  $($(quiet)cmd_$(1))' &&) $(cmd_$(1))

# ---- configuration
KCONFIG_CONF ?= kconfig-conf
KCONFIG_MCONF ?= kconfig-mconf
unquote = $(patsubst "%",%,$(1))

ifneq ($(wildcard .config),)
  include .config
endif

CONFIG_PREFIX ?= ./_install
CROSS_COMPILE ?= $(call unquote,$(CONFIG_CROSS_COMPILER_PREFIX))
INSTALL_DIR := $(call unquote,$(CONFIG_INSTALL_DIR))
INSTALL_DIR := $(if $(INSTALL_DIR),$(INSTALL_DIR),bin)
# the man page is for desks, not boards: installed only when asked
INSTALL_MAN ?= 0
MANDIR ?= share/man

# ---- toolchain: musl, static; CC and CFLAGS may be overridden
# SANITIZE=address or SANITIZE=undefined (scripts/check-sanitize): the
# host gcc and glibc, linked dynamically (static ASan does not link).
ifneq ($(SANITIZE),)
  CC := gcc
  CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE)
endif
ifeq ($(origin CC),default)
  CC := $(if $(CROSS_COMPILE),$(CROSS_COMPILE)gcc,musl-gcc)
endif
HOSTCC ?= cc
ifeq ($(CONFIG_DEBUG),y)
  CFLAGS ?= -O0 -g
  STRIP_FLAG :=
else
  CFLAGS ?= -Os
  STRIP_FLAG := -s
endif
WARNINGS := -Wall -Wextra -Wundef -Wshadow -Wmissing-prototypes \
	$(if $(WERROR),-Werror)
# Size (BusyBox's habit: say what each byte buys). No unwind tables: C
# without exceptions never unwinds. One page-aligned segment less and no
# RELRO/build-id: together about 12 KiB of a ~24 KiB binary; a small
# common page size saves the file's padding before the data segment
# (up to 4 KiB; the kernel still maps whole pages). A static
# binary loads at a fixed address, so position-independent code only
# costs (about 200 bytes).
ALL_CFLAGS := -std=c99 -D_GNU_SOURCE $(WARNINGS) \
	-ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie \
	-Iinclude -Ilibstdiocap -Iapplets -Ireader $(CFLAGS) $(call unquote,$(CONFIG_EXTRA_CFLAGS))
ALL_LDFLAGS := -static -no-pie -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,common-page-size=64 -Wl,--build-id=none $(STRIP_FLAG) $(LDFLAGS)

ifneq ($(SANITIZE),)
  ALL_LDFLAGS := -no-pie -fsanitize=$(SANITIZE) $(LDFLAGS)
endif

LIB_OBJS := $(patsubst %.c,%.o,$(wildcard libstdiocap/*.c))
APPLET_OBJS := $(patsubst %.c,%.o,$(wildcard applets/*.c))
# the capture readers (--ps, --tree, --chart, ...): their own directory,
# built like applets/ (they read the same configuration headers)
READER_OBJS := $(patsubst %.c,%.o,$(wildcard reader/*.c))
GEN := include/generated
STAMP := $(GEN)/toolchain

.PHONY: all clean distclean help install check check-qemu check-sanitize \
	demo bench fuzz FORCE defconfig menuconfig oldconfig olddefconfig savedefconfig
all: stdiocap

# ---- Kconfig front ends (Debian kconfig-frontends, never vendored)
defconfig:
	$(Q)$(KCONFIG_CONF) --alldefconfig Config.in
%_defconfig:
	$(Q)test -f configs/$@ || { echo "configs/$@: no such defconfig" >&2; exit 1; }
	$(Q)$(KCONFIG_CONF) --defconfig=configs/$@ Config.in
menuconfig:
	$(Q)$(KCONFIG_MCONF) Config.in
oldconfig:
	$(Q)$(KCONFIG_CONF) --oldconfig Config.in
olddefconfig:
	$(Q)$(KCONFIG_CONF) --olddefconfig Config.in
savedefconfig:
	$(Q)$(KCONFIG_CONF) --savedefconfig=defconfig Config.in

# Plain `make` without .config takes the defaults; the test keeps make -B
# from ever resetting a user's .config.
.config:
	$(Q)[ -e .config ] || { \
		echo "  No .config: using the defaults of Config.in (make menuconfig to change)"; \
		$(KCONFIG_CONF) -s --alldefconfig Config.in </dev/null >/dev/null; }

# auto.conf is rewritten on every run; autoconf.h only when it changes, so
# touching .config without changing it rebuilds nothing.
quiet_cmd_conf = CONF    $(GEN)/autoconf.h
      cmd_conf = mkdir -p include/config $(GEN) && \
	$(KCONFIG_CONF) -s --olddefconfig Config.in </dev/null && \
	KCONFIG_AUTOHEADER=$(GEN)/autoconf.h.tmp \
	$(KCONFIG_CONF) -s --silentoldconfig Config.in </dev/null && \
	{ cmp -s $(GEN)/autoconf.h.tmp $(GEN)/autoconf.h && \
	  rm -f $(GEN)/autoconf.h.tmp || mv -f $(GEN)/autoconf.h.tmp $(GEN)/autoconf.h; }
include/config/auto.conf: .config Config.in
	$(call cmd,conf)
$(GEN)/autoconf.h: include/config/auto.conf ;

# ---- host tool and the generated applet table
quiet_cmd_hostcc = HOSTCC  $@
      cmd_hostcc = $(HOSTCC) -std=c99 -Wall -Wextra -O2 -include $(GEN)/autoconf.h -o $@ $<
scripts/mkapplets: scripts/mkapplets.c $(GEN)/autoconf.h
	$(call cmd,hostcc)

quiet_cmd_gen = GEN     $(GEN)/applets.h
      cmd_gen = scripts/mkapplets $(GEN)/applets.h $(GEN)/applets.list && touch $@
$(GEN)/applets.stamp: scripts/mkapplets
	$(call cmd,gen)
$(GEN)/applets.h $(GEN)/applets.list: $(GEN)/applets.stamp ;

# ---- compiler and flags recorded, so CROSS_COMPILE or CFLAGS changes
# rebuild everything instead of linking stale objects
$(STAMP): FORCE
	@mkdir -p $(GEN)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

# ---- the binary
quiet_cmd_cc = CC      $@
      cmd_cc = $(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
quiet_cmd_ld = LD      $@
      cmd_ld = $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^

$(LIB_OBJS): %.o: %.c $(STAMP)
	$(call cmd,cc)
$(APPLET_OBJS) $(READER_OBJS): %.o: %.c $(STAMP) $(GEN)/autoconf.h $(GEN)/applets.h
	$(call cmd,cc)
stdiocap: $(APPLET_OBJS) $(READER_OBJS) $(LIB_OBJS)
	$(call cmd,ld)

-include $(LIB_OBJS:.o=.d) $(APPLET_OBJS:.o=.d) $(READER_OBJS:.o=.d)

# ---- install: never runs the built binary (it may be cross-compiled), and
# never rebuilds an existing one: `make CROSS_COMPILE=arm-...` then `make
# install` must install the ARM binary, not a fresh host build.
install: $(GEN)/applets.list
	$(Q)[ -e stdiocap ] || $(MAKE) --no-print-directory stdiocap
	$(Q)if [ $(GEN)/applets.list -nt stdiocap ]; then \
		echo "install: ./stdiocap is older than the applet table: run make first" >&2; \
		exit 1; fi
	$(Q)sh applets/install.sh "$(CONFIG_PREFIX)" "$(INSTALL_DIR)" \
		$(GEN)/applets.list stdiocap
ifeq ($(INSTALL_MAN),1)
	$(Q)mkdir -p "$(CONFIG_PREFIX)/$(MANDIR)/man1"
	$(Q)cp -f doc/stdiocap.1 "$(CONFIG_PREFIX)/$(MANDIR)/man1/stdiocap.1"
	$(Q)chmod 644 "$(CONFIG_PREFIX)/$(MANDIR)/man1/stdiocap.1"
	@echo "  INSTALL $(CONFIG_PREFIX)/$(MANDIR)/man1/stdiocap.1"
endif

check-qemu: stdiocap
	$(Q)sh scripts/install-deps
	$(Q)sh tests/run.sh tests/cross.test tests/rootfs.test tests/boot.test

# ---- tests and demo: both set up a fresh Debian machine themselves
check:
	$(Q)sh scripts/install-deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 stdiocap
	$(Q)sh tests/run.sh
check-sanitize:
	$(Q)sh scripts/install-deps
	$(Q)sh scripts/check-sanitize

demo:
	$(Q)sh scripts/install-deps
	$(Q)$(MAKE) --no-print-directory stdiocap
	$(Q)sh scripts/demo

clean:
	$(Q)rm -f stdiocap scripts/mkapplets applets/*.[od] reader/*.[od] libstdiocap/*.[od]
	$(Q)rm -rf include tests/out _install
distclean: clean
	$(Q)rm -f .config .config.old defconfig

help:
	@echo 'Configuration:'
	@echo '  defconfig        .config with every default of Config.in'
	@echo '  NAME_defconfig   .config from configs/NAME_defconfig'
	@echo '  menuconfig       edit .config in a menu'
	@echo '  oldconfig        ask about new symbols'
	@echo '  olddefconfig     take defaults for new symbols'
	@echo '  savedefconfig    write the minimal ./defconfig'
	@echo 'Building:'
	@echo '  all (default)    ./stdiocap, static, musl (CROSS_COMPILE=... to cross-build)'
	@echo '  install          CONFIG_PREFIX/$(INSTALL_DIR)/stdiocap + one link per applet'
	@echo '                   (INSTALL_MAN=1: also CONFIG_PREFIX/$(MANDIR)/man1/stdiocap.1)'
	@echo '  clean, distclean remove build outputs (and .config)'
	@echo 'Testing:'
	@echo '  check            install test tools if missing, build, run every test'
	@echo '  check-qemu       cross builds under qemu-user, a chroot rootfs, initramfs boots'
	@echo '  check-sanitize   the e2e and stress tests on ASan and UBSan builds (gcc, glibc), valgrind on one relay'
	@echo '  fuzz             libFuzzer on the capture readers (FUZZ_SECONDS=60)'
	@echo '  bench            throughput, cost per run, size, RSS as ratios'
	@echo '  demo             build, install into a staging rootfs, run and show a capture'
	@echo 'Options: V=1 full commands; CC, CFLAGS, LDFLAGS, HOSTCC overridable'

# ---- fuzzing the capture readers for FUZZ_SECONDS (default 60)
fuzz:
	$(Q)sh scripts/install-deps
	$(Q)sh scripts/fuzz

# ---- figures, not tests: ratios against baselines measured in the same run
bench: stdiocap
	$(Q)sh scripts/bench
