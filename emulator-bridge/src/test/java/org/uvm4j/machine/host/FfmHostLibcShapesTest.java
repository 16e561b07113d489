package org.uvm4j.machine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The FFM host libc links one shape for every call but {@code open} (the linker's per-shape classes
 * are the start-up cost it exists to cut; docs/benchmarks.md, start-up): all six-word, errno
 * captured. Runs on the compiled FFM class by reflection; skipped, saying why, without it.
 */
class FfmHostLibcShapesTest {
  @Test
  void everyCallButOpenHasTheOneCapturingSixWordShape() throws Exception {
    String why = HostLibcs.ffmUnavailableReason();
    assumeTrue(why == null, () -> "FFM host libc unavailable: " + why);
    Map<String, MethodType> types = new TreeMap<>();
    for (String group : new String[] {"Pages", "Stats", "Opens"}) {
      for (Field f : Class.forName(HostLibcs.FFM_CLASS + "$" + group).getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == MethodHandle.class) {
          f.setAccessible(true);
          types.put(f.getName(), ((MethodHandle) f.get(null)).type());
        }
      }
    }
    assertThat(types.keySet())
        .containsExactly("CLOSE", "LSTAT", "MADVISE", "MMAP", "MPROTECT", "MUNMAP", "OPEN", "STAT");
    // the tests compile for Java 17, which has no java.lang.foreign
    Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
    MethodType six =
        MethodType.methodType(
            long.class,
            segment,
            long.class,
            long.class,
            long.class,
            long.class,
            long.class,
            long.class);
    types.forEach(
        (name, type) -> {
          if (!name.equals("OPEN")) {
            assertThat(type).as(name).isEqualTo(six);
          }
        });
    assertThat(types.get("OPEN"))
        .isEqualTo(MethodType.methodType(long.class, segment, long.class, long.class, long.class));
  }
}
