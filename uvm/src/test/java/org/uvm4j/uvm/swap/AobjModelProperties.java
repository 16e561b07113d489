package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/**
 * Anonymous objects against a simple model (a byte array per object, its length the size) on a
 * machine whose RAM is far smaller than the objects: random writes, reads, truncates, hole punches
 * ({@code uao_put(PGO_FREE)}), loads and stores through a shared mapping, page-daemon runs and a
 * swap-off/swap-on cycle. Every read must return the model's bytes; after every step the system
 * audit and the swap audit (every slot owned by exactly one anon or object page, swap-only counts
 * exact) must pass; at the end every frame and slot is free again.
 */
class AobjModelProperties {
  private static final int PAGE = (int) VmFixture.PAGE;
  private static final int RAM_PAGES = 48;
  private static final int SWAP_PAGES = 1024;
  private static final int MAX_PAGES = 96;

  /** One step: kind, which object (0/1), two numbers and a data seed. */
  record Op(int kind, int obj, int a, int b, int seed) {}

  @Provide
  Arbitrary<Op> op() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 8),
            Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, MAX_PAGES * PAGE - 1),
            Arbitraries.integers().between(1, 3 * PAGE),
            Arbitraries.integers())
        .as(Op::new);
  }

  @Property(tries = 60)
  void aobjsMatchTheModelUnderMemoryPressure(
      @ForAll @Size(min = 20, max = 50) List<@From("op") Op> ops) throws IOException {
    Path dir = Files.createTempDirectory("uvm4j-aobjmodel");
    VmFixture m = new VmFixture(RAM_PAGES * PAGE);
    SwapPager pager = SwapPager.attach(m.uvm);
    PageDaemon daemon = PageDaemon.attach(m.uvm, pager);
    SwapArea[] area = {
      pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), SWAP_PAGES * PAGE, false), 0)
    };
    try {
      Aobj[] objs = {Aobj.create(m.uvm, "a", 0), Aobj.create(m.uvm, "b", 0)};
      byte[][] model = {new byte[0], new byte[0]};
      Vmspace vm = m.newSpace();
      long[] va = new long[2];
      for (int i = 0; i < 2; i++) {
        va[i] =
            vm.mmap(
                MapRequest.anon((long) MAX_PAGES * PAGE, Prot.RW)
                    .withObject(objs[i], 0)
                    .withShared(true));
      }
      for (Op op : ops) {
        step(m, pager, daemon, area, dir, objs, model, vm, va, op);
        daemon.check();
        m.audit();
        SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList(), m.uvm.swapObjects().objects());
      }
      for (int i = 0; i < 2; i++) {
        byte[] got = new byte[model[i].length];
        assertThat(objs[i].read(0, got, 0, got.length)).isZero();
        assertThat(got).as("object %d at the end", i).isEqualTo(model[i]);
      }
      m.exit(vm);
      objs[0].detach();
      objs[1].detach();
      m.exitAllAndCheck();
      SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList(), m.uvm.swapObjects().objects());
      assertThat(m.exp().swpginuse).isEqualTo(m.exp().swpgbad);
    } catch (UvmException e) {
      throw new AssertionError(e);
    } finally {
      pager.swap().close();
    }
  }

  private static void step(
      VmFixture m,
      SwapPager pager,
      PageDaemon daemon,
      SwapArea[] area,
      Path dir,
      Aobj[] objs,
      byte[][] model,
      Vmspace vm,
      long[] va,
      Op op)
      throws IOException {
    Aobj a = objs[op.obj()];
    byte[] cur = model[op.obj()];
    int off = op.a();
    switch (op.kind()) {
      case 0, 1 -> { // write
        int len = Math.min(op.b(), MAX_PAGES * PAGE - off);
        byte[] data = new byte[len];
        new java.util.Random(op.seed()).nextBytes(data);
        assertThat(a.write(off, data, 0, len)).as("write").isZero();
        if (off + len > cur.length) {
          cur = Arrays.copyOf(cur, off + len);
        }
        System.arraycopy(data, 0, cur, off, len);
        model[op.obj()] = cur;
      }
      case 2 -> { // read
        int start = cur.length == 0 ? 0 : off % cur.length;
        int len = Math.min(op.b(), cur.length - start);
        byte[] got = new byte[len];
        assertThat(a.read(start, got, 0, len)).as("read").isZero();
        assertThat(got).isEqualTo(Arrays.copyOfRange(cur, start, start + len));
      }
      case 3 -> { // truncate
        int size = op.b() % 2 == 0 ? off / 2 : off;
        assertThat(a.truncate(size)).isZero();
        model[op.obj()] = Arrays.copyOf(cur, size);
      }
      case 4 -> { // punch a hole: uao_put(PGO_FREE) over whole pages
        int from = off / PAGE;
        int to = Math.min(MAX_PAGES, from + 1 + op.b() / PAGE);
        assertThat(a.put((long) from * PAGE, (long) to * PAGE, Aobj.PGO_FREE)).isZero();
        int zeroEnd = Math.min(cur.length, to * PAGE);
        if (from * PAGE < zeroEnd) {
          Arrays.fill(cur, from * PAGE, zeroEnd, (byte) 0);
        }
      }
      case 5 -> { // store through the shared mapping
        long addr = va[op.obj()] + off;
        byte v = (byte) op.seed();
        if (off < roundUp(cur.length)) {
          VmFixture.assertPoke(vm, addr, v & 0xff);
          if (off >= cur.length) {
            // inside the last page but past the end: the store is in RAM, not in the file's size
            return;
          }
          cur[off] = v;
        } else {
          assertThat(VmFixture.touch(vm, addr, Prot.WRITE)).isEqualTo(FaultResult.BUS);
        }
      }
      case 6 -> { // load through the shared mapping
        long addr = va[op.obj()] + off;
        if (off < cur.length) {
          VmFixture.assertPeek(vm, addr, cur[off] & 0xff);
        } else if (off >= roundUp(cur.length)) {
          assertThat(VmFixture.touch(vm, addr, Prot.READ)).isEqualTo(FaultResult.BUS);
        }
      }
      case 7 -> { // memory pressure
        a.put(0, (long) MAX_PAGES * PAGE, Aobj.PGO_DEACTIVATE);
        daemon.reclaim();
      }
      default -> { // swap-off (ENOMEM allowed: RAM too small) and a new device
        int error = pager.swap().swapOff(area[0]);
        if (error == 0) {
          area[0] =
              pager
                  .swap()
                  .swapOn(
                      FileSwapDevice.open(
                          dir.resolve("swap" + System.nanoTime()), SWAP_PAGES * PAGE, false),
                      0);
        }
      }
    }
  }

  private static long roundUp(long n) {
    return (n + PAGE - 1) & ~(long) (PAGE - 1);
  }
}
