package org.uvm4j.uvm.trace;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.observe.ForkCensus;

/**
 * Human-readable trace lines in the spirit of NetBSD's {@code UVMHIST}, one per record, at DEBUG on
 * the logger of the subsystem the record is about:
 *
 * <ul>
 *   <li>{@code uvm.fault}: every fault with its path; {@code uvm.amap}: faults that ran amap_copy;
 *   <li>{@code uvm.fork}: forks; {@code uvm.map}: munmap and mprotect;
 *   <li>{@code uvm.pdaemon}: page-daemon passes and page-outs; {@code uvm.swap}: page-ins;
 *   <li>{@code kern.proc}: process fork, exec and exit.
 * </ul>
 *
 * Lines start with {@code #seq v=vtime pid N}, so they line up with the JSON records. A line is
 * formatted only if its logger is enabled for DEBUG.
 */
public final class LogSink implements TraceSink {
  private static final Logger FAULT = LogManager.getLogger("uvm.fault");
  private static final Logger AMAP = LogManager.getLogger("uvm.amap");
  private static final Logger FORK = LogManager.getLogger("uvm.fork");
  private static final Logger MAP = LogManager.getLogger("uvm.map");
  private static final Logger PDAEMON = LogManager.getLogger("uvm.pdaemon");
  private static final Logger SWAP = LogManager.getLogger("uvm.swap");
  private static final Logger PROC = LogManager.getLogger("kern.proc");

  /** True if any of the loggers above is enabled for DEBUG (then tracing is worth turning on). */
  public static boolean anyEnabled() {
    return FAULT.isDebugEnabled()
        || AMAP.isDebugEnabled()
        || FORK.isDebugEnabled()
        || MAP.isDebugEnabled()
        || PDAEMON.isDebugEnabled()
        || SWAP.isDebugEnabled()
        || PROC.isDebugEnabled();
  }

  @Override
  public void write(TraceRecord r) {
    switch (r.type()) {
      case FAULT -> fault((FaultRecord) r);
      case FORK -> {
        if (FORK.isDebugEnabled()) {
          ForkRecord f = (ForkRecord) r;
          ForkCensus c = f.census();
          FORK.debug(
              "{} uvmspace_fork: {} entries (share {}, copy {}, none {}, zero {}); amaps shared {},"
                  + " referenced needs-copy {}, copied {}; {} pages copied now; child {} entries;"
                  + " {} ns",
              prefix(r),
              c.entries(),
              c.inheritShare(),
              c.inheritCopy(),
              c.inheritNone(),
              c.inheritZero(),
              c.amapsShared(),
              c.amapsReferenced(),
              c.amapsCopied(),
              c.pagesCopied(),
              c.childEntries(),
              f.costNanos());
        }
      }
      case MUNMAP -> {
        if (MAP.isDebugEnabled()) {
          UnmapRecord u = (UnmapRecord) r;
          MAP.debug(
              "{} munmap({}-{}): {} entries, {} resident pages unmapped, {} frames freed",
              prefix(r),
              Hex.of(u.start()),
              Hex.of(u.end()),
              u.entries(),
              u.residentUnmapped(),
              u.pagesFreed());
        }
      }
      case MPROTECT -> {
        if (MAP.isDebugEnabled()) {
          ProtectRecord p = (ProtectRecord) r;
          MAP.debug(
              "{} mprotect({}-{}, {}) = {}: {} entries, {} resident pages",
              prefix(r),
              Hex.of(p.start()),
              Hex.of(p.end()),
              org.uvm4j.uvm.Prot.toString(p.prot()),
              p.errno(),
              p.entries(),
              p.resident());
        }
      }
      case PAGEOUT -> {
        if (PDAEMON.isDebugEnabled()) {
          PageoutRecord p = (PageoutRecord) r;
          PDAEMON.debug(
              "{} pageout anon {} frame {} -> slot {}{}",
              prefix(r),
              p.anonId(),
              p.frame(),
              p.slot(),
              p.ok() ? "" : " FAILED (slot marked bad)");
        }
      }
      case PDAEMON -> {
        if (PDAEMON.isDebugEnabled()) {
          PdaemonRecord p = (PdaemonRecord) r;
          PDAEMON.debug(
              "{} pagedaemon: free {} -> {}, scanned {}, paged out {}, freed {}, {} ns",
              prefix(r),
              p.freeBefore(),
              p.freeAfter(),
              p.scanned(),
              p.pagedOut(),
              p.freed(),
              p.costNanos());
        }
      }
      case PAGEIN -> {
        if (SWAP.isDebugEnabled()) {
          PageinRecord p = (PageinRecord) r;
          SWAP.debug(
              "{} pagein anon {} slot {} -> frame {}{}",
              prefix(r),
              p.anonId(),
              p.slot(),
              p.frame(),
              p.ok() ? "" : " FAILED (bad slot)");
        }
      }
      case PROC -> {
        if (PROC.isDebugEnabled()) {
          ProcRecord p = (ProcRecord) r;
          switch (p.event()) {
            case FORK -> PROC.debug("{} forked from pid {}", prefix(r), p.parentPid());
            case EXEC -> PROC.debug("{} exec {}", prefix(r), p.path());
            case EXIT ->
                PROC.debug(
                    "{} exit {}",
                    prefix(r),
                    p.signal() > 0 ? "by signal " + p.signal() : "code " + p.exitCode());
          }
        }
      }
    }
  }

  private static void fault(FaultRecord f) {
    if (FAULT.isDebugEnabled()) {
      FAULT.debug(
          "{} uvm_fault(va={}, at={}{}, pc={}) {} ({} ns)",
          prefix(f),
          Hex.of(f.va()),
          FaultRecord.accessLabel(f.fault().access()),
          f.fault().wire() ? ", wire" : "",
          Hex.of(f.pc()),
          f.describePath(),
          f.costNanos());
    }
    if (f.amapCopy() != AmapCopy.NONE && AMAP.isDebugEnabled()) {
      AMAP.debug(
          "{} amap_copy({}) for entry {}-{} at va {}: amap {} ref {}",
          prefix(f),
          f.amapCopy().label(),
          Hex.of(f.fault().entryStart()),
          Hex.of(f.fault().entryEnd()),
          Hex.of(f.va()),
          f.fault().amapId(),
          f.fault().amapRef());
    }
  }

  private static String prefix(TraceRecord r) {
    return "#"
        + r.seq()
        + " v="
        + r.vtime()
        + " pid "
        + r.pid()
        + (r.tid() != r.pid() ? " tid " + r.tid() : "");
  }

  @Override
  public void flush() {
    // lines go to Log4j as they are made
  }

  @Override
  public void close() {
    // nothing held
  }
}
