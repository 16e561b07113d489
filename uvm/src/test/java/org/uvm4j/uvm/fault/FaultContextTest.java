package org.uvm4j.uvm.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;

/**
 * The handler's one {@link FaultContext} is reused by every fault: whatever a fault left in it, the
 * next fault must see a context in exactly the state a new handler's would be in. Compared field by
 * field (by reflection, so a field added later and forgotten in the reset fails here too).
 */
class FaultContextTest {
  private VmFixture m;
  private Vmspace vm;
  private long anon;
  private long readOnly;
  private long file;
  private FileObject fileObject;

  @BeforeEach
  void setUp() throws Exception {
    m = new VmFixture();
    vm = m.newSpace();
    ((FaultHandler) vm.faultHandler()).setObserver(info -> {});
    anon = m.mapAnon(vm, 16, Prot.RW, false);
    readOnly = m.mapAnon(vm, 1, Prot.READ, false);
    fileObject = new FileObject(m.uvm, new byte[2 * (int) PAGE]);
    file = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withObject(fileObject, 0));
  }

  @AfterEach
  void tearDown() {
    fileObject.detach();
    m.audit();
    m.exitAllAndCheck();
  }

  /** A fault that fills much of the context: amap_copy, promotions, neighbours, a wiring. */
  private Consumer<FaultHandler> previous(String kind) {
    return h -> {
      switch (kind) {
        case "zero" ->
            assertThat(h.fault(vm, anon + 5 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
        case "neighbours" -> {
          for (int i = 0; i < 16; i++) {
            assertPoke(vm, anon + i * PAGE, i);
          }
          vm.pmap().remove(anon, anon + 16 * PAGE);
          assertThat(h.fault(vm, anon + 8 * PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
          assertThat(h.lastInfo().neighbours()).isPositive();
        }
        case "cow" -> {
          assertPoke(vm, anon, 1);
          Vmspace child = m.fork(vm);
          assertThat(h.fault(child, anon, Prot.WRITE)).isEqualTo(FaultResult.OK);
          assertThat(h.lastInfo().faultCase()).isEqualTo(FaultCase.ANON_COW);
          assertThat(h.lastInfo().amapCopied()).isTrue();
        }
        case "object" -> {
          assertThat(h.fault(vm, file, Prot.WRITE)).isEqualTo(FaultResult.OK);
          assertThat(h.lastInfo().faultCase()).isEqualTo(FaultCase.OBJECT_COW);
        }
        case "wire" -> assertThat(vm.mlock(anon, 2 * PAGE)).isZero();
        default -> throw new IllegalArgumentException(kind);
      }
    };
  }

  @ParameterizedTest
  @CsvSource({
    "zero, no entry", "zero, refused",
    "neighbours, no entry", "neighbours, refused",
    "cow, no entry", "cow, refused",
    "object, no entry", "object, refused",
    "wire, no entry", "wire, refused"
  })
  void aReusedContextHoldsNothingOfThePreviousFault(String kind, String next) throws Exception {
    FaultHandler reused = ((FaultHandler) vm.faultHandler());
    previous(kind).accept(reused);
    FaultContext ctx = (FaultContext) reused.lastInfo();
    assertThat(ctx.result).isEqualTo(FaultResult.OK);
    assertThat(ctx.page).isNotNull();

    // "no entry" stops at the lookup; "refused" finds an entry but not the access
    long va = next.equals("no entry") ? 0x1000 : readOnly;
    FaultResult expected =
        next.equals("no entry") ? FaultResult.SEGV_MAPERR : FaultResult.SEGV_ACCERR;
    FaultHandler fresh = new FaultHandler(m.uvm);
    fresh.setObserver(info -> {});
    assertThat(reused.fault(vm, va, Prot.WRITE)).isEqualTo(expected);
    assertThat(fresh.fault(vm, va, Prot.WRITE)).isEqualTo(expected);
    assertSameState(ctx, (FaultContext) fresh.lastInfo());
    assertThat(ctx.amapId()).isEqualTo(-1);
    assertThat(ctx.foundAnonId()).isEqualTo(-1);
    assertThat(ctx.frame()).isEqualTo(-1);
    assertThat(ctx.faultCase()).isEqualTo(FaultCase.NONE);
  }

  /** Every field of the two contexts equal (references: the same object), but the start time. */
  private static void assertSameState(FaultContext reused, FaultContext fresh) throws Exception {
    for (Field f : FaultContext.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("startNanos")) {
        continue;
      }
      f.setAccessible(true);
      Object a = f.get(reused);
      Object b = f.get(fresh);
      if (a instanceof Object[] arr) {
        assertThat(arr).as(f.getName()).containsOnlyNulls();
        assertThat(Arrays.equals(arr, (Object[]) b)).as(f.getName()).isTrue();
      } else if (a == null || b == null || f.getType().isEnum() || !f.getType().isPrimitive()) {
        assertThat(a).as(f.getName()).isSameAs(b);
      } else {
        assertThat(a).as(f.getName()).isEqualTo(b);
      }
    }
    assertThat(reused.snapshot())
        .usingRecursiveComparison()
        .ignoringFields("startNanos")
        .isEqualTo(fresh.snapshot());
  }
}
