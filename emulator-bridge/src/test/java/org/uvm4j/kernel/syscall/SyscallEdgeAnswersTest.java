package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SyscallLayer;
import org.uvm4j.uvm.Errno;

/** Small answers of the syscall edge that must be Linux's: execve's error order, 32-bit numbers. */
class SyscallEdgeAnswersTest {
  static final int GETPID = 39;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    buf = f.userMemory(p, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void execveCopiesTheVectorsBeforeLookingAtTheContents() throws Exception {
    Path script = dir.resolve("not-elf");
    Files.writeString(script, "echo hi\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    f.putString(p, buf, script.toString());
    ProcessSyscalls ps = f.h.process();
    assertThat(f.call(p, ps::execve, buf, 0x10, 0)).as("bad argv").isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, ps::execve, buf, 0, 0x10)).as("bad envp").isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, ps::execve, buf, 0, 0)).isEqualTo(-Errno.ENOEXEC);
    f.putString(p, buf, dir.resolve("missing").toString());
    assertThat(f.call(p, ps::execve, buf, 0x10, 0)).as("opened first").isEqualTo(-Errno.ENOENT);
  }

  @Test
  void syscallNumbersAreThirtyTwoBits() {
    SyscallLayer table = Linux64.create(f.k.services());
    long pid = table.dispatch(p, GETPID, 0, 0, 0, 0, 0, 0);
    assertThat(pid).isPositive();
    assertThat(table.dispatch(p, 0x1_0000_0000L | GETPID, 0, 0, 0, 0, 0, 0)).isEqualTo(pid);
    assertThat(table.dispatch(p, 0xffff_ffffL, 0, 0, 0, 0, 0, 0)).isEqualTo(-Errno.ENOSYS);
    assertThat(table.dispatch(p, 0x4000_0000L | GETPID, 0, 0, 0, 0, 0, 0))
        .as("x32 numbers: no x32 ABI")
        .isEqualTo(-Errno.ENOSYS);
    assertThat(table.dispatch(p, -1, 0, 0, 0, 0, 0, 0)).isEqualTo(-Errno.ENOSYS);
  }
}
