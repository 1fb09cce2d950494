package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/** A flag's line on a terminal (alerts tail, the demo) cannot move the cursor or forge another line. */
class ConsoleReportTest {

    @Test
    void control_characters_in_a_flag_are_written_out_not_sent_to_the_terminal() {
        // Given a flag written before the input contract refused control characters: an escape sequence and a line break
        CaseFlag flag = CaseFlag.newBuilder().setRaidId("R1\u001b[2J").setRuleId("claimed-no-referral").setStatus(FlagStatus.RAISED)
                .setSeverity(Severity.HIGH).setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 2))
                .setExplanation("Claimed; 0 referred.\nHIGH     RAISED   Kent Police R9 forged").setEvidence(Map.of())
                .setRuleSetVersion("v1").setChangedAt(Instant.parse("2021-04-01T09:00:00Z")).build();

        // When it is printed as a line
        String line = ConsoleReport.flagLine(flag);

        // Then it is one line with no control character, the escapes written out
        assertThat(line.lines()).hasSize(1);
        assertThat(line.chars().noneMatch(Character::isISOControl)).isTrue();
        assertThat(line).contains("R1\\u001b[2J").endsWith("Claimed; 0 referred.\\nHIGH     RAISED   Kent Police R9 forged");
    }
}
