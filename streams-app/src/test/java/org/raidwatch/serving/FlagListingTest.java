package org.raidwatch.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

class FlagListingTest {

    private static CaseFlag flag(String raidId, String ruleId, Severity severity, String changedAt) {
        return CaseFlag.newBuilder().setRaidId(raidId).setRuleId(ruleId).setStatus(FlagStatus.RAISED).setSeverity(severity)
                .setForce("Kent Police").setRaidDate(LocalDate.of(2021, 3, 4)).setExplanation("explained")
                .setEvidence(Map.of()).setSourceUrl("https://news.example/" + raidId)
                .setRuleSetVersion("v7").setChangedAt(Instant.parse(changedAt)).build();
    }

    @Test
    void a_listing_is_newest_first_then_by_raid_and_rule_and_counts_every_match_beyond_the_limit() {
        // Given flags found at different times, two of them at the same moment
        FlagListing listing = FlagListing.of(List.of(
                flag("r-1", "no-nrm-referral", Severity.HIGH, "2021-05-01T10:00:00Z"),
                flag("r-3", "foi-withheld", Severity.LOW, "2021-05-03T10:00:00Z"),
                flag("r-2", "no-victims-found", Severity.HIGH, "2021-05-02T10:00:00Z"),
                flag("r-2", "foi-overdue", Severity.HIGH, "2021-05-02T10:00:00Z")));

        // When the high-severity flags are listed two at a time
        StateQueries.Page<CaseFlag> page = listing.page(f -> f.getSeverity() == Severity.HIGH, 2);

        // Then the newest come first, ties by raid then rule, and all three matches are counted
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.items()).extracting(f -> f.getRaidId() + "/" + f.getRuleId())
                .containsExactly("r-2/foi-overdue", "r-2/no-victims-found");
        assertThat(listing.page(f -> true, 10).items()).extracting(CaseFlag::getRaidId).containsExactly("r-3", "r-2", "r-2", "r-1");
    }

    /** A renderer that counts its work: "<how many renderings so far>:<total>". */
    private static Function<StateQueries.Page<CaseFlag>, String> countingRenderer(AtomicInteger renderings) {
        return page -> renderings.incrementAndGet() + ":" + page.total();
    }

    /** A filter with value equality, as the API's query is. */
    private record BySeverity(Severity severity) implements FlagFilter {
        @Override
        public boolean test(ListedFlag flag) {
            return flag.getSeverity() == severity;
        }
    }

    @Test
    void the_same_question_again_is_answered_from_the_page_already_made_and_another_question_is_not() {
        // Given a listing asked for the high-severity flags once
        FlagListing listing = FlagListing.of(List.of(
                flag("r-1", "claimed-no-referral", Severity.HIGH, "2021-05-01T10:00:00Z"),
                flag("r-2", "foi-withheld", Severity.LOW, "2021-05-02T10:00:00Z")));
        StateQueries.Page<CaseFlag> first = listing.page(new BySeverity(Severity.HIGH), 10);

        // When an equal question comes, and one with another limit or severity
        StateQueries.Page<CaseFlag> again = listing.page(new BySeverity(Severity.HIGH), 10);
        StateQueries.Page<CaseFlag> otherLimit = listing.page(new BySeverity(Severity.HIGH), 5);
        StateQueries.Page<CaseFlag> low = listing.page(new BySeverity(Severity.LOW), 10);

        // Then the equal one gets the very page made before, and the others pages of their own
        assertThat(again).isSameAs(first);
        assertThat(otherLimit).isNotSameAs(first).isEqualTo(first);
        assertThat(low.items()).extracting(CaseFlag::getRaidId).containsExactly("r-2");
    }

    @Test
    void a_page_is_rendered_once_per_renderer_and_question() {
        // Given a listing and a renderer that counts its work
        FlagListing listing = FlagListing.of(List.of(flag("r-1", "claimed-no-referral", Severity.HIGH, "2021-05-01T10:00:00Z")));
        AtomicInteger renderings = new AtomicInteger();
        Function<StateQueries.Page<CaseFlag>, String> render = countingRenderer(renderings);

        // When the same question is rendered twice by it, and once by another renderer
        String first = listing.rendered(new BySeverity(Severity.HIGH), 10, render);
        String again = listing.rendered(new BySeverity(Severity.HIGH), 10, render);
        String other = listing.rendered(new BySeverity(Severity.HIGH), 10, page -> "other:" + page.total());

        // Then the renderer worked once, and the other renderer got its own rendering
        assertThat(first).isEqualTo("1:1");
        assertThat(again).isSameAs(first);
        assertThat(renderings).hasValue(1);
        assertThat(other).isEqualTo("other:1");
    }

    @Test
    void a_limit_of_zero_gives_only_the_count() {
        // Given one flag; when listed with limit 0; then it is counted and none is returned
        StateQueries.Page<CaseFlag> page = FlagListing.of(List.of(flag("r-1", "foi-withheld", Severity.LOW, "2021-05-01T10:00:00Z")))
                .page(f -> true, 0);
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.items()).isEmpty();
    }

    @Test
    void a_flag_held_as_its_record_is_made_whole_only_when_it_is_on_a_page() {
        // Given three flags held as their records' bytes, with a decoder that counts its work
        List<CaseFlag> flags = List.of(flag("r-1", "foi-withheld", Severity.LOW, "2021-05-01T10:00:00Z"),
                flag("r-2", "foi-withheld", Severity.HIGH, "2021-05-02T10:00:00Z"),
                flag("r-3", "foi-withheld", Severity.LOW, "2021-05-03T10:00:00Z"));
        AtomicInteger decoded = new AtomicInteger();
        Function<byte[], CaseFlag> decoder = record -> {
            decoded.incrementAndGet();
            return flags.get(record[0]);
        };
        FlagListing listing = FlagListing.ofListed(List.of(ListedFlag.of(flags.get(0), new byte[] {0}, decoder),
                ListedFlag.of(flags.get(1), new byte[] {1}, decoder), ListedFlag.of(flags.get(2), new byte[] {2}, decoder)));

        // When the low-severity flags are listed one at a time
        StateQueries.Page<CaseFlag> page = listing.matching(f -> f.getSeverity() == Severity.LOW, 1);

        // Then both are counted from what the listing holds, and only the newest is decoded, whole
        assertThat(page.total()).isEqualTo(2);
        assertThat(page.items()).containsExactly(flags.get(2));
        assertThat(decoded).hasValue(1);
    }

    @Test
    void a_new_listing_makes_the_pages_asked_of_the_one_it_replaces_before_anyone_asks_again() {
        // Given a listing whose high-severity page was asked for and rendered, and a renderer that counts its work
        FlagListing before = FlagListing.of(List.of(flag("r-1", "claimed-no-referral", Severity.HIGH, "2021-05-01T10:00:00Z")));
        AtomicInteger renderings = new AtomicInteger();
        Function<StateQueries.Page<CaseFlag>, String> render = countingRenderer(renderings);
        before.rendered(new BySeverity(Severity.HIGH), 10, render);

        // When a listing with one more flag replaces it, made like it
        FlagListing after = FlagListing.of(List.of(flag("r-1", "claimed-no-referral", Severity.HIGH, "2021-05-01T10:00:00Z"),
                flag("r-2", "claimed-no-referral", Severity.HIGH, "2021-05-02T10:00:00Z")));
        after.prepareLike(before);
        int renderedAhead = renderings.get();

        // Then the page was rendered ahead, with the new flag, and asking for it renders nothing more
        assertThat(renderedAhead).isEqualTo(2);
        assertThat(after.rendered(new BySeverity(Severity.HIGH), 10, render)).isEqualTo("2:2");
        assertThat(renderings).hasValue(2);
    }
}
