package org.uvm4j.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.trace.MapsReport;

/**
 * {@code --maps}: writes each process's map when it exits (before exit frees it), with the other
 * live address spaces for sharing counts. Off until {@link #setOutput} is given a stream.
 */
final class ExitMaps {
  private final ProcTable procs;
  private PrintStream out;

  ExitMaps(ProcTable procs) {
    this.procs = procs;
  }

  void setOutput(PrintStream out) {
    this.out = out;
  }

  /**
   * Writes the map of every live process now (the on-demand --maps of a running machine); nothing
   * when --maps is off.
   */
  void reportAll(String when) {
    if (out == null) {
      return;
    }
    Map<Integer, Vmspace> all = new TreeMap<>();
    Map<Integer, Proc> byPid = new TreeMap<>();
    for (Proc q : procs.all()) {
      if (q.isAlive() && q.vm != null) {
        all.put(q.pid, q.vm);
        byPid.put(q.pid, q);
      }
    }
    for (Proc q : byPid.values()) {
      Map<Integer, Vmspace> others = new TreeMap<>(all);
      others.remove(q.pid);
      others.values().removeIf(v -> v == q.vm);
      try {
        MapsReport.write(out, q.pid, q.comm, when, q.vm, others, MapsNames.of(q.vm));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    out.flush();
  }

  /** Writes {@code p}'s map if --maps asked for it. */
  void report(Proc p) {
    if (out == null || p.vm == null) {
      return;
    }
    Map<Integer, Vmspace> others = new TreeMap<>();
    for (Proc q : procs.all()) {
      if (q != p && q.isAlive() && q.vm != null && q.vm != p.vm) {
        others.put(q.pid, q.vm);
      }
    }
    try {
      MapsReport.write(out, p.pid, p.comm, "at exit", p.vm, others, MapsNames.of(p.vm));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
