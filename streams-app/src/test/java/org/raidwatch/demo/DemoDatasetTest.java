package org.raidwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.InputContract;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/** The demo's synthetic dataset: realistic, repeatable, and calibrated to the research's national figures. */
class DemoDatasetTest {

    /** The default dataset's size and fingerprint, taken from the generator as it stands. */
    private static final int EXPECTED_DEFAULT_EVENTS = 782;
    private static final int EXPECTED_DEFAULT_HASH = 758_863_109;

    /** National all-time rates over the final state of each raid, tallied here independently of the topology. */
    private record National(double noReferral, double noVictims, double foiAnswered, int claimedRaids) {
    }

    private static National tally(List<DemoDataset.Event> events) {
        Map<String, RaidReport> reports = new HashMap<>();
        Map<String, FoiUpdate> updates = new HashMap<>();
        for (DemoDataset.Event event : events) {
            if (event.report() != null && (!reports.containsKey(event.report().getRaidId())
                    || reports.get(event.report().getRaidId()).getRevision() <= event.report().getRevision())) {
                reports.put(event.report().getRaidId(), event.report());
            }
            if (event.foiUpdate() != null && (!updates.containsKey(event.foiUpdate().getRaidId())
                    || updates.get(event.foiUpdate().getRaidId()).getRevision() <= event.foiUpdate().getRevision())) {
                updates.put(event.foiUpdate().getRaidId(), event.foiUpdate());
            }
        }
        int claimed = 0, requested = 0, answered = 0, referralKnown = 0, noReferral = 0, victimsKnown = 0, noVictims = 0;
        for (RaidReport report : reports.values()) {
            if (!report.getTraffickingClaimed() && !report.getModernSlaveryClaimed()) {
                continue;
            }
            claimed++;
            FoiUpdate foi = updates.get(report.getRaidId());
            if (foi == null) {
                continue;
            }
            requested++;
            if (foi.getStatus() != FoiStatus.RESPONDED && foi.getStatus() != FoiStatus.PARTIAL) {
                continue;
            }
            answered++;
            if (foi.getNrmReferrals() != null) {
                referralKnown++;
                noReferral += foi.getNrmReferrals() == 0 ? 1 : 0;
            }
            if (foi.getVictimsIdentified() != null) {
                victimsKnown++;
                noVictims += foi.getVictimsIdentified() == 0 ? 1 : 0;
            }
        }
        return new National((double) noReferral / referralKnown, (double) noVictims / victimsKnown, (double) answered / requested, claimed);
    }

    @Test
    void the_demo_dataset_lands_near_the_research_figures() {
        National national = tally(DemoDataset.generate(DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_RAIDS));

        assertThat(national.noReferral()).as("no NRM referral").isCloseTo(0.69, within(0.05));
        assertThat(national.noVictims()).as("no victims identified").isCloseTo(0.25, within(0.05));
        assertThat(national.foiAnswered()).as("FOI answered").isCloseTo(0.80, within(0.05));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 99_999})
    void any_seed_lands_near_them_too(long seed) {
        National national = tally(DemoDataset.generate(seed, DemoDataset.DEFAULT_RAIDS));

        assertThat(national.noReferral()).as("no NRM referral").isCloseTo(0.69, within(0.05));
        assertThat(national.noVictims()).as("no victims identified").isCloseTo(0.25, within(0.05));
        assertThat(national.foiAnswered()).as("FOI answered").isCloseTo(0.80, within(0.05));
    }

    @Test
    void the_same_seed_gives_the_same_dataset_and_another_seed_another() {
        assertThat(DemoDataset.generate(5, 100)).isEqualTo(DemoDataset.generate(5, 100));
        assertThat(DemoDataset.generate(5, 100)).isNotEqualTo(DemoDataset.generate(6, 100));
    }

    @Test
    void the_default_dataset_is_the_same_in_every_run() {
        // A fingerprint of the default dataset; it changes only when the generator does.
        List<DemoDataset.Event> events = DemoDataset.generate(DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_RAIDS);
        assertThat(events).hasSize(EXPECTED_DEFAULT_EVENTS);
        assertThat(events.toString().hashCode()).isEqualTo(EXPECTED_DEFAULT_HASH);
    }

    @Test
    void it_looks_like_the_national_picture() {
        List<DemoDataset.Event> events = DemoDataset.generate(DemoDataset.DEFAULT_SEED, DemoDataset.DEFAULT_RAIDS);
        Set<String> forces = new HashSet<>();
        Map<String, java.time.Instant> firstReport = new HashMap<>();
        Set<String> foiBeforeReport = new HashSet<>();
        Set<FoiStatus> statuses = new HashSet<>();
        int corrections = 0;
        for (DemoDataset.Event event : events) {
            if (event.report() != null) {
                RaidReport report = event.report();
                assertThat(InputContract.check(report).isAccepted()).as("report %s meets the contract", report.getRaidId()).isTrue();
                assertThat(report.getRaidDate()).isBetween(LocalDate.of(2016, 1, 1), LocalDate.of(2021, 12, 31));
                forces.add(report.getForce());
                firstReport.putIfAbsent(report.getRaidId(), event.at());
                corrections += report.getRevision() > 0 ? 1 : 0;
            } else {
                FoiUpdate update = event.foiUpdate();
                assertThat(InputContract.check(update).isAccepted()).as("FOI update %s meets the contract", update.getFoiId()).isTrue();
                statuses.add(update.getStatus());
                if (!firstReport.containsKey(update.getRaidId())) {
                    foiBeforeReport.add(update.getRaidId());
                }
                corrections += update.getRevision() > 1 ? 1 : 0;
            }
        }
        assertThat(events).isSortedAccordingTo(java.util.Comparator.comparing(DemoDataset.Event::at));
        assertThat(forces).hasSizeGreaterThan(40).isSubsetOf(Forces.CANONICAL_NAMES);
        assertThat(statuses).containsExactlyInAnyOrder(FoiStatus.values());
        assertThat(foiBeforeReport).as("FOI updates arriving before their report").isNotEmpty();
        assertThat(corrections).as("corrections").isPositive();
    }
}
