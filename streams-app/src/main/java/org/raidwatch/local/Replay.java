package org.raidwatch.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.contract.LatestDate;
import org.raidwatch.contract.London;
import org.raidwatch.files.InputFiles;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs files through the production topology on a private in-process broker and hands on the final
 * state of every flag and rate. "Now" is the as-of date, so a replay is deterministic. Rows go from
 * file to broker as they are read, and flags from the broker (through a sorting store on disk) to the
 * caller, so memory does not grow with the files. It runs
 * at-least-once (a replay that fails is simply run again) with a short commit interval, so it can
 * tell when everything has been processed, and its stores have no changelog topics: nothing would
 * ever restore them. Everything it writes lives in one temporary folder,
 * removed when it returns.
 */
public final class Replay {

    static final String APPLICATION_ID = "raidwatch-replay";

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
    /**
     * At-least-once commits every second. Every commit of an at-least-once task flushes each of its
     * stores as well as the producer and commits the consumer: the processing phase of a million-row
     * replay took 66 s committing every 100 ms, 49 s every second and 76 s every five (its quiet period
     * included; measured when the stores still had changelogs; docs/performance.md). A
     * replay's outputs are read once it is done, so commits only bound the work a crash would repeat.
     */
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    private Replay() {
    }

    /** A record the topology could not process (a rule threw on its case), traced back to its file and line. */
    public record DeadLetter(String file, long line, String raidId, String reason, String ruleId) {
    }

    /**
     * What a replay found: the "now" it ran as of, how many flags it handed on, the final rates, and the
     * records the topology could not process.
     */
    public record Result(LocalDate asOf, int flags, List<ForceRates> rates, List<DeadLetter> deadLetters) {
    }

    /** The rows a replay sends: each file's accepted rows in file order, raid reports first, handed on as they are read. */
    @FunctionalInterface
    public interface Rows {
        void each(Consumer<InputFiles.Row<RaidReport>> reports, Consumer<InputFiles.Row<FoiUpdate>> updates)
                throws InputFiles.UnreadableFileException;
    }

    /** As {@link #run(RuleSet, LocalDate, String, String, Rows, Consumer, Duration)}, for rows already read. */
    public static Result run(RuleSet rules, LocalDate asOf, String raidsFile, InputFiles.Contents<RaidReport> raids,
                             String foiFile, InputFiles.Contents<FoiUpdate> fois, Consumer<CaseFlag> flagsInOrder, Duration timeout)
            throws InterruptedException {
        return run(rules, asOf, raidsFile, raids, foiFile, fois, flagsInOrder, timeout, new ReplayProgress());
    }

    /** As the overload without it, telling {@code progress} how far it has come. */
    public static Result run(RuleSet rules, LocalDate asOf, String raidsFile, InputFiles.Contents<RaidReport> raids,
                             String foiFile, InputFiles.Contents<FoiUpdate> fois, Consumer<CaseFlag> flagsInOrder, Duration timeout,
                             ReplayProgress progress) throws InterruptedException {
        try {
            return run(rules, asOf, raidsFile, foiFile, (reports, updates) -> {
                if (raids != null) {
                    raids.accepted().forEach(reports);
                }
                if (fois != null) {
                    fois.accepted().forEach(updates);
                }
            }, flagsInOrder, timeout, progress);
        } catch (InputFiles.UnreadableFileException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * Sends the rows to a private broker as they are read, runs the topology over them and hands every
     * flag's final state to {@code flagsInOrder}, by raid id then rule id; neither the rows nor the flags
     * are held in memory, so the files may be larger than the heap.
     *
     * @param asOf       "now" for the rules; null for the latest date the rows mention (today when they mention none)
     * @param raidsFile  the raid reports' file as the user named it (dead letters name it), or null
     * @param foiFile    the FOI updates' file, likewise
     * @throws InputLoader.UndeliveredRecordsException when the broker did not take every row (nothing is handed on)
     */
    public static Result run(RuleSet rules, LocalDate asOf, String raidsFile, String foiFile, Rows rows, Consumer<CaseFlag> flagsInOrder,
                             Duration timeout) throws InterruptedException, InputFiles.UnreadableFileException {
        return run(rules, asOf, raidsFile, foiFile, rows, flagsInOrder, timeout, new ReplayProgress());
    }

    /** As {@link #run(RuleSet, LocalDate, String, String, Rows, Consumer, Duration)}, telling {@code progress} how far it has come. */
    public static Result run(RuleSet rules, LocalDate asOf, String raidsFile, String foiFile, Rows rows, Consumer<CaseFlag> flagsInOrder,
                             Duration timeout, ReplayProgress progress) throws InterruptedException, InputFiles.UnreadableFileException {
        try (LocalStack stack = LocalStack.start("raidwatch-replay-", 1)) {
            Map<String, Object> client = stack.clientProperties();
            TopicNames names = stack.names();
            Topics topics = stack.topics();
            Admin admin = stack.admin();
            long phase = System.nanoTime();
            LatestDate latest = new LatestDate();
            try (InputLoader loader = new InputLoader(client, topics)) {
                InputLoader.Sending sending = loader.sending();
                rows.each(row -> {
                    latest.see(row.record());
                    sending.send(row.record(), raidsFile, row.line());
                    progress.loadedOne();
                }, row -> {
                    latest.see(row.record());
                    sending.send(row.record(), foiFile, row.line());
                    progress.loadedOne();
                });
                sending.finish().requireAllDelivered();
            }
            LocalDate now = asOf != null ? asOf : latest.latest() != null ? latest.latest() : London.today();
            phase = logPhase("loaded the inputs into the in-process broker", phase);
            Properties props = stack.streamsProperties(APPLICATION_ID);
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
            CaseTopology.Settings settings = CaseTopology.Settings.replayAsOf(now).withoutFlagsListing().withoutChangelogs();
            progress.enter(ReplayProgress.Phase.STARTING);
            try (StreamsRunner runner = new StreamsRunner(CaseTopology.build(props, topics, rules, settings), props)) {
                if (!runner.start(timeout)) {
                    throw new IllegalStateException("the replay topology did not start (state " + runner.state() + ")", runner.failure());
                }
                progress.enter(ReplayProgress.Phase.PROCESSING);
                List<String> inputs = List.of(names.raidReports(), names.foiUpdates());
                List<String> consumed = new ArrayList<>(inputs);
                consumed.addAll(CaseTopology.internalTopics(APPLICATION_ID));
                ProcessingProgress.awaitCaughtUp(admin, APPLICATION_ID, consumed, quietPeriod(settings, COMMIT_INTERVAL),
                        () -> ProcessingProgress.storesEmpty(runner.kafkaStreams(), CaseTopology.RATE_BUFFER_STORE, CaseTopology.MOVED_RATES_STORE,
                                CaseTopology.PENDING_RATES_STORE), timeout,
                        () -> runner.state() + (runner.failure() == null ? "" : ", failed: " + runner.failure()),
                        committed -> progress.processed(committed.entrySet().stream().filter(e -> inputs.contains(e.getKey().topic()))
                                .mapToLong(Map.Entry::getValue).sum()));
                phase = logPhase("processed every input", phase);
            }
            progress.enter(ReplayProgress.Phase.READING_BACK);
            int flags;
            try (FlagsByRaid byRaid = FlagsByRaid.in(stack.workspace().resolve("flags-by-raid"))) {
                TopicReader.forEachRecord(client, names.flaggedCases(), new ByteArrayDeserializer(), timeout,
                        record -> {
                            byRaid.put(utf8(record.key()), record.value());
                            progress.flagRead();
                        });
                phase = logPhase("read back " + progress.flagsRead() + " flag records", phase);
                var decoder = topics.flaggedCases().valueSerde().deserializer();
                flags = byRaid.forEachInOrder((key, value) -> flagsInOrder.accept(decoder.deserialize(names.flaggedCases(), value)));
            }
            phase = logPhase("handed on " + flags + " flags", phase);
            Map<String, ForceRates> rates = TopicReader.latestByKey(client, names.forceRates(),
                    topics.forceRates().valueSerde().deserializer(), timeout, Replay::utf8);
            List<DeadLetter> deadLetters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(client, names.deadLetters(), new ByteArrayDeserializer(), timeout)) {
                deadLetters.add(deadLetter(record));
            }
            progress.enter(ReplayProgress.Phase.DONE);
            logPhase("read back " + rates.size() + " rates and " + deadLetters.size() + " dead letters", phase);
            return new Result(now, flags, List.copyOf(rates.values()), deadLetters);
        }
    }

    private static long logPhase(String done, long since) {
        long now = System.nanoTime();
        LOG.info("Replay: {} in {} ms", done, (now - since) / 1_000_000);
        return now;
    }

    /** Long enough for several rate flushes and commits, so the last ones are seen. */
    private static Duration quietPeriod(CaseTopology.Settings settings, Duration commitInterval) {
        Duration longest = Duration.ofSeconds(2);
        for (Duration candidate : List.of(settings.rateFlushInterval().multipliedBy(5), commitInterval.multipliedBy(3))) {
            longest = candidate.compareTo(longest) > 0 ? candidate : longest;
        }
        return longest;
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String line = header(headers, InputLoader.HEADER_SOURCE_LINE);
        return new DeadLetter(header(headers, InputLoader.HEADER_SOURCE_FILE), line == null ? 0 : Long.parseLong(line),
                record.key() == null ? null : utf8(record.key()), header(headers, "__streams.errors.message"),
                header(headers, "raidwatch.rule.id"));
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
