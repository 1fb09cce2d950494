package org.raidwatch.serving;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/**
 * A flags listing as {@code GET /api/flags?limit=1000} makes it, over a store of {@code flags}
 * flags: every flag, and one severity; building the sorted listing a whole reading of the store
 * makes; and bringing the listing up to date with a second's changes (1,000 flags changed anew)
 * (the decoding is {@code StepBenchmarks.decodeFlag}, per flag).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class FlagListingBenchmarks {

    private static final String[] RULES = {"claimed-no-referral", "no-victims-identified", "foi-overdue", "foi-withheld", "rescue-overstated"};
    private static final String[] FORCES = {"Kent Police", "Metropolitan Police Service", "West Midlands Police", "Avon and Somerset Constabulary"};

    @Param({"100000", "1000000"})
    int flags;

    private List<CaseFlag> decoded;
    private FlagListing listing;
    private List<ListedFlag> changedBefore;
    private List<ListedFlag> changedAfter;

    @Setup(Level.Trial)
    public void prepare() {
        SplittableRandom random = new SplittableRandom(2016);
        Instant start = Instant.parse("2016-01-01T00:00:00Z");
        decoded = new ArrayList<>(flags);
        for (int i = 0; i < flags; i++) {
            decoded.add(CaseFlag.newBuilder().setRaidId("raid-" + i).setRuleId(RULES[random.nextInt(RULES.length)])
                    .setStatus(random.nextInt(10) == 0 ? FlagStatus.RESOLVED : FlagStatus.RAISED)
                    .setSeverity(Severity.values()[random.nextInt(Severity.values().length)])
                    .setForce(FORCES[random.nextInt(FORCES.length)]).setRaidDate(LocalDate.of(2016, 1, 1).plusDays(random.nextInt(3650)))
                    .setExplanation("Raid reported as a trafficking rescue; the FOI answer reports no NRM referral")
                    .setEvidence(Map.of("nrmReferrals", "0", "traffickingClaimed", "true"))
                    .setSourceUrl("https://news.example/raids/" + i).setFoiReference("FOI-" + i)
                    .setRuleSetVersion("sha256:0123456789abcdef").setChangedAt(start.plusSeconds(random.nextLong(315_360_000L))).build());
        }
        List<ListedFlag> listed = decoded.stream().map(ListedFlag::of).toList();
        listing = FlagListing.ofListed(listed);
        changedBefore = new ArrayList<>();
        changedAfter = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ListedFlag before = listed.get(random.nextInt(flags));
            if (!changedBefore.contains(before)) {
                changedBefore.add(before);
                // Built field by field: a builder copied from a record deep-copies through Avro's trusted-class check.
                CaseFlag was = before.flag();
                changedAfter.add(ListedFlag.of(CaseFlag.newBuilder().setRaidId(was.getRaidId()).setRuleId(was.getRuleId())
                        .setStatus(FlagStatus.RESOLVED).setSeverity(was.getSeverity()).setForce(was.getForce())
                        .setRaidDate(was.getRaidDate()).setExplanation(was.getExplanation()).setEvidence(Map.of())
                        .setSourceUrl(was.getSourceUrl()).setFoiReference(was.getFoiReference())
                        .setRuleSetVersion(was.getRuleSetVersion()).setChangedAt(start.plusSeconds(315_360_000L + i)).build()));
            }
        }
    }

    @Benchmark
    public StateQueries.Page<CaseFlag> everyFlagFirstThousand() {
        return listing.matching(flag -> true, 1000);
    }

    @Benchmark
    public StateQueries.Page<CaseFlag> oneSeverityFirstThousand() {
        return listing.matching(flag -> flag.getSeverity() == Severity.HIGH, 1000);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public FlagListing mergeThousandChanges() {
        return listing.withChanges(changedBefore, changedAfter);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public FlagListing sortReading() {
        return FlagListing.of(decoded);
    }
}
