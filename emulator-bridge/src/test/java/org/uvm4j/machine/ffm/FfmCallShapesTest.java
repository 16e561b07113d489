package org.uvm4j.machine.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * The FFM binding links few call shapes (the start-up cost is per shape, docs/benchmarks.md "Fewer
 * call shapes"): every downcall and every hook is all 64-bit words, downcalls of one arity share a
 * type, and no more shapes appear than the binding's arities need. Runs on the compiled FFM classes
 * by reflection (they exist only on a JDK >= 22); skipped, saying why, without them.
 */
class FfmCallShapesTest {
  @BeforeEach
  void needsFfm() {
    String why = CpuBackends.ffmUnavailableReason();
    assumeTrue(why == null, () -> "FFM binding unavailable: " + why);
  }

  @Test
  void everyDowncallIsAllWordsAndTheDowncallsShareSixTypes() throws Exception {
    List<MethodType> types = new ArrayList<>();
    for (Field f : Class.forName("org.uvm4j.machine.ffm.UcDowncalls").getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == MethodHandle.class) {
        f.setAccessible(true);
        types.add(((MethodHandle) f.get(null)).type());
      }
    }
    assertThat(types).hasSize(18);
    assertThat(types).allSatisfy(FfmCallShapesTest::assertAllWords);
    // arities: 1, 2, 3 and 5, uc_ctl 2 + 2 variadic, uc_hook_add 7 + 1 variadic
    assertThat(arities(types)).containsExactly(1, 2, 3, 4, 5, 8);
  }

  @Test
  void everyHookIsAllWordsAndTheHooksShareFourShapes() throws Exception {
    Class<?> upcall = Class.forName("org.uvm4j.machine.ffm.Upcall");
    Method type = upcall.getDeclaredMethod("type");
    type.setAccessible(true);
    List<MethodType> types = new ArrayList<>();
    for (Object u : upcall.getEnumConstants()) {
      types.add((MethodType) type.invoke(u));
    }
    assertThat(types).hasSize(8).allSatisfy(FfmCallShapesTest::assertAllWords);
    assertThat(arities(types)).containsExactly(2, 3, 4, 5);
    // and each names a method of the backend with exactly that type
    Method method = upcall.getDeclaredMethod("method");
    method.setAccessible(true);
    for (Object u : upcall.getEnumConstants()) {
      MethodType t = (MethodType) type.invoke(u);
      Method target =
          Class.forName("org.uvm4j.machine.ffm.FfmBackend")
              .getDeclaredMethod((String) method.invoke(u), t.parameterArray());
      assertThat(target.getReturnType()).isEqualTo(long.class);
    }
  }

  private static void assertAllWords(MethodType t) {
    assertThat(t.returnType()).isEqualTo(long.class);
    assertThat(t.parameterList()).containsOnly(long.class);
  }

  private static Set<Integer> arities(List<MethodType> types) {
    Set<Integer> arities = new TreeSet<>();
    types.forEach(t -> arities.add(t.parameterCount()));
    return arities;
  }
}
