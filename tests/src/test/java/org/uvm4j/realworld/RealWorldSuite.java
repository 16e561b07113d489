package org.uvm4j.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.uvm4j.e2e.Guests;
import org.uvm4j.e2e.Uvm4jRuns;

/**
 * The real-program suite (issue 11 item 7): Debian bookworm's busybox, Lua 5.4, SQLite, zlib,
 * xz-utils, GNU bc and jq built with {@code musl-gcc -static -O2}, and Debian's own glibc {@code
 * busybox-static}, each case run natively and under {@code uvm4j run}, comparing stdout, stderr and
 * exit status byte for byte. The programs come from {@code scripts/fetch-realworld.sh} (run by
 * {@code make realworld} before this class; cached under {@code .cache/realworld}).
 *
 * <p>A case whose package could not be fetched or built is skipped with the script's reason. A case
 * known not to match yet is an expected failure: its reason is in its name and the report, and it
 * must still fail showing its symptom, so that a fix (or a new way of failing) is noticed.
 *
 * <p>Not a {@code *Test}: {@code make test} does not run it; {@code make realworld} does.
 */
class RealWorldSuite {
  /** Guard against a hung run (never a timing assertion): 10 minutes. */
  static final long RUN_LIMIT_SECONDS = 600;

  static final AtomicInteger matched = new AtomicInteger();
  static final AtomicInteger expectedFailures = new AtomicInteger();
  static final AtomicInteger skipped = new AtomicInteger();
  static final AtomicInteger failed = new AtomicInteger();

  static Path cache() {
    String p = System.getProperty("uvm4j.realworld.dir");
    return p != null ? Path.of(p) : Guests.root().resolve(".cache/realworld");
  }

  @TestFactory
  Stream<DynamicTest> eachCaseMatchesItsNativeRun(TestReporter reporter) {
    Path cache = cache();
    List<RealWorldCase> cases = RealWorldCases.all(cache.resolve("src"));
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (RealWorldCase c : cases) {
      int index = i++;
      String name =
          c.expectedFailure() == null
              ? c.name()
              : c.name() + " [expected failure: " + c.expectedFailure() + "]";
      tests.add(DynamicTest.dynamicTest(name, () -> runCase(cache, c, index, reporter)));
    }
    return tests.stream();
  }

  private static void runCase(Path cache, RealWorldCase c, int index, TestReporter reporter)
      throws Exception {
    if (!Files.exists(cache.resolve("ok").resolve(c.pkg()))) {
      Path why = cache.resolve("failed").resolve(c.pkg());
      skipped.incrementAndGet();
      Assumptions.abort(
          "package "
              + c.pkg()
              + " is not available: "
              + (Files.exists(why)
                  ? Files.readString(why).strip()
                  : "not fetched (run `make realworld`, which runs scripts/fetch-realworld.sh)"));
    }
    Path bin = cache.resolve("bin").resolve(c.program());
    Map<String, String> dirs =
        Map.of(
            "@BIN@", cache.resolve("bin").toAbsolutePath().toString(),
            "@SRC@", cache.resolve("src").toAbsolutePath().toString());
    List<String> args = c.resolvedArgs(dirs);
    Path dir = Guests.root().resolve("tests/target/realworld/case" + index);
    Map<String, String> env =
        Map.of(
            "PATH", "/usr/bin:/bin",
            "LC_ALL", "C",
            "TZ", "UTC",
            "HOME", dir.toString(),
            "TMPDIR", "/tmp");

    List<String> nativeCmd = new ArrayList<>();
    nativeCmd.add(bin.toString());
    nativeCmd.addAll(args);
    fresh(dir);
    ProgramRun expected = ProgramRun.run(nativeCmd, dir, env, c.stdin(), RUN_LIMIT_SECONDS);

    // uvm4j's own log (the calls it answered ENOSYS) goes beside the case's directory
    Path log = dir.resolveSibling("case" + index + ".uvm4j.log");
    Files.deleteIfExists(log);
    // the VM system's audit when the run has ended (every frame free or a tmpfs page)
    Path audit = dir.resolveSibling("case" + index + ".audit");
    Files.deleteIfExists(audit);
    List<String> uvmArgs =
        new ArrayList<>(
            List.of(
                "run",
                "--ram",
                "512M",
                "--log-file",
                log.toString(),
                "--audit",
                audit.toString(),
                // the case's directory is writable, as it is to the native run (the guest's
                // default root is the host's / read-only: docs/fs.md)
                "--bind",
                dir + ":" + dir,
                bin.toString()));
    uvmArgs.addAll(args);
    fresh(dir);
    ProgramRun got =
        ProgramRun.run(Uvm4jRuns.cliCommand(uvmArgs), dir, env, c.stdin(), RUN_LIMIT_SECONDS);
    String mismatch = got.mismatch(expected);
    String logText = Files.exists(log) ? Files.readString(log) : "";
    String auditText = Files.exists(audit) ? Files.readString(audit) : "(no audit was written)";
    boolean auditClean = auditText.startsWith("system audit: clean");
    System.out.println(
        "realworld: "
            + (!auditClean
                ? "AUDIT "
                : mismatch == null ? "MATCH " : c.expectedFailure() != null ? "XFAIL " : "DIFFER")
            + " "
            + c.name()
            + (c.expectedFailure() != null ? "  [" + c.expectedFailure() + "]" : ""));

    if (!auditClean) {
      failed.incrementAndGet();
    }
    assertThat(auditText)
        .as("%s: the system audit after the run is not clean\nuvm4j log:\n%s", c.name(), logText)
        .startsWith("system audit: clean");
    if (c.expectedFailure() == null) {
      if (mismatch != null) {
        failed.incrementAndGet();
      } else {
        matched.incrementAndGet();
      }
      assertThat(mismatch)
          .as(
              "%s\nnative run:\n%s\nuvm4j run:\n%s\nuvm4j log:\n%s",
              c.name(), expected, got, logText)
          .isNull();
    } else {
      reporter.publishEntry("expected failure", c.expectedFailure());
      assertThat(mismatch)
          .as(
              "%s is marked as an expected failure (%s) but now matches its native run: remove"
                  + " the mark",
              c.name(), c.expectedFailure())
          .isNotNull();
      String seen =
          mismatch + ProgramRun.text(got.stdout()) + ProgramRun.text(got.stderr()) + logText;
      assertThat(seen)
          .as(
              "%s fails, but no longer as expected (%s): symptom '%s' not seen\n%s",
              c.name(), c.expectedFailure(), c.symptom(), mismatch)
          .contains(c.symptom());
      expectedFailures.incrementAndGet();
    }
  }

  private static void fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          p.toFile().setWritable(true);
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    RealWorldCases.writeFixtures(dir);
  }

  @AfterAll
  static void summary() {
    int total = matched.get() + expectedFailures.get() + skipped.get() + failed.get();
    System.out.println(
        "realworld: "
            + matched.get()
            + " of "
            + total
            + " cases match their native runs; "
            + expectedFailures.get()
            + " expected failures, "
            + failed.get()
            + " failures, "
            + skipped.get()
            + " skipped");
  }
}
