package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlagStoreChangesTest {

    @Test
    void nothing_is_held_until_someone_follows_and_the_drain_says_changes_were_missed() {
        // Given changes the store took before anyone followed
        FlagStoreChanges changes = new FlagStoreChanges();
        changes.changed("r-1|a", new byte[] {1});

        // When drained, Then none is held and the drain says the store must be read whole
        FlagStoreChanges.Drained drained = changes.drain();
        assertThat(drained.complete()).isFalse();
        assertThat(drained.changes()).isEmpty();
    }

    @Test
    void a_follower_gets_every_change_since_in_order_and_then_only_the_newer_ones() {
        // Given a follower
        FlagStoreChanges changes = new FlagStoreChanges();
        changes.follow();

        // When the store takes a flag, a deletion and the flag again
        changes.changed("r-1|a", new byte[] {1});
        changes.changed("r-1|a", null);
        changes.changed("r-2|a", new byte[] {2});

        // Then they are drained in that order, and a second drain holds only what came after the first
        assertThat(changes.drain().changes()).extracting(FlagStoreChanges.Change::key).containsExactly("r-1|a", "r-1|a", "r-2|a");
        changes.changed("r-3|a", new byte[] {3});
        FlagStoreChanges.Drained second = changes.drain();
        assertThat(second.complete()).isTrue();
        assertThat(second.changes()).extracting(FlagStoreChanges.Change::key).containsExactly("r-3|a");
    }

    @Test
    void a_follower_that_does_not_drain_for_too_long_is_told_it_missed_changes_and_nothing_more_is_held() {
        // Given a follower that does not drain
        FlagStoreChanges changes = new FlagStoreChanges();
        changes.follow();

        // When more changes come than are held
        for (int i = 0; i <= FlagStoreChanges.MAX_PENDING; i++) {
            changes.changed("r-" + i + "|a", new byte[] {1});
        }

        // Then the drain says changes were missed, and until it follows again none is held
        assertThat(changes.drain().complete()).isFalse();
        changes.changed("r-x|a", new byte[] {1});
        assertThat(changes.drain().changes()).isEmpty();
        changes.follow();
        changes.changed("r-y|a", new byte[] {1});
        assertThat(changes.drain().changes()).extracting(FlagStoreChanges.Change::key).containsExactly("r-y|a");
    }

    @Test
    void a_follower_that_does_not_drain_for_a_minute_or_sixty_four_mebibytes_is_told_it_missed_changes() {
        // Given a follower, and a clock
        long[] now = {0};
        FlagStoreChanges changes = new FlagStoreChanges(() -> now[0]);
        changes.follow();

        // When a change comes more than a minute after it last drained
        now[0] = FlagStoreChanges.MAX_UNDRAINED.toNanos() + 1;
        changes.changed("r-1|a", new byte[] {1});

        // Then its next drain says it missed changes
        assertThat(changes.drain().complete()).isFalse();

        // And when records larger in all than the bytes held at most come between two drains, the same
        changes.follow();
        byte[] large = new byte[1024 * 1024];
        for (int i = 0; i <= FlagStoreChanges.MAX_PENDING_BYTES / large.length; i++) {
            changes.changed("r-" + i + "|a", large);
        }
        assertThat(changes.drain().complete()).isFalse();
    }
}
