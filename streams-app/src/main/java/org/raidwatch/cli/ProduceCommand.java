package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.deployment.Deployment;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.files.InputFiles;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Load CSV or JSON Lines files into a running deployment's input topics.",
        description = {
                "Loads files of raid reports and FOI updates (CSV or JSON Lines) into a running deployment's input topics, with the same validation as replay. Rejected rows are listed on stderr as file:line: reason, and written to --rejected as JSON Lines when given.",
                "A record counts as sent once Kafka has acknowledged it. A record Kafka refuses, or does not acknowledge within delivery.timeout.ms (default 2 minutes), is listed on stderr as file:line: reason.",
                "Exit status: 0 every row sent; 3 some rows rejected (the rest sent); 5 some records could not be delivered to Kafka (each listed; the rest sent); 2 usage error, unreadable file or invalid setting; 4 Kafka or the registry could not be reached, or the input topics have no leader; 6 Kafka or the registry refused the credentials."})
final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputFilesOption inputs;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--rejected", paramLabel = "FILE", description = "Also write rejected rows here as JSON Lines.")
    Path rejectedFile;

    @Option(names = "--quiet", description = "No progress line on the terminal (there is none when the output is not a terminal).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        RaidwatchConfig settings = deployment.settings();
        InputFilesOption.Read read = inputs.read(spec);
        Duration connectTimeout = deployment.connectTimeout;
        SchemaRegistryClient registry = SchemaRegistries.forSettings(settings.registry());
        Deployment.checkRegistry(registry, settings.registry(), List.of(settings.topicNames().raidReports() + "-value"));
        List<String> inputTopics = List.of(settings.topicNames().raidReports(), settings.topicNames().foiUpdates());
        try (Admin admin = Deployment.connect(settings, connectTimeout)) {
            var existing = admin.listTopics().names().get(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            for (String topic : inputTopics) {
                if (!existing.contains(topic)) {
                    throw new Failures.UsageFailure("topic " + topic + " does not exist at " + settings.bootstrapServers()
                            + "; start 'raidwatch run' once (it creates the topics) or create it");
                }
            }
            TopicSetup.awaitLeaders(admin, inputTopics, connectTimeout);
        }
        InputLoader.Result sent;
        try (InputLoader loader = new InputLoader(settings.clientProperties(), Topics.create(settings.topicNames(), registry))) {
            InputLoader.Sending sending = loader.sending();
            long rows = (read.raids() == null ? 0 : read.raids().accepted().size()) + (read.fois() == null ? 0 : read.fois().accepted().size());
            ProgressLine.Remaining remaining = new ProgressLine.Remaining();
            try (ProgressLine line = ProgressLine.onTerminal(quiet, () -> {
                long settled = sending.settled();
                return "produce: " + ProgressLine.count(settled) + " of " + ProgressLine.count(rows) + " records sent ("
                        + ProgressLine.percent(settled, rows) + ")" + ProgressLine.left(remaining.after(settled, rows));
            })) {
                sent = loader.sendAll(sending, read.raidsFile(), read.raids(), read.foiFile(), read.fois());
            }
        }
        List<InputFiles.Rejection> rejected = read.rejected();
        PrintWriter err = spec.commandLine().getErr();
        rejected.forEach(r -> err.println(r.file() + ":" + r.line() + ": " + r.reason()));
        sent.failures().forEach(err::println);
        if (rejectedFile != null) {
            try {
                ReplayOutput.writeRejections(rejectedFile, rejected);
            } catch (IOException e) {
                throw new Failures.UsageFailure("cannot write " + rejectedFile + ": " + e.getMessage());
            }
        }
        spec.commandLine().getOut().printf("raidwatch produce: %d records sent to %s and %s (acknowledged by Kafka), %d not delivered, %d rows rejected%n",
                sent.acknowledged(), settings.topicNames().raidReports(), settings.topicNames().foiUpdates(), sent.failures().size(), rejected.size());
        if (!sent.allDelivered()) {
            err.printf("raidwatch: %d of %d records could not be delivered to Kafka (listed above)%n", sent.failures().size(), sent.attempted());
            return ExitCodes.UNDELIVERED;
        }
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.ROWS_REJECTED;
    }

}
