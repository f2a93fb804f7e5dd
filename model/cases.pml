/* SPDX-License-Identifier: Apache-2.0
 *
 * The support-case worker's exactly-once protocol (docs/cases.md), as spin checks it: `make test` runs
 * scripts/check-model.sh, which explores every interleaving of the workers below and fails on a violated assert
 * or an invalid end state.
 *
 * One alarm episode (one ALARM notification) is delivered by SNS and SQS at least once: DELIVERIES deliveries
 * (a duplicate among them), each taken by one of WORKERS workers, in any order and at once. A worker may crash
 * (be killed by Lambda, or time out) between any two steps; a delivery that crashed or failed comes back (SQS's
 * visibility timeout) while deliveries are left. AWS Support may throttle CreateCase (no case), fail it with a 5xx
 * after raising the case, or raise it.
 *
 * Each step names the code it stands for, so that a change to one shows in the other:
 *   claim      EpisodeStore.claim            PutItem if absent; else done / busy / take over a lapsed lease
 *   lapse      CasesHandler.times            a claim's lease lapses only after its holder's invocation ended:
 *                                            lease = deadline + answer margin + 1 s, and every call of the holder
 *                                            is bounded by that deadline, so a live holder never loses its claim
 *   find       SupportCaseSink.find          DescribeCases for the reference the lapsed holder's case carries
 *   create     SupportCaseSink.create        CreateCase, retried only on throttling (RetryPolicy)
 *   finish     EpisodeStore.finish           UpdateItem conditioned on the claim's token
 *   record     CasesHandler.record           setOpenCase (conditioned on a later episode, idempotent)
 *
 * Properties:
 *   - at most one case for the episode (assert in create);
 *   - once a delivery succeeded (done recorded), the episode has its case, and it is the alarm's open case
 *     (the end-state check in the monitor).
 */

#define WORKERS 2
#define DELIVERIES 3

/* The action item: none, claimed (by the token), or done. */
mtype = { NONE, CLAIMED, DONE };
mtype status = NONE;
byte holder = 0;          /* token of the claim's holder; 0: none */
bool holderAlive = false; /* whether the holder's invocation still runs (its lease holds) */
bool doneHasCase = false; /* the done item names the case */

/* AWS Support: cases raised for the episode (each carries the episode's reference). */
byte cases = 0;
/* The alarm item: the episode's case recorded as its open case. */
bool recorded = false;

/* Deliveries: how many are left to hand out, and whether one succeeded. */
byte pending = DELIVERIES;
bool succeeded = false;
byte running = 0;

/* Creates the case; at most one may ever exist. */
inline raiseCase() {
    cases++;
    assert(cases <= 1)
}

proctype Worker(byte me) {
    bool lapsed;
    bool haveCase;
    byte token;
end_idle:
    do
    :: atomic { pending > 0 -> pending--; running++ }  /* a delivery (SQS, possibly a duplicate) reaches me */
        token = me * 16 + pending;
        lapsed = false;
        haveCase = false;
        /* claim */
        if
        :: atomic {
               status == NONE -> status = CLAIMED; holder = token; holderAlive = true
           }
        :: atomic {
               status == DONE ->
               /* a repeated delivery: the records after the case are written again (idempotent) */
               if :: doneHasCase -> recorded = true :: else -> skip fi;
               succeeded = true; running--
           }; goto next
        :: atomic {
               status == CLAIMED && holderAlive -> /* busy: the message comes back later */
               pending++; running--
           }; goto next
        :: atomic {
               status == CLAIMED && !holderAlive -> /* take over the lapsed claim */
               holder = token; holderAlive = true; lapsed = true
           }
        fi;
        /* a crash here, or after any step below, ends my invocation: my lease lapses, the delivery comes back */
        if :: atomic { holderAlive = (holder != token); pending++; running-- }; goto next :: skip fi;
        /* find: the case a lapsed holder raised, by its reference */
        if
        :: lapsed && cases > 0 -> haveCase = true
        :: else -> skip
        fi;
        if
        :: !haveCase ->
            /* create: throttled (no case), a 5xx after raising it, or raised */
            if
            :: atomic { holderAlive = (holder != token); pending++; running-- }; goto next  /* throttled */
            :: atomic { raiseCase(); holderAlive = (holder != token); pending++; running-- }; goto next  /* 5xx */
            :: raiseCase(); haveCase = true
            fi
        :: else -> skip
        fi;
        if :: atomic { holderAlive = (holder != token); pending++; running-- }; goto next :: skip fi;
        /* finish: only while the claim is still mine */
        atomic {
            if
            :: holder == token -> status = DONE; doneHasCase = true
            :: else -> skip
            fi
        };
        if :: atomic { holderAlive = (holder != token); pending++; running-- }; goto next :: skip fi;
        /* record */
        atomic { recorded = true; succeeded = true; holderAlive = (holder != token); running-- };
next:
        skip
    od
}

/* At the end (no delivery left, no worker busy): a success means the episode has its one case, recorded. */
active proctype Monitor() {
    atomic {
        pending == 0 && running == 0 ->
        assert(!succeeded || (cases == 1 && recorded && status == DONE))
    }
}

init {
    byte i = 1;
    atomic {
        do
        :: i <= WORKERS -> run Worker(i); i++
        :: else -> break
        od
    }
}
