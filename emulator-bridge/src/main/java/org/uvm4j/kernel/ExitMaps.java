package org.uvm4j.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.trace.MapsReport;

/**
 * {@code --maps}: writes each process's map when it exits (before exit frees it), with the other
 * live address spaces for sharing counts. Off until {@link #setOutput} is given a stream or {@link
 * #setListener} a listener.
 */
final class ExitMaps {
  private final ProcTable procs;
  private PrintStream out;
  private MapsListener listener;

  ExitMaps(ProcTable procs) {
    this.procs = procs;
  }

  void setOutput(PrintStream out) {
    this.out = out;
  }

  void setListener(MapsListener listener) {
    this.listener = listener;
  }

  private boolean off() {
    return out == null && listener == null;
  }

  /** Hands one process's report to the stream and the listener that are set. */
  private void emit(Proc p, String when, Map<Integer, Vmspace> others) {
    List<MapsReport.EntryReport> entries = MapsReport.entries(p.vm, others, MapsNames.of(p.vm));
    if (out != null) {
      try {
        MapsReport.write(out, p.pid, p.comm, when, entries);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (listener != null) {
      listener.maps(p.pid, p.comm, when, List.copyOf(entries));
    }
  }

  /**
   * Writes the map of every live process now (the on-demand --maps of a running machine); nothing
   * when --maps is off.
   */
  void reportAll(String when) {
    if (off()) {
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
      emit(q, when, others);
    }
    if (out != null) {
      out.flush();
    }
  }

  /** Writes {@code p}'s map if --maps asked for it. */
  void report(Proc p) {
    if (off() || p.vm == null) {
      return;
    }
    Map<Integer, Vmspace> others = new TreeMap<>();
    for (Proc q : procs.all()) {
      if (q != p && q.isAlive() && q.vm != null && q.vm != p.vm) {
        others.put(q.pid, q.vm);
      }
    }
    emit(p, "at exit", others);
    if (out != null) {
      out.flush();
    }
  }
}
