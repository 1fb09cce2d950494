package org.raidwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class PreparedAnswerTest {

    @Test
    void the_gzipped_body_is_the_plain_body_compressed() throws IOException {
        // Given a body prepared once
        byte[] plain = "{\"total\":1,\"flags\":[]}".repeat(100).getBytes(StandardCharsets.UTF_8);
        PreparedAnswer answer = PreparedAnswer.of(plain);

        // When its compressed form is decompressed; then it is the plain body, and smaller
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(answer.gzipped()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(answer.gzipped().length).isLessThan(plain.length);
    }

    @Test
    void gzip_is_sent_only_to_clients_that_accept_it() {
        // Given Accept-Encoding headers as browsers and tools send them; then gzip is chosen only where accepted
        assertThat(PreparedAnswer.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(PreparedAnswer.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(PreparedAnswer.acceptsGzip("*")).isTrue();
        assertThat(PreparedAnswer.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(PreparedAnswer.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(PreparedAnswer.acceptsGzip("identity")).isFalse();
        assertThat(PreparedAnswer.acceptsGzip("br, deflate")).isFalse();
        assertThat(PreparedAnswer.acceptsGzip("*;q=0, gzip")).isTrue();
        assertThat(PreparedAnswer.acceptsGzip("gzip;q=0, *")).isFalse();
    }
}
