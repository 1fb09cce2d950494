package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/** foi-overdue depends on "now": the wall clock live, the as-of date in a replay. */
class OverdueOverTimeTest {

    @Test
    void an_unanswered_request_becomes_overdue_as_days_pass_without_new_input() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            // Given on Tuesday 2021-06-01 a claimed raid whose FOI request went out a week ago
            driver.send(Raids.report("r-1"));
            driver.send(Raids.pending("r-1", LocalDate.of(2021, 5, 25)));
            assertThat(driver.flagChanges()).as("flags while the request is young").isEmpty();

            // When a month passes and nothing arrives
            driver.advanceWallClock(Duration.ofDays(30));

            // Then the request is flagged overdue, once
            List<CaseFlag> flags = driver.flagChanges();
            assertThat(flags).extracting(CaseFlag::getRuleId, CaseFlag::getStatus)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("foi-overdue", FlagStatus.RAISED));
            // 20 working days after 2021-05-25, skipping the spring bank holiday on 2021-05-31
            assertThat(flags.get(0).getExplanation())
                    .isEqualTo("FOI request FOI-r-1 sent on 2021-05-25 is unanswered; 20 working days ran out on 2021-06-23");

            // And more days passing do not repeat the alert
            driver.advanceWallClock(Duration.ofDays(1));
            driver.advanceWallClock(Duration.ofDays(1));
            assertThat(driver.flagChanges()).isEmpty();

            // And the answer resolves it
            driver.send(Raids.answer("r-1").setRequestedOn(LocalDate.of(2021, 5, 25)).setRespondedOn(LocalDate.of(2021, 7, 5)));
            assertThat(driver.flagChanges()).filteredOn(f -> f.getRuleId().equals("foi-overdue"))
                    .extracting(CaseFlag::getStatus).containsExactly(FlagStatus.RESOLVED);
        }
    }

    @Test
    void a_request_is_overdue_after_more_than_twenty_working_days_as_of_the_replay_date() {
        // 2021-05-04 + 20 working days (the spring bank holiday 2021-05-31 does not count) = 2021-06-02
        assertThat(overdueAsOf(LocalDate.of(2021, 6, 2))).as("on the 20th working day").isFalse();
        assertThat(overdueAsOf(LocalDate.of(2021, 6, 3))).as("on the 21st working day").isTrue();
    }

    @Test
    void in_a_replay_the_wall_clock_does_not_matter() {
        try (RaidwatchDriver driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(),
                CaseTopology.Settings.replayAsOf(LocalDate.of(2021, 5, 26)))) {
            driver.send(Raids.report("r-1"));
            driver.send(Raids.pending("r-1", LocalDate.of(2021, 5, 25)));

            driver.advanceWallClock(Duration.ofDays(365));

            assertThat(driver.flagChanges()).isEmpty();
        }
    }

    private static boolean overdueAsOf(LocalDate asOf) {
        try (RaidwatchDriver driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(), CaseTopology.Settings.replayAsOf(asOf))) {
            driver.send(Raids.report("r-1"));
            driver.send(Raids.pending("r-1", LocalDate.of(2021, 5, 4)));
            return driver.flagChanges().stream().anyMatch(f -> f.getRuleId().equals("foi-overdue"));
        }
    }
}
