package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The random steps the model-based property tests drive a {@link VmModel} with, and their dispatch:
 * a step's {@code kind} (0..99) picks an operation by weight from a {@link Mix}, and its other
 * fields are interpreted by that operation against the current state. {@code VmModelProperties} and
 * {@code SwapModelProperties} differ only in their mix (and the swap test's page-daemon runs).
 */
public final class ModelSteps {
  private ModelSteps() {}

  /** One random step; its fields are interpreted against the current state. */
  public record Step(int kind, int a, int b, int c, int d) {}

  /** Random steps: {@code kind} in [0, 100), {@code a..c} in [0, 2^20], {@code d} in [0, 255]. */
  public static Arbitrary<Step> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 255))
        .as(Step::new);
  }

  /** One operation a step can run; returns what it did, for failure messages. */
  @FunctionalInterface
  public interface Op {
    String run(VmModel model, Step s);
  }

  public static final Op MAP = (m, s) -> m.map(s.a(), s.b(), s.c(), s.d());
  public static final Op WRITE = (m, s) -> m.write(s.a(), s.b(), s.c(), s.d());
  public static final Op READ = (m, s) -> m.read(s.a(), s.b(), s.c());
  public static final Op FORK = (m, s) -> m.fork(s.a());
  public static final Op EXIT = (m, s) -> m.exit(s.a());
  public static final Op THREAD = (m, s) -> m.thread(s.a());
  public static final Op MUNMAP = (m, s) -> m.munmap(s.a(), s.b(), s.c());
  public static final Op MPROTECT = (m, s) -> m.mprotect(s.a(), s.b(), s.c(), s.d());
  public static final Op MINHERIT = (m, s) -> m.minherit(s.a(), s.b(), s.c(), s.d());
  public static final Op WIRE = (m, s) -> m.wire(s.a(), s.b(), s.c(), s.d());
  public static final Op REMAP = (m, s) -> m.remap(s.a(), s.b(), s.c(), s.d());

  /** Starts a mix; add operations in dispatch order with {@link Mix#then}. */
  public static Mix mix() {
    return new Mix(List.of(), List.of());
  }

  /**
   * A weighted choice of operations: a step of kind {@code k} runs the first operation whose
   * cumulative weight exceeds {@code k}. The weights must add up to 100.
   */
  public record Mix(List<Integer> bounds, List<Op> ops) {
    /** This mix with {@code op} after the others, chosen for {@code weight} of 100 kinds. */
    public Mix then(int weight, Op op) {
      if (weight <= 0) {
        throw new IllegalArgumentException("weight must be positive: " + weight);
      }
      List<Integer> b = new ArrayList<>(bounds);
      List<Op> o = new ArrayList<>(ops);
      b.add(total() + weight);
      o.add(op);
      return new Mix(List.copyOf(b), List.copyOf(o));
    }

    private int total() {
      return bounds.isEmpty() ? 0 : bounds.get(bounds.size() - 1);
    }

    /** Runs the operation step {@code s} picks on {@code model}. */
    public String run(VmModel model, Step s) {
      if (total() != 100) {
        throw new IllegalStateException("the weights add up to " + total() + ", not 100");
      }
      for (int i = 0; i < bounds.size(); i++) {
        if (s.kind() < bounds.get(i)) {
          return ops.get(i).run(model, s);
        }
      }
      throw new IllegalArgumentException("step kind out of range: " + s.kind());
    }
  }
}
