#!/usr/bin/env python3
"""Scale dumps for `make bench`: the samples' 6.1-orc kernel, booted under QEMU
TCG with kdl_scale.ko (thousands of blocked kthreads), dumped with QEMU's
dump-guest-memory and turned into a makedumpfile kdump (-c -d 31).

Reuses the samples generator: samples/gen/build-kernel.sh, qemu-dump.py,
elf-phdr-first.py. Cached: a scenario is rebuilt only when its parameters, the
module, the init or the kernel changed (stamp file).

usage: gen.py [--out build/bench] [SCENARIO ...]     (default: all)
Each scenario dir gets vmcore.kdump, console.log, params.json; vmlinux is shared
(OUT/vmlinux, the kernel the dumps were booted with, .rela.debug_* removed).
"""
import argparse, hashlib, json, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
GEN = os.path.join(ROOT, "samples", "gen")
KWORK = os.environ.get("KDL_GEN_WORK", os.path.join(ROOT, "build", "gen"))
KOUT = os.path.join(KWORK, "out-6.1-orc")

# name: (threads, blocked, guest MB, MB of filled kernel memory)
SCENARIOS = {
    "n10k-b10k": (10000, 10000, 1536, 0),    # the main benchmark dump
    "n1k-b1k": (1000, 1000, 1536, 0),
    "n5k-b5k": (5000, 5000, 1536, 0),
    "n5k-b1k": (5000, 1000, 1536, 0),
    "n10k-b1k": (10000, 1000, 1536, 0),
    "n10k-b5k": (10000, 5000, 1536, 0),
    "n10k-b10k-fill": (10000, 10000, 2048, 768),  # same tasks, bigger dump
    "n50k-b50k": (50000, 50000, 3072, 0),
}
ORDER = ["n10k-b10k", "n1k-b1k", "n5k-b5k", "n5k-b1k", "n10k-b1k", "n10k-b5k", "n10k-b10k-fill", "n50k-b50k"]


def log(*a):
    print("[bench-gen %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def run(argv, **kw):
    log("+", " ".join(argv) if isinstance(argv, list) else argv)
    return subprocess.run(argv, check=True, **kw)


def sha(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def prepare(out):
    """Kernel (shared with the samples), module, initramfs; copies of bzImage
    and vmlinux so that a later kernel rebuild cannot mismatch cached dumps."""
    if not os.path.exists(os.path.join(KOUT, "arch/x86/boot/bzImage")):
        run([os.path.join(GEN, "build-kernel.sh"), "6.1-orc"])
    os.makedirs(out, exist_ok=True)
    kimg = os.path.join(KOUT, "arch/x86/boot/bzImage")
    kstamp = sha(kimg)
    kdir = os.path.join(out, "kernel")
    if open(os.path.join(kdir, "stamp")).read().strip() != kstamp if os.path.exists(
            os.path.join(kdir, "stamp")) else True:
        shutil.rmtree(kdir, ignore_errors=True)
        os.makedirs(kdir)
        shutil.copy(kimg, os.path.join(kdir, "bzImage"))
        run(["objcopy", "--remove-section=.rela.debug_*", os.path.join(KOUT, "vmlinux"),
             os.path.join(kdir, "vmlinux")])
        with open(os.path.join(kdir, "stamp"), "w") as f:
            f.write(kstamp + "\n")
    mod = os.path.join(out, "mod")
    os.makedirs(mod, exist_ok=True)
    for f in ("kdl_scale.c", "Kbuild"):
        src, dst = os.path.join(HERE, f), os.path.join(mod, f)
        if not os.path.exists(dst) or sha(src) != sha(dst):
            shutil.copy(src, dst)
    run(["make", "-s", "-C", KOUT, "M=" + mod, "modules"])
    root = os.path.join(out, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "bin"))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    shutil.copy(os.path.join(HERE, "init.sh"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    shutil.copy(os.path.join(mod, "kdl_scale.ko"), root)
    cpio = os.path.join(out, "initramfs.cpio.gz")
    run("cd %s && find . | sort | cpio -o -H newc --quiet | gzip -1 > %s.tmp && mv %s.tmp %s"
        % (root, cpio, cpio, cpio), shell=True)
    return kstamp + sha(os.path.join(mod, "kdl_scale.c"), os.path.join(HERE, "init.sh"))


def scenario(out, name, stamp):
    n, b, mem, fill = SCENARIOS[name]
    d = os.path.join(out, name)
    params = {"ntasks": n, "nblocked": b, "mem_mb": mem, "fill_mb": fill, "stamp": stamp}
    pj = os.path.join(d, "params.json")
    if os.path.exists(pj) and os.path.exists(os.path.join(d, "vmcore.kdump")):
        try:
            old = json.load(open(pj))
            if all(old.get(k) == v for k, v in params.items()):
                log("cached", name)
                return
        except ValueError:
            pass
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    elf = os.path.join(d, "vmcore.elf")
    t0 = time.time()
    run([sys.executable, os.path.join(GEN, "qemu-dump.py"),
         "--kernel", os.path.join(out, "kernel", "bzImage"),
         "--initrd", os.path.join(out, "initramfs.cpio.gz"),
         "--console", os.path.join(d, "console.log"), "--timeout", "2400",
         "--mem", str(mem), "--elf", elf,
         "--append", "loglevel=4 kdl_n=%d kdl_b=%d kdl_fill=%d" % (n, b, fill)])
    tboot = time.time() - t0
    fixed = elf + ".phdr-first"
    run([sys.executable, os.path.join(GEN, "elf-phdr-first.py"), elf, fixed])
    os.unlink(elf)
    run(["makedumpfile", "-c", "-d", "31", fixed, os.path.join(d, "vmcore.kdump")],
        stdout=subprocess.DEVNULL)
    os.unlink(fixed)
    os.symlink("../kernel/vmlinux", os.path.join(d, "vmlinux"))
    params["gen_seconds"] = round(time.time() - t0, 1)
    params["boot_seconds"] = round(tboot, 1)
    con = open(os.path.join(d, "console.log"), "rb").read().decode("utf-8", "replace")
    for line in con.splitlines():
        if "KDL-SCALE {" in line:
            params["module"] = json.loads(line[line.index("{"):])
    with open(pj + ".tmp", "w") as f:
        json.dump(params, f)
    os.rename(pj + ".tmp", pj)
    log("built", name, params)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    names = a.scenarios or ORDER
    for s in names:
        if s not in SCENARIOS:
            sys.exit("unknown scenario %s (have: %s)" % (s, " ".join(ORDER)))
    stamp = prepare(a.out)
    for s in names:
        scenario(a.out, s, stamp)


if __name__ == "__main__":
    main()
