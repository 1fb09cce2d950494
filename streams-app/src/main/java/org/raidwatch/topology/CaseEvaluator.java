package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.contract.InputContract;
import org.raidwatch.rules.RaidCase;
import org.raidwatch.rules.RuleEvaluationException;
import org.raidwatch.rules.RuleSession;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a record meets the rules. For each raid report or FOI update: check it against the input
 * contract, merge it into its case (highest revision wins), move the rate counts, evaluate the rule
 * set on the case and emit the flags whose life changed. On a wall-clock schedule it re-evaluates
 * every case when the date has changed, so time-dependent rules (foi-overdue) fire without new input.
 * A record that breaks the contract, or on which a rule throws, goes to the dead-letter topic; a
 * rule failure keeps the case's new facts and its previous flags.
 */
final class CaseEvaluator implements Processor<String, CaseInput, String, CaseOutput> {

    /** Header naming the rule that threw, on dead letters from rule failures. */
    static final String HEADER_RULE_ID = "raidwatch.rule.id";
    static final String HEADER_EXCEPTION = "__streams.errors.exception";
    static final String HEADER_MESSAGE = "__streams.errors.message";
    static final String HEADER_TOPIC = "__streams.errors.topic";
    static final String HEADER_PARTITION = "__streams.errors.partition";
    static final String HEADER_OFFSET = "__streams.errors.offset";

    private static final Logger LOG = LoggerFactory.getLogger(CaseEvaluator.class);
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private final Topics topics;
    private final RuleSet ruleSet;
    private final CaseTopology.Settings settings;

    private ProcessorContext<String, CaseOutput> context;
    private KeyValueStore<String, CaseState> cases;
    private RuleSession rules;
    private LocalDate lastTimeCheck;

    CaseEvaluator(Topics topics, RuleSet ruleSet, CaseTopology.Settings settings) {
        this.topics = topics;
        this.ruleSet = ruleSet;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, CaseOutput> context) {
        this.context = context;
        this.cases = context.getStateStore(CaseTopology.CASES_STORE);
        this.rules = ruleSet.sessionForCurrentThread();
        if (settings.asOf() == null) {
            context.schedule(settings.timeCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::reevaluateIfDateChanged);
        }
    }

    @Override
    public void process(Record<String, CaseInput> record) {
        CaseInput input = checked(record);
        if (input == null) {
            return;
        }
        String raidId = input.report() != null ? input.report().getRaidId() : input.foiUpdate().getRaidId();
        CaseState before = cases.get(raidId);
        CaseState after = CaseMerge.apply(before, raidId, input);
        if (after == null) {
            return;
        }
        for (var change : RateCounting.changes(before, after)) {
            context.forward(new Record<>(Topics.rateKey(change.getForce(), change.getWindow()), new CaseOutput.Rate(change),
                    record.timestamp(), new RecordHeaders()));
        }
        RaidCase raidCase = RaidCase.of(after, today());
        if (raidCase != null) {
            try {
                FlagChanges.Result flags = FlagChanges.between(after.getFlags(), rules.evaluate(raidCase), raidCase,
                        ruleSet.version(), Instant.ofEpochMilli(record.timestamp()));
                forwardFlags(flags, record.timestamp());
                after.setFlags(flags.flagsNow());
            } catch (RuleEvaluationException e) {
                LOG.warn("{}; the input goes to the dead-letter topic and the case keeps its previous flags", e.getMessage());
                forwardDeadLetter(raidId, serialized(input), record.headers(), e, e.ruleId(), record.timestamp());
            }
        }
        cases.put(raidId, after);
    }

    /** The input in normal form, or null after sending it to the dead-letter topic for breaking the contract. */
    private CaseInput checked(Record<String, CaseInput> record) {
        CaseInput input = record.value();
        String rejection;
        CaseInput normal = null;
        if (input.report() == null && input.foiUpdate() == null) {
            rejection = "the record has no value (a tombstone); raid reports and FOI updates are never deleted";
        } else if (input.report() != null) {
            InputContract.Checked<RaidReport> checked = InputContract.check(input.report());
            rejection = checked.rejection();
            normal = checked.isAccepted() ? CaseInput.of(checked.record()) : null;
        } else {
            InputContract.Checked<FoiUpdate> checked = InputContract.check(input.foiUpdate());
            rejection = checked.rejection();
            normal = checked.isAccepted() ? CaseInput.of(checked.record()) : null;
        }
        if (rejection == null && record.key() != null) {
            String raidId = normal.report() != null ? normal.report().getRaidId() : normal.foiUpdate().getRaidId();
            if (!record.key().equals(raidId)) {
                rejection = "record key '" + record.key() + "' is not the raid id '" + raidId + "'";
            }
        }
        if (rejection != null) {
            forwardDeadLetter(record.key(), serialized(input), record.headers(), new InvalidInputException(rejection), null,
                    record.timestamp());
            return null;
        }
        return normal;
    }

    private void reevaluateIfDateChanged(long wallClockMs) {
        LocalDate today = today();
        if (today.equals(lastTimeCheck)) {
            return;
        }
        lastTimeCheck = today;
        List<CaseState> changed = new ArrayList<>();
        try (KeyValueIterator<String, CaseState> all = cases.all()) {
            while (all.hasNext()) {
                CaseState state = all.next().value;
                RaidCase raidCase = RaidCase.of(state, today);
                if (raidCase == null) {
                    continue;
                }
                try {
                    FlagChanges.Result flags = FlagChanges.between(state.getFlags(), rules.evaluate(raidCase), raidCase,
                            ruleSet.version(), Instant.ofEpochMilli(wallClockMs));
                    if (!flags.isEmpty()) {
                        forwardFlags(flags, wallClockMs);
                        state.setFlags(flags.flagsNow());
                        changed.add(state);
                    }
                } catch (RuleEvaluationException e) {
                    LOG.warn("{} during the daily re-evaluation; the case goes to the dead-letter topic", e.getMessage());
                    forwardDeadLetter(state.getRaidId(),
                            topics.caseStateSerde().serializer().serialize(topics.deadLetters().name(), state), new RecordHeaders(),
                            e, e.ruleId(), wallClockMs);
                }
            }
        }
        changed.forEach(state -> cases.put(state.getRaidId(), state));
    }

    private LocalDate today() {
        if (settings.asOf() != null) {
            return settings.asOf();
        }
        long now = settings.clock() != null ? settings.clock().millis() : context.currentSystemTimeMs();
        return LocalDate.ofInstant(Instant.ofEpochMilli(now), LONDON);
    }

    private void forwardFlags(FlagChanges.Result flags, long timestamp) {
        for (var flag : flags.changes()) {
            context.forward(new Record<>(Topics.flagKey(flag.getRaidId(), flag.getRuleId()), new CaseOutput.Flag(flag),
                    timestamp, new RecordHeaders()));
        }
    }

    private byte[] serialized(CaseInput input) {
        return input.report() != null
                ? topics.raidReports().valueSerde().serializer().serialize(topics.raidReports().name(), input.report())
                : topics.foiUpdates().valueSerde().serializer().serialize(topics.foiUpdates().name(), input.foiUpdate());
    }

    /** Sends a dead letter: the input's own headers (where it came from) plus why it could not be processed. */
    private void forwardDeadLetter(String key, byte[] value, Headers sourceHeaders, Exception error, String ruleId, long timestamp) {
        Headers headers = new RecordHeaders(sourceHeaders.toArray());
        headers.add(HEADER_EXCEPTION, utf8(error.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(String.valueOf(error.getMessage())));
        context.recordMetadata().ifPresent((RecordMetadata source) -> {
            headers.add(HEADER_TOPIC, utf8(source.topic()));
            headers.add(HEADER_PARTITION, utf8(String.valueOf(source.partition())));
            headers.add(HEADER_OFFSET, utf8(String.valueOf(source.offset())));
        });
        if (ruleId != null) {
            headers.add(HEADER_RULE_ID, utf8(ruleId));
        }
        context.forward(new Record<>(key, new CaseOutput.DeadLetter(value), timestamp, headers));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An input record that breaks the data contract. */
    static final class InvalidInputException extends RuntimeException {
        InvalidInputException(String reason) {
            super(reason);
        }
    }
}
