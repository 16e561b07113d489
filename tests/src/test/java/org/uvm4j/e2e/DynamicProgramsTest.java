package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host's own dynamically linked programs (glibc PIEs with a PT_INTERP of
 * /lib64/ld-linux-x86-64.so.2) run under uvm4j as they run natively: the kernel maps the program
 * and its interpreter, and ld.so maps libc.so.6 through the guest's openat/mmap/mprotect. Each run
 * is compared with the native one (stdout, stderr, status) and the system audit is clean after it.
 * The errors (a missing or broken interpreter) are the {@code exec_interp} guest's.
 */
class DynamicProgramsTest {
  @BeforeAll
  static void hostProgramsAreDynamic() throws Exception {
    byte[] sh = Files.readAllBytes(Path.of("/bin/sh").toRealPath());
    Assumptions.assumeTrue(
        new String(sh, 0, Math.min(sh.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("ld-linux-x86-64.so.2"),
        "the host's /bin/sh is not a glibc dynamically linked program");
  }

  static List<List<String>> commands() {
    return List.of(
        List.of("/bin/true"),
        List.of("/bin/false"),
        List.of("/bin/sh", "-c", "echo hi"),
        List.of(
            "/bin/sh",
            "-c",
            "echo $((6*7)); x=$(echo sub); echo $x; /bin/true && echo ok; "
                + "printf 'b\\na\\nc\\n' | /usr/bin/sort; for i in 1 2; do echo $i; done; exit 3"),
        List.of("/usr/bin/env", "-i", "A=1", "B=two words", "/usr/bin/env"),
        List.of("/bin/ls", "-a", "/usr/share/common-licenses"),
        List.of("/bin/cat", "/nonexistent-file"));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void runsLikeNativelyAndLeavesNothingBehind(List<String> cmd) throws Exception {
    Path bin = Path.of(cmd.get(0));
    Assumptions.assumeTrue(Files.isExecutable(bin), cmd.get(0) + " is not on this host");
    List<String> args = new ArrayList<>(cmd.subList(1, cmd.size()));
    GuestRun expected = Guests.runNatively(bin, args);

    Uvm4jRuns.Audited got = Uvm4jRuns.inProcess(bin, args);

    assertThat(got.run().stdout()).as(got.run().toString()).isEqualTo(expected.stdout());
    assertThat(got.run().stderr()).as(got.run().toString()).isEqualTo(expected.stderr());
    assertThat(got.run().status()).as(got.run().toString()).isEqualTo(expected.status());
    assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
  }
}
