package org.uvm4j.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole project's layering (docs/design.md, "Layering"), over the main classes of every module
 * together: {@code uvm} at the bottom, then the machine ({@code machine..}), the kernel ({@code
 * kernel..}), the Java API ({@code api..}) and the CLI on top, and no import cycle between any two
 * packages of {@code org.uvm4j} (the per-module tests, {@code LayeringTest} and {@code
 * KernelLayeringTest}, check the layers inside each module). The same rules over a test-only
 * fixture with a planted upward import fail.
 */
class ProjectLayeringTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.uvm4j");
  }

  /**
   * The modules' layers under {@code base}: uvm, machine, kernel, api (the Java API and its JUnit
   * extension), cli (bottom to top).
   */
  static LayeredArchitecture layering(String base) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("uvm")
        .definedBy(base + ".uvm..")
        .layer("machine")
        .definedBy(base + ".machine..")
        .layer("kernel")
        .definedBy(base + ".kernel..")
        .layer("api")
        .definedBy(base + ".api..")
        .layer("cli")
        .definedBy(base + ".cli..")
        .whereLayer("uvm")
        .mayOnlyBeAccessedByLayers("machine", "kernel", "api", "cli")
        .whereLayer("machine")
        .mayOnlyBeAccessedByLayers("kernel", "api", "cli")
        .whereLayer("kernel")
        .mayOnlyBeAccessedByLayers("api", "cli")
        .whereLayer("api")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer();
  }

  /** Every package under {@code base} is a slice; none may depend on itself through others. */
  static SliceRule noCycles(String base) {
    return slices().matching(base + ".(**)").should().beFreeOfCycles();
  }

  @Test
  void theMainClassesOfEveryModuleAreThere() {
    // guards against an import that silently found nothing (the rules would then pass vacuously)
    assertThat(main.containPackage("org.uvm4j.uvm.amap")).isTrue();
    assertThat(main.containPackage("org.uvm4j.machine")).isTrue();
    assertThat(main.containPackage("org.uvm4j.kernel.syscall")).isTrue();
    assertThat(main.containPackage("org.uvm4j.cli")).isTrue();
    assertThat(main.containPackage("org.uvm4j.api")).isTrue();
    assertThat(main.containPackage("org.uvm4j.api.junit")).isTrue();
  }

  @Test
  void modulesAreLayeredUvmMachineKernelApiCli() {
    layering("org.uvm4j").check(main);
  }

  @Test
  void noImportCycleBetweenAnyTwoPackages() {
    noCycles("org.uvm4j").check(main);
  }

  @Test
  void aPlantedUpwardImportFailsBothRules() {
    JavaClasses fixture = new ClassFileImporter().importPackages("org.uvm4j.archfixture");
    assertThat(fixture).isNotEmpty();
    assertThat(layering("org.uvm4j.archfixture").evaluate(fixture).hasViolation()).isTrue();
    assertThat(noCycles("org.uvm4j.archfixture").evaluate(fixture).hasViolation()).isTrue();
  }
}
