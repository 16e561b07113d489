package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.OpenFlags;
import org.uvm4j.kernel.fs.UnixSocketPair;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.MetadataBudget;

/**
 * socketpair(2) through its handler: Linux's errnos for what is not an AF_UNIX pair, the two
 * descriptors (connected, SOCK_CLOEXEC and SOCK_NONBLOCK applied), and the metadata budget charged
 * until both ends are closed (ENFILE past it).
 */
class SocketpairSyscallTest {
  private static final int AF_INET = 2;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  FileSyscalls file;
  MetadataBudget budget;
  long sv;

  @BeforeEach
  void setUp() throws Exception {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    file = f.h.file();
    budget = p.vm().uvm().metadataBudget();
    sv = f.userMemory(p, 4096);
    assertThat(f.mem(p).writeLong(sv, 0)).isZero(); // fault the page in first: its metadata too
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void linuxErrnosForWhatIsNotAnAfUnixPair() {
    assertThat(f.call(p, file::socketpair, AF_INET, UnixSocketPair.SOCK_STREAM, 0, sv))
        .isEqualTo(-Errno.EAFNOSUPPORT);
    assertThat(f.call(p, file::socketpair, 1, UnixSocketPair.SOCK_STREAM, 6, sv))
        .isEqualTo(-Errno.EPROTONOSUPPORT);
    assertThat(f.call(p, file::socketpair, 1, 10, 0, sv)).isEqualTo(-FileSyscalls.ESOCKTNOSUPPORT);
    assertThat(f.call(p, file::socketpair, 1, UnixSocketPair.SOCK_STREAM | 0x100, 0, sv))
        .isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, file::socketpair, 1, UnixSocketPair.SOCK_STREAM, 0, 0))
        .isEqualTo(-Errno.EFAULT);
    assertThat(budget.kernelUsed()).as("nothing left open").isZero();
  }

  @Test
  void aPairIsTwoConnectedDescriptorsChargedUntilBothAreClosed() throws Exception {
    long before = budget.used();
    int type =
        UnixSocketPair.SOCK_SEQPACKET | OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK; // SOCK_ flags
    assertThat(f.call(p, file::socketpair, 1, type, 0, sv)).isZero();
    int a = f.readInt(p, sv);
    int b = f.readInt(p, sv + 4);
    assertThat(a).isNotEqualTo(b);
    OpenFile fa = p.files().get(a);
    OpenFile fb = p.files().get(b);
    assertThat(p.files().closeOnExec(a)).isTrue();
    assertThat(fa.nonBlocking()).isTrue();
    assertThat(fa.write(new byte[] {7}, 0, 1, true)).isEqualTo(1);
    byte[] buf = new byte[4];
    assertThat(fb.read(buf, 0, 4)).isEqualTo(1);
    assertThat(buf[0]).isEqualTo((byte) 7);
    assertThat(budget.used() - before).isEqualTo(UnixSocketPair.BYTES);
    assertThat(f.call(p, file::close, a)).isZero();
    assertThat(budget.used() - before).isEqualTo(UnixSocketPair.BYTES);
    assertThat(f.call(p, file::close, b)).isZero();
    assertThat(budget.used()).isEqualTo(before);
    assertThat(budget.kernelUsed()).isZero();

    budget.setLimit(before + 3 * UnixSocketPair.BYTES);
    int made = 0;
    long ret;
    while ((ret = f.call(p, file::socketpair, 1, UnixSocketPair.SOCK_STREAM, 0, sv)) == 0) {
      made++;
      assertThat(made).isLessThan(8);
    }
    assertThat(ret).isEqualTo(-FileSyscalls.ENFILE);
    assertThat(made).isPositive();
    assertThat(budget.used()).isLessThanOrEqualTo(budget.limit());
  }
}
