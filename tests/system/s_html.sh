#!/usr/bin/env bash
# The page to share (issue 15), looked at in a real browser: `--format html`
# of every unpacked sample is loaded by headless Chromium (Debian's
# `chromium`), which saves a screenshot ($BUILD/s_html/*.png, for a person to
# look at) and the DOM it built. Asserted on that DOM, with the truth from the
# sample's expected.json (not from kdlview): every scenario's finding kind is
# a finding of the page, every task of a scenario has its section (a dead one
# is at least named), each cycle has an <svg> with exactly one node per cycle
# member (named by its comm), every in-page link has its target, there is no
# <script>. Also `--format svg` parses as XML with a node per cycle member,
# and the unit test's page of hostile names (comm "<script>alert(1)</script>")
# shows them as text. Prints the page sizes and render times (no assertion on
# times). A system test (make check-system): a browser is slow to start.
. "$(dirname "$0")/../lib/sh.sh"
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then skip "chromium not installed (.ci/deps.sh)"; done_testing; fi
K=$TOP/build/kdlview
shots=$BUILD/s_html; mkdir -p "$shots"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp # Chromium writes its profile under $HOME

# render FILE.html: FILE.dom (the DOM Chromium built) and a screenshot
render() {
	local page=$1 name=$2
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
		--dump-dom "file://$page" > "${page%.html}.dom" 2> "$tmp/chromium.err" &&
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
		--hide-scrollbars --screenshot="$shots/$name.png" --window-size=1400,2000 \
		"file://$page" > /dev/null 2>> "$tmp/chromium.err"
}

n=0
for dir in "$KDL_SAMPLES"/*/; do
	v=$(basename "$dir")
	dump=
	for f in vmcore.kdump vmcore.elf; do [ -f "$dir/$f" ] && { dump=$dir/$f; break; }; done
	[ -n "$dump" ] && [ -f "$dir/vmlinux" ] && [ -f "$dir/expected.json" ] || continue
	n=$((n + 1))
	page=$tmp/$v.html
	t0=$(date +%s.%N)
	"$K" --report="$page" --format html "$dump" "$dir/vmlinux" 2> "$tmp/err"
	rc=$?
	t1=$(date +%s.%N)
	if [ $rc != 0 ] && [ $rc != 5 ]; then
		fail "html $v: kdlview exit $rc: $(head -c 300 "$tmp/err")"
		continue
	fi
	echo "# html $v: $(stat -c %s "$page") bytes, written in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")s"
	if ! render "$page" "$v"; then
		fail "html $v: chromium failed: $(grep -v -e dbus -e 'Fontconfig' "$tmp/chromium.err" | head -c 300)"
		continue
	fi
	check "html $v: screenshot saved" test -s "$shots/$v.png"
	"$K" --report="$tmp/$v.svg" --format svg "$dump" "$dir/vmlinux" 2> "$tmp/err"
	rc=$?
	[ $rc = 0 ] || [ $rc = 5 ] || fail "svg $v: kdlview exit $rc: $(head -c 300 "$tmp/err")"
	checks_from python3 - "$v" "${page%.html}.dom" "$dir/expected.json" "$tmp/$v.svg" <<'EOF'
import json, re, sys
from html.parser import HTMLParser
import xml.etree.ElementTree as ET

v, dom_path, exp_path, svg_path = sys.argv[1:5]
exp = json.load(open(exp_path))
ok = lambda c, what: print(("PASS " if c else "FAIL ") + "html %s: %s" % (v, what))


class Dom(HTMLParser):
    """Elements with their id, class and text, and which <svg> each lies in."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.els, self.svg, self.nsvg = [], [], None, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.nsvg += 1
            self.svg = self.nsvg
        el = {"tag": tag, "id": a.get("id"), "cls": a.get("class") or "",
              "href": a.get("href") or a.get("xlink:href"), "svg": self.svg, "text": []}
        self.els.append(el)
        if tag not in ("meta", "br", "hr", "img", "link", "input"):
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1]["tag"] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in [el["tag"] for el in self.stack]:
            return
        while self.stack:
            el = self.stack.pop()
            if el["tag"] == tag:
                break
        if tag == "svg":
            self.svg = None

    def handle_data(self, data):
        for el in self.stack:
            el["text"].append(data)


d = Dom()
d.feed(open(dom_path, encoding="utf-8").read())
text = lambda el: " ".join("".join(el["text"]).split())
ids = {el["id"] for el in d.els if el["id"]}
ok(not [el for el in d.els if el["tag"] == "script"], "no <script> element")
verdict = [text(el) for el in d.els if el["id"] == "verdict"]
ok(verdict and re.match(r"^\d+ deadlocks?, \d+ tasks? hung", verdict[0]),
   "the verdict line (%s)" % (verdict[0] if verdict else "missing"))
kinds = [text(el) for el in d.els if el["tag"] == "span" and el["cls"] == "kind"]
want = sorted({s["finding"] for s in exp["scenarios"] if s.get("finding")})
ok(set(want) <= set(kinds), "findings of every scenario's kind (%s; page: %s)" %
   (", ".join(want), ", ".join(sorted(set(kinds)))))
missing = []
for s in exp["scenarios"]:
    for t in s["tasks"]:
        art = [el for el in d.els if el["tag"] == "article" and el["id"] == "task-%d" % t["pid"]]
        if art and text(art[0]).startswith(t["comm"] + " [%d]" % t["pid"]):
            continue
        if t.get("state") == "DE" and t["comm"] in text(d.els[0]):
            continue  # an exited task: named (by its lock's record), no section
        missing.append("%s[%d]" % (t["comm"], t["pid"]))
ok(not missing, "a section for every task of the scenarios (missing: %s)" % missing)
links = [el["href"][1:] for el in d.els if el["href"] and el["href"].startswith("#")]
dead = sorted(set(l for l in links if l not in ids))
ok(links and not dead, "every in-page link (%d) has its target (missing: %s)" % (len(links), dead[:5]))
comm = {t["pid"]: t["comm"] for s in exp["scenarios"] for t in s["tasks"]}
for s in exp["scenarios"]:
    for cyc in s.get("cycles") or []:
        node = lambda pid: [el for el in d.els if el["tag"] == "g" and "node" in el["cls"].split()
                            and (el["id"] or "").endswith("-task-%d" % pid)]
        first = node(cyc[0])
        svg = first[0]["svg"] if first else None
        per = {p: [el for el in node(p) if el["svg"] == svg] for p in cyc}
        # a node's text: Graphviz's <title> (the DOT name), then its label "comm [pid] state"
        good = svg is not None and all(
            len(per[p]) == 1 and (comm[p] + " [%d]" % p) in text(per[p][0]) for p in cyc)
        ok(good, "cycle %s of %s: one <svg> with one node per member (%s)" %
           (cyc, s["id"], {p: len(per[p]) for p in cyc}))
try:
    root = ET.parse(svg_path).getroot()
    svgids = [g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")
              if g.get("class") == "node"]
    cyc = [p for s in exp["scenarios"] for c in s.get("cycles") or [] for p in c]
    ok(cyc and all(svgids.count("task-%d" % p) == 1 for p in cyc),
       "--format svg: well-formed XML, one node per cycle member (%d members)" % len(cyc))
except ET.ParseError as e:
    ok(False, "--format svg: not well-formed XML: %s" % e)
EOF
done
[ $n -gt 0 ] || skip "no sample unpacked (make samples)"

# Hostile names: the unit test's page (tests/unit_report.c) in the browser.
if [ -x "$BUILD/tests/unit_report" ]; then
	KDL_UNIT_HTML_OUT=$tmp/hostile.html "$BUILD/tests/unit_report" > "$tmp/unit.out" 2>&1
	if [ -s "$tmp/hostile.html" ] && render "$tmp/hostile.html" hostile; then
		checks_from python3 - "$tmp/hostile.dom" <<'EOF'
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.title, self.intitle, self.text = [], "", False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.intitle = tag == "title" and self.tags.count("title") == 1  # the page's

    def handle_endtag(self, tag):
        self.intitle = False

    def handle_data(self, data):
        self.text.append(data)
        if self.intitle:
            self.title += data


d = Dom()
d.feed(open(sys.argv[1], encoding="utf-8").read())
t = "".join(d.text)
ok = lambda c, what: print(("PASS " if c else "FAIL ") + "hostile page: " + what)
ok("script" not in d.tags and "img" not in d.tags, "no <script> or <img> element in the DOM")
ok(t.count("<script>alert(1)</script>") >= 3, "the comm <script>alert(1)</script> shows as "
   "text (%d times)" % t.count("<script>alert(1)</script>"))
ok("\"'&<img src=x onerror=alert(2)>" in t, "the lock name \"'&<img ...> shows as text")
ok(d.title.endswith("on <script>alert(4)</script>"), "the title holds the host as text")
EOF
	else
		fail "hostile page: not written or not rendered ($(tail -c 200 "$tmp/unit.out"))"
	fi
else
	skip "hostile page: $BUILD/tests/unit_report not built (make test-bins)"
fi
done_testing
