package org.uvm4j.uvm.trace;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What the tracer asks the machine and kernel when it makes a record: which process runs, where its
 * program counter is, and the virtual time. Called only while tracing is on.
 */
public interface TraceContext {
  /** No machine: pid 0, pc 0, virtual time 0 (records keep their order through {@code seq}). */
  TraceContext NONE =
      new TraceContext() {
        @Override
        public int pid() {
          return 0;
        }

        @Override
        public long pc() {
          return 0;
        }

        @Override
        public long virtualTime() {
          return 0;
        }
      };

  /**
   * A context answering from three suppliers (e.g. the kernel's current pid, RIP, the machine's
   * clock).
   */
  static TraceContext of(IntSupplier pid, LongSupplier pc, LongSupplier virtualTime) {
    return of(pid, pid, pc, virtualTime);
  }

  /** A context answering from four suppliers: the process, the thread, its RIP, the clock. */
  static TraceContext of(
      IntSupplier pid, IntSupplier tid, LongSupplier pc, LongSupplier virtualTime) {
    return new TraceContext() {
      @Override
      public int pid() {
        return pid.getAsInt();
      }

      @Override
      public int tid() {
        return tid.getAsInt();
      }

      @Override
      public long pc() {
        return pc.getAsLong();
      }

      @Override
      public long virtualTime() {
        return virtualTime.getAsLong();
      }
    };
  }

  /** The running process (the one a fault or system call belongs to); 0 for none. */
  int pid();

  /** The running thread of that process (its pid when it has one thread); 0 for none. */
  default int tid() {
    return pid();
  }

  /** The program counter of the running process (of the faulting instruction during a fault). */
  long pc();

  /** Instructions retired by the machine so far. */
  long virtualTime();
}
