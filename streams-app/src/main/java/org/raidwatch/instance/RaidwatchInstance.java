package org.raidwatch.instance;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.deployment.HttpLimits;
import org.raidwatch.http.ApiServer;
import org.raidwatch.ruledelivery.RuleSetSubscription;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.serving.ServiceMetrics;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.FlagStoreChanges;
import org.raidwatch.topology.Topics;

/**
 * One raidwatch instance, assembled in one place for {@code run}, {@code demo} and the integration
 * tests: the rule set in force, the metrics, the HTTP server, the Kafka Streams runner of the
 * topology and the rules-topic subscription, closed in the reverse of that order.
 *
 * <p>It comes up in two steps. {@link #listen} puts the rule set in force and opens the HTTP server
 * first, so a port that is taken fails at once and {@code /health} answers while the rest starts;
 * {@link #build} then builds the topology and its runner, which {@link #start} starts.
 */
public final class RaidwatchInstance implements AutoCloseable {

    private final LiveRuleSet rules;
    private final ServiceMetrics metrics;
    private final ApiServer api;
    private StreamsRunner runner;
    private RuleSetSubscription subscription;

    private RaidwatchInstance(LiveRuleSet rules, ServiceMetrics metrics, ApiServer api) {
        this.rules = rules;
        this.metrics = metrics;
        this.api = api;
    }

    /**
     * Puts the rule set in force, starts its metrics and the HTTP server (unless the endpoint is off).
     *
     * @param today "now" for the API's rates (the London date live; a fixed or simulated date otherwise)
     */
    public static RaidwatchInstance listen(RuleSet ruleSet, HttpEndpoint http, Supplier<LocalDate> today) {
        return listen(new LiveRuleSet(ruleSet), http, today);
    }

    /** As {@link #listen(RuleSet, HttpEndpoint, Supplier)}, with a rule set in force that the caller may replace. */
    public static RaidwatchInstance listen(LiveRuleSet rules, HttpEndpoint http, Supplier<LocalDate> today) {
        return listen(rules, http, HttpLimits.DEFAULTS, RateBase.DEFAULT, today);
    }

    /**
     * As {@link #listen(LiveRuleSet, HttpEndpoint, Supplier)}, the HTTP server held to these limits, and
     * rates marked low base (in the API, the dashboard and the metrics) below this base.
     */
    public static RaidwatchInstance listen(LiveRuleSet rules, HttpEndpoint http, HttpLimits limits, RateBase rateBase,
                                           Supplier<LocalDate> today) {
        ServiceMetrics metrics = new ServiceMetrics(rules.current(), rateBase);
        rules.onReplace(metrics::ruleSetInForce);
        try {
            return new RaidwatchInstance(rules, metrics, http.enabled() ? ApiServer.start(http, limits, rateBase, metrics, today) : null);
        } catch (RuntimeException | Error e) {
            metrics.close();
            throw e;
        }
    }

    /** The rule set in force, which a subscription, a folder watcher or a test may replace. */
    public LiveRuleSet rules() {
        return rules;
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The endpoint the HTTP server listens on (its port chosen, when asked for any), or the endpoint that is off. */
    public HttpEndpoint http() {
        return api == null ? HttpEndpoint.off() : api.endpoint();
    }

    /**
     * Builds the topology under the rule set in force and its runner, and lets the HTTP server answer
     * from it. The instance's {@code application.server} is its HTTP endpoint unless the properties
     * name one (an advertised host).
     *
     * @param clientProperties how the HTTP server's live feed and forwarding reach Kafka
     */
    public StreamsRunner build(Properties streamsProperties, Topics topics, CaseTopology.Settings settings,
                               Map<String, Object> clientProperties) {
        if (runner != null) {
            throw new IllegalStateException("this instance's stream is built already");
        }
        if (api != null) {
            streamsProperties.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, api.endpoint().applicationServer());
            // The name the other instances forward to is one this server answers for, whoever chose it.
            api.answerFor(HostInfo.buildFromEndpoint(streamsProperties.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)).host());
        }
        FlagStoreChanges flagChanges = new FlagStoreChanges();
        runner = new StreamsRunner(CaseTopology.build(streamsProperties, topics, rules, settings, metrics, flagChanges), streamsProperties);
        if (api != null) {
            api.attach(runner, topics, flagChanges, clientProperties);
        }
        return runner;
    }

    /** Follows published rule sets once the stream runs; the subscription is closed with the instance, first. */
    public void follow(RuleSetSubscription published) {
        this.subscription = published;
    }

    /**
     * Starts the stream and waits until it runs, then the rules subscription.
     *
     * @return false when the stream failed or did not run within the timeout (see {@link StreamsRunner#failure()})
     */
    public boolean start(Duration timeout) {
        if (!runner.start(timeout)) {
            return false;
        }
        if (subscription != null) {
            subscription.start();
        }
        return true;
    }

    public StreamsRunner runner() {
        return runner;
    }

    /** Closes the rules subscription, the stream (committing and closing its stores), the HTTP server and the metrics. */
    @Override
    public void close() {
        try {
            if (subscription != null) {
                subscription.close();
            }
        } finally {
            try {
                if (runner != null) {
                    runner.close();
                }
            } finally {
                try {
                    if (api != null) {
                        api.close();
                    }
                } finally {
                    metrics.close();
                }
            }
        }
    }
}
