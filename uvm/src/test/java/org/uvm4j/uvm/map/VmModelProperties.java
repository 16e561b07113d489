package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.obj.FileObject;

/**
 * Model-based property test of the whole VM system: random programs over several processes (map
 * private/shared anonymous memory, read, write, fork, exit, munmap of arbitrary sub-ranges,
 * mprotect, minherit, mlock/munlock; private and shared mappings of a file too) run against a naive
 * model in which every process has its own byte array per page, copied in full at fork, and shared
 * pages are one array referenced by every sharer. Every read must return the model's bytes, every
 * forbidden access must fault, the system audit must pass after every step, and every frame must be
 * free once all processes exit.
 */
class VmModelProperties {
  private static final long PAGE = VmFixture.PAGE;
  private static final int MAX_PROCS = 4;
  private static final int MAX_REGION_PAGES = 6;
  private static final int MAX_PAGES_PER_PROC = 40;
  private static final int[] OFFSETS = {0, 1, 100, 2048, 4095};
  private static final int[] PROTS = {Prot.RW, Prot.RW, Prot.READ, Prot.NONE, Prot.RW};

  /** One page of shared data (shared by reference among the processes that share it). */
  private static final class Cell {
    final byte[] data;

    Cell(byte[] data) {
      this.data = data;
    }
  }

  /** What the model knows of one mapped page of one process. */
  private static final class MPage {
    Cell cell;
    int prot;
    final int maxProt;
    Inheritance inh;

    MPage(Cell cell, int prot, int maxProt, Inheritance inh) {
      this.cell = cell;
      this.prot = prot;
      this.maxProt = maxProt;
      this.inh = inh;
    }
  }

  private static final int FILE_PAGES = 8;

  /** The file every program can map (private: copy-on-write; shared: read-only). */
  private FileObject file;

  private byte[] fileBytes;

  private static final class Proc {
    final Vmspace vm;
    final TreeMap<Long, MPage> pages = new TreeMap<>();

    Proc(Vmspace vm) {
      this.vm = vm;
    }
  }

  /** One random step; its fields are interpreted against the current state. */
  record Step(int kind, int a, int b, int c, int d) {}

  @Provide
  Arbitrary<Step> step() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 255))
        .as(Step::new);
  }

  @Property
  void vmSystemMatchesModel(
      @ForAll @Size(min = 50, max = 60) List<@net.jqwik.api.From("step") Step> steps) {
    VmFixture m = new VmFixture(2L << 20);
    fileBytes = new byte[FILE_PAGES * (int) PAGE];
    for (int i = 0; i < fileBytes.length; i++) {
      fileBytes[i] = (byte) (i * 31 + 7);
    }
    file = new FileObject(m.uvm, fileBytes);
    List<Proc> procs = new ArrayList<>();
    procs.add(new Proc(m.newSpace()));
    int n = 0;
    for (Step s : steps) {
      n++;
      String what = run(m, procs, s);
      try {
        m.audit();
      } catch (RuntimeException e) {
        throw new AssertionError("audit after step " + n + " (" + what + ")", e);
      }
    }
    for (Proc p : procs) {
      for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
        checkWholePage(p, e.getKey(), e.getValue());
      }
    }
    for (Proc p : procs) {
      m.exit(p.vm);
    }
    file.detach();
    SystemAudit.checkAllFreed(m.uvm, m.initialFree);
  }

  private String run(VmFixture m, List<Proc> procs, Step s) {
    Proc p = procs.get(s.a() % procs.size());
    int k = s.kind();
    if (k < 14) {
      return map(p, s);
    } else if (k < 40) {
      return write(p, s);
    } else if (k < 60) {
      return read(p, s);
    } else if (k < 67) {
      return fork(m, procs, p);
    } else if (k < 71) {
      return exit(m, procs, p);
    } else if (k < 80) {
      return munmap(p, s);
    } else if (k < 87) {
      return mprotect(p, s);
    } else if (k < 93) {
      return minherit(p, s);
    } else {
      return wire(p, s);
    }
  }

  private String map(Proc p, Step s) {
    int pages = 1 + s.b() % MAX_REGION_PAGES;
    if (p.pages.size() + pages > MAX_PAGES_PER_PROC) {
      return "map skipped";
    }
    int prot = PROTS[s.c() % PROTS.length];
    boolean shared = (s.d() & 1) != 0;
    int kind = (s.d() >> 1) % 4; // 0, 1: anonymous; 2: file
    boolean fromFile = kind == 2;
    int fileOff = fromFile ? s.b() % (FILE_PAGES - pages + 1) : 0;
    int maxProt = Prot.ALL;
    if (fromFile && shared) {
      maxProt = Prot.READ | Prot.EXEC;
      if ((prot & Prot.WRITE) != 0) {
        assertThat(p.vm.mmap(0, pages * PAGE, prot, Mman.MAP_SHARED, file, 0))
            .isEqualTo(-Errno.EACCES);
        prot = Prot.READ;
      }
    }
    int flags = (shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE) | (fromFile ? 0 : Mman.MAP_ANONYMOUS);
    long a = p.vm.mmap(0, pages * PAGE, prot, flags, fromFile ? file : null, fileOff * PAGE);
    assertThat(a).as("mmap").isPositive();
    for (int i = 0; i < pages; i++) {
      long va = a + i * PAGE;
      assertThat(p.pages).as("mmap returned a used address").doesNotContainKey(va);
      byte[] data = new byte[(int) PAGE];
      if (fromFile) {
        System.arraycopy(fileBytes, (fileOff + i) * (int) PAGE, data, 0, (int) PAGE);
      }
      // a shared file page is one array for everyone (nobody can write it)
      Cell cell = new Cell(data);
      p.pages.put(
          va, new MPage(cell, prot, maxProt, shared ? Inheritance.SHARE : Inheritance.COPY));
    }
    return "mmap "
        + pages
        + " "
        + Prot.toString(prot)
        + (shared ? " shared" : " private")
        + (fromFile ? " file+" + fileOff : "");
  }

  /** A page address of {@code p}: usually a mapped one, sometimes next to one (maybe a hole). */
  private static long pickVa(Proc p, int r) {
    if (p.pages.isEmpty()) {
      return Vmspace.MMAP_BASE - PAGE;
    }
    Long[] vas = p.pages.keySet().toArray(new Long[0]);
    long va = vas[r % vas.length];
    int skew = (r >> 8) % 8;
    if (skew == 0) {
      return va + PAGE;
    } else if (skew == 1) {
      return va - PAGE;
    }
    return va;
  }

  private String write(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int off = OFFSETS[s.c() % OFFSETS.length];
    int val = s.d();
    MPage mp = p.pages.get(va);
    int r = VmFixture.poke(p.vm, va + off, val);
    if (mp == null || (mp.prot & Prot.WRITE) == 0) {
      assertThat(r)
          .as("write to %x (%s) must fault", va, mp == null ? "unmapped" : "ro")
          .isEqualTo(Errno.EFAULT);
    } else {
      assertThat(r).as("write to %x", va).isZero();
      mp.cell.data[off] = (byte) val;
    }
    return "write " + Long.toHexString(va + off);
  }

  private String read(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int off = OFFSETS[s.c() % OFFSETS.length];
    MPage mp = p.pages.get(va);
    int r = VmFixture.peek(p.vm, va + off);
    if (mp == null || (mp.prot & Prot.READ) == 0) {
      assertThat(r).as("read of %x must fault", va).isEqualTo(-1);
    } else {
      assertThat(r).as("read of %x+%d", va, off).isEqualTo(mp.cell.data[off] & 0xff);
    }
    return "read " + Long.toHexString(va + off);
  }

  private String fork(VmFixture m, List<Proc> procs, Proc p) {
    if (procs.size() >= MAX_PROCS) {
      return "fork skipped";
    }
    Proc c = new Proc(m.fork(p.vm));
    for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
      MPage mp = e.getValue();
      Cell cell =
          switch (mp.inh) {
            case NONE -> null;
            case SHARE -> mp.cell;
            case COPY -> new Cell(mp.cell.data.clone());
            case ZERO -> new Cell(new byte[(int) PAGE]);
          };
      if (cell != null) {
        c.pages.put(e.getKey(), new MPage(cell, mp.prot, mp.maxProt, mp.inh));
      }
    }
    procs.add(c);
    return "fork";
  }

  private String exit(VmFixture m, List<Proc> procs, Proc p) {
    procs.remove(p);
    m.exit(p.vm);
    if (procs.isEmpty()) {
      procs.add(new Proc(m.newSpace()));
    }
    return "exit";
  }

  private String munmap(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % (MAX_REGION_PAGES + 2);
    assertThat(p.vm.munmap(va, pages * PAGE)).isZero();
    p.pages.subMap(va, va + pages * PAGE).clear();
    return "munmap " + Long.toHexString(va) + "+" + pages;
  }

  private boolean fullyMapped(Proc p, long va, int pages) {
    for (int i = 0; i < pages; i++) {
      if (!p.pages.containsKey(va + i * PAGE)) {
        return false;
      }
    }
    return true;
  }

  private String mprotect(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % 4;
    int prot = PROTS[s.d() % PROTS.length];
    int r = p.vm.mprotect(va, pages * PAGE, prot);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else if (exceedsMax(p, va, pages, prot)) {
      assertThat(r).isEqualTo(Errno.EACCES);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).prot = prot;
      }
    }
    return "mprotect " + Long.toHexString(va) + "+" + pages + " " + Prot.toString(prot);
  }

  private boolean exceedsMax(Proc p, long va, int pages, int prot) {
    for (int i = 0; i < pages; i++) {
      if ((prot & ~p.pages.get(va + i * PAGE).maxProt) != 0) {
        return true;
      }
    }
    return false;
  }

  private String minherit(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % 4;
    Inheritance inh = Inheritance.values()[s.d() % Inheritance.values().length];
    int r = p.vm.minherit(va, pages * PAGE, inh);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).inh = inh;
      }
    }
    return "minherit " + Long.toHexString(va) + "+" + pages + " " + inh;
  }

  private String wire(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % 4;
    boolean lock = (s.d() & 1) != 0;
    int r = lock ? p.vm.mlock(va, pages * PAGE) : p.vm.munlock(va, pages * PAGE);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else {
      assertThat(r).isZero();
    }
    return (lock ? "mlock " : "munlock ") + Long.toHexString(va) + "+" + pages;
  }

  private static void checkWholePage(Proc p, long va, MPage mp) {
    byte[] got = new byte[(int) PAGE];
    int r = p.vm.copyin(va, got, 0, got.length);
    if ((mp.prot & Prot.READ) == 0) {
      assertThat(r).isEqualTo(Errno.EFAULT);
      return;
    }
    assertThat(r).isZero();
    assertThat(Arrays.equals(got, mp.cell.data)).as("page %x contents", va).isTrue();
  }
}
