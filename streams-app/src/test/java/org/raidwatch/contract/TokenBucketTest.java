package org.raidwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A budget refilled over time, never beyond what it may save up. */
class TokenBucketTest {

    @Test
    void it_gives_what_it_holds_then_refuses_until_refilled() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(100, 5, now::get);
        for (int i = 0; i < 5; i++) {
            assertThat(bucket.take(1)).isTrue();
        }
        assertThat(bucket.take(1)).isFalse();
        assertThat(bucket.isFull()).isFalse();

        now.addAndGet(10_000_000); // 10 ms: one unit at 100 a second
        assertThat(bucket.take(1)).isTrue();
        assertThat(bucket.take(1)).isFalse();

        now.addAndGet(1_000_000_000); // a second: 100 units' worth, capped at 5
        assertThat(bucket.isFull()).isTrue();
        assertThat(bucket.take(6)).as("never more than it may save up").isFalse();
        assertThat(bucket.take(5)).isTrue();
    }
}
