package org.uvm4j.kernel;

import org.uvm4j.machine.CpuContext;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;

/**
 * The one emulated CPU and the process loaded on it ({@code curcpu()}/{@code curlwp}): context
 * switch, exec's fresh context, and register access for the syscall layer. It executes the tasks of
 * every virtual CPU of the machine ({@link VirtualCpus}) in turn, one at a time.
 *
 * <p>Invariant: the loaded process's registers are in the machine; every other live process's are
 * in its {@link CpuContext}. The machine is attached when the kernel starts running.
 */
public final class Cpu {
  private final KernelCounters counters;
  private Machine machine;
  private Proc loaded;

  Cpu(KernelCounters counters) {
    this.counters = counters;
  }

  void attach(Machine m) {
    this.machine = m;
  }

  /** The machine (null before the kernel runs). */
  Machine machine() {
    return machine;
  }

  /** The process whose registers are in the machine, or null. */
  Proc loaded() {
    return loaded;
  }

  /** A register of the loaded process. */
  public long reg(Reg r) {
    return machine.reg(r);
  }

  /** Sets a register of the loaded process. */
  public void setReg(Reg r, long v) {
    machine.setReg(r, v);
  }

  /**
   * Context switch: saves the loaded process, loads {@code p}, activates its address space.
   *
   * @return true when {@code p} was not loaded (a switch happened)
   */
  boolean switchTo(Proc p) {
    if (loaded == p) {
      return false;
    }
    if (loaded != null && loaded.isAlive()) {
      machine.save(loaded.ctx);
    }
    machine.load(p.ctx);
    loaded = p;
    counters.contextSwitches++;
    machine.activate(p.vm);
    return true;
  }

  /** exec: {@code p} (loaded) starts from a fresh all-zero CPU context. */
  void resetContext(Proc p) {
    if (loaded != p) {
      throw new IllegalStateException("resetContext of a process that is not loaded: " + p);
    }
    CpuContext old = p.ctx;
    p.ctx = machine.newContext();
    machine.load(p.ctx);
    if (old != null) {
      old.close();
    }
  }

  /** The process's context will never run again. */
  void contextGone(Proc p) {
    if (loaded == p) {
      loaded = null;
    }
    if (p.ctx != null) {
      p.ctx.close();
      p.ctx = null;
    }
  }
}
