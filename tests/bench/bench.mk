# make bench: kdlview vs crash and drgn on scale dumps (built once, cached in
# build/bench/) and on every unpacked sample; see tests/bench/README.md.
.PHONY: bench bench-dumps
bench: $(KDLVIEW)
	@if $(MAKE) -n samples >/dev/null 2>&1; then $(MAKE) samples; fi
	KDLVIEW=$(abspath $(KDLVIEW)) python3 tests/bench/bench.py

bench-dumps:
	python3 tests/bench/scale/gen.py
