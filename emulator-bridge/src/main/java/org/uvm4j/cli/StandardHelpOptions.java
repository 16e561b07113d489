package org.uvm4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli's standard {@code -h, --help} and {@code -V, --version} options, declared through the
 * programmatic API: the same mixin, under the same key, with the same options (names, help texts,
 * description keys, labels) as {@code CommandSpec.mixinStandardHelpOptions(true)} adds, so usage
 * help, parsing and error messages are unchanged.
 *
 * <p>Why not {@code mixinStandardHelpOptions(true)}: it builds the mixin from picocli's annotated
 * {@code AutoHelpMixin} class by reflection, and reading those annotations generates four proxy
 * classes at every start ({@code -Xlog:class+load} shows them as {@code __dynamic_proxy__}: the AOT
 * cache cannot keep them), on the main thread of every run (docs/benchmarks.md, start-up).
 */
final class StandardHelpOptions {
  /** The mixin's name, picocli's {@code AutoHelpMixin.KEY}: {@code CommandSpec} looks it up. */
  static final String KEY = "mixinStandardHelpOptions";

  private StandardHelpOptions() {}

  /** Adds {@code -h, --help} and {@code -V, --version} to {@code spec}, after its other options. */
  static void addTo(CommandSpec spec) {
    CommandSpec mixin = CommandSpec.create();
    mixin.addOption(
        flag(
                new String[] {"${picocli.help.name.0:--h}", "${picocli.help.name.1:---help}"},
                "helpRequested",
                "mixinStandardHelpOptions.help",
                "Show this help message and exit.")
            .usageHelp(true)
            .build());
    mixin.addOption(
        flag(
                new String[] {
                  "${picocli.version.name.0:--V}", "${picocli.version.name.1:---version}"
                },
                "versionRequested",
                "mixinStandardHelpOptions.version",
                "Print version information and exit.")
            .versionHelp(true)
            .build());
    spec.addMixin(KEY, mixin);
  }

  /** A boolean flag as picocli declares one from a {@code private boolean FIELD} annotated. */
  private static OptionSpec.Builder flag(
      String[] names, String field, String descriptionKey, String description) {
    boolean[] value = {false};
    Binding<Boolean> binding = Binding.of(() -> value[0], v -> value[0] = v);
    return OptionSpec.builder(names)
        .type(boolean.class)
        .paramLabel("<" + field + ">")
        // what the annotated field's option calls itself (picocli's messages may name it so)
        .withToString("field boolean picocli.CommandLine$AutoHelpMixin." + field)
        .getter(binding)
        .setter(binding)
        .initialValue(false)
        .descriptionKey(descriptionKey)
        .description(description);
  }
}
