package org.uvm4j.uvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error convention of the {@code uvm} module (docs/design.md, Conventions): an operation
 * without a result returns an {@code int} errno (0 or a positive {@link Errno} value); one with a
 * result that can fail throws the checked {@link UvmException}. No negative errno, no boxed
 * null-on-error result, no {@code int[]} error out-parameter. This test reads the main sources and
 * their classes, so a method that breaks the rule fails it.
 */
class ErrorConventionTest {
  private static final Path MAIN = Path.of("src/main/java/org/uvm4j/uvm");

  /** A negated errno constant: {@code -Errno.EINVAL}, {@code -(Errno.EFAULT)}. */
  private static final Pattern NEGATIVE_ERRNO = Pattern.compile("-\\s*\\(?\\s*Errno\\.");

  /**
   * Public methods whose {@code int[]} parameters are data, not error out-parameters: the ppref
   * array of uvm_amap.c's pp_getreflen/pp_setreflen and its decoded counts.
   */
  private static final Set<String> INT_ARRAY_DATA =
      Set.of("Ppref.ref", "Ppref.len", "Ppref.set", "Ppref.counts", "Ppref.encode");

  @Test
  void noMainSourceNegatesAnErrno() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files = sources();
    assertThat(files)
        .as("uvm main sources found from %s", MAIN.toAbsolutePath())
        .hasSizeGreaterThan(50);
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        String code = stripComment(lines.get(i));
        if (NEGATIVE_ERRNO.matcher(code).find()) {
          found.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertThat(found).as("negative errno in uvm (return a positive errno instead)").isEmpty();
  }

  @Test
  void negativeErrnoPatternFindsTheFormsItLooksFor() {
    assertThat(NEGATIVE_ERRNO.matcher("return -Errno.EINVAL;").find()).isTrue();
    assertThat(NEGATIVE_ERRNO.matcher("return -(Errno.EFAULT);").find()).isTrue();
    assertThat(NEGATIVE_ERRNO.matcher("return Errno.EINVAL;").find()).isFalse();
    assertThat(stripComment("x(); // was -Errno.EINVAL")).doesNotContain("Errno");
  }

  @Test
  void publicMethodsUseNoBoxedResultNoErrOutParamAndThrowOnlyWithAResult() throws Exception {
    List<String> bad = new ArrayList<>();
    List<Class<?>> classes = mainClasses();
    assertThat(classes).hasSizeGreaterThan(50);
    for (Class<?> c : classes) {
      if (!Modifier.isPublic(c.getModifiers())) {
        continue;
      }
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()) {
          continue;
        }
        String name = c.getSimpleName() + "." + m.getName();
        Class<?> r = m.getReturnType();
        if (r == Long.class || r == Integer.class) {
          bad.add(name + " returns a boxed " + r.getSimpleName());
        }
        for (Class<?> p : m.getParameterTypes()) {
          if (p == int[].class && !INT_ARRAY_DATA.contains(name)) {
            bad.add(name + " takes an int[] (error out-parameter?)");
          }
        }
        boolean throwsUvm = List.of(m.getExceptionTypes()).contains(UvmException.class);
        if (throwsUvm && r == void.class) {
          bad.add(name + " throws UvmException without a result (return an int errno)");
        }
      }
    }
    assertThat(bad).as("uvm error convention").isEmpty();
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static List<Class<?>> mainClasses() throws IOException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    for (Path f : sources()) {
      String rel = MAIN.relativize(f).toString().replace('\\', '/');
      if (rel.endsWith("package-info.java")) {
        continue;
      }
      String name = "org.uvm4j.uvm." + rel.substring(0, rel.length() - 5).replace('/', '.');
      out.add(Class.forName(name, false, ErrorConventionTest.class.getClassLoader()));
    }
    return out;
  }

  private static String stripComment(String line) {
    String t = line.trim();
    if (t.startsWith("*") || t.startsWith("/*")) {
      return "";
    }
    int c = line.indexOf("//");
    return c >= 0 ? line.substring(0, c) : line;
  }
}
