package org.raidwatch.deployment;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.raidwatch.rules.RuleSigningKeys;

/**
 * Where an instance follows published rule sets, and whose signatures it accepts.
 *
 * @param topic           the compacted rules topic
 * @param trustedKeyFiles the public keys (PEM) whose signatures are accepted; none: the topic is not followed
 * @param pinnedSha256    the only published set to accept, or null
 */
public record PublishedRules(String topic, List<Path> trustedKeyFiles, String pinnedSha256) {

    public static final String DEFAULT_TOPIC = "raidwatch-rules";

    public PublishedRules {
        trustedKeyFiles = List.copyOf(trustedKeyFiles);
    }

    /** Whether the instance follows the rules topic (it trusts at least one key). */
    public boolean followed() {
        return !trustedKeyFiles.isEmpty();
    }

    /** @throws RaidwatchConfig.InvalidConfigException when a key file cannot be read */
    public Map<String, PublicKey> trustedKeys() {
        try {
            return RuleSigningKeys.trusted(trustedKeyFiles);
        } catch (IOException e) {
            throw new RaidwatchConfig.InvalidConfigException("raidwatch.rules.trusted.keys: " + e.getMessage());
        }
    }
}
