package org.raidwatch.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.ProcessingObserver;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;

/**
 * raidwatch's metrics, in Prometheus' text format: what the topology reports (inputs read, flag
 * changes by rule and status, dead letters by reason, rule evaluation time), the rule set in use,
 * the current rates of the forces this instance holds (all time and the latest complete twelve
 * months), Kafka Streams' own metrics and the JVM's. Each force's rates are held by exactly one
 * instance, so summing or joining the instances' series gives every force once.
 */
public final class ServiceMetrics implements ProcessingObserver, AutoCloseable {

    /** The rates' window labels. */
    public static final String ALL_TIME = "all";
    public static final String LATEST_TWELVE_MONTHS = "latest-12-months";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> inputs = new ConcurrentHashMap<>();
    private final Map<String, Counter> flagChanges = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Timer ruleEvaluation;
    private final Counter flagPagesMade;
    private final MultiGauge rates;
    private final MultiGauge rateCounts;
    private final MultiGauge rateIntervals;
    private final MultiGauge rateLowBase;
    private final RateBase rateBase;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private Gauge ruleSetInfo;
    private volatile StateQueries queries;
    private volatile Supplier<LocalDate> today;

    /** A rule set's metrics, rates marked low base at the default threshold. */
    public ServiceMetrics(RuleSet ruleSet) {
        this(ruleSet, RateBase.DEFAULT);
    }

    /** @param rateBase when a rate is marked low base ({@code raidwatch_rate_low_base}) */
    public ServiceMetrics(RuleSet ruleSet, RateBase rateBase) {
        this.rateBase = rateBase;
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ruleSetInfo = ruleSetInfo(ruleSet);
        ruleEvaluation = Timer.builder("raidwatch.rule.evaluation")
                .description("Time to run the rules on one case")
                .register(registry);
        flagPagesMade = Counter.builder("raidwatch.http.flag.pages.made")
                .description("Pages of the flags listing rendered for /api/flags: one per question and listing, however many ask at once")
                .register(registry);
        for (String reason : List.of("host", "rate", "feed")) {
            httpRefused(reason, 0);
        }
        rates = MultiGauge.builder("raidwatch.rate")
                .description("A force's (or ALL's) rate over a window: rate=no_referral, no_victims or foi_answered (absent while its denominator is 0)")
                .register(registry);
        rateCounts = MultiGauge.builder("raidwatch.rate.count")
                .description("The counts the rates rest on, by force (or ALL) and window")
                .register(registry);
        rateIntervals = MultiGauge.builder("raidwatch.rate.interval")
                .description("A rate's 95% Wilson score interval: bound=low or high (absent while the rate is)")
                .register(registry);
        rateLowBase = MultiGauge.builder("raidwatch.rate.low.base")
                .description("1 when a rate's denominator is below the low-base threshold (raidwatch.rates.low.base), else 0 (absent while the rate is)")
                .register(registry);
        // Every series exists from the start (at 0), so an alert on a missing series means a missing instance.
        for (String input : List.of("raid-reports", "foi-updates")) {
            inputRead(input, 0);
        }
        for (String ruleId : ruleSet.ruleIds()) {
            for (FlagStatus status : FlagStatus.values()) {
                flagChanged(ruleId, status, 0);
            }
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counter.builder("raidwatch.dead.letters").description("Inputs sent to the dead-letter topic, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
    }

    /** How many inputs (or, re-evaluated, cases) went to the dead-letter topic since start-up. */
    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(counter -> (long) counter.count()).sum();
    }

    /** A rule set was put in force while running: the info series follows it, and its rules' counters exist at 0. */
    public synchronized void ruleSetInForce(RuleSet ruleSet) {
        registry.remove(ruleSetInfo);
        ruleSetInfo = ruleSetInfo(ruleSet);
        for (String ruleId : ruleSet.ruleIds()) {
            for (FlagStatus status : FlagStatus.values()) {
                flagChanged(ruleId, status, 0);
            }
        }
    }

    /** Reports the live feed's open connections as {@code raidwatch_http_feed_connections}. */
    public void watchFeed(java.util.function.IntSupplier open) {
        Gauge.builder("raidwatch.http.feed.connections", open::getAsInt)
                .description("Live-feed (/api/feed) connections open now")
                .register(registry);
    }

    /** A page of the flags listing was rendered for the API. */
    public void flagPageMade() {
        flagPagesMade.increment();
    }

    /** The HTTP server refused a request before answering it: reason host (421), rate (429) or feed (503, the live feed full). */
    public void httpRefused(String reason) {
        httpRefused(reason, 1);
    }

    private void httpRefused(String reason, int count) {
        Counter.builder("raidwatch.http.refused").description("Requests the HTTP server refused, by reason: host (421), rate (429), feed (503)")
                .tag("reason", reason).register(registry).increment(count);
    }

    /** A published rule set was refused (reason: unsigned, untrusted-key, bad-signature, does-not-build, ...). */
    public void ruleSetRefused(String reason) {
        Counter.builder("raidwatch.rule.set.refused").description("Published rule sets this instance refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    private Gauge ruleSetInfo(RuleSet ruleSet) {
        return Gauge.builder("raidwatch.rule.set.info", () -> 1)
                .description("The rule set in use (always 1; the version and where it was loaded from are labels)")
                .tags("version", ruleSet.version(), "source", ruleSet.source())
                .register(registry);
    }

    /** Adds Kafka Streams' metrics and the rates held by this instance (read when scraped). */
    public void watch(StreamsRunner runner, StateQueries queries, Supplier<LocalDate> today) {
        binders.add(runner.bindMetrics(registry));
        this.queries = queries;
        this.today = today;
    }

    /** Everything, in Prometheus' text exposition format (version 0.0.4). */
    public synchronized String scrape() {
        refreshRates();
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void inputRead(String input) {
        inputRead(input, 1);
    }

    @Override
    public void flagChanged(String ruleId, FlagStatus status) {
        flagChanged(ruleId, status, 1);
    }

    private void inputRead(String input, int count) {
        inputs.computeIfAbsent(input, name -> Counter.builder("raidwatch.records.processed")
                .description("Input records read, good or bad, by input topic").tag("input", name).register(registry)).increment(count);
    }

    private void flagChanged(String ruleId, FlagStatus status, int count) {
        flagChanges.computeIfAbsent(ruleId + '\n' + status, key -> Counter.builder("raidwatch.flag.changes")
                .description("Flag changes sent, by rule and status").tags("rule", ruleId, "status", status.name())
                .register(registry)).increment(count);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    @Override
    public void rulesEvaluated(long nanos) {
        ruleEvaluation.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void refreshRates() {
        StateQueries current = queries;
        if (current == null) {
            return;
        }
        List<ForceRates> held;
        try {
            held = current.localRates(null);
        } catch (StateQueries.NotQueryableNow notNow) {
            // Not readable now (starting, rebalancing, stopped): report nothing rather than figures another instance may now hold.
            rates.register(List.of(), true);
            rateCounts.register(List.of(), true);
            rateIntervals.register(List.of(), true);
            rateLowBase.register(List.of(), true);
            return;
        }
        String latest = RateVocabulary.latestCompleteWindow(today.get());
        List<MultiGauge.Row<?>> rateRows = new ArrayList<>();
        List<MultiGauge.Row<?>> countRows = new ArrayList<>();
        List<MultiGauge.Row<?>> intervalRows = new ArrayList<>();
        List<MultiGauge.Row<?>> lowBaseRows = new ArrayList<>();
        for (String window : List.of(ALL_TIME, LATEST_TWELVE_MONTHS)) {
            for (ForceRates r : StateQueries.inWindow(held, window.equals(ALL_TIME) ? RateVocabulary.ALL_TIME : latest)) {
                Tags tags = Tags.of("force", r.getForce(), "window", window);
                addRows(rateRows, countRows, r, tags);
                for (RateBase.Reading reading : rateBase.read(r)) {
                    if (reading.interval() != null) {
                        Tags rate = tags.and("rate", reading.rate().label());
                        intervalRows.add(MultiGauge.Row.of(rate.and("bound", "low"), reading.interval().low()));
                        intervalRows.add(MultiGauge.Row.of(rate.and("bound", "high"), reading.interval().high()));
                        lowBaseRows.add(MultiGauge.Row.of(rate, reading.lowBase() ? 1 : 0));
                    }
                }
            }
        }
        rates.register(rateRows, true);
        rateCounts.register(countRows, true);
        rateIntervals.register(intervalRows, true);
        rateLowBase.register(lowBaseRows, true);
    }

    private static void addRows(List<MultiGauge.Row<?>> rateRows, List<MultiGauge.Row<?>> countRows, ForceRates r, Tags tags) {
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            addRate(rateRows, tags, rate.label(), (Double) r.get(rate.name()));
        }
        for (String counter : RateVocabulary.COUNTERS) {
            addCount(countRows, tags, RateVocabulary.snakeCase(counter), RateVocabulary.count(r, counter));
        }
    }

    private static void addRate(List<MultiGauge.Row<?>> rows, Tags tags, String rate, Double value) {
        if (value != null) {
            rows.add(MultiGauge.Row.of(tags.and("rate", rate), value));
        }
    }

    private static void addCount(List<MultiGauge.Row<?>> rows, Tags tags, String count, int value) {
        rows.add(MultiGauge.Row.of(tags.and("count", count), value));
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception ignored) {
                // closing metrics must not stop a shutdown
            }
        }
        registry.close();
    }
}
