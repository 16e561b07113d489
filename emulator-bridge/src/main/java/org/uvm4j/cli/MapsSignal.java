package org.uvm4j.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.Kernel;

/**
 * {@code kill -USR1 <uvm4j's pid>} while a run with {@code --maps} goes on: the maps of every live
 * process are printed (between two time slices) and the run continues.
 *
 * <p>Why SIGUSR1 and not SIGQUIT: the JVM keeps SIGQUIT for its thread dump, and {@code
 * sun.misc.Signal.handle} refuses it on Java 17 and 25 ("Signal already used by VM or OS"), even
 * with {@code -Xrs}; SIGUSR1 is free on both without flags ({@code sun.misc.Signal} is in the
 * exported {@code jdk.unsupported} module).
 */
final class MapsSignal {
  private static final Logger log = LogManager.getLogger("kern.proc");

  /** The signal that asks for the maps. */
  static final String SIGNAL = "USR1";

  private MapsSignal() {}

  /**
   * Routes SIGUSR1 to {@code kernel.requestMaps()} until the returned handle is closed (then the
   * previous handler is back).
   */
  static AutoCloseable install(Kernel kernel) {
    sun.misc.Signal sig = new sun.misc.Signal(SIGNAL);
    sun.misc.SignalHandler previous;
    try {
      previous = sun.misc.Signal.handle(sig, s -> kernel.requestMaps());
    } catch (IllegalArgumentException e) {
      log.warn(
          "--maps on request is off: SIG{} cannot be handled here: {}", SIGNAL, e.getMessage());
      return () -> {};
    }
    return () -> sun.misc.Signal.handle(sig, previous);
  }
}
