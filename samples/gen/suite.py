#!/usr/bin/env python3
"""Debian suites and toolchains for the sample generator.

Each kernel generation is built with its own generation's toolchain, as Debian
built it: bookworm's on the host (gcc-12, pahole 1.24), bullseye's (gcc-10,
pahole 1.20) and trixie's (gcc-14, pahole 1.30) in a debootstrap chroot of that
suite, cached outside the clone under $KDL_CACHE (default /var/cache/kdlview):

    chroot-<suite>/            the chroot, reused when its stamp is there
    chroot-<suite>.partial/    a debootstrap in progress (removed and redone)
    apt-archives-<suite>/      downloaded .debs (debootstrap and apt share them)
    apt-<tag>/                 a private apt state (lists, caches) for the host

The package registry's address is never written anywhere in the repository:
it is read at run time from the machine's own apt sources
(/etc/apt/sources.list.d/debian.sources), and the machine's apt sources are
never changed. Host-side look-ups go through a private sources file used with
apt's -o Dir::Etc::SourceList / SourceParts / Dir::State::Lists / Dir::Cache.

Everything here is idempotent and safe to interrupt: a chroot becomes usable
only by renaming the finished .partial and writing its stamp last; bind mounts
live in a private mount namespace (unshare -m), so an interrupted build leaves
nothing mounted.

usage (by hand):  suite.py chroot SUITE          make or update the chroot
                  suite.py run SUITE CMD...      run CMD in it (work dirs bound)
                  suite.py fetch SUITE PKG DIR   download PKG's .deb and unpack it in DIR
                  suite.py mirror                print where the URI is read from
"""
import hashlib, os, shutil, subprocess, sys, time

CACHE = os.environ.get("KDL_CACHE", "/var/cache/kdlview")
HOST_SOURCES = os.environ.get("KDL_APT_SOURCES", "/etc/apt/sources.list.d/debian.sources")
ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")

# What each suite's chroot needs to build a kernel, its module and the truth.
BUILD_PKGS = ["build-essential", "flex", "bison", "bc", "libssl-dev", "libelf-dev", "dwarves",
              "cpio", "kmod", "xz-utils", "python3", "rsync", "ca-certificates", "gzip",
              "binutils", "findutils"]
SUITES = {
    # suite: (compiler package, extra packages, extra apt suites)
    "bookworm": ("gcc-12", [], []),                      # the host itself
    "bullseye": ("gcc-10", [], ["bullseye-updates"]),
    "trixie": ("gcc-14", ["crash", "python3-drgn"], ["trixie-updates", "trixie-backports"]),
}
HOST_SUITE = "bookworm"


def log(*a):
    print("[suite %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def run(argv, **kw):
    log("+", " ".join(argv))
    return subprocess.run(argv, check=True, env=kw.pop("env", ENV), **kw)


def host_source():
    """(URI, keyring) of the main Debian archive in the machine's own apt sources."""
    uri = keyring = None
    with open(HOST_SOURCES) as f:
        stanzas = f.read().split("\n\n")
    for st in stanzas:
        fields = {}
        for line in st.splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                fields[k.strip()] = v.strip()
        u = fields.get("URIs", "").split()
        suites = fields.get("Suites", "").split()
        if u and not any(s.endswith("-security") for s in suites):
            uri, keyring = u[0], fields.get("Signed-By")
            break
    if not uri:
        sys.exit("no Debian archive found in " + HOST_SOURCES)
    if not keyring or not os.path.exists(keyring):
        keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    return uri, keyring


def sources_text(suites):
    uri, keyring = host_source()
    return ("Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n"
            % (uri, " ".join(suites), keyring))


def chroot_dir(suite):
    return os.path.join(CACHE, "chroot-" + suite)


def _stamp(suite):
    cc, extra, _ = SUITES[suite]
    return hashlib.sha256(" ".join(sorted(BUILD_PKGS + [cc] + extra)).encode()).hexdigest()[:16]


def ensure_chroot(suite):
    """The chroot of SUITE, made once (debootstrap) and completed when packages were added."""
    if suite == HOST_SUITE:
        return "/"
    cc, extra, more = SUITES[suite]
    root = chroot_dir(suite)
    stamp = os.path.join(root, ".kdl-chroot-stamp")
    if os.path.exists(stamp) and open(stamp).read().strip() == _stamp(suite):
        return root
    if not os.path.isdir(root):
        part = root + ".partial"
        shutil.rmtree(part, ignore_errors=True)         # an interrupted debootstrap
        arch = os.path.join(CACHE, "apt-archives-" + suite)
        os.makedirs(arch, exist_ok=True)
        uri, keyring = host_source()
        t0 = time.time()
        run(["debootstrap", "--variant=minbase", "--keyring=" + keyring, "--cache-dir=" + arch,
             "--include=" + ",".join(BUILD_PKGS + [cc]), suite, part, uri])
        log("debootstrap %s: %.0f s" % (suite, time.time() - t0))
        os.rename(part, root)
    # apt sources of the chroot: the same registry, this suite and its peers.
    # (The chroot is outside the clone; its sources are not the machine's.)
    lst = os.path.join(root, "etc/apt/sources.list")
    with open(lst + ".tmp", "w") as f:
        f.write("# written by kdlview's samples/gen/suite.py from the host's apt sources\n")
    os.rename(lst + ".tmp", lst)
    with open(os.path.join(root, "etc/apt/sources.list.d/debian.sources"), "w") as f:
        f.write(sources_text([suite] + more))
    chroot_run(suite, ["apt-get", "update"])
    chroot_run(suite, ["apt-get", "install", "-y", "--no-install-recommends"] + BUILD_PKGS + [cc] + extra)
    with open(stamp + ".tmp", "w") as f:
        f.write(_stamp(suite) + "\n")
    os.rename(stamp + ".tmp", stamp)
    return root


def chroot_run(suite, argv, binds=(), cwd=None, **kw):
    """Run ARGV in SUITE's chroot (or on the host for bookworm), with each path of
    BINDS bind-mounted at the same path inside, in a private mount namespace."""
    if suite == HOST_SUITE:
        return run(argv, cwd=cwd, **kw)
    root = chroot_dir(suite)
    sh = ["set -e", "mount -t proc proc %s/proc" % root,
          "mount --rbind /dev %s/dev" % root, "mount -t tmpfs tmpfs %s/tmp" % root]
    for b in binds:
        b = os.path.abspath(b)
        # made after the tmpfs on /tmp, so that a path under /tmp can be bound too
        sh.append("mkdir -p %s%s && mount --bind %s %s%s" % (root, b, b, root, b))
    inner = " ".join("'%s'" % a.replace("'", "'\\''") for a in argv)
    if cwd:
        inner = "cd '%s' && %s" % (cwd, inner)
    sh.append("exec chroot %s /bin/sh -c %s" % (root, "'%s'" % inner.replace("'", "'\\''")))
    return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(sh)], **kw)


def host_apt(tag, suites):
    """apt-get options for a private apt state (TAG) over SUITES of the registry."""
    d = os.path.join(CACHE, "apt-" + tag)
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    src = os.path.join(d, "debian.sources")
    text = sources_text(suites)
    if not os.path.exists(src) or open(src).read() != text:
        with open(src + ".tmp", "w") as f:
            f.write(text)
        os.rename(src + ".tmp", src)
    return ["-o", "Dir::Etc::SourceList=" + src, "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", "Dir::State::Lists=" + os.path.join(d, "lists"),
            "-o", "Dir::Cache=" + os.path.join(d, "cache"),
            "-o", "Dir::State::status=/var/lib/dpkg/status",
            "-o", "APT::Sandbox::User=root"], d


def fetch_deb(suites, pkg, dest):
    """Download PKG (newest in SUITES) with a private apt state and unpack it into
    DEST (dpkg-deb -x: nothing is installed on the host). Returns DEST."""
    done = os.path.join(dest, ".kdl-" + pkg)
    if os.path.exists(done):
        return dest
    tag = "-".join(suites)
    opts, d = host_apt(tag, suites)
    lists = os.path.join(d, "lists")
    if not any(n.endswith("_Packages") or "_Packages." in n for n in os.listdir(lists)):
        run(["apt-get"] + opts + ["update"])
    out = os.path.join(d, "debs")
    os.makedirs(out, exist_ok=True)
    run(["apt-get"] + opts + ["download", pkg], cwd=out)
    debs = sorted(n for n in os.listdir(out) if n.startswith(pkg + "_") and n.endswith(".deb"))
    part = dest + ".partial"
    shutil.rmtree(part, ignore_errors=True)
    os.makedirs(part)
    run(["dpkg-deb", "-x", os.path.join(out, debs[-1]), part])
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.rename(part, dest)
    open(done, "w").write(debs[-1] + "\n")
    return dest


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "chroot":
        print(ensure_chroot(sys.argv[2]))
    elif cmd == "run":
        ensure_chroot(sys.argv[2])
        chroot_run(sys.argv[2], sys.argv[3:], binds=[os.getcwd()], cwd=os.getcwd())
    elif cmd == "fetch":
        print(fetch_deb(sys.argv[2].split(","), sys.argv[3], sys.argv[4]))
    elif cmd == "mirror":
        print("read at run time from", HOST_SOURCES)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
