package org.uvm4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.uvm4j.e2e.Guests;
import org.uvm4j.e2e.Uvm4jRuns;
import org.uvm4j.kernel.Kernel;

/**
 * The conformance suite (issue 16): Linux's own memory-management and x86 kernel selftests, from
 * Debian's {@code linux} source package, built static by {@code scripts/fetch-selftests.sh} (run by
 * {@code make conformance} before this class; cached under {@code .cache/conformance}). Each test
 * runs natively and under {@code uvm4j run}; their kselftest counts ({@link KselftestCounts}:
 * pass/fail/xfail/xpass/skip/error and the exit status) must be equal. Both runs get the same
 * environment: the native one is given what a guest sees ({@link #nativeCommand}: uvm4j's empty
 * {@code /sys/kernel/mm}, a fresh tmpfs as working directory), and a guest may be given a bigger
 * machine where a test needs it ({@link #UVM4J_OPTIONS}).
 *
 * <p>A test that could not be fetched or built is skipped with the script's reason. A test known to
 * differ is a known difference: its reason is in its name and the report, and it must still differ
 * showing its symptom in the uvm4j run's output, so that a fix (or a new way of failing) is
 * noticed.
 *
 * <p>Not a {@code *Test}: {@code make test} does not run it; {@code make conformance} does.
 */
class ConformanceSuite {
  /** Guard against a hung run (never a timing assertion). */
  static final long RUN_LIMIT_SECONDS = 300;

  /** uvm4j's own run limit for each test (a hung guest ends the run, which then differs). */
  static final String UVM4J_TIMEOUT = "60s";

  /**
   * The working directory of the uvm4j run: {@code /tmp}, which the guest sees as its private
   * scratch tmpfs (docs/fs.md; the rest of the host's tree is read-only to it). The native run
   * starts in a fresh tmpfs of its own ({@link #nativeCommand}), so that tests that create files in
   * their working directory ({@code mincore_selftest}'s O_TMPFILE, {@code virtual_address_range}'s
   * dump file) create them in the same kind of file system on both sides.
   */
  static final Path SCRATCH = Path.of("/tmp");

  /**
   * The native run's environment, the same the guest is given: uvm4j lays its own, empty {@code
   * /sys/kernel/mm} over the host's ({@code SysFs}: no transparent huge pages, no hugetlbfs, no
   * KSM), so the native run gets an empty read-only tmpfs there, and a fresh tmpfs mounted on the
   * empty directory {@code scratch} as its working directory, in a mount namespace of its own
   * ({@code unshare --mount}: the host's mounts are not touched). Without the first the native
   * {@code cow} would run its cases for every THP and hugetlb size the host has (670 instead of 33)
   * and {@code mkdirty} its THP cases, none of which a guest can run. The tmpfs goes on a directory
   * of its own, never on {@code /tmp}: that would hide the test binary of a checkout under {@code
   * /tmp} (a clean clone there ran every native test as "not found", exit 127). The test itself
   * runs with the guest's credentials, uid and gid {@value Kernel#UID} without supplementary groups
   * ({@code setpriv}), not as the root the suite needs for the mounts: root may map below {@code
   * vm.mmap_min_addr} (CAP_SYS_RAWIO) and use userfaultfd, which a guest, like any unprivileged
   * Linux process, may not ({@code mseal_test}'s address-0 cases, {@code mkdirty}'s UFFDIO_COPY).
   */
  static List<String> nativeCommand(Path bin, Path scratch) {
    return List.of(
        "unshare",
        "--mount",
        "sh",
        "-c",
        "mount -t tmpfs -o ro,mode=0755 uvm4j-sysfs /sys/kernel/mm"
            + " && mount -t tmpfs -o mode=1777 uvm4j-scratch \"$1\""
            + " && cd \"$1\""
            + " && exec setpriv --reuid="
            + Kernel.UID
            + " --regid="
            + Kernel.GID
            + " --clear-groups \"$0\"",
        bin.toAbsolutePath().toString(),
        scratch.toAbsolutePath().toString());
  }

  /** Why {@link #nativeCommand} cannot be used here (null: it can). */
  static String nativeEnvironmentProblem() {
    try {
      Path dir = Files.createTempDirectory("uvm4j-conformance");
      Path out = dir.resolve("probe");
      Path scratch = Files.createDirectory(dir.resolve("scratch"));
      SelftestRun r = SelftestRun.run(nativeCommand(Path.of("/bin/ls"), scratch), dir, out, 30);
      Files.deleteIfExists(out);
      Files.deleteIfExists(scratch);
      Files.deleteIfExists(dir);
      return r.status() == 0 && r.output().isBlank()
          ? null
          : "cannot give the native run uvm4j's /sys/kernel/mm, scratch /tmp and uid (unshare"
              + " --mount and mount need CAP_SYS_ADMIN, setpriv CAP_SETUID): "
              + r.output().strip();
    } catch (java.io.IOException e) {
      return "cannot give the native run uvm4j's /sys/kernel/mm: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * uvm4j options a test's run gets besides the defaults, each for a stated reason (the guest's
   * machine, never the test's logic).
   */
  static final Map<String, List<String>> UVM4J_OPTIONS =
      Map.of(
          // It maps all 128 TiB of the lower half in 1 GiB chunks and, without touching them,
          // write(2)s one byte of each GiB to a dump file: Linux reads those from its shared zero
          // page; uvm4j, like NetBSD's UVM, has none and zero-fills a page for each (131072 pages,
          // 512 MiB), more than the default 128 MiB of RAM (a write(2) then fails, the test
          // reports "BUG in mmap() or /proc/self/maps" and the run is OOM-killed).
          "virtual_address_range",
          List.of("--ram=1G"),
          // It pins itself to CPU 0, then to CPU 1, and compares getcpu's answers (system call,
          // vDSO, vsyscall page) with the CPU it asked for; natively it runs on the host's CPUs,
          // so the guest's machine gets as many (docs/kernel.md, "Virtual CPUs"). With uvm4j's
          // default one CPU, sched_setaffinity to CPU 1 is EINVAL and the two cases on CPU 1 skip.
          "test_vsyscall",
          List.of("--cpus=" + hostCpuCount()));

  /**
   * The host's number of CPUs for the guest's machine: the highest online CPU ({@code
   * /sys/devices/system/cpu/online}) + 1, or 1 when unreadable.
   */
  static int hostCpuCount() {
    try {
      String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
      int highest = 0;
      for (String part : online.split(",")) {
        String last = part.substring(part.lastIndexOf('-') + 1);
        highest = Math.max(highest, Integer.parseInt(last));
      }
      return highest + 1;
    } catch (java.io.IOException | RuntimeException e) {
      return 1;
    }
  }

  private static String nativeProblem;
  private static boolean nativeProbed;

  /** A selftest known not to conform yet: why, and a text its uvm4j output shows. */
  record KnownDifference(String reason, String symptom) {}

  /** The auxiliary vector's AT_MINSIGSTKSZ: the signal frame size of the CPU (Linux 5.14+). */
  static final int AT_MINSIGSTKSZ = 51;

  /** sigaltstack.c's ENFORCED_MINSIGSTKSZ (the kernel's MINSIGSTKSZ check). */
  static final int SIGALTSTACK_ENFORCED_MINSIGSTKSZ = 2048;

  /** Every test the suite runs, in order; the known differences map to their reasons. */
  static final Map<String, KnownDifference> TESTS = new LinkedHashMap<>();

  static {
    for (String t :
        List.of(
            "mremap_dontunmap",
            "map_fixed_noreplace",
            "mremap_test",
            "mlock2-tests",
            "madv_populate",
            "mkdirty",
            "mincore_selftest",
            "soft-dirty",
            "mdwe_test",
            "mseal_test",
            "seal_elf",
            "map_populate",
            "virtual_address_range",
            "cow",
            "sigaltstack",
            "syscall_arg_fault",
            "nx_stack",
            "syscall_numbering",
            "test_vsyscall")) {
      TESTS.put(t, null);
    }
    long hostMinSigStkSz = hostAuxv(AT_MINSIGSTKSZ);
    if (hostMinSigStkSz > SIGALTSTACK_ENFORCED_MINSIGSTKSZ + 1) {
      // the native run depends on the host's CPU: its insufficient-stack case runs only when the
      // host's signal frame is bigger than 2049 bytes (XSAVE with AVX-512 and the like)
      known(
          "sigaltstack",
          "a CPU-feature difference: the insufficient-stack case runs only when the auxiliary"
              + " vector reports AT_MINSIGSTKSZ above 2049; uvm4j reports 1440, Linux's"
              + " max_frame_size for its emulated CPU (FXSR, no XSAVE, so the frame's FPU state is"
              + " the 512-byte fxsave image), where this host's frame with its xsave area needs "
              + hostMinSigStkSz,
          "[OK]\tSIGALRM signal delivered.");
    }
    String vendor = hostCpuVendor();
    if (!vendor.equals("AuthenticAMD")) {
      // the native run depends on the host's CPU: on an AMD host it counts as under uvm4j
      known(
          "syscall_arg_fault",
          "uvm4j's CPU (unicorn's qemu64) identifies as AuthenticAMD, where SYSENTER in 64-bit"
              + " mode is an invalid opcode: its three SYSENTER cases get SIGILL and skip ('Illegal"
              + " instruction'), where this host's "
              + vendor
              + " CPU enters the kernel's 32-bit SYSENTER path and the test gets the SIGSEGV it"
              + " expects ('Seems okay'); the two SYSCALL cases count as natively",
          "[SKIP]\tIllegal instruction");
    }
  }

  /**
   * The value of {@code type} in this JVM's auxiliary vector ({@code /proc/self/auxv}: pairs of
   * 64-bit little-endian words up to AT_NULL), which the host's kernel computed for this host's CPU
   * as it does for a native test; 0 when absent or unreadable.
   */
  static long hostAuxv(int type) {
    try {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv")))
              .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 16) {
        long t = b.getLong();
        long v = b.getLong();
        if (t == 0) {
          break;
        }
        if (t == type) {
          return v;
        }
      }
    } catch (java.io.IOException e) {
      // no /proc/self/auxv: unknown
    }
    return 0;
  }

  /** The host CPU's vendor ({@code vendor_id} of /proc/cpuinfo; "" when unknown). */
  static String hostCpuVendor() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("vendor_id")) {
          return l.substring(l.indexOf(':') + 1).strip();
        }
      }
    } catch (java.io.IOException e) {
      // no /proc/cpuinfo: unknown
    }
    return "";
  }

  private static void known(String test, String reason, String symptom) {
    if (!TESTS.containsKey(test)) {
      throw new IllegalArgumentException("no such selftest: " + test);
    }
    TESTS.put(test, new KnownDifference(reason, symptom));
  }

  static final AtomicInteger conforming = new AtomicInteger();
  static final AtomicInteger known = new AtomicInteger();
  static final AtomicInteger skipped = new AtomicInteger();
  static final AtomicInteger failed = new AtomicInteger();

  static Path cache() {
    String p = System.getProperty("uvm4j.conformance.dir");
    return p != null ? Path.of(p) : Guests.root().resolve(".cache/conformance");
  }

  @TestFactory
  Stream<DynamicTest> eachSelftestCountsAsItsNativeRun() {
    Path cache = cache();
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, KnownDifference> t : TESTS.entrySet()) {
      String name =
          t.getValue() == null
              ? t.getKey()
              : t.getKey() + " [known difference: " + t.getValue().reason() + "]";
      tests.add(DynamicTest.dynamicTest(name, () -> runTest(cache, t.getKey(), t.getValue())));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "cow with a swap file [uvm4j only: the host has no swap]",
            () -> runCowWithSwap(cache)));
    return tests.stream();
  }

  private static void runTest(Path cache, String test, KnownDifference diff) throws Exception {
    if (!Files.exists(cache.resolve("ok").resolve(test))) {
      Path why = cache.resolve("failed").resolve(test);
      skipped.incrementAndGet();
      Assumptions.abort(
          test
              + " is not built: "
              + (Files.exists(why)
                  ? Files.readString(why).strip()
                  : "not fetched (run `make conformance`, which runs scripts/fetch-selftests.sh)"));
    }
    if (!nativeProbed) {
      nativeProblem = nativeEnvironmentProblem();
      nativeProbed = true;
    }
    if (nativeProblem != null) {
      skipped.incrementAndGet();
      Assumptions.abort(nativeProblem);
    }
    Path bin = cache.resolve("bin").resolve(test).toAbsolutePath();
    Path dir = Guests.root().resolve("tests/target/conformance/" + test);
    Path scratch = Files.createDirectories(dir.resolveSibling(test + ".native-scratch"));
    SelftestRun expected =
        SelftestRun.run(
            nativeCommand(bin, scratch),
            dir,
            dir.resolveSibling(test + ".native"),
            RUN_LIMIT_SECONDS);
    Path log = dir.resolveSibling(test + ".uvm4j.log");
    Files.deleteIfExists(log);
    SelftestRun got =
        SelftestRun.run(
            Uvm4jRuns.cliCommand(uvm4jArgs(test, bin, log)),
            SCRATCH,
            dir.resolveSibling(test + ".uvm4j"),
            RUN_LIMIT_SECONDS);
    KselftestCounts want = expected.counts();
    KselftestCounts have = got.counts();
    boolean same = want.equals(have);
    System.out.println(
        "conformance: "
            + (same ? "SAME  " : diff != null ? "KNOWN " : "DIFFER")
            + " "
            + test
            + "  native: "
            + want
            + "  uvm4j: "
            + have
            + (diff != null ? "  [" + diff.reason() + "]" : ""));
    if (diff == null) {
      if (same) {
        conforming.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
      assertThat(have)
          .as("%s\nnative run:\n%s\nuvm4j run:\n%s", test, expected.output(), got.output())
          .isEqualTo(want);
    } else {
      assertThat(same)
          .as(
              "%s is a known difference (%s) but now counts as its native run (%s): remove the"
                  + " mark",
              test, diff.reason(), want)
          .isFalse();
      assertThat(got.output())
          .as(
              "%s differs, but no longer as known (%s): symptom '%s' not seen\nuvm4j run:\n%s",
              test, diff.reason(), diff.symptom(), got.output())
          .contains(diff.symptom());
      known.incrementAndGet();
    }
  }

  /**
   * {@code cow} under uvm4j with a swap file, where its "swapped out base page" cases run (they
   * skip natively on a host without swap, and under uvm4j without {@code --swap}): MADV_PAGEOUT
   * writes the page to swap, pagemap shows it swapped, and fork, copy-on-write and vmsplice then
   * work on the page read back. No native run to compare with, so Linux's own verdicts are the
   * oracle: every case passes or skips for a reason other than swap, and the swapped cases did run.
   */
  private static void runCowWithSwap(Path cache) throws Exception {
    Path bin = cache.resolve("bin").resolve("cow").toAbsolutePath();
    if (!Files.exists(cache.resolve("ok").resolve("cow"))) {
      Assumptions.abort("cow is not built");
    }
    Path dir = Guests.root().resolve("tests/target/conformance/cow-swap");
    Files.createDirectories(dir);
    Path log = dir.resolveSibling("cow-swap.uvm4j.log");
    Files.deleteIfExists(log);
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--timeout=" + UVM4J_TIMEOUT,
                "--swap",
                dir.resolve("swap").toString(),
                "--swap-size",
                "64M",
                "--log-file",
                log.toString(),
                "--",
                bin.toString()));
    SelftestRun got =
        SelftestRun.run(
            Uvm4jRuns.cliCommand(args),
            SCRATCH,
            dir.resolveSibling("cow-swap.uvm4j"),
            RUN_LIMIT_SECONDS);
    KselftestCounts have = got.counts();
    System.out.println("conformance: cow with a swap file (uvm4j only): " + have);
    String out = got.output();
    assertThat(out).as(out).contains("with swapped out base page");
    assertThat(out)
        .as("MADV_PAGEOUT pages out with a swap file\n%s", out)
        .doesNotContain("MADV_PAGEOUT did not work");
    assertThat(out).as(out).doesNotContain("not ok ");
    assertThat(out).as(out).contains("# Totals: pass:15 fail:0 xfail:0 xpass:0 skip:18 error:0");
    assertThat(got.status()).as(out).isZero();
  }

  /** {@code run} with the suite's limit, the test's own {@link #UVM4J_OPTIONS} and its log. */
  static List<String> uvm4jArgs(String test, Path bin, Path log) {
    List<String> args = new ArrayList<>(List.of("run", "--timeout=" + UVM4J_TIMEOUT));
    args.addAll(UVM4J_OPTIONS.getOrDefault(test, List.of()));
    args.addAll(List.of("--log-file", log.toString(), "--", bin.toString()));
    return args;
  }

  @AfterAll
  static void summary() {
    int total = conforming.get() + known.get() + skipped.get() + failed.get();
    System.out.println(
        "conformance: "
            + conforming.get()
            + " of "
            + total
            + " selftests count as their native runs; "
            + known.get()
            + " known differences, "
            + failed.get()
            + " failures, "
            + skipped.get()
            + " skipped");
  }
}
