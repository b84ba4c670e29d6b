#!/usr/bin/env bash
# The real kdlview in tmux, driven as a person would (send-keys, capture-pane),
# on the 6.1-orc sample. Every check is a fact from samples/6.1-orc/expected.json
# (pids, comms, lock names, owners) that must be on screen after a step; none
# compares with kdlview's own earlier output.
. "$(dirname "$0")/lib/sh.sh"
d=$KDL_SAMPLES/6.1-orc
truth=$TOP/samples/6.1-orc/expected.json
if ! command -v tmux >/dev/null; then skip "tmux not installed"; done_testing; fi
if [ ! -f "$d/vmcore.kdump" ] || [ ! -f "$d/vmlinux" ]; then
	skip "6.1-orc sample not unpacked (make samples)"; done_testing
fi
tmp=$(mktemp -d)
sock=kdltest$$
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

screen() { T capture-pane -p -t k > "$tmp/screen"; }
# wait_for TEXT [SECONDS]: poll the screen until TEXT (fixed string) appears.
wait_for() {
	local i n=$(( ${2:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		screen
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.05
	done
	return 1
}
# keys KEY...: send, then wait until the screen has settled (slow under ASan)
keys() {
	local i prev=
	T send-keys -t k "$@"
	sleep 0.05
	for ((i = 0; i < 60; i++)); do
		screen
		cur=$(cksum < "$tmp/screen")
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.08
	done
}
has() { grep -qF -- "$1" "$tmp/screen"; }
# the detail panel: from its title bar ("3 │ ...") to the breadcrumb line
detail() { awk '/^ 3 │ /{p=1} p' "$tmp/screen" | head -n -2; }
show() { sed 's/^/    | /' "$tmp/screen"; }
# expect NAME COND...: PASS or FAIL showing the screen
expect() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; show; fi; }

# Facts from the truth file.
eval "$(python3 - "$truth" <<'PY'
import json, sys, shlex
d = json.load(open(sys.argv[1]))
print("release=%s" % shlex.quote(d["kernel"]))
ab = next(s for s in d["scenarios"] if s["id"] == "abba")
e = {x["pid"]: x for x in ab["edges"]}
c = ab["cycles"][0]
for i, p in enumerate(c):
    print("c%d_pid=%d c%d_comm=%s c%d_lock=%s" % (i, p, i, shlex.quote(e[p]["comm"]), i,
          shlex.quote(e[p]["waits_on"]["name"])))
print("un_count=%d" % len(d["un_tasks"]))
PY
)"


# edges_of TRUTH: one line per scenario edge: id|pid|comm|ctx|kind|name|opid|ocomm|alive
edges_of() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["scenarios"]:
    for e in s["edges"][:3]:  # a convoy's first waiters stand for the rest
        o = e.get("owner") or {}
        w = e["waits_on"]
        # A member of a heap object is recognised by its type.member path and
        # the object's address (the truth's display name carries a comm that may
        # have changed since the module printed it); anything else by its name.
        if w.get("type") and w.get("member") and w.get("object"):
            name = "%s.%s;@%s" % (w["type"], w["member"], w["object"])
        else:
            name = w.get("name", "")
        print("|".join(str(x) for x in (s["id"], e["pid"], e["comm"], e["context"], w.get("kind", ""),
              name, o.get("pid", ""), o.get("comm", ""), o.get("alive", ""))))
PY
}

# check_edges PREFIX < edges: each waiter is found by search and shows what
# it waits on and who holds it.
check_edges() {
	local v=$1
	while IFS='|' read -r id pid comm ctx kind name opid ocomm alive; do
		keys Escape Escape 2 /
		keys C-u "$pid" Enter
		if ! has "Task $pid $comm"; then fail "$v$id: / $pid selects $pid $comm"; show; continue; fi
		pass "$v$id: / $pid selects $pid $comm"
		if detail | grep -qE "(WAITS|SPINS) ON +$kind "; then pass "$v$id: $pid waits on a $kind"
		else fail "$v$id: $pid waits on a $kind"; show; fi
		local needle named=1
		IFS=';' read -ra needles <<<"$name"
		for needle in "${needles[@]}"; do
			detail | grep -qF -- "$needle" || named=0
		done
		if [ $named = 1 ]; then pass "$v$id: $pid's lock is named '$name'"
		else fail "$v$id: $pid's lock is named '$name'"; show; fi
		if [ -n "$opid" ] && [ "$alive" = True ]; then
			if detail | grep -qE "(held|run|woken) by +$opid $ocomm"; then pass "$v$id: holder $opid $ocomm shown"
			else fail "$v$id: holder $opid $ocomm shown"; show; fi
		elif [ -n "$opid" ]; then
			if detail | grep -qE "owner exited: pid $opid|$opid $ocomm.*EXITED"; then pass "$v$id: exited holder $opid shown"
			else fail "$v$id: exited holder $opid shown"; show; fi
		fi
	done
}

cd "$tmp" || exit 1
# A session that lives as long as the test keeps the tmux server up while
# the kdlview sessions are killed and started again.
T new-session -d -s keep "sleep 3600"
T new-session -d -s k -x 120 -y 40 \
	"stty -g > $tmp/stty.before; '$KDLVIEW' '$d/vmcore.kdump' '$d/vmlinux'; echo rc=\$? > $tmp/rc; stty -g > $tmp/stty.after; sleep 600"
if ! wait_for "Findings" 60; then
	fail "kdlview shows its first screen within 60 s"; show; done_testing
fi
pass "kdlview shows its first screen"

# 1. Header and verdict
expect "header shows release $release" has "$release"
expect "verdict counts $un_count hung tasks" has "$un_count tasks hung"
expect "first finding is a deadlock" sh -c "grep -q 'CRIT  deadlock' '$tmp/screen'"

# 2. The ABBA finding: Enter focuses its tasks
row=$(grep -n -E "CRIT +deadlock .*$c0_comm\[$c0_pid\]|CRIT +deadlock .*$c1_comm\[$c1_pid\]" "$tmp/screen" | head -1 | cut -d: -f1)
keys 1 Home
n=0; while [ $n -lt 12 ] && ! detail | grep -qE "$c0_comm|$c1_comm"; do keys j; n=$((n + 1)); done
expect "the ABBA finding names $c0_pid $c0_comm and $c1_pid $c1_comm" \
	sh -c "grep -q '$c0_pid $c0_comm' '$tmp/screen' && grep -q '$c1_pid $c1_comm' '$tmp/screen'"
keys Enter
first=$(detail | sed -n 's/^ 3 │ Task \([0-9]*\) .*/\1/p' | head -1)
if [ "$first" = "$c1_pid" ]; then
	a_pid=$c1_pid a_comm=$c1_comm a_lock=$c1_lock b_pid=$c0_pid b_comm=$c0_comm b_lock=$c0_lock
else
	a_pid=$c0_pid a_comm=$c0_comm a_lock=$c0_lock b_pid=$c1_pid b_comm=$c1_comm b_lock=$c1_lock
fi
expect "Enter on the finding shows task $a_pid $a_comm" has "Task $a_pid $a_comm"
expect "$a_pid waits on $a_lock" sh -c "grep -q 'WAITS ON.*$a_lock' '$tmp/screen'"
expect "$a_lock is held by $b_pid $b_comm" sh -c "grep -qE 'held by +$b_pid $b_comm' '$tmp/screen'"

# 3. o walks the cycle; Backspace goes back; breadcrumb shows the path
keys o
expect "o jumps to the holder $b_pid $b_comm" has "Task $b_pid $b_comm"
expect "$b_pid waits on $b_lock" sh -c "grep -q 'WAITS ON.*$b_lock' '$tmp/screen'"
expect "breadcrumb shows $a_pid › $b_pid" has "$a_pid $a_comm › $b_pid $b_comm"
keys o
expect "o again is back at $a_pid (the cycle)" has "Task $a_pid $a_comm"
keys BSpace
expect "Backspace goes back to $b_pid" has "Task $b_pid $b_comm"

# 4. Graph of the cycle
keys g
expect "graph shows the cycle" sh -c "grep -qE 'Wait-for graph . deadlock cycle [0-9]+ of' '$tmp/screen'"
expect "graph has both tasks and both locks" sh -c "grep -q '$a_pid $a_comm' '$tmp/screen' && grep -q '$b_pid $b_comm' '$tmp/screen' && grep -q '$a_lock' '$tmp/screen' && grep -q '$b_lock' '$tmp/screen'"
keys j j Enter
expect "Enter on a graph node opens it" sh -c "grep -qE '^ 3 │ (Lock|Task)' '$tmp/screen'"

# 5. Export the selection to Markdown
keys Escape Escape 2 /
keys C-u "$a_pid" Enter
keys e
expect "e prompts for a path" has "Export chain of pid"
keys Enter
sleep 0.5; screen
f=$(ls "$tmp"/kdlview-*.md 2>/dev/null | head -1)
expect "export wrote a Markdown file" test -s "$f"
expect "export names both locks of the cycle" sh -c "grep -q '$a_lock' '$f' && grep -q '$b_lock' '$f'"
expect "no temporary file left" sh -c "! ls '$tmp' | grep -q kdlview-XXXX; ! ls -a '$tmp' | grep -q '\.kdlview-'"

# 6. Every scenario's waiter is reachable by search and shows what it waits on
edges_of "$truth" | check_edges ""

# 7. Themes, help, resize
keys Escape
keys t
expect "t switches the theme" has "Theme: light"
keys '?'
expect "? shows the help from the key table" has "Jump to the holder of what the selected task waits on"
keys '?'
T resize-window -t k -x 80 -y 24; sleep 0.3; keys 1
expect "80x24: verdict still visible" sh -c "grep -qE '$un_count (tasks hung|hung)' '$tmp/screen'"
expect "80x24: key hints visible" has "q quit"
T resize-window -t k -x 120 -y 40; sleep 0.3; screen

# 8. q quits and the terminal is restored
keys q
sleep 0.5
expect "q exits with status 0" grep -q "rc=0" "$tmp/rc"
expect "terminal settings restored after q" cmp -s "$tmp/stty.before" "$tmp/stty.after"

# 9. SIGTERM also restores the terminal
rm -f "$tmp/rc" "$tmp/stty.after"
T kill-session -t k
T new-session -d -s k -x 120 -y 40 \
	"stty -g > $tmp/stty.before; '$KDLVIEW' '$d/vmcore.kdump' '$d/vmlinux'; echo rc=\$? > $tmp/rc; stty -g > $tmp/stty.after; sleep 600"
wait_for "Findings" 60
# only this test's kdlview: the child of this pane's shell
ppid=$(T list-panes -t k -F '#{pane_pid}')
kpid=
for i in $(seq 40); do
	kpid=$(pgrep -P "$ppid" -x kdlview | head -1)
	[ -n "$kpid" ] && break
	sleep 0.05
done
if [ -n "$kpid" ]; then kill -TERM "$kpid"; else echo "# no kdlview child of pane $ppid"; ps -ef | grep -v grep | grep kdlview | head -5; fi
for i in $(seq 300); do [ -f "$tmp/stty.after" ] && break; sleep 0.1; done
expect "SIGTERM: terminal settings restored" cmp -s "$tmp/stty.before" "$tmp/stty.after"
expect "SIGTERM: exit status 143" grep -q "rc=143" "$tmp/rc"

# 10. The other sample variants (when unpacked): every scenario's waiter
for vdir in "$KDL_SAMPLES"/*/; do
	v=$(basename "$vdir")
	[ "$v" = 6.1-orc ] && continue
	[ -f "$vdir/vmcore.kdump" ] && [ -f "$TOP/samples/$v/expected.json" ] || continue
	T kill-session -t k 2>/dev/null
	T new-session -d -s k -x 120 -y 40 "'$KDLVIEW' '$vdir/vmcore.kdump' '$vdir/vmlinux'; sleep 600"
	if ! wait_for "Findings" 60; then fail "$v: first screen within 60 s"; show; continue; fi
	edges_of "$TOP/samples/$v/expected.json" | check_edges "$v: "
done
done_testing
