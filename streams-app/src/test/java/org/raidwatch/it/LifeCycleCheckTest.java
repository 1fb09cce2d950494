package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.serde.AvroClassTrust;

/** The check the failure tests rely on to see duplicates does see them. */
class LifeCycleCheckTest {

    static {
        AvroClassTrust.install();
    }

    private static CaseFlag flag(FlagStatus status, String explanation) {
        return CaseFlag.newBuilder().setRaidId("r-1").setRuleId("claimed-no-referral").setStatus(status).setSeverity(Severity.HIGH)
                .setForce("Kent Police").setRaidDate(LocalDate.of(2020, 1, 1)).setExplanation(explanation).setEvidence(Map.of())
                .setRuleSetVersion("v").setChangedAt(Instant.EPOCH).build();
    }

    @Test
    void a_clean_history_passes() {
        assertThatCode(() -> Expected.assertValidLifeCycles(List.of(flag(FlagStatus.RAISED, "a"), flag(FlagStatus.UPDATED, "b"),
                flag(FlagStatus.RESOLVED, "c"), flag(FlagStatus.RAISED, "a")))).doesNotThrowAnyException();
    }

    @Test
    void a_duplicated_raise_update_or_resolution_is_caught() {
        assertThatThrownBy(() -> Expected.assertValidLifeCycles(List.of(flag(FlagStatus.RAISED, "a"), flag(FlagStatus.RAISED, "a"))))
                .hasMessageContaining("RAISED while already holding");
        assertThatThrownBy(() -> Expected.assertValidLifeCycles(List.of(flag(FlagStatus.RAISED, "a"), flag(FlagStatus.UPDATED, "b"),
                flag(FlagStatus.UPDATED, "b")))).hasMessageContaining("UPDATED to the same evidence");
        assertThatThrownBy(() -> Expected.assertValidLifeCycles(List.of(flag(FlagStatus.RAISED, "a"), flag(FlagStatus.RESOLVED, "x"),
                flag(FlagStatus.RESOLVED, "x")))).hasMessageContaining("RESOLVED while not holding");
    }
}
