package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.raidwatch.it.Await;

class ProgressLineTest {

    @Test
    void the_line_is_rewritten_in_place_and_wiped_at_the_end() throws Exception {
        // Given a line whose text changes from a long one to a shorter one
        StringWriter written = new StringWriter();
        AtomicReference<String> text = new AtomicReference<>("replay: loading rows, 1,000 of about 2,000 (50%)");
        try (ProgressLine line = ProgressLine.on(new PrintWriter(written), text::get)) {
            Await.until(Duration.ofSeconds(5), "the first text on the line", () -> written.toString().contains("(50%)"), written::toString);
            text.set("replay: finishing");
            Await.until(Duration.ofSeconds(5), "the second text on the line", () -> written.toString().contains("finishing"), written::toString);
        }

        // Then each text starts at the line's beginning, the shorter one padded over the longer, and the line is wiped last
        String out = written.toString();
        assertThat(out).startsWith("\rreplay: loading rows, 1,000 of about 2,000 (50%)");
        assertThat(out).contains("\rreplay: finishing" + " ".repeat("replay: loading rows, 1,000 of about 2,000 (50%)".length()
                - "replay: finishing".length()));
        assertThat(out).endsWith("\r" + " ".repeat("replay: finishing".length()) + "\r");
        assertThat(out).doesNotContain("\n");
        // And an unchanged text is not written again
        assertThat(out.split("\\(50%\\)", -1)).hasSize(2);
    }

    @Test
    void time_left_comes_from_the_recent_pace() {
        ProgressLine.Remaining remaining = new ProgressLine.Remaining();
        long second = TimeUnit.SECONDS.toNanos(1);

        assertThat(remaining.after(0, 0, 1000)).as("no pace yet").isNull();
        assertThat(remaining.after(second / 2, 10, 1000)).as("under a second of pace").isNull();
        // 100 rows a second, 900 to go
        assertThat(remaining.after(second, 100, 1000)).isEqualTo(Duration.ofSeconds(9));
        assertThat(remaining.after(2 * second, 1000, 1000)).isEqualTo(Duration.ZERO);
        assertThat(ProgressLine.left(Duration.ofSeconds(9))).isEqualTo(", about 9 s left");
        assertThat(ProgressLine.left(Duration.ofSeconds(70))).isEqualTo(", about 1 min 10 s left");
        assertThat(ProgressLine.left(Duration.ZERO)).isEqualTo(", finishing");
        assertThat(ProgressLine.left(null)).isEmpty();
        assertThat(ProgressLine.percent(9_999, 10_000)).as("rounded down: 100% only at the end").isEqualTo("99%");
        assertThat(ProgressLine.percent(1000, 1000)).isEqualTo("100%");
        assertThat(ProgressLine.count(1034407)).isEqualTo("1,034,407");
    }
}
