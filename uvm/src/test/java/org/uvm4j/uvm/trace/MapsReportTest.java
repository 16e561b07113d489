package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;

/** The --maps report: one line per entry with its amap, page counts and sharers. */
class MapsReportTest {
  private static final long PAGE = TraceFixture.PAGE;

  @Test
  void reportShowsEntriesAmapsCountsAndSharers() throws Exception {
    TraceFixture fx = new TraceFixture(new CollectingSink(), TraceFilter.ALL);
    Vmspace parent = fx.vmspace();
    FileObject text = new FileObject(fx.uvm, "/bin/prog", new byte[3 * (int) PAGE]);
    long textVa =
        parent.mmap(MapRequest.anon(3 * PAGE, Prot.RX).withObject(text, 0).fixed(0x400000));
    assertThat(textVa).isEqualTo(0x400000);
    long priv = TraceFixture.mmapAnon(parent, 4);
    long shared = parent.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withShared(true));
    fx.touch(parent, textVa, Prot.EXEC);
    for (int i = 0; i < 4; i++) {
      fx.touch(parent, priv + i * PAGE, Prot.WRITE);
    }
    fx.touch(parent, shared, Prot.WRITE);
    Vmspace child = parent.fork();
    fx.pid = 2;
    fx.touch(child, priv, Prot.WRITE); // amap_copy (the amap had two references), then 1B
    fx.touch(child, priv + PAGE, Prot.READ);

    List<MapsReport.EntryReport> rows =
        MapsReport.entries(child, Map.of(1, parent), e -> e.object == text ? "/bin/prog" : null);
    assertThat(rows)
        .extracting(MapsReport.EntryReport::start)
        .containsExactly(textVa, shared, priv);
    MapsReport.EntryReport t = rows.get(0);
    assertThat(t.perm()).isEqualTo("r-xp");
    assertThat(t.name()).isEqualTo("/bin/prog");
    assertThat(t.amapId()).isEqualTo(-1);
    assertThat(t.ppref()).isEqualTo("-");
    assertThat(t.rss()).as("the child has not touched its text").isZero();

    MapsReport.EntryReport s = rows.get(1);
    assertThat(s.perm()).isEqualTo("rw-s");
    assertThat(s.inherit()).isEqualTo("share");
    assertThat(s.anon()).isEqualTo(1);
    assertThat(s.shared()).as("one anon, one amap: not shared at page level").isZero();
    assertThat(s.sharers()).containsExactly(1);

    MapsReport.EntryReport p = rows.get(2);
    assertThat(p.perm()).isEqualTo("rw-p");
    assertThat(p.name()).isEqualTo("[anon]");
    assertThat(p.anon()).isEqualTo(4);
    assertThat(p.rss())
        .as("the 1B fault mapped its resident neighbours (read-only) too")
        .isEqualTo(4);
    assertThat(p.swap()).isZero();
    assertThat(p.shared()).as("pages 1-3 are still the parent's too").isEqualTo(3);
    assertThat(p.sharers())
        .as("the child copied the amap: no other process references its new one")
        .isEmpty();
    assertThat(p.line())
        .matches(
            String.format(
                "%012x-%012x +rw-p copy +00000000 +\\d+ (none|on) +4 +4 +0 +3 - +\\[anon\\]",
                priv, priv + 4 * PAGE));

    StringBuilder out = new StringBuilder();
    MapsReport.write(out, 2, "prog", "at exit", child, Map.of(1, parent), null);
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).isEqualTo("maps of pid 2 (prog) at exit: 3 entries");
    assertThat(lines[1]).isEqualTo(MapsReport.HEADER);
    assertThat(lines).hasSize(5);
    assertThat(lines[2]).endsWith("[object]");
    child.free();
    parent.free();
  }
}
