package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.serde.InMemorySchemaRegistry;

/** Where raidwatch may not register schemas (auto.register.schemas=false), its outputs use the versions registered for them. */
class TopicsTest {

    private final String scope = "topics-test-" + UUID.randomUUID();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private static CaseFlag flag() {
        return CaseFlag.newBuilder().setRaidId("r-1").setRuleId("foi-withheld").setStatus(FlagStatus.RAISED).setSeverity(Severity.LOW)
                .setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 4)).setExplanation("refused").setEvidence(Map.of())
                .setRuleSetVersion("v").setChangedAt(Instant.EPOCH).build();
    }

    @Test
    void an_output_whose_schema_is_not_registered_is_refused_rather_than_registered() {
        Topics topics = Topics.create(TopicNames.DEFAULTS, registry, false);

        assertThatThrownBy(() -> topics.flaggedCases().valueSerde().serializer().serialize("flagged-cases", flag()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot get a schema id for subject flagged-cases-value");
        assertThatThrownBy(() -> registry.latest("flagged-cases-value")).hasMessageContaining("not found");
    }

    @Test
    void an_output_uses_the_schema_registered_for_it() {
        int id = registry.register("flagged-cases-value", CaseFlag.getClassSchema());
        Topics topics = Topics.create(TopicNames.DEFAULTS, registry, false);

        byte[] bytes = topics.flaggedCases().valueSerde().serializer().serialize("flagged-cases", flag());

        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(registry.latest("flagged-cases-value").version()).isEqualTo(1);
    }
}
