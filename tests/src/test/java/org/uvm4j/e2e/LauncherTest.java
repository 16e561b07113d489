package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user's view: {@code uvm4j run} as a separate process, its output and exit codes. */
class LauncherTest {
  @TempDir Path dir;

  private static List<String> run(String guest, String... options) {
    List<String> a = new ArrayList<>(List.of("run"));
    a.addAll(List.of(options));
    a.add(Guests.binary(guest).toString());
    a.addAll(Guests.args(guest));
    return a;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "fork_cow", "pipes", "vfork_exec", "segv", "int_args"})
  void runsGuestsLikeNatively(String name) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary(name), Guests.args(name));
    GuestRun got = Uvm4jRuns.cli(run(name));
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
  }

  @Test
  void statsGoToStderrAsNameValueLines() throws Exception {
    GuestRun got = Uvm4jRuns.cli(run("fork_cow", "--stats", "--ram", "32M"));
    assertThat(got.status()).as(got.toString()).isZero();
    List<String> lines = got.stderr().lines().toList();
    assertThat(lines).isNotEmpty().allMatch(l -> l.matches("[a-z_]+ -?\\d+"), "NAME VALUE");
    assertThat(lines).anyMatch(l -> l.startsWith("faults ") && !l.equals("faults 0"));
    assertThat(lines).anyMatch(l -> l.startsWith("forks "));
  }

  @Test
  void unsupportedCallsAreCountedInStatsAndLoggedOnlyToTheLogFile() throws Exception {
    // int_args calls rseq, which uvm4j answers ENOSYS as a Linux without rseq does
    Path log = dir.resolve("uvm4j.log");
    GuestRun quiet = Uvm4jRuns.cli(run("int_args"));
    assertThat(quiet.status()).as(quiet.toString()).isZero();
    assertThat(quiet.stderr()).as("no diagnostics on the guest's stderr").isEmpty();

    GuestRun got = Uvm4jRuns.cli(run("int_args", "--stats", "--log-file", log.toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout()).isEqualTo(quiet.stdout());
    List<String> lines = got.stderr().lines().toList();
    assertThat(lines).contains("enosys rseq 1");
    assertThat(lines)
        .allMatch(l -> l.matches("[a-z_]+ -?\\d+") || l.matches("enosys [a-z_0-9]+ \\d+"));
    assertThat(Files.readString(log)).contains("kern.syscall").contains("rseq").contains("ENOSYS");
  }

  @Test
  void aMissingProgramExits127() throws Exception {
    GuestRun got = Uvm4jRuns.cli(List.of("run", dir.resolve("missing").toString()));
    assertThat(got.status()).isEqualTo(127);
    assertThat(got.stderr().lines()).hasSize(1);
    assertThat(got.stderr()).startsWith("uvm4j: ").contains("missing");
  }

  @Test
  void aFileThatIsNotAStaticX8664ElfExits126() throws Exception {
    Path text = dir.resolve("script.sh");
    Files.writeString(text, "#!/bin/sh\necho hi\n");
    GuestRun got = Uvm4jRuns.cli(List.of("run", text.toString()));
    assertThat(got.status()).as(got.toString()).isEqualTo(126);
    assertThat(got.stderr().lines()).hasSize(1);
    // a dynamically linked program whose interpreter (PT_INTERP) does not exist
    byte[] prog = Files.readAllBytes(Path.of("/bin/true"));
    byte[] interp = "/lib64/ld-linux-x86-64.so.2".getBytes(StandardCharsets.ISO_8859_1);
    byte[] missing = "/no/such/ld-linux-x86-64.so".getBytes(StandardCharsets.ISO_8859_1);
    int at = indexOf(prog, interp);
    assertThat(at).as("/bin/true names /lib64/ld-linux-x86-64.so.2").isPositive();
    System.arraycopy(missing, 0, prog, at, missing.length);
    prog[at + missing.length] = 0;
    Path dynamicProg = dir.resolve("dynamic-true");
    Files.write(dynamicProg, prog);
    dynamicProg.toFile().setExecutable(true);
    GuestRun dynamic = Uvm4jRuns.cli(List.of("run", dynamicProg.toString()));
    assertThat(dynamic.status()).as(dynamic.toString()).isEqualTo(126);
    assertThat(dynamic.stderr().lines()).hasSize(1);
    assertThat(dynamic.stderr()).contains("program interpreter").contains("does not exist");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void versionNamesLibunicorn() throws Exception {
    GuestRun got = Uvm4jRuns.cli(List.of("--version"));
    assertThat(got.status()).isZero();
    assertThat(got.stdout()).startsWith("uvm4j ").containsPattern("libunicorn 2\\.\\d+\\.\\d+");
    assertThat(got.stdout())
        .containsPattern("(?m)^backend (jna|ffm)")
        .containsPattern("(?m)^Java \\d+");
  }

  /**
   * The launcher gives JNA the native part {@code make build} unpacked, so that JNA does not
   * extract it from the jar into a temporary file at every start (JNA says where it loaded it from
   * when {@code jna.debug_load.jna} is set).
   */
  @Test
  void jnaLoadsItsNativePartFromTheUnpackedCopy() throws Exception {
    assumeTrue(Uvm4jRuns.launcherReady(), "needs the launcher and its build");
    GuestRun got =
        Uvm4jRuns.cli(List.of("-Djna.debug_load.jna=true"), run("hello", "--backend", "jna"));
    assertThat(got.stdout()).as(got.toString()).startsWith("hello, world\n");
    assertThat(got.stderr())
        .as("JNA's own account of where libjnidispatch came from")
        .containsPattern("Found jnidispatch at .*/jna/com/sun/jna/linux-[^/]+/libjnidispatch\\.so")
        .doesNotContain("Extracting library");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jna", "ffm"})
  void eitherBackendRunsAGuestOrExplainsInOneLineWhyNot(String backend) throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("fork_cow"), Guests.args("fork_cow"));
    GuestRun version = Uvm4jRuns.cli(List.of("--version"));
    boolean ffmMissing = version.stdout().contains("ffm unavailable");
    GuestRun got = Uvm4jRuns.cli(run("fork_cow", "--backend", backend));
    if (backend.equals("ffm") && ffmMissing) {
      assertThat(got.status()).as(got.toString()).isEqualTo(125);
      assertThat(got.stderr().lines()).hasSize(1);
      assertThat(got.stderr()).startsWith("uvm4j: --backend ffm is unavailable: ");
      return;
    }
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
  }

  @Test
  void ramUpTo64GIsAcceptedAndCostsNothingUntilUsed() throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("hello"), Guests.args("hello"));
    for (String size : List.of("4G", "64G")) {
      GuestRun got = Uvm4jRuns.cli(run("hello", "--ram", size, "--stats"));
      assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
      assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
      assertThat(got.stderr())
          .as(got.toString())
          .contains(
              "npages "
                  + (((Long.parseLong(size.substring(0, size.length() - 1)) << 30) >> 12) - 1));
    }
  }

  @Test
  void ramSizesOutsideTheRangeAreOneClearLine() throws Exception {
    for (String size : List.of("2T", "512K")) {
      GuestRun got = Uvm4jRuns.cli(run("hello", "--ram", size));
      assertThat(got.status()).as(got.toString()).isEqualTo(125);
      assertThat(got.stderr().lines()).as(got.toString()).hasSize(1);
      assertThat(got.stderr()).contains("--ram").contains("out of range: use 1M to 1T");
    }
  }

  @Test
  void theLogOptionStillConfiguresLog4jThroughTheLauncher() throws Exception {
    // without --log the launcher skips Log4j core's configuration (LogStartup); with it, the
    // built-in configuration's pattern appears
    GuestRun expected = Guests.runNatively(Guests.binary("hello"), Guests.args("hello"));
    GuestRun got = Uvm4jRuns.cli(run("hello", "--log", "kern.proc=debug"));
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.stderr().lines())
        .as(got.toString())
        .anyMatch(l -> l.startsWith("DEBUG kern.proc: ") && l.contains("exec"));
  }

  @Test
  void badOptionsExit125() throws Exception {
    GuestRun got = Uvm4jRuns.cli(List.of("run", "--ram", "12X", "/bin/true"));
    assertThat(got.status()).isEqualTo(125);
    assertThat(got.stderr().lines()).hasSize(1);
  }

  /**
   * The JVM's account of the classes a {@code hello} run on {@code backend} loaded and initialised
   * ({@code -Xlog:class+load,class+init} into a file, so the guest's output stays apart), checked
   * to be a real account of that run: it names the CLI's main class and initialises the binding's
   * engine class. (The AOT cache loads the classes it archived at start, used or not: only
   * "Initializing" says a class was used.)
   */
  private List<String> classesOf(String backend, String engineClass) throws Exception {
    Path log = dir.resolve("classes-" + backend + ".log");
    GuestRun got =
        Uvm4jRuns.cli(
            List.of("-Xlog:class+load=info,class+init=info:file=" + log),
            run("hello", "--backend", backend));
    GuestRun expected = Guests.runNatively(Guests.binary("hello"), Guests.args("hello"));
    assertThat(got.status()).as(got.toString()).isEqualTo(expected.status());
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    List<String> lines = Files.readAllLines(log);
    assertThat(lines)
        .as("the class log of the run")
        .anyMatch(l -> l.contains(" org.uvm4j.cli.Main "))
        .anyMatch(l -> l.contains(initialising(engineClass)));
    return lines;
  }

  /** How -Xlog:class+init names the initialisation of {@code className}. */
  private static String initialising(String className) {
    return "Initializing '" + className.replace('.', '/') + "'";
  }

  /**
   * A run on the FFM binding makes every host libc call through FFM too: it initialises no JNA
   * class and reads none from a jar (JNA's set-up cost the start 35-45 ms of CPU;
   * docs/benchmarks.md, start-up). The AOT cache, whose training also runs the JNA binding, maps
   * JNA's classes at start with all the others it holds: those lines alone may name JNA.
   */
  @Test
  void aRunOnTheFfmBindingSetsUpNoJna() throws Exception {
    GuestRun version = Uvm4jRuns.cli(List.of("--version"));
    assumeTrue(!version.stdout().contains("ffm unavailable"), "this JVM or build has no FFM");
    List<String> lines = classesOf("ffm", "org.uvm4j.machine.ffm.FfmBackend");
    assertThat(lines)
        .filteredOn(l -> l.contains("com.sun.jna") || l.contains("com/sun/jna"))
        .allMatch(l -> l.contains("[class,load]") && l.endsWith(" source: shared objects file"));
    assertThat(lines).anyMatch(l -> l.contains(initialising("org.uvm4j.machine.host.FfmHostLibc")));
  }

  /** A run on the JNA binding makes its host libc calls through JNA, which it loads anyway. */
  @Test
  void aRunOnTheJnaBindingCallsLibcThroughJna() throws Exception {
    List<String> lines = classesOf("jna", "org.uvm4j.machine.unicorn.UnicornBackend");
    assertThat(lines).anyMatch(l -> l.contains(initialising("org.uvm4j.machine.host.JnaHostLibc")));
    assertThat(lines)
        .noneMatch(l -> l.contains(initialising("org.uvm4j.machine.host.FfmHostLibc")));
  }
}
