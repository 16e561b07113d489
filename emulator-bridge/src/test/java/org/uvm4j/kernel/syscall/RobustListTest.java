package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;

/**
 * The robust futex list walked at thread and process exit (Linux's exit_robust_list and
 * handle_futex_death), on threads of the kernel fixture: owned words get OWNER_DIED and wake one
 * shared-keyed waiter, words of other owners are left alone, the pending entry is handled, and a
 * hostile list (circular, unmapped) cannot hang or break the exit.
 */
class RobustListTest {
  static final int WAIT = 0;
  static final int WAITERS = 0x80000000;
  static final int OWNER_DIED = 0x40000000;
  static final int MAP_SHARED_ANON = 0x21;

  /** The futex word is 8 bytes after its list entry (glibc's layout puts it at a fixed offset). */
  static final long OFFSET = 8;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  long mem;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    Proc parent = f.k.newProc();
    p = f.k.child(parent);
    mem = f.userMemory(p, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Writes a robust_list_head at {@code head}: first entry, futex offset, pending entry. */
  private void head(Proc t, long head, long first, long pending) {
    assertThat(f.mem(t).writeLong(head, first)).isZero();
    assertThat(f.mem(t).writeLong(head + 8, OFFSET)).isZero();
    assertThat(f.mem(t).writeLong(head + 16, pending)).isZero();
    assertThat(f.call(t, f.h.info()::setRobustList, head, 24)).isZero();
  }

  /** An entry at {@code entry} whose next is {@code next} and whose futex word is {@code word}. */
  private void entry(Proc t, long entry, long next, int word) {
    assertThat(f.mem(t).writeLong(entry, next)).isZero();
    assertThat(f.mem(t).writeInt(entry + OFFSET, word)).isZero();
  }

  @Test
  void aThreadExitMarksTheWordsItOwnsAndWakesOneWaiterOfEach() throws Exception {
    Proc t = f.k.thread(p);
    long head = mem;
    long a = mem + 64;
    long b = mem + 128;
    long c = mem + 192;
    head(t, head, a, 0);
    entry(t, a, b, t.tid() | WAITERS);
    entry(t, b, c, p.tid()); // another owner: untouched
    entry(t, c, head, t.tid()); // owned, no waiters
    assertThat(f.call(p, f.h.futex()::futex, a + OFFSET, WAIT, t.tid() | WAITERS, 0, 0, 0))
        .isEqualTo(Syscall.ERESTART);

    assertThat(f.call(t, f.h.process()::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);

    assertThat(f.readInt(p, a + OFFSET)).isEqualTo(WAITERS | OWNER_DIED);
    assertThat(f.readInt(p, b + OFFSET)).isEqualTo(p.tid());
    assertThat(f.readInt(p, c + OFFSET)).isEqualTo(OWNER_DIED);
    assertThat(f.call(p, f.h.futex()::futex, a + OFFSET, WAIT, t.tid() | WAITERS, 0, 0, 0))
        .as("the waiter was woken: its restarted wait returns 0")
        .isZero();
  }

  @Test
  void thePendingEntryIsHandledAndAnUnlockedPendingWordStillWakesAWaiter() throws Exception {
    Proc t = f.k.thread(p);
    long head = mem;
    long pending = mem + 64;
    head(t, head, head, pending); // an empty list, one operation pending
    entry(t, pending, head, 0);
    assertThat(f.call(p, f.h.futex()::futex, pending + OFFSET, WAIT, 0, 0, 0, 0))
        .isEqualTo(Syscall.ERESTART);

    assertThat(f.call(t, f.h.process()::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);

    assertThat(f.readInt(p, pending + OFFSET)).as("an unlocked word stays 0").isZero();
    assertThat(f.call(p, f.h.futex()::futex, pending + OFFSET, WAIT, 0, 0, 0, 0)).isZero();
  }

  @Test
  void aCircularListEndsAfterTheLimitAndTheExitCompletes() throws Exception {
    Proc t = f.k.thread(p);
    long head = mem;
    long a = mem + 64;
    long pending = mem + 128;
    head(t, head, a, pending);
    entry(t, a, a, t.tid()); // a loop that never returns to the head
    entry(t, pending, head, t.tid());

    assertThat(f.call(t, f.h.process()::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);

    assertThat(t.isAlive()).isFalse();
    assertThat(f.readInt(p, a + OFFSET)).isEqualTo(OWNER_DIED);
    assertThat(f.readInt(p, pending + OFFSET))
        .as("the pending entry is handled after a walk cut short by the limit")
        .isEqualTo(OWNER_DIED);
  }

  @Test
  void aListInUnmappedOrMisalignedMemoryIsIgnored() throws Exception {
    Proc t = f.k.thread(p);
    assertThat(f.call(t, f.h.info()::setRobustList, 0x10000, 24)).isZero();
    assertThat(f.call(t, f.h.process()::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(t.isAlive()).isFalse();

    Proc u = f.k.thread(p);
    long head = mem;
    long a = mem + 66; // a misaligned futex word ends the walk before the next entry
    long b = mem + 128;
    head(u, head, a, 0);
    assertThat(f.mem(u).writeLong(a, b)).isZero();
    assertThat(f.mem(u).writeInt(a + OFFSET, u.tid())).isZero();
    entry(u, b, head, u.tid());
    assertThat(f.call(u, f.h.process()::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(f.readInt(p, a + OFFSET)).isEqualTo(u.tid());
    assertThat(f.readInt(p, b + OFFSET)).isEqualTo(u.tid());
    assertThat(p.isAlive()).isTrue();
  }

  @Test
  void aProcessThatDiesHoldingAMutexInSharedMemoryMarksItForTheOtherProcess() throws Exception {
    long shared =
        f.call(p, f.h.memory()::mmap, 0, 4096, HandlerFixture.PROT_RW, MAP_SHARED_ANON, -1, 0);
    assertThat(shared).isPositive();
    Proc c = f.k.forkedChild(p);
    long head = mem; // the child's private copy of p's page
    long a = shared + 64;
    head(c, head, a, 0);
    entry(c, a, head, c.tid() | WAITERS);
    assertThat(f.call(p, f.h.futex()::futex, a + OFFSET, WAIT, c.tid() | WAITERS, 0, 0, 0))
        .isEqualTo(Syscall.ERESTART);

    assertThat(f.call(c, f.h.process()::exitGroup, 0)).isEqualTo(Syscall.EJUSTRETURN);

    assertThat(f.readInt(p, a + OFFSET)).isEqualTo(WAITERS | OWNER_DIED);
    assertThat(f.call(p, f.h.futex()::futex, a + OFFSET, WAIT, c.tid() | WAITERS, 0, 0, 0))
        .isZero();
  }
}
