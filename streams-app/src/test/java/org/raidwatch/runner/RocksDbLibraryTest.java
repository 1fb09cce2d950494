package org.raidwatch.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RocksDB's native library is copied once per build into the user's cache, never into the temporary folder. */
class RocksDbLibraryTest {

    @Test
    void the_library_is_copied_once_into_an_owner_only_folder_and_reused(@TempDir Path home) throws IOException {
        Path root = RocksDbLibrary.cacheRoot(Map.of(), home.toString());
        assertThat(root).isEqualTo(home.resolve(".cache/raidwatch/native"));

        // When a first process needs the library
        Path folder = RocksDbLibrary.extract(root);

        // Then it lies whole in a folder of this RocksDB build that only its owner can open, with no partial copy beside it
        assertThat(folder.getParent()).isEqualTo(root);
        assertThat(folder.getFileName().toString()).startsWith("rocksdb-");
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).singleElement().asString().startsWith("librocksdbjni");
        }
        Path library;
        try (var files = Files.list(folder)) {
            library = files.findFirst().orElseThrow();
        }
        assertThat(Files.size(library)).isGreaterThan(1_000_000);
        for (Path owned : new Path[] {folder, root, root.getParent()}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(owned))).as("%s", owned).isEqualTo("rwx------");
        }

        // And a later process reuses that copy rather than writing another
        FileTime written = Files.getLastModifiedTime(library);
        Files.setLastModifiedTime(library, FileTime.fromMillis(written.toMillis() - 60_000));
        assertThat(RocksDbLibrary.extract(root)).isEqualTo(folder);
        assertThat(Files.getLastModifiedTime(library).toMillis()).isEqualTo(written.toMillis() - 60_000);
    }

    @Test
    void a_cache_folder_others_may_write_is_refused(@TempDir Path home) throws IOException {
        Path root = RocksDbLibrary.cacheRoot(Map.of(), home.toString());
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> RocksDbLibrary.extract(root)).isInstanceOf(IOException.class)
                .hasMessageContaining("writable by no one else");
    }

    @Test
    void xdg_cache_home_is_followed_when_absolute() {
        assertThat(RocksDbLibrary.cacheRoot(Map.of("XDG_CACHE_HOME", "/srv/cache"), "/home/a")).isEqualTo(Path.of("/srv/cache/raidwatch/native"));
        assertThat(RocksDbLibrary.cacheRoot(Map.of("XDG_CACHE_HOME", "relative"), "/home/a")).isEqualTo(Path.of("/home/a/.cache/raidwatch/native"));
    }
}
