package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.raidwatch.files.InputFiles;
import org.raidwatch.runtime.Deployment;
import org.raidwatch.runtime.InputLoader;
import org.raidwatch.runtime.RaidwatchConfig;
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
                "Exit status: 0 every row sent; 3 some rows rejected (the rest sent); 2 usage error, unreadable file or invalid setting; 4 Kafka or the registry could not be reached."})
final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputFilesOption inputs;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--rejected", paramLabel = "FILE", description = "Also write rejected rows here as JSON Lines.")
    Path rejectedFile;

    @Override
    public Integer call() throws Exception {
        RaidwatchConfig settings = deployment.settings();
        InputFilesOption.Read read = inputs.read(spec);
        Duration connectTimeout = deployment.connectTimeout;
        SchemaRegistryClient registry = SchemaRegistries.forUrl(settings.schemaRegistryUrl());
        Deployment.checkRegistry(registry, settings.schemaRegistryUrl(), List.of(settings.topicNames().raidReports() + "-value"));
        try (Admin admin = Deployment.connect(settings, connectTimeout)) {
            var existing = admin.listTopics().names().get(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            for (String topic : List.of(settings.topicNames().raidReports(), settings.topicNames().foiUpdates())) {
                if (!existing.contains(topic)) {
                    throw new Failures.UsageFailure("topic " + topic + " does not exist at " + settings.bootstrapServers()
                            + "; start 'raidwatch run' once (it creates the topics) or create it");
                }
            }
        }
        int sent;
        try (InputLoader loader = new InputLoader(settings.clientProperties(), Topics.create(settings.topicNames(), registry))) {
            sent = loader.sendAll(read.raidsFile(), read.raids(), read.foiFile(), read.fois());
        }
        List<InputFiles.Rejection> rejected = read.rejected();
        PrintWriter err = spec.commandLine().getErr();
        rejected.forEach(r -> err.println(r.file() + ":" + r.line() + ": " + r.reason()));
        if (rejectedFile != null) {
            try {
                ReplayOutput.writeRejections(rejectedFile, rejected);
            } catch (IOException e) {
                throw new Failures.UsageFailure("cannot write " + rejectedFile + ": " + e.getMessage());
            }
        }
        spec.commandLine().getOut().printf("raidwatch produce: %d records sent to %s and %s, %d rows rejected%n",
                sent, settings.topicNames().raidReports(), settings.topicNames().foiUpdates(), rejected.size());
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.ROWS_REJECTED;
    }

}
