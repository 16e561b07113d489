package org.uvm4j.kernel;

import java.util.List;
import org.uvm4j.uvm.trace.MapsReport;

/**
 * Receives the maps of a process as {@code --maps} reports them (at its exit, before the exit frees
 * its address space; or on request), as entries rather than text. Called on the kernel's thread;
 * the entries are immutable snapshots.
 */
@FunctionalInterface
public interface MapsListener {
  /**
   * One process's map.
   *
   * @param pid the process
   * @param program its command name (comm), or null
   * @param when what the report is for: {@code "at exit"} or {@code "on request"}
   * @param entries its map entries, lowest address first
   */
  void maps(int pid, String program, String when, List<MapsReport.EntryReport> entries);
}
