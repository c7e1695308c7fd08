#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole command-line round trip under valgrind memcheck: keygen,
# profile, provision, submit, status, export, qr, import, list, show,
# export (csv), ack and apply-ack, each run failing on any memory error and
# any definite or possible leak. Prints TAP, one line per command.
#
#   tests/valgrind-cli.sh [BUILD_DIR]
#
# BUILD_DIR (default _build) must be a build without sanitizers: valgrind
# and AddressSanitizer cannot share a process.
#
# Cost: the organisation's key file is sealed with Argon2id at 256 MiB.
# Under valgrind one Argon2id run takes about a minute instead of a second,
# and the round trip runs it eight times (keygen seals; profile, import,
# show, export and ack unseal). Set SR_VALGRIND_ALL=1 to run those commands
# under valgrind too; by default only the bundle import (the parser that
# matters most) pays that minute, the others run natively and are reported
# as skipped (their key file code is covered by LeakSanitizer in the
# sanitizer build), and valgrind checks every other command. The test
# suite runs it so; scripts/run-checks sets SR_VALGRIND_ALL=1.
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR="${1:-${BUILD_DIR:-_build}}"
case "$BUILD_DIR" in
  /*) ;;
  *) BUILD_DIR="$SRC/$BUILD_DIR" ;;
esac
CLI="$BUILD_DIR/app/cli/safereport-cli"
INBOX="$BUILD_DIR/app/cli/safereport-inbox"
ALL="${SR_VALGRIND_ALL:-0}"

for program in "$CLI" "$INBOX"; do
  if [ ! -x "$program" ]; then
    echo "Bail out! $program is not built"
    exit 1
  fi
done
if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 0
fi

export SAFEREPORT_DATADIR="$SRC/data"
# GLib's own caches (the type system, quarks) stay allocated until exit by
# design; G_SLICE=always-malloc makes every allocation visible to valgrind.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sr-valgrind.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ORG="$WORK/org"
KIOSK="$WORK/kiosk"
PASS="$WORK/passphrase"
DB="$WORK/inbox.db"
printf 'correct horse battery staple\n' > "$PASS"

n=0
failed=0

# run NAME SLOW COMMAND...: runs the command under valgrind (or natively,
# for a slow key file command unless SR_VALGRIND_ALL=1); its output goes
# to $WORK/NAME.out.
run () {
  name=$1
  slow=$2
  shift 2
  n=$((n + 1))
  log="$WORK/$name.valgrind"
  if [ "$slow" = slow ] && [ "$ALL" != 1 ]; then
    if "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
      echo "ok $n - $name # SKIP under valgrind (ran natively: Argon2id under valgrind is slow)"
    else
      echo "not ok $n - $name"
      sed 's/^/# /' "$WORK/$name.err"
      failed=$((failed + 1))
    fi
    return 0
  fi
  if valgrind --quiet --error-exitcode=99 --leak-check=full \
      --show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible \
      --track-origins=yes --num-callers=30 \
      --suppressions=/usr/share/glib-2.0/valgrind/glib.supp \
      --suppressions="$SRC/tests/valgrind.supp" \
      --log-file="$log" \
      "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    echo "ok $n - $name"
  else
    status=$?
    echo "not ok $n - $name (exit $status)"
    sed 's/^/# /' "$WORK/$name.err" "$log" | head -n 80
    failed=$((failed + 1))
  fi
}

echo "1..15"
run keygen slow "$INBOX" keygen --out-dir "$ORG" --passphrase-file "$PASS"
run profile slow "$INBOX" profile --key "$ORG/org.key" --passphrase-file "$PASS" \
  --name "Valgrind organisation" --in "$SRC/data/demo/profile-template.json" \
  --out "$ORG/org.srp"
run provision fast "$CLI" --data-dir "$KIOSK" provision "$ORG/org.srp"
run submit fast "$CLI" --data-dir "$KIOSK" submit "$SRC"/tests/data/answers/en.json \
  "$SRC"/tests/data/answers/th.json "$SRC"/tests/data/answers/ar.json
run status fast "$CLI" --data-dir "$KIOSK" status
receipt=$(head -n 1 "$WORK/submit.out")
run export fast "$CLI" --data-dir "$KIOSK" export --out "$WORK/reports.srb"
run qr fast "$CLI" --data-dir "$KIOSK" qr "$receipt" --out-dir "$WORK/codes"
run import fast "$INBOX" import --db "$DB" --key "$ORG/org.key" --passphrase-file "$PASS" \
  "$WORK/reports.srb"
run import-qr slow "$INBOX" import --db "$DB" --key "$ORG/org.key" --passphrase-file "$PASS" \
  "$WORK"/codes/part-*.png
run list fast "$INBOX" list --db "$DB"
run show slow "$INBOX" show --db "$DB" --key "$ORG/org.key" --passphrase-file "$PASS" \
  --json "$receipt"
run export-csv slow "$INBOX" export --db "$DB" --key "$ORG/org.key" --passphrase-file "$PASS" \
  --format csv --out "$WORK/reports.csv"
run ack slow "$INBOX" ack --db "$DB" --key "$ORG/org.key" --passphrase-file "$PASS" \
  --out "$WORK/ack.sra"
run apply-ack fast "$CLI" --data-dir "$KIOSK" apply-ack "$WORK/ack.sra"
run status-after fast "$CLI" --data-dir "$KIOSK" status

# The round trip worked, not only ran clean: three reports in, three
# acknowledged and purged.
if ! grep -q "imported 3" "$WORK/import.out" || ! grep -q "purged 3" "$WORK/apply-ack.out"; then
  echo "# the round trip did not carry three reports through:"
  sed 's/^/#   /' "$WORK/import.out" "$WORK/apply-ack.out"
  failed=$((failed + 1))
fi

if [ "$failed" -gt 0 ]; then
  echo "# $failed of $n commands failed under valgrind"
  exit 1
fi
echo "# every command ran clean under valgrind"
