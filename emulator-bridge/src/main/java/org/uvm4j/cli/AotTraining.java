package org.uvm4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.uvm4j.machine.host.HostLibcs;

/**
 * The launcher's training run of the start-up cache ({@code UVM4J_CACHE=train}, made by {@code make
 * build}; the launcher then sets {@value #PROPERTY}): after the run it was asked for, on the
 * default binding, the same {@code run} once more on the JNA binding, so that the cache also holds
 * the classes a {@code --backend jna} run loads. Since the host libc calls of an FFM run go through
 * FFM, the default run loads no JNA class, and without this second run a JNA run loaded about 200
 * classes from the jar instead of the cache (docs/benchmarks.md, start-up).
 *
 * <p>Invariant: outside a training run (the property unset) nothing happens; the exit status is the
 * first run's.
 */
final class AotTraining {
  /** Set by the launcher in its training run only. */
  static final String PROPERTY = "uvm4j.aotTraining";

  private AotTraining() {}

  /**
   * The {@code run} command line {@code args} again with {@code --backend jna}, or null when this
   * is not a training run, not a {@code run}, or one that names a binding itself.
   */
  static String[] jnaRerun(String[] args) {
    if (!Boolean.getBoolean(PROPERTY) || args.length < 2 || !args[0].equals("run")) {
      return null;
    }
    for (String a : args) {
      if (a.equals("--backend") || a.startsWith("--backend=")) {
        return null;
      }
    }
    List<String> again = new ArrayList<>(List.of("run", "--backend", "jna"));
    again.addAll(Arrays.asList(args).subList(1, args.length));
    return again.toArray(new String[0]);
  }

  /**
   * Runs {@link #jnaRerun} of {@code args}, if any, with {@code execute}, and sets up the JNA host
   * libc binding (the process chose FFM in the first run, so the rerun's engine alone would not);
   * returns {@code status}.
   */
  static int alsoOnJna(String[] args, int status, ToIntFunction<String[]> execute) {
    String[] again = jnaRerun(args);
    if (again != null) {
      try {
        HostLibcs.jna();
      } catch (LinkageError | RuntimeException e) {
        // no JNA here: the rerun says so itself, and the cache only lacks its classes
      }
      execute.applyAsInt(again);
    }
    return status;
  }
}
