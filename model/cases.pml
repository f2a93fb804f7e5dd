/* SPDX-License-Identifier: Apache-2.0
 *
 * The support-case worker's exactly-once protocol (docs/cases.md), as spin checks it: `make test` runs
 * scripts/check-model.sh, which explores every interleaving of the workers below, fails on a violated assert or an
 * invalid end state, and then prints the shortest interleaving to it.
 *
 * One alarm's history: ALARM(t1) -> OK(t2) -> ALARM(t3), two episodes and the OK between them; the second ALARM's
 * OldStateValue is OK, or INSUFFICIENT_DATA (ALARM(t1) -> OK(t2) -> INSUFFICIENT_DATA -> ALARM(t3), whose
 * INSUFFICIENT_DATA the catalog's default ignores; -DOK_ONLY leaves it out). Its three notifications, A1, O2 and
 * A3 below (a notification's number is its StateChangeTime), are each delivered by SNS and SQS at least once, and
 * DUPS more deliveries (duplicates, of any of them) may come. WORKERS workers take the deliveries in any order (an
 * OK before the ALARM it ends, the next ALARM before that OK) and at once. A worker may stop between any two of its
 * writes (Lambda kills it, it times out, or a call fails): the delivery comes back (SQS's visibility timeout) and
 * the worker's claim lapses (an OK's failed call gives it back). AWS Support may throttle CreateCase (a stop before
 * it), fail it after raising the case (a stop after it), or raise it. The customer's hourly case limit (storm
 * control) may be reached at any CreateCase, by its other alarms; the customer's newest case is at first X,
 * another alarm's, in ALARM throughout. Two workers and one duplicate: with three workers spin needs many minutes
 * (over 10^8 states), with two duplicates three times as many states, too long for make test.
 *
 * Each step names the code it stands for, so that a change to one shows in the other: the state of CaseModel's
 * CaseStateMachine that asks for the call, and the call, of CaseWorker's EpisodeStore (DynamoEpisodeStore:
 * DynamoDB) or CaseSink (SupportCaseSink: AWS Support):
 *   claimingRaise, claimingNote  EpisodeStore.claim         PutItem if absent; else done / busy / a takeover of a
 *                                                           lapsed lease (UpdateItem conditioned on the old lease)
 *   (a lease lapses)             CasesHandler.times         only after its holder's invocation ended: lease =
 *                                                           deadline + answer margin + 1 s, and each of the
 *                                                           holder's calls is bounded by that deadline
 *   readingAlarm,                EpisodeStore.alarm         the alarm item: its open case, its lastRecovery
 *   readingAlarmForNote
 *   finding                      CaseSink.find              DescribeCases: a case (created since a minute before
 *                                                           the first claim) one of whose recent communications
 *                                                           carries the action's reference line
 *   closingLateEpisode           EpisodeStore.closeCase     after an OK: the earlier episode's open case
 *   resolvingLateEpisode         CaseSink.resolve           only if that closeCase closed it and it is owned
 *   movingOpenCase               EpisodeStore.moveOpenCase  back through INSUFFICIENT_DATA: conditioned on the
 *                                                           case being still open for the earlier episode
 *   notingRepeat                 CaseSink.addNote           asRepeat(), on the case moved to this episode
 *   takingSlot                   EpisodeStore.takeStormSlot
 *   readingCustomerCase          EpisodeStore.customerCase
 *   notingStorm                  CaseSink.addNote           asNote(), on the customer's newest case
 *   creating                     CaseSink.create            CreateCase, retried only on throttling
 *   finishing, finishingNote     EpisodeStore.finish        UpdateItem conditioned on the claim's token
 *   recordingOpenCase,           EpisodeStore.setOpenCase   conditioned on no episode, or an earlier one, recorded
 *   recordingDuplicate
 *   recordingCustomerCase        EpisodeStore.setCustomerCase
 *   resolvingEarlyRecovery,      CaseSink.resolve           ResolveCase
 *   resolving
 *   closingEarlyRecovery,        EpisodeStore.closeCase     conditioned on that episode being the open one
 *   closing
 *   closing, closingLateEpisode, EpisodeStore.closeCase     with resolving: the alarm's own case stays marked
 *   closingEarlyRecovery                                    `resolving` until finishResolving
 *   finishingResolve, ...        EpisodeStore.finishResolving  conditioned on the mark and the episode
 *   helping, helpingFinish       CaseSink.resolve, EpisodeStore.finishResolving: whoever reads the alarm next
 *                                (a notification of that episode's time or later) finishes a marked resolve
 *   rememberingRecovery          EpisodeStore.setLastRecovery  conditioned on no later one recorded
 *   releasing                    EpisodeStore.release       DeleteItem conditioned on the claim's token
 * A recovery's notes (addingNote, notingEarlyRecovery) carry no reference line and change nothing modelled here:
 * a stop before one is a stop after it, so they are no steps of their own; nor are takeStormSlot's counter (the
 * limit is reached or not, at each CreateCase) and returnStormSlot.
 *
 * Properties:
 *   (1) at most one case per episode (the assert in raiseCase);
 *   (2) at the end (every delivery handled), each ALARM episode has its case, found or created, exactly one: or,
 *       beyond the customer's hourly limit, a note on the customer's newest case; or, for A3 back through
 *       INSUFFICIENT_DATA, a note on the open case; and the alarm's open case is the last episode's (the monitor);
 *   (3) no case is resolved while its alarm is in ALARM: a resolve is of this alarm's case, raised for an episode
 *       that began before the recovery, and not one a later episode was noted on as its repeat (the asserts in
 *       resolve); and at the end the last episode's case is not resolved, the alarm being in ALARM (the monitor;
 *       a storm note follows the case it went to, which that case's own alarm resolves when it recovers).
 *
 * History: the first version of this model (issue 27) found the code breaking (2) and (3). A3 delivered before O2
 * (reordered, or O2 retried) noted on A1's open case as "fired again before it recovered", and O2 then resolved
 * that case while the alarm was in ALARM (D1); a takeover's find answered a case the lapsed holder had only noted
 * on (a storm note on X, whose note carried the reference line), which the worker took for the episode's own,
 * recorded as the alarm's open case, and O2 resolved (D3). The code now does what this model does, and
 * scripts/check-model.sh applies the old behaviour as mutations spin must catch: notes carry no reference line
 * (CaseStateMachine.unreferenced); an ALARM whose OldStateValue is OK closes the open case of an earlier episode
 * (its OK is late) and resolves it if it closed it and owns it, then raises its own (closingLateEpisode,
 * resolvingLateEpisode); one back through INSUFFICIENT_DATA first moves the open case to its own episode
 * (movingOpenCase: EpisodeStore.moveOpenCase, an UpdateItem conditioned on the case being still open for the
 * earlier one), then notes on it, and raises its own if it was closed meanwhile; and an OK, or an ALARM whose OK
 * came first, closes the case first and resolves it only if that closeCase closed it (closing, resolving;
 * closingEarlyRecovery, resolvingEarlyRecovery). RESOLVES adds the check that A1's own case is resolved at the end,
 * since the alarm recovered at t2: liveness, which (1)-(3) do not ask, and which the code does not keep in every
 * interleaving (docs/cases.md, "What is left").
 */

#ifndef WORKERS
#define WORKERS 2
#endif
#ifndef DUPS
#define DUPS 1
#endif

/* The notifications, by their StateChangeTime; a case raised for an ALARM has its number. X is another alarm's
 * case (of the same customer), whose alarm is in ALARM throughout. */
#define A1 1
#define O2 2
#define A3 3
#define X 9

/* The action items (action#<alarm>#<state>#<time>), one per notification. */
#define NONE 0
#define CLAIMED 1
#define DONE 2
byte status[4];
byte holder[4];   /* the worker holding the claim: its token */
bool alive[4];    /* whether the holder's invocation still runs (its lease holds) */
byte doneCase[4]; /* the case the done item names: raised, found or noted on */
bool doneOwned[4];
byte doneHow[4];  /* ghost: how that case came */
#define OWN 1     /* found or created */
#define STORM 2   /* noted on the customer's newest case */
#define REPEAT 3  /* noted on the alarm's open case */

/* The alarm item (alarm#<alarm>). */
byte episodeMs = 0; /* 0: absent; it stays when the case is closed */
bool isOpen = false;
byte openCase = 0;
bool openOwned = false;
byte recoveredMs = 0;
/* A resolve to finish (resolvingMs, resolvingCaseId: attributes of their own, which setOpenCase leaves alone). */
byte resEp = 0;   /* 0: none */
byte resCase = 0;
byte resRec = 0;  /* ghost: the recovery the resolve rests on, for (3)'s asserts */

/* The customer item (customer#<opname>): its newest case. */
byte customer = X;

/* AWS Support. */
byte raised[4];  /* cases raised for each episode */
bool resolved[10];
byte refCase[4]; /* the case whose communications carry the notification's reference line: find's answer */
byte notedOn[4]; /* ghost: the case the notification's ALARM was noted on as a repeat */

/* SQS. */
byte pending[4] = 1; /* deliveries to come, of each notification ([0] unused) */
byte dups = DUPS;
byte running = 0;

#define WHO me, (n == O2 -> 'O' : 'A'), n

/* A3's OldStateValue: OK, or INSUFFICIENT_DATA (the history ALARM(t1) -> OK(t2) -> INSUFFICIENT_DATA -> ALARM(t3),
 * whose INSUFFICIENT_DATA the catalog's default ignores) unless OK_ONLY. */
bool a3AfterOK = true;
#define AFTER_OK (n != A3 || a3AfterOK)

/* CaseSink.create: the episode's case; at most one may ever exist. */
inline raiseCase() {
    raised[n]++;
    assert(raised[n] <= 1); /* (1) */
    if :: refCase[n] == 0 -> refCase[n] = n :: else -> skip fi
}

/* CaseSink.addNote of an ALARM (asRepeat, asNote): the note carries no reference line, so DescribeCases (find)
 * never answers a case the action only noted on (before issue 27 it did: D3 in the header). */
inline noteOn(c) {
    skip /* a note carries no reference line (CaseStateMachine.unreferenced) */
}

/* CaseSink.resolve of case c on the strength of the recovery at time r. */
inline resolve(c, r) {
    printf("W%d %c%d: ResolveCase %d\n", WHO, c);
    assert(c != X);                        /* (3) not another alarm's case */
    assert(c < r);                         /* (3) a case raised for an episode that began before the recovery */
    assert(!(A3 > r && notedOn[A3] == c)); /* (3) not a case a later episode was noted on */
    resolved[c] = true
}

/* EpisodeStore.setOpenCase(alarm, OpenCase(episode: t, caseId: c, owned: o)) */
inline setOpenCase(t, c, o) {
    if
    :: episodeMs == 0 || episodeMs < t ->
        episodeMs = t; isOpen = true; openCase = c; openOwned = o;
        printf("W%d %c%d: setOpenCase: case %d (owned %d) open for episode %d\n", WHO, c, o, t)
    :: else -> printf("W%d %c%d: setOpenCase: no change (episode %d recorded)\n", WHO, episodeMs)
    fi
}

/* EpisodeStore.closeCase(alarm, episode: e, resolving: mark), its answer (whether it closed the case) in
 * `applied`; marked, the case stays `resolving` (recovery r) until finishResolving. */
inline closeIf(e, mark, r) {
    applied = isOpen && episodeMs == e;
    if
    :: applied && mark -> isOpen = false; resEp = e; resCase = openCase; resRec = r
    :: applied && !mark -> isOpen = false
    :: else -> skip
    fi;
    printf("W%d %c%d: closeCase(%d, resolving %d): %d\n", WHO, e, mark, applied)
}

/* EpisodeStore.finishResolving(alarm, episode: e) */
inline finishResolving(e) {
    if :: resEp == e -> resEp = 0 :: else -> skip fi;
    printf("W%d %c%d: finishResolving(%d)\n", WHO, e)
}

/* The worker's next delivery starts afresh. */
inline forget() {
    n = 0; caseId = 0; owned = false; lapsed = false; how = 0;
    aOpen = false; aEp = 0; aCase = 0; aOwned = false; aRec = 0; aRes = false; aResEp = 0; aResCase = 0; aResRec = 0; applied = false
}

/* The invocation ends here (a crash, a timeout, or a failed call of an ALARM, which keeps its claim): the
 * delivery comes back, and a claim I hold lapses. */
inline quit() {
    atomic {
        pending[n]++; running--;
        if :: holder[n] == me -> alive[n] = false :: else -> skip fi;
        printf("W%d %c%d: stops; the delivery comes back\n", WHO);
        forget(); goto idle
    }
}

/* Between two steps: go on, or stop. */
inline crashPoint() {
    if :: quit() :: true fi
}

/* Between two steps of an OK: go on, stop, or fail a call, which gives the claim back (releasing:
 * EpisodeStore.release, conditioned on the token; a release that does not take effect is a stop). */
inline failPoint() {
    if
    :: quit()
    :: atomic {
           pending[n]++; running--;
           if :: holder[n] == me -> status[n] = NONE; holder[n] = 0; alive[n] = false :: else -> skip fi;
           printf("W%d %c%d: a call fails: release; the delivery comes back\n", WHO);
           forget(); goto idle
       }
    :: true
    fi
}

/* EpisodeStore.claim: claimingRaise, claimingNote. */
inline claim() {
    if
    :: atomic {
           status[n] == NONE -> status[n] = CLAIMED; holder[n] = me; alive[n] = true;
           printf("W%d %c%d: claim: claimed\n", WHO)
       }
    :: atomic {
           status[n] == CLAIMED && alive[n] -> /* busy: the delivery comes back */
           pending[n]++; running--;
           printf("W%d %c%d: claim: busy; the delivery comes back\n", WHO);
           forget(); goto idle
       }
    :: atomic {
           status[n] == CLAIMED && !alive[n] -> /* take over the lapsed claim */
           holder[n] = me; alive[n] = true; lapsed = true;
           printf("W%d %c%d: claim: takes over the lapsed claim\n", WHO)
       }
    :: atomic {
           status[n] == DONE -> caseId = doneCase[n]; owned = doneOwned[n];
           printf("W%d %c%d: claim: done before (case %d, owned %d)\n", WHO, caseId, owned);
           goto duplicate
       }
    fi
}

/* EpisodeStore.finish, conditioned on the token: finishing, finishingNote. */
inline finish() {
    atomic {
        if
        :: holder[n] == me ->
            status[n] = DONE; doneCase[n] = caseId; doneOwned[n] = owned; doneHow[n] = how;
            holder[n] = 0; alive[n] = false;
            printf("W%d %c%d: finish: done (case %d, owned %d)\n", WHO, caseId, owned)
        :: else -> printf("W%d %c%d: finish: the claim was taken over\n", WHO)
        fi
    }
}

proctype Worker(byte me) {
    byte n;      /* the notification delivered */
    byte caseId;
    bool owned;
    bool lapsed; /* the claim was a takeover */
    byte how;
    bool aOpen;  /* what readingAlarm read */
    byte aEp;
    byte aCase;
    bool aOwned;
    byte aRec;
    bool aRes;    /* ... whether a resolve was marked: its episode, case and recovery */
    byte aResEp;
    byte aResCase;
    byte aResRec;
    bool applied; /* what a conditional write answered */
idle:
end_idle: /* a delivery reaches me (SQS; a duplicate, of any of the three) */
    if
    :: atomic { pending[A1] > 0 -> pending[A1]--; n = A1; running++ }
    :: atomic { pending[O2] > 0 -> pending[O2]--; n = O2; running++ }
    :: atomic { pending[A3] > 0 -> pending[A3]--; n = A3; running++ }
    :: atomic { dups > 0 -> dups--; running++; if :: n = A1 :: n = O2 :: n = A3 fi }
    fi;
    claim();
    if
    :: n == O2 -> goto ok
    :: n != O2
    fi;

    /* ALARM: CaseStateMachine, plan .raise */
    crashPoint();
    atomic { /* readingAlarm */
        aOpen = isOpen; aEp = episodeMs; aCase = openCase; aOwned = openOwned; aRec = recoveredMs;
        aRes = resEp != 0; aResEp = resEp; aResCase = resCase; aResRec = resRec;
        printf("W%d %c%d: reads the alarm: open %d, case %d of episode %d (owned %d), lastRecovery %d\n",
               WHO, aOpen, aCase, aEp, aOwned, aRec)
    };
    if
    :: aRes && aResEp <= n -> /* helping, helpingFinish: the resolve another worker began */
        atomic { resolve(aResCase, aResRec) }; crashPoint(); atomic { finishResolving(aResEp) }; crashPoint()
    :: else -> skip
    fi;
    if
    :: atomic {
           lapsed && refCase[n] != 0 -> /* finding: the case the lapsed holder raised (or noted on) */
           caseId = refCase[n]; owned = true; how = OWN;
           printf("W%d %c%d: find: case %d carries my reference\n", WHO, caseId)
       }
    :: else ->
        if
        :: aOpen && aEp < n && AFTER_OK ->
            /* closingLateEpisode: OldStateValue OK: the open case's episode recovered, and its OK is late. Close that
             * case, resolve it if it is the alarm's own and was still open, then raise this episode's own. */
            atomic { closeIf(aEp, aOwned, O2) };
            crashPoint();
            if
            :: applied && aOwned -> /* resolvingLateEpisode, finishingLateEpisode */
                atomic { resolve(aCase, O2) }; crashPoint(); atomic { finishResolving(aEp) }; crashPoint()
            :: else -> skip
            fi;
            aOpen = false
        :: aOpen && aEp <= n && !AFTER_OK ->
            /* movingOpenCase: back through INSUFFICIENT_DATA: the open case becomes this episode's (an UpdateItem
             * conditioned on it being still open for its episode; a takeover finds it moved already), so that a
             * late OK of the earlier episode leaves it open; then notingRepeat. Closed meanwhile: raise one. */
            atomic {
                applied = isOpen && episodeMs == aEp;
                if :: applied -> episodeMs = n :: else -> skip fi;
                printf("W%d %c%d: moves the open case %d to episode %d: %d\n", WHO, aCase, n, applied)
            };
            crashPoint();
            if
            :: applied ->
                atomic {
                    noteOn(aCase); notedOn[n] = aCase;
                    printf("W%d %c%d: notes on the open case %d: fired again before it recovered\n", WHO, aCase)
                };
                crashPoint();
                caseId = aCase; owned = false; how = REPEAT;
                goto finishing
            :: else -> aOpen = false
            fi
        :: else -> skip
        fi;
        if
        :: atomic { /* takingSlot: at the limit; readingCustomerCase, notingStorm */
               caseId = customer; noteOn(caseId); owned = false; how = STORM;
               printf("W%d %c%d: the customer's limit is reached: notes on its newest case %d\n", WHO, caseId)
           };
           crashPoint()
        :: atomic { /* takingSlot: a slot; creating */
               raiseCase(); caseId = n; owned = true; how = OWN;
               printf("W%d %c%d: CreateCase: case %d\n", WHO, caseId)
           };
           crashPoint()
        fi
    fi;
finishing:
    finish();
    crashPoint();
    if
    :: !owned && aOpen -> goto succeed /* a note on another case: the alarm's open case stays */
    :: else -> skip
    fi;
    atomic { setOpenCase(n, caseId, owned) }; /* recordingOpenCase */
    crashPoint();
    if
    :: owned ->
        atomic { customer = caseId }; /* recordingCustomerCase */
        crashPoint()
    :: else -> goto succeed
    fi;
    if
    :: aRec > n -> /* an OK of a later time came first: notingEarlyRecovery, resolvingEarlyRecovery */
        atomic { closeIf(n, true, aRec) }; /* closing first, then resolving the case only if it closed it */
        crashPoint();
        if
        :: applied -> /* resolvingEarlyRecovery, finishingEarlyRecovery */
            atomic { resolve(caseId, aRec) }; crashPoint(); atomic { finishResolving(n) }; crashPoint()
        :: else -> skip
        fi
    :: else -> skip
    fi;
    goto succeed;

duplicate: /* the claim answered done: a repeated delivery; an ALARM writes its records again */
    if
    :: n == O2 || caseId == 0 -> goto succeed
    :: n != O2 && caseId != 0
    fi;
    atomic { setOpenCase(n, caseId, owned) }; /* recordingDuplicate */
    crashPoint();
    if
    :: owned -> atomic { customer = caseId }; crashPoint()
    :: else -> skip
    fi;
    goto succeed;

ok: /* OK: CaseStateMachine, plan .note(closing: true) */
    failPoint();
    atomic { /* readingAlarmForNote */
        aOpen = isOpen; aEp = episodeMs; aCase = openCase; aOwned = openOwned;
        aRes = resEp != 0; aResEp = resEp; aResCase = resCase; aResRec = resRec;
        printf("W%d %c%d: reads the alarm: open %d, case %d of episode %d (owned %d)\n", WHO, aOpen, aCase, aEp,
               aOwned)
    };
    if
    :: aRes && aResEp <= n -> /* helping, helpingFinish */
        atomic { resolve(aResCase, aResRec) }; failPoint(); atomic { finishResolving(aResEp) }; failPoint()
    :: else -> skip
    fi;
    if
    :: aOpen && aEp <= n -> /* addingNote; resolving, if it is the alarm's own; closing */
        atomic { closeIf(aEp, aOwned, n) }; /* closing first, then resolving the case only if it closed it */
        failPoint();
        if
        :: applied && aOwned -> /* resolving, finishingResolve */
            atomic { resolve(aCase, n) }; failPoint(); atomic { finishResolving(aEp) }; failPoint()
        :: else -> skip
        fi;
        caseId = aCase
    :: else ->
        atomic { /* rememberingRecovery */
            if :: recoveredMs == 0 || recoveredMs < n -> recoveredMs = n :: else -> skip fi;
            printf("W%d %c%d: setLastRecovery(%d)\n", WHO, n)
        };
        failPoint()
    fi;
    finish(); /* finishingNote: its failure gives nothing back */
    crashPoint();

succeed:
    atomic { running--; printf("W%d %c%d: succeeds\n", WHO); forget(); goto idle }
}

/* At each end (no delivery left, no worker busy; a duplicate may still come): (2) and (3). */
active proctype Monitor() {
end_watch:
    do
    :: atomic {
           pending[A1] + pending[O2] + pending[A3] == 0 && running == 0 ->
           assert(status[A1] == DONE && status[O2] == DONE && status[A3] == DONE);
           /* (2) each episode its own case, exactly one; or a note beyond the storm limit; or, A3 back through
            * INSUFFICIENT_DATA, a note on the open case */
           assert(doneHow[A1] == OWN && doneCase[A1] == A1 && raised[A1] == 1
                  || doneHow[A1] == STORM && raised[A1] == 0);
           assert(doneHow[A3] == OWN && doneCase[A3] == A3 && raised[A3] == 1
                  || doneHow[A3] == STORM && raised[A3] == 0
                  || doneHow[A3] == REPEAT && raised[A3] == 0 && !a3AfterOK);
           /* (2) the last episode's case is the alarm's open case */
           assert(isOpen && openCase == doneCase[A3]);
           /* (3) the alarm is in ALARM: its last episode's case is not resolved */
           assert(doneHow[A3] == STORM || !resolved[doneCase[A3]]);
#ifdef RESOLVES
           /* the alarm recovered at t2: the first episode's own case is resolved (unless the last one's is it) */
           assert(doneHow[A1] != OWN || resolved[A1] || doneCase[A3] == A1);
#endif
       }
    od
}

init {
    byte i = 1;
    atomic {
#ifndef OK_ONLY
        if :: a3AfterOK = true :: a3AfterOK = false fi;
#endif
        do
        :: i <= WORKERS -> run Worker(i); i++
        :: else -> break
        od
    }
}
