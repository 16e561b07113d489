package org.uvm4j.uvm;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.uvm4j.layeringfixture.amap.FixtureAnon;
import org.uvm4j.layeringfixture.system.FixtureUvm;

/**
 * The package layering of the {@code uvm} module (docs/design.md, "Layering"), bottom to top, as
 * ArchUnit rules over the main classes: every package imports only the layers beneath it that the
 * table allows, and no two packages depend on each other. The same rules, evaluated over a small
 * test-only fixture ({@code org.uvm4j.layeringfixture}) that plants an upward import, must fail.
 */
class LayeringTest {
  static final String UVM = "org.uvm4j.uvm";
  static final String FIXTURE = "org.uvm4j.layeringfixture";

  /** The layers bottom to top: name, and the layers it may use (design.md says why). */
  static final List<Layer> LAYERS =
      List.of(
          new Layer("vocabulary"),
          new Layer("page", "vocabulary"),
          new Layer("pmap", "vocabulary", "page"),
          new Layer("amap", "vocabulary", "page"),
          new Layer("system", "vocabulary", "page", "pmap", "amap"),
          new Layer("obj", "vocabulary", "page", "pmap", "system"),
          new Layer("swap", "vocabulary", "page", "amap", "system"),
          new Layer("map", "vocabulary", "page", "pmap", "amap", "obj", "system"),
          new Layer("fault", "vocabulary", "page", "pmap", "amap", "obj", "system", "map"),
          new Layer("pdaemon", "vocabulary", "page", "pmap", "amap", "system", "swap", "map"),
          new Layer("audit", "vocabulary", "page", "pmap", "amap", "obj", "system", "map"),
          new Layer(
              "trace",
              "vocabulary",
              "page",
              "pmap",
              "amap",
              "obj",
              "system",
              "swap",
              "map",
              "fault"));

  /**
   * A layer: the package {@code base.name} and its subpackages (the root package for vocabulary).
   */
  record Layer(String name, String... mayUse) {
    String packages(String base) {
      return name.equals("vocabulary") ? base : base + "." + name + "..";
    }
  }

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(UVM);
  }

  /** The layering rule over the packages under {@code base}, exactly as for the uvm module. */
  static LayeredArchitecture layering(String base) {
    LayeredArchitecture rule =
        layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
    for (Layer l : LAYERS) {
      rule = rule.layer(l.name()).definedBy(l.packages(base));
    }
    for (Layer l : LAYERS) {
      rule =
          l.mayUse().length == 0
              ? rule.whereLayer(l.name()).mayNotAccessAnyLayer()
              : rule.whereLayer(l.name()).mayOnlyAccessLayers(l.mayUse());
    }
    return rule;
  }

  /** No two packages under {@code base} depend on each other, directly or through others. */
  static SliceRule noCycles(String base) {
    return slices().matching(base + ".(*)..").should().beFreeOfCycles();
  }

  // Dependencies that still break the layering on main while other work removes them. Each one is
  // named and excluded exactly (origin package -> target package); the goal is an empty list.

  /** A dependency of the classes in {@code origin} on those in {@code target} (uvm packages). */
  record Exclusion(String origin, String target, String why) {}

  static final List<Exclusion> EXCLUSIONS =
      List.of(
          // Uvm holds the Tracer the lower layers report to: issue 9 item 4, helper `fault`.
          new Exclusion("system", "trace", "Uvm.tracer() (fault)"),
          // Vmspace reports map operations to the Tracer: helper `fault`.
          new Exclusion("map", "trace", "Vmspace -> Tracer (fault)"),
          // SwapPager reports page-ins and page-outs to the Tracer: helper `fault`.
          new Exclusion("swap", "trace", "SwapPager -> Tracer (fault)"),
          // PageDaemon reports its runs to the Tracer: helper `fault`.
          new Exclusion("pdaemon", "trace", "PageDaemon -> Tracer (fault)"),
          // Vmspace holds and creates its FaultHandler, copyin/wiring call it and read FaultResult:
          // the map layer needs a narrow fault interface of its own (see design.md, "Layering").
          new Exclusion("map", "fault", "Vmspace/GuestAccess/Wiring -> FaultHandler, FaultResult"));

  /** Applies the temporary exclusions (none once the work named on each is done). */
  static LayeredArchitecture withExclusions(LayeredArchitecture rule) {
    for (Exclusion e : EXCLUSIONS) {
      rule =
          rule.ignoreDependency(
              resideInAPackage(UVM + "." + e.origin() + ".."),
              resideInAPackage(UVM + "." + e.target() + ".."));
    }
    return rule;
  }

  static SliceRule withExclusions(SliceRule rule) {
    for (Exclusion e : EXCLUSIONS) {
      rule =
          rule.ignoreDependency(
              resideInAPackage(UVM + "." + e.origin() + ".."),
              resideInAPackage(UVM + "." + e.target() + ".."));
    }
    return rule;
  }

  /** Every exclusion still excuses a dependency that exists: a stale one must be deleted. */
  @Test
  void everyExclusionIsStillNeeded() {
    for (Exclusion e : EXCLUSIONS) {
      boolean used =
          main.that(resideInAPackage(UVM + "." + e.origin() + "..")).stream()
              .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
              .anyMatch(
                  d -> d.getTargetClass().getPackageName().startsWith(UVM + "." + e.target()));
      assertThat(used)
          .as("exclusion %s -> %s (%s) is stale", e.origin(), e.target(), e.why())
          .isTrue();
    }
  }

  @Test
  void uvmPackagesKeepTheirLayers() {
    withExclusions(layering(UVM).ensureAllClassesAreContainedInArchitecture()).check(main);
  }

  @Test
  void uvmPackagesHaveNoCycles() {
    withExclusions(noCycles(UVM)).check(main);
  }

  @Test
  void everyLayerHasClasses() {
    for (Layer l : LAYERS) {
      String pkg = l.packages(UVM);
      assertThat(main.that(resideInAPackage(pkg)))
          .as("classes of layer %s (%s)", l.name(), pkg)
          .isNotEmpty();
    }
  }

  @Test
  void aPlantedUpwardImportBreaksTheLayering() {
    JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
    EvaluationResult result = layering(FIXTURE).evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    String report = result.getFailureReport().toString();
    assertThat(report).contains("FixturePmap").contains("FixtureUvm"); // pmap -> system
    assertThat(report).contains("FixturePage").contains("FixtureAnon"); // page -> amap
  }

  @Test
  void aPlantedUpwardImportMakesACycle() {
    JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
    EvaluationResult result = noCycles(FIXTURE).evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("pmap").contains("system");
  }

  @Test
  void theFixtureWithoutItsUpwardImportsKeepsTheLayering() {
    // only the downward halves: system -> pmap and amap -> page are allowed
    JavaClasses downward =
        new ClassFileImporter().importClasses(FixtureUvm.class, FixtureAnon.class);

    assertThat(layering(FIXTURE).evaluate(downward).hasViolation()).isFalse();
    assertThat(noCycles(FIXTURE).evaluate(downward).hasViolation()).isFalse();
  }
}
