package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.swap.SwapFixture.pattern;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.page.VmPage;

/** swap_off through the amap list: success, ENOMEM (RAM too small), EBUSY (slots unaccounted). */
class SwapOffTest {
  @TempDir Path dir;

  private static List<Anon> swappedOut(SwapFixture fx, int n, int firstTag) {
    List<Anon> anons = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      anons.add(fx.dirtyAnon(firstTag + i));
    }
    fx.deactivateAll();
    fx.daemon.run();
    for (Anon a : anons) {
      assertThat(a.page).isNull();
    }
    return anons;
  }

  @Test
  void swapOffPagesEveryAnonBackInAndRemovesTheDevice() throws IOException {
    try (SwapFixture fx = new SwapFixture(dir, 32, 64, 2, 31)) {
      List<Anon> anons = swappedOut(fx, 12, 0);
      Amap amap = fx.amapOf(anons.toArray(new Anon[0]));

      assertThat(fx.swap.swapOff(fx.sdp)).isZero();

      for (int i = 0; i < anons.size(); i++) {
        Anon a = anons.get(i);
        assertThat(a.page).isNotNull();
        assertThat(a.swslot).isZero();
        assertThat(a.page.flags & VmPage.PG_CLEAN).as("RAM holds the only copy").isZero();
        assertThat(fx.contents(a)).isEqualTo(pattern(i));
      }
      assertThat(fx.swap.devices()).isEmpty();
      assertThat(fx.uvm.exp().swpages).isZero();
      assertThat(fx.uvm.exp().swpginuse).isZero();
      assertThat(fx.uvm.exp().swpgonly).isZero();
      assertThat(dir.resolve("swap0")).as("the file uvm4j created is removed").doesNotExist();
      amap.unref(0, anons.size(), true);
      fx.uvm.check();
    }
  }

  @Test
  void swapOffFailsWithEnomemWhenRamCannotHoldThePagesAndKeepsEverything() throws IOException {
    try (SwapFixture fx = new SwapFixture(dir, 16, 64, 4, 15)) {
      List<Anon> anons = swappedOut(fx, 10, 0);
      Amap amap = fx.amapOf(anons.toArray(new Anon[0]));
      List<Anon> pinned = new ArrayList<>();
      while (fx.free() > 5) {
        Anon p = fx.dirtyAnon(100 + pinned.size());
        fx.uvm.pageWire(p.page);
        pinned.add(p);
      }

      assertThat(fx.swap.swapOff(fx.sdp)).isEqualTo(Errno.ENOMEM);
      assertThat(fx.free())
          .as("swap-off leaves the min watermark free")
          .isGreaterThanOrEqualTo((int) fx.daemon.minWatermark());

      assertThat(fx.swap.devices()).containsExactly(fx.sdp);
      assertThat(fx.uvm.exp().swpgavail).as("device enabled again").isEqualTo(64);
      int resident = 0;
      for (int i = 0; i < anons.size(); i++) {
        Anon a = anons.get(i);
        if (a.page != null) {
          resident++;
          assertThat(a.swslot).isZero();
        } else {
          assertThat(fx.swap.isAllocated(a.swslot)).isTrue();
        }
      }
      assertThat(resident).isBetween(1, 9);
      for (int i = 0; i < anons.size(); i++) {
        if (anons.get(i).page == null) {
          assertThat(fx.swap.isAllocated(anons.get(i).swslot)).isTrue();
        }
      }
      for (Anon p : pinned) {
        fx.uvm.pageUnwire(p.page);
        p.ref = 0;
        p.free(fx.uvm);
      }
      // with memory back, a second swap-off succeeds and nothing was lost
      assertThat(fx.swap.swapOff(fx.sdp)).isZero();
      for (int i = 0; i < anons.size(); i++) {
        assertThat(fx.contents(anons.get(i))).isEqualTo(pattern(i));
      }
      amap.unref(0, anons.size(), true);
      fx.uvm.check();
    }
  }

  @Test
  void swapOffFailsWithEbusyWhenASlotBelongsToNoAmap() throws IOException {
    try (SwapFixture fx = new SwapFixture(dir, 32, 64, 2, 31)) {
      List<Anon> anons = swappedOut(fx, 3, 0);
      Amap amap = fx.amapOf(anons.get(0), anons.get(1)); // the third is in no amap

      assertThat(fx.swap.swapOff(fx.sdp)).isEqualTo(Errno.EBUSY);

      assertThat(fx.swap.devices()).containsExactly(fx.sdp);
      assertThat(anons.get(0).page).isNotNull();
      assertThat(anons.get(2).page).isNull();
      assertThat(fx.pagein(anons.get(2))).as("its data is still readable").isZero();
      assertThat(fx.contents(anons.get(2))).isEqualTo(pattern(2));
      amap.unref(0, 2, true);
      fx.uvm.check();
    }
  }
}
