package org.uvm4j.uvm.bench.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.swap.FileSwapDevice;
import org.uvm4j.uvm.swap.SwapPager;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Swap throughput, measured in one run against a plain sequential write and read of a file of the
 * same size on the same file system: page-out of dirty anon pages by the page daemon (MB/s),
 * page-in of swap-only anons (MB/s), and the cost of a fault that swaps a page in (µs).
 *
 * <p>A small main rather than JMH: each measurement is a bulk operation over tens of MiB whose
 * set-up (filling RAM, paging out) is larger than the operation itself. Usage: {@code
 * SwapThroughputBench [MiB=64] [rounds=3] [dir=java.io.tmpdir]}; prints one line per measurement
 * and round.
 */
public final class SwapThroughputBench {
  private static final int PG = PhysMem.PAGE_SIZE;
  private static final int CLUSTER = SwapPager.MAXCLUSTER * PG;

  private SwapThroughputBench() {}

  public static void main(String[] args) throws IOException, UvmException {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir =
        args.length > 2
            ? Path.of(args[2])
            : Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "swapbench");
    int pages = mib * 256;
    System.out.printf(
        "swap bench: %d MiB (%d pages), %d rounds, dir %s%n", mib, pages, rounds, dir);
    for (int r = 0; r < rounds; r++) {
      plainFile(dir, pages);
      pagerThroughput(dir, pages);
      swapInFaults(dir, Math.min(pages, 4096));
    }
    Files.deleteIfExists(dir.resolve("plain"));
    if (args.length <= 2) {
      Files.deleteIfExists(dir);
    }
  }

  private static double mbs(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  /** Baseline: sequential 64 KiB writes, then 4 KiB reads, of a new file of the same size. */
  private static void plainFile(Path dir, int pages) throws IOException {
    Path f = dir.resolve("plain");
    Files.deleteIfExists(f);
    ByteBuffer buf = ByteBuffer.allocateDirect(CLUSTER);
    byte[] fill = new byte[CLUSTER];
    Arrays.fill(fill, (byte) 0x5a);
    buf.put(fill).flip();
    long bytes = (long) pages * PG;
    try (FileChannel ch =
        FileChannel.open(
            f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long t0 = System.nanoTime();
      for (long pos = 0; pos < bytes; pos += CLUSTER) {
        buf.rewind();
        while (buf.hasRemaining()) {
          ch.write(buf, pos + buf.position());
        }
      }
      long t1 = System.nanoTime();
      ByteBuffer page = ByteBuffer.allocateDirect(PG);
      for (long pos = 0; pos < bytes; pos += PG) {
        page.clear();
        while (page.hasRemaining()) {
          ch.read(page, pos + page.position());
        }
      }
      long t2 = System.nanoTime();
      System.out.printf(
          "plain file   : write %8.1f MB/s (64 KiB)   read %8.1f MB/s (4 KiB)%n",
          mbs(bytes, t1 - t0), mbs(bytes, t2 - t1));
    }
    Files.delete(f);
  }

  /** Page-out of {@code pages} dirty anons by the daemon, then page-in of all of them. */
  private static void pagerThroughput(Path dir, int pages) throws IOException {
    Uvm uvm = new Uvm(UvmConfig.ofRam((long) (pages + 1024) * PG));
    SwapPager pager = SwapPager.attach(uvm);
    PageDaemon daemon = PageDaemon.attach(uvm, pager);
    pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), (long) pages * PG * 2, false), 0);
    try {
      byte[] fill = new byte[PG];
      List<Anon> anons = new ArrayList<>(pages);
      for (int i = 0; i < pages; i++) {
        Anon a = Anon.alloc(uvm);
        VmPage pg = uvm.pageAlloc(a);
        fill[0] = (byte) i;
        uvm.physMem().write(pg, 0, fill, 0, PG);
        pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE | VmPage.PG_CLEAN);
        uvm.pageDeactivate(pg);
        a.unlock();
        anons.add(a);
      }
      uvm.exp().freetarg = uvm.physMem().frameCount();
      long bytes = (long) pages * PG;
      long t0 = System.nanoTime();
      daemon.run();
      long t1 = System.nanoTime();
      if (uvm.exp().pgswapout != pages) {
        throw new IllegalStateException("paged out " + uvm.exp().pgswapout + " of " + pages);
      }
      for (Anon a : anons) {
        a.lock();
        if (pager.anonGet(a) != 0) {
          throw new IllegalStateException("page-in failed");
        }
        a.unlock();
      }
      long t2 = System.nanoTime();
      System.out.printf(
          "swap pager   : out   %8.1f MB/s (%d clusters)   in   %8.1f MB/s (%d page reads)%n",
          mbs(bytes, t1 - t0), uvm.exp().pdpageouts, mbs(bytes, t2 - t1), uvm.exp().pageins);
      for (Anon a : anons) {
        a.ref = 0;
        a.free(uvm);
      }
    } finally {
      pager.swap().close();
    }
  }

  /** The cost of a read fault on a swapped-out anon page, against a zero-fill fault. */
  private static void swapInFaults(Path dir, int pages) throws UvmException, IOException {
    Uvm uvm = new Uvm(UvmConfig.ofRam((long) (pages + 1024) * PG));
    SwapPager pager = SwapPager.attach(uvm);
    PageDaemon daemon = PageDaemon.attach(uvm, pager);
    pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), (long) pages * PG * 2, false), 0);
    try {
      Vmspace vm = Vmspace.create(uvm);
      long a = vm.mmap(MapRequest.anon((long) pages * PG, Prot.RW));
      long t0 = System.nanoTime();
      for (int i = 0; i < pages; i++) {
        check(vm.faultHandler().fault(vm, a + (long) i * PG, Prot.WRITE));
      }
      long t1 = System.nanoTime();
      uvm.pageQueues().lock().lock();
      try {
        while (uvm.pageQueues().activeHead() != null) {
          uvm.pageDeactivate(uvm.pageQueues().activeHead());
        }
      } finally {
        uvm.pageQueues().lock().unlock();
      }
      long targ = uvm.exp().freetarg;
      uvm.exp().freetarg = uvm.physMem().frameCount();
      daemon.run();
      uvm.exp().freetarg = targ;
      long t2 = System.nanoTime();
      for (int i = 0; i < pages; i++) {
        check(vm.faultHandler().fault(vm, a + (long) i * PG, Prot.READ));
      }
      long t3 = System.nanoTime();
      if (uvm.exp().pageins != pages) {
        throw new IllegalStateException("pageins " + uvm.exp().pageins + " != " + pages);
      }
      System.out.printf(
          "faults       : zero-fill %6.2f µs   swap-in %6.2f µs (%d pages)%n",
          (t1 - t0) / 1e3 / pages, (t3 - t2) / 1e3 / pages, pages);
      vm.free();
    } finally {
      pager.swap().close();
    }
  }

  private static void check(FaultResult r) {
    if (r != FaultResult.OK) {
      throw new IllegalStateException("fault " + r);
    }
  }
}
