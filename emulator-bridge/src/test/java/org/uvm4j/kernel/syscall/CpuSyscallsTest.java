package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.CpuMasks.mask;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.Errno;

/**
 * getcpu, sched_getaffinity and sched_setaffinity on machines of one and of several virtual CPUs,
 * run directly, and what /proc and /sys show of the CPUs ({@code --cpus}).
 */
class CpuSyscallsTest {
  static final long AT_FDCWD = 0xffff_ff9cL;

  /** 64-bit garbage for the upper half of an {@code int} argument: Linux ignores it. */
  static final long GARBAGE = 0xdead_beef_0000_0000L;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  CpuSyscalls cpus;
  long buf;

  void machine(int n) {
    f = new HandlerFixture(dir, n);
    p = f.k.newProc();
    cpus = f.h.cpus();
    buf = f.userMemory(p, 8192);
  }

  /**
   * {@link #machine} of {@code n} CPUs; the test is skipped on a host without /sys/devices/system.
   */
  void machineOnAHostWithSys(int n) {
    Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/sys/devices/system")), "the host has /sys/devices/system");
    machine(n);
  }

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private void putMask(long va, long... words) {
    for (int i = 0; i < words.length; i++) {
      assertThat(f.mem(p).writeLong(va + 8L * i, words[i])).isZero();
    }
  }

  private long setaffinity(Proc caller, long pid, long len, long... words) {
    putMask(buf + 4096, words);
    return f.call(caller, cpus::schedSetaffinity, pid, len, buf + 4096);
  }

  private long getcpu(Proc caller) throws Exception {
    assertThat(f.mem(caller).writeInt(buf, -1)).isZero();
    assertThat(f.mem(caller).writeInt(buf + 4, -1)).isZero();
    assertThat(f.call(caller, cpus::getcpu, buf, buf + 4, 0)).isZero();
    assertThat(f.readInt(caller, buf + 4)).as("node").isZero();
    return f.readInt(caller, buf);
  }

  @Test
  void oneCpuMachine() throws Exception {
    machine(1);
    assertThat(getcpu(p)).isZero();
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 128, buf)).isEqualTo(8);
    assertThat(f.readLong(p, buf)).isEqualTo(1);
    assertThat(setaffinity(p, 0, 8, 2)).isEqualTo(-Errno.EINVAL); // CPU 1 does not exist
    assertThat(setaffinity(p, 0, 8, 0xffff_ffff_ffff_ffffL)).isZero(); // cut to the online ones
    assertThat(p.cpusAllowed()).isEqualTo(mask(0));
  }

  @Test
  void getaffinityAnswersTheMaskOfNrCpuIdsBits() throws Exception {
    machine(4);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 8, buf)).isEqualTo(8);
    assertThat(f.readLong(p, buf)).isEqualTo(0xf);
    // the length: at least nr_cpu_ids bits, a multiple of 8; a longer buffer gets
    // cpumask_size() bytes, the rest is left alone
    putMask(buf, -1L, -1L);
    assertThat(f.call(p, cpus::schedGetaffinity, GARBAGE, 1024 | GARBAGE, buf)).isEqualTo(8);
    assertThat(f.readLong(p, buf)).isEqualTo(0xf);
    assertThat(f.readLong(p, buf + 8)).isEqualTo(-1L);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 4, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 12, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 0, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 8, 0x10)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, cpus::schedGetaffinity, 99999, 8, buf)).isEqualTo(-Errno.ESRCH);
    assertThat(f.call(p, cpus::schedGetaffinity, -1, 8, buf)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void aMachineOfMoreThan64CpusHasMasksOfSeveralWords() throws Exception {
    machine(100);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 8, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 16, buf)).isEqualTo(16);
    assertThat(f.readLong(p, buf)).isEqualTo(-1L);
    assertThat(f.readLong(p, buf + 8)).isEqualTo((1L << 36) - 1); // CPUs 64..99
    assertThat(setaffinity(p, 0, 16, 0, 1L << 35)).isZero(); // CPU 99 only
    assertThat(getcpu(p)).isEqualTo(99);
    assertThat(setaffinity(p, 0, 16, 0, 1L << 36)).isEqualTo(-Errno.EINVAL); // CPU 100: none
    assertThat(getcpu(p)).isEqualTo(99);
  }

  @Test
  void setaffinityMovesTheCallerToAnAllowedCpuBeforeReturning() throws Exception {
    machine(4);
    assertThat(getcpu(p)).isZero();
    assertThat(setaffinity(p, 0, 8, 0b1010)).isZero(); // CPUs 1 and 3
    assertThat(getcpu(p)).isEqualTo(1); // the lowest allowed
    assertThat(f.call(p, cpus::schedGetaffinity, 0, 8, buf)).isEqualTo(8);
    assertThat(f.readLong(p, buf)).isEqualTo(0b1010);
    assertThat(setaffinity(p, 0, 8, 0b1100)).isZero(); // 2 and 3: CPU 1 is not allowed any more
    assertThat(getcpu(p)).isEqualTo(2);
    assertThat(setaffinity(p, 0, 8, 0b1111)).isZero(); // CPU 2 still allowed: it stays
    assertThat(getcpu(p)).isEqualTo(2);
    // no online CPU in the mask: EINVAL, nothing changes
    assertThat(setaffinity(p, 0, 8, 0b11_0000)).isEqualTo(-Errno.EINVAL);
    assertThat(setaffinity(p, 0, 8, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(p.cpusAllowed()).isEqualTo(mask(0, 1, 2, 3));
    assertThat(getcpu(p)).isEqualTo(2);
  }

  @Test
  void setaffinityReadsAShortMaskForItsLengthAndCutsALongOne() throws Exception {
    machine(4);
    // get_user_cpu_mask: len below cpumask_size() clears the mask and copies len bytes
    assertThat(setaffinity(p, 0, 1 | GARBAGE, 0xff_ff04L)).isZero();
    assertThat(p.cpusAllowed()).isEqualTo(mask(2));
    assertThat(setaffinity(p, 0, 0, 0xf)).isEqualTo(-Errno.EINVAL); // nothing read: empty
    assertThat(setaffinity(p, 0, 4096, 0b1000)).isZero(); // only cpumask_size() bytes read
    assertThat(p.cpusAllowed()).isEqualTo(mask(3));
    assertThat(f.call(p, cpus::schedSetaffinity, 0, 8, 0x10)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, cpus::schedSetaffinity, 99999, 8, buf + 4096)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void masksArePerTaskAndAnotherTaskMovesToo() throws Exception {
    machine(2);
    Proc t = f.k.thread(p);
    assertThat(t.cpusAllowed()).isEqualTo(mask(0, 1)); // inherited
    assertThat(setaffinity(p, t.tid(), 8, 0b10)).isZero();
    assertThat(t.cpu()).isEqualTo(1);
    assertThat(t.cpusAllowed()).isEqualTo(mask(1));
    assertThat(p.cpusAllowed()).isEqualTo(mask(0, 1)); // the caller's is its own
    assertThat(f.k.scheduler.queued(1)).contains(t); // it waits on its new CPU
    assertThat(f.k.scheduler.queued(0)).doesNotContain(t);
    Proc u = f.k.thread(t);
    assertThat(u.cpusAllowed()).isEqualTo(mask(1)); // a thread of t inherits t's
    assertThat(u.cpu()).isEqualTo(1);
    assertThat(f.call(p, cpus::schedGetaffinity, t.tid(), 8, buf)).isEqualTo(8);
    assertThat(f.readLong(p, buf)).isEqualTo(0b10);
  }

  @Test
  void getcpuWritesWhatItCanAndSaysEfault() throws Exception {
    machine(2);
    assertThat(setaffinity(p, 0, 8, 0b10)).isZero();
    assertThat(f.call(p, cpus::getcpu, 0, 0, 0)).isZero();
    assertThat(f.call(p, cpus::getcpu, buf, 0x10, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.readInt(p, buf)).as("the CPU was written all the same").isEqualTo(1);
    assertThat(f.call(p, cpus::getcpu, 0x10, buf + 4, 0)).isEqualTo(-Errno.EFAULT);
  }

  private String read(String path) throws Exception {
    FileSyscalls fs = f.h.file();
    f.putString(p, buf + 6000, path);
    long fd = f.call(p, fs::openat, AT_FDCWD, buf + 6000, 0);
    assertThat(fd).as(path).isNotNegative();
    StringBuilder b = new StringBuilder();
    long r;
    while ((r = f.call(p, fs::read, fd, buf, 2048)) > 0) {
      byte[] bytes = new byte[(int) r];
      f.mem(p).read(buf, bytes, 0, bytes.length);
      b.append(new String(bytes, StandardCharsets.US_ASCII));
    }
    assertThat(r).isZero();
    f.call(p, fs::close, fd);
    return b.toString();
  }

  @Test
  void procShowsEveryCpuAndEachTasksCpuAndMask() throws Exception {
    machine(3);
    String cpuinfo = read("/proc/cpuinfo");
    assertThat(cpuinfo.lines().filter(l -> l.startsWith("processor\t: ")))
        .containsExactly("processor\t: 0", "processor\t: 1", "processor\t: 2");
    assertThat(cpuinfo).contains("siblings\t: 3\n").contains("cpu cores\t: 3\n");
    assertThat(setaffinity(p, 0, 8, 0b100)).isZero();
    String[] stat = read("/proc/self/stat").strip().split(" ");
    assertThat(stat).hasSize(52);
    assertThat(stat[38]).as("field 39, processor").isEqualTo("2");
    assertThat(read("/proc/self/status")).contains("\nCpus_allowed:\t4\nCpus_allowed_list:\t2\n");
    Proc t = f.k.thread(p);
    assertThat(setaffinity(p, t.tid(), 8, 0b011)).isZero();
    assertThat(read("/proc/" + p.pid() + "/task/" + t.tid() + "/status"))
        .contains("\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n");
    assertThat(read("/proc/" + p.pid() + "/task/" + t.tid() + "/stat").split(" ")[38])
        .isEqualTo("0");
  }

  @Test
  void sysDevicesSystemCpuIsTheMachinesNotTheHosts() throws Exception {
    machineOnAHostWithSys(3);
    assertThat(read("/sys/devices/system/cpu/online")).isEqualTo("0-2\n");
    assertThat(read("/sys/devices/system/cpu/possible")).isEqualTo("0-2\n");
    assertThat(read("/sys/devices/system/cpu/present")).isEqualTo("0-2\n");
    assertThat(read("/sys/devices/system/cpu/offline")).isEqualTo("\n");
    assertThat(read("/sys/devices/system/cpu/kernel_max")).isEqualTo("1023\n");
    assertThat(read("/sys/devices/system/cpu/cpu2/online")).isEqualTo("1\n");
    FileSyscalls fs = f.h.file();
    f.putString(p, buf + 6000, "/sys/devices/system/cpu/cpu3");
    assertThat(f.call(p, fs::openat, AT_FDCWD, buf + 6000, 0)).isEqualTo(-Errno.ENOENT);
    f.putString(p, buf + 6000, "/sys/devices/system/cpu/cpu0/online");
    assertThat(f.call(p, fs::openat, AT_FDCWD, buf + 6000, 0)).isEqualTo(-Errno.ENOENT);
  }

  @Test
  void aOneCpuSysShowsCpu0Only() throws Exception {
    machineOnAHostWithSys(1);
    assertThat(read("/sys/devices/system/cpu/online")).isEqualTo("0\n");
    assertThat(read("/proc/cpuinfo").lines().filter(l -> l.startsWith("processor"))).hasSize(1);
  }
}
