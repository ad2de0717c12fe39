package dev.backplane.examples.upload;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Uppy's standalone bundle ({@code uppy.min.mjs} + {@code uppy.min.css} from the npm package
 * {@value #PACKAGE}), fetched at run time with {@code npm pack} (npm checks the tarball's integrity
 * against the registry) and cached, so the repository holds neither node_modules nor the bundle.
 */
public final class UppyAssets {
  /** The npm package and version the page is written for. */
  public static final String PACKAGE = "uppy@6.0.1";
  static final String SCRIPT = "uppy.min.mjs";
  static final String STYLE = "uppy.min.css";

  private UppyAssets() {}

  /** {@code npm} on PATH, if any. */
  public static Optional<Path> npm() {
    return onPath("npm");
  }

  /**
   * The directory holding {@value #SCRIPT} and {@value #STYLE}, fetched into {@code cacheDir} on
   * first use.
   *
   * @throws IOException when npm is missing or fails (the message says which and why)
   */
  public static Path ensure(Path cacheDir) throws IOException {
    cacheDir = cacheDir.toAbsolutePath();
    Path dist = cacheDir.resolve("uppy-6.0.1").resolve("package").resolve("dist");
    if (Files.isRegularFile(dist.resolve(SCRIPT)) && Files.isRegularFile(dist.resolve(STYLE))) {
      return dist;
    }
    Path npm = npm().orElseThrow(() -> new IOException("npm is not on PATH: it is needed once to fetch "
        + PACKAGE + " (Uppy's browser bundle); install it (Debian: `apt-get install npm`)"));
    Path work = Files.createDirectories(cacheDir).resolve("download-" + ProcessHandle.current().pid());
    Files.createDirectories(work);
    run(List.of(npm.toString(), "pack", PACKAGE), work); // writes the tarball into its working directory
    Path tgz = work.resolve("uppy-6.0.1.tgz");
    if (!Files.isRegularFile(tgz)) {
      throw new IOException("npm pack " + PACKAGE + " did not write " + tgz);
    }
    Path target = Files.createDirectories(cacheDir.resolve("uppy-6.0.1"));
    run(List.of("tar", "-xzf", tgz.toString(), "-C", target.toString(),
        "package/dist/" + SCRIPT, "package/dist/" + STYLE, "package/LICENSE"), work);
    Files.delete(tgz);
    Files.delete(work);
    return dist;
  }

  private static void run(List<String> cmd, Path dir) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish within 180 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out.strip());
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
