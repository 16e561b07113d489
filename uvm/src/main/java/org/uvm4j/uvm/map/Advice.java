package org.uvm4j.uvm.map;

/**
 * Paging advice of a map entry ({@code UVM_ADV_NORMAL}, {@code UVM_ADV_RANDOM}, {@code
 * UVM_ADV_SEQUENTIAL}) and the fault neighbourhood it implies: how many pages behind and ahead of a
 * faulting page the fault handler maps when they are already resident ({@code uvmadvice[]} in
 * uvm_fault.c).
 */
public final class Advice {
  /** UVM_ADV_NORMAL: 3 pages back, 4 forward. */
  public static final int NORMAL = 0;

  /** UVM_ADV_RANDOM: no neighbours. */
  public static final int RANDOM = 1;

  /** UVM_ADV_SEQUENTIAL: 8 pages back, 7 forward. */
  public static final int SEQUENTIAL = 2;

  /** UVM_MAXRANGE: the largest neighbourhood (back + centre + forward). */
  public static final int MAXRANGE = 16;

  private static final int[] BACK = {3, 0, 8};
  private static final int[] FORWARD = {4, 0, 7};

  private Advice() {}

  /** uvm_fault.c: uvmadvice[advice].nback. */
  // uvm_fault.c: uvmadvice
  public static int back(int advice) {
    return BACK[advice];
  }

  /** uvm_fault.c: uvmadvice[advice].nforw. */
  // uvm_fault.c: uvmadvice
  public static int forward(int advice) {
    return FORWARD[advice];
  }

  /** True for one of the three advice values. */
  public static boolean isValid(int advice) {
    return advice >= NORMAL && advice <= SEQUENTIAL;
  }
}
