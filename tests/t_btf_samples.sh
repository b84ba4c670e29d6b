#!/usr/bin/env bash
# The whole analysis with BTF instead of DWARF, on every sample dump: the
# samples' kernels were built without BTF, so tests/lib/btf_make.sh makes it
# from their DWARF with pahole (what CONFIG_DEBUG_INFO_BTF would have built)
# and strips the DWARF: "a vmlinux without DWARF but with .BTF", opened in
# mode AUTO, plus the scenario module's split BTF (--modules). Judged against
# the same truth as the DWARF runs, not against their output:
#   - tests/lib/core_check.py: the blocked tasks (sysrq-w, crash ps, drgn);
#   - tests/lib/locks_check.py: waited locks (address, kind, name parts),
#     holders with confidence, cycles, findings (expected.json);
#   - every blocked task's reliable function list equals the kernel's own
#     sysrq-w trace (tests/tools/cmp_trace.py, as t_unwind_truth), frames as
#     function+offset with no file:line;
#   - names: the only ones marked "(type unknown: BTF)" are those listed in
#     MARKED below: a kmalloc object typed, under DWARF, through the type of a
#     global pointer to it (listed by its expected.json name; it keeps its
#     slab cache, object and offset), and a lock inside a global struct that
#     no scenario waits on (listed by its name without the mark: 6.12-rt's
#     rcu_state+0xb8, rcu_state.node[0].boost_mtx under DWARF); BTF has no
#     types of globals but per-CPU ones.
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# expected.json waits_on names allowed to come out marked, per variant
MARKED='{"6.1-orc": ["kmalloc-64:kdl_kobj.lock"], "6.1-fp": ["kmalloc-96:kdl_kobj.lock"],
         "6.12-lockdep": ["kmalloc-192:kdl_kobj.lock"],
         "6.12-rt": ["kmalloc-64:kdl_kobj.lock", "rcu_state+0xb8"]}'

one() { # variant dump expected [console log of that boot]
	# $VML (vmlinux-btf: no DWARF, AUTO) and $FORCE (--debuginfo btf) choose
	# which file and mode; the JSON must say btf and name that file
	local v=$1 dump=$2 exp=$3 logname=${4:-console.log} d b name rc truth log
	local vml=${VML:-vmlinux-btf}
	d=$KDL_SAMPLES/$v; b=$BUILD/btf/$v; name="btf $v/$dump${FORCE:+ $FORCE} $vml"
	if [ ! -f "$d/$dump" ] || [ ! -f "$d/vmlinux" ]; then skip "$name: sample not unpacked (make samples)"; return; fi
	truth=$d/$exp; log=$d/$logname
	[ -f "$truth" ] || truth=$TOP/samples/$v/$exp
	[ -f "$log" ] || log=$TOP/samples/$v/truth/$logname
	if [ ! -f "$truth" ]; then skip "$name: $exp missing"; return; fi
	bash "$TOP/tests/lib/btf_make.sh" "$d" "$b"; rc=$?
	if [ $rc = 77 ]; then skip "$name: pahole missing (.ci/deps.sh installs dwarves)"; return; fi
	if [ $rc != 0 ]; then fail "$name: btf_make.sh failed ($rc)"; return; fi
	# the dump alone in a directory, the BTF vmlinux and module elsewhere
	mkdir -p "$tmp/dump"; ln -sf "$d/$dump" "$tmp/dump/$dump"
	"$KDLVIEW" --report --format json --all ${FORCE:-} --modules "$b" "$tmp/dump/$dump" \
		"$b/$vml" > "$tmp/r.json" 2> "$tmp/err"
	rc=$?
	if [ $rc != 0 ] && [ $rc != 5 ]; then fail "$name: kdlview exit $rc: $(head -c 300 "$tmp/err")"; return; fi
	pass "$name: opens (exit $rc)"
	checks_from python3 - "$name" "$tmp/r.json" "$b/$vml" <<'PY'
import json, sys
name, rep, vml = sys.argv[1:4]
d = json.load(open(rep))["dump"]
ok = d.get("debuginfo") == "btf" and d.get("debuginfo_from") == vml and \
     "no line numbers" in (d.get("debuginfo_missing") or "")
print(("PASS" if ok else "FAIL") + f" {name}: JSON says debuginfo btf from {vml}, and what it"
      f" lacks" + ("" if ok else f": {d}"))
PY
	local ps=$TOP/samples/$v/truth/crash-ps.txt dr=$TOP/samples/$v/truth/drgn.txt
	# crash's ps and drgn ran on the other boot's dump (t_core_samples alike)
	[ "$dump" = vmcore-novmcoreinfo.elf ] && ps= dr=
	checks_from python3 "$TOP/tests/lib/core_check.py" "$name" "$tmp/r.json" "$truth" "$ps" "$dr"
	checks_from python3 "$TOP/tests/lib/locks_check.py" "$name" "$tmp/r.json" "$truth" "$log"
	checks_from python3 - "$name" "$v" "$tmp/r.json" "$truth" "$MARKED" "$tmp/ours.txt" <<'PY'
import json, sys
name, v, rep_path, exp_path, marked, ours = sys.argv[1:7]
rep, exp = json.load(open(rep_path)), json.load(open(exp_path))
allowed = set(json.loads(marked).get(v, []))
MARK = " (type unknown: BTF)"
want = {}
for s in exp.get("scenarios", []):
    for e in s.get("edges", []):
        want[int(e["waits_on"]["address"], 16)] = e["waits_on"]
n = 0
for l in rep.get("locks", []):
    if not l["name"].endswith(MARK):
        continue
    n += 1
    w = want.get(int(l["address"], 16))
    ok = (w["name"] if w else l["name"][:-len(MARK)]) in allowed
    print(("PASS" if ok else "FAIL") + f" {name}: {l['name']} may be marked" +
          ("" if ok else f": not listed ({w and w['name']})"))
    if w is not None:
        off = int(l["address"], 16) - int(w["object"], 16)
        ok = (l.get("cache") == w.get("cache") and int(l["object"], 16) == int(w["object"], 16)
              and l.get("member") == "+0x%x" % off)
        print(("PASS" if ok else "FAIL") + f" {name}: marked {w['name']} keeps cache, object, "
              f"offset" + ("" if ok else f": {l.get('cache')} {l.get('object')} {l.get('member')}"))
frames = [f for t in rep["tasks"] for f in t.get("frames", [])] + \
         [f for c in rep.get("cpus", []) for f in c.get("frames", []) or []]
bad = [f for f in frames if f.get("file") or f.get("line")]
print(("PASS" if frames and not bad else "FAIL") +
      f" {name}: {len(frames)} frames, function+offset, no file:line" +
      ("" if not bad else f": {bad[0]}"))
# our traces in unwind_dump's layout for tests/tools/cmp_trace.py
with open(ours, "w") as o:
    for t in rep["tasks"]:
        o.write(f"task:{t['comm'].replace(' ', '_')} pid:{t['pid']}\n")
        for f in t.get("frames", []):
            if f.get("function") and f.get("context") != "user":
                o.write(f"  {'' if f['reliable'] else '? '}{f['function']}+0x{f['offset']:x}/0x1\n")
    for c in rep.get("cpus", []):
        o.write(f"cpu:{c['cpu']}\n")
        for f in c.get("frames", []) or []:
            if f.get("function") and f.get("context") != "user":
                o.write(f"  {'' if f['reliable'] else '? '}{f['function']}+0x{f['offset']:x}/0x1\n")
PY
	if [ -f "$log" ] && [ "$dump" != vmcore-novmcoreinfo.elf ]; then
		checks_from python3 "$TOP/tests/tools/cmp_trace.py" "$log" "$tmp/ours.txt" "$name sysrq-w"
	fi
}

for v in 6.1-orc 6.1-fp 6.12-lockdep 6.12-rt; do
	one $v vmcore.kdump expected.json
done
one 6.1-orc vmcore.elf expected.json
one 6.1-orc vmcore-novmcoreinfo.elf expected-novmcoreinfo.json console-novmcoreinfo.log
# a vmlinux with both DWARF and .BTF: --debuginfo btf uses the BTF
VML=vmlinux-both FORCE="--debuginfo btf" one 6.12-rt vmcore.kdump expected.json
VML=vmlinux-both FORCE="--debuginfo btf" one 6.1-orc vmcore.kdump expected.json
done_testing
