package org.uvm4j.kernel.fs;

import java.util.function.LongSupplier;
import org.uvm4j.uvm.system.Uvm;

/**
 * The tmpfs of {@code /tmp} and {@code /dev/shm} with file contents in UVM anonymous objects
 * ({@link AobjFileData}): every file's pages are anonymous memory of the VM system, paged to swap
 * under pressure, and the frames its shared mappings map.
 */
public final class AobjTmpfs {
  private AobjTmpfs() {}

  /**
   * The tmpfs maker for {@link FsLayout#mountTable}: a {@link MemFs} of at most {@code bytes} whose
   * files are {@link AobjFileData} of {@code uvm}, named {@code tmpfs:PATH}.
   */
  public static FsLayout.TmpfsMaker maker(Uvm uvm, long bytes, LongSupplier clockNs) {
    return (path, dev) ->
        new MemFs(dev, bytes, () -> new AobjFileData(uvm, "tmpfs:" + path), clockNs).root();
  }
}
