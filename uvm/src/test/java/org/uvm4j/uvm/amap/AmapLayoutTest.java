package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;

/**
 * Issue 14 item 4: the object layouts of {@link Anon} and {@link Amap} must not grow. Sizes come
 * from JOL for the running JVM. With compressed references (the default below 32 GiB of heap on JDK
 * 17 and 25 alike; JDK 25's optional compact headers only make objects smaller) an anon is at most
 * 40 B and an amap's fixed part at most 96 B; with uncompressed references (8-byte fields, 16-byte
 * header) the same field lists give at most 56 B and 128 B, which is what is asserted there.
 * Neither holds a separate lock object: the lock is a word in the object itself.
 */
class AmapLayoutTest {
  private static boolean compressedRefs() {
    return VM.current().sizeOfField("java.lang.Object") == 4;
  }

  private static long instanceSize(Class<?> c) {
    return ClassLayout.parseClass(c).instanceSize();
  }

  @Test
  void anAnonIsAtMost40Bytes() {
    long size = instanceSize(Anon.class);
    assertThat(size)
        .as("Anon layout:%n%s", ClassLayout.parseClass(Anon.class).toPrintable())
        .isLessThanOrEqualTo(compressedRefs() ? 40 : 56);
  }

  @Test
  void theFixedPartOfAnAmapIsAtMost96Bytes() {
    long size = instanceSize(Amap.class);
    assertThat(size)
        .as("Amap layout:%n%s", ClassLayout.parseClass(Amap.class).toPrintable())
        .isLessThanOrEqualTo(compressedRefs() ? 96 : 128);
  }

  @Test
  void neitherHoldsALockObject() {
    for (Class<?> c : new Class<?>[] {Anon.class, Amap.class}) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        assertThat(Lock.class.isAssignableFrom(f.getType()))
            .as("%s.%s is a lock object", c.getSimpleName(), f.getName())
            .isFalse();
        assertThat(f.getType())
            .as("%s.%s", c.getSimpleName(), f.getName())
            .isNotEqualTo(Object.class);
      }
    }
  }

  @Test
  void aFreshAnonReachesNoOtherObject() throws IllegalAccessException {
    TestServices svc = new TestServices();
    Anon an = svc.anon();
    // no page, no swap slot, unlocked: every reference field is null, so the anon is one object
    for (Field f : Anon.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
        continue;
      }
      f.setAccessible(true);
      assertThat(f.get(an)).as("Anon.%s of a fresh anon", f.getName()).isNull();
    }
  }
}
