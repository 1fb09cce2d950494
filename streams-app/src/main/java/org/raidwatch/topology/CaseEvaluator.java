package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.contract.LogText;
import org.raidwatch.contract.London;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleEvaluationException;
import org.raidwatch.rules.RuleSession;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.RateDelta;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cases. For each accepted input: merge it into its case ({@link CaseMerge}), evaluate
 * the rules ({@link CaseEvaluation}) and work out how the rates move ({@link RateCounting}); only
 * when every step has succeeded is the case stored and anything sent. An input on which a step
 * throws is a dead letter and its case stays exactly as it was, so sending the input again once the
 * rules are fixed applies it.
 *
 * <p>Time passing: cases are indexed by the next day on which time alone can change their flags
 * (a declared working-day deadline). A wall-clock punctuation reads the cases due by today from the
 * index in bounded batches (a count and a time budget), so its cost follows the cases due, not all
 * cases; progress is the index itself, so a restart resumes. When the rule set's version differs from
 * the one every case was last evaluated with, the same punctuation re-evaluates all cases in bounded
 * batches, resuming from a stored cursor; that is also how a rule set replaced while the stream
 * runs ({@link LiveRuleSet}) reaches the cases already stored.
 */
final class CaseEvaluator implements Processor<String, CheckedInput, String, CaseOutput> {

    /** Progress key: the rule set version every case has been evaluated with. */
    static final String RULE_SET_IN_FORCE = "rule-set";
    /** Progress key: the last raid id of a full re-evaluation under way (absent when none is). */
    static final String PASS_CURSOR = "cursor";
    /** Progress key: the rule set version the full re-evaluation under way is for. */
    static final String PASS_RULE_SET = "pass-rule-set";

    private static final Logger LOG = LoggerFactory.getLogger(CaseEvaluator.class);

    private final LiveRuleSet liveRules;
    private final Topics topics;
    private final CaseTopology.Settings settings;
    private final ProcessingObserver observer;

    private ProcessorContext<String, CaseOutput> context;
    private KeyValueStore<String, CaseState> cases;
    private KeyValueStore<String, String> dueCases;
    private KeyValueStore<String, String> progress;
    /** The version of the rule set this task last evaluated a case under (null: none since it started). */
    private String versionSeen;
    /** The session of the rule set last used by this task, renewed when another set is in force. */
    private RuleSession session;
    private RuleSet sessionRuleSet;
    private long passCount;
    /** The last index key this instance re-evaluated: the next scan starts after it. */
    private String dueCursor;

    CaseEvaluator(LiveRuleSet liveRules, Topics topics, CaseTopology.Settings settings, ProcessingObserver observer) {
        this.liveRules = liveRules;
        this.observer = observer;
        this.topics = topics;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, CaseOutput> context) {
        this.context = context;
        this.cases = context.getStateStore(CaseTopology.CASES_STORE);
        this.dueCases = context.getStateStore(CaseTopology.DUE_CASES_STORE);
        this.progress = context.getStateStore(CaseTopology.REEVALUATION_STORE);
        // A task revived after a failure reuses this object with its stores restored from the last commit.
        this.dueCursor = null;
        this.passCount = 0;
        this.versionSeen = null;
        context.schedule(settings.timeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::passTime);
    }

    @Override
    public void process(Record<String, CheckedInput> record) {
        CaseInput input = (CaseInput) record.value();
        String raidId = input.raidId();
        CaseState before = cases.get(raidId);
        CaseState merged = CaseMerge.apply(before, raidId, input);
        if (merged == null) {
            return;
        }
        CaseEvaluation.Result result;
        List<RateDelta> rateDeltas;
        try {
            result = evaluate(inForce(), merged, today(), record.timestamp());
            rateDeltas = RateCounting.deltas(before, result.after());
        } catch (RuleEvaluationException e) {
            LOG.warn("{}; the input goes to the dead-letter topic and its case stays as it was", LogText.of(e.getMessage()));
            context.forward(record.withKey(raidId).withValue(DeadLetter.ofRule(input.raw(), e, e.ruleId())));
            return;
        } catch (RuntimeException e) {
            if (SchemaRegistryUnavailableException.isCauseOf(e)) {
                throw e;
            }
            LOG.warn("Cannot apply an input to raid {}: {}; it goes to the dead-letter topic and its case stays as it was", LogText.of(raidId),
                    LogText.of(e));
            context.forward(record.withKey(raidId).withValue(DeadLetter.of(input.raw(), e)));
            return;
        }
        store(before, result.after());
        sendFlags(result.flagChanges(), record.timestamp());
        for (RateDelta delta : rateDeltas) {
            context.forward(new Record<>(Topics.rateKey(delta.getForce(), delta.getMonth()), new CaseOutput.Rate(delta),
                    record.timestamp(), new RecordHeaders()));
        }
    }

    private CaseEvaluation.Result evaluate(RuleSet ruleSet, CaseState state, LocalDate today, long atMs) {
        long start = System.nanoTime();
        try {
            return CaseEvaluation.of(state, ruleSet, sessionOf(ruleSet), today, Instant.ofEpochMilli(atMs));
        } finally {
            observer.rulesEvaluated(System.nanoTime() - start);
        }
    }

    /**
     * The rule set in force. When it is another than the one this task last evaluated under, the
     * stored "every case is evaluated under" no longer holds (cases since were evaluated under
     * another set, even if the first comes back): it is cleared, so the next punctuation starts a
     * full pass under whatever set is then in force.
     */
    private RuleSet inForce() {
        RuleSet ruleSet = liveRules.current();
        if (versionSeen != null && !versionSeen.equals(ruleSet.version())) {
            progress.delete(RULE_SET_IN_FORCE);
        }
        versionSeen = ruleSet.version();
        return ruleSet;
    }

    private RuleSession sessionOf(RuleSet ruleSet) {
        if (ruleSet != sessionRuleSet) {
            if (session != null) {
                session.close();
            }
            session = ruleSet.newSession();
            sessionRuleSet = ruleSet;
        }
        return session;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
            sessionRuleSet = null;
        }
    }

    /** Stores a case and keeps the index of due cases in step with it. */
    private void store(CaseState before, CaseState after) {
        cases.put(after.getRaidId(), after);
        LocalDate wasDue = before == null ? null : before.getReevaluateOn();
        LocalDate isDue = after.getReevaluateOn();
        if (!Objects.equals(wasDue, isDue)) {
            if (wasDue != null) {
                dueCases.delete(DueCases.key(wasDue, after.getRaidId()));
            }
            if (isDue != null) {
                String key = DueCases.key(isDue, after.getRaidId());
                dueCases.put(key, "");
                if (dueCursor != null && key.compareTo(dueCursor) < 0) {
                    dueCursor = null; // only if the clock went back: scan from the start again
                }
            }
        }
    }

    private void sendFlags(List<CaseFlag> flags, long timestamp) {
        for (CaseFlag flag : flags) {
            context.forward(new Record<>(Topics.flagKey(flag.getRaidId(), flag.getRuleId()), new CaseOutput.Flag(flag),
                    timestamp, new RecordHeaders()));
            observer.flagChanged(flag.getRuleId(), flag.getStatus());
        }
    }

    /** The punctuation: the cases falling due by today, then any full re-evaluation under way, within one time budget. */
    private void passTime(long wallClockMs) {
        long deadline = System.nanoTime() + settings.reevaluationBudget().toNanos();
        LocalDate today = today();
        RuleSet ruleSet = inForce();
        if (reevaluateDueCases(ruleSet, today, wallClockMs, deadline)) {
            continueFullReevaluation(ruleSet, today, wallClockMs, deadline);
        }
    }

    /** @return true when every case due by today has been re-evaluated within the budget */
    private boolean reevaluateDueCases(RuleSet ruleSet, LocalDate today, long wallClockMs, long deadline) {
        while (true) {
            List<String> due = new ArrayList<>();
            // Start after the last key taken: the keys before it are deleted, and a RocksDB scan from the
            // index's start would step over every one of their tombstones. New keys always sort after it
            // (their day lies after today, and the keys taken were due by today).
            try (KeyValueIterator<String, String> index = dueCursor == null ? dueCases.all() : dueCases.range(dueCursor, null)) {
                while (index.hasNext() && due.size() < settings.reevaluationBatch()) {
                    String key = index.next().key;
                    if (key.equals(dueCursor)) {
                        continue;
                    }
                    if (DueCases.dueOf(key).isAfter(today)) {
                        break;
                    }
                    due.add(key);
                }
            }
            if (due.isEmpty()) {
                return true;
            }
            for (String key : due) {
                dueCursor = key;
                dueCases.delete(key);
                CaseState state = cases.get(DueCases.raidIdOf(key));
                if (state != null && state.getReevaluateOn() != null && !state.getReevaluateOn().isAfter(today)) {
                    reevaluate(ruleSet, state, today, wallClockMs);
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
            }
        }
    }

    /** Re-evaluates every case in raid id order, a bounded batch per punctuation, when the rule set has changed. */
    private void continueFullReevaluation(RuleSet ruleSet, LocalDate today, long wallClockMs, long deadline) {
        String cursor = progress.get(PASS_CURSOR);
        if (cursor != null && !ruleSet.version().equals(progress.get(PASS_RULE_SET))) {
            // A pass for another rule set was under way: start again for this one. Some cases may have been
            // re-evaluated under that other set, so none counts as evaluated under this one yet.
            progress.delete(PASS_CURSOR);
            progress.delete(PASS_RULE_SET);
            progress.delete(RULE_SET_IN_FORCE);
            cursor = null;
        }
        if (cursor == null) {
            String inForce = progress.get(RULE_SET_IN_FORCE);
            if (ruleSet.version().equals(inForce)) {
                return;
            }
            try (KeyValueIterator<String, CaseState> any = cases.all()) {
                if (!any.hasNext()) {
                    progress.put(RULE_SET_IN_FORCE, ruleSet.version());
                    return;
                }
            }
            cursor = "";
            // Until the pass ends, the cases are evaluated under a mix of sets: not under any one of them.
            progress.delete(RULE_SET_IN_FORCE);
            progress.put(PASS_CURSOR, cursor);
            progress.put(PASS_RULE_SET, ruleSet.version());
            passCount = 0;
            LOG.info("Task {}: re-evaluating every case under rule set {} (they were evaluated under {})", context.taskId(),
                    ruleSet.version(), inForce == null ? "an earlier version" : inForce);
        }
        // At least one case per punctuation, however little time the due cases left: a pass always moves on.
        do {
            List<CaseState> batch = new ArrayList<>();
            try (KeyValueIterator<String, CaseState> next = cases.range(cursor, null)) {
                while (next.hasNext() && batch.size() < settings.reevaluationBatch()) {
                    KeyValue<String, CaseState> entry = next.next();
                    if (!entry.key.equals(cursor)) {
                        batch.add(entry.value);
                    }
                }
            }
            if (batch.isEmpty()) {
                progress.put(RULE_SET_IN_FORCE, ruleSet.version());
                progress.delete(PASS_CURSOR);
                progress.delete(PASS_RULE_SET);
                LOG.info("Task {}: every case is evaluated under rule set {} ({} re-evaluated since this instance took the task)",
                        context.taskId(), ruleSet.version(), passCount);
                return;
            }
            for (CaseState state : batch) {
                reevaluate(ruleSet, state, today, wallClockMs);
                passCount++;
                cursor = state.getRaidId();
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            progress.put(PASS_CURSOR, cursor);
        } while (System.nanoTime() < deadline);
    }

    /** Evaluates a stored case again as of today; its facts are unchanged, so only flags (never rates) move. */
    private void reevaluate(RuleSet ruleSet, CaseState state, LocalDate today, long wallClockMs) {
        CaseEvaluation.Result result;
        try {
            result = evaluate(ruleSet, state, today, wallClockMs);
        } catch (RuntimeException e) {
            if (SchemaRegistryUnavailableException.isCauseOf(e)) {
                throw e;
            }
            // No input to dead-letter: the case itself goes there, and it is tried again tomorrow.
            String ruleId = e instanceof RuleEvaluationException failure ? failure.ruleId() : "unknown";
            LOG.warn("Re-evaluating raid {} as of {} failed ({}); the case goes to the dead-letter topic and is tried again tomorrow",
                    LogText.of(state.getRaidId()), today, LogText.of(e.getMessage()));
            store(state, new CaseState(state.getRaidId(), state.getReport(), state.getFoiUpdate(), state.getFlags(), today.plusDays(1)));
            byte[] key = state.getRaidId().getBytes(StandardCharsets.UTF_8);
            // Encoded as the cases changelog holds it, so no schema is registered under an output's subject.
            byte[] value = topics.caseStateSerde().serializer()
                    .serialize(context.applicationId() + "-" + CaseTopology.CASES_STORE + "-changelog", state);
            RawInput raw = new RawInput(key, value, CaseTopology.CASES_STORE, context.taskId().partition(), -1);
            context.forward(new Record<>(state.getRaidId(), DeadLetter.ofRule(raw, e, ruleId), wallClockMs, new RecordHeaders()));
            return;
        }
        store(state, result.after());
        sendFlags(result.flagChanges(), wallClockMs);
    }

    private LocalDate today() {
        if (settings.asOf() != null) {
            return settings.asOf();
        }
        long now = settings.clock() != null ? settings.clock().millis() : context.currentSystemTimeMs();
        return LocalDate.ofInstant(Instant.ofEpochMilli(now), London.ZONE);
    }
}
