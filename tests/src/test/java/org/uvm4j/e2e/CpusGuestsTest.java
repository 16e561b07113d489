package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.Uvm4j;

/**
 * Virtual CPUs ({@code --cpus}, docs/kernel.md "Virtual CPUs") end to end: {@code cpu_affinity}
 * (musl and glibc) pins itself to each CPU and reads it back through getcpu, the vDSO, the vsyscall
 * page, /proc/self/stat and /proc/self/status, counts the CPUs through sysconf, /proc/cpuinfo and
 * /sys, and checks EINVAL and inheritance. With as many CPUs as this host has it prints exactly its
 * native run; {@link #expected} is that output for any number of CPUs, checked here against the
 * native run and then used for machines this host is not.
 */
class CpusGuestsTest {
  /**
   * The host's CPUs when they are 0 to N-1, all online and all in this JVM's affinity mask (what a
   * native run starts with), else 0.
   */
  static int hostCpus() {
    try {
      String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
      String allowed = "";
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("Cpus_allowed_list:")) {
          allowed = l.substring(l.indexOf(':') + 1).strip();
        }
      }
      if (!online.equals(allowed)) {
        return 0;
      }
      if (online.equals("0")) {
        return 1;
      }
      return online.matches("0-\\d+") ? Integer.parseInt(online.substring(2)) + 1 : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** What {@code cpu_affinity} prints on Linux with CPUs 0 to {@code n - 1}, all allowed. */
  static String expected(int n) {
    String all = n == 1 ? "0" : "0-" + (n - 1);
    StringBuilder b = new StringBuilder();
    b.append("CPUs in the affinity mask: ").append(n).append('\n');
    b.append("sysconf ONLN ").append(n).append(" CONF ").append(n).append('\n');
    b.append("processor entries in /proc/cpuinfo: ").append(n).append('\n');
    b.append("/sys/devices/system/cpu/online: ").append(all).append('\n');
    b.append("/sys/devices/system/cpu/possible: ").append(all).append('\n');
    b.append("Cpus_allowed_list: ").append(all).append('\n');
    b.append("raw sched_getaffinity: whole longs\n");
    b.append("length 4: -1 errno 22 (EINVAL 22)\n");
    for (int c = 0; c < n; c++) {
      b.append(
          String.format(
              "pinned to %d: getcpu %d, sched_getcpu %d, vsyscall getcpu %d, stat %d, allowed %d%n",
              c, c, c, c, c, c));
    }
    int last = n - 1;
    b.append("pin to CPU ").append(n).append(" (not online): -1 errno 22\n");
    b.append("empty mask: -1 errno 22\n");
    b.append("still pinned to CPU ").append(last).append(" only: yes, on it: yes\n");
    b.append("forked child: 1 CPU(s) allowed, on CPU ").append(last).append('\n');
    b.append("new thread: 1 CPU(s) allowed, on CPU ").append(last).append('\n');
    b.append("the main thread's mask is its own: ").append(n).append(" CPU(s)\n");
    b.append("thread pinned while asleep woke on CPU ")
        .append(last)
        .append(" (sched_getcpu ")
        .append(last)
        .append(")\n");
    b.append("done\n");
    return b.toString();
  }

  private static GuestResult run(String name, int cpus) throws Exception {
    return Uvm4j.guest(Guests.binary(name)).env(Uvm4jRuns.ENV).ram(Uvm4jRuns.RAM).cpus(cpus).run();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu_affinity", "cpu_affinity.glibc"})
  void withTheHostsCpuCountItPrintsWhatItPrintsNatively(String name) throws Exception {
    int n = hostCpus();
    Assumptions.assumeTrue(
        n >= 2, "the host needs CPUs 0..N-1 (N >= 2), online and all allowed to this JVM");
    GuestRun want = Guests.runNatively(Guests.binary(name), List.of());
    assertThat(want.stdout()).as("the native run, %s", want).isEqualTo(expected(n));
    assertThat(want.status()).isZero();

    GuestResult got = run(name, n);

    assertThat(got.stdout()).as(got.toString()).isEqualTo(want.stdout());
    assertThat(got.stderr()).isEqualTo(want.stderr());
    assertThat(got.status()).isEqualTo(want.status());
    assertThat(got.auditProblems()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu_affinity", "cpu_affinity.glibc"})
  void aOneCpuMachineRefusesCpu1(String name) throws Exception {
    GuestResult got = run(name, 1);

    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected(1));
    assertThat(got.status()).isZero();
    assertThat(got.auditProblems()).isEmpty();
  }

  @Test
  void machinesLargerThanTheHostThroughTheCli() throws Exception {
    for (int n : new int[] {5, 70}) {
      GuestRun got =
          Uvm4jRuns.cli(
              List.of(
                  "run", "--cpus", Integer.toString(n), Guests.binary("cpu_affinity").toString()));
      assertThat(got.stdout()).as("%d CPUs: %s", n, got).isEqualTo(expected(n));
      assertThat(got.status()).isZero();
    }
  }
}
