package org.uvm4j.uvm.obj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

class FileObjectTest {
  private static final int P = PhysMem.PAGE_SIZE;

  private Uvm uvm;
  private byte[] bytes;

  @BeforeEach
  void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(64 * P));
    bytes = new byte[2 * P + 100]; // two full pages and a partial one
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 251 + 1);
    }
  }

  private byte[] contents(VmPage pg) {
    byte[] out = new byte[P];
    uvm.physMem().read(pg, 0, out, 0, P);
    return out;
  }

  @Test
  void pagesAreReadOnDemandAndCached() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    int free = uvm.physMem().freeCount();
    assertThat(obj.size()).isEqualTo(bytes.length);
    assertThat(obj.residentPages()).isZero();

    VmPage p1 = obj.getPage(P);
    assertThat(uvm.physMem().freeCount()).isEqualTo(free - 1);
    assertThat(p1.object).isSameAs(obj);
    assertThat(p1.offset).isEqualTo(P);
    assertThat(p1.flags & (VmPage.PG_BUSY | VmPage.PG_FAKE)).isZero();
    assertThat(p1.flags & VmPage.PG_CLEAN).isNotZero();
    byte[] want = new byte[P];
    System.arraycopy(bytes, P, want, 0, P);
    assertThat(contents(p1)).isEqualTo(want);

    assertThat(obj.getPage(P)).isSameAs(p1);
    assertThat(uvm.physMem().freeCount()).isEqualTo(free - 1);
    assertThat(obj.residentPages()).isEqualTo(1);
    assertThat(uvm.exp().fltget).isEqualTo(1);
    assertThat(uvm.exp().fltlget).isEqualTo(1);
    assertThat(uvm.exp().filepages).isEqualTo(1);
  }

  @Test
  void theTailOfTheLastPageAndPagesPastTheEndAreZero() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    VmPage last = obj.getPage(2L * P);
    byte[] got = contents(last);
    for (int i = 0; i < P; i++) {
      assertThat(got[i]).isEqualTo(i < 100 ? bytes[2 * P + i] : 0);
    }
    VmPage past = obj.getPage(10L * P);
    assertThat(contents(past)).containsOnly(0);
    assertThat(obj.getPage(10L * P)).isSameAs(past);
    assertThat(obj.residentPages()).isEqualTo(2);
  }

  @Test
  void frameReusedFromOldContentsIsFullyOverwritten() {
    // dirty every free frame first so that a missing zero-fill would show
    PhysMem pm = uvm.physMem();
    byte[] junk = new byte[P];
    java.util.Arrays.fill(junk, (byte) 0x5a);
    VmPage pg;
    java.util.List<VmPage> all = new java.util.ArrayList<>();
    while ((pg = pm.alloc()) != null) {
      pm.write(pg, 0, junk, 0, P);
      all.add(pg);
    }
    all.forEach(pm::free);
    FileObject obj = new FileObject(uvm, "test", bytes);
    byte[] got = contents(obj.getPage(2L * P));
    assertThat(got[99]).isEqualTo(bytes[2 * P + 99]);
    assertThat(got[100]).isZero();
    assertThat(got[P - 1]).isZero();
  }

  @Test
  void lastDetachRemovesMappingsAndFreesPages() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    int free = uvm.physMem().freeCount();
    obj.reference(); // a second user
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    VmPage p0 = obj.getPage(0);
    VmPage p9 = obj.getPage(9L * P);
    pmap.enter(0x400000, p0, Prot.READ, false);
    pmap.enter(0x409000, p9, Prot.READ, false);

    obj.detach();
    assertThat(obj.refs()).isEqualTo(1);
    assertThat(pmap.extract(0x400000)).isSameAs(p0);

    obj.detach();
    assertThat(obj.refs()).isZero();
    assertThat(pmap.extract(0x400000)).isNull();
    assertThat(pmap.extract(0x409000)).isNull();
    assertThat(p0.isFree()).isTrue();
    assertThat(p9.isFree()).isTrue();
    assertThat(uvm.physMem().freeCount()).isEqualTo(free);
    assertThat(uvm.exp().filepages).isZero();
    assertThat(obj.residentPages()).isZero();
    pmap.check();
    uvm.check();
    assertThatThrownBy(() -> obj.getPage(0)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(obj::detach).isInstanceOf(UvmPanic.class);
  }

  @Test
  void concurrentReadersGetTheSamePages() throws Exception {
    FileObject obj = new FileObject(uvm, "test", bytes);
    int free = uvm.physMem().freeCount();
    VmPage[][] seen = new VmPage[2][8];
    Thread[] readers = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int me = t;
      readers[t] =
          new Thread(
              () -> {
                for (int round = 0; round < 200; round++) {
                  for (int i = 0; i < 8; i++) {
                    VmPage pg = obj.getPage((long) i * P);
                    if (seen[me][i] == null) {
                      seen[me][i] = pg;
                    } else if (seen[me][i] != pg) {
                      throw new AssertionError("page " + i + " changed");
                    }
                  }
                }
              });
      readers[t].start();
    }
    for (Thread r : readers) {
      r.join();
    }
    assertThat(seen[0]).containsExactly(seen[1]);
    assertThat(obj.residentPages()).isEqualTo(8);
    assertThat(uvm.physMem().freeCount()).isEqualTo(free - 8);
    uvm.check();
  }

  @Test
  void noFreeFrameGivesNull() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    while (uvm.physMem().alloc() != null) {
      // exhaust memory
    }
    assertThat(obj.getPage(0)).isNull();
    assertThat(obj.residentPages()).isZero();
  }

  @Test
  void contentsAreCopiedAtCreation() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    bytes[0] = 99;
    assertThat(contents(obj.getPage(0))[0]).isEqualTo((byte) 1);
  }

  @Test
  void openReadsAFileAndNamesAMissingOne(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("prog");
    Files.write(f, bytes);
    FileObject obj = FileObject.open(uvm, f);
    assertThat(obj.size()).isEqualTo(bytes.length);
    assertThat(contents(obj.getPage(0))[5]).isEqualTo(bytes[5]);
    assertThatThrownBy(() -> FileObject.open(uvm, dir.resolve("missing")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void badOffsetsPanic() {
    FileObject obj = new FileObject(uvm, "test", bytes);
    assertThatThrownBy(() -> obj.getPage(100)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> obj.getPage(-P)).isInstanceOf(UvmPanic.class);
  }
}
