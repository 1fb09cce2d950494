package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.raidwatch.rules.PublishedRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSigningKeys;
import org.raidwatch.rules.scenario.ScenarioFiles;
import org.raidwatch.rules.scenario.ScenarioRun;
import org.raidwatch.runtime.Deployment;
import org.raidwatch.runtime.RaidwatchConfig;
import org.raidwatch.runtime.RuleSetSubscription;
import org.raidwatch.runtime.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Check a rule set, sign it and publish it to the rules topic, where every running instance picks it up.",
        description = {
                "Builds the rule set in DIR (every problem as file:line: message), signs its files with --key, and writes them to the compacted rules topic (raidwatch.rules.topic, default raidwatch-rules; created if missing). Every instance that trusts the key (raidwatch.rules.trusted.keys) verifies the signature, builds the set off its stream threads, puts it in force between two records and re-evaluates every case under it: flags of a removed or changed rule are RESOLVED or UPDATED, new ones RAISED, each tagged with the new version.",
                "Before publishing, the set must build and its scenarios (DIR/tests, else DIR/../tests, as rules check finds them; published with the set) must pass: the instances run them too, and refuse a set whose scenarios fail.",
                "Exit status: 0 published; 1 a scenario failed (nothing published); 2 the set does not build, or a usage error (key, settings); 4 Kafka could not be reached."})
final class RulesPublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of the rule set's .drl files.")
    Path folder;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "The private key to sign with (NAME.key from rules keygen; NAME.pub must lie beside it).")
    Path keyFile;

    @Mixin
    DeploymentOptions deployment;

    @Override
    public Integer call() throws Exception {
        RaidwatchConfig settings = deployment.settings();
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            privateKey = RuleSigningKeys.readPrivate(keyFile);
            publicKey = RuleSigningKeys.publicBeside(keyFile);
        } catch (IOException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
        Map<String, String> files = files(folder);
        String version;
        try (RuleSet checked = RuleSet.load(folder)) {
            version = checked.version();
            // The instances run the same scenarios before they put the set in force; a set they would refuse is not published.
            List<String> problems = ScenarioRun.problems(checked, ScenarioFiles.parse(
                    new PublishedRuleSet(files, "", null, null, Instant.EPOCH).scenarioFiles()));
            if (!problems.isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                problems.forEach(err::println);
                err.printf("raidwatch: rule set %s was not published: its scenarios do not pass (%d %s; rules check %s shows all)%n", version,
                        problems.size(), problems.size() == 1 ? "problem" : "problems", folder);
                err.flush();
                return ExitCodes.FAILED;
            }
        }
        PublishedRuleSet published = PublishedRuleSet.sign(files, privateKey, publicKey, Instant.now());
        String topic = settings.publishedRules().topic();
        RecordMetadata written;
        try (Admin admin = Deployment.connect(settings, deployment.connectTimeout)) {
            TopicSetup.createRulesTopic(admin, topic, settings.replication(), deployment.connectTimeout.toMillis());
        }
        Map<String, Object> props = settings.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            written = producer.send(new ProducerRecord<>(topic, RuleSetSubscription.PARTITION, "rule-set", published.toJson()))
                    .get(deployment.connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicSetup.BrokerUnreachableException("the rule set could not be written to " + topic + ": "
                    + (e instanceof ExecutionException ? e.getCause().getMessage() : "no acknowledgement within "
                    + deployment.connectTimeout.toSeconds() + " s"), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("raidwatch: published rule set %s (%d files, sha256 %s) signed by key %s to %s at offset %d%n", version,
                published.files().size(), published.sha256(), published.keyId(), topic, written.offset());
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * What is published: the folder's .drl files by path relative to it, and its scenario files (from
     * DIR/tests or DIR/../tests, as rules check finds them) under {@code tests/}.
     */
    private static Map<String, String> files(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        Path tests = ScenarioFiles.folderFor(folder);
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path file : paths.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".drl")).sorted().toList()) {
                files.put(folder.relativize(file).toString().replace('\\', '/'), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        if (tests != null) {
            try (Stream<Path> paths = Files.walk(tests)) {
                for (Path file : paths.filter(Files::isRegularFile).filter(ScenarioFiles::isScenarioFile).sorted().toList()) {
                    files.put(PublishedRuleSet.SCENARIO_FOLDER + tests.relativize(file).toString().replace('\\', '/'), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

}
