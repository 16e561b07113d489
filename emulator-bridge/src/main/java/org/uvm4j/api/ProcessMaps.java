package org.uvm4j.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.uvm4j.uvm.trace.MapsReport;
import org.uvm4j.uvm.trace.MapsReport.EntryReport;

/**
 * One {@code --maps} report of a process: its map entries with what UVM knows of each (amap id,
 * ppref state, resident, anonymous, swapped and shared pages, the other processes referencing the
 * same amap). Immutable.
 *
 * @param pid the process
 * @param program its command name, or null
 * @param when {@code "at exit"} (taken before the exit freed the map) or {@code "on request"}
 * @param entries the entries, lowest address first
 */
public record ProcessMaps(int pid, String program, String when, List<EntryReport> entries) {
  public ProcessMaps {
    entries = List.copyOf(entries);
  }

  /** The entry containing {@code va}, or null. */
  public EntryReport entryAt(long va) {
    for (EntryReport e : entries) {
      if (va >= e.start() && va < e.end()) {
        return e;
      }
    }
    return null;
  }

  /** The report as {@code uvm4j run --maps} prints it. */
  public String text() {
    StringBuilder b = new StringBuilder();
    try {
      MapsReport.write(b, pid, program, when, entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return b.toString();
  }
}
