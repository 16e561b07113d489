package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.map.Mman;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/**
 * The VM-system model test ({@code VmModelProperties}'s model: every process owns a byte array per
 * page, copied in full at fork, shared pages one array for all sharers) on a machine whose RAM is
 * far smaller than the working set, with page-daemon runs interleaved with the random steps. Every
 * read must return the model's bytes; after every step the system audit and the swap audit (every
 * allocated slot belongs to exactly one live anon or is bad, swap-only accounting exact) must pass;
 * after all processes exit every frame is free and no swap slot is left.
 */
class SwapModelProperties {
  private static final long PAGE = VmFixture.PAGE;
  private static final int RAM_PAGES = 40;
  private static final int SWAP_PAGES = 1024;
  private static final int MAX_PROCS = 4;
  private static final int MAX_REGION_PAGES = 6;
  private static final int MAX_PAGES_PER_PROC = 48;
  private static final int[] OFFSETS = {0, 1, 100, 2048, 4095};
  private static final int[] PROTS = {Prot.RW, Prot.RW, Prot.RW, Prot.READ};

  private static final class Cell {
    final byte[] data = new byte[(int) PAGE];
  }

  private static final class MPage {
    Cell cell;
    int prot;
    final boolean shared;

    MPage(Cell cell, int prot, boolean shared) {
      this.cell = cell;
      this.prot = prot;
      this.shared = shared;
    }
  }

  private static final class Proc {
    final Vmspace vm;
    final TreeMap<Long, MPage> pages = new TreeMap<>();

    Proc(Vmspace vm) {
      this.vm = vm;
    }
  }

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

  @Property(tries = 150)
  void vmSystemWithSwapMatchesModel(
      @ForAll @Size(min = 60, max = 80) List<@From("step") Step> steps) throws IOException {
    Path dir = Files.createTempDirectory("uvm4j-swapmodel");
    VmFixture m = new VmFixture(RAM_PAGES * PAGE);
    SwapPager pager = SwapPager.attach(m.uvm);
    PageDaemon daemon = PageDaemon.attach(m.uvm, pager);
    try {
      pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), SWAP_PAGES * PAGE, false), 0);
      List<Proc> procs = new ArrayList<>();
      procs.add(new Proc(m.newSpace()));
      int n = 0;
      for (Step s : steps) {
        n++;
        String what = run(m, daemon, procs, s);
        try {
          m.audit();
          SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
          daemon.check();
        } catch (RuntimeException e) {
          throw new AssertionError("audit after step " + n + " (" + what + ")", e);
        }
      }
      for (Proc p : procs) {
        for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
          checkWholePage(p, e.getKey(), e.getValue());
        }
      }
      Statistics.label("paged out").collect(m.exp().pgswapout > 0);
      Statistics.label("paged in").collect(m.exp().pageins > 0);
      for (Proc p : procs) {
        m.exit(p.vm);
      }
      SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
      assertThat(m.exp().swpginuse).as("no slot left after every process exited").isZero();
      assertThat(m.exp().swpgonly).isZero();
      SystemAudit.checkAllFreed(m.uvm, m.initialFree);
    } finally {
      pager.swap().close();
      Files.deleteIfExists(dir.resolve("swap"));
      Files.delete(dir);
    }
    // the working set must really go through swap in most programs
    Statistics.label("paged out").coverage(c -> c.check(true).percentage(pct -> pct >= 90));
    Statistics.label("paged in").coverage(c -> c.check(true).percentage(pct -> pct >= 75));
  }

  private String run(VmFixture m, PageDaemon daemon, List<Proc> procs, Step s) {
    Proc p = procs.get(s.a() % procs.size());
    int k = s.kind();
    if (k < 15) {
      return map(p, s);
    } else if (k < 42) {
      return write(p, s);
    } else if (k < 62) {
      return read(p, s);
    } else if (k < 68) {
      return fork(m, procs, p);
    } else if (k < 71) {
      return exit(m, procs, p);
    } else if (k < 78) {
      return munmap(p, s);
    } else if (k < 84) {
      return mprotect(p, s);
    } else {
      return pageDaemon(m, daemon, s);
    }
  }

  /** A page-daemon run, sometimes with a target of (almost) all of RAM. */
  private static String pageDaemon(VmFixture m, PageDaemon daemon, Step s) {
    long targ = m.exp().freetarg;
    boolean aggressive = (s.d() & 1) != 0;
    if (aggressive) {
      m.exp().freetarg = m.uvm.physMem().frameCount() - 1;
    }
    try {
      daemon.run();
    } finally {
      m.exp().freetarg = targ;
    }
    return aggressive ? "page daemon (all)" : "page daemon";
  }

  private static String map(Proc p, Step s) {
    int pages = 1 + s.b() % MAX_REGION_PAGES;
    if (p.pages.size() + pages > MAX_PAGES_PER_PROC) {
      return "map skipped";
    }
    int prot = PROTS[s.c() % PROTS.length];
    boolean shared = (s.d() & 1) != 0;
    int flags = (shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE) | Mman.MAP_ANONYMOUS;
    long a = p.vm.mmap(0, pages * PAGE, prot, flags, null, 0);
    assertThat(a).as("mmap").isPositive();
    for (int i = 0; i < pages; i++) {
      p.pages.put(a + i * PAGE, new MPage(new Cell(), prot, shared));
    }
    return "mmap " + pages + " " + Prot.toString(prot) + (shared ? " shared" : " private");
  }

  private static long pickVa(Proc p, int r) {
    if (p.pages.isEmpty()) {
      return Vmspace.MMAP_BASE - PAGE;
    }
    Long[] vas = p.pages.keySet().toArray(new Long[0]);
    return vas[r % vas.length];
  }

  private static String write(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int off = OFFSETS[s.c() % OFFSETS.length];
    MPage mp = p.pages.get(va);
    int r = VmFixture.poke(p.vm, va + off, s.d());
    if (mp == null || (mp.prot & Prot.WRITE) == 0) {
      assertThat(r).as("write to %x must fault", va).isEqualTo(Errno.EFAULT);
    } else {
      assertThat(r).as("write to %x", va).isZero();
      mp.cell.data[off] = (byte) s.d();
    }
    return "write " + Long.toHexString(va + off);
  }

  private static String read(Proc p, Step s) {
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

  private static String fork(VmFixture m, List<Proc> procs, Proc p) {
    if (procs.size() >= MAX_PROCS) {
      return "fork skipped";
    }
    Proc c = new Proc(m.fork(p.vm));
    for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
      MPage mp = e.getValue();
      Cell cell = mp.cell;
      if (!mp.shared) {
        cell = new Cell();
        System.arraycopy(mp.cell.data, 0, cell.data, 0, (int) PAGE);
      }
      c.pages.put(e.getKey(), new MPage(cell, mp.prot, mp.shared));
    }
    procs.add(c);
    return "fork";
  }

  private static String exit(VmFixture m, List<Proc> procs, Proc p) {
    procs.remove(p);
    m.exit(p.vm);
    if (procs.isEmpty()) {
      procs.add(new Proc(m.newSpace()));
    }
    return "exit";
  }

  private static String munmap(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % (MAX_REGION_PAGES + 2);
    assertThat(p.vm.munmap(va, pages * PAGE)).isZero();
    p.pages.subMap(va, va + pages * PAGE).clear();
    return "munmap " + Long.toHexString(va) + "+" + pages;
  }

  private static String mprotect(Proc p, Step s) {
    long va = pickVa(p, s.b());
    int pages = 1 + s.c() % 4;
    int prot = PROTS[s.d() % PROTS.length];
    int r = p.vm.mprotect(va, pages * PAGE, prot);
    boolean mapped = true;
    for (int i = 0; i < pages; i++) {
      mapped &= p.pages.containsKey(va + i * PAGE);
    }
    if (!mapped) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).prot = prot;
      }
    }
    return "mprotect " + Long.toHexString(va) + "+" + pages + " " + Prot.toString(prot);
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
