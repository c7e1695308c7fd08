#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Desktop integration and packaging checks, as TAP:
#   - the desktop file, the AppStream metainfo and the GSettings schema pass
#     their own validators;
#   - the Flatpak manifest agrees with them (app id, command), grants no
#     network and no home or host file system, pins every download, and
#     installs the fonts every language of i18n/LINGUAS needs
#     (flatpak/fonts.txt);
#   - `meson install` into a DESTDIR puts every file where it belongs.
# Each checker is also shown a broken copy and must reject it, so that a
# checker that passes everything cannot go unnoticed.
# A check is skipped (never passed) only when the tool it needs is missing.
#
# Environment (set by tests/meson.build): SR_SOURCE_ROOT, SR_BUILD_ROOT,
# SR_PREFIX, SR_APP_ID.
set -u

: "${SR_SOURCE_ROOT:?}" "${SR_BUILD_ROOT:?}" "${SR_PREFIX:?}" "${SR_APP_ID:?}"

app_id=$SR_APP_ID
src=$SR_SOURCE_ROOT
build=$SR_BUILD_ROOT
desktop=$build/data/$app_id.desktop
metainfo=$build/data/$app_id.metainfo.xml
schema_dir=$src/data
manifest=$src/flatpak/$app_id.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sr-integration.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then
    sed 's/^/# /' "$2"
  fi
}

skip () {
  n=$((n + 1))
  echo "ok $n - $1 # SKIP $2"
}

# Runs "$@" with its output in $tmp/out; passes when it exits 0.
expect_success () {
  desc=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    ok "$desc"
  else
    not_ok "$desc" "$tmp/out"
  fi
}

# Runs "$@"; passes when it exits non-zero (a checker rejecting bad input).
expect_failure () {
  desc=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    not_ok "$desc (was accepted)" "$tmp/out"
  else
    ok "$desc"
  fi
}

have () {
  command -v "$1" >/dev/null 2>&1
}

# ---------------------------------------------------------------- desktop file

if have desktop-file-validate; then
  expect_success "desktop-file-validate accepts $app_id.desktop" \
    desktop-file-validate "$desktop"

  # A copy without the mandatory Name key must be refused.
  mkdir -p "$tmp/bad-desktop"
  grep -v '^Name=' "$desktop" >"$tmp/bad-desktop/$app_id.desktop"
  expect_failure "desktop-file-validate rejects a desktop file without Name" \
    desktop-file-validate "$tmp/bad-desktop/$app_id.desktop"
else
  skip "desktop-file-validate accepts $app_id.desktop" "desktop-file-validate not installed"
  skip "desktop-file-validate rejects a desktop file without Name" "desktop-file-validate not installed"
fi

# ------------------------------------------------------------------- metainfo

# appstreamcli exits 0 on warnings, so its report is read as well: any error
# (E:) or warning (W:) fails. Infos (I:) and pedantic notes (P:) may stay;
# the ones that remain are explained in the metainfo file itself.
appstream_clean () {
  report=$(appstreamcli validate --no-net "$1" 2>&1)
  status=$?
  printf '%s\n' "$report"
  [ "$status" -eq 0 ] || return 1
  if printf '%s\n' "$report" | grep -q '^[EW]:'; then
    return 1
  fi
  return 0
}

if have appstreamcli; then
  expect_success "appstreamcli validate --no-net reports no error or warning" \
    appstream_clean "$metainfo"

  mkdir -p "$tmp/bad-metainfo"
  sed 's|<summary>.*</summary>||' "$metainfo" >"$tmp/bad-metainfo/$app_id.metainfo.xml"
  expect_failure "appstreamcli rejects metainfo without a summary" \
    appstream_clean "$tmp/bad-metainfo/$app_id.metainfo.xml"
else
  skip "appstreamcli validate --no-net reports no error or warning" "appstreamcli not installed"
  skip "appstreamcli rejects metainfo without a summary" "appstreamcli not installed"
fi

# ------------------------------------------------------------- GSettings schema

if have glib-compile-schemas; then
  expect_success "glib-compile-schemas --strict --dry-run accepts the schema" \
    glib-compile-schemas --strict --dry-run "$schema_dir"

  mkdir -p "$tmp/bad-schema"
  sed 's|<default>120</default>|<default>-1</default>|' \
    "$schema_dir/$app_id.gschema.xml" >"$tmp/bad-schema/$app_id.gschema.xml"
  expect_failure "glib-compile-schemas rejects a negative default for a u key" \
    glib-compile-schemas --strict --dry-run "$tmp/bad-schema"
else
  skip "glib-compile-schemas --strict --dry-run accepts the schema" "glib-compile-schemas not installed"
  skip "glib-compile-schemas rejects a negative default for a u key" "glib-compile-schemas not installed"
fi

# --------------------------------------------------------------- Flatpak manifest

# One Python run checks the real manifest, then a series of broken copies
# (each must be rejected), and prints one TAP-ready line per case:
# "ok|description" or "not ok|description|problems".
cat >"$tmp/check-manifest.py" <<'PY'
import configparser
import copy
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

(manifest_path, desktop_path, metainfo_path, schema_path,
 i18n_test_path, linguas_path, fonts_path) = sys.argv[1:8]
manifest_dir = os.path.dirname(os.path.abspath(manifest_path))

desktop = configparser.RawConfigParser(delimiters=("=",), comment_prefixes=("#",))
desktop.optionxform = str
desktop.read(desktop_path, encoding="utf-8")
entry = desktop["Desktop Entry"]
desktop_id = os.path.basename(desktop_path)
if desktop_id.endswith(".desktop"):
    desktop_id = desktop_id[: -len(".desktop")]
metainfo_id = ET.parse(metainfo_path).getroot().findtext("id")
schema_id = ET.parse(schema_path).getroot().find("schema").get("id")


def modules(mods):
    for m in mods:
        if isinstance(m, dict):
            yield m
            yield from modules(m.get("modules", []))


def mod(manifest, name):
    """The module called name, for the broken copies."""
    return next(m for m in modules(manifest["modules"]) if m.get("name") == name)


# The font each language needs: i18n/LINGUAS lists the languages,
# tests/test-i18n.c's languages[] names each one's Noto family, and
# flatpak/fonts.txt the files of each family ("family | file file").
with open(linguas_path, encoding="utf-8") as f:
    linguas = [w for line in f for w in line.split("#")[0].split()]
with open(i18n_test_path, encoding="utf-8") as f:
    table = re.search(r"languages\[\]\s*=\s*\{(.*?)\n\};", f.read(), re.S)
language_font = dict(re.findall(r'\{\s*"([^"]+)"\s*,\s*"[^"]*"\s*,\s*"([^"]+)"\s*\}',
                                table.group(1) if table else ""))
fonts = {}
with open(fonts_path, encoding="utf-8") as f:
    for line in f:
        line = line.split("#")[0].strip()
        if line:
            family, _, files = line.partition("|")
            fonts[family.strip()] = files.split()

FONT_FILE = re.compile(r"\.(ttf|otf|ttc|otc)$")
DEST = r"(\$\{FLATPAK_DEST\}|\$FLATPAK_DEST|/app)"
FONTS_DIR = re.compile(DEST + r"/share/fonts(/|$)")
LICENCES_DIR = re.compile(DEST + r"/share/licenses/")
LOCAL_CONF = re.compile(DEST + r"/etc/fonts/local\.conf$")


def check_fonts(manifest, fonts):
    """Returns what keeps the manifest from installing, from pinned sources
    and with its licence, every font file each language needs."""
    problems = []
    if not linguas or not language_font:
        return ["could not read i18n/LINGUAS or the languages[] table of tests/test-i18n.c"]
    needed = {}
    for lang in linguas:
        if lang not in language_font:
            problems.append(f"tests/test-i18n.c names no font for {lang} (i18n/LINGUAS)")
        else:
            needed.setdefault(language_font[lang], []).append(lang)

    installed = set()
    local_conf = False
    for m in modules(manifest.get("modules", [])):
        name = m.get("name")
        files = set()
        licence = False
        for c in m.get("build-commands", []):
            try:
                words = shlex.split(c)
            except ValueError:
                continue
            if any(FONTS_DIR.match(w) for w in words):
                files |= {os.path.basename(w) for w in words if FONT_FILE.search(w)}
            if any(LICENCES_DIR.match(w) for w in words):
                licence = True
            if words and LOCAL_CONF.match(words[-1]) and "fontconfig-local.conf" in words:
                local_conf = True
        if not files:
            continue
        installed |= files
        if not licence:
            problems.append(f"module {name} installs fonts but not their licence")
        sources = [s for s in m.get("sources", []) if isinstance(s, dict)]
        if not any(s.get("type") in ("archive", "file") and "url" in s for s in sources):
            problems.append(f"module {name} installs fonts without a pinned download")
        for s in sources:
            if s.get("type") not in ("archive", "file", "patch", "script", "shell"):
                problems.append(f"module {name} installs fonts from a {s.get('type')} source")

    for family, langs in sorted(needed.items()):
        if not fonts.get(family):
            problems.append(f"flatpak/fonts.txt lists no file for {family} ({', '.join(langs)})")
            continue
        for f in fonts[family]:
            if f not in installed:
                problems.append(f"the manifest does not install {f} ({family}, for {', '.join(langs)})")
    if not local_conf:
        problems.append("the manifest does not install fontconfig-local.conf as "
                        "${FLATPAK_DEST}/etc/fonts/local.conf (Chinese, Japanese and Korean faces)")
    elif not os.path.isfile(os.path.join(manifest_dir, "fontconfig-local.conf")):
        problems.append("flatpak/fontconfig-local.conf does not exist")
    return problems


# Debian's copies of the fonts stand for the ones the manifest downloads
# (the same files, compared byte for byte when the manifest was written).
debian_fonts = {}
for top in ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"):
    for d, _, names in os.walk(top):
        for n in names:
            debian_fonts.setdefault(n, os.path.join(d, n))
if not shutil.which("fc-scan"):
    fc_missing = "fc-scan not installed"
elif "NotoSans-Regular.ttf" not in debian_fonts or "NotoSansCJK-Regular.ttc" not in debian_fonts:
    fc_missing = "fonts-noto-core or fonts-noto-cjk not installed"
else:
    fc_missing = None
fc_cache = {}


def check_font_files(fonts):
    """Returns the files of flatpak/fonts.txt that do not provide their family,
    or not in the weight their name says (fontconfig: 80 regular, 200 bold)."""
    problems = []
    for family, files in sorted(fonts.items()):
        for f in files:
            if f not in debian_fonts:
                problems.append(f"{f} ({family}) is not among Debian's fonts")
                continue
            if f not in fc_cache:
                out = subprocess.run(["fc-scan", "--format", "%{family}|%{weight}\n",
                                      debian_fonts[f]], capture_output=True, text=True)
                # A variable font's weight is a range, "[min max]".
                fc_cache[f] = [(fams.split(","), float(w.strip("[]").split()[0]))
                               for fams, _, w in
                               (line.partition("|") for line in out.stdout.splitlines())
                               if w.strip("[]")]
            weights = [w for fams, w in fc_cache[f] if family in fams]
            if not weights:
                problems.append(f"{f} does not provide {family}")
            elif "-Bold." in f and min(weights) < 200:
                problems.append(f"{f} is not bold to fontconfig (weight {min(weights):g})")
            elif "-Regular." in f and max(weights) >= 200:
                problems.append(f"{f} is bold to fontconfig (weight {max(weights):g})")
    return problems


def check(manifest):
    """Returns the list of problems found in a parsed manifest."""
    problems = []
    app_id = manifest.get("id", manifest.get("app-id"))
    for what, other in (("desktop file name", desktop_id),
                        ("metainfo id", metainfo_id),
                        ("GSettings schema id", schema_id),
                        ("desktop Icon", entry.get("Icon"))):
        if app_id != other:
            problems.append(f"manifest id {app_id!r} differs from the {what} {other!r}")

    exec_line = entry.get("Exec", "").split()
    if not exec_line or manifest.get("command") != exec_line[0]:
        problems.append(f"manifest command {manifest.get('command')!r} differs from "
                        f"the desktop Exec {entry.get('Exec')!r}")

    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")

    # An option may be written "--share=network" or as "--share", "network".
    args = manifest.get("finish-args", [])
    joined = []
    i = 0
    while i < len(args):
        a = args[i]
        if ("=" not in a and a.startswith("--") and i + 1 < len(args)
                and not args[i + 1].startswith("--")):
            joined.append(a + "=" + args[i + 1])
            i += 2
        else:
            joined.append(a)
            i += 1
    for a in joined:
        key, _, value = a.partition("=")
        if key == "--share" and value == "network":
            problems.append(f"finish-args grant the network: {a}")
        if key == "--filesystem":
            place = value.split(":")[0]
            if (place in ("home", "host", "host-os", "host-etc", "~", "/")
                    or place.startswith(("~/", "/home", "xdg-"))):
                problems.append(f"finish-args grant a file system: {a}")
        if key == "--socket" and value == "system-bus":
            problems.append(f"finish-args grant the system bus: {a}")
        if key == "--device" and value == "all":
            problems.append(f"finish-args grant every device: {a}")

    sha_re = re.compile(r"^[0-9a-f]{64}$")
    count = 0
    for m in modules(manifest.get("modules", [])):
        name = m.get("name")
        for s in m.get("sources", []):
            if not isinstance(s, dict):
                problems.append(f"module {name}: sources must be written inline")
                continue
            kind = s.get("type")
            if kind in ("archive", "file") and "path" not in s:
                count += 1
                for url in [s.get("url", "")] + list(s.get("mirror-urls", [])):
                    if not url.startswith("https://"):
                        problems.append(f"module {name}: {url} is not https")
                if not sha_re.match(str(s.get("sha256", ""))):
                    problems.append(f"module {name}: {kind} source without a 64-hex sha256")
            if kind in ("patch", "file") and "path" in s:
                if not os.path.isfile(os.path.join(manifest_dir, s["path"])):
                    problems.append(f"module {name}: {s['path']} does not exist")
            if kind in ("git", "bzr", "svn"):
                problems.append(f"module {name}: {kind} sources are not pinned by a checksum")
    if count == 0:
        problems.append("no archive or file source found")
    return problems


def say(ok, desc, problems=()):
    line = ("ok|" if ok else "not ok|") + desc
    if problems:
        line += "|" + "; ".join(problems)
    print(line.replace("\n", " "))


try:
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    say(True, "the manifest parses as JSON")
except (OSError, ValueError) as e:
    say(False, "the manifest parses as JSON", [str(e)])
    sys.exit(0)

problems = check(manifest)
say(not problems, "the manifest agrees with the desktop file, metainfo and schema, "
    "grants no network or home/host, pins every download", problems)
problems = check_fonts(manifest, fonts)
say(not problems, "the manifest installs, with their licences, the fonts of flatpak/fonts.txt "
    "that the languages of i18n/LINGUAS need", problems)
if fc_missing:
    say(True, f"flatpak/fonts.txt: each file provides its family in its weight # SKIP {fc_missing}")
else:
    problems = check_font_files(fonts)
    say(not problems, "flatpak/fonts.txt: each file provides its family in its weight", problems)

# Broken copies, one per line on stdin: "description|python statement on m
# (the manifest) and fonts (flatpak/fonts.txt)"; a description starting with
# "fc-scan: " needs fc-scan and Debian's fonts.
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    desc, code = line.split("|", 1)
    if desc.startswith("fc-scan: ") and fc_missing:
        say(True, f"the manifest check rejects {desc[len('fc-scan: '):]} # SKIP {fc_missing}")
        continue
    uses_fc = desc.startswith("fc-scan: ")
    if uses_fc:
        desc = desc[len("fc-scan: "):]
    m = copy.deepcopy(manifest)
    f = copy.deepcopy(fonts)
    try:
        exec(code, {"m": m, "fonts": f, "mod": mod})
    except Exception as e:  # a broken case must not pass silently
        say(False, f"the manifest check rejects {desc}", [f"could not make the copy: {e}"])
        continue
    found = check(m) + check_fonts(m, f) + (check_font_files(f) if uses_fc else [])
    say(bool(found), f"the manifest check rejects {desc}",
        [] if found else ["it was accepted"])

try:
    json.loads('{ "id": "io.github.safereport.SafeReport", ')
    say(False, "the manifest check rejects text that is not JSON", ["it was accepted"])
except ValueError:
    say(True, "the manifest check rejects text that is not JSON")
PY

if have python3; then
  python3 "$tmp/check-manifest.py" "$manifest" "$desktop" "$metainfo" \
    "$schema_dir/$app_id.gschema.xml" "$src/tests/test-i18n.c" "$src/i18n/LINGUAS" \
    "$src/flatpak/fonts.txt" >"$tmp/manifest.out" 2>&1 <<'EOF'
--share=network|m["finish-args"].append("--share=network")
--share network as two arguments|m["finish-args"] += ["--share", "network"]
--filesystem=home|m["finish-args"].append("--filesystem=home")
--filesystem=host:ro|m["finish-args"].append("--filesystem=host:ro")
--filesystem=~/Documents|m["finish-args"].append("--filesystem=~/Documents")
a different app id|m["id"] = "io.github.safereport.Other"
a different command|m["command"] = "safereport-inbox"
a different runtime|m["runtime"] = "org.freedesktop.Platform"
an archive without sha256|del m["modules"][0]["sources"][0]["sha256"]
a 63-hex sha256|m["modules"][1]["sources"][0]["sha256"] = m["modules"][1]["sources"][0]["sha256"][:63]
a sha256 with a non-hex character|m["modules"][2]["sources"][0]["sha256"] = "g" + m["modules"][2]["sources"][0]["sha256"][1:]
a plain http download|m["modules"][1]["sources"][0]["url"] = m["modules"][1]["sources"][0]["url"].replace("https:", "http:")
a git source|m["modules"][0]["sources"].append({"type": "git", "url": "https://example.org/x.git"})
a missing patch file|m["modules"][0]["sources"].append({"type": "patch", "path": "patches/none.patch"})
a plain http mirror|m["modules"][0]["sources"][0]["mirror-urls"] = ["http://snapshot.debian.org/file/0"]
a font file dropped from build-commands|c = mod(m, "noto-fonts")["build-commands"]; c[:] = [x for x in c if "NotoSansMyanmar" not in x]
Noto Sans Khmer without its Bold|c = mod(m, "noto-fonts")["build-commands"]; c[:] = [x.replace(" hinted/ttf/NotoSansKhmer/NotoSansKhmer-Bold.ttf", "") for x in c]
the CJK Bold collection dropped|c = mod(m, "noto-fonts-cjk")["build-commands"]; c[:] = [x.replace(" usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "") for x in c]
fonts installed outside share/fonts|c = mod(m, "noto-fonts")["build-commands"]; c[:] = [x.replace("/share/fonts/", "/share/noto/") for x in c]
the font modules left out|m["modules"] = [x for x in m["modules"] if not x["name"].startswith("noto-fonts")]
a font module without sha256|del mod(m, "noto-fonts-cjk")["sources"][0]["sha256"]
the fonts archive without sha256|del mod(m, "noto-fonts")["sources"][0]["sha256"]
a font module without its licence|c = mod(m, "noto-fonts")["build-commands"]; c[:] = [x for x in c if "licenses" not in x]
a font module built from a local folder|mod(m, "noto-fonts")["sources"] = [{"type": "dir", "path": "/usr/share/fonts"}]
no fontconfig-local.conf installed|c = mod(m, "noto-fonts-cjk")["build-commands"]; c[:] = [x for x in c if "local.conf" not in x]
a missing local file source|mod(m, "noto-fonts-cjk")["sources"][1]["path"] = "none.conf"
a family missing from flatpak/fonts.txt|del fonts["Noto Sans Ethiopic"]
a family with no file in flatpak/fonts.txt|fonts["Noto Sans CJK KR"] = []
fc-scan: a file that provides another family|fonts["Noto Sans Khmer"] = ["NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf"]
fc-scan: the Nastaliq Bold file, which is not bold|fonts["Noto Nastaliq Urdu"].append("NotoNastaliqUrdu-Bold.ttf"); mod(m, "noto-fonts")["build-commands"].append("install -Dm644 -t ${FLATPAK_DEST}/share/fonts/noto hinted/ttf/NotoNastaliqUrdu/NotoNastaliqUrdu-Bold.ttf")
EOF
  status=$?
  while IFS='|' read -r verdict desc problems; do
    case $verdict in
      ok) ok "$desc" ;;
      "not ok") echo "${problems:-}" >"$tmp/out"; not_ok "$desc" "$tmp/out" ;;
      *) echo "# $verdict $desc ${problems:-}" ;;
    esac
  done <"$tmp/manifest.out"
  if [ "$status" -ne 0 ]; then
    not_ok "the manifest checker ran to the end" "$tmp/manifest.out"
  fi
else
  skip "the manifest parses as JSON" "python3 not installed"
  skip "the manifest agrees with the desktop file, metainfo and schema" "python3 not installed"
fi

# ----------------------------------------------------------------- kiosk unit

# systemd-analyze checks that the command exists, so it needs cage installed.
unit=$src/data/kiosk/safereport-kiosk.service
if have systemd-analyze && [ -x /usr/bin/cage ]; then
  expect_success "systemd-analyze verify accepts safereport-kiosk.service" \
    systemd-analyze verify "$unit"

  mkdir -p "$tmp/bad-unit"
  grep -v '^ExecStart=' "$unit" >"$tmp/bad-unit/safereport-kiosk.service"
  expect_failure "systemd-analyze verify rejects the unit without ExecStart" \
    systemd-analyze verify "$tmp/bad-unit/safereport-kiosk.service"
else
  skip "systemd-analyze verify accepts safereport-kiosk.service" "systemd-analyze or /usr/bin/cage not installed"
  skip "systemd-analyze verify rejects the unit without ExecStart" "systemd-analyze or /usr/bin/cage not installed"
fi

# The kiosk must have no network, no VT switching and no core files,
# whatever else changes in its unit.
if grep -q '^PrivateNetwork=yes$' "$unit" \
   && grep -q '^LimitCORE=0$' "$unit" \
   && grep -q '^ExecStart=/usr/bin/cage -- safereport --kiosk' "$unit" \
   && ! grep -q '^ExecStart=.*cage.* -s' "$unit"; then
  ok "the kiosk unit runs cage without VT switching, network or core files"
else
  not_ok "the kiosk unit runs cage without VT switching, network or core files"
fi

# ---------------------------------------------------------------- meson install

destdir=$tmp/destdir
if meson install -C "$build" --destdir "$destdir" --no-rebuild >"$tmp/install.log" 2>&1; then
  ok "meson install --destdir succeeds"
else
  not_ok "meson install --destdir succeeds" "$tmp/install.log"
fi

# The prefix is absolute, so DESTDIR and prefix simply concatenate.
root=$destdir$SR_PREFIX
expected="
bin/safereport-cli
bin/safereport-inbox
share/safereport/forms/default.json
share/applications/$app_id.desktop
share/metainfo/$app_id.metainfo.xml
share/glib-2.0/schemas/$app_id.gschema.xml
share/icons/hicolor/scalable/apps/$app_id.svg
share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
share/safereport/kiosk/safereport-kiosk.service
share/safereport/kiosk/safereport-kiosk.pam
share/safereport/kiosk/logind-safereport-kiosk.conf
share/safereport/kiosk/sysctl-safereport-kiosk.conf
share/safereport/kiosk/50-safereport-udisks.rules
"
# The GTK app is expected once the build has produced it.
if [ -x "$build/ui/safereport" ]; then
  expected="$expected bin/safereport"
fi
for f in $expected; do
  if [ -f "$root/$f" ]; then
    ok "installed $f"
  else
    echo "not found: $root/$f; installed files:" >"$tmp/out"
    find "$destdir" -type f 2>/dev/null | sed "s|^$destdir||" >>"$tmp/out"
    not_ok "installed $f" "$tmp/out"
  fi
done

for f in bin/safereport-cli bin/safereport-inbox; do
  if [ -x "$root/$f" ]; then
    ok "$f is executable"
  else
    not_ok "$f is executable"
  fi
done

# ------------------------------------------- installed, the tools find their data
# A real `meson install` (no DESTDIR), then the installed tools are run
# without SAFEREPORT_DATADIR: they must read the default form and the demo
# profile from where they were installed. Only done when the prefix is a
# directory of this build (scripts/run-tests configures it so), never into
# a system prefix.

case "$SR_PREFIX" in
  "$build"/*)
    if meson install -C "$build" --no-rebuild >"$tmp/install-prefix.log" 2>&1; then
      ok "meson install into the build's prefix succeeds"
    else
      not_ok "meson install into the build's prefix succeeds" "$tmp/install-prefix.log"
    fi

    for tool in safereport-cli safereport-inbox; do
      env -u SAFEREPORT_DATADIR "$SR_PREFIX/bin/$tool" --version >"$tmp/version" 2>&1 || true
      if grep -qxF "data: $SR_PREFIX/share/safereport" "$tmp/version"; then
        ok "installed $tool reads its data from $SR_PREFIX/share/safereport"
      else
        not_ok "installed $tool reads its data from $SR_PREFIX/share/safereport" "$tmp/version"
      fi
    done

    # The demo round trip with nothing but what was installed (the answers
    # are the input, as a person's would be).
    icli () { env -u SAFEREPORT_DATADIR "$SR_PREFIX/bin/safereport-cli" "$@"; }
    iinbox () { env -u SAFEREPORT_DATADIR "$SR_PREFIX/bin/safereport-inbox" "$@"; }
    demo=$SR_PREFIX/share/safereport/demo
    printf 'demo\n' >"$tmp/demo-pass"
    if icli -D "$tmp/kiosk" provision "$demo/demo.srp" >"$tmp/rt.log" 2>&1 \
       && icli -D "$tmp/kiosk" submit "$src/data/demo/answers/en.json" "$src/data/demo/answers/my.json" >>"$tmp/rt.log" 2>&1 \
       && icli -D "$tmp/kiosk" export -o "$tmp/demo.srb" >>"$tmp/rt.log" 2>&1 \
       && iinbox import -d "$tmp/inbox.db" -k "$demo/org.key" -p "$tmp/demo-pass" "$tmp/demo.srb" >"$tmp/import.out" 2>>"$tmp/rt.log" \
       && grep -q '^imported 2, duplicates 0, rejected 0' "$tmp/import.out"; then
      ok "the installed tools file, export and import the demo reports"
    else
      cat "$tmp/import.out" >>"$tmp/rt.log" 2>/dev/null
      not_ok "the installed tools file, export and import the demo reports" "$tmp/rt.log"
    fi
    ;;
  *)
    skip "meson install into the build's prefix succeeds" "the prefix $SR_PREFIX is not inside the build directory"
    skip "the installed tools read their data where they were installed" "the prefix is not inside the build directory"
    skip "the installed tools file, export and import the demo reports" "the prefix is not inside the build directory"
    ;;
esac

echo "1..$n"
[ "$failed" -eq 0 ]
