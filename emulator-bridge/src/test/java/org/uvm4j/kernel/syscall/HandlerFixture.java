package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.uvm4j.kernel.KernelFixture;
import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.UvmException;

/**
 * Runs syscall handlers directly: a {@link KernelFixture} (Java UVM, no CPU), the handler objects
 * wired as {@link Linux64} wires them, one reused {@link SyscallContext}, and a helper that maps
 * user memory for the arguments.
 */
final class HandlerFixture implements AutoCloseable {
  static final int PROT_RW = 3;
  static final int MAP_PRIVATE_ANON = 0x22;

  final KernelFixture k;
  final Linux64.Handlers h;
  private final SyscallContext ctx = new SyscallContext();

  HandlerFixture(Path cwd) {
    k = new KernelFixture(cwd);
    h = Linux64.Handlers.of(k.services());
  }

  /** A fixture of a machine with {@code cpus} virtual CPUs. */
  HandlerFixture(Path cwd, int cpus) {
    k = new KernelFixture(cwd, cpus);
    h = Linux64.Handlers.of(k.services());
  }

  /**
   * A fixture with file system {@code layout}, processes starting in guest directory {@code cwd}.
   */
  HandlerFixture(Path cwd, org.uvm4j.kernel.fs.FsLayout layout) {
    k = new KernelFixture(cwd, layout);
    h = Linux64.Handlers.of(k.services());
  }

  /** Runs {@code handler} for {@code p} with up to six argument registers. */
  long call(Proc p, SyscallHandler handler, long... args) {
    long[] a = new long[6];
    System.arraycopy(args, 0, a, 0, args.length);
    return SyscallTable.call(handler, ctx.set(p, 0, a[0], a[1], a[2], a[3], a[4], a[5]));
  }

  /** {@code len} bytes of fresh anonymous read/write memory in {@code p}, through mmap. */
  long userMemory(Proc p, long len) {
    long va = call(p, h.memory()::mmap, 0, len, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    assertThat(va).as("mmap").isPositive();
    return va;
  }

  /** The caller's memory of {@code p}. */
  UserMemory mem(Proc p) {
    return new UserMemory(p.vm());
  }

  long readLong(Proc p, long va) throws UvmException {
    return mem(p).readLong(va);
  }

  int readInt(Proc p, long va) throws UvmException {
    return mem(p).readInt(va);
  }

  /** Puts a NUL-terminated string at {@code va}. */
  void putString(Proc p, long va, String s) {
    byte[] b = (s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(mem(p).write(va, b)).isZero();
  }

  @Override
  public void close() {
    k.close();
  }
}
