package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The researcher's path end to end: a small fixture of raid reports and FOI answers replayed through
 * the real topology on the in-process broker, checked against expectations worked out by hand from
 * the fixture (src/test/resources/replay).
 */
class ReplayIT {

    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path out;
    static int exitStatus;

    @BeforeAll
    static void replayTheFixture() {
        exitStatus = Main.execute("replay", "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--out", out.toString());
    }

    @Test
    void some_rows_were_rejected_so_the_exit_status_is_3() {
        assertThat(exitStatus).isEqualTo(ExitCodes.ROWS_REJECTED);
    }

    @Test
    void every_rejected_row_is_reported_with_file_line_and_reason() throws IOException {
        assertThat(lines("rejected.jsonl")).extracting(r -> r.get("file").asText(), r -> r.get("line").asInt(), r -> r.get("reason").asText())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(RAIDS.toString(), 6, "force 'Atlantis' is not one of the 44 forces of England and Wales"),
                        org.assertj.core.groups.Tuple.tuple(RAIDS.toString(), 9, "raid_date '2021-04-31' is not a date (yyyy-mm-dd)"),
                        org.assertj.core.groups.Tuple.tuple(FOI.toString(), 6, "victims_identified is negative (-1)"));
    }

    @Test
    void flags_are_in_their_final_state() throws IOException {
        Map<String, JsonNode> flags = byKey(lines("flags.jsonl"), f -> f.get("raidId").asText() + "|" + f.get("ruleId").asText());

        // R1 (Kent): 6 claimed rescued; 3 identified, 0 referred, 2 arrests, 0 trafficking charges
        assertThat(flags).containsKeys("R1|claimed-no-referral", "R1|identified-not-referred", "R1|rescue-overstated",
                "R1|arrests-without-trafficking-charge");
        assertThat(flags.get("R1|claimed-no-referral").get("explanation").asText())
                .isEqualTo("Press reported trafficking (6 people rescued); the force's FOI answer (F1) shows 3 identified and 0 referred to the NRM");
        assertThat(flags.get("R1|claimed-no-referral").get("severity").asText()).isEqualTo("HIGH");
        // R2 (Met): first answer 0 identified, 0 referred; the correction says 2 identified, 2 referred
        assertThat(flags.get("R2|claimed-no-referral").get("status").asText()).isEqualTo("RESOLVED");
        assertThat(flags.get("R2|no-victims-identified").get("status").asText()).isEqualTo("RESOLVED");
        assertThat(flags.get("R2|rescue-overstated").get("status").asText()).isEqualTo("UPDATED");
        assertThat(flags.get("R2|rescue-overstated").get("explanation").asText())
                .isEqualTo("Press reported 5 people rescued; the force's FOI answer (F2) shows 2 identified");
        assertThat(flags.get("R2|rescue-overstated").get("force").asText()).isEqualTo("Metropolitan Police Service");
        // R3 (Essex): refused
        assertThat(flags.get("R3|foi-withheld").get("status").asText()).isEqualTo("RAISED");
        // R4 unclaimed and R6 requested on the as-of date itself: nothing; R5, R7, F9 were rejected
        assertThat(flags).hasSize(8);
        assertThat(flags.values()).allSatisfy(f -> assertThat(f.get("ruleSetVersion").asText()).hasSize(12));
    }

    @Test
    void rates_count_the_latest_state_of_each_claimed_raid() throws IOException {
        Map<String, JsonNode> rates = byKey(lines("force-rates.jsonl"), r -> r.get("force").asText() + "|" + r.get("window").asText());

        // Claimed raids: R1 Kent, R2 Met, R3 Essex, R6 Devon & Cornwall (R4 is unclaimed)
        JsonNode national = rates.get("ALL|all");
        assertThat(national.get("claimedRaids").asInt()).isEqualTo(4);
        assertThat(national.get("foiRequested").asInt()).isEqualTo(4);
        assertThat(national.get("foiAnswered").asInt()).isEqualTo(2);
        assertThat(national.get("referralKnown").asInt()).isEqualTo(2);
        assertThat(national.get("noReferral").asInt()).isEqualTo(1);
        assertThat(national.get("victimsKnown").asInt()).isEqualTo(2);
        assertThat(national.get("noVictims").asInt()).isEqualTo(0);
        assertThat(national.get("noReferralRate").asDouble()).isEqualTo(0.5);
        assertThat(national.get("noVictimsRate").asDouble()).isEqualTo(0.0);
        assertThat(national.get("foiResponseRate").asDouble()).isEqualTo(0.5);

        JsonNode kent = rates.get("Kent Police|all");
        assertThat(kent.get("claimedRaids").asInt()).isEqualTo(1);
        assertThat(kent.get("noReferralRate").asDouble()).isEqualTo(1.0);
        assertThat(rates.get("Essex Police|all").get("noReferralRate").isNull()).as("no answer, no rate").isTrue();
        // Rolling windows: the window ending 2021-02 holds R1 (2020-03), R2 (2020-11), R3 (2021-01)
        assertThat(rates.get("ALL|2021-02").get("claimedRaids").asInt()).isEqualTo(3);
        // ending 2021-03 has lost R1 (March 2020) and gained R6 (March 2021)
        assertThat(rates.get("ALL|2021-03").get("claimedRaids").asInt()).isEqualTo(3);
        assertThat(rates.get("ALL|2021-03").get("referralKnown").asInt()).isEqualTo(1);
        // And each rate carries what it rests on: 1 of 2 is 9.5% to 90.5% (Wilson, 95%), on a low base (below 10)
        assertThat(national.get("noReferralRateLow").asDouble()).isCloseTo(0.0945, org.assertj.core.data.Offset.offset(0.00005));
        assertThat(national.get("noReferralRateHigh").asDouble()).isCloseTo(0.9055, org.assertj.core.data.Offset.offset(0.00005));
        assertThat(national.get("noReferralRateLowBase").asBoolean()).isTrue();
        assertThat(rates.get("Essex Police|all").get("noReferralRateLow").isNull()).as("no rate, no interval").isTrue();
        assertThat(rates.get("Essex Police|all").get("noReferralRateLowBase").isNull()).as("no rate, no mark").isTrue();
        // every line carries every field
        assertThat(rates.values()).allSatisfy(r -> assertThat(r.has("noReferralRate") && r.has("foiResponseRate")
                && r.has("victimsKnown") && r.has("foiResponseRateHigh") && r.has("noVictimsRateLowBase")).isTrue());
    }

    private static List<JsonNode> lines(String file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(file))) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static Map<String, JsonNode> byKey(List<JsonNode> nodes, Function<JsonNode, String> key) {
        return nodes.stream().collect(Collectors.toMap(key, n -> n));
    }
}
