#!/usr/bin/env bash
# The samples generator's tables (samples/gen/variants.py, suite.py) agree with
# the repository: every fragment a variant names exists, the committed variants
# are exactly the sample folders, suites are known, makedumpfile levels are
# levels; the registry's address is read from the host's apt sources (tested on
# a synthetic sources file) and written nowhere in samples/gen.
. tests/lib/sh.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%s\n' 'Types: deb' 'URIs: http://archive.invalid/debian' 'Suites: bookworm bookworm-updates' \
    'Components: main' 'Signed-By: /nonexistent.gpg' '' 'Types: deb' \
    'URIs: http://archive.invalid/debian-security' 'Suites: bookworm-security' 'Components: main' \
    > "$tmp/debian.sources"
checks_from env KDL_APT_SOURCES="$tmp/debian.sources" KDL_CACHE="$tmp/cache" python3 - "$TOP" <<'PY'
import os, sys
top = sys.argv[1]
gen = os.path.join(top, "samples", "gen")
sys.path.insert(0, gen)
import suite, variants

def check(ok, name, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))

for v, t in variants.VARIANTS.items():
    missing = [f for f in t["frags"] if not os.path.exists(os.path.join(gen, "config", f + ".frag"))]
    check(not missing, "%s fragments exist" % v, missing)
    check(v.split("-")[0] == t["ver"], "%s version is its name's prefix" % v, t["ver"])
    check(t["suite"] in suite.SUITES and t["peers"] in suite.SUITES, "%s suites known" % v,
          (t["suite"], t["peers"]))
    check(isinstance(t["dump_level"], int) and 0 <= t["dump_level"] <= 31,
          "%s makedumpfile level" % v, t["dump_level"])
    check(t["state"] in ("committed", "next"), "%s state" % v, t["state"])
folders = sorted(d for d in os.listdir(os.path.join(top, "samples"))
                 if os.path.exists(os.path.join(top, "samples", d, "expected.json")))
check(sorted(variants.COMMITTED) == folders, "committed variants are the sample folders",
      (variants.COMMITTED, folders))

uri, key = suite.host_source()
check(uri == "http://archive.invalid/debian", "host_source takes the main archive", uri)
check(key == "/usr/share/keyrings/debian-archive-keyring.gpg", "missing keyring falls back", key)
text = suite.sources_text(["trixie", "trixie-backports"])
check("Suites: trixie trixie-backports\n" in text and "URIs: %s\n" % uri in text,
      "private sources: the host's URI, the asked suites", text)
opts, d = suite.host_apt("t", ["bullseye"])
check("Dir::Etc::SourceParts=/dev/null" in opts and d.startswith(os.environ["KDL_CACHE"]),
      "private apt state under KDL_CACHE, no host source parts", opts)

bad = []
for dp, _, fs in os.walk(gen):
    for f in fs:
        with open(os.path.join(dp, f), "rb") as fh:
            if b"://" in fh.read():
                bad.append(f)
check(not bad, "no address (://) written in samples/gen", bad)
PY
check "build-kernel.sh parses" bash -n samples/gen/build-kernel.sh
done_testing
