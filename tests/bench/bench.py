#!/usr/bin/env python3
"""`make bench`: kdlview against crash and drgn on the same dumps.

Dumps: the scale dumps of tests/bench/scale/gen.py (built and cached in
build/bench/ on first use: 1k..50k kthreads blocked in chains, convoys, ABBA
cycles, rwsem reader groups) and every unpacked sample (build/samples/*).

Per dump: kdlview --report --format json (wall, user+sys, peak RSS; best of
BENCH_RUNS), the time until the TUI's first screen (kdlview in tmux, polling
capture-pane for the Findings panel), crash `foreach UN bt` (with the
crash-fix802 extension) and a drgn script printing every blocked task's stack
(tests/bench/drgn_bt.py), and valgrind callgrind's instruction count of the
kdlview report (stable on a busy machine: compare it between commits; history
in build/bench/history.tsv).

Environment: BENCH_PEERS=main|all|none (crash/drgn on the 1k/5k/10k all-blocked
dumps and the samples (default), on every dump, or nowhere); BENCH_CALLGRIND=main|all|none;
BENCH_RUNS (3); BENCH_DUMPS="name ..." (subset); KDLVIEW (build/kdlview).
Targets are reported, never asserted: exit status is 0 unless a tool failed.
"""
import json, os, resource, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "build", "bench")
KDLVIEW = os.environ.get("KDLVIEW", os.path.join(ROOT, "build", "kdlview"))
SYS_PY = "/usr/bin/python3"
MAIN = "n10k-b10k"
PEER_GROWTH = ("n1k-b1k", "n5k-b5k")   # peers also here by default: how they grow
sys.path.insert(0, os.path.join(HERE, "scale"))
sys.dont_write_bytecode = True
import gen  # noqa: E402  (the scale generator: scenario table and builder)

PKG = {"valgrind": "valgrind", "crash": "crash", "tmux": "tmux", "/usr/bin/time": "time"}


def log(*a):
    print("[bench %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def have_drgn():
    return subprocess.run([SYS_PY, "-c", "import drgn"], capture_output=True).returncode == 0


def ensure_tools():
    missing = [p for t, p in PKG.items() if not shutil.which(t)]
    if not os.path.exists(SYS_PY) or not have_drgn():
        missing.append("python3-drgn")
    if not missing:
        return
    cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + missing
    if os.geteuid() != 0:
        log("missing tools, their columns stay empty; install with: sudo " + " ".join(cmd))
        return
    subprocess.run(["apt-get", "update"], check=False)
    subprocess.run(cmd, check=False, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def timed(argv, stdout=subprocess.DEVNULL, timeout=1800, stdin=subprocess.DEVNULL):
    """Run argv under /usr/bin/time; return (rc, wall s, user+sys s, peak RSS MB).
    (getrusage of a child from this process would count the Python parent's
    memory as the child's peak: Linux keeps the pre-exec high-water mark.)"""
    fd, tf = tempfile.mkstemp(prefix="kdlbench")
    os.close(fd)
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-o", tf, "-f", "%U %S %M"] + argv, stdout=stdout,
                         stderr=subprocess.PIPE, stdin=stdin, start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        os.unlink(tf)
        return None, timeout, None, None
    wall = time.perf_counter() - t0
    cpu = rss = None
    try:
        last = open(tf).read().strip().splitlines()[-1].split()
        cpu, rss = float(last[0]) + float(last[1]), int(last[2]) / 1024.0
    except (IndexError, ValueError):
        pass
    os.unlink(tf)
    if p.returncode not in (0, 5):
        log("%s: rc=%d %s" % (os.path.basename(argv[0]), p.returncode,
                             err.decode("utf-8", "replace").strip()[-300:]))
    return p.returncode, wall, cpu, rss


def kdl_report(core, vml, runs):
    best = None
    for _ in range(runs):
        with open(os.devnull, "wb") as null:
            rc, wall, cpu, rss = timed([KDLVIEW, "--report", "--format", "json", core, vml],
                                       stdout=null)
        if rc not in (0, 5):
            return None
        if best is None or wall < best[0]:
            best = (wall, cpu, rss)
    return best


def kdl_counts(core, vml):
    r = subprocess.run([KDLVIEW, "--report", "--format", "json", core, vml],
                       capture_output=True)
    try:
        d = json.loads(r.stdout)
    except ValueError:
        return None, None
    un = sum(1 for t in d.get("tasks", []) if t.get("state") == "UN")
    return d.get("dump", {}).get("task_count"), un


def tui_first_screen(core, vml, runs):
    """Seconds from starting kdlview in tmux to its first full screen."""
    if not shutil.which("tmux"):
        return None
    best = None
    sock = "kdlbench%d" % os.getpid()
    for _ in range(runs):
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        t0 = time.perf_counter()
        subprocess.run(["tmux", "-L", sock, "new-session", "-d", "-s", "b", "-x", "160", "-y",
                        "48", "%s %s %s; sleep 60" % (KDLVIEW, core, vml)], check=True)
        seen = None
        while time.perf_counter() - t0 < 120:
            scr = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "b"],
                                 capture_output=True, text=True).stdout
            if "Findings" in scr:
                seen = time.perf_counter() - t0
                break
            time.sleep(0.005)
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        if seen is None:
            log("TUI: no first screen within 120 s for", core)
            return None
        best = seen if best is None else min(best, seen)
    return best


_crash_ext = None


def crash_ext():
    global _crash_ext
    if _crash_ext is None:
        src = os.environ.get("KDL_CRASH_FIX802", "/work/shared/tools/crash-fix802")
        if not os.path.isdir(src):
            src = os.path.join(os.path.dirname(ROOT), "shared", "tools", "crash-fix802")
        _crash_ext = os.path.join(OUT, "tools", "crash802-fixes.so")
        os.makedirs(os.path.dirname(_crash_ext), exist_ok=True)
        subprocess.run(["gcc", "-shared", "-fPIC", "-nostartfiles", "-o", _crash_ext,
                        os.path.join(src, "crash802-fixes.c")], check=True)
    return _crash_ext


def crash_bt(core, vml, name):
    if not shutil.which("crash"):
        return None
    cmds = os.path.join(OUT, "results", name + ".crash-cmds")
    with open(cmds, "w") as f:
        f.write("extend %s\nfix802\nforeach UN bt\nquit\n" % crash_ext())
    outp = os.path.join(OUT, "results", name + ".crash.txt")
    with open(outp, "wb") as o:
        rc, wall, cpu, rss = timed(["crash", "-s", vml, core, "-i", cmds], stdout=o, timeout=1800)
    n = sum(1 for line in open(outp, errors="replace") if line.startswith("PID:"))
    if rc is None or n == 0:
        return {"wall": None, "n": n}
    return {"wall": wall, "cpu": cpu, "rss": rss, "n": n}


def drgn_bt(core, vml, name):
    if not have_drgn():
        return None
    outp = os.path.join(OUT, "results", name + ".drgn.txt")
    with open(outp, "wb") as o:
        rc, wall, cpu, rss = timed([SYS_PY, os.path.join(HERE, "drgn_bt.py"), core, vml],
                                   stdout=o, timeout=3600)
    n = sum(1 for line in open(outp, errors="replace") if line.startswith("PID:"))
    if rc != 0:
        return {"wall": None, "n": n}
    return {"wall": wall, "cpu": cpu, "rss": rss, "n": n}


def callgrind(core, vml, name):
    if not shutil.which("valgrind"):
        return None
    outf = os.path.join(OUT, "results", "callgrind.%s.out" % name)
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + outf,
                        KDLVIEW, "--report", "--format", "json", core, vml],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[1].strip())
    return None


def git_rev():
    r = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "?"


def fmt(v, f="%.2f"):
    return "-" if v is None else f % v


def main():
    global KDLVIEW
    if not os.access(KDLVIEW, os.X_OK):
        sys.exit("bench: %s missing (make)" % KDLVIEW)
    # measure a copy: a rebuild during the run must not change (or remove) it
    os.makedirs(OUT, exist_ok=True)
    snap = os.path.join(OUT, "kdlview-under-test")
    shutil.copy2(KDLVIEW, snap + ".tmp")
    os.replace(snap + ".tmp", snap)
    KDLVIEW = snap
    ensure_tools()
    os.makedirs(os.path.join(OUT, "results"), exist_ok=True)
    only = os.environ.get("BENCH_DUMPS", "").split()
    scale = [s for s in gen.ORDER if not only or s in only]
    if scale:
        log("scale dumps (cached after the first run):", " ".join(scale))
        subprocess.run([sys.executable, os.path.join(HERE, "scale", "gen.py")] + scale,
                       check=True)
    dumps = []
    for s in scale:
        d = os.path.join(OUT, s)
        p = json.load(open(os.path.join(d, "params.json")))
        dumps.append({"name": s, "core": os.path.join(d, "vmcore.kdump"),
                      "vmlinux": os.path.join(d, "vmlinux"), "kind": "scale", "params": p})
    sdir = os.path.join(ROOT, "build", "samples")
    for v in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
        core = os.path.join(sdir, v, "vmcore.kdump")
        if os.path.isfile(core) and (not only or v in only):
            dumps.append({"name": v, "core": core, "vmlinux": os.path.join(sdir, v, "vmlinux"),
                          "kind": "sample"})
    peers = os.environ.get("BENCH_PEERS", "main")
    cg = os.environ.get("BENCH_CALLGRIND", "main")
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    rows = []
    for d in dumps:
        name, core, vml = d["name"], d["core"], d["vmlinux"]
        big = d["kind"] == "scale" and d["params"]["ntasks"] >= 50000
        main_like = d["kind"] == "sample" or name == MAIN
        peer_like = main_like or name in PEER_GROWTH
        log("==", name)
        r = {"name": name, "kind": d["kind"], "size_mb": os.path.getsize(core) / 1e6}
        r["tasks"], r["un"] = kdl_counts(core, vml)
        rep = kdl_report(core, vml, 1 if big else runs)
        r["kdl_wall"], r["kdl_cpu"], r["kdl_rss"] = rep if rep else (None, None, None)
        r["tui"] = tui_first_screen(core, vml, 1 if big else runs)
        if peers == "all" or (peers == "main" and peer_like):
            log("crash foreach UN bt")
            r["crash"] = crash_bt(core, vml, name)
            log("drgn")
            r["drgn"] = drgn_bt(core, vml, name)
        if cg == "all" or (cg == "main" and main_like):
            log("callgrind")
            r["ir"] = callgrind(core, vml, name)
        rows.append(r)
        with open(os.path.join(OUT, "results", "results.json"), "w") as f:
            json.dump({"rev": git_rev(), "rows": rows}, f, indent=1)
    report(rows)


def report(rows):
    rev = git_rev()
    hdr = ("dump", "tasks", "UN", "MB", "kdl s", "cpu s", "RSS MB", "TUI s", "crash s",
           "drgn s", "kdl/crash", "kdl/drgn", "Ir (M)")
    lines = []
    for r in rows:
        c, g = r.get("crash") or {}, r.get("drgn") or {}
        kw = r["kdl_wall"]
        lines.append((r["name"], fmt(r["tasks"], "%d"), fmt(r["un"], "%d"), fmt(r["size_mb"], "%.0f"),
                      fmt(kw), fmt(r["kdl_cpu"]), fmt(r["kdl_rss"], "%.0f"), fmt(r["tui"]),
                      fmt(c.get("wall")), fmt(g.get("wall")),
                      fmt(kw / c["wall"] if kw and c.get("wall") else None, "%.3f"),
                      fmt(kw / g["wall"] if kw and g.get("wall") else None, "%.3f"),
                      fmt(r["ir"] / 1e6 if r.get("ir") else None, "%.0f")))
    w = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(hdr)]
    out = ["kdlview bench (%s, %s, %d cores)" % (rev, time.strftime("%Y-%m-%d %H:%M"),
                                                  os.cpu_count())]
    out.append("  ".join(h.rjust(w[i]) if i else h.ljust(w[i]) for i, h in enumerate(hdr)))
    for l in lines:
        out.append("  ".join(x.rjust(w[i]) if i else x.ljust(w[i]) for i, x in enumerate(l)))
    out.append("kdl s: wall of --report --format json (best of runs); cpu s: its user+sys; "
               "TUI s: until the first screen in tmux;")
    out.append("crash s: crash -s + fix802 + foreach UN bt; drgn s: tests/bench/drgn_bt.py "
               "(stack of every UN task); Ir: callgrind instructions of the report.")
    by = {r["name"]: r for r in rows}
    out.append("")
    out.append("Targets:")
    m = by.get(MAIN)
    if m and m["kdl_wall"]:
        c, g = m.get("crash") or {}, m.get("drgn") or {}
        out.append("  %-44s %s (%.2f s)" % ("10k dump full analysis < 2 s", ok(m["kdl_wall"] < 2),
                                             m["kdl_wall"]))
        out.append("  %-44s %s (%.0f MB)" % ("10k dump peak RSS < 300 MB", ok(m["kdl_rss"] < 300),
                                              m["kdl_rss"]))
        if c.get("wall"):
            out.append("  %-44s %s (%.1fx)" % (">= 10x faster than crash foreach UN bt",
                                               ok(c["wall"] >= 10 * m["kdl_wall"]),
                                               c["wall"] / m["kdl_wall"]))
        if g.get("wall"):
            out.append("  %-44s %s (%.1fx)" % (">= 10x faster than the drgn script",
                                               ok(g["wall"] >= 10 * m["kdl_wall"]),
                                               g["wall"] / m["kdl_wall"]))
    tuis = [(r["name"], r["tui"]) for r in rows if r["kind"] == "sample"]
    if tuis:
        worst = max(tuis, key=lambda x: x[1] if x[1] is not None else 1e9)
        out.append("  %-44s %s (worst %s %s s)" % ("first TUI screen < 1 s on every sample",
                                                   ok(all(t is not None and t < 1 for _, t in tuis)),
                                                   worst[0], fmt(worst[1])))

    def per(names, key):
        pts = [(by[n]["un"], by[n]["kdl_cpu"]) for n in names if n in by and by[n]["kdl_cpu"]]
        return pts

    for title, names in (("blocked tasks at 10k threads", ["n10k-b1k", "n10k-b5k", "n10k-b10k"]),
                         ("threads at 1k blocked", ["n1k-b1k", "n5k-b1k", "n10k-b1k"]),
                         ("all blocked, 1k..50k", ["n1k-b1k", "n5k-b5k", "n10k-b10k", "n50k-b50k"]),
                         ("dump size, same 10k tasks", ["n10k-b10k", "n10k-b10k-fill"])):
        pts = [(n, by[n]) for n in names if n in by and by[n]["kdl_cpu"]]
        if len(pts) >= 2:
            out.append("  growth, %-35s %s" % (title + ":", ", ".join(
                "%s %.2f s cpu %s MB RSS" % (n, r["kdl_cpu"], fmt(r["kdl_rss"], "%.0f"))
                for n, r in pts)))
    for peer in ("crash", "drgn"):
        pts = [(n, (by[n].get(peer) or {}).get("wall")) for n in ("n1k-b1k", "n5k-b5k", MAIN)
               if n in by]
        if sum(1 for _, v in pts if v) >= 2:
            out.append("  growth, %-35s %s" % (peer + " wall, all blocked 1k..10k:", ", ".join(
                "%s %s s" % (n, fmt(v)) for n, v in pts)))
    text = "\n".join(out)
    print(text)
    with open(os.path.join(OUT, "results", "table.txt"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(OUT, "history.tsv"), "a") as f:
        for r in rows:
            f.write("\t".join([time.strftime("%Y-%m-%dT%H:%M:%S"), rev, r["name"],
                               fmt(r["kdl_wall"], "%.3f"), fmt(r["kdl_cpu"], "%.3f"),
                               fmt(r["kdl_rss"], "%.0f"), fmt(r["tui"], "%.3f"),
                               str(r.get("ir") or "-")]) + "\n")


def ok(b):
    return "met   " if b else "MISSED"


if __name__ == "__main__":
    main()
