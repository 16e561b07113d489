package org.uvm4j.machine.host;

import java.nio.ByteBuffer;

/**
 * A {@link HostLibc} that passes every call to another, for tests that change one call's arguments
 * so that the real libc refuses it (the error paths of the callers, through a real errno).
 */
public class ForwardingHostLibc implements HostLibc {
  private final HostLibc to;

  /** Forwards to {@code to}. */
  public ForwardingHostLibc(HostLibc to) {
    this.to = to;
  }

  @Override
  public String binding() {
    return to.binding();
  }

  @Override
  public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    return to.mmap(addr, length, prot, flags, fd, offset);
  }

  @Override
  public void mprotect(long addr, long length, int prot) {
    to.mprotect(addr, length, prot);
  }

  @Override
  public void madvise(long addr, long length, int advice) {
    to.madvise(addr, length, advice);
  }

  @Override
  public void munmap(long addr, long length) {
    to.munmap(addr, length);
  }

  @Override
  public void stat(String path, byte[] buf) {
    to.stat(path, buf);
  }

  @Override
  public void lstat(String path, byte[] buf) {
    to.lstat(path, buf);
  }

  @Override
  public int open(String path, int flags) {
    return to.open(path, flags);
  }

  @Override
  public void close(int fd) {
    to.close(fd);
  }

  @Override
  public ByteBuffer memory(long address, int length) {
    return to.memory(address, length);
  }
}
