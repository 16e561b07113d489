package org.uvm4j.kernel.fs;

import java.io.OutputStream;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The guest's controlling terminal, what {@code /dev/tty} opens. A guest has one exactly when the
 * console is a terminal on the host (the launcher's stdin or stderr is a tty); then {@code
 * /dev/tty} reads the console's input through the same {@link Console} as descriptor 0 (one host
 * reader thread: a read that must wait sleeps the guest process on the console's wait channel,
 * never the JVM thread) and writes the console's error stream. Without a terminal (a pipe or a
 * file, as in CI, cron or tests) there is none, and {@code open("/dev/tty")} is ENXIO, as Linux
 * answers a process without a controlling terminal ({@code tty_open_current_tty}).
 */
public final class ControllingTty {
  private static final ControllingTty NONE = new ControllingTty(null, null);

  private final Console input;
  private final OutputStream output;

  private ControllingTty(Console input, OutputStream output) {
    this.input = input;
    this.output = output;
  }

  /** No controlling terminal: {@code /dev/tty} is ENXIO. */
  public static ControllingTty none() {
    return NONE;
  }

  /**
   * The console as the controlling terminal, whether or not the host's streams are terminals (for
   * tests): {@code /dev/tty} reads {@code input} and writes {@code output}.
   */
  public static ControllingTty of(Console input, OutputStream output) {
    return new ControllingTty(input, output);
  }

  /**
   * The console as the controlling terminal when the host's descriptor behind {@code input} or
   * {@code output} is a terminal ({@link HostTerminal}); else {@link #none()}.
   */
  public static ControllingTty ifTerminal(Console input, OutputStream output) {
    boolean tty = input.isTerminal() || HostTerminal.isTerminal(HostTerminal.hostFd(output));
    return tty ? of(input, output) : none();
  }

  /** True when the guest has a controlling terminal. */
  public boolean present() {
    return input != null;
  }

  /** open("/dev/tty", flags). */
  // tty_io.c: tty_open_current_tty
  OpenFile open(int flags) throws UvmException {
    if (input == null) {
      throw new UvmException(Errno.ENXIO);
    }
    return Console.tty(input, output, flags);
  }
}
