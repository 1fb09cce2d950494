package org.raidwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A published rule set goes live only as signed, by a trusted key, with the files it was signed with. */
class PublishedRuleSetTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");
    private static final Map<String, String> FILES = Map.of(
            "claimed.drl", "package raidwatch.rules;\nrule \"claimed\" when then end\n",
            "tests/claimed.yaml", "scenarios: []\n");

    private final KeyPair publisher = RuleSigningKeys.generate();
    private final Map<String, PublicKey> trusted = Map.of(RuleSigningKeys.keyId(publisher.getPublic()), publisher.getPublic());

    @Test
    void a_set_signed_by_a_trusted_key_is_accepted_after_a_trip_through_the_topic_format() {
        PublishedRuleSet published = PublishedRuleSet.sign(FILES, publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");

        PublishedRuleSet received = PublishedRuleSet.fromJson(published.toJson());

        received.verify(trusted, null);
        received.verify(trusted, published.sha256());
        assertThat(received.files()).isEqualTo(FILES);
        assertThat(received.drlFiles()).containsOnlyKeys("claimed.drl");
        assertThat(received.keyId()).hasSize(16).isEqualTo(RuleSigningKeys.keyId(publisher.getPublic()));
        assertThat(received.publishedAt()).isEqualTo(AT);
    }

    @Test
    void the_sequence_deployment_and_time_are_signed_with_the_files() {
        PublishedRuleSet signed = PublishedRuleSet.sign(FILES, publisher.getPrivate(), publisher.getPublic(), AT, 7, "raidwatch");
        PublishedRuleSet received = PublishedRuleSet.fromJson(signed.toJson());
        assertThat(received.sequence()).isEqualTo(7);
        assertThat(received.deployment()).isEqualTo("raidwatch");

        // Changing any of them without the key breaks the signature
        for (PublishedRuleSet altered : List.of(
                new PublishedRuleSet(FILES, signed.sha256(), signed.keyId(), signed.signature(), AT, 2, 70, "raidwatch"),
                new PublishedRuleSet(FILES, signed.sha256(), signed.keyId(), signed.signature(), AT, 2, 7, "elsewhere"),
                new PublishedRuleSet(FILES, signed.sha256(), signed.keyId(), signed.signature(), AT.plusSeconds(1), 2, 7, "raidwatch"))) {
            assertRefused(altered, "bad-signature", "its signature does not match");
        }
    }

    @Test
    void a_set_must_be_for_this_deployment_and_come_after_the_highest_accepted() {
        PublishedRuleSet seven = PublishedRuleSet.sign(FILES, publisher.getPrivate(), publisher.getPublic(), AT, 7, "raidwatch");
        seven.checkOrder("raidwatch", 6);
        assertThatThrownBy(() -> seven.checkOrder("raidwatch", 7)).isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class,
                e -> assertThat(e.reason()).isEqualTo("stale-sequence"));
        assertThatThrownBy(() -> seven.checkOrder("other-app", 0)).isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class,
                e -> assertThat(e.reason()).isEqualTo("other-deployment"));

        // An earlier release's record (the files alone signed) still verifies, and is accepted only while no sequenced set has been
        PublishedRuleSet old = PublishedRuleSet.fromJson(
                PublishedRuleSet.signUnsequenced(FILES, publisher.getPrivate(), publisher.getPublic(), AT).toJson());
        old.verify(trusted, null);
        assertThat(old.isSequenced()).isFalse();
        old.checkOrder("raidwatch", 0);
        assertThatThrownBy(() -> old.checkOrder("raidwatch", 1)).isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class,
                e -> assertThat(e.reason()).isEqualTo("unsequenced"));
    }

    @Test
    void a_file_changed_after_signing_is_refused() {
        PublishedRuleSet published = PublishedRuleSet.sign(FILES, publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");
        Map<String, String> changed = new HashMap<>(FILES);
        changed.put("claimed.drl", FILES.get("claimed.drl") + "// and something else\n");

        PublishedRuleSet tampered = new PublishedRuleSet(changed, published.sha256(), published.keyId(), published.signature(), AT, PublishedRuleSet.FORMAT, 1, "raidwatch");

        assertRefused(tampered, "hash-mismatch", "its files hash to ");
    }

    @Test
    void a_signature_covers_exactly_the_files_it_was_made_for() {
        // Two sets whose files would run together if names and texts were simply joined
        Map<String, String> joined = Map.of("a.drl", "x\0b.drl\0y");
        Map<String, String> split = Map.of("a.drl", "x", "b.drl", "y");
        PublishedRuleSet signed = PublishedRuleSet.sign(joined, publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");
        assertRefused(reclaimed(split, signed), "bad-signature", "its signature does not match");

        // and line endings are part of the text (a string literal in a rule may hold one)
        PublishedRuleSet unix = PublishedRuleSet.sign(Map.of("a.drl", "x\ny"), publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");
        assertRefused(reclaimed(Map.of("a.drl", "x\r\ny"), unix), "bad-signature", "its signature does not match");
    }

    @Test
    void a_file_name_that_is_not_a_plain_relative_path_is_refused_as_malformed() {
        for (String name : List.of("../escape.drl", "/etc/rules.drl", "a\u0000b.drl", "tests/../../x.yaml", "line\nbreak.drl")) {
            PublishedRuleSet signed = PublishedRuleSet.sign(Map.of(name, "x"), publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");
            assertThatThrownBy(() -> PublishedRuleSet.fromJson(signed.toJson())).as(name)
                    .isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
        }
    }

    /** Other files with the hash they really have, under a signature made for the first ones: what a forger can do without the key. */
    private static PublishedRuleSet reclaimed(Map<String, String> files, PublishedRuleSet signed) {
        String actualHash = new PublishedRuleSet(files, "", null, null, AT, PublishedRuleSet.FORMAT, 1, "raidwatch").contentSha256();
        return new PublishedRuleSet(files, actualHash, signed.keyId(), signed.signature(), AT, PublishedRuleSet.FORMAT, 1, "raidwatch");
    }

    @Test
    void a_set_signed_with_another_key_is_refused_even_when_it_claims_a_trusted_key_id() {
        KeyPair stranger = RuleSigningKeys.generate();
        PublishedRuleSet bySomeoneElse = PublishedRuleSet.sign(FILES, stranger.getPrivate(), stranger.getPublic(), AT, 1, "raidwatch");
        assertRefused(bySomeoneElse, "untrusted-key", "which this instance does not trust");

        PublishedRuleSet forged = new PublishedRuleSet(FILES, bySomeoneElse.sha256(), RuleSigningKeys.keyId(publisher.getPublic()),
                bySomeoneElse.signature(), AT, PublishedRuleSet.FORMAT, 1, "raidwatch");
        assertRefused(forged, "bad-signature", "its signature does not match");
    }

    @Test
    void an_unsigned_set_and_a_set_other_than_the_pinned_one_are_refused() {
        PublishedRuleSet signed = PublishedRuleSet.sign(FILES, publisher.getPrivate(), publisher.getPublic(), AT, 1, "raidwatch");

        assertRefused(new PublishedRuleSet(FILES, signed.sha256(), null, null, AT, PublishedRuleSet.FORMAT, 1, "raidwatch"), "unsigned", "it is not signed");
        assertThatThrownBy(() -> signed.verify(trusted, "0".repeat(64)))
                .isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class, e -> assertThat(e.reason()).isEqualTo("not-pinned"));
    }

    @Test
    void a_record_that_is_not_a_published_rule_set_is_refused_as_malformed() {
        for (String record : List.of("not json", "[]", "{\"format\": 2, \"files\": {\"a.drl\": \"x\"}}", "{\"format\": 1, \"files\": {}}")) {
            assertThatThrownBy(() -> PublishedRuleSet.fromJson(record.getBytes(StandardCharsets.UTF_8)))
                    .as(record)
                    .isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class, e -> assertThat(e.reason()).isEqualTo("malformed"));
        }
    }

    @Test
    void a_private_key_file_is_owner_only_from_the_moment_it_exists(@TempDir Path folder) throws IOException {
        // When the key's file is created (before a byte of the key is written)
        Path file = folder.resolve("analysts.key");
        RuleSigningKeys.createOwnerOnly(file);

        // Then no one but its owner could have opened it at any point
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void a_private_key_readable_by_others_is_warned_about_with_the_fix(@TempDir Path folder) throws IOException {
        RuleSigningKeys.write(RuleSigningKeys.generate(), folder, "analysts");
        Path key = folder.resolve("analysts.key");
        assertThat(RuleSigningKeys.exposure(key)).isEmpty();

        // Given the key copied about and left readable by the group and others
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        // Then publishing with it warns, saying how to close it
        assertThat(RuleSigningKeys.exposure(key)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("can be read or changed by users other than its owner (rw-r--r--)").endsWith("chmod 600 " + key));
    }

    @Test
    void keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(@TempDir Path folder) throws IOException {
        KeyPair keys = RuleSigningKeys.generate();

        List<Path> written = RuleSigningKeys.write(keys, folder, "analysts");

        assertThat(written).containsExactly(folder.resolve("analysts.key"), folder.resolve("analysts.pub"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("analysts.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(folder.resolve("analysts.pub"))).startsWith("-----BEGIN PUBLIC KEY-----\n");
        PublishedRuleSet signed = PublishedRuleSet.sign(FILES, RuleSigningKeys.readPrivate(folder.resolve("analysts.key")),
                RuleSigningKeys.publicBeside(folder.resolve("analysts.key")), AT, 1, "raidwatch");
        signed.verify(RuleSigningKeys.trusted(List.of(folder.resolve("analysts.pub"))), null);
        assertThatThrownBy(() -> RuleSigningKeys.write(keys, folder, "analysts")).isInstanceOf(IOException.class)
                .hasMessageContaining("does not overwrite");
        assertThatThrownBy(() -> RuleSigningKeys.readPublic(folder.resolve("analysts.key"))).isInstanceOf(IOException.class)
                .hasMessageContaining("holds no PUBLIC KEY");
    }

    private void assertRefused(PublishedRuleSet published, String reason, String message) {
        assertThatThrownBy(() -> published.verify(trusted, null))
                .isInstanceOfSatisfying(PublishedRuleSet.RefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
