package org.uvm4j.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * Where an option's value lives, given as two lambdas: picocli's programmatic API reads and writes
 * it through this instead of through reflection on annotated fields.
 *
 * <p>Why not annotations: a cold parse of {@code run}'s command line took 100–135 ms with the model
 * built from annotated fields (annotation parsing, reflective accessors, the method scan for
 * subcommands) and 50–70 ms with a model of its size built through the programmatic API (one JVM
 * per measurement; docs/benchmarks.md, start-up). Each options class declares its options next to
 * the fields they set ({@code addTo(CommandSpec)}).
 *
 * @param <V> the value's type, as the option declares it ({@code type(...)})
 */
final class Binding<V> implements IGetter, ISetter {
  private final Supplier<V> get;
  private final Consumer<V> set;

  private Binding(Supplier<V> get, Consumer<V> set) {
    this.get = get;
    this.set = set;
  }

  /** A binding that reads with {@code get} and writes with {@code set}. */
  static <V> Binding<V> of(Supplier<V> get, Consumer<V> set) {
    return new Binding<>(get, set);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get() {
    return (T) get.get();
  }

  /** Writes {@code value} (of the option's declared type) and returns the previous value. */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T set(T value) {
    T old = (T) get.get();
    set.accept((V) value);
    return old;
  }
}
