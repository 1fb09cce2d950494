package org.raidwatch.cli;

import java.io.PrintWriter;
import java.security.PublicKey;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.raidwatch.http.ApiServer;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runtime.Deployment;
import org.raidwatch.runtime.HttpEndpoint;
import org.raidwatch.runtime.RaidwatchConfig;
import org.raidwatch.runtime.RuleSetSubscription;
import org.raidwatch.runtime.ServiceMetrics;
import org.raidwatch.runtime.StreamsRunner;
import org.raidwatch.runtime.TopicSetup;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run raidwatch against a Kafka cluster and schema registry until stopped.",
        description = {
                "Runs raidwatch against a Kafka cluster and a Confluent-compatible schema registry until stopped; Ctrl-C or SIGTERM shut it down cleanly. Settings come from --config and the environment (see the README's configuration reference). Creates missing topics. Exactly-once by default.",
                "Serves the dashboard, the query API, /health, /ready and /metrics on port 8080 of 127.0.0.1 unless told otherwise (--http-port 0 turns it off).",
                "Exit status: 0 stopped on request; 1 the stream could not start or stopped on an unexpected error (whatever thread failed); 2 invalid setting or rule set; 4 Kafka or the registry could not be reached."})
final class RunCommand implements Callable<Integer> {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Mixin
    HttpOptions http;

    @Option(names = "--startup-timeout", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
            description = "How long the stream may take to start running (default: ${DEFAULT-VALUE}).")
    Duration startupTimeout;

    @Override
    public Integer call() throws Exception {
        RaidwatchConfig configured = deployment.settings();
        Duration connectTimeout = deployment.connectTimeout;
        PrintWriter out = spec.commandLine().getOut();
        RuleSet rules = configured.rulesFolder() == null ? RuleSet.loadShipped() : RuleSet.load(configured.rulesFolder());
        Map<String, PublicKey> trustedKeys = configured.publishedRules().followed() ? configured.publishedRules().trustedKeys() : Map.of();
        LiveRuleSet liveRules = new LiveRuleSet(rules);
        ServiceMetrics metrics = new ServiceMetrics(rules);
        liveRules.onReplace(metrics::ruleSetInForce);
        HttpEndpoint endpoint = http.over(configured.http());
        // Listens first: a port that is taken fails at once, and /health answers while the rest starts.
        ApiServer api;
        try {
            api = endpoint.enabled() ? ApiServer.start(endpoint, metrics, () -> LocalDate.now(LONDON)) : null;
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        RaidwatchConfig settings = configured.withHttp(api == null ? endpoint : api.endpoint());
        StreamsRunner runner;
        Topics topics;
        RuleSetSubscription subscription = null;
        try {
            SchemaRegistryClient registry = SchemaRegistries.forSettings(settings.registry());
            Deployment.checkRegistry(registry, settings.registry(), List.of(settings.topicNames().raidReports() + "-value"));
            int inputPartitions;
            try (Admin admin = Deployment.connect(settings, connectTimeout)) {
                List<String> created = TopicSetup.createMissing(admin, settings.topicNames(), settings.partitions(),
                        settings.replication(), connectTimeout.toMillis());
                if (!created.isEmpty()) {
                    out.println("raidwatch: created topics " + created);
                }
                inputPartitions = Deployment.inputPartitions(admin, settings.topicNames(), connectTimeout);
                if (settings.publishedRules().followed()
                        && TopicSetup.createRulesTopic(admin, settings.publishedRules().topic(), settings.replication(), connectTimeout.toMillis())) {
                    out.println("raidwatch: created topic " + settings.publishedRules().topic());
                }
            }
            if (settings.publishedRules().followed()) {
                subscription = new RuleSetSubscription(settings.clientProperties(), settings.publishedRules().topic(), trustedKeys,
                        settings.publishedRules().pinnedSha256(), liveRules, (reason, message) -> metrics.ruleSetRefused(reason));
                // Start with the latest published set, rather than switching to it moments after starting.
                subscription.catchUp(connectTimeout);
            }
            topics = Topics.create(settings.topicNames(), registry, settings.autoRegisterSchemas(), settings.useLatestVersion());
            var props = settings.streamsProperties();
            runner = new StreamsRunner(CaseTopology.build(props, topics, liveRules,
                    CaseTopology.Settings.live().withInputPartitions(inputPartitions), metrics), props);
        } catch (Exception | Error e) {
            if (subscription != null) {
                subscription.close();
            }
            if (api != null) {
                api.close();
            }
            metrics.close();
            throw e;
        }
        if (api != null) {
            api.attach(runner, topics, settings.clientProperties());
        }
        RuleSetSubscription following = subscription;
        Runnable stop = () -> {
            if (following != null) {
                following.close();
            }
            runner.close();
            if (api != null) {
                api.close();
            }
            metrics.close();
        };
        CountDownLatch closed = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            stop.run();
            closed.countDown();
            // Stopped on request and closed cleanly: exit 0 rather than the JVM's 130/143 for a signal.
            Runtime.getRuntime().halt(runner.failure() == null ? ExitCodes.OK : ExitCodes.FAILED);
        }, "raidwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        if (runner.rebuildsGlobalStores()) {
            out.println("raidwatch: rebuilding this instance's copy of the flags from " + settings.topicNames().flaggedCases()
                    + " while starting (its last run did not close it cleanly)");
            out.flush();
        }
        if (!runner.start(startupTimeout)) {
            if (!withdraw(shutdown)) {
                closed.await(); // stopped on request while starting: the hook closes everything and exits
                return ExitCodes.OK;
            }
            stop.run();
            spec.commandLine().getErr().println(runner.failure() == null
                    ? "raidwatch: the stream did not start running within " + startupTimeout.toSeconds() + " s (state " + runner.state() + ")"
                    : "raidwatch: the stream could not start: " + runner.failure());
            return ExitCodes.FAILED;
        }
        if (following != null) {
            try {
                following.start();
            } catch (RuntimeException | Error e) {
                // Not a signal, so not the hook's exit 0: stop here and let the failure choose the exit status.
                if (withdraw(shutdown)) {
                    stop.run();
                }
                throw e;
            }
        }
        RuleSet inForce = liveRules.current();
        out.printf("raidwatch running: application %s, Kafka %s, registry %s, rule set %s (%s); %s. Ctrl-C or SIGTERM stops it.%n",
                settings.applicationId(), settings.bootstrapServers(), settings.registry(), inForce.version(), inForce.source(),
                api == null ? "HTTP server off" : "dashboard, API and metrics at " + settings.http().url());
        out.flush();
        try {
            runner.awaitStop(Duration.ofDays(365_000));
        } catch (InterruptedException interrupted) {
            // Stopped from inside the JVM (an embedding application or a test): shut down as on SIGTERM.
            if (withdraw(shutdown)) {
                stop.run();
            }
            return ExitCodes.OK;
        }
        if (runner.failure() != null && withdraw(shutdown)) {
            stop.run();
            spec.commandLine().getErr().println("raidwatch: the stream stopped on an unexpected error: " + runner.failure());
            return ExitCodes.FAILED;
        }
        closed.await();
        return ExitCodes.OK;
    }

    /** Takes the shutdown hook back; false when the JVM is already shutting down (a signal), so the hook stops everything. */
    private static boolean withdraw(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
