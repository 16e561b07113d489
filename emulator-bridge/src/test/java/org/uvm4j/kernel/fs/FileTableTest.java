package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;

class FileTableTest {
  private FileTable t;
  private Pipe.Ends p;

  @BeforeEach
  void setUp() throws Exception {
    t = new FileTable();
    p = Pipe.create(Wakeup.NONE, 1, 0);
  }

  @Test
  void installTakesTheLowestFreeDescriptor() throws Exception {
    OpenFile out = Console.output("stdout", new ByteArrayOutputStream());
    assertThat(t.install(out, false)).isZero();
    assertThat(t.install(p.read(), false)).isEqualTo(1);
    assertThat(t.install(p.write(), true)).isEqualTo(2);
    assertThat(t.close(1)).isZero();
    OpenFile out2 = Console.output("x", new ByteArrayOutputStream());
    assertThat(t.install(out2, false)).isEqualTo(1);
    assertThat(t.closeOnExec(2)).isTrue();
    assertThat(t.closeOnExec(1)).isFalse();
    assertThat(t.openCount()).isEqualTo(3);
  }

  @Test
  void closeOfABadDescriptorIsEbadf() throws Exception {
    assertThat(t.close(0)).isEqualTo(Errno.EBADF);
    assertThat(t.close(-1)).isEqualTo(Errno.EBADF);
    assertThat(t.close(FileTable.MAX_FDS)).isEqualTo(Errno.EBADF);
    assertThat(t.get(Integer.MAX_VALUE)).isNull();
    assertThat(t.get(Integer.MIN_VALUE)).isNull();
  }

  @Test
  void dupSharesTheDescriptionAndClearsCloexec() throws Exception {
    int r = t.install(p.read(), true);
    int d = t.dup(r, 0, false);
    assertThat(d).isEqualTo(1);
    assertThat(t.get(d)).isSameAs(t.get(r));
    assertThat(t.closeOnExec(d)).isFalse();
    assertThat(p.read().refs()).isEqualTo(2);
    t.close(r);
    assertThat(p.read().pipe().readEnds()).isEqualTo(1);
    t.close(d);
    assertThat(p.read().pipe().readEnds()).isZero();
    assertErrno(() -> t.dup(r, 0, false), Errno.EBADF);
  }

  @Test
  void dupWithMinimumAndCloexec() throws Exception {
    int r = t.install(p.read(), false);
    assertThat(t.dup(r, 10, true)).isEqualTo(10);
    assertThat(t.closeOnExec(10)).isTrue();
    assertErrno(() -> t.dup(r, -1, false), Errno.EINVAL);
    assertErrno(() -> t.dup(r, FileTable.MAX_FDS, false), Errno.EINVAL);
  }

  @Test
  void dup2ReplacesAndClosesTheTarget() throws Exception {
    int r = t.install(p.read(), false);
    int w = t.install(p.write(), true);
    assertThat(t.dup2(r, w)).isEqualTo(w);
    assertThat(t.get(w)).isSameAs(p.read());
    assertThat(t.closeOnExec(w)).isFalse();
    assertThat(p.read().pipe().writeEnds()).isZero();
    // same descriptor: no-op returning it, even with cloexec untouched
    assertThat(t.dup2(r, r)).isEqualTo(r);
    assertThat(t.dup2(r, 1000)).isEqualTo(1000);
    assertErrno(() -> t.dup2(r, FileTable.MAX_FDS), Errno.EBADF);
    assertErrno(() -> t.dup2(r, -3), Errno.EBADF);
    assertErrno(() -> t.dup2(77, 3), Errno.EBADF);
  }

  @Test
  void dup3Rules() throws Exception {
    int r = t.install(p.read(), false);
    assertErrno(() -> t.dup3(r, r, 0), Errno.EINVAL);
    assertErrno(() -> t.dup3(r, 5, OpenFlags.O_NONBLOCK), Errno.EINVAL);
    assertThat(t.dup3(r, 5, OpenFlags.O_CLOEXEC)).isEqualTo(5);
    assertThat(t.closeOnExec(5)).isTrue();
    assertErrno(() -> t.dup3(9, 5, 0), Errno.EBADF);
  }

  @Test
  void forkSharesDescriptionsAndExecClosesCloexecOnes() throws Exception {
    t.install(p.read(), false);
    t.install(p.write(), true);
    FileTable child = t.fork();
    assertThat(child.get(0)).isSameAs(p.read());
    assertThat(p.write().refs()).isEqualTo(2);
    child.closeOnExec();
    assertThat(child.get(1)).isNull();
    assertThat(child.get(0)).isNotNull();
    assertThat(p.write().pipe().writeEnds()).isEqualTo(1);
    child.closeAll();
    t.closeAll();
    assertThat(p.read().pipe().readEnds()).isZero();
    assertThat(p.read().pipe().writeEnds()).isZero();
  }

  @Test
  void tableFullIsEmfile() throws Exception {
    for (int i = 0; i < FileTable.MAX_FDS; i++) {
      assertThat(t.install(Console.output("o", new ByteArrayOutputStream()), false)).isEqualTo(i);
    }
    OpenFile extra = Console.output("o", new ByteArrayOutputStream());
    assertErrno(() -> t.install(extra, false), Errno.EMFILE);
    assertErrno(() -> t.dup(0, 0, false), Errno.EMFILE);
    assertThat(t.get(0).refs()).isEqualTo(1);
  }

  @Test
  void setCloseOnExec() throws Exception {
    int r = t.install(p.read(), false);
    assertThat(t.setCloseOnExec(r, true)).isZero();
    assertThat(t.closeOnExec(r)).isTrue();
    assertThat(t.setCloseOnExec(44, true)).isEqualTo(Errno.EBADF);
  }
}
