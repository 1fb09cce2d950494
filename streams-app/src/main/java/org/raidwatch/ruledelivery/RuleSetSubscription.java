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
 * and counted. Records are keyed by their hash, so compaction keeps every set published, and an
 * instance starting up takes the latest one it accepts.
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
    private final Thread thread;
    private volatile boolean stopping;

    public RuleSetSubscription(Map<String, Object> clientProperties, String topic, Map<String, PublicKey> trusted, String pinnedSha256,
                               LiveRuleSet live, RefusalListener listener) {
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
     * Reads the topic up to its end and puts the latest acceptable set in force, before the stream
     * starts, so an instance starts with the published set rather than switching soon after.
     */
    public void catchUp(Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> published = new java.util.ArrayList<>();
        try {
            long end = consumer.endOffsets(Set.of(partition), timeout).getOrDefault(partition, 0L);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new TopicSetup.BrokerUnreachableException("the rules topic " + partition.topic() + " could not be read to its end"
                            + " within " + timeout.toSeconds() + " s", null);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(published::add);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicSetup.BrokerUnreachableException("the rules topic " + partition.topic() + " could not be read: " + e.getMessage(), e);
        }
        // The latest set this instance accepts: a refused latest one falls back to the one before it.
        for (int i = published.size() - 1; i >= 0; i--) {
            if (apply(published.get(i))) {
                return;
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
                    ConsumerRecord<byte[], byte[]> latest = null;
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        latest = record;
                    }
                    if (latest != null) {
                        apply(latest);
                    }
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
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Verifies, builds and puts in force one published set; a refused one changes nothing.
     *
     * @return whether the set is in force now (put in force, or in force already)
     */
    boolean apply(ConsumerRecord<byte[], byte[]> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        try {
            return verifyBuildAndPutInForce(record, where);
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever a record holds, it cannot stop the instance from following the topic.
            refuse("error", "the rule set published at " + where + " is refused: " + LogText.of(e));
            return false;
        }
    }

    private boolean verifyBuildAndPutInForce(ConsumerRecord<byte[], byte[]> record, String where) {
        PublishedRuleSet published;
        RuleSet built;
        try {
            published = PublishedRuleSet.fromJson(record.value());
            published.verify(trusted, pinnedSha256);
            built = RuleSet.fromFiles("published " + published.sha256().substring(0, 12) + " (key " + published.keyId() + ")",
                    published.drlFiles());
        } catch (PublishedRuleSet.RefusedException e) {
            refuse(e.reason(), "the rule set published at " + where + " is refused: " + e.getMessage());
            return false;
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
            LOG.info("Rule set {} ({} rules, sha256 {}, signed by key {}, published {}) is in force; every case is re-evaluated under it",
                    built.version(), built.ruleIds().size(), published.sha256(), published.keyId(), published.publishedAt());
        } else {
            LOG.info("The rule set published at {} is the one in force ({})", where, built.version());
        }
        return true;
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
