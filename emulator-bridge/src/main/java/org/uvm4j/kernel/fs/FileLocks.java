package org.uvm4j.kernel.fs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * Advisory byte-range locks ({@code fcntl} F_SETLK/F_SETLKW/F_GETLK and the open-file-description
 * F_OFD_* forms) among the guest processes of one kernel, as Linux's {@code fs/locks.c} keeps them:
 * per file, a list of ranges each held by an owner — a process (POSIX locks) or an open description
 * (OFD locks). Read locks share, a write lock excludes every other owner; an owner's own locks
 * never conflict with each other and are merged or split as it changes them.
 *
 * <p>POSIX locks go when their process closes any descriptor of the file or exits; OFD locks when
 * their description is closed. Owners that are gone are dropped when next looked at (a dead pid, a
 * description with no reference), so a waiter re-checking finds the range free.
 *
 * <p>Deadlock: a process that would wait for a lock held by a process that (through a chain of
 * waits) waits for it gets EDEADLK, as Linux's {@code posix_locks_deadlock} (POSIX locks only).
 */
public final class FileLocks {
  public static final short F_RDLCK = 0;
  public static final short F_WRLCK = 1;
  public static final short F_UNLCK = 2;

  /** Which file: its device and inode. */
  public record FileKey(long dev, long ino) {}

  /**
   * One held range, {@code [start, end]} inclusive ({@code end == Long.MAX_VALUE}: to the end of
   * any file). {@code pid} is the owning process, {@code ofd} the owning description (OFD locks) or
   * null.
   */
  public record Lock(int type, long start, long end, int pid, OpenFile ofd) {
    boolean overlaps(long s, long e) {
      return start <= e && s <= end;
    }

    boolean sameOwner(int opid, OpenFile oofd) {
      return ofd != null ? ofd == oofd : (oofd == null && pid == opid);
    }
  }

  private final Map<FileKey, List<Lock>> files = new HashMap<>();

  /** pid → the pid it waits for (POSIX F_SETLKW sleepers), for deadlock detection. */
  private final Map<Integer, Integer> waitsFor = new HashMap<>();

  private final IntPredicate alive;
  private final WaitChannel channel = new WaitChannel("flock");

  /**
   * @param alive true for a pid whose process still holds its locks (not exited)
   */
  public FileLocks(IntPredicate alive) {
    this.alive = alive;
  }

  /** What F_SETLKW sleepers wait on (woken by every unlock). */
  public WaitChannel channel() {
    return channel;
  }

  private List<Lock> locks(FileKey k) {
    List<Lock> l = files.get(k);
    if (l == null) {
      return List.of();
    }
    l.removeIf(x -> x.ofd != null ? x.ofd.refs() <= 0 : !alive.test(x.pid));
    return l;
  }

  /** F_GETLK: the first lock of another owner that conflicts with the request, or null. */
  public Lock conflict(FileKey k, int type, long start, long end, int pid, OpenFile ofd) {
    for (Lock x : locks(k)) {
      if (!x.sameOwner(pid, ofd)
          && x.overlaps(start, end)
          && (type == F_WRLCK || x.type == F_WRLCK)) {
        return x;
      }
    }
    return null;
  }

  /**
   * F_SETLK(W): takes, changes or (F_UNLCK) releases the range for the owner.
   *
   * @param ofd the owning description for OFD locks, null for POSIX locks
   * @return null when done, else the conflicting lock (the caller answers EAGAIN or waits)
   * @throws UvmException EDEADLK when {@code wait} and waiting would close a cycle
   */
  public Lock set(FileKey k, int type, long start, long end, int pid, OpenFile ofd, boolean wait)
      throws UvmException {
    if (type != F_UNLCK) {
      Lock c = conflict(k, type, start, end, pid, ofd);
      if (c != null) {
        if (wait && ofd == null && c.ofd == null && deadlock(pid, c.pid)) {
          throw new UvmException(Errno.EDEADLK);
        }
        if (wait && ofd == null) {
          waitsFor.put(pid, c.pid);
        }
        return c;
      }
    }
    waitsFor.remove(pid);
    List<Lock> l = files.computeIfAbsent(k, x -> new ArrayList<>());
    List<Lock> keep = new ArrayList<>();
    long ns = start;
    long ne = end;
    for (Iterator<Lock> it = l.iterator(); it.hasNext(); ) {
      Lock x = it.next();
      if (!x.sameOwner(pid, ofd)) {
        continue;
      }
      boolean adjacent =
          x.type == type
              && (x.end != Long.MAX_VALUE && x.end + 1 == start
                  || end != Long.MAX_VALUE && end + 1 == x.start);
      if (!x.overlaps(start, end) && !adjacent) {
        continue;
      }
      it.remove();
      if (x.type == type) {
        ns = Math.min(ns, x.start); // merge with the same kind
        ne = Math.max(ne, x.end);
      } else {
        if (x.start < start) {
          keep.add(new Lock(x.type, x.start, start - 1, x.pid, x.ofd));
        }
        if (x.end > end) {
          keep.add(new Lock(x.type, end + 1, x.end, x.pid, x.ofd));
        }
      }
    }
    l.addAll(keep);
    if (type != F_UNLCK) {
      l.add(new Lock(type, ns, ne, pid, ofd));
    }
    if (l.isEmpty()) {
      files.remove(k);
    }
    return null;
  }

  /** True when {@code holder} waits, through a chain, for {@code pid}. */
  private boolean deadlock(int pid, int holder) {
    int h = holder;
    for (int steps = 0; steps < 64; steps++) { // Linux's MAX_DEADLK_ITERATIONS is 10
      if (h == pid) {
        return true;
      }
      Integer next = waitsFor.get(h);
      if (next == null || !alive.test(h)) {
        return false;
      }
      h = next;
    }
    return false;
  }

  /** A F_SETLKW sleeper gave up (signal): it waits for nobody any more. */
  public void stopWaiting(int pid) {
    waitsFor.remove(pid);
  }

  /** close(2) of any descriptor of the file by {@code pid}: drops its POSIX locks on it. */
  public boolean closed(FileKey k, int pid) {
    List<Lock> l = files.get(k);
    if (l == null) {
      return false;
    }
    boolean any = l.removeIf(x -> x.ofd == null && x.pid == pid);
    if (l.isEmpty()) {
      files.remove(k);
    }
    return any;
  }

  /** Locks held on {@code k} (for tests and diagnostics). */
  public List<Lock> held(FileKey k) {
    return List.copyOf(locks(k));
  }
}
