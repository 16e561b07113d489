package org.uvm4j.kernel;

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
import org.uvm4j.kernellayeringfixture.core.FixtureKernel;
import org.uvm4j.kernellayeringfixture.syscall.FixtureHandler;

/**
 * The layering of the kernel and the CLI (docs/design.md, "Layering"), bottom to top: {@code
 * kernel.bitmap}, then {@code kernel.fs}, {@code kernel.elf} and {@code kernel.mempolicy}, then
 * {@code kernel} (processes, scheduler, signals, exec, the run loop), then {@code kernel.syscall}
 * (the syscall edge), then the Java API ({@code api}), then {@code cli}. Checked over the main
 * classes; the same rules over a test-only fixture with a planted upward import must fail.
 */
class KernelLayeringTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.uvm4j.kernel", "org.uvm4j.api", "org.uvm4j.cli");
  }

  /**
   * The layer table: {@code kernelBase} holds bitmap (at the bottom), fs, elf, mempolicy, the core,
   * syscall and the tools above the syscall edge (strace, gdb); the Java API, then cli on top.
   */
  static LayeredArchitecture layering(
      String kernelBase, String core, String apiPackage, String cliPackage) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("bitmap")
        .definedBy(kernelBase + ".bitmap..")
        .layer("fs")
        .definedBy(kernelBase + ".fs..")
        .layer("elf")
        .definedBy(kernelBase + ".elf..")
        .layer("mempolicy")
        .definedBy(kernelBase + ".mempolicy..")
        .layer("kernel")
        .definedBy(core)
        .layer("syscall")
        .definedBy(kernelBase + ".syscall..")
        .layer("tools")
        .definedBy(kernelBase + ".strace..", kernelBase + ".gdb..")
        .layer("api")
        .definedBy(apiPackage + "..")
        .layer("cli")
        .definedBy(cliPackage + "..")
        .whereLayer("bitmap")
        .mayOnlyBeAccessedByLayers(
            "fs", "elf", "mempolicy", "kernel", "syscall", "tools", "api", "cli")
        .whereLayer("bitmap")
        .mayNotAccessAnyLayer()
        .whereLayer("fs")
        .mayOnlyBeAccessedByLayers("kernel", "syscall", "tools", "api", "cli")
        .whereLayer("elf")
        .mayOnlyBeAccessedByLayers("kernel", "syscall", "tools", "api", "cli")
        .whereLayer("mempolicy")
        .mayOnlyBeAccessedByLayers("kernel", "syscall", "tools", "api", "cli")
        .whereLayer("kernel")
        .mayOnlyBeAccessedByLayers("syscall", "tools", "api", "cli")
        .whereLayer("syscall")
        .mayOnlyBeAccessedByLayers("tools", "api", "cli")
        .whereLayer("tools")
        .mayOnlyBeAccessedByLayers("api", "cli")
        .whereLayer("api")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer();
  }

  static SliceRule noCycles(String base) {
    return slices().matching(base + ".(**)").should().beFreeOfCycles();
  }

  @Test
  void kernelPackagesAreLayeredWithTheApiAndCliOnTop() {
    layering("org.uvm4j.kernel", "org.uvm4j.kernel", "org.uvm4j.api", "org.uvm4j.cli").check(main);
  }

  @Test
  void noImportCyclesAmongKernelApiAndCliPackages() {
    // main holds exactly the kernel, api and cli packages: one slice per package
    noCycles("org.uvm4j").check(main);
    noCycles("org.uvm4j.kernel").check(main);
  }

  /** The fixture plants kernel -> syscall (an upward import): both rules must catch it. */
  @Test
  void aPlantedUpwardImportFailsBothRules() {
    assertThat(FixtureKernel.class).isNotNull();
    assertThat(FixtureHandler.class).isNotNull();
    JavaClasses fixture = new ClassFileImporter().importPackages("org.uvm4j.kernellayeringfixture");
    String base = "org.uvm4j.kernellayeringfixture";
    assertThat(
            layering(base, base + ".core..", base + ".api", base + ".cli")
                .evaluate(fixture)
                .hasViolation())
        .as("layering rule over the planted upward import")
        .isTrue();
    assertThat(noCycles(base).evaluate(fixture).hasViolation())
        .as("cycle rule over the planted cycle")
        .isTrue();
  }
}
