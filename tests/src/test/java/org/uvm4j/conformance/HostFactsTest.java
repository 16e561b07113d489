package org.uvm4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the conformance suite reads about the host to decide its CPU-dependent known differences:
 * this JVM's auxiliary vector ({@link ConformanceSuite#hostAuxv}), checked against what glibc's
 * loader prints for a native program ({@code LD_SHOW_AUXV=1}), and the native command's
 * credentials.
 */
class HostFactsTest {
  /** The value glibc's loader shows for {@code name} in a native program's auxv, or null. */
  private static String shownByLoader(String name) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("/bin/true").redirectErrorStream(true);
    pb.environment().put("LD_SHOW_AUXV", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    for (String l : out.lines().toList()) {
      if (l.startsWith(name + ":")) {
        return l.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  @Test
  void theJvmsAuxvHasThePageSizeAndTheNativeMinSigStkSz() throws Exception {
    assertThat(ConformanceSuite.hostAuxv(6)).isEqualTo(4096); // AT_PAGESZ
    assertThat(ConformanceSuite.hostAuxv(12345)).isZero();
    String shown = shownByLoader("AT_MINSIGSTKSZ");
    if (shown != null) { // a kernel before 5.14 has none, and the loader then shows none
      assertThat(ConformanceSuite.hostAuxv(ConformanceSuite.AT_MINSIGSTKSZ))
          .isEqualTo(Long.parseLong(shown));
    }
  }

  @Test
  void sigaltstackIsAKnownDifferenceExactlyWhenTheHostsFrameExceeds2049() {
    long host = ConformanceSuite.hostAuxv(ConformanceSuite.AT_MINSIGSTKSZ);
    assertThat(ConformanceSuite.TESTS.get("sigaltstack") != null).isEqualTo(host > 2049);
  }

  @Test
  void testVsyscallRunsOnAMachineWithTheHostsCpusAndIsNoKnownDifference() throws Exception {
    java.nio.file.Path cpus = java.nio.file.Path.of("/sys/devices/system/cpu");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.readString(cpus.resolve("online"))
            .equals(java.nio.file.Files.readString(cpus.resolve("possible"))),
        "every possible CPU of the host is online");
    Process p = new ProcessBuilder("nproc", "--all").redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    // nproc --all: the CPUs configured (glibc's get_nprocs_conf); equal when they are 0..N-1
    assertThat(ConformanceSuite.hostCpuCount()).isEqualTo(Integer.parseInt(all));
    assertThat(ConformanceSuite.UVM4J_OPTIONS.get("test_vsyscall"))
        .containsExactly("--cpus=" + all);
    assertThat(ConformanceSuite.TESTS).containsEntry("test_vsyscall", null);
  }

  @Test
  void theNativeRunHasTheGuestsCredentials() {
    List<String> cmd =
        ConformanceSuite.nativeCommand(
            java.nio.file.Path.of("/bin/true"), java.nio.file.Path.of("/x"));
    assertThat(cmd.get(4)).contains("setpriv --reuid=1000 --regid=1000 --clear-groups");
  }
}
