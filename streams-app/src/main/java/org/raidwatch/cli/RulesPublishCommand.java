package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.raidwatch.deployment.Deployment;
import org.raidwatch.deployment.RaidwatchConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.ruledelivery.RuleSetSubscription;
import org.raidwatch.rules.PublishedRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSigningKeys;
import org.raidwatch.rules.scenario.ScenarioFiles;
import org.raidwatch.rules.scenario.ScenarioRun;
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
                "Exit status: 0 published; 1 a scenario failed (nothing published); 2 the set does not build, its scenario files cannot be used, or a usage error (key, settings); 4 Kafka could not be reached; 6 Kafka refused the credentials."})
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
            RuleSigningKeys.exposure(keyFile).ifPresent(warning -> {
                spec.commandLine().getErr().println("raidwatch: warning: " + warning);
                spec.commandLine().getErr().flush();
            });
        } catch (IOException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
        // Signed once to check the key pair and the files as the instances will; signed again below with its sequence.
        Map<String, String> files = files(folder);
        PublishedRuleSet published = PublishedRuleSet.sign(files, privateKey, publicKey, Instant.now(), 1, settings.applicationId());
        try {
            published.verify(Map.of(published.keyId(), publicKey), null);
        } catch (PublishedRuleSet.RefusedException e) {
            throw new Failures.UsageFailure(keyFile + " and the public key beside it are not one pair (" + e.getMessage() + "); no instance"
                    + " would accept what it signs");
        }
        // Checked exactly as the instances will build and check it: the signed files, not the folder again.
        Map<String, String> drl = new TreeMap<>();
        published.drlFiles().forEach((name, text) -> drl.put(folder.resolve(name).toString(), text));
        RuleSet checked = RuleSet.fromFiles(folder.toString(), drl);
        String version = checked.version();
        ScenarioFiles.Read scenarios = ScenarioFiles.parse(published.scenarioFiles());
        List<String> unusable = new ArrayList<>(scenarios.problems());
        unusable.addAll(ScenarioRun.undefinedRuleIds(checked, scenarios.scenarios()));
        if (!unusable.isEmpty()) {
            return refused(unusable, version, "its scenario files cannot be used", ExitCodes.USAGE);
        }
        List<String> failing = ScenarioRun.problems(checked, scenarios);
        if (!failing.isEmpty()) {
            return refused(failing, version, "its scenarios do not pass", ExitCodes.FAILED);
        }
        if (scenarios.scenarios().isEmpty()) {
            spec.commandLine().getErr().println("raidwatch: warning: no scenarios found for " + folder + " (in " + folder.resolve("tests")
                    + " or " + folder.resolve("../tests").normalize() + "): the instances can only check that it builds; rules check "
                    + folder + " lists what each rule lacks");
        }
        // The next sequence: one above the highest this deployment's sets carry, among those its own key or a trusted one signed.
        String topic = settings.publishedRules().topic();
        try (Admin admin = Deployment.connect(settings, deployment.connectTimeout)) {
            TopicSetup.createRulesTopic(admin, topic, settings.replication(), deployment.connectTimeout.toMillis());
        }
        Map<String, PublicKey> signers = new java.util.HashMap<>(settings.publishedRules().followed()
                ? settings.publishedRules().trustedKeys() : Map.of());
        signers.put(RuleSigningKeys.keyId(publicKey), publicKey);
        RuleSetSubscription.PublishedSequences sequences = RuleSetSubscription.highestPublished(settings.clientProperties(), topic, signers,
                settings.applicationId(), deployment.connectTimeout);
        long sequence = sequences.verified() + 1;
        if (sequences.unverified() >= sequence) {
            // Another publisher's set (a key not in this configuration), or junk claiming a sequence: say so, since an instance
            // that accepted such a set refuses this one as stale.
            spec.commandLine().getErr().println("raidwatch: warning: the rules topic holds a set for " + settings.applicationId()
                    + " claiming sequence " + sequences.unverified() + ", signed by a key this command does not know; if the instances"
                    + " trust that key and accepted it, they will refuse this set (sequence " + sequence + ") as stale. Give this command"
                    + " the instances' raidwatch.rules.trusted.keys in --config so it counts their sets");
            spec.commandLine().getErr().flush();
        }
        published = PublishedRuleSet.sign(files, privateKey, publicKey, Instant.now(), sequence, settings.applicationId());
        Map<String, Object> props = settings.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        RecordMetadata written;
        try {
            // Keyed by its hash, so compaction keeps every set published (an instance falls back to the latest one it accepts).
            written = producer.send(new ProducerRecord<>(topic, RuleSetSubscription.PARTITION, published.sha256(), published.toJson()))
                    .get(deployment.connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            producer.close();
        } catch (ExecutionException | TimeoutException e) {
            producer.close(Duration.ZERO); // nothing more is sent after the failure is reported
            throw new TopicSetup.BrokerUnreachableException("the rule set could not be written to " + topic + ": "
                    + (e instanceof ExecutionException ? e.getCause().getMessage() : "no acknowledgement within "
                    + deployment.connectTimeout.toSeconds() + " s"), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("raidwatch: published rule set %s (%d files, sha256 %s) as sequence %d for deployment %s, signed by key %s, to %s at offset %d%n",
                version, published.files().size(), published.sha256(), published.sequence(), published.deployment(), published.keyId(), topic,
                written.offset());
        out.flush();
        return ExitCodes.OK;
    }

    private int refused(List<String> problems, String version, String why, int status) {
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(err::println);
        err.printf("raidwatch: rule set %s was not published: %s (%d %s; rules check %s shows all)%n", version, why, problems.size(),
                problems.size() == 1 ? "problem" : "problems", folder);
        err.flush();
        return status;
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
