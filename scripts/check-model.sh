#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Model-checks the case worker's exactly-once protocol (model/cases.pml) with spin, over every interleaving of its
# workers, deliveries, crashes and lapsed leases, and shows that the check can fail: each mutation below is a
# defect the protocol guards against, and spin must find the interleaving that breaks it.
#
#   scripts/check-model.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/onprem-model.XXXXXX")
trap 'rm -rf "$work"' EXIT

# spin's verifier for one model: the number of errors it found.
errors() { # model.pml
    (cd "$work" && rm -f pan pan.* ./*.trail && spin -a "$1" >/dev/null && gcc -O2 -DSAFETY -o pan pan.c \
        && ./pan -m100000 > pan.out 2>&1; grep -o 'errors: [0-9]*' pan.out | cut -d' ' -f2)
}

found=$(errors "$root/model/cases.pml")
states=$(grep -o '[0-9]* states, stored' "$work/pan.out" | cut -d' ' -f1)
if [ "$found" != 0 ]; then
    cat "$work/pan.out"
    echo "check-model: model/cases.pml: $found error(s): the protocol can raise two cases or lose one" >&2
    exit 1
fi
echo "check-model: model/cases.pml: no error in $states states"

# Defects the model must catch (a model that passes everything proves nothing).
mutate() { # name, sed expression
    sed "$2" "$root/model/cases.pml" > "$work/$1.pml"
    if cmp -s "$root/model/cases.pml" "$work/$1.pml"; then
        echo "check-model: the mutation '$1' no longer applies to model/cases.pml; update it" >&2
        exit 1
    fi
    if [ "$(errors "$work/$1.pml")" = 0 ]; then
        echo "check-model: spin found no error with '$1': the model no longer checks what it should" >&2
        exit 1
    fi
    echo "check-model: '$1' is caught"
}
mutate "no DescribeCases before a takeover raises" 's/:: lapsed \&\& cases > 0 -> haveCase = true/:: false -> haveCase = true/'
mutate "a lease lapsing while its holder runs" 's/status == CLAIMED \&\& !holderAlive -> \/\* take over/status == CLAIMED -> \/* take over/'
