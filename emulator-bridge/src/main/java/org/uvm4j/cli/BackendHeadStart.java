package org.uvm4j.cli;

import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * Gives the CPU binding a head start: {@link Main#main} calls {@link #begin} before picocli builds
 * its model, so that the binding's one-time set-up ({@link CpuBackends#prepare}) runs on the other
 * core while the command line is parsed and the guest's image is read. Only for {@code run}, the
 * command that opens an engine; the binding is the one {@code --backend} names (its last
 * occurrence, either spelling), else the default.
 *
 * <p>Like {@link LogStartup}, this looks at the arguments before the command line's grammar does: a
 * guest argument that looks like {@code --backend X} can only pick which binding gets the head
 * start, never which one runs.
 */
final class BackendHeadStart {
  private BackendHeadStart() {}

  /** Starts the set-up of the binding {@code args} would run on, when they run a guest. */
  static void begin(String[] args) {
    BackendKind kind = kindFor(args);
    if (kind != null) {
      CpuBackends.prepare(kind);
    }
  }

  /**
   * The binding a {@code run} command line asks for, AUTO when it names none, or null when {@code
   * args} is not a {@code run} or names a binding that does not exist (then parsing reports it).
   */
  static BackendKind kindFor(String[] args) {
    if (args.length == 0 || !args[0].equals("run")) {
      return null;
    }
    String name = "auto";
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--backend") && i + 1 < args.length) {
        name = args[++i];
      } else if (args[i].startsWith("--backend=")) {
        name = args[i].substring("--backend=".length());
      }
    }
    try {
      return BackendKind.parse(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
