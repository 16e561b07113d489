package org.uvm4j.uvm.trace;

import java.util.List;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.VmMapEntry;

/**
 * The trace record of one uvm_fault: where (pid, pc, address, access), the map entry found, the
 * path taken (needs-copy resolution, pagein, case 1A/1B/2A/2B/zero, neighbours), the amap and anon
 * involved, the frame mapped, the outcome and the cost.
 *
 * <p>Mutable and reused: the {@link Tracer} owns one and refills it for every fault, so a traced
 * fault allocates no record. A sink must read it during {@link TraceSink#write} and {@link #copy()}
 * it to keep it. Fields that do not apply hold -1 (ids, frame, slot) and are left out of the
 * written record.
 */
public final class FaultRecord implements TraceRecord {
  /** Every name {@link #isKind} accepts, for filter validation and the documentation. */
  public static final List<String> KINDS =
      List.of(
          "fault",
          "1A",
          "1B",
          "2A",
          "2B",
          "zero",
          "anon",
          "object",
          "cow",
          "amap_copy",
          "takeover",
          "pagein",
          "neighbours",
          "wire",
          "resolved",
          "failed",
          "segv",
          "segv_maperr",
          "segv_accerr",
          "sigbus",
          "oom");

  long seq;
  long vtime;
  long wallNanos;
  int pid;
  long pc;
  long va;
  int access;
  boolean wire;

  long entryStart = -1;
  long entryEnd = -1;
  int entryProt;
  int entryMaxProt;
  Inheritance entryInheritance;
  int entryFlags;
  int entryWiredCount;

  FaultPath path = FaultPath.NONE;
  AmapCopy amapCopy = AmapCopy.NONE;
  boolean pagedIn;
  int neighbours;

  int amapId = -1;
  int amapSlot = -1;
  int amapRef;
  boolean amapShared;

  int anonId = -1;
  int anonRefBefore;
  int anonRefAfter;
  int newAnonId = -1;

  int frame = -1;
  int enterProt;
  Outcome outcome = Outcome.RESOLVED;
  int memoryWaits;
  int refaults;
  long costNanos;

  /** Clears everything but the header, for the next fault. */
  void clear() {
    pc = 0;
    va = 0;
    access = 0;
    wire = false;
    entryStart = -1;
    entryEnd = -1;
    entryProt = 0;
    entryMaxProt = 0;
    entryInheritance = null;
    entryFlags = 0;
    entryWiredCount = 0;
    path = FaultPath.NONE;
    amapCopy = AmapCopy.NONE;
    pagedIn = false;
    neighbours = 0;
    amapId = -1;
    amapSlot = -1;
    amapRef = 0;
    amapShared = false;
    anonId = -1;
    anonRefBefore = 0;
    anonRefAfter = 0;
    newAnonId = -1;
    frame = -1;
    enterProt = 0;
    outcome = Outcome.RESOLVED;
    memoryWaits = 0;
    refaults = 0;
    costNanos = 0;
  }

  /** An independent copy (for sinks that keep records). */
  public FaultRecord copy() {
    FaultRecord c = new FaultRecord();
    c.seq = seq;
    c.vtime = vtime;
    c.wallNanos = wallNanos;
    c.pid = pid;
    c.pc = pc;
    c.va = va;
    c.access = access;
    c.wire = wire;
    c.entryStart = entryStart;
    c.entryEnd = entryEnd;
    c.entryProt = entryProt;
    c.entryMaxProt = entryMaxProt;
    c.entryInheritance = entryInheritance;
    c.entryFlags = entryFlags;
    c.entryWiredCount = entryWiredCount;
    c.path = path;
    c.amapCopy = amapCopy;
    c.pagedIn = pagedIn;
    c.neighbours = neighbours;
    c.amapId = amapId;
    c.amapSlot = amapSlot;
    c.amapRef = amapRef;
    c.amapShared = amapShared;
    c.anonId = anonId;
    c.anonRefBefore = anonRefBefore;
    c.anonRefAfter = anonRefAfter;
    c.newAnonId = newAnonId;
    c.frame = frame;
    c.enterProt = enterProt;
    c.outcome = outcome;
    c.memoryWaits = memoryWaits;
    c.refaults = refaults;
    c.costNanos = costNanos;
    return c;
  }

  @Override
  public RecordType type() {
    return RecordType.FAULT;
  }

  @Override
  public long seq() {
    return seq;
  }

  @Override
  public long vtime() {
    return vtime;
  }

  @Override
  public long wallNanos() {
    return wallNanos;
  }

  @Override
  public int pid() {
    return pid;
  }

  /** Program counter of the faulting instruction (0 when the kernel faulted in copyin/copyout). */
  public long pc() {
    return pc;
  }

  /** The faulting virtual address. */
  public long va() {
    return va;
  }

  /** {@link Prot#READ}, {@link Prot#WRITE} or {@link Prot#EXEC}. */
  public int access() {
    return access;
  }

  public boolean wire() {
    return wire;
  }

  /** True if a map entry covered the address. */
  public boolean hasEntry() {
    return entryStart >= 0;
  }

  public long entryStart() {
    return entryStart;
  }

  public long entryEnd() {
    return entryEnd;
  }

  public int entryProt() {
    return entryProt;
  }

  public int entryMaxProt() {
    return entryMaxProt;
  }

  public Inheritance entryInheritance() {
    return entryInheritance;
  }

  /** The entry's {@code etype} bits ({@link VmMapEntry#COPYONWRITE} …) as found by the fault. */
  public int entryFlags() {
    return entryFlags;
  }

  public int entryWiredCount() {
    return entryWiredCount;
  }

  public FaultPath path() {
    return path;
  }

  public AmapCopy amapCopy() {
    return amapCopy;
  }

  public boolean pagedIn() {
    return pagedIn;
  }

  public int neighbours() {
    return neighbours;
  }

  public int amapId() {
    return amapId;
  }

  public int amapSlot() {
    return amapSlot;
  }

  public int amapRef() {
    return amapRef;
  }

  public boolean amapShared() {
    return amapShared;
  }

  /** The anon found at the faulting slot before the fault, or -1. */
  public int anonId() {
    return anonId;
  }

  public int anonRefBefore() {
    return anonRefBefore;
  }

  public int anonRefAfter() {
    return anonRefAfter;
  }

  /** The anon the fault created (1B, 2B, zero fill), or -1. */
  public int newAnonId() {
    return newAnonId;
  }

  public int frame() {
    return frame;
  }

  public int enterProt() {
    return enterProt;
  }

  public Outcome outcome() {
    return outcome;
  }

  public int memoryWaits() {
    return memoryWaits;
  }

  public int refaults() {
    return refaults;
  }

  /** Host nanoseconds the fault took (not reproducible). */
  public long costNanos() {
    return costNanos;
  }

  @Override
  public boolean hasAddress() {
    return true;
  }

  @Override
  public long lowAddress() {
    return va;
  }

  @Override
  public long highAddress() {
    return va + 1;
  }

  /**
   * True if {@code kind} describes this fault: {@code fault}; its case ({@code 1A 1B 2A 2B zero});
   * {@code anon} (1A or 1B), {@code object} (2A or 2B), {@code cow} (1B or 2B); {@code amap_copy}
   * (any needs-copy resolution) or {@code takeover}; {@code pagein}; {@code neighbours} (pages
   * mapped around it); {@code wire}; its outcome ({@code resolved}, {@code segv_maperr}, {@code
   * segv_accerr}, {@code sigbus}, {@code oom}), {@code segv} (either SEGV) or {@code failed} (not
   * resolved).
   */
  @Override
  public boolean isKind(String kind) {
    return switch (kind) {
      case "fault" -> true;
      case "1A", "1B", "2A", "2B", "zero" -> path.label().equals(kind);
      case "anon" -> path == FaultPath.ANON || path == FaultPath.ANON_COW;
      case "object" -> path == FaultPath.OBJECT || path == FaultPath.OBJECT_COW;
      case "cow" -> path == FaultPath.ANON_COW || path == FaultPath.OBJECT_COW;
      case "amap_copy" -> amapCopy != AmapCopy.NONE;
      case "takeover" -> amapCopy == AmapCopy.TAKEOVER;
      case "pagein" -> pagedIn;
      case "neighbours" -> neighbours > 0;
      case "wire" -> wire;
      case "failed" -> outcome != Outcome.RESOLVED;
      case "segv" -> outcome == Outcome.SEGV_MAPERR || outcome == Outcome.SEGV_ACCERR;
      default -> outcome.label().equals(kind);
    };
  }

  @Override
  public void fields(FieldSink out) {
    out.hex("pc", pc);
    out.hex("va", va);
    out.text("access", accessLabel(access));
    out.flag("wire", wire);
    if (hasEntry()) {
      out.hex("entry_start", entryStart);
      out.hex("entry_end", entryEnd);
      out.text("entry_prot", protLabel(entryProt));
      out.text("entry_maxprot", protLabel(entryMaxProt));
      out.text("entry_inherit", inheritanceLabel(entryInheritance));
      out.text("entry_flags", entryFlagsLabel(entryFlags, entryWiredCount));
    }
    out.text("layer", path.layer());
    out.text("case", path.label());
    out.text("amap_copy", amapCopy.label());
    out.flag("pagein", pagedIn);
    out.number("neighbours", neighbours);
    if (amapId >= 0) {
      out.number("amap_id", amapId);
      out.number("amap_slot", amapSlot);
      out.number("amap_ref", amapRef);
      out.flag("amap_shared", amapShared);
    }
    if (anonId >= 0) {
      out.number("anon_id", anonId);
      out.number("anon_ref_before", anonRefBefore);
      out.number("anon_ref_after", anonRefAfter);
    }
    if (newAnonId >= 0) {
      out.number("new_anon_id", newAnonId);
    }
    if (frame >= 0) {
      out.number("frame", frame);
      out.text("enter_prot", protLabel(enterProt));
    }
    out.text("outcome", outcome.label());
    out.number("memory_waits", memoryWaits);
    out.number("refaults", refaults);
    out.number("cost_ns", costNanos);
  }

  /**
   * The path the fault took, in words, step by step: the entry found, amap_copy, the amap slot and
   * anon, pagein, the case, the new anon, the frame entered, the neighbours, the outcome. For log
   * lines and the Chrome {@code args.path}; allocates (tracing is on).
   */
  public String describePath() {
    StringBuilder b = new StringBuilder(160);
    if (!hasEntry()) {
      b.append("no entry");
    } else {
      b.append("entry ")
          .append(Hex.of(entryStart))
          .append('-')
          .append(Hex.of(entryEnd))
          .append(' ')
          .append(Prot.toString(entryProt))
          .append(' ')
          .append(inheritanceLabel(entryInheritance));
      String flags = entryFlagsLabel(entryFlags, entryWiredCount);
      if (!flags.isEmpty()) {
        b.append(' ').append(flags);
      }
    }
    if (amapCopy != AmapCopy.NONE) {
      b.append(" > amap_copy ").append(amapCopy.label());
    }
    if (amapId >= 0) {
      b.append(" > amap ").append(amapId).append(" slot ").append(amapSlot);
      b.append(" ref ").append(amapRef).append(amapShared ? " shared" : "");
    }
    if (anonId >= 0) {
      b.append(" > anon ").append(anonId);
      b.append(" ref ").append(anonRefBefore).append("->").append(anonRefAfter);
    }
    if (pagedIn) {
      b.append(" > pagein");
    }
    if (path != FaultPath.NONE) {
      b.append(" > case ").append(path.label()).append(' ').append(path.title());
    }
    if (newAnonId >= 0) {
      b.append(" > new anon ").append(newAnonId);
    }
    if (frame >= 0) {
      b.append(" > pmap_enter frame ").append(frame).append(' ').append(Prot.toString(enterProt));
    }
    if (neighbours > 0) {
      b.append(" +").append(neighbours).append(" neighbours");
    }
    b.append(" > ").append(outcome.label());
    return b.toString();
  }

  /** {@code r}, {@code w} or {@code x} (a fault has exactly one access type). */
  static String accessLabel(int access) {
    if ((access & Prot.EXEC) != 0) {
      return "x";
    }
    return (access & Prot.WRITE) != 0 ? "w" : "r";
  }

  private static final String[] PROT_LABELS = new String[8];
  private static final String[] INHERITANCE_LABELS = new String[Inheritance.values().length];

  static {
    for (int p = 0; p < PROT_LABELS.length; p++) {
      PROT_LABELS[p] = Prot.toString(p);
    }
    for (Inheritance inh : Inheritance.values()) {
      INHERITANCE_LABELS[inh.ordinal()] = inh.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code rwx}-style protection, without allocating. */
  static String protLabel(int prot) {
    return PROT_LABELS[prot & Prot.ALL];
  }

  /** {@code share}, {@code copy}, {@code none}, {@code zero}. */
  static String inheritanceLabel(Inheritance inh) {
    return inh == null ? "copy" : INHERITANCE_LABELS[inh.ordinal()];
  }

  /** Flag lists by index (bit 0 obj, 1 cow, 2 needscopy, 3 wired), built once. */
  private static final String[] FLAG_LABELS = new String[16];

  static {
    String[] names = {"obj", "cow", "needscopy", "wired"};
    for (int i = 0; i < FLAG_LABELS.length; i++) {
      StringBuilder b = new StringBuilder();
      for (int bit = 0; bit < names.length; bit++) {
        if ((i & (1 << bit)) != 0) {
          b.append(b.length() == 0 ? "" : ",").append(names[bit]);
        }
      }
      FLAG_LABELS[i] = b.toString();
    }
  }

  /**
   * The entry's flags as a comma-separated list of {@code obj}, {@code cow}, {@code needscopy},
   * {@code wired}, in that order; empty for a plain shared anonymous entry.
   */
  static String entryFlagsLabel(int etype, int wiredCount) {
    int i =
        ((etype & VmMapEntry.OBJ) != 0 ? 1 : 0)
            | ((etype & VmMapEntry.COPYONWRITE) != 0 ? 2 : 0)
            | ((etype & VmMapEntry.NEEDSCOPY) != 0 ? 4 : 0)
            | (wiredCount > 0 ? 8 : 0);
    return FLAG_LABELS[i];
  }
}
