package dev.backplane.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removing the directories the harness made (stack data, certificates, caches). */
public final class Dirs {
  private static final Logger log = LoggerFactory.getLogger(Dirs.class);

  private Dirs() {}

  /**
   * Deletes {@code root} and everything below it, if it exists. Never throws: a file that cannot be
   * deleted is left, with a warning, since the caller is cleaning up.
   */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }
}
