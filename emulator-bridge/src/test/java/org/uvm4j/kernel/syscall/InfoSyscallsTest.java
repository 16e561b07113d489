package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.KernelCounters;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SignalState;
import org.uvm4j.uvm.Errno;

/**
 * sysinfo, times, uname, sigaltstack, prctl, set_robust_list/get_robust_list, fadvise64, the
 * console's terminal ioctls, and the ENOSYS counting of the table, run directly.
 */
class InfoSyscallsTest {
  /** 64-bit garbage for the upper half of an {@code int} argument: Linux ignores it. */
  static final long GARBAGE = 0xdead_beef_0000_0000L;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  InfoSyscalls info;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    info = f.h.info();
    buf = f.userMemory(p, 8192);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void sysinfoReportsTheEmulatedRamUptimeAndProcesses() throws Exception {
    f.k.clock.advance(2_500_000_000L);
    assertThat(f.call(p, info::sysinfo, buf)).isZero();
    assertThat(f.readLong(p, buf)).as("uptime rounded up").isEqualTo(3);
    long total = f.readLong(p, buf + 32);
    long free = f.readLong(p, buf + 40);
    assertThat(total).isEqualTo(f.k.uvm.exp().npages * 4096);
    assertThat(free).isPositive().isLessThanOrEqualTo(total);
    assertThat(f.readInt(p, buf + 80) & 0xffff).as("procs").isEqualTo(f.k.procs.size());
    assertThat(f.readInt(p, buf + 104)).as("mem_unit").isEqualTo(1);
    assertThat(f.call(p, info::sysinfo, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void unameWritesLinuxX8664UtsnameOrEfault() throws Exception {
    assertThat(f.call(p, info::uname, buf)).isZero();
    byte[] u = new byte[Utsname.SIZE];
    f.mem(p).read(buf, u, 0, u.length);
    String[] fields = new String[6];
    for (int i = 0; i < 6; i++) {
      int from = i * Utsname.FIELD;
      int end = from;
      while (u[end] != 0) {
        end++;
      }
      assertThat(end - from).as("field %d is NUL-terminated in 65 bytes", i).isLessThan(65);
      fields[i] = new String(u, from, end - from, java.nio.charset.StandardCharsets.US_ASCII);
    }
    assertThat(fields[0]).isEqualTo("Linux");
    assertThat(fields[2]).as("release").matches("\\d+\\.\\d+.*");
    assertThat(fields[4]).isEqualTo("x86_64");
    assertThat(f.call(p, info::uname, 0x10)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, info::uname, 0)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void sigaltstackSetsReportsAndRefusesAsLinux() throws Exception {
    SignalSyscalls sig = f.h.signal();
    f.k.withRegisters(p, buf + 8000); // running on the ordinary stack
    long alt = f.userMemory(p, 16384);
    long ss = buf + 512;
    long old = buf + 1024;
    // at first: disabled
    assertThat(f.call(p, sig::sigaltstack, 0, old)).isZero();
    assertThat(f.readInt(p, old + 8)).as("ss_flags").isEqualTo(SignalState.SS_DISABLE);
    // set 16 KiB, read it back
    putStack(ss, alt, 0, 16384);
    assertThat(f.call(p, sig::sigaltstack, ss, old)).isZero();
    assertThat(f.call(p, sig::sigaltstack, 0, old)).isZero();
    assertThat(f.readLong(p, old)).as("ss_sp").isEqualTo(alt);
    assertThat(f.readInt(p, old + 8)).as("ss_flags").isZero();
    assertThat(f.readLong(p, old + 16)).as("ss_size").isEqualTo(16384);
    // too small: ENOMEM; unknown flags: EINVAL; the old one stays
    putStack(ss, alt, 0, SignalState.MINSIGSTKSZ - 1);
    assertThat(f.call(p, sig::sigaltstack, ss, 0)).isEqualTo(-Errno.ENOMEM);
    putStack(ss, alt, 0x40, 16384);
    assertThat(f.call(p, sig::sigaltstack, ss, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, sig::sigaltstack, 0, old)).isZero();
    assertThat(f.readLong(p, old + 16)).isEqualTo(16384);
    // while running on it: SS_ONSTACK is reported and a change is EPERM
    f.k.withRegisters(p, alt + 4096);
    assertThat(f.call(p, sig::sigaltstack, 0, old)).isZero();
    assertThat(f.readInt(p, old + 8)).isEqualTo(SignalState.SS_ONSTACK);
    putStack(ss, 0, SignalState.SS_DISABLE, 0);
    assertThat(f.call(p, sig::sigaltstack, ss, 0)).isEqualTo(-Errno.EPERM);
    // off it again, SS_DISABLE removes it
    f.k.withRegisters(p, buf + 8000);
    assertThat(f.call(p, sig::sigaltstack, ss, 0)).isZero();
    assertThat(f.call(p, sig::sigaltstack, 0, old)).isZero();
    assertThat(f.readInt(p, old + 8)).isEqualTo(SignalState.SS_DISABLE);
    // unreadable or unwritable stack_t: EFAULT
    assertThat(f.call(p, sig::sigaltstack, 0x10, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, sig::sigaltstack, 0, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  /** A stack_t {sp, flags, size} at {@code va}. */
  private void putStack(long va, long sp, int flags, long size) throws Exception {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, sp);
    b.putInt(8, flags);
    b.putLong(16, size);
    assertThat(f.mem(p).write(va, b.array())).isZero();
  }

  @Test
  void timesCountsVirtualTicksAndWaitedChildren() throws Exception {
    f.k.clock.advance(1_230_000_000L);
    assertThat(f.call(p, info::times, buf)).isEqualTo(123);
    assertThat(f.readLong(p, buf)).as("tms_utime").isZero();
    assertThat(f.call(p, info::times, 0)).as("NULL buffer").isEqualTo(123);
    assertThat(f.call(p, info::times, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void prctlNameIsFifteenBytesAndReadsBack() throws Exception {
    f.putString(p, buf, "a-very-long-thread-name");
    assertThat(f.call(p, info::prctl, GARBAGE | InfoSyscalls.PR_SET_NAME, buf)).isZero();
    assertThat(p.comm()).isEqualTo("a-very-long-thr");
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_NAME, buf + 100)).isZero();
    byte[] got = new byte[16];
    f.mem(p).read(buf + 100, got, 0, 16);
    assertThat(new String(got, 0, 15, StandardCharsets.UTF_8)).isEqualTo("a-very-long-thr");
    assertThat(got[15]).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_NAME, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void prctlBasicsAndUnknownOptions() throws Exception {
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_DUMPABLE)).isEqualTo(1);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_DUMPABLE, 0)).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_DUMPABLE)).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_DUMPABLE, 2)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_PDEATHSIG, 9)).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_PDEATHSIG, buf)).isZero();
    assertThat(f.readInt(p, buf)).isEqualTo(9);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_PDEATHSIG, 65)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)).isZero();
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)).isEqualTo(1);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0))
        .isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_CAPBSET_READ, 0)).isEqualTo(1);
    assertThat(f.call(p, info::prctl, InfoSyscalls.PR_CAPBSET_READ, 99)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::prctl, 0x59616d61 /* PR_SET_PTRACER */, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void robustListIsRecordedAndReadBack() throws Exception {
    assertThat(f.call(p, info::setRobustList, 0x1000, 23)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::setRobustList, 0x7000, 24)).isZero();
    assertThat(p.robustListHead()).isEqualTo(0x7000);
    assertThat(f.call(p, info::getRobustList, GARBAGE, buf, buf + 8)).isZero();
    assertThat(f.readLong(p, buf)).isEqualTo(0x7000);
    assertThat(f.readLong(p, buf + 8)).isEqualTo(24);
    assertThat(f.call(p, info::getRobustList, 4242, buf, buf + 8)).isEqualTo(-Errno.ESRCH);
    assertThat(f.call(p, info::getRobustList, 0, 0x10, buf + 8)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void fadvise64ChecksTheDescriptorAndAdvice() throws Exception {
    FileSyscalls file = f.h.file();
    assertThat(f.call(p, file::pipe, buf)).isZero();
    int rd = f.readInt(p, buf);
    assertThat(f.call(p, info::fadvise64, 77, 0, 0, 0)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, info::fadvise64, rd, 0, 0, 0)).isEqualTo(-Errno.ESPIPE);
    java.nio.file.Files.writeString(dir.resolve("data"), "hello");
    f.putString(p, buf + 64, dir.resolve("data").toString());
    long fd = f.call(p, file::open, buf + 64, 0, 0);
    assertThat(fd).isNotNegative();
    assertThat(f.call(p, info::fadvise64, GARBAGE | fd, 0, 100, GARBAGE | 4)).isZero();
    assertThat(f.call(p, info::fadvise64, fd, 0, 100, 6)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, info::fadvise64, fd, 0, -1, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void terminalIoctlsOnNonTerminalsAreEnotty() throws Exception {
    FileSyscalls file = f.h.file();
    assertThat(f.call(p, file::pipe, buf)).isZero();
    int rd = f.readInt(p, buf);
    for (long cmd : List.of(0x5401L, 0x5402L, 0x5413L)) {
      assertThat(f.call(p, file::ioctl, rd, GARBAGE | cmd, buf + 64)).isEqualTo(-Errno.ENOTTY);
    }
  }

  @Test
  void enosysIsCountedByNameAndAnsweredSilently() {
    KernelCounters counters = new KernelCounters();
    SyscallTable t = new SyscallTable(Linux64.rows(f.h), counters);
    assertThat(t.dispatch(p, 334, 0, 0, 0, 0, 0, 0)).isEqualTo(-Errno.ENOSYS); // rseq
    assertThat(t.dispatch(p, 334, 0, 0, 0, 0, 0, 0)).isEqualTo(-Errno.ENOSYS);
    assertThat(t.dispatch(p, 4000, 0, 0, 0, 0, 0, 0)).isEqualTo(-Errno.ENOSYS);
    assertThat(counters.enosys()).containsEntry("rseq", 2L).containsEntry("syscall_4000", 1L);
  }
}
