package org.uvm4j.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.Uvm4j;
import org.uvm4j.api.Uvm4jException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.machine.backend.BackendKind;

/**
 * Runs guests under uvm4j: in this JVM through the Java API ({@link Uvm4j}; it audits the VM
 * system: with every process gone, no anon, amap or frame may be left), or as a user does, through
 * the {@code uvm4j} launcher and the CLI.
 */
public final class Uvm4jRuns {
  /** RAM of the machines the tests run guests on. */
  public static final long RAM = 64L << 20;

  /** The environment of the guests the tests run in this JVM. */
  public static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  private Uvm4jRuns() {}

  /** The result of an in-process run and the audit problems found after it (empty when clean). */
  public record Audited(GuestRun run, List<String> auditProblems, Kernel kernel) {}

  /** Runs {@code bin} with {@code args} on a fresh kernel in this JVM and audits it afterwards. */
  public static Audited inProcess(Path bin, List<String> args) throws Uvm4jException {
    return inProcess(bin, args, BackendKind.AUTO);
  }

  /** {@link #inProcess(Path, List)} on the libunicorn binding {@code backend}. */
  public static Audited inProcess(Path bin, List<String> args, BackendKind backend)
      throws Uvm4jException {
    GuestResult r = Uvm4j.guest(bin).args(args).env(ENV).ram(RAM).backend(backend).run();
    return new Audited(
        new GuestRun(r.stdout(), r.stderr(), r.status()), r.auditProblems(), r.kernel());
  }

  /**
   * Runs {@code uvm4j ARGS...} as a separate process: the {@code ./uvm4j} launcher when the jar is
   * built ({@code mvn package} or {@code make build}), else the same CLI main class on this JVM's
   * class path with the same JVM options.
   */
  public static GuestRun cli(List<String> uvm4jArgs) throws IOException {
    return Guests.run(cliCommand(uvm4jArgs), 300);
  }

  /**
   * As {@link #cli(List)}, with extra JVM options (e.g. {@code -Xmx512m}): through the launcher's
   * {@code UVM4J_JAVA_OPTS}, or on the command line of the fallback JVM.
   */
  public static GuestRun cli(List<String> jvmOptions, List<String> uvm4jArgs) throws IOException {
    List<String> cmd = new ArrayList<>(cliCommand(uvm4jArgs));
    java.util.Map<String, String> env = new java.util.HashMap<>();
    if (launcherReady()) {
      if (!jvmOptions.isEmpty()) {
        env.put("UVM4J_JAVA_OPTS", String.join(" ", jvmOptions));
      }
    } else {
      cmd.addAll(1, jvmOptions); // right after the java binary
    }
    return Guests.run(cmd, env, 300);
  }

  /** The command line {@link #cli} runs, for a test that starts and signals the process itself. */
  public static List<String> cliCommand(List<String> uvm4jArgs) {
    Path root = Guests.root();
    List<String> cmd = new ArrayList<>();
    if (launcherReady()) {
      cmd.add(root.resolve("uvm4j").toString());
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xss8m");
      cmd.add("--enable-native-access=ALL-UNNAMED");
      cmd.add("-Djna.library.path=" + System.getProperty("jna.library.path", ""));
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("org.uvm4j.cli.Main");
    }
    cmd.addAll(uvm4jArgs);
    return cmd;
  }

  /**
   * True when the launcher's jar exists and is not older than the compiled CLI (a {@code mvn test}
   * without {@code package} leaves an old jar behind), so {@link #cli} goes through {@code
   * ./uvm4j}.
   */
  public static boolean launcherReady() {
    Path jar = Guests.root().resolve("emulator-bridge/target/uvm4j.jar");
    Path main = Guests.root().resolve("emulator-bridge/target/classes/org/uvm4j/cli/Main.class");
    try {
      return Files.isRegularFile(jar)
          && (!Files.exists(main)
              || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(main)) >= 0);
    } catch (IOException e) {
      return false;
    }
  }
}
