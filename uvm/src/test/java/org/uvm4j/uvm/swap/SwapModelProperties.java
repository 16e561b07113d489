package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.map.ModelSteps;
import org.uvm4j.uvm.map.ModelSteps.Step;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.VmModel;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/**
 * The VM-system model test ({@link VmModel}: every process owns a byte array per page, copied in
 * full at fork, shared pages one array for all sharers) on a machine whose RAM is far smaller than
 * the working set, with page-daemon runs interleaved with the random steps. Every read must return
 * the model's bytes; after every step the system audit and the swap audit (every allocated slot
 * belongs to exactly one live anon or is bad, swap-only accounting exact) must pass; after all
 * processes exit every frame is free and no swap slot is left.
 */
class SwapModelProperties {
  private static final long PAGE = VmFixture.PAGE;
  private static final int RAM_PAGES = 40;
  private static final int SWAP_PAGES = 1024;

  /** Anonymous memory only, at most 48 pages a process, addresses always on mapped pages. */
  private static final VmModel.Config CONFIG =
      new VmModel.Config(48, new int[] {Prot.RW, Prot.RW, Prot.RW, Prot.READ}, false, false);

  @Provide
  Arbitrary<Step> step() {
    return ModelSteps.steps();
  }

  @Property(tries = 150)
  void vmSystemWithSwapMatchesModel(
      @ForAll @Size(min = 60, max = 80) List<@From("step") Step> steps) throws IOException {
    Path dir = Files.createTempDirectory("uvm4j-swapmodel");
    VmFixture m = new VmFixture(RAM_PAGES * PAGE);
    SwapPager pager = SwapPager.attach(m.uvm);
    PageDaemon daemon = PageDaemon.attach(m.uvm, pager);
    try {
      pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), SWAP_PAGES * PAGE, false), 0);
      VmModel model = new VmModel(m, CONFIG);
      ModelSteps.Mix mix =
          ModelSteps.mix()
              .then(15, ModelSteps.MAP)
              .then(27, ModelSteps.WRITE)
              .then(20, ModelSteps.READ)
              .then(6, ModelSteps.FORK)
              .then(3, ModelSteps.EXIT)
              .then(7, ModelSteps.MUNMAP)
              .then(6, ModelSteps.MPROTECT)
              .then(16, (unused, s) -> pageDaemon(m, daemon, s));
      int n = 0;
      for (Step s : steps) {
        n++;
        String what = mix.run(model, s);
        try {
          m.audit();
          SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
          daemon.check();
        } catch (RuntimeException e) {
          throw new AssertionError("audit after step " + n + " (" + what + ")", e);
        }
      }
      model.checkAllPages();
      Statistics.label("paged out").collect(m.exp().pgswapout > 0);
      Statistics.label("paged in").collect(m.exp().pageins > 0);
      model.exitAll();
      SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
      assertThat(m.exp().swpginuse).as("no slot left after every process exited").isZero();
      assertThat(m.exp().swpgonly).isZero();
      SystemAudit.checkAllFreed(m.uvm, m.initialFree);
    } finally {
      pager.swap().close();
      Files.deleteIfExists(dir.resolve("swap"));
      Files.delete(dir);
    }
    // the working set must really go through swap in most programs
    Statistics.label("paged out").coverage(c -> c.check(true).percentage(pct -> pct >= 90));
    Statistics.label("paged in").coverage(c -> c.check(true).percentage(pct -> pct >= 75));
  }

  /** A page-daemon run, sometimes with a target of (almost) all of RAM. */
  private static String pageDaemon(VmFixture m, PageDaemon daemon, Step s) {
    long targ = m.exp().freetarg;
    boolean aggressive = (s.d() & 1) != 0;
    if (aggressive) {
      m.exp().freetarg = m.uvm.physMem().frameCount() - 1;
    }
    try {
      daemon.run();
    } finally {
      m.exp().freetarg = targ;
    }
    return aggressive ? "page daemon (all)" : "page daemon";
  }
}
