package org.uvm4j.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.elf.ElfFile;
import org.uvm4j.kernel.elf.Vdso;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * The file objects of executed programs, one per (file, size, modification time), like the vnode
 * cache: every exec of the same program maps the same object, so processes share its text frames
 * (and the emulator's translations of them). The cache holds one reference on each object and drops
 * them all at {@link #clear()}.
 */
final class ExecCache {
  /** A cached program: its parsed header and its pages. */
  record Image(ElfFile elf, FileObject object) {}

  /**
   * A program file's identity. equals and hashCode are written out: a record's generated ones are
   * bootstrapped at their first call (ObjectMethods), which spins classes at every start that the
   * AOT cache cannot keep (docs/benchmarks.md, start-up).
   */
  private record Key(Path path, long size, long mtimeNs) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && java.util.Objects.equals(path, k.path)
          && size == k.size
          && mtimeNs == k.mtimeNs;
    }

    @Override
    public int hashCode() {
      return (java.util.Objects.hashCode(path) * 31 + Long.hashCode(size)) * 31
          + Long.hashCode(mtimeNs);
    }
  }

  private final Uvm uvm;
  private final Map<Key, Image> images = new LinkedHashMap<>();
  private Vdso vdso;

  ExecCache(Uvm uvm) {
    this.uvm = uvm;
  }

  /** The cached image, or null. */
  Image lookup(Path realPath, long size, long mtimeNs) {
    return images.get(new Key(realPath, size, mtimeNs));
  }

  /** Caches a new image built from {@code bytes}. */
  Image insert(Path realPath, long size, long mtimeNs, ElfFile elf, byte[] bytes) {
    Image img = new Image(elf, new FileObject(uvm, realPath.toString(), bytes));
    images.put(new Key(realPath, size, mtimeNs), img);
    return img;
  }

  /** The kernel's vDSO, made at the first exec. */
  Vdso vdso() {
    if (vdso == null) {
      vdso = new Vdso(uvm);
    }
    return vdso;
  }

  /** The vDSO if one was made, else null. */
  Vdso vdsoIfMade() {
    return vdso;
  }

  /** Drops the cache's reference on every object (the last user frees the pages). */
  void clear() {
    if (vdso != null) {
      vdso.release();
      vdso = null;
    }
    List<Image> all = new ArrayList<>(images.values());
    images.clear();
    for (Image i : all) {
      i.object().detach();
    }
  }
}
