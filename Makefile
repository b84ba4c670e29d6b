# kdlview - plain make + pkg-config.
#
#   make            build build/kdlview (and build/libkdlcore.a)
#   make check      build and run every test (check-plain), again under
#                   ASan+UBSan (check-asan), then once the slow system tests
#                   (check-system: tests/system/s_*.sh, cache in KDL_CACHE,
#                   default /var/cache/kdlview)
#   make demo       build, unpack the samples, open the 6.1-orc sample
#   make deps       check (and as root install) the Debian packages needed
#   make deb        build build/kdlview_VERSION_ARCH.deb (debian/, debhelper)
#   make install    PREFIX=/usr/local DESTDIR=: binary, man page, themes,
#                   bash completion
#
# Tests are discovered by name (see tests/README.md): tests/unit_*.c link with
# the core library, tests/tui_*.c also with the TUI objects, tests/t_*.sh are
# shell tests, tests/system/s_*.sh system tests. Add a file; no Makefile edit
# is needed.

CC      ?= cc
BUILD   ?= build
PKGS    := libkdumpfile libdw libelf libbpf ncursesw libgvc
SAN     ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -g -O2
WFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
# Every include names its path from the top: "core/base/model.h".
ALL_CFLAGS  = $(WFLAGS) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -I. -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS        = $(PKG_LIBS) -lz -lm  # zlib: gzip memory images of tests/fuzz

# The version has one source: the first line of debian/changelog,
# "kdlview (0.9.0) unstable; ...". Only tui/main.c uses it (--version).
KDL_VERSION := $(shell sed -n '1s/^[^ ]* [(]\([^ ]*\)[)].*/\1/p' debian/changelog)

# Core sources: core/analysis.c and one folder per stage (core/<stage>/*.c).
CORE_SRCS  := $(wildcard core/*.c core/*/*.c)
TUI_SRCS   := $(filter-out tui/main.c,$(wildcard tui/*.c))

CORE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CORE_SRCS))
TUI_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(TUI_SRCS))
MAIN_OBJ  := $(BUILD)/obj/tui/main.o

CORE_LIB := $(BUILD)/libkdlcore.a
TUI_LIB  := $(BUILD)/libkdltui.a
KDLVIEW  := $(BUILD)/kdlview

UNIT_SRCS := $(wildcard tests/unit_*.c)
TUIT_SRCS := $(wildcard tests/tui_*.c)
HELP_SRCS := $(wildcard tests/lib/*.c)
HELP_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(HELP_SRCS))
UNIT_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
TUIT_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TUIT_SRCS))
TEST_BINS := $(UNIT_BINS) $(TUIT_BINS)

# Demo input; samples/samples.mk may override these.
DEMO_DIR     ?= $(BUILD)/samples/6.1-orc
DEMO_VMCORE  ?= $(DEMO_DIR)/vmcore
DEMO_VMLINUX ?= $(DEMO_DIR)/vmlinux

.PHONY: all check check-plain check-asan check-system test-bins demo deps clean keys-doc install print-libs deb
all: $(KDLVIEW)

-include samples/samples.mk
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(TUI_LIB): $(TUI_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# TUI objects are linked as objects (not from the archive) so that their
# kdl_tui_run() replaces the weak stand-in in tui/main.c.
$(KDLVIEW): $(MAIN_OBJ) $(TUI_OBJS) $(CORE_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(TUI_OBJS) $(CORE_LIB) $(LIBS)

$(MAIN_OBJ): ALL_CFLAGS += -DKDL_VERSION='"$(KDL_VERSION)"'
$(MAIN_OBJ): debian/changelog

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit_%: $(BUILD)/obj/tests/unit_%.o $(HELP_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(HELP_OBJS) $(CORE_LIB) $(LIBS)

$(BUILD)/tests/tui_%: $(BUILD)/obj/tests/tui_%.o $(HELP_OBJS) $(TUI_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(HELP_OBJS) $(TUI_LIB) $(CORE_LIB) $(LIBS)

test-bins: $(KDLVIEW) $(TEST_BINS)

# Three steps. check-plain and check-asan run the same suite (every test
# binary and every tests/t_*.sh) on build/ and on build/asan/; check-system runs
# tests/system/s_*.sh once, on build/ (never under sanitizers): slow tests of
# the whole system (valgrind over the samples, the bounded fuzzing run; later
# QEMU guests, Debian chroots, a browser). Their caches live outside the clone
# in KDL_CACHE (default /var/cache/kdlview, exported by tests/run.sh --system).
check-plain:
	$(MAKE) BUILD=build SAN= test-bins
	BUILD=build tests/run.sh

check-asan:
	$(MAKE) BUILD=build/asan SAN=1 test-bins
	BUILD=build/asan KDL_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh

check-system:
	$(MAKE) BUILD=build SAN= all
	BUILD=build tests/run.sh --system

# The tests read the unpacked samples: unpack them first (cached, no network).
check:
	.ci/deps.sh
	@if $(MAKE) -n samples >/dev/null 2>&1; then $(MAKE) samples; fi
	$(MAKE) check-plain
	$(MAKE) check-asan
	$(MAKE) check-system

# deps first, then a fresh make: pkg-config flags are read when make starts.
demo:
	.ci/deps.sh
	$(MAKE) $(KDLVIEW)
	@if $(MAKE) -n samples >/dev/null 2>&1; then $(MAKE) samples; fi
	@test -f "$(DEMO_VMCORE)" || { echo "demo: $(DEMO_VMCORE) missing (make samples)" >&2; exit 3; }
	$(KDLVIEW) "$(DEMO_VMCORE)" "$(DEMO_VMLINUX)"

deps:
	.ci/deps.sh

# The key lists of README.md and kdlview.1 come from the key table (tui/keys.c).
keys-doc: $(BUILD)/tests/tui_keysdoc
	$(BUILD)/tests/tui_keysdoc --write

PREFIX  ?= /usr/local
DESTDIR ?=
# The man page's header names the version of debian/changelog.
install: $(KDLVIEW)
	install -D -m 755 $(KDLVIEW) $(DESTDIR)$(PREFIX)/bin/kdlview
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	sed '/^\.TH /s/"kdlview"/"kdlview $(KDL_VERSION)"/' kdlview.1 \
		>$(DESTDIR)$(PREFIX)/share/man/man1/kdlview.1
	chmod 644 $(DESTDIR)$(PREFIX)/share/man/man1/kdlview.1
	install -d $(DESTDIR)$(PREFIX)/share/kdlview/themes
	install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/kdlview/themes/
	install -D -m 644 completion/kdlview.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kdlview

# The Debian package, built by dpkg-buildpackage (debian/rules) from a copy of
# the tree in build/deb-src/ (dpkg-buildpackage writes next to the source
# directory; the repo's parent is not ours); the .deb, the -dbgsym .deb, the
# .changes and .buildinfo are moved to build/. The samples stay out of the
# copy: the package build compiles and installs, the tests run here.
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC  := build/deb-src/kdlview-$(KDL_VERSION)
DEB      := build/kdlview_$(KDL_VERSION)_$(DEB_ARCH).deb
deb:
	rm -rf build/deb-src && mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./build --exclude=./.git --exclude=./samples . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	mv build/deb-src/kdlview*_$(KDL_VERSION)_$(DEB_ARCH).* build/
	@echo "deb: $(DEB)"

# The link flags of the core library, for test tools built outside make
# (tests/lib/sh.sh build_unwind_dump): one list, the PKGS above.
print-libs:
	@echo $(LIBS)

clean:
	rm -rf build/obj build/asan build/tests build/kdlview build/*.a build/deb-src build/kdlview*_*.deb build/kdlview_*.changes build/kdlview_*.buildinfo

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
