package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;

/** Record locks: conflicts, merging and splitting, owners, OFD locks, deadlock detection. */
class FileLocksTest {
  static final long MAX = Long.MAX_VALUE;
  final Set<Integer> dead = new HashSet<>();
  final FileLocks locks = new FileLocks(pid -> !dead.contains(pid));
  final FileLocks.FileKey k = new FileLocks.FileKey(1, 2);

  @Test
  void readLocksShareWriteLocksExclude() throws Exception {
    assertThat(locks.set(k, FileLocks.F_RDLCK, 0, 9, 1, null, false)).isNull();
    assertThat(locks.set(k, FileLocks.F_RDLCK, 5, 20, 2, null, false)).isNull();
    FileLocks.Lock c = locks.set(k, FileLocks.F_WRLCK, 8, 8, 3, null, false);
    assertThat(c).isNotNull();
    assertThat(c.pid()).isEqualTo(1);
    assertThat(locks.conflict(k, FileLocks.F_RDLCK, 0, MAX, 3, null)).isNull();
    assertThat(locks.conflict(k, FileLocks.F_WRLCK, 21, MAX, 3, null)).isNull();
    // the owner's own locks never conflict: pid 1 upgrades 0-9 only where pid 2 does not read
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 4, 1, null, false)).isNull();
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 9, 1, null, false).pid()).isEqualTo(2);
  }

  @Test
  void anOwnersRangesMergeAndSplit() throws Exception {
    locks.set(k, FileLocks.F_WRLCK, 0, 3, 1, null, false);
    locks.set(k, FileLocks.F_WRLCK, 4, 5, 1, null, false);
    assertThat(locks.held(k)).containsExactly(new FileLocks.Lock(FileLocks.F_WRLCK, 0, 5, 1, null));
    locks.set(k, FileLocks.F_UNLCK, 2, 3, 1, null, false);
    assertThat(locks.held(k))
        .containsExactlyInAnyOrder(
            new FileLocks.Lock(FileLocks.F_WRLCK, 0, 1, 1, null),
            new FileLocks.Lock(FileLocks.F_WRLCK, 4, 5, 1, null));
    locks.set(k, FileLocks.F_RDLCK, 0, MAX, 1, null, false); // becomes one read lock
    assertThat(locks.held(k))
        .containsExactly(new FileLocks.Lock(FileLocks.F_RDLCK, 0, MAX, 1, null));
    locks.set(k, FileLocks.F_UNLCK, 0, MAX, 1, null, false);
    assertThat(locks.held(k)).isEmpty();
  }

  @Test
  void closeAndExitDropPosixLocksOfThatProcessOnly() throws Exception {
    locks.set(k, FileLocks.F_WRLCK, 0, 0, 1, null, false);
    locks.set(k, FileLocks.F_WRLCK, 1, 1, 2, null, false);
    assertThat(locks.closed(k, 1)).isTrue();
    assertThat(locks.closed(k, 1)).isFalse();
    assertThat(locks.conflict(k, FileLocks.F_WRLCK, 0, 0, 3, null)).isNull();
    dead.add(2); // exited: its locks go when next looked at
    assertThat(locks.conflict(k, FileLocks.F_WRLCK, 1, 1, 3, null)).isNull();
    assertThat(locks.held(k)).isEmpty();
  }

  @Test
  void ofdLocksBelongToTheDescription() throws Exception {
    Pipe.Ends a = Pipe.create(Wakeup.NONE, 1, 0); // any two descriptions will do as owners
    OpenFile d1 = a.read();
    OpenFile d2 = a.write();
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 0, 1, d1, false)).isNull();
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 0, 1, d2, false)).isNotNull(); // same process
    assertThat(locks.conflict(k, FileLocks.F_WRLCK, 0, 0, 1, null)).isNotNull(); // POSIX too
    assertThat(locks.closed(k, 1)).isFalse(); // close() does not drop OFD locks
    d1.release(); // the description's last reference: its locks go
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 0, 1, d2, false)).isNull();
    d2.release();
  }

  @Test
  void waitingInACycleIsEdeadlk() throws Exception {
    locks.set(k, FileLocks.F_WRLCK, 0, 0, 1, null, false);
    locks.set(k, FileLocks.F_WRLCK, 1, 1, 2, null, false);
    locks.set(k, FileLocks.F_WRLCK, 2, 2, 3, null, false);
    assertThat(locks.set(k, FileLocks.F_WRLCK, 1, 1, 1, null, true)).isNotNull(); // 1 waits for 2
    assertThat(locks.set(k, FileLocks.F_WRLCK, 2, 2, 2, null, true)).isNotNull(); // 2 waits for 3
    assertErrno(() -> locks.set(k, FileLocks.F_WRLCK, 0, 0, 3, null, true), Errno.EDEADLK);
    // without waiting it is only a conflict
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 0, 3, null, false)).isNotNull();
    // once 1 stops waiting the chain is broken
    locks.stopWaiting(1);
    assertThat(locks.set(k, FileLocks.F_WRLCK, 0, 0, 3, null, true)).isNotNull();
  }
}
