package org.raidwatch.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rule set as published on the rules topic: its files (the {@code .drl} files and their scenario
 * files, by path relative to the rule folder), the SHA-256 of their contents, and an Ed25519
 * signature by a publisher's key. Encoded as one JSON document per record. An instance puts a
 * published set in force only when the hash matches the files and the signature is by a key it
 * trusts ({@link #verify}).
 *
 * <p>Format {@value #FORMAT} signs, with the files, the deployment the set is for (its application
 * id), a sequence number that only rises, and the time of publishing, so a record cannot be replayed
 * into another deployment, nor sent again to roll the instances back ({@link #checkOrder}). Format
 * {@value #UNSEQUENCED_FORMAT}, written by earlier releases, signed the files alone: it carries
 * sequence 0 and no deployment, and is accepted only until a sequenced set has been.
 */
public record PublishedRuleSet(Map<String, String> files, String sha256, String keyId, byte[] signature, Instant publishedAt,
                               int format, long sequence, String deployment) {

    /** Where the scenario files lie among the files. */
    public static final String SCENARIO_FOLDER = "tests/";

    /** The record format written now: sequenced and bound to a deployment. */
    public static final int FORMAT = 2;
    /** The format of earlier releases: the files alone signed. */
    public static final int UNSEQUENCED_FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A file's path: relative, '/' between its parts, printable characters only. */
    private static final java.util.regex.Pattern PLAIN_PATH = java.util.regex.Pattern.compile("[^/\\p{Cntrl}][^\\p{Cntrl}]*");

    /** Why a published rule set was not put in force. */
    public static final class RefusedException extends RuntimeException {
        private final String reason;

        public RefusedException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /**
         * A short word for metrics: unsigned, untrusted-key, bad-signature, hash-mismatch, not-pinned,
         * malformed (and, from the instance, does-not-build, scenarios-fail).
         */
        public String reason() {
            return reason;
        }
    }

    public PublishedRuleSet {
        files = Map.copyOf(new TreeMap<>(files));
    }

    /**
     * Signs the files, with the deployment they are for, their sequence number and the time, with a
     * publisher's key.
     *
     * @param sequence   above every sequence the deployment's instances have accepted (at least 1)
     * @param deployment the application id of the instances that may put it in force
     */
    public static PublishedRuleSet sign(Map<String, String> files, PrivateKey key, PublicKey publicKey, Instant publishedAt,
                                        long sequence, String deployment) {
        if (sequence < 1 || deployment == null || deployment.isBlank()) {
            throw new IllegalArgumentException("a published rule set needs a sequence of at least 1 and a deployment");
        }
        PublishedRuleSet unsigned = new PublishedRuleSet(files, sha256(canonical(files)), RuleSigningKeys.keyId(publicKey), null, publishedAt,
                FORMAT, sequence, deployment);
        return unsigned.signedWith(key);
    }

    /** Signs the files alone, as releases before sequenced rule sets did (for their records, and tests of them). */
    public static PublishedRuleSet signUnsequenced(Map<String, String> files, PrivateKey key, PublicKey publicKey, Instant publishedAt) {
        PublishedRuleSet unsigned = new PublishedRuleSet(files, sha256(canonical(files)), RuleSigningKeys.keyId(publicKey), null, publishedAt,
                UNSEQUENCED_FORMAT, 0, null);
        return unsigned.signedWith(key);
    }

    private PublishedRuleSet signedWith(PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signedContent());
            return new PublishedRuleSet(files, sha256, keyId, signer.sign(), publishedAt, format, sequence, deployment);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (an Ed25519 private key is needed): " + e.getMessage(), e);
        }
    }

    /** What the signature covers: the files; and in format {@value #FORMAT}, first the format, sequence, deployment and time. */
    private byte[] signedContent() {
        byte[] content = canonical(files);
        if (format == UNSEQUENCED_FORMAT) {
            return content;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(content.length + 128);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        try {
            out.writeUTF("raidwatch rule set");
            out.writeInt(format);
            out.writeLong(sequence);
            out.writeUTF(deployment);
            out.writeUTF(publishedAt.toString());
            out.write(content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether it carries a sequence and a deployment (format {@value #FORMAT}). */
    public boolean isSequenced() {
        return format != UNSEQUENCED_FORMAT;
    }

    /**
     * Checks a verified set against what the instance accepted before: it must be for this deployment
     * and come after the highest sequence accepted; an unsequenced set (an earlier release's) only
     * while no sequenced one has been accepted.
     *
     * @param highestAccepted the highest sequence this instance accepted, 0 when none (or only unsequenced ones)
     * @throws RefusedException other-deployment, stale-sequence or unsequenced
     */
    public void checkOrder(String ownDeployment, long highestAccepted) {
        if (!isSequenced()) {
            if (highestAccepted > 0) {
                throw new RefusedException("unsequenced", "it carries no sequence (an earlier release's format), and sequence "
                        + highestAccepted + " has been accepted: publish it again with this release's rules publish");
            }
            return;
        }
        if (!deployment.equals(ownDeployment)) {
            throw new RefusedException("other-deployment", "it was published for deployment " + org.raidwatch.contract.LogText.of(deployment)
                    + ", not this one (" + ownDeployment + ")");
        }
        if (sequence <= highestAccepted) {
            throw new RefusedException("stale-sequence", "its sequence " + sequence + " is not above " + highestAccepted
                    + ", the highest accepted: an older set sent again cannot roll the instances back (to go back on purpose,"
                    + " publish the old files again: they get a new sequence)");
        }
    }

    /**
     * Checks the record before anything is built from it.
     *
     * @param trusted     the public keys this instance trusts, by key id
     * @param pinnedSha256 the only content hash to accept, or null for any
     * @throws RefusedException saying why it may not go live
     */
    public void verify(Map<String, PublicKey> trusted, String pinnedSha256) {
        String actual = sha256(canonical(files));
        if (!actual.equals(sha256)) {
            throw new RefusedException("hash-mismatch", "its files hash to " + actual + ", not the " + sha256 + " it claims");
        }
        if (signature == null || signature.length == 0 || keyId == null) {
            throw new RefusedException("unsigned", "it is not signed");
        }
        PublicKey key = trusted.get(keyId);
        if (key == null) {
            throw new RefusedException("untrusted-key", "it is signed by key " + keyId + ", which this instance does not trust"
                    + (trusted.isEmpty() ? " (no key is trusted: set raidwatch.rules.trusted.keys)" : " (trusted: " + trusted.keySet() + ")"));
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signedContent());
            if (!verifier.verify(signature)) {
                throw new RefusedException("bad-signature", "its signature does not match its files and key " + keyId);
            }
        } catch (GeneralSecurityException e) {
            throw new RefusedException("bad-signature", "its signature cannot be checked: " + e.getMessage());
        }
        if (pinnedSha256 != null && !pinnedSha256.equalsIgnoreCase(sha256)) {
            throw new RefusedException("not-pinned", "its hash " + sha256 + " is not the pinned " + pinnedSha256);
        }
    }

    /** The SHA-256 of the files as they are (what {@link #sha256()} claims, if they are the files signed). */
    public String contentSha256() {
        return sha256(canonical(files));
    }

    /** The {@code .drl} files, by path. */
    public Map<String, String> drlFiles() {
        Map<String, String> drl = new TreeMap<>();
        files.forEach((name, text) -> {
            if (name.endsWith(".drl") && !name.startsWith(SCENARIO_FOLDER)) {
                drl.put(name, text);
            }
        });
        return drl;
    }

    /** The scenario files, by path (under {@value #SCENARIO_FOLDER}). */
    public Map<String, String> scenarioFiles() {
        Map<String, String> scenarios = new TreeMap<>();
        files.forEach((name, text) -> {
            if (name.startsWith(SCENARIO_FOLDER) && !name.endsWith(".drl")) {
                scenarios.put(name, text);
            }
        });
        return scenarios;
    }

    public byte[] toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", format);
        if (isSequenced()) {
            json.put("sequence", sequence);
            json.put("deployment", deployment);
        }
        json.put("sha256", sha256);
        json.put("keyId", keyId);
        json.put("signature", signature == null ? null : Base64.getEncoder().encodeToString(signature));
        json.put("publishedAt", publishedAt.toString());
        ObjectNode fileNodes = json.putObject("files");
        files.forEach(fileNodes::put);
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws RefusedException when the record is not a published rule set this version can read */
    public static PublishedRuleSet fromJson(byte[] bytes) {
        JsonNode json;
        try {
            json = bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RefusedException("malformed", "it is not JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new RefusedException("malformed", "it is not a JSON object");
        }
        int format = json.path("format").asInt(-1);
        if (format != FORMAT && format != UNSEQUENCED_FORMAT) {
            throw new RefusedException("malformed", "its format is " + json.path("format") + "; this version reads formats "
                    + UNSEQUENCED_FORMAT + " and " + FORMAT);
        }
        long sequence = 0;
        String deployment = null;
        if (format == FORMAT) {
            if (!json.path("sequence").canConvertToLong() || !json.path("sequence").isIntegralNumber() || json.path("sequence").asLong() < 1) {
                throw new RefusedException("malformed", "its sequence is not a whole number from 1: " + json.path("sequence"));
            }
            sequence = json.path("sequence").asLong();
            deployment = json.path("deployment").asText("");
            if (deployment.isBlank()) {
                throw new RefusedException("malformed", "it names no deployment");
            }
        }
        JsonNode fileNodes = json.path("files");
        if (!fileNodes.isObject() || fileNodes.isEmpty()) {
            throw new RefusedException("malformed", "it holds no files");
        }
        Map<String, String> files = new TreeMap<>();
        fileNodes.fields().forEachRemaining(entry -> files.put(entry.getKey(), entry.getValue().asText()));
        for (String name : files.keySet()) {
            if (!PLAIN_PATH.matcher(name).matches() || name.contains("..")) {
                throw new RefusedException("malformed", "a file name is not a plain relative path: " + org.raidwatch.contract.LogText.of(name));
            }
        }
        byte[] signature;
        try {
            signature = json.hasNonNull("signature") ? Base64.getDecoder().decode(json.get("signature").asText()) : null;
        } catch (IllegalArgumentException e) {
            throw new RefusedException("malformed", "its signature is not base64");
        }
        Instant publishedAt;
        try {
            publishedAt = Instant.parse(json.path("publishedAt").asText());
        } catch (RuntimeException e) {
            throw new RefusedException("malformed", "its publishedAt is not an instant: " + json.path("publishedAt"));
        }
        return new PublishedRuleSet(files, json.path("sha256").asText(""), json.hasNonNull("keyId") ? json.get("keyId").asText() : null,
                signature, publishedAt, format, sequence, deployment);
    }

    /**
     * What is hashed and signed: every file in path order, its path and then its text, each as UTF-8
     * preceded by its length (so no two different sets of files encode alike), the text exactly as
     * it will be built.
     */
    static byte[] canonical(Map<String, String> files) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        try {
            out.writeInt(files.size());
            for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
                for (String part : new String[] {file.getKey(), file.getValue()}) {
                    byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
