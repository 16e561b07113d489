package org.uvm4j.kernel;

import java.util.function.LongSupplier;
import org.uvm4j.kernel.fs.OpenFile;

/**
 * The state of a system call that went to sleep and will run again (gVisor's restart block, Linux's
 * {@code struct restart_block}): whether it is pending restart, what it already did (bytes moved,
 * the deadline it fixed), and how it ends if a signal handler interrupts it. One per process, reset
 * by {@link #clear} when the call completes or is interrupted.
 *
 * <p>Invariant: while {@link #pending()} is false, nothing but the suspend mask ({@link
 * #saveSuspendMask}) survives between two system calls: {@link #progress()} is 0, {@link
 * #deadline()} is -1 and there is no interrupt action.
 */
public final class RestartBlock {
  /**
   * The syscall was rewound to restart when the process wakes (RIP on the {@code syscall}
   * instruction, RAX its number).
   */
  private boolean pending;

  /** The pending call came through {@code int $0x80} (the i386 ABI), not {@code syscall}. */
  private boolean ia32;

  /** Bytes a blocking read/write already moved (returned if a signal interrupts it). */
  private long progress;

  /** A handler ends it with EINTR even under SA_RESTART (nanosleep, pause, sigsuspend). */
  private boolean neverRestart;

  /** Computes the result of an interrupted call (e.g. nanosleep writing the time left), or null. */
  private LongSupplier interruptAction;

  /** Virtual-time deadline a restarted timed sleep keeps, or -1. */
  private long deadline = -1;

  /**
   * rt_sigsuspend's mask to restore: the frame of the handler that ends the suspension saves it
   * (instead of the temporary mask), so rt_sigreturn puts it back.
   */
  private long suspendMask;

  private boolean hasSuspendMask;

  /** An open that waits for the other end of a FIFO, kept across the restart; else null. */
  private OpenFile pendingOpen;

  /** True when the syscall will run again once the process wakes. */
  public boolean pending() {
    return pending;
  }

  void setPending(boolean on) {
    pending = on;
  }

  /** True when the pending call came through {@code int $0x80} (retried with the i386 ABI). */
  boolean ia32() {
    return ia32;
  }

  void setIa32(boolean on) {
    ia32 = on;
  }

  /** Bytes a blocking read/write moved before it had to sleep (kept across the restart). */
  public long progress() {
    return progress;
  }

  public void setProgress(long bytes) {
    progress = bytes;
  }

  /** The deadline a restarted timed sleep keeps, or -1. */
  public long deadline() {
    return deadline;
  }

  public void setDeadline(long ns) {
    deadline = ns;
  }

  /**
   * What the sleeping syscall returns (a Linux value: result or -errno) when a handler interrupts
   * it.
   *
   * @param neverRestart true to end it even when the handler has SA_RESTART
   */
  public void setInterruptAction(LongSupplier action, boolean neverRestart) {
    this.interruptAction = action;
    this.neverRestart = neverRestart;
  }

  /** True when SA_RESTART must not restart it. */
  boolean neverRestart() {
    return neverRestart;
  }

  /**
   * The value an interrupted call returns: its interrupt action's, else the bytes it moved, else
   * {@code eintr} (the Linux {@code -EINTR} the syscall edge defines).
   */
  long interruptedResult(long eintr) {
    if (interruptAction != null) {
      return interruptAction.getAsLong();
    }
    return progress > 0 ? progress : eintr;
  }

  /** rt_sigsuspend: remembers the mask to restore after the handler (once per suspension). */
  public void saveSuspendMask(long mask) {
    if (!hasSuspendMask) {
      suspendMask = mask;
      hasSuspendMask = true;
    }
  }

  /**
   * ppoll/pselect6 finished without a handler: the mask saved by {@link #saveSuspendMask} is put
   * back by the caller (returned and forgotten); {@code blocked} when none was saved.
   */
  public long restoreSuspendMask(long blocked) {
    return takeFrameMask(blocked);
  }

  /**
   * The mask a handler frame saves: the suspend mask if one is kept (then forgotten), else {@code
   * blocked}.
   */
  long takeFrameMask(long blocked) {
    long m = hasSuspendMask ? suspendMask : blocked;
    hasSuspendMask = false;
    return m;
  }

  /**
   * openat of a FIFO sleeps until the other end is there: the description it opened is kept here
   * (holding its one reference) for the restarted call, which takes it back with {@link #takeOpen};
   * if the call ends otherwise (a signal, exit) {@link #clear} releases it.
   */
  public void keepOpen(OpenFile f) {
    if (pendingOpen != null && pendingOpen != f) {
      pendingOpen.release();
    }
    pendingOpen = f;
  }

  /** The description {@link #keepOpen} kept (the caller now holds its reference), or null. */
  public OpenFile takeOpen() {
    OpenFile f = pendingOpen;
    pendingOpen = null;
    return f;
  }

  /** Forgets the state of a syscall that completed or was interrupted. */
  void clear() {
    if (pendingOpen != null) {
      pendingOpen.release(); // the open was interrupted or its process went away
      pendingOpen = null;
    }
    pending = false;
    ia32 = false;
    progress = 0;
    neverRestart = false;
    interruptAction = null;
    deadline = -1;
  }
}
