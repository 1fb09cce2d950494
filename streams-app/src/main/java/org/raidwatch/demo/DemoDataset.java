package org.raidwatch.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.London;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.AvroClassTrust;

/**
 * A synthetic but realistic national dataset for the demo: raids by the 44 forces from 2016 to
 * 2021, press reports (most claiming trafficking or modern slavery, some corrected later), and FOI
 * requests sent months after the raids, answered weeks later, some partially, some refused or not
 * held, some never answered, some corrected, a few sent before the report was published. The
 * proportions are calibrated so the national all-time rates land near the research's figures: no
 * NRM referral in about 69% of answered claimed raids, no victim identified in about 25%, and about
 * 80% of FOI requests answered. The same seed gives the same dataset.
 */
public final class DemoDataset {

    /** What the demo runs with unless told otherwise. */
    public static final long DEFAULT_SEED = 2016;
    public static final int DEFAULT_RAIDS = 300;

    /** The research's national figures the dataset is calibrated to. */
    public static final double TARGET_NO_REFERRAL = 0.69;
    public static final double TARGET_NO_VICTIMS = 0.25;
    public static final double TARGET_FOI_ANSWERED = 0.80;


    static {
        // The dataset is made of generated Avro records (their builders copy enums through Avro's class checks).
        AvroClassTrust.install();
    }
    private static final LocalDate FIRST_RAID = LocalDate.of(2016, 1, 1);
    private static final LocalDate LAST_RAID = LocalDate.of(2021, 12, 31);

    /** One input as it arrives: when (in the dataset's own calendar) and what. */
    public record Event(Instant at, RaidReport report, FoiUpdate foiUpdate) {
        /** The day the event happens. */
        public LocalDate day() {
            return LocalDate.ofInstant(at, London.ZONE);
        }
    }

    private DemoDataset() {
    }

    /** What the force's FOI answer turned out to be. */
    private enum Outcome { RESPONDED, PARTIAL, REFUSED, NOT_HELD, NEVER_ANSWERED }

    /**
     * Draws from a shuffled deck holding each outcome in its exact proportion, reshuffled when empty,
     * so even a few hundred raids land near the calibrated figures for any seed.
     */
    private static final class Deck<T> {
        private final List<T> cards;
        private final Random random;
        private final List<T> left = new ArrayList<>();

        Deck(Random random, Map<T, Integer> counts) {
            this.random = random;
            this.cards = new ArrayList<>();
            counts.forEach((card, count) -> cards.addAll(java.util.Collections.nCopies(count, card)));
        }

        T draw() {
            if (left.isEmpty()) {
                left.addAll(cards);
                java.util.Collections.shuffle(left, random);
            }
            return left.remove(left.size() - 1);
        }
    }

    /** The decks claimed raids draw from (the rates count claimed raids only). */
    private record Decks(Deck<Outcome> outcomes, Deck<Boolean> noVictims, Deck<Boolean> noReferralGivenVictims) {
        static Decks of(Random random) {
            Map<Outcome, Integer> outcomes = new java.util.LinkedHashMap<>();
            outcomes.put(Outcome.RESPONDED, 68);
            outcomes.put(Outcome.PARTIAL, 12);
            outcomes.put(Outcome.REFUSED, 8);
            outcomes.put(Outcome.NOT_HELD, 5);
            outcomes.put(Outcome.NEVER_ANSWERED, 7);
            // 25% identify nobody; of the rest, 59% refer nobody: 0.25 + 0.75 x 0.59 = 69% with no referral.
            return new Decks(new Deck<>(random, outcomes), new Deck<>(random, yesNo(25)), new Deck<>(random, yesNo(59)));
        }

        /** A deck of 100 with this many "yes"; ordered, so the same seed deals the same cards in every JVM. */
        private static Map<Boolean, Integer> yesNo(int yes) {
            Map<Boolean, Integer> cards = new java.util.LinkedHashMap<>();
            cards.put(true, yes);
            cards.put(false, 100 - yes);
            return cards;
        }
    }

    /** The events of {@code raids} raids, in arrival order. */
    public static List<Event> generate(long seed, int raids) {
        Random random = new Random(seed);
        Decks decks = Decks.of(random);
        List<Event> events = new ArrayList<>();
        long daysOfRaids = LAST_RAID.toEpochDay() - FIRST_RAID.toEpochDay();
        for (int i = 1; i <= raids; i++) {
            String raidId = String.format(Locale.ROOT, "R%04d", i);
            String force = pickForce(random);
            LocalDate raidDate = FIRST_RAID.plusDays((long) (random.nextDouble() * daysOfRaids));
            addRaid(random, decks, events, raidId, force, raidDate);
        }
        events.sort(Comparator.comparing(Event::at));
        return List.copyOf(events);
    }

    private static void addRaid(Random random, Decks decks, List<Event> events, String raidId, String force, LocalDate raidDate) {
        double claim = random.nextDouble();
        boolean trafficking = claim < 0.78;
        boolean modernSlavery = claim >= 0.70 && claim < 0.88;
        boolean claimed = trafficking || modernSlavery;
        Integer claimedVictims = random.nextDouble() < 0.7 ? 1 + random.nextInt(9) : null;
        Integer claimedArrests = random.nextDouble() < 0.6 ? random.nextInt(6) : null;
        LocalDate reportedOn = raidDate.plusDays(random.nextInt(4));

        boolean requested = random.nextDouble() < (claimed ? 0.85 : 0.3);
        LocalDate requestedOn = raidDate.plusDays(60 + random.nextInt(340));
        if (requested && random.nextDouble() < 0.03) {
            // The request was prompted by another source; the press report comes out after it.
            reportedOn = requestedOn.plusDays(5 + random.nextInt(20));
        }
        RaidReport report = RaidReport.newBuilder()
                .setRaidId(raidId).setRevision(0).setForce(force).setRaidDate(raidDate)
                .setReportedAt(at(reportedOn, 9))
                .setSourceUrl("https://news.example.org/" + force.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-") + "/" + raidId)
                .setTraffickingClaimed(trafficking).setModernSlaveryClaimed(modernSlavery)
                .setClaimedVictims(claimedVictims).setClaimedArrests(claimedArrests)
                .build();
        events.add(new Event(report.getReportedAt(), report, null));
        if (random.nextDouble() < 0.04) {
            RaidReport corrected = RaidReport.newBuilder(report).setRevision(1)
                    .setClaimedVictims(claimedVictims == null ? 1 + random.nextInt(5) : Math.max(0, claimedVictims - 1 - random.nextInt(3)))
                    .build();
            events.add(new Event(at(reportedOn.plusDays(1 + random.nextInt(10)), 15), corrected, null));
        }
        if (!requested) {
            return;
        }

        String foiId = String.format(Locale.ROOT, "FOI-%d-%s", requestedOn.getYear(), raidId.substring(1));
        FoiUpdate request = FoiUpdate.newBuilder()
                .setFoiId(foiId).setRaidId(raidId).setForce(force).setRequestedOn(requestedOn)
                .setStatus(FoiStatus.REQUESTED).setRevision(0).build();
        events.add(new Event(at(requestedOn, 10), null, request));

        Outcome outcome = claimed ? decks.outcomes().draw() : Outcome.values()[random.nextInt(Outcome.values().length)];
        if (outcome == Outcome.NEVER_ANSWERED) {
            return; // it becomes overdue and stays so
        }
        boolean answeredInFull = outcome == Outcome.RESPONDED || outcome == Outcome.PARTIAL;
        LocalDate respondedOn = requestedOn.plusDays(answeredInFull ? 14 + random.nextInt(50) : 20 + random.nextInt(30));
        FoiUpdate.Builder answer = FoiUpdate.newBuilder(request).setRevision(1).setRespondedOn(respondedOn);
        if (answeredInFull) {
            answer.setStatus(outcome == Outcome.RESPONDED ? FoiStatus.RESPONDED : FoiStatus.PARTIAL);
            boolean nobodyIdentified = claimed ? decks.noVictims().draw() : random.nextDouble() < TARGET_NO_VICTIMS;
            int victims = nobodyIdentified ? 0 : 1 + Math.min(7, (int) (-Math.log(1 - random.nextDouble()) * 2.5));
            int referrals = 0;
            if (victims > 0 && !(claimed ? decks.noReferralGivenVictims().draw() : random.nextBoolean())) {
                referrals = 1 + random.nextInt(victims);
            }
            int arrests = random.nextInt(6);
            answer.setVictimsIdentified(victims).setNrmReferrals(referrals)
                    .setNrmDeclined(random.nextDouble() < 0.7 ? victims - referrals : null)
                    .setArrests(arrests)
                    .setTraffickingCharges(arrests == 0 ? 0 : random.nextDouble() < 0.7 ? 0 : 1 + random.nextInt(arrests));
            if (outcome == Outcome.PARTIAL && random.nextDouble() < 0.3) {
                answer.setArrests(null).setTraffickingCharges(null).setNrmDeclined(null);
            }
        } else {
            answer.setStatus(outcome == Outcome.REFUSED ? FoiStatus.REFUSED : FoiStatus.NOT_HELD);
        }
        FoiUpdate answered = answer.build();
        events.add(new Event(at(respondedOn, 14), null, answered));
        if (answered.getNrmReferrals() != null && random.nextDouble() < 0.06) {
            // A correction months later: the force recounts its referrals, one way or the other.
            int victims = answered.getVictimsIdentified();
            int referrals = answered.getNrmReferrals() == 0 && victims > 0 ? 1 : 0;
            FoiUpdate correction = FoiUpdate.newBuilder(answered).setRevision(2)
                    .setVictimsIdentified(victims).setNrmReferrals(referrals)
                    .setNrmDeclined(answered.getNrmDeclined() == null ? null : victims - referrals).build();
            events.add(new Event(at(respondedOn.plusDays(30 + random.nextInt(170)), 11), null, correction));
        }
    }

    /** Larger forces raid more often: the Met and the big metropolitan forces weigh more. */
    private static String pickForce(Random random) {
        List<String> forces = Forces.CANONICAL_NAMES;
        double roll = random.nextDouble();
        if (roll < 0.15) {
            return "Metropolitan Police Service";
        }
        if (roll < 0.30) {
            return List.of("West Midlands Police", "Greater Manchester Police", "West Yorkshire Police", "Thames Valley Police",
                    "Merseyside Police").get(random.nextInt(5));
        }
        return forces.get(random.nextInt(forces.size()));
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).atZone(London.ZONE).toInstant();
    }
}
