package org.raidwatch.cli;

import java.io.PrintWriter;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.raidwatch.contract.London;
import org.raidwatch.deployment.Deployment;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.instance.RaidwatchInstance;
import org.raidwatch.ruledelivery.RuleSetSubscription;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
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
                "Exit status: 0 stopped on request; 1 the stream could not start or stopped on an unexpected error (whatever thread failed); 2 invalid setting or rule set; 4 Kafka or the registry could not be reached; 6 Kafka or the registry refused the credentials."})
final class RunCommand implements Callable<Integer> {


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
        HttpEndpoint endpoint = http.over(configured.http());
        // Listens first: a port that is taken fails at once, and /health answers while the rest starts.
        RaidwatchInstance instance = RaidwatchInstance.listen(new org.raidwatch.rules.LiveRuleSet(rules), endpoint, configured.httpLimits(), configured.rateBase(),
                London::today);
        RaidwatchConfig settings = configured.withHttp(instance.http().enabled() ? instance.http() : endpoint);
        StreamsRunner runner;
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
                RuleSetSubscription subscription = new RuleSetSubscription(settings.clientProperties(), settings.publishedRules().topic(),
                        trustedKeys, settings.publishedRules().pinnedSha256(), instance.rules(),
                        (reason, message) -> instance.metrics().ruleSetRefused(reason), settings.applicationId());
                instance.follow(subscription);
                // Start with the latest published set, rather than switching to it moments after starting.
                subscription.catchUp(connectTimeout);
            }
            Topics topics = Topics.create(settings.topicNames(), registry, settings.autoRegisterSchemas(), settings.useLatestVersion());
            runner = instance.build(settings.streamsProperties(), topics, CaseTopology.Settings.live().withInputPartitions(inputPartitions),
                    settings.clientProperties());
        } catch (Exception | Error e) {
            instance.close();
            throw e;
        }
        Runnable stop = instance::close;
        // Stopped on request and closed cleanly: exit 0 (1 if the stream had failed meanwhile).
        ShutdownSignal signal = ShutdownSignal.stopping("raidwatch-shutdown", stop,
                () -> runner.failure() == null ? ExitCodes.OK : ExitCodes.FAILED);
        if (runner.rebuildsGlobalStores()) {
            out.println("raidwatch: rebuilding this instance's copy of the flags from " + settings.topicNames().flaggedCases()
                    + " while starting (its last run did not close it cleanly)");
            out.flush();
        }
        boolean started;
        try {
            started = instance.start(startupTimeout);
        } catch (RuntimeException | Error e) {
            // Not a signal, so not the hook's exit 0: stop here and let the failure choose the exit status.
            if (signal.withdraw()) {
                stop.run();
            }
            throw e;
        }
        if (!started) {
            if (!signal.withdraw()) {
                signal.awaitStopped(); // stopped on request while starting: the hook closes everything and exits
                return ExitCodes.OK;
            }
            stop.run();
            spec.commandLine().getErr().println(runner.failure() == null
                    ? "raidwatch: the stream did not start running within " + startupTimeout.toSeconds() + " s (state " + runner.state() + ")"
                    : "raidwatch: the stream could not start: " + runner.failure());
            return Failures.refusedCredentials(runner.failure()) ? ExitCodes.CREDENTIALS_REFUSED : ExitCodes.FAILED;
        }
        RuleSet inForce = instance.rules().current();
        out.printf("raidwatch running: application %s, Kafka %s, registry %s, rule set %s (%s); %s. Ctrl-C or SIGTERM stops it.%n",
                settings.applicationId(), settings.bootstrapServers(), settings.registry(), inForce.version(), inForce.source(),
                instance.http().enabled() ? "dashboard, API and metrics at " + settings.http().url() : "HTTP server off");
        out.flush();
        try {
            runner.awaitStop(Duration.ofDays(365_000));
        } catch (InterruptedException interrupted) {
            // Stopped from inside the JVM (an embedding application or a test): shut down as on SIGTERM.
            if (signal.withdraw()) {
                stop.run();
            }
            return ExitCodes.OK;
        }
        if (runner.failure() != null && signal.withdraw()) {
            stop.run();
            spec.commandLine().getErr().println("raidwatch: the stream stopped on an unexpected error: " + runner.failure());
            return Failures.refusedCredentials(runner.failure()) ? ExitCodes.CREDENTIALS_REFUSED : ExitCodes.FAILED;
        }
        signal.awaitStopped();
        return ExitCodes.OK;
    }
}
