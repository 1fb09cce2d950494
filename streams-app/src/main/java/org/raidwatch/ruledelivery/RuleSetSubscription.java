package org.raidwatch.ruledelivery;

import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.raidwatch.contract.LogText;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.PublishedRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSetException;
import org.raidwatch.rules.scenario.ScenarioFiles;
import org.raidwatch.rules.scenario.ScenarioRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the rules topic and puts each published rule set in force, on its own thread (never a
 * stream thread): the record is verified (a trusted key's signature over the files, the pinned
 * hash if any), the set is built and tried on the sample cases and on its own scenarios (published
 * with it), and only then replaces the set in force ({@link LiveRuleSet}), between two records of
 * each stream task. A set that is refused leaves the set in force as it was; the refusal is logged
 * and counted. Records are keyed by their hash, so compaction keeps every set published.
 *
 * <p>Order comes from the sets' signed sequence numbers, not from the topic: a set must be for this
 * deployment and carry a sequence above the highest this instance accepted
 * ({@link PublishedRuleSet#checkOrder}), so an older set sent again is refused. Starting up, an
 * instance reads the topic once, keeping only the few best candidates (the highest sequences that
 * verify), and puts the best one that builds in force; following, it takes from each poll the
 * highest-sequenced set it accepts, whatever records come after it.
 */
public final class RuleSetSubscription implements AutoCloseable {

    /** Told of each published set refused (a set put in force is announced by {@link LiveRuleSet#onReplace}). */
    public interface RefusalListener {
        void refused(String reason, String message);
    }

    /** The one partition of the rules topic, so that its records keep the order they were published in. */
    public static final int PARTITION = 0;

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetSubscription.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Map<String, PublicKey> trusted;
    private final String pinnedSha256;
    private final LiveRuleSet live;
    private final RefusalListener listener;
    private final String deployment;
    private final Thread thread;
    private volatile boolean stopping;
    /** The highest sequence put in force by this instance; 0 while none (or only unsequenced sets) has been. */
    private volatile long highestAccepted;

    /** Candidates a catch-up keeps at most while it reads the topic: the best sequences that verify. */
    static final int CANDIDATES = 3;
    /** Refusals logged one by one per poll or catch-up; the rest are counted and summed up in one line. */
    private static final int LOGGED_REFUSALS = 10;

    /**
     * @param deployment the application id: a set published for another is refused
     */
    public RuleSetSubscription(Map<String, Object> clientProperties, String topic, Map<String, PublicKey> trusted, String pinnedSha256,
                               LiveRuleSet live, RefusalListener listener, String deployment) {
        this.deployment = deployment;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "raidwatch-rules-" + topic);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partition = new TopicPartition(topic, PARTITION);
        this.trusted = Map.copyOf(trusted);
        this.pinnedSha256 = pinnedSha256;
        this.live = live;
        this.listener = listener;
        this.thread = new Thread(this::follow, "raidwatch-rules-subscription");
        this.thread.setDaemon(true);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /**
     * Reads the topic up to its end and puts the best acceptable set in force (the highest sequence
     * that verifies and builds), before the stream starts, so an instance starts with the published
     * set rather than switching soon after. Only a few candidates are held while reading, so a topic
     * full of junk costs time, not memory.
     */
    public void catchUp(Duration timeout) {
        Candidates candidates = new Candidates(CANDIDATES);
        Refusals refusals = new Refusals();
        try {
            long end = consumer.endOffsets(Set.of(partition), timeout).getOrDefault(partition, 0L);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new TopicSetup.BrokerUnreachableException("the rules topic " + partition.topic() + " could not be read to its end"
                            + " within " + timeout.toSeconds() + " s", null);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Candidate candidate = verified(record, 0, refusals);
                    if (candidate != null) {
                        candidates.offer(candidate);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicSetup.BrokerUnreachableException("the rules topic " + partition.topic() + " could not be read: " + e.getMessage(), e);
        }
        refusals.summarize();
        putBestInForce(candidates);
    }

    /** One published set that verified: its record's place, and what it claims. */
    private record Candidate(String where, PublishedRuleSet published, long offset) {

        /** Higher first: a sequenced set above any unsequenced one, then by sequence, then the later record. */
        static final java.util.Comparator<Candidate> BEST_FIRST = java.util.Comparator
                .comparingLong((Candidate c) -> c.published().sequence()).thenComparingLong(Candidate::offset).reversed();
    }

    /** The best few candidates seen. */
    private static final class Candidates {
        private final int most;
        private final List<Candidate> best = new java.util.ArrayList<>();

        Candidates(int most) {
            this.most = most;
        }

        void offer(Candidate candidate) {
            best.add(candidate);
            best.sort(Candidate.BEST_FIRST);
            if (best.size() > most) {
                best.remove(best.size() - 1);
            }
        }

        List<Candidate> bestFirst() {
            return best;
        }
    }

    /** Refusals of one poll or catch-up: the first few logged one by one, the rest counted, all reported to the listener. */
    private final class Refusals {
        private int count;

        void refuse(String reason, String message) {
            count++;
            if (count <= LOGGED_REFUSALS) {
                LOG.error("{}; rule set {} stays in force", message, live.current().version());
            }
            listener.refused(reason, message);
        }

        void summarize() {
            if (count > LOGGED_REFUSALS) {
                LOG.error("{} more published rule sets were refused (counted in raidwatch_rule_set_refused_total)", count - LOGGED_REFUSALS);
            }
        }
    }

    /** Follows new records from here on. */
    public void start() {
        thread.start();
    }

    /** Polls until closed; the consumer belongs to this thread from start() on, and is closed by it. */
    private void follow() {
        long pauseMs = 1_000;
        try {
            while (!stopping) {
                try {
                    Candidates candidates = new Candidates(CANDIDATES);
                    Refusals refusals = new Refusals();
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        Candidate candidate = verified(record, highestAccepted, refusals);
                        if (candidate != null) {
                            candidates.offer(candidate);
                        }
                    }
                    refusals.summarize();
                    putBestInForce(candidates);
                    pauseMs = 1_000;
                } catch (WakeupException stopped) {
                    return;
                } catch (RuntimeException e) {
                    // Kafka trouble: the set in force stays, and following goes on once Kafka answers again.
                    LOG.warn("Following the rules topic {} failed ({}); trying again in {} s; the rule set in force stays", partition.topic(),
                            LogText.of(e), pauseMs / 1000);
                    Thread.sleep(pauseMs);
                    pauseMs = Math.min(pauseMs * 2, 60_000);
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } finally {
            // The stop's interrupt would cut the close short with an InterruptException: clear it first.
            boolean interrupted = Thread.interrupted();
            consumer.close(Duration.ofSeconds(5));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A record's set, if it verifies (trusted signature, pinned hash) and may follow what was accepted
     * (this deployment, a higher sequence); null, with the refusal logged and counted, if not.
     */
    private Candidate verified(ConsumerRecord<byte[], byte[]> record, long highest, Refusals refusals) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        try {
            PublishedRuleSet published = PublishedRuleSet.fromJson(record.value());
            published.verify(trusted, pinnedSha256);
            published.checkOrder(deployment, highest);
            return new Candidate(where, published, record.offset());
        } catch (PublishedRuleSet.RefusedException e) {
            refusals.refuse(e.reason(), "the rule set published at " + where + " is refused: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever a record holds, it cannot stop the instance from following the topic.
            refusals.refuse("error", "the rule set published at " + where + " is refused: " + LogText.of(e));
        }
        return null;
    }

    /** Builds the candidates best first and puts the first that builds and passes its scenarios in force. */
    private void putBestInForce(Candidates candidates) {
        for (Candidate candidate : candidates.bestFirst()) {
            try {
                if (buildAndPutInForce(candidate)) {
                    if (candidate.published().isSequenced()) {
                        highestAccepted = Math.max(highestAccepted, candidate.published().sequence());
                    }
                    return;
                }
            } catch (RuntimeException | StackOverflowError e) {
                refuse("error", "the rule set published at " + candidate.where() + " is refused: " + LogText.of(e));
            }
        }
    }

    private boolean buildAndPutInForce(Candidate candidate) {
        PublishedRuleSet published = candidate.published();
        String where = candidate.where();
        RuleSet built;
        try {
            built = RuleSet.fromFiles("published " + published.sha256().substring(0, 12) + " (key " + published.keyId() + ")",
                    published.drlFiles());
        } catch (RuleSetException e) {
            refuse("does-not-build", "the rule set published at " + where + " is refused, it does not build: "
                    + String.join("; ", e.problems().stream().map(LogText::of).toList()));
            return false;
        }
        List<String> failing = ScenarioRun.problems(built, ScenarioFiles.parse(published.scenarioFiles()));
        if (!failing.isEmpty()) {
            refuse("scenarios-fail", "the rule set published at " + where + " (" + built.version() + ") is refused, its scenarios do not pass: "
                    + String.join("; ", failing.stream().map(LogText::of).toList()));
            return false;
        }
        if (live.replace(built)) {
            LOG.info("Rule set {} ({} rules, sha256 {}, sequence {}, signed by key {}, published {}) is in force; every case is re-evaluated"
                    + " under it", built.version(), built.ruleIds().size(), published.sha256(),
                    published.isSequenced() ? published.sequence() : "none", published.keyId(), published.publishedAt());
        } else {
            LOG.info("The rule set published at {} is the one in force ({})", where, built.version());
        }
        return true;
    }

    /**
     * What a publisher learns from the rules topic about this deployment's sequences.
     *
     * @param verified   the highest sequence among sets signed by one of the keys given (0: none); the
     *                   next set gets one more
     * @param unverified the highest sequence claimed by a set the keys given cannot check (0: none):
     *                   another publisher's, whose key this one does not know, or junk
     */
    public record PublishedSequences(long verified, long unverified) {
    }

    /**
     * The sequences on the rules topic for this deployment; records the keys cannot verify do not count
     * towards the next sequence, so no junk record can push it up.
     */
    public static PublishedSequences highestPublished(Map<String, Object> clientProperties, String topic, Map<String, PublicKey> keys,
                                                      String deployment, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition partition = new TopicPartition(topic, PARTITION);
        long highest = 0;
        long unverified = 0;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            long end = reader.endOffsets(Set.of(partition), timeout).getOrDefault(partition, 0L);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (reader.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new TopicSetup.BrokerUnreachableException("the rules topic " + topic + " could not be read to its end within "
                            + timeout.toSeconds() + " s", null);
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    PublishedRuleSet published;
                    try {
                        published = PublishedRuleSet.fromJson(record.value());
                    } catch (RuntimeException junk) {
                        continue;
                    }
                    if (!published.isSequenced() || !published.deployment().equals(deployment)) {
                        continue;
                    }
                    try {
                        published.verify(keys, null);
                        highest = Math.max(highest, published.sequence());
                    } catch (RuntimeException notCheckable) {
                        unverified = Math.max(unverified, published.sequence());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicSetup.BrokerUnreachableException("the rules topic " + topic + " could not be read: " + e.getMessage(), e);
        }
        return new PublishedSequences(highest, unverified);
    }

    /** The highest sequence this instance has put in force (0: none, or only unsequenced sets). */
    public long highestAccepted() {
        return highestAccepted;
    }

    private void refuse(String reason, String message) {
        LOG.error("{}; rule set {} stays in force", message, live.current().version());
        listener.refused(reason, message);
    }

    @Override
    public void close() {
        stopping = true;
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5)); // never followed: the consumer is still this thread's
            return;
        }
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
