package org.raidwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A temporary folder left by a killed process is removed by the next start; one in use, or not raidwatch's, is not. */
class TemporaryFoldersTest {

    /** Where the helper processes' sources go, apart from the temporary folders under test. */
    @TempDir
    Path helpers;

    @Test
    void a_folder_whose_lock_no_process_holds_is_removed_and_one_held_by_a_live_process_is_kept(@TempDir Path temporary) throws Exception {
        // Given a folder a killed process left (its lock file, locked by no one), one a live process holds,
        // one of an older release (no lock file) and one that is not raidwatch's
        Path killed = folderWithLock(temporary.resolve("raidwatch-demo-111"));
        Files.writeString(killed.resolve("kafka-segment"), "data");
        Path live = folderWithLock(temporary.resolve("raidwatch-demo-222"));
        Path older = Files.createDirectories(temporary.resolve("raidwatch-replay-333"));
        Path other = folderWithLock(temporary.resolve("someone-else-444"));
        Process holder = holdLock(live.resolve(TemporaryFolders.LOCK));
        try {
            // When the next start sweeps the temporary folder
            var removed = TemporaryFolders.removeAbandoned(temporary, own(temporary));

            // Then only the killed process's folder is gone
            assertThat(removed).containsExactly(killed);
            assertThat(killed).doesNotExist();
            assertThat(live).isDirectory();
            assertThat(older).isDirectory();
            assertThat(other).isDirectory();
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        // And once the live process is gone (killed: it released nothing itself), its folder goes at the next sweep
        assertThat(TemporaryFolders.removeAbandoned(temporary, own(temporary))).containsExactly(live);
    }

    @Test
    void this_processs_own_folder_survives_a_sweep_and_keeps_its_lock(@TempDir Path temporary) throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", temporary.toString());
        try (TemporaryFolders.Owned first = TemporaryFolders.create("raidwatch-test-");
             TemporaryFolders.Owned second = TemporaryFolders.create("raidwatch-test-")) {
            // The second create swept the folder while the first was in use: the first is kept
            assertThat(first.path()).isDirectory();
            assertThat(TemporaryFolders.removeAbandoned(temporary, first.path())).isEmpty();
            // and another process still finds it locked
            Process probe = probeLock(first.path().resolve(TemporaryFolders.LOCK));
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("lock probe finished").isTrue();
            assertThat(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("held");
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
        try (var left = Files.list(temporary)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("raidwatch-"));
        }
    }

    @Test
    void a_folder_others_could_write_into_is_never_judged(@TempDir Path temporary) throws Exception {
        // Given a folder that looks abandoned but that the group and others may write into (as another user could have planted)
        Path planted = folderWithLock(temporary.resolve("raidwatch-demo-555"));
        Files.setPosixFilePermissions(planted, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        // and a link named like a raidwatch folder, pointing at a folder that looks abandoned
        Path target = folderWithLock(temporary.resolve("elsewhere"));
        Files.createSymbolicLink(temporary.resolve("raidwatch-demo-666"), target);

        // When a start sweeps, Then neither is touched
        assertThat(TemporaryFolders.removeAbandoned(temporary, own(temporary))).isEmpty();
        assertThat(planted.resolve(TemporaryFolders.LOCK)).exists();
        assertThat(target.resolve(TemporaryFolders.LOCK)).exists();
    }

    /** A folder as this process makes its own: owner-only. */
    private static Path own(Path temporary) throws Exception {
        return Files.createTempDirectory(temporary, "own-");
    }

    private static Path folderWithLock(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createFile(folder.resolve(TemporaryFolders.LOCK));
        return folder;
    }

    /** A process of its own holding the lock, as a running raidwatch does; returns once it holds it. */
    private Process holdLock(Path lockFile) throws Exception {
        Process process = java("""
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        var channel = java.nio.channels.FileChannel.open(java.nio.file.Path.of(a[0]), java.nio.file.StandardOpenOption.WRITE);
                        channel.lock();
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(600_000);
                    }
                }
                """, "Hold", lockFile);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the holder's first line").isEqualTo("locked");
        return process;
    }

    /** A process that says whether the lock is held by someone else. */
    private Process probeLock(Path lockFile) throws Exception {
        return java("""
                public class Probe {
                    public static void main(String[] a) throws Exception {
                        try (var channel = java.nio.channels.FileChannel.open(java.nio.file.Path.of(a[0]), java.nio.file.StandardOpenOption.WRITE)) {
                            System.out.println(channel.tryLock() == null ? "held" : "free");
                        }
                    }
                }
                """, "Probe", lockFile);
    }

    private Process java(String source, String name, Path argument) throws Exception {
        Path file = helpers.resolve(name + ".java");
        Files.writeString(file, source);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), file.toString(), argument.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
