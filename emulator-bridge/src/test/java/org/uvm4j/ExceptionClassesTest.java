package org.uvm4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmPanic;

/**
 * Exception classes declare no static methods that other classes can call. HotSpot's C2 never
 * inlines a method of a {@code Throwable} class into code of another class ("exception method" in
 * {@code bytecodeInfo.cpp}), so a helper such as a KASSERT written as a static method of the
 * exception it throws turns each call site into a real call: {@code UvmPanic.check} did, on every
 * amap and fault path, and {@code amap_add} + {@code amap_unadd} took 25 ns instead of 8
 * (docs/benchmarks.md). Checked over the main classes of both modules (uvm's and
 * emulator-bridge's), and over a planted helper that must break the rule.
 */
class ExceptionClassesTest {
  static final ArchRule NO_STATIC_METHODS_IN_EXCEPTIONS =
      methods()
          .that()
          .areDeclaredInClassesThat()
          .areAssignableTo(Throwable.class)
          .and()
          .doNotHaveModifier(JavaModifier.SYNTHETIC)
          .and()
          .areNotPrivate() // an exception's own helpers (a message built for its constructor)
          .should()
          .notBeStatic()
          .allowEmptyShould(true)
          .because("C2 does not inline a Throwable class's methods into other classes' code");

  @Test
  void exceptionClassesOfBothModulesHaveNoStaticMethods() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.uvm4j");
    assertThat(main.contain(UvmPanic.class)).as("uvm's classes imported").isTrue();
    assertThat(main.contain(org.uvm4j.kernel.ExecException.class))
        .as("emulator-bridge's classes imported")
        .isTrue();
    NO_STATIC_METHODS_IN_EXCEPTIONS.check(main);
  }

  @Test
  void kassertIsNotAnExceptionClass() {
    assertThat(Throwable.class.isAssignableFrom(Kassert.class)).isFalse();
  }

  /** A planted KASSERT on its exception class, the shape the rule forbids. */
  static final class PlantedPanic extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlantedPanic(String message) {
      super(message);
    }

    static void check(boolean condition, String what) {
      if (!condition) {
        throw new PlantedPanic(what);
      }
    }
  }

  @Test
  void aPlantedStaticCheckOnAnExceptionBreaksTheRule() {
    PlantedPanic.check(true, "the planted helper runs");
    EvaluationResult r =
        NO_STATIC_METHODS_IN_EXCEPTIONS.evaluate(
            new ClassFileImporter().importClasses(PlantedPanic.class));
    assertThat(r.hasViolation()).isTrue();
    assertThat(r.getFailureReport().getDetails())
        .anySatisfy(d -> assertThat(d).contains("PlantedPanic.check(boolean, java.lang.String)"));
  }
}
