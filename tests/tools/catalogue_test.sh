#!/usr/bin/env bash
# TESTING.md's bad-input catalogue stays true to the tests (issue 9: "document
# the catalogue ... with its count"): the "**N cases**" line equals the number
# of numbered table rows and the sum of the groups' "(n)" headings, each group
# holds as many rows as its heading says, rows are numbered 1..N in order, and
# every GoogleTest name it cites (`Suite.Test`, or `Suite.*`) exists in tests/.
# Usage: catalogue_test.sh <repository root>
set -uo pipefail
root=$1
doc=$root/TESTING.md
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The catalogue: from its heading to the next "## " heading.
catalogue=$(awk '/^## The bad-input catalogue/{on=1; next} /^## /{on=0} on' "$doc")
[ -n "$catalogue" ] || fail "no '## The bad-input catalogue' section in $doc"
stated=$(grep -oE '^\*\*[0-9]+ cases\*\*' <<<"$catalogue" | grep -oE '[0-9]+')
rows=$(grep -cE '^\| [0-9]+ \|' <<<"$catalogue")
[ "$stated" = "$rows" ] || fail "TESTING.md says ${stated:-no} cases, its tables hold $rows rows"
numbers=$(grep -oE '^\| [0-9]+ \|' <<<"$catalogue" | grep -oE '[0-9]+' | tr '\n' ' ')
[ "$numbers" = "$(seq -s ' ' 1 "$rows") " ] || fail "rows are not numbered 1..$rows in order: $numbers"
# Each "### ... (n)" group: n rows before the next group.
sum=0
while IFS=$'\t' read -r title n count; do
  sum=$((sum + n))
  [ "$n" = "$count" ] || fail "group '$title' says ($n), holds $count rows"
done < <(awk '/^### /{if (t != "") print t "\t" n "\t" c; t = $0; n = $0; sub(/.*\(/, "", n); sub(/\).*/, "", n); c = 0; next}
              /^\| [0-9]+ \|/{c++} END{if (t != "") print t "\t" n "\t" c}' <<<"$catalogue")
[ "$sum" = "$rows" ] || fail "the groups' counts add up to $sum, the tables hold $rows rows"

# Every test name the whole file cites exists.
tests=$(grep -rhoE '^(TEST|TEST_F|TEST_P|TYPED_TEST)\([A-Za-z0-9_]+, *[A-Za-z0-9_]+' "$root/tests" |
        sed -E 's/^[A-Z_]+\(//; s/, */./' | sort -u)
cited=0
while read -r name; do
  cited=$((cited + 1))
  if [[ $name == *'*' ]]; then
    grep -q "^${name%\*}" <<<"$tests" || fail "TESTING.md cites $name: no such test suite"
  else
    grep -qxF "$name" <<<"$tests" || fail "TESTING.md cites $name: no such test"
  fi
done < <(grep -oE '`[A-Z][A-Za-z0-9]+\.([A-Z][A-Za-z0-9_]*|\*)`' "$doc" | tr -d '`' | sort -u)
[ "$cited" -gt 0 ] || fail "TESTING.md cites no test"
[ "$failures" -eq 0 ] || exit 1
echo "catalogue: $rows cases in $(grep -c '^### ' <<<"$catalogue") groups; $cited cited test names exist"
