package org.uvm4j.uvm.trace;

/**
 * One trace record. Every record has the common header ({@link #type}, {@link #seq}, {@link
 * #vtime}, {@link #wallNanos}, {@link #pid}, {@link #tid}); {@link #fields} gives the rest.
 *
 * <p>{@code seq} numbers every record the tracer made, in order, before filtering (a filtered trace
 * has gaps). {@code vtime} is the machine's instructions retired when the record was made, so two
 * runs of one guest agree on it; {@code wallNanos} (nanoseconds since tracing began) does not.
 */
public sealed interface TraceRecord
    permits FaultRecord,
        ForkRecord,
        UnmapRecord,
        ProtectRecord,
        PageIoRecord,
        PdaemonRecord,
        ProcRecord {

  RecordType type();

  /** Sequence number among all records of this tracer (from 1). */
  long seq();

  /** Virtual time: instructions retired by the machine. */
  long vtime();

  /** Wall time: nanoseconds since the tracer started (not reproducible). */
  long wallNanos();

  /** The process the record belongs to; 0 for the page daemon. */
  int pid();

  /** The thread of that process (its pid for a single-threaded process); 0 for the page daemon. */
  int tid();

  /** Writes the type-specific fields (not the header) to {@code out}, in documented order. */
  void fields(FieldSink out);

  /**
   * True if this record names an address range ({@link #lowAddress()} to {@link #highAddress()});
   * address filters apply only to such records.
   */
  default boolean hasAddress() {
    return false;
  }

  /** Lowest address the record concerns (inclusive); meaningful if {@link #hasAddress()}. */
  default long lowAddress() {
    return 0;
  }

  /** End of the address range the record concerns (exclusive). */
  default long highAddress() {
    return 0;
  }

  /**
   * True if {@code kind} (a name of {@code --trace-filter kind=}) describes this record. Every
   * record is of its {@link RecordType#label() type}; faults have more kinds (see {@link
   * FaultRecord#isKind}).
   */
  default boolean isKind(String kind) {
    return type().label().equals(kind);
  }
}
