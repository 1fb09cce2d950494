package org.raidwatch.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.raidwatch.deployment.RaidwatchConfig;
import picocli.CommandLine.Option;

/** The options of the commands that talk to a deployment (run, produce): its settings and how long to wait for it. */
final class DeploymentOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings (the environment overrides it).")
    Path config;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for Kafka and the registry to answer (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    RaidwatchConfig settings() {
        return RaidwatchConfig.load(config, System.getenv());
    }
}
