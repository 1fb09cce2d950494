package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 * <p>Time passing: a wall-clock punctuation, within one time budget, re-evaluates the cases falling
 * due by today ({@link DueCaseScan}), then goes on with a full re-evaluation when the rule set in
 * force ({@link LiveRuleSet}) is not the one every case was evaluated under ({@link FullReevaluationPass}).
 */
final class CaseEvaluator implements Processor<String, CheckedInput, String, CaseOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(CaseEvaluator.class);

    private final LiveRuleSet liveRules;
    private final Topics topics;
    private final CaseTopology.Settings settings;
    private final ProcessingObserver observer;

    private ProcessorContext<String, CaseOutput> context;
    private KeyValueStore<String, CaseState> cases;
    private DueCaseScan dueCases;
    private FullReevaluationPass fullPass;
    /** The version of the rule set this task last evaluated a case under (null: none since it started). */
    private String versionSeen;
    /** The session of the rule set last used by this task, renewed when another set is in force. */
    private RuleSession session;
    private RuleSet sessionRuleSet;

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
        // A task revived after a failure reuses this object with its stores restored from the last commit.
        this.dueCases = new DueCaseScan(context.getStateStore(CaseTopology.DUE_CASES_STORE), cases, settings.reevaluationBatch());
        this.fullPass = new FullReevaluationPass(context.getStateStore(CaseTopology.REEVALUATION_STORE), cases,
                settings.reevaluationBatch(), context.taskId());
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

    /** The rule set in force; when it is another than the one this task last evaluated under, the full pass hears of it. */
    private RuleSet inForce() {
        RuleSet ruleSet = liveRules.current();
        if (versionSeen != null && !versionSeen.equals(ruleSet.version())) {
            fullPass.ruleSetChanged();
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
        dueCases.moved(after.getRaidId(), before == null ? null : before.getReevaluateOn(), after.getReevaluateOn());
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
        if (dueCases.run(today, deadline, state -> reevaluate(ruleSet, state, today, wallClockMs))) {
            fullPass.continueFor(ruleSet, deadline, state -> reevaluate(ruleSet, state, today, wallClockMs));
        }
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
