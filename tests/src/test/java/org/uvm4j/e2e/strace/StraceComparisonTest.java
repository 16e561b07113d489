package org.uvm4j.e2e.strace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.e2e.Guests;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.strace.Strace;
import org.uvm4j.kernel.syscall.Linux64;

/**
 * {@code --strace} against the real thing: each guest runs under Debian's {@code strace -f -o FILE}
 * natively and under uvm4j with the strace hook, with the same path, arguments and environment;
 * after {@link StraceNormalizer} (pids by fork-tree position, addresses, SIGCHLD positions) every
 * process's lines must be the same, text for text.
 */
class StraceComparisonTest {
  private static final Path STRACE = Path.of("/usr/bin/strace");
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello",
        "fork_cow",
        "shared_anon",
        "dontfork",
        "mprotect_fault",
        "munmap_partial",
        "mlock_fork",
        "selfmod",
        "brk_malloc",
        "sparse",
        "fork_tree",
        "pipes",
        "vfork_exec",
        "segv",
        "trace_cow"
      })
  void uvm4jStraceMatchesRealStrace(String name) throws Exception {
    assumeThat(Files.isExecutable(STRACE))
        .as("strace is not installed at " + STRACE + ": apt-get install strace")
        .isTrue();
    Path bin = Guests.binary(name);
    List<String> argv = new ArrayList<>();
    argv.add(bin.toString());
    argv.addAll(Guests.args(name));

    String real = realStrace(argv);
    String ours = uvm4jStrace(bin, argv);

    Map<String, StraceNormalizer.Process> expected = StraceNormalizer.normalize(real);
    Map<String, StraceNormalizer.Process> actual = StraceNormalizer.normalize(ours);
    assertThat(expected).as("real strace output:\n" + real).isNotEmpty();
    assertThat(actual.keySet())
        .as("processes\n--- real\n" + real + "--- uvm4j\n" + ours)
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (String p : expected.keySet()) {
      assertThat(actual.get(p).lines())
          .as("process " + p + "\n--- real\n" + real + "--- uvm4j\n" + ours)
          .containsExactlyElementsOf(expected.get(p).lines());
      // standard signals do not queue: how many SIGCHLD a parent sees depends on how its
      // children's exits interleave with its own run; each one shown must be one of its
      // children's, with the status real strace shows that child exit with
      List<String> possible = possibleSigchld(expected, p);
      assertThat(actual.get(p).sigchld())
          .as("SIGCHLD of process " + p + " (any of its children's)")
          .isSubsetOf(possible);
      assertThat(expected.get(p).sigchld()).as("real SIGCHLD of " + p).isSubsetOf(possible);
      assertThat(actual.get(p).sigchld().isEmpty())
          .as("process " + p + " sees a SIGCHLD iff it does natively")
          .isEqualTo(expected.get(p).sigchld().isEmpty());
    }
  }

  /** The SIGCHLD lines {@code parent} may see: one per child, from the child's exit line. */
  private static List<String> possibleSigchld(
      Map<String, StraceNormalizer.Process> procs, String parent) {
    List<String> lines = new ArrayList<>();
    java.util.regex.Pattern exit =
        java.util.regex.Pattern.compile("^\\+\\+\\+ exited with (\\d+) \\+\\+\\+$");
    java.util.regex.Pattern kill =
        java.util.regex.Pattern.compile("^\\+\\+\\+ killed by (SIG\\w+) .*$");
    for (Map.Entry<String, StraceNormalizer.Process> e : procs.entrySet()) {
      String child = e.getKey();
      if (!child.startsWith(parent + ".") || child.indexOf('.', parent.length() + 1) >= 0) {
        continue;
      }
      List<String> l = e.getValue().lines();
      String last = l.isEmpty() ? "" : l.get(l.size() - 1);
      java.util.regex.Matcher x = exit.matcher(last);
      java.util.regex.Matcher k = kill.matcher(last);
      String code;
      String status;
      if (x.matches()) {
        code = "CLD_EXITED";
        status = x.group(1);
      } else if (k.matches()) {
        code = "CLD_KILLED";
        status = k.group(1);
      } else {
        continue;
      }
      lines.add(
          "--- SIGCHLD {si_signo=SIGCHLD, si_code="
              + code
              + ", si_pid="
              + child
              + ", si_uid=U, si_status="
              + status
              + ", si_utime=T, si_stime=T} ---");
    }
    return lines;
  }

  /** The format details the comparison's normalisation would hide: column, pid field, quoting. */
  @Test
  void linesHaveStracesLayout() throws Exception {
    Path bin = Guests.binary("hello");
    String ours = uvm4jStrace(bin, List.of(bin.toString(), "a\"b\\c\td\u0001"));
    assertThat(ours)
        .contains("1     arch_prctl(ARCH_SET_FS, 0x")
        .contains("1     exit_group(1)                     = ?\n")
        .contains("1     +++ exited with 1 +++\n")
        .contains("\"a\\\"b\\\\c\\td\\1\"")
        .contains(
            "[{iov_base=\"\", iov_len=0}, {iov_base=\"hello, world\", iov_len=12}], 2) = 12\n");
  }

  private String realStrace(List<String> argv) throws IOException, InterruptedException {
    Path out = tmp.resolve("real.strace");
    // the JVM blocks SIGQUIT and children inherit the mask: perl (Debian's essential perl-base)
    // clears it before it execs strace, so the guest starts with an empty mask as under uvm4j
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "perl",
                "-e",
                "use POSIX; sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; exec @ARGV or die",
                STRACE.toString(),
                "-f",
                "-o",
                out.toString()));
    cmd.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(ENV);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(tmp.resolve("strace.err").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process proc = pb.start();
    assertThat(proc.waitFor(120, TimeUnit.SECONDS)).as("strace finished").isTrue();
    String err = Files.readString(tmp.resolve("strace.err"));
    assertThat(err)
        .as("strace could not trace (ptrace not permitted here?)")
        .doesNotContain("ptrace(PTRACE_TRACEME")
        .doesNotContain("Operation not permitted");
    return Files.readString(out);
  }

  private static String uvm4jStrace(Path bin, List<String> argv) throws Exception {
    ByteArrayOutputStream trace = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(trace, true, StandardCharsets.UTF_8)) {
      Kernel k =
          new Kernel(
              KernelConfig.builder()
                  .ram(64L << 20)
                  .stdout(new ByteArrayOutputStream())
                  .stderr(new ByteArrayOutputStream())
                  .stdin(java.io.InputStream.nullInputStream())
                  .build(),
              Linux64::create);
      k.setStrace(new Strace(ps));
      k.run(bin, argv, ENV);
    }
    return trace.toString(StandardCharsets.UTF_8);
  }
}
