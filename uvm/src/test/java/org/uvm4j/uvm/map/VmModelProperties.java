package org.uvm4j.uvm.map;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.map.ModelSteps.Step;

/**
 * Model-based property test of the whole VM system: random programs over several processes (map
 * private/shared anonymous memory, read, write, fork, threads sharing a process's vmspace (a
 * reference, as uvmspace_share; a step by one thread changes what all see), exit of a thread or a
 * process, munmap of arbitrary sub-ranges, mprotect, minherit, mlock/munlock, mremap in every mode;
 * private and shared mappings of a file too) run against the naive {@link VmModel}. Every read must
 * return the model's bytes, every forbidden access must fault, the system audit must pass after
 * every step, and every frame must be free once all processes exit.
 */
class VmModelProperties {
  private static final VmModel.Config CONFIG =
      new VmModel.Config(
          40, new int[] {Prot.RW, Prot.RW, Prot.READ, Prot.NONE, Prot.RW}, true, true);

  /** How often each operation comes, out of 100 steps. */
  private static final ModelSteps.Mix MIX =
      ModelSteps.mix()
          .then(14, ModelSteps.MAP)
          .then(22, ModelSteps.WRITE)
          .then(17, ModelSteps.READ)
          .then(5, ModelSteps.FORK)
          .then(3, ModelSteps.THREAD)
          .then(4, ModelSteps.EXIT)
          .then(8, ModelSteps.MUNMAP)
          .then(7, ModelSteps.MPROTECT)
          .then(6, ModelSteps.MINHERIT)
          .then(7, ModelSteps.WIRE)
          .then(7, ModelSteps.REMAP);

  @Provide
  Arbitrary<Step> step() {
    return ModelSteps.steps();
  }

  @Property
  void vmSystemMatchesModel(@ForAll @Size(min = 50, max = 60) List<@From("step") Step> steps) {
    VmFixture m = new VmFixture(2L << 20);
    VmModel model = new VmModel(m, CONFIG);
    int n = 0;
    for (Step s : steps) {
      n++;
      String what = MIX.run(model, s);
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
}
