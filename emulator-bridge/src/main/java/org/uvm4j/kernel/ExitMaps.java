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
      MapsReport.write(out, p.pid, p.comm, "at exit", p.vm, others, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
