package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.raidwatch.alerts.FlagFilter;
import org.raidwatch.alerts.FlagSubscription;
import org.raidwatch.alerts.WebhookDelivery;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.LogText;
import org.raidwatch.deployment.Deployment;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.json.OutputJson;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.topology.Topic;
import org.raidwatch.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/** {@code raidwatch alerts}: subscribers that pass a deployment's flag changes on to people (a terminal, a chat webhook). */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        header = "Follow a deployment's flag changes: print them, or POST them to a webhook.",
        description = {
                "Subscribers to the flagged-cases topic of a running deployment. Each is a Kafka consumer group of its own (--group), reads only committed flag changes (read_committed) and commits its position as it goes, so a restart resumes where it stopped.",
                "  tail     print each flag change as a line (or JSON with --json)",
                "  webhook  POST each flag change as JSON to a URL, at least once (chat webhooks show its \"text\")",
                "Exit status: 0 stopped on request (Ctrl-C, SIGTERM) or at --max/--idle-timeout; 1 unexpected error; 2 usage error, invalid setting, or no flagged-cases topic; 4 Kafka or the schema registry could not be reached; 6 Kafka or the registry refused the credentials."},
        subcommands = {AlertsCommand.Tail.class, AlertsCommand.Webhook.class})
final class AlertsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subscriber: tail or webhook");
    }

    /** The filters both subscribers share; each option may be repeated or given a comma-separated list. */
    static final class FilterOptions {

        @Option(names = "--severity", paramLabel = "SEVERITY", split = ",", converter = SeverityConverter.class,
                description = "Only flags of this severity: HIGH, MEDIUM or LOW. Exactly that severity, not \"that or worse\": for HIGH and MEDIUM give --severity HIGH,MEDIUM. Repeatable.")
        List<Severity> severities;

        @Option(names = "--force", paramLabel = "NAME", converter = ForceConverter.class, split = ",",
                description = "Only raids by this force, by canonical or short name (e.g. 'Devon & Cornwall Police' or 'devon and cornwall'). Repeatable, or a comma-separated list.")
        List<String> forces;

        @Option(names = "--rule", paramLabel = "ID", split = ",",
                description = "Only flags of this rule, e.g. claimed-no-referral. Repeatable.")
        List<String> rules;

        @Option(names = "--status", paramLabel = "STATUS", split = ",", converter = StatusConverter.class,
                description = "Only these changes: RAISED, UPDATED or RESOLVED. Repeatable.")
        List<FlagStatus> statuses;

        FlagFilter filter() {
            return FlagFilter.of(severities, forces, rules, statuses);
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Print each flag change as it happens, one line each.",
            description = {
                    "Prints one line per flag change (a flag RAISED, UPDATED or RESOLVED on a raid) that passes the filters (severity, force, rule, status); with --json, the change as one JSON object per line. Each line is flushed as it is printed. Runs until Ctrl-C or SIGTERM, or --max / --idle-timeout.",
                    "Starts where its consumer group (--group) last stopped; a group that never ran starts with the changes written from now on. --from-beginning prints the whole topic first, whatever the group read before. flagged-cases is compacted: from the beginning means the latest change of every flag plus any history not compacted away yet.",
                    "Terminals that share a group share the topic's partitions, each seeing only its part: give each its own --group.",
                    "Exit status: 0 stopped on request or at --max/--idle-timeout; 1 unexpected error; 2 usage error, invalid setting, or no flagged-cases topic; 4 Kafka or the schema registry could not be reached; 6 Kafka or the registry refused the credentials."})
    static final class Tail implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DeploymentOptions deployment;

        @Mixin
        FilterOptions filters;

        @Option(names = "--json", description = "One JSON object per line (the fields of a CaseFlag), instead of the human line.")
        boolean json;

        @Option(names = "--from-beginning", description = "Read the whole topic from the earliest flag change, whatever the group read before.")
        boolean fromBeginning;

        @Option(names = "--group", paramLabel = "ID", defaultValue = "raidwatch-alerts-tail",
                description = "Kafka consumer group; where the next start resumes (default: ${DEFAULT-VALUE}).")
        String group;

        @Option(names = "--max", paramLabel = "N", description = "Stop after printing N flag changes.")
        Long max;

        @Option(names = "--skip-undecodable",
                description = "Pass over a record that cannot be decoded as a flag change (logged and counted). Without it, such a record is retried (1 s, doubling to 60 s) and nothing after it on its partition is printed or committed until it decodes.")
        boolean skipUndecodable;

        @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Stop when no flag change has arrived for this long (say 5s), counted from joining the group: with --from-beginning, prints what the topic holds and exits.")
        Duration idleTimeout;

        private volatile FlagSubscription subscription;

        @Override
        public Integer call() {
            if (max != null && max < 1) {
                throw new Failures.UsageFailure("--max must be at least 1, got " + max);
            }
            if (idleTimeout != null && !isPositive(idleTimeout)) {
                throw new Failures.UsageFailure("--idle-timeout must be longer than 0");
            }
            RaidwatchConfig settings = deployment.settings();
            Topic<String, CaseFlag> topic = flaggedCases(settings, deployment.connectTimeout);
            PrintWriter out = spec.commandLine().getOut();
            FlagFilter filter = filters.filter();
            subscription = new FlagSubscription(settings.clientProperties(), topic, filter,
                    new FlagSubscription.Settings("alerts tail", group,
                            fromBeginning ? FlagSubscription.Start.WHOLE_TOPIC : FlagSubscription.Start.NEW_FLAGS,
                            Duration.ofSeconds(1), Duration.ofSeconds(60), max == null ? 0 : max, idleTimeout, null, 0, skipUndecodable),
                    flag -> print(out, flag));
            PrintWriter err = spec.commandLine().getErr();
            return runUntilStopped(subscription, Duration.ofSeconds(10), summary -> {
                // On stderr: stdout carries only flag lines, for pipes and files.
                err.printf("raidwatch alerts tail: %s; %d flag changes printed, %d skipped by the filters (%s)%s%n",
                        summary.stoppedBecause(), summary.handled(), summary.skipped(), filter.describe(),
                        summary.undecodable() == 0 ? "" : ", " + summary.undecodable() + " undecodable records skipped");
                err.flush();
            });
        }

        private FlagSubscription.Attempt print(PrintWriter out, CaseFlag flag) {
            out.println(json ? OutputJson.flagLine(flag) : ConsoleReport.flagLine(flag));
            out.flush();
            if (out.checkError()) {
                // Whoever read the lines is gone (the pipe closed): nothing left to print to.
                subscription.stop();
            }
            return FlagSubscription.Attempt.ok();
        }
    }

    /** The environment variable the webhook's URL may come from, instead of the command line. */
    static final String WEBHOOK_URL_VARIABLE = "RAIDWATCH_WEBHOOK_URL";

    @Command(name = "webhook", mixinStandardHelpOptions = true, sortOptions = false,
            header = "POST each flag change to a URL as JSON, at least once.",
            description = {
                    "POSTs each flag change that passes the filters to --url as {\"text\": \"<one line: severity, status, rule, raid, force, explanation, source>\", \"flag\": {<the change, as alerts tail --json prints it>}}; chat webhooks (Slack, Mattermost and the like) show the text.",
                    "At least once: a change's offset is committed only once the URL answered 2xx (changes the filters leave out are committed as skipped). Any other answer, or none within --timeout, is logged and retried, waiting --backoff, doubling up to --max-backoff, for as long as it takes; the changes behind it on its partition wait, so a flag's changes always arrive in order. A restart with the same --group delivers from the first change not yet accepted, so a change is never lost; one in flight when it stopped may arrive twice.",
                    "A group that never ran starts with the changes written from now on, or with --from-beginning from the earliest change in the topic; once the group has committed, it always resumes where it stopped.",
                    "The URL comes from --url-file, --url or the environment variable RAIDWATCH_WEBHOOK_URL (when neither option is given). Counts of delivered, skipped and failed attempts are logged every minute and printed on exit. Only the URL's scheme and host are ever printed: chat webhooks carry their secret in the path.",
                    "Exit status: 0 stopped on request (Ctrl-C, SIGTERM); 1 unexpected error; 2 usage error, invalid setting, or no flagged-cases topic; 4 Kafka or the schema registry could not be reached; 6 Kafka or the registry refused the credentials."})
    static final class Webhook implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--url", paramLabel = "URL",
                description = "Where to POST, http:// or https://. Visible to other users in the process list: prefer --url-file or "
                        + WEBHOOK_URL_VARIABLE + " for a URL that carries a secret.")
        String urlOption;

        @Option(names = "--url-file", paramLabel = "FILE",
                description = "Read the URL from this file's first line (e.g. a mounted secret).")
        Path urlFile;

        @Mixin
        DeploymentOptions deployment;

        @Mixin
        FilterOptions filters;

        @Option(names = "--from-beginning",
                description = "When the group has never committed a position, start from the earliest flag change in the topic instead of only new ones.")
        boolean fromBeginning;

        @Option(names = "--group", paramLabel = "ID", defaultValue = "raidwatch-alerts-webhook",
                description = "Kafka consumer group; where the next start resumes. One group per webhook (default: ${DEFAULT-VALUE}).")
        String group;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "How long connecting, and then the answer, may take before the attempt counts as failed (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--backoff", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
                description = "Wait after a failed attempt; it doubles with each failure in a row (default: ${DEFAULT-VALUE}).")
        Duration backoff;

        @Option(names = "--max-backoff", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
                description = "The longest wait between attempts (default: ${DEFAULT-VALUE}).")
        Duration maxBackoff;

        @Option(names = "--skip-undecodable",
                description = "Pass over a record that cannot be decoded as a flag change (logged and counted). Without it, such a record is retried like a failed delivery and nothing after it on its partition is committed, so no alert is lost while a schema is missing from the registry.")
        boolean skipUndecodable;

        @Override
        public Integer call() {
            if (!isPositive(timeout) || !isPositive(backoff)) {
                throw new Failures.UsageFailure("--timeout and --backoff must be longer than 0");
            }
            if (maxBackoff.compareTo(backoff) < 0) {
                throw new Failures.UsageFailure("--max-backoff (" + maxBackoff.toMillis() + " ms) must not be shorter than --backoff ("
                        + backoff.toMillis() + " ms)");
            }
            URI url = url(System.getenv(WEBHOOK_URL_VARIABLE));
            RaidwatchConfig settings = deployment.settings();
            Topic<String, CaseFlag> topic = flaggedCases(settings, deployment.connectTimeout);
            FlagFilter filter = filters.filter();
            FlagSubscription subscription = new FlagSubscription(settings.clientProperties(), topic, filter,
                    new FlagSubscription.Settings("alerts webhook", group,
                            fromBeginning ? FlagSubscription.Start.EARLIEST_FOR_NEW_GROUP : FlagSubscription.Start.NEW_FLAGS,
                            backoff, maxBackoff, 0, null, Duration.ofMinutes(1), recordsPerPoll(settings), skipUndecodable),
                    new WebhookDelivery(url, timeout));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("raidwatch alerts webhook: delivering %s from %s at %s to %s (group %s). Ctrl-C or SIGTERM stops it.%n",
                    filter.describe(), topic.name(), settings.bootstrapServers(), WebhookDelivery.redacted(url), group);
            out.flush();
            return runUntilStopped(subscription, timeout.plusSeconds(10), summary -> {
                out.printf("raidwatch alerts webhook: %s; %d flag changes delivered, %d skipped by the filters, %d failed attempts%s%s%n",
                        summary.stoppedBecause(), summary.handled(), summary.skipped(), summary.failedAttempts(),
                        summary.undecodable() == 0 ? "" : ", " + summary.undecodable() + " undecodable records skipped",
                        summary.pending() ? "; the change being retried is not delivered yet: the next start with group " + group
                                + " delivers it" : "");
                out.flush();
            });
        }

        /** The URL from --url, --url-file or the environment (one of them), checked; no message repeats it. */
        URI url(String fromEnvironment) {
            if (urlOption != null && urlFile != null) {
                throw new Failures.UsageFailure("give the webhook URL once: --url or --url-file, not both");
            }
            String text;
            String from;
            if (urlFile != null) {
                try (var lines = Files.lines(urlFile, StandardCharsets.UTF_8)) {
                    text = lines.map(String::trim).filter(line -> !line.isEmpty()).findFirst()
                            .orElseThrow(() -> new Failures.UsageFailure("--url-file " + urlFile + " holds no URL"));
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new Failures.UsageFailure("cannot read --url-file " + urlFile + ": " + LogText.rootCause(e));
                }
                from = "--url-file " + urlFile;
            } else if (urlOption != null) {
                text = urlOption;
                from = "--url";
            } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                text = fromEnvironment;
                from = WEBHOOK_URL_VARIABLE;
            } else {
                throw new Failures.UsageFailure("give the webhook URL: --url-file FILE or " + WEBHOOK_URL_VARIABLE
                        + " (neither shows it in the process list), or --url URL");
            }
            try {
                return WebhookDelivery.checkedUrl(text);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageFailure(from + ": " + e.getMessage());
            }
        }

        /**
         * Records per poll such that a poll's worth, each answered just inside --timeout, still leaves
         * time to poll again within max.poll.interval.ms (a member that does not is dropped from its group).
         */
        private int recordsPerPoll(RaidwatchConfig settings) {
            Object configured = settings.clientProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
            long interval;
            try {
                interval = configured == null ? 300_000 : Long.parseLong(configured.toString().trim());
            } catch (NumberFormatException e) {
                throw new Failures.UsageFailure(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG + " must be a whole number of milliseconds, got: "
                        + configured);
            }
            // One attempt can take the connect timeout and then the request timeout, and reading the answer: 3x, with room to spare.
            return (int) Math.max(1, Math.min(100, interval / (4 * timeout.toMillis())));
        }
    }

    /**
     * The deployment's flagged-cases topic, once the registry and Kafka have answered and the topic
     * exists; a subscriber started before raidwatch ever ran is told so.
     */
    static Topic<String, CaseFlag> flaggedCases(RaidwatchConfig settings, Duration connectTimeout) {
        String name = settings.topicNames().flaggedCases();
        SchemaRegistryClient registry = SchemaRegistries.forSettings(settings.registry());
        Deployment.checkRegistry(registry, settings.registry(), List.of(name + "-value"));
        try (Admin admin = Deployment.connect(settings, connectTimeout)) {
            if (!admin.listTopics().names().get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).contains(name)) {
                throw new Failures.UsageFailure("topic " + name + " does not exist at " + settings.bootstrapServers()
                        + "; start 'raidwatch run' once (it creates the topics), or set raidwatch.topic.flagged-cases to the deployment's");
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new TopicSetup.BrokerUnreachableException("Kafka at " + settings.bootstrapServers() + " did not list its topics within "
                    + connectTimeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka", e);
        }
        if (settings.registry().isMock()) {
            try {
                registry.latest(name + "-value");
            } catch (org.raidwatch.serde.SchemaRegistryException nothingThere) {
                // An in-memory registry lives inside one process: another process's (the demo's) cannot be reached from here.
                throw new Failures.UsageFailure(settings.registry() + " holds no schema for " + name + ": a mock:// registry exists"
                        + " only inside the process that made it, so the demo's flags cannot be read from another process"
                        + " (watch them on its dashboard); give the deployment's schema registry (http:// or https://)");
            }
        }
        return Topics.create(settings.topicNames(), registry, settings.autoRegisterSchemas(), settings.useLatestVersion()).flaggedCases();
    }

    /**
     * Runs a subscription until it stops. Ctrl-C or SIGTERM stop it cleanly: the hook waits for the
     * last commit and the summary, then exits 0 rather than the JVM's 130/143 for a signal. Stopped
     * from inside the JVM (its thread interrupted), it returns 0 the same way.
     */
    static int runUntilStopped(FlagSubscription subscription, Duration grace, Consumer<FlagSubscription.Summary> report) {
        ShutdownSignal signal = ShutdownSignal.requesting("raidwatch-alerts-stop", subscription::stop, grace);
        try {
            report.accept(subscription.run());
            signal.done();
            return ExitCodes.OK;
        } finally {
            signal.withdraw();
        }
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    static final class SeverityConverter implements ITypeConverter<Severity> {
        @Override
        public Severity convert(String value) {
            try {
                return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected HIGH, MEDIUM or LOW, got '" + value + "'");
            }
        }
    }

    static final class StatusConverter implements ITypeConverter<FlagStatus> {
        @Override
        public FlagStatus convert(String value) {
            try {
                return FlagStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected RAISED, UPDATED or RESOLVED, got '" + value + "'");
            }
        }
    }

    /** A force as people name it, to the canonical name flags carry. */
    static final class ForceConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return Forces.canonical(value).orElseThrow(() -> new TypeConversionException("'" + value
                    + "' is not one of the 44 forces of England and Wales (give a canonical or short name, e.g. 'Kent Police' or 'kent')"));
        }
    }

}
