# samples/samples.mk - included by the top-level Makefile.
#   make samples        unpack what tests and the demo need into $(SAMPLES_OUT)
#                       (xz -d of vmlinux and ELF dumps, copies of the rest);
#                       cached by timestamps, no network, no kernel build.
#   make samples-regen  rebuild the whole sample set from Debian's kernel
#                       sources (30+ minutes, needs root for apt-get and QEMU);
#                       CI never runs it.
# Unpacked layout: $(SAMPLES_OUT)/<variant>/{vmlinux,vmcore.kdump,kdl_scen.ko,
# expected.json}, plus for 6.1-orc vmcore.elf, vmcore.qemu-kdump,
# vmcore-novmcoreinfo.elf, expected-novmcoreinfo.json (see samples/README.md).
SAMPLES_DIR ?= samples
SAMPLES_OUT ?= build/samples

SAMPLES_XZ := $(wildcard $(SAMPLES_DIR)/*/vmlinux.xz $(SAMPLES_DIR)/*/vmcore*.elf.xz)
SAMPLES_COPY := $(wildcard $(SAMPLES_DIR)/*/vmcore.kdump $(SAMPLES_DIR)/*/vmcore.qemu-kdump \
	$(SAMPLES_DIR)/*/kdl_scen.ko $(SAMPLES_DIR)/*/expected*.json)
SAMPLES_FILES := $(patsubst $(SAMPLES_DIR)/%.xz,$(SAMPLES_OUT)/%,$(SAMPLES_XZ)) \
	$(patsubst $(SAMPLES_DIR)/%,$(SAMPLES_OUT)/%,$(SAMPLES_COPY))

.PHONY: samples samples-regen
samples: $(SAMPLES_FILES)

$(patsubst $(SAMPLES_DIR)/%.xz,$(SAMPLES_OUT)/%,$(SAMPLES_XZ)): $(SAMPLES_OUT)/%: $(SAMPLES_DIR)/%.xz
	@mkdir -p $(dir $@)
	xz -dc $< > $@.tmp && mv $@.tmp $@

$(patsubst $(SAMPLES_DIR)/%,$(SAMPLES_OUT)/%,$(SAMPLES_COPY)): $(SAMPLES_OUT)/%: $(SAMPLES_DIR)/%
	@mkdir -p $(dir $@)
	cp $< $@

samples-regen:
	python3 $(SAMPLES_DIR)/gen/generate.py
	$(MAKE) samples

# The demo opens the 6.1-orc makedumpfile dump (the top-level Makefile's defaults
# are set before this file is included).
DEMO_DIR := $(SAMPLES_OUT)/6.1-orc
DEMO_VMCORE := $(DEMO_DIR)/vmcore.kdump
DEMO_VMLINUX := $(DEMO_DIR)/vmlinux
