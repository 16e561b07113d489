package org.uvm4j.cli;

import picocli.CommandLine.Model.OptionSpec;

/** Option declarations for picocli's programmatic API, bound through {@link Binding}s. */
final class Options {
  private Options() {}

  /**
   * An option named {@code name} of type {@code type} (a {@code boolean} one is a flag), read and
   * written through {@code binding}, whose value now is the option's initial value (what a run
   * without the option sees, as with an annotated field's initialiser); the caller adds the label,
   * converter and so on, then builds.
   */
  static OptionSpec.Builder option(
      String name, Class<?> type, Binding<?> binding, String description) {
    return OptionSpec.builder(name)
        .type(type)
        .getter(binding)
        .setter(binding)
        .initialValue(binding.get())
        .description(description);
  }
}
