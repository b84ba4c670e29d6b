#!/usr/bin/env bash
# The lock parts of every report format on a real sample: --pid restricts the
# report to the pid's wait chain (truth: the abba scenario of expected.json),
# DOT renders with Graphviz, Markdown and text carry every finding.
. "$(dirname "$0")/lib/sh.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

v=6.1-orc
d=$KDL_SAMPLES/$v
exp=$d/expected.json  # the truth of the same boot as the unpacked dump
if [ ! -f "$d/vmcore.kdump" ] || [ ! -f "$d/vmlinux" ] || [ ! -f "$exp" ]; then
	skip "locks report: $v sample not unpacked (make samples)"
	done_testing
fi
run() { "$KDLVIEW" --report "$@" "$d/vmcore.kdump" "$d/vmlinux"; }

# the abba scenario: its two cycle members and the user process queued on A
read -r p1 p2 p3 others < <(python3 -c '
import json, sys
s = [x for x in json.load(open(sys.argv[1]))["scenarios"] if x["id"] == "abba"][0]
other = [t["pid"] for x in json.load(open(sys.argv[1]))["scenarios"] if x["id"] == "convoy" for t in x["tasks"]]
print(*[t["pid"] for t in s["tasks"]], ",".join(map(str, other)))' "$exp")

run --format json --pid "$p1" > "$tmp/p.json" 2>/dev/null
rc=$?
check "locks report: --pid $p1 json exits 0 (or 5, partial dump)" test $rc = 0 -o $rc = 5
checks_from python3 - "$tmp/p.json" "$p1" "$p2" "$p3" "$others" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
want = {int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])}
others = {int(x) for x in sys.argv[5].split(",") if x}
got = {t["pid"] for t in r["tasks"]}
def out(ok, msg, why):
    print(("PASS " if ok else "FAIL ") + msg + ("" if ok else ": " + why))
    return bool(ok)
ok = out(want <= got, "locks report: --pid chain has the abba tasks", f"{sorted(got)}")
ok &= out(not (got & others), "locks report: --pid chain leaves out the convoy", f"{sorted(got & others)}")
ok &= out(all(set(f["pids"]) & want for f in r["findings"]) and r["findings"],
          "locks report: --pid findings are the chain's", json.dumps([f["pids"] for f in r["findings"]]))
sys.exit(0 if ok else 1)
EOF

run --format dot > "$tmp/g.dot" 2>/dev/null
rc=$?
check "locks report: dot exits 0 (or 5, partial dump)" test $rc = 0 -o $rc = 5
if command -v dot >/dev/null; then
	check "locks report: dot renders with Graphviz" dot -Tsvg -o "$tmp/g.svg" "$tmp/g.dot"
else
	skip "locks report: graphviz not installed"
fi
check "locks report: dot has the abba edge" grep -q "held by" "$tmp/g.dot"

run --format md > "$tmp/r.md" 2>/dev/null
check "locks report: md has findings" grep -q '^- \*\*deadlock\*\* (critical)' "$tmp/r.md"
run > "$tmp/r.txt" 2>/dev/null
for k in deadlock self_deadlock flush_deadlock orphaned_lock convoy lost_wakeup spinning rw_deadlock; do
	check "locks report: text names a $k finding" grep -q "] $k\$" "$tmp/r.txt"
done
check "locks report: text has WAITS ON lines" grep -q "WAITS ON: kdl_abba_b" "$tmp/r.txt"
done_testing
