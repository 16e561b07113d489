package org.uvm4j.uvm.swap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapList;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.system.SwapObject;

/**
 * The swap side of the system audit: every allocated slot that is not bad belongs to exactly one
 * live anon or anonymous-object page, every anon slot is allocated and good, an anon's data is
 * "swap-only" exactly when it has a slot and no page, and the counters agree with the slots.
 *
 * <p>Call it between operations (no page-in, page-out or fault in progress).
 */
public final class SwapAudit {
  private SwapAudit() {}

  /** The distinct anons reachable from the amaps of {@code list} (each amap locked in turn). */
  public static Set<Anon> liveAnons(AmapList list) {
    Set<Anon> anons = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Amap amap : list.amaps()) {
      amap.lock();
      try {
        anons.addAll(amap.anons());
      } finally {
        amap.unlock();
      }
    }
    return anons;
  }

  /** Every violation found for {@code swap} against the live {@code anons} (empty: consistent). */
  public static List<String> problems(SwapManager swap, UvmExp exp, Set<Anon> anons) {
    return problems(swap, exp, anons, List.of());
  }

  /**
   * Every violation found for {@code swap} against the live {@code anons} and anonymous objects
   * {@code objects} (whose slots count as owned too: a slot of an object page with no resident page
   * is swap-only).
   */
  public static List<String> problems(
      SwapManager swap, UvmExp exp, Set<Anon> anons, List<SwapObject> objects) {
    List<String> out = new ArrayList<>();
    Map<Integer, Object> owner = new java.util.HashMap<>();
    long swapOnly = 0;
    for (Anon an : anons) {
      int slot = an.swslot;
      if (slot == 0 || slot == SwapManager.SWSLOT_BAD) {
        if (slot == SwapManager.SWSLOT_BAD && an.page != null) {
          out.add(an + " has SWSLOT_BAD but a resident page");
        }
        continue;
      }
      if (slot < 0) {
        out.add(an + " has a negative slot");
        continue;
      }
      Object other = owner.put(slot, an);
      if (other != null) {
        out.add("slot " + slot + " belongs to " + other + " and " + an);
      }
      if (!swap.isAllocated(slot)) {
        out.add(an + " holds slot " + slot + ", which is not allocated");
      } else if (swap.isBad(slot)) {
        out.add(an + " holds slot " + slot + ", which is marked bad");
      }
      boolean only = an.page == null;
      if (only) {
        swapOnly++;
      }
      if (swap.isSwapOnly(slot) != only) {
        out.add(
            an + ": slot " + slot + (only ? " not counted as swap-only" : " counted as swap-only"));
      }
    }
    long[] objOnly = new long[1];
    for (SwapObject o : objects) {
      o.forEachSwslot(
          (idx, slot, resident) -> {
            if (slot == SwapManager.SWSLOT_BAD) {
              return;
            }
            String who = o + " page " + idx;
            Object other = owner.put(slot, who);
            if (other != null) {
              out.add("slot " + slot + " belongs to " + other + " and " + who);
            }
            if (!swap.isAllocated(slot)) {
              out.add(who + " holds slot " + slot + ", which is not allocated");
            } else if (swap.isBad(slot)) {
              out.add(who + " holds slot " + slot + ", which is marked bad");
            }
            if (!resident) {
              objOnly[0]++;
            }
            if (swap.isSwapOnly(slot) == resident) {
              out.add(
                  who + ": slot " + slot + (resident ? " counted" : " not counted") + " swap-only");
            }
          });
    }
    swapOnly += objOnly[0];
    long[] good = new long[1];
    swap.forEachGoodSlot(
        s -> {
          good[0]++;
          if (!owner.containsKey(s)) {
            out.add("slot " + s + " is allocated but belongs to no live anon or object (leak)");
          }
        });
    if (exp.swpgonly != swapOnly) {
      out.add("swpgonly " + exp.swpgonly + " != swap-only anons " + swapOnly);
    }
    if (exp.swpginuse != good[0] + exp.swpgbad) {
      out.add("swpginuse " + exp.swpginuse + " != good " + good[0] + " + bad " + exp.swpgbad);
    }
    return out;
  }

  /**
   * Audits {@code swap} against every anon of {@code list}.
   *
   * @throws UvmPanic listing every violation
   */
  public static void check(SwapManager swap, UvmExp exp, AmapList list) {
    check(swap, exp, list, List.of());
  }

  /**
   * Audits {@code swap} against every anon of {@code list} and every anonymous object of {@code
   * objects} (e.g. {@code uvm.swapObjects().objects()}).
   *
   * @throws UvmPanic listing every violation
   */
  public static void check(SwapManager swap, UvmExp exp, AmapList list, List<SwapObject> objects) {
    List<String> problems = problems(swap, exp, liveAnons(list), objects);
    if (!problems.isEmpty()) {
      throw new UvmPanic(
          "swap audit: " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
  }
}
