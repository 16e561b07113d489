package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel's error convention (docs/design.md, "Errors"): below the syscall edge an operation
 * without a result returns a positive errno (0 = success) and one with a result returns it or
 * throws {@link org.uvm4j.uvm.UvmException}; only the edge ({@code kernel.syscall} and {@link
 * SyscallLayer}) makes Linux's negative value. Checked on the sources (no negated errno below the
 * edge) and on the classes (no boxed results that are null on error, no out-parameters).
 */
class KernelErrnoConventionTest {
  static final Path MAIN = Path.of("src/main/java/org/uvm4j/kernel").toAbsolutePath();

  /** A negated errno constant or a negated errno() value. */
  static final Pattern NEGATED = Pattern.compile("-\\s*(Errno\\.[A-Z]|\\w+\\.errno\\(\\))");

  /** The source files of the kernel below the syscall edge. */
  static List<Path> belowTheEdge() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.startsWith(MAIN.resolve("syscall")))
          .filter(p -> !p.getFileName().toString().equals("SyscallLayer.java"))
          .sorted()
          .toList();
    }
  }

  /** "file:line: text" of every negated errno in {@code src} (comments included: keep them out). */
  static List<String> negations(String name, String src) {
    List<String> out = new ArrayList<>();
    String[] lines = src.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = NEGATED.matcher(lines[i]);
      if (m.find()) {
        out.add(name + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    return out;
  }

  @Test
  void noNegatedErrnoBelowTheSyscallEdge() throws IOException {
    List<Path> files = belowTheEdge();
    assertThat(files).as("kernel sources found under %s", MAIN).hasSizeGreaterThan(20);
    List<String> bad = new ArrayList<>();
    for (Path f : files) {
      bad.addAll(
          negations(MAIN.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8)));
    }
    assertThat(bad)
        .as(
            "negative errnos below the syscall edge (return a positive errno or throw UvmException)")
        .isEmpty();
  }

  @Test
  void theScanFindsAPlantedNegation() {
    assertThat(negations("X.java", "int a;\n    return -Errno.EBADF;\n")).hasSize(1);
    assertThat(negations("X.java", "return - e.errno();")).hasSize(1);
    assertThat(negations("X.java", "return Errno.EBADF;\nthrow new UvmException(Errno.EIO);"))
        .isEmpty();
  }

  @Test
  void noBoxedResultsOrOutParametersInTheKernel() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.uvm4j.kernel");
    List<String> bad = new ArrayList<>();
    for (JavaClass c : classes) {
      for (JavaCodeUnit m : c.getCodeUnits()) {
        if (m.isMethod()) {
          String ret = m.getRawReturnType().getName();
          if (ret.equals(Long.class.getName()) || ret.equals(Integer.class.getName())) {
            bad.add(m.getFullName() + " returns a boxed " + ret + " (null on error?)");
          }
        }
        for (JavaClass t : m.getRawParameterTypes()) {
          if (t.getName().equals("[I")) {
            bad.add(m.getFullName() + " takes an int[] (an errno out-parameter?)");
          }
        }
      }
    }
    assertThat(bad).as("methods breaking the kernel's error convention").isEmpty();
  }
}
