package org.uvm4j.uvm.map;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Model-based property test of the whole VM system: random programs over several processes (map
 * private/shared anonymous memory, read, write, fork, exit, munmap of arbitrary sub-ranges,
 * mprotect, minherit, mlock/munlock; private and shared mappings of a file too) run against the
 * naive {@link VmModel}. Every read must return the model's bytes, every forbidden access must
 * fault, the system audit must pass after every step, and every frame must be free once all
 * processes exit.
 */
class VmModelProperties {
  private static final VmModel.Config CONFIG =
      new VmModel.Config(
          40, new int[] {Prot.RW, Prot.RW, Prot.READ, Prot.NONE, Prot.RW}, true, true);

  /** One random step; its fields are interpreted against the current state. */
  record Step(int kind, int a, int b, int c, int d) {}

  @Provide
  Arbitrary<Step> step() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers().between(0, 255))
        .as(Step::new);
  }

  @Property
  void vmSystemMatchesModel(@ForAll @Size(min = 50, max = 60) List<@From("step") Step> steps) {
    VmFixture m = new VmFixture(2L << 20);
    VmModel model = new VmModel(m, CONFIG);
    int n = 0;
    for (Step s : steps) {
      n++;
      String what = run(model, s);
      try {
        m.audit();
      } catch (RuntimeException e) {
        throw new AssertionError("audit after step " + n + " (" + what + ")", e);
      }
    }
    model.checkAllPages();
    model.exitAll();
    SystemAudit.checkAllFreed(m.uvm, m.initialFree);
  }

  private static String run(VmModel model, Step s) {
    int k = s.kind();
    if (k < 14) {
      return model.map(s.a(), s.b(), s.c(), s.d());
    } else if (k < 40) {
      return model.write(s.a(), s.b(), s.c(), s.d());
    } else if (k < 60) {
      return model.read(s.a(), s.b(), s.c());
    } else if (k < 67) {
      return model.fork(s.a());
    } else if (k < 71) {
      return model.exit(s.a());
    } else if (k < 80) {
      return model.munmap(s.a(), s.b(), s.c());
    } else if (k < 87) {
      return model.mprotect(s.a(), s.b(), s.c(), s.d());
    } else if (k < 93) {
      return model.minherit(s.a(), s.b(), s.c(), s.d());
    } else {
      return model.wire(s.a(), s.b(), s.c(), s.d());
    }
  }
}
