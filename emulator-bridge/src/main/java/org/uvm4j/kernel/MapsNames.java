package org.uvm4j.kernel;

import java.util.function.Function;
import org.uvm4j.kernel.elf.ElfLoader;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.obj.FileObject;

/**
 * Names map entries as {@code /proc/PID/maps} does: a file mapping (the ELF's segments, mmap of a
 * file) by the file's path, a memfd's as {@code /memfd:NAME (deleted)}, the anonymous entries of
 * the program break {@code [heap]}, those of the stack area {@code [stack]}; any other anonymous
 * entry has no name ({@code [anon]} in the report).
 */
final class MapsNames {
  private MapsNames() {}

  /** The namer for the entries of {@code vm}. */
  static Function<VmMapEntry, String> of(Vmspace vm) {
    long brkBase = vm.brkBase();
    long brkCur = vm.brkCurrent();
    long stackBase = ElfLoader.STACK_TOP - ElfLoader.STACK_MAX;
    return e -> {
      if (e.object instanceof FileObject f) {
        return f.name();
      }
      if (e.object instanceof Aobj a && a.name() != null) {
        // Linux: a memfd is an unlinked shmem file, "/memfd:NAME (deleted)"
        return a.name().startsWith("memfd:") ? "/" + a.name() + " (deleted)" : a.name();
      }
      if (e.object != null) {
        return null;
      }
      if (brkBase != 0 && e.start() < Math.max(brkCur, brkBase + 1) && e.end() > brkBase) {
        return "[heap]";
      }
      if (e.start() >= stackBase && e.end() <= ElfLoader.STACK_TOP) {
        return "[stack]";
      }
      return null;
    };
  }
}
