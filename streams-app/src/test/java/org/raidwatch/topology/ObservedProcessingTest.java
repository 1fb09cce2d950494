package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/**
 * What the topology reports for the metrics (inputs, dead letters by reason, flag changes, rule
 * timings) and what it keeps for the HTTP side to read (every flag's latest change).
 */
class ObservedProcessingTest {

    /** Counts what it is told, as the metrics do. */
    private static final class Recording implements ProcessingObserver {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final AtomicLong evaluations = new AtomicLong();

        @Override
        public void inputRead(String input) {
            count("input " + input);
        }

        @Override
        public void flagChanged(String ruleId, FlagStatus status) {
            count("flag " + ruleId + " " + status);
        }

        @Override
        public void deadLetter(DeadLetterReason reason) {
            count("dead letter " + reason.label());
        }

        @Override
        public void rulesEvaluated(long nanos) {
            assertThat(nanos).isPositive();
            evaluations.incrementAndGet();
        }

        private void count(String what) {
            counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }

        long get(String what) {
            AtomicLong count = counts.get(what);
            return count == null ? 0 : count.get();
        }
    }

    @Test
    void every_input_dead_letter_and_flag_change_is_reported_as_it_happens() {
        Recording observer = new Recording();
        try (RaidwatchDriver driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(), CaseTopology.Settings.live(), true, observer)) {
            // Given a claimed raid whose FOI answer shows nobody referred, later corrected to one referral
            driver.send(Raids.report("r-1"));
            driver.send(Raids.answer("r-1").setNrmReferrals(0));
            driver.send(Raids.answer("r-1").setNrmReferrals(1).setRevision(1));
            // And a record that is not Avro, and one keyed by another raid than its own
            driver.sendRawReport("r-bad", "not avro".getBytes(StandardCharsets.UTF_8));
            byte[] otherRaid = driver.topics.raidReports().valueSerde().serializer().serialize("raid-reports", Raids.report("r-2").build());
            driver.sendRawReport("r-other", otherRaid);

            // Then every input was counted by its topic, and the dead letters by why
            assertThat(observer.get("input raid-reports")).isEqualTo(3);
            assertThat(observer.get("input foi-updates")).isEqualTo(2);
            assertThat(observer.get("dead letter undecodable")).isEqualTo(1);
            assertThat(observer.get("dead letter invalid")).isEqualTo(1);
            assertThat(observer.get("dead letter rule-failed")).isZero();

            // And the flag changes reported are exactly those sent
            List<CaseFlag> sent = driver.flagChanges();
            Map<String, Long> sentByRuleAndStatus = new TreeMap<>();
            sent.forEach(flag -> sentByRuleAndStatus.merge("flag " + flag.getRuleId() + " " + flag.getStatus(), 1L, Long::sum));
            Map<String, Long> reported = new TreeMap<>();
            observer.counts.forEach((what, count) -> {
                if (what.startsWith("flag ")) {
                    reported.put(what, count.get());
                }
            });
            assertThat(reported).isEqualTo(sentByRuleAndStatus).containsKey("flag claimed-no-referral RESOLVED");
            // And the rules ran once per applied input
            assertThat(observer.evaluations.get()).isEqualTo(3);
        }
    }

    @Test
    void the_flags_store_holds_every_flags_latest_change_resolved_ones_included() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            // Given one raid's flag raised then resolved, and another raid's flag raised
            driver.send(Raids.report("r-1"));
            driver.send(Raids.answer("r-1").setNrmReferrals(0));
            driver.send(Raids.answer("r-1").setNrmReferrals(1).setRevision(1));
            driver.send(Raids.report("r-2"));
            driver.send(Raids.answer("r-2").setNrmReferrals(0));

            // Then the store holds, per flag, the last change on the topic
            Map<String, CaseFlag> latest = new TreeMap<>();
            driver.flagChanges().forEach(flag -> latest.put(Topics.flagKey(flag.getRaidId(), flag.getRuleId()), flag));
            assertThat(driver.flagsStore()).isEqualTo(latest);
            assertThat(driver.flagsStore().get("r-1|claimed-no-referral").getStatus()).isEqualTo(FlagStatus.RESOLVED);
            assertThat(driver.flagsStore().get("r-2|claimed-no-referral").getStatus()).isEqualTo(FlagStatus.RAISED);
        }
    }
}
