package org.uvm4j.machine.backend;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.CpuHooks;
import org.uvm4j.machine.EmuStatus;
import org.uvm4j.machine.Reg;

/**
 * Test fixture: a {@link CpuBackend} of the given binding over a small page-aligned RAM, with a
 * plain map from virtual page to (physical page | prot) answering TLB fills, and hooks that record
 * what happened.
 */
final class RawEngine implements CpuHooks, AutoCloseable {
  static final int PAGE = 4096;

  final CpuBackend cpu;
  final ByteBuffer ram;
  final Map<Long, Long> pages = new HashMap<>();
  final List<String> events = new ArrayList<>();
  long fills;
  RuntimeException throwOnFill;
  RuntimeException throwOnSyscall;
  long lastRefusedVa = -1;
  int lastRefusedAccess;

  RawEngine(BackendKind kind, int frames) {
    cpu = CpuBackends.open(kind);
    ram = ByteBuffer.allocateDirect((frames + 1) * PAGE).alignedSlice(PAGE);
    ram.limit(frames * PAGE);
    cpu.mapPhysical(0, ram.slice());
    cpu.setHooks(this);
  }

  /** Maps virtual page {@code va} to frame {@code frame} with {@code prot}. */
  void map(long va, int frame, int prot) {
    pages.put(va & ~0xfffL, ((long) frame << 12) | prot);
  }

  void unmap(long va) {
    pages.remove(va & ~0xfffL);
  }

  /** Writes bytes into a frame from the host side. */
  void poke(int frame, int offset, int... bytes) {
    for (int i = 0; i < bytes.length; i++) {
      ram.put(frame * PAGE + offset + i, (byte) bytes[i]);
    }
  }

  int peekInt(int frame, int offset) {
    return ram.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(frame * PAGE + offset);
  }

  EmuStatus run(long rip, long count) {
    return cpu.start(rip, count);
  }

  long rip() {
    return cpu.readReg(Reg.RIP);
  }

  @Override
  public long tlbFill(long va, int access) {
    fills++;
    if (throwOnFill != null) {
      throw throwOnFill;
    }
    Long t = pages.get(va & ~0xfffL);
    if (t == null || (t & access) != access) {
      lastRefusedVa = va;
      lastRefusedAccess = access;
      return 0;
    }
    return t;
  }

  @Override
  public void syscall() {
    events.add("syscall@" + Long.toHexString(cpu.readReg(Reg.RIP)));
    if (throwOnSyscall != null) {
      throw throwOnSyscall;
    }
    cpu.stop();
  }

  @Override
  public void interrupt(int vector) {
    events.add("int" + vector + "@" + Long.toHexString(cpu.readReg(Reg.RIP)));
    cpu.stop();
  }

  /** What the next {@code rdtsc} reads; each read adds 7. */
  long tsc = 1000;

  @Override
  public long timestampCounter() {
    events.add("tsc@" + Long.toHexString(cpu.readReg(Reg.RIP)));
    long t = tsc;
    tsc += 7;
    return t;
  }

  @Override
  public boolean invalidInstruction() {
    events.add("invalid@" + Long.toHexString(cpu.readReg(Reg.RIP)));
    return false;
  }

  @Override
  public void close() {
    cpu.close();
  }
}
