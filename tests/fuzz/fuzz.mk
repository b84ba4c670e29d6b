# tests/fuzz/fuzz.mk - the libFuzzer harness (included by the Makefile).
#
#   make fuzz [FUZZ_SECONDS=120]  build and run the harness over the memory
#                                 image; crashes land in build/fuzz/crashes/
#   make fuzz-build               only build build/fuzz/kdl_fuzz (clang)
#   make fuzz-image               re-capture tests/fuzz/image/6.1-orc.img.gz
#                                 from the 6.1-orc sample
# A crash found becomes a regression input: copy it to tests/fuzz/regress/
# (tests/unit_fuzz_replay.c replays every file there in the normal suite).

FUZZ_CC      ?= $(shell command -v clang-14 2>/dev/null || command -v clang 2>/dev/null || echo clang)
FUZZ_DIR     := build/fuzz
FUZZ_SECONDS ?= 120
FUZZ_IMAGE   ?= tests/fuzz/image/6.1-orc.img.gz
FUZZ_VMLINUX ?= $(BUILD)/samples/6.1-orc/vmlinux
# per input: 10 s, 2 GB RSS, 1 GB per allocation
FUZZ_LIMITS  ?= -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=512
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -g -O1 $(FUZZ_SAN) $(PKG_CFLAGS) \
		-I. -MMD -MP

FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRCS) tests/fuzz/image.c)
FUZZ_BIN      := $(FUZZ_DIR)/kdl_fuzz

.PHONY: fuzz fuzz-build fuzz-image
fuzz-build: $(FUZZ_BIN)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_DIR)/obj/tests/fuzz/harness.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lz -lm

# The corpus starts from the seeds in tests/fuzz/seeds and the regression
# inputs; new inputs stay in build/fuzz/corpus between runs.
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes
	KDL_FUZZ_IMAGE=$(FUZZ_IMAGE) KDL_FUZZ_VMLINUX=$(FUZZ_VMLINUX) \
	KDL_FUZZ_STATS=$(FUZZ_DIR)/stats UBSAN_OPTIONS=print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
		$(FUZZ_BIN) $(FUZZ_LIMITS) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crashes/ $(FUZZ_DIR)/corpus tests/fuzz/seeds \
		tests/fuzz/regress
	@cat $(FUZZ_DIR)/stats

fuzz-image: $(KDLVIEW)
	@mkdir -p $(FUZZ_DIR) tests/fuzz/image
	$(CC) $(ALL_CFLAGS) -o $(FUZZ_DIR)/capture tests/fuzz/capture.c tests/fuzz/image.c \
		$(CORE_LIB) $(LIBS)
	$(FUZZ_DIR)/capture --all $(DEMO_DIR)/vmcore.kdump $(DEMO_DIR)/vmlinux $(FUZZ_DIR)/image.img
	gzip -9 -n -c $(FUZZ_DIR)/image.img > $(FUZZ_IMAGE)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

# valgrind over every unpacked sample (a system test: make check-system)
.PHONY: valgrind
valgrind: $(KDLVIEW)
	BUILD=build tests/run.sh --system s_valgrind
