#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Model-checks the case worker's exactly-once protocol (model/cases.pml) with spin, over every interleaving of its
# workers, deliveries of an ALARM, its OK and the next ALARM in any order, crashes and lapsed leases, and shows that
# the check can fail: each mutation below is a defect the protocol guards against, and spin must find the
# interleaving that breaks it. On an error it prints spin's shortest interleaving that leads to it.
#
#   scripts/check-model.sh
#   CHECK_MODEL_DEFINES=-DRESOLVES scripts/check-model.sh   also asks that A1's case be resolved (liveness; fails)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/onprem-model.XXXXXX")
trap 'rm -rf "$work"' EXIT
read -r -a defines <<< "${CHECK_MODEL_DEFINES:-}"

# spin's verifier for one model: the number of errors it found; pan.out and the trail of an error are left in
# $work. A complete search is depth-first (fewer states); breadth-first finds the shortest interleaving to an error.
errors() { # model.pml, gcc's flags for pan
    cp "$1" "$work/model.pml"
    (cd "$work" && rm -f pan pan.* model.pml.trail && spin "${defines[@]}" -a model.pml > pan.out 2>&1 \
        && gcc -w $2 -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000 > pan.out 2>&1
     if grep -q 'max search depth too small\|out of memory' pan.out; then echo "an incomplete search"; exit; fi
     grep -o 'errors: [0-9]*' pan.out | cut -d' ' -f2 || true)
}

start=$SECONDS
found=$(errors "$root/model/cases.pml" -O2)
found=${found:-no answer}
states=$(grep -o '[0-9]* states, stored' "$work/pan.out" 2>/dev/null | cut -d' ' -f1 || true)
if [ "$found" != 0 ]; then
    [ -f "$work/model.pml.trail" ] || { cat "$work/pan.out" 2>/dev/null; echo "check-model: spin: $found" >&2; exit 1; }
    errors "$root/model/cases.pml" "-O2 -DBFS" > /dev/null
    echo "check-model: the shortest interleaving to an error (W<worker> <notification>: A1 the ALARM at t1, O2 the" \
        "OK at t2, A3 the ALARM at t3):"
    (cd "$work" && spin "${defines[@]}" -t model.pml 2>&1 | grep -E '^ *W[0-9]|Error|text of failed')
    echo "check-model: model/cases.pml${CHECK_MODEL_DEFINES:+ ($CHECK_MODEL_DEFINES)}: an error: the protocol can" \
        "raise two cases for an episode, leave one without its case, or resolve one while its alarm is in ALARM" >&2
    exit 1
fi
echo "check-model: model/cases.pml${CHECK_MODEL_DEFINES:+ ($CHECK_MODEL_DEFINES)}: no error in $states states" \
    "($((SECONDS - start)) s)"

# Defects the model must catch (a model that passes everything proves nothing). Each search stops at the first
# error; depth-first finds most at once, breadth-first those a depth-first search reaches only late.
mutate() { # name, sed expression[, search: -DBFS]
    sed "$2" "$root/model/cases.pml" > "$work/$1.pml"
    if cmp -s "$root/model/cases.pml" "$work/$1.pml"; then
        echo "check-model: the mutation '$1' no longer applies to model/cases.pml; update it" >&2
        exit 1
    fi
    found=$(errors "$work/$1.pml" "-O0 ${3:-}")
    # Caught means a complete search found an error and left its trail: a mutation that does not compile, or whose
    # search ran out, proves nothing.
    if ! [[ "$found" =~ ^[0-9]+$ ]] || [ "$found" = 0 ] || [ ! -f "$work/model.pml.trail" ]; then
        echo "check-model: spin found no error with '$1' (${found:-no answer}): the model no longer checks what it should" >&2
        exit 1
    fi
    echo "check-model: '$1' is caught"
}
# (1) at most one case per episode
mutate "no DescribeCases before a takeover raises" \
    's/lapsed \&\& refCase\[n\] != 0 -> \/\* finding/false -> \/* finding/'
mutate "a lease lapsing while its holder runs" \
    's/status\[n\] == CLAIMED \&\& !alive\[n\] -> \/\* take over/status[n] == CLAIMED -> \/* take over/'
# (2) each episode its case, the last one's open
mutate "a repeated delivery not writing the case's records again" \
    's/atomic { setOpenCase(n, caseId, owned) }; \/\* recordingDuplicate/skip; \/* recordingDuplicate/'
mutate "a late ALARM reopening its episode (setOpenCase not conditioned on an earlier episode)" \
    's/:: episodeMs == 0 || episodeMs < t ->/:: true ->/'
mutate "an ALARM not comparing the open case's episode with its own" 's/aOpen \&\& aEp < n/aOpen/' -DBFS
# (3) no case resolved while its alarm is in ALARM
mutate "an OK resolving the case of a later episode" \
    's/:: aOpen \&\& aEp <= n -> \/\* addingNote/:: aOpen -> \/* addingNote/'
mutate "an OK resolving a case not the alarm's own" \
    's/:: applied \&\& aOwned -> \/\* resolving, finishingResolve/:: applied -> \/* resolving, finishingResolve/'
mutate "an ALARM resolving its case on an earlier OK (lastRecovery not compared)" \
    's/:: aRec > n -> \/\* an OK of a later time/:: aRec != 0 -> \/* an OK of a later time/'
# The code before the model found D1 and D3 (model/cases.pml's header): each must be caught again.
mutate "notes carrying the reference line (D3: a takeover adopts a case it only noted on)" \
    's/    skip \/\* a note carries no reference line/    if :: refCase[n] == 0 -> refCase[n] = c :: else -> skip fi \/* a note carries no reference line/'
mutate "an ALARM back through INSUFFICIENT_DATA noting on the earlier case without moving it (D1)" \
    's/if :: applied -> episodeMs = n :: else -> skip fi;/skip;/' -DBFS
mutate "an OK resolving though its closeCase did not close the case" \
    's/:: applied \&\& aOwned -> \/\* resolving, finishingResolve/:: aOwned -> \/* resolving, finishingResolve/'
echo "check-model: done in $((SECONDS - start)) s"
