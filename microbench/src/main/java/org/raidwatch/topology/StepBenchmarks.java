package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.rules.RuleSession;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.schema.RateDelta;
import org.raidwatch.serde.InMemorySchemaRegistry;

/**
 * What each step costs one input, on the synthetic national dataset: the steps {@link CaseEvaluator}
 * and the rate processors take, one operation each, over inputs prepared as the topology would see
 * them (each case as it stood before the input). The inputs are taken in turn, so every operation
 * meets a different case, as in the stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StepBenchmarks {

    /** One input as the case step meets it, and what each step makes of it. */
    private record Step(CaseState before, CaseInput input, CaseState merged, CaseState evaluated, byte[] inputBytes,
                        byte[] stateBytes, byte[] flagBytes, CaseFlag flag, RateDelta delta) {
    }

    private static final int RAIDS = 20_000;

    private final List<Step> steps = new ArrayList<>();
    /** The windows' counters, as the force-rate counter holds them in memory between flushes. */
    private final Map<String, int[]> windows = new HashMap<>();
    private Topics topics;
    private RuleSet ruleSet;
    private RuleSession session;
    private LocalDate today;
    private Instant at;
    private int next;

    @Setup(Level.Trial)
    public void prepare() {
        topics = Topics.create(TopicNames.DEFAULTS, InMemorySchemaRegistry.scope("microbench"));
        ruleSet = RuleSet.loadShipped();
        session = ruleSet.newSession();
        List<DemoDataset.Event> events = DemoDataset.generate(DemoDataset.DEFAULT_SEED, RAIDS);
        at = events.get(events.size() - 1).at();
        today = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Serializer<RaidReport> reports = topics.raidReports().valueSerde().serializer();
        Serializer<FoiUpdate> updates = topics.foiUpdates().valueSerde().serializer();
        Serializer<CaseState> states = topics.caseStateSerde().serializer();
        Serializer<CaseFlag> flags = topics.flaggedCases().valueSerde().serializer();
        Map<String, CaseState> cases = new HashMap<>();
        for (DemoDataset.Event event : events) {
            String raidId = event.report() != null ? event.report().getRaidId() : event.foiUpdate().getRaidId();
            byte[] key = raidId.getBytes(StandardCharsets.UTF_8);
            byte[] value;
            CaseInput input;
            if (event.report() != null) {
                value = reports.serialize(topics.raidReports().name(), event.report());
                input = CaseInput.of(event.report(), new RawInput(key, value, topics.raidReports().name(), 0, 0));
            } else {
                value = updates.serialize(topics.foiUpdates().name(), event.foiUpdate());
                input = CaseInput.of(event.foiUpdate(), new RawInput(key, value, topics.foiUpdates().name(), 0, 0));
            }
            CaseState before = cases.get(raidId);
            CaseState merged = CaseMerge.apply(before, raidId, input);
            if (merged == null) {
                continue;
            }
            CaseEvaluation.Result result = CaseEvaluation.of(merged, ruleSet, session, today, at);
            cases.put(raidId, result.after());
            CaseFlag flag = result.flagChanges().isEmpty() ? null : result.flagChanges().get(0);
            List<RateDelta> deltas = RateCounting.deltas(before == null ? merged : before, result.after());
            RateDelta delta = deltas.isEmpty() ? null : deltas.get(deltas.size() - 1);
            if (delta != null) {
                for (String window : RateCounting.windowsContaining(delta.getMonth())) {
                    RateCounting.add(windows.computeIfAbsent(Topics.rateKey(delta.getForce(), window),
                            windowKey -> new int[RateVocabulary.COUNTERS.size()]), delta.getCounts());
                }
            }
            steps.add(new Step(before, input, merged, result.after(), value, states.serialize("microbench-cases", result.after()),
                    flag == null ? null : flags.serialize(topics.flaggedCases().name(), flag), flag, delta));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
    }

    private Step step() {
        Step step = steps.get(next);
        next = next + 1 == steps.size() ? 0 : next + 1;
        return step;
    }

    private Step stepWith(java.util.function.Predicate<Step> wanted) {
        Step step = step();
        while (!wanted.test(step)) {
            step = step();
        }
        return step;
    }

    /** Decoding an input from the Confluent wire format, as the input check does. */
    @Benchmark
    public Object decodeInput() {
        Step step = step();
        Deserializer<?> decoder = step.input().report() != null ? topics.raidReports().valueSerde().deserializer()
                : topics.foiUpdates().valueSerde().deserializer();
        return decoder.deserialize(step.input().raw().topic(), step.inputBytes());
    }

    /** Reading a case from its store's bytes. */
    @Benchmark
    public CaseState decodeCase() {
        return topics.caseStateSerde().deserializer().deserialize("microbench-cases", step().stateBytes());
    }

    /** Writing a case to its store's bytes. */
    @Benchmark
    public byte[] encodeCase() {
        return topics.caseStateSerde().serializer().serialize("microbench-cases", step().evaluated());
    }

    /** Writing a flag change to flagged-cases. */
    @Benchmark
    public byte[] encodeFlag() {
        return topics.flaggedCases().valueSerde().serializer().serialize(topics.flaggedCases().name(), stepWith(s -> s.flag() != null).flag());
    }

    /** Reading a flag change back, as a flags listing does for each flag it holds. */
    @Benchmark
    public CaseFlag decodeFlag() {
        return topics.flaggedCases().valueSerde().deserializer().deserialize(topics.flaggedCases().name(),
                stepWith(s -> s.flagBytes() != null).flagBytes());
    }

    /** Merging an input into its case. */
    @Benchmark
    public CaseState caseMerge() {
        Step step = step();
        return CaseMerge.apply(step.before(), step.merged().getRaidId(), step.input());
    }

    /** Running the rules on a merged case, with the flag changes and the next due day they give. */
    @Benchmark
    public CaseEvaluation.Result ruleEvaluation() {
        return CaseEvaluation.of(step().merged(), ruleSet, session, today, at);
    }

    /** The rate deltas between a case before and after an input. */
    @Benchmark
    public List<RateDelta> rateDeltas() {
        Step step = step();
        return RateCounting.deltas(step.before() == null ? step.merged() : step.before(), step.evaluated());
    }

    /**
     * One force's month delta moving its thirteen windows' counters in memory and making each
     * window's rates, as a flush does when the delta is the only one moving them (store reads and
     * writes aside).
     */
    @Benchmark
    public ForceRates windowCounting() {
        RateDelta delta = stepWith(s -> s.delta() != null).delta();
        ForceRates last = null;
        for (String window : RateCounting.windowsContaining(delta.getMonth())) {
            int[] counts = windows.get(Topics.rateKey(delta.getForce(), window));
            RateCounting.add(counts, delta.getCounts());
            last = RateVocabulary.rates(delta.getForce(), window, counts);
        }
        return last;
    }
}
