package org.uvm4j.uvm.trace;

import java.util.List;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.fault.FaultInfo;
import org.uvm4j.uvm.fault.FaultSnapshot;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.VmMapEntry;

/**
 * The trace record of one uvm_fault: the trace header (sequence, virtual and wall time, pid), the
 * faulting instruction's pc, the fault's cost, and the fault itself — the immutable {@link
 * FaultSnapshot} of the handler's {@link FaultInfo} view (the one model of a fault: this record
 * adds only what the handler cannot know). The case, the outcome and the kind of amap copy are
 * derived from it in the trace vocabulary ({@link FaultPath}, {@link Outcome}, {@link AmapCopy}).
 *
 * <p>Immutable: made by the {@link Tracer} only while tracing is on; a sink may keep it. Fields
 * that do not apply hold -1 (ids, frame, slot) and are left out of the written record.
 *
 * @param pc program counter of the faulting instruction (0 when the kernel faulted in copyin or
 *     copyout)
 * @param costNanos host nanoseconds the fault took (not reproducible)
 * @param fault what the fault did
 */
public record FaultRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    long pc,
    long costNanos,
    FaultSnapshot fault)
    implements TraceRecord {
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

  @Override
  public RecordType type() {
    return RecordType.FAULT;
  }

  /** The faulting virtual address. */
  public long va() {
    return fault.va();
  }

  /** True if a map entry covered the address. */
  public boolean hasEntry() {
    return fault.entryStart() >= 0;
  }

  /** The case taken, in trace terms. */
  public FaultPath path() {
    return FaultPath.of(fault.faultCase());
  }

  /** How the fault ended, in trace terms. */
  public Outcome outcome() {
    return Outcome.of(fault.result());
  }

  /** What amap_copy did during the fault ({@link AmapCopy#NONE} if it did not run). */
  public AmapCopy amapCopy() {
    if (!fault.amapCopied() || fault.amapId() < 0) {
      return AmapCopy.NONE;
    }
    int before = fault.amapBeforeCopy();
    return before < 0 ? AmapCopy.NEW : before == fault.amapId() ? AmapCopy.TAKEOVER : AmapCopy.COPY;
  }

  /** The anon the fault created (1B, 2B, zero fill), or -1. */
  public int newAnonId() {
    FaultPath p = path();
    return p == FaultPath.ANON_COW || p == FaultPath.OBJECT_COW || p == FaultPath.ZERO_FILL
        ? fault.anonId()
        : -1;
  }

  @Override
  public boolean hasAddress() {
    return true;
  }

  @Override
  public long lowAddress() {
    return fault.va();
  }

  @Override
  public long highAddress() {
    return fault.va() + 1;
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
    FaultPath path = path();
    Outcome outcome = outcome();
    return switch (kind) {
      case "fault" -> true;
      case "1A", "1B", "2A", "2B", "zero" -> path.label().equals(kind);
      case "anon" -> path == FaultPath.ANON || path == FaultPath.ANON_COW;
      case "object" -> path == FaultPath.OBJECT || path == FaultPath.OBJECT_COW;
      case "cow" -> path == FaultPath.ANON_COW || path == FaultPath.OBJECT_COW;
      case "amap_copy" -> amapCopy() != AmapCopy.NONE;
      case "takeover" -> amapCopy() == AmapCopy.TAKEOVER;
      case "pagein" -> fault.pagedIn();
      case "neighbours" -> fault.neighbours() > 0;
      case "wire" -> fault.wire();
      case "failed" -> outcome != Outcome.RESOLVED;
      case "segv" -> outcome == Outcome.SEGV_MAPERR || outcome == Outcome.SEGV_ACCERR;
      default -> outcome.label().equals(kind);
    };
  }

  @Override
  public void fields(FieldSink out) {
    FaultSnapshot f = fault;
    FaultPath path = path();
    out.hex("pc", pc);
    out.hex("va", f.va());
    out.text("access", accessLabel(f.access()));
    out.flag("wire", f.wire());
    if (hasEntry()) {
      out.hex("entry_start", f.entryStart());
      out.hex("entry_end", f.entryEnd());
      out.text("entry_prot", protLabel(f.entryProt()));
      out.text("entry_maxprot", protLabel(f.entryMaxProt()));
      out.text("entry_inherit", inheritanceLabel(f.entryInheritance()));
      out.text("entry_flags", entryFlagsLabel(f.entryFlags(), f.entryWiredCount()));
    }
    out.text("layer", path.layer());
    out.text("case", path.label());
    out.text("amap_copy", amapCopy().label());
    out.flag("pagein", f.pagedIn());
    out.number("neighbours", f.neighbours());
    if (f.amapId() >= 0) {
      out.number("amap_id", f.amapId());
      out.number("amap_slot", f.amapSlot());
      out.number("amap_ref", f.amapRef());
      out.flag("amap_shared", f.amapShared());
    }
    if (f.foundAnonId() >= 0) {
      out.number("anon_id", f.foundAnonId());
      out.number("anon_ref_before", f.anonRefBefore());
      out.number("anon_ref_after", f.anonRefAfter());
    }
    if (newAnonId() >= 0) {
      out.number("new_anon_id", newAnonId());
    }
    if (f.frame() >= 0) {
      out.number("frame", f.frame());
      out.text("enter_prot", protLabel(f.enterProt()));
    }
    out.text("outcome", outcome().label());
    out.number("memory_waits", f.memoryWaits());
    out.number("refaults", f.refaults());
    out.number("cost_ns", costNanos);
  }

  /**
   * The path the fault took, in words, step by step: the entry found, amap_copy, the amap slot and
   * anon, pagein, the case, the new anon, the frame entered, the neighbours, the outcome. For log
   * lines and the Chrome {@code args.path}; allocates (tracing is on).
   */
  public String describePath() {
    FaultSnapshot f = fault;
    StringBuilder b = new StringBuilder(160);
    if (!hasEntry()) {
      b.append("no entry");
    } else {
      b.append("entry ")
          .append(Hex.of(f.entryStart()))
          .append('-')
          .append(Hex.of(f.entryEnd()))
          .append(' ')
          .append(Prot.toString(f.entryProt()))
          .append(' ')
          .append(inheritanceLabel(f.entryInheritance()));
      String flags = entryFlagsLabel(f.entryFlags(), f.entryWiredCount());
      if (!flags.isEmpty()) {
        b.append(' ').append(flags);
      }
    }
    if (amapCopy() != AmapCopy.NONE) {
      b.append(" > amap_copy ").append(amapCopy().label());
    }
    if (f.amapId() >= 0) {
      b.append(" > amap ").append(f.amapId()).append(" slot ").append(f.amapSlot());
      b.append(" ref ").append(f.amapRef()).append(f.amapShared() ? " shared" : "");
    }
    if (f.foundAnonId() >= 0) {
      b.append(" > anon ").append(f.foundAnonId());
      b.append(" ref ").append(f.anonRefBefore()).append("->").append(f.anonRefAfter());
    }
    if (f.pagedIn()) {
      b.append(" > pagein");
    }
    FaultPath path = path();
    if (path != FaultPath.NONE) {
      b.append(" > case ").append(path.label()).append(' ').append(path.title());
    }
    if (newAnonId() >= 0) {
      b.append(" > new anon ").append(newAnonId());
    }
    if (f.frame() >= 0) {
      b.append(" > pmap_enter frame ")
          .append(f.frame())
          .append(' ')
          .append(Prot.toString(f.enterProt()));
    }
    if (f.neighbours() > 0) {
      b.append(" +").append(f.neighbours()).append(" neighbours");
    }
    b.append(" > ").append(outcome().label());
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
